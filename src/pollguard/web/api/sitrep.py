"""The situation report (laporan situasi) of the account's jurisdiction: as JSON for the page,
and as the PDF the Posko sends up.

Filtered like the incidents: only the TPS in the account's jurisdiction; no NRP or operator
name without ``personnel:read``; no dispatches, reserve force or floor warnings without
``reserve:read`` (floor warnings and the Polda pool go to unscoped accounts only)."""

from __future__ import annotations

import datetime as dt
import io

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from pollguard.access import Permission, can
from pollguard.operations.sitrep import Sitrep
from pollguard.reports import sitrep as report
from pollguard.reports.sitrep_narrative import whatsapp
from pollguard.services import sitrep
from pollguard.services.accounts import Principal
from pollguard.web.deps import snapshot, visible_ids
from pollguard.web.security import needs

router = APIRouter(tags=["sitrep"])


class HeaderOut(BaseModel):
    as_of: str = Field(description="the report's time (UTC)")
    as_of_wib: str = Field(description="the same time on the operation's clock (the "
                                       "scenario's zone: WIB UTC+7, WITA UTC+8, WIT UTC+9)")
    time_zone: str = Field(description="that clock's name: WIB, WITA or WIT")
    operation: str
    scenario: str
    voting_date: str | None
    plan_id: int | None = Field(description="the plan in force")
    plan_created_at: str | None
    plan_assessment_id: int | None = Field(description="the assessment the plan was made from")
    assessment_id: int | None = Field(description="the latest assessment (verified incidents "
                                                  "make new ones)")
    assessment_as_of: str | None
    made_by: str
    whole: bool = Field(description="the whole Polda, not one jurisdiction")
    jurisdiction_code: str | None
    jurisdiction: str
    personnel: bool = Field(description="NRP and operator names are shown")
    reserves: bool = Field(description="dispatches, force and floor warnings are shown")


class StatusOut(BaseModel):
    code: str
    name: str
    tps: int
    not_reported: int
    phases: dict[str, int] = Field(description="TPS at each phase now")
    reached: dict[str, int] = Field(description="TPS at each phase or past it")
    open_incidents_by_severity: dict[str, int]


class IncidentLineOut(BaseModel):
    id: str
    tps_id: str
    tps_name: str = Field(description='"TPS 002 Renah Kayu Embun, Kec. Gunung Raya": what the '
                                      "table shows (the id only where the TPS is unknown)")
    polres_code: str
    polres_name: str
    kind: str
    kind_label_id: str
    kind_label_en: str
    severity: int
    status: str
    level: str
    open: bool
    verified: bool
    reported_at: str
    age_min: int
    reported_by: str | None = Field(description="the reporter's NRP; null without "
                                                "personnel:read")
    units_sent: int | None = Field(description="dispatches to it; null without reserve:read")


class IncidentsOut(BaseModel):
    open_by_severity: dict[str, int]
    closed_by_severity: dict[str, int]
    items: list[IncidentLineOut] = Field(description="open first, then by severity, oldest "
                                                     "first")


class DispatchLineOut(BaseModel):
    id: str
    incident_id: str
    tps_id: str
    tps_name: str = Field(description="the incident's TPS by name")
    polres_code: str
    unit_id: str
    unit_name: str = Field(description="a team by its call sign, borrowed officers by their "
                                       "post's TPS")
    kind: str
    officers: int
    status: str
    since: str
    dispatched_by: str | None = Field(description="the operator; null without personnel:read")


class ForceOut(BaseModel):
    code: str
    name: str
    pool: bool = Field(description="the Polda pool (its teams go to a Polres as BKO)")
    teams: int
    officers: int
    by_status: dict[str, int] = Field(description="teams per status")
    officers_available: int


class BkoOut(BaseModel):
    team_id: str
    size: int
    minutes: float
    km: float


class FloorOut(BaseModel):
    code: str
    name: str
    available: int
    planned: int
    floor: int
    bko: list[BkoOut]


class SectionOut(BaseModel):
    number: str = Field(description='"I" to "IV"')
    title: str = Field(description='"Situasi umum", "Kejadian menonjol", "Tindakan yang '
                                   'telah diambil", "Kesimpulan dan saran"')
    items: list[str] = Field(description="its paragraphs, or the entries of its list")
    numbered: bool = Field(description="the items are a numbered list")


class SitrepOut(BaseModel):
    header: HeaderOut
    total: StatusOut
    polres: list[StatusOut]
    incidents: IncidentsOut
    dispatches: list[DispatchLineOut] | None = Field(description="null without reserve:read")
    force: list[ForceOut] | None = Field(description="null without reserve:read")
    floor_warnings: list[FloorOut] | None = Field(description="null without reserve:read")
    narrative: list[SectionOut] = Field(description="the report as staff write it, in Bahasa "
                                                    "Indonesia: situasi umum, kejadian "
                                                    "menonjol, tindakan, kesimpulan dan saran")
    whatsapp: str = Field(description="the same as one WhatsApp message (*bold* headings)")


def _now(request: Request) -> dt.datetime:
    """The server's clock (``app.state.clock``, replaceable in tests and drills)."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock else dt.datetime.now(dt.UTC)


def situation(request: Request, who: Principal) -> Sitrep:
    """The report of ``who``'s jurisdiction, showing what its role may see."""
    snap = snapshot(request)
    return sitrep.situation(
        db=request.app.state.db, ctx=snap.live, as_of=_now(request),
        tps_ids=visible_ids(snap, who), personnel=can(who.role, Permission.PERSONNEL_READ),
        reserves=can(who.role, Permission.RESERVE_READ),
        made_by=f"{who.display_name} ({who.username})", unit_code=who.unit_code)


@router.get("/sitrep", response_model=SitrepOut)
def sitrep_json(request: Request,
                who: Principal = needs(Permission.INCIDENT_READ)) -> SitrepOut:
    """The situation report now: TPS status per Polres, incidents, dispatches, the reserve
    force and reserve-floor warnings, with the plan and assessment in force."""
    return SitrepOut.model_validate(report.as_json(situation(request, who)))


@router.get("/sitrep.txt", response_class=Response,
            responses={200: {"content": {"text/plain": {}},
                             "description": "the report as a WhatsApp message"}})
def sitrep_text(request: Request,
                who: Principal = needs(Permission.INCIDENT_READ)) -> Response:
    """The report as the WhatsApp message the Posko forwards (plain text, *bold* headings)."""
    return Response(whatsapp(situation(request, who)), media_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


@router.get("/sitrep.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "the report as an A4 PDF"}})
def sitrep_pdf(request: Request,
               lang: str = Query("id", pattern="^(id|en)$",
                                 description="id (Bahasa Indonesia) or en"),
               who: Principal = needs(Permission.INCIDENT_READ)) -> Response:
    """The same report as the PDF the Posko sends up (Bahasa Indonesia by default)."""
    made = situation(request, who)
    out = io.BytesIO()
    report.write_pdf(made, out, lang=lang)
    name = f"laporan_situasi_{made.header.local:%Y%m%d_%H%M}.pdf"
    return Response(out.getvalue(), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
