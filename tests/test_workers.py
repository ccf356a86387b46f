"""Several server workers on one PostgreSQL database (``pollguard serve --workers N``, or
several machines behind a load balancer): the escalation clock runs in exactly one worker at a
time and a killed worker's clock is taken over; a report written through one worker reaches the
live stream of another; SIGKILL of a worker loses no acknowledged report and duplicates none.
SQLite (one writer) refuses several workers. The PostgreSQL tests skip without
``POLLGUARD_TEST_DATABASE_URL``, like the suite's other PostgreSQL runs."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import func, select

from browser_support import free_port
from conftest import TEST_DB_ENV, fresh_database_url
from pollguard.services.leader import ClockLeader
from pollguard.store.database import Database, open_database
from pollguard.store.tables import FieldReportRecord
from pollguard.web import app as web_app
from web_client import token_headers

POSTGRES = os.environ.get(TEST_DB_ENV, "").startswith("postgres")
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason=f"several workers need PostgreSQL: set {TEST_DB_ENV}")
EXE = str(Path(sys.executable).with_name("pollguard"))
API = "/api/v1"


def test_sqlite_refuses_several_workers(tmp_path: Path) -> None:
    """One writer: the refusal says so, in Bahasa Indonesia first, and nothing starts."""
    done = subprocess.run([EXE, "--db", f"sqlite:///{tmp_path / 'one.db'}", "serve",
                           "--port", str(free_port()), "--workers", "2"],
                          capture_output=True, text=True, timeout=120)
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, said
    assert "memerlukan PostgreSQL" in said and "needs PostgreSQL" in said, said
    assert said.index("memerlukan") < said.index("needs"), said


@needs_postgres
def test_one_leader_at_a_time_and_takeover(tmp_path: Path) -> None:
    """Of three processes' leaders, one holds the clock round after round; when its
    connection goes, the next to try holds it."""
    with fresh_database_url(tmp_path) as url:
        dbs = [open_database(url) for _ in range(3)]
        leaders = [ClockLeader(d.engine) for d in dbs]
        try:
            rounds = [[lead.holds() for lead in leaders] for _ in range(5)]
            assert all(r == rounds[0] for r in rounds) and sum(rounds[0]) == 1, rounds
            first = rounds[0].index(True)
            leaders[first].release()  # its connection closes, as a killed process's does
            others = [lead for i, lead in enumerate(leaders) if i != first]
            after = [lead.holds() for lead in others]
            assert sum(after) == 1, after
            assert not leaders[first].holds()  # back, it finds the clock taken
            assert [lead.holds() for lead in others] == after  # and its holder keeps it
        finally:
            for lead in leaders:
                lead.release()
            for d in dbs:
                d.dispose()


@needs_postgres
def test_clock_round_runs_once_per_interval_across_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers' clock loops on one database: every interval one round runs, in one of
    them; the other runs them once the first is gone."""
    every = 0.05
    counts: Counter[int] = Counter()

    def round_(app: Any, now: Any = None) -> tuple[float, list[Any]]:
        counts[id(app)] += 1
        return every, []

    monkeypatch.setattr(web_app, "escalation_round", round_)
    monkeypatch.setattr(web_app, "presence_round", lambda app, now=None: [])
    monkeypatch.setattr(web_app, "_interval", lambda app: every)
    with fresh_database_url(tmp_path) as url:
        dbs = [open_database(url) for _ in range(2)]
        apps = [web_app.create_app(d) for d in dbs]

        async def run() -> tuple[Counter[int], Counter[int]]:
            tasks = [asyncio.create_task(web_app.escalation_loop(a)) for a in apps]
            await asyncio.sleep(1.0)
            first = counts.copy()
            leader = next(i for i, a in enumerate(apps) if counts[id(a)])
            tasks[leader].cancel()  # the worker dies ...
            await asyncio.to_thread(apps[leader].state.clock_leader.release)  # ... and its
            await asyncio.sleep(1.0)  # connection with it
            tasks[1 - leader].cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return first, counts.copy()

        try:
            first, second = asyncio.run(run())
        finally:
            for each in apps:
                each.state.clock_leader.release()
            for d in dbs:
                d.dispose()
    a, b = (id(x) for x in apps)
    ran = [n for n in (first[a], first[b]) if n]
    assert len(ran) == 1, first  # one worker ran the rounds ...
    assert 8 <= ran[0] <= 1.0 / every + 2, first  # ... about once per interval
    leader, other = (a, b) if first[a] else (b, a)
    assert second[leader] == first[leader], (first, second)  # the dead one ran no more
    assert second[other] >= 8, (first, second)  # the other took the clock over


# --- Two servers on one database -------------------------------------------------------------

