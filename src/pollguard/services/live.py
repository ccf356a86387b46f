"""What the live-operations services share: the context they read of the plan in force, and the
one way they record a change.

The context (``LiveContext``) is built once per plan and assessment: the server keeps one per
snapshot, the command line reads one (``load_context``). A change is recorded as a live event
(``pollguard.operations.events``) in the audit trail, in the change's own transaction
(``record``): the audit log is the ordered feed the live stream follows (``events_after``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from pollguard.audit.chain import Entry
from pollguard.domain.plan import Plan
from pollguard.domain.risk import RiskClass, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.i18n.refusals import ErrorCode, RefusedError
from pollguard.operations import events
from pollguard.operations.events import AuditedEvent
from pollguard.operations.incidents import catalogue
from pollguard.operations.reinforcement import Board, Target
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.travel import GreatCircleTravel
from pollguard.profile import load_profile
from pollguard.profile.model import Profile, parse_profile
from pollguard.profile.operations import EscalationPolicy, IncidentKind
from pollguard.store import assessments, audit, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import PlanInfo
from pollguard.store.uow import UnitOfWork

__all__ = ["AuditItem", "LiveContext", "NotFoundError", "audit_item", "events_after",
           "events_head", "live_context", "load_context", "record"]


class NotFoundError(RefusedError, LookupError):
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
            raise NotFoundError(code=ErrorCode.NO_SCENARIO)
        assessment = assessments.latest_id(s)
        risks = assessments.results(s, assessment) if assessment else {}
        plan_id = plans.latest_id(s)
        info = plans.info(s, plan_id) if plan_id else None
        plan = plans.load(s, plan_id) if plan_id else None
    return live_context(scenario, risks, info, plan)


AuditItem = tuple[str, str, str, dict[str, Any]]  # actor, action, subject, detail


def audit_item(actor: str, event: AuditedEvent) -> AuditItem:
    """The audit entry that records ``event`` as ``actor``'s (for ``audit.append_many``)."""
    action, subject, detail = events.entry(event)
    return actor, action, subject, detail


def record(session: Session, actor: str, event: AuditedEvent) -> None:
    """Append the audit entry of ``event``, as ``actor``'s, in the session's transaction."""
    action, subject, detail = events.entry(event)
    audit.append(session, actor=actor, action=action, subject=subject, detail=detail)


def events_after(*, db: Database, seq: int) -> list[tuple[int, AuditedEvent]]:
    """The live events recorded after audit entry ``seq``, in the log's order, each with its
    entry's number: what the live stream sends next (at most a few hundred at a time)."""
    with UnitOfWork(db) as uow:
        entries = audit.after(uow.session, seq, prefixes=events.PREFIXES)
    out = []
    for e in entries:
        event = _parsed(e)
        if event is not None:  # always, for the prefixes asked
            out.append((e.seq, event))
    return out


_PARSED: OrderedDict[str, AuditedEvent | None] = OrderedDict()
_PARSED_MAX = 20_000  # a few minutes of voting day
_parsed_lock = threading.Lock()


def _parsed(e: Entry) -> AuditedEvent | None:
    """The event an audit entry records, parsed once for every browser that streams it (each
    stream reads the same entries). Keyed by the entry's keyed hash, which no other entry of
    any database shares, and never stale: entries are never changed."""
    with _parsed_lock:
        if e.hash in _PARSED:
            _PARSED.move_to_end(e.hash)
            return _PARSED[e.hash]
    event = events.parse(e.action, e.subject, json.loads(e.detail))
    with _parsed_lock:
        _PARSED[e.hash] = event
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return event


def events_head(*, db: Database) -> int:
    """The newest audit entry's number (0 for an empty log): where a new live stream starts."""
    with UnitOfWork(db) as uow:
        return audit.head(uow.session)
