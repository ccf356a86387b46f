"""The hash chain. Each entry's hash covers the previous entry's hash and the entry's own
fields exactly as stored, so altering, deleting or re-ordering any stored row breaks every
link after it. Pure: the store appends and reads, this module computes and checks.

    hash_i = SHA-256(hash_{i-1} | seq_i | at_i | actor_i | action_i | subject_i | detail_i)

with hash_0 = 64 zeros and the fields joined as a canonical JSON array.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit entry as stored: ``at`` is an ISO-8601 UTC string and ``detail`` canonical
    JSON text, so that what is hashed is what is read back on any database."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str
    prev_hash: str
    hash: str


def canonical(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def link(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
         detail: str) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, subject, detail],
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken_at: int | None  # seq of the first entry whose link does not hold
    reason: str = ""
    head: tuple[int, str] | None = None  # (seq, hash) of the last entry found sound

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(entries: Iterable[Entry], *, after: tuple[int, str] = (0, GENESIS)) -> Verdict:
    """Recompute the chain in ``seq`` order and name the first broken link. ``after`` (seq,
    hash) of an entry already verified checks only the entries that follow it."""
    prev, expected_seq, count = after[1], after[0] + 1, 0
    for e in entries:
        count += 1
        if e.seq != expected_seq:
            return Verdict(count, e.seq, f"entry {expected_seq} is missing (next is {e.seq})")
        if e.prev_hash != prev:
            return Verdict(count, e.seq, "its previous-hash does not match the entry before")
        if link(prev, e.seq, e.at, e.actor, e.action, e.subject, e.detail) != e.hash:
            return Verdict(count, e.seq, "its content does not match its hash")
        prev, expected_seq = e.hash, expected_seq + 1
    return Verdict(count, None, head=(expected_seq - 1, prev) if expected_seq > 1 else None)
