"""Voting-day incidents: the workflow (acknowledge, respond, resolve, close, verify),
reinforcement (recommendation, dispatch, rejection, unit status) and the reserve picture.

Police command acts; TNI and the KPU/Bawaslu observers see incidents but not who reported them
(an NRP is personal data) nor where the reserves are. Each incident, dispatch and team comes
with the steps the caller may take next (``next_steps``): the workflows' own, in
``pollguard.operations``, less what the caller's role may not do. The pages render those and
keep no copy of the workflows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastPath
from pydantic import BaseModel, Field

from pollguard.access import Permission, can
from pollguard.access.redact import redact_personal
from pollguard.domain.names import tps_name
from pollguard.operations.escalation import may_act
from pollguard.operations.incidents import (
    SYSTEM,
    Incident,
    IncidentError,
    Status,
    Step,
    next_steps,
    told,
)
from pollguard.operations.reinforcement import (
    Dispatch,
    DispatchError,
    Recommendation,
    TeamOption,
    UnitStatus,
    UnitStep,
    dispatch_steps,
)
from pollguard.operations.requests import REQUEST_STEPS, BkoRequest
from pollguard.services import dispatch, incidents, presence
from pollguard.services.accounts import Principal
from pollguard.services.naming import Namer
from pollguard.services.snapshot import Snapshot
from pollguard.web.api.params import server_now, utc_iso
from pollguard.web.deps import scope_of, snapshot, tps_in_view, visible_ids
from pollguard.web.errors import ApiError, ErrorCode, request_language
from pollguard.web.security import needs, signed_in

router = APIRouter(tags=["incidents"])
IncidentId = Annotated[str, FastPath(min_length=1, max_length=36,
                                      description="the incident (its report's client id)")]


class IncidentKindOut(BaseModel):
    code: str
    label_id: str
    label_en: str
    severity: int


BY_LABEL = ("who took the step, by name in the request's language: an officer by rank and "
            "name (his NRP for roles that may see personnel), an account by user and role "
            '("polres (Operasional Polres)"), "Sistem" for an automatic step; null where '
            "``by`` is (roles that may not see who acted)")


class StepOut(BaseModel):
    status: str
    by: str | None = Field(description="who took the step as stored (an NRP, an account, "
                                       '"system"); for a tooltip, not to read')
    by_label: str | None = Field(default=None, description=BY_LABEL)
    at: str
    note: str
    level: str | None


class UnitStepOut(BaseModel):
    status: str
    by: str | None
    by_label: str | None = Field(default=None, description=BY_LABEL)
    at: str
    note: str


NEXT_UNIT = ("the statuses the caller may move the unit to next (POST /dispatches/{id}/steps); "
             "empty without dispatch:write")


class DispatchOut(BaseModel):
    id: str
    incident_id: str
    unit_id: str
    unit_label: str = Field(description='what was sent, by name: a team by call sign and '
                            'Danton ("Dalmas Kerinci 1 — Iptu Andi", the NRP only for roles '
                            'that may see personnel), borrowed officers by their post ("Pos '
                            'TPS 002 Renah Kayu Embun, Kumun Debai (+1 TPS)")')
    tps_name: str = Field(description="the incident's TPS, by name")
    kind: Literal["team", "borrowed"]
    officers: int
    status: str
    history: list[UnitStepOut]
    next_steps: list[str] = Field(description=NEXT_UNIT)


class IncidentOut(BaseModel):
    id: str
    tps_id: str
    tps_name: str = Field(description='how people name the TPS: "TPS 002 Renah Kayu Embun, '
                                      'Kumun Debai" (number, desa, kecamatan)')
    tps_lat: float | None = Field(description="the TPS's location (where the map flies to "
                                              "when the phone sent none)")
    tps_lon: float | None
    polres_code: str
    polres_name: str = Field(description="the TPS's Polres by name")
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
    reporter_present: bool | None = Field(default=None, description=(
        "whether the reporting officer is at his post (checked in inside the profile's radius) "
        "now; null when he is not plotted at a post, or nobody has checked in yet"))
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


def _incident_steps(inc: Incident, who: Principal) -> list[str]:
    """Where the caller may move the incident: the workflow's next steps, or none for a role
    that may not step incidents or a level below the one holding it (it reads it only)."""
    if not can(who.role, Permission.INCIDENT_WRITE):
        return []
    level = who.role.acts_at
    if level is not None and not may_act(inc, level):
        return []
    status = inc.status
    return [s.value for s in next_steps(status)]


def _unit_steps(status: UnitStatus, who: Principal) -> list[str]:
    """Where the caller may move a unit in ``status`` (in the statuses' order): the unit
    workflow's next steps, or none for a role that may not move units."""
    if not can(who.role, Permission.DISPATCH_WRITE):
        return []
    return [s.value for s in dispatch_steps(status)]


def _shows_by(by: str, personnel: bool) -> bool:
    """Whether the caller sees who took a step: roles that may see personnel see everyone,
    the others only the system's own steps (an operator's name is personal data)."""
    return personnel or by == SYSTEM


def _actors(request: Request, who: Principal, snap: Snapshot,
            incs: Iterable[Incident] = (), dispatches: Iterable[Dispatch] = ()
            ) -> dict[str, str]:
    """Actor -> by name for every step of ``incs`` and ``dispatches`` whose actor the caller
    sees: each distinct actor named once for the whole answer (a list of a hundred incidents
    names its few operators a few times, not once per step)."""
    personnel = _personnel(who)
    steps = [*(s.by for i in incs for s in i.history),
             *(s.by for d in dispatches for s in d.history)]
    return Namer(snap, personnel).actors((b for b in steps if _shows_by(b, personnel)),
                                         request_language(request))


def _step_out(s: Step, personnel: bool, actors: Mapping[str, str]) -> StepOut:
    shown = _shows_by(s.by, personnel)
    return StepOut(status=s.status.value, by=s.by if shown else None,
                   by_label=actors.get(s.by, s.by) if shown else None, at=utc_iso(s.at),
                   note=_text(told(s), personnel), level=s.level.value if s.level else None)


def _unit_step_out(s: UnitStep, personnel: bool, actors: Mapping[str, str]) -> UnitStepOut:
    shown = _shows_by(s.by, personnel)
    return UnitStepOut(status=s.status.value, by=s.by if shown else None,
                       by_label=actors.get(s.by, s.by) if shown else None, at=utc_iso(s.at),
                       note=_text(s.note, personnel))


def _dispatch_out(d: Dispatch, who: Principal, snap: Snapshot, tps_id: str,
                  actors: Mapping[str, str]) -> DispatchOut:
    """A dispatch for the caller; ``actors`` names its steps' actors (``_actors``)."""
    personnel = _personnel(who)
    namer = Namer(snap, personnel)
    return DispatchOut(id=d.id, incident_id=d.incident_id, unit_id=d.unit_id,
                       unit_label=namer.dispatched(d.unit_id, d.kind.value),
                       tps_name=namer.tps(tps_id), kind=d.kind.value, officers=d.officers,
                       status=d.status.value,
                       history=[_unit_step_out(s, personnel, actors) for s in d.history],
                       next_steps=_unit_steps(d.status, who))


def _dispatches_out(request: Request, who: Principal, snap: Snapshot, tps_id: str,
                    made: Iterable[Dispatch]) -> list[DispatchOut]:
    """Dispatches just made or moved, their steps' actors named once for them all."""
    made = list(made)
    actors = _actors(request, who, snap, dispatches=made)
    return [_dispatch_out(d, who, snap, tps_id, actors) for d in made]


def _reporters_present(request: Request,
                       views: Iterable[incidents.IncidentView]) -> dict[str, bool]:
    """Reporting officer's NRP -> at his post now, for all ``views`` at once (a fixed number
    of queries for the whole list, none per incident)."""
    return presence.standing(db=request.app.state.db, in_use=True,
                             nrps={v.incident.reported_by for v in views})


def _views_out(request: Request, who: Principal, snap: Snapshot,
               views: list[incidents.IncidentView]) -> list[IncidentOut]:
    """``views`` for the caller, with what is looked up for all of them at once: whether
    each reporter is at his post, and who took each step by name."""
    present = _reporters_present(request, views)
    actors = _actors(request, who, snap, (v.incident for v in views),
                     (d for v in views for d in v.dispatches))
    return [_out(v, who, snap, present, actors) for v in views]


def _out(v: incidents.IncidentView, who: Principal, snap: Snapshot,
         present: Mapping[str, bool], actors: Mapping[str, str]) -> IncidentOut:
    inc, personnel = v.incident, _personnel(who)
    at = snap.tps.get(inc.tps_id)
    return IncidentOut(
        id=inc.id, tps_id=inc.tps_id, tps_name=tps_name(snap.tps, snap.names, inc.tps_id),
        tps_lat=at.lat if at else None, tps_lon=at.lon if at else None,
        polres_code=v.polres_code, polres_name=snap.names.get(v.polres_code, v.polres_code),
        kind=inc.kind, severity=inc.severity, status=inc.status.value, open=inc.open,
        next_steps=_incident_steps(inc, who), level=inc.level.value,
        verified=v.verified, reported_at=utc_iso(inc.reported_at),
        reported_by=inc.reported_by if personnel else None, text=_text(inc.text, personnel),
        reporter_present=present.get(inc.reported_by), lat=inc.lat,
        lon=inc.lon, due_at=utc_iso(v.due_at) if v.due_at else None,
        history=[_step_out(s, personnel, actors) for s in inc.history],
        dispatches=[_dispatch_out(d, who, snap, inc.tps_id, actors) for d in v.dispatches
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
        raise ApiError(403, ErrorCode.INCIDENT_OUTSIDE_JURISDICTION, incident=incident_id)
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
    return IncidentList(incidents=_views_out(request, who, snap, views))


@router.get("/incidents/{incident_id}", response_model=IncidentOut, responses=OUTSIDE)
def get_incident(incident_id: IncidentId, request: Request,
                 who: Principal = needs(Permission.INCIDENT_READ)) -> IncidentOut:
    view = _found(request, who, incident_id)
    return _views_out(request, who, snapshot(request), [view])[0]


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
    reassessing: bool = Field(default=False, description="verifying started a reassessment in "
                              "the background: the new assessment (and the TPS it "
                              "reclassified, by name) arrives on the live stream as an "
                              "``assessment`` event")


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
                              policy=snap.live.escalation, kinds=snap.live.kinds,
                              reassessor=request.app.state.reassessor,
                              level=who.role.acts_at)
    except incidents.HeldAboveError as exc:
        raise ApiError(403, ErrorCode.INCIDENT_HELD_ABOVE, incident=incident_id) from exc
    except IncidentError as exc:
        raise HTTPException(409, str(exc)) from exc
    return StepResult(incident=_views_out(request, who, snap, [done.view])[0],
                      assessment_id=done.assessment_id,
                      reassessing=done.reassessing,
                      reclassified=[ClassChangeOut(tps_id=c.tps_id,
                                                   before=c.before.value if c.before else None,
                                                   after=c.after.value)
                                    for c in done.reclassified])


class TeamOptionOut(BaseModel):
    team_id: str
    owner_code: str
    owner_name: str = Field(default="", description="whose team, by name: its Polres, or the "
                                                    "Polda for its own reserve")
    own: bool = Field(description="the TPS's own Polres (else the Polda pool, sent as BKO)")
    size: int
    minutes: float
    km: float
    kind: str = Field(default="gabungan", description="dalmas, brimob or gabungan")
    call_sign: str = Field(default="", description="how the radio net names the team")
    leader: str | None = Field(default=None, description="the Danton: rank and name (NRP)")
    adequate: bool = Field(default=True, description="fits what the incident calls for")


class NeedOut(BaseModel):
    officers: int
    kind: str = Field(description="any, dalmas, brimob or gabungan")


class PawasOut(BaseModel):
    cluster_id: str
    officer: str = Field(description="the Pawas: rank and name (NRP)")
    minutes: float
    km: float


class DonorOut(BaseModel):
    post_id: str
    name: str = Field(default="", description='the lending post by its TPS ("Pos TPS 002 '
                                              'Renah Kayu Embun, Kumun Debai (+1 TPS)")')
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
    within: bool = Field(description="the first team is adequate and arrives within the "
                                     "profile's limit")
    need: NeedOut | None = Field(default=None, description="what the incident calls for "
                                                           "(the profile's needs)")
    first: str = Field(default="team", description="what accepting as recommended sends: "
                       "team, borrow, team+borrow; request: ask the Polda; none")
    teams: list[TeamOptionOut] = Field(description="teams the caller may send: adequate "
                                       "first (smallest, then nearest), then the rest")
    borrow: BorrowOut | None
    requests: list[TeamOptionOut] = Field(default_factory=list, description=(
        "Polda-pool teams a Polres may ask for (POST .../requests); the Polda approves"))
    pawas: list[PawasOut] = Field(default_factory=list, description=(
        "the Polres's Pawas patrols, nearest first (called by radio)"))
    allowed: list[str] = Field(default_factory=list, description=(
        "what the caller may do: dispatch, reject, request"))


def _officer_names(snap: Snapshot, nrps: set[str]) -> dict[str, str]:
    """'Rank Name (NRP)' for each NRP of the plan's officers among ``nrps``: the Namer's
    lookup (one dict access each), not a walk over the whole roster per recommendation."""
    namer = Namer(snap, personnel=True)
    return {n: got for n in nrps if (got := namer.officer(n))}


def _team_out(o: TeamOption, names: dict[str, str],
              units: Mapping[str, str]) -> TeamOptionOut:
    return TeamOptionOut(team_id=o.team_id, owner_code=o.owner_code,
                         owner_name=units.get(o.owner_code, o.owner_code), own=o.own, size=o.size,
                         minutes=round(o.minutes, 1), km=round(o.km, 2), kind=o.kind,
                         call_sign=o.call_sign or o.team_id,
                         leader=names.get(o.leader_nrp or "", o.leader_nrp),
                         adequate=o.adequate)


def _rec_out(rec: Recommendation, snap: Snapshot | None = None,
             who: Principal | None = None) -> RecommendationOut:
    b = rec.borrow
    nrps = {o.leader_nrp for o in (*rec.teams, *rec.requests) if o.leader_nrp} | {
        p.nrp for p in rec.pawas}
    names = _officer_names(snap, nrps) if snap is not None else {}
    namer = Namer(snap, personnel=False) if snap is not None else None  # posts: no NRP
    units = snap.names if snap is not None else {}
    allowed = ["dispatch", "reject"] if rec.teams or rec.borrow else ["reject"]
    if rec.requests:
        allowed.append("request")
    if who is not None and not can(who.role, Permission.DISPATCH_WRITE):
        allowed = []
    return RecommendationOut(
        tps_id=rec.target.tps_id, within=rec.within, first=rec.first,
        need=None if rec.need is None else NeedOut(officers=rec.need.officers,
                                                   kind=rec.need.kind),
        teams=[_team_out(o, names, units) for o in rec.teams],
        requests=[_team_out(o, names, units) for o in rec.requests],
        pawas=[PawasOut(cluster_id=p.cluster_id, officer=names.get(p.nrp, p.nrp),
                        minutes=round(p.minutes, 1), km=round(p.km, 2)) for p in rec.pawas],
        allowed=allowed,
        borrow=None if b is None else BorrowOut(
            officers=b.officers, uncovered=round(b.uncovered, 3), short=b.short,
            donors=[DonorOut(post_id=d.post_id,
                             name=(namer.post(d.post_id) if namer else None) or d.post_id,
                             take=d.take, keep=d.keep,
                             minutes=round(d.minutes, 1), uncovered=round(d.uncovered, 3))
                    for d in b.donors]))


@router.get("/incidents/{incident_id}/recommendation", response_model=RecommendationOut,
            responses=OUTSIDE)
def incident_recommendation(incident_id: IncidentId, request: Request,
                            who: Principal = needs(Permission.DISPATCH_WRITE)
                            ) -> RecommendationOut:
    """Who to send, sized by what the incident's kind and severity call for: the adequate
    teams first (smallest, then nearest) and, when none is close enough, officers to borrow
    from kurang rawan posts nearby. A Polres is offered its own teams and its Pawas patrols;
    the Polda pool's teams come as ``requests`` it may send to the Polda."""
    _found(request, who, incident_id)
    snap = snapshot(request)
    rec = dispatch.incident_recommendation(db=request.app.state.db, ctx=snap.live,
                                           incident_id=incident_id,
                                           bko_direct=scope_of(snap, who).everything)
    return _rec_out(rec, snap, who)


@router.get("/tps/{tps_id}/recommendation", response_model=RecommendationOut,
            responses={403: {"description": "outside the account's jurisdiction"},
                       404: {"description": "no such TPS"}})
def tps_recommendation(tps_id: str, request: Request,
                       who: Principal = needs(Permission.DISPATCH_WRITE)) -> RecommendationOut:
    """Who to send to a TPS without an incident (one reclassified on the day)."""
    snap = snapshot(request)
    tps_in_view(snap, who, tps_id)  # 404 or 403 unless the account may see it
    return _rec_out(dispatch.recommendation(db=request.app.state.db, ctx=snap.live,
                                            tps_id=tps_id,
                                            bko_direct=scope_of(snap, who).everything),
                    snap, who)


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
    tps_id = _found(request, who, incident_id).incident.tps_id
    snap = snapshot(request)
    try:
        made = dispatch.dispatch(db=request.app.state.db, ctx=snap.live,
                                 incident_id=incident_id, by=who.actor, now=server_now(request),
                                 team_ids=body.team_ids, borrow=body.borrow, note=body.note,
                                 bko_direct=scope_of(snap, who).everything)
    except (DispatchError, IncidentError) as exc:
        raise HTTPException(409, str(exc)) from exc
    return _dispatches_out(request, who, snap, tps_id, made)


class RequestIn(BaseModel):
    team_id: str = Field(min_length=1, max_length=40,
                         description="a Polda-pool team the recommendation offers as a request")
    note: str = Field(default="", max_length=2000)


class RequestOut(BaseModel):
    n: int
    incident_id: str
    team_id: str
    officers: int
    status: str = Field(description="requested (diminta), approved (disetujui) or refused "
                                    "(ditolak)")
    by: str
    at: str
    note: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str
    dispatch_id: str | None = Field(description="the dispatch the approval made")
    next_steps: list[str] = Field(description="what the caller may decide (POST "
                                  ".../requests/{n}/decision): approved, refused; only the "
                                  "Polda decides")


def _request_out(r: BkoRequest, who: Principal, decides: bool) -> RequestOut:
    steps = [s.value for s in REQUEST_STEPS[r.status]] if decides and can(
        who.role, Permission.DISPATCH_WRITE) else []
    return RequestOut(n=r.n, incident_id=r.incident_id, team_id=r.team_id, officers=r.officers,
                      status=r.status.value, by=r.by, at=utc_iso(r.at), note=r.note,
                      decided_by=r.decided_by,
                      decided_at=utc_iso(r.decided_at) if r.decided_at else None,
                      decision_note=r.decision_note, dispatch_id=r.dispatch_id,
                      next_steps=steps)


@router.get("/incidents/{incident_id}/requests", response_model=list[RequestOut],
            responses=OUTSIDE)
def incident_requests(incident_id: IncidentId, request: Request,
                      who: Principal = needs(Permission.RESERVE_READ)) -> list[RequestOut]:
    """The Polda BKO requested for the incident, oldest first, with what the caller may
    decide."""
    _found(request, who, incident_id)
    decides = scope_of(snapshot(request), who).everything
    return [_request_out(r, who, decides)
            for r in dispatch.requests(db=request.app.state.db, incident_id=incident_id)]


@router.post("/incidents/{incident_id}/requests", response_model=RequestOut, status_code=201,
             responses=OUTSIDE | {409: {"description": "the Polda sends its teams itself, the "
                                                       "team is not on offer, or it is "
                                                       "already requested"}})
def incident_request(incident_id: IncidentId, body: RequestIn, request: Request,
                     who: Principal = needs(Permission.DISPATCH_WRITE)) -> RequestOut:
    """A Polres asks the Polda for one of the pool's teams as BKO (recorded in the audit
    trail; the Polda approves or refuses)."""
    _found(request, who, incident_id)
    snap = snapshot(request)
    if scope_of(snap, who).everything:
        raise ApiError(409, ErrorCode.BKO_POLDA_OWN)
    try:
        r = dispatch.request(db=request.app.state.db, ctx=snap.live, incident_id=incident_id,
                             team_id=body.team_id, by=who.actor, now=server_now(request),
                             note=body.note)
    except DispatchError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _request_out(r, who, False)


class DecisionIn(BaseModel):
    to: Literal["approved", "refused"]
    note: str = Field(default="", max_length=2000)


class DecisionOut(BaseModel):
    request: RequestOut
    dispatches: list[DispatchOut]


@router.post("/incidents/{incident_id}/requests/{n}/decision", response_model=DecisionOut,
             responses=OUTSIDE | {409: {"description": "decided already, the team is busy, "
                                                       "or the incident is over"}})
def incident_request_decision(incident_id: IncidentId,
                              n: Annotated[int, FastPath(ge=1, le=9999)], body: DecisionIn,
                              request: Request,
                              who: Principal = needs(Permission.DISPATCH_WRITE)) -> DecisionOut:
    """The Polda approves a request (the team is dispatched as BKO) or refuses it."""
    tps_id = _found(request, who, incident_id).incident.tps_id
    snap = snapshot(request)
    if not scope_of(snap, who).everything:
        raise ApiError(403, ErrorCode.BKO_POLDA_DECIDES)
    try:
        done, made = dispatch.decide_request(
            db=request.app.state.db, ctx=snap.live, incident_id=incident_id, n=n,
            approve=body.to == "approved", by=who.actor, now=server_now(request),
            note=body.note)
    except incidents.NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except (DispatchError, IncidentError) as exc:
        raise HTTPException(409, str(exc)) from exc
    return DecisionOut(request=_request_out(done, who, True),
                       dispatches=_dispatches_out(request, who, snap, tps_id, made))


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
    tps_id = _found(request, who, incident_id).incident.tps_id
    try:
        d = dispatch.unit_step(db=request.app.state.db, dispatch_id=f"{incident_id}/{n}",
                               to=UnitStatus(body.to), by=who.actor, now=server_now(request),
                               note=body.note)
    except incidents.NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except DispatchError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _dispatches_out(request, who, snapshot(request), tps_id, [d])[0]


class TeamOut(BaseModel):
    team_id: str
    label: str = Field(description="the team by call sign and Danton (NRP only for roles "
                                   "that may see personnel)")
    owner_code: str
    owner_name: str = Field(description="whose team, by name")
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
    namer = Namer(snap, _personnel(who))
    teams = [TeamOut(team_id=s.team.team_id, label=namer.dispatched(s.team.team_id, "team"),
                     owner_code=s.team.owner_code,
                     owner_name=snap.names.get(s.team.owner_code, s.team.owner_code),
                     size=s.team.size,
                     status=s.status.value, lat=s.team.lat, lon=s.team.lon,
                     dispatch_id=s.dispatch_id, next_steps=_unit_steps(s.status, who))
             for s in got.teams if scope.sees_force_of(s.team.owner_code)]
    warnings = [FloorWarningOut(polres_code=w.polres_code, available=w.available,
                                planned=w.planned, floor=w.floor,
                                bko=[TeamOptionOut(team_id=o.team_id, owner_code=o.owner_code,
                                                   own=o.own, size=o.size,
                                                   minutes=round(o.minutes, 1),
                                                   km=round(o.km, 2)) for o in w.bko])
                for w in got.floor_warnings if scope.everything]
    return UnitsOut(teams=teams, floor_warnings=warnings)
