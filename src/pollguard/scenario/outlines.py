"""How each kab/kota and kecamatan is drawn: its real boundary when the scenario has one
(``boundaries.geojson``), else a hull around its TPS, so that a map needs no basemap. One
definition for the web map and the PDFs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import shapely
from shapely.ops import polylabel

from pollguard.domain.boundary import BOUNDARY_LEVELS, Polygon
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario
from pollguard.scenario.boundaries import from_geometry, geometry

#: What the web map simplifies real boundaries by (degrees, about 110 m): a user's own file
#: may be far more detailed than a screen shows, and every map request carries it.
WEB_TOLERANCE = 0.001
_HULL_MARGIN = 0.01  # degrees around the outermost TPS: a hull's line does not cut a dot


@dataclass(frozen=True, slots=True)
class Outline:
    """A region's shape on a map: ``(lon, lat)`` rings as a ``Boundary`` holds them, whether
    they are the real boundary (``real``) or a hull around the TPS, and a point well inside
    (``label``, lon and lat) for its name: a bounding box's centre may lie outside a bent
    region or inside its hole (Kerinci's is near Sungai Penuh)."""

    code: str
    level: RegionLevel
    polygons: tuple[Polygon, ...]
    real: bool
    label: tuple[float, float]


def region_outlines(scenario: Scenario, *, tolerance: float = 0.0,
                    hulls: bool = True) -> dict[str, Outline]:
    """Every kab/kota and kecamatan that has a boundary or (with ``hulls``) TPS, by code:
    real boundaries simplified by ``tolerance`` degrees (0: as given), hulls otherwise."""
    out: dict[str, Outline] = {}
    for b in scenario.boundaries:
        shaped = geometry(b)
        if tolerance:
            simplified = from_geometry(b.code, shapely.simplify(shaped, tolerance,
                                                                preserve_topology=True))
            b = simplified or b
        out[b.code] = Outline(b.code, b.level, b.polygons, True, _label(shaped))
    if not hulls:
        return out
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for t in scenario.tps:
        for level in BOUNDARY_LEVELS:
            points[ancestor_at(t.desa_code, level)].append((t.lon, t.lat))
    for code, pts in sorted(points.items()):
        if code in out:
            continue
        hull = shapely.MultiPoint(pts).convex_hull.buffer(_HULL_MARGIN, quad_segs=2)
        found = from_geometry(code, hull)
        if found is not None and hull.geom_type == "Polygon":
            out[code] = Outline(code, found.level, found.polygons, False, _label(hull))
    return dict(sorted(out.items()))


def map_name(name: str) -> str:
    """A region's name as a map prints it: "Kab. Tanjung Jabung Barat" for "Kabupaten ...",
    as Indonesian maps do (a long name hides its neighbours' more often); "Kota Jambi" and a
    kecamatan's name stay whole."""
    return "Kab. " + name.removeprefix("Kabupaten ") if name.startswith("Kabupaten ") else name


def _label(shaped: shapely.Geometry) -> tuple[float, float]:
    """The pole of inaccessibility of the largest part: the point farthest inside it."""
    parts = list(getattr(shaped, "geoms", [shaped]))
    largest = max(parts, key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.002)
    return round(point.x, 4), round(point.y, 4)


def real_outlines(scenario: Scenario, tolerance: float = 0.0) -> list[Outline]:
    """Only the real boundaries (what the PDFs draw: a hull on paper would look like a
    border it is not), simplified by ``tolerance`` degrees."""
    return list(region_outlines(scenario, tolerance=tolerance, hulls=False).values())
