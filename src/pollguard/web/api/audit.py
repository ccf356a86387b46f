"""The audit trail: who changed what, when; and whether the chain still holds."""

from __future__ import annotations

import json
import threading
import time

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from pollguard.access import Permission
from pollguard.audit.chain import Verdict
from pollguard.services.accounts import Principal
from pollguard.store import audit
from pollguard.store.uow import UnitOfWork
from pollguard.web.api.params import MAX_ID
from pollguard.web.security import needs

router = APIRouter(tags=["audit"])


class AuditEntry(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: dict[str, object]
    hash: str


class AuditPage(BaseModel):
    total: int
    entries: list[AuditEntry]
    chain_ok: bool
    broken_at: int | None
    reason: str
    verified_from: int = Field(description="the first entry this check recomputed (1: the "
                                           "whole chain)")


FULL_CHECK_S = 600.0


class ChainWatch:
    """What the audit page has verified so far. On voting day the log grows by hundreds of
    entries a second, so each look recomputes only the entries added since the last one; the
    whole chain is recomputed again every ``FULL_CHECK_S`` (an entry altered after it was
    verified is caught then, and at once by ``pollguard audit verify``)."""

    def __init__(self) -> None:
        self.head: tuple[int, str] | None = None
        self.full_at = 0.0
        self.lock = threading.Lock()

    def check(self, session: Session) -> tuple[Verdict, int]:
        with self.lock:
            full = self.head is None or time.monotonic() - self.full_at > FULL_CHECK_S
            after = None if full else self.head
            verdict = audit.check(session, after=after)
            if verdict.ok:
                self.head = verdict.head or after
                if full:
                    self.full_at = time.monotonic()
            else:
                self.head = None  # look at the whole chain again next time
            return verdict, 1 if after is None else after[0] + 1


@router.get("/audit", response_model=AuditPage)
def audit_log(request: Request, limit: int = Query(100, ge=1, le=1000),
              offset: int = Query(0, ge=0, le=MAX_ID),
              action: str | None = Query(None, max_length=60),
              who: Principal = needs(Permission.AUDIT_READ)) -> AuditPage:
    """Newest first; ``action`` filters by prefix (``plan.``, ``account.``)."""
    with UnitOfWork(request.app.state.db) as uow:
        rows, total = audit.recent(uow.session, limit=limit, offset=offset,
                                   action_prefix=action)
        verdict, start = request.app.state.chain_watch.check(uow.session)
    return AuditPage(total=total, chain_ok=verdict.ok, broken_at=verdict.broken_at,
                     reason=verdict.reason or verdict.seal_problem, verified_from=start,
                     entries=[AuditEntry(seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                         subject=e.subject, detail=json.loads(e.detail),
                                         hash=e.hash) for e in rows])
