"""Plan versions, the planning workspace (force balance, draft re-plans, their minimum-change
diff, acceptance), the plotting tables and the plan's downloads."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from pollguard.access import Permission, Scope, can
from pollguard.domain.plan import Assignment, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.update import moves
from pollguard.planning.view import PlanView
from pollguard.profile.model import parse_profile
from pollguard.reports import plan_docs
from pollguard.services import documents, planning
from pollguard.services.accounts import Principal
from pollguard.services.risk import NoScenarioError
from pollguard.services.snapshot import Snapshot
from pollguard.web.api.params import MAX_ID, PlanId, utc_iso
from pollguard.web.deps import scope_of, snapshot
from pollguard.web.security import needs

router = APIRouter(tags=["plans"])
T = TypeVar("T")


class PlanVersion(BaseModel):
    id: int
    created_at: str
    status: Literal["accepted", "draft"]
    author: str
    parent_id: int | None
    assessment_id: int | None
    note: str
    posts: int
    uncovered_tps: int
    officers_at_tps: int
    officers_in_reserve: int
    travel_km_total: float
    reserve_eta_p95_min: float
    bko: int


class PlanList(BaseModel):
    current: int | None = Field(description="the plan in force: the newest accepted version")
    plans: list[PlanVersion]


@router.get("/plans", response_model=PlanList)
def list_plans(request: Request, who: Principal = needs(Permission.PLAN_READ)) -> PlanList:
    """Every plan version, newest first, drafts included."""
    found = planning.listing(db=request.app.state.db)

    def num(m: dict[str, object], key: str) -> float:
        value = m.get(key)
        return float(value) if isinstance(value, int | float) else 0.0

    return PlanList(current=found.current, plans=[PlanVersion(
        id=i.id, created_at=utc_iso(i.created_at), status=i.status,  # type: ignore[arg-type]
        author=i.author, parent_id=i.parent_id, assessment_id=i.assessment_id, note=i.note,
        posts=int(num(m, "posts")), uncovered_tps=int(num(m, "uncovered_tps")),
        officers_at_tps=int(num(m, "officers_at_tps")),
        officers_in_reserve=int(num(m, "officers_in_reserve")),
        travel_km_total=num(m, "travel_km_total"),
        reserve_eta_p95_min=num(m, "reserve_eta_p95_min"), bko=int(num(m, "bko")))
        for i, m in reversed(found.versions)])


class BalanceRow(BaseModel):
    code: str
    name: str
    tps: int
    posts: int
    available: int
    duties: int
    at_tps: int
    reserve: int
    bko_in: int
    lent: int
    shortage: int
    uncovered: int
    n: int | None = Field(description="the most common N of its kurang rawan posts")
    n_range: list[int]


class Balance(BaseModel):
    plan_id: int
    status: str
    reserve_share: float
    min_n: int
    max_n: int
    rows: list[BalanceRow]


@router.get("/plans/{plan_id}/balance", response_model=Balance,
            responses={404: {"description": "no such plan"}})
def balance(plan_id: PlanId, request: Request,
            who: Principal = needs(Permission.PLAN_READ)) -> Balance:
    """Force balance per Polres (and the Polda pool): available, duties, at TPS, reserve,
    BKO, shortage; with the N each Polres's kurang rawan posts use."""
    snap = _plan(request, plan_id)
    scope = scope_of(snap, who)
    assert snap.plan is not None and snap.plan_info is not None
    n_of: dict[str, Counter[int]] = {}
    for key, n in snap.plan.n_by_group.items():
        if f"/{RiskClass.KURANG_RAWAN.value}" in key:
            n_of.setdefault(key.split("/")[0], Counter())[n] += 1
    planning_ = parse_profile(snap.plan_info.profile_toml).planning
    rows = [BalanceRow(**b.__dict__, n=n_of[b.code].most_common(1)[0][0] if b.code in n_of
                       else None,
                       n_range=[min(n_of[b.code]), max(n_of[b.code])] if b.code in n_of else [])
            for b in plan_docs.force_balance(snap.plan, snap.scenario)
            if scope.everything or scope.sees_polres(b.code)]
    return Balance(plan_id=plan_id, status=snap.plan_info.status,
                   reserve_share=planning_.reserve_share, min_n=planning_.min_n,
                   max_n=planning_.max_n, rows=rows)


