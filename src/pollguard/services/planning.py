"""Planning use cases: plan, re-plan with minimum change, accept a draft, compare, list.
(Writing a plan's documents is ``pollguard.services.documents``.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pollguard.access.scope import Scope
from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan
from pollguard.domain.risk import RiskClass
from pollguard.i18n import LANGUAGES
from pollguard.i18n.refusals import ErrorCode, RefusedError
from pollguard.planning.difference import Change, difference, outside
from pollguard.planning.drift import TpsDrift, tps_drift
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import make_plan
from pollguard.planning.psu import make_psu_plan
from pollguard.planning.update import Move, moves, targets_changed, update_plan
from pollguard.profile import dump_profile, load_profile
from pollguard.profile.model import parse_profile
from pollguard.services.risk import NoScenarioError
from pollguard.services.snapshot import Snapshot
from pollguard.store import assessments, audit, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import DRAFT, PSU, PlanInfo
from pollguard.store.uow import UnitOfWork


@dataclass(frozen=True)
class PlanOutcome:
    plan_id: int
    plan: Plan
    moves: tuple[Move, ...] = ()
    #: Re-planning: the reserve's p95 minutes to rawan and sangat rawan TPS in the plan it
    #: started from (None: no such TPS), and whether the reserves were re-staged.
    p95_before: float | None = None
    restaged: bool = False
    #: Re-planning: how the TPS list had changed since the plan it started from (None: it
    #: had not): the TPS it dropped, the new ones it placed (``drift.placed_in(plan)``).
    drift: TpsDrift | None = None
    #: Re-planning: the plan it started from (its moves are named against it).
    base_id: int | None = None

    def as_json(self) -> dict[str, object]:
        m = self.plan.metrics
        assert m is not None
        plan = self.plan
        total = next((a for a in plan.tni if a.unit_code == "total"), None)
        return {"plan_id": self.plan_id, **{k: v for k, v in dataclasses.asdict(m).items()
                                            if k != "posts_lower_bound"},
                "posts_lower_bound": m.posts_lower_bound,
                "bko_needed": plan.bko_needed,
                "moved": len(self.moves),
                "tps_list": None if self.drift is None else {
                    **self.drift.counts(), "tps_placed": len(self.drift.placed_in(plan))},
                "reserve_eta_p95_min_before": self.p95_before,
                "restaged": self.restaged,
                "reserve_teams": len(plan.reserves),
                "reserve_teams_without_perwira_leader": sum(
                    1 for t in plan.reserves if t.leader_nrp is None) + sum(
                    1 for x in plan.shortfalls if x.what == "danton"),
                "supervisions": len(plan.supervisions),
                "tni": {"static_posts": sum(1 for t in plan.tni_posts if t.kind == "static"),
                        "static_soldiers": total.static if total else 0,
                        "mobile_teams": total.mobile_teams if total else 0,
                        "mobile_soldiers": total.mobile if total else 0,
                        "available": total.available if total else 0,
                        "short": total.short if total else 0,
                        "kodim_short": {a.unit_code: a.short for a in plan.tni
                                        if a.unit_code != "total" and a.short}},
                "linmas_short_desa": len(plan.linmas_short),
                "linmas_short": sum(x.needed - x.available for x in plan.linmas_short),
                "shortfalls": [dataclasses.asdict(x) for x in plan.shortfalls],
                "inferred": list(plan.inferred)}


def _inputs(uow: UnitOfWork, *, profile_toml: str | None, profile: Path | None,
            classes: Mapping[str, RiskClass] | None = None,
            surplus: str | None = None,
            guards: Mapping[str, GuardOverride] | None = None,
            known: Snapshot | None = None) -> tuple[PlanInputs, int, str]:
    """The planner's inputs: the scenario under the latest assessment (from ``known``, a
    snapshot of both the caller holds, when it is of that assessment: the command centre's
    re-plan then reads neither again)."""
    assessment = assessments.latest_id(uow.session)
    if assessment is None:
        if repo.current_info(uow.session) is None:
            raise NoScenarioError(code=ErrorCode.NO_SCENARIO)
        raise NoScenarioError(code=ErrorCode.NO_ASSESSMENT)
    if known is not None and known.assessment is not None \
            and known.assessment.id == assessment:
        scenario, risks = known.scenario, known.risks
    else:
        found = repo.load_scenario(uow.session)
        if found is None:
            raise NoScenarioError(code=ErrorCode.NO_SCENARIO)
        scenario, risks = found, assessments.results(uow.session, assessment)
    chosen = parse_profile(profile_toml) if profile_toml else load_profile(profile)
    planning = chosen.planning
    if surplus:
        planning = planning.model_copy(update={"surplus": surplus})
    inputs = PlanInputs.of(scenario, risks, planning,
                           classes, {t: (g.officers, tuple(sorted(g.equipment.items())))
                                     for t, g in (guards or {}).items()})
    return inputs, assessment, dump_profile(chosen)


def run_plan(*, db: Database, profile: Path | None = None, surplus: str | None = None,
             note: str = "", actor: str = "cli") -> PlanOutcome:
    """Plan the loaded scenario under the latest assessment; store it as a new version."""
    with UnitOfWork(db) as uow:
        inputs, assessment, toml = _inputs(uow, profile_toml=None, profile=profile,
                                           surplus=surplus)
        plan = make_plan(inputs)
        plan_id = plans.save(uow.session, plan, assessment_id=assessment, parent_id=None,
                             note=note, profile_toml=toml, author=actor)
        audit.append(uow.session, actor=actor, action="plan.create", subject=f"plan {plan_id}",
                     detail={"assessment": assessment, "note": note, "posts": len(plan.posts)})
    return PlanOutcome(plan_id, plan)


@dataclass(frozen=True)
class GuardOverride:
    """One TPS guarded by ``officers`` (any number: 15 for a tense TPS) as a post of its own,
    with ``equipment`` counted items (``{"cctv": 1}``) beside the profile's."""

    officers: int  # 0 in a change lifts the TPS's override
    equipment: Mapping[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"officers": self.officers, "equipment": dict(self.equipment)}

    @classmethod
    def of_json(cls, data: Mapping[str, object]) -> GuardOverride:
        equipment = data.get("equipment") or {}
        assert isinstance(equipment, dict)
        officers = data.get("officers", 0)
        assert isinstance(officers, int)
        return cls(officers, {str(k): int(v) for k, v in equipment.items()})


