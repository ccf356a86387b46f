"""Incidents through the API, as voting day runs them: an incident report opens an incident;
operators acknowledge, verify, respond, resolve and close it; the escalation clock moves what
nobody acknowledges; verifying reassesses risk; reinforcement is recommended, dispatched and
tracked; the live stream carries all of it, each role seeing what it may."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.access import Role
from pollguard.operations.events import AssessmentEvent, message
from pollguard.services import accounts, live
from pollguard.store import assessments, audit, plans
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app, escalation_round
from pollguard.web.settings import WebSettings
from web_client import Clock, read_stream, session_client, token_client

T0 = dt.datetime(2024, 11, 27, 1, 0, tzinfo=dt.UTC)  # 08:00 WIB on voting day


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    app = create_app(planned_db, WebSettings(escalate=False))
    return app


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    c = Clock(dt.datetime.now(dt.UTC))
    app.state.clock = c
    return c


@pytest.fixture(scope="module")
def petugas(app: FastAPI) -> TestClient:
    return session_client(app, "petugas")


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    return token_client(app, planned_db, "polda")


@pytest.fixture(scope="module")
def kpu(app: FastAPI, planned_db: Database) -> TestClient:
    return token_client(app, planned_db, "kpu")


@pytest.fixture(scope="module")
def own(petugas: TestClient) -> dict[str, Any]:
    mine = petugas.get("/api/v1/me/assignment").json()
    return {"tps": mine["tps"][0]["tps_ids"][0], "lat": mine["lat"], "lon": mine["lon"]}


@pytest.fixture
def report_incident(petugas: TestClient, own: dict[str, Any],
                    clock: Clock) -> Callable[..., str]:
    def make(kind: str = "crowd_gathering", **extra: Any) -> str:
        cid = str(uuid.uuid4())
        body = {"client_id": cid, "tps_id": own["tps"], "kind": "incident",
                "incident_kind": kind, "text": "massa berkumpul di depan TPS",
                "lat": own["lat"], "lon": own["lon"], "sent_at": clock.at.isoformat(), **extra}
        r = petugas.post("/api/v1/reports", json=body)
        assert r.status_code == 201, r.text
        return cid
    return make


def _audit_count(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return audit.recent(uow.session, limit=1)[1]


def test_an_incident_report_opens_one_incident_held_by_the_polsek(
        polda: TestClient, petugas: TestClient, report_incident: Callable[..., str],
        own: dict[str, Any]) -> None:
    cid = report_incident("intimidation")
    inc = polda.get(f"/api/v1/incidents/{cid}").json()
    assert (inc["status"], inc["level"], inc["severity"], inc["verified"]) == (
        "reported", "polsek", 2, False)
    assert inc["tps_id"] == own["tps"] and inc["polres_code"] == "polres.15.01"
    assert inc["reported_by"] == petugas.get("/api/v1/me/assignment").json()["nrp"]
    assert inc["due_at"] is not None
    # A resend of the report opens nothing new.
    before = len(polda.get("/api/v1/incidents").json()["incidents"])
    again = petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": own["tps"], "kind": "incident",
        "incident_kind": "intimidation", "sent_at": dt.datetime.now(dt.UTC).isoformat()})
    assert again.status_code == 200
    assert len(polda.get("/api/v1/incidents").json()["incidents"]) == before


def test_the_workflow_records_who_and_when_and_refuses_skipped_steps(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str], clock: Clock) -> None:
    cid = report_incident()
    url = f"/api/v1/incidents/{cid}/steps"
    n = _audit_count(planned_db)
    skipped = polda.post(url, json={"to": "resolved"})
    assert skipped.status_code == 409 and skipped.json()["code"] == "incident_step"
    assert _audit_count(planned_db) == n  # a refused step writes nothing
    for to in ("acknowledged", "responding", "resolved", "closed"):
        clock.advance(minutes=1)
        r = polda.post(url, json={"to": to, "note": f"langkah {to}"})
        assert r.status_code == 200, r.text
        assert r.json()["incident"]["status"] == to
    history = polda.get(f"/api/v1/incidents/{cid}").json()["history"]
    assert [h["status"] for h in history] == ["reported", "acknowledged", "responding",
                                             "resolved", "closed"]
    assert all(h["by"] == "polda (polda_command)" for h in history[1:])
    assert [h["at"] for h in history] == sorted(h["at"] for h in history)
    assert polda.post(url, json={"to": "responding"}).status_code == 409  # closed is final
    assert cid not in {i["id"] for i in polda.get("/api/v1/incidents?open=true").json()[
        "incidents"]}


def test_escalation_fires_at_the_profile_limits_and_stops_once_acknowledged(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str], clock: Clock) -> None:
    cid = report_incident("crowd_gathering")  # severity 2: Polsek 10 min, Polres 15 min
    start = clock.at

    def level() -> str:
        return str(polda.get(f"/api/v1/incidents/{cid}").json()["level"])

    clock.at = start + dt.timedelta(minutes=10) - dt.timedelta(seconds=1)
    escalation_round(app)
    assert level() == "polsek"
    clock.at = start + dt.timedelta(minutes=10)
    escalation_round(app)
    assert level() == "polres_ops"
    escalation_round(app)  # idempotent at the same time
    inc = polda.get(f"/api/v1/incidents/{cid}").json()
    assert [h["level"] for h in inc["history"] if h["by"] == "system"] == ["polres_ops"]
    # The system's own words stay in the store; readers get the step's status and level in
    # theirs (the English "not acknowledged by polsek in time" reached Indonesian pages).
    assert [h["note"] for h in inc["history"] if h["by"] == "system"] == [""]
    narrative = polda.get("/api/v1/sitrep.txt").text
    assert "escalated to" not in narrative and "not acknowledged" not in narrative
    assert inc["history"][-1]["at"].startswith((start + dt.timedelta(minutes=10)).isoformat()[:19])
    clock.at = start + dt.timedelta(minutes=25)
    escalation_round(app)
    assert level() == "polda_ops"
    clock.at = start + dt.timedelta(hours=3)
    escalation_round(app)
    assert level() == "polda_ops"  # the top of the chain

    # A berat incident waits half as long; once acknowledged it never moves.
    berat = report_incident("violence")
    clock.advance(minutes=5)
    escalation_round(app)
    assert polda.get(f"/api/v1/incidents/{berat}").json()["level"] == "polres_ops"
    assert polda.post(f"/api/v1/incidents/{berat}/steps",
                      json={"to": "acknowledged"}).status_code == 200
    clock.advance(hours=1)
    escalation_round(app)
    after = polda.get(f"/api/v1/incidents/{berat}").json()
    assert after["level"] == "polres_ops" and after["due_at"] is None
    with UnitOfWork(planned_db) as uow:
        escalations = [e for e in audit.recent(uow.session, limit=50)[0]
                       if e.action == "incident.escalated"]
    assert {json.loads(e.detail)["id"] for e in escalations} >= {cid, berat}


def test_verifying_an_incident_reassesses_risk_around_it_in_the_background(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str], own: dict[str, Any]) -> None:
    with UnitOfWork(planned_db) as uow:
        before_id = assessments.latest_id(uow.session)
        assert before_id is not None
        before = assessments.results(uow.session, before_id)
        head = audit.head(uow.session)
    cid = report_incident("ballot_box_seized")
    r = polda.post(f"/api/v1/incidents/{cid}/steps",
                   json={"to": "acknowledged", "verified": True, "note": "dikonfirmasi"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["incident"]["verified"] is True
    # The click answers at once: the assessment follows in the background.
    assert body["reassessing"] is True and body["assessment_id"] is None
    assert app.state.reassessor.wait(120)
    with UnitOfWork(planned_db) as uow:
        new_id = assessments.latest_id(uow.session)
        assert new_id is not None and new_id > before_id
        after = assessments.results(uow.session, new_id)
        info = assessments.info(uow.session, new_id)
    assert info is not None and cid in info.note
    tps = own["tps"]
    assert after[tps].score > before[tps].score  # the incident's own TPS rose
    assert any(c.factor.value == "event" and c.code == f"incident:{cid}"
               for c in after[tps].reasons)
    # The new version is what the map and the risk view read, and the live stream says so.
    assert polda.get("/api/v1/map/tps").json()["assessment_id"] == new_id
    [made] = [message(e) for _, e in live.events_after(db=planned_db, seq=head)
              if isinstance(e, AssessmentEvent)]
    assert made["assessment_id"] == new_id and made["cause"] == f"incident {cid}"
    for c in made["reclassified"]:
        t = c["tps_id"]
        assert (before[t].risk_class.value, after[t].risk_class.value) == (c["before"],
                                                                           c["after"])
        assert c["name"].startswith("TPS ") and not c["name"].startswith(f"TPS {t}")
    # Scores only rise: an incident never lowers the risk of any TPS.
    assert all(after[t].score >= before[t].score for t in before)
    # Verifying again makes no new assessment.
    again = polda.post(f"/api/v1/incidents/{cid}/steps",
                       json={"to": "responding", "verified": True})
    assert again.json()["assessment_id"] is None and again.json()["reassessing"] is False


def test_an_incident_without_phone_location_spills_over_from_its_tps(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str], own: dict[str, Any]) -> None:
    """The drill's reports, and those of an officer who denies location, carry no
    coordinates: the incident counts at its TPS, and raises the TPS around it too."""
    cid = report_incident("violence", lat=None, lon=None)
    r = polda.post(f"/api/v1/incidents/{cid}/steps", json={"to": "acknowledged",
                                                           "verified": True})
    assert r.status_code == 200 and r.json()["reassessing"] is True, r.text
    assert app.state.reassessor.wait(120)
    with UnitOfWork(planned_db) as uow:
        latest = assessments.latest_id(uow.session)
        assert latest is not None
        after = assessments.results(uow.session, latest)
    event = f"incident:{cid}"
    raised = {t: c for t, risk in after.items() for c in risk.reasons if c.code == event}
    tps = own["tps"]
    # At the TPS itself (its points share the cap with the TPS's other verified incidents).
    assert raised[tps].points > 0 and "0.0 km" in raised[tps].text_id
    assert len(raised) > 1  # and it spills over to the TPS nearby


def test_the_polres_is_offered_a_draft_re_plan_heavier_at_the_reclassified_tps(
        app: FastAPI, planned_db: Database, own: dict[str, Any]) -> None:
    """After the verified incidents above, the Polres asks for the draft that plans every TPS
    of its jurisdiction whose class rose at its new class; the plan in force stays."""
    polres = token_client(app, planned_db, "polres")
    in_force = polres.get("/api/v1/plans").json()["current"]
    r = polres.post(f"/api/v1/plans/{in_force}/drafts/reassessed")
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["base_id"] == in_force
    with UnitOfWork(planned_db) as uow:
        info = plans.info(uow.session, draft["plan_id"])
        latest = assessments.latest_id(uow.session)
        assert info is not None and latest is not None
        now = assessments.results(uow.session, latest)
    assert info.classes and all(now[t].risk_class.value == c for t, c in info.classes.items())
    assert info.classes[own["tps"]] == now[own["tps"]].risk_class.value == "sangat_rawan"
    assert "Penebalan pengamanan" in info.note and "TPS " in info.note
    assert polres.get("/api/v1/plans").json()["current"] == in_force  # only a draft
    # Another Polres has nothing raised in its jurisdiction: nothing to draft.
    accounts.create_user(db=planned_db, username="polres-batanghari",
                         password="batanghari-2024-x", role=Role.POLRES_OPS,
                         unit_code="polres.15.04", display_name="Kabag Ops Batanghari")
    refused = token_client(app, planned_db, "polres-batanghari").post(
        f"/api/v1/plans/{in_force}/drafts/reassessed")
    assert refused.status_code == 409, refused.text


def test_the_re_plan_offer_names_the_raised_tps_and_says_who_may_draft(
        app: FastAPI, planned_db: Database, own: dict[str, Any]) -> None:
    """What the live map and the risk view show after the reclassification above: the TPS of
    the account's jurisdiction whose class rose since the plan in force, by name, and whether
    the account may ask for the draft (the pages render this; they hold no rule of their own)."""
    polres = token_client(app, planned_db, "polres")
    in_force = polres.get("/api/v1/plans").json()["current"]
    r = polres.get(f"/api/v1/plans/{in_force}/raised")
    assert r.status_code == 200, r.text
    offer = r.json()
    assert offer["plan_id"] == in_force and offer["may_draft"] is True
    assert offer["draft"] == f"/plans/{in_force}/drafts/reassessed"
    row = next(x for x in offer["tps"] if x["tps_id"] == own["tps"])
    assert row["risk_class"] == "sangat_rawan"
    assert re.fullmatch(r"TPS \d{3} .+, .+", row["name"]), row  # number, desa, kecamatan
    # The same TPS the draft guards more heavily.
    with UnitOfWork(planned_db) as uow:
        latest = assessments.latest_id(uow.session)
        assert latest is not None
        now = assessments.results(uow.session, latest)
    assert all(now[x["tps_id"]].risk_class.value == x["risk_class"] for x in offer["tps"])
    # A TNI liaison reads plans but may not draft; an observer does not read plans.
    tni = token_client(app, planned_db, "tni").get(f"/api/v1/plans/{in_force}/raised").json()
    assert tni["may_draft"] is False and tni["draft"] is None and tni["tps"]
    assert token_client(app, planned_db, "kpu").get(
        f"/api/v1/plans/{in_force}/raised").status_code == 403
    # A Polres with nothing raised in its jurisdiction is offered nothing.
    other = token_client(app, planned_db, "polres-batanghari").get(
        f"/api/v1/plans/{in_force}/raised").json()
    assert other["tps"] == [] and other["may_draft"] is False
    assert polres.get("/api/v1/plans/999999/raised").status_code == 404


def test_recommend_dispatch_and_track_units(polda: TestClient,
                                            report_incident: Callable[..., str],
                                            planned_db: Database) -> None:
    cid = report_incident("violence")
    rec = polda.get(f"/api/v1/incidents/{cid}/recommendation").json()
    # Adequate teams first (module test of the ranking: test_reinforcement_needs).
    adequate = [t["adequate"] for t in rec["teams"]]
    assert adequate == sorted(adequate, reverse=True) and rec["teams"]
    assert all(t["owner_code"] in ("polres.15.01", "pool") for t in rec["teams"])
    nearest = rec["teams"][0]["team_id"]

    refused = polda.post(f"/api/v1/incidents/{cid}/dispatches",
                         json={"team_ids": ["no-such-team"]})
    assert refused.status_code == 409 and refused.json()["code"] == "team_not_on_offer"
    sent = polda.post(f"/api/v1/incidents/{cid}/dispatches", json={"borrow": False})
    assert sent.status_code == 201, sent.text
    assert [d["unit_id"] for d in sent.json()] == [nearest]
    dispatch_id = sent.json()[0]["id"]
    inc = polda.get(f"/api/v1/incidents/{cid}").json()
    assert inc["status"] == "responding" and inc["dispatches"][0]["id"] == dispatch_id

    # The team is busy: it is no longer on offer, and the units list says where it is.
    again = polda.get(f"/api/v1/incidents/{cid}/recommendation").json()
    assert nearest not in {t["team_id"] for t in again["teams"]}
    team = next(t for t in polda.get("/api/v1/units").json()["teams"] if t["team_id"] == nearest)
    assert (team["status"], team["dispatch_id"]) == ("dispatched", dispatch_id)

    step = f"/api/v1/dispatches/{dispatch_id}/steps"
    assert polda.post(step, json={"to": "available"}).status_code == 409  # not yet back
    for to in ("on_scene", "returning", "available"):
        r = polda.post(step, json={"to": to})
        assert r.status_code == 200 and r.json()["status"] == to
    assert nearest in {t["team_id"] for t in polda.get(
        f"/api/v1/incidents/{cid}/recommendation").json()["teams"]}

    n = _audit_count(planned_db)
    r = polda.post(f"/api/v1/incidents/{cid}/rejections", json={"note": "situasi kondusif"})
    assert r.status_code == 201 and _audit_count(planned_db) == n + 1


def test_each_incident_and_unit_says_its_next_steps_for_the_caller(
        app: FastAPI, planned_db: Database, polda: TestClient, kpu: TestClient,
        report_incident: Callable[..., str]) -> None:
    """The pages render these instead of copying the workflows: the steps the workflows allow
    from where each stands, and none for a role that may not take them."""
    cid = report_incident("intimidation")
    url = f"/api/v1/incidents/{cid}"

    def seen(client: TestClient = polda) -> dict[str, Any]:
        return dict(client.get(url).json())

    assert (seen()["open"], seen()["next_steps"]) == (True, ["acknowledged"])
    assert (seen(kpu)["open"], seen(kpu)["next_steps"]) == (True, [])  # no incident:write
    polsek = token_client(app, planned_db, "polsek")  # steps incidents, moves no units
    listed = polda.get("/api/v1/incidents?open=true").json()["incidents"]
    assert all(i["open"] for i in listed) and cid in {i["id"] for i in listed}

    sent = polda.post(f"{url}/dispatches", json={"borrow": False}).json()
    assert sent[0]["next_steps"] == ["on_scene", "returning"]
    assert seen()["next_steps"] == ["resolved"]  # dispatching made it responding
    dispatch_id = sent[0]["id"]
    moved = polda.post(f"/api/v1/dispatches/{dispatch_id}/steps", json={"to": "returning"})
    assert moved.json()["next_steps"] == ["available", "dispatched"]  # back, or sent on
    (unit,) = seen()["dispatches"]
    assert unit["next_steps"] == ["available", "dispatched"]
    assert seen(polsek)["dispatches"][0]["next_steps"] == []
    team = next(t for t in polda.get("/api/v1/units").json()["teams"]
                if t["team_id"] == unit["unit_id"])
    assert (team["status"], team["next_steps"]) == ("returning", ["available", "dispatched"])

    assert polda.post(f"{url}/steps", json={"to": "resolved"}).status_code == 200
    resolved = seen()
    assert (resolved["open"], resolved["next_steps"]) == (False, ["closed", "responding"])
    assert cid not in {i["id"] for i in polda.get("/api/v1/incidents?open=true").json()[
        "incidents"]}
    assert polda.post(f"{url}/dispatches", json={}).status_code == 409  # only open ones
    assert polda.post(f"{url}/steps", json={"to": "closed"}).status_code == 200
    assert (seen()["open"], seen()["next_steps"]) == (False, [])


def test_observers_see_incidents_without_personnel_or_reserves(
        kpu: TestClient, polda: TestClient, report_incident: Callable[..., str]) -> None:
    cid = report_incident("money_politics")
    assert polda.post(f"/api/v1/incidents/{cid}/dispatches", json={}).status_code == 201
    seen = kpu.get(f"/api/v1/incidents/{cid}").json()
    assert seen["kind"] == "money_politics" and seen["reported_by"] is None
    assert seen["dispatches"] == []
    assert all(h["by"] in (None, "system") for h in seen["history"])
    assert kpu.get(f"/api/v1/incidents/{cid}/recommendation").status_code == 403
    assert kpu.post(f"/api/v1/incidents/{cid}/steps",
                    json={"to": "acknowledged"}).status_code == 403


def test_other_polres_cannot_see_or_act_on_the_incident(
        app: FastAPI, planned_db: Database, report_incident: Callable[..., str]) -> None:
    accounts.create_user(db=planned_db, username="polres-merangin", password="merangin-2024-x",
                         role=Role.POLRES_OPS, unit_code="polres.15.02",
                         display_name="Kabag Ops Merangin")
    other = token_client(app, planned_db, "polres-merangin")
    cid = report_incident()
    assert cid not in {i["id"] for i in other.get("/api/v1/incidents").json()["incidents"]}
    assert other.get(f"/api/v1/incidents/{cid}").status_code == 403
    assert other.post(f"/api/v1/incidents/{cid}/steps",
                      json={"to": "acknowledged"}).status_code == 403
    assert token_client(app, planned_db, "polres").post(
        f"/api/v1/incidents/{cid}/steps", json={"to": "acknowledged"}).status_code == 200


def test_the_live_stream_carries_reports_incidents_and_dispatches_by_role(
        planned_db: Database, polda: TestClient, kpu: TestClient,
        report_incident: Callable[..., str]) -> None:
    with UnitOfWork(planned_db) as uow:
        since = audit.head(uow.session)
    cid = report_incident("crowd_gathering")
    assert polda.post(f"/api/v1/incidents/{cid}/dispatches", json={}).status_code == 201
    events = read_stream(polda, since, 6)
    kinds = [k for k, _ in events]
    assert kinds[0] == "progress" and kinds[1:4] == ["report", "incident", "dispatch"]
    report, incident = events[1][1], events[2][1]
    assert report["client_id"] == cid and report["nrp"]
    assert incident["id"] == cid and incident["status"] == "reported"
    assert events[3][1]["incident_id"] == cid
    board = events[0][1]
    assert board["tps"] == 6391 and len(board["regions"]) == 10

    seen = read_stream(kpu, since, 4)
    assert "dispatch" not in [k for k, _ in seen]
    assert all("nrp" not in data for _, data in seen)
    assert [k for k, _ in seen][1:3] == ["report", "incident"]


def test_the_audit_page_checks_new_entries_and_rechecks_the_whole_chain(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import update

    from pollguard.services import audit as audit_api
    from pollguard.store.tables import AuditRecord

    def page() -> dict[str, Any]:
        return dict(polda.get("/api/v1/audit?limit=1").json())

    def alter(seq: int, detail: str) -> None:
        with UnitOfWork(planned_db) as uow:
            uow.session.execute(update(AuditRecord).where(AuditRecord.seq == seq)
                                .values(detail=detail))

    assert page()["chain_ok"]
    head = page()["total"]
    report_incident()
    now = page()
    assert now["chain_ok"] and now["verified_from"] == head + 1  # only what was added
    with UnitOfWork(planned_db) as uow:
        original = audit.recent(uow.session, limit=1, offset=now["total"] - 1)[0][0].detail
    alter(1, '{"forged": true}')
    try:
        assert page()["chain_ok"]  # entry 1 was verified before it was altered ...
        monkeypatch.setattr(audit_api, "FULL_CHECK_S", 0.0)
        broken = page()  # ... and the next whole-chain check names it
        assert not broken["chain_ok"] and broken["broken_at"] == 1
        assert broken["verified_from"] == 1
    finally:
        alter(1, original)
    assert page()["chain_ok"]
    monkeypatch.setattr(audit_api, "FULL_CHECK_S", 600.0)
    assert page()["chain_ok"]
    # An entry added and altered since the last check is caught by the next incremental one.
    report_incident()
    with UnitOfWork(planned_db) as uow:
        newest = audit.head(uow.session)
        kept = audit.recent(uow.session, limit=1)[0][0].detail
    alter(newest, '{"forged": true}')
    try:
        caught = page()
        assert not caught["chain_ok"] and caught["broken_at"] == newest
        assert caught["verified_from"] > 1
    finally:
        alter(newest, kept)
    assert page()["chain_ok"]


def test_nrp_and_phone_numbers_typed_in_texts_are_redacted_for_partners(
        app: FastAPI, planned_db: Database, polda: TestClient, kpu: TestClient,
        report_incident: Callable[..., str]) -> None:
    """Officers type names, NRPs and phone numbers into incident texts and notes; TNI and
    KPU/Bawaslu read the texts without them, police roles as typed."""
    typed = "Bripka Andi NRP 81234567 luka, hubungi 0812-3456-7890 atau +62 813 1111 2222"
    note = "diterima, Kapolsek 0741-123456 / 79051234 menuju lokasi"
    with UnitOfWork(planned_db) as uow:
        since = audit.head(uow.session)
    cid = report_incident("intimidation", text=typed)
    assert polda.post(f"/api/v1/incidents/{cid}/steps",
                      json={"to": "acknowledged", "note": note}).status_code == 200
    police = polda.get(f"/api/v1/incidents/{cid}").json()
    assert police["text"] == typed and police["history"][-1]["note"] == note
    tni = token_client(app, planned_db, "tni")
    for partner in (kpu, tni):
        seen = partner.get(f"/api/v1/incidents/{cid}")
        assert seen.status_code == 200
        body = seen.json()
        assert body["text"] == ("Bripka Andi NRP [NRP] luka, hubungi [nomor telepon] atau "
                                "[nomor telepon]")
        assert body["history"][-1]["note"] == ("diterima, Kapolsek [nomor telepon] / [NRP] "
                                               "menuju lokasi")
        for secret in ("81234567", "3456-7890", "1111 2222", "123456", "79051234"):
            assert secret not in seen.text
        listed = partner.get("/api/v1/incidents").text
        assert "81234567" not in listed and "3456-7890" not in listed
    streamed = read_stream(kpu, since, 4)
    step = next(d for k, d in streamed if k == "incident" and d.get("status") == "acknowledged")
    assert step["note"] == "diterima, Kapolsek [nomor telepon] / [NRP] menuju lokasi"
    assert next(d for k, d in read_stream(polda, since, 4)
                if k == "incident" and d.get("status") == "acknowledged")["note"] == note


def test_a_moderate_intimidation_is_not_answered_with_a_platoon(
        polda: TestClient, report_incident: Callable[..., str]) -> None:
    """A severity-2 intimidation calls for a few officers (the profile's needs): what is
    offered first, and sent when accepted as recommended, is not a 30-officer team."""
    cid = report_incident("intimidation")
    rec = polda.get(f"/api/v1/incidents/{cid}/recommendation").json()
    assert rec["need"] == {"officers": 6, "kind": "any"}
    assert rec["first"] != "team" or rec["teams"][0]["size"] < 30, rec["first"]
    sent = polda.post(f"/api/v1/incidents/{cid}/dispatches", json={})
    assert sent.status_code == 201, sent.text
    assert all(d["officers"] < 30 for d in sent.json()), sent.json()
    assert sum(d["officers"] for d in sent.json()) >= 6
    assert all(t["call_sign"] for t in rec["teams"])  # names, not "cadangan-pool-04"


def test_a_polres_requests_polda_bko_and_the_polda_approves(
        app: FastAPI, planned_db: Database, polda: TestClient,
        report_incident: Callable[..., str]) -> None:
    """A Polres is offered its own teams only; the Polda pool's are requests, which the
    Polda approves (the team is dispatched) or refuses, each step in the audit trail."""
    polres = token_client(app, planned_db, "polres")
    cid = report_incident("violence")
    rec = polres.get(f"/api/v1/incidents/{cid}/recommendation").json()
    assert rec["teams"] and all(t["owner_code"] != "pool" for t in rec["teams"])
    assert rec["requests"] and all(t["owner_code"] == "pool" for t in rec["requests"])
    assert "request" in rec["allowed"]
    pool_team = rec["requests"][0]["team_id"]
    refused = polres.post(f"/api/v1/incidents/{cid}/dispatches", json={"team_ids": [pool_team]})
    assert refused.status_code == 409 and refused.json()["code"] == "team_not_on_offer"

    n = _audit_count(planned_db)
    asked = polres.post(f"/api/v1/incidents/{cid}/requests",
                        json={"team_id": pool_team, "note": "massa bertambah"})
    assert asked.status_code == 201, asked.text
    assert (asked.json()["status"], asked.json()["next_steps"]) == ("requested", [])
    assert polres.post(f"/api/v1/incidents/{cid}/requests",
                       json={"team_id": pool_team}).status_code == 409  # waiting already
    assert polda.post(f"/api/v1/incidents/{cid}/requests", json={
        "team_id": pool_team}).status_code == 409  # the Polda sends, it does not ask
    seen = polda.get(f"/api/v1/incidents/{cid}/requests").json()
    assert [(r["team_id"], r["next_steps"]) for r in seen] == [
        (pool_team, ["approved", "refused"])]
    url = f"/api/v1/incidents/{cid}/requests/1/decision"
    assert polres.post(url, json={"to": "approved"}).status_code == 403

    ok = polda.post(url, json={"to": "approved"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["request"]["status"] == "approved"
    assert [d["unit_id"] for d in ok.json()["dispatches"]] == [pool_team]
    team = next(t for t in polda.get("/api/v1/units").json()["teams"]
                if t["team_id"] == pool_team)
    assert team["status"] == "dispatched"
    assert polda.post(url, json={"to": "refused"}).status_code == 409  # decided already
    with UnitOfWork(planned_db) as uow:
        actions = [e.action for e in audit.recent(uow.session, limit=10)[0]]
    assert {"reinforcement.requested", "reinforcement.approved"} <= set(actions)
    assert _audit_count(planned_db) > n
