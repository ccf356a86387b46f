"""Plan versions, the planning workspace (force balance, draft re-plans, their minimum-change
diff, acceptance), the plotting tables and the plan's downloads."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from pollguard.access import Permission, Scope, can
from pollguard.domain.command import POOL
from pollguard.domain.forces import UnitKind
from pollguard.domain.names import tps_name
from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.update import Move as PlanMove
from pollguard.planning.update import moves
from pollguard.planning.view import PlanView
from pollguard.profile.model import parse_profile
from pollguard.reports import plan_docs
from pollguard.reports.plan_docs import amendment, whatsapp
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.heading import Heading, heading
from pollguard.services import documents, planning
from pollguard.services.accounts import Principal, actor_label
from pollguard.services.risk import NoScenarioError
from pollguard.services.snapshot import Snapshot
from pollguard.web.api.params import MAX_ID, PlanId, utc_iso
from pollguard.web.deps import scope_of, snapshot
from pollguard.web.errors import ApiError, ErrorCode, request_language
from pollguard.web.security import needs

router = APIRouter(tags=["plans"])
T = TypeVar("T")
Kind = Literal["operation", "psu"]  # planning.OPERATION, planning.PSU (the API's schema)


class PlanVersion(BaseModel):
    id: int
    created_at: str
    status: Literal["accepted", "draft", "superseded"] = Field(
        description="superseded: an accepted version of the operation's plan that a newer "
                    "accepted one replaced (only the newest accepted version is in force)")
    kind: Kind = Field(
        description="a version of the operation's plan, or a re-vote (PSU) plan beside it")
    psu_date: str | None = Field(description="a PSU plan: the day of the re-vote (ISO date)")
    author: str = Field(description="who made it, as stored: \"polres (polres_ops)\"")
    author_label: str = Field(description="who made it, as a page shows it: the role by its "
                                          "name in the request's language")
    parent_id: int | None
    assessment_id: int | None
    note: str
    posts: int
    uncovered_tps: int
    officers_at_tps: int
    officers_in_reserve: int
    travel_km_total: float
    reserve_eta_p95_min: float | None = Field(
        description="p95 minutes for a reserve team to reach a rawan or sangat rawan TPS; null "
                    "when the plan has none")
    bko: int


class PlanList(BaseModel):
    current: int | None = Field(description="the plan in force: the newest accepted version")
    plans: list[PlanVersion] = Field(description="the operation's plan versions, newest first")
    psu: list[PlanVersion] = Field(default_factory=list,
                                   description="re-vote (PSU) plans, newest first: never in force")


@router.get("/plans", response_model=PlanList)
def list_plans(request: Request, who: Principal = needs(Permission.PLAN_READ)) -> PlanList:
    """Every plan version, newest first, drafts included; re-vote (PSU) plans apart."""
    found = planning.listing(db=request.app.state.db)

    def num(m: dict[str, object], key: str) -> float:
        value = m.get(key)
        return float(value) if isinstance(value, int | float) else 0.0

    lang = request_language(request)

    def version(i: planning.PlanInfo, m: dict[str, object]) -> PlanVersion:
        eta = m.get("reserve_eta_p95_min")
        return PlanVersion(
            id=i.id, created_at=utc_iso(i.created_at),
            status=found.status_of(i),  # type: ignore[arg-type]
            kind=i.kind,  # type: ignore[arg-type]
            psu_date=i.psu_date.isoformat() if i.psu_date else None,
            author=i.author, author_label=actor_label(i.author, lang), parent_id=i.parent_id,
            assessment_id=i.assessment_id, note=i.note,
            posts=int(num(m, "posts")), uncovered_tps=int(num(m, "uncovered_tps")),
            officers_at_tps=int(num(m, "officers_at_tps")),
            officers_in_reserve=int(num(m, "officers_in_reserve")),
            travel_km_total=num(m, "travel_km_total"),
            reserve_eta_p95_min=float(eta) if isinstance(eta, int | float) else None,
            bko=int(num(m, "bko")))

    newest = list(reversed(found.versions))
    return PlanList(current=found.current,
                    plans=[version(i, m) for i, m in newest if i.kind != planning.PSU],
                    psu=[version(i, m) for i, m in newest if i.kind == planning.PSU])


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


class ShortfallRow(BaseModel):
    """What a short force made the plan give up, in the order it gave it up."""

    order: int
    owner: str = Field(description="a Polres code, or pool")
    owner_name: str
    what: str = Field(description="duty, reserve, pattern, uncovered, pawas, danton")
    text: str = Field(description="in the language asked for")
    officers: int = Field(description="officers it gave up")
    bko: int = Field(description="officers from outside that would restore it")


class GuardPost(BaseModel):
    """A TPS whose guard was set by hand (or a re-vote TPS), and the post that guards it."""

    tps_id: str
    tps: str = Field(description='"TPS 002 Lempur Tengah"')
    kecamatan: str
    asked_officers: int | None = Field(description="the guard asked for")
    asked_equipment: dict[str, int]
    post_id: str | None = Field(description="null: the plan has no post for the TPS")
    post_tps: list[str] = Field(description="the TPS the post guards: the TPS alone when "
                                            "the guard is its own post")
    officers: int | None = Field(description="the post's strength in the plan")
    plotted: int = Field(description="officers plotted to the post")
    equipment: dict[str, int]


class Balance(BaseModel):
    plan_id: int
    status: str
    kind: str
    psu_date: str | None
    reserve_share: float
    min_n: int
    max_n: int
    rows: list[BalanceRow]
    reserve_eta_p95_min: float | None
    shortfalls: list[ShortfallRow] = Field(description="in the account's jurisdiction")
    guards: list[GuardPost] = Field(description="TPS guarded as the planner set by hand, in the "
                                                "account's jurisdiction")


@router.get("/plans/{plan_id}/balance", response_model=Balance,
            responses={404: {"description": "no such plan"}})
def balance(plan_id: PlanId, request: Request, lang: str = Query("id", pattern="^(id|en)$"),
            who: Principal = needs(Permission.PLAN_READ)) -> Balance:
    """Force balance per Polres (and the Polda pool): available, duties, at TPS, reserve,
    BKO, shortage; with the N each Polres's kurang rawan posts use, what a short force gave
    up, and the TPS whose guard was set by hand."""
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
    info = snap.plan_info
    m = snap.plan.metrics
    return Balance(plan_id=plan_id, status=info.status, kind=info.kind,
                   psu_date=info.psu_date.isoformat() if info.psu_date else None,
                   reserve_share=planning_.reserve_share, min_n=planning_.min_n,
                   max_n=planning_.max_n, rows=rows,
                   reserve_eta_p95_min=m.reserve_eta_p95_min if m else None,
                   shortfalls=_shortfalls(snap, snap.plan, scope, lang),
                   guards=_guard_posts(snap, snap.plan, scope, info.overrides))


def _templates(request: Request) -> Path | None:
    """The unit's own Word templates folder (``POLLGUARD_TEMPLATE_DIR``), if set."""
    given = request.app.state.settings.template_dir
    return Path(given) if given else None


