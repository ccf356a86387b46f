"""A region's real boundary: the polygons a Polda's map office (BIG, Kemendagri) draws for a
kab/kota or a kecamatan.

Kept as plain tuples of ``(lon, lat)`` rings, as GeoJSON orders them, so the domain holds no
geometry library: whoever draws or measures a boundary (the scenario reader, the map, the
PDFs) builds its own shapes from them. Without a boundary a region is drawn from its TPS."""

from __future__ import annotations

from dataclasses import dataclass

from pollguard.domain.regions import RegionLevel, level_of

#: A closed ring of ``(lon, lat)`` positions: the first position is repeated at the end.
Ring = tuple[tuple[float, float], ...]
#: A polygon: its outer ring first, then its holes (Kota Sungai Penuh is a hole in Kerinci).
Polygon = tuple[Ring, ...]
#: The levels a boundary may be given for: desa polygons are not needed to plan or to draw.
BOUNDARY_LEVELS = (RegionLevel.KABKOTA, RegionLevel.KECAMATAN)


@dataclass(frozen=True, slots=True)
class Boundary:
    """The boundary of one kab/kota or kecamatan: one polygon, or several for a region with
    islands (a ``MultiPolygon``)."""

    code: str
    polygons: tuple[Polygon, ...]

    @property
    def level(self) -> RegionLevel:
        return level_of(self.code)

    @property
    def vertices(self) -> int:
        """Positions in every ring: what a map must draw (and the size of the file)."""
        return sum(len(ring) for polygon in self.polygons for ring in polygon)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the outer rings, in degrees."""
        lons = [p[0] for polygon in self.polygons for p in polygon[0]]
        lats = [p[1] for polygon in self.polygons for p in polygon[0]]
        return min(lons), min(lats), max(lons), max(lats)
