"""Voting-day field reports from plotted officers' phones (TPS phase, incidents), and the
progress of the TPS in view through the day."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from pollguard.access import Permission
from pollguard.operations.field_reports import (
    FieldReport,
    ReportError,
    ReportKind,
    TpsPhase,
    check_sent_at,
)
from pollguard.services import field_reports
from pollguard.services.accounts import Principal
from pollguard.web.api.params import server_now, utc_iso
from pollguard.web.deps import ProgressBoard, progress_board
from pollguard.web.direct_route import DirectRoute
from pollguard.web.errors import ApiError, ErrorCode
from pollguard.web.security import needs

router = APIRouter(tags=["reports"])


class ReportIn(BaseModel):
    """A report as the phone sends it. The officer is the account logged in."""

    client_id: UUID = Field(description="made on the phone; a resend carries the same id")
    tps_id: str = Field(min_length=1, max_length=13)
    kind: Literal["status", "incident"]
    phase: TpsPhase | None = Field(default=None, description="status reports")
    incident_kind: str | None = Field(default=None, max_length=40,
                                      description="incident reports: a code of the catalogue")
    severity: int | None = Field(default=None, ge=1, le=3,
                                 description="incident reports; default: the kind's")
    text: str = Field(default="", max_length=2000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    sent_at: AwareDatetime = Field(description="the phone's clock when the report was made")


class StoredReport(BaseModel):
    client_id: str
    nrp: str
    tps_id: str
    kind: str
    phase: str | None
    incident_kind: str | None
    severity: int | None
    text: str
    lat: float | None
    lon: float | None
    sent_at: str
    received_at: str
    marked_absent: bool = Field(default=False, description="the officer is plotted at a post "
                                "and not present at it (no check-in, checked out, or checked "
                                "in outside the radius)")


def _out(r: FieldReport, absent: bool = False) -> StoredReport:
    return StoredReport(client_id=r.client_id, nrp=r.nrp, tps_id=r.tps_id, kind=r.kind.value,
                        phase=r.phase.value if r.phase else None,
                        incident_kind=r.incident_kind, severity=r.severity, text=r.text,
                        lat=r.lat, lon=r.lon, sent_at=utc_iso(r.sent_at),
                        received_at=utc_iso(r.received_at), marked_absent=absent)


async def submit(body: ReportIn, request: Request,
                 who: Principal = needs(Permission.REPORT_WRITE)) -> Response:
    """A TPS phase or an incident from the officer's TPS. 201 when stored, 200 with the stored
    report when its client id was stored already (a resend stores nothing). Answered once the
    report is committed: an acknowledged report survives a crash."""
    # Voting day's busiest route (issue 18): called by a DirectRoute (web/direct_route.py),
    # and the answer is written from StoredReport here rather than returned for FastAPI to
    # check against it and encode a second time.
    if who.nrp is None:
        raise ApiError(403, ErrorCode.NOT_AN_OFFICER)
    try:
        check_sent_at(body.sent_at, server_now(request),
                      max_age=request.app.state.settings.report_max_age)
    except ReportError as exc:
        raise HTTPException(422, str(exc)) from exc
    submission = field_reports.Submission(
        client_id=str(body.client_id), tps_id=body.tps_id, kind=ReportKind(body.kind),
        sent_at=body.sent_at, phase=body.phase, incident_kind=body.incident_kind,
        severity=body.severity, text=body.text, lat=body.lat, lon=body.lon)
    written = await request.app.state.report_writer.submit(field_reports.Pending(
        submission, who.nrp, who.actor, server_now(request)))
    outcome = written.outcome
    try:
        if isinstance(outcome, ReportError):
            raise outcome
        stored, created = outcome
    except field_reports.NoSuchTpsError as exc:
        raise ApiError(404, ErrorCode.TPS_UNKNOWN, tps=body.tps_id) from exc
    except field_reports.NotPlottedError as exc:
        raise HTTPException(403, str(exc)) from exc
    except field_reports.ClientIdTakenError as exc:
        raise HTTPException(409, str(exc)) from exc
    except ReportError as exc:
        raise HTTPException(422, str(exc)) from exc
    return Response(_out(stored, absent=written.absent).model_dump_json(),
                    status_code=201 if created else 200, media_type="application/json")


router.add_api_route(
    "/reports", submit, methods=["POST"], route_class_override=DirectRoute,
    response_model=StoredReport, status_code=201,
    responses={200: {"model": StoredReport,
                     "description": "a resend: the report stored first, unchanged"},
               403: {"description": "the officer is not plotted at the TPS, or the account "
                                    "is tied to no plotted officer"},
               404: {"description": "no such TPS"},
               409: {"description": "the client id is another officer's report"},
               422: {"description": "not a valid report (the reason is given)"}})


@router.get("/reports/progress", response_model=ProgressBoard)
def progress(request: Request, who: Principal = needs(Permission.TPS_READ)) -> ProgressBoard:
    """How far the TPS in the account's jurisdiction are through the day, in total and per
    Polres: TPS per phase and open incidents per severity."""
    return progress_board(request, who)
