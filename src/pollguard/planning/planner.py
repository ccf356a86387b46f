"""The whole plan: duties, reserve selection, posts and N, plotting, reserve staging.

``make_plan`` is PollGuard's planner; ``manual_plan`` does what planners do by hand today
(the same roles, reserve and duties first, one N=10 everywhere, guards to the nearest post,
reserves at their Polres HQ) so that the first can be measured against the second.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from pollguard.domain.command import POOL
from pollguard.domain.forces import Branch, Officer, Rank, UnitKind
from pollguard.domain.plan import (
    Assignment,
    Duty,
    Plan,
    PlanMetrics,
    Post,
    ReserveKind,
    ReserveTeam,
    Role,
    Shortfall,
    Supervision,
)
from pollguard.domain.risk import RiskClass
from pollguard.planning import reserves as staging
from pollguard.planning.budget import Budget, allocate
from pollguard.planning.duties import duties as fixed_duties
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.layout import choose
from pollguard.planning.linmas import check as check_linmas
from pollguard.planning.plotting import SPARE, Demand, Plotting, Supply, plot
from pollguard.planning.roles import RoleBook
from pollguard.planning.roles import assign as assign_roles
from pollguard.planning.supervision import DANTON, PAWAS, clusters, leaders
from pollguard.planning.tni import allocate as allocate_tni
from pollguard.planning.tni import place as place_tni
from pollguard.planning.travel import GreatCircleTravel, TravelModel

MANUAL_N = 10
PADAL = "Perwira Pengendali (Padal)"  # a perwira no cluster or team needs: at the Posko


@dataclass
class Force:
    """Officers per owner (a Polres, or the pool), split into reserve and the rest."""

    reserve: dict[str, list[Officer]]
    available: dict[str, list[Officer]]


def split_force(inputs: PlanInputs, guards: Mapping[str, list[Officer]] | None = None
                ) -> Force:
    """The manual way: the reserve share of each owner's ``guards`` (every officer by
    default) taken first, Brimob and Samapta at HQ first (the usual reserves)."""
    p = inputs.planning
    by_owner: dict[str, list[Officer]] = defaultdict(list)
    everyone = (inputs.scenario.officers if guards is None
                else [o for people in guards.values() for o in people])
    for o in sorted(everyone, key=lambda o: o.nrp):
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


def _demands(posts: Sequence[Post], duties: Sequence[Duty],
             taken: Mapping[str, int] | None = None) -> list[Demand]:
    """What the flow must fill: each post and duty, less the officers ``taken`` already (a
    Bhabinkamtibmas at a TPS of his desa)."""
    got = taken or {}
    return [Demand(p.post_id, p.polres_code, p.lat, p.lon, p.officers - got.get(p.post_id, 0))
            for p in posts] + [Demand(d.duty_id, d.unit_code, d.lat, d.lon, d.officers)
                               for d in duties]


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


#: The TPS reserves must reach fastest (the staging's targets, and what a re-plan compares).
RESERVE_TARGETS = frozenset({RiskClass.RAWAN, RiskClass.SANGAT_RAWAN})


def _reserve_targets(inputs: PlanInputs) -> list[staging.Target]:
    return [staging.Target(t.tps_id, inputs.polres_of_tps(t), t.lat, t.lon,
                           inputs.area_of(t))
            for t in inputs.scenario.tps if inputs.class_of(t.tps_id) in RESERVE_TARGETS]


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


def _pairs(inputs: PlanInputs, plotting: Plotting, posts: Sequence[Post],
           duties: Sequence[Duty], bhabin: frozenset[str] | set[str] = frozenset()
           ) -> list[Assignment]:
    """Officers at each target, paired senior with junior (an odd last one joins the pair
    before); a pool officer at a Polres's post or duty serves there as BKO."""
    owner_of_target = {p.post_id: p.polres_code for p in posts} | {
        d.duty_id: d.unit_code for d in duties}
    role_of = {p.post_id: Role.POST for p in posts} | {d.duty_id: Role.DUTY for d in duties}
    label = {d.duty_id: d.label for d in duties}
    officer = {o.nrp: o for o in inputs.scenario.officers}
    out = []
    for target, sent in sorted(plotting.sent.items()):
        ranked = sorted(sent, key=lambda s: (-int(officer[s[0]].rank), s[0]))
        half = len(ranked) // 2
        juniors = ranked[len(ranked) - half:]
        order = [x for pair in zip(ranked[:half], reversed(juniors), strict=True)
                 for x in pair] + ranked[half:len(ranked) - half]
        pairs = max(1, len(order) // 2)
        for k, (nrp, dist) in enumerate(order):
            owner = owner_of_target[target]
            bko = owner if owner != POOL and inputs.owner_of(officer[nrp]) != owner else None
            if role_of[target] == Role.POST:
                position = ("Penjaga TPS (Bhabinkamtibmas desa binaan)" if nrp in bhabin
                            else "Penjaga TPS")
            else:
                position = label[target]
            out.append(Assignment(nrp, role_of[target], target, min(k // 2 + 1, pairs),
                                  round(dist, 3), bko, position))
    return out


def make_plan(inputs: PlanInputs, *, travel: TravelModel | None = None,
              previous: Mapping[str, str] | None = None, penalty_km: float = 0.0,
              fixed_n: Mapping[str, int] | None = None,
              fixed_cut: Mapping[str, float] | None = None,
              n_by_polres: Mapping[str, int] | None = None,
              placement: Mapping[str, list[str]] | None = None) -> Plan:
    """Plan as Polri would sign it: roles by rank (``roles``), the guard force spent so that
    no officer is idle while a TPS is unguarded (``budget``), guards plotted by min-cost flow
    (a Bhabinkamtibmas first to a TPS of his desa binaan), reserves as formed units staged for
    the least p95 travel time to rawan and sangat rawan TPS, Pawas over clusters of posts and a
    Danton for every team (``supervision``), TNI placed and Linmas checked.

    Re-planning passes ``previous`` (NRP -> target held), a ``penalty_km`` per officer moved,
    the groups' N and tiers to keep (``fixed_n``, ``fixed_cut``), and the reserve
    ``placement`` to keep (None: staged afresh)."""
    started = time.perf_counter()
    travel = travel or GreatCircleTravel(inputs.planning.travel)
    book = assign_roles(inputs)
    budget = allocate(inputs, book.guards, fixed_n=fixed_n, fixed_cut=fixed_cut,
                      n_by_polres=n_by_polres)
    reserve, available = select_reserve(inputs, book.guards, budget.reserve)
    posts, duties = budget.layout.posts, budget.duties
    pre, available = _bhabin(inputs, travel, available, posts)
    demands = _demands(posts, duties, {t: len(v) for t, v in pre.items()})
    plotting = plot(_supplies(inputs, available, previous), demands, travel,
                    penalty_km=penalty_km, with_bound=previous is None)
    for target, sent in pre.items():
        plotting.sent.setdefault(target, []).extend(sent)
        plotting.cost_km += sum(km for _, km in sent)
        plotting.bound_km += sum(km for _, km in sent)
    return _finish(inputs, travel, book, budget, reserve, plotting, started,
                   placement=placement, previous=previous, penalty_km=penalty_km,
                   bhabin={n for sent in pre.values() for n, _ in sent})


def select_reserve(inputs: PlanInputs, guards: Mapping[str, list[Officer]],
                   counts: Mapping[str, int],
                   nearer: Callable[[Officer], float] | None = None
                   ) -> tuple[dict[str, list[Officer]], dict[str, list[Officer]]]:
    """Each owner's reserve, ``counts[owner]`` guards: Brimob and Samapta at HQ first (the
    usual reserves), a Bhabinkamtibmas with a desa binaan last (his TPS needs him); with
    ``nearer`` (a re-vote: km to its TPS), the nearest of those first."""
    preferred = {Branch(b) for b in inputs.planning.reserve_branches}
    hq_kinds = (UnitKind.POLRES, UnitKind.SATKER)

    def rank(o: Officer) -> tuple[int, int, float, int, str]:
        at_hq = inputs.units[o.home_unit_code].kind in hq_kinds
        return (1 if o.desa_code else 0, 0 if o.branch in preferred else 1,
                nearer(o) if nearer else 0.0, 0 if at_hq else 1, o.nrp)

    reserve, available = {}, {}
    for owner, officers in sorted(guards.items()):
        ordered = sorted(officers, key=rank)
        chosen = {o.nrp for o in ordered[:counts.get(owner, 0)]}
        reserve[owner] = sorted((o for o in officers if o.nrp in chosen), key=lambda o: o.nrp)
        available[owner] = sorted((o for o in officers if o.nrp not in chosen),
                                  key=lambda o: o.nrp)
    return reserve, available


def _bhabin(inputs: PlanInputs, travel: TravelModel, available: Mapping[str, list[Officer]],
            posts: Sequence[Post]
            ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[Officer]]]:
    """A Bhabinkamtibmas guards a post holding a TPS of his desa binaan while it needs
    officers (he knows the desa): those posts take him before the flow plots the rest."""
    desa_of = {t.tps_id: t.desa_code for t in inputs.scenario.tps}
    posts_of: dict[tuple[str, str], list[Post]] = defaultdict(list)
    for p in posts:
        for desa in sorted({desa_of[t] for t in p.tps_ids if t in desa_of}):
            posts_of[(p.polres_code, desa)].append(p)
    room = {p.post_id: p.officers for p in posts}
    sent: dict[str, list[tuple[str, float]]] = defaultdict(list)
    left: dict[str, list[Officer]] = {}
    for owner, officers in available.items():
        keep = []
        for o in officers:
            post = next((p for p in posts_of.get((owner, o.desa_code or ""), ())
                         if room[p.post_id] > 0), None)
            if post is None:
                keep.append(o)
                continue
            room[post.post_id] -= 1
            home = inputs.units[o.home_unit_code]
            sent[post.post_id].append((o.nrp, travel.road_km(home.hq_lat, home.hq_lon,
                                                             post.lat, post.lon)))
        left[owner] = keep
    return dict(sent), left


def manual_plan(inputs: PlanInputs, *, travel: TravelModel | None = None) -> Plan:
    """The baseline, as a planner does it by hand: the same roles (commanders and staff at the
    Posko, perwira leading reserve teams or at the Posko, never at a TPS: a Kabag Ops would
    not sign otherwise), the reserve share and every duty taken first, N=10 everywhere, each
    post taking the nearest free guards (own Polres first, then the pool), reserve teams at
    their Polres HQ (the pool's at Polda HQ), no Pawas clusters."""
    started = time.perf_counter()
    travel = travel or GreatCircleTravel(inputs.planning.travel)
    duties = fixed_duties(inputs)
    book = assign_roles(inputs)
    force = split_force(inputs, book.guards)
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
    return _finish(inputs, travel, book, Budget(layout, duties, {}), force.reserve, plotting,
                   started, placement=at_hq, supervise=False)


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


def _teams(inputs: PlanInputs, people: Mapping[str, list[Officer]]
           ) -> dict[str, list[tuple[ReserveKind, list[Officer]]]]:
    """Each owner's reserve as formed units: Brimob SSTs, Samapta Dalmas platoons, and mixed
    platoons of the rest (a branch with under half a unit joins the mixed ones)."""
    u = inputs.planning.reserve_units
    size = {ReserveKind.BRIMOB: u.brimob_size, ReserveKind.DALMAS: u.dalmas_size,
            ReserveKind.MIXED: u.mixed_size}
    out: dict[str, list[tuple[ReserveKind, list[Officer]]]] = {}
    for owner, officers in sorted(people.items()):
        by_kind: dict[ReserveKind, list[Officer]] = defaultdict(list)
        for o in sorted(officers, key=lambda o: (-int(o.rank), o.nrp)):
            kind = {Branch.BRIMOB: ReserveKind.BRIMOB, Branch.SAMAPTA: ReserveKind.DALMAS}.get(
                o.branch, ReserveKind.MIXED)
            by_kind[kind].append(o)
        for kind in (ReserveKind.BRIMOB, ReserveKind.DALMAS):
            if 0 < len(by_kind[kind]) < size[kind] / 2:
                by_kind[ReserveKind.MIXED] += by_kind.pop(kind)
        teams: list[tuple[ReserveKind, list[Officer]]] = []
        for kind in (ReserveKind.BRIMOB, ReserveKind.DALMAS, ReserveKind.MIXED):
            members = sorted(by_kind.get(kind, []), key=lambda o: (-int(o.rank), o.nrp))
            start = 0
            for n in _team_sizes(len(members), size[kind]):
                teams.append((kind, members[start:start + n]))
                start += n
        out[owner] = teams
    return out


_KIND_NAME = {ReserveKind.BRIMOB: "Brimob", ReserveKind.DALMAS: "Dalmas",
              ReserveKind.MIXED: "Gabungan"}


def _short_name(inputs: PlanInputs, owner: str) -> str:
    if owner == POOL:
        return "Polda"
    name = inputs.units[owner].name
    for prefix in ("Polresta ", "Polres ", "Polres Kota ", "Polrestabes "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _finish(inputs: PlanInputs, travel: TravelModel, book: RoleBook, budget: Budget,
            reserve: Mapping[str, list[Officer]], plotting: Plotting, started: float, *,
            placement: Mapping[str, list[str]] | None,
            previous: Mapping[str, str] | None = None, penalty_km: float = 0.0,
            bhabin: frozenset[str] | set[str] = frozenset(), supervise: bool = True,
            targets: Sequence[staging.Target] | None = None,
            only_tps: frozenset[str] | None = None) -> Plan:
    """Reserve teams (staged by the MIP unless ``placement`` is given), Pawas and Danton
    (not for the manual baseline: ``supervise``), command, pairs, TNI, Linmas, metrics.
    A re-vote plan passes the ``targets`` its reserve must reach and ``only_tps``, the TPS
    whose TNI posts it places."""
    layout, duties = budget.layout, budget.duties
    officer = {o.nrp: o for o in inputs.scenario.officers}
    in_reserve = {owner: list(people) for owner, people in reserve.items()}
    # Officers no post or duty needs join their own reserve, or with surplus = "pool" the
    # Polda's: they are returned to the pool.
    to_pool = inputs.planning.surplus == "pool"
    for nrp, owner in plotting.spare:
        in_reserve.setdefault(POOL if to_pool else owner, []).append(officer[nrp])
    formed = _teams(inputs, in_reserve)
    team_count = {owner: len(t) for owner, t in formed.items() if t}
    targets = list(targets) if targets is not None else _reserve_targets(inputs)
    if placement is None:
        placement = staging.stage(team_count, _sites(inputs), targets, travel)
    groups = clusters(inputs, layout.posts) if supervise else []
    held_leads = {n: t for n, t in (previous or {}).items()
                  if t.startswith((PAWAS, DANTON)) or t == SPARE}
    lead = leaders(inputs, travel, book.supervisors, groups, team_count, previous=held_leads,
                   penalty_km=penalty_km)
    extra: list[Shortfall] = []
    assignments: list[Assignment] = []

    def place(o: Officer, role: Role, target: str, lat: float, lon: float, position: str,
              pair: int = 0, bko_to: str | None = None) -> None:
        home = inputs.units[o.home_unit_code]
        assignments.append(Assignment(o.nrp, role, target, pair, round(travel.road_km(
            home.hq_lat, home.hq_lon, lat, lon), 3), bko_to, position))

    # Reserve teams: staged, led, called.
    teams: list[ReserveTeam] = []
    fallback = {Rank.parse(r) for r in inputs.planning.roles.pawas_fallback_ranks}
    supervisions: list[Supervision] = []
    free_members = {owner: [o for _, members in t for o in members]
                    for owner, t in formed.items()}
    # Pawas: a perwira per cluster, else a fallback rank from the reserve, else none.
    taken_from_reserve: set[str] = set()
    for c in groups:
        got = lead.pawas.get(c.cluster_id)
        who: str | None = got[0] if got else None
        if who is None:
            for source in (c.polres_code, POOL):
                stand_in = next((o for o in sorted(
                    free_members.get(source, []), key=lambda o: (-int(o.rank), o.nrp))
                    if o.rank in fallback and o.nrp not in taken_from_reserve), None)
                if stand_in is not None:
                    who = stand_in.nrp
                    taken_from_reserve.add(who)
                    break
        supervisions.append(replace(c, nrp=who))
        if who is None:
            extra.append(Shortfall(0, c.polres_code, "pawas", f"{_unit_name(inputs, c.polres_code)}"
                                   f": {len(c.post_ids)} pos di {c.cluster_id} tanpa Pawas",
                                   f"{len(c.post_ids)} posts in {c.cluster_id} have no Pawas",
                                   1, 1))
            continue
        o = officer[who]
        owner = inputs.owner_of(o)
        place(o, Role.SUPERVISOR, c.cluster_id, c.lat, c.lon, "Pawas",
              bko_to=c.polres_code if owner != c.polres_code else None)
    for owner, members_of in formed.items():
        sites = list(placement.get(owner, ())) or [owner if owner != POOL else
                                                     inputs.polda.code]
        dantons = list(lead.danton.get(owner, []))
        for i, (kind, members) in enumerate(members_of):
            members = [o for o in members if o.nrp not in taken_from_reserve]
            code = sites[i % len(sites)]
            unit = inputs.units[code]
            team_id = f"cadangan-{owner}-{i + 1:02d}"
            leader: Officer | None = None
            if dantons:
                leader = officer[dantons.pop(0)[0]]
            n_kind = sum(1 for k, _ in members_of[:i + 1] if k == kind)
            call = inputs.planning.reserve_units.call_sign.format(
                kind=_KIND_NAME[kind], owner=_short_name(inputs, owner), n=n_kind)
            if leader is None and members and supervise:
                leader = members[0]  # the team's most senior, a bintara: flagged
                members = members[1:]
                extra.append(Shortfall(0, owner, "danton", f"{call}: Danton dari bintara "
                                       f"({leader.rank.label}), tidak ada perwira tersisa",
                                       f"{call}: led by a bintara, no perwira left", 1, 1))
            size = len(members) + (1 if leader else 0)
            teams.append(ReserveTeam(team_id, owner, code, unit.hq_lat, unit.hq_lon, size,
                                     kind, call, leader.nrp if leader else None))
            if leader is not None:
                bko = owner if owner != POOL and inputs.owner_of(leader) != owner else None
                place(leader, Role.RESERVE, team_id, unit.hq_lat, unit.hq_lon, "Danton",
                      1, bko)
            for k, o in enumerate(members):
                place(o, Role.RESERVE, team_id, unit.hq_lat, unit.hq_lon,
                      "Anggota " + _KIND_NAME[kind], k // 2 + 1 + (1 if leader else 0))
    # Command and staff; perwira left over control from the Posko (Padal).
    for cmd in book.command:
        u = inputs.units.get(cmd.unit_code) or inputs.polda
        place(cmd.officer, Role.COMMAND, u.code, u.hq_lat, u.hq_lon, cmd.position)
    for o in lead.spare:
        owner = inputs.owner_of(o)
        u = inputs.units[owner] if owner != POOL else inputs.polda
        place(o, Role.COMMAND, u.code, u.hq_lat, u.hq_lon, PADAL)
    assignments += _pairs(inputs, plotting, layout.posts, duties, bhabin)
    staged: dict[str, list[str]] = {owner: [] for owner in team_count}
    for team in teams:
        staged.setdefault(team.owner_code, []).append(team.staging_code)
    where = {code: (u.hq_lat, u.hq_lon) for code, u in inputs.units.items()}
    eta = staging.nearest_times(staged, where, targets, travel)
    command_nrps = book.command_nrps
    at_tps = [a for a in assignments if a.role == Role.POST]
    shortfalls = list(budget.shortfalls)
    for x in extra:
        shortfalls.append(replace(x, order=len(shortfalls) + 1))
    supervised = [c for c in supervisions if c.nrp]
    tni_posts = place_tni(inputs)
    if only_tps is not None:
        tni_posts = tuple(t for t in tni_posts if t.kind == "static" and t.target in only_tps)
    metrics = PlanMetrics(
        posts=len(layout.posts),
        officers_at_tps=len(at_tps),
        officers_on_duties=sum(1 for a in assignments if a.role == Role.DUTY),
        officers_in_reserve=sum(1 for a in assignments if a.role == Role.RESERVE),
        uncovered_tps=len(layout.uncovered),
        tps_by_class={c.value: n for c, n in sorted(
            Counter(inputs.class_of(t.tps_id) for t in inputs.scenario.tps
                    if only_tps is None or t.tps_id in only_tps).items(),
            key=lambda kv: kv[0].value)},
        travel_km_total=round(float(plotting.cost_km), 1),
        lp_bound_km=round(float(plotting.bound_km), 1) if plotting.bound_known else None,
        # (max: the bound is the optimum over more arcs, so a negative gap is rounding noise)
        gap=max(0.0, round(float((plotting.cost_km - plotting.bound_km) / plotting.bound_km), 6))
        if plotting.bound_km and plotting.bound_known else (0.0 if plotting.bound_known
                                                            else None),
        reserve_eta_p95_min=round(staging.percentile(eta), 1) if len(targets) else None,
        seconds=round(time.perf_counter() - started, 3),
        posts_lower_bound=layout.lower_bound,
        bko=sum(1 for a in assignments if a.bko_to),
        perwira_at_tps=sum(1 for a in at_tps if officer[a.nrp].rank.is_perwira),
        command_at_tps=sum(1 for a in at_tps if a.nrp in command_nrps),
        posts_without_pawas=sum(len(c.post_ids) for c in supervisions if not c.nrp),
        pawas_max_km=max((c.radius_km for c in supervised), default=0.0),
        officers_in_command=sum(1 for a in assignments if a.role == Role.COMMAND),
        officers_supervising=len(supervised),
    )
    return Plan(tuple(layout.posts), tuple(duties), tuple(teams), tuple(assignments),
                tuple(layout.uncovered), layout.n_by_group, layout.bko_needed, metrics,
                layout.tier_cut, allocate_tni(inputs, tni_posts), tuple(supervisions),
                tni_posts, check_linmas(inputs, layout.posts), tuple(shortfalls),
                tuple(book.inferred))


def _unit_name(inputs: PlanInputs, code: str) -> str:
    return inputs.units[code].name if code in inputs.units else code
