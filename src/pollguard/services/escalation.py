"""Automatic escalation in the database: an incident its level does not acknowledge in time
moves up the chain (``pollguard.operations.escalation``), each move audited at the moment its
limit ran out.

Whoever looks at an incident first catches up its escalation: the server's clock every few
seconds (``escalate_due``), or an operator's step or dispatch, which escalates the incident to
where it stands before moving it on (``escalated``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.orm import Session

from pollguard.operations.escalation import escalate
from pollguard.operations.events import IncidentEvent
from pollguard.operations.incidents import SYSTEM, Incident
from pollguard.profile.operations import EscalationPolicy
from pollguard.services.live import record
from pollguard.store import incidents as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

__all__ = ["escalate_due", "escalated"]


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
            after = escalated(s, inc, now, policy, polres, verified)
            if after is inc:
                continue
            store.save_incident(s, after, polres_code=polres, verified=verified)
            moved.append(after)
    return moved


def escalated(s: Session, inc: Incident, now: dt.datetime, policy: EscalationPolicy,
              polres: str, verified: bool) -> Incident:
    """``escalate``, with an audit entry for every level the incident moved up (whoever
    looked at it first: the clock, or an operator's step). The caller saves it."""
    after = escalate(inc, now, policy)
    for st in after.history[len(inc.history):]:
        record(s, SYSTEM, IncidentEvent.of("incident.escalated",
                                           replace(after, level=st.level or after.level),
                                           polres=polres, verified=verified, at=st.at,
                                           note=st.note))
    return after
