"""Live operations benchmark: 300 field phones reporting at once to the real server, on SQLite
and on PostgreSQL, with the server killed (SIGKILL) in the middle of a second run.

The issue's targets, against a server on 127.0.0.1 with the Jambi demo: the server accepts at
least 500 reports/s sustained with p99 latency under 200 ms; a reinforcement recommendation
takes under 50 ms at p99; after the run every accepted report is in the database exactly once;
killed with SIGKILL mid-run and restarted, with the phones resending, nothing acknowledged is
lost and nothing is duplicated.

Everything runs the way it runs in the field, in a temporary directory:

(1) ``pollguard --db URL demo --no-serve`` builds the Jambi demo (SQLite file in the temporary
    directory, or a fresh PostgreSQL database ``livebench`` dropped at the end);
(2) 300 field-officer accounts with API tokens (services.accounts), one per distinct post of
    the accepted plan, each tied to an officer plotted at that post (their passwords hashed
    with cheap argon2 parameters: they act through tokens); a token for ``polda``;
(3) ``pollguard serve`` (uvicorn, one worker unless --workers) on a free local port;
(4) the phones: ``--procs`` spawned processes, each an asyncio loop with one httpx.AsyncClient
    (or, with ``--client raw``, a minimal HTTP/1.1 client on asyncio streams) and so one
    keep-alive connection per phone. Every phone makes reports at a fixed pace (together
    ``--rate`` reports/s, 20% above the target by default, so that a server that keeps up shows
    more than the target and one that does not shows where it saturates): status reports of
    its post's TPS, phases in order, and a share of incident reports; one request in flight
    per phone; a report is resent with the SAME client id after a network error or a 5xx
    until it is acknowledged (200/201). A phone that falls behind sends its next report at
    once (its outbox), so a saturated server shows as a lower accepted rate, a backlog and
    longer outbox delays;
(5) the baseline, in the same run: GET /api/v1/health round trips, idle before the run and
    sampled every 0.1 s during it, the floor any request pays on this server and machine;
(6) the database is read directly after each run: every acknowledged client id is in
    ``field_report`` exactly once, and nothing else is there;
(7) the recommendation ``GET /api/v1/incidents/{id}/recommendation`` (polda token) on the
    incidents the phones reported: sampled under load and ~300 calls idle after the run;
(8) the crash run: the same load, the server's process group SIGKILLed half-way, restarted on
    the same database and port; the phones keep resending what was not acknowledged, and after
    the outage each resends its last two acknowledged reports (they must answer 200 with the
    stored report and write nothing); then the database is checked again.

Latency is one request's round trip (send to last byte) on the phone's connection; a missed
target is printed as FAIL; the exit code stays 0.

    .venv/bin/python bench/live_bench.py [--db sqlite|postgresql|both] [--phones 300]
        [--seconds 20] [--rate 500] [--procs 1] [--client httpx|raw] [--workers 1]
        [--find-rate 400,500,...] [--compare-workers 1,2] [--profile] [--keep]

``--find-rate`` starts one server per worker count side by side on the same database and
offers the rates in turn, each rate to each server (after a warm-up run at the first rate,
not counted; a rate not kept up with is offered once more before that server's ladder stops),
and reports each count's highest rate that kept up (97% accepted, p99 < 200 ms), each rung's
CPU per request (server, PostgreSQL, load generator) and the ratio of two workers' to one
worker's (the issue's 1.4x).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import multiprocessing as mp
import os
import random
import re
import signal
import subprocess
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from rich.console import Console

from bench_common import (
    Row,
    build_demo,
    child_env,
    free_port,
    ms,
    percentile,
    pollguard_command,
    print_table,
    verdict,
)

RATE_TARGET = 500.0  # reports/s
LATENCY_TARGET_S = 0.200  # p99 of a report
WARM_UP_S = 4.0  # --find-rate: a run at the first rate before the ladder, not counted
# --find-rate: a rate not kept up with is offered once more before the ladder stops. A 10 s
# run's p99 is the worst 1% of ~6,000 answers: one stall of the machine (a PostgreSQL
# checkpoint, another process) moves it across 200 ms, and one such run ended a ladder at
# 750/s that had kept up at 900/s in the run before.
LADDER_RETRIES = 1
RECOMMEND_TARGET_S = 0.050  # p99 of a recommendation
POLDA = "polda"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "test"  # only connected to, to create and drop our own database
PG_BENCH_DB = "livebench"
API = "/api/v1"
RECOMMENDATION = "/incidents/{id}/recommendation"
HEALTH_TIMEOUT_S = 90.0
PROBE_EVERY_S = 0.1
SEEDED_INCIDENTS = 20
RESEND_AFTER_OUTAGE = 2  # acknowledged reports each phone resends once the server is back


# --- helpers ----------------------------------------------------------------------------------


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"


# --- the phones (run in spawned processes) ------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    index: int
    username: str
    token: str
    nrp: str
    post_id: str
    tps_ids: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True)
class LoadConfig:
    base: str
    seconds: float
    rate: float  # reports/s over all phones
    phones_total: int
    incident_share: float
    incident_kinds: tuple[str, ...]
    phases: tuple[str, ...]
    drain_s: float  # how long after the end an unacknowledged report is still resent
    resend_after_outage: bool
    seed: int
    client: str = "raw"  # "raw" (asyncio streams, HTTP/1.1) or "httpx" (httpx.AsyncClient)
    timeout_s: float = 15.0


@dataclass(frozen=True)
class Ack:
    client_id: str
    kind: str
    phone: int
    t_due: float  # when the report was due (s from the start)
    t_made: float  # when the phone made and first sent it
    t_ack: float  # when it was acknowledged
    status: int  # 201 stored / 200 stored before (an earlier attempt's answer was lost)
    attempts: int
    after_error: bool  # a network error or 5xx came before the acknowledgement
    received_at: str
    body: dict[str, Any]


@dataclass
class PhoneResults:
    # (t_sent, seconds, HTTP status or 0 for a network error, "new" | "resend")
    attempts: list[tuple[float, float, int, str]] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    resends: list[tuple[str, int, bool]] = field(default_factory=list)  # (id, status, same)
    unacked: list[str] = field(default_factory=list)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    made: int = 0
    backlog: int = 0  # reports due before the end that the phone never got to make
    cpu_s: float = 0.0
    wall_s: float = 0.0
    loop_lag: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: PhoneResults) -> None:
        self.attempts += other.attempts
        self.acks += other.acks
        self.resends += other.resends
        self.unacked += other.unacked
        self.rejected += other.rejected
        self.made += other.made
        self.backlog += other.backlog
        self.cpu_s += other.cpu_s
        self.wall_s = max(self.wall_s, other.wall_s)
        self.loop_lag += other.loop_lag
        self.errors.update(other.errors)


def phones_process(index: int, phones: list[Phone], cfg: LoadConfig, go: Any, start: Any,
                   out: Any) -> None:
    """One load-generator process: its phones, one asyncio loop."""
    try:
        # uvloop where installed (uvicorn's own loop): on a small machine the load generator
        # shares the cores with the server it measures, and uvloop's loop costs it less.
        run: Any = asyncio.run
        with contextlib.suppress(ImportError):
            import uvloop
            run = uvloop.run
        results = run(_drive(index, phones, cfg, go, start, out))
        out.put(("result", index, results))
    except BaseException as e:  # reported to the parent, which prints it
        out.put(("error", index, f"{type(e).__name__}: {e}"))


class NetError(Exception):
    """A request that got no HTTP answer (refused, reset, closed, timed out)."""


class HttpxPhone:
    """One phone's connection through httpx.AsyncClient (one keep-alive connection)."""

    def __init__(self, base: str, token: str, timeout: float) -> None:
        self.client = httpx.AsyncClient(
            base_url=base, timeout=timeout, verify=False, trust_env=False,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"Authorization": f"Bearer {token}"})

    async def request(self, method: str, path: str,
                      body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        try:
            r = await self.client.request(method, path, json=body)
        except httpx.TransportError as e:
            raise NetError(type(e).__name__) from e
        return r.status_code, r.content

    async def close(self) -> None:
        await self.client.aclose()


class RawPhone:
    """One phone's connection as a minimal HTTP/1.1 keep-alive client on asyncio streams: the
    same requests on the wire as httpx, for a fraction of the client's CPU (so that on a small
    machine the load generator takes less of the cores the server needs)."""

    def __init__(self, base: str, token: str, timeout: float) -> None:
        hostport = base.split("://", 1)[1]
        self.host, port = hostport.rsplit(":", 1)
        self.port, self.timeout = int(port), timeout
        self.head = (f"Host: {hostport}\r\nAuthorization: Bearer {token}\r\n"
                     f"Accept: application/json\r\nUser-Agent: live-bench\r\n")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str,
                      body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        try:
            async with asyncio.timeout(self.timeout):  # no task per request, as wait_for makes
                return await self._exchange(head.encode() + b"\r\n" + payload)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError, ValueError) as e:
            await self.close()
            name = ("ConnectError" if isinstance(e, ConnectionRefusedError) else
                    "ReadTimeout" if isinstance(e, TimeoutError) else
                    "RemoteProtocolError" if isinstance(e, asyncio.IncompleteReadError)
                    else type(e).__name__)
            raise NetError(name) from e

    async def _exchange(self, data: bytes) -> tuple[int, bytes]:
        if self.reader is None or self.reader.at_eof():  # first use, or closed by the server
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.writer is not None
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        if "content-length" not in headers:
            raise ValueError(f"no Content-Length in the answer ({lines[0]})")
        content = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


