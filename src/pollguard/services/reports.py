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
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pollguard.operations.incidents import IncidentKind, catalogue
from pollguard.operations.reports import (
    FieldReport,
    ReportError,
    ReportKind,
    TpsPhase,
    make_report,
)
from pollguard.profile.model import parse_profile
from pollguard.services import incidents
from pollguard.store import audit, plans
from pollguard.store import incidents as incident_store
from pollguard.store import reports as store
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


def submit_report(*, db: Database, report: Submission, principal_nrp: str, actor: str = "cli",
                  now: dt.datetime | None = None) -> tuple[FieldReport, bool]:
    """Store ``report`` from officer ``principal_nrp``: (the stored report, whether this call
    stored it). ReportError (NoSuchTpsError, NotPlottedError, ClientIdTakenError or plain) with
    the reason when refused."""
    received = now or dt.datetime.now(dt.UTC)
    with UnitOfWork(db) as uow:
        s = uow.session
        stored = store.get(s, report.client_id)
        if stored is not None:
            return _resent(stored, principal_nrp), False
        if not store.tps_exists(s, report.tps_id):
            raise NoSuchTpsError(f"no TPS {report.tps_id}")
        plan_id = plans.latest_id(s)
        if plan_id is None or report.tps_id not in store.guarded_by(s, plan_id=plan_id,
                                                                    nrp=principal_nrp):
            raise NotPlottedError(f"officer {principal_nrp} is not plotted at TPS {report.tps_id}"
                             f" in the plan in force")
        kinds = _kinds(db.url, plan_id, s)
        checked = make_report(
            client_id=report.client_id, nrp=principal_nrp, tps_id=report.tps_id,
            kind=report.kind, sent_at=report.sent_at, received_at=received, phase=report.phase,
            incident_kind=report.incident_kind, severity=report.severity, text=report.text,
            lat=report.lat, lon=report.lon, kinds=kinds)
        stored, created = store.insert(s, checked)
        if not created:  # a resend raced this one and won
            return _resent(stored, principal_nrp), False
        detail: dict[str, object] = {"client_id": stored.client_id, "nrp": stored.nrp,
                                     "sent_at": stored.sent_at.isoformat()}
        if stored.kind == ReportKind.STATUS:
            assert stored.phase is not None
            now_phase = store.move_status(s, tps_id=stored.tps_id, phase=stored.phase,
                                          at=received, nrp=principal_nrp)
            detail |= {"phase": stored.phase.value, "tps_phase": now_phase.value}
        else:
            detail |= {"incident_kind": stored.incident_kind, "severity": stored.severity}
        detail |= {"tps_id": stored.tps_id, "kind": stored.kind.value, "lat": stored.lat,
                   "lon": stored.lon, "at": received.isoformat()}
        audit.append(s, actor=actor, action=f"report.{stored.kind.value}",
                     subject=f"TPS {stored.tps_id}", detail=detail)
        if stored.kind == ReportKind.INCIDENT:
            incidents.open_from_report(uow, stored=stored, kinds=kinds)
    return stored, True


_PROFILE_KINDS: dict[tuple[str, int], dict[str, IncidentKind]] = {}


def _kinds(url: str, plan_id: int, session: Session) -> Mapping[str, IncidentKind]:
    """The incident catalogue of the plan's profile. A stored plan never changes, so it is read
    once per plan (parsing its profile at every report would cost more than the report)."""
    key = (url, plan_id)
    if key not in _PROFILE_KINDS:
        info = plans.info(session, plan_id)
        _PROFILE_KINDS[key] = (catalogue(parse_profile(info.profile_toml)
                                         .operations.incident_kinds) if info else catalogue())
    return _PROFILE_KINDS[key]


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
