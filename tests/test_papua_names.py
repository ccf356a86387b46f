"""A Papua operation in its own words and on its own clock: the small province moved to Papua
Pegunungan (95, ``small_plan.elsewhere("95")``) writes "Distrik" wherever Jambi's documents
write "Kec."/"Kecamatan" (the cluster "Klaster 1 Distrik Wamena", the Kapolsek's "Kasubsatgas
Pam TPS Distrik Wamena", the annex's and the risk map's columns, the Renpam's sentences) and
its times in WIT; the command line's tables write stored times on that clock; the pages are
served with the zone and the level names in their ``<body>`` and their own strings filled in.
Jambi keeps "Kec." and WIB (``level_names`` by the province's code, one definition)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from doc_text import text_of
from papua_web import PASSWORD, USER, papua_database
from pollguard.cli.main import app
from pollguard.domain.regions import RegionLevel, level_name, level_names
from pollguard.domain.timezone import WIB, WIT, WITA, iana_name, stamp
from pollguard.i18n import translate
from pollguard.reports import plan_docs
from pollguard.store.database import Database
from pollguard.web.app import create_app
from small_plan import elsewhere
from web_client import log_in

#: What a Papua document must never say: the kecamatan words, Jambi's names, other clocks.
#: (The KPU's PPK keeps its name here: see the report.) ``kecamatan`` as a GeoJSON property
#: name is a field of the file's schema, the same in every province, so only prose is checked.
NOT_PAPUA = re.compile(r"\bKec\.|\bKecamatan\b|\bKECAMATAN\b|\bkecamatan(?!_code\b|\":)\w*|"
                       r"\bWIB\b|\bWITA\b|Jambi|Kerinci|Merangin|Gunung Raya")
AT = dt.datetime(2024, 11, 27, 0, 5, tzinfo=dt.UTC)  # 07.05 WIB, 09.05 WIT


def test_the_level_names_follow_the_province() -> None:
    papua, jambi = level_names("95"), level_names("15")
    assert (papua.kecamatan, papua.of("Wamena"), papua.lower) == ("Distrik", "Distrik Wamena",
                                                                   "distrik")
    assert (jambi.kecamatan, jambi.of("Gunung Raya"), jambi.lower) == (
        "Kecamatan", "Kec. Gunung Raya", "kecamatan")
    assert all(level_names(c).kecamatan == "Distrik" for c in ("91", "92", "93", "94", "96"))
    assert level_names("81").kecamatan == "Kecamatan"  # Maluku: WIT, but kecamatan
    assert level_name(RegionLevel.KECAMATAN, "91") == "Distrik"
    assert level_name(RegionLevel.KABKOTA, "91") == "Kabupaten/Kota"
    assert papua.header(("No", "Kecamatan", "TPS")) == ("No", "Distrik", "TPS")
    assert translate("id", "col.kecamatan", papua.words()) == "Distrik"
    assert translate("en", "ws.note_placeholder", jambi.words()).endswith("for Kec. …")


def test_a_stored_time_is_written_on_the_operations_clock() -> None:
    assert stamp(AT, WIT) == "2024-11-27 09:05 WIT"
    assert stamp(AT.replace(tzinfo=None), WITA, seconds=True) == "2024-11-27 08:05:00 WITA"
    assert stamp(AT, WIB) == "2024-11-27 07:05 WIB"
    assert iana_name(WIT) == "Asia/Jayapura" and iana_name(WITA) == "Asia/Makassar"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    scenario, plan = elsewhere("95")
    paths = plan_docs.write_all(plan, scenario, tmp_path_factory.mktemp("papua"))
    return {p.name: text_of(p) for p in paths}


def test_no_papua_document_says_kecamatan_jambi_or_another_clock(
        written: dict[str, str]) -> None:
    found = {name: sorted(set(NOT_PAPUA.findall(text))) for name, text in written.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_papua_documents_say_distrik_and_wit(written: dict[str, str]) -> None:
    annex = written["plotting_polres_jayawijaya.xlsx"]
    assert "Klaster 1 Distrik Wamena" in annex and "Kasubsatgas Pam TPS Distrik Wamena" in annex
    assert "DISTRIK KURULU" in written["lampiran_polres_jayawijaya.pdf"].upper()
    sprin = written["sprin_polres_jayawijaya.docx"]
    assert "wilayah distrik masing-masing" in sprin and "07.00 WIT" in sprin
    texts = written["pesan_polres_jayawijaya.txt"]
    assert "TPS 001 Desa Honelama, Distrik Wamena, Kab. Jayawijaya" in texts and "WIT" in texts
    renpam = written["rencana_pengamanan.pdf"]
    assert "3 distrik dan 4 desa/kelurahan" in renpam and "tim mobile per distrik" in renpam
    assert "Tim mobile (distrik)" in annex
    assert "pos-pos distriknya dikendalikan langsung oleh Polres" in renpam
    kml = written["rencana.kml"]
    assert "&lt;b&gt;Distrik&lt;/b&gt;: Wamena" in kml  # a placemark's description


def test_the_annex_columns_name_the_distrik(tmp_path: Path) -> None:
    scenario, plan = elsewhere("95")
    [book] = [p for p in plan_docs.write_all(plan, scenario, tmp_path)
              if p.name == "plotting_polres_jayawijaya.xlsx"]
    sheets = load_workbook(book, read_only=True)
    headers = {name: [c for row in sheets[name].iter_rows(values_only=True) for c in row
                      if c in ("Kecamatan", "Distrik")] for name in sheets.sheetnames}
    assert all("Kecamatan" not in found for found in headers.values()), headers
    assert "Distrik" in headers["Polsek Wamena"] and "Distrik" in headers["Pawas"]


# --- the database: the command line and the pages ----------------------------------------

@pytest.fixture(scope="module")
def papua(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with papua_database(tmp_path_factory.mktemp("papua-db")) as database:
        yield database


def _cli(db: Database, *args: str) -> str:
    url = db.engine.url.render_as_string(hide_password=False)
    ran = CliRunner().invoke(app, ["--db", url, *args], env={"COLUMNS": "220"})
    assert ran.exit_code == 0, ran.output
    return ran.output


def test_the_command_line_writes_times_in_wit_and_says_distrik(papua: Database,
                                                               tmp_path: Path) -> None:
    _cli(papua, "risk", "assess", "--note", "uji")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d WIT\b", _cli(papua, "risk", "list"))
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d WIT\b", _cli(papua, "plan", "list"))
    audit = _cli(papua, "audit", "list")
    assert re.search(r"\d\d:\d\d:\d\d WIT\b", audit) and "UTC" not in audit
    assert re.search(r"\bdistrik\s+3\b", _cli(papua, "summary"))
    shown = _cli(papua, "risk", "show", "95.01")
    assert "Distrik" in shown and "Kecamatan" not in shown
    _cli(papua, "risk", "export", "--format", "xlsx", "--out", str(tmp_path))
    book = load_workbook(tmp_path / "peta_kerawanan_tps.xlsx", read_only=True)
    header = next(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert "Distrik" in header and "Kecamatan" not in header and "Kab/Kota" in header


def test_the_pages_carry_the_clock_and_the_level_names(papua: Database) -> None:
    client = TestClient(create_app(papua))
    log_in(client, USER, PASSWORD)
    page = client.get("/workspace")
    assert page.status_code == 200
    body = re.search(r"<body ([^>]*)>", page.text)
    assert body is not None
    attrs = dict(re.findall(r'([\w-]+)=(?:"([^"]*)"|\'[^\']*\')', body.group(1)))
    assert attrs["data-zone"] == "WIT" and attrs["data-zone-iana"] == "Asia/Jayapura"
    levels = re.search(r"data-levels='([^']*)'", body.group(1))
    assert levels and json.loads(levels.group(1))["kecamatan"] == "Distrik"
    assert "<th>Distrik</th>" in page.text and "Kecamatan" not in page.text
    assert "mis. laporan intelijen baru di Distrik …" in page.text
    english = client.get("/risk?lang=en").text
    assert "Distrik (district)" in english and "Kec" not in english