@dataclass(frozen=True)
class PlanChanges:
    """What a planner changes before re-planning: N for a Polres's kurang rawan TPS, the
    reserve share, the class of some TPS, the guard of some TPS; ``keep_staging`` keeps the
    reserve teams where they were even when the TPS they must reach changed."""

    n_by_polres: Mapping[str, int] = field(default_factory=dict)
    reserve_share: float | None = None
    classes: Mapping[str, RiskClass] = field(default_factory=dict)
    guards: Mapping[str, GuardOverride] = field(default_factory=dict)
    keep_staging: bool = False

    def as_json(self) -> dict[str, object]:
        return {"n_by_polres": dict(self.n_by_polres), "reserve_share": self.reserve_share,
                "classes": {t: c.value for t, c in self.classes.items()},
                "guards": {t: g.as_json() for t, g in self.guards.items()},
                "keep_staging": self.keep_staging}


def replan(*, db: Database, base: int | None = None, changes: PlanChanges | None = None,
           note: str = "", draft: bool = False, actor: str = "cli",
           known: Snapshot | None = None) -> PlanOutcome:
    """Re-plan from plan ``base`` (the plan in force by default) after the latest assessment
    and the planner's ``changes``, moving as few plotted officers as possible. A ``draft`` waits
    for ``accept``; otherwise the new version is in force at once. ``known``: a snapshot the
    caller already holds of plan ``base`` (the command centre's), not read again."""
    changes = changes or PlanChanges()
    with UnitOfWork(db) as uow:
        base_id = base or plans.latest_id(uow.session)
        held = (known if known is not None and known.plan is not None
                and known.plan_info is not None and known.plan_info.id == base_id else None)
        previous = held.plan if held is not None else (
            plans.load(uow.session, base_id) if base_id else None)
        found = plans.info(uow.session, base_id) if base_id else None
        if previous is None or found is None:
            raise (NoScenarioError(code=ErrorCode.PLAN_UNKNOWN, plan=base) if base else
                   NoScenarioError(code=ErrorCode.PLAN_NONE))
        tps_known = set(held.tps) if held is not None else repo.tps_ids(uow.session)
        # The base plan's overrides of TPS a new TPS list dropped go with them.
        merged = {t: RiskClass(c) for t, c in found.classes.items()
                  if t in tps_known} | dict(changes.classes)
        guards = {t: GuardOverride.of_json(g) for t, g in found.overrides.items()
                  if t in tps_known}
        guards |= dict(changes.guards)
        guards = {t: g for t, g in guards.items() if g.officers > 0}  # 0 lifts an override
        unknown = (set(merged) | set(changes.guards)) - tps_known
        if unknown:
            raise ValueError(f"TPS tidak dikenal / no such TPS: "
                             f"{', '.join(sorted(unknown)[:5])}")
        toml = _with_reserve_share(found.profile_toml, changes.reserve_share)
        inputs, assessment, toml = _inputs(uow, profile_toml=toml, profile=None,
                                           classes=merged, guards=guards, known=held)
        _check_changes(inputs, changes)
        before = {t: p.risk_class.value for p in previous.posts for t in p.tps_ids}
        after = {t.tps_id: inputs.class_of(t.tps_id).value for t in inputs.scenario.tps}
        restage = not changes.keep_staging and targets_changed(before, after)
        drift = tps_drift(previous, inputs.scenario)
        plan, moved = update_plan(inputs, previous, n_by_polres=changes.n_by_polres,
                                  restage=restage)
        tps_list = ({**drift.counts(), "tps_placed": len(drift.placed_in(plan))}
                    if drift.changed else None)
        plan_id = plans.save(uow.session, plan, assessment_id=assessment, parent_id=base_id,
                             note=note, profile_toml=toml,
                             classes={t: c.value for t, c in merged.items()},
                             status=DRAFT if draft else plans.ACCEPTED, author=actor,
                             overrides={t: g.as_json() for t, g in sorted(guards.items())})
        audit.append(uow.session, actor=actor,
                     action="plan.draft" if draft else "plan.update", subject=f"plan {plan_id}",
                     detail={"base": base_id, "note": note, "moved": len(moved),
                             "restaged": restage, **changes.as_json(),
                             **({"tps_list": tps_list} if tps_list else {})})
    p95 = previous.metrics.reserve_eta_p95_min if previous.metrics else None
    return PlanOutcome(plan_id, plan, tuple(moved), p95, restage,
                       drift if drift.changed else None, base_id=base_id)


