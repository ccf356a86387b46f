"""A province's forces: the Polda, its satker, a Polres per kab/kota and a Polsek per
kecamatan, the named roster that staffs them, the TNI and the races on the ballot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from faker.providers.person.id_ID import Provider as IdNames

from pollguard.domain.forces import Branch, CommandUnit, ForceCount, Officer, Rank, UnitKind
from pollguard.domain.geo import Point
from pollguard.domain.plan import Race
from pollguard.domain.regions import RegionKind
from pollguard.domain.tps import Election
from pollguard.scenario import naming
from pollguard.scenario.apportion import apportion, largest_remainder
from pollguard.scenario.indonesia.arrays import Draw, FloatArray, IntArray, offset_many, rounded
from pollguard.scenario.indonesia.figures import (
    MIN_AT_POLRES_HQ,
    NRP_SERIALS,
    POLDA_POOL_SHARE,
    POLRI_PER_TPS,
    TNI_PER_TPS,
)
from pollguard.scenario.indonesia.recipes import ProvinceRecipe
from pollguard.scenario.indonesia.shape import Shape
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
)


def command_units(shape: Shape, capital: Point, kab_lat: FloatArray, kab_lon: FloatArray,
                  kec_lat: FloatArray, kec_lon: FloatArray) -> tuple[CommandUnit, ...]:
    """Polda and its satker by the capital; a Polres at each kab/kota point; a Polsek at each
    kecamatan point; a Korem by the capital and a Kodim beside each Polres."""
    prov = shape.province.code
    polda_code = f"polda.{prov}"
    polda_name = naming.polda_name(prov)
    near = [(2.0, 200.0), (3.0, 300.0), *((1.0 + 0.4 * i, 40.0 * i)
                                          for i in range(len(POLDA_SATKER)))]
    lat, lon = offset_many(np.full(len(near), capital.lat), np.full(len(near), capital.lon),
                           np.array([d for d, _ in near]), np.array([b for _, b in near]))
    hq = list(zip(rounded(lat), rounded(lon), strict=True))
    units = [CommandUnit(polda_code, polda_name, UnitKind.POLDA, None, *hq[0], (prov,))]
    for i, (suffix, name, _, _) in enumerate(POLDA_SATKER):
        units.append(CommandUnit(f"satker.{prov}.{suffix}",
                                 name.replace("Polda Jambi", polda_name), UnitKind.SATKER,
                                 polda_code, *hq[2 + i], (prov,)))
    kab_p = list(zip(rounded(kab_lat), rounded(kab_lon), strict=True))
    kec_p = list(zip(rounded(kec_lat), rounded(kec_lon), strict=True))
    kec_of_kab: list[list[int]] = [[] for _ in shape.kab]
    for i, k in enumerate(shape.kec_kab.tolist()):
        kec_of_kab[k].append(i)
    for k, kab in enumerate(shape.kab):
        polres = f"polres.{kab.code}"
        units.append(CommandUnit(polres, naming.polres_name(prov, kab, shape.kab),
                                 UnitKind.POLRES, polda_code, *kab_p[k], (kab.code,)))
        for i in kec_of_kab[k]:
            kec = shape.kec[i]
            units.append(CommandUnit(f"polsek.{kec.code}", f"Polsek {kec.name}", UnitKind.POLSEK,
                                     polres, *kec_p[i], (kec.code,)))
    korem = f"korem.{prov}"
    units.append(CommandUnit(korem, f"Korem {shape.province.name}", UnitKind.KOREM, None,
                             *hq[1], (prov,)))
    kodim_lat, kodim_lon = offset_many(kab_lat, kab_lon, np.full(shape.n_kab, 1.5),
                                       np.full(shape.n_kab, 120.0))
    kodim_p = list(zip(rounded(kodim_lat), rounded(kodim_lon), strict=True))
    for k, kab in enumerate(shape.kab):
        units.append(CommandUnit(f"kodim.{kab.code}", f"Kodim {naming.short_name(kab.name)}",
                                 UnitKind.KODIM, korem, *kodim_p[k], (kab.code,)))
    return tuple(units)


def _strengths(shape: Shape, election: Election, kab_tps: IntArray,
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
        polsek[lo:hi] = largest_remainder(at_polsek,
                                          kec_tps[lo:hi].astype(np.float64) + 1.0,
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


def roster(shape: Shape, recipe: ProvinceRecipe, kab_tps: IntArray, kec_tps: IntArray,
           draw: Draw) -> tuple[Officer, ...]:
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


def _nrps(rank: IntArray, block: tuple[int, int], draw: Draw) -> list[str]:
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


def tni_counts(shape: Shape, kab_tps: IntArray, tps: int) -> tuple[ForceCount, ...]:
    """TNI_PER_TPS per TPS: KOREM_HQ_SHARE at the Korem, the rest over the Kodim by TPS."""
    total = round(TNI_PER_TPS * tps)
    at_korem = round(total * KOREM_HQ_SHARE)
    kodim = largest_remainder(total - at_korem, kab_tps.astype(np.float64))
    return (ForceCount(f"korem.{shape.province.code}", at_korem),
            *(ForceCount(f"kodim.{k.code}", int(n))
              for k, n in zip(shape.kab, kodim.tolist(), strict=True)))


def races(shape: Shape, draw: Draw) -> tuple[Race, ...]:
    """A governor race of 2-3 pairs and a bupati/walikota race of 2-4 pairs per kab/kota."""
    pairs = draw.ints(shape.n_kab + 1, 0, 1_000).tolist()
    prov = shape.province.code
    races = [Race(f"gubernur-{prov}", prov, "gubernur", 2 + pairs[0] % 2)]
    for k, kab in enumerate(shape.kab):
        office = "walikota" if kab.kind == RegionKind.KOTA else "bupati"
        races.append(Race(f"{office}-{kab.code}", kab.code, office, 2 + pairs[k + 1] % 3))
    return tuple(races)
