"""The operations map and what a click on it shows: TPS by class, posts, reserve teams and
their reach, command units, region outlines, one TPS's explanation and guards."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission, Scope, can
from pollguard.domain.boundary import Polygon
from pollguard.domain.forces import UnitKind
from pollguard.domain.names import post_name
from pollguard.domain.plan import Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.profile.model import parse_profile
from pollguard.reports.plan_docs import pattern
from pollguard.scenario.outlines import map_name
from pollguard.services import field_reports
from pollguard.services.accounts import Principal
from pollguard.services.snapshot import Snapshot
from pollguard.web import tiles
from pollguard.web.api import field_post
from pollguard.web.api.params import MAX_ID
from pollguard.web.deps import scope_of, snapshot, tps_in_view
from pollguard.web.errors import ApiError, ErrorCode
from pollguard.web.security import needs, signed_in

router = APIRouter(tags=["map"])
CLASSES = [c.value for c in RiskClass]
REACH_MINUTES = 30  # the reach drawn around each reserve team


class MapTps(BaseModel):
    """Columnar, so 6,391 TPS fit in a small response: item i of every list is TPS i."""

    assessment_id: int | None
    plan_id: int | None
    count: int
    classes: list[str] = Field(description="the class names that ``cls`` indexes")
    kabkota: list[str] = Field(description="codes that ``kab`` indexes")
    polres: list[str] = Field(description="codes that ``pol`` indexes")
    ids: list[str]
    lat: list[float]
    lon: list[float]
    cls: list[int]
    score: list[float]
    kab: list[int]
    pol: list[int]
    guarded: list[int] = Field(description="1 if a post of the plan guards the TPS")


@router.get("/map/tps", response_model=MapTps)
def map_tps(request: Request, who: Principal = needs(Permission.TPS_READ)) -> MapTps:
    """Every TPS the account may see, with its class and score: the operations map's layer."""
    snap = snapshot(request)
    return _map_tps(snap, scope_of(snap, who))


def _map_tps(snap: Snapshot, scope: Scope) -> MapTps:
    rows = snap.visible_tps(scope)
    kabs = sorted({ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in rows})
    pols = sorted({snap.polres_of_tps(t) for t in rows})
    kab_ix, pol_ix = {k: i for i, k in enumerate(kabs)}, {p: i for i, p in enumerate(pols)}
    cls_ix = {c: i for i, c in enumerate(CLASSES)}
    guarded = snap.view.post_of_tps if snap.plan else {}
    classes = [snap.class_of(t.tps_id) for t in rows]
    return MapTps(
        assessment_id=snap.assessment.id if snap.assessment else None,
        plan_id=snap.plan_info.id if snap.plan_info else None, count=len(rows),
        classes=CLASSES, kabkota=kabs, polres=pols, ids=[t.tps_id for t in rows],
        lat=[round(t.lat, 5) for t in rows], lon=[round(t.lon, 5) for t in rows],
        cls=[cls_ix[c.value] if c else -1 for c in classes],
        score=[snap.risks[t.tps_id].score if t.tps_id in snap.risks else 0.0 for t in rows],
        kab=[kab_ix[ancestor_at(t.desa_code, RegionLevel.KABKOTA)] for t in rows],
        pol=[pol_ix[snap.polres_of_tps(t)] for t in rows],
        guarded=[1 if t.tps_id in guarded else 0 for t in rows])


class MapPost(BaseModel):
    id: str
    pattern: str = Field(description="the pola, e.g. 2-1-2 or 2-8-16")
    polres: str
    kecamatan: str
    cls: str
    lat: float
    lon: float
    n: int
    officers: int
    linmas: int
    tps: int


@router.get("/map/posts", response_model=list[MapPost])
def map_posts(request: Request, plan: int | None = Query(None, ge=1, le=MAX_ID),
              who: Principal = needs(Permission.PLAN_READ)) -> list[MapPost]:
    """The plan's posts (the plan in force by default)."""
    snap = snapshot(request, plan)
    scope = scope_of(snap, who)
    return [MapPost(id=p.post_id, pattern=pattern(p), polres=p.polres_code,
                    kecamatan=p.kecamatan_code, cls=p.risk_class.value, lat=p.lat, lon=p.lon,
                    n=p.n, officers=p.officers, linmas=p.linmas, tps=len(p.tps_ids))
            for p in snap.view.plan.posts if scope.sees_kecamatan(p.kecamatan_code)]


