"""The server's report writer (web/ingest.py) answers each report of a batch with its outcome
and whether its officer is marked absent, reading presence once for the whole batch in its
transaction (issue 18: read per request, on the event loop, it cost more CPU than the
report)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest

from pollguard.operations.field_reports import ReportError, ReportKind, TpsPhase
from pollguard.operations.presence import CheckKind
from pollguard.services import field_reports, presence
from pollguard.store import field_reports as report_store
from pollguard.store import plans
from pollguard.store import presence as presence_store
from pollguard.store.database import Database
from pollguard.store.presence import PlannedPost
from pollguard.store.uow import UnitOfWork
from pollguard.web.ingest import ReportWriter, Written

NOW = dt.datetime(2024, 11, 27, 0, 30, tzinfo=dt.UTC)


def _posts(db: Database) -> tuple[PlannedPost, PlannedPost]:
    """Two posts of the plan in force, each with an officer of its own and a TPS."""
    with UnitOfWork(db) as uow:
        plan = plans.in_force(uow.session)
        assert plan is not None
        found = [p for p in presence_store.posts(uow.session, plan[0]) if p.nrps and p.tps_ids]
    return found[0], found[1]


def _pending(nrp: str, tps_id: str, cid: str | None = None) -> field_reports.Pending:
    return field_reports.Pending(field_reports.Submission(
        client_id=cid or str(uuid.uuid4()), tps_id=tps_id, kind=ReportKind.STATUS, sent_at=NOW,
        phase=TpsPhase.SET_UP), nrp, "test (field_officer)", NOW)


def _one_batch(db: Database, batch: list[field_reports.Pending]
               ) -> list[asyncio.Future[Written]]:
    """Queue every report before the writer's thread starts, so that it stores them as one
    batch; the futures of their answers, settled on this test's event loop."""

    async def run() -> list[asyncio.Future[Written]]:
        writer = ReportWriter(db)
        loop = asyncio.get_running_loop()
        done: list[asyncio.Future[Written]] = [loop.create_future() for _ in batch]
        for p, f in zip(batch, done, strict=True):
            writer._queue.put((p, f))
        writer._start()
        _, waiting = await asyncio.wait(done, timeout=30)
        writer.stop()
        assert not waiting
        return done

    return asyncio.run(run())


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    calls: list[set[str]] = []
    real = presence.absent_in

    def counted(session: Any, plan_id: int, nrps: set[str], **kw: Any) -> set[str]:
        calls.append(set(nrps))
        return real(session, plan_id, nrps, **kw)

    monkeypatch.setattr(presence, "absent_in", counted)
    return calls


def test_a_batch_reads_presence_once_and_marks_each_officer(
        planned_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    here, away = _posts(planned_db)
    presence.check(db=planned_db, nrp=here.nrps[0], kind=CheckKind.IN, now=NOW, actor="test",
                   lat=here.lat, lon=here.lon)
    calls = _counting(monkeypatch)
    batch = [_pending(here.nrps[0], here.tps_ids[0]) for _ in range(3)]
    batch += [_pending(away.nrps[0], away.tps_ids[0]) for _ in range(3)]
    batch.append(_pending(away.nrps[0], here.tps_ids[0]))  # not his TPS: refused
    answers = [f.result() for f in _one_batch(planned_db, batch)]
    assert calls == [{here.nrps[0], away.nrps[0]}]  # once for the batch, not once a report
    assert [a.absent for a in answers] == [False] * 3 + [True] * 3 + [False]
    assert all(not isinstance(a.outcome, ReportError) and a.outcome[1] for a in answers[:6])
    assert isinstance(answers[6].outcome, field_reports.NotPlottedError)


def test_a_failed_presence_read_rolls_the_batch_back_and_the_resend_stores_it_once(
        planned_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Presence is read in the batch's transaction: if that read fails, nothing of the batch
    is stored, the phones get an error and resend, and the resend stores each report once."""
    _, away = _posts(planned_db)
    first = [_pending(away.nrps[0], away.tps_ids[0]) for _ in range(2)]
    ids = [p.report.client_id for p in first]

    def broken(*args: Any, **kw: Any) -> set[str]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(presence, "absent_in", broken)
    assert all(isinstance(f.exception(), RuntimeError) for f in _one_batch(planned_db, first))
    with UnitOfWork(planned_db) as uow:
        assert report_store.get_many(uow.session, ids) == {}
    monkeypatch.undo()
    answers = [f.result() for f in _one_batch(planned_db, first + first)]
    assert [(a.outcome[0].client_id, a.outcome[1], a.absent) for a in answers  # type: ignore[index]
            ] == [(cid, True, True) for cid in ids] + [(cid, False, True) for cid in ids]


def test_a_batch_is_stored_as_sent_whatever_its_columns_hold(planned_db: Database) -> None:
    """One batch as one array per column on PostgreSQL (store.field_reports.insert_many): a
    column empty in every report, text that looks like array syntax or NULL, and coordinates
    in some reports only read back exactly as sent, on SQLite and PostgreSQL alike."""
    here, _ = _posts(planned_db)
    nrp, tps = here.nrps[0], here.tps_ids[0]
    odd = 'NULL {a,"b"} \\ ,; Kerinci — 100% "rusuh"'
    batch = [field_reports.Pending(field_reports.Submission(
        client_id=str(uuid.uuid4()), tps_id=tps, kind=ReportKind.INCIDENT, sent_at=NOW,
        incident_kind=kind, text=text, lat=lat, lon=lon), nrp, "test (field_officer)", NOW)
        for kind, text, lat, lon in (("crowd_gathering", odd, None, None),
                                     ("intimidation", "NULL", -2.07, 101.39),
                                     ("violence", "", None, None))]
    batch.append(_pending(nrp, tps))
    answers = [f.result() for f in _one_batch(planned_db, batch)]
    made = [a.outcome[0] for a in answers]  # type: ignore[index]
    with UnitOfWork(planned_db) as uow:
        stored = report_store.get_many(uow.session, [p.report.client_id for p in batch])
    assert [stored[r.client_id] for r in made] == made
    assert [(r.text, r.lat, r.lon, r.phase, r.severity is not None) for r in made] == [
        (odd, None, None, None, True), ("NULL", -2.07, 101.39, None, True),
        ("", None, None, None, True), ("", None, None, TpsPhase.SET_UP, False)]


def test_the_writer_lets_its_thread_take_the_gil_promptly(planned_db: Database) -> None:
    """After each database round trip the writer's thread waits for the GIL: the server runs
    with a 1 ms switch interval, not Python's 5 ms, once its writer has started."""
    import sys

    from pollguard.web.ingest import SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        here, _ = _posts(planned_db)
        _one_batch(planned_db, [_pending(here.nrps[0], here.tps_ids[0])])
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    finally:
        sys.setswitchinterval(before)
