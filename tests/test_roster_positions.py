"""Officers' position (jabatan) and desa binaan, end to end: the scenario folder writes,
validates and loads them; the roster import reads them under Indonesian or English headers,
a desa by code or by name; the built-in Jambi roster fills them without changing anything
else it generates."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.forces import Branch, Officer, Rank, UnitKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario
from pollguard.scenario.folder import read_scenario
from pollguard.scenario.jambi import build_jambi
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import scenarios
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.tables import OfficerRecord
from pollguard.store.uow import UnitOfWork

runner = CliRunner()

#: Digests of the Jambi roster (every field but position and desa_code) and of the data drawn
#: after it (TPS, indicators, events), computed with the generator as it was before positions
#: were added: assigning them must not draw a random number nor touch any other datum.
JAMBI_OFFICERS_SHA256 = "6ffd875fb17a9daf0604f3276b6a41436690ffd09114faf8afbbdfab1af67838"
JAMBI_REST_SHA256 = "1122aba7f755028e68bd067b0f5eb043406da66054af82652ef2315b514a9d1a"


@pytest.fixture(scope="module")
def built() -> Scenario:
    return build_jambi()


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def stored_officers(db: Database) -> dict[str, Officer]:
    with UnitOfWork(db) as uow:
        scenario = repo.load_scenario(uow.session)
    assert scenario is not None
    return {o.nrp: o for o in scenario.officers}


def officer_rows(db: Database) -> str:
    """A digest of the officer table, position and desa included."""
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(select(OfficerRecord).order_by(OfficerRecord.nrp)).scalars()
        text = repr([(o.nrp, o.name, o.rank, o.unit_code, o.phone, o.position, o.desa_code)
                     for o in rows])
    return hashlib.sha256(text.encode()).hexdigest()


# --- the scenario folder ----------------------------------------------------------------------

@pytest.mark.slow
def test_build_validate_load_keeps_position_and_desa(built: Scenario, jambi_dir: Path,
                                                     db_url: str, db: Database) -> None:
    header = read_rows(jambi_dir / "officers.csv")[0]
    assert header[-2:] == ["position", "desa_code"]
    valid = runner.invoke(app, ["scenario", "validate", str(jambi_dir)])
    assert valid.exit_code == 0 and "valid" in valid.output, valid.output
    loaded = runner.invoke(app, ["--db", db_url, "scenario", "load", str(jambi_dir)])
    assert loaded.exit_code == 0, loaded.output
    stored = stored_officers(db)
    assert stored == {o.nrp: o for o in built.officers}
    assert sum(1 for o in stored.values() if o.position == "Bhabinkamtibmas" and o.desa_code) > 400


def test_an_older_folder_without_the_columns_reads(jambi_copy: Path) -> None:
    path = jambi_copy / "officers.csv"
    rows = read_rows(path)
    assert rows[0][-2:] == ["position", "desa_code"]
    write_rows(path, [r[:-2] for r in rows])
    officers = read_scenario(jambi_copy).officers
    assert len(officers) == 5_400
    assert {(o.position, o.desa_code) for o in officers} == {("", None)}


def test_a_bad_desa_binaan_is_refused_in_the_folder(jambi_copy: Path) -> None:
    path = jambi_copy / "officers.csv"
    rows = read_rows(path)
    column = rows[0].index("desa_code")
    unit = rows[0].index("unit_code")
    position = rows[0].index("position")
    at_kerinci = [i for i, r in enumerate(rows) if r[unit] == "polsek.15.01.01"]
    unknown, kecamatan, outside, too_long = at_kerinci[1:5]
    rows[unknown][column] = "15.01.01.2999"
    rows[kecamatan][column] = "15.01.01"
    rows[outside][column] = "15.02.01.2001"  # Renah Kemumu, Merangin: not Polres Kerinci's
    rows[too_long][position] = "K" * 121
    write_rows(path, rows)
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(jambi_copy)
    got = {(p.file, p.row, p.column): p.reason for p in caught.value.problems}
    assert set(got) == {("officers.csv", unknown + 1, "desa_code"),
                        ("officers.csv", kecamatan + 1, "desa_code"),
                        ("officers.csv", outside + 1, "desa_code"),
                        ("officers.csv", too_long + 1, "position")}
    assert got["officers.csv", unknown + 1, "desa_code"] == (
        "desa 15.01.01.2999 is not in regions.csv")
    assert "15.01.01 (Gunung Raya) is a kecamatan, not a desa" in got[
        "officers.csv", kecamatan + 1, "desa_code"]
    assert ("desa Renah Kemumu (15.02.01.2001) lies outside the jurisdiction of Polres "
            "Kerinci (15.01 15.72)") in got["officers.csv", outside + 1, "desa_code"]
    assert "at most 120" in got["officers.csv", too_long + 1, "position"]


# --- the roster import ------------------------------------------------------------------------

HEADER = ["NRP", "Nama", "Pangkat", "Satuan", "Fungsi", "Jabatan", "Desa Binaan"]
ROSTER = [
    HEADER,
    ["99030001", "Andi Saputra", "Bripka", "Polsek Gunung Raya", "Binmas", "Bhabinkamtibmas",
     "Selam Paung"],
    ["99030002", "Siti Rahma", "Briptu", "polsek.15.01.01", "Binmas", "Bhabinkamtibmas",
     "desa air mumu"],  # any case, and the word "desa" before the name
    ["99030003", "Made Wirawan", "AKP", "Polsek Gunung Raya", "Sium", "Kapolsek Gunung Raya",
     ""],
    ["99030004", "Rudi Hartono", "Aipda", "Polres Merangin", "Binmas", "Bhabinkamtibmas",
     "15.02.01.2002"],  # by code
    ["99030005", "Dewi Lestari", "Bripda", "Polres Merangin", "Samapta", "", "1502012003"],
]
EXPECTED = {"99030001": ("Bhabinkamtibmas", "15.01.01.2001"),
            "99030002": ("Bhabinkamtibmas", "15.01.01.2002"),
            "99030003": ("Kapolsek Gunung Raya", None),
            "99030004": ("Bhabinkamtibmas", "15.02.01.2002"),
            "99030005": ("", "15.02.01.2003")}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_roster_with_jabatan_and_desa_binaan_imports(kind: str, loaded_db: Database,
                                                       tmp_path: Path) -> None:
    path = tmp_path / f"roster.{kind}"
    (write_xlsx if kind == "xlsx" else write_rows)(path, ROSTER)
    assert scenarios.import_roster(db=loaded_db, path=path) == scenarios.RosterImport(5, 0)
    stored = stored_officers(loaded_db)
    assert {nrp: (stored[nrp].position, stored[nrp].desa_code) for nrp in EXPECTED} == EXPECTED


def test_english_headers_are_read_too(loaded_db: Database, tmp_path: Path) -> None:
    rows = [["nrp", "name", "rank", "unit", "branch", "position", "desa_code"],
            ["99030011", "Joko Susilo", "Bripka", "Polres Kerinci", "Binmas", "Bhabinkamtibmas",
             "Selam Paung"]]
    scenarios.import_roster(db=loaded_db, path=write_rows(tmp_path / "r.csv", rows))
    officer = stored_officers(loaded_db)["99030011"]
    assert (officer.position, officer.desa_code) == ("Bhabinkamtibmas", "15.01.01.2001")


def test_a_roster_without_the_columns_keeps_what_is_stored(loaded_db: Database,
                                                           tmp_path: Path) -> None:
    before = stored_officers(loaded_db)
    bhabin = next(o for o in before.values() if o.desa_code and o.branch == Branch.BINMAS)
    rows = [["NRP", "Nama", "Pangkat", "Satuan", "Fungsi"],
            [bhabin.nrp, "Nama Baru", bhabin.rank.label, bhabin.unit_code, "Binmas"]]
    path = write_rows(tmp_path / "old.csv", rows)
    assert scenarios.import_roster(db=loaded_db, path=path) == scenarios.RosterImport(0, 1)
    after = stored_officers(loaded_db)[bhabin.nrp]
    assert after.name == "Nama Baru"
    assert (after.position, after.desa_code) == (bhabin.position, bhabin.desa_code)
    # A roster that has the columns says what they are, an empty cell included.
    path = write_rows(tmp_path / "new.csv", [rows[0] + ["Jabatan", "Desa Binaan"],
                                             rows[1] + ["Bhabinkamtibmas", ""]])
    scenarios.import_roster(db=loaded_db, path=path)
    assert stored_officers(loaded_db)[bhabin.nrp].desa_code is None


def test_a_bad_desa_binaan_is_refused_with_file_row_column(loaded_db: Database, db_url: str,
                                                           tmp_path: Path) -> None:
    rows = [list(r) for r in ROSTER]
    rows[1][6] = "Koto Baru"  # two in Kab. Kerinci and one in Kota Sungai Penuh
    rows[2][6] = "Renah Kemumu"  # a desa of Merangin, for an officer of Polres Kerinci
    rows[3][6] = "Atlantis"
    rows[4][5] = "J" * 121
    rows[5][6] = "15.02.01"  # a kecamatan code
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = officer_rows(loaded_db)
    result = runner.invoke(app, ["--db", db_url, "import", "roster", str(path)])
    assert result.exit_code == 1
    with pytest.raises(InvalidInputError) as caught:
        scenarios.import_roster(db=loaded_db, path=path)
    assert officer_rows(loaded_db) == before
    problems = caught.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("bad.xlsx", 2, "Desa Binaan"), ("bad.xlsx", 3, "Desa Binaan"),
        ("bad.xlsx", 4, "Desa Binaan"), ("bad.xlsx", 5, "Jabatan"),
        ("bad.xlsx", 6, "Desa Binaan")]
    reasons = [p.reason for p in problems]
    assert reasons[0] == (
        "desa name 'Koto Baru' is ambiguous in the jurisdiction of Polres Kerinci: "
        "15.01.08.2023 in Kecamatan Keliling Danau, 15.01.09.2014 in Kecamatan Kayu Aro, "
        "15.72.07.2001 in Kecamatan Koto Baru; give the desa code instead")
    assert reasons[1].startswith("desa 'Renah Kemumu' lies outside the jurisdiction of "
                                 "Polres Kerinci")
    assert "15.02.01.2001 in Kecamatan" in reasons[1]
    assert reasons[2].startswith("unknown desa 'Atlantis' in the jurisdiction of Polres Kerinci")
    assert "at most 120" in reasons[3]
    assert "unknown desa code '15.02.01'" in reasons[4]
    assert str(problems[0]) in result.output


# --- the built-in Jambi roster ----------------------------------------------------------------

@pytest.mark.slow
def test_jambi_roster_is_unchanged_but_for_position_and_desa(built: Scenario) -> None:
    officers = hashlib.sha256()
    for o in built.officers:
        officers.update(f"{o.nrp}|{o.name}|{o.rank.label}|{o.branch.value}|{o.unit_code}|"
                        f"{o.home_unit_code}|{o.bko}|{o.phone}\n".encode())
    rest = hashlib.sha256()
    for t in built.tps:
        rest.update(f"{t.tps_id}|{t.voters}|{t.lat:.6f}|{t.lon:.6f}\n".encode())
    for ob in built.observations:
        rest.update(f"{ob.tps_id}|{ob.indicator}|{ob.value}\n".encode())
    for e in built.events:
        rest.update(f"{e.event_id}|{e.kind}|{e.lat:.6f}|{e.lon:.6f}|{e.occurred_on}|"
                    f"{e.severity}\n".encode())
    assert (officers.hexdigest(), rest.hexdigest()) == (JAMBI_OFFICERS_SHA256, JAMBI_REST_SHA256)


def _plain(name: str) -> str:
    return name.removeprefix("Kabupaten ").removeprefix("Kota ")


@pytest.mark.slow
def test_jambi_commanders_have_their_jabatan(built: Scenario) -> None:
    names = {r.code: r.name for r in built.regions}
    at: dict[str, list[Officer]] = defaultdict(list)
    for o in built.officers:
        at[o.unit_code].append(o)
    for unit in built.units:
        if unit.kind == UnitKind.POLRES:
            word = "Kapolresta" if unit.name.startswith("Polresta") else "Kapolres"
            lead = [o for o in at[unit.code] if o.position == f"{word} "
                    f"{_plain(names[unit.jurisdiction[0]])}"]
            assert len(lead) == 1 and lead[0].rank >= Rank.AKBP, unit.name
            posts = Counter(o.position for o in at[unit.code])
            assert posts["Wakapolres"] + posts["Wakapolresta"] <= 1
            assert posts["Kabag Ops"] <= 1
            assert all(o.rank >= Rank.KOMPOL for o in at[unit.code]
                       if o.position.startswith("Wakapolres"))
            assert all(o.rank >= Rank.AKP for o in at[unit.code] if o.position == "Kabag Ops")
        elif unit.kind == UnitKind.POLSEK:
            lead = [o for o in at[unit.code]
                    if o.position == f"Kapolsek {names[unit.jurisdiction[0]]}"]
            assert len(lead) == 1, unit.name
    positions = Counter(o.position for o in built.officers)
    assert positions["Kapolda Jambi"] == 1 and positions["Dansat Brimob"] == 1
    assert positions["Dir Samapta"] == positions["Dir Lantas"] == 1
    assert positions["Wakapolresta"] == 1  # Polresta Jambi has a Kompol besides its Kapolresta


@pytest.mark.slow
def test_jambi_bhabinkamtibmas_serve_a_desa_of_their_kecamatan(built: Scenario) -> None:
    units = {u.code: u for u in built.units}
    desa_of: Counter[str] = Counter(ancestor_at(r.code, RegionLevel.KECAMATAN)
                                    for r in built.regions_at(RegionLevel.DESA))
    served: dict[str, list[str | None]] = defaultdict(list)
    for o in built.officers:
        at_polsek = units[o.unit_code].kind == UnitKind.POLSEK
        if at_polsek and o.branch == Branch.BINMAS:
            assert o.position == "Bhabinkamtibmas"
            served[o.unit_code].append(o.desa_code)
        else:
            assert o.position != "Bhabinkamtibmas" and o.desa_code is None
    assert len(served) > 100
    for code, desa in served.items():
        kecamatan = units[code].jurisdiction[0]
        given = [d for d in desa if d is not None]
        assert all(ancestor_at(d, RegionLevel.KECAMATAN) == kecamatan for d in given)
        assert len(set(given)) == len(given) == min(len(desa), desa_of[kecamatan])
