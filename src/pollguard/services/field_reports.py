"""Voting-day field reports: a plotted officer reports their TPS's phase and incidents there.

A report is stored once per ``client_id`` (the phone's id for it): a resend answers with the
report stored first, and writes nothing. A new report is refused, with nothing written, when
its TPS does not exist, when the officer is not plotted at that TPS in the plan in force (their
post does not guard it), or when it is not a valid report (unknown incident kind, severity
outside 1-3, ...). An accepted report moves the TPS's phase forward (never back) and is
written to the audit trail in the same transaction.

An incident report also opens an incident (``pollguard.services.incidents``) in the same
transaction: the incident's id is the report's client id, so a resend opens nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from pollguard.i18n.refusals import ErrorCode
from pollguard.operations.events import ReportEvent
from pollguard.operations.field_reports import (
    FieldReport,
    ReportError,
    ReportKind,
    TpsPhase,
    make_report,
)
from pollguard.operations.incidents import catalogue
from pollguard.profile.model import parse_profile
from pollguard.profile.operations import DEFAULT_KINDS, IncidentKind
from pollguard.services import incidents, presence
from pollguard.services.live import audit_item
from pollguard.store import audit, plans
from pollguard.store import field_reports as store
from pollguard.store import incidents as incident_store
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


class NoSuchTpsError(ReportError):
    """The report names a TPS that does not exist."""


class NotPlottedError(ReportError):
    """The reporting officer is not plotted at the TPS."""


class ClientIdTakenError(ReportError):
    """The client id belongs to another officer's report."""


@dataclass(frozen=True)
class Submission:
    """A report as the phone sends it (the officer is who is logged in, not a field of it)."""

    client_id: str
    tps_id: str
    kind: ReportKind
    sent_at: dt.datetime
    phase: TpsPhase | None = None
    incident_kind: str | None = None
    severity: int | None = None
    text: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Pending:
    """A report waiting to be stored: what the phone sent, who sent it, when it arrived."""

    report: Submission
    principal_nrp: str
    actor: str
    received_at: dt.datetime


Outcome = tuple[FieldReport, bool] | ReportError


def submit_report(*, db: Database, report: Submission, principal_nrp: str, actor: str = "cli",
                  now: dt.datetime | None = None) -> tuple[FieldReport, bool]:
    """Store ``report`` from officer ``principal_nrp``: (the stored report, whether this call
    stored it). ReportError (NoSuchTpsError, NotPlottedError, ClientIdTakenError or plain) with
    the reason when refused."""
    pending = Pending(report, principal_nrp, actor, now or dt.datetime.now(dt.UTC))
    outcome = submit_reports(db=db, batch=[pending])[0]
    if isinstance(outcome, ReportError):
        raise outcome
    return outcome


def submit_reports(*, db: Database, batch: Sequence[Pending]) -> list[Outcome]:
    """Store a batch of reports in one transaction (the server's writer gathers the reports
    that arrive together): per report, (the stored report, whether this batch stored it) or
    the ReportError that refused it. A refused report writes nothing and does not affect the
    others; a database failure raises and stores none of them (the phones resend)."""
    return store_batch(db=db, batch=batch, mark_absent=False).outcomes


@dataclass(frozen=True)
class Stored:
    """A batch's outcomes (as ``submit_reports``), and the officers among its reports who are
    plotted at a post and not present at it (what marks their answers)."""

    outcomes: list[Outcome]
    absent: frozenset[str] = frozenset()


