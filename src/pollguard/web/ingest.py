"""The server's report writer: one thread that stores the reports arriving together in one
transaction (group commit).

On voting day thousands of phones report within minutes, and most reports arrive in bursts
(polls open at 07:00, close at 13:00). One transaction per report spends its time on commit and
per-statement overhead; storing what has queued up while the previous batch was written costs
about the same as storing one (3 ms for one report, 6 ms for 20 on the demo's SQLite). A lone
report is written at once. Under load (the last batch held more than one report) the writer
lingers up to ``LINGER_S`` for more before it writes: 25 ms of latency buy batches several
times larger (at 600 reports/s, a batch of a dozen instead of a few, where each batch's
transaction costs about as much as storing three reports; at 8 ms the report p50 was 336-412 ms
on the 2-core bench machine, at 25 ms 197 ms, the phones no longer queueing behind the
writer). A request is answered only after its batch has committed, so an acknowledged report
is durable.

The answer also says whether the officer is marked absent (plotted at a post and not present
at it), read for the whole batch in its transaction (``field_reports.store_batch``): read per
request, on the event loop, it cost more CPU than storing the report (issue 18).

Each request waits on an asyncio future of its own event loop. The writer settles a batch's
futures in one call on that loop (``call_soon_threadsafe`` once a batch, not once a report):
waking the loop per report, through ``concurrent.futures``, cost a tenth of the server's CPU
per report under load.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pollguard.operations.field_reports import ReportError
from pollguard.services import field_reports
from pollguard.services.database import Database

MAX_BATCH = 200
LINGER_S = 0.025
# The writer thread hands the GIL back and forth with the event loop: after each database
# round trip it waits for the loop to let go of the GIL, which a busy loop does only after
# the interpreter's switch interval (5 ms by default). A batch makes about ten round trips:
# at 600 reports/s on one worker, 1 ms brought the reports' p99 from 225 ms to 169 ms (155 to
# 117 ms at 500/s), the server's CPU per report unchanged (issue 18, bench/live_bench.py).
SWITCH_INTERVAL_S = 0.001
_STOP = None


@dataclass(frozen=True)
class Written:
    """A report's outcome once its batch is committed, and whether its officer is marked
    absent (plotted at a post and not present at it), read in the batch's transaction."""

    outcome: field_reports.Outcome
    absent: bool = False


class ReportWriter:
    def __init__(self, db: Database, max_batch: int = MAX_BATCH,
                 linger_s: float = LINGER_S) -> None:
        self.db = db
        self.max_batch = max_batch
        self.linger_s = linger_s
        self._queue: queue.SimpleQueue[
            tuple[field_reports.Pending, asyncio.Future[Written]] | None] = (
            queue.SimpleQueue())
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def submit(self, pending: field_reports.Pending) -> Written:
        """The report's outcome once its batch is committed (or the database's exception)."""
        self._start()
        done: asyncio.Future[Written] = asyncio.get_running_loop().create_future()
        self._queue.put((pending, done))
        return await done

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                if sys.getswitchinterval() > SWITCH_INTERVAL_S:
                    sys.setswitchinterval(SWITCH_INTERVAL_S)
                self._thread = threading.Thread(target=self._run, name="pollguard-reports",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(_STOP)
                self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        log = logging.getLogger("pollguard.reports")
        busy = False
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            deadline = time.monotonic() + (self.linger_s if busy else 0.0)
            while len(batch) < self.max_batch:
                try:
                    wait = deadline - time.monotonic()
                    item = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                batch.append(item)
            busy = len(batch) > 1
            try:
                stored = field_reports.store_batch(db=self.db, batch=[p for p, _ in batch])
            except Exception as exc:  # the batch rolled back: every phone will resend
                log.exception("storing %d reports failed", len(batch))
                _settle_all([(done, exc) for _, done in batch])
                continue
            _settle_all([(done, Written(outcome, not isinstance(outcome, ReportError)
                                        and outcome[0].nrp in stored.absent))
                         for (_, done), outcome in zip(batch, stored.outcomes, strict=True)])


Answer = tuple["asyncio.Future[Written]", Written | BaseException]


def _settle_all(answers: Sequence[Answer]) -> None:
    """Hand each loop its answers in one call (from the writer's thread)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Answer]] = {}
    for answer in answers:
        by_loop.setdefault(answer[0].get_loop(), []).append(answer)
    for loop, theirs in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, theirs)
        except RuntimeError:  # that loop is closed: nobody waits for these answers any more
            log = logging.getLogger("pollguard.reports")
            log.warning("%d answers for a closed event loop dropped", len(theirs))


def _settle(answers: Sequence[Answer]) -> None:
    """On the waiting loop: each future its result, unless its request was cancelled."""
    for done, answer in answers:
        if done.done():
            continue
        if isinstance(answer, BaseException):
            done.set_exception(answer)
        else:
            done.set_result(answer)
