"""Presence at post in the database: plotted officers check in and out from the field app
(appended, each with its audit entry ``checkin.in`` / ``checkin.out``), the board counts
planned against present per post, and ``check_presence`` raises one ``pos_kosong`` incident
per post with nobody present by the profile's deadline on voting day.

The alert is an incident of the ordinary workflow (held first by the Polsek, escalated by the
clock, reinforced by a dispatch): a post left empty is handled like any other trouble at its
TPS, with no second workflow to learn. Its id is derived from the plan and the post, so a post
raises it once however often the clock looks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pollguard.domain.command import Level
from pollguard.domain.geo import Point
from pollguard.domain.names import guarded_name, place_name
from pollguard.i18n.refusals import ErrorCode, RefusedError
from pollguard.operations.events import IncidentEvent
from pollguard.operations.incidents import SYSTEM, Incident, catalogue, report
from pollguard.operations.presence import Check, CheckKind, at_post, latest, make_check
from pollguard.profile.model import parse_profile
from pollguard.profile.operations import POS_KOSONG, Operations
from pollguard.services.live import audit_item
from pollguard.store import audit, plans
from pollguard.store import incidents as incident_store
from pollguard.store import presence as store
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.presence import PlannedPost
from pollguard.store.uow import UnitOfWork

__all__ = ["NotPlottedError", "PostPresence", "absent_in", "check", "check_presence",
           "not_present", "presence", "standing"]

_ALERTS = uuid.UUID("0b9f3c1e-5d0a-4f43-9a57-3c1f6e0d2a11")  # namespace of the alert ids


class NotPlottedError(RefusedError, LookupError):
    """The officer is not plotted at a post in the plan in force (or no plan is in force)."""


def _operations(s: Session, plan_id: int) -> Operations:
    info = plans.info(s, plan_id)
    return parse_profile(info.profile_toml).operations if info else Operations()


def check(*, db: Database, nrp: str, kind: CheckKind, now: dt.datetime, actor: str,
          lat: float | None = None, lon: float | None = None, reason: str = "") -> Check:
    """Store officer ``nrp``'s check-in or check-out at his post in the plan in force, with its
    audit entry. A check-in outside the radius is stored and marked, never refused.
    NotPlottedError when he has no post; PresenceError for a check it cannot store."""
    with UnitOfWork(db) as uow:
        s = uow.session
        plan = plans.in_force(s)
        post = store.post_of(s, plan[0], nrp) if plan else None
        if plan is None or post is None:
            raise NotPlottedError(code=ErrorCode.NOT_PLOTTED if plan
                                  else ErrorCode.PLAN_NOT_IN_FORCE)
        radius = _operations(s, plan[0]).presence.radius_m
        c = make_check(plan_id=plan[0], post_id=post.post_id, post_at=Point(post.lat, post.lon),
                       nrp=nrp, kind=kind, at=now, radius_m=radius, lat=lat, lon=lon,
                       reason=reason)
        store.add(s, c)
        audit.append(s, actor=actor, action="checkin.in" if kind == CheckKind.IN
                     else "checkin.out", subject=post.post_id,
                     detail={"nrp": nrp, "at": now.isoformat(), "lat": lat, "lon": lon,
                             "distance_m": c.distance_m, "inside": c.inside,
                             "marked": c.marked, "reason": c.reason})
    return c


@dataclass(frozen=True)
class PostPresence:
    """A post, its plotted officers, and each one's latest check (None: none yet)."""

    post: PlannedPost
    checks: dict[str, Check | None]

    @property
    def present(self) -> int:
        """Officers at the post now (checked in, not marked as outside)."""
        return sum(1 for n in self.post.nrps if at_post(n, {k: v for k, v in self.checks.items()
                                                            if v is not None}))

    @property
    def marked(self) -> int:
        """Officers whose latest check is a marked check-in (outside, or no location)."""
        return sum(1 for c in self.checks.values() if c is not None and c.marked)


def presence(*, db: Database, tps_ids: Collection[str] | None = None) -> list[PostPresence]:
    """Every post of the plan in force (those guarding a TPS of ``tps_ids``, when given) with
    its officers' latest checks (None: none yet; before anyone checks in, every post counts
    its planned officers and none present). Empty without a plan in force."""
    with UnitOfWork(db) as uow:
        s = uow.session
        plan = plans.in_force(s)
        if plan is None:
            return []
        posts = store.posts(s, plan[0])
        standing = latest(store.checks(s, plan[0]))
    wanted = set(tps_ids) if tps_ids is not None else None
    return [PostPresence(p, {n: standing.get(n) for n in p.nrps}) for p in posts
            if wanted is None or wanted.intersection(p.tps_ids)]


