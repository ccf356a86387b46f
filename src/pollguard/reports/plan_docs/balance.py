"""The force balance per unit: what each Polres (and the Polda pool) has, where the plan puts
it, what it lends and borrows. The workbooks' summaries, the plan summary and the planning
workspace show it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from pollguard.domain.plan import Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView


@dataclass(frozen=True)
class Balance:
    """One unit's force in the plan. ``available`` + ``bko_in`` - ``lent`` equals
    ``command`` + ``supervising`` + ``duties`` + ``at_tps`` + ``reserve``."""

    code: str
    name: str
    tps: int
    posts: int
    available: int  # its own officers in the scenario
    duties: int
    at_tps: int
    reserve: int
    bko_in: int  # Polda-pool officers serving it as BKO
    lent: int  # its own officers serving another unit's target
    shortage: int  # officers still short after the pool (plan.bko_needed)
    uncovered: int
    command: int = 0  # command and staff: Kaops, Posko staff, the Kapolsek
    supervising: int = 0  # Pawas over clusters of its posts


def force_balance(plan: Plan, scenario: Scenario) -> list[Balance]:
    """Each Polres's force in the plan, then the Polda pool's: what the summaries show."""
    return balances(PlanView(plan, scenario))


def balances(ix: PlanView) -> list[Balance]:
    """``force_balance`` of an indexed plan."""
    own: Counter[str] = Counter(ix.owner_of(o) for o in ix.scenario.officers)
    tps: Counter[str] = Counter(ix.polres_of_tps(t) for t in ix.scenario.tps)
    posts: Counter[str] = Counter(p.polres_code for p in ix.plan.posts)
    uncovered: Counter[str] = Counter(ix.polres_of_tps(ix.tps[t]) for t in ix.plan.uncovered
                                      if t in ix.tps)
    role: dict[str, Counter[Role]] = defaultdict(Counter)
    bko_in: Counter[str] = Counter()
    lent: Counter[str] = Counter()
    for a in ix.plan.assignments:
        owner = ix.owner_of_target(a)
        role[owner][a.role] += 1
        if a.bko_to:
            bko_in[owner] += 1
        if ix.owner_of(ix.officers[a.nrp]) != owner:
            lent[ix.owner_of(ix.officers[a.nrp])] += 1
    return [Balance(code, ix.unit_name(code), tps[code], posts[code], own[code],
                    role[code][Role.DUTY], role[code][Role.POST], role[code][Role.RESERVE],
                    bko_in[code], lent[code], ix.plan.bko_needed.get(code, 0), uncovered[code],
                    command=role[code][Role.COMMAND], supervising=role[code][Role.SUPERVISOR])
            for code in ix.owners()]