PhoneClient = HttpxPhone | RawPhone


async def _drive(index: int, phones: list[Phone], cfg: LoadConfig, go: Any, start: Any,
                 out: Any) -> PhoneResults:
    kind = RawPhone if cfg.client == "raw" else HttpxPhone
    clients: list[PhoneClient] = [kind(cfg.base, p.token, cfg.timeout_s) for p in phones]
    try:
        # one connection per phone, opened before the start
        await asyncio.gather(*(c.request("GET", f"{API}/health") for c in clients))
        out.put(("ready", index, None))
        await asyncio.to_thread(go.wait)
        t0 = float(start.value)
        await asyncio.sleep(max(0.0, t0 - time.time()))
        rec = PhoneResults()
        done = asyncio.Event()
        lag = asyncio.create_task(_loop_lag(rec, done))
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(_phone(p, c, cfg, t0, rec) for p, c in zip(phones, clients,
                                                                           strict=True)))
        rec.cpu_s, rec.wall_s = time.process_time() - cpu0, time.perf_counter() - wall0
        done.set()
        await lag
        return rec
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def _loop_lag(rec: PhoneResults, done: asyncio.Event, every: float = 0.05) -> None:
    """How late the event loop wakes a sleeper: a load generator that is its own bottleneck
    shows here (its responses wait in the socket while the loop is busy)."""
    while not done.is_set():
        t = time.perf_counter()
        await asyncio.sleep(every)
        rec.loop_lag.append(max(0.0, time.perf_counter() - t - every))


def _report(phone: Phone, cfg: LoadConfig, rng: random.Random,
            statuses: list[tuple[str, str]], k: int) -> tuple[dict[str, Any], int]:
    body: dict[str, Any] = {"client_id": str(uuid.uuid4()), "sent_at": now_iso(),
                            "lat": phone.lat, "lon": phone.lon}
    if rng.random() < cfg.incident_share:
        body |= {"tps_id": rng.choice(phone.tps_ids), "kind": "incident",
                 "incident_kind": rng.choice(cfg.incident_kinds),
                 "severity": rng.choice((None, 1, 2, 3)),
                 "text": f"live bench: incident from phone {phone.index}"}
        return body, k
    tps, phase = statuses[k % len(statuses)]  # phases in order; the day starts over at the end
    return body | {"tps_id": tps, "kind": "status", "phase": phase}, k + 1


async def _send(client: PhoneClient, body: dict[str, Any], t0: float, until: float,
                rec: PhoneResults, rng: random.Random, tag: str,
                ) -> tuple[tuple[int, dict[str, Any]] | None, int, bool]:
    """POST ``body`` until acknowledged (same client id every time): ((status, answer) of the
    acknowledgement or None, attempts, whether a network error or 5xx came first)."""
    attempts, troubled = 0, False
    while True:
        attempts += 1
        sent = time.time() - t0
        p0 = time.perf_counter()
        try:
            status, content = await client.request("POST", f"{API}/reports", body)
        except NetError as e:
            rec.attempts.append((sent, time.perf_counter() - p0, 0, tag))
            rec.errors[str(e)] += 1
            troubled = True
        else:
            rec.attempts.append((sent, time.perf_counter() - p0, status, tag))
            if status in (200, 201):
                return (status, json.loads(content)), attempts, troubled
            if status < 500 and status != 429:
                rec.rejected.append((body["client_id"], status,
                                     content[:200].decode(errors="replace")))
                return None, attempts, troubled
            rec.errors[f"HTTP {status}"] += 1
            troubled = True
        if time.time() > until:
            rec.unacked.append(body["client_id"])
            return None, attempts, troubled
        await asyncio.sleep(min(1.0, 0.05 * 2 ** min(attempts, 5)) * rng.uniform(0.5, 1.0))


async def _phone(phone: Phone, client: PhoneClient, cfg: LoadConfig, t0: float,
                 rec: PhoneResults) -> None:
    rng = random.Random(cfg.seed * 100_003 + phone.index)
    interval = cfg.phones_total / cfg.rate
    due = rng.uniform(0, interval)
    statuses = [(t, p) for p in cfg.phases for t in phone.tps_ids]
    k = 0
    acked: list[tuple[dict[str, Any], str]] = []
    until = cfg.seconds + cfg.drain_s + t0
    while True:
        now = time.time() - t0
        if now >= cfg.seconds or due >= cfg.seconds:
            break
        if due > now:
            await asyncio.sleep(due - now)
        made = time.time() - t0
        body, k = _report(phone, cfg, rng, statuses, k)
        rec.made += 1
        r, attempts, troubled = await _send(client, body, t0, until, rec, rng, "new")
        if r is not None:
            status, got = r
            rec.acks.append(Ack(body["client_id"], body["kind"], phone.index, due, made,
                                time.time() - t0, status, attempts, troubled,
                                str(got.get("received_at")), body))
            if troubled and cfg.resend_after_outage:
                # the server is back: resend the last acknowledged reports, which must come
                # back as they were stored (200), writing nothing
                for old, received in acked[-RESEND_AFTER_OUTAGE:]:
                    again, _, _ = await _send(client, old, t0, until, rec, rng, "resend")
                    rec.resends.append((old["client_id"], again[0] if again else 0,
                                        again is not None and again[0] == 200
                                        and again[1].get("received_at") == received))
            acked.append((body, str(got.get("received_at"))))
        due += interval
    if due < cfg.seconds:
        rec.backlog += math.ceil((cfg.seconds - due) / interval)


# --- the server and the database ----------------------------------------------------------------


