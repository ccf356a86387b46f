"""Reinforcement on voting day: who to send (recommendation), sending them (dispatch) or not
(rejection), the units' status as they move on, and the reserve picture with its floors.

The logic is ``pollguard.operations.reinforcement``'s; this module reads and writes it, each
change one transaction with its audit entry (a live event). Dispatching moves the incident
on: it is acknowledged and responding once help is on its way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pollguard.domain.plan import ReserveTeam
from pollguard.operations.events import DispatchEvent, IncidentEvent, RejectionEvent
from pollguard.operations.incidents import Status, transition
from pollguard.operations.reinforcement import (
    Dispatch,
    DispatchError,
    FloorWarning,
    Recommendation,
    UnitStatus,
    accept,
    advance,
    lent_officers,
    recommend,
    reserve_floor_warnings,
    team_status,
)
from pollguard.services.escalation import escalated
from pollguard.services.live import LiveContext, NotFoundError, record
from pollguard.store import incidents as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

__all__ = ["TeamState", "Units", "dispatch", "recommendation", "reject", "unit_step", "units"]


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
    return recommend(ctx.board, ctx.target(tps_id), ctx.travel, classes=ctx.classes,
                     scores=ctx.scores, status=team_status(sent), lent=lent_officers(sent),
                     policy=ctx.profile.operations.reinforcement)


def dispatch(*, db: Database, ctx: LiveContext, incident_id: str, by: str, now: dt.datetime,
             team_ids: Sequence[str] | None = None, borrow: bool | None = None,
             note: str = "") -> list[Dispatch]:
    """Accept the recommendation (as made, or edited: other teams on offer, with or without
    the borrowing). The incident moves to responding (acknowledging it first if nobody had).
    Only an open incident takes reinforcement."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.get_incident(s, incident_id, lock=True)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        inc, polres, verified = found
        if not inc.open:
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
            record(s, by, DispatchEvent.of(d, tps_id=inc.tps_id, at=now, note=note))
        moved = escalated(s, inc, now, ctx.escalation, polres, verified)
        for before, to in ((Status.REPORTED, Status.ACKNOWLEDGED),
                           (Status.ACKNOWLEDGED, Status.RESPONDING)):
            if moved.status == before:
                moved = transition(moved, to, by, now, "reinforcement dispatched")
                record(s, by, IncidentEvent.of(f"incident.{to.value}", moved, polres=polres,
                                               verified=verified, at=now))
        if moved is not inc:
            store.save_incident(s, moved, polres_code=polres, verified=verified)
    return made


def reject(*, db: Database, incident_id: str, by: str, now: dt.datetime,
           note: str = "") -> None:
    """The operator turns the recommendation down: recorded, nothing sent."""
    with UnitOfWork(db) as uow:
        found = store.get_incident(uow.session, incident_id)
        if found is None:
            raise NotFoundError(f"no incident {incident_id}")
        record(uow.session, by, RejectionEvent(incident_id=incident_id,
                                               tps_id=found[0].tps_id, note=note, at=now))


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
