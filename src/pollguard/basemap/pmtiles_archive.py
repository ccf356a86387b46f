"""PMTiles version 3 (one file: a header, directories of tile ids, the tiles), read with the
``pmtiles`` package through a read-only memory map of the file.

The header says the tiles' type and compression, the zoom range and the bounds; the JSON
metadata the attribution and name. A memory-mapped read is safe from many threads at once."""

from __future__ import annotations

import gzip
import mmap
from pathlib import Path
from typing import IO, Any

from pmtiles.reader import Reader
from pmtiles.tile import (
    Compression,
    MagicNumberNotFound,
    SpecVersionUnsupported,
    TileType,
    deserialize_header,
)

from pollguard.basemap.archive import (
    ArchiveError,
    ArchiveInfo,
    TileArchive,
    check_bounds,
    check_zoom,
    plain_text,
    raster_format,
)

# "png", "jpeg", "webp", "avif", "mvt", ...: the words raster_format knows (or refuses).
_TYPE_NAMES = {t: t.name.lower() for t in TileType if t != TileType.UNKNOWN}


class PMTilesArchive(TileArchive):
    def __init__(self, path: Path, info: ArchiveInfo, file: IO[bytes], mapping: mmap.mmap,
                 gzipped: bool) -> None:
        super().__init__(path, info)
        self._file, self._mapping, self._gzipped = file, mapping, gzipped
        self._reader = Reader(self._bytes)

    def _bytes(self, offset: int, length: int) -> bytes:
        return self._mapping[offset:offset + length]

    @classmethod
    def open(cls, path: Path) -> PMTilesArchive:
        file = path.open("rb")
        try:
            mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            file.close()
            raise ArchiveError(path, f"tidak dapat dibaca ({exc})", f"cannot be read ({exc})"
                               ) from None
        try:
            info, gzipped = cls._info(path, mapping)
        except Exception:
            mapping.close()
            file.close()
            raise
        return cls(path, info, file, mapping, gzipped)

    @staticmethod
    def _info(path: Path, mapping: mmap.mmap) -> tuple[ArchiveInfo, bool]:
        try:
            header: Any = deserialize_header(mapping[0:127])
        except SpecVersionUnsupported:
            raise ArchiveError(path, "bukan PMTiles versi 3: ubah dengan `pmtiles convert`",
                               "not PMTiles version 3: convert it with `pmtiles convert`"
                               ) from None
        except (MagicNumberNotFound, ValueError, IndexError) as exc:
            raise ArchiveError(path, f"kepala PMTiles rusak ({exc!r})",
                               f"damaged PMTiles header ({exc!r})") from None
        compression = header["tile_compression"]
        if compression not in (Compression.NONE, Compression.UNKNOWN, Compression.GZIP):
            raise ArchiveError(path, f"kompresi tile {compression.name} tidak didukung",
                               f"tile compression {compression.name} is not supported")
        fmt, media = raster_format(path, _TYPE_NAMES.get(header["tile_type"]), None)
        try:
            metadata = Reader(lambda offset, length: mapping[offset:offset + length]).metadata()
        except Exception as exc:  # gzip, JSON or a cut file: all mean a damaged archive
            raise ArchiveError(path, f"metadata rusak ({exc!r})", f"damaged metadata ({exc!r})"
                               ) from None
        if not isinstance(metadata, dict):
            metadata = {}
        bounds = None
        e7 = [header[k] for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")]
        if any(e7):
            west, south, east, north = (v / 1e7 for v in e7)
            bounds = check_bounds(path, (west, south, east, north))
        min_zoom, max_zoom = int(header["min_zoom"]), int(header["max_zoom"])
        info = ArchiveInfo(
            kind="pmtiles", format=fmt, media_type=media,
            min_zoom=check_zoom(path, min_zoom, max_zoom), max_zoom=max_zoom, bounds=bounds,
            attribution=plain_text(str(metadata.get("attribution") or "")),
            name=str(metadata.get("name") or "") or path.stem)
        return info, compression == Compression.GZIP

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        data = self._reader.get(z, x, y)
        if data is None:
            return None
        return gzip.decompress(data) if self._gzipped else bytes(data)

    def close(self) -> None:
        self._mapping.close()
        self._file.close()
