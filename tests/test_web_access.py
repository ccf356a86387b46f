"""The role matrix, route by route: every API route called as every role gets 403 exactly when
the role lacks the route's permission; docs/security.md says the same; sessions, CSRF, tokens
and the login rate limit behave as documented."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.access import MATRIX, Permission, Role
from pollguard.services import accounts
from pollguard.store import audit
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import api_routes, create_app
from pollguard.web.security import declared_permission
from web_client import PASSWORDS, USER_OF_ROLE, log_in, token_headers

DOCS = Path(__file__).resolve().parents[1] / "docs" / "security.md"


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db)


def _table_after(marker: str) -> list[list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    block = text[text.index(marker):].split("\n\n")[0]
    rows = [line for line in block.splitlines() if line.startswith("|")][2:]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def test_the_documented_matrix_is_the_code_matrix() -> None:
    header = [c.strip() for c in DOCS.read_text(encoding="utf-8").split(
        "<!-- role-matrix")[1].splitlines()[1].strip("|").split("|")]
    roles = [Role(h) for h in header[1:]]
    documented = {}
    for cells in _table_after("<!-- role-matrix"):
        permission = Permission(re.search(r"`([^`]+)`", cells[0]).group(1))  # type: ignore[union-attr]
        documented[permission] = {r for r, c in zip(roles, cells[1:], strict=True) if c == "yes"}
    assert set(documented) == set(Permission)
    for permission, holders in documented.items():
        assert holders == {r for r in Role if permission in MATRIX[r]}, permission


def test_every_route_is_documented_with_its_permission(app: FastAPI) -> None:
    documented = {re.search(r"`([^`]+)`", row[0]).group(1):  # type: ignore[union-attr]
                  row[1].strip("`") for row in _table_after("<!-- routes")}
    actual = {f"{m} {path}": declared_permission(r) for path, r in api_routes(app)
              for m in r.methods}
    assert documented == actual


def _arguments(app: FastAPI, db: Database) -> dict[str, str]:
    """Path parameters that every scoped role may see: a TPS in the demo Polsek's kecamatan,
    the plan in force, the demo Polres's workbook."""
    client = TestClient(app)
    headers = token_headers(db, "polsek")
    tps = client.get("/api/v1/map/tps", headers=headers).json()
    headers = token_headers(db, "polres")
    plans = client.get("/api/v1/plans", headers=headers).json()
    exports = client.get(f"/api/v1/plans/{plans['current']}/exports", headers=headers).json()
    return {"tps_id": tps["ids"][0], "plan_id": str(plans["current"]),
            "name": next(e["name"] for e in exports if e["kind"] == "plotting"),
            "username": "kpu", "lang": "en", "incident_id": str(uuid.UUID(int=1)), "n": "1",
            "before": str(plans["current"]), "ext": "pdf"}


BODIES: dict[str, Any] = {"/api/v1/plans/{plan_id}/drafts": {"note": "role matrix"},
                          "/api/v1/accounts": {"username": "x"},
                          "/api/v1/accounts/{username}/tokens": {"name": "role matrix"},
                          "/api/v1/session": {"username": "nobody", "password": "x"},
                          "/api/v1/incidents/{incident_id}/steps": {"to": "acknowledged"},
                          "/api/v1/incidents/{incident_id}/dispatches": {},
                          "/api/v1/incidents/{incident_id}/rejections": {"note": "x"},
                          "/api/v1/dispatches/{incident_id}/{n}/steps": {"to": "on_scene"}}
# The live stream never ends by itself: stop it after its first message.
QUERIES = {"/api/v1/events": "?limit=1"}


@pytest.mark.slow
def test_every_route_answers_every_role_as_the_matrix_says(app: FastAPI,
                                                          planned_db: Database) -> None:
    args = _arguments(app, planned_db)
    client = TestClient(app)
    headers = {role: token_headers(planned_db, user) for role, user in USER_OF_ROLE.items()}
    checked = 0
    for path, route in api_routes(app):
        needed = declared_permission(route)
        if needed in ("public", "signed_in"):
            continue
        url = path.format(**args) + QUERIES.get(path, "")
        for method in route.methods:
            for role, h in headers.items():
                r = client.request(method, url, headers=h, json=BODIES.get(path))
                denied = r.status_code == 403 and r.json()["code"] == "role_forbidden"
                allowed = Permission(needed) in MATRIX[role]
                assert denied != allowed, (method, path, role.value, r.status_code, r.text[:200])
                assert r.status_code < 500, (method, path, role.value, r.text[:300])
                checked += 1
    assert checked >= 6 * 20


