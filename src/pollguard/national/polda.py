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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pollguard.domain.plan import Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.national.split import merged_digest, part_inputs
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
    #: A split Polda (``national.split``): how many tasks planned it (1: the whole Polda in
    #: one), and for one part's result, which part it is.
    parts: int = 1
    part: int = 0
    #: A merged split Polda: each part's task time (build, risk, split, plan), in part order.
    task_seconds: tuple[float, ...] = ()


class InvalidPoldaError(ValueError):
    """A Polda's input cannot be built into a scenario or planned at all (its fixed duties
    alone need more officers than it has); the message names the Polda. Not retried: it would
    fail the same way again."""


def planned_polda(recipe: ProvinceRecipe, profile_toml: str | None = None, *,
                  part: int = 0, parts: int = 1) -> tuple[Scenario, Plan, PoldaResult]:
    """Build, assess and plan one province: its scenario, its plan and their summary. With
    ``parts`` above 1, only part ``part`` of the split Polda is planned (``national.split``):
    the scenario, plan and summary are that part's."""
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
    inputs = PlanInputs.of(scenario, risks, profile.planning)
    if parts > 1:
        inputs = part_inputs(inputs, part, parts)
        scenario = inputs.scenario
        lap("split")
    try:
        plan = make_plan(inputs)
    except InfeasibleError as exc:
        raise InvalidPoldaError(f"Polda {recipe.name} ({recipe.province_code}) cannot be "
                                f"planned: {exc}") from exc
    lap("plan")
    classes = Counter(risks[t.tps_id].risk_class.value for t in scenario.tps
                      if t.tps_id in risks)
    result = summarise(recipe, scenario, plan, dict(classes), seconds)
    return scenario, plan, replace(result, part=part, parts=parts)


def plan_polda(recipe: ProvinceRecipe, profile_toml: str | None = None) -> PoldaResult:
    """The task each engine runs. Bad input comes back as a failed result naming the Polda;
    any other exception propagates so that the engine retries the task."""
    try:
        return planned_polda(recipe, profile_toml)[2]
    except InvalidPoldaError as exc:
        return PoldaResult(recipe.province_code, recipe.name, ok=False, error=str(exc),
                           pid=os.getpid())


def plan_part(recipe: ProvinceRecipe, profile_toml: str | None, part: int,
              parts: int) -> PoldaResult:
    """The task of one part of a split Polda: ``plan_polda`` for that part alone."""
    try:
        return planned_polda(recipe, profile_toml, part=part, parts=parts)[2]
    except InvalidPoldaError as exc:
        return PoldaResult(recipe.province_code, recipe.name, ok=False, error=str(exc),
                           pid=os.getpid(), part=part, parts=parts)


def merge_parts(results: Sequence[PoldaResult]) -> PoldaResult:
    """One Polda's result from its parts' (in any order): counts and travel summed, the
    uncovered TPS in part order, the reserve's p95 the worst part's (an upper bound: the
    parts' travel times are not kept), the digest of the parts' digests. A failed part fails
    the Polda with its error."""
    ordered = sorted(results, key=lambda r: r.part)
    first = ordered[0]
    if failed := [r for r in ordered if not r.ok]:
        return replace(failed[0], part=0, parts=first.parts,
                       attempt=max(r.attempt for r in ordered))
    classes: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    for r in ordered:
        classes.update(r.classes)
        seconds.update(r.seconds)
    etas = [r.reserve_eta_p95_min for r in ordered if r.reserve_eta_p95_min is not None]

    def total(name: str) -> int:
        return sum(int(getattr(r, name)) for r in ordered)

    return PoldaResult(
        first.province_code, first.name, ok=True, tps=total("tps"), officers=total("officers"),
        posts=total("posts"), at_tps=total("at_tps"), on_duties=total("on_duties"),
        in_reserve=total("in_reserve"), bko_from_pool=total("bko_from_pool"),
        uncovered=tuple(t for r in ordered for t in r.uncovered),
        bko_needed=total("bko_needed"), classes=dict(sorted(classes.items())),
        travel_km=round(sum(r.travel_km for r in ordered), 3),
        reserve_eta_p95_min=max(etas) if etas else None,
        seconds={k: round(v, 3) for k, v in sorted(seconds.items())},
        digest=merged_digest([r.digest for r in ordered]), pid=first.pid,
        attempt=max(r.attempt for r in ordered), parts=first.parts,
        task_seconds=tuple(round(sum(r.seconds.values()), 3) for r in ordered))


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

