"""What the API's routers share, in one place (as Netflix/dispatch keeps its shared
dependencies): the data snapshot a request reads, the account's jurisdiction, the TPS it may
see, and the progress board that both the progress route and the live stream send. Routers
import from here, never from one another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import Request
from pydantic import BaseModel, Field

from pollguard.access import Scope
from pollguard.domain.names import tps_name
from pollguard.domain.tps import PollingStation
from pollguard.services import field_reports
from pollguard.services.accounts import Principal
from pollguard.services.snapshot import Snapshot
from pollguard.web.errors import ApiError, ErrorCode


def snapshot(request: Request, plan: int | None = None) -> Snapshot:
    """The scenario, assessment and plan (``plan``, or the plan in force) the request reads."""
    return request.app.state.snapshots.get(plan)


def scope_of(snap: Snapshot, who: Principal) -> Scope:
    """The part of the province the account may see."""
    return snap.scope_of(who.unit_code)


def tps_in_view(snap: Snapshot, who: Principal, tps_id: str) -> PollingStation:
    """The TPS ``tps_id`` if the account may see it: 404 when there is none, 403 when it lies
    outside the account's jurisdiction."""
    t = snap.tps.get(tps_id)
    if t is None:
        raise ApiError(404, ErrorCode.TPS_UNKNOWN, tps=tps_id)
    if not scope_of(snap, who).sees_kecamatan(snap.kecamatan_of(t)):
        raise ApiError(403, ErrorCode.OUTSIDE_JURISDICTION,
                       tps=tps_name(snap.tps, snap.names, tps_id))
    return t


def visible_ids(snap: Snapshot, who: Principal) -> frozenset[str] | None:
    """The TPS ids the account may see; None for the whole province."""
    scope = scope_of(snap, who)
    return None if scope.everything else frozenset(t.tps_id for t in snap.visible_tps(scope))


class Progress(BaseModel):
    tps: int = Field(description="TPS in view")
    not_reported: int = Field(description="TPS with no phase reported yet")
    phases: dict[str, int] = Field(description="TPS per phase, in the day's order")
    incidents_open_by_severity: dict[str, int] = Field(
        description="open incidents per severity (1 ringan, 2 sedang, 3 berat)")


class RegionProgress(Progress):
    code: str
    name: str


class ProgressBoard(Progress):
    level: Literal["polres", "polsek"] = Field(
        default="polres", description="what a row is: a Polres for the province, a Polsek for "
                                      "an account that sees one Polres or less")
    regions: list[RegionProgress] = Field(description="one per Polres (or Polsek) in view, "
                                                      "named")


def _progress(p: field_reports.Progress) -> dict[str, object]:
    return {"tps": p.tps, "not_reported": p.not_reported,
            "phases": {k.value: v for k, v in p.phases.items()},
            "incidents_open_by_severity": {str(k): v
                                           for k, v in p.incidents_by_severity.items()}}


def progress_board(request: Request, who: Principal) -> ProgressBoard:
    """The progress board of the account's jurisdiction (also sent on the live stream): a
    row per Polres for the province, per Polsek for a Polres or a Polsek (one row of its own
    Polres would tell it nothing its total does not)."""
    snap = snapshot(request)
    scope = scope_of(snap, who)
    ids = None if scope.everything else [t.tps_id for t in snap.visible_tps(scope)]
    region_of: Mapping[str, str] = snap.live.polres_of
    if ids is not None:
        polsek = snap.polsek_of_kec
        region_of = {t: (polsek[k].code if (k := snap.kecamatan_of(snap.tps[t])) in polsek
                         else snap.live.polres_of.get(t, "")) for t in ids}
    b = field_reports.progress(db=request.app.state.db, tps_ids=ids, region_of=region_of)
    return ProgressBoard(**_progress(b.total),  # type: ignore[arg-type]
                         level="polres" if ids is None else "polsek", regions=[
        RegionProgress(code=code, name=snap.names.get(code, code),
                       **_progress(p))  # type: ignore[arg-type]
        for code, p in b.regions.items()])
