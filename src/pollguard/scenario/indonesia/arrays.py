"""The builder's array helpers: random draws that are stable across numpy versions, points
moved over arrays, and coordinates rounded as the scenario files hold them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pollguard.domain.geo import EARTH_RADIUS_KM

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Draw:
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
        return offset_many(lat, lon, dist, 360.0 * self.u(n))

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


def offset_many(lat: FloatArray, lon: FloatArray, dist_km: FloatArray,
                bearing_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """domain.geo.offset over arrays."""
    delta = dist_km / EARTH_RADIUS_KM
    theta = np.radians(bearing_deg)
    phi1, lmb1 = np.radians(lat), np.radians(lon)
    phi2 = np.arcsin(np.sin(phi1) * np.cos(delta) + np.cos(phi1) * np.sin(delta) * np.cos(theta))
    lmb2 = lmb1 + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(phi1),
                             np.cos(delta) - np.sin(phi1) * np.sin(phi2))
    return np.degrees(phi2), (np.degrees(lmb2) + 540.0) % 360.0 - 180.0


def rounded(values: FloatArray, places: int = 6) -> list[float]:
    out: list[float] = np.round(values, places).tolist()
    return out
