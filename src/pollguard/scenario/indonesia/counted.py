"""TPS per desa from real counts (``--counts``): the counts kept exactly at a Pemilu, scaled
with one TPS per desa at a Pilkada (the rules are in ``counts``' docstring).

Only where the file is silent does the builder draw: how a kecamatan's count spreads over its
desa (by the same lognormal desa weights as without counts), and which TPS are
special-location ones when the file does not say (those of a kab/kota sit in the desa nearest
its point, as without counts, and come out of its kecamatan's own count, so the kecamatan
total stays the file's). Pure numpy, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pollguard.scenario.apportion import capped
from pollguard.scenario.indonesia.arrays import FloatArray, IntArray
from pollguard.scenario.indonesia.counts import ProvinceCounts
from pollguard.scenario.indonesia.figures import (
    MAX_REGULAR_PER_DESA,
    MAX_SPECIAL_PER_DESA,
    SPECIAL_TPS_PER_TPS,
)
from pollguard.scenario.indonesia.shape import Shape


@dataclass(frozen=True)
class Counted:
    """Per desa: regular TPS and special-location TPS (901 and up)."""

    regular: IntArray
    special: IntArray

    @property
    def total(self) -> IntArray:
        out: IntArray = self.regular + self.special
        return out


def _index(codes: tuple[str, ...], known: dict[str, int], level: str,
           province: str) -> IntArray:
    missing = [c for c in codes if c not in known]
    if missing:
        raise ValueError(f"province {province}: the counts name {level} {', '.join(missing[:5])}"
                         " that its Kemendagri regions do not have")
    return np.array([known[c] for c in codes], dtype=np.int64)


def counted_tps(shape: Shape, counts: ProvinceCounts, total: int, *, exact: bool,
                weight: FloatArray, desa_lat: FloatArray, desa_lon: FloatArray,
                kab_lat: FloatArray, kab_lon: FloatArray) -> Counted:
    """TPS per desa for a province of ``total`` TPS from its real ``counts``: exactly the
    counts when ``exact`` (a Pemilu: ``total`` must be their sum), else ``total`` shared with
    at least one per desa and the rest in proportion to them."""
    code = shape.province.code
    if exact and total != counts.total:
        raise ValueError(f"province {code}: {total:,} TPS asked, the counts hold "
                         f"{counts.total:,}")
    if counts.level == "desa":
        return _from_desa(shape, counts, total, exact)
    n_desa_kec = np.bincount(shape.desa_kec, minlength=shape.n_kec).astype(np.int64)
    given = np.zeros(shape.n_kec, dtype=np.float64)
    at = _index(counts.codes, {k.code: i for i, k in enumerate(shape.kec)}, "kecamatan", code)
    given[at] = counts.tps
    cap = MAX_REGULAR_PER_DESA * n_desa_kec
    if exact:
        target = given.astype(np.int64)
        if (over := np.flatnonzero(target > cap)).size:
            k = shape.kec[int(over[0])]
            raise ValueError(f"kecamatan {k.code} {k.name}: {int(target[over[0]]):,} TPS in "
                             f"{int(n_desa_kec[over[0]])} desa is more than "
                             f"{MAX_REGULAR_PER_DESA} a desa")
    else:
        floor = n_desa_kec if total >= shape.n_desa else 0
        target = capped(total, given, floor, cap)
    # The specials of each kab/kota: in the desa nearest its point, out of that desa's
    # kecamatan's count (above its one-per-desa floor), at most MAX_SPECIAL_PER_DESA.
    seat = np.zeros(shape.n_kab, dtype=np.int64)
    starts = np.searchsorted(shape.desa_kab, np.arange(shape.n_kab + 1))
    for j in range(shape.n_kab):
        lo, hi = int(starts[j]), int(starts[j + 1])
        seat[j] = lo + int(np.argmin((desa_lat[lo:hi] - kab_lat[j]) ** 2
                                     + (desa_lon[lo:hi] - kab_lon[j]) ** 2)) if hi > lo else -1
    has_seat = seat >= 0
    seat_kec = np.where(has_seat, shape.desa_kec[np.maximum(seat, 0)], 0)
    room = np.where(has_seat, np.clip(target[seat_kec] - n_desa_kec[seat_kec], 0,
                                      MAX_SPECIAL_PER_DESA), 0)
    # two kab/kota never share a kecamatan, so each seat kecamatan's room is its own
    n_special = min(round(total * SPECIAL_TPS_PER_TPS), int(room.sum()))
    kab_special = capped(n_special, room.astype(np.float64), 0, room)
    special = np.zeros(shape.n_desa, dtype=np.int64)
    special[seat[has_seat]] = kab_special[has_seat]
    regular_kec = target - np.bincount(seat_kec[has_seat], weights=kab_special[has_seat],
                                       minlength=shape.n_kec).astype(np.int64)
    regular = np.zeros(shape.n_desa, dtype=np.int64)
    kec_starts = np.searchsorted(shape.desa_kec, np.arange(shape.n_kec + 1))
    for i in range(shape.n_kec):
        lo, hi = int(kec_starts[i]), int(kec_starts[i + 1])
        n = int(regular_kec[i])
        if hi > lo and n:
            regular[lo:hi] = capped(n, weight[lo:hi], 1 if n >= hi - lo else 0,
                                    MAX_REGULAR_PER_DESA)
    return Counted(regular, special)


def _from_desa(shape: Shape, counts: ProvinceCounts, total: int, exact: bool) -> Counted:
    code = shape.province.code
    at = _index(counts.codes, {d.code: i for i, d in enumerate(shape.desa)}, "desa", code)
    given = np.zeros(shape.n_desa, dtype=np.int64)
    given_special = np.zeros(shape.n_desa, dtype=np.int64)
    given[at] = counts.tps
    given_special[at] = counts.special
    if exact:
        tps, special = given, given_special
    else:
        floor = 1 if total >= shape.n_desa else 0
        tps = capped(total, given.astype(np.float64), floor, MAX_REGULAR_PER_DESA)
        # specials only where the file has some, each desa keeping one regular TPS
        room = np.where(given_special > 0, np.clip(tps - 1, 0, MAX_SPECIAL_PER_DESA), 0)
        n_special = min(round(total * SPECIAL_TPS_PER_TPS), int(room.sum()))
        special = capped(n_special, given_special.astype(np.float64), 0, room)
    regular = tps - special
    for what, values, most in (("regular", regular, MAX_REGULAR_PER_DESA),
                               ("special-location", special, MAX_SPECIAL_PER_DESA)):
        if (over := np.flatnonzero(values > most)).size:
            d = shape.desa[int(over[0])]
            raise ValueError(f"desa {d.code} {d.name}: {int(values[over[0]])} {what} TPS is "
                             f"more than {most}")
    return Counted(regular, special)
