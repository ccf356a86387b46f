"""Files as offices save them (issue 16, item 2, CSV): what Excel with Indonesian regional
settings writes — a ``;`` separator, decimal commas, a UTF-8 byte-order mark, a ``sep=;``
first line, Windows-1252 text — reads exactly as the same file saved as plain UTF-8 comma
CSV; what stays ambiguous (``1.234,5``, a file mixing encodings) is refused with its line,
and a refused import writes nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.scenario import Scenario
from pollguard.scenario.folder import read_scenario
from pollguard.scenario.problems import InvalidInputError
from pollguard.scenario.tables import parse_csv
from pollguard.services import scenarios
from pollguard.store.database import Database
from pollguard.store.tables import OfficerRecord, TpsRecord
from pollguard.store.uow import UnitOfWork
from test_bad_input import ROSTER, fingerprint, kpu_list, read_rows, roster_csv

__all__ = ["kpu_list", "roster_csv"]  # fixtures shared with test_bad_input

BOM = b"\xef\xbb\xbf"
#: The columns of each scenario file that take fractions, where Excel writes decimal commas.
FRACTIONS = {"regions.csv": ("lat", "lon", "area_km2"), "tps.csv": ("lat", "lon"),
             "units.csv": ("hq_lat", "hq_lon")}


def office_bytes(rows: Sequence[Sequence[str]], *, fractions: Sequence[str] = (),
                 bom: bool = False, sep_line: bool = False, encoding: str = "utf-8") -> bytes:
    """The rows as Excel with Indonesian settings saves them: ``;``-separated, CRLF line
    ends, a decimal comma in the ``fractions`` columns; optionally a BOM, a ``sep=;``
    line, another encoding."""
    at = [i for i, h in enumerate(rows[0]) if h in fractions]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([c.replace(".", ",") if i in at else c for i, c in enumerate(row)])
    text = ("sep=;\r\n" if sep_line else "") + out.getvalue()
    return (BOM if bom else b"") + text.encode(encoding)


@pytest.fixture(scope="module")
def plain(jambi_dir: Path) -> Scenario:
    """The Jambi scenario as written: plain UTF-8 comma CSV."""
    return read_scenario(jambi_dir)


FORMS: dict[str, dict[str, bool]] = {
    "semicolons, decimal commas": {},
    "and a byte-order mark": {"bom": True},
    "and a sep=; line": {"sep_line": True},
    "BOM and sep=; line": {"bom": True, "sep_line": True},
}


@pytest.mark.parametrize("form", FORMS)
def test_scenario_files_saved_by_excel_read_exactly(form: str, jambi_copy: Path,
                                                    plain: Scenario) -> None:
    for name, fractions in FRACTIONS.items():
        path = jambi_copy / name
        path.write_bytes(office_bytes(read_rows(path), fractions=fractions, **FORMS[form]))
        assert re.search(rb";-?\d+,\d{6}(;|\r)", path.read_bytes())  # decimal commas
    read = read_scenario(jambi_copy)
    assert read.regions == plain.regions
    assert read.tps == plain.tps
    assert read.units == plain.units


def test_a_bom_on_a_comma_file_is_dropped(jambi_copy: Path, plain: Scenario) -> None:
    path = jambi_copy / "tps.csv"
    path.write_bytes(BOM + path.read_bytes())
    assert read_scenario(jambi_copy).tps == plain.tps


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_below_a_sep_line_rows_keep_their_line_numbers(jambi_copy: Path) -> None:
    path = jambi_copy / "tps.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("lat")] = "95,5"  # the first data row: line 3 below sep=;
    path.write_bytes(office_bytes(rows, fractions=FRACTIONS["tps.csv"], sep_line=True))
    found = problems_of(jambi_copy)
    assert [p for p in found if p.startswith("tps.csv:3:lat:")] == found and found, found
    assert "95.5" in found[0]


def test_a_number_with_thousands_and_decimals_stays_refused(jambi_copy: Path) -> None:
    path = jambi_copy / "regions.csv"
    rows = read_rows(path)
    line = next(i for i, r in enumerate(rows) if i and r[rows[0].index("area_km2")])
    rows[line][rows[0].index("area_km2")] = "1.234,5"
    path.write_bytes(office_bytes(rows, fractions=()))  # written as is, decimal comma and all
    assert f'regions.csv:{line + 1}:area_km2: "1.234,5" looks like a number with a thousands ' \
        "separator; write 1234.5" in problems_of(jambi_copy)


def test_in_a_comma_file_a_comma_is_no_decimal_mark(jambi_copy: Path) -> None:
    path = jambi_copy / "tps.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("lat")] = rows[1][rows[0].index("lat")].replace(".", ",")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert any(p.startswith("tps.csv:2:lat: Input should be a valid number")
               for p in problems_of(jambi_copy))


def test_the_separator_comes_from_the_header_not_a_guess() -> None:
    # A comma file whose names hold semicolons stays comma-separated...
    table, problems = parse_csv(b"code,name\n1,Pos A; Pos B\n", file="f.csv",
                                required=("code", "name"))
    assert not problems and table.rows[0].cells == {"code": "1", "name": "Pos A; Pos B"}
    # ...and a ';' file whose names hold commas is read at ';'.
    table, problems = parse_csv(b"code;name\n1;Pasar, Kota\n", file="f.csv",
                                required=("code", "name"))
    assert not problems and table.rows[0].cells == {"code": "1", "name": "Pasar, Kota"}
    _, problems = parse_csv(b"sep=|\ncode|name\n", file="f.csv", required=("code", "name"))
    assert [str(p) for p in problems] == [
        "f.csv:1:-: the first line names the separator '|'; PollGuard reads ',' or ';'"]


# --- the importers, through the CLI ---------------------------------------------------------

def invoke(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.output


def tps_of_sungai_penuh(db: Database) -> list[tuple[object, ...]]:
    with UnitOfWork(db) as uow:
        return [tuple(r) for r in uow.session.execute(
            select(TpsRecord.tps_id, TpsRecord.number, TpsRecord.voters, TpsRecord.lat,
                   TpsRecord.lon, TpsRecord.location_type)
            .where(TpsRecord.kabkota_code == "15.72").order_by(TpsRecord.tps_id)).all()]


@pytest.mark.parametrize("form", FORMS)
def test_a_kpu_list_saved_by_excel_imports_exactly(form: str, loaded_db: Database,
                                                   db_url: str, kpu_list: Path,
                                                   tmp_path: Path) -> None:
    rows = read_rows(kpu_list)
    office = tmp_path / "tps_excel.csv"
    office.write_bytes(office_bytes(rows, fractions=("lat", "lon"), **FORMS[form]))
    assert re.search(rb";-?\d+,\d+;", office.read_bytes())  # decimal commas
    code, output = invoke(db_url, "import", "tps", str(office))
    assert code == 0, output
    assert f"imported {len(rows) - 1:,} TPS" in output and "warning" not in output
    imported = tps_of_sungai_penuh(loaded_db)
    # The same list as plain UTF-8 comma CSV gives the very same TPS.
    scenarios.import_tps(db=loaded_db, path=kpu_list)
    assert tps_of_sungai_penuh(loaded_db) == imported and len(imported) == len(rows) - 1


def officers(db: Database) -> list[tuple[object, ...]]:
    with UnitOfWork(db) as uow:
        return [tuple(r) for r in uow.session.execute(
            select(OfficerRecord.nrp, OfficerRecord.name, OfficerRecord.rank,
                   OfficerRecord.unit_code, OfficerRecord.branch, OfficerRecord.phone)
            .where(OfficerRecord.nrp.in_([r[0] for r in ROSTER[1:]]))
            .order_by(OfficerRecord.nrp)).all()]


@pytest.mark.parametrize("form", FORMS)
def test_a_roster_saved_by_excel_imports_exactly(form: str, loaded_db: Database, db_url: str,
                                                 roster_csv: Path, tmp_path: Path) -> None:
    office = tmp_path / "roster_excel.csv"
    office.write_bytes(office_bytes(ROSTER, **FORMS[form]))
    code, output = invoke(db_url, "import", "roster", str(office))
    assert code == 0, output
    assert "imported roster: 6 added, 0 updated" in output
    assert "warning" not in output
    imported = officers(loaded_db)
    # The same roster as plain UTF-8 comma CSV: every officer known already, nothing changes.
    assert scenarios.import_roster(db=loaded_db, path=roster_csv) == scenarios.RosterImport(0, 6)
    assert officers(loaded_db) == imported and len(imported) == 6


def sembiring_roster(*encodings: str) -> bytes:
    """The roster with a name with an accent on rows 2, 3...: each such row in the next of
    ``encodings`` (the others ASCII), as Excel's plain "CSV" writes them on Windows."""
    rows = [list(r) for r in ROSTER]
    lines = [",".join(rows[0]).encode()]
    for i, row in enumerate(rows[1:]):
        encoding = encodings[i] if i < len(encodings) else "ascii"
        if i < len(encodings):
            row[1] = "Sémbiring"
        lines.append(",".join(row).encode(encoding))
    return b"\r\n".join(lines) + b"\r\n"


