"""Which posts the plan has: fixed patterns for the riskier classes, N chosen for the rest.

Sangat rawan, khusus and rawan TPS always get their doctrine pattern. Kurang rawan TPS of each
Polres are split into two tiers by score (the riskier quarter, tier A, and the rest, tier B)
per kecamatan, and each group's N is chosen within [min_n, max_n]:

1. Start every group at max_n: the least force that covers every TPS.
2. A Polres short of officers even then gets BKO officers from the Polda pool, riskiest posts
   first; what the pool cannot cover is listed as uncovered, riskiest first, with the BKO
   that would close the gap.
3. With ``surplus = "tighten"``, a Polres spends its spare officers on tighter patterns:
   repeatedly, the group whose next tighter N buys the most risk-weighted protection per
   officer, sum_t (score_t + 1) * delta sqrt(officers per TPS at t), never letting tier B be
   tighter than tier A. Then ``pool_tighten_share`` of the spare Polda pool goes as BKO the
   same way, across all Polres once every TPS is covered; the rest stays with the Polda.
   With ``"pool"``, spare officers return to the Polda pool.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from pollguard.domain.plan import Post
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import PollingStation
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.posts import Group, lower_bound

TIER_A_SHARE = 0.25  # the riskier share of a Polres's kurang rawan TPS


@dataclass
class Layout:
    posts: list[Post]
    n_by_group: dict[str, int]
    uncovered: list[str]
    bko: dict[str, int]  # Polres -> Polda-pool officers used at its TPS
    bko_needed: dict[str, int]  # Polres -> officers still short after the pool
    lower_bound: int
    returned_to_pool: dict[str, int] = field(default_factory=dict)
    tier_cut: dict[str, float] = field(default_factory=dict)  # Polres -> tier A from score
    pool_left: int = 0  # Polda-pool officers neither lent as BKO nor spent on tightening


def tier_cuts(inputs: PlanInputs) -> dict[str, float]:
    """Per Polres, the score from which a kurang rawan TPS is in the riskier tier A."""
    by_polres: dict[str, list[PollingStation]] = defaultdict(list)
    for t in inputs.scenario.tps:
        if inputs.class_of(t.tps_id) == RiskClass.KURANG_RAWAN:
            by_polres[inputs.polres_of_tps(t)].append(t)
    cut: dict[str, float] = {}
    for polres, tps in by_polres.items():
        scores = sorted((inputs.score_of(t.tps_id) for t in tps), reverse=True)
        cut[polres] = scores[max(0, int(len(scores) * TIER_A_SHARE) - 1)] if scores else 0.0
    return cut


GUARD = "guard"  # the key part of a TPS the planner gave a guard of its own


def is_guard(g: Group) -> bool:
    """A group of one TPS whose guard the planner ordered (``plan update --guard``)."""
    return f"/{GUARD}/" in g.key


def groups(inputs: PlanInputs, cut: Mapping[str, float]) -> list[Group]:
    """Groups per kecamatan: one per fixed class, two N tiers for kurang rawan, and one per
    TPS given a guard of its own. Kept in ``inputs.memo`` per cut: a group caches its post
    forms, which the planner's layouts of one plan ask for again and again."""
    key = ("layout.groups", tuple(sorted(cut.items())))
    if key not in inputs.memo:
        inputs.memo[key] = _groups(inputs, cut)
    return cast(list[Group], inputs.memo[key])


def _groups(inputs: PlanInputs, cut: Mapping[str, float]) -> list[Group]:
    out: list[Group] = []
    kept = _kept_posts(inputs)
    for kec, tps in sorted(inputs.tps_by_kecamatan.items()):
        polres = inputs.polres_of_tps(tps[0])
        radius = (inputs.planning.post_radius_km_city if inputs.is_city(kec)
                  else inputs.planning.post_radius_km_rural)
        by_key: dict[str, list[PollingStation]] = defaultdict(list)
        for t in tps:
            c = inputs.class_of(t.tps_id)
            if t.tps_id in inputs.guards:
                by_key[f"{c.value}/{GUARD}/{t.tps_id}"].append(t)
            elif c == RiskClass.KURANG_RAWAN:
                tier = "a" if inputs.score_of(t.tps_id) >= cut.get(polres, 0.0) else "b"
                by_key[f"{c.value}/{tier}"].append(t)
            else:
                by_key[c.value].append(t)
        for key, members in sorted(by_key.items()):
            c = RiskClass(key.split("/")[0])
            g = Group(f"{polres}/{kec}/{key}", polres, kec, c, tuple(members), radius,
                      tuple(inputs.score_of(t.tps_id) + 1.0 for t in members))
            g.kept, g.kept_capacity = kept.get((polres, _prefix(g)), ((), 0))
            out.append(g)
    return out


