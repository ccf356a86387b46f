"""The operation's clock follows the scenario's province (73 Sulawesi Selatan: WITA, 91 Papua
Barat: WIT, 15 Jambi: WIB) unless ``scenario.toml`` names its own: read through the folder,
stored and read back through the database, and written by the situation report (JSON, PDF and
the command line) and the local day a verified incident counts on."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.scenario import Scenario
from pollguard.domain.timezone import WIB, WIT, WITA
from pollguard.operations.incidents import catalogue, report
from pollguard.reports import sitrep as sitrep_report
from pollguard.scenario.folder import read_info, read_scenario, write_scenario
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import scenarios
from pollguard.services.reassessment import risk_events
from pollguard.services.sitrep import situation
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from small_plan import SCENARIO, elsewhere

#: 07.05 WIB on voting day: 08.05 WITA, 09.05 WIT.
AT = dt.datetime(2024, 11, 27, 0, 5, tzinfo=dt.UTC)


def _in(province: str, time_zone: str | None = None) -> Scenario:
    return dataclasses.replace(SCENARIO, info=dataclasses.replace(
        SCENARIO.info, province_code=province, time_zone=time_zone))


def pdf_text(data: bytes) -> str:
    """The text a reportlab PDF draws (as tests/test_sitrep.py reads it)."""
    out = []
    for m in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n"
                         rb"(.*?)endstream", data, re.S):
        raw = zlib.decompress(base64.a85decode(m.group(1).strip(), adobe=True))
        out += [re.sub(rb"\\(.)", rb"\1", s).decode("latin-1")
                for s in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", raw)]
    return "\n".join(out)


@pytest.mark.parametrize(("province", "zone"), [("73", WITA), ("91", WIT), ("15", WIB)])
def test_the_clock_is_the_provinces(province: str, zone: dt.timezone, tmp_path: Path) -> None:
    """``scenario.toml`` alone (``read_info``): the small scenario's regions are Jambi's."""
    write_scenario(_in(province), tmp_path)
    assert "time_zone" not in (tmp_path / "scenario.toml").read_text()
    info, problems = read_info(tmp_path)
    assert not problems and info is not None
    assert info.time_zone is None and info.zone == zone


def test_whole_scenarios_keep_their_provinces_clock(tmp_path: Path) -> None:
    write_scenario(SCENARIO, tmp_path / "jambi")
    assert read_scenario(tmp_path / "jambi").info.zone == WIB
    assert elsewhere()[0].info.zone == WITA


def test_a_named_clock_wins_through_the_folder_and_the_database(
        db: Database, tmp_path: Path) -> None:
    write_scenario(_in("15", "WITA"), tmp_path)
    assert 'time_zone = "WITA"' in (tmp_path / "scenario.toml").read_text()
    assert read_scenario(tmp_path).info.zone == WITA
    scenarios.load_scenario(db=db, folder=tmp_path)
    with UnitOfWork(db) as uow:
        stored = repo.load_scenario(uow.session)
        current = repo.current_info(uow.session)
    assert stored is not None and stored.info.time_zone == "WITA" and stored.info.zone == WITA
    assert current is not None and current.zone == WITA and current.province_code == "15"


def test_an_unknown_clock_is_reported_with_its_line(tmp_path: Path) -> None:
    write_scenario(SCENARIO, tmp_path)
    toml = tmp_path / "scenario.toml"
    lines = toml.read_text().splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("name ="))
    lines.insert(at + 1, 'time_zone = "CET"')
    toml.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(tmp_path)
    [p] = caught.value.problems
    assert p.file == "scenario.toml" and p.row == at + 2 and p.column == "scenario.time_zone"


def test_a_wita_sitrep_writes_its_times_in_wita(db: Database, db_url: str,
                                                tmp_path: Path) -> None:
    scenario, _ = elsewhere()  # its codes are made up for province 73: stored, not read
    assert scenario.info.province_code == "73" and scenario.info.time_zone is None
    with UnitOfWork(db) as uow:
        repo.replace_scenario(uow.session, scenario)
    made = situation(db=db, as_of=AT, made_by="tester")
    assert made.header.zone_name == "WITA" and made.header.local.hour == 8
    header = sitrep_report.as_json(made)["header"]
    assert header["time_zone"] == "WITA" and header["as_of_wib"].endswith("+08:00")
    assert header["as_of_wib"].startswith("2024-11-27T08:05")
    out = tmp_path / "sitrep.pdf"
    sitrep_report.write_pdf(made, out)
    text = pdf_text(out.read_bytes())
    assert "27 November 2024 pukul 08.05 WITA" in text and " WIB" not in text
    english = tmp_path / "sitrep_en.pdf"
    sitrep_report.write_pdf(made, english, lang="en")
    assert "27 November 2024, 08:05 WITA" in pdf_text(english.read_bytes())
    ran = CliRunner().invoke(app, ["--db", db_url, "report", "sitrep",
                                   "--out", str(tmp_path / "cli.pdf")],
                             env={"COLUMNS": "200"})
    assert ran.exit_code == 0, ran.output
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d WITA", ran.output) and " WIB " not in ran.output


def test_a_verified_incident_counts_on_the_day_of_the_operations_clock() -> None:
    """23.30 WIB on the 26th is already the 27th in Makassar and Jayapura."""
    kinds = catalogue()
    kind = next(k for k in kinds.values() if k.event is not None)
    late = dataclasses.replace(
        report("i1", "1501010001001", kind.code, by="1",
               at=dt.datetime(2024, 11, 26, 16, 30, tzinfo=dt.UTC)), lat=-2.0, lon=101.4)
    voting = dt.date(2024, 11, 27)
    [wib] = risk_events([late], kinds, voting)
    [wita] = risk_events([late], kinds, voting, WITA)
    assert wib.occurred_on == dt.date(2024, 11, 26) and wita.occurred_on == voting
