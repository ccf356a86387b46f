"""Assessments in the database: each run is a dated, numbered version that is never changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pollguard.domain.risk import AssessmentInfo, Contribution, Factor, RiskClass, TpsRisk
from pollguard.store.tables import AssessmentRecord, AssessmentResultRecord


def save(session: Session, *, as_of: dt.date, profile_id: str, profile_toml: str, note: str,
         risks: Sequence[TpsRisk]) -> int:
    rec = AssessmentRecord(created_at=dt.datetime.now(dt.UTC), as_of=as_of,
                           profile_id=profile_id, profile_toml=profile_toml, note=note,
                           tps_count=len(risks))
    session.add(rec)
    session.flush()
    if risks:
        session.execute(insert(AssessmentResultRecord), [
            {"assessment_id": rec.id, "tps_id": r.tps_id, "score": round(r.score, 4),
             "risk_class": r.risk_class,
             "reasons": [[c.factor.value, c.code, round(c.points, 4), c.text_id, c.text_en]
                         for c in r.reasons]}
            for r in risks])
    return rec.id


def _info(rec: AssessmentRecord) -> AssessmentInfo:
    return AssessmentInfo(rec.id, rec.created_at, rec.as_of, rec.profile_id, rec.profile_toml,
                          rec.note, rec.tps_count)


def listing(session: Session) -> list[AssessmentInfo]:
    return [_info(r) for r in session.scalars(select(AssessmentRecord).order_by(
        AssessmentRecord.id))]


def latest_id(session: Session) -> int | None:
    return session.scalar(select(func.max(AssessmentRecord.id)))


def info(session: Session, assessment_id: int) -> AssessmentInfo | None:
    rec = session.get(AssessmentRecord, assessment_id)
    return _info(rec) if rec else None


def results(session: Session, assessment_id: int) -> dict[str, TpsRisk]:
    rows = session.execute(select(AssessmentResultRecord.__table__).where(
        AssessmentResultRecord.assessment_id == assessment_id))
    return {r.tps_id: TpsRisk(r.tps_id, r.score, RiskClass(r.risk_class), tuple(
        Contribution(Factor(str(f)), str(code), float(str(pts)), str(tid), str(ten))
        for f, code, pts, tid, ten in r.reasons)) for r in rows}
