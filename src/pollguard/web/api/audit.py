"""The audit trail: who changed what, when; and whether the chain still holds.

Entries are stored as they were written, with codes (a TPS id, a post id, a team id, an NRP):
the answer adds their names from the scenario and plan in force (``subject_name``,
``names``), so that the page shows names and keeps the codes for a tooltip."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission, can
from pollguard.audit.chain import Entry
from pollguard.services import audit
from pollguard.services.accounts import Principal
from pollguard.services.naming import Namer, actor_name
from pollguard.services.snapshot import NoDataError
from pollguard.web.api.params import MAX_ID
from pollguard.web.deps import snapshot
from pollguard.web.errors import request_language
from pollguard.web.security import needs

router = APIRouter(tags=["audit"])


class AuditEntry(BaseModel):
    seq: int
    at: str
    actor: str = Field(description='as stored: an account as "polres (polres_ops)", an '
                       'officer\'s NRP, "system", "cli"; for a tooltip')
    actor_name: str = Field(default="", description='the actor by name in the request\'s '
                            'language: an account by user and role ("polres (Operasional '
                            'Polres)"), an officer by rank and name, "Sistem", "Baris perintah '
                            '(CLI)"')
    action: str
    subject: str
    subject_name: str | None = Field(default=None, description='the subject by name ("TPS '
                                     '002 Renah Kayu Embun, Kumun Debai", a post by its TPS, '
                                     'a dispatch by its unit and TPS); null where the '
                                     'subject names itself (a plan, an account, a file)')
    detail: dict[str, object]
    names: dict[str, str] = Field(default_factory=dict, description=(
        "code -> name for the codes the detail holds (TPS, posts, teams, officers, units); "
        "an officer's NRP only for roles that may see personnel"))
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
    try:
        namer: Namer | None = Namer(snapshot(request), can(who.role, Permission.PERSONNEL_READ))
    except NoDataError:
        namer = None  # nothing loaded yet: the entries name no TPS
    lang = request_language(request)
    actors = (namer.actors((e.actor for e in found.entries), lang) if namer else
              {a: actor_name(a, lang) for a in {e.actor for e in found.entries}})

    def entry(e: Entry) -> AuditEntry:
        detail = json.loads(e.detail)
        return AuditEntry(seq=e.seq, at=e.at, actor=e.actor,
                          actor_name=actors.get(e.actor, e.actor), action=e.action,
                          subject=e.subject, detail=detail, hash=e.hash,
                          subject_name=namer.subject(e.subject, detail) if namer else None,
                          names=namer.in_detail(detail) if namer else {})

    return AuditPage(total=found.total, chain_ok=verdict.ok, broken_at=verdict.broken_at,
                     reason=verdict.reason or verdict.seal_problem,
                     verified_from=found.verified_from,
                     entries=[entry(e) for e in found.entries])
