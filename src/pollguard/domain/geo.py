"""Points on the earth and the distances between them (WGS84 degrees, kilometres)."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance: the base of every travel estimate until roads are modelled."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def offset(origin: Point, *, distance_km: float, bearing_deg: float) -> Point:
    """The point ``distance_km`` from ``origin`` along ``bearing_deg`` (0 = north)."""
    delta = distance_km / EARTH_RADIUS_KM
    theta = math.radians(bearing_deg)
    phi1, lmb1 = math.radians(origin.lat), math.radians(origin.lon)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lmb2 = lmb1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return Point(math.degrees(phi2), (math.degrees(lmb2) + 540) % 360 - 180)


def radius_for_area_km(area_km2: float) -> float:
    """Radius of the disc with this area: how far a region reaches from its centre."""
    return math.sqrt(max(area_km2, 0.0) / math.pi)
