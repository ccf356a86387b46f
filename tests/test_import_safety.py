"""Imports are safe: every bad cell gets ``file:row:column: reason``, a refused import leaves the
database as it was, and every load or import that does change it leaves an audit entry.

Items of the security review: the audit trace of loads and imports (3), coordinates outside
Indonesia and TPS far from their desa (7), numbers with a thousands separator (8), a CSV cell
beyond the csv module's limit, over-long text and control characters, phone numbers from
numeric workbook cells (9)."""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from pollguard.cli.main import app
from pollguard.domain.geo import INDONESIA_BOUNDS, Point
from pollguard.profile import dump_profile, load_profile
from pollguard.profile.model import IndicatorType
from pollguard.scenario import folder as scenario_folder
from pollguard.scenario import importers
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import MAX_CELL_CHARS
from pollguard.services import risk, scenarios
from pollguard.store import audit
from pollguard.store import tables as db_tables
from pollguard.store.database import Database
from pollguard.store.tables import AuditRecord, OfficerRecord, TpsRecord
from pollguard.store.uow import UnitOfWork

runner = CliRunner()
ROW = 5  # the data row a test breaks (index in the file's rows, the header being 0)
LINE = ROW + 1  # ... and its line number as an editor shows it
PARIS = ("48.856600", "2.352200")
ACTOR = f"cli:{getpass.getuser()}"


def cli(db_url: str | None, *args: str) -> Result:
    return runner.invoke(app, [*(["--db", db_url] if db_url else []), *args])


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def set_cells(path: Path, row: int = ROW, /, **cells: str) -> None:
    rows = read_rows(path)
    for column, value in cells.items():
        rows[row][rows[0].index(column)] = value
    write_rows(path, rows)


