"""What every tile archive offers the web layer, and what both formats share.

Both formats store tiles by zoom, column and row; the row is counted from the top (the XYZ
scheme Leaflet asks for) in PMTiles and from the bottom (TMS) in MBTiles, which flips it."""

from __future__ import annotations

import html
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

# The raster formats a browser draws in an <img>, by the names archives give them.
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
               "webp": "image/webp", "avif": "image/avif"}
VECTOR_FORMATS = {"pbf", "mvt", "mlt"}


class ArchiveError(ValueError):
    """A basemap archive that cannot be served, with the reason in Bahasa Indonesia and
    English and the file's path, so that the server refuses to start rather than drawing a map
    with holes."""

    def __init__(self, path: Path, reason_id: str, reason_en: str) -> None:
        super().__init__(f"peta dasar {path}: {reason_id} / basemap {path}: {reason_en}")
        self.path = path


@dataclass(frozen=True)
class ArchiveInfo:
    """What the map needs to know to ask only for tiles the archive has."""

    kind: str  # "mbtiles" or "pmtiles"
    format: str  # "png", "jpg", "webp" or "avif"
    media_type: str
    min_zoom: int
    max_zoom: int
    # (west, south, east, north) in degrees, or None when the archive does not say.
    bounds: tuple[float, float, float, float] | None
    attribution: str  # plain text (archives often carry HTML links; a page shows text only)
    name: str


def tile_in_range(z: int, x: int, y: int) -> bool:
    """Whether (z, x, y) names a tile at all (a request outside it is a 404, not an error)."""
    return 0 <= z <= 30 and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def sniff_format(data: bytes) -> str | None:
    """The raster format of one tile from its first bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    return None


def plain_text(value: str) -> str:
    """An attribution as text: tags dropped, entities read (``&copy;`` becomes the sign)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", value)).split())


def check_bounds(path: Path, bounds: tuple[float, float, float, float]
                 ) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ArchiveError(path, f"batas (bounds) tidak masuk akal: {bounds}",
                           f"bounds make no sense: {bounds}")
    return bounds


def check_zoom(path: Path, min_zoom: int, max_zoom: int) -> int:
    """``min_zoom``, once both make sense together."""
    if not 0 <= min_zoom <= max_zoom <= 30:
        raise ArchiveError(path, f"zoom {min_zoom}..{max_zoom} tidak masuk akal",
                           f"zoom {min_zoom}..{max_zoom} makes no sense")
    return min_zoom


class TileArchive(ABC):
    """An open archive. ``tile`` is called from the server's worker threads at once."""

    def __init__(self, path: Path, info: ArchiveInfo) -> None:
        self.path = path
        self.info = info

    @abstractmethod
    def _read(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ (z, x, y), already checked to be in range, or None."""

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The bytes of the tile at XYZ (z, x, y), or None when the archive has none there."""
        if not tile_in_range(z, x, y) or not self.info.min_zoom <= z <= self.info.max_zoom:
            return None
        return self._read(z, x, y)

    @abstractmethod
    def close(self) -> None:
        """Let go of the file."""


def raster_format(path: Path, name: str | None, sample: bytes | None) -> tuple[str, str]:
    """(format, media type) from the archive's own word for it, or from a sample tile's bytes
    when it says nothing; vector tiles and unknown formats are refused."""
    given = (name or "").strip().lower()
    if given in VECTOR_FORMATS:
        raise ArchiveError(path, "berisi tile vektor; peta ini menggambar tile raster (PNG, "
                                 "JPEG, WebP): ekspor arsip raster",
                           "holds vector tiles; this map draws raster tiles (PNG, JPEG, WebP): "
                           "export a raster archive")
    found = given or (sniff_format(sample) if sample else None) or ""
    if found not in MEDIA_TYPES:
        raise ArchiveError(path, f"format tile tidak dikenal: {found or '(kosong)'}",
                           f"unknown tile format: {found or '(none)'}")
    return ("jpg" if found == "jpeg" else found), MEDIA_TYPES[found]