def _with_reserve_share(profile_toml: str, share: float | None) -> str:
    if share is None:
        return profile_toml
    chosen = parse_profile(profile_toml)
    try:
        planning = chosen.planning.model_validate(
            chosen.planning.model_dump() | {"reserve_share": share})
    except ValidationError as e:
        raise ValueError(f"reserve share {share}: must be between 0 and 0.9") from e
    return dump_profile(chosen.model_copy(update={"planning": planning}))


def _check_changes(inputs: PlanInputs, changes: PlanChanges) -> None:
    polres = {p.code for p in inputs.polres}
    p = inputs.planning
    for tps_id, g in changes.guards.items():
        if not 0 <= g.officers <= 100:
            raise ValueError(f"penjagaan TPS {tps_id}: 1-100 personel (0 mencabut), bukan "
                             f"{g.officers} / a TPS guard takes 1-100 officers (0 lifts it)")
        bad = [k for k, v in g.equipment.items() if v < 0 or not k.strip() or len(k) > 40]
        if bad:
            raise ValueError(f"perlengkapan TPS {tps_id} tidak sah: {', '.join(bad)} "
                             "(nama 1-40 huruf, jumlah 0 atau lebih) / bad equipment")
    for code, n in changes.n_by_polres.items():
        if code not in polres:
            raise ValueError(f"no Polres {code}")
        if not p.min_n <= n <= p.max_n:
            raise ValueError(f"N for {code} must be between {p.min_n} and {p.max_n}, not {n}")


