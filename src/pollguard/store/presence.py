"""Presence at post in the database: check-ins and check-outs, appended only, and the posts of
a plan with the officers plotted at each (what presence is counted against)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pollguard.domain.plan import Role
from pollguard.operations.presence import Check, CheckKind
from pollguard.store.tables import (
    IncidentRecord,
    PlanAssignmentRecord,
    PlanPostRecord,
    PresenceRecord,
)


@dataclass(frozen=True)
class PlannedPost:
    """A post of the plan and the officers plotted at it."""

    post_id: str
    polres_code: str
    kecamatan_code: str
    lat: float
    lon: float
    tps_ids: tuple[str, ...]
    nrps: tuple[str, ...]


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def add(session: Session, c: Check) -> None:
    session.execute(insert(PresenceRecord.__table__), [{  # type: ignore[arg-type]
        "plan_id": c.plan_id, "post_id": c.post_id, "nrp": c.nrp, "kind": c.kind.value,
        "at": c.at, "lat": c.lat, "lon": c.lon, "distance_m": c.distance_m,
        "inside": c.inside, "reason": c.reason}])


def checks(session: Session, plan_id: int, nrps: list[str] | None = None) -> list[Check]:
    """The plan's checks in the order stored (of ``nrps`` only, when given)."""
    q = select(PresenceRecord).where(PresenceRecord.plan_id == plan_id)
    if nrps is not None:
        q = q.where(PresenceRecord.nrp.in_(nrps))
    return [Check(r.plan_id, r.post_id, r.nrp, CheckKind(r.kind), _aware(r.at), r.lat, r.lon,
                  r.distance_m, r.inside, r.reason)
            for r in session.scalars(q.order_by(PresenceRecord.id))]


def any_check(session: Session, plan_id: int) -> bool:
    """Whether anybody has checked in or out under the plan (check-ins are in use)."""
    return session.scalar(select(PresenceRecord.id).where(PresenceRecord.plan_id == plan_id)
                          .limit(1)) is not None


def posts(session: Session, plan_id: int) -> list[PlannedPost]:
    """Every post of the plan with its plotted officers, in post order."""
    officers: dict[str, list[str]] = {}
    for nrp, post_id in session.execute(
            select(PlanAssignmentRecord.nrp, PlanAssignmentRecord.target_id)
            .where(PlanAssignmentRecord.plan_id == plan_id,
                   PlanAssignmentRecord.role == Role.POST.value)
            .order_by(PlanAssignmentRecord.nrp)):
        officers.setdefault(post_id, []).append(nrp)
    return [PlannedPost(p.post_id, p.polres_code, p.kecamatan_code, p.lat, p.lon,
                        tuple(p.tps_ids or ()), tuple(officers.get(p.post_id, ())))
            for p in session.scalars(select(PlanPostRecord)
                                     .where(PlanPostRecord.plan_id == plan_id)
                                     .order_by(PlanPostRecord.post_id))]


def post_of(session: Session, plan_id: int, nrp: str) -> PlannedPost | None:
    """The post officer ``nrp`` is plotted at in the plan, if any."""
    post_id = session.scalar(select(PlanAssignmentRecord.target_id).where(
        PlanAssignmentRecord.plan_id == plan_id, PlanAssignmentRecord.nrp == nrp,
        PlanAssignmentRecord.role == Role.POST.value))
    if post_id is None:
        return None
    p = session.get(PlanPostRecord, (plan_id, post_id))
    if p is None:
        return None
    return PlannedPost(p.post_id, p.polres_code, p.kecamatan_code, p.lat, p.lon,
                       tuple(p.tps_ids or ()), (nrp,))


def incidents_among(session: Session, ids: list[str]) -> set[str]:
    """Those of incident ``ids`` stored already (alerts raised before), in one query."""
    return set(session.scalars(select(IncidentRecord.id).where(IncidentRecord.id.in_(ids))))


def plotted(session: Session, plan_id: int, nrps: list[str]) -> set[str]:
    """Those of ``nrps`` plotted at a post of the plan, in one query."""
    return set(session.scalars(select(PlanAssignmentRecord.nrp).where(
        PlanAssignmentRecord.plan_id == plan_id, PlanAssignmentRecord.nrp.in_(nrps),
        PlanAssignmentRecord.role == Role.POST.value)))
