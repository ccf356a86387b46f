"""Reinforcement on voting day: who to send (recommendation), sending them (dispatch) or not
(rejection), asking the Polda for BKO (request, approved or refused), the units' status as
they move on, and the reserve picture with its floors.

An incident's recommendation is sized by what its kind and severity call for
(``reinforcement.incident_need``: the profile's needs, and for an empty post the officers the
plan put there). ``bko_direct`` is False for a Polres account: it is offered its
own teams, and the Polda pool's only as requests.

The logic is ``pollguard.operations.reinforcement``'s; this module reads and writes it, each
change one transaction with its audit entry (a live event). Dispatching moves the incident
on: it is acknowledged and responding once help is on its way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from pollguard.domain.plan import ReserveTeam
from pollguard.i18n.refusals import ErrorCode, Term
from pollguard.operations.events import DispatchEvent, IncidentEvent, RejectionEvent
from pollguard.operations.incidents import DISPATCHED_NOTE, Incident, Status, transition
from pollguard.operations.reinforcement import (
    Dispatch,
    DispatchError,
    FloorWarning,
    Recommendation,
    UnitStatus,
    accept,
    advance,
    incident_need,
    lent_officers,
    recommend,
    reserve_floor_warnings,
    team_status,
)
from pollguard.operations.requests import (
    APPROVED,
    PREFIX,
    REFUSED,
    REQUESTED,
    BkoRequest,
    RequestStatus,
    decide,
    decided_detail,
    fold,
    requested_detail,
)
from pollguard.services.escalation import escalated
from pollguard.services.live import LiveContext, NotFoundError, record
from pollguard.store import audit
from pollguard.store import incidents as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

__all__ = ["TeamState", "Units", "decide_request", "dispatch", "incident_recommendation",
           "recommendation", "reject", "request", "requests", "unit_step", "units"]


def recommendation(*, db: Database, ctx: LiveContext, tps_id: str,
                   bko_direct: bool = True) -> Recommendation:
    """Who to send to a TPS now: an incident's, or one reclassified on the day (teams busy
    elsewhere are left out)."""
    if tps_id not in ctx.tps:
        raise NotFoundError(code=ErrorCode.TPS_UNKNOWN, tps=tps_id)
    with UnitOfWork(db) as uow:
        sent = store.dispatches(uow.session)
    return _recommend(ctx, tps_id, sent, bko_direct=bko_direct)


def incident_recommendation(*, db: Database, ctx: LiveContext, incident_id: str,
                            bko_direct: bool = True) -> Recommendation:
    """Who to send to an incident: sized by what its kind and severity call for."""
    with UnitOfWork(db) as uow:
        found = store.get_incident(uow.session, incident_id)
        if found is None:
            raise NotFoundError(code=ErrorCode.INCIDENT_UNKNOWN, incident=incident_id)
        sent = store.dispatches(uow.session)
    return _recommend(ctx, found[0].tps_id, sent, incident=found[0], bko_direct=bko_direct)


def _recommend(ctx: LiveContext, tps_id: str, sent: Sequence[Dispatch], *,
               incident: Incident | None = None, bko_direct: bool = True) -> Recommendation:
    if tps_id not in ctx.tps:
        raise NotFoundError(code=ErrorCode.TPS_UNKNOWN, tps=tps_id)
    pol = ctx.profile.operations.reinforcement
    return recommend(ctx.board, ctx.target(tps_id), ctx.travel, classes=ctx.classes,
                     scores=ctx.scores, status=team_status(sent), lent=lent_officers(sent),
                     policy=pol, bko_direct=bko_direct,
                     team_need=incident_need(ctx.board, pol, incident.kind, incident.severity,
                                             tps_id) if incident else None)


def dispatch(*, db: Database, ctx: LiveContext, incident_id: str, by: str, now: dt.datetime,
             team_ids: Sequence[str] | None = None, borrow: bool | None = None,
             note: str = "", bko_direct: bool = True) -> list[Dispatch]:
    """Accept the recommendation (as made, or edited: other teams on offer, with or without
    the borrowing). The incident moves to responding (acknowledging it first if nobody had).
    Only an open incident takes reinforcement; a Polres (``bko_direct`` False) cannot send a
    Polda-pool team (it requests one)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        inc, polres, verified = _open_incident(s, incident_id)
        return _send(s, ctx, inc, polres, verified, by=by, now=now, team_ids=team_ids,
                     borrow=borrow, note=note, bko_direct=bko_direct)


def _open_incident(s: Session, incident_id: str) -> tuple[Incident, str, bool]:
    found = store.get_incident(s, incident_id, lock=True)
    if found is None:
        raise NotFoundError(code=ErrorCode.INCIDENT_UNKNOWN, incident=incident_id)
    if not found[0].open:
        raise DispatchError(code=ErrorCode.INCIDENT_NOT_OPEN,
                            status=Term((f"live.status.{found[0].status.value}",)))
    return found