def store_batch(*, db: Database, batch: Sequence[Pending], mark_absent: bool = True) -> Stored:
    """``submit_reports``, and with ``mark_absent`` the reporters' presence read in the same
    transaction: one query for the whole batch (the server's writer; read per report, it cost
    more than storing the report)."""
    out: list[Outcome | None] = [None] * len(batch)
    with UnitOfWork(db) as uow:
        s = uow.session
        stored = store.get_many(s, [p.report.client_id for p in batch])
        plan = plans.in_force(s)
        guards = _guards(db.url, plan, s)
        kinds = _kinds(db.url, plan, s)
        fresh: dict[str, tuple[int, FieldReport]] = {}
        repeats: list[int] = []  # the same client id twice in one batch
        for i, p in enumerate(batch):
            cid = p.report.client_id
            try:
                if cid in stored:
                    out[i] = (_resent(stored[cid], p.principal_nrp), False)
                elif cid in fresh:
                    repeats.append(i)
                else:
                    fresh[cid] = (i, _checked(s, p, plan is not None, guards, kinds))
            except ReportError as exc:
                out[i] = exc
        created = store.insert_many(s, [r for _, r in fresh.values()])
        lost = [cid for cid in fresh if cid not in created]  # a concurrent writer won
        stored |= store.get_many(s, lost)
        for cid, (i, r) in fresh.items():
            out[i] = (r, True) if cid in created else _outcome(stored[cid], batch[i])
        for i in repeats:
            first = fresh[batch[i].report.client_id][1]
            out[i] = _outcome(first, batch[i], created=False)
        new = [(batch[i], r) for cid, (i, r) in fresh.items() if cid in created]
        phases = store.move_statuses(s, [(r.tps_id, r.phase, r.received_at, r.nrp)
                                         for _, r in new if r.phase is not None])
        incident_reports = [r for _, r in new if r.kind == ReportKind.INCIDENT]
        opened = incidents.open_from_reports(
            uow, stored=incident_reports, kinds=kinds,
            polres=_polres(db.url, plan, s) if incident_reports else {})
        items: list[incidents.AuditItem] = []
        for p, r in new:  # each report's entry, then the incident it opened
            items.append(audit_item(p.actor, ReportEvent.of(r, phases.get(r.tps_id))))
            if r.client_id in opened:
                items.append(opened[r.client_id])
        done = [o for o in out if o is not None]
        absent: set[str] = set()
        if mark_absent and plan is not None:
            absent = presence.absent_in(s, plan[0], {o[0].nrp for o in done
                                                     if not isinstance(o, ReportError)},
                                        plotted=guards)
        # Last: on PostgreSQL the audit append holds the chain's lock until the commit, so
        # another worker's writer waits only for the append and the commit.
        audit.append_many(s, items)
    return Stored(done, frozenset(absent))


def _outcome(stored: FieldReport, p: Pending, created: bool = False) -> Outcome:
    try:
        return _resent(stored, p.principal_nrp), created
    except ReportError as exc:
        return exc


def _checked(session: Session, p: Pending, has_plan: bool,
             guards: Mapping[str, frozenset[str]],
             kinds: Mapping[str, IncidentKind]) -> FieldReport:
    """The report made and checked, or the ReportError that refuses it."""
    r = p.report
    if r.tps_id not in guards.get(p.principal_nrp, frozenset()):
        if not store.tps_exists(session, r.tps_id):
            raise NoSuchTpsError(f"no TPS {r.tps_id}")
        raise NotPlottedError(code=ErrorCode.NOT_PLOTTED_AT_TPS if has_plan
                              else ErrorCode.PLAN_NOT_IN_FORCE)
    return make_report(
        client_id=r.client_id, nrp=p.principal_nrp, tps_id=r.tps_id, kind=r.kind,
        sent_at=r.sent_at, received_at=p.received_at, phase=r.phase,
        incident_kind=r.incident_kind, severity=r.severity, text=r.text, lat=r.lat, lon=r.lon,
        kinds=kinds)


