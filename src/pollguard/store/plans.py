"""Plans in the database: each plan is a version, never changed; an update is a new plan
whose parent is the plan it changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pollguard.domain.plan import (
    Assignment,
    Duty,
    DutyKind,
    LinmasShortfall,
    Plan,
    PlanMetrics,
    Post,
    ReserveKind,
    ReserveTeam,
    Role,
    Shortfall,
    Supervision,
    TniAllocation,
    TniPost,
)
from pollguard.domain.risk import RiskClass
from pollguard.store.tables import (
    PlanAssignmentRecord,
    PlanDutyRecord,
    PlanPostRecord,
    PlanRecord,
    PlanReserveRecord,
)

ACCEPTED, DRAFT = "accepted", "draft"
OPERATION, PSU = "operation", "psu"  # a version of the operation's plan; a re-vote plan


@dataclass(frozen=True)
class PlanInfo:
    id: int
    created_at: dt.datetime
    assessment_id: int | None
    parent_id: int | None
    note: str
    profile_toml: str
    classes: dict[str, str]
    status: str = ACCEPTED
    author: str = ""
    kind: str = OPERATION
    psu_date: dt.date | None = None
    overrides: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED


def save(session: Session, plan: Plan, *, assessment_id: int | None, parent_id: int | None,
         note: str, profile_toml: str, classes: dict[str, str] | None = None,
         status: str = ACCEPTED, author: str = "", kind: str = OPERATION,
         psu_date: dt.date | None = None,
         overrides: dict[str, dict[str, object]] | None = None) -> int:
    """Store a plan version: accepted (the CLI's plans, a published draft) or a draft; or a
    re-vote (PSU) plan, which lies beside the operation's plan and never replaces it."""
    now = dt.datetime.now(dt.UTC)
    rec = PlanRecord(
        created_at=now, assessment_id=assessment_id, parent_id=parent_id, status=status,
        author=author, accepted_at=now if status == ACCEPTED else None,
        note=note, profile_toml=profile_toml,
        metrics=dataclasses.asdict(plan.metrics) if plan.metrics else {},
        n_by_group=dict(plan.n_by_group), bko_needed=dict(plan.bko_needed),
        tier_cut=dict(plan.tier_cut), uncovered=list(plan.uncovered), classes=classes or {},
        tni=[dataclasses.asdict(a) for a in plan.tni],
        supervisions=[dataclasses.asdict(c) | {"post_ids": list(c.post_ids)}
                      for c in plan.supervisions],
        tni_posts=[dataclasses.asdict(t) for t in plan.tni_posts],
        linmas_short=[dataclasses.asdict(x) for x in plan.linmas_short],
        shortfalls=[dataclasses.asdict(x) for x in plan.shortfalls],
        inferred=list(plan.inferred), overrides=overrides or {}, kind=kind,
        psu_date=psu_date)
    session.add(rec)
    session.flush()
    pid = rec.id

    def bulk(table: type, rows: list[dict[str, object]]) -> None:
        if rows:
            session.execute(insert(table), rows)

    bulk(PlanPostRecord, [{"plan_id": pid, **dataclasses.asdict(p),
                           "tps_ids": list(p.tps_ids),
                           "equipment": [list(e) for e in p.equipment]} for p in plan.posts])
    bulk(PlanDutyRecord, [{"plan_id": pid, **dataclasses.asdict(d), "kind": d.kind.value}
                          for d in plan.duties])
    bulk(PlanReserveRecord, [{"plan_id": pid, **dataclasses.asdict(t), "kind": t.kind.value}
                             for t in plan.reserves])
    bulk(PlanAssignmentRecord, [{"plan_id": pid, **dataclasses.asdict(a), "role": a.role.value}
                                for a in plan.assignments])
    return pid


def info(session: Session, plan_id: int) -> PlanInfo | None:
    rec = session.get(PlanRecord, plan_id)
    if rec is None:
        return None
    return PlanInfo(rec.id, rec.created_at, rec.assessment_id, rec.parent_id, rec.note,
                    rec.profile_toml, dict(rec.classes), rec.status, rec.author,
                    rec.kind or OPERATION, rec.psu_date, dict(rec.overrides or {}))


def listing(session: Session) -> list[tuple[PlanInfo, dict[str, object]]]:
    out = []
    for rec in session.scalars(select(PlanRecord).order_by(PlanRecord.id)):
        found = info(session, rec.id)
        assert found is not None
        out.append((found, dict(rec.metrics)))
    return out


def latest_id(session: Session) -> int | None:
    """The plan in force: the newest accepted version of the operation's plan (drafts are
    proposals; a re-vote plan lies beside it)."""
    return session.scalar(select(func.max(PlanRecord.id)).where(
        PlanRecord.status == ACCEPTED, PlanRecord.kind == OPERATION))


def in_force(session: Session) -> tuple[int, dt.datetime] | None:
    """(id, created_at) of the plan in force: a key that stays unique when a database is
    rebuilt and its ids start again (caches of a plan's contents use it)."""
    found = session.execute(select(PlanRecord.id, PlanRecord.created_at)
                            .where(PlanRecord.status == ACCEPTED,
                                   PlanRecord.kind == OPERATION)
                            .order_by(PlanRecord.id.desc()).limit(1)).first()
    return (int(found[0]), found[1]) if found else None


def accept(session: Session, plan_id: int) -> None:
    """Publish a draft: it becomes the plan in force."""
    rec = session.get(PlanRecord, plan_id)
    if rec is None:
        raise LookupError(f"no plan {plan_id}")
    if rec.status != DRAFT:
        raise ValueError(f"plan {plan_id} is already accepted")
    rec.status = ACCEPTED
    rec.accepted_at = dt.datetime.now(dt.UTC)
    session.flush()


def load(session: Session, plan_id: int) -> Plan | None:
    rec = session.get(PlanRecord, plan_id)
    if rec is None:
        return None

    def rows(table: Any) -> list[Any]:
        # Plain rows, not ORM objects: a plan is thousands of rows, read whole.
        return list(session.execute(select(table.__table__).where(table.plan_id == plan_id)))

    posts = tuple(sorted((Post(p.post_id, p.polres_code, p.kecamatan_code,
                               RiskClass(p.risk_class), tuple(p.tps_ids), p.lat, p.lon,
                               p.officers, p.linmas, p.walk_km, p.n,
                               tuple((str(k), int(v)) for k, v in (p.equipment or [])))
                          for p in rows(PlanPostRecord)), key=lambda p: p.post_id))
    duties = tuple(sorted((Duty(d.duty_id, DutyKind(d.kind), d.unit_code, d.label, d.lat,
                                d.lon, d.officers, d.minimum) for d in rows(PlanDutyRecord)),
                          key=lambda d: d.duty_id))
    teams = tuple(sorted((ReserveTeam(t.team_id, t.owner_code, t.staging_code, t.lat, t.lon,
                                      t.size, ReserveKind(t.kind), t.call_sign, t.leader_nrp)
                          for t in rows(PlanReserveRecord)), key=lambda t: t.team_id))
    assignments = tuple(sorted((Assignment(a.nrp, Role(a.role), a.target_id, a.pair,
                                           a.travel_km, a.bko_to, a.position)
                                for a in rows(PlanAssignmentRecord)),
                               key=lambda a: (a.target_id, a.pair, a.nrp)))
    metrics = PlanMetrics(**rec.metrics) if rec.metrics else None  # type: ignore[arg-type]
    return Plan(posts, duties, teams, assignments, tuple(rec.uncovered), dict(rec.n_by_group),
                dict(rec.bko_needed), metrics, dict(rec.tier_cut),
                tuple(TniAllocation(**a) for a in rec.tni),  # type: ignore[arg-type]
                tuple(Supervision(**(c | {"post_ids": tuple(c["post_ids"])}))  # type: ignore
                      for c in rec.supervisions or []),
                tuple(TniPost(**t) for t in rec.tni_posts or []),  # type: ignore[arg-type]
                tuple(LinmasShortfall(**x) for x in rec.linmas_short or []),  # type: ignore
                tuple(Shortfall(**x) for x in rec.shortfalls or []),  # type: ignore[arg-type]
                tuple(rec.inferred or ()))
