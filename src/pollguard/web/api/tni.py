"""The TNI's part of the plan, for the Kodim/Korem liaison (and the police who work with them):
where soldiers stand (static posts at sangat rawan TPS, a mobile team per kecamatan) and, per
Kodim, what it has against what the plan asks of it. Soldiers are counted, never named: nothing
here carries an NRP, a name or a phone, so ``plan:read`` is enough."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission, Scope
from pollguard.domain.plan import TniPost
from pollguard.planning.tni import STATIC, TOTAL
from pollguard.services.accounts import Principal
from pollguard.services.snapshot import Snapshot
from pollguard.web.api.params import MAX_ID
from pollguard.web.api.plans import tps_label
from pollguard.web.deps import scope_of, snapshot
from pollguard.web.security import needs

router = APIRouter(tags=["tni"])


class MapTniPost(BaseModel):
    id: str
    kind: str = Field(description="static: at a sangat rawan TPS; mobile: a kecamatan's team")
    kodim: str = Field(description="the Kodim's code; empty when no Kodim holds the kab/kota "
                                   "(the Korem provides the soldiers)")
    kodim_name: str
    target: str = Field(description="the TPS id (static) or the kecamatan code (mobile)")
    label: str = Field(description="the TPS or kecamatan by name: what the page prints")
    lat: float
    lon: float
    soldiers: int


class TniRow(BaseModel):
    kodim: str = Field(description="the Kodim's code, or \"total\" for the row of all TNI")
    name: str
    available: int = Field(description="the Kodim's soldiers; the total row adds the Korem's")
    at_tps: int = Field(description="soldiers at static posts by sangat rawan TPS")
    static_posts: int
    mobile_teams: int
    in_mobile: int = Field(description="soldiers in the mobile teams")
    short: int = Field(description="a Kodim: what it lacks itself (the Korem sends it); the "
                                   "total row: what the Korem cannot make up")


class TniPicture(BaseModel):
    plan_id: int | None
    kodim: list[TniRow] = Field(description="one row per Kodim the account sees, then the total")
    posts: list[MapTniPost]


def _visible(snap: Snapshot, scope: Scope, post: TniPost) -> bool:
    if scope.everything:
        return True
    if post.kind == STATIC:
        t = snap.tps.get(post.target)
        return t is not None and scope.sees_kecamatan(snap.kecamatan_of(t))
    return scope.sees_kecamatan(post.target)


def _kodim_name(snap: Snapshot, code: str) -> str:
    unit = snap.units.get(code)
    return unit.name if unit else (code or "Korem")


def _posts(snap: Snapshot, scope: Scope) -> list[MapTniPost]:
    if snap.plan is None:
        return []
    return [MapTniPost(id=p.post_id, kind=p.kind, kodim=p.kodim_code,
                       kodim_name=_kodim_name(snap, p.kodim_code), target=p.target,
                       label=tps_label(snap, p.target) if p.kind == STATIC
                       else snap.names.get(p.target, p.target),
                       lat=p.lat, lon=p.lon, soldiers=p.soldiers)
            for p in snap.view.plan.tni_posts if _visible(snap, scope, p)]


def _rows(snap: Snapshot, scope: Scope, posts: list[MapTniPost]) -> list[TniRow]:
    """The plan's own allocation rows; an account scoped to part of the province gets only the
    Kodim whose posts it sees, and no total (the province's total is not its picture)."""
    if snap.plan is None:
        return []
    mine = {p.kodim for p in posts}
    static_posts: dict[str, int] = {}
    for p in snap.view.plan.tni_posts:
        if p.kind == STATIC:
            static_posts[p.kodim_code] = static_posts.get(p.kodim_code, 0) + 1
    out = []
    for a in snap.view.plan.tni:
        total = a.unit_code == TOTAL
        if not scope.everything and (total or a.unit_code not in mine):
            continue
        out.append(TniRow(
            kodim=a.unit_code, name="Total" if total else _kodim_name(snap, a.unit_code),
            available=a.available, at_tps=a.static,
            static_posts=sum(static_posts.values()) if total else static_posts.get(a.unit_code, 0),
            mobile_teams=a.mobile_teams, in_mobile=a.mobile, short=a.short))
    return out


@router.get("/map/tni", response_model=list[MapTniPost])
def map_tni(request: Request, plan: int | None = Query(None, ge=1, le=MAX_ID),
            who: Principal = needs(Permission.PLAN_READ)) -> list[MapTniPost]:
    """The plan's TNI posts and mobile teams (the plan in force by default): the map's layer."""
    snap = snapshot(request, plan)
    return _posts(snap, scope_of(snap, who))


@router.get("/tni", response_model=TniPicture)
def tni_picture(request: Request, plan: int | None = Query(None, ge=1, le=MAX_ID),
                who: Principal = needs(Permission.PLAN_READ)) -> TniPicture:
    """Per Kodim: soldiers available, at TPS posts, in mobile teams, and its shortfall; with
    every post, for the TNI page's table and map."""
    snap = snapshot(request, plan)
    scope = scope_of(snap, who)
    posts = _posts(snap, scope)
    return TniPicture(plan_id=snap.plan_info.id if snap.plan_info else None,
                      kodim=_rows(snap, scope, posts), posts=posts)
