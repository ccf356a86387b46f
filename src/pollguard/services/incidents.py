"""Voting-day incidents in the database: opened by incident reports, listed with what the
command needs beside them, and moved along their workflow (acknowledge, respond, resolve,
close, verify).

Every change is one transaction with its audit entry, a live event
(``pollguard.operations.events``) that ``pollguard.web.api.events`` streams. Times are passed
in (``now``): the server passes its clock, tests and drills their own. Escalation is
``services.escalation``'s, risk following verified incidents ``services.reassessment``'s,
reinforcement ``services.dispatch``'s.

An incident starts at the Polsek: it is reported by the TPS guard, the first level of the
chain, so the first level that must acknowledge it is the one above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pollguard.domain.command import Level
from pollguard.i18n.refusals import ErrorCode
from pollguard.operations.escalation import HeldAboveError, due_at, may_act
from pollguard.operations.events import ClassChange, IncidentEvent
from pollguard.operations.field_reports import FieldReport
from pollguard.operations.incidents import Incident, IncidentError, Status, report, transition
from pollguard.operations.reinforcement import Dispatch
from pollguard.profile.operations import EscalationPolicy, IncidentKind
from pollguard.services.dispatch import TeamState, units
from pollguard.services.escalation import escalate_due, escalated
from pollguard.services.live import (
    AuditItem,
    LiveContext,
    NotFoundError,
    audit_item,
    live_context,
    load_context,
    record,
)
from pollguard.services.reassessment import Reassessor, reassess
from pollguard.store import incidents as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

# The live context and its error, the clock's escalation and the reserve picture are named
# here too, for the callers that read them beside the incidents (the server, the sitrep).
__all__ = ["AuditItem", "ClassChange", "HeldAboveError", "IncidentError", "IncidentView",
           "LiveContext",
           "NotFoundError", "Reassessor", "StepOutcome", "TeamState", "escalate_due", "get",
           "listing", "live_context", "load_context", "open_from_reports", "step", "units"]


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
    return {inc.id: audit_item(inc.reported_by, IncidentEvent.of(
        "incident.reported", inc, polres=p, verified=False, at=inc.reported_at))
        for inc, p in opened}


def listing(*, db: Database, policy: EscalationPolicy, open_only: bool = False,
            tps_ids: frozenset[str] | None = None) -> list[IncidentView]:
    """Incidents newest first (only the open ones, ``operations.incidents.OPEN``, with
    ``open_only``), each with its dispatches."""
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
            raise NotFoundError(code=ErrorCode.INCIDENT_UNKNOWN, incident=incident_id)
        sent = store.dispatches(uow.session, incident_ids=[incident_id])
    return _view(found, policy, sent)


@dataclass(frozen=True)
class StepOutcome:
    view: IncidentView
    reclassified: tuple[ClassChange, ...] = ()
    assessment_id: int | None = None
    reassessing: bool = False  # a background reassessment follows (``Reassessor``)


def step(*, db: Database, incident_id: str, to: Status, by: str, now: dt.datetime,
         note: str = "", verified: bool = False, policy: EscalationPolicy,
         kinds: Mapping[str, IncidentKind] | None = None,
         reassessor: Reassessor | None = None, level: Level | None = None) -> StepOutcome:
    """Move an incident along its workflow. ``verified`` confirms it happened: the first time,
    risk is reassessed with every verified incident as an event (a new assessment version):
    in the step's transaction, or, given a ``reassessor`` (the command centre's), in the
    background once the step is written, so that the step answers at once. ``level``, the
    caller's, must hold the incident or be above it (``HeldAboveError``)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        found = store.get_incident(s, incident_id, lock=True)
        if found is None:
            raise NotFoundError(code=ErrorCode.INCIDENT_UNKNOWN, incident=incident_id)
        inc, polres, was_verified = found
        inc = escalated(s, inc, now, policy, polres, was_verified)
        if level is not None and not may_act(inc, level):
            raise HeldAboveError(inc, level)  # ``level`` may read it, not step it
        inc = transition(inc, to, by, now, note)
        newly = verified and not was_verified
        store.save_incident(s, inc, polres_code=polres, verified=was_verified or verified)
        record(s, by, IncidentEvent.of(f"incident.{to.value}", inc, polres=polres,
                                       verified=was_verified or verified, at=now, note=note))
        changes: tuple[ClassChange, ...] = ()
        assessment_id = None
        if newly and reassessor is None:
            assessment_id, changes = reassess(uow, cause=inc, actor=by, kinds=kinds)
        sent = store.dispatches(s, incident_ids=[inc.id])
    later = newly and reassessor is not None
    if later:
        assert reassessor is not None
        reassessor.request(cause=inc, actor=by, kinds=kinds)
    return StepOutcome(_view((inc, polres, was_verified or verified), policy, sent), changes,
                       assessment_id, reassessing=later)
