"""The keyed hash chain and its checkpoints. Pure: the store appends and reads, the seal keeps
the key and the checkpoint file, this module computes and checks.

Each entry's hash is an HMAC-SHA256 under a secret key that is *not* in the database, over the
previous entry's hash and the entry's own fields exactly as stored:

    hash_i = HMAC-SHA256(key, [hash_{i-1}, seq_i, at_i, actor_i, action_i, subject_i, detail_i])

with hash_0 = 64 zeros and the fields joined as a canonical JSON array. So altering,
re-ordering or deleting any row breaks every link after it, and, unlike a plain hash chain,
someone who can write to the database but does not hold the key cannot recompute the links
after an edit ("re-chain").

A chain cannot show rows missing at its *end*: deleting the newest entries, or all of them,
leaves a shorter chain that verifies. Checkpoints close that hole: every so many entries, and
when a process that wrote entries shuts down, a signed line (seq, head hash, time) is appended
to a file outside the database:

    mac = HMAC-SHA256(key, ["checkpoint", seq, hash, at])

Verification then checks that the log reaches the newest checkpoint and that each
checkpointed entry still has the hash the checkpoint recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
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


def _mac(key: bytes, fields: list[Any]) -> str:
    body = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def link(key: bytes, prev_hash: str, seq: int, at: str, actor: str, action: str,
         subject: str, detail: str) -> str:
    return _mac(key, [prev_hash, seq, at, actor, action, subject, detail])


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that entry ``seq`` existed with ``hash`` at time ``at``."""

    seq: int
    hash: str
    at: str
    mac: str

    @classmethod
    def sign(cls, key: bytes, seq: int, head: str, at: str) -> Checkpoint:
        return cls(seq, head, at, _mac(key, ["checkpoint", seq, head, at]))

    def authentic(self, key: bytes) -> bool:
        expected = _mac(key, ["checkpoint", self.seq, self.hash, self.at])
        return hmac.compare_digest(expected, self.mac)

    def line(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at,
                           "mac": self.mac}, separators=(",", ":"))

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """One line of the checkpoint file; ValueError when it is not one."""
        try:
            d = json.loads(line)
            return cls(int(d["seq"]), str(d["hash"]), str(d["at"]), str(d["mac"]))
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a checkpoint: {line[:80]!r}") from exc


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken_at: int | None  # seq of the first entry whose link does not hold (or is missing)
    reason: str = ""
    head: tuple[int, str] | None = None  # (seq, hash) of the last entry found sound
    checkpoint: Checkpoint | None = None  # the newest checkpoint the log was checked against
    seal_problem: str = ""  # the checkpoints themselves are missing or not authentic

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.seal_problem


def verify(entries: Iterable[Entry], key: bytes, *, after: tuple[int, str] = (0, GENESIS),
           checkpoints: Sequence[Checkpoint] = ()) -> Verdict:
    """Recompute the chain in ``seq`` order and name the first broken link. ``after`` (seq,
    hash) of an entry already verified checks only the entries that follow it.
    ``checkpoints`` (already authenticated) are held against the entries they name and the
    log's end: the log must reach the newest one."""
    marks = {c.seq: c for c in checkpoints if c.seq > after[0]}
    newest = max(checkpoints, key=lambda c: c.seq, default=None)
    prev, expected_seq, count = after[1], after[0] + 1, 0
    for e in entries:
        count += 1
        if e.seq != expected_seq:
            return Verdict(count, expected_seq,
                           f"entry {expected_seq} is missing (next is {e.seq})")
        if e.prev_hash != prev:
            return Verdict(count, e.seq, "its previous-hash does not match the entry before")
        if not hmac.compare_digest(
                link(key, prev, e.seq, e.at, e.actor, e.action, e.subject, e.detail), e.hash):
            return Verdict(count, e.seq, "its content does not match its keyed hash (edited, "
                                         "re-chained without the key, or another key)")
        mark = marks.get(e.seq)
        if mark is not None and mark.hash != e.hash:
            return Verdict(count, e.seq, f"it does not match the checkpoint of {mark.at}")
        prev, expected_seq = e.hash, expected_seq + 1
    end = expected_seq - 1
    if newest is not None and newest.seq > end:
        return Verdict(count, end + 1, f"the log ends at {end} but a checkpoint says "
                                       f"{newest.seq} (written {newest.at}): entries "
                                       f"{end + 1} to {newest.seq} are missing",
                       checkpoint=newest)
    return Verdict(count, None, head=(end, prev) if end > 0 else None, checkpoint=newest)
