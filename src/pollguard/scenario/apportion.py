"""Largest-remainder apportionment: how every builder splits a whole number (TPS, officers,
TNI, NRP serials) over parts in proportion to their weights, so that the parts sum exactly to
the total.

Each part first gets its minimum; what is left is shared in proportion to the weights; each
share is floored and the units still missing go one each to the largest fractions, ties to the
part that comes first (the lower index; by key, the smaller key). Weights that sum to zero
share evenly. Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
K = TypeVar("K", bound=str)


def largest_remainder(total: int, weights: npt.ArrayLike,
                      minimum: IntArray | int = 0) -> IntArray:
    """Split ``total`` over ``weights`` (largest remainder), each at least its ``minimum``;
    ties go to the lower index."""
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    mins = np.broadcast_to(np.asarray(minimum, dtype=np.int64), (n,)).copy()
    left = total - int(mins.sum())
    if left < 0:
        raise ValueError(f"cannot give the minimum to {n} from {total}")
    if n == 0 or left == 0:
        return mins
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


def capped(total: int, weights: FloatArray, minimum: IntArray | int,
           cap: IntArray | int) -> IntArray:
    """``largest_remainder`` with at most ``cap`` each: the capped keep their cap and the rest
    is shared again over the others until none is over."""
    n = len(weights)
    caps = np.broadcast_to(np.asarray(cap, dtype=np.int64), (n,))
    mins = np.broadcast_to(np.asarray(minimum, dtype=np.int64), (n,))
    if total > int(caps.sum()):
        raise ValueError(f"{total} cannot be shared with at most {cap} each")
    fixed = np.zeros(n, dtype=np.bool_)
    while True:
        counts = caps.copy()
        free = ~fixed
        counts[free] = largest_remainder(total - int(caps[fixed].sum()), weights[free],
                                         mins[free])
        over = counts > caps
        if not over.any():
            return counts
        fixed |= over


def apportion(total: int, weights: Mapping[K, float] | Mapping[K, int],
              minimum: int = 0) -> dict[K, int]:
    """``largest_remainder`` by key: the parts in key order, so ties break by key and the
    result does not depend on the mapping's order."""
    keys = sorted(weights)
    shares = largest_remainder(total, [weights[k] for k in keys], minimum)
    return dict(zip(keys, shares.tolist(), strict=True))
