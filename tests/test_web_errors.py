"""Refusals in the reader's language with a stable code (web/errors.py), and the audit trail's
filters by reports, incidents and dispatches, each action with a label in both languages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.i18n import catalogue
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.errors import ErrorCode
from pollguard.web.settings import WebSettings
from web_client import log_in, token_headers

PLACE = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db, WebSettings(escalate=False))


@pytest.fixture(scope="module")
def outside(app: FastAPI, planned_db: Database) -> str:
    """A TPS that the demo Polres account (polres.15.01) does not guard."""
    every = TestClient(app).get("/api/v1/map/tps",
                                headers=token_headers(planned_db, "polda")).json()
    return next(t for t, p in zip(every["ids"], every["pol"], strict=True)
                if every["polres"][p] != "polres.15.01")


def test_every_code_has_both_texts_with_the_same_places() -> None:
    ids, ens = catalogue("id"), catalogue("en")
    for code in ErrorCode:
        key = f"error.{code.value}"
        assert ids.get(key) and ens.get(key), key
        assert set(PLACE.findall(ids[key])) == set(PLACE.findall(ens[key])), key


def test_outside_jurisdiction_reaches_an_indonesian_client_in_indonesian(
        app: FastAPI, planned_db: Database, outside: str) -> None:
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polres"))
    said = {}
    for name, how in {"default": {}, "accept": {"headers": {"Accept-Language": "id-ID,id"}},
                      "page": {"params": {"lang": "id"}},
                      "english": {"headers": {"Accept-Language": "en-US,en;q=0.9,id;q=0.5"}},
                      "english_page": {"params": {"lang": "en"},
                                       "headers": {"Accept-Language": "id"}}}.items():
        r = client.get(f"/api/v1/tps/{outside}", **how)
        assert r.status_code == 403, r.text
        body = r.json()
        assert body["code"] == "outside_jurisdiction"
        said[name] = body["detail"]
    indonesian = f"TPS {outside} di luar wilayah hukum Anda"
    english = f"TPS {outside} is outside your jurisdiction"
    assert said == {"default": indonesian, "accept": indonesian, "page": indonesian,
                    "english": english, "english_page": english}
    assert body["messages"] == {"id": indonesian, "en": english}


def test_refusals_without_their_own_text_still_carry_a_code(app: FastAPI,
                                                            planned_db: Database) -> None:
    client = TestClient(app)
    r = client.get("/api/v1/map/tps")
    assert r.status_code == 401 and r.json()["code"] == "not_signed_in"
    assert "masuk" in r.json()["detail"]
    client.headers.update(token_headers(planned_db, "kpu"))
    r = client.get("/api/v1/audit", params={"lang": "id"})
    assert r.status_code == 403 and r.json()["code"] == "role_forbidden"
    assert "tidak berwenang" in r.json()["detail"]
    # A service's own reason, passed on: the status's words in Indonesian before it.
    r = client.get("/api/v1/incidents/nope")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    reason = r.json()["messages"]["en"]
    assert reason and r.json()["detail"] == f"Tidak ditemukan: {reason}"
    r = client.get("/api/v1/incidents", params={"open": "perhaps"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert isinstance(r.json()["detail"], list)


def _sent(petugas: TestClient, where: dict[str, Any], **body: Any) -> None:
    r = petugas.post("/api/v1/reports", json={
        "client_id": str(uuid.uuid4()), "tps_id": where["tps"], "lat": where["lat"],
        "lon": where["lon"], "sent_at": dt.datetime.now(dt.UTC).isoformat(), **body})
    assert r.status_code == 201, r.text


def test_the_audit_filters_by_reports_incidents_and_dispatches(
        app: FastAPI, planned_db: Database) -> None:
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    mine = petugas.get("/api/v1/me/assignment").json()
    where = {"tps": mine["tps"][0]["tps_ids"][0], "lat": mine["lat"], "lon": mine["lon"]}
    _sent(petugas, where, kind="status", phase="set_up")
    _sent(petugas, where, kind="incident", incident_kind="intimidation", text="ancaman")
    polda = TestClient(app)
    polda.headers.update(token_headers(planned_db, "polda"))
    seen: dict[str, set[str]] = {}
    for prefix in ("report.", "incident.", "dispatch."):
        page = polda.get("/api/v1/audit", params={"action": prefix}).json()
        seen[prefix] = {e["action"] for e in page["entries"]}
        assert page["total"] == len(page["entries"])
        assert all(a.startswith(prefix) for a in seen[prefix]), seen
    assert {"report.status", "report.incident"} <= seen["report."]
    assert "incident.reported" in seen["incident."]
    # Every action written so far has its words in both languages (none shown as a code).
    every = {e["action"] for e in polda.get("/api/v1/audit", params={"limit": 1000}).json()[
        "entries"]}
    for lang in ("id", "en"):
        missing = {a for a in every if f"audit.act.{a}" not in catalogue(lang)}
        assert not missing, (lang, missing)
