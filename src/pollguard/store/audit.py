"""The audit log in the database: append in the caller's transaction, read, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session

from pollguard.audit.chain import GENESIS, Entry, Verdict, canonical, link, verify
from pollguard.store.tables import AuditRecord

_LOCK_KEY = 73_120_241  # PostgreSQL advisory lock that serialises appends to the chain


def append(session: Session, *, actor: str, action: str, subject: str,
           detail: dict[str, Any] | None = None) -> Entry:
    """Add one entry after the current head. On PostgreSQL an advisory transaction lock makes
    concurrent writers queue; SQLite serialises writers by itself."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    head = session.execute(select(AuditRecord.seq, AuditRecord.hash)
                           .order_by(AuditRecord.seq.desc()).limit(1)).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    body = canonical(detail or {})
    digest = link(prev, seq, at, actor, action, subject, body)
    session.add(AuditRecord(seq=seq, at=at, actor=actor, action=action, subject=subject,
                            detail=body, prev_hash=prev, hash=digest))
    session.flush()
    return Entry(seq, at, actor, action, subject, body, prev, digest)


def append_many(session: Session, items: list[tuple[str, str, str, dict[str, Any]]]
                ) -> list[Entry]:
    """Append (actor, action, subject, detail) entries in order, in one statement: the chain
    links them exactly as one append each would."""
    if not items:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    head = session.execute(select(AuditRecord.seq, AuditRecord.hash)
                           .order_by(AuditRecord.seq.desc()).limit(1)).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    out = []
    for actor, action, subject, detail in items:
        seq += 1
        body = canonical(detail)
        digest = link(prev, seq, at, actor, action, subject, body)
        out.append(Entry(seq, at, actor, action, subject, body, prev, digest))
        prev = digest
    session.execute(insert(AuditRecord.__table__), [  # type: ignore[arg-type]
        {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
         "subject": e.subject, "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash}
        for e in out])
    return out


def _entry(r: AuditRecord) -> Entry:
    return Entry(r.seq, r.at, r.actor, r.action, r.subject, r.detail, r.prev_hash, r.hash)


def entries(session: Session, *, batch: int = 5000, after: int = 0) -> Iterator[Entry]:
    """Every entry (after ``after``) in chain order, read in batches so that a long log fits in
    memory."""
    last = after
    while True:
        rows = list(session.scalars(select(AuditRecord).where(AuditRecord.seq > last)
                                    .order_by(AuditRecord.seq).limit(batch)))
        if not rows:
            return
        yield from (_entry(r) for r in rows)
        last = rows[-1].seq


def recent(session: Session, *, limit: int = 100, offset: int = 0,
           action_prefix: str | None = None) -> tuple[list[Entry], int]:
    """Newest first, with the total count for paging."""
    query = select(AuditRecord)
    count = select(func.count()).select_from(AuditRecord)
    if action_prefix:
        query = query.where(AuditRecord.action.startswith(action_prefix))
        count = count.where(AuditRecord.action.startswith(action_prefix))
    rows = session.scalars(query.order_by(AuditRecord.seq.desc()).limit(limit).offset(offset))
    return [_entry(r) for r in rows], int(session.scalar(count) or 0)


def check(session: Session, *, after: tuple[int, str] | None = None) -> Verdict:
    """Verify the whole chain, or only what follows ``after`` (seq, hash) already verified."""
    if after is None:
        return verify(entries(session))
    return verify(entries(session, after=after[0]), after=after)


def after(session: Session, seq: int, *, prefixes: tuple[str, ...] = (),
          limit: int = 500) -> list[Entry]:
    """Entries after ``seq`` in chain order (those whose action starts with one of
    ``prefixes``, when given): what the live stream sends next."""
    query = select(AuditRecord).where(AuditRecord.seq > seq)
    if prefixes:
        query = query.where(or_(*(AuditRecord.action.startswith(p) for p in prefixes)))
    return [_entry(r) for r in session.scalars(query.order_by(AuditRecord.seq).limit(limit))]


def head(session: Session) -> int:
    """The newest entry's number (0 for an empty log)."""
    return int(session.scalar(select(func.max(AuditRecord.seq))) or 0)