class OutsideJurisdictionError(RefusedError, PermissionError):
    """Publishing a draft would change something outside the acceptor's jurisdiction: the
    first changes and who drafted them, in each language."""

    def __init__(self, plan_id: int, in_force: int | None, changes: list[Change],
                 authors: list[str]) -> None:
        rest = len(changes) - 5
        shown = {lang: "; ".join(c.describe(lang) for c in changes[:5]) + (
                     (f" and {rest} more" if lang == "en" else f" dan {rest} perubahan lain")
                     if rest > 0 else "")
                 for lang in LANGUAGES}
        by = {lang: (f" (drafted by {', '.join(authors)})" if lang == "en" else
                     f" (draf dibuat oleh {', '.join(authors)})") if authors else ""
              for lang in LANGUAGES}
        super().__init__(code=ErrorCode.PLAN_OUTSIDE_JURISDICTION, plan=plan_id,
                         in_force=in_force, by=by, changes=shown)
        self.changes = changes


def accept(*, db: Database, plan_id: int, actor: str = "cli",
           scope: Scope | None = None) -> PlanInfo:
    """Publish a draft as the plan in force. A scoped account (a Polres) may publish only a
    draft whose *whole* difference from the plan in force lies in its jurisdiction, whoever
    made each step of the chain of drafts behind it: checked here, in the same transaction
    as the acceptance, so that the plan in force cannot change between check and publish."""
    with UnitOfWork(db) as uow:
        if scope is not None and not scope.everything:
            refused, in_force, authors = _outside(uow, plan_id, scope)
            if refused:
                raise OutsideJurisdictionError(plan_id, in_force, refused, authors)
        plans.accept(uow.session, plan_id)
        audit.append(uow.session, actor=actor, action="plan.accept", subject=f"plan {plan_id}")
        found = plans.info(uow.session, plan_id)
    assert found is not None
    return found


def _outside(uow: UnitOfWork, plan_id: int, scope: Scope
             ) -> tuple[list[Change], int | None, list[str]]:
    """The changes of draft ``plan_id`` against the plan in force that ``scope`` may not
    publish, the plan in force, and who made the drafts between the two."""
    s = uow.session
    in_force_id = plans.latest_id(s)
    draft, draft_info = plans.load(s, plan_id), plans.info(s, plan_id)
    if draft is None or draft_info is None:
        raise LookupError(f"no plan {plan_id}")
    if draft_info.accepted:
        return [], in_force_id, []  # nothing to publish: refused as accepted already
    if in_force_id is None:
        return [Change("profile", "", None)], None, []
    in_force, in_force_info = plans.load(s, in_force_id), plans.info(s, in_force_id)
    assert in_force is not None and in_force_info is not None
    kecamatan = repo.tps_kecamatan(s)
    guarded_by = {t: p.polres_code for plan in (in_force, draft) for p in plan.posts
                  for t in p.tps_ids}
    share_a, rest_a = _doctrine(in_force_info.profile_toml)
    share_b, rest_b = _doctrine(draft_info.profile_toml)
    changes = difference(in_force, draft, classes_before=in_force_info.classes,
                         classes_after=draft_info.classes, share_before=share_a,
                         share_after=share_b, profile_before=rest_a, profile_after=rest_b,
                         polres_of_tps=guarded_by.get, kecamatan_of_tps=kecamatan.get)
    # The Polda pool lends BKO to whichever Polres needs it: a Polres's own change draws on
    # or returns pool officers, and any of them taken from another Polres shows there.
    refused = [c for c in outside(changes, sees_polres=scope.sees_polres,
                                  sees_kecamatan=scope.sees_kecamatan) if c.polres != POOL]
    authors: list[str] = []
    step: PlanInfo | None = draft_info
    while step is not None and not step.accepted:
        if step.author and step.author not in authors:
            authors.append(step.author)
        step = plans.info(s, step.parent_id) if step.parent_id else None
    return refused, in_force_id, authors


def _doctrine(profile_toml: str) -> tuple[float, str]:
    """A plan's reserve share and the rest of its doctrine, so each is compared on its own."""
    chosen = parse_profile(profile_toml)
    rest = chosen.model_copy(update={"planning": chosen.planning.model_copy(
        update={"reserve_share": 0.0})})
    return chosen.planning.reserve_share, dump_profile(rest)