def test_nobody_logged_in_gets_401_everywhere_but_public_routes(app: FastAPI) -> None:
    client = TestClient(app)
    for path, route in api_routes(app):
        if declared_permission(route) == "public":
            continue
        url = path.format(tps_id="x", plan_id="1", name="x", username="x", lang="id",
                          incident_id="x", n="1", before="1", ext="pdf")
        for method in route.methods:
            assert client.request(method, url).status_code == 401, (method, path)


def test_login_sets_an_httponly_strict_cookie_and_needs_the_csrf_echo(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/login")
    body = {"username": "polda", "password": PASSWORDS["polda"]}
    assert client.post("/api/v1/session", json=body).status_code == 403  # no CSRF echo
    r = client.post("/api/v1/session", json=body,
                    headers={"X-CSRF-Token": client.cookies["pg_csrf"]})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "pg_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert r.json()["role"] == "polda_command"


def test_state_changing_calls_with_a_session_need_the_csrf_token(app: FastAPI,
                                                                  planned_db: Database) -> None:
    client = TestClient(app)
    csrf = log_in(client, "polda")
    plan = client.get("/api/v1/plans").json()["current"]
    r = client.post(f"/api/v1/plans/{plan}/drafts", json={"reserve_share": 2})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = client.post(f"/api/v1/plans/{plan}/drafts", json={"reserve_share": 2},
                    headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = client.post(f"/api/v1/plans/{plan}/drafts", json={"reserve_share": 2},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422  # past CSRF, refused for the value (0 to 0.9)
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/session").status_code == 401


def test_failed_logins_are_rate_limited_per_account(app: FastAPI, planned_db: Database) -> None:
    accounts.create_user(db=planned_db, username="target", password="correct-horse",
                         role=Role.OBSERVER)
    client = TestClient(app)
    client.get("/login")
    h = {"X-CSRF-Token": client.cookies["pg_csrf"]}
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        r = client.post("/api/v1/session", json={"username": "target", "password": "guess"},
                        headers=h)
        assert r.status_code == 401
    r = client.post("/api/v1/session", json={"username": "target", "password": "correct-horse"},
                    headers=h)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    with UnitOfWork(planned_db) as uow:
        rows, _ = audit.recent(uow.session, action_prefix="login.failed")
    assert sum(1 for e in rows if e.subject == "target") == accounts.MAX_FAILURES_PER_ACCOUNT


def test_a_polres_sees_only_its_own_tps_and_cannot_plan_another(app: FastAPI,
                                                                planned_db: Database) -> None:
    client = TestClient(app)
    everything = client.get("/api/v1/map/tps", headers=token_headers(planned_db, "polda")).json()
    polres = token_headers(planned_db, "polres")
    mine = client.get("/api/v1/map/tps", headers=polres).json()
    assert 0 < mine["count"] < everything["count"]
    assert mine["polres"] == ["polres.15.01"]
    outside = next(t for t, p in zip(everything["ids"], everything["pol"], strict=True)
                   if everything["polres"][p] != "polres.15.01")
    r = client.get(f"/api/v1/tps/{outside}", headers=polres)
    assert r.status_code == 403 and r.json()["code"] == "outside_jurisdiction"
    plan = everything["plan_id"]
    other = next(p for p in everything["polres"] if p != "polres.15.01")
    r = client.post(f"/api/v1/plans/{plan}/drafts", json={"n_by_polres": {other: 5}},
                    headers=polres)
    assert r.status_code == 403 and r.json()["code"] == "polres_outside_jurisdiction"
    assert other not in r.json()["detail"] and "Polres " in r.json()["detail"]  # by name
    r = client.post(f"/api/v1/plans/{plan}/drafts", json={"reserve_share": 0.2}, headers=polres)
    assert r.status_code == 403 and "Polda" in r.json()["detail"]
    rows = client.get(f"/api/v1/plans/{plan}/plotting?limit=1000", headers=polres).json()
    assert rows["total"] > 0 and {r["owner"] for r in rows["rows"]} == {"polres.15.01"}


def test_tni_and_observers_never_see_personnel(app: FastAPI, planned_db: Database) -> None:
    client = TestClient(app)
    tps = client.get("/api/v1/map/tps", headers=token_headers(planned_db, "polda")).json()
    guarded = tps["ids"][tps["guarded"].index(1)]
    police = client.get(f"/api/v1/tps/{guarded}",
                        headers=token_headers(planned_db, "polda")).json()
    assert police["guards"] and police["guards"][0]["nrp"]
    for user in ("tni", "kpu"):
        seen = client.get(f"/api/v1/tps/{guarded}", headers=token_headers(planned_db, user))
        assert seen.status_code == 200
        body = seen.json()
        assert body["guards"] is None and body["guards_count"] == len(police["guards"])
        assert not any(g["nrp"] in seen.text for g in police["guards"])
    kpu = token_headers(planned_db, "kpu")
    assert client.get("/api/v1/map/reserves", headers=kpu).status_code == 403
    assert client.get("/api/v1/map/posts", headers=kpu).status_code == 403


def test_a_field_officer_sees_their_own_assignment_only(app: FastAPI,
                                                        planned_db: Database) -> None:
    client = TestClient(app)
    log_in(client, "petugas")
    mine = client.get("/api/v1/me/assignment").json()
    me = client.get("/api/v1/session").json()
    assert mine["nrp"] == me["nrp"] and mine["role"] == "post" and mine["tps"]
    assert client.get("/api/v1/map/tps").status_code == 403
    assert client.get(f"/api/v1/plans/{mine['plan_id']}/plotting").status_code == 403


def _n_of(client: TestClient, plan: int, code: str, headers: dict[str, str]) -> int:
    rows = client.get(f"/api/v1/plans/{plan}/balance", headers=headers).json()["rows"]
    return int(next(r["n"] for r in rows if r["code"] == code))


@pytest.mark.slow
def test_a_chain_of_drafts_is_published_only_by_who_may_make_its_whole_difference(
        app: FastAPI, planned_db: Database) -> None:
    """The Polda drafts a change for Merangin and leaves it unaccepted; the Kerinci Polres
    drafts its own change on top of that draft and accepts it. Publishing would change
    Merangin in the plan in force, so only the Polda command may: every role tries, in turn."""
    client = TestClient(app)
    polda = token_headers(planned_db, "polda")
    accounts.create_user(db=planned_db, username="merangin", password="merangin-ops-2024",
                         role=Role.POLRES_OPS, unit_code="polres.15.02")
    in_force = client.get("/api/v1/plans", headers=polda).json()["current"]
    merangin_n = _n_of(client, in_force, "polres.15.02", polda)
    kerinci_n = _n_of(client, in_force, "polres.15.01", polda)
    r = client.post(f"/api/v1/plans/{in_force}/drafts", headers=polda,
                    json={"n_by_polres": {"polres.15.02": merangin_n - 1}, "note": "Polda"})
    assert r.status_code == 201, r.text
    polda_draft = r.json()["plan_id"]
    kerinci = token_headers(planned_db, "polres")
    r = client.post(f"/api/v1/plans/{polda_draft}/drafts", headers=kerinci,
                    json={"n_by_polres": {"polres.15.01": kerinci_n - 1}, "note": "Kerinci"})
    assert r.status_code == 201, r.text  # drafting on a draft is allowed: it publishes nothing
    chained = r.json()["plan_id"]

    answers = {}
    for user in ("polsek", "petugas", "tni", "kpu", "merangin", "polres", "polda"):
        h = token_headers(planned_db, user)
        answers[user] = client.post(f"/api/v1/plans/{chained}/accept", headers=h)
        if user != "polda":
            assert answers[user].status_code == 403, (user, answers[user].text)
            assert client.get("/api/v1/plans", headers=polda).json()["current"] == in_force
    assert answers["kpu"].json()["code"] == "role_forbidden"  # lacks plan:write
    assert answers["merangin"].json()["code"] == "draft_not_yours"  # not its draft
    refused = answers["polres"].json()["detail"]
    assert "polres.15.02" in refused and "Polda" in refused and "polda" in refused
    # Coded, each language wholly its own: the changes named in the reader's words.
    body = answers["polres"].json()
    assert body["code"] == "plan_outside_jurisdiction"
    assert body["messages"]["id"].startswith(f"Rencana {chained} mengubah di luar wilayah Anda")
    assert "N kelompok polres.15.02" in body["messages"]["id"]
    en = body["messages"]["en"]
    assert en.startswith(f"Plan {chained} changes things outside your jurisdiction")
    assert "N of groups polres.15.02" in en and "drafted by" in en
    assert not any(w in en for w in ("dibuat", "kelompok", "rencana", "Hanya"))
    assert _n_of(client, in_force, "polres.15.02", polda) == merangin_n
    assert answers["polda"].status_code == 200, answers["polda"].text
    now = client.get("/api/v1/plans", headers=polda).json()["current"]
    assert now == chained
    assert _n_of(client, now, "polres.15.02", polda) == merangin_n - 1

    # A Polres's own change on the plan in force is still its to publish.
    r = client.post(f"/api/v1/plans/{now}/drafts", headers=kerinci,
                    json={"n_by_polres": {"polres.15.01": kerinci_n}, "note": "Kerinci"})
    assert r.status_code == 201, r.text
    own = r.json()["plan_id"]
    r = client.post(f"/api/v1/plans/{own}/accept", headers=kerinci)
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/plans", headers=polda).json()["current"] == own
