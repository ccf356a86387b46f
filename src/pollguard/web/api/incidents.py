"""Voting-day incidents: the workflow (acknowledge, respond, resolve, close, verify),
reinforcement (recommendation, dispatch, rejection, unit status) and the reserve picture.

Police command acts; TNI and the KPU/Bawaslu observers see incidents but not who reported them
(an NRP is personal data) nor where the reserves are. Each incident, dispatch and team comes
with the steps the caller may take next (``next_steps``): the workflows' own, in
``pollguard.operations``, less what the caller's role may not do. The pages render those and
keep no copy of the workflows."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastPath
from pydantic import BaseModel, Field

from pollguard.access import Permission, can
from pollguard.access.redact import redact_personal
from pollguard.operations.incidents import IncidentError, Status, next_steps
from pollguard.operations.reinforcement import (
    Dispatch,
    DispatchError,
    Recommendation,
    UnitStatus,
    dispatch_steps,
)
from pollguard.services import dispatch, incidents
from pollguard.services.accounts import Principal
from pollguard.web.api.params import server_now, utc_iso
from pollguard.web.deps import scope_of, snapshot, tps_in_view, visible_ids
from pollguard.web.security import needs, signed_in

router = APIRouter(tags=["incidents"])
IncidentId = Annotated[str, FastPath(min_length=1, max_length=36,
                                      description="the incident (its report's client id)")]


class IncidentKindOut(BaseModel):
    code: str
    label_id: str
    label_en: str
    severity: int


class StepOut(BaseModel):
    status: str
    by: str | None
    at: str
    note: str
    level: str | None


class UnitStepOut(BaseModel):
    status: str
    by: str | None
    at: str
    note: str


NEXT_UNIT = ("the statuses the caller may move the unit to next (POST /dispatches/{id}/steps); "
             "empty without dispatch:write")


class DispatchOut(BaseModel):
    id: str
    incident_id: str
    unit_id: str
    kind: Literal["team", "borrowed"]
    officers: int
    status: str
    history: list[UnitStepOut]
    next_steps: list[str] = Field(description=NEXT_UNIT)


class IncidentOut(BaseModel):
    id: str
    tps_id: str
    polres_code: str
    kind: str
    severity: int
    status: str
    open: bool = Field(description="reported, acknowledged or responding: not yet resolved")
    next_steps: list[str] = Field(description="the statuses the caller may move it to next "
                                              "(POST .../steps), in the order offered; empty "
                                              "without incident:write")
    level: str
    verified: bool
    reported_at: str
    reported_by: str | None = Field(description="the reporting officer's NRP; null for roles "
                                                "that may not see personnel")
    text: str = Field(description="as the officer typed it; NRP and phone numbers replaced "
                                  "for roles that may not see personnel")
    lat: float | None
    lon: float | None
    due_at: str | None = Field(description="when it escalates unless acknowledged")
    history: list[StepOut]
    dispatches: list[DispatchOut]


class IncidentList(BaseModel):
    incidents: list[IncidentOut]


def _personnel(who: Principal) -> bool:
    return can(who.role, Permission.PERSONNEL_READ)


def _text(text: str, personnel: bool) -> str:
    """Free text as typed for police roles; without NRP and phone numbers for the rest."""
    return text if personnel else redact_personal(text)


def _incident_steps(status: Status, who: Principal) -> list[str]:
    """Where the caller may move an incident in ``status``: the workflow's next steps, or
    none for a role that may not step incidents."""
    if not can(who.role, Permission.INCIDENT_WRITE):
        return []
    return [s.value for s in next_steps(status)]


def _unit_steps(status: UnitStatus, who: Principal) -> list[str]:
    """Where the caller may move a unit in ``status`` (in the statuses' order): the unit
    workflow's next steps, or none for a role that may not move units."""
    if not can(who.role, Permission.DISPATCH_WRITE):
        return []
    return [s.value for s in dispatch_steps(status)]


def _dispatch_out(d: Dispatch, who: Principal) -> DispatchOut:
    personnel = _personnel(who)
    return DispatchOut(id=d.id, incident_id=d.incident_id, unit_id=d.unit_id,
                       kind=d.kind.value, officers=d.officers, status=d.status.value,
                       history=[UnitStepOut(status=s.status.value,
                                            by=s.by if personnel else None, at=utc_iso(s.at),
                                            note=_text(s.note, personnel))
                                for s in d.history],
                       next_steps=_unit_steps(d.status, who))


def _out(v: incidents.IncidentView, who: Principal) -> IncidentOut:
    inc, personnel = v.incident, _personnel(who)
    return IncidentOut(
        id=inc.id, tps_id=inc.tps_id, polres_code=v.polres_code, kind=inc.kind,
        severity=inc.severity, status=inc.status.value, open=inc.open,
        next_steps=_incident_steps(inc.status, who), level=inc.level.value,
        verified=v.verified, reported_at=utc_iso(inc.reported_at),
        reported_by=inc.reported_by if personnel else None, text=_text(inc.text, personnel),
        lat=inc.lat,
        lon=inc.lon, due_at=utc_iso(v.due_at) if v.due_at else None,
        history=[StepOut(status=s.status.value, by=s.by if personnel or s.by == "system"
                         else None, at=utc_iso(s.at), note=_text(s.note, personnel),
                         level=s.level.value if s.level else None) for s in inc.history],
        dispatches=[_dispatch_out(d, who) for d in v.dispatches
                    if can(who.role, Permission.RESERVE_READ)])


def _found(request: Request, who: Principal, incident_id: str) -> incidents.IncidentView:
    """The incident, if it exists and lies in the account's jurisdiction."""
    snap = snapshot(request)
    try:
        view = incidents.get(db=request.app.state.db, incident_id=incident_id,
                             policy=snap.live.escalation)
    except incidents.NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    seen = visible_ids(snap, who)
    if seen is not None and view.incident.tps_id not in seen:
        raise HTTPException(403, f"incident {incident_id} is outside your jurisdiction")
    return view


OUTSIDE: dict[int | str, dict[str, Any]] = {
    403: {"description": "outside the account's jurisdiction"},
    404: {"description": "no such incident"}}


@router.get("/incident-kinds", response_model=list[IncidentKindOut],
            dependencies=[signed_in()])
def incident_kinds(request: Request) -> list[IncidentKindOut]:
    """The profile's incident catalogue (the field app's list), with default severities."""
    kinds = snapshot(request).live.kinds.values()
    return [IncidentKindOut(code=k.code, label_id=k.label_id, label_en=k.label_en,
                            severity=k.severity) for k in kinds]


@router.get("/incidents", response_model=IncidentList)
def list_incidents(request: Request, open: bool = Query(False, description="open ones only"),
                   who: Principal = needs(Permission.INCIDENT_READ)) -> IncidentList:
    """Incidents in the account's jurisdiction, newest first."""
    snap = snapshot(request)
    views = incidents.listing(db=request.app.state.db, policy=snap.live.escalation,
                              open_only=open, tps_ids=visible_ids(snap, who))
    return IncidentList(incidents=[_out(v, who) for v in views])


@router.get("/incidents/{incident_id}", response_model=IncidentOut, responses=OUTSIDE)
def get_incident(incident_id: IncidentId, request: Request,
                 who: Principal = needs(Permission.INCIDENT_READ)) -> IncidentOut:
    return _out(_found(request, who, incident_id), who)


class StepIn(BaseModel):
    to: Literal["acknowledged", "responding", "resolved", "closed"]
    note: str = Field(default="", max_length=2000)
    verified: bool = Field(default=False, description="confirms the incident happened: raises "
                                                      "the risk of its TPS and those nearby")


class ClassChangeOut(BaseModel):
    tps_id: str
    before: str | None
    after: str


class StepResult(BaseModel):
    incident: IncidentOut
    reclassified: list[ClassChangeOut]
    assessment_id: int | None = Field(description="the new assessment when verifying made one")


@router.post("/incidents/{incident_id}/steps", response_model=StepResult,
             responses=OUTSIDE | {409: {"description": "a step the workflow does not allow"}})
def incident_step(incident_id: IncidentId, body: StepIn, request: Request,
                  who: Principal = needs(Permission.INCIDENT_WRITE)) -> StepResult:
    """Move the incident on: acknowledged -> responding -> resolved -> closed (a resolved
    incident may go back to responding)."""
    _found(request, who, incident_id)
    snap = snapshot(request)
    try:
        done = incidents.step(db=request.app.state.db, incident_id=incident_id,
                              to=Status(body.to), by=who.actor, now=server_now(request),
                              note=body.note, verified=body.verified,
                              policy=snap.live.escalation, kinds=snap.live.kinds)
    except IncidentError as exc:
        raise HTTPException(409, str(exc)) from exc
    return StepResult(incident=_out(done.view, who), assessment_id=done.assessment_id,
                      reclassified=[ClassChangeOut(tps_id=c.tps_id,
                                                   before=c.before.value if c.before else None,
                                                   after=c.after.value)
                                    for c in done.reclassified])


class TeamOptionOut(BaseModel):
    team_id: str
    owner_code: str
    own: bool = Field(description="the TPS's own Polres (else the Polda pool, sent as BKO)")
    size: int
    minutes: float
    km: float


class DonorOut(BaseModel):
    post_id: str
    take: int
    keep: int
    minutes: float
    uncovered: float


class BorrowOut(BaseModel):
    officers: int
    uncovered: float = Field(description="risk left uncovered at the donor posts")
    short: int = Field(description="officers still missing")
    donors: list[DonorOut]


class RecommendationOut(BaseModel):
    tps_id: str
    within: bool = Field(description="the nearest team arrives within the profile's limit")
    teams: list[TeamOptionOut]
    borrow: BorrowOut | None


def _rec_out(rec: Recommendation) -> RecommendationOut:
    b = rec.borrow
    return RecommendationOut(
        tps_id=rec.target.tps_id, within=rec.within,
        teams=[TeamOptionOut(team_id=o.team_id, owner_code=o.owner_code, own=o.own,
                             size=o.size, minutes=round(o.minutes, 1), km=round(o.km, 2))
               for o in rec.teams],
        borrow=None if b is None else BorrowOut(
            officers=b.officers, uncovered=round(b.uncovered, 3), short=b.short,
            donors=[DonorOut(post_id=d.post_id, take=d.take, keep=d.keep,
                             minutes=round(d.minutes, 1), uncovered=round(d.uncovered, 3))
                    for d in b.donors]))


@router.get("/incidents/{incident_id}/recommendation", response_model=RecommendationOut,
            responses=OUTSIDE)
def incident_recommendation(incident_id: IncidentId, request: Request,
                            who: Principal = needs(Permission.DISPATCH_WRITE)
                            ) -> RecommendationOut:
    """Who to send: available reserve teams by travel minutes and, when none is close
    enough, officers to borrow from kurang rawan posts nearby."""
    view = _found(request, who, incident_id)
    rec = dispatch.recommendation(db=request.app.state.db, ctx=snapshot(request).live,
                                  tps_id=view.incident.tps_id)
    return _rec_out(rec)


@router.get("/tps/{tps_id}/recommendation", response_model=RecommendationOut,
            responses={403: {"description": "outside the account's jurisdiction"},
                       404: {"description": "no such TPS"}})
def tps_recommendation(tps_id: str, request: Request,
                       who: Principal = needs(Permission.DISPATCH_WRITE)) -> RecommendationOut:
    """Who to send to a TPS without an incident (one reclassified on the day)."""
    snap = snapshot(request)
    tps_in_view(snap, who, tps_id)  # 404 or 403 unless the account may see it
    return _rec_out(dispatch.recommendation(db=request.app.state.db, ctx=snap.live,
                                            tps_id=tps_id))


class DispatchIn(BaseModel):
    team_ids: list[str] | None = Field(default=None, max_length=20,
                                       description="teams to send (default: as recommended)")
    borrow: bool | None = Field(default=None, description="take the proposed borrowing "
                                                          "(default: as recommended)")
    note: str = Field(default="", max_length=2000)


@router.post("/incidents/{incident_id}/dispatches", response_model=list[DispatchOut],
             status_code=201,
             responses=OUTSIDE | {409: {"description": "a team not on offer, nothing to send, "
                                                       "or the incident is over"}})
def incident_dispatch(incident_id: IncidentId, body: DispatchIn, request: Request,
                      who: Principal = needs(Permission.DISPATCH_WRITE)) -> list[DispatchOut]:
    """Accept the recommendation, as made or edited: the units are dispatched and the
    incident is responding."""
    _found(request, who, incident_id)
    try:
        made = dispatch.dispatch(db=request.app.state.db, ctx=snapshot(request).live,
                                 incident_id=incident_id, by=who.actor, now=server_now(request),
                                 team_ids=body.team_ids, borrow=body.borrow, note=body.note)
    except (DispatchError, IncidentError) as exc:
        raise HTTPException(409, str(exc)) from exc
    return [_dispatch_out(d, who) for d in made]


class RejectIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class Rejected(BaseModel):
    incident_id: str
    by: str
    at: str
    note: str


@router.post("/incidents/{incident_id}/rejections", response_model=Rejected, status_code=201,
             responses=OUTSIDE)
def incident_reject(incident_id: IncidentId, body: RejectIn, request: Request,
                    who: Principal = needs(Permission.DISPATCH_WRITE)) -> Rejected:
    """Turn the recommendation down (recorded in the audit trail; nothing is sent)."""
    _found(request, who, incident_id)
    now = server_now(request)
    dispatch.reject(db=request.app.state.db, incident_id=incident_id, by=who.actor, now=now,
                    note=body.note)
    return Rejected(incident_id=incident_id, by=who.actor, at=utc_iso(now), note=body.note)


class UnitStepIn(BaseModel):
    to: Literal["dispatched", "on_scene", "returning", "available"]
    note: str = Field(default="", max_length=2000)


@router.post("/dispatches/{incident_id}/{n}/steps", response_model=DispatchOut,
             responses={403: {"description": "outside the account's jurisdiction"},
                        404: {"description": "no such dispatch"},
                        409: {"description": "a move the unit cannot make"}})
def dispatch_step(incident_id: IncidentId, n: Annotated[int, FastPath(ge=1, le=9999)],
                  body: UnitStepIn, request: Request,
                  who: Principal = needs(Permission.DISPATCH_WRITE)) -> DispatchOut:
    """The unit moved on: on scene, returning, available again (or sent on)."""
    _found(request, who, incident_id)
    try:
        d = dispatch.unit_step(db=request.app.state.db, dispatch_id=f"{incident_id}/{n}",
                               to=UnitStatus(body.to), by=who.actor, now=server_now(request),
                               note=body.note)
    except incidents.NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except DispatchError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _dispatch_out(d, who)


class TeamOut(BaseModel):
    team_id: str
    owner_code: str
    size: int
    status: str
    lat: float
    lon: float
    dispatch_id: str | None
    next_steps: list[str] = Field(description=NEXT_UNIT)


class FloorWarningOut(BaseModel):
    polres_code: str
    available: int
    planned: int
    floor: int
    bko: list[TeamOptionOut] = Field(description="Polda-pool teams that could be sent as BKO, "
                                                 "nearest first")


class UnitsOut(BaseModel):
    teams: list[TeamOut]
    floor_warnings: list[FloorWarningOut]


@router.get("/units", response_model=UnitsOut)
def units(request: Request, who: Principal = needs(Permission.RESERVE_READ)) -> UnitsOut:
    """Every reserve team's status, and Polres whose available reserve is below the floor
    (shown to the Polda with the BKO it could send)."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    got = dispatch.units(db=request.app.state.db, ctx=snap.live)
    teams = [TeamOut(team_id=s.team.team_id, owner_code=s.team.owner_code, size=s.team.size,
                     status=s.status.value, lat=s.team.lat, lon=s.team.lon,
                     dispatch_id=s.dispatch_id, next_steps=_unit_steps(s.status, who))
             for s in got.teams if scope.everything or scope.sees_polres(s.team.owner_code)]
    warnings = [FloorWarningOut(polres_code=w.polres_code, available=w.available,
                                planned=w.planned, floor=w.floor,
                                bko=[TeamOptionOut(team_id=o.team_id, owner_code=o.owner_code,
                                                   own=o.own, size=o.size,
                                                   minutes=round(o.minutes, 1),
                                                   km=round(o.km, 2)) for o in w.bko])
                for w in got.floor_warnings if scope.everything]
    return UnitsOut(teams=teams, floor_warnings=warnings)