def _plan(request: Request, plan_id: int) -> Snapshot:
    snap = snapshot(request, plan_id)
    if snap.plan is None:
        raise ApiError(404, ErrorCode.PLAN_UNKNOWN, plan=plan_id)
    return snap


def _shortfalls(snap: Snapshot, plan: Plan, scope: Scope, lang: str) -> list[ShortfallRow]:
    """The plan's shortfalls the account may see (its own Polres; the Polda sees all)."""
    return [ShortfallRow(order=x.order, owner=x.owner,
                         owner_name=_unit_name(snap, x.owner),
                         what=x.what, text=x.text_en if lang == "en" else x.text_id,
                         officers=x.officers, bko=x.bko)
            for x in sorted(plan.shortfalls, key=lambda x: x.order)
            if scope.everything or (x.owner != POOL and scope.sees_polres(x.owner))]


def _unit_name(snap: Snapshot, code: str) -> str:
    if code == POOL:
        return snap.polda.name
    unit = snap.units.get(code)
    return unit.name if unit else code


def tps_label(snap: Snapshot, tps_id: str) -> str:
    """How the page names a TPS: "TPS 002 Lempur Tengah, Gunung Kerinci", the one definition
    of ``pollguard.domain.names`` (TPS numbers restart per desa, desa names repeat)."""
    return tps_name(snap.tps, snap.names, tps_id)


def _guard_posts(snap: Snapshot, plan: Plan, scope: Scope,
                 asked: Mapping[str, Mapping[str, object]]) -> list[GuardPost]:
    """For each TPS in ``asked`` (TPS id -> {"officers", "equipment"}) the account may see:
    what was asked and the post of ``plan`` that guards it."""
    post_of = {t: p for p in plan.posts for t in p.tps_ids}
    plotted = Counter(a.target_id for a in plan.assignments if a.role == Role.POST)
    out = []
    for tps_id, want in asked.items():
        t = snap.tps.get(tps_id)
        if t is None or not scope.sees_kecamatan(snap.kecamatan_of(t)):
            continue
        post = post_of.get(tps_id)
        officers = want.get("officers")
        equipment = want.get("equipment")
        out.append(GuardPost(
            tps_id=tps_id, tps=tps_label(snap, tps_id),
            kecamatan=snap.names.get(snap.kecamatan_of(t), ""),
            asked_officers=officers if isinstance(officers, int) else None,
            asked_equipment=({str(k): int(v) for k, v in equipment.items()
                              if isinstance(v, int)} if isinstance(equipment, Mapping) else {}),
            post_id=post.post_id if post else None,
            post_tps=list(post.tps_ids) if post else [],
            officers=post.officers if post else None,
            plotted=plotted[post.post_id] if post else 0,
            equipment=dict(post.equipment) if post else {}))
    return out


# --- What a planner asks for: the rules, each defined once, in Indonesian / English -----------

GUARD_OFFICERS = (1, 100)  # a TPS guarded by hand: 15 for a tense TPS, 30-45 at a PSU
GUARD_CHANGE = (0, 100)  # in a draft's change, 0 lifts the TPS's guard (back to its pattern)
ESCORT_OFFICERS = (0, 100)  # a PSU's box escort (0: none)
EQUIPMENT_NAME = 40  # characters of an equipment name ("CCTV", "HT", "rompi anti peluru")
EQUIPMENT_COUNT = (0, 1000)
EQUIPMENT_KINDS = 20  # kinds of equipment at one TPS
GUARDS_AT_ONCE = 200  # TPS guards set in one draft
PSU_TPS = 100  # TPS of one re-vote


