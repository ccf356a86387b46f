"""Grouping TPS into posts by the pattern a-b-c of their class.

Within one kecamatan and one class, posts are formed from the outside in: the unassigned TPS
farthest from the kecamatan's centre seeds a post, which takes its nearest unassigned TPS, up
to b, as long as every member stays within the radius of the post. The post stands at the
member TPS nearest the members' centre. This keeps the number of posts near its lower bound,
ceil(n / b) per kecamatan and class, and the walking short; ``lower_bound`` reports that
bound beside the result.

Speed (national provinces have groups of 300 TPS and form each at many N): a group's
pairwise distances are one numpy matrix, computed once; each TPS's neighbours within twice the
radius are sorted once for every capacity; a candidate's test keeps a running sum for the
centre and re-checks the radius against every member only when the anchor changes (the
members are already within the radius of the old anchor). The arithmetic is the rule's as
written, operation for operation, so the posts are exactly those of the plain loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from pollguard.domain.plan import Post
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import PollingStation
from pollguard.planning.geometry import km, km_matrix


@dataclass
class Group:
    """TPS that are grouped together: one kecamatan, one class, one N tier."""

    key: str  # polres/kecamatan/class[/tier]
    polres_code: str
    kecamatan_code: str
    risk_class: RiskClass
    tps: tuple[PollingStation, ...]
    radius_km: float
    weights: tuple[float, ...] = field(default=(), repr=False)  # score + 1 of each TPS
    _forms: dict[int, list[list[int]]] = field(default_factory=dict, repr=False)
    benefits: dict[tuple[int, int], float] = field(default_factory=dict, repr=False)

    @cached_property
    def _lat(self) -> NDArray[np.float64]:
        return np.array([t.lat for t in self.tps], dtype=np.float64)

    @cached_property
    def _lon(self) -> NDArray[np.float64]:
        return np.array([t.lon for t in self.tps], dtype=np.float64)

    @cached_property
    def distances(self) -> NDArray[np.float64]:
        """Great-circle km between every two members (n x n)."""
        return km_matrix(self._lat, self._lon)

    @cached_property
    def _id_rank(self) -> NDArray[np.int64]:
        order = sorted(range(len(self.tps)), key=lambda i: self.tps[i].tps_id)
        rank = np.empty(len(self.tps), dtype=np.int64)
        rank[order] = np.arange(len(self.tps))
        return rank

    @cached_property
    def _outside_in(self) -> list[int]:
        """Member order for seeding: farthest from the centre first (ties by TPS id)."""
        n = len(self.tps)
        clat = sum(t.lat for t in self.tps) / n
        clon = sum(t.lon for t in self.tps) / n
        return sorted(range(n), key=lambda i: (-km(self.tps[i].lat, self.tps[i].lon, clat,
                                                   clon), self.tps[i].tps_id))

    def form(self, capacity: int) -> list[list[int]]:
        """Indices of each post's members, deterministically; cached per capacity."""
        if capacity not in self._forms:
            self._forms[capacity] = self._form(capacity)
        return self._forms[capacity]

    def _form(self, capacity: int) -> list[list[int]]:
        """Seed at the outermost free TPS; take its nearest free TPS (within twice the radius)
        while every member stays within the radius of the post, which stands at the member
        nearest the members' centre."""
        if capacity <= 1 or len(self.tps) == 1:
            return [[i] for i in self._outside_in]
        near = self._near
        free = np.ones(len(self.tps), dtype=bool)
        out: list[list[int]] = []
        for seed in self._outside_in:
            if not free[seed]:
                continue
            free[seed] = False
            members = [seed]
            candidates = near[seed]
            if len(candidates):
                candidates = candidates[free[candidates]]
                if len(candidates):
                    members = self._grow(seed, candidates, capacity)
                    free[members] = False
            out.append(members)
        return out

    @cached_property
    def _near(self) -> list[NDArray[np.int32]]:
        """Per member, the other members within twice the radius, nearest first (ties by TPS
        id): the same for every capacity, so sorted once."""
        d = self.distances
        n = len(d)
        order = np.lexsort((np.broadcast_to(self._id_rank, (n, n)), d), axis=-1).astype(np.int32)
        within = (np.take_along_axis(d, order, axis=1) <= 2 * self.radius_km).sum(axis=1)
        out = []
        for i in range(n):
            row = order[i, :within[i]]
            out.append(row[row != i])
        return out

    @cached_property
    def _coords(self) -> tuple[list[float], list[float]]:
        return [t.lat for t in self.tps], [t.lon for t in self.tps]

    @cached_property
    def _rows(self) -> list[memoryview]:
        """The distance matrix's rows as views that index to Python floats (fast scalars)."""
        return [memoryview(row) for row in self.distances]

    def _grow(self, seed: int, near: NDArray[np.int32], capacity: int) -> list[int]:
        """The members of the post seeded at ``seed``: ``near`` (nearest first) are tried in
        order, and each joins if, with it, every member is within the radius of the anchor
        (the member nearest the members' centre, the first such in member order)."""
        d = self._rows
        lat, lon = self._coords
        radius = self.radius_km
        members = [seed]
        anchor = seed  # every member is within the radius of it
        sum_lat, sum_lon = lat[seed], lon[seed]
        step = 4 * capacity
        for start in range(0, len(near), step):
            for j in near[start:start + step].tolist():
                if len(members) == capacity:
                    return members
                size = len(members) + 1
                clat = (sum_lat + lat[j]) / size
                clon = (sum_lon + lon[j]) / size
                post = j
                best = (lat[j] - clat) ** 2 + (lon[j] - clon) ** 2
                for m in members:  # the first nearest in trial order (members, then j)
                    key = (lat[m] - clat) ** 2 + (lon[m] - clon) ** 2
                    if key < best or (key == best and post == j):
                        post, best = m, key
                row = d[post]
                if row[j] > radius:
                    continue
                if post != anchor:  # a new anchor: every member must be within reach of it
                    if any(row[m] > radius for m in members):
                        continue
                    anchor = post
                members.append(j)
                sum_lat += lat[j]
                sum_lon += lon[j]
        return members

    def posts_at(self, capacity: int) -> int:
        return len(self.form(capacity)) if self.tps else 0

    def make_posts(self, capacity: int, *, officers: int, linmas_per_tps: int,
                   prefix: str, equipment: tuple[tuple[str, int], ...] = ()) -> list[Post]:
        d = self.distances
        posts = []
        for i, members in enumerate(self.form(capacity), start=1):
            clat = sum(self.tps[m].lat for m in members) / len(members)
            clon = sum(self.tps[m].lon for m in members) / len(members)
            anchor = min(members, key=lambda m: ((self.tps[m].lat - clat) ** 2
                                                 + (self.tps[m].lon - clon) ** 2,
                                                 self.tps[m].tps_id))
            walk = sum(d[anchor, members].tolist())
            where = self.tps[anchor]
            posts.append(Post(
                f"{prefix}-{i:03d}", self.polres_code, self.kecamatan_code, self.risk_class,
                tuple(sorted(self.tps[m].tps_id for m in members)), where.lat, where.lon,
                officers, linmas_per_tps * len(members), round(walk, 3), capacity, equipment))
        return posts


def lower_bound(n_tps: int, capacity: int) -> int:
    return math.ceil(n_tps / capacity) if n_tps else 0
