"""The operation's orders settings: ``scenario.toml``'s ``[operation]`` table read, checked,
stored and read back (SQLite and PostgreSQL alike), units' duty phones, and the heading every
signed document prints, with the defaults it filled in flagged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from doc_text import docx_text
from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.domain.orders import OperationSettings, Signatory, UnitOrder
from pollguard.planning.view import PlanView
from pollguard.profile import dump_profile, load_profile
from pollguard.reports.plan_docs import sprin
from pollguard.reports.plan_docs.heading import (
    NUMBER,
    SIGNATORY,
    heading,
)
from pollguard.scenario.folder import read_scenario, write_scenario
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import documents, scenarios
from pollguard.store import plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import PlanInfo
from pollguard.store.uow import UnitOfWork
from small_plan import KERINCI, SCENARIO, elsewhere, small_plan

GIVEN = OperationSettings(
    name="Operasi Mantap Praja Siginjai 2024", polda="JAMBI", issued=dt.date(2024, 11, 20),
    start=dt.date(2024, 11, 25), end=dt.date(2024, 11, 29), classification="RAHASIA",
    bases=("Undang-Undang Nomor 2 Tahun 2002.", "Renops Mantap Praja Siginjai 2024."),
    copies_to=("Kapolda Jambi",),
    units={KERINCI: UnitOrder(number="Sprin/1234/XI/PAM.3.3./2024", place="Sungai Penuh",
                              signatory=Signatory("KEPALA KEPOLISIAN RESOR KERINCI",
                                                  "ARI WIBOWO", "AKBP", "76010001"))})


def test_operation_settings_round_trip_through_the_folder(tmp_path: Path) -> None:
    scenario = dataclasses.replace(SCENARIO, operation=GIVEN)
    write_scenario(scenario, tmp_path)
    text = (tmp_path / "scenario.toml").read_text()
    assert "[operation]" in text and "issued = 2024-11-20" in text  # a TOML date, not text
    back = read_scenario(tmp_path)
    assert back.operation == GIVEN
    assert {u.code: u.phone for u in back.units} == {u.code: u.phone for u in SCENARIO.units}


def test_an_unknown_unit_or_a_bad_date_is_reported_with_its_line(tmp_path: Path) -> None:
    write_scenario(SCENARIO, tmp_path)
    toml = tmp_path / "scenario.toml"
    base = toml.read_text()
    toml.write_text(base + '\n[operation.units."polres.99.99"]\nplace = "X"\n')
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(tmp_path)
    [p] = caught.value.problems
    assert (p.file, p.column) == ("scenario.toml", "operation.units.polres.99.99")
    assert p.row == len(base.splitlines()) + 2 and "not in units.csv" in p.reason
    toml.write_text(base + '\n[operation]\nstart = 2024-11-29\nend = 2024-11-25\n')
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(tmp_path)
    [p] = caught.value.problems
    assert "before start" in p.reason and p.row == len(base.splitlines()) + 4


def test_operation_settings_and_phones_are_stored(db: Database, tmp_path: Path) -> None:
    write_scenario(dataclasses.replace(SCENARIO, operation=GIVEN), tmp_path)
    scenarios.load_scenario(db=db, folder=tmp_path)
    with UnitOfWork(db) as uow:
        stored = repo.load_scenario(uow.session)
    assert stored is not None and stored.operation == GIVEN
    assert {u.code: u.phone for u in stored.units} == {u.code: u.phone for u in SCENARIO.units}


def test_given_settings_are_printed_and_not_flagged() -> None:
    ix = PlanView(small_plan(), dataclasses.replace(SCENARIO, operation=GIVEN))
    h = heading(ix, KERINCI)
    assert h.number == "Sprin/1234/XI/PAM.3.3./2024" and h.place == "Sungai Penuh"
    assert h.signatory.name == "ARI WIBOWO" and h.operation == GIVEN.name
    assert h.kop == ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAMBI", "RESOR KERINCI")
    assert h.bases == GIVEN.bases and h.period_text == "25 November 2024 s.d. 29 November 2024"
    assert not h.is_default(NUMBER) and not h.is_default(SIGNATORY)
    # the other Polres gave nothing of its own: its number and signatory are flagged
    other = heading(ix, "polres.15.02")
    assert other.is_default(NUMBER) and "........" in other.number and "Nomor" in other.warning


def test_defaults_come_from_the_roster_and_are_flagged() -> None:
    ix = PlanView(small_plan(), SCENARIO)
    h = heading(ix, KERINCI)
    # the roster's Kapolres signs; his name stands, flagged for the Kabag Ops to check
    assert (h.signatory.name, h.signatory.rank, h.signatory.nrp) == (
        "JARWADI ISWAHYUDI", "AKBP", "72043404")
    assert h.is_default(SIGNATORY) and "Penandatangan" in h.warning
    assert h.issued == dt.date(2024, 11, 20) and h.zone == "WIB"
    polda = heading(ix, POOL)
    assert polda.kop == ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAMBI")
    assert polda.signatory.position == "KEPALA KEPOLISIAN DAERAH JAMBI"
    # Polres Merangin has no perwira of its own: the block is left blank, not a Bripka's
    assert heading(ix, "polres.15.02").signatory.name == "........"


def test_another_province_gets_its_own_kop_zone_and_bases() -> None:
    scenario, plan = elsewhere()
    ix = PlanView(plan, scenario)
    for owner in ix.owners():
        h = heading(ix, owner)
        text = " ".join([*h.kop, h.operation, h.place, *h.bases, *h.considerations,
                         *h.copies_to, h.signatory.position, h.zone])
        assert "Jambi" not in text and "JAMBI" not in text and "Kerinci" not in text
        assert h.zone == "WITA" and h.kop[1] == "DAERAH SULAWESI SELATAN"


def test_plan_export_uses_the_units_template_and_lists_what_to_check(
        db: Database, db_url: str, tmp_path: Path) -> None:
    """``plan export --templates DIR`` writes each Sprin from the unit's own template, and
    the command line names the order fields a default filled, per unit."""
    folder = tmp_path / "kecil"
    write_scenario(dataclasses.replace(SCENARIO, operation=GIVEN), folder)
    scenarios.load_scenario(db=db, folder=folder)
    with UnitOfWork(db) as uow:
        plans.save(uow.session, small_plan(), assessment_id=None, parent_id=None, note="",
                   profile_toml=dump_profile(load_profile()))
    own = tmp_path / "kop"
    own.mkdir()
    template = Document(str(sprin.SPRIN_TEMPLATE))
    template.tables[0].cell(0, 0).add_paragraph("Jalan Contoh Nomor 1, Telepon 0748-21000")
    template.save(str(own / "sprin.docx"))
    out = tmp_path / "out"
    ran = CliRunner().invoke(app, ["--db", db_url, "plan", "export", "--out", str(out),
                                   "--templates", str(own)], env={"COLUMNS": "200"})
    assert ran.exit_code == 0, ran.output
    assert "Jalan Contoh Nomor 1" in docx_text(out / "sprin_polres_kerinci.docx")
    assert "Isian bawaan, periksa sebelum ditandatangani" in ran.output
    lines = {line.strip().split(":")[0]: line for line in ran.output.splitlines()}
    # Kerinci's order is numbered and signed in scenario.toml, only its Pertimbangan is the
    # default; Merangin's is neither numbered nor signed
    assert lines["Polres Kerinci"].split(":")[1].strip() == "Pertimbangan"
    assert "Nomor" in lines["Polres Merangin"] and "Penandatangan" in lines["Polres Merangin"]


def test_a_revote_plans_orders_are_for_its_own_day_and_number() -> None:
    """A PSU plan's documents are written for the re-vote's date, and the operation's issue
    date, period and numbers are not carried over: flagged for the Kabag Ops instead."""
    psu_day = dt.date(2024, 12, 14)
    info = PlanInfo(5, dt.datetime(2024, 12, 2, tzinfo=dt.UTC), None, 1, "PSU", "", {},
                    kind=plans.PSU, psu_date=psu_day)
    view = documents.as_written(
        PlanView(small_plan(), dataclasses.replace(SCENARIO, operation=GIVEN)), info)
    h = heading(view, KERINCI)
    assert h.voting_day == psu_day and h.issued == psu_day - dt.timedelta(days=7)
    assert h.is_default(NUMBER) and "........" in h.number
    assert h.signatory.name == "ARI WIBOWO"  # who signs stays the unit's choice
    operation = PlanInfo(4, info.created_at, None, None, "", "", {})
    assert documents.as_written(view, operation) is view