def _plan(request: Request, plan_id: int) -> Snapshot:
    snap = snapshot(request, plan_id)
    if snap.plan is None:
        raise HTTPException(404, f"no plan {plan_id}")
    return snap


class DraftRequest(BaseModel):
    n_by_polres: dict[str, int] = Field(default_factory=dict,
                                        description="Polres code -> N for its kurang rawan TPS")
    reserve_share: float | None = Field(default=None, ge=0, le=0.9)
    classes: dict[str, RiskClass] = Field(default_factory=dict,
                                          description="TPS id -> the class to plan it as")
    note: str = Field(default="", max_length=500)


_planning_lock = threading.Lock()


def _run_alone(job: Callable[[], T]) -> T:
    """One re-plan at a time: each takes a core for seconds."""
    with _planning_lock:
        return job()


class Move(BaseModel):
    nrp: str | None
    before: str
    after: str
    reason: str


class DraftResult(BaseModel):
    plan_id: int
    base_id: int
    status: str
    moved: int
    posts: int
    uncovered_tps: int
    travel_km_total: float
    reserve_eta_p95_min: float
    moves: list[Move]


@router.post("/plans/{plan_id}/drafts", response_model=DraftResult, status_code=201,
             responses={403: {"description": "outside the account's jurisdiction"},
                        404: {"description": "no such plan"},
                        422: {"description": "the change cannot be planned (reason given)"}})
def draft(plan_id: PlanId, body: DraftRequest, request: Request,
          lang: str = Query("id", pattern="^(id|en)$"),
          who: Principal = needs(Permission.PLAN_WRITE)) -> DraftResult:
    """Re-plan from plan ``plan_id`` with the changes, moving as few officers as possible; the
    result is a draft until accepted."""
    snap = _plan(request, plan_id)
    _check_scope(snap, scope_of(snap, who), body)
    try:
        outcome = _run_alone(lambda: planning.replan(
            db=request.app.state.db, base=plan_id, note=body.note, draft=True, actor=who.actor,
            changes=planning.PlanChanges(body.n_by_polres, body.reserve_share, body.classes)))
    except NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    m = outcome.plan.metrics
    assert m is not None
    personnel = can(who.role, Permission.PERSONNEL_READ)
    return DraftResult(
        plan_id=outcome.plan_id, base_id=plan_id, status=planning.DRAFT, moved=len(outcome.moves),
        posts=m.posts, uncovered_tps=m.uncovered_tps, travel_km_total=m.travel_km_total,
        reserve_eta_p95_min=m.reserve_eta_p95_min,
        moves=[Move(nrp=mv.nrp if personnel else None, before=mv.before, after=mv.after,
                    reason=mv.reason_en if lang == "en" else mv.reason_id)
               for mv in outcome.moves])


def _check_scope(snap: Snapshot, scope: Scope, body: DraftRequest) -> None:
    if scope.everything:
        return
    if body.reserve_share is not None:
        raise HTTPException(403, "the reserve share is set for the whole Polda: ask the Polda "
                                 "command")
    for code in body.n_by_polres:
        if not scope.sees_polres(code):
            raise HTTPException(403, f"Polres {code} is outside your jurisdiction")
    for tps_id in body.classes:
        t = snap.tps.get(tps_id)
        if t is not None and not scope.sees_kecamatan(snap.kecamatan_of(t)):
            raise HTTPException(403, f"TPS {tps_id} is outside your jurisdiction")


class Changes(BaseModel):
    plan_id: int
    parent_id: int | None
    moved: int
    moves: list[Move]


