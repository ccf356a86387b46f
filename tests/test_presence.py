"""Presence at post through the API, as the demo field officer's phone sends it: a check-in
inside the profile's radius counts, one outside is stored and marked, one without location
needs a reason; the board counts planned against present within the caller's jurisdiction;
past the deadline on voting day every post with nobody present raises one ``pos_kosong``
incident, which escalates like any other."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from importlib import resources

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from pollguard.domain.geo import Point, offset
from pollguard.domain.plan import Post, ReserveKind, ReserveTeam
from pollguard.domain.risk import RiskClass
from pollguard.i18n import catalogue
from pollguard.operations.reinforcement import Board, Target, accept, incident_need, recommend
from pollguard.profile.model import ProfileError, parse_profile
from pollguard.profile.operations import ReinforcementPolicy
from pollguard.services import presence
from pollguard.store import audit, plans
from pollguard.store import incidents as incident_store
from pollguard.store import presence as store
from pollguard.store.database import Database
from pollguard.store.presence import PlannedPost
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app, presence_round
from pollguard.web.settings import WebSettings
from web_client import Clock, session_client, token_client

WIB = dt.timezone(dt.timedelta(hours=7))
EARLY = dt.datetime(2024, 11, 27, 6, 0, tzinfo=WIB)  # voting day, before the 07.00 deadline


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(EARLY)


@pytest.fixture(scope="module")
def app(planned_db: Database, clock: Clock) -> FastAPI:
    app = create_app(planned_db, WebSettings(escalate=False))
    app.state.clock = clock
    return app


@pytest.fixture(scope="module")
def petugas(app: FastAPI) -> TestClient:
    return session_client(app, "petugas")


@pytest.fixture(scope="module")
def post(petugas: TestClient, planned_db: Database) -> PlannedPost:
    nrp = petugas.get("/api/v1/session").json()["nrp"]
    with UnitOfWork(planned_db) as uow:
        plan = plans.in_force(uow.session)
        assert plan is not None
        found = store.post_of(uow.session, plan[0], nrp)
    assert found is not None
    return found


def _report(petugas: TestClient, post: PlannedPost) -> dict[str, object]:
    r = petugas.post("/api/v1/reports", json={
        "client_id": str(uuid.uuid4()), "tps_id": post.tps_ids[0], "kind": "status",
        "phase": "set_up", "sent_at": EARLY.isoformat()})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_report_from_an_officer_not_at_his_post_is_marked(petugas: TestClient,
                                                             post: PlannedPost) -> None:
    assert _report(petugas, post)["marked_absent"] is True  # no check-in yet


def _incident(petugas: TestClient, post: PlannedPost) -> str:
    cid = str(uuid.uuid4())
    r = petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": post.tps_ids[0], "kind": "incident",
        "incident_kind": "intimidation", "text": "massa berkumpul", "sent_at": EARLY.isoformat()})
    assert r.status_code == 201, r.text
    return cid


@pytest.fixture(scope="module")
def incident_id(petugas: TestClient, post: PlannedPost) -> str:
    """An incident the petugas reports before anybody in the operation has checked in."""
    return _incident(petugas, post)


def test_before_any_check_in_an_incident_is_not_marked(app: FastAPI, planned_db: Database,
                                                       incident_id: str) -> None:
    """Check-ins not in use yet: nothing is known of where the reporter is (null, no mark)."""
    polda = token_client(app, planned_db, "polda")
    assert polda.get(f"/api/v1/incidents/{incident_id}").json()["reporter_present"] is None
    # The board still counts the plan: every plotted officer, none present yet (it showed 0
    # planned in the demo until somebody checked in).
    total = polda.get("/api/v1/presence").json()["total"]
    assert total["planned"] > 0 and total["present"] == 0
    assert total["empty_posts"] == total["posts"] > 0


def test_a_check_in_outside_the_radius_is_stored_and_marked(
        petugas: TestClient, post: PlannedPost, planned_db: Database) -> None:
    far = offset(Point(post.lat, post.lon), distance_km=1.2, bearing_deg=90)
    r = petugas.post("/api/v1/presence/checkin", json={"lat": far.lat, "lon": far.lon})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["inside"] is False and body["marked"] is True
    assert body["post_id"] == post.post_id and 1150 < body["distance_m"] < 1250
    assert presence.not_present(db=planned_db, nrps=[post.nrps[0]]) == {post.nrps[0]}


def test_without_location_a_check_in_needs_a_reason(petugas: TestClient,
                                                    planned_db: Database) -> None:
    with UnitOfWork(planned_db) as uow:
        before = audit.head(uow.session)
    r = petugas.post("/api/v1/presence/checkin", json={})
    assert r.status_code == 422, r.text
    r = petugas.post("/api/v1/presence/checkin", json={"reason": "GPS mati, di pos sejak 05.30"})
    assert r.status_code == 201, r.text
    assert r.json()["inside"] is None and r.json()["marked"] is True
    with UnitOfWork(planned_db) as uow:
        assert audit.head(uow.session) == before + 1  # the refused one wrote nothing


def test_a_check_in_inside_the_radius_counts(petugas: TestClient, post: PlannedPost,
                                             planned_db: Database) -> None:
    near = offset(Point(post.lat, post.lon), distance_km=0.1, bearing_deg=0)
    r = petugas.post("/api/v1/presence/checkout", json={"lat": near.lat, "lon": near.lon})
    assert r.status_code == 201 and r.json()["kind"] == "checkout"
    r = petugas.post("/api/v1/presence/checkin", json={"lat": near.lat, "lon": near.lon})
    assert r.status_code == 201, r.text
    assert r.json()["inside"] is True and r.json()["marked"] is False
    assert presence.not_present(db=planned_db, nrps=[post.nrps[0]]) == set()
    assert _report(petugas, post)["marked_absent"] is False
    with UnitOfWork(planned_db) as uow:
        actions = [e.action for e in audit.after(uow.session, 0, prefixes=("checkin.",))]
    assert actions == ["checkin.in", "checkin.in", "checkin.out", "checkin.in"]


def test_the_audit_page_filters_check_ins_and_names_them(app: FastAPI, planned_db: Database,
                                                         petugas: TestClient) -> None:
    """The audit page's "Kehadiran di pos" filter (``checkin.``) finds the check-ins above,
    and each action has its words in both languages (the page shows no code)."""
    page = token_client(app, planned_db, "polda").get("/api/v1/audit",
                                                 params={"action": "checkin."}).json()
    found = {e["action"] for e in page["entries"]}
    assert found == {"checkin.in", "checkin.out"}
    for lang in ("id", "en"):
        words = catalogue(lang)
        assert all(f"audit.act.{a}" in words for a in found) and "audit.filter.checkin" in words
    assert 'value="checkin."' in token_client(app, planned_db, "polda").get("/audit").text


def test_an_incident_says_whether_its_reporter_is_at_his_post(
        app: FastAPI, planned_db: Database, petugas: TestClient, post: PlannedPost,
        incident_id: str) -> None:
    """The incident reported above, as its officer stands now: at his post (checked in
    inside the radius), then not (checked out), then at it again."""
    polda = token_client(app, planned_db, "polda")
    kpu = token_client(app, planned_db, "kpu")

    def seen(client: TestClient) -> object:
        listed = client.get("/api/v1/incidents").json()["incidents"]
        return next(i for i in listed if i["id"] == incident_id)["reporter_present"]

    assert polda.get(f"/api/v1/incidents/{incident_id}").json()["reporter_present"] is True
    near = offset(Point(post.lat, post.lon), distance_km=0.05, bearing_deg=180)
    assert petugas.post("/api/v1/presence/checkout",
                        json={"lat": near.lat, "lon": near.lon}).status_code == 201
    assert polda.get(f"/api/v1/incidents/{incident_id}").json()["reporter_present"] is False
    assert seen(polda) is False and seen(kpu) is False  # the mark names nobody
    assert petugas.post("/api/v1/presence/checkin",
                        json={"lat": near.lat, "lon": near.lon}).status_code == 201
    assert seen(polda) is True


def test_the_board_counts_planned_against_present_in_the_callers_view(
        app: FastAPI, planned_db: Database, post: PlannedPost, petugas: TestClient) -> None:
    polda = token_client(app, planned_db, "polda").get("/api/v1/presence").json()
    total = polda["total"]
    assert total["present"] == 1 and total["planned"] == sum(p["planned"] for p in polda["posts"])
    assert total["empty_posts"] == sum(1 for p in polda["posts"] if p["planned"]) - 1
    mine = next(p for p in polda["posts"] if p["post_id"] == post.post_id)
    assert mine["present"] == 1
    assert {"nrp": post.nrps[0], "status": "present"}.items() <= next(
        o for o in mine["officers"] if o["nrp"] == post.nrps[0]).items()
    polres = next(r for r in polda["polres"] if r["code"] == post.polres_code)
    assert polres["present"] == 1 and polres["name"] and polres["name"] != polres["code"]
    assert sum(r["posts"] for r in polda["polres"]) == total["posts"]
    polsek = token_client(app, planned_db, "polsek").get("/api/v1/presence").json()
    assert 0 < polsek["total"]["posts"] < total["posts"]
    tni = token_client(app, planned_db, "tni").get("/api/v1/presence").json()  # the joint command
    assert tni["total"]["planned"] == total["planned"]
    assert all(o["nrp"] is None for p in tni["posts"] for o in p["officers"])
    # KPU/Bawaslu read TPS phases and incidents, not the police's presence at its posts
    assert token_client(app, planned_db, "kpu").get("/api/v1/presence").status_code == 403
    assert petugas.get("/api/v1/presence").status_code == 403


def test_the_board_names_the_posts_empty_first_and_groups_the_polsek(
        app: FastAPI, planned_db: Database, post: PlannedPost) -> None:
    board = token_client(app, planned_db, "polda").get("/api/v1/presence").json()
    posts = board["posts"]
    flags = [p["empty"] for p in posts]
    assert any(flags) and not all(flags)
    assert flags == sorted(flags, reverse=True)  # the empty posts first
    assert all(p["empty"] == (p["planned"] > 0 and p["present"] == 0) for p in posts)
    mine = next(p for p in posts if p["post_id"] == post.post_id)
    assert not mine["empty"] and len(mine["tps_names"]) == len(mine["tps_ids"])
    assert all(n.startswith("TPS ") and "," in n and n != f"TPS {t}"
               for p in posts for n, t in zip(p["tps_names"], p["tps_ids"], strict=True))
    polres = {r["code"] for r in board["polres"]}
    assert board["polsek"] and all(s["polres_code"] in polres for s in board["polsek"])
    assert all(r["polres_code"] is None for r in board["polres"])
    for code in polres:  # a Polres's Polsek add up to it
        mine_ps = [s for s in board["polsek"] if s["polres_code"] == code]
        row = next(r for r in board["polres"] if r["code"] == code)
        assert sum(s["planned"] for s in mine_ps) == row["planned"]
        assert sum(s["empty_posts"] for s in mine_ps) == row["empty_posts"]
    assert all(s["name"] != s["code"] for s in board["polsek"])


def test_an_empty_post_past_the_deadline_alerts_once_and_escalates(
        app: FastAPI, clock: Clock, planned_db: Database, post: PlannedPost) -> None:
    assert presence_round(app) == []  # 06.00: before the deadline
    clock.at = EARLY + dt.timedelta(hours=1, minutes=5)  # 07.05 WIB
    board = token_client(app, planned_db, "polda").get("/api/v1/presence").json()
    alerts = presence_round(app)
    assert len(alerts) == board["total"]["empty_posts"] > 0
    assert all(a.kind == "pos_kosong" and a.level == "polsek" for a in alerts)
    assert post.tps_ids[0] not in {a.tps_id for a in alerts}  # its officer is there
    assert presence_round(app) == []  # once per post
    polda = token_client(app, planned_db, "polda")
    first = alerts[0]
    got = polda.get(f"/api/v1/incidents/{first.id}")
    assert got.status_code == 200 and got.json()["kind"] == "pos_kosong"
    # Its text names the post by its TPS, as the incident panel shows it, not by the post id.
    text = got.json()["text"]
    assert text.startswith("Pos TPS ") and "tidak ada personel hadir pada 07.00" in text, text
    assert not re.search(r"\d{13}|\d{2}\.\d{2}\.\d{2}-[A-Z]", text), text  # no TPS or post id
    with UnitOfWork(planned_db) as uow:  # the escalation clock's own list: it moves them
        assert {a.id for a in alerts} <= {i for i, *_ in incident_store.awaiting_acknowledgement(
            uow.session)}
    # Unacknowledged past the Polsek's 10 minutes, it is at the Polres when the Polres acts on
    # it (the path every incident takes; the clock's round does the same for all of them).
    clock.at += dt.timedelta(minutes=11)
    polres = token_client(app, planned_db, "polres")
    mine = next((a for a in alerts if polres.get(f"/api/v1/incidents/{a.id}").status_code == 200),
                None)
    assert mine is not None
    r = polres.post(f"/api/v1/incidents/{mine.id}/steps", json={"to": "acknowledged"})
    assert r.status_code == 200, r.text
    history = polda.get(f"/api/v1/incidents/{mine.id}").json()["history"]
    assert [h["level"] for h in history if h["by"] == "system"][-1] == "polres_ops"
    rec = polres.get(f"/api/v1/incidents/{mine.id}/recommendation")
    assert rec.status_code == 200, rec.text  # a reinforcement is offered to fill the post
    # ... sized by the post (the plan's officers there), not by the severity's squad of 8
    empty = next(p for p in board["posts"] if p["tps_ids"][0] == mine.tps_id)
    offer = rec.json()
    assert offer["need"] == {"officers": empty["planned"], "kind": "any"}
    assert empty["planned"] < 8
    if offer["first"].startswith("team"):
        assert offer["teams"][0]["size"] < 30
    assert polda.get(f"/api/v1/incidents/{mine.id}").json()["reporter_present"] is None


def test_marking_the_incident_list_costs_no_query_per_incident(
        app: FastAPI, planned_db: Database) -> None:
    """The list holds an alert per empty post and the petugas's incident: where the reporters
    stand is read in a fixed number of queries of the check-ins, not one per incident."""
    polda = token_client(app, planned_db, "polda")
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "FROM presence" in statement:
            seen.append(statement)

    event.listen(planned_db.engine, "before_cursor_execute", count)
    try:
        listed = polda.get("/api/v1/incidents").json()["incidents"]
    finally:
        event.remove(planned_db.engine, "before_cursor_execute", count)
    assert len(listed) > 10 and {i["kind"] for i in listed} >= {"pos_kosong", "intimidation"}
    assert 0 < len(seen) <= 2, seen


def test_the_profile_key_is_checked_with_its_line() -> None:
    text = resources.files("pollguard.profile").joinpath(
        "profiles/id-pilkada-2024.toml").read_text("utf-8")
    ok = parse_profile(text + '\n[operations.presence]\nradius_m = 150\ndeadline = "06:30"\n')
    assert (ok.operations.presence.radius_m, ok.operations.presence.deadline) == (
        150, dt.time(6, 30))
    lines = text.count("\n") + 2
    with pytest.raises(ProfileError, match=rf"line {lines + 1}: operations\.presence\.radius_m"):
        parse_profile(text + "\n[operations.presence]\nradius_m = -5\n")


class FlatTravel:
    """One minute per km on a flat grid (a degree is 111 km)."""

    def road_km(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return float(((lat1 - lat2) ** 2 + (lon1 - lon2) ** 2) ** 0.5 * 111.0)

    def minutes(self, lat1: float, lon1: float, lat2: float, lon2: float, *,
                area: str) -> float:
        return self.road_km(lat1, lon1, lat2, lon2)


def _post(post_id: str, km: float, officers: int,
          risk: RiskClass = RiskClass.KURANG_RAWAN) -> Post:
    return Post(post_id, "polres.15.01", "15.01.01", risk, (f"tps-{post_id}",), 0.0,
                km / 111.0, officers, 0, 0.0, 1)


def _team(team_id: str, km: float, size: int) -> ReserveTeam:
    return ReserveTeam(team_id, "polres.15.01", "hq", 0.0, km / 111.0, size,
                       ReserveKind.DALMAS, call_sign=team_id)


EMPTY_POST = _post("P0", 0, 2)  # the post left empty: two officers planned
NEIGHBOURS = (_post("P1", 3, 4), _post("P2", 6, 2), _post("P3", 1, 6, RiskClass.RAWAN))
PLATOON, SQUAD = _team("platoon", 4, 30), _team("squad", 15, 10)


def test_an_empty_post_calls_for_its_planned_officers_not_a_platoon() -> None:
    """Pure: a pos_kosong alert of a 2-officer post needs 2 (an intimidation there 8). With
    no small team near, two officers borrowed from the kurang rawan post nearby fill it; the
    teams on offer come least oversized first, so the platoon nearest is not first."""
    board = Board((EMPTY_POST, *NEIGHBOURS), (PLATOON, SQUAD))
    pol = ReinforcementPolicy()
    need = incident_need(board, pol, "pos_kosong", 2, "tps-P0")
    assert need.officers == 2 and need.kind == "any"
    assert incident_need(board, pol, "intimidation", 2, "tps-P0").officers == 8
    assert incident_need(board, pol, "pos_kosong", 2, "tps-unplanned").officers == 8
    rec = recommend(board, Target("tps-P0", "polres.15.01", 0.0, 0.0), FlatTravel(),
                    policy=pol, team_need=need)
    assert rec.need is not None and rec.need.officers == 2
    assert rec.first == "borrow" and rec.borrow is not None and not rec.borrow.short
    assert [(d.post_id, d.take) for d in rec.borrow.donors] == [("P1", 2)]  # P3 is rawan
    assert rec.teams[0].team_id == "squad"  # both oversized and near: the smaller first
    sent = accept(rec, "inc-1", by="polres", at=EARLY)
    assert [(d.unit_id, d.officers) for d in sent] == [("P1", 2)]
    # A small team near fits the need itself and goes first.
    pair = _team("pair", 8, 2)
    board = Board((EMPTY_POST, *NEIGHBOURS), (PLATOON, SQUAD, pair))
    rec = recommend(board, Target("tps-P0", "polres.15.01", 0.0, 0.0), FlatTravel(),
                    policy=pol, team_need=need)
    assert rec.first == "team" and rec.teams[0].team_id == "pair" and rec.within
