"""The situation report (laporan situasi): the demo field officer reports a phase and an
incident, the Polda dispatches a reserve team to it, and the report counts all of it, as JSON,
as a PDF and from the command line; observers get it without dispatches, force or NRP."""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pollguard.cli.main import app as cli
from pollguard.operations.field_reports import TpsPhase
from pollguard.reports import sitrep as report
from pollguard.services import incidents, sitrep
from pollguard.store.database import Database
from pollguard.web.app import create_app
from web_client import log_in, session_client, token_headers

URL = "/api/v1/sitrep"
T0 = dt.datetime(2024, 11, 27, 7, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def pdf_text(data: bytes) -> str:
    """The text a reportlab PDF draws (its page streams, base-85 and deflate encoded)."""
    out = []
    for m in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n"
                         rb"(.*?)endstream", data, re.S):
        raw = zlib.decompress(base64.a85decode(m.group(1).strip(), adobe=True))
        out += [re.sub(rb"\\(.)", rb"\1", s).decode("latin-1")
                for s in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", raw)]
    return "\n".join(out)


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    """The server on voting day (the reports' sent_at must be near its clock)."""
    app = create_app(planned_db)
    app.state.clock = lambda: T0 + dt.timedelta(hours=1)
    return app


@pytest.fixture(scope="module")
def petugas(app: FastAPI) -> TestClient:
    return session_client(app, "petugas")


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    return TestClient(app, headers=token_headers(planned_db, "polda"))


@pytest.fixture(scope="module")
def kpu(app: FastAPI, planned_db: Database) -> TestClient:
    return TestClient(app, headers=token_headers(planned_db, "kpu"))


@pytest.fixture(scope="module")
def day(petugas: TestClient, polda: TestClient) -> dict[str, Any]:
    """The voting day so far: the sitrep before, one TPS opened, one violent incident there
    with a reserve team sent to it, and the sitrep after."""
    before = polda.get(URL).json()
    mine = petugas.get("/api/v1/me/assignment").json()
    tps = str(mine["tps"][0]["tps_ids"][0])
    opened = {"client_id": str(uuid.uuid4()), "tps_id": tps, "kind": "status",
              "phase": TpsPhase.VOTING_OPEN.value, "sent_at": T0.isoformat()}
    assert petugas.post("/api/v1/reports", json=opened).status_code == 201
    incident = {"client_id": str(uuid.uuid4()), "tps_id": tps, "kind": "incident",
                "incident_kind": "violence", "text": "perkelahian di TPS", "lat": -2.06,
                "lon": 101.39, "sent_at": T0.isoformat()}
    assert petugas.post("/api/v1/reports", json=incident).status_code == 201
    sent = polda.post(f"/api/v1/incidents/{incident['client_id']}/dispatches", json={})
    assert sent.status_code == 201, sent.text
    return {"before": before, "after": polda.get(URL).json(), "tps": tps, "nrp": mine["nrp"],
            "incident": incident["client_id"], "sent": sent.json()}


def _region(board: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in board["polres"] if p["code"] == code)


def test_the_sitrep_counts_phases_incidents_and_dispatches(day: dict[str, Any]) -> None:
    before, after = day["before"], day["after"]
    header = after["header"]
    assert header["plan_id"] and header["assessment_id"] and header["whole"]
    assert header["as_of_wib"].endswith("+07:00") and header["operation"].startswith("Operasi")
    assert header["personnel"] and header["reserves"] and "polda" in header["made_by"]
    # One incident, open, of the kind's severity (violence: 3, berat), held and responded to.
    mine = [i for i in after["incidents"]["items"] if i["id"] == day["incident"]]
    assert len(mine) == 1
    inc = mine[0]
    assert inc["tps_id"] == day["tps"] and inc["kind"] == "violence" and inc["severity"] == 3
    # the table shows the TPS by name ("TPS 001 Koto Tuo, Kec. Kayu Aro"), not its id
    assert inc["tps_name"].startswith(f"TPS {day['tps'][-3:]} ") and ", Kec. " in inc["tps_name"]
    assert day["tps"] not in inc["tps_name"]
    assert inc["open"] and inc["status"] == "responding" and not inc["verified"]
    assert inc["reported_by"] == day["nrp"] and inc["units_sent"] == len(day["sent"])
    assert inc["age_min"] >= 0 and inc["kind_label_id"] == "Kekerasan"
    opened = after["incidents"]["open_by_severity"]
    assert opened["3"] == before["incidents"]["open_by_severity"]["3"] + 1
    assert sum(opened.values()) == sum(before["incidents"]["open_by_severity"].values()) + 1
    # The TPS's Polres: one TPS more opened, one fewer not reported; the total likewise.
    polres = inc["polres_code"]
    was, now = _region(before, polres), _region(after, polres)
    assert now["phases"]["voting_open"] == was["phases"]["voting_open"] + 1
    assert now["reached"]["voting_open"] == was["reached"]["voting_open"] + 1
    assert now["not_reported"] == was["not_reported"] - 1
    assert now["open_incidents_by_severity"]["3"] == was["open_incidents_by_severity"]["3"] + 1
    assert after["total"]["not_reported"] == before["total"]["not_reported"] - 1
    assert after["total"]["tps"] == sum(p["tps"] for p in after["polres"]) == 6391
    # The dispatch: one team sent (and any borrowing with it), the team no longer available.
    assert len(after["dispatches"]) == len(before["dispatches"]) + len(day["sent"])
    teams = [d for d in after["dispatches"] if d["incident_id"] == day["incident"]
             and d["kind"] == "team"]
    assert len(teams) == 1 and teams[0]["status"] == "dispatched"
    assert teams[0]["tps_id"] == day["tps"] and teams[0]["officers"] > 0
    assert teams[0]["tps_name"] == inc["tps_name"]  # the team by call sign, not its id
    assert teams[0]["unit_name"] and teams[0]["unit_name"] != teams[0]["unit_id"]
    assert teams[0]["dispatched_by"] and "polda" in teams[0]["dispatched_by"]
    rows_before = {f["code"]: f for f in before["force"]}
    rows_after = {f["code"]: f for f in after["force"]}
    changed = [c for c in rows_after
               if rows_after[c]["by_status"] != rows_before[c]["by_status"]]
    assert len(changed) == 1  # the team's owner: its Polres or the Polda pool
    row, was_row = rows_after[changed[0]], rows_before[changed[0]]
    assert row["by_status"]["available"] == was_row["by_status"]["available"] - 1
    assert row["by_status"]["dispatched"] == was_row["by_status"]["dispatched"] + 1
    assert row["officers_available"] == was_row["officers_available"] - teams[0]["officers"]
    assert any(f["pool"] for f in after["force"])  # the Polda sees its pool
    assert isinstance(after["floor_warnings"], list)


def test_the_pdf_names_every_polres_in_both_languages(day: dict[str, Any],
                                                      polda: TestClient) -> None:
    r = polda.get(f"{URL}.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert "LAPORAN SITUASI" in text and "WIB" in text and "Halaman 1 dari" in text
    for p in day["after"]["polres"]:
        assert p["name"] in text, p["name"]
    name = next(i["tps_name"] for i in day["after"]["incidents"]["items"]
                if i["id"] == day["incident"])
    assert name.split(",")[0] in text and day["tps"] not in text  # by name, not by id
    assert "Kekerasan" in text and day["nrp"] in text
    sent = [d for d in day["after"]["dispatches"] if d["incident_id"] == day["incident"]]
    assert all(d["unit_id"] not in text for d in sent if d["kind"] == "team")
    assert "3. Pengerahan unit" in text and "4. Kekuatan cadangan" in text
    english = pdf_text(polda.get(f"{URL}.pdf?lang=en").content)
    assert "SITUATION REPORT" in english and "Violence" in english and "Page 1 of" in english
    assert polda.get(f"{URL}.pdf?lang=fr").status_code == 422


def test_observers_get_no_dispatches_force_or_nrp(day: dict[str, Any], kpu: TestClient) -> None:
    r = kpu.get(URL)
    assert r.status_code == 200
    body = r.json()
    assert body["dispatches"] is None and body["force"] is None
    assert body["floor_warnings"] is None
    assert not body["header"]["personnel"] and not body["header"]["reserves"]
    inc = next(i for i in body["incidents"]["items"] if i["id"] == day["incident"])
    assert inc["reported_by"] is None and inc["units_sent"] is None and inc["severity"] == 3
    assert day["nrp"] not in r.text
    assert not any(d["unit_id"] in r.text for d in day["sent"])
    pdf = kpu.get(f"{URL}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert inc["tps_name"].split(",")[0] in text and day["tps"] not in text
    assert day["nrp"] not in text
    assert "3. Pengerahan unit" not in text and "4. Kekuatan cadangan" not in text
    assert "tidak ditampilkan untuk peran ini" in text
    assert not any(d["unit_id"] in text for d in day["sent"])


def test_a_polres_sees_its_jurisdiction_and_a_field_officer_none(
        day: dict[str, Any], app: FastAPI, planned_db: Database, petugas: TestClient) -> None:
    polres = TestClient(app, headers=token_headers(planned_db, "polres")).get(URL).json()
    codes = [p["code"] for p in polres["polres"]]
    assert len(codes) == 1 and not polres["header"]["whole"]
    assert polres["header"]["jurisdiction"] == polres["polres"][0]["name"]
    assert all(i["polres_code"] == codes[0] for i in polres["incidents"]["items"])
    assert [f["code"] for f in polres["force"]] == codes  # no Polda pool
    assert polres["floor_warnings"] == []  # the Polda's business
    assert petugas.get(URL).status_code == 403
    assert petugas.get(f"{URL}.pdf").status_code == 403


def test_the_page_is_served_to_incident_readers(app: FastAPI, petugas: TestClient) -> None:
    client = TestClient(app)
    log_in(client, "kpu")
    page = client.get("/sitrep")
    assert page.status_code == 200 and "/static/sitrep.js" in page.text
    assert "/api/v1/sitrep.pdf" in page.text
    assert petugas.get("/sitrep", follow_redirects=False).status_code == 303


def test_the_cli_writes_the_pdf(day: dict[str, Any], planned_db: Database,
                                tmp_path: Path) -> None:
    runner = CliRunner()
    url = planned_db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "sitrep.pdf"
    result = runner.invoke(cli, ["report", "sitrep", "--db", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "LAPORAN SITUASI" in result.output
    assert "6.391" in result.output  # the table's numbers in the Indonesian style
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 3000
    text = pdf_text(data)
    assert day["after"]["polres"][0]["name"] in text and day["nrp"] in text
    english = tmp_path / "en" / "sitrep.pdf"
    result = runner.invoke(cli, ["--db", url, "report", "sitrep", "--out", str(english),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "SITUATION REPORT" in pdf_text(english.read_bytes())
    bad = runner.invoke(cli, ["report", "sitrep", "--db", url, "--lang", "fr",
                              "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 1 and "no language 'fr'" in bad.output


def test_the_service_leaves_out_what_a_reader_may_not_see(day: dict[str, Any],
                                                         planned_db: Database) -> None:
    ctx = incidents.load_context(db=planned_db)
    full = sitrep.situation(db=planned_db, ctx=ctx)
    assert any(i.id == day["incident"] for i in full.open_incidents)
    assert full.header.whole and full.header.jurisdiction  # the Polda's name
    bare = sitrep.situation(db=planned_db, ctx=ctx, personnel=False, reserves=False,
                            tps_ids=[day["tps"]])
    assert bare.total.tps == 1 and len(bare.polres) == 1 and bare.total.opened == 1
    assert not bare.dispatches and not bare.force and not bare.floor_warnings
    assert all(i.reported_by is None and i.units_sent is None for i in bare.incidents)
    assert bare.incident_counts(open=True)[3] >= 1
    data = report.as_json(bare)
    assert data["dispatches"] is None and data["header"]["whole"] is False