def _kept_posts(inputs: PlanInputs
                ) -> dict[tuple[str, str], tuple[tuple[tuple[int, tuple[str, ...]], ...], int]]:
    """Re-planning: the posts of the plan being updated per (Polres, post id prefix), the
    group they were formed in, as (number, TPS ids) with the capacity they were formed at."""
    out: dict[tuple[str, str], list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    capacity: dict[tuple[str, str], int] = {}
    for post in inputs.updating.posts if inputs.updating is not None else ():
        prefix, _, number = post.post_id.rpartition("-")
        if number.isdigit():
            out[(post.polres_code, prefix)].append((int(number), post.tps_ids))
            capacity[(post.polres_code, prefix)] = post.n
    return {k: (tuple(sorted(v)), capacity[k]) for k, v in out.items()}


def _capacity(inputs: PlanInputs, g: Group, n: int | None = None) -> int:
    if is_guard(g):
        return 1
    pattern = inputs.planning.patterns.of(g.risk_class)
    return pattern.tps if pattern.tps is not None else (n or inputs.planning.max_n)


def _benefit(inputs: PlanInputs, g: Group, n: int, officers: int) -> float:
    """Risk-weighted protection: sum over the group's TPS of (score + 1) * sqrt(officers per
    TPS). The square root makes each further officer at a TPS worth less than the last, so
    spare officers spread over the riskier groups instead of piling into one. Cached on the
    group per (N, officers): the tightening greedy asks for the same values again and again."""
    cache = g.benefits
    if (n, officers) not in cache:
        w = g.weights or tuple(inputs.score_of(t.tps_id) + 1.0 for t in g.tps)
        cache[(n, officers)] = sum(sum(w[i] for i in members)
                                   * math.sqrt(officers / len(members))
                                   for members in g.form(n))
    return cache[(n, officers)]


def choose(inputs: PlanInputs, own: Mapping[str, int], pool: int,
           fixed_n: Mapping[str, int] | None = None,
           fixed_cut: Mapping[str, float] | None = None,
           n_by_polres: Mapping[str, int] | None = None, *,
           tighten: bool | None = None, posts: bool = True) -> Layout:
    """Lay out posts with ``own[polres]`` officers for TPS per Polres and ``pool`` Polda-pool
    officers available as BKO. Re-planning passes ``fixed_n`` and ``fixed_cut``: groups keep
    their tiers and N and nothing is tightened, so unchanged groups keep exactly their posts.
    ``n_by_polres`` sets one N for every kurang rawan group of a Polres (the planner's say).
    ``tighten`` (default: the profile's surplus rule, never when re-planning) spends spare
    officers on tighter patterns; a TPS with a guard of its own is never tightened or loosened.
    Without ``posts`` only the budget is laid out (coverage, BKO, what is spare), no posts."""
    p = inputs.planning
    if tighten is None:
        tighten = p.surplus == "tighten" and fixed_n is None
    cut = dict(fixed_cut) if fixed_cut is not None else tier_cuts(inputs)
    all_groups = groups(inputs, cut)
    n_of: dict[str, int] = {}
    for g in all_groups:
        chosen = (n_by_polres or {}).get(g.polres_code) or (fixed_n or {}).get(g.key)
        n_of[g.key] = _capacity(inputs, g, chosen)
    officers_of = {g.key: (inputs.guards[g.tps[0].tps_id][0] if is_guard(g)
                           else p.patterns.of(g.risk_class).officers) for g in all_groups}

    def is_open(g: Group) -> bool:  # N may change
        return p.patterns.of(g.risk_class).tps is None and not is_guard(g)

    def need(g: Group) -> int:
        return g.posts_at(n_of[g.key]) * officers_of[g.key]

    by_polres: dict[str, list[Group]] = defaultdict(list)
    for g in all_groups:
        by_polres[g.polres_code].append(g)
    spare = {code: own.get(code, 0) - sum(need(g) for g in gs) for code, gs in by_polres.items()}

    # 2. Shortage: the pool first, riskiest posts first; then uncovered.
    bko: dict[str, int] = defaultdict(int)
    bko_needed: dict[str, int] = defaultdict(int)
    uncovered_posts: set[tuple[str, int]] = set()
    short = []
    short_polres: set[str] = set()
    for code, gs in by_polres.items():
        if spare[code] >= 0:
            continue
        short_polres.add(code)
        ranked = sorted(((g, i) for g in gs for i in range(g.posts_at(n_of[g.key]))),
                        key=lambda gi: _priority(inputs, gi[0], gi[1], n_of[gi[0].key]))
        budget = own.get(code, 0)
        for g, i in ranked:
            cost = officers_of[g.key]
            if budget >= cost:
                budget -= cost
            else:
                short.append((_priority(inputs, g, i, n_of[g.key]), code, g, i, cost))
        spare[code] = budget
    pool, lent, needed, left_out = lend(
        [(priority, code, (g.key, i), cost) for priority, code, g, i, cost in short], pool)
    bko.update(lent)
    bko_needed.update(needed)
    uncovered_posts.update(cast(list[tuple[str, int]], left_out))

    # 3. Spare officers: tighter patterns, or back to the pool.
    returned: dict[str, int] = {}
    if tighten:
        open_groups = {code: [g for g in gs if is_open(g)]
                       for code, gs in by_polres.items() if code not in short_polres}
        for code, gs in open_groups.items():
            if spare[code] > 0:
                spare[code] = _tighten(inputs, gs, n_of, officers_of, spare[code])
        # The pool may tighten anywhere once every post is covered, short Polres included.
        if not uncovered_posts:
            open_groups = {code: [g for g in gs if is_open(g)]
                           for code, gs in by_polres.items()}
        budget = round(pool * p.pool_tighten_share)
        left = _tighten(inputs, [g for gs in open_groups.values() for g in gs], n_of,
                        officers_of, budget, spent=bko)
        pool -= budget - left
    for code in by_polres:
        if spare[code] > 0:
            returned[code] = spare[code]

    made_posts: list[Post] = []
    uncovered: list[str] = []
    by_key = {g.key: g for g in all_groups}
    if not posts:  # the budget alone was asked for: which TPS are uncovered, no posts made
        for key, i in sorted(uncovered_posts):
            g = by_key[key]
            uncovered.extend(g.tps[m].tps_id for m in g.form(n_of[key])[i])
    for g in all_groups if posts else ():
        n = n_of[g.key]
        pattern = p.patterns.of(g.risk_class)
        equipment = dict(pattern.equipment)
        if is_guard(g):
            equipment |= dict(inputs.guards[g.tps[0].tps_id][1])
        made = g.make_posts(n, officers=officers_of[g.key],
                            linmas_per_tps=pattern.linmas_per_tps, prefix=_prefix(g),
                            equipment=tuple(sorted((k, v) for k, v in equipment.items() if v)))
        for i, post in enumerate(made):
            if (g.key, i) in uncovered_posts:
                uncovered.extend(post.tps_ids)
            else:
                made_posts.append(post)
    uncovered.sort(key=lambda t: (-inputs.class_of(t).rank, -inputs.score_of(t), t))
    bound = sum(lower_bound(len(g.tps), _capacity(inputs, g, n_of[g.key])) for g in all_groups)
    return Layout(made_posts, {g.key: n_of[g.key] for g in all_groups if is_open(g)},
                  uncovered, dict(bko), dict(bko_needed), bound, returned, cut, max(pool, 0))


def lend(short: Iterable[tuple[Any, str, object, int]], pool: int
         ) -> tuple[int, dict[str, int], dict[str, int], list[object]]:
    """The Polda pool's BKO rule, one definition for a whole plan and for splitting a Polda:
    the posts their Polres cannot man, ``(priority, polres, post, officers)``, are manned from
    the pool in priority order (riskiest first), a whole post or none, while the pool lasts;
    the rest are left uncovered. Returns the pool left, the BKO lent and still needed per
    Polres, and the posts left uncovered."""
    bko: dict[str, int] = defaultdict(int)
    needed: dict[str, int] = defaultdict(int)
    uncovered: list[object] = []
    for _, code, post, cost in sorted(short, key=lambda s: s[0]):
        if pool >= cost:
            pool -= cost
            bko[code] += cost
        else:
            uncovered.append(post)
            needed[code] += cost
    return pool, dict(bko), dict(needed), uncovered


def _prefix(g: Group) -> str:
    if is_guard(g):
        return f"{g.kecamatan_code}-J{g.tps[0].tps_id[-7:]}"
    kind = {RiskClass.SANGAT_RAWAN: "SR", RiskClass.RAWAN: "R", RiskClass.KHUSUS: "K",
            RiskClass.KURANG_RAWAN: "KR"}[g.risk_class]
    tier = g.key.rsplit("/", 1)[-1].upper() if g.risk_class == RiskClass.KURANG_RAWAN else ""
    return f"{g.kecamatan_code}-{kind}{tier}"


def _priority(inputs: PlanInputs, g: Group, i: int, n: int) -> tuple[int, float, str]:
    """Cover first: a TPS whose guard the planner ordered, then the higher class, then the
    higher top score in the post."""
    members = g.form(n)[i]
    top = max(inputs.score_of(g.tps[m].tps_id) for m in members)
    return (-g.risk_class.rank - (100 if is_guard(g) else 0), -top, g.tps[members[0]].tps_id)


def _tighten(inputs: PlanInputs, groups_: list[Group], n_of: dict[str, int],
             officers_of: dict[str, int], spare: int,
             spent: dict[str, int] | None = None) -> int:
    """Greedy tightening of ``groups_`` with ``spare`` officers; returns those left over.
    ``spent`` tallies, per Polres, what was used (the BKO from the pool)."""
    p = inputs.planning
    by_base: dict[str, list[Group]] = defaultdict(list)
    for g in groups_:
        by_base[g.key.rsplit("/", 1)[0]].append(g)
    sibling = {g.key: next((h for h in by_base[g.key.rsplit("/", 1)[0]] if h.key != g.key),
                           None) for g in groups_}

    def next_move(g: Group) -> tuple[float, int, int] | None:
        n = n_of[g.key]
        posts = g.posts_at(n)
        floor = p.min_n
        other = sibling[g.key]
        if g.key.endswith("/b") and other is not None:
            floor = max(floor, n_of[other.key])  # tier B never tighter than tier A
        for m in range(n - 1, floor - 1, -1):
            more = g.posts_at(m)
            if more > posts:
                cost = (more - posts) * officers_of[g.key]
                gain = (_benefit(inputs, g, m, officers_of[g.key])
                        - _benefit(inputs, g, n, officers_of[g.key]))
                return gain / cost, m, cost
        return None

    heap: list[tuple[float, str, int, int]] = []
    by_key = {g.key: g for g in groups_}

    def push(g: Group) -> None:
        move = next_move(g)
        if move:
            ratio, m, cost = move
            heapq.heappush(heap, (-ratio, g.key, m, cost))

    for g in groups_:
        push(g)
    while heap:
        _, key, m, cost = heapq.heappop(heap)
        g = by_key[key]
        current = next_move(g)
        if current is None or current[1] != m:  # stale entry
            continue
        if cost > spare:
            continue
        spare -= cost
        if spent is not None:
            spent[g.polres_code] = spent.get(g.polres_code, 0) + cost
        n_of[key] = m
        push(g)
        other = sibling[key]
        if other is not None and key.endswith("/a"):
            push(other)  # tier B may tighten now that tier A did
    return spare
