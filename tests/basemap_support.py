"""Tiny raster tile archives made in the tests (no third-party tiles in the repository): solid
256x256 PNG tiles of one colour, in MBTiles (rows counted from the bottom, TMS) and in
PMTiles (made with the ``pmtiles`` package's writer), over a box of longitude and latitude at
a few zooms. Imported by the basemap tests (``from basemap_support import ...``)."""

from __future__ import annotations

import io
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

Tile = tuple[int, int, int, bytes]  # XYZ z, x, y (rows from the top) and the tile's bytes
MAGENTA = (255, 0, 255)
CYAN = (0, 255, 255)


def solid_png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile that holds (lon, lat) at zoom z (Web Mercator)."""
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)
    return x, y


def covering(box: tuple[float, float, float, float], zooms: Iterable[int],
             data: bytes) -> list[Tile]:
    """Every tile over ``box`` (west, south, east, north) at each of ``zooms``."""
    west, south, east, north = box
    tiles = []
    for z in zooms:
        x0, y0 = tile_xy(west, north, z)
        x1, y1 = tile_xy(east, south, z)
        tiles += [(z, x, y, data) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return tiles


def make_mbtiles(path: Path, tiles: Iterable[Tile], metadata: dict[str, str]) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                     "tile_row INTEGER, tile_data BLOB)")
        conn.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, "
                     "tile_row)")
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        conn.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                         [(z, x, (1 << z) - 1 - y, data) for z, x, y, data in tiles])
    conn.close()
    return path


def make_pmtiles(path: Path, tiles: Iterable[Tile], metadata: dict[str, str],
                 box: tuple[float, float, float, float] | None = None,
                 tile_type: TileType = TileType.PNG) -> Path:
    by_id = sorted((zxy_to_tileid(z, x, y), data) for z, x, y, data in tiles)
    header: dict[str, object] = {"tile_type": tile_type, "tile_compression": Compression.NONE}
    if box:
        west, south, east, north = box
        header.update(min_lon_e7=round(west * 1e7), min_lat_e7=round(south * 1e7),
                      max_lon_e7=round(east * 1e7), max_lat_e7=round(north * 1e7))
    with write(str(path)) as writer:
        for tile_id, data in by_id:
            writer.write_tile(tile_id, data)
        writer.finalize(header, metadata)
    return path
