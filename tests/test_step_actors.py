"""Who did it, by name: an incident's and a dispatch's steps and the audit trail named their
actors as stored ("polda (polda_command)", an NRP, "system"). The answers now carry each
actor by name in the reader's language (``by_label``, ``actor_name``), named once per answer,
and keep the stored actor only for a tooltip; roles that may not see personnel still see no
operator and no reporting officer, only the system's own steps."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.access import Role
from pollguard.services.naming import Namer, actor_name
from pollguard.services.snapshot import Snapshots
from pollguard.store.database import Database
from pollguard.web.app import create_app, escalation_round
from pollguard.web.settings import WebSettings
from web_client import Clock, session_client, token_client

POLDA = "polda (polda_command)"


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture(scope="module")
def app(planned_db: Database, clock: Clock) -> FastAPI:
    app = create_app(planned_db, WebSettings(escalate=False))
    app.state.clock = clock
    return app


@pytest.fixture(scope="module")
def petugas(app: FastAPI) -> TestClient:
    return session_client(app, "petugas")


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    return token_client(app, planned_db, "polda")


def _report(petugas: TestClient, clock: Clock) -> str:
    tps_id = petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"][0]
    cid = str(uuid.uuid4())
    r = petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": tps_id, "kind": "incident", "incident_kind": "violence",
        "sent_at": clock.at.isoformat()})
    assert r.status_code == 201, r.text
    return cid


@pytest.fixture(scope="module")
def incident(app: FastAPI, petugas: TestClient, polda: TestClient, clock: Clock) -> str:
    """Reported by the demo officer, escalated by the system, acknowledged by the Polda,
    which then sends a team (the incident is responding: the Polda's second step)."""
    cid = _report(petugas, clock)
    clock.at += dt.timedelta(minutes=6)  # violence (berat) waits 5 minutes at the Polsek
    escalation_round(app)
    assert polda.post(f"/api/v1/incidents/{cid}/steps",
                      json={"to": "acknowledged"}).status_code == 200
    rec = polda.get(f"/api/v1/incidents/{cid}/recommendation").json()
    sent = polda.post(f"/api/v1/incidents/{cid}/dispatches",
                      json={"team_ids": [rec["teams"][0]["team_id"]], "borrow": False})
    assert sent.status_code == 201, sent.text
    return cid


def _steps(inc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The reported step, the first escalation and the acknowledgement, by what they were."""
    return {"reported": inc["history"][0],
            "system": next(h for h in inc["history"] if h["level"] and h["by"] == "system"),
            "acknowledged": next(h for h in inc["history"] if h["status"] == "acknowledged")}


def test_each_step_says_who_took_it_by_name_in_the_readers_language(
        polda: TestClient, incident: str, planned_db: Database) -> None:
    snap = Snapshots(planned_db).get()
    for lang, system in (("id", "Sistem"), ("en", "System")):
        inc = polda.get(f"/api/v1/incidents/{incident}", params={"lang": lang}).json()
        steps = _steps(inc)
        nrp = inc["reported_by"]
        officer = snap.view.officers[nrp]
        assert steps["reported"]["by"] == nrp
        assert steps["reported"]["by_label"] == f"{officer.rank.label} {officer.name} ({nrp})"
        assert steps["system"]["by_label"] == system
        assert steps["acknowledged"]["by"] == POLDA
        assert steps["acknowledged"]["by_label"] == f"polda ({Role.POLDA_COMMAND.label(lang)})"
        assert "polda_command" not in steps["acknowledged"]["by_label"]
        (d,) = inc["dispatches"]
        assert d["history"][0]["by"] == POLDA
        assert d["history"][0]["by_label"] == steps["acknowledged"]["by_label"]
        listed = {i["id"]: i for i in polda.get("/api/v1/incidents",
                                                params={"lang": lang}).json()["incidents"]}
        assert listed[incident]["history"] == inc["history"]
    assert Role.POLDA_COMMAND.label("id") != Role.POLDA_COMMAND.label("en")


def test_roles_without_personnel_see_only_the_systems_steps_by_name(
        app: FastAPI, planned_db: Database, incident: str) -> None:
    tni = token_client(app, planned_db, "tni")
    inc = tni.get(f"/api/v1/incidents/{incident}").json()
    reported, *rest = inc["history"]
    assert (reported["by"], reported["by_label"]) == (None, None)
    assert [h["by_label"] for h in rest if h["level"] and h["by"] == "system"][:1] == ["Sistem"]
    for h in rest:
        assert h["by_label"] == ("Sistem" if h["by"] == "system" else None), h
    assert all(s["by_label"] is None for d in inc["dispatches"] for s in d["history"])


def test_the_actors_of_a_list_are_named_once_each(
        polda: TestClient, incident: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hundred incidents stepped by three operators name three operators, not hundreds of
    steps: each distinct actor once per answer."""
    calls: list[str] = []
    real = Namer.actor

    def counted(self: Namer, actor: str, lang: str) -> str:
        calls.append(actor)
        return real(self, actor, lang)

    monkeypatch.setattr(Namer, "actor", counted)
    incidents = polda.get("/api/v1/incidents").json()["incidents"]
    steps = [h["by"] for i in incidents for h in i["history"]] + [
        s["by"] for i in incidents for d in i["dispatches"] for s in d["history"]]
    assert len(steps) > len(set(steps))  # the Polda took several steps: named once
    assert sorted(calls) == sorted(set(steps))


def test_an_actor_is_named_without_codes() -> None:
    """No scenario is needed for accounts and the automatic actors; an NRP the plan does not
    know is hidden from readers without personnel, as the free texts hide it."""
    assert actor_name("cli", "id") == "Baris perintah (CLI)"
    assert actor_name("cli", "en") == "Command line (CLI)"
    assert actor_name("system", "en") == "System"
    assert actor_name("polres (polres_ops)", "en") == f"polres ({Role.POLRES_OPS.label('en')})"
    assert actor_name("admin @ 10.0.0.1", "id") == "admin @ 10.0.0.1"  # a failed login


def test_an_unknown_nrp_is_hidden_from_readers_without_personnel(planned_db: Database) -> None:
    snap = Snapshots(planned_db).get()
    assert Namer(snap, personnel=False).actor("99999999", "id") == "[NRP]"
    assert Namer(snap, personnel=True).actor("99999999", "id") == "99999999"
    nrp = next(iter(snap.view.officers))
    o = snap.view.officers[nrp]
    assert Namer(snap, personnel=False).actor(nrp, "id") == f"{o.rank.label} {o.name}"


def test_the_audit_names_its_actors(app: FastAPI, polda: TestClient, incident: str) -> None:
    """The audit page showed "polda (polda_command)" and "cli": each entry now carries its
    actor by name in the reader's language, the stored actor kept for the tooltip."""
    for lang in ("id", "en"):
        entries = polda.get("/api/v1/audit", params={"limit": 1000, "lang": lang}).json()[
            "entries"]
        by = {e["actor"]: e["actor_name"] for e in entries}
        assert by[POLDA] == f"polda ({Role.POLDA_COMMAND.label(lang)})"
        assert by["petugas (field_officer)"] == f"petugas ({Role.FIELD_OFFICER.label(lang)})"
        assert by["cli"] == {"id": "Baris perintah (CLI)", "en": "Command line (CLI)"}[lang]
        assert all(e["actor_name"] for e in entries)
