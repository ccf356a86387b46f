"""The risk view: assessments, class counts per region, the indicator breakdown, diffs."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from pollguard.access import Permission
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import Contribution, Factor, RiskClass, TpsRisk
from pollguard.profile.model import parse_profile
from pollguard.risk.aggregate import by_group
from pollguard.services import risk
from pollguard.services.accounts import Principal
from pollguard.services.snapshot import Snapshot
from pollguard.web.api.params import MAX_ID, utc_iso
from pollguard.web.deps import scope_of, snapshot
from pollguard.web.errors import ApiError, ErrorCode
from pollguard.web.security import needs

router = APIRouter(tags=["risk"])


class Assessment(BaseModel):
    id: int
    created_at: str
    as_of: str
    profile_id: str
    note: str
    tps_count: int


@router.get("/assessments", response_model=list[Assessment])
def list_assessments(request: Request,
                     who: Principal = needs(Permission.RISK_READ)) -> list[Assessment]:
    rows = risk.listing(db=request.app.state.db)
    return [Assessment(id=a.id, created_at=utc_iso(a.created_at), as_of=a.as_of.isoformat(),
                       profile_id=a.profile_id, note=a.note, tps_count=a.tps_count)
            for a in rows]


class RegionClasses(BaseModel):
    code: str
    name: str
    tps: int
    classes: dict[str, int]
    mean_score: float
    max_score: float
    top_indicators: list[str]


LEVELS = {"kabkota": RegionLevel.KABKOTA, "kecamatan": RegionLevel.KECAMATAN,
          "desa": RegionLevel.DESA, "polres": None}


def _risks(request: Request, assessment_id: int | None) -> tuple[Snapshot, dict[str, TpsRisk]]:
    snap = snapshot(request)
    if assessment_id is None or (snap.assessment and assessment_id == snap.assessment.id):
        return snap, dict(snap.risks)
    try:
        return snap, risk.results(db=request.app.state.db, assessment_id=assessment_id)
    except risk.NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/risk/classes", response_model=list[RegionClasses],
            responses={404: {"description": "no such assessment"}})
def classes_by_region(request: Request,
                      level: str = Query("kabkota", pattern="^(kabkota|kecamatan|desa|polres)$"),
                      assessment: int | None = Query(None, ge=1, le=MAX_ID),
                      who: Principal = needs(Permission.RISK_READ)) -> list[RegionClasses]:
    """Class counts, mean and highest score, and the most frequent indicators per region (or
    per Polres), for the assessment asked (the latest by default)."""
    snap, risks = _risks(request, assessment)
    tps = snap.visible_tps(scope_of(snap, who))
    chosen = LEVELS[level]
    group_of = {t.tps_id: (snap.polres_of_tps(t) if chosen is None
                           else ancestor_at(t.desa_code, chosen)) for t in tps}
    rows = by_group((risks[t] for t in group_of if t in risks), group_of, snap.names)
    return [RegionClasses(code=r.code, name=r.name, tps=r.tps,
                          classes={c.value: r.classes.get(c, 0) for c in RiskClass},
                          mean_score=round(r.mean_score, 2), max_score=r.max_score,
                          top_indicators=[code for code, _ in r.top_indicators]) for r in rows]


class IndicatorRow(BaseModel):
    code: str
    factor: str
    name: str
    variable: str
    tps: int
    points: float


@router.get("/risk/indicators", response_model=list[IndicatorRow])
def indicator_breakdown(request: Request, region: str | None = Query(None, max_length=40),
                        lang: str = Query("id", pattern="^(id|en)$"),
                        who: Principal = needs(Permission.RISK_READ)) -> list[IndicatorRow]:
    """How many TPS each reason applies to and the points it adds, over the account's area
    (or one region or Polres inside it), for the latest assessment."""
    snap = snapshot(request)
    if snap.assessment is None:
        raise ApiError(404, ErrorCode.NO_ASSESSMENT)
    scope = scope_of(snap, who)
    tps = snap.visible_tps(scope)
    if region:
        tps = [t for t in tps if region in (snap.polres_of_tps(t), *(
            ancestor_at(t.desa_code, lv) for lv in (RegionLevel.KABKOTA, RegionLevel.KECAMATAN,
                                                    RegionLevel.DESA)))]
    profile = parse_profile(snap.assessment.profile_toml)
    names = {i.code: (i.name_en if lang == "en" else i.name_id, i.variable)
             for i in profile.indicators}
    count: dict[tuple[str, str], int] = defaultdict(int)
    points: dict[tuple[str, str], float] = defaultdict(float)
    label: dict[tuple[str, str], str] = {}
    for t in tps:
        found = snap.risks.get(t.tps_id)
        for c in found.reasons if found else ():
            if c.factor in (Factor.THRESHOLD,):
                continue
            key = (c.factor.value, c.code)
            count[key] += 1
            points[key] += c.points
            label.setdefault(key, c.text_en if lang == "en" else c.text_id)
    rows = [IndicatorRow(code=code, factor=factor,
                         name=names.get(code, (label[(factor, code)], ""))[0],
                         variable=names.get(code, ("", factor))[1], tps=n,
                         points=round(points[(factor, code)], 1))
            for (factor, code), n in count.items()]
    return sorted(rows, key=lambda r: (-r.points, r.code))


class Change(BaseModel):
    tps_id: str
    before: str
    after: str
    score_before: float
    score_after: float
    gained: list[str]
    lost: list[str]


@router.get("/risk/diff", response_model=list[Change],
            responses={404: {"description": "no such assessment"}})
def assessment_diff(request: Request, before: int = Query(ge=1, le=MAX_ID),
                    after: int = Query(ge=1, le=MAX_ID),
                    lang: str = Query("id", pattern="^(id|en)$"),
                    who: Principal = needs(Permission.RISK_READ)) -> list[Change]:
    """TPS whose class differs between two assessments, with the reasons gained and lost."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    try:
        changes = risk.compare(db=request.app.state.db, before=before, after=after)
    except risk.NoScenarioError as exc:
        raise HTTPException(404, str(exc)) from exc
    visible = {t.tps_id for t in snap.visible_tps(scope)}

    def text(c: Contribution) -> str:
        return c.text_en if lang == "en" else c.text_id

    return [Change(tps_id=c.tps_id, before=c.before.value, after=c.after.value,
                   score_before=c.score_before, score_after=c.score_after,
                   gained=[text(x) for x in c.gained], lost=[text(x) for x in c.lost])
            for c in changes if c.tps_id in visible]