class MapReserve(BaseModel):
    id: str
    owner: str
    owner_name: str
    staging: str
    staging_name: str
    lat: float
    lon: float
    size: int
    reach_km: float = Field(description=f"how far the team gets in {REACH_MINUTES} minutes")


@router.get("/map/reserves", response_model=list[MapReserve])
def map_reserves(request: Request, plan: int | None = Query(None, ge=1, le=MAX_ID),
                 who: Principal = needs(Permission.RESERVE_READ)) -> list[MapReserve]:
    """Reserve teams, where they wait, and the ground they reach in 30 minutes (rural roads)."""
    snap = snapshot(request, plan)
    scope = scope_of(snap, who)
    assert snap.plan_info is not None
    reach = _reach_km(snap.plan_info.profile_toml)
    view = snap.view
    return [MapReserve(id=t.team_id, owner=t.owner_code, owner_name=view.unit_name(t.owner_code),
                       staging=t.staging_code, staging_name=view.staging_name(t), lat=t.lat,
                       lon=t.lon, size=t.size, reach_km=reach)
            for t in view.plan.reserves if scope.sees_force_of(t.owner_code)]


@lru_cache(maxsize=8)
def _reach_km(profile_toml: str) -> float:
    travel = parse_profile(profile_toml).planning.travel
    return round(travel.rural_kmh * REACH_MINUTES / 60 / travel.detour, 1)


class MapUnit(BaseModel):
    code: str
    name: str
    kind: str
    parent: str | None
    lat: float
    lon: float


class MapRegion(BaseModel):
    code: str
    name: str
    level: str
    outline: list[list[list[list[float]]]] = Field(
        description="polygons, each its outer ring then its holes, each ring [lat, lon] "
                    "points: what Leaflet's L.polygon takes as a multipolygon")
    real: bool = Field(description="true: the real boundary (simplified for the screen); "
                                   "false: a hull around the region's TPS")
    label: list[float] = Field(description="[lat, lon] well inside the region, for its name")
    label_name: str = Field(description="the name as the map prints it (Kab. Kerinci)")


class MapFrame(BaseModel):
    name: str
    units: list[MapUnit]
    regions: list[MapRegion]
    bounds: list[list[float]]


@router.get("/map/frame", response_model=MapFrame)
def map_frame(request: Request, who: Principal = needs(Permission.TPS_READ)) -> MapFrame:
    """Polres and Polsek headquarters and the outlines of kab/kota and kecamatan: their real
    boundaries when the scenario has them, else drawn around their TPS (the map needs no
    basemap either way)."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    rows = snap.visible_tps(scope)
    units = [MapUnit(code=u.code, name=u.name, kind=u.kind.value, parent=u.parent_code,
                     lat=u.hq_lat, lon=u.hq_lon)
             for u in snap.scenario.units
             if u.kind in (UnitKind.POLRES, UnitKind.POLSEK)
             and (scope.everything or u.code == scope.unit_code
                  or (u.kind == UnitKind.POLSEK and u.jurisdiction
                      and scope.sees_kecamatan(u.jurisdiction[0]))
                  or (u.kind == UnitKind.POLRES and scope.sees_polres(u.code)))]
    regions = [MapRegion(code=code, name=snap.names.get(code, code), level=_LEVEL[o.level],
                         outline=_latlon(o.polygons), real=o.real,
                         label=[o.label[1], o.label[0]], label_name=map_name(
                             snap.names.get(code, code)))
               for code, o in snap.outlines.items()
               if scope.everything
               or (o.level == RegionLevel.KECAMATAN and scope.sees_kecamatan(code))
               or (o.level == RegionLevel.KABKOTA and any(
                   ancestor_at(k, RegionLevel.KABKOTA) == code for k in scope.kecamatan or ()))]
    lats, lons = [t.lat for t in rows], [t.lon for t in rows]
    if not rows:  # no TPS yet (a skeleton): the regions' own extent, if any
        lats = [p[0] for r in regions for ring in r.outline[0] for p in ring] or [0.0]
        lons = [p[1] for r in regions for ring in r.outline[0] for p in ring] or [0.0]
    return MapFrame(name=snap.scenario.info.name, units=units, regions=regions,
                    bounds=[[min(lats), min(lons)], [max(lats), max(lons)]])


_LEVEL = {RegionLevel.KABKOTA: "kabkota", RegionLevel.KECAMATAN: "kecamatan"}


def _latlon(polygons: Sequence[Polygon]) -> list[list[list[list[float]]]]:
    """(lon, lat) rings as Leaflet's [lat, lon], to 4 decimals (about 10 m)."""
    return [[[[round(y, 4), round(x, 4)] for x, y in ring] for ring in p] for p in polygons]


