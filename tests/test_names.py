"""Names, not codes (issue 17): the API names a TPS the way the command room does, "TPS 002
Renah Kayu Embun, Kumun Debai" (number, desa, kecamatan), from the one definition in
``pollguard.domain.names``, and sends its location so that the map flies to an incident the
phone sent without one. The pages show what the API sends; they build no names."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from fastapi.testclient import TestClient

from pollguard.domain.names import tps_name
from pollguard.domain.tps import PollingStation
from pollguard.services.naming import Namer
from pollguard.services.snapshot import Snapshots
from pollguard.store import audit
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from web_client import log_in, read_stream, token_headers


def test_a_tps_is_named_by_number_desa_and_kecamatan() -> None:
    t = PollingStation("1501012001002", "15.01.01.2001", 2, 200, -2.0, 101.3)
    names = {"15.01.01.2001": "Renah Kayu Embun", "15.01.01": "Kumun Debai"}
    assert tps_name({t.tps_id: t}, names, t.tps_id) == "TPS 002 Renah Kayu Embun, Kumun Debai"
    assert tps_name({t.tps_id: t}, {}, t.tps_id) == "TPS 002 15.01.01.2001"
    assert tps_name({}, names, "1501012001009") == "TPS 1501012001009"  # dropped since


def test_incidents_carry_the_tps_name_and_location(planned_db: Database) -> None:
    app = create_app(planned_db, WebSettings(escalate=False))
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    polda = TestClient(app)
    polda.headers.update(token_headers(planned_db, "polda"))
    tps_id = petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"][0]
    cid = str(uuid.uuid4())  # sent without a phone location, as the drill sends them
    r = petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": tps_id, "kind": "incident",
        "incident_kind": "intimidation", "sent_at": dt.datetime.now(dt.UTC).isoformat()})
    assert r.status_code == 201, r.text
    tps = polda.get(f"/api/v1/tps/{tps_id}").json()
    listed = {i["id"]: i for i in polda.get("/api/v1/incidents").json()["incidents"]}[cid]
    assert re.fullmatch(r"TPS \d{3} [^,\d]+, [^,\d]+", listed["tps_name"]), listed["tps_name"]
    assert listed["tps_name"].startswith(f"TPS {int(tps_id[-3:]):03d} ")
    assert (listed["lat"], listed["tps_lat"], listed["tps_lon"]) == (None, tps["lat"],
                                                                    tps["lon"])
    one = polda.get(f"/api/v1/incidents/{cid}").json()
    assert one["tps_name"] == listed["tps_name"]


# --- Dispatches, units, the live stream, the audit, the board, the field post (issue 17) ------

NRP = re.compile(r"\b\d{8}\b")
TPS_ID = re.compile(r"\b\d{13}\b")


def _clients(db: Database) -> tuple[TestClient, TestClient]:
    app = create_app(db, WebSettings(escalate=False))
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    polda = TestClient(app)
    polda.headers.update(token_headers(db, "polda"))
    return petugas, polda


def _incident(petugas: TestClient) -> tuple[str, str]:
    tps_id = petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"][0]
    cid = str(uuid.uuid4())
    r = petugas.post("/api/v1/reports", json={
        "client_id": cid, "tps_id": tps_id, "kind": "incident", "incident_kind": "violence",
        "sent_at": dt.datetime.now(dt.UTC).isoformat()})
    assert r.status_code == 201, r.text
    return cid, tps_id


def test_a_dispatch_names_its_team_by_call_sign_and_danton_and_its_tps(
        planned_db: Database) -> None:
    """The dispatch table and the feed showed "cadangan-pool-04": the answers now carry the
    team by call sign and Danton (his NRP only for roles that may see personnel) and the TPS
    by name, in the dispatch, the incident, the units list and the live stream."""
    petugas, polda = _clients(planned_db)
    tni = TestClient(polda.app)
    tni.headers.update(token_headers(planned_db, "tni"))
    with UnitOfWork(planned_db) as uow:
        since = audit.head(uow.session)
    cid, _ = _incident(petugas)
    rec = polda.get(f"/api/v1/incidents/{cid}/recommendation").json()
    team = rec["teams"][0]
    for donor in (rec["borrow"] or {}).get("donors", []):  # posts to borrow from, by name
        assert donor["name"].startswith("Pos TPS ") and donor["post_id"] not in donor["name"]
    sent = polda.post(f"/api/v1/incidents/{cid}/dispatches",
                      json={"team_ids": [team["team_id"]], "borrow": False})
    assert sent.status_code == 201, sent.text
    (d,) = sent.json()
    incident = polda.get(f"/api/v1/incidents/{cid}").json()
    assert d["unit_id"] == team["team_id"]
    assert d["unit_label"] == f"{team['call_sign']} — {team['leader']}", d["unit_label"]
    assert team["team_id"] not in d["unit_label"] and NRP.search(d["unit_label"])
    assert d["tps_name"] == incident["tps_name"] and not TPS_ID.search(d["tps_name"])
    assert incident["dispatches"][0]["unit_label"] == d["unit_label"]

    units = {t["team_id"]: t for t in polda.get("/api/v1/units").json()["teams"]}
    assert units[team["team_id"]]["label"] == d["unit_label"]
    # The TNI liaison reads the reserve, not personnel: the Danton without his NRP.
    seen = {t["team_id"]: t for t in tni.get("/api/v1/units").json()["teams"]}
    shown = seen[team["team_id"]]["label"]
    assert shown.startswith(team["call_sign"] + " — ") and not NRP.search(shown), shown

    events = [e for k, e in read_stream(polda, since, 6) if k == "dispatch"]
    assert events and events[0]["unit_label"] == d["unit_label"]
    assert events[0]["tps_name"] == d["tps_name"]


def test_borrowed_officers_are_named_by_their_post(planned_db: Database) -> None:
    """Officers lent by a post are named by the post's TPS: "Pos TPS 002 Renah Kayu Embun,
    Kumun Debai (+1 TPS)", never its id."""
    snap = Snapshots(planned_db).get()
    post = next(p for p in snap.view.plan.posts if len(p.tps_ids) == 3)
    first = tps_name(snap.tps, snap.names, post.tps_ids[0])
    named = Namer(snap, personnel=False)
    assert named.dispatched(post.post_id, "borrowed") == f"Pos {first} (+2 TPS)"
    alone = next(p for p in snap.view.plan.posts if len(p.tps_ids) == 1)
    assert named.post(alone.post_id) == f"Pos {tps_name(snap.tps, snap.names, alone.tps_ids[0])}"
    assert named.dispatched("no-such-post", "borrowed") == "no-such-post"  # a plan since


