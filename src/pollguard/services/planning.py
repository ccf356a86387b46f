"""Planning use cases: plan, re-plan with minimum change, compare, export."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import make_plan
from pollguard.planning.update import Move, update_plan
from pollguard.profile import dump_profile, load_profile
from pollguard.profile.model import parse_profile
from pollguard.services.risk import NoScenarioError
from pollguard.store import assessments, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


@dataclass(frozen=True)
class PlanOutcome:
    plan_id: int
    plan: Plan
    moves: tuple[Move, ...] = ()

    def as_json(self) -> dict[str, object]:
        m = self.plan.metrics
        assert m is not None
        return {"plan_id": self.plan_id, **{k: v for k, v in dataclasses.asdict(m).items()
                                            if k != "posts_lower_bound"},
                "posts_lower_bound": m.posts_lower_bound,
                "bko_needed": self.plan.bko_needed,
                "moved": len(self.moves)}


def _inputs(uow: UnitOfWork, *, profile_toml: str | None, profile: Path | None,
            classes: Mapping[str, RiskClass] | None = None,
            surplus: str | None = None) -> tuple[PlanInputs, int, str]:
    scenario = repo.load_scenario(uow.session)
    if scenario is None:
        raise NoScenarioError("the database holds no scenario: run `pollguard scenario load` "
                              "or `pollguard demo` first")
    assessment = assessments.latest_id(uow.session)
    if assessment is None:
        raise NoScenarioError("no assessment yet: run `pollguard risk assess` first")
    chosen = parse_profile(profile_toml) if profile_toml else load_profile(profile)
    planning = chosen.planning
    if surplus:
        planning = planning.model_copy(update={"surplus": surplus})
    remote_codes = set(planning.travel.remote_indicators)
    remote = frozenset(o.tps_id for o in scenario.observations
                       if o.indicator in remote_codes and o.value > 0)
    inputs = PlanInputs(scenario, assessments.results(uow.session, assessment), planning,
                        scenario.races, remote, dict(classes or {}))
    return inputs, assessment, dump_profile(chosen)


def run_plan(*, db: Database, profile: Path | None = None, surplus: str | None = None,
             note: str = "") -> PlanOutcome:
    """Plan the loaded scenario under the latest assessment; store it as a new version."""
    with UnitOfWork(db) as uow:
        inputs, assessment, toml = _inputs(uow, profile_toml=None, profile=profile,
                                           surplus=surplus)
        plan = make_plan(inputs)
        plan_id = plans.save(uow.session, plan, assessment_id=assessment, parent_id=None,
                             note=note, profile_toml=toml)
    return PlanOutcome(plan_id, plan)


def replan(*, db: Database, base: int | None = None,
           classes: Mapping[str, RiskClass] | None = None, note: str = "") -> PlanOutcome:
    """Re-plan from plan ``base`` (the latest by default) after the latest assessment or the
    given class changes, moving as few plotted officers as possible."""
    with UnitOfWork(db) as uow:
        base_id = base or plans.latest_id(uow.session)
        previous = plans.load(uow.session, base_id) if base_id else None
        found = plans.info(uow.session, base_id) if base_id else None
        if previous is None or found is None:
            raise NoScenarioError(f"no plan {base}" if base else
                                  "no plan yet: run `pollguard plan run` first")
        merged = {t: RiskClass(c) for t, c in found.classes.items()} | dict(classes or {})
        unknown = set(merged) - repo.tps_ids(uow.session)
        if unknown:
            raise ValueError(f"no such TPS: {', '.join(sorted(unknown)[:5])}")
        inputs, assessment, toml = _inputs(uow, profile_toml=found.profile_toml, profile=None,
                                           classes=merged)
        plan, moved = update_plan(inputs, previous)
        plan_id = plans.save(uow.session, plan, assessment_id=assessment, parent_id=base_id,
                             note=note, profile_toml=toml,
                             classes={t: c.value for t, c in merged.items()})
    return PlanOutcome(plan_id, plan, tuple(moved))


@dataclass(frozen=True)
class AssignmentChange:
    nrp: str
    before: Assignment | None
    after: Assignment | None


def compare(*, db: Database, before: int, after: int) -> list[AssignmentChange]:
    """Officers whose post or duty differs between two plans, or who left or joined the
    reserve."""
    with UnitOfWork(db) as uow:
        a, b = plans.load(uow.session, before), plans.load(uow.session, after)
    if a is None or b is None:
        raise NoScenarioError(f"no plan {before if a is None else after}")
    was = {x.nrp: x for x in a.assignments}
    now = {x.nrp: x for x in b.assignments}

    def place(x: Assignment | None) -> str | None:
        """Reserve teams are renumbered between plans: staying in reserve is no move."""
        return None if x is None else ("reserve" if x.role == Role.RESERVE else x.target_id)

    return [AssignmentChange(n, was.get(n), now.get(n)) for n in sorted(was.keys() | now.keys())
            if place(was.get(n)) != place(now.get(n))]


def export_plan(*, db: Database, out: Path, plan_id: int | None = None) -> list[Path]:
    """Plotting workbooks, assignment cards, the plan summary, GeoJSON and KML."""
    from pollguard.reports import plan_docs

    with UnitOfWork(db) as uow:
        chosen = plan_id or plans.latest_id(uow.session)
        plan = plans.load(uow.session, chosen) if chosen else None
        scenario = repo.load_scenario(uow.session)
    if plan is None or scenario is None:
        raise NoScenarioError(f"no plan {plan_id}" if plan_id else "no plan yet")
    out.mkdir(parents=True, exist_ok=True)
    return plan_docs.write_all(plan, scenario, out)
