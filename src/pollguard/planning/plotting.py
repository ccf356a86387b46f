"""Plotting officers to posts and duties: a min-cost flow over bases, not officers.

Officers of one home base are interchangeable for travel, so supply nodes are bases (split
by previous assignment when re-planning) and demand nodes are posts and duties::

    minimise   sum_(b,x) c_bx f_bx                     c_bx = road km from base b to x
    subject to sum_x f_bx + s_b = supply_b              (s_b: officers left spare)
               sum_b f_bx = demand_x                    (officers a post or duty needs)
               f_bx = 0 unless b may serve x            (own Polres, or a Polda-pool BKO)
               f, s >= 0 and integer

A network flow's LP is integral, so OR-Tools' min-cost flow solves it exactly. Arcs are
sparsified: each demand links to its ``k`` nearest eligible bases and to every Polda-pool
base (few); the same flow over every eligible arc gives the bound the result is compared to
(when the sparse network already holds every eligible arc, as in Jambi, it is its own bound
and is not solved twice). When re-planning, an arc other than the officer's current post
costs ``penalty`` km more.

Speed: the arcs are numpy arrays, their distances computed a block of demands at a time
(``travel.road_km_grid``), and handed to OR-Tools whole; only the arcs that carry flow come
back to Python. A national province (15,000 posts, 700 bases) plots in under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from pollguard.domain.command import POOL
from pollguard.planning.travel import TravelModel, road_km_grid

SPARE = "__spare__"


@dataclass(frozen=True)
class Demand:
    target_id: str
    owner: str  # the Polres that must staff it, or POOL
    lat: float
    lon: float
    officers: int


@dataclass
class Supply:
    base_code: str
    owner: str  # the officers' Polres, or POOL
    lat: float
    lon: float
    nrps: list[str]
    previous: str | None = None  # the target these officers held in the plan being updated


@dataclass
class Plotting:
    """Officers (by NRP) sent to each target, and what the flow cost."""

    sent: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # target -> (nrp, km)
    spare: list[tuple[str, str]] = field(default_factory=list)  # (nrp, owner)
    cost_km: float = 0.0
    bound_km: float = 0.0
    arcs: int = 0
    bound_known: bool = True  # False when re-planning: the penalty changes the objective


class InfeasibleError(RuntimeError):
    """The demands cannot be met by the eligible supplies."""


def _eligible(owner: str, d: Demand) -> bool:
    return owner == d.owner or owner == POOL


@dataclass
class _Hub:
    """All officers of one home base and owner: the network's supply node."""

    base_code: str
    owner: str
    lat: float
    lon: float
    free: list[str] = field(default_factory=list)  # officers holding nothing yet


def _hubs(supplies: Sequence[Supply]) -> tuple[list[_Hub], list[int]]:
    """Hubs, and for each supply the index of its hub."""
    index: dict[tuple[str, str], int] = {}
    hubs: list[_Hub] = []
    of: list[int] = []
    for s in supplies:
        key = (s.base_code, s.owner)
        if key not in index:
            index[key] = len(hubs)
            hubs.append(_Hub(s.base_code, s.owner, s.lat, s.lon))
        of.append(index[key])
        if s.previous is None:
            hubs[index[key]].free.extend(s.nrps)
    return hubs, of


@dataclass
class _Arcs:
    """Hub -> demand arcs as parallel arrays, demand by demand (own hubs nearest first, then
    every pool hub); ``complete`` when no eligible arc was left out."""

    hub: NDArray[np.int32]
    demand: NDArray[np.int32]
    km: NDArray[np.float64]
    complete: bool

    def __len__(self) -> int:
        return len(self.hub)


_BLOCK = 1 << 20  # (demand, hub) distances computed at once