class Server:
    """``pollguard serve`` in its own process group, restartable on the same port."""

    def __init__(self, tmp: Path, db_url: str, env: dict[str, str], workers: int,
                 supervisor: str | None = None) -> None:
        self.tmp, self.db_url, self.env, self.workers = tmp, db_url, env, workers
        self.supervisor = supervisor
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and wait for /health; seconds it took."""
        t0 = time.perf_counter()
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [pollguard_command(), "--db", self.db_url, "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers),
                 *(["--server", self.supervisor] if self.supervisor else [])],
                cwd=self.tmp, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.perf_counter() + HEALTH_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited {self.proc.returncode}:\n"
                                   + self.log.read_text()[-2000:])
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}{API}/health", timeout=2).status_code == 200:
                    return time.perf_counter() - t0
            time.sleep(0.05)
        raise RuntimeError("the server was not healthy in time:\n" + self.log.read_text()[-2000:])

    def cpu(self) -> float:
        """CPU seconds of the server's process and its children so far."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        try:
            p = psutil.Process(self.proc.pid)
            total = sum(p.cpu_times()[:2])
            for c in p.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += sum(c.cpu_times()[:2])
            return total
        except psutil.Error:
            return 0.0

    def settle(self, below: float = 0.2, window: float = 0.5, limit: float = 180.0) -> float:
        """Wait until the server uses under ``below`` of a core (its workers started, queued
        work done), at most ``limit`` s: idle figures are taken on an idle server. Seconds.
        A server writes the plan's documents when it starts (``prebuild``: 45 s of a core for
        the Jambi demo on a 2-core machine); on voting day that was done hours before."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < limit:
            c0 = self.cpu()
            time.sleep(window)
            if (self.cpu() - c0) / window < below:
                break
        return time.perf_counter() - t0

    def kill_one_worker(self) -> None:
        """SIGKILL one worker process (the supervisor starts another; the rest serve on)."""
        assert self.proc is not None
        workers = psutil.Process(self.proc.pid).children()
        os.kill(min(w.pid for w in workers), signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the server's process group (the process this benchmark started)."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@contextlib.contextmanager
def bench_database(kind: str, tmp: Path) -> Iterator[str]:
    """The database URL: a SQLite file in ``tmp``, or a fresh PostgreSQL database of our own
    (dropped on the way out)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'live.db'}"
        return
    import psycopg

    admin = f"postgresql://postgres@127.0.0.1:5432/{PG_ADMIN_DB}"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")  # ours, left over
        c.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    try:
        yield f"{PG_SERVER}/{PG_BENCH_DB}"
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def make_accounts(db_url: str, n: int, seed: int) -> tuple[list[Phone], str, float]:
    """``n`` field-officer accounts with API tokens, one per distinct post of the plan in force,
    each tied to an officer plotted at that post; a token for the Polda account; seconds."""
    from concurrent.futures import ThreadPoolExecutor
    from unittest import mock

    from argon2 import PasswordHasher

    from pollguard.access import Role
    from pollguard.domain.plan import Role as PlanRole
    from pollguard.services import accounts
    from pollguard.store import plans
    from pollguard.store.database import open_database
    from pollguard.store.uow import UnitOfWork

    t0 = time.perf_counter()
    db = open_database(db_url)
    try:
        with UnitOfWork(db) as uow:
            plan_id = plans.latest_id(uow.session)
            plan = plans.load(uow.session, plan_id) if plan_id else None
        if plan is None:
            raise RuntimeError("the demo database has no plan in force")
        taken = {a.nrp for a in accounts.demo_accounts(db=db) if a.nrp}  # the demo's petugas
        officer: dict[str, str] = {}
        for a in plan.assignments:
            if a.role == PlanRole.POST and a.nrp not in taken:
                officer.setdefault(a.target_id, a.nrp)
        posts = sorted((p for p in plan.posts if p.post_id in officer), key=lambda p: p.post_id)
        if len(posts) < n:
            raise RuntimeError(f"only {len(posts)} posts with a plotted officer; asked for {n}")
        chosen = random.Random(seed).sample(posts, n)

        def one(i: int) -> Phone:
            post = chosen[i]
            name = f"phone-{i:04d}"
            accounts.create_user(db=db, username=name, password=f"live-bench-{i:04d}",
                                 role=Role.FIELD_OFFICER, nrp=officer[post.post_id],
                                 display_name=f"Live bench phone {i}", actor="live bench")
            token = accounts.create_token(db=db, username=name, name="live bench",
                                          actor="live bench")
            return Phone(i, name, token, officer[post.post_id], post.post_id,
                         tuple(post.tps_ids), post.lat, post.lon)

        # The bench's accounts act through API tokens only; their passwords are hashed with
        # cheap argon2id parameters (a valid hash: verify() reads them from it) instead of the
        # service's 64 MiB x 3 passes, which would take minutes for 300 accounts here.
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        with mock.patch.object(accounts, "_hasher", cheap), ThreadPoolExecutor(2) as pool:
            phones = list(pool.map(one, range(n)))
        polda = accounts.create_token(db=db, username=POLDA, name="live bench",
                                      actor="live bench")
    finally:
        db.dispose()
    return phones, polda, time.perf_counter() - t0


