"""``pollguard serve --workers N``: several server processes on one PostgreSQL database.

Each worker is a whole server (its own database pool, snapshot cache and live streams); what
they share lives in the database, so any worker answers any request: field reports are
deduplicated by their client id in the database, the live stream reads the audit log (an
event written through one worker reaches the streams of every worker), and the escalation
clock runs in the one worker that holds its lock (services/leader.py).

The supervisor is gunicorn with uvicorn's worker class (the ``uvicorn-worker`` package), where
installed: gunicorn restarts a worker that dies (SIGKILL, out of memory) at once while the
others keep serving, and uvicorn inside each worker keeps the same HTTP stack (httptools,
uvloop, TCP_NODELAY on every connection) as one worker has; bench/live_bench.py --workers
measures it against uvicorn's own multi-worker supervisor. Without gunicorn (Windows) uvicorn's
supervisor runs the workers. SQLite has one writer: several workers there are refused.
"""

from __future__ import annotations

import importlib.util
from typing import Any

APP = "pollguard.web.main:app"  # each worker builds its app from POLLGUARD_DATABASE_URL


class SingleWriterError(ValueError):
    """Several workers asked for on SQLite."""


def check_workers(url: str, workers: int) -> None:
    """Refuse several workers on a database with one writer (SQLite), saying why."""
    if workers > 1 and not url.startswith("postgresql"):
        raise SingleWriterError(
            f"--workers {workers} memerlukan PostgreSQL: SQLite hanya punya satu penulis, jadi "
            f"beberapa worker saling menunggu dan tidak menambah kapasitas; jalankan satu worker "
            f"(tanpa --workers) atau pakai --db postgresql://... / --workers {workers} needs "
            f"PostgreSQL: SQLite has one writer, so several workers would wait on each other and "
            f"add no capacity; run one worker (no --workers) or use --db postgresql://...")


def supervisor() -> str:
    """``gunicorn`` when it and uvicorn's worker class are installed, else ``uvicorn``."""
    have = all(importlib.util.find_spec(m) is not None for m in ("gunicorn", "uvicorn_worker"))
    return "gunicorn" if have else "uvicorn"


def serve_workers(*, host: str, port: int, workers: int, proxies: str, shutdown_s: int,
                  server: str | None = None) -> None:
    """Run ``workers`` server processes on ``host:port`` until stopped (Ctrl+C, SIGTERM).
    The database URL is in ``POLLGUARD_DATABASE_URL`` (each worker opens its own)."""
    if (server or supervisor()) == "gunicorn":
        _gunicorn(host=host, port=port, workers=workers, proxies=proxies, shutdown_s=shutdown_s)
        return
    import uvicorn

    uvicorn.run(APP, host=host, port=port, workers=workers, log_level="warning",
                timeout_graceful_shutdown=shutdown_s, proxy_headers=True,
                forwarded_allow_ips=proxies)


def _gunicorn(*, host: str, port: int, workers: int, proxies: str, shutdown_s: int) -> None:
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "uvicorn_worker.UvicornWorker",
        "loglevel": "warning",
        "graceful_timeout": shutdown_s,
        # uvicorn's own keep-alive (5 s), not gunicorn's 2 s: phones keep their connection
        # between reports.
        "keepalive": 5,
        # A worker loads the operation before it serves (seconds for a province, longer on a
        # busy machine) and tells gunicorn it is alive only once serving; a dead worker is
        # replaced at once whatever this is.
        "timeout": 120,
        "forwarded_allow_ips": proxies or "",
        "preload_app": False,  # every worker opens its own database connections after fork
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from pollguard.web.main import app

            return app

    Server().run()