def plan_psu(*, db: Database, tps_ids: Sequence[str], date: dt.date, officers_per_tps: int,
             escort: int = 0, from_units: Sequence[str] = (), note: str = "",
             actor: str = "cli") -> PlanOutcome:
    """Plan a re-vote (PSU) at ``tps_ids`` on ``date`` as a plan of its own beside the plan
    in force (which stays as it is): ``officers_per_tps`` at each TPS, one box-escort team of
    ``escort`` for the re-vote, a reserve staged near it; officers from ``from_units``
    (Polres or Satker, by code or name) and the Polda pool, nearest first."""
    with UnitOfWork(db) as uow:
        in_force = plans.latest_id(uow.session)
        found = plans.info(uow.session, in_force) if in_force else None
        inputs, assessment, toml = _inputs(
            uow, profile_toml=found.profile_toml if found else None, profile=None,
            classes={t: RiskClass(c) for t, c in found.classes.items()} if found else None)
        plan = make_psu_plan(inputs, tps_ids, officers_per_tps=officers_per_tps,
                             escort=escort, from_units=from_units)
        plan_id = plans.save(uow.session, plan, assessment_id=assessment, parent_id=in_force,
                             note=note, profile_toml=toml, author=actor, kind=PSU,
                             psu_date=date)
        audit.append(uow.session, actor=actor, action="plan.psu", subject=f"plan {plan_id}",
                     detail={"operation_plan": in_force, "date": date.isoformat(),
                             "tps": sorted(tps_ids), "officers_per_tps": officers_per_tps,
                             "escort": escort, "from": list(from_units), "note": note})
    return PlanOutcome(plan_id, plan)


def compare(*, db: Database, before: int, after: int) -> list[Move]:
    """Who moved between two plans (``pollguard.planning.update.moves``)."""
    with UnitOfWork(db) as uow:
        a, b = plans.load(uow.session, before), plans.load(uow.session, after)
    if a is None or b is None:
        raise NoScenarioError(code=ErrorCode.PLAN_UNKNOWN, plan=before if a is None else after)
    return moves(a, b)


#: The status a listing shows for an accepted version of the operation's plan that a newer
#: accepted version replaced: derived, never stored (the newest accepted one is in force).
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class PlanListing:
    versions: list[tuple[PlanInfo, dict[str, object]]]  # oldest first, with their metrics
    current: int | None  # the plan in force: the newest accepted version

    def status_of(self, info: PlanInfo) -> str:
        """What a listing calls a version: "draft", "accepted" (the plan in force and a PSU
        plan, which lies beside it), or "superseded" for an accepted version of the
        operation's plan older than the one in force. One rule for the API and the CLI."""
        if info.accepted and info.kind != PSU and info.id != self.current:
            return SUPERSEDED
        return info.status


def listing(*, db: Database) -> PlanListing:
    """Every stored plan version, drafts included, and which one is in force."""
    with UnitOfWork(db) as uow:
        return PlanListing(plans.listing(uow.session), plans.latest_id(uow.session))


def raised_since_plan(*, db: Database, plan_id: int) -> dict[str, RiskClass]:
    """TPS the latest assessment puts in a higher class than plan ``plan_id`` guards them as
    (its class override, else the class of the assessment it was made from), with the class
    now: what a draft re-plan after verified incidents guards more heavily (as class
    overrides, so that the heavier guard holds until a planner lifts it). TPS new since the
    plan are left to the TPS-list drift. NoScenarioError for no such plan."""
    with UnitOfWork(db) as uow:
        s = uow.session
        info = plans.info(s, plan_id)
        if info is None:
            raise NoScenarioError(code=ErrorCode.PLAN_UNKNOWN, plan=plan_id)
        latest = assessments.latest_id(s)
        if latest is None or latest == info.assessment_id:
            return {}
        now = assessments.results(s, latest)
        then = assessments.results(s, info.assessment_id) if info.assessment_id else {}
    out = {}
    for tps_id, risk in now.items():
        planned = (RiskClass(info.classes[tps_id]) if tps_id in info.classes
                   else then[tps_id].risk_class if tps_id in then else None)
        if planned is not None and risk.risk_class.rank > planned.rank:
            out[tps_id] = risk.risk_class
    return out
