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
base (few); the same flow over every eligible arc gives the bound the result is compared to.
When re-planning, an arc other than the officer's current post costs ``penalty`` km more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from pollguard.domain.command import POOL
from pollguard.planning.travel import TravelModel

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


def _arcs(hubs: Sequence[_Hub], demands: Sequence[Demand], travel: TravelModel,
          k: int | None) -> list[tuple[int, int, float]]:
    """(hub, demand, road km): the k nearest eligible own hubs of each demand and every pool
    hub (few); every eligible pair when ``k`` is None."""
    by_owner: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(hubs):
        by_owner[h.owner].append(i)
    out = []
    for j, d in enumerate(demands):
        own = sorted((travel.road_km(hubs[i].lat, hubs[i].lon, d.lat, d.lon), i)
                     for i in by_owner.get(d.owner, []) if d.owner != POOL)
        chosen = own if k is None else own[:k]
        pool = [(travel.road_km(hubs[i].lat, hubs[i].lon, d.lat, d.lon), i)
                for i in by_owner.get(POOL, [])]
        out += [(i, j, dist) for dist, i in chosen + pool]
    return out


def _solve(supplies: Sequence[Supply], hubs: Sequence[_Hub], hub_of: Sequence[int],
           demands: Sequence[Demand], arcs: list[tuple[int, int, float]], penalty: float,
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
        raise InfeasibleError(f"{total_demand} officers needed, {total_supply} available")
    rows: list[tuple[int, int, int, int, int, int, float]] = []  # tail, head, cap, cost, kind
    big = total_supply
    for i, j, dist in arcs:
        rows.append((i, demand_node + j, big, round(dist * 1000), 0, i, dist))
    for i in range(nh):
        rows.append((i, spare_node, big, 0, 3, i, 0.0))
    for i, node in held_node.items():
        s = supplies[i]
        n = len(s.nrps)
        rows.append((node, hub_of[i], n, round(penalty * 1000), 2, i, 0.0))
        if s.previous == SPARE:
            rows.append((node, spare_node, n, 0, 4, i, 0.0))
        elif s.previous in target_index:
            d = demands[target_index[s.previous]]
            if _eligible(s.owner, d):
                dist = travel.road_km(s.lat, s.lon, d.lat, d.lon)
                rows.append((node, demand_node + target_index[s.previous], n,
                             round(dist * 1000), 1, i, dist))
    flow = min_cost_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int32),
        np.array([r[2] for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=np.int64))
    supply = np.zeros(spare_node + 1, dtype=np.int64)
    for i, s in enumerate(supplies):
        supply[held_node.get(i, hub_of[i])] += len(s.nrps)
    for j, d in enumerate(demands):
        supply[demand_node + j] = -d.officers
    supply[spare_node] = -(total_supply - total_demand)
    flow.set_nodes_supplies(np.arange(spare_node + 1, dtype=np.int32), supply)
    if flow.solve() != flow.OPTIMAL:
        raise InfeasibleError("no plotting meets every post and duty with eligible officers")
    out = []
    km_total = 0.0
    for a, f in zip(arc_ids, flow.flows(arc_ids), strict=True):
        if f <= 0:
            continue
        _, head, _, _, kind, origin, dist = rows[a]
        to = head - demand_node if kind in (0, 1) else head
        out.append((kind, origin, to, int(f)))
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
    if with_bound and k is not None:
        bound = _solve(supplies, hubs, hub_of, demands, _arcs(hubs, demands, travel, None),
                       0.0, travel)[0]
    result = Plotting(cost_km=km_total, bound_km=bound, arcs=len(arcs),
                      bound_known=with_bound or k is None)
    held = {i: list(s.nrps) for i, s in enumerate(supplies) if s.previous is not None}
    queues = {i: list(h.free) for i, h in enumerate(hubs)}
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
        if kind == 0:
            taken, queues[origin] = queues[origin][:f], queues[origin][f:]
            h, d = hubs[origin], demands[to]
            dist = travel.road_km(h.lat, h.lon, d.lat, d.lon)
            result.sent.setdefault(d.target_id, []).extend((n, dist) for n in taken)
        elif kind == 3:
            taken, queues[origin] = queues[origin][:f], queues[origin][f:]
            result.spare.extend((n, hubs[origin].owner) for n in taken)
    for target in result.sent:
        result.sent[target].sort(key=lambda x: x[0])
    return result
