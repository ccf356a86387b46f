"""``boundaries.geojson``: the optional real polygons of a scenario's kab/kota and kecamatan.

The file is an RFC 7946 GeoJSON ``FeatureCollection``; each feature names its region by the
Kemendagri dotted code in its ``code`` property (other properties are ignored) and has a
``Polygon`` or ``MultiPolygon`` geometry in WGS84 ``[lon, lat]``. Like every scenario file it
is read all or nothing: each problem is ``boundaries.geojson:FEATURE:PROPERTY: reason``, where
FEATURE is the feature's number (the first is 1) and PROPERTY its member (``properties.code``,
``geometry.coordinates``...); a file that is not JSON is reported at the line of the error.

``write_boundaries`` makes the file from what a Polda has: GeoJSON files in the format of the
shared reference data (``<x>_kabkota.geojson``, ``<x>_kecamatan.geojson``) or a
``boundaries.geojson``, and, where GeoPandas is installed, shapefiles of the same names;
filtered to one province and simplified so that the file stays small (Jambi's 11 kab/kota and
144 kecamatan: about 100 kB)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, shape
from shapely.geometry import Polygon as ShapelyPolygon

from pollguard.domain.boundary import BOUNDARY_LEVELS, Boundary, Polygon, Ring
from pollguard.domain.geo import INDONESIA_BOUNDS
from pollguard.domain.regions import Region, RegionLevel, is_region_code, level_of
from pollguard.scenario import kemendagri
from pollguard.scenario.problems import Problem

BOUNDARIES = "boundaries.geojson"
#: A bigger file is refused: a boundary file straight from BIG at 1:50,000 is tens of
#: megabytes, which the database, every map request and every PDF would carry.
MAX_BYTES = 20_000_000
#: How much ``write_boundaries`` simplifies (degrees, about 220 m): invisible on a province's
#: map and on an A4 page, and the file stays a few hundred kilobytes at most.
TOLERANCE = 0.002
DIGITS = 5  # about 1 m: more digits only make the file bigger
#: A region's point (``regions.csv``) farther than this outside its boundary is a warning.
POINT_OUTSIDE_KM = 2.0
_KM_PER_DEGREE = 111.2
#: The property that holds the region code, as the known sources spell it.
CODE_PROPERTIES = ("code", "kode", "kode_wilayah")


@dataclass(frozen=True)
class BoundariesRead:
    boundaries: tuple[Boundary, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    features: int = 0


class _Refused(Exception):  # noqa: N818 - a signal inside the reader, never raised out
    """One feature's first problem: its member (``properties.code``...) and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def read_boundaries(raw: bytes, regions: Mapping[str, Region], *, file: str = BOUNDARIES,
                    where: str = "regions.csv") -> BoundariesRead:
    """Parse and check a boundary file against the scenario's regions (by code; ``where``
    says where they come from). Return the boundaries, sorted by code, only when there is no
    problem."""
    if len(raw) > MAX_BYTES:
        return BoundariesRead(problems=[Problem(file, 1, "-", (
            f"{len(raw):,} bytes: at most {MAX_BYTES:,} are read; simplify the polygons "
            "(QGIS: Vector > Geometry Tools > Simplify, or `pollguard scenario build --geo`)"))])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return BoundariesRead(problems=[Problem(file, raw[: exc.start].count(b"\n") + 1, "-",
                                                f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")])
    except json.JSONDecodeError as exc:
        return BoundariesRead(problems=[Problem(file, exc.lineno, "-",
                                                f"not JSON: {exc.msg} (column {exc.colno})")])
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return BoundariesRead(problems=[Problem(file, 1, "type", "a GeoJSON FeatureCollection "
                                                "is expected ({\"type\": \"FeatureCollection\", "
                                                "\"features\": [...]})")])
    features = data.get("features")
    if not isinstance(features, list):
        return BoundariesRead(problems=[Problem(file, 1, "features", "a list of features is "
                                                "expected")])
    problems: list[Problem] = []
    found: dict[str, tuple[int, Boundary]] = {}
    for number, feature in enumerate(features, start=1):
        try:
            code = _code(feature, regions, where)
            boundary = Boundary(code, _polygons(feature.get("geometry")))
        except _Refused as why:
            problems.append(Problem(file, number, why.column, why.reason))
            continue
        if code in found:
            problems.append(Problem(file, number, "properties.code", f"{code} has a boundary "
                                    f"already (feature {found[code][0]})"))
            continue
        found[code] = (number, boundary)
    if problems:
        return BoundariesRead(problems=problems, features=len(features))
    warnings = _warnings(file, found, regions, where)
    return BoundariesRead(tuple(b for _, (_, b) in sorted(found.items())), [], warnings,
                          len(features))


def _code(feature: Any, regions: Mapping[str, Region], where: str) -> str:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _Refused("type", "a GeoJSON Feature is expected")
    properties = feature.get("properties")
    if not isinstance(properties, dict) or "code" not in properties:
        raise _Refused("properties.code", "missing: each feature names its region by its "
                       "Kemendagri code, e.g. \"code\": \"15.01\"")
    code = properties["code"]
    if not isinstance(code, str) or not is_region_code(code):
        raise _Refused("properties.code", f"not a Kemendagri region code: {code!r} (expected "
                       "e.g. 15.01 or 15.01.01)")
    if level_of(code) not in BOUNDARY_LEVELS:
        raise _Refused("properties.code", f"{code} is a {level_of(code).name.lower()}: "
                       "boundaries are read for kab/kota and kecamatan only")
    if code not in regions:
        raise _Refused("properties.code", f"{code} is not a region of {where}")
    return code


def _polygons(geometry: Any) -> tuple[Polygon, ...]:
    if not isinstance(geometry, dict):
        raise _Refused("geometry", "missing: a Polygon or MultiPolygon is expected")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        raw_polygons, paths = [coordinates], [""]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise _Refused("geometry.coordinates", "a MultiPolygon needs a list of polygons")
        raw_polygons, paths = coordinates, [f"[{i}]" for i in range(len(coordinates))]
    else:
        raise _Refused("geometry.type", f"{kind!r}: a Polygon or MultiPolygon is expected")
    polygons = tuple(_polygon(p, where) for p, where in zip(raw_polygons, paths, strict=True))
    for polygon, where in zip(polygons, paths, strict=True):
        shaped = ShapelyPolygon(polygon[0], polygon[1:])
        if not shaped.is_valid:
            raise _Refused("geometry.coordinates", f"polygon{where} is not valid: "
                           f"{shapely.is_valid_reason(shaped)}; repair it (QGIS: Fix "
                           "geometries) or write the file with `pollguard scenario build --geo`")
    return polygons


def _polygon(rings: Any, where: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise _Refused("geometry.coordinates", f"polygon{where} needs at least its outer ring")
    return tuple(_ring(r, f"{where}[{i}]") for i, r in enumerate(rings))


def _ring(ring: Any, where: str) -> Ring:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _Refused("geometry.coordinates", f"ring {where} needs at least 4 positions")
    out = []
    for i, position in enumerate(ring):
        if (not isinstance(position, list) or len(position) not in (2, 3)
                or not all(_number(v) for v in position)):
            raise _Refused("geometry.coordinates", f"position {where}[{i}] is not [lon, lat] "
                           f"in numbers: {position!r}"[:200])
        lon, lat = float(position[0]), float(position[1])
        if not (INDONESIA_BOUNDS.contains_lon(lon) and INDONESIA_BOUNDS.contains_lat(lat)):
            raise _Refused("geometry.coordinates", f"position {where}[{i}] [{lon:g}, {lat:g}] "
                           "is outside Indonesia (GeoJSON puts the longitude first)")
        out.append((lon, lat))
    if out[0] != out[-1]:
        raise _Refused("geometry.coordinates", f"ring {where} is not closed: its last position "
                       "must repeat its first")
    return tuple(out)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _warnings(file: str, found: Mapping[str, tuple[int, Boundary]],
              regions: Mapping[str, Region], where: str) -> list[Problem]:
    """A region point far outside its boundary (a code or a point that is wrong); regions of
    a level the file gives that it leaves out (drawn around their TPS)."""
    warnings = []
    for code, (number, boundary) in sorted(found.items()):
        region = regions[code]
        km = geometry(boundary).distance(shapely.Point(region.lon, region.lat)) * _KM_PER_DEGREE
        if km > POINT_OUTSIDE_KM:
            warnings.append(Problem(file, number, "geometry", (
                f"the point of {region.name} ({code}) in {where} lies {km:,.1f} km outside "
                "this boundary; check the code and the point")))
    for level in BOUNDARY_LEVELS:
        given = {c for c in found if level_of(c) == level}
        missing = sorted(c for c, r in regions.items() if r.level == level and c not in given)
        if given and missing:
            warnings.append(Problem(file, 1, "-", (
                f"{len(missing)} {_level_name(level)} have no boundary and are drawn around "
                f"their TPS: {', '.join(missing[:8])}" + (" ..." if len(missing) > 8 else ""))))
    return warnings


def _level_name(level: RegionLevel) -> str:
    return "kab/kota" if level == RegionLevel.KABKOTA else "kecamatan"


def geometry(boundary: Boundary) -> MultiPolygon:
    """A boundary as a shapely geometry (lon, lat), for whoever measures or simplifies it."""
    return MultiPolygon([(p[0], list(p[1:])) for p in boundary.polygons])


def from_geometry(code: str, shaped: Any) -> Boundary | None:
    """A boundary from a shapely (Multi)Polygon; None when nothing polygonal is left."""
    parts = [g for g in getattr(shaped, "geoms", [shaped])
             if isinstance(g, ShapelyPolygon) and not g.is_empty]
    if not parts:
        return None

    def ring(coords: Iterable[Any]) -> Ring:
        return tuple((round(x, DIGITS), round(y, DIGITS)) for x, y, *_ in coords)

    return Boundary(code, tuple(
        (ring(p.exterior.coords), *(ring(h.coords) for h in p.interiors)) for p in parts))


# --- writing ---------------------------------------------------------------------------------

def write_file(path: Path, boundaries: Iterable[Boundary], names: Mapping[str, str]) -> None:
    """Write ``boundaries.geojson``: a feature per region by code, with its name for whoever
    opens the file in a GIS; the same boundaries always give the same bytes."""
    features = []
    for b in sorted(boundaries, key=lambda b: b.code):
        coordinates: Any = [[list(map(list, ring)) for ring in p] for p in b.polygons]
        geometry_ = ({"type": "Polygon", "coordinates": coordinates[0]}
                     if len(coordinates) == 1 else
                     {"type": "MultiPolygon", "coordinates": coordinates})
        features.append({"type": "Feature",
                         "properties": {"code": b.code, "name": names.get(b.code, "")},
                         "geometry": geometry_})
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write_boundaries(geo: Path, province_code: str, folder: Path) -> int:
    """Write ``folder/boundaries.geojson`` from the boundary files in ``geo`` (see the module's
    text) for the kab/kota and kecamatan of ``province_code`` that Kemendagri knows, each
    simplified by ``TOLERANCE`` (topology kept: no ring crosses itself). Returns how many
    regions it wrote; with no boundary file in ``geo`` it writes nothing and returns 0."""
    official = {r.code: r.name for r in kemendagri.official_regions(province_code)
                if r.kind.level in BOUNDARY_LEVELS}
    found: dict[str, Any] = {}
    for feature in _source_features(Path(geo)):
        properties = feature.get("properties") or {}
        code = next((str(properties[k]) for k in CODE_PROPERTIES if properties.get(k)), "")
        if code not in official or code in found or not feature.get("geometry"):
            continue
        shaped = shape(feature["geometry"])
        if not shaped.is_valid:
            shaped = shapely.make_valid(shaped)
        simplified = shapely.simplify(shaped, TOLERANCE, preserve_topology=True)
        boundary = from_geometry(code, simplified)
        if boundary is not None and not geometry(boundary).is_valid:  # rounding can pinch
            boundary = from_geometry(code, shapely.make_valid(geometry(boundary)))
        if boundary is not None:
            found[code] = boundary
    if not found:
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / BOUNDARIES, found.values(), official)
    return len(found)


def _source_features(geo: Path) -> list[dict[str, Any]]:
    """The features of the boundary files in ``geo``: its ``boundaries.geojson`` if it has
    one, else every ``*_kabkota`` and ``*_kecamatan`` GeoJSON file (and shapefile, where
    GeoPandas is installed)."""
    if (geo / BOUNDARIES).is_file():
        paths = [geo / BOUNDARIES]
    else:
        paths = sorted(p for level in ("kabkota", "kecamatan")
                       for ext in ("geojson", "shp") for p in geo.glob(f"*_{level}.{ext}"))
    features: list[dict[str, Any]] = []
    for path in paths:
        if path.suffix == ".shp":
            features += _shapefile_features(path)
        else:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            features += [f for f in data.get("features", []) if isinstance(f, dict)]
    return features


def _shapefile_features(path: Path) -> list[dict[str, Any]]:
    """A shapefile's features in WGS84 through GeoPandas (an optional dependency: without it
    shapefiles are skipped), with the code property found whatever its case."""
    try:
        import geopandas
    except ImportError:
        return []
    frame = geopandas.read_file(path)
    if frame.crs is not None:
        frame = frame.to_crs(4326)
    out = []
    for feature in frame.__geo_interface__["features"]:
        properties = {str(k).lower(): v for k, v in (feature.get("properties") or {}).items()}
        out.append({"type": "Feature", "properties": properties,
                    "geometry": feature.get("geometry")})
    return out
