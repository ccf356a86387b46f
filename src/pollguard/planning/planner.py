"""The whole plan: duties, reserve selection, posts and N, plotting, reserve staging.

``make_plan`` is PollGuard's planner; ``manual_plan`` does what planners do by hand today
(one N=10 everywhere, officers to the nearest post, reserves at their Polres HQ) so that the
first can be measured against the second.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pollguard.domain.command import POOL
from pollguard.domain.forces import Branch, Officer, UnitKind
from pollguard.domain.plan import (
    Assignment,
    Duty,
    Plan,
    PlanMetrics,
    Post,
    ReserveTeam,
    Role,
)
from pollguard.domain.risk import RiskClass
from pollguard.planning import reserves as staging
from pollguard.planning.duties import duties as fixed_duties
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.layout import Layout, choose
from pollguard.planning.plotting import Demand, Plotting, Supply, plot
from pollguard.planning.tni import allocate as allocate_tni
from pollguard.planning.travel import GreatCircleTravel, TravelModel

MANUAL_N = 10


@dataclass
class Force:
    """Officers per owner (a Polres, or the pool), split into reserve and the rest."""

    reserve: dict[str, list[Officer]]
    available: dict[str, list[Officer]]


def split_force(inputs: PlanInputs) -> Force:
    """The reserve share of each owner, Brimob and Samapta at HQ first (the usual reserves)."""
    p = inputs.planning
    by_owner: dict[str, list[Officer]] = defaultdict(list)
    for o in sorted(inputs.scenario.officers, key=lambda o: o.nrp):
        by_owner[inputs.owner_of(o)].append(o)
    preferred = {Branch(b) for b in p.reserve_branches}
    hq_kinds = (UnitKind.POLRES, UnitKind.SATKER)

    def rank(o: Officer) -> tuple[int, int, str]:
        at_hq = inputs.units[o.home_unit_code].kind in hq_kinds
        return (0 if o.branch in preferred else 1, 0 if at_hq else 1, o.nrp)

    reserve, available = {}, {}
    for owner, officers in sorted(by_owner.items()):
        n = round(len(officers) * p.reserve_share)
        ordered = sorted(officers, key=rank)
        chosen = {o.nrp for o in ordered[:n]}
        reserve[owner] = [o for o in officers if o.nrp in chosen]
        available[owner] = [o for o in officers if o.nrp not in chosen]
    return Force(reserve, available)


def _supplies(inputs: PlanInputs, officers: Mapping[str, list[Officer]],
              previous: Mapping[str, str] | None = None) -> list[Supply]:
    """One supply per (home base, owner, previous target), officers ordered for pairing."""
    groups: dict[tuple[str, str, str | None], list[Officer]] = defaultdict(list)
    for owner, people in officers.items():
        for o in people:
            groups[(o.home_unit_code, owner, (previous or {}).get(o.nrp))].append(o)
    out = []
    for (base, owner, prev), people in sorted(groups.items(), key=lambda kv: (
            kv[0][0], kv[0][1], kv[0][2] or "")):
        unit = inputs.units[base]
        people.sort(key=lambda o: (-int(o.rank), o.nrp))
        out.append(Supply(base, owner, unit.hq_lat, unit.hq_lon, [o.nrp for o in people], prev))
    return out


def _demands(posts: Sequence[Post], duties: Sequence[Duty]) -> list[Demand]:
    return [Demand(p.post_id, p.polres_code, p.lat, p.lon, p.officers) for p in posts] + [
        Demand(d.duty_id, d.unit_code, d.lat, d.lon, d.officers) for d in duties]


def _budgets(inputs: PlanInputs, force: Force, duties: Sequence[Duty]) -> tuple[dict[str, int],
                                                                                 int]:
    need = Counter[str]()
    for d in duties:
        need[d.unit_code] += d.officers
    own = {code: len(force.available.get(code, [])) - need[code] for code in
           (p.code for p in inputs.polres)}
    pool = len(force.available.get(POOL, [])) - need[POOL]
    # A Polres whose duties exceed its force borrows from the pool first.
    for code, n in own.items():
        if n < 0:
            pool += n
            own[code] = 0
    return own, max(pool, 0)


def _reserve_targets(inputs: PlanInputs) -> list[staging.Target]:
    return [staging.Target(t.tps_id, inputs.polres_of_tps(t), t.lat, t.lon,
                           inputs.area_of(t))
            for t in inputs.scenario.tps
            if inputs.class_of(t.tps_id) in (RiskClass.RAWAN, RiskClass.SANGAT_RAWAN)]


def _sites(inputs: PlanInputs) -> list[staging.Site]:
    out = []
    for u in inputs.scenario.units:
        if u.kind == UnitKind.POLRES:
            out.append(staging.Site(u.code, u.code, u.hq_lat, u.hq_lon))
        elif u.kind == UnitKind.POLSEK and u.parent_code:
            out.append(staging.Site(u.code, u.parent_code, u.hq_lat, u.hq_lon))
    return sorted(out, key=lambda s: s.code)


def _team_sizes(n: int, size: int) -> list[int]:
    teams = max(1, math.ceil(n / size)) if n else 0
    return [n // teams + (1 if i < n % teams else 0) for i in range(teams)]


def _reserve(inputs: PlanInputs, travel: TravelModel, people: Mapping[str, list[Officer]],
             placement: Mapping[str, list[str]]) -> tuple[list[ReserveTeam], list[Assignment]]:
    teams: list[ReserveTeam] = []
    out: list[Assignment] = []
    polda = inputs.polda
    for owner, officers in sorted(people.items()):
        sizes = _team_sizes(len(officers), inputs.planning.reserve_team_size)
        sites = list(placement.get(owner, ())) or [owner if owner != POOL else polda.code]
        ordered = sorted(officers, key=lambda o: (-int(o.rank), o.nrp))
        start = 0
        for i, size in enumerate(sizes):
            code = sites[i % len(sites)]
            unit = inputs.units[code]
            team = ReserveTeam(f"cadangan-{owner}-{i + 1:02d}", owner, code, unit.hq_lat,
                               unit.hq_lon, size)
            teams.append(team)
            for k, o in enumerate(ordered[start:start + size]):
                home = inputs.units[o.home_unit_code]
                out.append(Assignment(o.nrp, Role.RESERVE, team.team_id, k // 2 + 1,
                                      round(travel.road_km(home.hq_lat, home.hq_lon,
                                                           unit.hq_lat, unit.hq_lon), 3)))
            start += size
    return teams, out


def _pairs(inputs: PlanInputs, plotting: Plotting, posts: Sequence[Post],
           duties: Sequence[Duty]) -> list[Assignment]:
    """Officers at each target, paired senior with junior; a pool officer at a Polres's post or
    duty serves there as BKO."""
    owner_of_target = {p.post_id: p.polres_code for p in posts} | {
        d.duty_id: d.unit_code for d in duties}
    role_of = {p.post_id: Role.POST for p in posts} | {d.duty_id: Role.DUTY for d in duties}
    officer = {o.nrp: o for o in inputs.scenario.officers}
    out = []
    for target, sent in sorted(plotting.sent.items()):
        ranked = sorted(sent, key=lambda s: (-int(officer[s[0]].rank), s[0]))
        half = len(ranked) // 2
        order = [x for pair in zip(ranked[:half], reversed(ranked[half:]), strict=True)
                 for x in pair] + ranked[2 * half:]
        for k, (nrp, dist) in enumerate(order):
            owner = owner_of_target[target]
            bko = owner if owner != POOL and inputs.owner_of(officer[nrp]) == POOL else None
            out.append(Assignment(nrp, role_of[target], target, k // 2 + 1, round(dist, 3), bko))
    return out


def make_plan(inputs: PlanInputs, *, travel: TravelModel | None = None,
              previous: Mapping[str, str] | None = None, penalty_km: float = 0.0,
              layout: Layout | None = None,
              placement: Mapping[str, list[str]] | None = None) -> Plan:
    """Plan: duties, reserve share, posts and N (layout), plotting by min-cost flow, and
    reserve teams staged for the least p95 travel time to rawan and sangat rawan TPS.

    Re-planning passes ``previous`` (NRP -> target held), a ``penalty_km`` per officer moved,
    a ``layout`` and the reserve ``placement`` to keep."""
    started = time.perf_counter()
    travel = travel or GreatCircleTravel(inputs.planning.travel)
    duties = fixed_duties(inputs)
    force = split_force(inputs)
    own, pool = _budgets(inputs, force, duties)
    layout = layout or choose(inputs, own, pool)
    demands = _demands(layout.posts, duties)
    plotting = plot(_supplies(inputs, force.available, previous), demands, travel,
                    penalty_km=penalty_km, with_bound=previous is None)
    return _finish(inputs, travel, force, duties, layout, plotting, started,
                   placement=placement)


def manual_plan(inputs: PlanInputs, *, travel: TravelModel | None = None) -> Plan:
    """The baseline: N=10 everywhere, each post takes the nearest free officers (own Polres
    first, then the pool), reserve teams at their Polres HQ (the pool's at Polda HQ)."""
    started = time.perf_counter()
    travel = travel or GreatCircleTravel(inputs.planning.travel)
    duties = fixed_duties(inputs)
    force = split_force(inputs)
    fixed = inputs.planning.model_copy(update={"min_n": MANUAL_N, "max_n": MANUAL_N,
                                               "surplus": "pool"})
    manual_inputs = PlanInputs(inputs.scenario, inputs.risks, fixed, inputs.races,
                               inputs.remote_tps, inputs.classes)
    own, pool = _budgets(manual_inputs, force, duties)
    layout = choose(manual_inputs, own, pool)
    plotting = _greedy(_supplies(inputs, force.available), _demands(layout.posts, duties),
                       travel)
    at_hq = {owner: [owner if owner != POOL else inputs.polda.code] * 99
             for owner in force.reserve}
    return _finish(inputs, travel, force, duties, layout, plotting, started, placement=at_hq)


def _greedy(supplies: Sequence[Supply], demands: Sequence[Demand],
            travel: TravelModel) -> Plotting:
    """Nearest free officers first, post by post in id order, own Polres before the pool."""
    left = {i: list(s.nrps) for i, s in enumerate(supplies)}
    result = Plotting()
    for d in sorted(demands, key=lambda d: d.target_id):
        need = d.officers
        for own_first in (True, False):
            options = sorted((travel.road_km(s.lat, s.lon, d.lat, d.lon), i)
                             for i, s in enumerate(supplies)
                             if (s.owner == d.owner if own_first else s.owner == POOL))
            for dist, i in options:
                while need and left[i]:
                    result.sent.setdefault(d.target_id, []).append((left[i].pop(0), dist))
                    result.cost_km += dist
                    need -= 1
    result.bound_km = result.cost_km
    for i, nrps in left.items():
        result.spare.extend((nrp, supplies[i].owner) for nrp in nrps)
    return result


def _finish(inputs: PlanInputs, travel: TravelModel, force: Force, duties: Sequence[Duty],
            layout: Layout, plotting: Plotting, started: float, *,
            placement: Mapping[str, list[str]] | None) -> Plan:
    """Reserve teams (staged by the MIP unless ``placement`` is given), pairs, metrics."""
    officer = {o.nrp: o for o in inputs.scenario.officers}
    in_reserve = {owner: list(people) for owner, people in force.reserve.items()}
    # Officers no post or duty needs join their own reserve, or with surplus = "pool" the
    # Polda's: they are returned to the pool.
    to_pool = inputs.planning.surplus == "pool"
    for nrp, owner in plotting.spare:
        in_reserve.setdefault(POOL if to_pool else owner, []).append(officer[nrp])
    targets = _reserve_targets(inputs)
    sites = _sites(inputs)
    team_count = {owner: len(_team_sizes(len(p), inputs.planning.reserve_team_size))
                  for owner, p in in_reserve.items()}
    if placement is None:
        placement = staging.stage(team_count, sites, targets, travel)
    teams, reserve_assignments = _reserve(inputs, travel, in_reserve, placement)
    assignments = _pairs(inputs, plotting, layout.posts, duties) + reserve_assignments
    staged: dict[str, list[str]] = {owner: [] for owner in team_count}
    for team in teams:
        staged.setdefault(team.owner_code, []).append(team.staging_code)
    where = {code: (u.hq_lat, u.hq_lon) for code, u in inputs.units.items()}
    eta = staging.nearest_times(staged, where, targets, travel)
    metrics = PlanMetrics(
        posts=len(layout.posts),
        officers_at_tps=sum(1 for a in assignments if a.role == Role.POST),
        officers_on_duties=sum(1 for a in assignments if a.role == Role.DUTY),
        officers_in_reserve=sum(1 for a in assignments if a.role == Role.RESERVE),
        uncovered_tps=len(layout.uncovered),
        tps_by_class={c.value: n for c, n in sorted(
            Counter(inputs.class_of(t.tps_id) for t in inputs.scenario.tps).items(),
            key=lambda kv: kv[0].value)},
        travel_km_total=round(float(plotting.cost_km), 1),
        lp_bound_km=round(float(plotting.bound_km), 1) if plotting.bound_known else None,
        # (max: the bound is the optimum over more arcs, so a negative gap is rounding noise)
        gap=max(0.0, round(float((plotting.cost_km - plotting.bound_km) / plotting.bound_km), 6))
        if plotting.bound_km and plotting.bound_known else (0.0 if plotting.bound_known
                                                            else None),
        reserve_eta_p95_min=round(staging.percentile(eta), 1),
        seconds=round(time.perf_counter() - started, 3),
        posts_lower_bound=layout.lower_bound,
        bko=sum(1 for a in assignments if a.bko_to),
    )
    return Plan(tuple(layout.posts), tuple(duties), tuple(teams), tuple(assignments),
                tuple(layout.uncovered), layout.n_by_group,
                layout.bko_needed, metrics, layout.tier_cut, allocate_tni(inputs))