def test_the_audit_names_subjects_and_the_codes_of_its_details(planned_db: Database) -> None:
    """The audit page showed TPS ids, team ids and NRP: each entry now carries its subject by
    name and a name for each code of its detail (the page shows those, codes in tooltips)."""
    petugas, polda = _clients(planned_db)
    cid, tps_id = _incident(petugas)
    assert polda.post(f"/api/v1/incidents/{cid}/dispatches",
                      json={"borrow": False}).status_code == 201
    name = polda.get(f"/api/v1/incidents/{cid}").json()["tps_name"]
    entries = polda.get("/api/v1/audit", params={"limit": 20}).json()["entries"]
    report = next(e for e in entries if e["action"] == "report.incident"
                  and e["detail"]["client_id"] == cid)
    assert (report["subject"], report["subject_name"]) == (f"TPS {tps_id}", name)
    assert report["names"][tps_id] == name
    officer = report["names"][report["detail"]["nrp"]]  # the reporting officer
    assert re.fullmatch(r"\S+ .+ \(\d{8}\)", officer), officer  # rank, name (NRP): Polda's
    sent = next(e for e in entries if e["action"] == "dispatch.dispatched"
                and e["detail"]["incident_id"] == cid)
    team = sent["detail"]["unit_id"]
    assert sent["subject_name"].endswith(f" → {name}"), sent["subject_name"]
    assert team not in sent["subject_name"] and sent["names"][team] in sent["subject_name"]
    plan = next(e for e in polda.get("/api/v1/audit", params={"action": "plan."}).json()[
        "entries"])
    assert plan["subject_name"] is None  # "plan 1" names itself


def test_a_polres_board_has_a_row_per_polsek_by_name(planned_db: Database) -> None:
    """The Polda's board has a row per Polres; a Polres's one per Polsek, named as the unit
    is ("Polsek Gunung Kerinci"), not one row repeating its total."""
    _, polda = _clients(planned_db)
    polres = TestClient(polda.app)
    polres.headers.update(token_headers(planned_db, "polres"))
    province = polda.get("/api/v1/reports/progress").json()
    assert province["level"] == "polres"
    assert all(r["name"].startswith("Polres") for r in province["regions"])
    own = polres.get("/api/v1/reports/progress").json()
    assert own["level"] == "polsek" and len(own["regions"]) > 1
    assert all(r["name"].startswith("Polsek ") and r["code"] != r["name"]
               for r in own["regions"]), own["regions"]
    assert sum(r["tps"] for r in own["regions"]) == own["tps"]


def test_the_field_post_is_titled_by_its_tps(planned_db: Database) -> None:
    """The field app's title was "Pos 15.01.01-SR-001": it is the post's TPS by name."""
    petugas, _ = _clients(planned_db)
    a = petugas.get("/api/v1/me/assignment").json()
    (post,) = a["tps"]
    snap = Snapshots(planned_db).get()
    first = tps_name(snap.tps, snap.names, post["tps_ids"][0])
    more = len(post["tps_ids"]) - 1
    assert a["target_label"] == f"Pos {first}" + (f" (+{more} TPS)" if more else "")
    assert post["id"] not in a["target_label"]
    assert [s["name"] for s in a["stations"]] == [tps_name(snap.tps, snap.names, t)
                                                  for t in post["tps_ids"]]


def test_a_polres_reads_polres_and_team_owners_by_name(planned_db: Database) -> None:
    """The Polres's incident panel showed "polres.15.01" beside the TPS (the page took names
    from the board, whose rows are Polsek for a Polres): the answers carry them by name."""
    petugas, polda = _clients(planned_db)
    polres = TestClient(polda.app)
    polres.headers.update(token_headers(planned_db, "polres"))
    cid, _ = _incident(petugas)
    one = polres.get(f"/api/v1/incidents/{cid}").json()
    assert one["polres_name"] == "Polres Kerinci" and one["polres_code"] == "polres.15.01"
    listed = {i["id"]: i for i in polres.get("/api/v1/incidents").json()["incidents"]}
    assert listed[cid]["polres_name"] == "Polres Kerinci"
    teams = polres.get("/api/v1/units").json()["teams"]
    assert teams and all(t["owner_name"] == "Polres Kerinci" for t in teams
                         if t["owner_code"] == "polres.15.01")
    pool = [t for t in polda.get("/api/v1/units").json()["teams"] if t["owner_code"] == "pool"]
    assert pool and {t["owner_name"] for t in pool} == {"Polda Jambi"}
    rec = polres.get(f"/api/v1/incidents/{cid}/recommendation").json()
    assert all(o["owner_name"] and "." not in o["owner_name"]
               for o in [*rec["teams"], *rec["requests"]])
