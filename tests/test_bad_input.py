"""Bad input gets a clear ``file:row:column: reason`` and loses nothing: after a rejected
scenario load or import, the database holds exactly what it held before."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.services import scenarios
from pollguard.store.database import Database
from pollguard.store.tables import OfficerRecord, TpsRecord
from pollguard.store.uow import UnitOfWork

ROW = 5  # the data row a mutation breaks: on line ROW + 1, the header being line 1


def fingerprint(db: Database) -> str:
    """A digest of everything an import or load could touch."""
    with UnitOfWork(db) as uow:
        tps = uow.session.execute(select(TpsRecord.tps_id, TpsRecord.voters, TpsRecord.lat)
                                  .order_by(TpsRecord.tps_id)).all()
        officers = uow.session.execute(select(OfficerRecord.nrp, OfficerRecord.name,
                                              OfficerRecord.unit_code)
                                       .order_by(OfficerRecord.nrp)).all()
    summary = scenarios.summary(db=db)
    return hashlib.sha256(repr((tps, officers, summary)).encode()).hexdigest()


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], sep: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=sep, lineterminator="\n").writerows(rows)


def set_cell(column: str, value: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        rows[ROW][rows[0].index(column)] = value
        write_rows(path, rows)
    return mutate


def duplicate_row(path: Path) -> None:
    rows = read_rows(path)
    rows.insert(ROW + 1, list(rows[ROW]))
    write_rows(path, rows)


def drop_column(column: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        i = rows[0].index(column)
        write_rows(path, [r[:i] + r[i + 1:] for r in rows])
    return mutate


def empty(path: Path) -> None:
    path.write_bytes(b"")


LINE = ROW + 1
# (mutation, file, row, column, words in the reason); the file is the one the case breaks.
CASES = {
    "wrong code": (set_cell("desa_code", "15.72.99.2001"), LINE, "desa_code", "is not"),
    "duplicate TPS id": (duplicate_row, LINE + 1, "tps_id", "duplicate"),
    "non-numeric voters": (set_cell("voters", "lima ratus"), LINE, "voters", "valid integer"),
    "latitude 95": (set_cell("lat", "95"), LINE, "lat", "less than or equal to 90"),
    "missing column": (drop_column("voters"), 1, "voters", "missing column"),
    "empty file": (empty, 1, "-", "empty file"),
}


def assert_reported(exc: InvalidInputError, file: str, row: int, column: str,
                    words: str) -> None:
    hits = [p for p in exc.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert hits, f"no problem at {file}:{row}:{column}; got {[str(p) for p in exc.problems]}"
    assert any(words in p.reason for p in hits), [str(p) for p in hits]


def assert_rejected(db: Database, write: Callable[[], object], where: tuple[str, int, str],
                    words: str) -> None:
    """``write`` fails with a problem at ``where`` (file, row, column) and changes nothing."""
    before = fingerprint(db)
    with pytest.raises(InvalidInputError) as caught:
        write()
    assert_reported(caught.value, *where, words)
    assert fingerprint(db) == before


@pytest.mark.parametrize("case", CASES)
def test_a_bad_scenario_loads_nothing(case: str, loaded_db: Database, jambi_copy: Path) -> None:
    mutate, row, column, words = CASES[case]
    mutate(jambi_copy / "tps.csv")
    assert_rejected(loaded_db, lambda: scenarios.load_scenario(
        db=loaded_db, folder=jambi_copy, replace=True), ("tps.csv", row, column), words)


def test_a_wrong_region_code_is_not_kemendagri(jambi_copy: Path, loaded_db: Database) -> None:
    rows = read_rows(jambi_copy / "regions.csv")
    line = next(i for i, r in enumerate(rows) if r[0].count(".") == 3)
    rows[line][0] = rows[line][0][:-4] + "2999"
    write_rows(jambi_copy / "regions.csv", rows)
    assert_rejected(loaded_db, lambda: scenarios.load_scenario(
        db=loaded_db, folder=jambi_copy, replace=True), ("regions.csv", line + 1, "code"),
        "not a Kemendagri code")


def test_every_problem_is_reported_not_just_the_first(jambi_copy: Path) -> None:
    set_cell("voters", "x")(jambi_copy / "tps.csv")
    set_cell("rank", "Kapten")(jambi_copy / "officers.csv")
    set_cell("hq_lat", "-91")(jambi_copy / "units.csv")
    with pytest.raises(InvalidInputError) as caught:
        scenarios.validate_scenario(folder=jambi_copy)
    assert {p.file for p in caught.value.problems} == {"tps.csv", "officers.csv", "units.csv"}


def test_the_cli_prints_file_row_column_and_fails(jambi_copy: Path, db_url: str) -> None:
    set_cell("lat", "95")(jambi_copy / "tps.csv")
    result = CliRunner().invoke(app, ["--db", db_url, "scenario", "load", str(jambi_copy)])
    assert result.exit_code == 1
    assert f"tps.csv:{LINE}:lat: Input should be less than or equal to 90" in result.output
    assert "nothing was written" in result.output


# --- the KPU TPS list importer ---------------------------------------------------------------

@pytest.fixture
def kpu_list(loaded_db: Database, tmp_path: Path) -> Path:
    """The loaded scenario's Kota Sungai Penuh TPS, written as a KPU-style list."""
    with UnitOfWork(loaded_db) as uow:
        tps = uow.session.scalars(select(TpsRecord).where(TpsRecord.kabkota_code == "15.72")
                                  .order_by(TpsRecord.tps_id)).all()
    path = tmp_path / "tps_sungai_penuh.csv"
    write_rows(path, [["tps_id", "tps_no", "is_special_9xx", "desa_code", "kec_code", "kab_code",
                       "voters", "lat", "lon"]] + [
        [t.tps_id, str(t.number), str(t.number >= 901), t.desa_code, t.desa_code[:8],
         t.desa_code[:5], str(t.voters), str(t.lat), str(t.lon)] for t in tps])
    return path


