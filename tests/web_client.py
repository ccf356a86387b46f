"""Logging in to the command centre from tests: through the real login route (session cookie
and CSRF token) or with an API token, as a user would."""

from __future__ import annotations

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
