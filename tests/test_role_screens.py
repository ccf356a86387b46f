"""Each role its own screen (issue 17, item 9): the navigation lists what a role uses (the
Polda command has no "Tugas Saya"); a Polsek sees its own force, not its Polres's reserve; an
incident escalated above a level is acted on by the level holding it and only read below."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.store.database import Database
from pollguard.web.app import create_app, escalation_round
from pollguard.web.settings import WebSettings
from web_client import log_in, token_client


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db, WebSettings(escalate=False))


def _nav(app: FastAPI, user: str) -> set[str]:
    client = TestClient(app)
    log_in(client, user)
    page = client.get("/map" if user != "petugas" else "/field").text
    return {p for p in ("/map", "/field", "/me", "/sitrep", "/audit") if f'data-nav="{p}"' in page}


def test_navigation_lists_only_what_the_role_uses(app: FastAPI) -> None:
    polda = _nav(app, "polda")
    assert {"/map", "/sitrep", "/audit"} <= polda
    assert not polda & {"/me", "/field"}  # no assignment of its own: no "Tugas Saya"
    client = TestClient(app)
    log_in(client, "polda")
    assert client.get("/me", follow_redirects=False).headers["location"] == "/map"
    assert {"/me", "/field"} <= _nav(app, "petugas")
    assert not _nav(app, "polres") & {"/me", "/field"}


def test_a_polsek_sees_its_own_force_not_its_polres_reserve(app: FastAPI,
                                                           planned_db: Database) -> None:
    polres = token_client(app, planned_db, "polres").get("/api/v1/units").json()["teams"]
    polsek = token_client(app, planned_db, "polsek").get("/api/v1/units").json()["teams"]
    assert polres, "the Polres sees its reserve teams"
    assert not {t["owner_code"] for t in polsek} & {t["owner_code"] for t in polres}
    reserves = token_client(app, planned_db, "polsek").get("/api/v1/map/reserves")
    assert reserves.status_code == 200, reserves.text
    assert not {t["owner"] for t in reserves.json()} & {t["owner_code"] for t in polres}


def test_an_incident_escalated_to_the_polda_is_read_but_not_stepped_below(
        app: FastAPI, planned_db: Database) -> None:
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    tps = petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"][0]
    start = dt.datetime.now(dt.UTC)
    app.state.clock = lambda: start
    cid = str(uuid.uuid4())
    assert petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": tps, "kind": "incident", "incident_kind": "violence",
        "text": "bentrok", "sent_at": start.isoformat()}).status_code == 201
    app.state.clock = lambda: start + dt.timedelta(hours=2)  # nobody acknowledged it
    escalation_round(app)
    polda, polres = (token_client(app, planned_db, u) for u in ("polda", "polres"))
    url = f"/api/v1/incidents/{cid}"
    assert polda.get(url).json()["level"] == "polda_ops"
    read = polres.get(url)
    assert read.status_code == 200 and read.json()["next_steps"] == []  # read, no buttons
    refused = polres.post(f"{url}/steps", json={"to": "acknowledged"},
                          headers={"Accept-Language": "id"})
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "incident_held_above"
    assert "dinaikkan" in body["detail"] and "escalated" in body["messages"]["en"]
    assert polres.get(url).json()["status"] == "reported"  # nothing changed
    assert polda.get(url).json()["next_steps"] == ["acknowledged"]
    assert polda.post(f"{url}/steps", json={"to": "acknowledged"}).status_code == 200
