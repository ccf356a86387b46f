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

Re-planning (``kept``): a Sprin names each post and its TPS, so at the capacity the plan being
updated used, its posts stay as they were, with their numbers, less the TPS that left the
group; a TPS new to the group joins the nearest kept post with room that keeps every member
within the radius, and the TPS left over form posts of their own by the rule above, numbered
after the kept ones. A TPS that comes or goes then moves no other TPS to another post.
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
    #: Re-planning: the group's posts in the plan being updated, (number, TPS ids), formed at
    #: ``kept_capacity``; at that capacity they are kept (the module's docstring).
    kept: tuple[tuple[int, tuple[str, ...]], ...] = ()
    kept_capacity: int = 0
    _forms: dict[int, list[list[int]]] = field(default_factory=dict, repr=False)
    _numbers: dict[int, list[int]] = field(default_factory=dict, repr=False)
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
            if self.kept and capacity == self.kept_capacity:
                self._forms[capacity], self._numbers[capacity] = self._form_kept(capacity)
            else:
                self._forms[capacity] = self._form(capacity)
        return self._forms[capacity]

    def numbers(self, capacity: int) -> list[int]:
        """The number of each post of ``form(capacity)``: 1, 2, ... as formed, or, for the
        kept posts of a re-plan, the numbers they had (new ones after the highest)."""
        posts = self.form(capacity)
        return self._numbers.get(capacity) or list(range(1, len(posts) + 1))

    def _form_kept(self, capacity: int) -> tuple[list[list[int]], list[int]]:
        """The kept posts less the TPS that left, each TPS new to the group in the nearest
        kept post with room (every member still within the radius of its anchor), the rest
        formed by the rule (``_form``) among themselves; and their numbers."""
        index = {t.tps_id: i for i, t in enumerate(self.tps)}
        posts: list[list[int]] = []
        numbers: list[int] = []
        where = {i: k for k, i in enumerate(self._outside_in)}
        d = self._rows
        for number, ids in sorted(self.kept):
            members = [index[t] for t in ids if t in index]
            if members:
                # In the order the rule grows a post: its seed (the outermost member), then
                # the rest nearest the seed first, so an unchanged group is formed exactly.
                seed = min(members, key=lambda m: where[m])
                rest = sorted((m for m in members if m != seed),
                              key=lambda m: (d[seed][m], self._id_rank[m]))
                posts.append([seed, *rest])
                numbers.append(number)
        free = np.ones(len(self.tps), dtype=bool)
        for members in posts:
            free[members] = False
        for i in self._outside_in:
            if not free[i]:
                continue
            fits = [(d[self._anchor(members)][i], k) for k, members in enumerate(posts)
                    if len(members) < capacity and self._within([*members, i])]
            if fits:
                posts[min(fits)[1]].append(i)
                free[i] = False
        last = max((number for number, _ in self.kept), default=0)
        for members in self._form(capacity, free):
            last += 1
            posts.append(members)
            numbers.append(last)
        return posts, numbers

    def _anchor(self, members: list[int]) -> int:
        """Where a post stands: the member nearest the members' centre (ties by TPS id)."""
        clat = sum(self.tps[m].lat for m in members) / len(members)
        clon = sum(self.tps[m].lon for m in members) / len(members)
        return min(members, key=lambda m: ((self.tps[m].lat - clat) ** 2
                                           + (self.tps[m].lon - clon) ** 2, self.tps[m].tps_id))

    def _within(self, members: list[int]) -> bool:
        """Whether every member lies within the radius of the members' anchor."""
        row = self._rows[self._anchor(members)]
        return all(row[m] <= self.radius_km for m in members)

    def _form(self, capacity: int, free: NDArray[np.bool_] | None = None) -> list[list[int]]:
        """Seed at the outermost free TPS; take its nearest free TPS (within twice the radius)
        while every member stays within the radius of the post, which stands at the member
        nearest the members' centre. ``free``: the TPS still to place (all by default)."""
        free = np.ones(len(self.tps), dtype=bool) if free is None else free.copy()
        if capacity <= 1 or len(self.tps) == 1:
            return [[i] for i in self._outside_in if free[i]]
        near = self._near
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
        for i, members in zip(self.numbers(capacity), self.form(capacity), strict=True):
            anchor = self._anchor(members)
            walk = sum(d[anchor, members].tolist())
            where = self.tps[anchor]
            posts.append(Post(
                f"{prefix}-{i:03d}", self.polres_code, self.kecamatan_code, self.risk_class,
                tuple(sorted(self.tps[m].tps_id for m in members)), where.lat, where.lon,
                officers, linmas_per_tps * len(members), round(walk, 3), capacity, equipment))
        return posts


def lower_bound(n_tps: int, capacity: int) -> int:
    return math.ceil(n_tps / capacity) if n_tps else 0
