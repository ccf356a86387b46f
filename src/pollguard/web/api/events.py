"""The live picture as Server-Sent Events: field reports, incidents, dispatches, new
assessments and the progress board, pushed to the command map as they happen.

The stream reads the audit log (``services.live.events_after``): every change is appended there
in its own transaction as a live event (``pollguard.operations.events``), so the log is also the
one ordered feed of what happened, whichever process (server worker, CLI, drill) made the
change. An event's id is its audit sequence number; a browser that reconnects sends
``Last-Event-ID`` and misses nothing. Each account sees what its role may see: no NRP without
``personnel:read``, no dispatches without ``reserve:read``, and only its jurisdiction.
Events at a TPS also carry its name (``tps_name``) and dispatches what was sent by name
(``unit_label``), so that the feed shows no codes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from pollguard.access import Permission, can
from pollguard.access.redact import redact_personal
from pollguard.operations import events as live_events
from pollguard.operations.events import (
    AuditedEvent,
    DispatchEvent,
    ProgressEvent,
    RegionProgress,
)
from pollguard.services import live
from pollguard.services.accounts import Principal
from pollguard.services.naming import Namer
from pollguard.web.deps import ProgressBoard, progress_board, snapshot, visible_ids
from pollguard.web.security import needs

router = APIRouter(tags=["live"])

POLL_S = 1.0  # how often the log is read for new entries
KEEPALIVE_S = 15.0


def _shown(event: AuditedEvent, who: Principal,
           seen: frozenset[str] | None) -> AuditedEvent | None:
    """``event`` as ``who`` may see it, or None when it may not see it at all."""
    if event.KIND == "dispatch" and not can(who.role, Permission.RESERVE_READ):
        return None
    tps = getattr(event, "tps_id", None)
    if seen is not None and tps is not None and tps not in seen:
        return None
    if not can(who.role, Permission.PERSONNEL_READ):
        return live_events.without_personal(event, redact_personal)
    return event


def _progress(board: ProgressBoard) -> ProgressEvent:
    """The progress board (as ``GET /reports/progress`` answers it) as a live event."""
    return ProgressEvent(
        tps=board.tps, not_reported=board.not_reported, phases=board.phases,
        incidents_open_by_severity=board.incidents_open_by_severity,
        regions=tuple(RegionProgress(tps=r.tps, not_reported=r.not_reported, phases=r.phases,
                                     incidents_open_by_severity=r.incidents_open_by_severity,
                                     code=r.code, name=r.name) for r in board.regions))


def _names(event: AuditedEvent, namer: Namer) -> dict[str, str]:
    """What the feed shows of the event's codes: its TPS and, for a dispatch, the unit."""
    out: dict[str, str] = {}
    tps = getattr(event, "tps_id", None)
    if isinstance(tps, str):
        out["tps_name"] = namer.tps(tps)
    if isinstance(event, DispatchEvent):
        out["unit_label"] = namer.dispatched(event.unit_id, event.kind.value)
    return out


def _message(event: ProgressEvent | AuditedEvent, seq: int | None = None,
             names: dict[str, str] | None = None) -> str:
    head = f"id: {seq}\n" if seq is not None else ""
    data = json.dumps(live_events.message(event) | (names or {}), separators=(",", ":"))
    return f"{head}event: {event.KIND}\ndata: {data}\n\n"


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "an endless stream of events"}})
async def events(request: Request, who: Principal = needs(Permission.INCIDENT_READ),
                 last_event_id: int | None = Header(default=None, ge=0,
                                                    le=2_147_483_647),
                 limit: int | None = Query(default=None, ge=1, le=10_000,
                                           description="stop after this many messages, the "
                                                       "first progress board included (tools "
                                                       "and tests; the map never sets it)")
                 ) -> StreamingResponse:
    """Reports, incidents, dispatches, assessments and the progress board, live."""
    db = request.app.state.db
    # Loading a snapshot reads the database (seconds the first time): not on the event loop.
    snap = await to_thread.run_sync(snapshot, request)
    seen = visible_ids(snap, who)
    namer = Namer(snap, can(who.role, Permission.PERSONNEL_READ))

    def start() -> int:
        return live.events_head(db=db)

    def read(after: int) -> list[tuple[int, AuditedEvent]]:
        return live.events_after(db=db, seq=after)

    def board() -> ProgressEvent:
        return _progress(progress_board(request, who))

    last = last_event_id if last_event_id is not None else await to_thread.run_sync(start)
    first_board = await to_thread.run_sync(board)

    async def stream() -> AsyncIterator[str]:
        nonlocal last
        yield "retry: 3000\n\n"
        yield _message(first_board)
        sent, quiet = 1, 0.0
        while limit is None or sent < limit:
            if await request.is_disconnected():
                return
            entries = await to_thread.run_sync(read, last)
            changed = False
            for seq, event in entries:
                last = seq
                shown = _shown(event, who, seen)
                if shown is None:
                    continue
                yield _message(shown, seq, _names(shown, namer))
                changed, sent = True, sent + 1
                if limit is not None and sent >= limit:
                    return
            if changed:
                quiet = 0.0
                yield _message(await to_thread.run_sync(board))
            elif quiet >= KEEPALIVE_S:
                quiet = 0.0
                yield ": keepalive\n\n"
            if not entries:
                await asyncio.sleep(POLL_S)
                quiet += POLL_S

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
