"""Plausibility checks on where things are: refusals for points outside Indonesia, warnings
for a TPS far from its desa or kecamatan, the area an officer's desa binaan must lie in.
Shared by the scenario folder and the importers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pollguard.domain.forces import CommandUnit, UnitKind
from pollguard.domain.geo import INDONESIA_BOUNDS, BoundingBox, Point, haversine_km
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.tps import PollingStation
from pollguard.scenario.problems import Problem


def outside_problems(file: str, line: int, lat: tuple[str, float | None],
                     lon: tuple[str, float | None],
                     bounds: BoundingBox = INDONESIA_BOUNDS) -> list[Problem]:
    """A problem for the latitude and for the longitude (each a (column, value) pair; a value
    of ``None`` is absent) that lie outside ``bounds``."""
    problems = []
    (lat_column, lat_value), (lon_column, lon_value) = lat, lon
    if lat_value is not None and not bounds.contains_lat(lat_value):
        problems.append(Problem(file, line, lat_column, f"latitude {lat_value:g} is outside "
                                f"Indonesia ({bounds.south:g} to {bounds.north:g})"))
    if lon_value is not None and not bounds.contains_lon(lon_value):
        problems.append(Problem(file, line, lon_column, f"longitude {lon_value:g} is outside "
                                f"Indonesia ({bounds.west:g} to {bounds.east:g})"))
    return problems


@dataclass(frozen=True, slots=True)
class TpsDistanceLimits:
    """How far a TPS may lie from its desa's point and from its kecamatan's before a warning
    (the doctrine profile's ``[scenario]`` keys)."""

    from_desa_km: float
    from_kecamatan_km: float


def distance_warnings(file: str, stations: Iterable[tuple[int, PollingStation]],
                      points: Mapping[str, Point], limits: TpsDistanceLimits,
                      column: str = "lat") -> list[Problem]:
    """A warning for each TPS (with its line) farther than the limits from the point of its
    desa or, failing that, of its kecamatan. ``points`` maps region codes to their points; a
    region without a point is not compared with."""
    warnings = []
    for line, tps in stations:
        here = Point(tps.lat, tps.lon)
        kecamatan = ancestor_at(tps.desa_code, RegionLevel.KECAMATAN)
        for code, what, limit, key in (
                (tps.desa_code, "desa/kelurahan", limits.from_desa_km, "tps_max_km_from_desa"),
                (kecamatan, "kecamatan", limits.from_kecamatan_km,
                 "tps_max_km_from_kecamatan")):
            point = points.get(code)
            if point is None:
                continue
            km = haversine_km(here, point)
            if km > limit:
                warnings.append(Problem(
                    file, line, column, f"TPS {tps.tps_id} at {tps.lat:.6f}, {tps.lon:.6f} is "
                    f"{km:,.1f} km from the point of its {what} {code} (the profile warns "
                    f"beyond {limit:g} km: [scenario] {key}); check its lat/lon"))
                break
    return warnings


def binaan_unit(unit_code: str, units: Mapping[str, CommandUnit]) -> CommandUnit | None:
    """The unit whose jurisdiction an officer's desa binaan must lie in, given the officer's
    home unit: the Polres itself, or the Polres above a Polsek (a Bhabinkamtibmas may be
    moved between the Polsek of his Polres, not beyond it); a Polda or satker officer's own
    unit. ``None`` for an unknown unit (reported elsewhere)."""
    unit = units.get(unit_code)
    if unit is not None and unit.kind == UnitKind.POLSEK and unit.parent_code:
        return units.get(unit.parent_code, unit)
    return unit


def within(region_code: str, jurisdiction: Iterable[str]) -> bool:
    """Whether a region lies in a jurisdiction (a set of region codes at any level): dotted
    codes nest, so a desa lies in each region whose code starts its own."""
    return any(region_code == code or region_code.startswith(code + ".")
               for code in jurisdiction)