@contextmanager
def _server(db: Database, folder: Path, name: str,
            options: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``pollguard serve`` in a process of its own on ``db``: (base URL, the process)."""
    port = free_port()
    url = db.engine.url.render_as_string(hide_password=False)
    with (folder / f"{name}.log").open("w") as log:
        proc = subprocess.Popen([EXE, "--db", url, "serve", "--port", str(port), *options],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _healthy(base, proc, folder / f"{name}.log")
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    for _ in range(240):
        try:
            r = httpx.get(f"{base}{API}/health", timeout=2)
            if r.status_code == 200:
                return dict(r.json())
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.25)
    raise RuntimeError("not healthy in time: " + log.read_text()[-2000:])


def _own_tps(base: str, officer: dict[str, str]) -> str:
    mine = httpx.get(f"{base}{API}/me/assignment", headers=officer, timeout=30).json()
    return str(mine["tps"][0]["tps_ids"][0])


def _report(tps: str) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "tps_id": tps, "kind": "status",
            "phase": "set_up", "sent_at": dt.datetime.now(dt.UTC).isoformat()}


def _stored(db: Database, ids: list[str]) -> Counter[str]:
    with db.sessions() as s:
        rows = s.execute(select(FieldReportRecord.client_id, func.count())
                         .where(FieldReportRecord.client_id.in_(ids))
                         .group_by(FieldReportRecord.client_id)).all()
    return Counter({cid: n for cid, n in rows})


@needs_postgres
def test_report_through_one_worker_reaches_the_stream_of_another(
        planned_db: Database, tmp_path: Path) -> None:
    """A report sent to worker A is on the live stream a client holds open on worker B."""
    polda, officer = token_headers(planned_db, "polda"), token_headers(planned_db, "petugas")
    with (_server(planned_db, tmp_path, "a") as (a, _),
          _server(planned_db, tmp_path, "b") as (b, _)):
        tps = _own_tps(a, officer)
        body = _report(tps)
        seen: list[dict[str, Any]] = []
        opened = threading.Event()

        def listen() -> None:
            stream = httpx.stream("GET", f"{b}{API}/events", params={"limit": 20},
                                  headers=polda, timeout=httpx.Timeout(30, read=20))
            with contextlib.suppress(httpx.HTTPError), stream as r:
                opened.set()
                name = ""
                for line in r.iter_lines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: ") and name == "report":
                        seen.append(json.loads(line[6:]))
                        if seen[-1].get("client_id") == body["client_id"]:
                            return

        reader = threading.Thread(target=listen, daemon=True)
        reader.start()
        assert opened.wait(60)
        time.sleep(0.5)  # the stream has read the log's head
        sent = httpx.post(f"{a}{API}/reports", json=body, headers=officer, timeout=30)
        assert sent.status_code == 201, sent.text
        reader.join(timeout=30)
    assert any(e.get("client_id") == body["client_id"] and e.get("tps_id") == tps
               for e in seen), seen


@needs_postgres
def test_sigkill_of_one_worker_loses_and_duplicates_nothing(planned_db: Database,
                                                            tmp_path: Path) -> None:
    """Reports sent to two workers (gunicorn, ``--workers 2``) while one worker is SIGKILLed:
    the phone resends what was not acknowledged with the same client id; afterwards every
    report is stored exactly once, and the supervisor has a worker in the dead one's place."""
    officer = token_headers(planned_db, "petugas")
    with _server(planned_db, tmp_path, "pair", ("--workers", "2")) as (base, proc):
        tps = _own_tps(base, officer)
        bodies = [_report(tps) for _ in range(60)]
        acked: set[str] = set()
        pids = {c.pid for c in psutil.Process(proc.pid).children()}
        assert len(pids) == 2, pids
        victim = min(pids)
        for i, body in enumerate(bodies):
            if i == 20:
                os.kill(victim, signal.SIGKILL)
            for _ in range(100):  # the phone's outbox: the same client id until acknowledged
                try:
                    r = httpx.post(f"{base}{API}/reports", json=body, headers=officer,
                                   timeout=10)
                except httpx.TransportError:
                    time.sleep(0.1)
                    continue
                if r.status_code in (200, 201):
                    acked.add(body["client_id"])
                    break
                assert r.status_code >= 500, r.text
                time.sleep(0.1)
        for _ in range(80):  # gunicorn starts a worker in the dead one's place
            now = {c.pid for c in psutil.Process(proc.pid).children()}
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.25)
        assert len(now) == 2 and victim not in now, (pids, now)
    ids = [b["client_id"] for b in bodies]
    assert acked == set(ids)
    stored = _stored(planned_db, ids)
    assert set(stored) == set(ids) and set(stored.values()) == {1}, stored