def stored_ids(db_url: str) -> list[str]:
    """Every client id in field_report, read straight from the database (one per row)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            return [str(x) for x in c.execute(text("SELECT client_id FROM field_report"))
                    .scalars()]
    finally:
        engine.dispose()


@dataclass
class OnceCheck:
    acked: int  # distinct acknowledged client ids (all runs so far)
    rows: int
    duplicated: int  # client ids stored more than once
    lost: int  # acknowledged, not stored
    extra: int  # stored, never acknowledged
    extra_unacked: int  # of those, sent but left unacknowledged at the end (outcome unknown)

    @property
    def ok(self) -> bool:
        return (self.duplicated == 0 and self.lost == 0 and self.extra == 0
                and self.rows == self.acked)


def check_once(db_url: str, acked: set[str], unacked: set[str]) -> OnceCheck:
    rows = stored_ids(db_url)
    counts = Counter(rows)
    stored = set(counts)
    extra = stored - acked
    return OnceCheck(len(acked), len(rows), sum(1 for c in counts.values() if c > 1),
                     len(acked - stored), len(extra), len(extra & unacked))


# --- the runs -----------------------------------------------------------------------------------


@dataclass
class Probe:
    health: list[tuple[float, float, int]] = field(default_factory=list)  # (t, s, status)
    recommend: list[tuple[float, float, int]] = field(default_factory=list)
    errors: int = 0


@dataclass
class RunResult:
    seconds: float
    phones: PhoneResults
    probe: Probe
    server_cpu_s: float
    postgres_cpu_s: float
    machine_busy: float  # share of all cores busy during the run (0..1)
    wall_s: float
    main_cpu_s: float = 0.0  # this process: the probe, the crash controller
    load_avg: float = math.nan  # 1-minute load average when the run started
    killed_at: float | None = None
    back_at: float | None = None
    restart_s: float | None = None


class PostgresCpu:
    """CPU seconds the PostgreSQL processes spent since ``start()`` (read only: other users'
    processes). Sampled every 0.5 s so that backends that exit during the run (the server's
    connections die with it) still count up to their last sample."""

    def __init__(self) -> None:
        self.first: dict[tuple[int, float], float] = {}
        self.last: dict[tuple[int, float], float] = {}

    def _sample(self) -> dict[tuple[int, float], float]:
        seen = {}
        for p in psutil.process_iter(["name", "create_time"]):
            if (p.info.get("name") or "").startswith("postgres"):
                with contextlib.suppress(psutil.Error):
                    seen[(p.pid, p.info["create_time"])] = sum(p.cpu_times()[:2])
        return seen

    def start(self) -> None:
        self.first = self._sample()
        self.last = dict(self.first)

    def sample(self) -> None:
        self.last |= self._sample()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sample)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    @property
    def seconds(self) -> float:
        return sum(v - self.first.get(k, 0.0) for k, v in self.last.items())


async def probe_loop(base: str, path: str, headers: dict[str, str], ids: list[str],
                     t0: float, seconds: float, into: list[tuple[float, float, int]],
                     probe: Probe) -> None:
    """Every 0.1 s until the end of the run, one GET of ``path`` (``{id}`` cycling over
    ``ids``) on its own connection: (t, seconds, status) into ``into``."""
    await asyncio.sleep(max(0.0, t0 - time.time()))
    i = 0
    async with httpx.AsyncClient(base_url=base, timeout=10, verify=False, trust_env=False,
                                 headers=headers) as c:
        while time.time() - t0 < seconds:
            url = path.format(id=ids[i % len(ids)]) if ids else path
            t, p0 = time.time() - t0, time.perf_counter()
            try:
                r = await c.get(url)
                into.append((t, time.perf_counter() - p0, r.status_code))
            except httpx.TransportError:
                probe.errors += 1
            i += 1
            await asyncio.sleep(PROBE_EVERY_S)


async def run_load(server: Server, phones: list[Phone], cfg: LoadConfig, procs: int,
                   polda: str, route: str | None, incidents: list[str],
                   crash_at: float | None, postgres: bool, kill_one: bool = False) -> RunResult:
    """One run: the phones in ``procs`` processes, the probe here, and the kill if asked
    (the whole server, or with ``kill_one`` one of its workers)."""
    ctx = mp.get_context("spawn")
    go, start, out = ctx.Event(), ctx.Value("d", 0.0), ctx.Queue()
    chunks = [phones[i::procs] for i in range(procs)]
    workers = [ctx.Process(target=phones_process, args=(i, chunk, cfg, go, start, out),
                           daemon=True) for i, chunk in enumerate(chunks)]
    for w in workers:
        w.start()
    try:
        for _ in workers:
            kind, index, payload = await asyncio.to_thread(out.get, True, 120)
            if kind != "ready":
                raise RuntimeError(f"load generator {index}: {payload}")
        t0 = time.time() + 0.5
        start.value = t0
        pg = PostgresCpu()
        if postgres:
            pg.start()
        pg_stop = asyncio.Event()
        if postgres:
            pg_task = asyncio.create_task(pg.run(pg_stop))
        else:
            pg_stop.set()
            pg_task = asyncio.create_task(pg_stop.wait())
        server_cpu0, sys0 = server.cpu(), psutil.cpu_times()
        main_cpu0 = sum(psutil.Process().cpu_times()[:2])
        go.set()
        probe = Probe()
        result = RunResult(cfg.seconds, PhoneResults(), probe, 0.0, 0.0, 0.0, 0.0,
                           load_avg=os.getloadavg()[0])
        tasks = [asyncio.create_task(probe_loop(cfg.base, f"{API}/health", {}, [], t0,
                                                cfg.seconds, probe.health, probe))]
        if route and incidents:
            tasks.append(asyncio.create_task(probe_loop(
                cfg.base, route, {"Authorization": f"Bearer {polda}"}, incidents, t0,
                cfg.seconds, probe.recommend, probe)))
        killed_cpu = 0.0

        async def crash() -> None:
            nonlocal killed_cpu, server_cpu0
            assert crash_at is not None
            await asyncio.sleep(max(0.0, t0 + crash_at - time.time()))
            killed_cpu = server.cpu() - server_cpu0
            if kill_one:
                server.kill_one_worker()
                result.killed_at = time.time() - t0
                result.restart_s = 0.0  # the other workers answer meanwhile
                await asyncio.sleep(1.0)  # reaped: its CPU is counted in killed_cpu
            else:
                server.kill()
                result.killed_at = time.time() - t0
                result.restart_s = await asyncio.to_thread(server.start)
            result.back_at = result.killed_at + result.restart_s
            server_cpu0 = server.cpu()

        if crash_at is not None:
            tasks.append(asyncio.create_task(crash()))
        for _ in workers:
            kind, index, payload = await asyncio.to_thread(
                out.get, True, cfg.seconds + cfg.drain_s + 120)
            if kind != "result":
                raise RuntimeError(f"load generator {index}: {payload}")
            result.phones.merge(payload)
        await asyncio.gather(*tasks)
        result.wall_s = time.time() - t0
        result.server_cpu_s = killed_cpu + server.cpu() - server_cpu0
        pg_stop.set()
        await pg_task
        if postgres:
            pg.sample()
            result.postgres_cpu_s = pg.seconds
        result.main_cpu_s = sum(psutil.Process().cpu_times()[:2]) - main_cpu0
        sys1 = psutil.cpu_times()
        busy = ((sys1.user + sys1.system + sys1.nice) - (sys0.user + sys0.system + sys0.nice))
        total = sum(sys1) - sum(sys0)
        result.machine_busy = busy / total if total > 0 else math.nan
        return result
    finally:
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():
                w.kill()


def time_get(base: str, path: str, n: int, token: str | None = None,
             ids: Sequence[str] = ()) -> tuple[list[float], Counter[int]]:
    """``n`` sequential GETs on one keep-alive connection (``{id}`` cycles over ``ids``)."""
    times: list[float] = []
    codes: Counter[int] = Counter()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=base, timeout=10, headers=headers, trust_env=False) as c:
        c.get(f"{API}/health")
        for i in range(n):
            url = path.format(id=ids[i % len(ids)]) if ids else path
            p0 = time.perf_counter()
            r = c.get(url)
            times.append(time.perf_counter() - p0)
            codes[r.status_code] += 1
    return times, codes


def recommendation_route(base: str) -> str | None:
    """The recommendation's path in the server's OpenAPI document (its parameter written
    ``{id}``), or None."""
    doc = httpx.get(f"{base}{API}/openapi.json", timeout=30).json()
    for path in doc.get("paths", {}):
        parts = path.split("/")
        if (path.startswith(f"{API}/incidents/") and len(parts) == 6
                and parts[4].startswith("{") and parts[5] == "recommendation"):
            return re.sub(r"\{[^}]+\}", "{id}", path)
    return None


def seed_incidents(base: str, phones: list[Phone], kinds: Sequence[str]) -> list[Ack]:
    """One incident report from each of the first phones before the run, so that the
    recommendation can be sampled under load."""
    acks = []
    for p in phones[:SEEDED_INCIDENTS]:
        body = {"client_id": str(uuid.uuid4()), "tps_id": p.tps_ids[0], "kind": "incident",
                "incident_kind": kinds[p.index % len(kinds)], "sent_at": now_iso(),
                "text": "live bench: seeded incident", "lat": p.lat, "lon": p.lon}
        r = httpx.post(f"{base}{API}/reports", json=body, timeout=30,
                       headers={"Authorization": f"Bearer {p.token}"})
        if r.status_code not in (200, 201):
            raise RuntimeError(f"seed incident: HTTP {r.status_code}: {r.text[:300]}")
        acks.append(Ack(body["client_id"], "incident", p.index, 0, 0, 0, r.status_code, 1,
                        False, str(r.json().get("received_at")), body))
    return acks


def resend_sample(base: str, phones: list[Phone], acks: list[Ack], n: int,
                  seed: int) -> tuple[int, int, int]:
    """Resend ``n`` acknowledged reports as they were sent: (resent, answered 200 with the
    stored report, anything else)."""
    sample = random.Random(seed).sample(acks, min(n, len(acks)))
    ok = bad = 0
    clients: dict[int, httpx.Client] = {}
    try:
        for a in sample:
            c = clients.get(a.phone)
            if c is None:
                c = clients[a.phone] = httpx.Client(
                    base_url=base, timeout=30, trust_env=False,
                    headers={"Authorization": f"Bearer {phones[a.phone].token}"})
            r = c.post(f"{API}/reports", json=a.body)
            if r.status_code == 200 and r.json().get("received_at") == a.received_at:
                ok += 1
            else:
                bad += 1
    finally:
        for c in clients.values():
            c.close()
    return len(sample), ok, bad


# --- where the time goes: one request in-process -----------------------------------------------


def in_process(db_url: str, phone: Phone, runs: int, profile: bool) -> dict[str, Any]:
    """submit_report and token_principal called in this process (no HTTP), on the same
    database, after every check (their reports are not part of any check)."""
    import cProfile
    import datetime as dt
    import pstats

    from pollguard.operations.field_reports import ReportKind, TpsPhase
    from pollguard.services import accounts, field_reports
    from pollguard.store.database import open_database

    db = open_database(db_url)
    try:
        def submit(i: int) -> None:
            field_reports.submit_report(
                db=db, principal_nrp=phone.nrp, actor="live bench", report=field_reports.Submission(
                    client_id=str(uuid.uuid4()), tps_id=phone.tps_ids[0],
                    kind=ReportKind.STATUS, sent_at=dt.datetime.now(dt.UTC),
                    phase=list(TpsPhase)[i % len(TpsPhase)]))

        submit(0)
        t0 = time.perf_counter()
        for i in range(runs):
            submit(i)
        per_submit = (time.perf_counter() - t0) / runs
        t0 = time.perf_counter()
        for _ in range(runs):
            accounts.token_principal(db=db, token=phone.token)
        per_token = (time.perf_counter() - t0) / runs
        top: list[str] = []
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            for i in range(runs):
                submit(i)
            prof.disable()
            stats = pstats.Stats(prof)
            rows = [(v[3], k) for k, v in stats.stats.items()  # type: ignore[attr-defined]
                    if "pollguard" in k[0]]
            for cum, (file, line, name) in sorted(rows, reverse=True)[:10]:
                top.append(f"{cum / runs * 1000:6.2f} ms/call  {name} "
                           f"({file.split('src/')[-1]}:{line})")
    finally:
        db.dispose()
    return {"submit_s": per_submit, "token_s": per_token, "top": top}


# --- the table ----------------------------------------------------------------------------------


def load_config(server: Server, phones: list[Phone], kinds: tuple[str, ...],
                args: argparse.Namespace, rate: float) -> LoadConfig:
    """The phones' load for one steady run at ``rate`` reports/s (no resending after an
    outage: a crash run replaces that)."""
    from pollguard.operations.field_reports import TpsPhase

    return LoadConfig(base=server.base, seconds=args.seconds, rate=rate,
                      phones_total=len(phones), incident_share=args.incident_share,
                      incident_kinds=kinds, phases=tuple(p.value for p in TpsPhase),
                      drain_s=args.drain, resend_after_outage=False, seed=args.seed,
                      client=args.client)


def steady_figures(run: RunResult, crash: bool) -> tuple[float, list[Ack], float, list[float]]:
    """After the first tenth of a run (at least 1 s) as ramp-up: the ramp, the reports
    acknowledged in the window, the accepted rate, and the new reports' latencies (in a crash
    run every acknowledging answer counts, drain included)."""
    ph = run.phones
    ramp = max(1.0, 0.1 * run.seconds)
    window = run.seconds - ramp
    in_window = [a for a in ph.acks if ramp <= a.t_ack < run.seconds]
    rate = len(in_window) / window if window > 0 else math.nan
    lat = [s for t, s, code, tag in ph.attempts
           if tag == "new" and code in (200, 201) and (crash or ramp <= t < run.seconds)]
    return ramp, in_window, rate, lat


def report_rows(label: str, run: RunResult, health_idle: list[float], notes: list[str],
                procs: int, crash: bool) -> list[Row]:
    """Throughput, latency, errors and the load generator's own cost of one run."""
    rows: list[Row] = []
    ph = run.phones
    ramp, in_window, rate, lat = steady_figures(run, crash)
    health = [s for t, s, code in run.probe.health if ramp <= t < run.seconds and code == 200]
    hp99 = percentile(health, 99)
    idle_p99 = percentile(health_idle, 99)
    p99 = percentile(lat, 99)
    offered = ph.made / run.seconds
    codes = Counter(code for _, _, code, _ in ph.attempts)
    if not crash:
        rows.append(Row(f"{label}: accepted reports/s, sustained (t {ramp:.0f}-"
                        f"{run.seconds:.0f} s)", f"{rate:,.0f}/s",
                        f"offered {offered:,.0f}/s made ({ph.made:,} reports by "
                        f"{len({a.phone for a in ph.acks})} phones); backlog at the end "
                        f"{ph.backlog:,}", f">= {RATE_TARGET:.0f}/s",
                        f"{rate / RATE_TARGET:.2f}", verdict(rate >= RATE_TARGET)))
        rows.append(Row(f"{label}: report latency p50 / p95 / p99",
                        f"{ms(percentile(lat, 50))} / {ms(percentile(lat, 95))} / {ms(p99)}",
                        f"health under load p50 {ms(percentile(health, 50))}, p99 {ms(hp99)} "
                        f"(report p99 = {p99 / hp99:,.1f}x); idle health p99 {ms(idle_p99)} "
                        f"({p99 / idle_p99:,.0f}x)", f"p99 < {LATENCY_TARGET_S * 1000:.0f} ms",
                        f"{p99 / LATENCY_TARGET_S:.2f}", verdict(p99 < LATENCY_TARGET_S)))
        delay = [a.t_ack - a.t_due for a in in_window]
        rows.append(Row(f"{label}: outbox delay (due -> acknowledged) p50 / p99",
                        f"{ms(percentile(delay, 50))} / {ms(percentile(delay, 99))}",
                        f"max {ms(max(delay, default=math.nan))}", "-", "-", "info"))
    else:
        total = len(ph.acks) / run.seconds
        rows.append(Row(f"{label}: acknowledged reports/s over the whole run, outage included",
                        f"{total:,.0f}/s", f"report latency p50 {ms(percentile(lat, 50))}, "
                        f"p99 {ms(p99)} (every acknowledging answer, drain included)", "-",
                        "-", "info"))
    errs = ", ".join(f"{k} {v:,}" for k, v in ph.errors.most_common()) or "none"
    rej = Counter(code for _, code, _ in ph.rejected)
    rows.append(Row(f"{label}: errors", f"{sum(ph.errors.values()):,} retried, "
                    f"{len(ph.rejected):,} refused, {len(ph.unacked):,} never acknowledged",
                    f"{errs}; refused: {dict(rej) or 'none'}; HTTP codes "
                    f"{dict(sorted(codes.items()))}", "-", "-",
                    "info" if crash else verdict(not ph.rejected and not ph.unacked)))
    if ph.rejected:
        notes.append(f"{label}: first refusal: {ph.rejected[0]}")
    gen_cpu = ph.cpu_s / ph.wall_s if ph.wall_s else math.nan
    per_req = ph.cpu_s / max(1, len(ph.attempts))
    cores = os.cpu_count() or 1
    ours = run.server_cpu_s + ph.cpu_s + run.postgres_cpu_s + run.main_cpu_s
    others = max(0.0, run.machine_busy * cores * run.wall_s - ours) / run.wall_s
    pg_part = (f", PostgreSQL (all its processes) {run.postgres_cpu_s / run.wall_s:.0%}"
               if label.startswith("PostgreSQL") else "")
    notes.append(
        f"{label}: CPU during the run ({cores} cores = {cores * 100}%): server "
        f"{run.server_cpu_s / run.wall_s:.0%}, load generator {gen_cpu:.0%} over {procs} "
        f"process(es) ({per_req * 1000:.2f} ms CPU per request){pg_part}, probe "
        f"{run.main_cpu_s / run.wall_s:.0%}, "
        f"other processes on this shared machine {others:.0%}; whole machine "
        f"{run.machine_busy:.0%} busy; load average at the start {run.load_avg:.1f}")
    lag99 = percentile(ph.loop_lag, 99)
    bottleneck = ("NOT the bottleneck" if gen_cpu / procs < 0.7 else
                  "possibly a bottleneck (a process near a full core)")
    notes.append(
        f"{label}: load generator {bottleneck}: {gen_cpu / procs:.0%} of a core per process; "
        f"its event loop woke late by p50 {ms(percentile(ph.loop_lag, 50))}, p99 {ms(lag99)} "
        f"(lateness beyond its own CPU use is the machine's run queue, and it adds to the "
        f"measured latencies)")
    if not crash and run.server_cpu_s > 0:
        served = len(ph.attempts) + len(run.probe.health) + len(run.probe.recommend)
        per_served = run.server_cpu_s / served
        need = (per_served + per_req) * RATE_TARGET
        notes.append(f"{label}: server CPU per request {per_served * 1000:.2f} ms "
                     f"({served:,} requests) -> at most ~{1 / per_served:,.0f} requests/s per "
                     f"fully available core. CPU budget at {RATE_TARGET:.0f} reports/s: server "
                     f"{per_served * RATE_TARGET:.2f} cores + load generator "
                     f"{per_req * RATE_TARGET:.2f} cores = {need:.2f} of the {cores} cores here "
                     f"({'fits' if need < cores else 'does NOT fit'}, before anything else "
                     f"running on the machine)")
    return rows


