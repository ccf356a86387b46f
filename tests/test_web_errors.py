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
    name = _tps_name(planned_db, outside)  # the TPS by name, not by its code
    assert outside not in name and name.startswith("TPS ")
    indonesian = f"{name} di luar wilayah hukum Anda"
    english = f"{name} is outside your jurisdiction"
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
    # A service's own reason without a code, passed on: the status's words in Indonesian
    # before it.
    client.headers.update(token_headers(planned_db, "polda"))
    r = client.post("/api/v1/accounts/nobody-here/tokens", json={"name": "x"})
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
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


def _tps_name(db: Database, tps_id: str, app: FastAPI | None = None) -> str:
    """How a page names the TPS, from the TPS's own answer: number, desa, kecamatan."""
    polda = TestClient(app or _app_of(db))
    d = polda.get(f"/api/v1/tps/{tps_id}", headers=token_headers(db, "polda")).json()
    return f"TPS {d['number']:03d} {d['desa']}, {d['kecamatan']}"


def _app_of(db: Database) -> FastAPI:
    return create_app(db, WebSettings(escalate=False))


def _both(client: TestClient, method: str, url: str, **how: Any) -> tuple[int, str, dict[str,
                                                                                     str]]:
    """One refused call asked in Indonesian (the default) and in English (``?lang=en``): its
    status, its code (the same in both) and what each reader was told."""
    said = {}
    answers = []
    asked = how.pop("params", {})
    for lang in ("id", "en"):
        params = {**asked, "lang": lang}
        r = client.request(method, url, params=params, **how)
        assert r.status_code >= 400, r.text
        body = r.json()
        assert body["messages"][lang] == body["detail"]
        said[lang] = body["detail"]
        answers.append((r.status_code, body["code"], body["messages"]))
    assert answers[0] == answers[1]  # the same refusal, only read in another language
    return answers[0][0], answers[0][1], said


# Words a sentence of one language must not hold when made for the other: the English of
# the service's reasons, and the Indonesian of the statuses.
ENGLISH = re.compile(r"\b(the|is|not|allowed|incident|dispatch|unit|team|cannot|outside|no|"
                     r"plan|in force|post|Reported|Resolved|Closed|Available|Dispatched)\b")
INDONESIAN = re.compile(r"\b(tidak|dari|ke|kejadian|satuan|pengiriman|langkah|rencana|yang|"
                        r"Dilaporkan|Selesai|Ditutup|Siaga|Berangkat|di luar)\b", re.I)


COMMAND = re.compile(r"`[^`]*`")


def _wholly(said: dict[str, str]) -> None:
    assert not ENGLISH.search(said["id"]), said["id"]
    assert not INDONESIAN.search(said["en"]), said["en"]


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polda"))
    return client


@pytest.fixture(scope="module")
def incident(app: FastAPI, polda: TestClient) -> str:
    """A new incident, reported from the field: still ``reported``."""
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    mine = petugas.get("/api/v1/me/assignment").json()
    where = {"tps": mine["tps"][0]["tps_ids"][0], "lat": mine["lat"], "lon": mine["lon"]}
    before = {i["id"] for i in polda.get("/api/v1/incidents").json()["incidents"]}
    _sent(petugas, where, kind="incident", incident_kind="intimidation", text="ancaman lagi")
    made = [i for i in polda.get("/api/v1/incidents").json()["incidents"]
            if i["id"] not in before]
    assert len(made) == 1 and made[0]["status"] == "reported"
    return str(made[0]["id"])


def test_a_step_the_incident_workflow_refuses_is_told_wholly_in_each_language(
        polda: TestClient, incident: str) -> None:
    status, code, said = _both(polda, "POST", f"/api/v1/incidents/{incident}/steps",
                               json={"to": "resolved"})
    assert (status, code) == (409, "incident_step")
    # The statuses in the reader's words: reported -> resolved, only acknowledged allowed.
    assert said == {
        "id": "Langkah dari “Dilaporkan” ke “Selesai” tidak diizinkan untuk kejadian ini; "
              "langkah yang boleh: Diterima",
        "en": "The step from “Reported” to “Resolved” is not allowed for this incident; "
              "allowed: Acknowledged"}
    _wholly(said)


def test_unknown_incident_and_dispatch_are_told_in_each_language(polda: TestClient) -> None:
    status, code, said = _both(polda, "GET", "/api/v1/incidents/nope")
    assert (status, code) == (404, "incident_unknown")
    assert said == {"id": "Kejadian nope tidak ada", "en": "No incident nope"}


def test_a_dispatch_step_the_unit_workflow_refuses_is_told_wholly_in_each_language(
        polda: TestClient, incident: str) -> None:
    sent = polda.post(f"/api/v1/incidents/{incident}/dispatches", json={"borrow": False})
    assert sent.status_code == 201, sent.text
    url = f"/api/v1/dispatches/{incident}/1/steps"
    status, code, said = _both(polda, "POST", url, json={"to": "available"})
    assert (status, code) == (409, "dispatch_step")
    assert said == {
        "id": "Satuan yang berstatus “Berangkat” tidak dapat menjadi “Siaga”; "
              "langkah yang boleh: Di lokasi, Kembali",
        "en": "A unit that is “Dispatched” cannot become “Available”; "
              "allowed: On scene, Returning"}
    _wholly(said)
    for to in ("on_scene", "returning", "available"):
        assert polda.post(url, json={"to": to}).status_code == 200
    status, code, said = _both(polda, "POST", url, json={"to": "dispatched"})
    assert (status, code) == (409, "dispatch_over")
    assert said["id"].startswith("Pengiriman ini sudah selesai")
    assert said["en"].startswith("This dispatch is over")
    _wholly(said)


