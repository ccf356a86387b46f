"""Presence at post: a plotted officer checks in and out from the field app, and the board
shows planned against present per Polres, Polsek and post, within the caller's jurisdiction
(NRP only for roles that may see personnel). The posts come with their TPS by name and the
empty ones first: the live page lists what it is given and keeps no rule of its own."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission, can
from pollguard.domain.forces import UnitKind
from pollguard.domain.names import tps_name
from pollguard.operations.presence import Check, CheckKind, PresenceError
from pollguard.services import presence
from pollguard.services.accounts import Principal
from pollguard.web.api.params import server_now, utc_iso
from pollguard.web.deps import scope_of, snapshot
from pollguard.web.errors import ApiError, ErrorCode
from pollguard.web.security import needs

router = APIRouter(tags=["presence"])


class CheckIn(BaseModel):
    """Where the phone is. Without a location (denied, no fix) the officer says why."""

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    reason: str = Field(default="", max_length=500)


class StoredCheck(BaseModel):
    post_id: str
    kind: str
    at: str
    distance_m: float | None
    inside: bool | None = Field(description="None: no location sent")
    marked: bool = Field(description="outside the profile's radius, or without location")
    reason: str


def _out(c: Check) -> StoredCheck:
    return StoredCheck(post_id=c.post_id, kind=c.kind.value, at=utc_iso(c.at),
                       distance_m=c.distance_m, inside=c.inside, marked=c.marked,
                       reason=c.reason)


def _check(request: Request, who: Principal, kind: CheckKind, body: CheckIn) -> StoredCheck:
    if who.nrp is None:
        raise ApiError(403, ErrorCode.NOT_AN_OFFICER)
    try:
        return _out(presence.check(db=request.app.state.db, nrp=who.nrp, kind=kind,
                                   now=server_now(request), actor=who.actor, lat=body.lat,
                                   lon=body.lon, reason=body.reason))
    except presence.NotPlottedError as exc:
        raise HTTPException(403, str(exc)) from exc
    except PresenceError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/presence/checkin", response_model=StoredCheck, status_code=201)
def check_in(body: CheckIn, request: Request,
             who: Principal = needs(Permission.REPORT_WRITE)) -> StoredCheck:
    """Check in at one's post. Farther than the profile's radius: stored and marked."""
    return _check(request, who, CheckKind.IN, body)


@router.post("/presence/checkout", response_model=StoredCheck, status_code=201)
def check_out(body: CheckIn, request: Request,
              who: Principal = needs(Permission.REPORT_WRITE)) -> StoredCheck:
    """Check out of one's post (leaving it: the post counts one officer fewer)."""
    return _check(request, who, CheckKind.OUT, body)


class Counts(BaseModel):
    code: str
    name: str
    posts: int
    planned: int = Field(description="officers plotted at the posts")
    present: int = Field(description="checked in and not marked as outside")
    marked: int = Field(description="latest check-in outside the radius or without location")
    empty_posts: int = Field(description="posts with officers plotted and none present")
    polres_code: str | None = Field(default=None, description="a Polsek row's Polres (the "
                                    "Polres rows it is grouped under); null for the others")


class OfficerPresence(BaseModel):
    nrp: str | None = Field(description="only for roles that may see personnel")
    status: str = Field(description="absent, present, outside, no_location, left")
    at: str | None


class PostRow(BaseModel):
    post_id: str
    polres_code: str
    polsek_code: str | None
    tps_ids: list[str]
    tps_names: list[str] = Field(description='the TPS guarded, as people name them: "TPS 002 '
                                 'Renah Kayu Embun, Kumun Debai"')
    planned: int
    present: int
    empty: bool = Field(description="officers plotted and none present (an alert past the "
                                    "profile's deadline)")
    officers: list[OfficerPresence]


class PresenceBoard(BaseModel):
    total: Counts
    polres: list[Counts]
    polsek: list[Counts]
    posts: list[PostRow] = Field(description="the empty posts first, then the least present "
                                 "share, then by post id")


def _status(c: Check | None) -> str:
    if c is None:
        return "absent"
    if c.kind == CheckKind.OUT:
        return "left"
    return {True: "present", False: "outside", None: "no_location"}[c.inside]


def _empty(r: presence.PostPresence) -> bool:
    return bool(r.post.nrps) and not r.present


def _counts(code: str, name: str, rows: list[presence.PostPresence],
            polres_code: str | None = None) -> Counts:
    return Counts(code=code, name=name, posts=len(rows),
                  planned=sum(len(r.post.nrps) for r in rows),
                  present=sum(r.present for r in rows), marked=sum(r.marked for r in rows),
                  empty_posts=sum(1 for r in rows if _empty(r)), polres_code=polres_code)


def _first(r: presence.PostPresence) -> tuple[bool, float, str]:
    """Empty posts first, then the smallest share present (what the command must look at)."""
    share = r.present / len(r.post.nrps) if r.post.nrps else 1.0
    return (not _empty(r), share, r.post.post_id)


@router.get("/presence", response_model=PresenceBoard)
def board(request: Request, who: Principal = needs(Permission.PLAN_READ)) -> PresenceBoard:
    """Planned against present at the posts in the account's jurisdiction: in total, per
    Polres, per Polsek (with its Polres) and per post (its TPS by name, the empty ones
    first)."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    ids = None if scope.everything else [t.tps_id for t in snap.visible_tps(scope)]
    rows = presence.presence(db=request.app.state.db, tps_ids=ids)
    polsek_of = {k: u.code for u in snap.scenario.units if u.kind == UnitKind.POLSEK
                 for k in u.jurisdiction}
    personnel = can(who.role, Permission.PERSONNEL_READ)
    by_polres: dict[str, list[presence.PostPresence]] = defaultdict(list)
    by_polsek: dict[str, list[presence.PostPresence]] = defaultdict(list)
    for r in rows:
        by_polres[r.post.polres_code].append(r)
        if (ps := polsek_of.get(r.post.kecamatan_code)) is not None:
            by_polsek[ps].append(r)
    return PresenceBoard(
        total=_counts("", "", rows),
        polres=[_counts(c, snap.names.get(c, c), v) for c, v in sorted(by_polres.items())],
        polsek=[_counts(c, snap.names.get(c, c), v, v[0].post.polres_code)
                for c, v in sorted(by_polsek.items())],
        posts=[PostRow(post_id=r.post.post_id, polres_code=r.post.polres_code,
                       polsek_code=polsek_of.get(r.post.kecamatan_code),
                       tps_ids=list(r.post.tps_ids),
                       tps_names=[tps_name(snap.tps, snap.names, t) for t in r.post.tps_ids],
                       planned=len(r.post.nrps), present=r.present, empty=_empty(r),
                       officers=[OfficerPresence(nrp=n if personnel else None,
                                                 status=_status(c),
                                                 at=utc_iso(c.at) if c else None)
                                 for n, c in r.checks.items()])
               for r in sorted(rows, key=_first)])
