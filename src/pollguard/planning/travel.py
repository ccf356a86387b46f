"""The travel model: one pluggable function from a base to a place, in km and minutes.

Default: great-circle km times a detour factor, over a speed set by the destination's area
type (city, rural, remote), all from the profile. A road-network model can replace it by
implementing ``TravelModel``."""

from __future__ import annotations

from typing import Protocol

from pollguard.planning.geometry import km
from pollguard.profile.model import Travel


class TravelModel(Protocol):
    def road_km(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...

    def minutes(self, lat1: float, lon1: float, lat2: float, lon2: float, *,
                area: str) -> float: ...


class GreatCircleTravel:
    def __init__(self, travel: Travel) -> None:
        self.travel = travel
        self.speed = {"city": travel.city_kmh, "rural": travel.rural_kmh,
                      "remote": travel.remote_kmh}

    def road_km(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return km(lat1, lon1, lat2, lon2) * self.travel.detour

    def minutes(self, lat1: float, lon1: float, lat2: float, lon2: float, *,
                area: str) -> float:
        return self.road_km(lat1, lon1, lat2, lon2) / self.speed[area] * 60.0