@router.get("/plans/{plan_id}/changes", response_model=Changes,
            responses={404: {"description": "no such plan"}})
def changes(plan_id: PlanId, request: Request, lang: str = Query("id", pattern="^(id|en)$"),
            who: Principal = needs(Permission.PLAN_READ)) -> Changes:
    """Who moves between a plan and the plan it was made from, and why."""
    snap = _plan(request, plan_id)
    assert snap.plan_info is not None and snap.plan is not None
    parent_id = snap.plan_info.parent_id
    if parent_id is None:
        return Changes(plan_id=plan_id, parent_id=None, moved=0, moves=[])
    parent = snapshot(request, parent_id)
    assert parent.plan is not None
    found = moves(parent.plan, snap.plan)
    scope = scope_of(snap, who)
    mine = _visible_assignments(snap.view, scope)
    personnel = can(who.role, Permission.PERSONNEL_READ)
    shown = [Move(nrp=mv.nrp if personnel else None, before=mv.before, after=mv.after,
                  reason=mv.reason_en if lang == "en" else mv.reason_id)
             for mv in found if mv.nrp in mine]
    return Changes(plan_id=plan_id, parent_id=parent_id, moved=len(shown), moves=shown)


class Accepted(BaseModel):
    plan_id: int
    status: str


@router.post("/plans/{plan_id}/accept", response_model=Accepted,
             responses={403: {"description": "the draft changes something outside the "
                                            "account's jurisdiction against the plan in force "
                                            "(the changes are named)"},
                        404: {"description": "no such plan"},
                        409: {"description": "the plan is accepted already"}})
