"""Fast distances for planning: exact enough at the scale of a kab/kota."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pollguard.domain.geo import EARTH_RADIUS_KM


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), inlined for the hot loops of post formation."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def km_many(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike,
            lon2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle km, elementwise with numpy broadcasting: ``km_many(a[:, None], b[:, None],
    c[None, :], d[None, :])`` is the matrix from every point (a, b) to every point (c, d)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dq = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dq / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


def km_matrix(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """All pairwise great-circle distances of a set of points, vectorised (n x n)."""
    p = np.radians(np.asarray(lat, dtype=np.float64))[:, None]
    q = np.radians(np.asarray(lon, dtype=np.float64))[:, None]
    h = (np.sin((p.T - p) / 2) ** 2
         + np.cos(p) * np.cos(p.T) * np.sin((q.T - q) / 2) ** 2)
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out