def _arcs(hubs: Sequence[_Hub], demands: Sequence[Demand], travel: TravelModel,
          k: int | None) -> _Arcs:
    """The k nearest eligible own hubs of each demand and every pool hub (few); every
    eligible pair when ``k`` is None. Distances come a block of demands at a time."""
    by_owner: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(hubs):
        by_owner[h.owner].append(i)
    demands_of: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(demands):
        demands_of[d.owner].append(j)
    hlat = np.array([h.lat for h in hubs], dtype=np.float64)
    hlon = np.array([h.lon for h in hubs], dtype=np.float64)
    dlat = np.array([d.lat for d in demands], dtype=np.float64)
    dlon = np.array([d.lon for d in demands], dtype=np.float64)
    parts: list[tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp],
                      NDArray[np.float64]]] = []  # demand, slot, hub, km
    complete = True

    def add(rows: NDArray[np.intp], cols: NDArray[np.intp], nearest_first: bool,
            first_slot: int) -> None:
        nonlocal complete
        step = max(1, _BLOCK // len(cols))
        for start in range(0, len(rows), step):
            r = rows[start:start + step]
            dist = road_km_grid(travel, dlat[r], dlon[r], hlat[cols], hlon[cols])
            if nearest_first:  # by distance, ties by hub index (cols ascending)
                order = np.argsort(dist, axis=1, kind="stable")
                if k is not None and len(cols) > k:
                    order = order[:, :k]
                    complete = False
                dist = np.take_along_axis(dist, order, axis=1)
                chosen = cols[order]
            else:
                chosen = np.broadcast_to(cols, dist.shape)
            width = dist.shape[1]
            parts.append((np.repeat(r, width),
                          np.broadcast_to(first_slot + np.arange(width), dist.shape).ravel(),
                          chosen.ravel(), dist.ravel()))

    for owner, rows in demands_of.items():
        if owner != POOL and by_owner.get(owner):
            add(np.array(rows, dtype=np.intp), np.array(by_owner[owner], dtype=np.intp),
                True, 0)
    if by_owner.get(POOL) and demands:
        add(np.arange(len(demands), dtype=np.intp), np.array(by_owner[POOL], dtype=np.intp),
            False, len(hubs))
    if not parts:
        return _Arcs(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), complete)
    demand = np.concatenate([p[0] for p in parts])
    slot = np.concatenate([p[1] for p in parts])
    order = np.lexsort((slot, demand))
    return _Arcs(np.concatenate([p[2] for p in parts])[order].astype(np.int32),
                 demand[order].astype(np.int32),
                 np.concatenate([p[3] for p in parts])[order], complete)


def _solve(supplies: Sequence[Supply], hubs: Sequence[_Hub], hub_of: Sequence[int],
           demands: Sequence[Demand], arcs: _Arcs, penalty: float,
           travel: TravelModel) -> tuple[float, list[tuple[int, int, int, int]]]:
    """Solve; return the total km and (kind, from, to, flow) with kind 0 for hub->demand,
    1 for held->demand (staying), 2 for held->hub (moving), 3 for hub->spare, 4 for
    held->spare (staying spare)."""
    nh, ns, nd = len(hubs), len(supplies), len(demands)
    held_node = {i: nh + i for i, s in enumerate(supplies) if s.previous is not None}
    demand_node = nh + ns
    spare_node = demand_node + nd
    target_index = {d.target_id: j for j, d in enumerate(demands)}
    total_supply = sum(len(s.nrps) for s in supplies)
    total_demand = sum(d.officers for d in demands)
    if total_demand > total_supply:
        raise InfeasibleError(
            f"personel Polri tidak cukup: tugas dan pos pada batas minimumnya membutuhkan "
            f"{total_demand} personel, tersedia {total_supply} (kurang "
            f"{total_demand - total_supply}); tambahkan personel ke daftar (`pollguard import "
            f"roster FILE`) atau BKO, atau turunkan [planning.duty_minimums] di profil / "
            f"Polri officers short: {total_demand} officers needed at the minimums of every "
            f"duty and post, {total_supply} available")
    big = total_supply
    # The held arcs (re-planning only): tail, head, capacity, cost, kind, origin, km.
    held: list[tuple[int, int, int, int, int, int, float]] = []
    for i, node in held_node.items():
        s = supplies[i]
        n = len(s.nrps)
        held.append((node, hub_of[i], n, round(penalty * 1000), 2, i, 0.0))
        if s.previous == SPARE:
            held.append((node, spare_node, n, 0, 4, i, 0.0))
        elif s.previous in target_index:
            d = demands[target_index[s.previous]]
            if _eligible(s.owner, d):
                dist = travel.road_km(s.lat, s.lon, d.lat, d.lon)
                held.append((node, demand_node + target_index[s.previous], n,
                             round(dist * 1000), 1, i, dist))
    na = len(arcs)
    tails = np.concatenate([arcs.hub, np.arange(nh), [r[0] for r in held]]).astype(np.int32)
    heads = np.concatenate([demand_node + arcs.demand, np.full(nh, spare_node),
                            [r[1] for r in held]]).astype(np.int32)
    caps = np.concatenate([np.full(na + nh, big), [r[2] for r in held]]).astype(np.int64)
    costs = np.concatenate([np.rint(arcs.km * 1000), np.zeros(nh),
                            [r[3] for r in held]]).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = np.zeros(spare_node + 1, dtype=np.int64)
    for i, s in enumerate(supplies):
        supply[held_node.get(i, hub_of[i])] += len(s.nrps)
    for j, d in enumerate(demands):
        supply[demand_node + j] = -d.officers
    supply[spare_node] = -(total_supply - total_demand)
    flow.set_nodes_supplies(np.arange(spare_node + 1, dtype=np.int32), supply)
    if flow.solve() != flow.OPTIMAL:
        raise InfeasibleError("no plotting meets every post and duty with eligible officers")
    flows = np.asarray(flow.flows(arc_ids))
    out = []
    km_total = 0.0
    for a in np.flatnonzero(flows > 0).tolist():
        f = int(flows[a])
        if a < na:  # hub -> demand
            dist = float(arcs.km[a])
            out.append((0, int(arcs.hub[a]), int(arcs.demand[a]), f))
        elif a < na + nh:  # hub -> spare
            dist = 0.0
            out.append((3, a - na, spare_node, f))
        else:
            _, head, _, _, kind, origin, dist = held[a - na - nh]
            out.append((kind, origin, head - demand_node if kind in (0, 1) else head, f))
        km_total += f * dist
    return km_total, out