def accept(plan_id: PlanId, request: Request,
           who: Principal = needs(Permission.PLAN_WRITE)) -> Accepted:
    """Publish a draft: it becomes the plan in force."""
    snap = _plan(request, plan_id)
    assert snap.plan_info is not None
    scope = scope_of(snap, who)
    if not scope.everything and snap.plan_info.author != who.actor:
        raise HTTPException(403, "a Polres may accept only the drafts it made")
    try:
        info = planning.accept(db=request.app.state.db, plan_id=plan_id, actor=who.actor,
                               scope=scope)
    except planning.OutsideJurisdictionError as exc:
        raise HTTPException(403, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from exc
    return Accepted(plan_id=info.id, status=info.status)


def _visible_assignments(view: PlanView, scope: Scope) -> dict[str, Assignment]:
    """Assignments the scope may see: posts in its kecamatan; for a Polres also its duties and
    reserve teams."""
    out = {}
    for a in view.plan.assignments:
        if scope.everything:
            out[a.nrp] = a
        elif a.role == Role.POST:
            if scope.sees_kecamatan(view.posts[a.target_id].kecamatan_code):
                out[a.nrp] = a
        elif scope.polres and view.owner_of_target(a) in scope.polres and (
                scope.unit_code in scope.polres):
            out[a.nrp] = a
    return out


class PlottingRow(BaseModel):
    nrp: str
    name: str
    rank: str
    unit: str
    phone: str | None
    owner: str
    role: str
    target_id: str
    target: str
    kecamatan: str
    cls: str | None
    tps: list[str]
    pair: int
    travel_km: float
    bko_to: str | None


class Plotting(BaseModel):
    plan_id: int
    total: int
    rows: list[PlottingRow]


SORTS = ("target_id", "nrp", "name", "rank", "unit", "role", "kecamatan", "travel_km", "owner")


@router.get("/plans/{plan_id}/plotting", response_model=Plotting,
            responses={404: {"description": "no such plan"}})
def plotting(plan_id: PlanId, request: Request,
             polres: str | None = Query(None, max_length=40),
             polsek: str | None = Query(None, max_length=40),
             q: str | None = Query(None, max_length=60,
                                   description="NRP, name, post, duty or TPS id (part of)"),
             sort: str = Query("target_id", pattern="^(" + "|".join(SORTS) + ")$"),
             desc: bool = False, offset: int = Query(0, ge=0, le=MAX_ID),
             limit: int = Query(100, ge=1, le=1000),
             who: Principal = needs(Permission.PERSONNEL_READ)) -> Plotting:
    """The plotting table: every officer's place, filtered, searched and sorted. ``q`` finds
    who guards a TPS (its id) and where an officer is (their NRP)."""
    snap = _plan(request, plan_id)
    view = snap.view
    scope = scope_of(snap, who)
    rows = [_row(view, a) for a in _visible_assignments(view, scope).values()]
    if polres:
        rows = [r for r in rows if r.owner == polres]
    if polsek:
        unit = view.units.get(polsek)
        kec = unit.jurisdiction[0] if unit and unit.jurisdiction else None
        rows = [r for r in rows if kec and r.role == Role.POST.value
                and view.posts[r.target_id].kecamatan_code == kec]
    if q:
        needle = q.strip().lower()
        rows = [r for r in rows if needle in r.nrp or needle in r.name.lower()
                or needle in r.target_id.lower() or any(needle in t for t in r.tps)]
    rows.sort(key=lambda r: (getattr(r, sort), r.target_id, r.pair, r.nrp), reverse=desc)
    return Plotting(plan_id=plan_id, total=len(rows), rows=rows[offset:offset + limit])


def _row(view: PlanView, a: Assignment) -> PlottingRow:
    o = view.officers[a.nrp]
    kec, cls, tps = "", None, []
    if a.role == Role.POST:
        post = view.posts[a.target_id]
        target = f"{plan_docs.pattern(post)} · {view.desa_names(post)}"
        kec, cls, tps = view.kecamatan_name(post.kecamatan_code), post.risk_class.value, list(
            post.tps_ids)
    elif a.role == Role.DUTY:
        target = view.duties[a.target_id].label
    else:
        target = f"Cadangan · {view.staging_name(view.teams[a.target_id])}"
    return PlottingRow(nrp=a.nrp, name=o.name, rank=o.rank.label,
                       unit=view.unit_name(o.unit_code), phone=o.phone,
                       owner=view.owner_of_target(a), role=a.role.value, target_id=a.target_id,
                       target=target, kecamatan=kec, cls=cls, tps=tps, pair=a.pair,
                       travel_km=a.travel_km, bko_to=a.bko_to)


class Download(BaseModel):
    name: str
    kind: Literal["plotting", "cards", "summary"]
    owner: str | None
    url: str


@router.get("/plans/{plan_id}/exports", response_model=list[Download],
            responses={404: {"description": "no such plan"}})
def exports(plan_id: PlanId, request: Request,
            who: Principal = needs(Permission.PERSONNEL_READ)) -> list[Download]:
    """The plan's documents the account may download: per Polres plotting workbooks and
    assignment cards (whole Polres only), and the plan summary (Polda command)."""
    snap = _plan(request, plan_id)
    base = f"/api/v1/plans/{plan_id}/exports/"
    return [Download(name=d.name, kind=d.kind, owner=d.owner, url=base + d.name)
            for d in documents.documents(snap.view, scope_of(snap, who))]


@router.get("/plans/{plan_id}/exports/{name}", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}},
                       403: {"description": "outside the account's jurisdiction"},
                       404: {"description": "no such plan or document"}})
def download(plan_id: PlanId, name: str, request: Request,
             who: Principal = needs(Permission.PERSONNEL_READ)) -> FileResponse:
    """One plan document, written on first request and kept for the plan version (a plan
    version never changes)."""
    snap = _plan(request, plan_id)
    try:
        path = documents.document(snap.view, scope_of(snap, who), plan_id=plan_id, name=name,
                                  folder=Path(request.app.state.settings.export_dir))
    except documents.DocumentNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except documents.DocumentRefusedError as exc:
        raise HTTPException(403, str(exc)) from exc
    media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             if name.endswith(".xlsx") else "application/pdf")
    return FileResponse(path, media_type=media, filename=name)
