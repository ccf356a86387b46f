"""``open_archive``: tells the two formats apart by their first bytes, not by the file's name
(an archive renamed on a USB stick is still read)."""

from __future__ import annotations

from pathlib import Path

from pollguard.basemap.archive import ArchiveError, TileArchive
from pollguard.basemap.mbtiles_archive import MBTilesArchive
from pollguard.basemap.pmtiles_archive import PMTilesArchive

SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"


def open_archive(path: Path | str) -> TileArchive:
    """Open the MBTiles or PMTiles archive at ``path`` read-only, checking that it holds raster
    tiles; ``ArchiveError`` says what is wrong with it otherwise."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ArchiveError(path, "berkas tidak ada", "no such file")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise ArchiveError(path, f"tidak dapat dibaca ({exc.strerror})",
                           f"cannot be read ({exc.strerror})") from None
    if head.startswith(SQLITE_MAGIC):
        return MBTilesArchive.open(path)
    if head.startswith(PMTILES_MAGIC):
        return PMTilesArchive.open(path)
    raise ArchiveError(path, "bukan arsip MBTiles atau PMTiles",
                       "not an MBTiles or PMTiles archive")