def standing(*, db: Database, nrps: Collection[str], in_use: bool = False) -> dict[str, bool]:
    """Each of ``nrps`` plotted at a post -> whether he is at it now (an NRP not plotted is
    left out). ``in_use``: nothing at all while nobody in the operation has checked in yet
    (check-ins are not in use there, and marking everyone would be noise). A fixed number of
    queries whatever the number of NRPs: a whole incident list is marked at once."""
    wanted = sorted(set(nrps))
    with UnitOfWork(db) as uow:
        s = uow.session
        plan = plans.in_force(s)
        if plan is None or not wanted:
            return {}
        if in_use and not store.any_check(s, plan[0]):
            return {}
        latest_check = latest(store.checks(s, plan[0], wanted))
        plotted = store.plotted(s, plan[0], wanted)
    return {n: at_post(n, latest_check) for n in plotted}


def absent_in(session: Session, plan_id: int, nrps: Collection[str],
              plotted: Collection[str] | None = None) -> set[str]:
    """Those of ``nrps`` plotted at a post of plan ``plan_id`` and not at it now, read in the
    caller's transaction: the report writer marks a whole batch of reports with one query.
    ``plotted``: the plan's post officers, when the caller holds them already (no query)."""
    wanted = sorted(set(nrps))
    if not wanted:
        return set()
    on_post = ({n for n in wanted if n in plotted} if plotted is not None
               else store.plotted(session, plan_id, wanted))
    latest_check = latest(store.checks(session, plan_id, wanted))
    return {n for n in on_post if not at_post(n, latest_check)}


def not_present(*, db: Database, nrps: Collection[str]) -> set[str]:
    """Those of ``nrps`` who are plotted at a post and not at it now: what marks their field
    reports."""
    return {n for n, here in standing(db=db, nrps=nrps).items() if not here}


def alert_id(plan_id: int, post_id: str) -> str:
    """The id of the ``pos_kosong`` incident of a post: the same every time it is made."""
    return str(uuid.uuid5(_ALERTS, f"{plan_id}/{post_id}"))


def check_presence(*, db: Database, now: dt.datetime) -> list[Incident]:
    """On voting day, once the profile's deadline has passed (the scenario's local time): open
    a ``pos_kosong`` incident, held by the Polsek, for every post of the plan in force with
    officers plotted and none present, unless that post raised one already. Returns the
    incidents opened now. Run by the server's clock beside escalation. An operation where
    nobody has checked in at all raises none: check-ins are not in use there."""
    with UnitOfWork(db) as uow:
        s = uow.session
        plan = plans.in_force(s)
        info = repo.current_info(s)
        if plan is None or info is None:
            return []
        ops = _operations(s, plan[0])
        local = now.astimezone(info.zone)
        deadline = dt.datetime.combine(info.voting_date, ops.presence.deadline, info.zone)
        if local.date() != info.voting_date or local < deadline:
            return []
        standing = latest(store.checks(s, plan[0]))
        if not standing:
            # Nobody has checked in anywhere: the operation is not using check-ins (or the
            # field app is not rolled out), and an alert per post (1,685 in the Jambi demo)
            # would bury the incident board. Alerts start with the first check-in.
            return []
        kinds = catalogue(ops.incident_kinds) | {POS_KOSONG.code: POS_KOSONG}
        empty = [p for p in store.posts(s, plan[0]) if p.nrps and p.tps_ids
                 and not any(at_post(n, standing) for n in p.nrps)]
        raised = store.incidents_among(s, [alert_id(plan[0], p.post_id) for p in empty])
        empty = [p for p in empty if alert_id(plan[0], p.post_id) not in raised]
        places = repo.tps_places(s, [p.tps_ids[0] for p in empty])
        region = repo.region_names(s) if places else {}
        new: list[tuple[Incident, str]] = []
        for p in empty:
            iid = alert_id(plan[0], p.post_id)
            post = guarded_name(p.post_id, p.tps_ids, lambda t: place_name(*places[t], region)
                                if t in places else f"TPS {t}")
            text = (f"{post}: tidak ada personel hadir pada "
                    f"{ops.presence.deadline:%H.%M} ({len(p.nrps)} personel diplot)")
            new.append((report(iid, p.tps_ids[0], POS_KOSONG.code, by=SYSTEM, at=now,
                               text=text, level=Level.POLSEK, lat=p.lat, lon=p.lon,
                               kinds=kinds), p.polres_code))
        incident_store.add_new(s, new)
        audit.append_many(s, [audit_item(SYSTEM, IncidentEvent.of(
            "incident.reported", inc, polres=polres, verified=False, at=now))
            for inc, polres in new])
    return [inc for inc, _ in new]
