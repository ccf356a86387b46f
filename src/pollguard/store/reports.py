"""Field reports and TPS status in the database. Inserting a report is idempotent: a second
insert of the same ``client_id`` stores nothing and returns the report stored first, on SQLite
and PostgreSQL alike (``INSERT ... ON CONFLICT DO NOTHING``), even when two resends race."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pollguard.domain.plan import Role
from pollguard.operations.reports import FieldReport, ReportKind, TpsPhase, advance
from pollguard.store.tables import (
    FieldReportRecord,
    PlanAssignmentRecord,
    PlanPostRecord,
    TpsRecord,
    TpsStatusRecord,
)


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"field reports need SQLite or PostgreSQL, not {dialect}")


def _aware(t: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without the zone."""
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _report(r: FieldReportRecord) -> FieldReport:
    return FieldReport(client_id=r.client_id, nrp=r.nrp, tps_id=r.tps_id, kind=ReportKind(r.kind),
                       sent_at=_aware(r.sent_at), received_at=_aware(r.received_at),
                       phase=TpsPhase(r.phase) if r.phase else None,
                       incident_kind=r.incident_kind, severity=r.severity, text=r.text,
                       lat=r.lat, lon=r.lon)


def get(session: Session, client_id: str) -> FieldReport | None:
    found = session.get(FieldReportRecord, client_id, populate_existing=True)
    return _report(found) if found else None


def insert(session: Session, report: FieldReport) -> tuple[FieldReport, bool]:
    """Store ``report`` unless its ``client_id`` is stored already: (the stored report, whether
    this call stored it)."""
    stmt = _insert(session, FieldReportRecord).values(
        client_id=report.client_id, nrp=report.nrp, tps_id=report.tps_id,
        kind=report.kind, phase=report.phase, incident_kind=report.incident_kind,
        severity=report.severity, text=report.text, lat=report.lat, lon=report.lon,
        sent_at=report.sent_at, received_at=report.received_at,
    ).on_conflict_do_nothing(index_elements=["client_id"]).returning(
        FieldReportRecord.client_id)
    # RETURNING says whether this statement stored the row (rowcount is not reliable through
    # the ORM session on every driver).
    created = session.execute(stmt).first() is not None
    stored = get(session, report.client_id)
    assert stored is not None
    return stored, created


def move_status(session: Session, *, tps_id: str, phase: TpsPhase, at: dt.datetime,
                nrp: str) -> TpsPhase:
    """Move the TPS's phase forward to ``phase`` (never back); returns its phase now. The row
    is made if missing, then locked (PostgreSQL) so that concurrent reports queue."""
    session.execute(_insert(session, TpsStatusRecord).values(
        tps_id=tps_id, phase=phase, updated_at=at, by_nrp=nrp,
    ).on_conflict_do_nothing(index_elements=["tps_id"]))
    row = session.scalars(select(TpsStatusRecord).where(TpsStatusRecord.tps_id == tps_id)
                          .with_for_update().execution_options(populate_existing=True)).one()
    current = TpsPhase(row.phase)
    now = advance(current, phase)
    if now != current:
        row.phase, row.updated_at, row.by_nrp = now, at, nrp
        session.flush()
    return now


def phases(session: Session) -> dict[str, TpsPhase]:
    """Every TPS's phase, for those that have reported one."""
    return {t: TpsPhase(p) for t, p in session.execute(
        select(TpsStatusRecord.tps_id, TpsStatusRecord.phase))}


def status(session: Session, tps_id: str) -> TpsPhase | None:
    found = session.scalar(select(TpsStatusRecord.phase)
                           .where(TpsStatusRecord.tps_id == tps_id))
    return TpsPhase(found) if found else None


def incident_severities(session: Session) -> list[tuple[str, int]]:
    """(TPS, severity) of every incident report."""
    return [(t, int(s or 0)) for t, s in session.execute(
        select(FieldReportRecord.tps_id, FieldReportRecord.severity)
        .where(FieldReportRecord.kind == ReportKind.INCIDENT))]


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FieldReportRecord)) or 0)


def tps_exists(session: Session, tps_id: str) -> bool:
    return session.get(TpsRecord, tps_id) is not None


def guarded_by(session: Session, *, plan_id: int, nrp: str) -> frozenset[str]:
    """The TPS that officer ``nrp`` guards in plan ``plan_id``: those of their post (none for a
    duty or a reserve team, or an officer not in the plan)."""
    found = session.execute(
        select(PlanPostRecord.tps_ids)
        .join(PlanAssignmentRecord, (PlanAssignmentRecord.plan_id == PlanPostRecord.plan_id)
              & (PlanAssignmentRecord.target_id == PlanPostRecord.post_id))
        .where(PlanAssignmentRecord.plan_id == plan_id, PlanAssignmentRecord.nrp == nrp,
               PlanAssignmentRecord.role == Role.POST.value)).scalar()
    return frozenset(found or ())
