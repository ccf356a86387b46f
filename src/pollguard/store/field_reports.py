"""Field reports and TPS status in the database. Inserting a report is idempotent: a second
insert of the same ``client_id`` stores nothing and returns the report stored first, on SQLite
and PostgreSQL alike (``INSERT ... ON CONFLICT DO NOTHING``), even when two resends race."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import String, TextClause, any_, bindparam, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pollguard.domain.plan import Role
from pollguard.operations.field_reports import FieldReport, ReportKind, TpsPhase, advance
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


def _utc(t: dt.datetime) -> dt.datetime:
    """A time as stored: in UTC (SQLite keeps no zone; another zone would read back as UTC)."""
    return t.astimezone(dt.UTC) if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _report(r: FieldReportRecord) -> FieldReport:
    return FieldReport(client_id=r.client_id, nrp=r.nrp, tps_id=r.tps_id, kind=ReportKind(r.kind),
                       sent_at=_aware(r.sent_at), received_at=_aware(r.received_at),
                       phase=TpsPhase(r.phase) if r.phase else None,
                       incident_kind=r.incident_kind, severity=r.severity, text=r.text,
                       lat=r.lat, lon=r.lon)


def get(session: Session, client_id: str) -> FieldReport | None:
    found = session.get(FieldReportRecord, client_id, populate_existing=True)
    return _report(found) if found else None


def phases(session: Session) -> dict[str, TpsPhase]:
    """Every TPS's phase, for those that have reported one."""
    return {t: TpsPhase(p) for t, p in session.execute(
        select(TpsStatusRecord.tps_id, TpsStatusRecord.phase))}


def status(session: Session, tps_id: str) -> TpsPhase | None:
    found = session.scalar(select(TpsStatusRecord.phase)
                           .where(TpsStatusRecord.tps_id == tps_id))
    return TpsPhase(found) if found else None


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FieldReportRecord)) or 0)


def tps_exists(session: Session, tps_id: str) -> bool:
    return session.get(TpsRecord, tps_id) is not None




def get_many(session: Session, client_ids: list[str]) -> dict[str, FieldReport]:
    """The stored reports among ``client_ids``. Almost every report is new: one cheap query for
    the ids, the whole rows only for those found."""
    if not client_ids:
        return {}
    found = list(session.execute(select(FieldReportRecord.client_id).where(
        _one_of(session, FieldReportRecord.client_id, client_ids))).scalars())
    if not found:
        return {}
    rows = session.scalars(select(FieldReportRecord)
                           .where(_one_of(session, FieldReportRecord.client_id, found))
                           .execution_options(populate_existing=True))
    return {r.client_id: _report(r) for r in rows}


def _one_of(session: Session, column: Any, values: list[str]) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``: one parameter, so one
    statement text for any number of values (psycopg parses a new text again each time)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(String),
                                        unique=True))
    return column.in_(values)


def insert_many(session: Session, reports: list[FieldReport]) -> set[str]:
    """Store the reports whose ``client_id`` is not stored yet, in one statement; the ids this
    call stored (a concurrent writer may have stored the others first). RETURNING says which:
    rowcount is not reliable through the ORM session on every driver."""
    if not reports:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        return _insert_unnest(session, reports)
    table = FieldReportRecord.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(
        index_elements=["client_id"]).returning(table.c.client_id)
    return {row[0] for row in session.execute(stmt, [_row(r) for r in reports])}


def _row(r: FieldReport) -> dict[str, Any]:
    return {"client_id": r.client_id, "nrp": r.nrp, "tps_id": r.tps_id, "kind": r.kind,
            "phase": r.phase, "incident_kind": r.incident_kind, "severity": r.severity,
            "text": r.text, "lat": r.lat, "lon": r.lon, "sent_at": _utc(r.sent_at),
            "received_at": _utc(r.received_at)}


