"""MBTiles (an SQLite file: ``tiles(zoom_level, tile_column, tile_row, tile_data)`` with rows
counted from the bottom, TMS, and a ``metadata(name, value)`` table), opened read-only.

The file is opened through an SQLite URI with ``mode=ro``: SQLite then never writes to it nor
makes a journal beside it, and an archive on a read-only stick or with read-only permissions
opens as well. One connection is shared by the server's threads behind a lock: a tile is one
indexed lookup, far cheaper than the request around it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from pollguard.basemap.archive import (
    ArchiveError,
    ArchiveInfo,
    TileArchive,
    check_bounds,
    check_zoom,
    plain_text,
    raster_format,
)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)


def _bounds(path: Path, value: str | None) -> tuple[float, float, float, float] | None:
    if not value or not value.strip():
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise ArchiveError(path, f"metadata bounds bukan 'barat,selatan,timur,utara': {value!r}",
                           f"metadata bounds is not 'west,south,east,north': {value!r}"
                           ) from None
    return check_bounds(path, (west, south, east, north))


def _zoom(path: Path, name: str, value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ArchiveError(path, f"metadata {name} bukan bilangan bulat: {value!r}",
                           f"metadata {name} is not a whole number: {value!r}") from None


class MBTilesArchive(TileArchive):
    def __init__(self, path: Path, info: ArchiveInfo, conn: sqlite3.Connection) -> None:
        super().__init__(path, info)
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> MBTilesArchive:
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise ArchiveError(path, f"tidak dapat dibuka: {exc}", f"cannot be opened: {exc}"
                               ) from None
        try:
            info = cls._info(path, conn)
        except sqlite3.Error as exc:
            conn.close()
            raise ArchiveError(path, f"bukan MBTiles yang sah ({exc})",
                               f"not a valid MBTiles archive ({exc})") from None
        except ArchiveError:
            conn.close()
            raise
        return cls(path, info, conn)

    @staticmethod
    def _info(path: Path, conn: sqlite3.Connection) -> ArchiveInfo:
        meta = {str(name): str(value) for name, value in
                conn.execute("SELECT name, value FROM metadata") if value is not None}
        sample = conn.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        if sample is None or sample[0] is None:
            raise ArchiveError(path, "tidak berisi satu tile pun", "holds no tiles")
        fmt, media = raster_format(path, meta.get("format"), bytes(sample[0]))
        min_zoom = _zoom(path, "minzoom", meta.get("minzoom"))
        max_zoom = _zoom(path, "maxzoom", meta.get("maxzoom"))
        if min_zoom is None or max_zoom is None:  # only then: a scan on a large archive
            low, high = conn.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
            min_zoom = int(low) if min_zoom is None else min_zoom
            max_zoom = int(high) if max_zoom is None else max_zoom
        return ArchiveInfo(
            kind="mbtiles", format=fmt, media_type=media,
            min_zoom=check_zoom(path, min_zoom, max_zoom), max_zoom=max_zoom,
            bounds=_bounds(path, meta.get("bounds")),
            attribution=plain_text(meta.get("attribution", "")),
            name=meta.get("name", "") or path.stem)

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        tms_row = (1 << z) - 1 - y
        with self._lock:
            row = self._conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                "AND tile_row = ?", (z, x, tms_row)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