def _shown(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:40]
    except (TypeError, ValueError):
        return repr(value)[:40]


def whole_number(value: object, bounds: tuple[int, int], what_id: str, what_en: str) -> int:
    """``value`` as JSON sends a whole number (15, or 15.0; never "15" or true) within
    ``bounds``, else a 422 whose reason names ``what``: one rule for every count asked."""
    low, high = bounds
    whole = (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer())
    if not whole or not low <= value <= high:  # type: ignore[operator]
        raise PydanticCustomError(
            "whole_number",
            "{what_id} harus bilangan bulat {low} sampai {high}, bukan {value} / {what_en} must "
            "be a whole number from {low} to {high}, not {value}",
            {"what_id": what_id, "what_en": what_en, "low": low, "high": high,
             "value": _shown(value)})
    return int(value)  # type: ignore[call-overload]


def _equipment(tps_id: str, value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise PydanticCustomError(
            "equipment", "TPS {tps}: perlengkapan harus berupa nama dan jumlah, mis. "
            '{{"CCTV": 1}} / equipment is names with counts', {"tps": tps_id})
    if len(value) > EQUIPMENT_KINDS:
        raise PydanticCustomError(
            "equipment", "TPS {tps}: paling banyak {n} jenis perlengkapan / at most {n} kinds of "
            "equipment", {"tps": tps_id, "n": EQUIPMENT_KINDS})
    out: dict[str, int] = {}
    for raw, count in value.items():
        name = raw.strip() if isinstance(raw, str) else ""
        if not 1 <= len(name) <= EQUIPMENT_NAME or name.casefold() in {
                k.casefold() for k in out}:
            raise PydanticCustomError(
                "equipment", "TPS {tps}: nama perlengkapan harus teks 1 sampai {n} huruf dan "
                "tidak ganda, bukan {value} / an equipment name is text of 1 to {n} "
                "characters, named once", {"tps": tps_id, "n": EQUIPMENT_NAME,
                                           "value": _shown(raw)})
        out[name] = whole_number(count, EQUIPMENT_COUNT, f"TPS {tps_id}: jumlah {name}",
                                 f"TPS {tps_id}: the count of {name}")
    return out


class GuardRequest(BaseModel):
    officers: int = Field(ge=GUARD_CHANGE[0], le=GUARD_CHANGE[1],
                          description="officers guarding the TPS, as a post of its own; 0 "
                                      "lifts an earlier guard")
    equipment: dict[str, Annotated[int, Field(ge=EQUIPMENT_COUNT[0], le=EQUIPMENT_COUNT[1])]] = (
        Field(default_factory=dict, description='counted items at the TPS: {"CCTV": 1}'))


class DraftRequest(BaseModel):
    n_by_polres: dict[str, int] = Field(default_factory=dict,
                                        description="Polres code -> N for its kurang rawan TPS")
    reserve_share: float | None = Field(default=None, ge=0, le=0.9)
    classes: dict[str, RiskClass] = Field(default_factory=dict,
                                          description="TPS id -> the class to plan it as")
    guards: dict[str, GuardRequest] = Field(
        default_factory=dict, max_length=GUARDS_AT_ONCE,
        description="TPS id -> its guard: that many officers as a post of its own, with its "
                    "equipment")
    keep_staging: bool = Field(default=False, description="keep the reserve teams where they "
                               "wait even when the rawan and sangat rawan TPS changed")
    note: str = Field(default="", max_length=500)

    @field_validator("guards", mode="before")
    @classmethod
    def _guards(cls, value: object) -> object:
        """Each guard checked with the TPS it is for named in the reason."""
        if not isinstance(value, Mapping):
            return value
        if len(value) > GUARDS_AT_ONCE:
            raise PydanticCustomError(
                "guards", "paling banyak {n} TPS sekaligus / at most {n} TPS at once",
                {"n": GUARDS_AT_ONCE})
        out = {}
        for tps_id, g in value.items():
            if not isinstance(g, Mapping) or "officers" not in g:
                raise PydanticCustomError(
                    "guard", "TPS {tps}: penjagaan harus menyebut jumlah personel (officers) / "
                    "a guard names its officers", {"tps": _shown(tps_id)})
            out[tps_id] = {
                "officers": whole_number(g["officers"], GUARD_CHANGE,
                                         f"TPS {tps_id}: jumlah personel penjagaan",
                                         f"TPS {tps_id}: the guard"),
                "equipment": _equipment(tps_id, g.get("equipment", {}))}
        return out


_planning_lock = threading.Lock()


def _run_alone(job: Callable[[], T]) -> T:
    """One re-plan at a time: each takes a core for seconds."""
    with _planning_lock:
        return job()


class Move(BaseModel):
    """An officer who changes place, named and placed in words (``amendment.describe``, the
    labels the Sprin amendment prints)."""

    nrp: str | None = Field(description="null without personnel:read")
    name: str | None = Field(default=None, description="null without personnel:read")
    rank: str | None = Field(default=None, description="null without personnel:read")
    before: str = Field(description="the post, duty, team or cluster id held before")
    after: str
    before_text: str = Field(default="", description='where he was, in words: "Pam TPS pos '
                                                     '...: TPS 001 Desa Selam Paung, Kec. ..."')
    after_text: str = Field(default="", description='where he goes: "Cadangan Dalmas Kerinci '
                                                    '1", "tidak ditugaskan"')
    reason: str = Field(description="why, its posts and teams named (in English with ids)")


def _named_moves(before: PlanView, after: PlanView, found: Iterable[PlanMove], *,
                 personnel: bool, lang: str) -> list[Move]:
    """``found`` (``planning.update.moves``) as the workspace shows them: names (for an
    account that may read them), places and the reason in words."""
    listed = list(found)
    words = amendment.describe(before, after, listed)
    return [Move(nrp=mv.nrp if personnel else None, name=w.name if personnel else None,
                 rank=w.rank if personnel else None, before=mv.before, after=mv.after,
                 before_text=w.before_text, after_text=w.after_text,
                 reason=mv.reason_en if lang == "en" else w.reason)
            for mv, w in zip(listed, words, strict=True)]


class DraftResult(BaseModel):
    plan_id: int
    base_id: int
    status: str
    moved: int
    posts: int
    uncovered_tps: int
    travel_km_total: float
    reserve_eta_p95_min: float | None = Field(description="null: no rawan or sangat rawan TPS")
    reserve_eta_p95_min_before: float | None = Field(description="the same in the base plan")
    restaged: bool = Field(description="the reserve teams were staged anew")
    shortfalls: list[ShortfallRow]
    guards: list[GuardPost]
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
    assert snap.plan_info is not None
    if snap.plan_info.kind == planning.PSU:
        raise ApiError(422, ErrorCode.PSU_NO_DRAFT, plan=plan_id)
    scope = scope_of(snap, who)
    _check_scope(snap, scope, body)
    guards = {t: planning.GuardOverride(g.officers, dict(g.equipment))
              for t, g in body.guards.items()}
    try:
        outcome = _run_alone(lambda: planning.replan(
            db=request.app.state.db, base=plan_id, note=body.note, draft=True, actor=who.actor,
            changes=planning.PlanChanges(body.n_by_polres, body.reserve_share, body.classes,
                                         guards, body.keep_staging), known=snap))
    except NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    m = outcome.plan.metrics
    assert m is not None
    personnel = can(who.role, Permission.PERSONNEL_READ)
    asked = {**snap.plan_info.overrides, **{t: g.as_json() for t, g in guards.items()}}
    return DraftResult(
        plan_id=outcome.plan_id, base_id=plan_id, status=planning.DRAFT, moved=len(outcome.moves),
        posts=m.posts, uncovered_tps=m.uncovered_tps, travel_km_total=m.travel_km_total,
        reserve_eta_p95_min=m.reserve_eta_p95_min, reserve_eta_p95_min_before=outcome.p95_before,
        restaged=outcome.restaged, shortfalls=_shortfalls(snap, outcome.plan, scope, lang),
        guards=_guard_posts(snap, outcome.plan, scope, asked),
        moves=_named_moves(snap.view, PlanView(outcome.plan, snap.scenario), outcome.moves,
                           personnel=personnel, lang=lang))


def _outside(snap: Snapshot, tps_id: str) -> HTTPException:
    return ApiError(403, ErrorCode.OUTSIDE_JURISDICTION, tps=tps_label(snap, tps_id))


def _check_tps(snap: Snapshot, scope: Scope, tps_ids: Iterable[str]) -> None:
    """Each TPS exists (else 422) and lies in the account's jurisdiction (else 403)."""
    for tps_id in tps_ids:
        t = snap.tps.get(tps_id)
        if t is None:
            raise ApiError(422, ErrorCode.TPS_NOT_IN_SCENARIO, tps=tps_id)
        if not scope.sees_kecamatan(snap.kecamatan_of(t)):
            raise _outside(snap, tps_id)


def _check_scope(snap: Snapshot, scope: Scope, body: DraftRequest) -> None:
    _check_tps(snap, scope, body.guards)
    if scope.everything:
        return
    if body.reserve_share is not None:
        raise ApiError(403, ErrorCode.RESERVE_SHARE_POLDA)
    for code in body.n_by_polres:
        if not scope.sees_polres(code):
            raise ApiError(403, ErrorCode.POLRES_OUTSIDE_JURISDICTION,
                           polres=_unit_name(snap, code))
    for tps_id in body.classes:
        t = snap.tps.get(tps_id)
        if t is not None and not scope.sees_kecamatan(snap.kecamatan_of(t)):
            raise _outside(snap, tps_id)


# --- A re-vote (PSU) -------------------------------------------------------------------------

class PsuRequest(BaseModel):
    tps_ids: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        min_length=1, max_length=PSU_TPS, description="the TPS that vote again")
    date: dt.date = Field(description="the day of the re-vote")
    officers_per_tps: int = Field(ge=GUARD_OFFICERS[0], le=GUARD_OFFICERS[1],
                                  description="officers guarding each TPS")
    escort: int = Field(default=0, ge=ESCORT_OFFICERS[0], le=ESCORT_OFFICERS[1],
                        description="officers of the box escort (0: none)")
    from_units: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=20,
        description="Polres or Satker (code or name) the officers come from, besides the Polda "
                    "pool")
    note: str = Field(default="", max_length=500)

    @field_validator("officers_per_tps", mode="before")
    @classmethod
    def _officers(cls, value: object) -> int:
        return whole_number(value, GUARD_OFFICERS, "jumlah personel per TPS",
                            "officers per TPS")

    @field_validator("escort", mode="before")
    @classmethod
    def _escort(cls, value: object) -> int:
        return whole_number(value, ESCORT_OFFICERS, "jumlah personel pengawalan kotak suara",
                            "the box escort")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> dt.date:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise PydanticCustomError(
            "psu_date", "tanggal PSU harus berupa tanggal TTTT-BB-HH, bukan {value} / the "
            "re-vote date is a date, YYYY-MM-DD", {"value": _shown(value)})

    @field_validator("tps_ids", mode="before")
    @classmethod
    def _tps(cls, value: object) -> object:
        if not isinstance(value, list) or not 1 <= len(value) <= PSU_TPS:
            raise PydanticCustomError(
                "psu_tps", "sebutkan 1 sampai {n} TPS / name 1 to {n} TPS", {"n": PSU_TPS})
        return value