PlanKey = tuple[int, dt.datetime] | None
# A stored plan never changes: what reports check against it is read once per plan.
class _PerPlan:
    """What a report is checked against, read once per plan: a stored plan never changes.
    Keeps the last few plans (a database may be replaced, a plan re-made)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._found: OrderedDict[tuple[str, PlanKey], Any] = OrderedDict()

    def get(self, url: str, plan: PlanKey, make: Callable[[], Any]) -> Any:
        key = (url, plan)
        if key not in self._found:
            self._found[key] = make()
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return self._found[key]


_GUARDS, _POLRES, _KINDS = _PerPlan(), _PerPlan(), _PerPlan()


def _guards(url: str, plan: PlanKey, session: Session) -> Mapping[str, frozenset[str]]:
    """Officer -> the TPS their post guards in the plan in force."""
    if plan is None:
        return {}
    found: Mapping[str, frozenset[str]] = _GUARDS.get(
        url, plan, lambda: store.guards_of_plan(session, plan[0]))
    return found


def _polres(url: str, plan: PlanKey, session: Session) -> Mapping[str, str]:
    """TPS -> its Polres (the scenario does not change under a plan)."""
    found: Mapping[str, str] = _POLRES.get(
        url, plan, lambda: incident_store.polres_of_tps(session))
    return found


def _kinds(url: str, plan: PlanKey, session: Session) -> Mapping[str, IncidentKind]:
    """The incident catalogue of the plan's profile (parsing the profile at every report
    would cost more than the report)."""
    def make() -> dict[str, IncidentKind]:
        info = plans.info(session, plan[0]) if plan else None
        return catalogue(parse_profile(info.profile_toml).operations.incident_kinds
                         if info else DEFAULT_KINDS)

    found: Mapping[str, IncidentKind] = _KINDS.get(url, plan, make)
    return found


def _resent(stored: FieldReport, nrp: str) -> FieldReport:
    if stored.nrp != nrp:
        raise ClientIdTakenError(f"client id {stored.client_id} is another officer's report: "
                                 f"make a new id for a new report")
    return stored


@dataclass(frozen=True)
class Progress:
    """How far the TPS in view are through the day, and the incidents open among them."""

    tps: int
    not_reported: int
    phases: dict[TpsPhase, int] = field(default_factory=dict)  # every phase, zeros included
    incidents_by_severity: dict[int, int] = field(default_factory=dict)  # open: 1, 2, 3


@dataclass(frozen=True)
class Board:
    """The progress board: the whole view, and each region (Polres) in it."""

    total: Progress
    regions: dict[str, Progress]


def _count(tps: Collection[str], phases: Mapping[str, TpsPhase],
           incidents: list[tuple[str, int]]) -> Progress:
    counts = Counter(phases[t] for t in tps if t in phases)
    severities = Counter(sev for t, sev in incidents if t in tps)
    return Progress(tps=len(tps), not_reported=len(tps) - sum(counts.values()),
                    phases={p: counts.get(p, 0) for p in TpsPhase},
                    incidents_by_severity={v: severities.get(v, 0) for v in (1, 2, 3)})


def phases_of(*, db: Database, tps_ids: Collection[str]) -> dict[str, TpsPhase]:
    """The phase each of ``tps_ids`` has reached (those that reported none are left out): the
    field app shows it on each TPS row."""
    wanted = set(tps_ids)
    with UnitOfWork(db) as uow:
        return {t: p for t, p in store.phases(uow.session).items() if t in wanted}


def progress(*, db: Database, tps_ids: Collection[str] | None = None,
             region_of: Mapping[str, str] | None = None) -> Board:
    """Counts per phase and open incidents per severity over ``tps_ids`` (every TPS when
    None), in total and per region of ``region_of`` (TPS -> region code)."""
    with UnitOfWork(db) as uow:
        s = uow.session
        chosen = set(tps_ids) if tps_ids is not None else repo.tps_ids(s)
        phases = store.phases(s)
        open_incidents = incident_store.open_by_severity(s)
    regions: dict[str, set[str]] = {}
    for t in chosen:
        if region_of is not None and t in region_of:
            regions.setdefault(region_of[t], set()).add(t)
    return Board(_count(chosen, phases, open_incidents),
                 {code: _count(ids, phases, open_incidents)
                  for code, ids in sorted(regions.items())})
