"""The travel model: one pluggable function from a base to a place, in km and minutes.

Default: great-circle km times a detour factor, over a speed set by the destination's area
type (city, rural, remote), all from the profile. A road-network model can replace it by
implementing ``TravelModel``. ``road_km_grid`` and ``minutes_grid`` give a model's values for
many pairs at once: through the model's own methods of those names where it has them (as
``GreatCircleTravel`` does; a model that defines them must agree with its ``road_km`` and
``minutes``), else one pair at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pollguard.planning.geometry import km, km_many
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

    def road_km_grid(self, lat: ArrayLike, lon: ArrayLike, from_lat: ArrayLike,
                     from_lon: ArrayLike) -> NDArray[np.float64]:
        """Road km from every point ``from_`` (columns) to every point (rows)."""
        out: NDArray[np.float64] = km_many(
            np.asarray(lat, dtype=np.float64)[:, None], np.asarray(lon, dtype=np.float64)[:, None],
            np.asarray(from_lat, dtype=np.float64)[None, :],
            np.asarray(from_lon, dtype=np.float64)[None, :]) * self.travel.detour
        return out

    def minutes_grid(self, lat: ArrayLike, lon: ArrayLike, area: Sequence[str],
                     from_lat: ArrayLike, from_lon: ArrayLike) -> NDArray[np.float64]:
        """Minutes from every point ``from_`` (columns) to every place (rows), at the speed of
        each place's area."""
        speed = np.array([self.speed[a] for a in area], dtype=np.float64)
        out: NDArray[np.float64] = (self.road_km_grid(lat, lon, from_lat, from_lon)
                                    / speed[:, None] * 60.0)
        return out


def road_km_grid(travel: TravelModel, lat: ArrayLike, lon: ArrayLike, from_lat: ArrayLike,
                 from_lon: ArrayLike) -> NDArray[np.float64]:
    """``travel.road_km`` from every point ``from_`` (columns) to every point (rows)."""
    grid = getattr(travel, "road_km_grid", None)
    if grid is not None:
        out: NDArray[np.float64] = grid(lat, lon, from_lat, from_lon)
        return out
    rows, cols = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    flat, flon = (np.asarray(from_lat, dtype=np.float64),
                  np.asarray(from_lon, dtype=np.float64))
    return np.array([[travel.road_km(float(a), float(b), float(la), float(lo))
                      for a, b in zip(flat.tolist(), flon.tolist(), strict=True)]
                     for la, lo in zip(rows.tolist(), cols.tolist(), strict=True)],
                    dtype=np.float64).reshape(len(rows), len(flat))


def minutes_grid(travel: TravelModel, lat: ArrayLike, lon: ArrayLike, area: Sequence[str],
                 from_lat: ArrayLike, from_lon: ArrayLike) -> NDArray[np.float64]:
    """``travel.minutes`` from every point ``from_`` (columns) to every place (rows)."""
    grid = getattr(travel, "minutes_grid", None)
    if grid is not None:
        out: NDArray[np.float64] = grid(lat, lon, area, from_lat, from_lon)
        return out
    rows, cols = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    flat, flon = (np.asarray(from_lat, dtype=np.float64),
                  np.asarray(from_lon, dtype=np.float64))
    return np.array([[travel.minutes(float(a), float(b), float(la), float(lo), area=ar)
                      for a, b in zip(flat.tolist(), flon.tolist(), strict=True)]
                     for la, lo, ar in zip(rows.tolist(), cols.tolist(), area, strict=True)],
                    dtype=np.float64).reshape(len(rows), len(flat))