class PsuResult(BaseModel):
    plan_id: int
    kind: Literal["psu"] = "psu"
    psu_date: str
    note: str
    posts: int
    officers_at_tps: int
    officers_on_duties: int
    officers_in_reserve: int
    uncovered_tps: int
    bko: int
    reserve_eta_p95_min: float | None
    tps: list[GuardPost] = Field(description="each re-vote TPS and the post that guards it")
    shortfalls: list[ShortfallRow]


@router.post("/psu", response_model=PsuResult, status_code=201,
             responses={403: {"description": "a TPS or unit outside the account's jurisdiction"},
                        404: {"description": "no scenario or assessment yet"},
                        422: {"description": "the re-vote cannot be planned (reason given)"}})
def psu(body: PsuRequest, request: Request, lang: str = Query("id", pattern="^(id|en)$"),
        who: Principal = needs(Permission.PLAN_WRITE)) -> PsuResult:
    """Plan a re-vote (PSU) at some TPS on a later day, as a plan of its own beside the plan in
    force (which stays as it is). Only an account that may plan every listed TPS may ask."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    tps_ids = list(dict.fromkeys(t.strip() for t in body.tps_ids))
    _check_tps(snap, scope, tps_ids)
    _check_units(snap, scope, body.from_units)
    try:
        outcome = _run_alone(lambda: planning.plan_psu(
            db=request.app.state.db, tps_ids=tps_ids, date=body.date,
            officers_per_tps=body.officers_per_tps, escort=body.escort,
            from_units=body.from_units, note=body.note, actor=who.actor))
    except NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    except (ValueError, LookupError) as exc:
        raise HTTPException(422, str(exc)) from exc
    m = outcome.plan.metrics
    assert m is not None
    asked = {t: {"officers": body.officers_per_tps, "equipment": {}} for t in tps_ids}
    return PsuResult(
        plan_id=outcome.plan_id, psu_date=body.date.isoformat(), note=body.note, posts=m.posts,
        officers_at_tps=m.officers_at_tps, officers_on_duties=m.officers_on_duties,
        officers_in_reserve=m.officers_in_reserve, uncovered_tps=m.uncovered_tps, bko=m.bko,
        reserve_eta_p95_min=m.reserve_eta_p95_min,
        tps=_guard_posts(snap, outcome.plan, scope, asked),
        shortfalls=_shortfalls(snap, outcome.plan, scope, lang))


def _check_units(snap: Snapshot, scope: Scope, wanted: Iterable[str]) -> None:
    """A Polres may send its own officers (its HQ and Polsek) to a re-vote, not another's or
    the Polda's: those it asks of the Polda, which lends its pool anyway. A name the scenario
    does not know is left to the planner, which says so."""
    if scope.everything:
        return
    for asked in wanted:
        unit = snap.unit_named(asked)
        if unit is None:
            continue
        owner = snap.owner_of_unit(unit.code)
        if owner == POOL or not scope.sees_polres(owner) or unit.kind not in (
                UnitKind.POLRES, UnitKind.POLSEK):
            raise ApiError(403, ErrorCode.UNIT_OUTSIDE_JURISDICTION, unit=unit.name)


# --- Finding a TPS by name or number ----------------------------------------------------------

class TpsChoice(BaseModel):
    id: str
    number: int
    label: str = Field(description='"TPS 002 Lempur Tengah"')
    kecamatan: str
    cls: str | None
    post_id: str | None
    pattern: str | None = Field(description="the pattern of the post guarding it in the plan")
    officers: int | None = Field(description="the strength of that post")


@router.get("/plans/{plan_id}/tps", response_model=list[TpsChoice],
            responses={404: {"description": "no such plan"}})
def find_tps(plan_id: PlanId, request: Request,
             q: str = Query(min_length=1, max_length=60,
                            description="words of the desa or kecamatan name, the TPS number or "
                                        "(part of) its id: \"lempur 2\", \"1501011004\""),
             limit: int = Query(20, ge=1, le=50),
             who: Principal = needs(Permission.PLAN_READ)) -> list[TpsChoice]:
    """TPS the account may see whose desa, kecamatan, number or id match every word of ``q``,
    with the post that guards each in plan ``plan_id``: how the workspace picks a TPS."""
    snap = _plan(request, plan_id)
    scope = scope_of(snap, who)
    words = q.casefold().split()
    post_of = snap.view.post_of_tps
    found = []
    for t in snap.visible_tps(scope):
        desa = snap.names.get(t.desa_code, t.desa_code)
        kec = snap.names.get(snap.kecamatan_of(t), "")
        text = f"{desa} {kec}".casefold()
        if all((w.isdigit() and (w in t.tps_id or int(w) == t.number)) or w in text
               for w in words):
            found.append((t.tps_id != q.strip(), desa, t.number, t, kec))
    found.sort(key=lambda f: f[:3])
    out = []
    for _, _, _, t, kec in found[:limit]:
        post = post_of.get(t.tps_id)
        cls = snap.class_of(t.tps_id)
        out.append(TpsChoice(id=t.tps_id, number=t.number, label=tps_label(snap, t.tps_id),
                             kecamatan=kec, cls=cls.value if cls else None,
                             post_id=post.post_id if post else None,
                             pattern=plan_docs.pattern(post) if post else None,
                             officers=post.officers if post else None))
    return out


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
    # who the account sees in either plan: one who leaves the plan is a move too
    mine = _visible_assignments(snap.view, scope).keys() | _visible_assignments(
        parent.view, scope).keys()
    personnel = can(who.role, Permission.PERSONNEL_READ)
    shown = _named_moves(parent.view, snap.view, (mv for mv in found if mv.nrp in mine),
                         personnel=personnel, lang=lang)
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
        raise ApiError(403, ErrorCode.DRAFT_NOT_YOURS)
    try:
        info = planning.accept(db=request.app.state.db, plan_id=plan_id, actor=who.actor,
                               scope=scope)
    except planning.OutsideJurisdictionError as exc:
        raise HTTPException(403, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from exc
    # The plan in force's documents, written now in the background: the Kabag Ops's first
    # download of a Sprin or workbook is then a file on disk.
    if request.app.state.settings.prebuild:
        documents.prebuild_in_background(snap.view, plan_id=plan_id,
                                         folder=Path(request.app.state.settings.export_dir),
                                         templates=_templates(request))
    return Accepted(plan_id=info.id, status=info.status)


def _kecamatan_code(view: PlanView, a: Assignment) -> str | None:
    """The kecamatan an assignment serves in: a post's, a Pawas cluster's, a Kapolsek's; None
    for duties, reserve teams and command above the Polsek."""
    if a.role == Role.POST:
        return view.posts[a.target_id].kecamatan_code
    if a.role == Role.SUPERVISOR:
        return view.supervisions[a.target_id].kecamatan_code
    if a.role == Role.COMMAND:
        unit = view.units.get(a.target_id)
        if unit is not None and unit.kind == UnitKind.POLSEK and unit.jurisdiction:
            return unit.jurisdiction[0]
    return None


def _visible_assignments(view: PlanView, scope: Scope) -> dict[str, Assignment]:
    """Assignments the scope may see: posts, Pawas and Kapolsek in its kecamatan; for a Polres
    also its duties, reserve teams and command."""
    out = {}
    for a in view.plan.assignments:
        if scope.everything:
            out[a.nrp] = a
        elif (kec := _kecamatan_code(view, a)) is not None:
            if scope.sees_kecamatan(kec):
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
    role: str = Field(description="post, duty, reserve, command or supervisor")
    position: str = Field(description='his place in the operation: "Pawas", "Danton", '
                                      '"Kasubsatgas Pam TPS"... ("" for a guard)')
    target_id: str
    target: str
    kecamatan: str
    cls: str | None
    tps: list[str]
    pair: int
    travel_km: float
    bko_to: str | None
    message: str | None = Field(
        default=None, description="his WhatsApp message (assignment, partner, Pawas, phones, "
                                  "times), when asked for with texts=true")


class Plotting(BaseModel):
    plan_id: int
    total: int
    rows: list[PlottingRow]


SORTS = ("target_id", "nrp", "name", "rank", "unit", "role", "position", "kecamatan",
         "travel_km", "owner")


@router.get("/plans/{plan_id}/plotting", response_model=Plotting,
            responses={404: {"description": "no such plan"}})
def plotting(plan_id: PlanId, request: Request,
             polres: str | None = Query(None, max_length=40),
             polsek: str | None = Query(None, max_length=40),
             q: str | None = Query(None, max_length=60,
                                   description="NRP, name, position, post, duty or TPS id "
                                               "(part of)"),
             sort: str = Query("target_id", pattern="^(" + "|".join(SORTS) + ")$"),
             desc: bool = False, offset: int = Query(0, ge=0, le=MAX_ID),
             limit: int = Query(100, ge=1, le=1000),
             texts: bool = Query(False, description="each row with its officer's WhatsApp "
                                                    "message"),
             who: Principal = needs(Permission.PERSONNEL_READ)) -> Plotting:
    """The plotting table: every officer's place and position in the operation (guards,
    duties, reserve teams and their Danton, Pawas, command), filtered, searched and sorted.
    ``q`` finds who guards or supervises a TPS (its id) and where an officer is (their NRP).
    With ``texts`` each row of the page carries the officer's WhatsApp message (the same
    rows, so the same jurisdiction: NRP and phones are police-only, as the table is)."""
    snap = _plan(request, plan_id)
    view = snap.view
    scope = scope_of(snap, who)
    found = list(_visible_assignments(view, scope).values())
    if polres:
        found = [a for a in found if view.owner_of_target(a) == polres]
    if polsek:
        unit = view.units.get(polsek)
        kec = unit.jurisdiction[0] if unit and unit.jurisdiction else None
        found = [a for a in found if kec and _kecamatan_code(view, a) == kec]
    rows = [_row(view, a) for a in found]
    if q:
        needle = q.strip().lower()
        rows = [r for r in rows if needle in r.nrp or needle in r.name.lower()
                or needle in r.position.lower() or needle in r.target_id.lower()
                or any(needle in t for t in r.tps)]
    rows.sort(key=lambda r: (getattr(r, sort), r.target_id, r.pair, r.nrp), reverse=desc)
    page = rows[offset:offset + limit]
    if texts and page:
        by_nrp = {a.nrp: a for a in found}
        cv = CommandView(view)
        view = documents.as_written(view, snap.plan_info)  # a re-vote's own day
        heads: dict[str, Heading] = {}
        for r in page:
            a = by_nrp[r.nrp]
            owner = view.owner_of_target(a)
            head = heads.get(owner) or heads.setdefault(
                owner, heading(view, owner))
            r.message = whatsapp.officer_text(view, cv, a.nrp, assignment=a, head=head)
    return Plotting(plan_id=plan_id, total=len(rows), rows=page)


class Roll(BaseModel):
    """A roll for a WhatsApp group: a whole Polres, one Polsek, or a reserve team."""

    kind: Literal["polres", "polsek", "team"]
    key: str = Field(description="the Polres, Polsek (or kecamatan) code, or the team id")
    title: str = Field(description='"Polsek Gunung Raya", "Dalmas Kerinci 1"')
    text: str


@router.get("/plans/{plan_id}/rolls", response_model=list[Roll],
            responses={403: {"description": "the Polres is outside the account's "
                                            "jurisdiction"},
                       404: {"description": "no such plan or Polres"}})
def rolls(plan_id: PlanId, request: Request,
          polres: str | None = Query(None, max_length=40,
                                     description="the Polres (or pool); default: the "
                                                 "account's own"),
          who: Principal = needs(Permission.PERSONNEL_READ)) -> list[Roll]:
    """The rolls of one Polres for its WhatsApp groups, as far as the account may see: the
    whole Polres and each reserve team for an account of that whole Polres (or the Polda
    command), each Polsek whose kecamatan the account sees. Empty for the Polda command until
    it names a Polres."""
    snap = _plan(request, plan_id)
    view = snap.view
    scope = scope_of(snap, who)
    owner = polres or (view.owner_of_unit(scope.unit_code) if scope.unit_code else None)
    if owner is None:
        return []
    if owner != POOL and (owner not in view.units
                          or view.units[owner].kind != UnitKind.POLRES):
        raise HTTPException(404, f"no Polres {owner}")
    if not scope.everything and (owner == POOL or not scope.sees_polres(owner)):
        raise ApiError(403, ErrorCode.POLRES_OUTSIDE_JURISDICTION,
                       polres=view.unit_name(owner))
    whole = scope.everything or scope.unit_code == owner
    cv = CommandView(view)
    view = documents.as_written(view, snap.plan_info)  # a re-vote's own day
    head = heading(view, owner)
    out = []
    if whole:
        out.append(Roll(kind="polres", key=owner, title=view.unit_name(owner),
                        text=whatsapp.roll_text(view, cv, owner, head=head)))
    for code in whatsapp.polsek_codes(view, owner):
        unit = view.units.get(code)
        kec = unit.jurisdiction[0] if unit and unit.jurisdiction else code
        if scope.sees_kecamatan(kec):
            out.append(Roll(kind="polsek", key=code,
                            title=unit.name if unit else cv.kecamatan_label(kec),
                            text=whatsapp.roll_text(view, cv, owner, code, head=head)))
    if whole:
        out += [Roll(kind="team", key=team.team_id, title=cv.team_name(team),
                     text=whatsapp.team_text(view, cv, team, head=head))
                for team in cv.teams_of(owner)]
    return out


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
    elif a.role == Role.SUPERVISOR:
        cluster = view.supervisions[a.target_id]
        target = f"Pengawasan {len(cluster.post_ids)} pos"
        kec = view.kecamatan_name(cluster.kecamatan_code)
        tps = [t for p in cluster.post_ids if p in view.posts for t in view.posts[p].tps_ids]
    elif a.role == Role.COMMAND:
        target = view.unit_name(a.target_id)
        kec_code = _kecamatan_code(view, a)
        kec = view.kecamatan_name(kec_code) if kec_code else ""
    else:
        target = f"Cadangan · {view.staging_name(view.teams[a.target_id])}"
    return PlottingRow(nrp=a.nrp, name=o.name, rank=o.rank.label,
                       unit=view.unit_name(o.unit_code), phone=o.phone,
                       owner=view.owner_of_target(a), role=a.role.value, position=a.position,
                       target_id=a.target_id, target=target, kecamatan=kec, cls=cls, tps=tps,
                       pair=a.pair, travel_km=a.travel_km, bko_to=a.bko_to)


class Download(BaseModel):
    name: str
    kind: documents.Kind
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
        path = documents.document(documents.as_written(snap.view, snap.plan_info),
                                  scope_of(snap, who), plan_id=plan_id, name=name,
                                  folder=Path(request.app.state.settings.export_dir),
                                  templates=_templates(request))
    except documents.DocumentNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except documents.DocumentRefusedError as exc:
        raise HTTPException(403, str(exc)) from exc
    return FileResponse(path, media_type=documents.media_type(name), filename=name)


@router.get("/plans/{plan_id}/amendment/{before}.{ext}", response_class=FileResponse,
            responses={200: {"content": {documents.media_type("x.docx"): {},
                                         documents.media_type("x.pdf"): {}}},
                       403: {"description": "the amendment moves officers outside the "
                                            "account's Polres"},
                       404: {"description": "no such plan"},
                       422: {"description": "the two versions are the same"}})
def amendment_download(plan_id: PlanId, before: PlanId, ext: Literal["docx", "pdf"],
                       request: Request,
                       who: Principal = needs(Permission.PERSONNEL_READ)) -> FileResponse:
    """The Sprin amendment (DOCX or PDF) from plan ``before`` to plan ``plan_id``: who moves,
    with name, rank, NRP, from and to, and why. The Polda command may take any; a Polres
    account one whose every move lies in its Polres. Written on the first request and kept."""
    if before == plan_id:
        raise ApiError(422, ErrorCode.SAME_PLAN_VERSIONS)
    after = _plan(request, plan_id)
    earlier = _plan(request, before)
    try:
        path = documents.amendment_document(
            earlier.view, after.view, scope_of(after, who), db=request.app.state.db,
            before_id=before, after_id=plan_id, ext=ext,
            folder=Path(request.app.state.settings.export_dir), templates=_templates(request))
    except documents.DocumentRefusedError as exc:
        raise HTTPException(403, str(exc)) from exc
    except NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    return FileResponse(path, media_type=documents.media_type(path.name), filename=path.name)


class RaisedTps(BaseModel):
    tps_id: str
    name: str = Field(description='"TPS 002 Renah Kayu Embun, Kumun Debai"')
    risk_class: RiskClass = Field(description="its class now, above the one the plan guards")


class RaisedOffer(BaseModel):
    plan_id: int
    tps: list[RaisedTps] = Field(description="TPS of the account's jurisdiction whose class "
                                             "rose since the plan was made, by name")
    may_draft: bool = Field(description="the account may ask for the draft re-plan (it has "
                                        "plan:write and there is something to draft)")
    draft: str | None = Field(description="where to POST for the draft (a path under /api/v1), "
                                          "when may_draft")


def _raised_in_scope(request: Request, snap: Snapshot, who: Principal,
                     plan_id: int) -> dict[str, RiskClass]:
    """TPS of ``who``'s jurisdiction whose class rose since plan ``plan_id``, with the class
    now: what the offer lists and the draft guards more heavily (one rule for both)."""
    try:
        raised = planning.raised_since_plan(db=request.app.state.db, plan_id=plan_id)
    except NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    scope = scope_of(snap, who)
    return {t: c for t, c in raised.items()
            if t in snap.tps and (scope.everything
                                  or scope.sees_kecamatan(snap.kecamatan_of(snap.tps[t])))}


@router.get("/plans/{plan_id}/raised", response_model=RaisedOffer,
            responses={404: {"description": "no such plan"}})
def raised_offer(plan_id: PlanId, request: Request,
                 who: Principal = needs(Permission.PLAN_READ)) -> RaisedOffer:
    """The re-plan offer after verified incidents: which TPS of the account's jurisdiction
    rose in class since plan ``plan_id``, and whether the account may ask for the draft
    (the live map and the risk view show it to those who may, and render it as served)."""
    snap = _plan(request, plan_id)
    mine = _raised_in_scope(request, snap, who, plan_id)
    names = snap.names
    rows = [RaisedTps(tps_id=t, name=tps_name(snap.tps, names, t), risk_class=c)
            for t, c in sorted(mine.items(), key=lambda x: (-x[1].rank, x[0]))]
    may = bool(rows) and can(who.role, Permission.PLAN_WRITE)
    return RaisedOffer(plan_id=plan_id, tps=rows, may_draft=may,
                       draft=f"/plans/{plan_id}/drafts/reassessed" if may else None)


@router.post("/plans/{plan_id}/drafts/reassessed", response_model=DraftResult, status_code=201,
             responses={404: {"description": "no such plan"},
                        409: {"description": "no TPS in the account's jurisdiction rose in "
                                             "class since the plan was made"},
                        422: {"description": "the change cannot be planned (reason given)"}})
def draft_after_reassessment(plan_id: PlanId, request: Request,
                             lang: str = Query("id", pattern="^(id|en)$"),
                             who: Principal = needs(Permission.PLAN_WRITE)) -> DraftResult:
    """The re-plan offered after verified incidents reclassified TPS: a draft from plan
    ``plan_id`` in which every TPS of the account's jurisdiction whose class rose since the
    plan was made is planned at its new class (heavier guard), moving as few officers as
    possible; the Polres accepts it as any draft."""
    snap = _plan(request, plan_id)
    mine = _raised_in_scope(request, snap, who, plan_id)
    if not mine:
        raise HTTPException(409, f"tidak ada TPS di wilayah Anda yang naik kelas sejak rencana "
                                 f"{plan_id} / no TPS in your jurisdiction rose in class since "
                                 f"plan {plan_id}")
    names = ", ".join(tps_label(snap, t) for t in sorted(mine)[:3])
    more = f" dan {len(mine) - 3} lainnya" if len(mine) > 3 else ""
    body = DraftRequest(classes=mine, note=f"Penebalan pengamanan setelah kejadian terverifikasi:"
                                           f" {names}{more}"[:500])
    return draft(plan_id, body, request, lang, who)
