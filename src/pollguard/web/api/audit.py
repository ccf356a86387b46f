"""The audit trail: who changed what, when; and whether the chain still holds."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission
from pollguard.services import audit
from pollguard.services.accounts import Principal
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


@router.get("/audit", response_model=AuditPage)
def audit_log(request: Request, limit: int = Query(100, ge=1, le=1000),
              offset: int = Query(0, ge=0, le=MAX_ID),
              action: str | None = Query(None, max_length=60),
              who: Principal = needs(Permission.AUDIT_READ)) -> AuditPage:
    """Newest first; ``action`` filters by prefix (``plan.``, ``account.``)."""
    found = audit.page(db=request.app.state.db, watch=request.app.state.chain_watch,
                       limit=limit, offset=offset, action_prefix=action)
    verdict = found.verdict
    return AuditPage(total=found.total, chain_ok=verdict.ok, broken_at=verdict.broken_at,
                     reason=verdict.reason or verdict.seal_problem,
                     verified_from=found.verified_from,
                     entries=[AuditEntry(seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                         subject=e.subject, detail=json.loads(e.detail),
                                         hash=e.hash) for e in found.entries])