def _send(s: Session, ctx: LiveContext, inc: Incident, polres: str, verified: bool, *,
          by: str, now: dt.datetime, team_ids: Sequence[str] | None, borrow: bool | None,
          note: str, bko_direct: bool) -> list[Dispatch]:
    """The dispatches of a decision, stored with their events, and the incident moved on."""
    incident_id = inc.id
    rec = _recommend(ctx, inc.tps_id, store.dispatches(s), incident=inc, bko_direct=bko_direct)
    made = accept(rec, incident_id, by=by, at=now, team_ids=team_ids, borrow=borrow)
    if not made:
        raise DispatchError(code=ErrorCode.NOTHING_TO_SEND)
    first = store.dispatch_count(s, incident_id)
    made = [replace(d, id=f"{incident_id}/{first + n}",
                    history=tuple(replace(st, note=f"{st.note}: {note}") for st in d.history)
                    if note else d.history)
            for n, d in enumerate(made, 1)]
    for d in made:
        store.save_dispatch(s, d)
        record(s, by, DispatchEvent.of(d, tps_id=inc.tps_id, at=now, note=note))
    moved = escalated(s, inc, now, ctx.escalation, polres, verified)
    for before, to in ((Status.REPORTED, Status.ACKNOWLEDGED),
                       (Status.ACKNOWLEDGED, Status.RESPONDING)):
        if moved.status == before:
            moved = transition(moved, to, by, now, DISPATCHED_NOTE)
            record(s, by, IncidentEvent.of(f"incident.{to.value}", moved, polres=polres,
                                           verified=verified, at=now))
    if moved is not inc:
        store.save_incident(s, moved, polres_code=polres, verified=verified)
    return made


def _requests(s: Session, incident_id: str) -> list[BkoRequest]:
    return fold(store.trail_of(s, incident_id, PREFIX))


def requests(*, db: Database, incident_id: str) -> list[BkoRequest]:
    """The BKO requests made for an incident, oldest first, with where each stands."""
    with UnitOfWork(db) as uow:
        return _requests(uow.session, incident_id)


def request(*, db: Database, ctx: LiveContext, incident_id: str, team_id: str, by: str,
            now: dt.datetime, note: str = "") -> BkoRequest:
    """A Polres asks the Polda for one of the pool's teams (one it is offered as a request,
    and not already asked for and waiting). Recorded in the audit trail; nothing is sent."""
    with UnitOfWork(db) as uow:
        s = uow.session
        inc, _, _ = _open_incident(s, incident_id)
        rec = _recommend(ctx, inc.tps_id, store.dispatches(s), incident=inc, bko_direct=False)
        offered = {o.team_id: o for o in rec.requests}
        if team_id not in offered:
            raise DispatchError(code=ErrorCode.TEAM_NOT_REQUESTABLE, team=team_id)
        made = _requests(s, incident_id)
        if any(r.team_id == team_id and r.status == RequestStatus.REQUESTED for r in made):
            raise DispatchError(code=ErrorCode.TEAM_ALREADY_REQUESTED, team=team_id)
        r = BkoRequest(len(made) + 1, incident_id, inc.tps_id, team_id,
                       offered[team_id].size, by, now, note)
        audit.append(s, actor=by, action=REQUESTED, subject=f"incident {incident_id}",
                     detail=requested_detail(r))
    return r


def decide_request(*, db: Database, ctx: LiveContext, incident_id: str, n: int, approve: bool,
                   by: str, now: dt.datetime, note: str = "") -> tuple[BkoRequest,
                                                                          list[Dispatch]]:
    """The Polda approves a request (its team is dispatched as BKO, in the same transaction)
    or refuses it. DispatchError when it was decided already, or the team is busy now."""
    with UnitOfWork(db) as uow:
        s = uow.session
        inc, polres, verified = _open_incident(s, incident_id)
        found = next((r for r in _requests(s, incident_id) if r.n == n), None)
        if found is None:
            raise NotFoundError(code=ErrorCode.REQUEST_UNKNOWN, n=n)
        made: list[Dispatch] = []
        if approve:
            decide(found, RequestStatus.APPROVED, by, now)  # refuse a decided one first
            made = _send(s, ctx, inc, polres, verified, by=by, now=now,
                         team_ids=[found.team_id], borrow=False,
                         note=note or f"BKO requested by {found.by}", bko_direct=True)
        done = decide(found, RequestStatus.APPROVED if approve else RequestStatus.REFUSED,
                      by, now, note, made[0].id if made else None)
        audit.append(s, actor=by, action=APPROVED if approve else REFUSED,
                     subject=f"incident {incident_id}", detail=decided_detail(done))
    return done, made


def reject(*, db: Database, incident_id: str, by: str, now: dt.datetime,
           note: str = "") -> None:
    """The operator turns the recommendation down: recorded, nothing sent."""
    with UnitOfWork(db) as uow:
        found = store.get_incident(uow.session, incident_id)
        if found is None:
            raise NotFoundError(code=ErrorCode.INCIDENT_UNKNOWN, incident=incident_id)
        record(uow.session, by, RejectionEvent(incident_id=incident_id,
                                               tps_id=found[0].tps_id, note=note, at=now))


def unit_step(*, db: Database, dispatch_id: str, to: UnitStatus, by: str, now: dt.datetime,
              note: str = "") -> Dispatch:
    """A dispatched unit moves on: on scene, returning, available again (or sent on)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.dispatches(s, dispatch_id=dispatch_id, lock=True)
        if not found:
            raise NotFoundError(code=ErrorCode.DISPATCH_UNKNOWN, dispatch=dispatch_id)
        d = advance(found[0], to, by, now, note)
        store.save_dispatch(s, d)
        inc = store.get_incident(s, d.incident_id)
        assert inc is not None
        record(s, by, DispatchEvent.of(d, tps_id=inc[0].tps_id, at=now, note=note))
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