class Reason(BaseModel):
    factor: str
    code: str
    points: float
    text: str


class Guard(BaseModel):
    nrp: str
    name: str
    rank: str
    unit: str
    phone: str | None
    pair: int
    bko_to: str | None


class TpsPost(BaseModel):
    id: str
    pattern: str
    cls: str
    n: int
    officers: int
    linmas: int
    tps_ids: list[str]
    lat: float
    lon: float


class TpsDetail(BaseModel):
    id: str
    number: int
    desa: str
    kecamatan: str
    kabkota: str
    polres: str
    voters: int | None
    location_type: str
    lat: float
    lon: float
    cls: str | None
    assessed_cls: str | None
    score: float | None
    reasons: list[Reason]
    post: TpsPost | None
    guards: list[Guard] | None = Field(description="null when the role may not see personnel")
    guards_count: int


@router.get("/tps/{tps_id}", response_model=TpsDetail,
            responses={403: {"description": "outside the account's jurisdiction"},
                       404: {"description": "no such TPS"}})
def tps_detail(tps_id: str, request: Request, lang: str = Query("id", pattern="^(id|en)$"),
               who: Principal = needs(Permission.TPS_READ)) -> TpsDetail:
    """One TPS: why it has its class (each reason and its points), its post and its guards."""
    snap = snapshot(request)
    t = tps_in_view(snap, who, tps_id)
    risk = snap.risks.get(tps_id)
    post = snap.view.post_of_tps.get(tps_id) if snap.plan else None
    guards = snap.view.by_target.get(post.post_id, []) if post else []
    personnel = can(who.role, Permission.PERSONNEL_READ)
    officers = snap.view.officers if snap.plan else {}
    cls = snap.class_of(tps_id)
    return TpsDetail(
        id=tps_id, number=t.number, desa=snap.names.get(t.desa_code, t.desa_code),
        kecamatan=snap.names.get(snap.kecamatan_of(t), ""),
        kabkota=snap.names.get(ancestor_at(t.desa_code, RegionLevel.KABKOTA), ""),
        polres=snap.names.get(snap.polres_of_tps(t), ""), voters=t.voters,
        location_type=t.location_type.value, lat=t.lat, lon=t.lon,
        cls=cls.value if cls else None,
        assessed_cls=risk.risk_class.value if risk else None,
        score=risk.score if risk else None,
        reasons=[Reason(factor=c.factor.value, code=c.code, points=c.points,
                        text=c.text_en if lang == "en" else c.text_id)
                 for c in (risk.reasons if risk else ())],
        post=TpsPost(id=post.post_id, pattern=pattern(post), cls=post.risk_class.value, n=post.n,
                     officers=post.officers, linmas=post.linmas, tps_ids=list(post.tps_ids),
                     lat=post.lat, lon=post.lon) if post else None,
        guards=[Guard(nrp=a.nrp, name=officers[a.nrp].name,
                      rank=officers[a.nrp].rank.label, unit=snap.names.get(
                          officers[a.nrp].unit_code, officers[a.nrp].unit_code),
                      phone=officers[a.nrp].phone, pair=a.pair, bko_to=a.bko_to)
                for a in guards if a.nrp in officers] if personnel else None,
        guards_count=len(guards))