def once_row(label: str, check: OnceCheck) -> Row:
    return Row(f"{label}: exactly once in field_report (read from the database)",
               f"{check.rows:,} rows for {check.acked:,} acknowledged ids",
               f"duplicated {check.duplicated}, lost {check.lost}, extra {check.extra} "
               f"(of which sent but unacknowledged at the end {check.extra_unacked})",
               "rows = acknowledged, 0 lost, 0 duplicated", "-", verdict(check.ok))


def recommend_rows(label: str, route: str | None, idle: tuple[list[float], Counter[int]] | None,
                   under_load: list[tuple[float, float, int]]) -> list[Row]:
    if route is None:
        return [Row(f"{label}: recommendation", "recommendation: route not available yet",
                    f"no GET {API}{RECOMMENDATION} in /openapi.json", "p99 < 50 ms", "-",
                    "not measured")]
    rows = []
    if idle is not None:
        times, codes = idle
        p99 = percentile(times, 99)
        good = set(codes) == {200}
        rows.append(Row(f"{label}: recommendation latency, idle, p50 / p99 ({len(times)} calls)",
                        f"{ms(percentile(times, 50))} / {ms(p99)}",
                        f"HTTP {dict(codes)}", f"p99 < {RECOMMEND_TARGET_S * 1000:.0f} ms",
                        f"{p99 / RECOMMEND_TARGET_S:.2f}",
                        verdict(p99 < RECOMMEND_TARGET_S and good)))
    load = [s for _, s, _ in under_load]
    codes_load = Counter(c for _, _, c in under_load)
    rows.append(Row(f"{label}: recommendation latency under the phones' load, p50 / p99",
                    f"{ms(percentile(load, 50))} / {ms(percentile(load, 99))}",
                    f"{len(load)} calls; HTTP {dict(codes_load)}", "-", "-", "info"))
    return rows


