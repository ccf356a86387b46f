"""Server CPU per field report, in one process: the ASGI app called directly (no sockets, no
HTTP parser, no client library), so that on a small shared machine the figure is the app's own
work per ``POST /api/v1/reports`` and not the load generator's or the other processes'.

The same accounts, tokens and request bodies as ``live_bench.py`` (its ``make_accounts``), on a
copy of a demo database: ``--phones`` tasks, each one phone with one request in flight, send
``--reports`` status reports (and a share of incidents) as fast as the app answers; the
report writer batches what arrives together, as under load in the field. CPU is this process's
(every thread: the event loop and the report writer), divided by the reports acknowledged.

Measure the code at git HEAD against the working tree in the same run by pointing PYTHONPATH at
a worktree of HEAD (``git worktree add /tmp/base HEAD``)::

    .venv/bin/python bench/report_cpu_bench.py --db-file DEMO.db [--phones 100]
        [--reports 3000] [--rounds 3]
    PYTHONPATH=/tmp/base/src .venv/bin/python bench/report_cpu_bench.py --db-file DEMO.db

``DEMO.db`` is ``pollguard --db sqlite:///DEMO.db demo --no-serve`` (copied, never written).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from live_bench import Phone, make_accounts


async def _post(app: Any, token: str, body: dict[str, Any]) -> int:
    """One request through the ASGI app, as uvicorn would hand it over; its status."""
    payload = json.dumps(body).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/v1/reports",
             "raw_path": b"/api/v1/reports", "query_string": b"", "root_path": "",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
             "headers": [(b"host", b"127.0.0.1:8000"),
                         (b"authorization", f"Bearer {token}".encode()),
                         (b"content-type", b"application/json"),
                         (b"content-length", str(len(payload)).encode())]}
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def _body(phone: Phone, i: int, rng: random.Random, kinds: list[str]) -> dict[str, Any]:
    from pollguard.operations.field_reports import TpsPhase

    phases = [p.value for p in TpsPhase]
    body: dict[str, Any] = {"client_id": str(uuid.uuid4()), "tps_id": phone.tps_ids[0],
                            "sent_at": dt.datetime.now(dt.UTC).isoformat(),
                            "lat": phone.lat, "lon": phone.lon}
    if kinds and rng.random() < 0.05:
        body |= {"kind": "incident", "incident_kind": rng.choice(kinds), "text": "bench"}
    else:
        body |= {"kind": "status", "phase": phases[i % len(phases)]}
    return body


async def _round(app: Any, phones: list[Phone], reports: int, seed: int,
                 kinds: list[str]) -> tuple[float, float, dict[int, int]]:
    """(CPU seconds, wall seconds, statuses) of ``reports`` reports spread over the phones."""
    rng = random.Random(seed)
    per = reports // len(phones)
    bodies = [[_body(p, i, rng, kinds) for i in range(per)] for p in phones]
    codes: dict[int, int] = {}

    async def phone(p: Phone, mine: list[dict[str, Any]]) -> None:
        for b in mine:
            code = await _post(app, p.token, b)
            codes[code] = codes.get(code, 0) + 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(phone(p, b) for p, b in zip(phones, bodies, strict=True)))
    return time.process_time() - cpu0, time.perf_counter() - wall0, codes


async def _run(url: str, phones: list[Phone], args: argparse.Namespace) -> None:
    from pollguard.web.app import create_app
    from pollguard.web.settings import WebSettings

    app = create_app(url, WebSettings(escalate=False, prebuild=False))
    from pollguard.operations.incidents import catalogue

    kinds = sorted(catalogue()) if args.incidents else []
    await _round(app, phones, len(phones) * 5, args.seed, kinds)  # warm: caches, the writer
    results = []
    for r in range(args.rounds):
        cpu, wall, codes = await _round(app, phones, args.reports, args.seed + r + 1, kinds)
        ok = codes.get(201, 0)
        results.append(cpu / max(1, ok))
        print(f"round {r + 1}: {ok} reports stored in {wall:.2f} s wall, {cpu:.2f} s CPU: "
              f"{cpu / max(1, ok) * 1000:.3f} ms CPU/report, "
              f"statuses {dict(sorted(codes.items()))}")
    app.state.report_writer.stop()
    print(f"median CPU per report: {statistics.median(results) * 1000:.3f} ms "
          f"({len(phones)} phones, {args.reports} reports a round, {args.rounds} rounds)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db-file", required=True, type=Path, help="a demo SQLite database")
    ap.add_argument("--phones", type=int, default=100)
    ap.add_argument("--reports", type=int, default=3000, help="reports per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--incidents", action="store_true", help="5%% incident reports")
    args = ap.parse_args()
    import pollguard

    print(f"pollguard from {Path(pollguard.__file__).parent}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        shutil.copy(args.db_file, db)
        key = args.db_file.with_name(args.db_file.name + ".audit-key")
        if key.exists():  # the same audit key: the copy's chain still verifies
            shutil.copy(key, db.with_name(db.name + ".audit-key"))
        url = f"sqlite:///{db}"
        phones, _, _ = make_accounts(url, args.phones, args.seed)
        asyncio.run(_run(url, phones, args))


if __name__ == "__main__":
    main()