def test_an_officer_without_a_post_is_told_so_in_each_language(
        app: FastAPI, planned_db: Database) -> None:
    from pollguard.access import Role
    from pollguard.services import accounts
    from pollguard.store import plans
    from pollguard.store.uow import UnitOfWork

    with UnitOfWork(planned_db) as uow:
        plan = plans.load(uow.session, plans.latest_id(uow.session) or 0)
    assert plan is not None
    posted = {a.nrp for a in plan.assignments if a.role.value == "post"}
    reserve = next(a.nrp for a in plan.assignments if a.nrp not in posted)
    accounts.create_user(db=planned_db, username="cadangan1", password="cadangan-demo-2024",
                         role=Role.FIELD_OFFICER, nrp=reserve)
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "cadangan1"))
    status, code, said = _both(client, "POST", "/api/v1/presence/checkin",
                               json={"lat": -2.0, "lon": 101.5})
    assert (status, code) == (403, "not_plotted")
    assert said == {"id": "Anda tidak diplot pada pos mana pun dalam rencana yang berlaku",
                    "en": "You have no post in the plan in force"}
    assert reserve not in said["id"]  # the caller knows who they are; no NRP on the page


def test_a_check_in_it_cannot_store_is_told_wholly_in_each_language(app: FastAPI) -> None:
    """The officer's phone showed "a check-in without location needs a reason" in English to
    an Indonesian officer: half a location and a check-in with neither location nor reason
    are coded refusals in his language."""
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    status, code, said = _both(petugas, "POST", "/api/v1/presence/checkin", json={})
    assert (status, code) == (422, "check_needs_reason")
    assert said == {"id": "Hadir di pos tanpa lokasi memerlukan alasan",
                    "en": "A check-in without a location needs a reason"}
    _wholly(said)
    status, code, said = _both(petugas, "POST", "/api/v1/presence/checkin",
                               json={"lat": -2.0, "reason": "GPS lemah"})
    assert (status, code) == (422, "check_half_location")
    assert said == {"id": "Lokasi harus berisi lintang dan bujur sekaligus",
                    "en": "A location needs both latitude and longitude"}
    _wholly(said)
    status, code, _ = _both(petugas, "POST", "/api/v1/presence/checkout",
                            json={"lon": 101.5})
    assert (status, code) == (422, "check_half_location")


def test_a_plan_that_is_not_there_is_told_in_each_language(polda: TestClient) -> None:
    status, code, said = _both(polda, "GET", "/api/v1/map/posts", params={"plan": 999})
    assert (status, code) == (404, "plan_unknown")
    assert said == {"id": "Rencana 999 tidak ada", "en": "no plan 999"}


def test_unknown_tps_is_told_in_each_language(polda: TestClient) -> None:
    status, code, said = _both(polda, "GET", "/api/v1/tps/9999999999999")
    assert (status, code) == (404, "tps_unknown")
    assert said["id"] == "TPS 9999999999999 tidak ada"
    assert "9999999999999" in said["en"] and said["en"] != said["id"]


def test_a_database_without_a_plan_says_so_in_each_language(loaded_db: Database) -> None:
    client = TestClient(_app_of(loaded_db))
    from pollguard.access import Role
    from pollguard.services import accounts

    accounts.create_user(db=loaded_db, username="komando", password="komando-demo-2024",
                         role=Role.POLDA_COMMAND)
    client.headers.update(token_headers(loaded_db, "komando"))
    status, code, said = _both(client, "GET", "/api/v1/map/posts")
    assert (status, code) == (404, "plan_none"), said
    assert said["id"].startswith("Belum ada rencana pengamanan")
    assert said["en"].startswith("No plan yet")


def test_each_codes_texts_are_wholly_in_their_language() -> None:
    """The catalogue's sentences, before any fact is put in: no English word in an Indonesian
    one, no Indonesian word in an English one (a reader gets one language, end to end). A
    command to type (`pollguard plan run`) is the same in both."""
    ids, ens = catalogue("id"), catalogue("en")
    for code in ErrorCode:
        key = f"error.{code.value}"
        _wholly({lang: COMMAND.sub("", PLACE.sub("", text[key]))
                 for lang, text in (("id", ids), ("en", ens))})


def test_only_the_polda_decides_bko_requests_in_each_language(app: FastAPI,
                                                              planned_db: Database,
                                                              incident: str) -> None:
    polres = TestClient(app)
    polres.headers.update(token_headers(planned_db, "polres"))
    status, code, said = _both(polres, "POST", f"/api/v1/incidents/{incident}/requests/1/decision",
                               json={"to": "approved"})
    assert (status, code) == (403, "bko_polda_decides")
    assert said == {"id": "Hanya Polda yang menyetujui atau menolak permintaan BKO",
                    "en": "Only the Polda approves or refuses BKO requests"}
