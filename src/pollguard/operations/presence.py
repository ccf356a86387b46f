"""Presence at post on voting day, pure: a plotted officer checks in at his post and checks
out; a check-in farther than the profile's radius from the post is kept and marked (a phone's
fix may be poor, or he may be elsewhere: the command decides, the app does not refuse), and one
without a location needs the officer's reason. The latest check of an officer is where he
stands; he is at his post when it is a check-in that is not marked as outside. No I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pollguard.domain.geo import Point, haversine_km
from pollguard.i18n.refusals import ErrorCode, RefusedError

__all__ = ["Check", "CheckKind", "PresenceError", "at_post", "latest", "make_check"]


class PresenceError(RefusedError, ValueError):
    """A check-in or check-out that cannot be stored as sent: coded, so that the officer's
    phone says why in his language."""


class CheckKind(StrEnum):
    IN = "checkin"
    OUT = "checkout"


@dataclass(frozen=True)
class Check:
    """One check-in or check-out. ``inside`` is None without a location (``reason`` says
    why), False when the phone was farther than the radius from the post: marked."""

    plan_id: int
    post_id: str
    nrp: str
    kind: CheckKind
    at: dt.datetime
    lat: float | None = None
    lon: float | None = None
    distance_m: float | None = None
    inside: bool | None = None
    reason: str = ""

    @property
    def marked(self) -> bool:
        """A check-in the command should look at: outside the radius, or without location."""
        return self.kind == CheckKind.IN and self.inside is not True


def make_check(*, plan_id: int, post_id: str, post_at: Point, nrp: str, kind: CheckKind,
               at: dt.datetime, radius_m: float, lat: float | None = None,
               lon: float | None = None, reason: str = "") -> Check:
    """The check as stored: its distance from the post and whether it lies inside
    ``radius_m``. PresenceError for half a location, or a check-in with neither location nor
    reason."""
    reason = reason.strip()
    if (lat is None) != (lon is None):
        raise PresenceError(code=ErrorCode.CHECK_HALF_LOCATION)
    if lat is None or lon is None:
        if kind == CheckKind.IN and not reason:
            raise PresenceError(code=ErrorCode.CHECK_NEEDS_REASON)
        return Check(plan_id, post_id, nrp, kind, at, reason=reason)
    distance = haversine_km(Point(lat, lon), post_at) * 1000.0
    return Check(plan_id, post_id, nrp, kind, at, lat, lon, round(distance, 1),
                 distance <= radius_m, reason)


def latest(checks: Iterable[Check]) -> dict[str, Check]:
    """Officer NRP -> his latest check (by time, then order given)."""
    out: dict[str, Check] = {}
    for c in checks:
        if c.nrp not in out or c.at >= out[c.nrp].at:
            out[c.nrp] = c
    return out


def at_post(nrp: str, standing: Mapping[str, Check]) -> bool:
    """Whether officer ``nrp`` is at his post now: checked in, and not marked as outside (a
    check-in without location, with its reason, counts: it stays marked)."""
    c = standing.get(nrp)
    return c is not None and c.kind == CheckKind.IN and c.inside is not False
