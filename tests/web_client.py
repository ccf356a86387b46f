"""Logging in to the command centre from tests: through the real login route (session cookie
and CSRF token) or with an API token, as a user would; the server's clock a test moves; the
live stream read as a client reads it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.access import Role
from pollguard.services import accounts
from pollguard.store.database import Database

PASSWORDS = {"polda": "polda-demo-2024", "polres": "polres-demo-2024",
             "polsek": "polsek-demo-2024", "petugas": "petugas-demo-2024",
             "tni": "tni-demo-2024", "kpu": "kpu-demo-2024", "bawaslu": "bawaslu-demo-2024"}
USER_OF_ROLE = {Role.POLDA_COMMAND: "polda", Role.POLRES_OPS: "polres", Role.POLSEK: "polsek",
                Role.FIELD_OFFICER: "petugas", Role.TNI_LIAISON: "tni", Role.OBSERVER: "kpu"}


def log_in(client: TestClient, username: str, password: str | None = None) -> str:
    """Log in as a browser does; returns the session's CSRF token."""
    client.get("/login")
    r = client.post("/api/v1/session",
                    json={"username": username, "password": password or PASSWORDS[username]},
                    headers={"X-CSRF-Token": client.cookies["pg_csrf"]})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf"])


def token_headers(db: Database, username: str) -> dict[str, str]:
    token = accounts.create_token(db=db, username=username, name="test")
    return {"Authorization": f"Bearer {token}"}


def token_client(app: FastAPI, db: Database, username: str) -> TestClient:
    """A client of ``app`` with ``username``'s API token (no CSRF needed)."""
    client = TestClient(app)
    client.headers.update(token_headers(db, username))
    return client


def session_client(app: FastAPI, username: str) -> TestClient:
    """A client of ``app`` logged in as a browser is (session cookie, CSRF header)."""
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = log_in(client, username)
    return client


class Clock:
    """The server's clock (``app.state.clock``), moved by the test."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def read_stream(client: TestClient, since: int, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """The live stream's events after ``since`` (``Last-Event-ID``), at most ``limit``: each
    event's name and data."""
    r = client.get(f"/api/v1/events?limit={limit}", headers={"Last-Event-ID": str(since)})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    out = []
    for block in r.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines()
                     if ": " in line and not line.startswith(":"))
        if "event" in lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out