def _unnest_insert() -> TextClause:
    """``INSERT ... SELECT FROM unnest`` of every column of field_report, each as an array of
    the column's own PostgreSQL type."""
    columns = FieldReportRecord.__table__.columns
    arrays = ", ".join(f"CAST(:{c.name} AS {c.type.compile(dialect=postgresql.dialect())}[])"
                       for c in columns)
    return text(f"INSERT INTO {FieldReportRecord.__tablename__} "
                f"({', '.join(c.name for c in columns)}) SELECT * FROM unnest({arrays}) "
                "ON CONFLICT (client_id) DO NOTHING RETURNING client_id")


_UNNEST = _unnest_insert()


def _insert_unnest(session: Session, reports: list[FieldReport]) -> set[str]:
    """PostgreSQL: the batch as one array per column (``INSERT ... SELECT FROM unnest``). A
    statement of the same short text whatever the batch's size: a multi-row VALUES of 50
    reports is 600 parameters, a new statement text per size, which psycopg parses again every
    time (a tenth of the report writer's CPU per report under load, issue 18)."""
    rows = [_row(r) for r in reports]
    params = {c.name: [_plain(row[c.name]) for row in rows]
              for c in FieldReportRecord.__table__.columns}
    return {row[0] for row in session.execute(_UNNEST, params)}


def _plain(value: Any) -> Any:
    """An enum's value (psycopg would not know how to write the enum in an array)."""
    return value.value if isinstance(value, Enum) else value


def move_statuses(session: Session, moves: list[tuple[str, TpsPhase, dt.datetime, str]]
                  ) -> dict[str, TpsPhase]:
    """Move each TPS's phase forward (never back) to the latest phase reported for it among
    ``moves`` (TPS, phase, when, by NRP); returns each of those TPS's phase now. Rows are made
    if missing, then locked (PostgreSQL) so that concurrent batches queue."""
    best: dict[str, tuple[TpsPhase, dt.datetime, str]] = {}
    for tps_id, phase, at, nrp in moves:
        if tps_id not in best or phase.rank > best[tps_id][0].rank:
            best[tps_id] = (phase, at, nrp)
    if not best:
        return {}
    # In TPS order, so that two writers (server workers) lock the rows they share in the same
    # order and queue rather than deadlock.
    best = dict(sorted(best.items()))
    table = TpsStatusRecord.__table__
    session.execute(_insert(session, table).on_conflict_do_nothing(
        index_elements=["tps_id"]), [{"tps_id": t, "phase": p, "updated_at": _utc(at), "by_nrp": n}
                                     for t, (p, at, n) in best.items()])
    current = {t: TpsPhase(p) for t, p in session.execute(
        select(TpsStatusRecord.tps_id, TpsStatusRecord.phase)
        .where(_one_of(session, TpsStatusRecord.tps_id, list(best))).with_for_update())}
    changed = [{"key": t, "phase": p, "updated_at": _utc(at), "by_nrp": n}
               for t, (p, at, n) in best.items() if advance(current[t], p) != current[t]]
    if changed:
        session.execute(update(table).where(  # type: ignore[arg-type]
            table.c.tps_id == bindparam("key")), changed)
    return {t: advance(current[t], best[t][0]) for t in best}


def guards_of_plan(session: Session, plan_id: int) -> dict[str, frozenset[str]]:
    """Officer NRP -> the TPS their post guards, for every post officer of the plan."""
    out: dict[str, frozenset[str]] = {}
    for nrp, tps_ids in session.execute(
            select(PlanAssignmentRecord.nrp, PlanPostRecord.tps_ids)
            .join(PlanPostRecord, (PlanAssignmentRecord.plan_id == PlanPostRecord.plan_id)
                  & (PlanAssignmentRecord.target_id == PlanPostRecord.post_id))
            .where(PlanAssignmentRecord.plan_id == plan_id,
                   PlanAssignmentRecord.role == Role.POST.value)):
        out[nrp] = frozenset(tps_ids or ())
    return out