def crash_rows(label: str, run: RunResult, check: OnceCheck, final: tuple[int, int, int],
               notes: list[str]) -> list[Row]:
    ph = run.phones
    troubled = [a for a in ph.acks if a.after_error]
    stored_before = sum(1 for a in troubled if a.status == 200)
    resent_ok = sum(1 for _, code, same in ph.resends if code == 200 and same)
    rows = [
        Row(f"{label}: SIGKILL at t {run.killed_at:.1f} s, healthy again at t "
            f"{run.back_at:.1f} s", f"{(run.back_at or 0) - (run.killed_at or 0):.1f} s outage",
            f"restart (process start to /health) {run.restart_s:.1f} s", "-", "-", "info"),
        Row(f"{label}: reports resent across the outage (same client id)",
            f"{len(troubled):,} acknowledged after retries",
            f"{stored_before} had been stored before their answer was lost (answered 200 on "
            f"resend), {len(troubled) - stored_before} stored on resend (201)", "-", "-",
            "info"),
        Row(f"{label}: acknowledged reports resent after the restart",
            f"{resent_ok:,} of {len(ph.resends):,} answered 200, as stored",
            "each phone's last acknowledged reports before it saw the outage",
            "all 200, identical", "-", verdict(resent_ok == len(ph.resends) > 0)),
        once_row(label + " (all runs)", check),
        Row(f"{label}: acknowledged reports resent after the run (sample)",
            f"{final[1]:,} of {final[0]:,} answered 200, as stored", f"{final[2]} otherwise",
            "all 200, identical", "-", verdict(final[0] > 0 and final[1] == final[0])),
    ]
    notes.append(f"{label}: {len(ph.acks):,} reports acknowledged in the crash run, "
                 f"{len(ph.unacked)} never acknowledged, {len(ph.rejected)} refused")
    return rows


# --- one database -------------------------------------------------------------------------------


def steady_rows(label: str, server: Server, phones: list[Phone], kinds: tuple[str, ...],
                args: argparse.Namespace, postgres: bool, notes: list[str],
                acked: dict[str, Ack]) -> list[Row]:
    """One steady run on ``server`` (started and stopped here): its throughput, latency and
    error rows, for comparing worker counts on the same database in the same run. What it
    acknowledged is added to ``acked`` (the database checks count it)."""

    try:
        server.start()
        server.settle()
        health_idle, _ = time_get(server.base, f"{API}/health", 200)
        cfg = load_config(server, phones, kinds, args, args.rate)
        run = asyncio.run(run_load(server, phones, cfg, args.procs, "", None, [], None,
                                   postgres))
        acked |= {a.client_id: a for a in run.phones.acks}
        notes.append(f"{label}: health idle p50 {ms(percentile(health_idle, 50))}, p99 "
                     f"{ms(percentile(health_idle, 99))} (200 sequential GETs on one kept-alive "
                     f"connection: a response held back by Nagle shows as ~40 ms)")
        return report_rows(label, run, health_idle, notes, args.procs, crash=False)
    finally:
        server.stop()


@dataclass(frozen=True)
class Rung:
    """One offered rate of a ladder: what the server accepted and the reports' p99."""

    rate: float  # the rate asked for (``offered`` is what the phones made)
    offered: float
    accepted: float
    p99_s: float
    server_cpu_ms: float  # server CPU per request

    @property
    def kept(self) -> bool:
        """Kept up: at least 97% of the offered rate accepted, p99 under the target."""
        return self.accepted >= 0.97 * self.offered and self.p99_s < LATENCY_TARGET_S