class RegionItem(BaseModel):
    code: str
    name: str
    polres: str | None = None


class Regions(BaseModel):
    kabkota: list[RegionItem]
    polres: list[RegionItem]
    polsek: list[RegionItem]


@router.get("/regions", response_model=Regions)
def regions(request: Request, who: Principal = needs(Permission.TPS_READ)) -> Regions:
    """The kab/kota, Polres and Polsek the account may filter by."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    seen = {snap.kecamatan_of(t) for t in snap.visible_tps(scope)}
    kabs = sorted({ancestor_at(k, RegionLevel.KABKOTA) for k in seen})
    polres = [u for u in snap.scenario.units if u.kind == UnitKind.POLRES
              and scope.sees_polres(u.code)]
    polsek = [u for u in snap.scenario.units if u.kind == UnitKind.POLSEK and u.jurisdiction
              and u.jurisdiction[0] in seen]
    return Regions(
        kabkota=[RegionItem(code=k, name=snap.names.get(k, k), polres=snap.polres_of_kab.get(k))
                 for k in kabs],
        polres=[RegionItem(code=u.code, name=u.name) for u in sorted(polres,
                                                                     key=lambda u: u.name)],
        polsek=[RegionItem(code=u.code, name=u.name, polres=u.parent_code)
                for u in sorted(polsek, key=lambda u: u.name)])


class Basemap(BaseModel):
    """The tile layer the pages draw under the outlines."""

    url: str = Field(description="a Leaflet URL template: /tiles/{z}/{x}/{y} for the archive "
                                 "this server serves, or POLLGUARD_TILE_URL")
    attribution: str = Field(description="plain text")
    min_zoom: int | None = Field(description="the archive's lowest zoom (null: not known)")
    max_zoom: int | None = Field(description="the archive's highest zoom; pages enlarge its "
                                             "tiles past it (null: not known)")
    bounds: list[list[float]] | None = Field(
        description="[[south, west], [north, east]]: no tile is asked for outside it")
    offline: bool = Field(description="true when this server serves the tiles itself")


class Settings(BaseModel):
    tile_url: str | None = Field(description="the same as basemap.url (older clients)")
    tile_attribution: str = Field(description="the same as basemap.attribution")
    basemap: Basemap | None = Field(description="null: no basemap, the map draws the "
                                                "scenario's regions on a plain ground")
    languages: list[str]
    scenario: str


def _basemap(request: Request) -> Basemap | None:
    archive = tiles.archive_of(request)
    if archive is not None:
        info, box = archive.info, None
        if info.bounds:
            west, south, east, north = info.bounds
            box = [[south, west], [north, east]]
        return Basemap(url=tiles.URL_TEMPLATE, attribution=info.attribution,
                       min_zoom=info.min_zoom, max_zoom=info.max_zoom, bounds=box,
                       offline=True)
    s = request.app.state.settings
    if s.tile_url:
        return Basemap(url=s.tile_url, attribution=s.tile_attribution, min_zoom=None,
                       max_zoom=None, bounds=None, offline=False)
    return None


@router.get("/settings", response_model=Settings)
def settings(request: Request, who: Principal = signed_in()) -> Settings:
    """The optional basemap (none by default: the map draws the scenario's regions): a tile
    archive this server serves at ``/tiles/{z}/{x}/{y}`` or a tile server's URL."""
    snap = snapshot(request)
    base = _basemap(request)
    return Settings(tile_url=base.url if base else None,
                    tile_attribution=base.attribution if base else "", basemap=base,
                    languages=["id", "en"], scenario=snap.scenario.info.name)


class Partner(BaseModel):
    name: str
    rank: str
    phone: str | None = Field(default=None, description="for the call button (police roles only)")


class MyAssignment(BaseModel):
    nrp: str
    name: str
    rank: str
    plan_id: int
    role: str
    target_id: str
    target_label: str
    pair: int
    partners: list[Partner]
    tps: list[TpsPost]
    lat: float
    lon: float
    phases: list[str] = Field(description="the TPS day's phases, in order")
    stations: list[field_post.Station] = Field(description="each TPS of the posts, by name")
    contacts: list[field_post.Contact] = Field(description="Pawas, Polsek and Posko to call")


@router.get("/me/assignment", response_model=MyAssignment,
            responses={404: {"description": "the account is not plotted in the plan in force"}})
def my_assignment(request: Request,
                  who: Principal = needs(Permission.OWN_ASSIGNMENT)) -> MyAssignment:
    """A field officer's own post (or duty, or reserve team) in the plan in force."""
    snap = snapshot(request)
    if who.nrp is None or snap.plan is None:
        raise ApiError(404, ErrorCode.NOT_AN_OFFICER)
    view = snap.view
    mine = next((a for a in view.plan.assignments if a.nrp == who.nrp), None)
    officer = view.officers.get(who.nrp)
    if mine is None or officer is None:
        raise ApiError(404, ErrorCode.NOT_PLOTTED)
    assert snap.plan_info is not None
    if mine.role == Role.POST:
        post = view.posts[mine.target_id]
        # The post by its TPS ("Pos TPS 002 Renah Kayu Embun, Kumun Debai (+1 TPS)"): its id
        # names nothing an officer reads.
        label, lat, lon = post_name(post, snap.tps, snap.names), post.lat, post.lon
        guarded = [post]
        tps = [TpsPost(id=post.post_id, pattern=pattern(post), cls=post.risk_class.value, n=post.n,
                       officers=post.officers, linmas=post.linmas,
                       tps_ids=list(post.tps_ids), lat=post.lat, lon=post.lon)]
    elif mine.role == Role.DUTY:
        duty = view.duties[mine.target_id]
        label, lat, lon, tps = duty.label, duty.lat, duty.lon, []
        guarded = []
    elif mine.role in (Role.SUPERVISOR, Role.COMMAND):
        # A Pawas sees the posts he supervises; a Kapolsek those of his kecamatan; other
        # command and staff their headquarters.
        if mine.role == Role.SUPERVISOR:
            cluster = view.supervisions[mine.target_id]
            posts = [view.posts[p] for p in cluster.post_ids]
            label, lat, lon = f"Pawas {cluster.cluster_id}", cluster.lat, cluster.lon
        else:
            unit = snap.units.get(mine.target_id)
            kec = unit.jurisdiction[0] if unit and unit.kind == UnitKind.POLSEK \
                and unit.jurisdiction else None
            posts = sorted((p for p in view.plan.posts if p.kecamatan_code == kec),
                           key=lambda p: p.post_id) if kec else []
            where = unit or snap.polda
            label = f"{mine.position or 'Komando'} {where.name}"
            lat, lon = where.hq_lat, where.hq_lon
        tps = [TpsPost(id=p.post_id, pattern=pattern(p), cls=p.risk_class.value, n=p.n,
                       officers=p.officers, linmas=p.linmas, tps_ids=list(p.tps_ids),
                       lat=p.lat, lon=p.lon) for p in posts]
        guarded = posts
    else:
        team = view.teams[mine.target_id]
        label, lat, lon, tps = (f"Cadangan {view.staging_name(team)}", team.lat, team.lon, [])
        guarded = []
    guarded_ids = [t for p in tps for t in p.tps_ids]
    return MyAssignment(
        nrp=who.nrp, name=officer.name, rank=officer.rank.label, plan_id=snap.plan_info.id,
        role=mine.role.value, target_id=mine.target_id, target_label=label, pair=mine.pair,
        partners=[Partner(name=o.name, rank=o.rank.label, phone=o.phone)
                  for o in view.partners.get(who.nrp, [])],
        tps=tps, lat=lat, lon=lon, phases=field_post.phase_order(),
        stations=field_post.stations(
            snap, field_reports.phases_of(db=request.app.state.db, tps_ids=guarded_ids),
            guarded_ids, may_report=mine.role == Role.POST),
        contacts=field_post.contacts(snap, guarded))