KPU_CASES = dict(CASES, **{
    "missing column": (drop_column("tps_no"), 1, "tps_no", "missing column"),
})


@pytest.mark.parametrize("case", KPU_CASES)
def test_a_bad_tps_list_imports_nothing(case: str, loaded_db: Database, kpu_list: Path) -> None:
    mutate, row, column, words = KPU_CASES[case]
    mutate(kpu_list)
    assert_rejected(loaded_db, lambda: scenarios.import_tps(db=loaded_db, path=kpu_list),
                    (kpu_list.name, row, column), words)


def test_a_good_tps_list_replaces_only_its_kabkota(loaded_db: Database, kpu_list: Path) -> None:
    rows = read_rows(kpu_list)
    kept = [rows[0], *rows[1:-10]]  # the KPU merged ten TPS away
    write_rows(kpu_list, kept)
    before = scenarios.summary(db=loaded_db)
    result = scenarios.import_tps(db=loaded_db, path=kpu_list)
    after = scenarios.summary(db=loaded_db)
    assert result.kabkota == ("15.72",) and result.tps == len(kept) - 1
    assert result.removed == result.tps + 10
    assert after.tps == before.tps - 10
    assert after.linmas == before.linmas - 20  # two Linmas per TPS


def test_a_tps_list_needs_a_loaded_scenario(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "tps.csv"
    write_rows(path, [["tps_id", "tps_no", "desa_code"], ["1572011001001", "1", "15.72.01.1001"]])
    with pytest.raises(InvalidInputError, match="no scenario"):
        scenarios.import_tps(db=db, path=path)


# --- the roster importer ---------------------------------------------------------------------

ROSTER = [["NRP", "Nama", "Pangkat", "Satuan", "Fungsi", "No HP"],
          ["99010001", "Andi Saputra", "Bripda", "Polres Merangin", "Samapta", "081200000001"],
          ["99010002", "Siti Rahma", "BRIPTU", "polsek.15.02.01", "Binmas", ""],
          ["99010003", "Joko Susilo", "Bripka", "Polres Sarolangun", "Sabhara", ""],
          ["99010004", "Rudi Hartono", "Aipda", "Polresta Jambi", "Lantas", ""],
          ["99010005", "Made Wirawan", "Iptu", "Polres Kerinci", "Intelkam", ""],
          ["99010006", "Dewi Lestari", "AKP", "Polres Bungo", "Reskrim", ""]]


@pytest.fixture
def roster_csv(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    write_rows(path, ROSTER)
    return path


ROSTER_CASES: dict[str, tuple[Callable[[Path], None], int, str, str]] = {
    "short NRP": (set_cell("NRP", "99-01"), LINE, "NRP", "8 digits"),
    "unknown rank": (set_cell("Pangkat", "Kapten"), LINE, "Pangkat", "unknown Polri rank"),
    "unknown unit": (set_cell("Satuan", "Polres Atlantis"), LINE, "Satuan", "unknown Polri unit"),
    "duplicate NRP": (duplicate_row, LINE + 1, "NRP", "duplicate"),
    "missing column": (drop_column("Pangkat"), 1, "rank", "missing column"),
    "empty file": (empty, 1, "-", "empty file"),
}


@pytest.mark.parametrize("case", ROSTER_CASES)
def test_a_bad_roster_imports_nothing(case: str, loaded_db: Database, roster_csv: Path) -> None:
    mutate, row, column, words = ROSTER_CASES[case]
    mutate(roster_csv)
    assert_rejected(loaded_db, lambda: scenarios.import_roster(db=loaded_db, path=roster_csv),
                    ("roster.csv", row, column), words)


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_a_good_roster_adds_then_updates(loaded_db: Database, roster_csv: Path,
                                         tmp_path: Path) -> None:
    before = scenarios.summary(db=loaded_db).polri
    assert scenarios.import_roster(db=loaded_db, path=roster_csv) == scenarios.RosterImport(6, 0)
    # The same officers from a workbook, NRP typed as numbers: updated, not added twice.
    rows: list[list[object]] = [list(ROSTER[0])] + [[int(r[0]), *r[1:]] for r in ROSTER[1:]]
    book = write_xlsx(tmp_path / "roster.xlsx", rows)
    assert scenarios.import_roster(db=loaded_db, path=book) == scenarios.RosterImport(0, 6)
    assert scenarios.summary(db=loaded_db).polri == before + 6


def test_a_bad_workbook_names_the_excel_row(loaded_db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in ROSTER]
    rows[3][2] = "Sersan"
    book = write_xlsx(tmp_path / "roster.xlsx", rows)
    before = fingerprint(loaded_db)
    with pytest.raises(InvalidInputError) as caught:
        scenarios.import_roster(db=loaded_db, path=book)
    assert caught.value.problems == [Problem("roster.xlsx", 4, "Pangkat", caught.value.problems[0]
                                             .reason)]
    assert "unknown Polri rank 'Sersan'" in caught.value.problems[0].reason
    empty_book = write_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(InvalidInputError, match="empty sheet"):
        scenarios.import_roster(db=loaded_db, path=empty_book)
    assert fingerprint(loaded_db) == before


def test_a_malformed_region_code_is_reported_not_a_crash(jambi_copy: Path) -> None:
    rows = read_rows(jambi_copy / "regions.csv")
    rows[ROW][0] = "15.7"
    write_rows(jambi_copy / "regions.csv", rows)
    with pytest.raises(InvalidInputError) as caught:
        scenarios.validate_scenario(folder=jambi_copy)
    assert_reported(caught.value, "regions.csv", LINE, "code", "not a Kemendagri region code")


def test_what_may_be_blank_is_accepted(jambi_copy: Path) -> None:
    """An unknown voter count, no TNI rows, a BKO flag written in Bahasa Indonesia."""
    set_cell("voters", "")(jambi_copy / "tps.csv")
    write_rows(jambi_copy / "tni.csv", [["unit_code", "personnel"]])
    set_cell("bko", "tidak")(jambi_copy / "officers.csv")
    scenario = scenarios.validate_scenario(folder=jambi_copy)
    assert sum(1 for t in scenario.tps if t.voters is None) == 1
    assert scenario.tni == ()