def ladders(servers: dict[str, Server], phones: list[Phone], kinds: tuple[str, ...],
            args: argparse.Namespace, postgres: bool, acked: dict[str, Ack],
            step: Any) -> dict[str, list[Rung]]:
    """Each server's highest rate that keeps p99 under the target: a steady run at each
    offered rate of ``--find-rate`` in turn, stopping after the first rate it does not keep up
    with. The servers run side by side on the same database, started and settled once (their
    start-up writes the plan's documents), and take turns rate by rate, so that what changes
    over the minutes of a run (the tables growing, PostgreSQL's checkpoints and autovacuum,
    this shared machine's other work) falls on every worker count alike: one ladder after the
    other, the worker count measured second did worse in both orders (0.61x and 1.23x with one
    worker first, 1.55x and 2.38x with two first, 6 December 2026). An idle server uses under
    1% of a core. What they acknowledged is added to ``acked`` (the database checks count it)."""

    rungs: dict[str, list[Rung]] = {name: [] for name in servers}
    try:
        for server in servers.values():
            server.start()
        for name, server in servers.items():
            server.settle()
            # Warm-up, not counted: the first reports a server stores load the plan's guards
            # and catalogue, fill its caches and grow its connection pool (p99 of the first
            # rung was 470 ms at 500/s on one worker, 244 ms at 600/s in the rung after it).
            warm = dataclasses.replace(load_config(server, phones, kinds, args,
                                                   args.find_rate[0]), seconds=WARM_UP_S)
            step(f"{name}: warm-up, {WARM_UP_S:g} s at {args.find_rate[0]:g} reports/s (not "
                 f"counted)")
            run = asyncio.run(run_load(server, phones, warm, args.procs, "", None, [], None,
                                       postgres))
            acked |= {a.client_id: a for a in run.phones.acks}
        climbing = list(servers)
        for rate in args.find_rate:
            for name in list(climbing):
                server, theirs = servers[name], rungs[name]
                for _ in range(1 + LADDER_RETRIES):
                    for other in servers.values():
                        other.settle(limit=30.0)
                    theirs.append(_rung(name, server, phones, kinds, args, postgres, acked,
                                        step, rate))
                    if theirs[-1].kept:
                        break
                if not theirs[-1].kept:
                    climbing.remove(name)  # no try at this rate kept up
            if not climbing:
                break
    finally:
        for server in servers.values():
            server.stop()
    return rungs


def _rung(label: str, server: Server, phones: list[Phone], kinds: tuple[str, ...],
          args: argparse.Namespace, postgres: bool, acked: dict[str, Ack], step: Any,
          rate: float) -> Rung:
    """One steady run of a ladder at ``rate`` reports/s, and its CPU per request printed."""
    step(f"{label}: {args.seconds:g} s at {rate:g} reports/s offered")
    cfg = load_config(server, phones, kinds, args, rate)
    run = asyncio.run(run_load(server, phones, cfg, args.procs, "", None, [], None, postgres))
    acked |= {a.client_id: a for a in run.phones.acks}
    ph = run.phones
    _, _, accepted, lat = steady_figures(run, crash=False)
    sent = max(1, len(ph.attempts))
    rung = Rung(rate, ph.made / run.seconds, accepted, percentile(lat, 99),
                1000 * run.server_cpu_s / sent)
    step(f"{label}: {rung.offered:,.0f}/s offered, {rung.accepted:,.0f}/s accepted, "
         f"p99 {ms(rung.p99_s)} -> {'kept up' if rung.kept else 'did not keep up'}")
    step(f"{label}: CPU per request: server {rung.server_cpu_ms:.2f} ms, PostgreSQL "
         f"{1000 * run.postgres_cpu_s / sent:.2f} ms, load generator "
         f"{1000 * ph.cpu_s / sent:.2f} ms, bench {1000 * run.main_cpu_s / sent:.2f} ms; "
         f"machine {run.machine_busy:.0%} busy")
    return rung


def best(rungs: list[Rung]) -> Rung | None:
    """The highest rate kept up with: the ladder's last kept rung (it stops at the first rate
    that no try kept up with)."""
    return next((r for r in reversed(rungs) if r.kept), None)


def ladder_rows(label: str, ladders: dict[str, list[Rung]], counts: dict[str, int]
                ) -> list[Row]:
    """Each worker count's highest rate with p99 under the target, and the ratio of the first
    count above one to one worker's (the issue asks for at least 1.4x with two workers), in
    whichever order they ran (``counts``: each ladder's worker count)."""
    rows: list[Row] = []
    found = {name: best(rungs) for name, rungs in ladders.items()}
    for name, rungs in ladders.items():
        b = found[name]
        steps = "; ".join(f"{r.offered:,.0f}->{r.accepted:,.0f}/s p99 {ms(r.p99_s)}"
                          for r in rungs)
        rows.append(Row(f"{name}: highest rate with p99 < {LATENCY_TARGET_S * 1000:.0f} ms",
                        f"{b.accepted:,.0f}/s (p99 {ms(b.p99_s)}, {b.server_cpu_ms:.2f} ms CPU "
                        f"per request)" if b else "none", f"ladder (offered->accepted): {steps}",
                        "-", "-", "info"))
    ones = [name for name in ladders if counts[name] == 1]
    more = [name for name in ladders if counts[name] > 1]
    names = ones[:1] + more[:1]  # one worker against the first count above one, run in any order
    if len(names) == 2:
        one, two = found[names[0]], found[names[1]]
        ratio = two.accepted / one.accepted if one and two else math.nan
        rows.append(Row(f"{label}: {names[1]} / {names[0]}, highest rate with p99 < "
                        f"{LATENCY_TARGET_S * 1000:.0f} ms", f"{ratio:.2f}x",
                        f"{two.accepted if two else 0:,.0f}/s against "
                        f"{one.accepted if one else 0:,.0f}/s", ">= 1.40x",
                        f"{ratio / 1.4:.2f}", verdict(None if math.isnan(ratio)
                                                      else ratio >= 1.4)))
    return rows


