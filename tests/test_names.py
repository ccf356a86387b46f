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
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from web_client import log_in, token_headers


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