def test_a_windows_1252_roster_is_read_with_a_warning(loaded_db: Database, db_url: str,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(sembiring_roster("cp1252", "cp1252"))
    code, output = invoke(db_url, "import", "roster", str(path))
    assert code == 0, output
    assert "roster.csv:2:-: warning: not UTF-8: read as Windows-1252" in output
    assert "imported roster: 6 added" in output
    names = {nrp: name for nrp, name, *_ in officers(loaded_db)}
    assert names["99010001"] == names["99010002"] == "Sémbiring"


def test_a_roster_that_mixes_encodings_imports_nothing(loaded_db: Database, db_url: str,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(sembiring_roster("utf-8", "utf-8", "cp1252"))
    before = fingerprint(loaded_db)
    code, output = invoke(db_url, "import", "roster", str(path))
    assert code == 1
    assert ("roster.csv:4:-: line 4 is not UTF-8 while line 2 is: the file mixes encodings; "
            "save it again as UTF-8 CSV") in output
    assert fingerprint(loaded_db) == before and officers(loaded_db) == []


def test_a_windows_1252_scenario_file_loads_with_a_warning(jambi_copy: Path, db_url: str,
                                                           loaded_db: Database) -> None:
    path = jambi_copy / "units.csv"
    text = path.read_text(encoding="utf-8")
    assert text.isascii()
    path.write_bytes(text.replace("Polres Kerinci", "Polres Kérinci", 1).encode("cp1252"))
    code, output = invoke(db_url, "scenario", "load", "--replace", str(jambi_copy))
    assert code == 0, output
    assert "units.csv:" in output and "warning: not UTF-8: read as Windows-1252" in output
    assert "Polres Kérinci" in scenarios.unit_names(db=loaded_db).values()


def test_a_scenario_file_that_mixes_encodings_is_refused(jambi_copy: Path) -> None:
    path = jambi_copy / "units.csv"
    lines = path.read_bytes().split(b"\n")
    first, second = [i for i, line in enumerate(lines) if b",Pol" in line][:2]
    lines[first] = lines[first].replace(b",Pol", ",Pól".encode(), 1)
    lines[second] = lines[second].replace(b",Pol", ",Pól".encode("cp1252"), 1)
    path.write_bytes(b"\n".join(lines))
    # The file is refused whole (the other files' checks then miss its units).
    assert [p for p in problems_of(jambi_copy) if p.startswith("units.csv")] == [
        f"units.csv:{second + 1}:-: line {second + 1} is not UTF-8 while line {first + 1} is: "
        "the file mixes encodings; save it again as UTF-8 CSV"]

