"""Voting-day incidents: their workflow, automatic escalation, risk that follows verified
incidents, and reinforcement (recommend, dispatch, unit status, reserve floors).

Every change is one transaction with its audit entry; the audit entries carry what the live
picture shows (``pollguard.web.api.events`` streams them). Times are passed in (``now``): the
server passes its clock, tests and drills their own.

An incident starts at the Polsek: it is reported by the TPS guard, the first level of the
chain, so the first level that must acknowledge it is the one above.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from pollguard.domain.plan import Plan, ReserveTeam
from pollguard.domain.risk import RiskClass, RiskEvent, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.operations.escalation import EscalationPolicy, due_at, escalate
from pollguard.operations.field_reports import FieldReport
from pollguard.operations.incidents import (
    Incident,
    IncidentError,
    IncidentKind,
    Level,
    Status,
    catalogue,
    report,
    transition,
)
from pollguard.operations.reinforcement import (
    Board,
    Dispatch,
    DispatchError,
    FloorWarning,
    Recommendation,
    Target,
    UnitStatus,
    accept,
    advance,
    lent_officers,
    recommend,
    reserve_floor_warnings,
    team_status,
)
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.travel import GreatCircleTravel
from pollguard.profile import dump_profile, load_profile
from pollguard.profile.model import Profile, parse_profile
from pollguard.risk.scoring import assess, inputs_of
from pollguard.store import assessments, audit, plans
from pollguard.store import incidents as store
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import PlanInfo
from pollguard.store.uow import UnitOfWork

__all__ = ["LiveContext", "NotFoundError"]


class NotFoundError(LookupError):
    """No such incident, dispatch or TPS (or no data loaded yet)."""


@dataclass(frozen=True)
class LiveContext:
    """What live operations read of the plan in force, built once per (plan, assessment)."""

    plan_id: int | None
    profile: Profile
    board: Board
    travel: GreatCircleTravel
    tps: Mapping[str, PollingStation]
    polres_of: Mapping[str, str]  # TPS -> Polres code
    area_of: Mapping[str, str]  # TPS -> city, rural, remote
    classes: Mapping[str, RiskClass]  # the class in force per TPS
    scores: Mapping[str, float]
    hq: Mapping[str, tuple[float, float]]  # Polres -> its headquarters

    @property
    def kinds(self) -> dict[str, IncidentKind]:
        return catalogue(self.profile.operations.incident_kinds)

    @property
    def escalation(self) -> EscalationPolicy:
        return self.profile.operations.escalation

    def target(self, tps_id: str) -> Target:
        t = self.tps[tps_id]
        return Target(tps_id, self.polres_of.get(tps_id, ""), t.lat, t.lon,
                      self.area_of.get(tps_id, "rural"))


def live_context(scenario: Scenario, risks: Mapping[str, TpsRisk], plan_info: PlanInfo | None,
                 plan: Plan | None) -> LiveContext:
    """The context of ``plan`` (its profile's operations settings) under the latest risks."""
    profile = parse_profile(plan_info.profile_toml) if plan_info else load_profile(None)
    inputs = PlanInputs.of(scenario, risks, profile.planning)
    classes = {t: r.risk_class for t, r in risks.items()}
    if plan_info:
        classes |= {t: RiskClass(c) for t, c in plan_info.classes.items()}
    units = {u.code: u for u in scenario.units}
    return LiveContext(
        plan_id=plan_info.id if plan_info else None, profile=profile,
        board=Board.of(plan) if plan else Board((), ()),
        travel=GreatCircleTravel(profile.planning.travel),
        tps={t.tps_id: t for t in scenario.tps},
        polres_of={t.tps_id: inputs.polres_of_tps(t) for t in scenario.tps},
        area_of={t.tps_id: inputs.area_of(t) for t in scenario.tps},
        classes=classes, scores={t: r.score for t, r in risks.items()},
        hq={code: (u.hq_lat, u.hq_lon) for code, u in units.items()})


def load_context(*, db: Database) -> LiveContext:
    """The context of the plan in force, read from the database (the CLI's way; the server
    keeps one per snapshot)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        scenario = repo.load_scenario(s)
        if scenario is None:
            raise NotFoundError("the database holds no scenario: run `pollguard demo` first")
        assessment = assessments.latest_id(s)
        risks = assessments.results(s, assessment) if assessment else {}
        plan_id = plans.latest_id(s)
        info = plans.info(s, plan_id) if plan_id else None
        plan = plans.load(s, plan_id) if plan_id else None
    return live_context(scenario, risks, info, plan)


# --- incidents ---------------------------------------------------------------------------------


AuditItem = tuple[str, str, str, dict[str, Any]]  # actor, action, subject, detail


@dataclass(frozen=True)
class IncidentView:
    """An incident with what the command needs beside it."""

    incident: Incident
    polres_code: str
    verified: bool
    due_at: dt.datetime | None
    dispatches: tuple[Dispatch, ...] = ()


def _view(found: tuple[Incident, str, bool], policy: EscalationPolicy,
          dispatches: Sequence[Dispatch] = ()) -> IncidentView:
    inc, polres, verified = found
    return IncidentView(inc, polres, verified, due_at(inc, policy), tuple(dispatches))


def _event(inc: Incident, polres: str, verified: bool, at: dt.datetime) -> dict[str, Any]:
    """The audit detail of an incident change: what the live picture shows of it."""
    return {"id": inc.id, "tps_id": inc.tps_id, "polres_code": polres, "kind": inc.kind,
            "severity": inc.severity, "status": inc.status.value, "level": inc.level.value,
            "verified": verified, "lat": inc.lat, "lon": inc.lon, "at": at.isoformat()}


def open_from_reports(uow: UnitOfWork, *, stored: Sequence[FieldReport],
                      polres: Mapping[str, str], kinds: Mapping[str, IncidentKind] | None = None
                      ) -> dict[str, AuditItem]:
    """The incidents that new incident reports open, in the reports' transaction: each
    incident's id is its report's client id, held first by the Polsek (``polres``: TPS -> its
    Polres). Returns the audit entry of each (by client id) for the caller to append right
    after its report's."""
    s = uow.session
    opened: list[tuple[Incident, str]] = []
    for r in stored:
        assert r.incident_kind is not None
        opened.append((report(r.client_id, r.tps_id, r.incident_kind, by=r.nrp,
                              at=r.received_at, text=r.text, severity=r.severity,
                              level=Level.POLSEK, lat=r.lat, lon=r.lon, kinds=kinds),
                       polres.get(r.tps_id, "")))
    store.add_new(s, opened)
    return {inc.id: (inc.reported_by, "incident.reported", f"incident {inc.id}",
                     _event(inc, p, False, inc.reported_at)) for inc, p in opened}


def listing(*, db: Database, policy: EscalationPolicy, open_only: bool = False,
            tps_ids: frozenset[str] | None = None) -> list[IncidentView]:
    with UnitOfWork(db) as uow:
        found = store.incidents(uow.session, open_only=open_only, tps_ids=tps_ids)
        sent = store.dispatches(uow.session, incident_ids=[f[0].id for f in found])
    by_incident: dict[str, list[Dispatch]] = {}
    for d in sent:
        by_incident.setdefault(d.incident_id, []).append(d)
    return [_view(f, policy, by_incident.get(f[0].id, ())) for f in found]


def get(*, db: Database, incident_id: str, policy: EscalationPolicy) -> IncidentView:
    with UnitOfWork(db) as uow:
        found = store.get_incident(uow.session, incident_id)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        sent = store.dispatches(uow.session, incident_ids=[incident_id])
    return _view(found, policy, sent)


@dataclass(frozen=True)
class ClassChange:
    tps_id: str
    before: RiskClass | None
    after: RiskClass


@dataclass(frozen=True)
class StepOutcome:
    view: IncidentView
    reclassified: tuple[ClassChange, ...] = ()
    assessment_id: int | None = None


def step(*, db: Database, incident_id: str, to: Status, by: str, now: dt.datetime,
         note: str = "", verified: bool = False, policy: EscalationPolicy,
         kinds: Mapping[str, IncidentKind] | None = None) -> StepOutcome:
    """Move an incident along its workflow. ``verified`` confirms it happened: the first time,
    risk is reassessed with every verified incident as an event (a new assessment version)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.get_incident(s, incident_id, lock=True)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        inc, polres, was_verified = found
        inc = transition(_escalate(s, inc, now, policy, polres, was_verified), to, by, now,
                         note)
        newly = verified and not was_verified
        store.save_incident(s, inc, polres_code=polres, verified=was_verified or verified)
        detail = _event(inc, polres, was_verified or verified, now) | {"note": note}
        audit.append(s, actor=by, action=f"incident.{to.value}", subject=f"incident {inc.id}",
                     detail=detail)
        changes: tuple[ClassChange, ...] = ()
        assessment_id = None
        if newly:
            assessment_id, changes = _reassess(uow, cause=inc, actor=by, kinds=kinds)
        sent = store.dispatches(s, incident_ids=[inc.id])
    return StepOutcome(_view((inc, polres, was_verified or verified), policy, sent), changes,
                       assessment_id)


def escalate_due(*, db: Database, now: dt.datetime, policy: EscalationPolicy) -> list[Incident]:
    """Escalate every unacknowledged incident whose level let its limit pass; each move is
    audited at the moment its limit ran out. Safe to run from several places at once: each
    incident is locked while it is moved."""
    moved: list[Incident] = []
    with UnitOfWork(db) as uow:
        s = uow.session
        due = [i for i, level, since, severity in store.awaiting_acknowledgement(s)
               if (limit := policy.limit(level, severity)) is not None and now >= since + limit]
        for incident_id in due:  # read again under the lock: someone may have acknowledged it
            found = store.get_incident(s, incident_id, lock=True)
            if found is None:
                continue
            inc, polres, verified = found
            after = _escalate(s, inc, now, policy, polres, verified)
            if after is inc:
                continue
            store.save_incident(s, after, polres_code=polres, verified=verified)
            moved.append(after)
    return moved


def _escalate(s: Session, inc: Incident, now: dt.datetime, policy: EscalationPolicy,
              polres: str, verified: bool) -> Incident:
    """``escalate``, with an audit entry for every level the incident moved up (whoever
    looked at it first: the clock, or an operator's step)."""
    after = escalate(inc, now, policy)
    for st in after.history[len(inc.history):]:
        audit.append(s, actor="system", action="incident.escalated",
                     subject=f"incident {inc.id}",
                     detail=_event(replace(after, level=st.level or after.level), polres,
                                   verified, st.at) | {"note": st.note})
    return after


def _events_of(incidents: Sequence[Incident], kinds: Mapping[str, IncidentKind],
               as_of: dt.date) -> list[RiskEvent]:
    """Verified incidents as risk events (those whose kind maps to an event kind). An incident
    after the assessed day (the voting day) counts as on it: the operation is assessed for
    that day, and its incidents weigh in full until a later assessment ages them."""
    out = []
    for inc in incidents:
        kind = kinds.get(inc.kind)
        if kind is None or kind.event is None or inc.lat is None or inc.lon is None:
            continue
        out.append(RiskEvent(f"incident:{inc.id}", kind.event, inc.lat, inc.lon,
                             min(inc.reported_at.astimezone(_WIB).date(), as_of),
                             inc.severity,
                             inc.text[:200]))
    return out


_WIB = dt.timezone(dt.timedelta(hours=7))


def _reassess(uow: UnitOfWork, *, cause: Incident, actor: str,
              kinds: Mapping[str, IncidentKind] | None) -> tuple[int, tuple[ClassChange, ...]]:
    """A new assessment version with every verified incident as a spillover event, under the
    profile of the latest assessment; the TPS whose class it changed."""
    s = uow.session
    scenario = repo.load_scenario(s)
    latest = assessments.latest_id(s)
    info = assessments.info(s, latest) if latest else None
    if scenario is None or info is None:
        raise NotFoundError("no assessment to follow: run `pollguard risk assess` first")
    profile = parse_profile(info.profile_toml)
    cat = kinds if kinds is not None else catalogue(profile.operations.incident_kinds)
    verified = store.verified_incidents(s)
    day = info.as_of
    events = _events_of(verified, cat, day)
    base = inputs_of(scenario, day)
    inputs = replace(base, events=[e for e in base.events
                                   if not e.event_id.startswith("incident:")] + events)
    risks = assess(profile, inputs)
    before = assessments.results(s, info.id)
    new_id = assessments.save(s, as_of=day, profile_id=profile.profile.id,
                              profile_toml=dump_profile(profile),
                              note=f"after verified incident {cause.id} at TPS {cause.tps_id}",
                              risks=risks)
    changes = tuple(ClassChange(r.tps_id, before[r.tps_id].risk_class if r.tps_id in before
                                else None, r.risk_class)
                    for r in risks if r.tps_id not in before
                    or before[r.tps_id].risk_class != r.risk_class)
    classes = Counter(r.risk_class for r in risks)
    audit.append(s, actor=actor, action="assessment.create", subject=f"assessment {new_id}",
                 detail={"as_of": day.isoformat(), "profile": profile.profile.id,
                         "cause": f"incident {cause.id}", "assessment_id": new_id,
                         "classes": {k.value: classes.get(k, 0) for k in RiskClass},
                         "reclassified": [{"tps_id": c.tps_id,
                                           "before": c.before.value if c.before else None,
                                           "after": c.after.value} for c in changes]})
    return new_id, changes


# --- reinforcement -----------------------------------------------------------------------------


def _status_and_lent(dispatches: Sequence[Dispatch]) -> tuple[dict[str, UnitStatus],
                                                             dict[str, int]]:
    return team_status(dispatches), lent_officers(dispatches)


def recommendation(*, db: Database, ctx: LiveContext, tps_id: str) -> Recommendation:
    """Who to send to a TPS now: an incident's, or one reclassified on the day (teams busy
    elsewhere are left out)."""
    if tps_id not in ctx.tps:
        raise NotFoundError(f"no TPS {tps_id}")
    with UnitOfWork(db) as uow:
        sent = store.dispatches(uow.session)
    return _recommend(ctx, tps_id, sent)


def _recommend(ctx: LiveContext, tps_id: str, sent: Sequence[Dispatch]) -> Recommendation:
    if tps_id not in ctx.tps:
        raise NotFoundError(f"TPS {tps_id} is not in the scenario")
    status, lent = _status_and_lent(sent)
    return recommend(ctx.board, ctx.target(tps_id), ctx.travel, classes=ctx.classes,
                     scores=ctx.scores, status=status, lent=lent,
                     policy=ctx.profile.operations.reinforcement)


def dispatch(*, db: Database, ctx: LiveContext, incident_id: str, by: str, now: dt.datetime,
             team_ids: Sequence[str] | None = None, borrow: bool | None = None,
             note: str = "") -> list[Dispatch]:
    """Accept the recommendation (as made, or edited: other teams on offer, with or without
    the borrowing). The incident moves to responding (acknowledging it first if nobody had)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.get_incident(s, incident_id, lock=True)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        inc, polres, verified = found
        if inc.status in (Status.RESOLVED, Status.CLOSED):
            raise DispatchError(f"incident {incident_id} is {inc.status}: nothing to send")
        rec = _recommend(ctx, inc.tps_id, store.dispatches(s))
        made = accept(rec, incident_id, by=by, at=now, team_ids=team_ids, borrow=borrow)
        if not made:
            raise DispatchError("nothing to send: no team is on offer and no borrowing chosen")
        first = store.dispatch_count(s, incident_id)
        made = [replace(d, id=f"{incident_id}/{first + n}",
                        history=tuple(replace(st, note=f"{st.note}: {note}") for st in d.history)
                        if note else d.history)
                for n, d in enumerate(made, 1)]
        for d in made:
            store.save_dispatch(s, d)
            audit.append(s, actor=by, action="dispatch.dispatched", subject=f"dispatch {d.id}",
                         detail=_dispatch_event(d, inc, now) | {"note": note})
        moved = _escalate(s, inc, now, ctx.escalation, polres, verified)
        for before, to in ((Status.REPORTED, Status.ACKNOWLEDGED),
                           (Status.ACKNOWLEDGED, Status.RESPONDING)):
            if moved.status == before:
                moved = transition(moved, to, by, now, "reinforcement dispatched")
                audit.append(s, actor=by, action=f"incident.{to.value}",
                             subject=f"incident {inc.id}",
                             detail=_event(moved, polres, verified, now))
        if moved is not inc:
            store.save_incident(s, moved, polres_code=polres, verified=verified)
    return made


def _dispatch_event(d: Dispatch, inc: Incident, at: dt.datetime) -> dict[str, object]:
    return {"id": d.id, "incident_id": d.incident_id, "tps_id": inc.tps_id,
            "unit_id": d.unit_id, "kind": d.kind.value, "officers": d.officers,
            "status": d.status.value, "at": at.isoformat()}


def reject(*, db: Database, incident_id: str, by: str, now: dt.datetime,
           note: str = "") -> None:
    """The operator turns the recommendation down: recorded, nothing sent."""
    with UnitOfWork(db) as uow:
        found = store.get_incident(uow.session, incident_id)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        audit.append(uow.session, actor=by, action="dispatch.rejected",
                     subject=f"incident {incident_id}",
                     detail={"incident_id": incident_id, "tps_id": found[0].tps_id,
                             "note": note, "at": now.isoformat()})


def unit_step(*, db: Database, dispatch_id: str, to: UnitStatus, by: str, now: dt.datetime,
              note: str = "") -> Dispatch:
    """A dispatched unit moves on: on scene, returning, available again (or sent on)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.dispatches(s, dispatch_id=dispatch_id, lock=True)
        if not found:
            raise NotFoundError(f"no dispatch {dispatch_id}")
        d = advance(found[0], to, by, now, note)
        store.save_dispatch(s, d)
        inc = store.get_incident(s, d.incident_id)
        assert inc is not None
        audit.append(s, actor=by, action=f"dispatch.{to.value}", subject=f"dispatch {d.id}",
                     detail=_dispatch_event(d, inc[0], now) | {"note": note})
    return d


@dataclass(frozen=True)
class TeamState:
    team: ReserveTeam
    status: UnitStatus
    dispatch_id: str | None


@dataclass(frozen=True)
class Units:
    teams: tuple[TeamState, ...]
    floor_warnings: tuple[FloorWarning, ...]


def units(*, db: Database, ctx: LiveContext) -> Units:
    """Every reserve team's status, and the Polres whose available reserve fell below the
    floor with the Polda-pool teams that could go to them as BKO."""
    with UnitOfWork(db) as uow:
        sent = store.dispatches(uow.session)
    status = team_status(sent)
    latest: dict[str, str] = {}
    for d in sent:
        if d.status != UnitStatus.AVAILABLE:
            latest[d.unit_id] = d.id
    teams = tuple(TeamState(t, status.get(t.team_id, UnitStatus.AVAILABLE),
                            latest.get(t.team_id)) for t in ctx.board.reserves)
    warnings = reserve_floor_warnings(ctx.board.reserves, status, travel=ctx.travel,
                                      hq=ctx.hq, policy=ctx.profile.operations.reinforcement)
    return Units(teams, tuple(warnings))


__all__ += ["ClassChange", "IncidentError", "IncidentView", "StepOutcome", "TeamState",
            "Units", "dispatch", "escalate_due", "get", "listing", "live_context",
            "load_context", "open_from_reports", "recommendation", "reject", "step",
            "unit_step", "units"]
