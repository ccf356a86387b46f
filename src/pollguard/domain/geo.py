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


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A latitude/longitude box (degrees, edges included); it does not cross the antimeridian."""

    south: float
    north: float
    west: float
    east: float

    def contains_lat(self, lat: float) -> bool:
        return self.south <= lat <= self.north  # False for NaN too

    def contains_lon(self, lon: float) -> bool:
        return self.west <= lon <= self.east

    def contains(self, point: Point) -> bool:
        return self.contains_lat(point.lat) and self.contains_lon(point.lon)


INDONESIA_BOUNDS = BoundingBox(south=-11.5, north=6.5, west=94.5, east=141.5)
"""Where a point of an Indonesian scenario may lie: a generous box around the country.

Indonesia reaches from Pulau Rondo off Aceh (about 6.1° N) to Pulau Ndana off Rote (about
11.0° S), and from Pulau Breueh off Aceh (about 95.0° E) to the Papua New Guinea border (141.0°
E); the box adds about half a degree (some 50 km) on every side, so that islets, offshore
posts and rounding never fall outside it. It is a plausibility check, not a border: it catches
a TPS placed in Paris, latitude and longitude swapped, or a sign dropped (2.06 for -2.06 is
still inside; use the distance checks for those). Every point a scenario or an import gives
(regions, TPS, unit headquarters, events) must lie inside it."""
