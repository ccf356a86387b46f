"""Audit trail use cases: read the newest entries, verify the keyed chain against its signed
checkpoints (at once, or a little at a time for the audit page), write a checkpoint, and follow
the log as the live stream does.

Every write of PollGuard appends its entry in its own transaction
(``pollguard.store.audit.append``, called by the other services); this module only reads and
verifies, for the command line, the audit page and the live stream."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pollguard.audit.chain import Entry, Verdict
from pollguard.store import audit
from pollguard.store.database import Database
from pollguard.store.seal import CheckpointFile
from pollguard.store.uow import UnitOfWork

FULL_CHECK_S = 600.0


def recent(*, db: Database, limit: int = 100, offset: int = 0,
           action_prefix: str | None = None) -> tuple[list[Entry], int]:
    """The newest entries first (``action_prefix`` filters, e.g. ``plan.``), with the total
    count for paging."""
    with UnitOfWork(db) as uow:
        return audit.recent(uow.session, limit=limit, offset=offset, action_prefix=action_prefix)


def verify(*, db: Database) -> tuple[Verdict, CheckpointFile]:
    """The whole chain recomputed and held against the signed checkpoints, and what the
    checkpoint file holds."""
    with UnitOfWork(db) as uow:
        return audit.check(uow.session), audit.checkpoints(uow.session)


def checkpoint(*, db: Database) -> tuple[tuple[int, str] | None, CheckpointFile]:
    """Sign a checkpoint of the newest entry now: the entry (None for an empty log, when
    nothing is written) and the checkpoint file afterwards."""
    with UnitOfWork(db) as uow:
        return audit.checkpoint_now(uow.session), audit.checkpoints(uow.session)


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
        """The verdict, and the first entry this check recomputed (1: the whole chain)."""
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


@dataclass(frozen=True)
class AuditPage:
    entries: list[Entry]  # newest first
    total: int  # entries matching the filter
    verdict: Verdict
    verified_from: int  # the first entry this look recomputed (1: the whole chain)


def page(*, db: Database, watch: ChainWatch, limit: int = 100, offset: int = 0,
         action_prefix: str | None = None) -> AuditPage:
    """One page of the log, newest first, with the chain checked as far as ``watch`` has got
    (in the same transaction: the page and the verdict see the same log)."""
    with UnitOfWork(db) as uow:
        rows, total = audit.recent(uow.session, limit=limit, offset=offset,
                                   action_prefix=action_prefix)
        verdict, start = watch.check(uow.session)
    return AuditPage(rows, total, verdict, start)
