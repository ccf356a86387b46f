"""Grouping TPS into posts by the pattern a-b-c of their class.

Within one kecamatan and one class, posts are formed from the outside in: the unassigned TPS
farthest from the kecamatan's centre seeds a post, which takes its nearest unassigned TPS, up
to b, as long as every member stays within the radius of the post. The post stands at the
member TPS nearest the members' centre. This keeps the number of posts near its lower bound,
ceil(n / b) per kecamatan and class, and the walking short; ``lower_bound`` reports that
bound beside the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

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
    _forms: dict[int, list[list[int]]] = field(default_factory=dict, repr=False)

    @cached_property
    def distances(self) -> list[list[float]]:
        return km_matrix([t.lat for t in self.tps], [t.lon for t in self.tps])

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
        d = self.distances
        ids = [t.tps_id for t in self.tps]
        lat = [t.lat for t in self.tps]
        lon = [t.lon for t in self.tps]
        radius = self.radius_km
        left = set(range(len(self.tps)))
        out: list[list[int]] = []
        for seed in self._outside_in:
            if seed not in left:
                continue
            members = [seed]
            for j in sorted((j for j in left if j != seed and d[seed][j] <= 2 * radius),
                            key=lambda j: (d[seed][j], ids[j])):
                if len(members) == capacity:
                    break
                trial = [*members, j]
                clat = sum(lat[m] for m in trial) / len(trial)
                clon = sum(lon[m] for m in trial) / len(trial)
                post = min(trial, key=lambda m: (lat[m] - clat) ** 2 + (lon[m] - clon) ** 2)
                if max(d[post][m] for m in trial) <= radius:
                    members = trial
            left.difference_update(members)
            out.append(members)
        return out

    def posts_at(self, capacity: int) -> int:
        return len(self.form(capacity)) if self.tps else 0

    def make_posts(self, capacity: int, *, officers: int, linmas_per_tps: int,
                   prefix: str) -> list[Post]:
        d = self.distances
        posts = []
        for i, members in enumerate(self.form(capacity), start=1):
            clat = sum(self.tps[m].lat for m in members) / len(members)
            clon = sum(self.tps[m].lon for m in members) / len(members)
            anchor = min(members, key=lambda m: ((self.tps[m].lat - clat) ** 2
                                                 + (self.tps[m].lon - clon) ** 2,
                                                 self.tps[m].tps_id))
            walk = sum(d[anchor][o] for o in members)
            where = self.tps[anchor]
            posts.append(Post(
                f"{prefix}-{i:03d}", self.polres_code, self.kecamatan_code, self.risk_class,
                tuple(sorted(self.tps[m].tps_id for m in members)), where.lat, where.lon,
                officers, linmas_per_tps * len(members), round(walk, 3), capacity))
        return posts


def lower_bound(n_tps: int, capacity: int) -> int:
    return math.ceil(n_tps / capacity) if n_tps else 0
