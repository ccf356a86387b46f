"""Voting-day field reports through the API, as the demo field officer's phone sends them:
resends never duplicate a report, reports for a TPS that does not exist or one the officer is
not plotted at are refused with the reason and nothing stored, and a TPS's phase only moves
forward whatever order the reports arrive in."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollguard.access import Role
from pollguard.operations.field_reports import ReportError, TpsPhase, advance, make_report
from pollguard.profile.operations import DEFAULT_KINDS
from pollguard.services import accounts
from pollguard.store import audit
from pollguard.store import field_reports as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from web_client import session_client, token_headers

URL = "/api/v1/reports"
T0 = dt.datetime(2024, 11, 27, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))


VOTING_DAY_NOON = T0 + dt.timedelta(hours=5, minutes=30)


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    """The server on voting day: its clock at noon WIB, the reports sent from 06:30 on."""
    app = create_app(planned_db)
    app.state.clock = lambda: VOTING_DAY_NOON
    return app


@pytest.fixture(scope="module")
def petugas(app: FastAPI) -> TestClient:
    return session_client(app, "petugas")


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polda"))
    return client


@pytest.fixture(scope="module")
def own_tps(petugas: TestClient) -> str:
    mine = petugas.get("/api/v1/me/assignment").json()
    assert mine["role"] == "post", mine
    return str(mine["tps"][0]["tps_ids"][0])


@pytest.fixture(scope="module")
def other_tps(polda: TestClient, petugas: TestClient) -> str:
    mine = set(petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"])
    return next(t for t in polda.get("/api/v1/map/tps").json()["ids"] if t not in mine)


def _status(tps_id: str, phase: TpsPhase, **extra: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "tps_id": tps_id, "kind": "status",
            "phase": phase.value, "sent_at": T0.isoformat(), **extra}


def _incident(tps_id: str, kind: str = "intimidation", **extra: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "tps_id": tps_id, "kind": "incident",
            "incident_kind": kind, "text": "massa berkumpul", "lat": -1.61, "lon": 103.61,
            "sent_at": T0.isoformat(), **extra}


def _stored(db: Database) -> tuple[int, int]:
    """(field reports, audit entries) stored so far."""
    with UnitOfWork(db) as uow:
        return store.count(uow.session), audit.recent(uow.session, limit=1)[1]


def _phase(db: Database, tps_id: str) -> TpsPhase | None:
    with UnitOfWork(db) as uow:
        return store.status(uow.session, tps_id)


_report = st.one_of(
    st.builds(lambda p, m: ("status", p, m), st.sampled_from(list(TpsPhase)),
              st.integers(0, 180)),
    st.builds(lambda k, s: ("incident", k, s), st.sampled_from([k.code for k in DEFAULT_KINDS]),
              st.none() | st.integers(1, 3)))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(reports=st.lists(_report, min_size=1, max_size=5), data=st.data())
def test_resends_in_any_order_never_duplicate_a_report(
        petugas: TestClient, planned_db: Database, own_tps: str, reports: list[tuple[Any, ...]],
        data: st.DataObject) -> None:
    bodies = []
    for kind, a, b in reports:
        if kind == "status":
            bodies.append(_status(own_tps, a, sent_at=(T0 + dt.timedelta(minutes=b)).isoformat()))
        else:
            bodies.append(_incident(own_tps, a, **({} if b is None else {"severity": b})))
    extra = data.draw(st.lists(st.integers(0, len(bodies) - 1), max_size=10), label="resends")
    order = data.draw(st.permutations(list(range(len(bodies))) + extra), label="order")
    before_rows, before_audit = _stored(planned_db)
    before_phase = _phase(planned_db, own_tps)
    first: dict[int, dict[str, Any]] = {}
    for i in order:
        r = petugas.post(URL, json=bodies[i])
        if i in first:
            assert r.status_code == 200, r.text
            assert r.json() == first[i]
        else:
            assert r.status_code == 201, r.text
            first[i] = r.json()
            assert first[i]["client_id"] == bodies[i]["client_id"]
            assert first[i]["nrp"] and first[i]["tps_id"] == own_tps
    rows, entries = _stored(planned_db)
    assert rows - before_rows == len(bodies)
    # One audit entry per stored report, and one per incident an incident report opened.
    assert entries - before_audit == len(bodies) + sum(b["kind"] == "incident" for b in bodies)
    with UnitOfWork(planned_db) as uow:
        for i, body in enumerate(bodies):
            got = store.get(uow.session, body["client_id"])
            assert got is not None and got.client_id == first[i]["client_id"]
            assert got.received_at.isoformat() == first[i]["received_at"]
    # The phase only moves forward: it is the latest phase ever reported, whatever the order.
    expected = before_phase
    for kind, a, _ in reports:
        if kind == "status":
            expected = advance(expected, a)
    assert _phase(planned_db, own_tps) == expected


def test_an_unknown_tps_is_404_with_the_reason(petugas: TestClient,
                                               planned_db: Database) -> None:
    before = _stored(planned_db)
    r = petugas.post(URL, json=_status("9999999999999", TpsPhase.SET_UP))
    assert r.status_code == 404 and r.json()["code"] == "tps_unknown"
    assert r.json()["messages"]["en"] == "no TPS 9999999999999"
    assert _stored(planned_db) == before


def test_a_tps_the_officer_is_not_plotted_at_is_403_and_nothing_is_stored(
        petugas: TestClient, planned_db: Database, other_tps: str) -> None:
    before = _stored(planned_db)
    for body in (_status(other_tps, TpsPhase.VOTING_OPEN), _incident(other_tps)):
        r = petugas.post(URL, json=body)
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "not_plotted_at_tps"
        assert r.json()["detail"] == "Anda tidak diplot di TPS ini dalam rencana yang berlaku"
    assert _stored(planned_db) == before
    assert _phase(planned_db, other_tps) is None


def test_invalid_reports_are_422_with_the_reason(petugas: TestClient, planned_db: Database,
                                                 own_tps: str) -> None:
    before = _stored(planned_db)
    for body in (_incident(own_tps, severity=4), _incident(own_tps, severity=0),
                 _status(own_tps, TpsPhase.SET_UP) | {"phase": "lunch"},
                 _status(own_tps, TpsPhase.SET_UP, client_id="not-a-uuid"),
                 _status(own_tps, TpsPhase.SET_UP, sent_at="2024-11-27T06:30:00")):  # no zone
        assert petugas.post(URL, json=body).status_code == 422, body
    r = petugas.post(URL, json=_incident(own_tps, "alien_landing"))
    assert r.status_code == 422 and "unknown incident kind 'alien_landing'" in r.json()["detail"]
    r = petugas.post(URL, json=_status(own_tps, TpsPhase.SET_UP, severity=2))
    assert r.status_code == 422 and "status report" in r.json()["detail"]
    r = petugas.post(URL, json=_incident(own_tps) | {"phase": "counting"})
    assert r.status_code == 422 and "incident report has no phase" in r.json()["detail"]
    assert _stored(planned_db) == before


def test_the_officer_is_who_is_logged_in_not_the_body(petugas: TestClient, polda: TestClient,
                                                      own_tps: str) -> None:
    mine = petugas.get("/api/v1/me/assignment").json()["nrp"]
    r = petugas.post(URL, json=_status(own_tps, TpsPhase.SET_UP, nrp="00000000"))
    assert r.status_code == 201 and r.json()["nrp"] == mine  # the body's nrp is ignored
    r = polda.post(URL, json=_status(own_tps, TpsPhase.SET_UP))
    assert r.status_code == 403 and r.json()["code"] == "not_an_officer"


def test_another_officers_client_id_is_409(app: FastAPI, petugas: TestClient,
                                           planned_db: Database, own_tps: str) -> None:
    body = _status(own_tps, TpsPhase.SET_UP)
    assert petugas.post(URL, json=body).status_code == 201
    mine = petugas.get("/api/v1/me/assignment").json()["nrp"]
    with UnitOfWork(planned_db) as uow:
        from pollguard.store import plans

        plan = plans.load(uow.session, plans.latest_id(uow.session) or 0)
    assert plan is not None
    other = next(a.nrp for a in plan.assignments if a.nrp != mine)
    accounts.create_user(db=planned_db, username="petugas2", password="petugas2-demo-2024",
                         role=Role.FIELD_OFFICER, nrp=other)
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "petugas2"))
    r = client.post(URL, json=body)
    assert r.status_code == 409 and "another officer's report" in r.json()["detail"]


def test_phases_only_move_forward(petugas: TestClient, planned_db: Database,
                                  own_tps: str) -> None:
    for phase in (TpsPhase.COUNTING, TpsPhase.SET_UP, TpsPhase.VOTING_CLOSED):
        assert petugas.post(URL, json=_status(own_tps, phase)).status_code == 201
        assert _phase(planned_db, own_tps) is not None
    now = _phase(planned_db, own_tps)
    assert now is not None and now.rank >= TpsPhase.COUNTING.rank  # earlier reports kept it
    assert advance(None, TpsPhase.VOTING_OPEN) == TpsPhase.VOTING_OPEN
    assert advance(TpsPhase.COUNTED, TpsPhase.SET_UP) == TpsPhase.COUNTED
    assert advance(TpsPhase.SET_UP, TpsPhase.COUNTED) == TpsPhase.COUNTED  # may skip phases
    assert [p.rank for p in TpsPhase] == list(range(6))


def test_the_domain_refuses_bad_reports_with_the_reason() -> None:
    now = dt.datetime(2024, 11, 27, 8, tzinfo=dt.UTC)
    ok = make_report(client_id="c", nrp="1", tps_id="t", kind="incident",  # type: ignore[arg-type]
                     incident_kind="violence", sent_at=T0, received_at=now)
    assert ok.severity == 3 and ok.sent_at.tzinfo == dt.UTC and ok.sent_at == T0
    for kw, reason in (({"incident_kind": "violence", "severity": 5}, "severity must be 1-3"),
                       ({"incident_kind": "x"}, "unknown incident kind"),
                       ({"incident_kind": "violence", "lat": 1.0}, "both lat and lon"),
                       ({"incident_kind": "violence", "lat": 91.0, "lon": 0.0},
                        "no such location")):
        with pytest.raises(ReportError, match=reason):
            make_report(client_id="c", nrp="1", tps_id="t", kind="incident",  # type: ignore[arg-type]
                        sent_at=T0, received_at=now, **kw)  # type: ignore[arg-type]


def test_progress_counts_tps_per_phase_and_incidents_by_severity(
        petugas: TestClient, polda: TestClient, planned_db: Database, own_tps: str,
        app: FastAPI) -> None:
    before = polda.get(f"{URL}/progress").json()
    assert petugas.post(URL, json=_incident(own_tps, "violence")).status_code == 201
    assert petugas.post(URL, json=_status(own_tps, TpsPhase.BOX_ESCORTED)).status_code == 201
    after = polda.get(f"{URL}/progress").json()
    assert list(after["phases"]) == [p.value for p in TpsPhase]
    assert after["tps"] == 6391 == after["not_reported"] + sum(after["phases"].values())
    assert after["phases"]["box_escorted"] >= 1
    key = "incidents_open_by_severity"
    assert after[key]["3"] == before[key]["3"] + 1
    # Per Polres: the officer's Polres counts the incident, and the regions add up.
    mine = {r["code"]: r for r in after["regions"]}["polres.15.01"]
    assert mine[key]["3"] == {r["code"]: r for r in before["regions"]}["polres.15.01"][key][
        "3"] + 1
    assert sum(r["tps"] for r in after["regions"]) == after["tps"]
    # A Polsek sees its kecamatan only; a field officer may not read the board.
    polsek = TestClient(app, headers=token_headers(planned_db, "polsek"))
    seen = polsek.get(f"{URL}/progress").json()
    assert seen["tps"] == polsek.get("/api/v1/map/tps").json()["count"] < 6391
    assert petugas.get(f"{URL}/progress").status_code == 403


@pytest.mark.parametrize(("sent_at", "reason"), [
    (VOTING_DAY_NOON + dt.timedelta(minutes=20), "ahead of the server's clock"),
    (VOTING_DAY_NOON - dt.timedelta(days=4), "hours before the server's clock"),
    (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), "hours before the server's clock"),
])
def test_a_sent_at_far_from_the_server_clock_is_refused_and_stores_nothing(
        petugas: TestClient, planned_db: Database, own_tps: str, sent_at: dt.datetime,
        reason: str) -> None:
    body = _status(own_tps, TpsPhase.SET_UP, sent_at=sent_at.isoformat())
    r = petugas.post(URL, json=body)
    assert r.status_code == 422 and reason in r.json()["detail"], r.text
    with UnitOfWork(planned_db) as uow:
        assert not store.get_many(uow.session, [body["client_id"]])
    ok = petugas.post(URL, json=body | {"sent_at": (VOTING_DAY_NOON + dt.timedelta(
        minutes=10)).isoformat()})
    assert ok.status_code == 201, ok.text  # a phone a few minutes fast is fine