def bench_one(kind: str, args: argparse.Namespace, console: Console,
              tmp: Path) -> tuple[list[Row], list[str]]:
    from pollguard.operations.incidents import catalogue

    rows: list[Row] = []
    notes: list[str] = []
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    home = tmp / "home"
    home.mkdir()
    env = child_env(home)
    began = time.perf_counter()

    def step(message: str) -> None:
        console.print(f"[+{time.perf_counter() - began:6.1f} s] {label}: {message}",
                      highlight=False, markup=False)

    with bench_database(kind, tmp) as db_url:
        step(f"building the Jambi demo ({db_url}) ...")
        demo_s, _ = build_demo(tmp, db_url, env)
        step(f"{args.phones} field-officer accounts with tokens ...")
        phones, polda, accounts_s = make_accounts(db_url, args.phones, args.seed)
        before = len(stored_ids(db_url))
        notes.append(f"{label}: setup: demo {demo_s:.1f} s, {args.phones} accounts + tokens "
                     f"{accounts_s:.1f} s; {len({p.post_id for p in phones})} distinct posts, "
                     f"{sum(len(p.tps_ids) for p in phones)} TPS; field_report rows before "
                     f"the run: {before}")
        kinds = tuple(sorted(catalogue()))
        compared: dict[str, Ack] = {}
        if args.find_rate:
            servers: dict[str, Server] = {}
            for n in args.compare_workers or [args.workers]:
                sup = (args.compare_servers or [args.server])[0] if n > 1 else None
                name = f"{label}, {n} worker(s)" + (f" ({sup})" if sup else "")
                servers[name] = Server(tmp, db_url, env, n, sup)
            rows += ladder_rows(label, ladders(servers, phones, kinds, args,
                                               kind == "postgresql", compared, step),
                                {name: server.workers for name, server in servers.items()})
        for n in [] if args.find_rate else args.compare_workers:
            for sup in (args.compare_servers or [args.server]) if n > 1 else [None]:
                name = f"{label}, {n} worker(s)" + (f" ({sup})" if sup else "")
                step(f"comparison: {name}, {args.seconds:g} s at {args.rate:g} reports/s")
                rows += steady_rows(name, Server(tmp, db_url, env, n, sup), phones, kinds,
                                    args, kind == "postgresql", notes, compared)
        server = Server(tmp, db_url, env, args.workers, args.server)
        try:
            step("starting pollguard serve ...")
            start_s = server.start()
            notes.append(f"{label}: server healthy {start_s:.1f} s after start ({server.base}, "
                         f"{args.workers} worker(s), supervisor {args.server or 'default'})")
            route = recommendation_route(server.base)
            settled = server.settle()
            health_idle, _ = time_get(server.base, f"{API}/health", 200)
            seeded = seed_incidents(server.base, phones, kinds)
            acked: dict[str, Ack] = compared | {a.client_id: a for a in seeded}
            cfg = load_config(server, phones, kinds, args, args.rate)
            incident_ids = [a.client_id for a in seeded] if route else []
            step(f"{len(phones)} phones for {args.seconds:g} s at {args.rate:g} reports/s "
                 f"offered ...")
            steady = asyncio.run(run_load(server, phones, cfg, args.procs, polda, route,
                                          incident_ids, None, kind == "postgresql"))
            acked |= {a.client_id: a for a in steady.phones.acks}
            unacked = set(steady.phones.unacked)
            check = check_once(db_url, set(acked), unacked)
            rows += report_rows(label, steady, health_idle, notes, args.procs, crash=False)
            rows.append(once_row(label, check))
            idle, settled_after = None, 0.0
            step(f"checked the database; recommendation: {route or 'no route'} ...")
            if route:
                settled_after = server.settle()
                ids = [a.client_id for a in acked.values() if a.kind == "incident"][:300]
                idle = time_get(server.base, route, args.recommend_calls, polda, ids)
            rows += recommend_rows(label, route, idle, steady.probe.recommend)
            notes.append(f"{label}: health idle p50 {ms(percentile(health_idle, 50))}, p99 "
                         f"{ms(percentile(health_idle, 99))} (200 sequential GETs, one "
                         f"connection, after waiting {settled:.1f} s for the server's CPU to "
                         f"settle)" + (f"; the idle recommendations after waiting "
                                       f"{settled_after:.1f} s" if route else ""))

            crash_cfg = dataclasses.replace(cfg, resend_after_outage=True, seed=args.seed + 1)
            step(f"crash run: {args.seconds:g} s, SIGKILL at {args.seconds / 2:g} s, "
                 f"restart ...")
            crashed = asyncio.run(run_load(server, phones, crash_cfg, args.procs, polda, None,
                                           [], args.seconds / 2, kind == "postgresql",
                                           kill_one=args.kill_one))
            acked |= {a.client_id: a for a in crashed.phones.acks}
            unacked |= set(crashed.phones.unacked)
            check2 = check_once(db_url, set(acked), unacked)
            step("checked the database; resending a sample of acknowledged reports ...")
            final = resend_sample(server.base, phones, list(acked.values()), 300, args.seed)
            check3 = check_once(db_url, set(acked), unacked)
            rows += report_rows(label + " crash run", crashed, health_idle, notes, args.procs,
                                crash=True)
            rows += crash_rows(label + " crash run", crashed, check2, final, notes)
            if check3.rows != check2.rows:
                rows.append(Row(f"{label}: rows after resending the sample", f"{check3.rows}",
                                f"before {check2.rows}", "unchanged", "-", "FAIL"))
        finally:
            server.stop()
        if args.where:
            step("timing one report in-process ...")
            ip = in_process(db_url, phones[0], 200, args.profile)
            notes.append(f"{label}: where the time goes, in-process on the same database (no "
                         f"HTTP): submit_report {ip['submit_s'] * 1000:.2f} ms/call (~"
                         f"{1 / ip['submit_s']:,.0f}/s on one core), token_principal "
                         f"{ip['token_s'] * 1000:.2f} ms/call")
            notes += [f"{label}: profile: {t}" for t in ip["top"]]
        if kind == "postgresql":
            notes.append(f"{label}: database {PG_BENCH_DB} dropped")
    return rows, notes


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--phones", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each run")
    ap.add_argument("--rate", type=float, default=RATE_TARGET * 1.2,
                    help="reports/s offered by all phones together (default: 20%% above the "
                         "target)")
    ap.add_argument("--incident-share", type=float, default=0.1,
                    help="share of incident reports (default 0.1)")
    ap.add_argument("--procs", type=int, default=1, help="load-generator processes")
    ap.add_argument("--client", choices=("httpx", "raw"), default="raw",
                    help="the phones' HTTP client: httpx.AsyncClient, or a minimal HTTP/1.1 "
                         "client on asyncio streams (less CPU per request)")
    ap.add_argument("--workers", type=int, default=1, help="server workers (serve --workers)")
    ap.add_argument("--server", choices=("gunicorn", "uvicorn"), default=None,
                    help="the supervisor of several workers (serve --server)")
    ap.add_argument("--compare-workers", type=lambda v: [int(x) for x in v.split(",") if x],
                    default=[], metavar="1,2",
                    help="first, one steady run per worker count on the same database")
    ap.add_argument("--compare-servers", type=lambda v: [x for x in v.split(",") if x],
                    default=[], metavar="gunicorn,uvicorn",
                    help="with --compare-workers: each count above one under each supervisor")
    ap.add_argument("--find-rate", type=lambda v: [float(x) for x in v.split(",") if x],
                    default=[], help="offered rates (300,400,...) in turn, on each worker count "
                    "of --compare-workers (or --workers): the highest with p99 < 200 ms")
    ap.add_argument("--kill-one", action="store_true",
                    help="the crash run SIGKILLs one worker, not the whole server")
    ap.add_argument("--drain", type=float, default=30.0,
                    help="seconds after the end an unacknowledged report is still resent")
    ap.add_argument("--recommend-calls", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--no-where", dest="where", action="store_false",
                    help="skip the in-process timing of one report")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the in-process report (top pollguard functions)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args(argv)
    console = Console(width=180)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    console.print(f"live bench: {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f}), "
                  f"{args.phones} phones, {args.seconds:g} s per run, {args.rate:g} reports/s "
                  f"offered, {args.procs} load-generator process(es) with {args.client} "
                  f"clients, {args.workers} server worker(s)", highlight=False)
    for kind in kinds:
        holder: contextlib.AbstractContextManager[str] = (
            contextlib.nullcontext(tempfile.mkdtemp(prefix="pollguard-live-bench-"))
            if args.keep else tempfile.TemporaryDirectory(prefix="pollguard-live-bench-"))
        with holder as name:
            tmp = Path(name)
            try:
                rows, notes = bench_one(kind, args, console, tmp)
            except Exception as e:  # a benchmark reports, it does not fail the shell
                console.print(f"[bold red]{kind}: BENCHMARK DID NOT RUN:[/bold red] "
                              f"{type(e).__name__}: {e}", highlight=False)
                console.print("".join(traceback.format_exc(limit=-4)), markup=False,
                              highlight=False)
                continue
            print_table(console, rows, notes,
                        f"PollGuard live bench ({kind}): {args.phones} phones on the Jambi demo, "
                        f"baseline = GET /health round trip")
            if args.keep:
                console.print(f"kept {tmp} (live.db, demo.log, serve.log)", highlight=False)


if __name__ == "__main__":
    main()
