"""Incidents and dispatches in the database. The current row says where each stands; the step
tables are its history, only ever appended: saving an incident or a dispatch writes the steps
it has beyond those stored."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pollguard.domain.command import Level
from pollguard.domain.forces import UnitKind as ForceUnitKind
from pollguard.operations.incidents import OPEN, Incident, Status, Step
from pollguard.operations.reinforcement import Dispatch, UnitKind, UnitStatus, UnitStep
from pollguard.store.tables import (
    AuditRecord,
    DispatchRecord,
    DispatchStepRecord,
    IncidentRecord,
    IncidentStepRecord,
    JurisdictionRecord,
    TpsRecord,
    UnitRecord,
)

KABKOTA_CODE_LEN = len("15.01")  # Kemendagri: a desa code starts with its kab/kota's


def _aware(t: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without the zone."""
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _utc(t: dt.datetime) -> dt.datetime:
    """A time as stored: in UTC. SQLite keeps no zone, so an aware time in another zone
    (the operation's WIB, a phone's +07:00) would be read back as if it were UTC."""
    return t.astimezone(dt.UTC) if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _incident(r: IncidentRecord, steps: list[IncidentStepRecord]) -> Incident:
    return Incident(
        id=r.id, tps_id=r.tps_id, kind=r.kind, severity=r.severity, reported_by=r.reported_by,
        reported_at=_aware(r.reported_at), text=r.text, status=Status(r.status),
        level=Level(r.level), level_since=_aware(r.level_since),
        history=tuple(Step(Status(s.status), s.by, _aware(s.at), s.note,
                           Level(s.level) if s.level else None) for s in steps),
        lat=r.lat, lon=r.lon)


def save_incident(session: Session, incident: Incident, *, polres_code: str,
                  verified: bool) -> None:
    """Store ``incident`` as it stands now, and the steps of its history not yet stored."""
    row = session.get(IncidentRecord, incident.id)
    if row is None:
        row = IncidentRecord(id=incident.id, tps_id=incident.tps_id, polres_code=polres_code,
                             kind=incident.kind, severity=incident.severity,
                             reported_by=incident.reported_by,
                             reported_at=_utc(incident.reported_at), text=incident.text,
                             lat=incident.lat, lon=incident.lon)
        session.add(row)
        stored = 0
    else:
        stored = int(session.scalar(select(func.count()).select_from(IncidentStepRecord)
                                    .where(IncidentStepRecord.incident_id == incident.id)) or 0)
    row.status, row.level = incident.status, incident.level
    row.level_since = _utc(incident.level_since)
    row.verified = verified
    session.add_all(IncidentStepRecord(incident_id=incident.id, seq=n, status=s.status, by=s.by,
                                       at=_utc(s.at), note=s.note, level=s.level)
                    for n, s in enumerate(incident.history) if n >= stored)
    session.flush()


def add_new(session: Session, new: Collection[tuple[Incident, str]]) -> None:
    """Store incidents known to be new (with their Polres), in two statements."""
    if not new:
        return
    session.execute(insert(IncidentRecord.__table__), [  # type: ignore[arg-type]
        {"id": i.id, "tps_id": i.tps_id, "polres_code": p, "kind": i.kind,
         "severity": i.severity, "reported_by": i.reported_by,
         "reported_at": _utc(i.reported_at),
         "text": i.text, "status": i.status.value, "level": i.level.value,
         "level_since": _utc(i.level_since), "verified": False, "lat": i.lat, "lon": i.lon}
        for i, p in new])
    session.execute(insert(IncidentStepRecord.__table__), [  # type: ignore[arg-type]
        {"incident_id": i.id, "seq": n, "status": st.status.value, "by": st.by, "at": _utc(st.at),
         "note": st.note, "level": st.level.value if st.level else None}
        for i, _ in new for n, st in enumerate(i.history)])


def _steps(session: Session, ids: Collection[str]) -> dict[str, list[IncidentStepRecord]]:
    out: dict[str, list[IncidentStepRecord]] = {i: [] for i in ids}
    if ids:
        for s in session.scalars(select(IncidentStepRecord)
                                 .where(IncidentStepRecord.incident_id.in_(list(ids)))
                                 .order_by(IncidentStepRecord.incident_id,
                                           IncidentStepRecord.seq)):
            out[s.incident_id].append(s)
    return out


def get_incident(session: Session, incident_id: str, *,
                 lock: bool = False) -> tuple[Incident, str, bool] | None:
    """(the incident, its Polres, whether verified); ``lock`` holds the row (PostgreSQL) until
    the transaction ends, so that two operators' steps queue instead of racing."""
    query = select(IncidentRecord).where(IncidentRecord.id == incident_id)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query.execution_options(populate_existing=True)).first()
    if row is None:
        return None
    return _incident(row, _steps(session, [row.id])[row.id]), row.polres_code, row.verified


def incidents(session: Session, *, open_only: bool = False,
              tps_ids: Collection[str] | None = None) -> list[tuple[Incident, str, bool]]:
    """Incidents newest first, with their Polres and whether verified."""
    query = select(IncidentRecord)
    if open_only:
        query = query.where(IncidentRecord.status.in_(OPEN))
    rows = [r for r in session.scalars(query.order_by(IncidentRecord.reported_at.desc(),
                                                      IncidentRecord.id))
            if tps_ids is None or r.tps_id in tps_ids]
    steps = _steps(session, [r.id for r in rows])
    return [(_incident(r, steps[r.id]), r.polres_code, r.verified) for r in rows]


