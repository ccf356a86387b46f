"""Requests for Polda BKO: a Polres may not send the Polda pool's teams itself; it asks, and
the Polda approves (the team is dispatched) or refuses.

A request lives in the audit trail only, three actions on its incident's subject: requested,
then approved or refused (no table of its own: the trail already holds who asked, when, and
who decided). ``fold`` reads those entries back into where each request stands; ``decide``
is the one rule: only a request still waiting may be decided. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from pollguard.operations.reinforcement import DispatchError

REQUESTED, APPROVED, REFUSED = ("reinforcement.requested", "reinforcement.approved",
                                "reinforcement.refused")
PREFIX = "reinforcement."


class RequestStatus(StrEnum):
    REQUESTED = "requested"  # diminta: waiting for the Polda
    APPROVED = "approved"  # disetujui: the team is dispatched
    REFUSED = "refused"  # ditolak


#: Where a request may go next (the API offers these; the pages keep no copy).
REQUEST_STEPS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REQUESTED: (RequestStatus.APPROVED, RequestStatus.REFUSED),
    RequestStatus.APPROVED: (), RequestStatus.REFUSED: ()}


@dataclass(frozen=True, slots=True)
class BkoRequest:
    """A Polres's request for one Polda-pool team to an incident."""

    n: int  # 1, 2, ... within the incident
    incident_id: str
    tps_id: str
    team_id: str
    officers: int
    by: str
    at: dt.datetime
    note: str
    status: RequestStatus = RequestStatus.REQUESTED
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_note: str = ""
    dispatch_id: str | None = None  # the dispatch an approval made


def requested_detail(r: BkoRequest) -> dict[str, Any]:
    """The audit detail of a new request."""
    return {"request": r.n, "incident_id": r.incident_id, "tps_id": r.tps_id,
            "team_id": r.team_id, "officers": r.officers, "at": r.at.isoformat(),
            "note": r.note}


def decided_detail(r: BkoRequest) -> dict[str, Any]:
    """The audit detail of a decision on ``r`` (already decided)."""
    assert r.decided_at is not None
    return {"request": r.n, "incident_id": r.incident_id, "team_id": r.team_id,
            "at": r.decided_at.isoformat(), "note": r.decision_note,
            "dispatch_id": r.dispatch_id}


def fold(entries: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[BkoRequest]:
    """The requests of one incident from its ``(action, actor, detail)`` entries, in the
    trail's order; entries of other actions are ignored."""
    out: dict[int, BkoRequest] = {}
    for action, actor, d in entries:
        n = int(d.get("request", 0))
        at = dt.datetime.fromisoformat(str(d["at"])) if "at" in d else None
        if action == REQUESTED and at is not None:
            out[n] = BkoRequest(n, str(d["incident_id"]), str(d["tps_id"]), str(d["team_id"]),
                                int(d["officers"]), actor, at, str(d.get("note", "")))
        elif action in (APPROVED, REFUSED) and n in out:
            out[n] = replace(out[n], status=RequestStatus.APPROVED if action == APPROVED
                             else RequestStatus.REFUSED, decided_by=actor, decided_at=at,
                             decision_note=str(d.get("note", "")),
                             dispatch_id=d.get("dispatch_id"))
    return [out[n] for n in sorted(out)]


def decide(r: BkoRequest, to: RequestStatus, by: str, at: dt.datetime, note: str = "",
           dispatch_id: str | None = None) -> BkoRequest:
    """``r`` approved or refused; DispatchError once it has been decided."""
    if to not in REQUEST_STEPS[r.status]:
        raise DispatchError(f"request {r.n} of incident {r.incident_id} is {r.status}: "
                            f"it cannot become {to}")
    return replace(r, status=to, decided_by=by, decided_at=at, decision_note=note,
                   dispatch_id=dispatch_id)
