"""The audit log in the database: append in the caller's transaction, read, verify."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session

from pollguard.audit.chain import GENESIS, Entry, Verdict, canonical, link, verify
from pollguard.store.database import PENDING, SEAL
from pollguard.store.seal import AuditSeal, CheckpointFile
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
    body, subject = canonical(detail or {}), _subject(subject)
    digest = link(seal_of(session).key, prev, seq, at, actor, action, subject, body)
    session.add(AuditRecord(seq=seq, at=at, actor=actor, action=action, subject=subject,
                            detail=body, prev_hash=prev, hash=digest))
    session.flush()
    _pending(session, [(seq, digest)])
    return Entry(seq, at, actor, action, subject, body, prev, digest)


SUBJECT_MAX = 200  # AuditRecord.subject is String(200)


def _subject(text: str) -> str:
    """A subject that fits its column (a file name can be longer): cut with an ellipsis."""
    return text if len(text) <= SUBJECT_MAX else text[:SUBJECT_MAX - 1] + "…"


def file_detail(name: str, data: bytes, rows: int) -> dict[str, Any]:
    """How an imported file is named in an audit entry: its name, SHA-256 and data rows."""
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "rows": rows}


def seal_of(session: Session) -> AuditSeal:
    """The key and checkpoint file of the database this session works on."""
    seal = session.info.get(SEAL)
    if not isinstance(seal, AuditSeal):
        raise RuntimeError("this session was not made by pollguard.store.open_database: it "
                           "has no audit seal")
    return seal


def _pending(session: Session, written: list[tuple[int, str]]) -> None:
    """Note what the open transaction appended, for the checkpoints written on commit."""
    every = seal_of(session).every
    p = session.info.setdefault(PENDING, {"marks": []})
    p["last"], p["head"] = written[-1]
    p["marks"].extend((s, h) for s, h in written if s % every == 0)


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
    key = seal_of(session).key
    out = []
    for actor, action, subject, detail in items:
        seq += 1
        body, subject = canonical(detail), _subject(subject)
        digest = link(key, prev, seq, at, actor, action, subject, body)
        out.append(Entry(seq, at, actor, action, subject, body, prev, digest))
        prev = digest
    session.execute(insert(AuditRecord.__table__), [  # type: ignore[arg-type]
        {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
         "subject": e.subject, "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash}
        for e in out])
    _pending(session, [(e.seq, e.hash) for e in out])
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
    """Verify the whole chain against the checkpoints outside the database, or only what
    follows ``after`` (seq, hash) already verified."""
    seal = seal_of(session)
    found = seal.read()
    if after is None:
        verdict = verify(entries(session), seal.key, checkpoints=found.checkpoints)
        problem = _seal_problem(found, verdict, seal.every)
        return dataclasses.replace(verdict, seal_problem=problem) if problem else verdict
    return verify(entries(session, after=after[0]), seal.key, after=after,
                  checkpoints=found.checkpoints)


def _seal_problem(found: CheckpointFile, verdict: Verdict, every: int) -> str:
    if found.bad_lines:
        lines = ", ".join(map(str, found.bad_lines[:5]))
        return (f"{found.path}: line(s) {lines} are not checkpoints signed with this audit "
                "key (forged, damaged, or made with another key)")
    if not found.checkpoints and verdict.entries >= every:
        return (f"no checkpoint in {found.path} though the log holds {verdict.entries} "
                f"entries (one is written every {every}): the file was removed or emptied, "
                "or is not where POLLGUARD_AUDIT_CHECKPOINTS says")
    return ""


def checkpoints(session: Session) -> CheckpointFile:
    """The checkpoint file of this session's database, its authentic lines and the others."""
    return seal_of(session).read()


def checkpoint_now(session: Session) -> tuple[int, str] | None:
    """Write a checkpoint of the newest entry now (``pollguard audit checkpoint``, cron)."""
    found = session.execute(select(AuditRecord.seq, AuditRecord.hash)
                            .order_by(AuditRecord.seq.desc()).limit(1)).first()
    if found is None:
        return None
    seal_of(session).write(int(found[0]), str(found[1]))
    return int(found[0]), str(found[1])


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

