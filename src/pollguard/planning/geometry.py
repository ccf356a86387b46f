"""Fast distances for planning: exact enough at the scale of a kab/kota."""

from __future__ import annotations

import math

import numpy as np

from pollguard.domain.geo import EARTH_RADIUS_KM


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), inlined for the hot loops of post formation."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def km_matrix(lat: list[float], lon: list[float]) -> list[list[float]]:
    """All pairwise great-circle distances of a small set of points, vectorised."""
    p = np.radians(np.asarray(lat))[:, None]
    q = np.radians(np.asarray(lon))[:, None]
    h = (np.sin((p.T - p) / 2) ** 2
         + np.cos(p) * np.cos(p.T) * np.sin((q.T - q) / 2) ** 2)
    return (2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))).tolist()