def write_xlsx(path: Path, rows: list[list[object]],
               formats: dict[tuple[int, int], str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    for (row, column), fmt in (formats or {}).items():
        sheet.cell(row, column).number_format = fmt
    book.save(path)
    return path


def fingerprint(db: Database) -> str:
    """A digest of everything a load or an import could touch, the audit trail included."""
    with UnitOfWork(db) as uow:
        s = uow.session
        tps = s.execute(select(TpsRecord.tps_id, TpsRecord.voters, TpsRecord.lat, TpsRecord.lon)
                        .order_by(TpsRecord.tps_id)).all()
        officers = s.execute(select(OfficerRecord.nrp, OfficerRecord.name, OfficerRecord.unit_code,
                                    OfficerRecord.phone).order_by(OfficerRecord.nrp)).all()
        entries = s.scalar(select(func.count()).select_from(AuditRecord))
    summary = scenarios.summary(db=db)
    return hashlib.sha256(repr((tps, officers, summary, entries)).encode()).hexdigest()


def refused(result: Result, *lines: str) -> None:
    """The command failed, printed each of ``lines`` and said that nothing was written."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for line in lines:
        assert line in result.output, result.output
    assert "nothing was written" in result.output


def problems_of(call: object) -> list[str]:
    assert callable(call)
    with pytest.raises(InvalidInputError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def entries(db: Database, prefix: str) -> list[audit.Entry]:
    with UnitOfWork(db) as uow:
        found, _ = audit.recent(uow.session, action_prefix=prefix)
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def kpu_list(loaded_db: Database, tmp_path: Path) -> Path:
    """The loaded scenario's Kota Sungai Penuh TPS, written as a KPU-style list."""
    with UnitOfWork(loaded_db) as uow:
        tps = uow.session.scalars(select(TpsRecord).where(TpsRecord.kabkota_code == "15.72")
                                  .order_by(TpsRecord.tps_id)).all()
    return write_rows(tmp_path / "tps_sungai_penuh.csv", [
        ["tps_id", "tps_no", "desa_code", "voters", "lat", "lon", "keterangan"]] + [
        [t.tps_id, str(t.number), t.desa_code, str(t.voters), f"{t.lat:.6f}", f"{t.lon:.6f}", ""]
        for t in tps])


ROSTER = [["NRP", "Nama", "Pangkat", "Satuan", "Fungsi", "No HP"],
          ["99010001", "Andi Saputra", "Bripda", "Polres Merangin", "Samapta", "081200000001"],
          ["99010002", "Siti Rahma", "BRIPTU", "polsek.15.02.01", "Binmas", ""],
          ["99010003", "Joko Susilo", "Bripka", "Polres Sarolangun", "Sabhara", ""]]


@pytest.fixture
def roster_csv(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "roster.csv", [list(r) for r in ROSTER])


# --- 3: loads and imports leave an audit entry ---------------------------------------------------

def test_scenario_load_is_audited_with_files_hashes_and_what_it_replaced(
        db: Database, db_url: str, jambi_dir: Path) -> None:
    assert cli(db_url, "scenario", "load", str(jambi_dir)).exit_code == 0
    again = cli(db_url, "scenario", "load", str(jambi_dir), "--replace")
    assert again.exit_code == 0, again.output
    second, first = entries(db, "scenario.load")
    assert (first.actor, first.action, second.actor) == (ACTOR, "scenario.load", ACTOR)
    assert first.subject == "scenario Pilkada Jambi 2024"
    detail = json.loads(second.detail)
    files = {f["name"]: f for f in detail["files"]}
    assert set(files) == {p.name for p in jambi_dir.iterdir()}
    assert all(f["sha256"] == sha256(jambi_dir / name) for name, f in files.items())
    assert (files["tps.csv"]["rows"], files["officers.csv"]["rows"]) == (6_391, 5_400)
    assert files["scenario.toml"]["rows"] is None
    assert detail["source"] == str(jambi_dir) and detail["warnings"] == 0
    assert detail["loaded"]["tps"] == 6_391 and detail["loaded"]["voters"] == 2_695_348
    assert json.loads(first.detail)["replaced"] is None
    assert detail["replaced"] == {"name": "Pilkada Jambi 2024", **detail["loaded"]}
    listed = cli(db_url, "audit", "list")
    assert listed.exit_code == 0 and listed.output.count("scenario.load") == 2


def test_imports_are_audited_in_their_transaction(loaded_db: Database, db_url: str,
                                                  kpu_list: Path, roster_csv: Path,
                                                  tmp_path: Path) -> None:
    before = scenarios.summary(db=loaded_db)
    rows = read_rows(kpu_list)
    write_rows(kpu_list, rows[:-10])  # the KPU merged ten TPS away
    imported = cli(db_url, "import", "tps", str(kpu_list))
    assert imported.exit_code == 0, imported.output
    (tps_entry,) = entries(loaded_db, "import.tps")
    detail = json.loads(tps_entry.detail)
    assert (tps_entry.actor, tps_entry.subject) == (ACTOR, kpu_list.name)
    n = len(rows) - 11
    assert detail["file"] == {"name": kpu_list.name, "sha256": sha256(kpu_list), "rows": n}
    assert detail["kabkota"] == ["15.72"]
    assert detail["imported"]["tps"] == n and detail["imported"]["linmas"] == 2 * n
    assert detail["replaced"]["tps"] == n + 10
    after = scenarios.summary(db=loaded_db)
    assert detail["replaced"]["linmas"] - detail["imported"]["linmas"] == (
        before.linmas - after.linmas)

    assert cli(db_url, "import", "roster", str(roster_csv)).exit_code == 0
    assert cli(db_url, "import", "roster", str(roster_csv)).exit_code == 0
    updated, added = entries(loaded_db, "import.roster")
    assert json.loads(added.detail) == {"file": {"name": "roster.csv",
                                                 "sha256": sha256(roster_csv), "rows": 3},
                                        "added": 3, "updated": 0}
    assert json.loads(updated.detail)["updated"] == 3 and updated.actor == ACTOR
    assert "99010001" not in updated.detail  # NRP are personal data: counts only

    with UnitOfWork(loaded_db) as uow:
        tps_id = sorted(t for t in uow.session.scalars(select(TpsRecord.tps_id))
                        if t.startswith("1571"))[0]
    form = write_rows(tmp_path / "form.csv", [["tps_id", "violence_history"], [tps_id, "ya"]])
    assert cli(db_url, "risk", "import", str(form)).exit_code == 0
    (observed,) = entries(loaded_db, "risk.import")
    detail = json.loads(observed.detail)
    assert (observed.actor, observed.subject) == (ACTOR, "form.csv")
    assert detail["file"] == {"name": "form.csv", "sha256": sha256(form), "rows": 1}
    assert detail["profile"] == "id-pilkada-2024" and detail["indicators"] == ["violence_history"]
    assert detail["changed"] in (0, 1)


def test_a_refused_import_writes_no_audit_entry(loaded_db: Database, db_url: str,
                                                roster_csv: Path) -> None:
    set_cells(roster_csv, 2, Pangkat="Kapten")
    before = fingerprint(loaded_db)  # counts the audit entries too
    refused(cli(db_url, "import", "roster", str(roster_csv)), "roster.csv:3:Pangkat:")
    assert fingerprint(loaded_db) == before and entries(loaded_db, "import.") == []


# --- 7: coordinates ------------------------------------------------------------------------------

def test_a_tps_in_paris_is_refused_by_scenario_load(loaded_db: Database, db_url: str,
                                                    jambi_copy: Path) -> None:
    set_cells(jambi_copy / "tps.csv", lat=PARIS[0], lon=PARIS[1])
    before = fingerprint(loaded_db)
    refused(cli(db_url, "scenario", "load", str(jambi_copy), "--replace"),
            f"tps.csv:{LINE}:lat: latitude 48.8566 is outside Indonesia (-11.5 to 6.5)",
            f"tps.csv:{LINE}:lon: longitude 2.3522 is outside Indonesia (94.5 to 141.5)")
    assert fingerprint(loaded_db) == before


@pytest.mark.parametrize(("file", "lat", "lon"), [
    ("regions.csv", "lat", "lon"), ("units.csv", "hq_lat", "hq_lon"),
    ("events.csv", "lat", "lon")])
def test_every_point_of_a_scenario_must_be_in_indonesia(jambi_copy: Path, file: str, lat: str,
                                                        lon: str) -> None:
    set_cells(jambi_copy / file, **{lat: "-2.000000", lon: "-101.400000"})  # a sign dropped
    found = problems_of(lambda: scenarios.validate_scenario(folder=jambi_copy))
    assert found == [f"{file}:{LINE}:{lon}: longitude -101.4 is outside Indonesia "
                     "(94.5 to 141.5)"]


def test_a_tps_list_in_paris_imports_nothing(loaded_db: Database, db_url: str,
                                             kpu_list: Path) -> None:
    set_cells(kpu_list, lat=PARIS[0], lon=PARIS[1])
    rows = read_rows(kpu_list)
    rows[0] += ["desa_pos_lat", "desa_pos_lon"]
    rows[1:] = [[*r, "", ""] for r in rows[1:]]
    rows[2][-1] = "141.9"  # desa_pos_lon of line 3: east of Papua
    write_rows(kpu_list, rows)
    before = fingerprint(loaded_db)
    refused(cli(db_url, "import", "tps", str(kpu_list)),
            f"{kpu_list.name}:{LINE}:lat: latitude 48.8566 is outside Indonesia",
            f"{kpu_list.name}:{LINE}:lon: longitude 2.3522 is outside Indonesia",
            f"{kpu_list.name}:3:desa_pos_lon: longitude 141.9 is outside Indonesia")
    assert fingerprint(loaded_db) == before


def test_a_tps_far_from_its_desa_is_a_warning_not_a_refusal(loaded_db: Database, db_url: str,
                                                            jambi_copy: Path,
                                                            tmp_path: Path) -> None:
    tps = jambi_copy / "tps.csv"
    row = read_rows(tps)[ROW]
    set_cells(tps, lat=f"{float(row[4]) + 0.3:.6f}")  # 33 km north, still in Jambi
    validated = cli(None, "scenario", "validate", str(jambi_copy))
    assert validated.exit_code == 0, validated.output
    warning = (f"tps.csv:{LINE}:lat: warning: TPS {row[0]} at ")
    assert warning in validated.output and "valid: Pilkada Jambi 2024" in validated.output
    assert f"km from the point of its desa/kelurahan {row[1]}" in validated.output
    assert "[scenario] tps_max_km_from_desa" in validated.output
    loaded = cli(db_url, "scenario", "load", str(jambi_copy), "--replace")
    assert loaded.exit_code == 0 and warning in loaded.output and "loaded" in loaded.output
    assert json.loads(entries(loaded_db, "scenario.load")[0].detail)["warnings"] == 1
    # The limit is the profile's: a profile that allows 50 km has nothing to say.
    text = dump_profile(load_profile(None)).replace("tps_max_km_from_desa = 25.0",
                                                    "tps_max_km_from_desa = 50.0")
    assert "tps_max_km_from_desa = 50.0" in text
    profile = tmp_path / "wide.toml"
    profile.write_text(text, encoding="utf-8")
    quiet = cli(None, "scenario", "validate", str(jambi_copy), "--profile", str(profile))
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_import_tps_warns_about_a_tps_far_from_its_desa(loaded_db: Database, db_url: str,
                                                       kpu_list: Path) -> None:
    row = read_rows(kpu_list)[ROW]
    set_cells(kpu_list, lon=f"{float(row[5]) + 0.4:.6f}")  # 44 km east
    imported = cli(db_url, "import", "tps", str(kpu_list))
    assert imported.exit_code == 0, imported.output
    assert f"{kpu_list.name}:{LINE}:lat: warning: TPS {row[0]}" in imported.output
    assert "imported" in imported.output
    with UnitOfWork(loaded_db) as uow:
        stored = uow.session.get(TpsRecord, row[0])
    assert stored is not None and stored.lon == pytest.approx(float(row[5]) + 0.4)


def test_the_builtin_scenario_gives_no_warnings(jambi_dir: Path) -> None:
    warnings: list[Problem] = []
    scenarios.validate_scenario(folder=jambi_dir, on_warning=warnings.append)
    assert warnings == []


def test_the_real_data_lies_in_indonesia_and_near_its_desa(loaded_db: Database,
                                                           shared_data: Path) -> None:
    for name in ("indonesia_kabkota_centroids.csv", "indonesia_kecamatan_centroids.csv",
                 "jambi_desa_kelurahan.csv"):
        with (shared_data / name).open(encoding="utf-8", newline="") as fh:
            points = [Point(float(r[a]), float(r[b])) for r in csv.DictReader(fh)
                      for a, b in (("lat", "lon"), ("pos_lat", "pos_lon"))]
        assert all(INDONESIA_BOUNDS.contains(p) for p in points), name
    warnings: list[Problem] = []
    result = scenarios.import_tps(db=loaded_db, path=shared_data / "jambi_tps_pemilu2024_list.csv",
                                  on_warning=warnings.append)
    assert result.tps == 11_160 and warnings == []


def test_the_national_builder_keeps_aceh_in_indonesia() -> None:
    """Without --geo, Aceh's kab/kota sit on a sunflower around Banda Aceh that used to reach
    past 6.5° N and west of 94.5° E; the builder keeps every point inside the bounds."""
    from pollguard.scenario.indonesia import PILKADA_2024_TPS, build_province, national_recipes

    (aceh,) = national_recipes(PILKADA_2024_TPS, provinces=["11"])
    s = build_province(aceh)
    points = ([Point(r.lat, r.lon) for r in s.regions] + [Point(t.lat, t.lon) for t in s.tps]
              + [Point(u.hq_lat, u.hq_lon) for u in s.units]
              + [Point(e.lat, e.lon) for e in s.events])
    assert all(INDONESIA_BOUNDS.contains(p) for p in points)


# --- 8: numbers with a thousands separator ---------------------------------------------------

def test_voters_with_a_thousands_separator_are_refused(jambi_copy: Path) -> None:
    set_cells(jambi_copy / "tps.csv", voters="1.000")
    set_cells(jambi_copy / "linmas.csv", personnel="1,000")
    set_cells(jambi_copy / "races.csv", 1, pairs="12.345.678")
    result = cli(None, "scenario", "validate", str(jambi_copy))
    refused(result, f'tps.csv:{LINE}:voters: "1.000" looks like a number with a thousands '
                    "separator; write 1000",
            f'linmas.csv:{LINE}:personnel: "1,000" looks like a number with a thousands '
            "separator; write 1000",
            'races.csv:2:pairs: "12.345.678" looks like a number with a thousands separator; '
            "write 12345678")


def test_unambiguous_whole_numbers_are_accepted(jambi_copy: Path) -> None:
    set_cells(jambi_copy / "tps.csv", voters="500.0")  # a spreadsheet's float
    set_cells(jambi_copy / "tps.csv", ROW + 1, voters=" 42 ")
    scenario = scenarios.validate_scenario(folder=jambi_copy)
    assert [t.voters for t in scenario.tps[ROW - 1:ROW + 1]] == [500, 42]


def test_a_tps_list_with_thousands_separators_imports_nothing(loaded_db: Database,
                                                              kpu_list: Path) -> None:
    set_cells(kpu_list, voters="1.000")
    before = fingerprint(loaded_db)
    assert problems_of(lambda: scenarios.import_tps(db=loaded_db, path=kpu_list)) == [
        f'{kpu_list.name}:{LINE}:voters: "1.000" looks like a number with a thousands '
        "separator; write 1000"]
    assert fingerprint(loaded_db) == before


def test_a_count_with_a_thousands_separator_is_refused_a_numeric_cell_is_not(
        loaded_db: Database, tmp_path: Path) -> None:
    shipped = load_profile(None)
    counted = shipped.indicators[0].model_copy(update={"type": IndicatorType.COUNT,
                                                       "saturation": 1000.0})
    profile = tmp_path / "count.toml"
    profile.write_text(dump_profile(shipped.model_copy(update={"indicators": (
        counted, *shipped.indicators[1:])})), encoding="utf-8")
    with UnitOfWork(loaded_db) as uow:
        a, b = sorted(t for t in uow.session.scalars(select(TpsRecord.tps_id))
                      if t.startswith("1571"))[:2]
    book = write_xlsx(tmp_path / "form.xlsx", [["tps_id", counted.code], [a, 1000], [b, "2,500"]])
    before = fingerprint(loaded_db)
    assert problems_of(lambda: risk.import_observations(db=loaded_db, path=book,
                                                        profile=profile)) == [
        f'form.xlsx:3:{counted.code}: "2,500" looks like a number with a thousands separator; '
        "write 2500, or 2.5 if the separator is a decimal point"]
    assert fingerprint(loaded_db) == before
    write_xlsx(book, [["tps_id", counted.code], [a, 1000], [b, 2.5]])
    assert risk.import_observations(db=loaded_db, path=book, profile=profile).tps == 2


# --- 9a: a cell beyond the csv module's field limit ----------------------------------------------

def test_a_cell_beyond_the_csv_field_limit_is_a_problem_not_a_traceback(
        loaded_db: Database, db_url: str, roster_csv: Path, kpu_list: Path,
        jambi_copy: Path) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    set_cells(roster_csv, 2, Nama=huge)
    before = fingerprint(loaded_db)
    refused(cli(db_url, "import", "roster", str(roster_csv)),
            "roster.csv:3:Nama: a cell longer than 131,072 characters (the CSV reader's limit)")
    set_cells(kpu_list, keterangan=huge)  # even in a column the import ignores
    refused(cli(db_url, "import", "tps", str(kpu_list)),
            f"{kpu_list.name}:{LINE}:keterangan: a cell longer than 131,072 characters")
    assert fingerprint(loaded_db) == before
    set_cells(jambi_copy / "tps.csv", ROW, location_type=huge)
    assert f"tps.csv:{LINE}:location_type: a cell longer than 131,072 characters (the CSV "\
           "reader's limit): no value PollGuard reads is that long; the rest of the file was " \
           "not read" in problems_of(lambda: scenarios.validate_scenario(folder=jambi_copy))


# --- 9b: lengths and control characters ----------------------------------------------------------

@pytest.mark.parametrize(("column", "value", "reason"), [
    ("Nama", "A" * 121, "too long: 121 characters, at most 120 fit this column"),
    ("No HP", "0812-3456-7890 ext 12", "too long: 21 characters, at most 20 fit this column"),
    ("Nama", "Andi\x1b[31mSaputra", "contains a control character (U+001B escape) at "
                                    "position 5; remove it"),
    ("Nama", "Andi\nSaputra", "contains a control character (U+000A line feed) at position 5"),
    ("Nama", "Andi \u202eartupaS", "contains a control character (U+202E right-to-left "
                                   "override) at position 6"),
    ("Satuan", "P" * (MAX_CELL_CHARS + 1), "too long: 201 characters, at most 120"),
])
def test_roster_text_must_fit_the_database(column: str, value: str, reason: str,
                                           loaded_db: Database, db_url: str,
                                           roster_csv: Path) -> None:
    set_cells(roster_csv, 2, **{column: value})
    before = fingerprint(loaded_db)
    refused(cli(db_url, "import", "roster", str(roster_csv)), f"roster.csv:3:{column}: {reason}")
    assert fingerprint(loaded_db) == before


def test_scenario_text_must_fit_the_database(jambi_copy: Path) -> None:
    set_cells(jambi_copy / "units.csv", name="Polsek " + "X" * 120)
    set_cells(jambi_copy / "officers.csv", phone="+62 812\t3456 7890")
    set_cells(jambi_copy / "events.csv", description="bentrokan\u2028dua kelompok")
    assert problems_of(lambda: scenarios.validate_scenario(folder=jambi_copy)) == [
        f"events.csv:{LINE}:description: contains a control character (U+2028 line "
        "separator) at position 10; remove it",
        f"officers.csv:{LINE}:phone: contains a control character (U+0009 tab) at position 8; "
        "remove it",
        f"units.csv:{LINE}:name: too long: 127 characters, at most 120 fit this column"]


def test_the_length_limits_are_the_database_columns() -> None:
    def length(table: Any, column: str) -> int:
        return int(table.__table__.c[column].type.length)

    assert importers.ROSTER_LIMITS["name"] == length(db_tables.OfficerRecord, "name")
    assert importers.ROSTER_LIMITS["phone"] == length(db_tables.OfficerRecord, "phone")
    limits = scenario_folder.LIMITS
    pairs = [(scenario_folder.REGIONS, "name", db_tables.RegionRecord, "name"),
             (scenario_folder.UNITS, "code", db_tables.UnitRecord, "code"),
             (scenario_folder.UNITS, "name", db_tables.UnitRecord, "name"),
             (scenario_folder.OFFICERS, "name", db_tables.OfficerRecord, "name"),
             (scenario_folder.OFFICERS, "phone", db_tables.OfficerRecord, "phone"),
             (scenario_folder.TNI, "unit_code", db_tables.TniStrengthRecord, "unit_code"),
             (scenario_folder.INDICATORS, "indicator", db_tables.TpsIndicatorRecord,
              "indicator"),
             (scenario_folder.EVENTS, "event_id", db_tables.RiskEventRecord, "event_id"),
             (scenario_folder.EVENTS, "kind", db_tables.RiskEventRecord, "kind"),
             (scenario_folder.RACES, "race_id", db_tables.RaceRecord, "race_id"),
             (scenario_folder.RACES, "office", db_tables.RaceRecord, "office")]
    assert [limits[f][c] for f, c, _, _ in pairs] == [length(t, c) for _, _, t, c in pairs]


# --- 9c: phone numbers from numeric workbook cells -----------------------------------------------

def _phones(db: Database, nrps: list[str]) -> Iterator[str | None]:
    with UnitOfWork(db) as uow:
        for nrp in nrps:
            officer = uow.session.get(OfficerRecord, nrp)
            yield officer.phone if officer else "absent"


def test_a_phone_typed_as_a_number_keeps_its_leading_zero(loaded_db: Database, db_url: str,
                                                          tmp_path: Path) -> None:
    rows: list[list[object]] = [list(ROSTER[0])]
    phones: list[object] = [81234567890, 6281234567891, 81234567892, 81234567893,
                            "0812 3456 7894", 2112345678]
    for i, phone in enumerate(phones):
        rows.append([99030001 + i, f"Petugas {i}", "Bripda", "Polres Tebo", "Samapta", phone])
    book = write_xlsx(tmp_path / "roster.xlsx", rows, formats={
        (4, 6): "000000000000",  # Excel's "Custom: 000000000000" shows 081234567892
        (5, 6): '"0"0000000000'})  # ... and so does a quoted 0 before ten digits
    imported = cli(db_url, "import", "roster", str(book))
    assert imported.exit_code == 0, imported.output
    assert list(_phones(loaded_db, [str(99030001 + i) for i in range(len(phones))])) == [
        "081234567890", "+6281234567891", "081234567892", "081234567893", "0812 3456 7894",
        "2112345678"]
