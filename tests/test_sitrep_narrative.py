"""The sitrep as staff write it: the four sections of a laporan situasi (situasi umum, kejadian
menonjol with the incident's own text, tindakan, kesimpulan dan saran) on the operation's clock
with its zone, the same as a WhatsApp message, numbers in the Indonesian style; and the same
text in the PDF, the API (JSON and ``/sitrep.txt``) and ``pollguard report sitrep --text``."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pollguard.cli.main import app as cli
from pollguard.domain.command import POOL, Level
from pollguard.domain.timezone import WITA
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.incidents import Status
from pollguard.operations.reinforcement import UnitKind, UnitStatus
from pollguard.operations.sitrep import (
    BkoOption,
    DispatchLine,
    FloorLine,
    ForceLine,
    Header,
    IncidentLine,
    PolresStatus,
    Sitrep,
)
from pollguard.reports.sitrep_narrative import narrative, whatsapp
from pollguard.store.database import Database
from pollguard.web.app import create_app
from test_sitrep import pdf_text
from web_client import log_in, token_headers

UTC = dt.UTC
AS_OF = dt.datetime(2024, 11, 27, 2, 30, tzinfo=UTC)  # 10.30 WITA
TEXT = "massa membakar kotak suara di depan TPS"


def _made(*, reserves: bool = True) -> Sitrep:
    """A Polda on WITA at 10.30: 6.391 TPS, one severe incident at 09.05 WITA with a Polda
    team sent to it as BKO, one Polres under its reserve floor."""
    header = Header(as_of=AS_OF, operation="Operasi Mantap Praja 2024", scenario="uji",
                    voting_date=dt.date(2024, 11, 27), plan_id=3, plan_created_at=None,
                    plan_assessment_id=2, assessment_id=2, assessment_as_of=None,
                    made_by="Kabag Ops (polda)", whole=True, jurisdiction_code=None,
                    jurisdiction="Polda Jambi", personnel=True, reserves=reserves, zone=WITA)
    kerinci = PolresStatus("P1", "Polres Kerinci", 6391, 160,
                           {TpsPhase.VOTING_OPEN: 6000, TpsPhase.COUNTED: 231}, {3: 1})
    incident = IncidentLine(
        id="i1", tps_id="1501012001002", polres_code="P1", polres_name="Polres Kerinci",
        kind="ballot_damage", kind_label_id="Perusakan kotak suara",
        kind_label_en="Ballot box damage", severity=3, status=Status.RESPONDING,
        level=Level.POLRES_OPS, verified=True,
        reported_at=dt.datetime(2024, 11, 27, 1, 5, tzinfo=UTC), age_min=85,
        reported_by="86011111", units_sent=1, text=TEXT,
        tps_name="TPS 002 Renah Kayu Embun", kecamatan="Kec. Gunung Raya",
        notes=("Kapolsek menuju lokasi",))
    minor = IncidentLine(
        id="i2", tps_id="1501012001003", polres_code="P1", polres_name="Polres Kerinci",
        kind="other", kind_label_id="Lainnya", kind_label_en="Other", severity=1,
        status=Status.CLOSED, level=Level.POLSEK, verified=False,
        reported_at=dt.datetime(2024, 11, 27, 0, 40, tzinfo=UTC), age_min=110,
        reported_by=None, units_sent=0)
    sent = DispatchLine(id="d1", incident_id="i1", tps_id=incident.tps_id, polres_code="P1",
                        unit_id="POOL-T1", kind=UnitKind.TEAM, officers=30,
                        status=UnitStatus.ON_SCENE,
                        since=dt.datetime(2024, 11, 27, 1, 40, tzinfo=UTC),
                        dispatched_by="polda", unit_name="Dalmas Polda 1", owner_code=POOL)
    lent = tuple(DispatchLine(id=f"d{n}", incident_id="i1", tps_id=incident.tps_id,
                              polres_code="P1", unit_id=f"post-{n}", kind=UnitKind.BORROWED,
                              officers=1, status=UnitStatus.DISPATCHED,
                              since=dt.datetime(2024, 11, 27, 1, 35, tzinfo=UTC),
                              dispatched_by="polda") for n in (2, 3))
    force = (ForceLine("P1", "Polres Kerinci", 2, 24,
                       {UnitStatus.AVAILABLE: 2, UnitStatus.DISPATCHED: 0,
                        UnitStatus.ON_SCENE: 0, UnitStatus.RETURNING: 0}, 24),
             ForceLine(POOL, "Polda Jambi", 2, 1234,
                       {UnitStatus.AVAILABLE: 1, UnitStatus.DISPATCHED: 0,
                        UnitStatus.ON_SCENE: 1, UnitStatus.RETURNING: 0}, 1204))
    floor = FloorLine("P1", "Polres Kerinci", 24, 60, 30, (BkoOption("POOL-T2", 30, 42.4, 31.0),))
    return Sitrep(header, kerinci, (kerinci,), (incident, minor),
                  (sent, *lent) if reserves else (), force if reserves else (),
                  (floor,) if reserves else (), {POOL: "Polda Jambi", "P1": "Polres Kerinci"})


def test_the_narrative_has_four_sections_with_the_incidents_text_and_local_time() -> None:
    first, second, third, fourth = narrative(_made())
    assert [s.heading for s in (first, second, third, fourth)] == [
        "I. Situasi umum", "II. Kejadian menonjol", "III. Tindakan yang telah diambil",
        "IV. Kesimpulan dan saran"]
    situation = " ".join(first.items)
    assert situation.startswith("Sampai dengan 27 November 2024 pukul 10.30 WITA, dari 6.391 "
                                "TPS di wilayah Polda Jambi: 6.231 TPS telah dibuka")
    assert "160 TPS belum melapor" in situation
    assert "Kekuatan cadangan 4 tim (1.258 personel): 1 tim (30 personel) dan 2 personel " \
           "pinjaman pos sedang dikerahkan, 3 tim (1.228 personel) siaga." in situation
    # Notable: the open severe one; the closed minor one is counted, not told.
    (told,) = second.items
    assert told.startswith("Pukul 09.05 WITA, TPS 002 Renah Kayu Embun, Kec. Gunung Raya, "
                           "Polres Kerinci: Perusakan kotak suara, tingkat berat")
    assert f'Laporan: "{TEXT}"' in told and "sedang ditangani oleh Ops Polres" in told
    assert "telah dikirim Dalmas Polda 1 (30 personel, BKO Polda Jambi); 2 personel " \
           "pinjaman dari 2 pos terdekat" in told  # lent officers counted, not listed
    assert "Kapolsek menuju lokasi" in told
    assert third.items[0] == ("Ke TPS 002 Renah Kayu Embun, Kec. Gunung Raya, Polres Kerinci "
                              "(Perusakan kotak suara): Dalmas Polda 1 (30 personel, BKO "
                              "Polda Jambi), tiba di lokasi pukul 09.40 WITA; 2 personel "
                              "pinjaman dari 2 pos terdekat, berangkat pukul 09.35 WITA.")
    assert "BKO dari Polda Jambi: 1 tim (30 personel)" in " ".join(third.items)
    advice = " ".join(fourth.items)
    assert "1 kejadian berat yang masih terbuka (TPS 002 Renah Kayu Embun)" in advice
    assert "160 TPS (2,5%) belum melapor" in advice  # 160 / 6.391: 2,5 %
    assert "Tim cadangan dikerahkan 1 dari 4 (25%)" in advice
    assert "Cadangan Polres Kerinci di bawah batas minimum: 24 dari 30 personel siaga; "\
           "disarankan BKO POOL-T2 dari Polda Jambi (±42 menit)" in advice
    assert "WIB" not in " ".join(i for s in (first, second, third, fourth) for i in s.items)


def test_the_whatsapp_text_has_bold_headings_and_the_same_words() -> None:
    text = whatsapp(_made())
    lines = text.splitlines()
    assert lines[:3] == ["*LAPORAN SITUASI*", "*Operasi Mantap Praja 2024*",
                         "Polda Jambi, 27 November 2024 pukul 10.30 WITA"]
    for heading in ("*I. SITUASI UMUM*", "*II. KEJADIAN MENONJOL*",
                    "*III. TINDAKAN YANG TELAH DIAMBIL*", "*IV. KESIMPULAN DAN SARAN*"):
        assert heading in lines
    assert "1. Pukul 09.05 WITA, TPS 002 Renah Kayu Embun" in text and TEXT in text
    assert "6.391" in text and "2,5%" in text and "http" not in text
    assert lines[-1] == "Dibuat oleh: Kabag Ops (polda)"


def test_without_reserves_nothing_of_the_force_is_told() -> None:
    text = whatsapp(_made(reserves=False))
    assert "Dalmas" not in text and "BKO" not in text and "tim" not in text.split("*IV.")[1]
    assert "Rincian pengerahan unit tidak ditampilkan untuk peran ini." in text


# --- the live report: the API, the PDF and the command line --------------------------------

T0 = dt.datetime(2024, 11, 27, 7, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SAID = "dua kelompok massa bentrok di depan TPS"


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    app = create_app(planned_db)
    app.state.clock = lambda: T0 + dt.timedelta(hours=1)
    return app


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    return TestClient(app, headers=token_headers(planned_db, "polda"))


@pytest.fixture(scope="module")
def reported(app: FastAPI, polda: TestClient) -> dict[str, Any]:
    """A field officer reports a violent incident in his words; the Polda sends a team."""
    petugas = TestClient(app)
    petugas.headers["X-CSRF-Token"] = log_in(petugas, "petugas")
    tps = str(petugas.get("/api/v1/me/assignment").json()["tps"][0]["tps_ids"][0])
    incident = {"client_id": str(uuid.uuid4()), "tps_id": tps, "kind": "incident",
                "incident_kind": "violence", "text": SAID, "lat": -2.06, "lon": 101.39,
                "sent_at": T0.isoformat()}
    assert petugas.post("/api/v1/reports", json=incident).status_code == 201
    sent = polda.post(f"/api/v1/incidents/{incident['client_id']}/dispatches", json={})
    assert sent.status_code == 201, sent.text
    return {"tps": tps, "json": polda.get("/api/v1/sitrep").json()}


def test_the_api_gives_the_narrative_and_the_text(reported: dict[str, Any],
                                                  polda: TestClient) -> None:
    body = reported["json"]
    assert [s["number"] for s in body["narrative"]] == ["I", "II", "III", "IV"]
    told = next(i for i in body["narrative"][1]["items"] if SAID in i)
    # The place by name: TPS number and desa, kecamatan, Polres; the time on Jambi's WIB.
    assert "Pukul 08.05 WIB, TPS 0" in told and ", Kec. " in told and ", Polres" in told
    assert reported["tps"] not in told and "Kekerasan, tingkat berat" in told
    assert body["whatsapp"].startswith("*LAPORAN SITUASI*") and SAID in body["whatsapp"]
    text = polda.get("/api/v1/sitrep.txt")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert "*II. KEJADIAN MENONJOL*" in text.text and SAID in text.text
    assert "6.391 TPS" in text.text  # the Jambi demo's TPS, Indonesian style


def test_the_pdf_prints_the_narrative_under_the_tables(reported: dict[str, Any],
                                                       polda: TestClient) -> None:
    text = pdf_text(polda.get("/api/v1/sitrep.pdf").content)
    assert text.index("4. Kekuatan cadangan") < text.index("6. Uraian laporan situasi")
    for heading in ("I. Situasi umum", "II. Kejadian menonjol",
                    "III. Tindakan yang telah diambil", "IV. Kesimpulan dan saran"):
        assert heading in text
    assert "6.391" in text and "08.05 WIB" in text and SAID in text.replace("\n", " ")


def test_the_cli_prints_the_whatsapp_text(reported: dict[str, Any], planned_db: Database,
                                          tmp_path: Path) -> None:
    url = planned_db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "none.pdf"
    result = CliRunner().invoke(cli, ["report", "sitrep", "--db", url, "--text",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("*LAPORAN SITUASI*") and SAID in result.output
    assert "*IV. KESIMPULAN DAN SARAN*" in result.output and not out.exists()
    assert "6.391 TPS" in result.output
