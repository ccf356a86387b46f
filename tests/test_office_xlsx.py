"""TPS lists as KPU offices save them: workbooks with title rows, merged and two-row headers
and empty rows below, and lists that still carry desa codes Kemendagri has since changed.
Built from the real Jambi Pemilu 2024 list in ../shared/data and imported through the CLI."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.scenario.importers import read_roster
from pollguard.scenario.problems import InvalidInputError
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.tables import TpsRecord
from pollguard.store.uow import UnitOfWork

KAB = "15.72"  # Kota Sungai Penuh: 299 TPS in the real list, quick to import
TITLE = "DAFTAR TPS PEMILU 2024 KOTA SUNGAI PENUH"
FILL = PatternFill("solid", fgColor="FFFF00")
Layout = Callable[[Worksheet, list[str], list[list[Any]]], int]


@pytest.fixture
def kpu_rows(shared_data: Path) -> tuple[list[str], list[list[str]]]:
    """The header and Kota Sungai Penuh's rows of the real KPU list."""
    with (shared_data / "jambi_tps_pemilu2024_list.csv").open(encoding="utf-8",
                                                               newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, [r for r in rows if r[header.index("kab_code")] == KAB]


def typed(header: list[str], row: list[str]) -> list[Any]:
    """A row as Excel holds it: numbers as numbers, the 9xx flag as a boolean; ids as text."""
    out: list[Any] = []
    for column, text in zip(header, row, strict=True):
        if column == "tps_no":
            out.append(int(text))
        elif column in ("desa_pos_lat", "desa_pos_lon"):
            out.append(float(text))
        elif column == "is_special_9xx":
            out.append(text == "True")
        else:
            out.append(text)
    return out


def title_rows(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> int:
    """A merged title, a source line and a blank row above a one-row header (row 4)."""
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A2"] = "Sumber: KPU Kota Sungai Penuh"
    sheet.append([])
    sheet.append(header)
    return 4


def two_row_header(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> int:
    """A merged title, then a two-row header: the TPS columns merged down over rows 2-3, the
    region and desa-point columns under group titles merged across row 2."""
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    groups = {"desa_code": "Wilayah", "kec_code": "Wilayah", "kab_code": "Wilayah",
              "desa_pos_lat": "Titik Desa", "desa_pos_lon": "Titik Desa",
              "desa_coord_source": "Titik Desa"}
    col = 1
    while col <= len(header):
        name = header[col - 1]
        group = groups.get(name)
        if group is None:  # merged down over both header rows
            sheet.cell(2, col, name)
            sheet.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
            col += 1
            continue
        span = [c for c in range(col, len(header) + 1) if groups.get(header[c - 1]) == group]
        sheet.cell(2, col, group)
        sheet.merge_cells(start_row=2, start_column=col, end_row=2, end_column=span[-1])
        for c in span:
            sheet.cell(3, c, header[c - 1])
        col = span[-1] + 1
    return 3


def group_titles(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> int:
    """A merged title, a row of group titles merged across, the column names below it."""
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.cell(2, 1, "Identitas TPS")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    sheet.cell(2, 4, "Lokasi")
    sheet.merge_cells(start_row=2, start_column=4, end_row=2, end_column=len(header))
    for c, name in enumerate(header, start=1):
        sheet.cell(3, c, name)
    return 3


LAYOUTS: dict[str, Layout] = {"title rows": title_rows, "two-row header": two_row_header,
                              "group titles": group_titles}


def write_book(path: Path, header: list[str], rows: list[list[str]], layout: Layout,
               change: Callable[[list[Any]], None] | None = None) -> tuple[Path, int]:
    """The list as a workbook in ``layout``, with formatted empty rows and columns after the
    table (what a copied sheet keeps). Returns the path and the header's last Excel row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    last = layout(sheet, header, [])
    data = [typed(header, r) for r in rows]
    if change:
        change(data)
    for i, values in enumerate(data):
        for c, value in enumerate(values, start=1):
            sheet.cell(last + 1 + i, c, value)
        sheet.cell(last + 1 + i, len(header) + 2).fill = FILL  # an empty trailing column
    end = last + len(data)
    for r in range(end + 1, end + 6):  # empty rows below, formatted or holding a space
        sheet.cell(r, 1).fill = FILL
        sheet.cell(r, 3, " ")
    book.save(path)
    return path, last


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    return path


def stored(db: Database) -> list[tuple[Any, ...]]:
    with UnitOfWork(db) as uow:
        return [tuple(r) for r in uow.session.execute(
            select(TpsRecord.tps_id, TpsRecord.desa_code, TpsRecord.number, TpsRecord.voters,
                   TpsRecord.lat, TpsRecord.lon, TpsRecord.location_type)
            .where(TpsRecord.kabkota_code == KAB).order_by(TpsRecord.tps_id)).all()]


def import_tps(db_url: str, path: Path, *more: str) -> Any:
    return CliRunner().invoke(app, ["--db", db_url, "import", "tps", str(path), *more])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_office_workbook_stores_what_its_csv_stores(
        layout: str, loaded_db: Database, db_url: str, tmp_path: Path,
        kpu_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = kpu_rows
    before = stored(loaded_db)
    book, _ = write_book(tmp_path / "tps_sungai_penuh.xlsx", header, rows, LAYOUTS[layout])
    result = import_tps(db_url, book)
    assert result.exit_code == 0, result.output
    assert f"imported {len(rows)} TPS" in result.output
    from_book = stored(loaded_db)
    assert from_book != before and len(from_book) == len(rows) == 299
    result = import_tps(db_url, write_csv(tmp_path / "tps_sungai_penuh.csv", header, rows))
    assert result.exit_code == 0, result.output
    assert stored(loaded_db) == from_book


def test_a_bad_cell_names_its_excel_row_and_column(
        loaded_db: Database, db_url: str, tmp_path: Path,
        kpu_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = kpu_rows
    before = stored(loaded_db)

    def spoil(data: list[list[Any]]) -> None:
        data[5][header.index("tps_no")] = "abc"

    book, last = write_book(tmp_path / "tps.xlsx", header, rows, two_row_header, spoil)
    assert last == 3
    result = import_tps(db_url, book)
    assert result.exit_code == 1
    assert "tps.xlsx:9:tps_no: Input should be a valid integer" in result.output  # 3 + 6
    assert stored(loaded_db) == before
    # No row holds every required column: reported at the row that holds the most.
    book, last = write_book(tmp_path / "tps.xlsx", [h.replace("tps_no", "nomor")
                                                    for h in header], rows, title_rows)
    result = import_tps(db_url, book)
    assert result.exit_code == 1
    assert "tps.xlsx:4:tps_no: missing column" in result.output
    assert stored(loaded_db) == before


def old_code_of(new: str) -> str:
    """A code the scenario does not have, in the same kecamatan: the desa as the KPU's list
    would still write it had Kemendagri renumbered it."""
    return new[:-4] + "2099"


def renumbered(header: list[str], rows: list[list[str]], desa: str,
               old: str | None = None) -> list[list[str]]:
    """The list with ``desa`` under its old code, in the desa code and the TPS id alike."""
    old = old or old_code_of(desa)
    at = header.index("desa_code"), header.index("tps_id")
    out = []
    for row in rows:
        row = list(row)
        if row[at[0]] == desa:
            row[at[0]] = old
            row[at[1]] = old.replace(".", "") + row[at[1]][10:]
        out.append(row)
    return out


DESA = "15.72.02.2005"  # Koto Tengah, Kecamatan Pesisir Bukit, nine desa


def test_a_changed_desa_code_is_named_and_mapped_with_aliases(
        loaded_db: Database, db_url: str, tmp_path: Path,
        kpu_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = kpu_rows
    with UnitOfWork(loaded_db) as uow:
        names = repo.region_names(uow.session)
    assert old_code_of(DESA) not in names and DESA in names
    result = import_tps(db_url, write_csv(tmp_path / "right.csv", header, rows))
    assert result.exit_code == 0, result.output
    right = stored(loaded_db)
    old = old_code_of(DESA)
    listed = renumbered(header, rows, DESA)
    assert sum(r[header.index("desa_code")] == old for r in listed) > 0
    book, last = write_book(tmp_path / "old.xlsx", header, listed, title_rows)
    line = last + 1 + next(i for i, r in enumerate(listed)
                           if r[header.index("desa_code")] == old)
    # Without aliases: refused, naming the desa by name (the row's desa_name picks it first).
    result = import_tps(db_url, book)
    assert result.exit_code == 1
    kecamatan = names[DESA[:8]]
    expected = (f"old.xlsx:{line}:desa_code: {old} is not a desa/kelurahan of the loaded "
                f"scenario; in Kecamatan {kecamatan} the scenario has: {DESA} {names[DESA]}, ")
    assert expected in " ".join(result.output.split()), result.output
    assert stored(loaded_db) == right
    # With aliases (Indonesian headers): the same TPS as the list with the right code.
    aliases = tmp_path / "kode.csv"
    aliases.write_text(f"kode_lama,kode_baru,keterangan\n{old},{DESA},pemekaran\n",
                       encoding="utf-8")
    result = import_tps(db_url, book, "--aliases", str(aliases))
    assert result.exit_code == 0, result.output
    moved = sum(r[header.index("desa_code")] == DESA for r in rows)
    assert f"{moved} under a new desa code" in result.output
    assert stored(loaded_db) == right


def test_without_a_desa_name_the_candidates_are_the_closest_codes(
        loaded_db: Database, db_url: str, tmp_path: Path,
        kpu_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = kpu_rows
    keep = [i for i, h in enumerate(header) if h != "desa_name"]
    # Renumbered by one: 15.72.02.2006 is no desa of Pesisir Bukit, which has 2001-2005,
    # 2008, 2010, 2011 and 2015.
    listed = [[r[i] for i in keep] for r in renumbered(header, rows, DESA, "15.72.02.2006")]
    result = import_tps(db_url, write_csv(tmp_path / "old.csv", [header[i] for i in keep],
                                          listed))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert ("15.72.02.2006 is not a desa/kelurahan of the loaded scenario; in Kecamatan "
            "Pesisir Bukit the scenario has: 15.72.02.2005 Koto Tengah, 15.72.02.2004 Koto Lolo, "
            "15.72.02.2008 Koto Duo (did the code change? map it with --aliases)") in text, text


def test_a_bad_aliases_file_imports_nothing(
        loaded_db: Database, db_url: str, tmp_path: Path,
        kpu_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = kpu_rows
    before = stored(loaded_db)
    book = write_csv(tmp_path / "tps.csv", header, renumbered(header, rows, DESA))
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(f"old_code,new_code\n{old_code_of(DESA)},15.72.02.2999\n"
                       "15.72.02,15.72.02.2005\n", encoding="utf-8")
    result = import_tps(db_url, book, "--aliases", str(aliases))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert ("aliases.csv:2:new_code: 15.72.02.2999 is not a desa/kelurahan of the loaded "
            "scenario") in text
    assert "aliases.csv:3:old_code: '15.72.02' is not a desa/kelurahan code" in text
    assert stored(loaded_db) == before


def test_a_roster_workbook_with_a_title_row(loaded_db: Database, tmp_path: Path) -> None:
    """The roster shares the reader: its header is found under a merged title too, and a bad
    cell keeps its Excel row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "DAFTAR PERSONEL PAM TPS POLRES KERINCI"
    sheet.merge_cells("A1:E1")
    sheet.append(["NRP", "Nama", "Pangkat", "Satuan", "Fungsi"])
    sheet.append([99010001, "Andi Saputra", "Bripda", "Polres Kerinci", "Samapta"])
    sheet.append([99010002, "Siti Rahma", "Sersan", "Polres Kerinci", "Binmas"])
    sheet.append([])
    path = tmp_path / "personel.xlsx"
    book.save(path)
    with UnitOfWork(loaded_db) as uow:
        units = repo.units(uow.session)
    with pytest.raises(InvalidInputError) as caught:
        read_roster(path, units=units)
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "Pangkat")]
    sheet["C4"] = "Brigpol"
    book.save(path)
    assert [o.nrp for o in read_roster(path, units=units)] == ["99010001", "99010002"]