def awaiting_acknowledgement(session: Session) -> list[tuple[str, Level, dt.datetime, int]]:
    """(id, level, since, severity) of the incidents nobody has acknowledged, below the top of
    the chain: the ones escalation may move. One narrow query, run every few seconds."""
    return [(i, Level(lv), _aware(since), int(sev)) for i, lv, since, sev in session.execute(
        select(IncidentRecord.id, IncidentRecord.level, IncidentRecord.level_since,
               IncidentRecord.severity)
        .where(IncidentRecord.status == Status.REPORTED,
               IncidentRecord.level != Level.POLDA_OPS))]


def verified_incidents(session: Session) -> list[Incident]:
    rows = list(session.scalars(select(IncidentRecord).where(IncidentRecord.verified)))
    steps = _steps(session, [r.id for r in rows])
    return [_incident(r, steps[r.id]) for r in rows]


def open_by_severity(session: Session) -> list[tuple[str, int]]:
    """(TPS, severity) of every open incident."""
    return [(t, int(s)) for t, s in session.execute(
        select(IncidentRecord.tps_id, IncidentRecord.severity)
        .where(IncidentRecord.status.in_(OPEN)))]


# --- dispatches -------------------------------------------------------------------------------


def _dispatch(r: DispatchRecord, steps: list[DispatchStepRecord]) -> Dispatch:
    return Dispatch(id=r.id, incident_id=r.incident_id, unit_id=r.unit_id, kind=UnitKind(r.kind),
                    officers=r.officers, status=UnitStatus(r.status),
                    history=tuple(UnitStep(UnitStatus(s.status), s.by, _aware(s.at), s.note)
                                  for s in steps))


def save_dispatch(session: Session, d: Dispatch) -> None:
    row = session.get(DispatchRecord, d.id)
    if row is None:
        row = DispatchRecord(id=d.id, incident_id=d.incident_id, unit_id=d.unit_id, kind=d.kind,
                             officers=d.officers)
        session.add(row)
        stored = 0
    else:
        stored = int(session.scalar(select(func.count()).select_from(DispatchStepRecord)
                                    .where(DispatchStepRecord.dispatch_id == d.id)) or 0)
    row.status, row.updated_at = d.status, _utc(d.history[-1].at)
    session.add_all(DispatchStepRecord(dispatch_id=d.id, seq=n, status=s.status, by=s.by,
                                       at=_utc(s.at), note=s.note)
                    for n, s in enumerate(d.history) if n >= stored)
    session.flush()


def dispatches(session: Session, *, incident_ids: Collection[str] | None = None,
               dispatch_id: str | None = None, lock: bool = False) -> list[Dispatch]:
    """Dispatches (all, or of some incidents, or one), oldest first."""
    query = select(DispatchRecord)
    if incident_ids is not None:
        query = query.where(DispatchRecord.incident_id.in_(list(incident_ids)))
    if dispatch_id is not None:
        query = query.where(DispatchRecord.id == dispatch_id)
    if lock:
        query = query.with_for_update()
    rows = list(session.scalars(query.order_by(DispatchRecord.id)
                                .execution_options(populate_existing=True)))
    steps: dict[str, list[DispatchStepRecord]] = {r.id: [] for r in rows}
    if rows:
        for s in session.scalars(select(DispatchStepRecord)
                                 .where(DispatchStepRecord.dispatch_id.in_(list(steps)))
                                 .order_by(DispatchStepRecord.dispatch_id,
                                           DispatchStepRecord.seq)):
            steps[s.dispatch_id].append(s)
    return [_dispatch(r, steps[r.id]) for r in rows]


def dispatch_count(session: Session, incident_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(DispatchRecord)
                              .where(DispatchRecord.incident_id == incident_id)) or 0)


def polres_of_tps(session: Session) -> dict[str, str]:
    """The Polres whose jurisdiction holds each TPS, in one query (a TPS outside every Polres
    is missing)."""
    polres = (select(JurisdictionRecord.region_code, JurisdictionRecord.unit_code)
              .join(UnitRecord, UnitRecord.code == JurisdictionRecord.unit_code)
              .where(UnitRecord.kind == ForceUnitKind.POLRES).subquery())
    kabkota = func.substr(TpsRecord.desa_code, 1, KABKOTA_CODE_LEN)
    rows = session.execute(select(TpsRecord.tps_id, polres.c.unit_code)
                           .join(polres, polres.c.region_code == kabkota))
    return {str(tps): str(unit) for tps, unit in rows}


def trail_of(session: Session, incident_id: str, prefix: str
             ) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(action, actor, detail) of the audit entries on ``incident_id`` whose action starts
    with ``prefix``, in the trail's order: where a Polres's BKO requests are kept."""
    rows = session.execute(select(AuditRecord.action, AuditRecord.actor, AuditRecord.detail)
                           .where(AuditRecord.subject == f"incident {incident_id}",
                                  AuditRecord.action.startswith(prefix))
                           .order_by(AuditRecord.seq))
    return [(str(a), str(who), json.loads(d)) for a, who, d in rows]
