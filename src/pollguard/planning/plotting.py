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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from pollguard.planning.inputs import POOL
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


class InfeasibleError(RuntimeError):
    """The demands cannot be met by the eligible supplies."""


def _eligible(s: Supply, d: Demand) -> bool:
    return s.owner == d.owner or s.owner == POOL


def _arcs(supplies: Sequence[Supply], demands: Sequence[Demand], travel: TravelModel,
          k: int | None) -> list[tuple[int, int, float]]:
    """(supply index, demand index, road km), the k nearest eligible own bases per demand
    plus every pool base; every eligible pair when ``k`` is None."""
    by_owner: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(supplies):
        by_owner[s.owner].append(i)
    out = []
    for j, d in enumerate(demands):
        own = [(travel.road_km(supplies[i].lat, supplies[i].lon, d.lat, d.lon), i)
               for i in by_owner.get(d.owner, []) if d.owner != POOL]
        own.sort()
        chosen = own if k is None else own[:k]
        pool = [(travel.road_km(supplies[i].lat, supplies[i].lon, d.lat, d.lon), i)
                for i in by_owner.get(POOL, [])]
        out += [(i, j, dist) for dist, i in chosen + pool]
    return out


def _solve(supplies: Sequence[Supply], demands: Sequence[Demand],
           arcs: list[tuple[int, int, float]], penalty: float,
           previous_of: Mapping[int, str | None]) -> tuple[float, dict[tuple[int, int], int],
                                                           dict[int, int]]:
    ns, nd = len(supplies), len(demands)
    spare_node = ns + nd
    flow = min_cost_flow.SimpleMinCostFlow()
    total_supply = sum(len(s.nrps) for s in supplies)
    total_demand = sum(d.officers for d in demands)
    if total_demand > total_supply:
        raise InfeasibleError(f"{total_demand} officers needed, {total_supply} available")
    tails, heads, caps, costs = [], [], [], []
    for i, j, dist in arcs:
        extra = penalty if previous_of.get(i) not in (None, demands[j].target_id) else 0.0
        tails.append(i)
        heads.append(ns + j)
        caps.append(min(len(supplies[i].nrps), demands[j].officers))
        costs.append(round((dist + extra) * 1000))
    for i, s in enumerate(supplies):  # leaving officers spare costs nothing, except a move
        extra = penalty if previous_of.get(i) not in (None, SPARE) else 0.0
        tails.append(i)
        heads.append(spare_node)
        caps.append(len(s.nrps))
        costs.append(round(extra * 1000))
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64))
    supply_values = [len(s.nrps) for s in supplies] + [-d.officers for d in demands] + [
        -(total_supply - total_demand)]
    flow.set_nodes_supplies(np.arange(ns + nd + 1, dtype=np.int32),
                            np.array(supply_values, dtype=np.int64))
    if flow.solve() != flow.OPTIMAL:
        raise InfeasibleError("no plotting meets every post and duty with eligible officers")
    flows = flow.flows(arc_ids)
    sent: dict[tuple[int, int], int] = {}
    spare: dict[int, int] = {}
    km_total = 0.0
    for a, f in enumerate(flows):
        if f <= 0:
            continue
        if heads[a] == spare_node:
            spare[tails[a]] = int(f)
        else:
            j = heads[a] - ns
            sent[(tails[a], j)] = int(f)
            km_total += f * arcs[a][2]
    return km_total, sent, spare


def plot(supplies: Sequence[Supply], demands: Sequence[Demand], travel: TravelModel, *,
         k: int | None = 30, penalty_km: float = 0.0, with_bound: bool = True) -> Plotting:
    """Send officers from bases to demands at least total road distance."""
    previous_of = {i: s.previous for i, s in enumerate(supplies)}
    arcs = _arcs(supplies, demands, travel, k)
    try:
        km_total, sent, spare = _solve(supplies, demands, arcs, penalty_km, previous_of)
    except InfeasibleError:
        if k is None:
            raise
        arcs = _arcs(supplies, demands, travel, None)  # a demand out of reach: every arc
        km_total, sent, spare = _solve(supplies, demands, arcs, penalty_km, previous_of)
        k = None
    bound = km_total
    if with_bound and k is not None:
        bound = _solve(supplies, demands, _arcs(supplies, demands, travel, None), 0.0, {})[0]
    result = Plotting(cost_km=km_total, bound_km=bound, arcs=len(arcs))
    queues = {i: list(s.nrps) for i, s in enumerate(supplies)}
    distance = {(i, j): dist for i, j, dist in arcs}
    for (i, j), f in sorted(sent.items(), key=lambda kv: (demands[kv[0][1]].target_id,
                                                          kv[0][0])):
        taken, queues[i] = queues[i][:f], queues[i][f:]
        result.sent.setdefault(demands[j].target_id, []).extend(
            (nrp, distance[(i, j)]) for nrp in taken)
    for i, f in sorted(spare.items()):
        taken, queues[i] = queues[i][:f], queues[i][f:]
        result.spare.extend((nrp, supplies[i].owner) for nrp in taken)
    return result
