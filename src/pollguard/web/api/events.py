"""The live picture as Server-Sent Events: field reports, incidents, dispatches, new
assessments and the progress board, pushed to the command map as they happen.

The stream reads the audit log: every change is appended there in its own transaction, so the
log is also the one ordered feed of what happened, whichever process (server worker, CLI,
drill) made the change. An event's id is its audit sequence number; a browser that reconnects
sends ``Last-Event-ID`` and misses nothing. Each account sees what its role may see: no NRP
without ``personnel:read``, no dispatches without ``reserve:read``, and only its jurisdiction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from pollguard.access import Permission, can
from pollguard.access.redact import redact_personal
from pollguard.audit.chain import Entry
from pollguard.services.accounts import Principal
from pollguard.store import audit
from pollguard.store.uow import UnitOfWork
from pollguard.web.deps import progress_board, snapshot, visible_ids
from pollguard.web.security import needs

router = APIRouter(tags=["live"])

KINDS = {"report.": "report", "incident.": "incident", "dispatch.": "dispatch",
         "assessment.": "assessment"}
POLL_S = 1.0  # how often the log is read for new entries
KEEPALIVE_S = 15.0
PERSONAL = ("nrp",)
FREE_TEXT = ("text", "note")  # typed by officers: NRP and phone numbers redacted


def _kind(action: str) -> str | None:
    return next((k for p, k in KINDS.items() if action.startswith(p)), None)


def _shown(entry: Entry, who: Principal, seen: frozenset[str] | None) -> tuple[str, dict[str,
                                                                                   Any]] | None:
    """The event an audit entry becomes for ``who``, or None when it may not see it."""
    kind = _kind(entry.action)
    if kind is None:
        return None
    if kind == "dispatch" and not can(who.role, Permission.RESERVE_READ):
        return None
    data: dict[str, Any] = json.loads(entry.detail)
    tps = data.get("tps_id")
    if seen is not None and tps is not None and tps not in seen:
        return None
    if not can(who.role, Permission.PERSONNEL_READ):
        data = {k: redact_personal(v) if k in FREE_TEXT and isinstance(v, str) else v
                for k, v in data.items() if k not in PERSONAL}
    data["action"] = entry.action
    return kind, data


def _message(kind: str, data: object, seq: int | None = None) -> str:
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


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

    def start() -> int:
        with UnitOfWork(db) as uow:
            return audit.head(uow.session)

    def read(after: int) -> list[Entry]:
        with UnitOfWork(db) as uow:
            return audit.after(uow.session, after, prefixes=tuple(KINDS))

    last = last_event_id if last_event_id is not None else await to_thread.run_sync(start)
    first_board = await to_thread.run_sync(progress_board, request, who)

    async def stream() -> AsyncIterator[str]:
        nonlocal last
        yield "retry: 3000\n\n"
        yield _message("progress", first_board.model_dump())
        sent, quiet = 1, 0.0
        while limit is None or sent < limit:
            if await request.is_disconnected():
                return
            entries = await to_thread.run_sync(read, last)
            changed = False
            for e in entries:
                last = e.seq
                shown = _shown(e, who, seen)
                if shown is None:
                    continue
                yield _message(shown[0], shown[1], e.seq)
                changed, sent = True, sent + 1
                if limit is not None and sent >= limit:
                    return
            if changed:
                quiet = 0.0
                progress = await to_thread.run_sync(progress_board, request, who)
                yield _message("progress", progress.model_dump())
            elif quiet >= KEEPALIVE_S:
                quiet = 0.0
                yield ": keepalive\n\n"
            if not entries:
                await asyncio.sleep(POLL_S)
                quiet += POLL_S

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