def plot(supplies: Sequence[Supply], demands: Sequence[Demand], travel: TravelModel, *,
         k: int | None = 30, penalty_km: float = 0.0, with_bound: bool = True) -> Plotting:
    """Send officers from bases to demands at least total road distance (plus ``penalty_km``
    for each officer who leaves the target they held)."""
    hubs, hub_of = _hubs(supplies)
    arcs = _arcs(hubs, demands, travel, k)
    try:
        km_total, flows = _solve(supplies, hubs, hub_of, demands, arcs, penalty_km, travel)
    except InfeasibleError:
        if k is None:
            raise
        arcs = _arcs(hubs, demands, travel, None)  # a demand out of reach: every arc
        km_total, flows = _solve(supplies, hubs, hub_of, demands, arcs, penalty_km, travel)
        k = None
    bound = km_total
    plain = penalty_km == 0 or all(s.previous is None for s in supplies)
    if with_bound and k is not None and not (arcs.complete and plain):
        # (A sparse network that kept every eligible arc is its own bound.)
        bound = _solve(supplies, hubs, hub_of, demands, _arcs(hubs, demands, travel, None),
                       0.0, travel)[0]
    result = Plotting(cost_km=km_total, bound_km=bound, arcs=len(arcs),
                      bound_known=with_bound or k is None)
    held = {i: list(s.nrps) for i, s in enumerate(supplies) if s.previous is not None}
    queues = {i: list(h.free) for i, h in enumerate(hubs)}
    head = dict.fromkeys(queues, 0)  # officers already sent from the front of each queue
    # Officers who stay first, then those who move join their hub's queue, then hubs send.
    order = sorted(flows, key=lambda f: (f[0] not in (1, 4), f[0] != 2, f))
    for kind, origin, to, f in order:
        if kind in (1, 4):
            taken, held[origin] = held[origin][:f], held[origin][f:]
            if kind == 1:
                s = supplies[origin]
                d = demands[to]
                dist = travel.road_km(s.lat, s.lon, d.lat, d.lon)
                result.sent.setdefault(d.target_id, []).extend((n, dist) for n in taken)
            else:
                result.spare.extend((n, supplies[origin].owner) for n in taken)
        elif kind == 2:
            taken, held[origin] = held[origin][:f], held[origin][f:]
            queues[hub_of[origin]].extend(taken)
    for kind, origin, to, f in sorted(flows):
        if kind not in (0, 3):
            continue
        start = head[origin]
        taken = queues[origin][start:start + f]
        head[origin] = start + f
        if kind == 0:
            h, d = hubs[origin], demands[to]
            dist = travel.road_km(h.lat, h.lon, d.lat, d.lon)
            result.sent.setdefault(d.target_id, []).extend((n, dist) for n in taken)
        else:
            result.spare.extend((n, hubs[origin].owner) for n in taken)
    for target in result.sent:
        result.sent[target].sort(key=lambda x: x[0])
    return result
