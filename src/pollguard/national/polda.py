"""One Polda's work, start to finish: build its scenario from the recipe (or read the folder
it names), assess every TPS,
plan the deployment, and reduce the plan to what the national picture needs.

Pure apart from the clock: a task gets a small recipe and returns a small result, so it can
run in any process of any machine (Ray ships only the recipe, never the country's data)."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pollguard.domain.plan import Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import make_plan
from pollguard.planning.plotting import InfeasibleError
from pollguard.profile import load_profile
from pollguard.profile.model import parse_profile
from pollguard.risk.scoring import assess, inputs_of
from pollguard.scenario.folder import read_scenario
from pollguard.scenario.indonesia import ProvinceRecipe, build_province
from pollguard.scenario.problems import InvalidInputError


@dataclass(frozen=True)
class PoldaResult:
    """A Polda's plan as the national picture reads it."""

    province_code: str
    name: str
    ok: bool
    error: str = ""
    tps: int = 0
    officers: int = 0
    posts: int = 0
    at_tps: int = 0
    on_duties: int = 0
    in_reserve: int = 0
    bko_from_pool: int = 0
    uncovered: tuple[str, ...] = ()  # TPS with no post, riskiest first
    bko_needed: int = 0  # officers still short after the Polda's own pool: to ask of Mabes
    classes: dict[str, int] = field(default_factory=dict)
    travel_km: float = 0.0
    reserve_eta_p95_min: float | None = None  # None: no rawan or sangat rawan TPS
    seconds: dict[str, float] = field(default_factory=dict)  # build, risk, plan
    digest: str = ""  # SHA-256 of every officer's place: equal digests, identical plans
    pid: int = 0
    #: The try that gave this result, where the engine counts them (local; Ray retries inside
    #: its scheduler, unseen by the task).
    attempt: int = 1


class InvalidPoldaError(ValueError):
    """A Polda's input cannot be built into a scenario or planned at all (its fixed duties
    alone need more officers than it has); the message names the Polda. Not retried: it would
    fail the same way again."""


def planned_polda(recipe: ProvinceRecipe,
                  profile_toml: str | None = None) -> tuple[Scenario, Plan, PoldaResult]:
    """Build, assess and plan one province: its scenario, its plan and their summary."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        clock = now

    try:
        scenario = read_scenario(Path(recipe.folder)) if recipe.folder else build_province(recipe)
    except (InvalidInputError, ValueError, LookupError) as exc:
        raise InvalidPoldaError(f"invalid input for Polda {recipe.name} "
                                f"({recipe.province_code}): {exc}") from exc
    lap("build")
    profile = parse_profile(profile_toml) if profile_toml else load_profile(None)
    risks = {r.tps_id: r for r in assess(profile, inputs_of(scenario,
                                                             scenario.info.voting_date))}
    lap("risk")
    try:
        plan = make_plan(PlanInputs.of(scenario, risks, profile.planning))
    except InfeasibleError as exc:
        raise InvalidPoldaError(f"Polda {recipe.name} ({recipe.province_code}) cannot be "
                                f"planned: {exc}") from exc
    lap("plan")
    classes = Counter(r.risk_class.value for r in risks.values())
    return scenario, plan, summarise(recipe, scenario, plan, dict(classes), seconds)


def plan_polda(recipe: ProvinceRecipe, profile_toml: str | None = None) -> PoldaResult:
    """The task each engine runs. Bad input comes back as a failed result naming the Polda;
    any other exception propagates so that the engine retries the task."""
    try:
        return planned_polda(recipe, profile_toml)[2]
    except InvalidPoldaError as exc:
        return PoldaResult(recipe.province_code, recipe.name, ok=False, error=str(exc),
                           pid=os.getpid())


def summarise(recipe: ProvinceRecipe, scenario: Scenario, plan: Plan, classes: dict[str, int],
              seconds: dict[str, float]) -> PoldaResult:
    m = plan.metrics
    assert m is not None
    roles = Counter(a.role for a in plan.assignments)
    places = "\n".join(f"{a.nrp} {a.role.value} {a.target_id} {a.pair}"
                       for a in sorted(plan.assignments, key=lambda a: a.nrp))
    return PoldaResult(
        recipe.province_code, recipe.name, ok=True, tps=len(scenario.tps),
        officers=len(scenario.officers), posts=len(plan.posts), at_tps=roles[Role.POST],
        on_duties=roles[Role.DUTY], in_reserve=roles[Role.RESERVE], bko_from_pool=m.bko,
        uncovered=plan.uncovered, bko_needed=sum(plan.bko_needed.values()),
        classes=dict(sorted(classes.items())), travel_km=m.travel_km_total,
        reserve_eta_p95_min=m.reserve_eta_p95_min, seconds=seconds,
        digest=hashlib.sha256(places.encode()).hexdigest(), pid=os.getpid())

