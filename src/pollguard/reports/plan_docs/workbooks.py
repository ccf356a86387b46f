"""The plotting workbooks (XLSX, one per Polres and one for the Polda pool): the table behind
the Sprin, a sheet per Polsek with one row per officer in the columns a Bag Ops types by hand
today, plus the duties, the reserve and a summary a Kapolres signs off."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.balance import Balance, balances
from pollguard.reports.plan_docs.common import (
    CLASS_FILL,
    CLASS_ORDER,
    DUTY_LABEL,
    ROLE_LABEL,
    coord,
    file_stems,
    pattern,
)
from pollguard.reports.xlsx import print_layout, sheet_name, table_layout

PERSON_HEADERS = ("No", "Nama", "Pangkat", "NRP", "Satuan/asal BKO")
SPRIN_HEADERS = (*PERSON_HEADERS, "Pos", "Desa/Kel", "Kecamatan", "No TPS", "Kategori", "Pola",
                 "Jumlah Linmas", "Koordinat")
DUTY_HEADERS = (*PERSON_HEADERS, "Tugas", "Jenis tugas", "Koordinat")
RESERVE_HEADERS = (*PERSON_HEADERS, "Fungsi", "Tim cadangan", "Titik siaga", "Koordinat")
BKO_HEADERS = (*PERSON_HEADERS[:4], "Satuan asal", "BKO ke", "Peran", "Sasaran", "Kecamatan")
PERSON_WIDTHS = (5, 28, 10, 11, 32)
SPRIN_WIDTHS = (*PERSON_WIDTHS, 18, 30, 20, 26, 13, 9, 9, 22)
DUTY_WIDTHS = (*PERSON_WIDTHS, 42, 28, 22)
RESERVE_WIDTHS = (*PERSON_WIDTHS, 12, 28, 28, 22)
BKO_WIDTHS = (5, 28, 10, 11, 30, 28, 16, 36, 22)

SUMMARY_SHEET, DUTY_SHEET, RESERVE_SHEET, BKO_SHEET = "Ringkasan", "Tugas", "Cadangan", "BKO"
#: Sheets that list officers plotted elsewhere or counts, not officers plotted by this unit.
NON_PLOTTING_SHEETS = (SUMMARY_SHEET, BKO_SHEET)


def write_plotting_workbooks(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """One workbook per Polres (``plotting_polres_kerinci.xlsx``) and ``plotting_polda.xlsx``
    for the Polda pool: the plotting table behind each unit's Sprin, so that the Bag Ops
    checks and signs a table instead of typing 5,000 rows."""
    return write(PlanView(plan, scenario), out)




def write(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    totals = {b.code: b for b in balances(ix)}
    paths = []
    for owner in ix.owners():
        book = Workbook()
        summary = book.active
        assert summary is not None
        summary.title = SUMMARY_SHEET
        rows = ix.ordered.get(owner, [])
        if owner == POOL:
            _pool_summary(ix, summary, totals)
        else:
            _polres_summary(ix, summary, owner, totals[owner])
            for title, posts_rows in _polsek_sheets(ix, owner, rows):
                sheet = book.create_sheet(sheet_name(title, book.sheetnames))
                _table(sheet, SPRIN_HEADERS, SPRIN_WIDTHS, posts_rows,
                       fill_column=SPRIN_HEADERS.index("Kategori"))
        _table(book.create_sheet(DUTY_SHEET), DUTY_HEADERS, DUTY_WIDTHS,
               _duty_rows(ix, [a for a in rows if a.role == Role.DUTY]))
        _table(book.create_sheet(RESERVE_SHEET), RESERVE_HEADERS, RESERVE_WIDTHS,
               _reserve_rows(ix, [a for a in rows if a.role == Role.RESERVE]))
        if owner == POOL:
            _table(book.create_sheet(BKO_SHEET), BKO_HEADERS, BKO_WIDTHS, _bko_rows(ix))
        path = out / f"plotting_{stems[owner]}.xlsx"
        book.save(path)
        paths.append(path)
    return paths


def _polsek_sheets(ix: PlanView, owner: str,
                   rows: Sequence[Assignment]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """A sheet per Polsek (per kecamatan: a kecamatan without a Polsek gets its own name)."""
    by_kec: dict[str, list[Assignment]] = defaultdict(list)
    for a in rows:
        if a.role == Role.POST:
            by_kec[ix.posts[a.target_id].kecamatan_code].append(a)
    sheets = []
    for kec in sorted(by_kec):
        polsek = ix.polsek_of_kec.get(kec)
        title = polsek.name if polsek else f"Kec {ix.kecamatan_name(kec)}"
        lines = []
        for no, a in enumerate(by_kec[kec], start=1):
            post = ix.posts[a.target_id]
            lines.append((*_person(ix, no, a), post.post_id, ix.desa_names(post),
                          ix.kecamatan_name(post.kecamatan_code), ix.tps_numbers(post),
                          post.risk_class.label_id, pattern(post), post.linmas,
                          coord(post.lat, post.lon)))
        sheets.append((title, lines))
    return sheets


def _duty_rows(ix: PlanView, rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        d = ix.duties[a.target_id]
        out.append((*_person(ix, no, a), d.label, DUTY_LABEL.get(d.kind, d.kind.value),
                    coord(d.lat, d.lon)))
    return out


def _reserve_rows(ix: PlanView, rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        t = ix.teams[a.target_id]
        out.append((*_person(ix, no, a), ix.officers[a.nrp].branch.value.capitalize(),
                    t.team_id, ix.staging_name(t), coord(t.lat, t.lon)))
    return out


def _bko_rows(ix: PlanView) -> list[tuple[Any, ...]]:
    """Where the Polda's officers went as BKO (they are plotted in the receiving Polres's
    workbook; this sheet lets the Polda account for its own people)."""
    out = []
    bko = [a for owner in ix.owners() if owner != POOL for a in ix.ordered.get(owner, [])
           if ix.owner_of(ix.officers[a.nrp]) == POOL]
    for no, a in enumerate(bko, start=1):
        o = ix.officers[a.nrp]
        owner = ix.owner_of_target(a)
        if a.role == Role.POST:
            post = ix.posts[a.target_id]
            target, kec = post.post_id, ix.kecamatan_name(post.kecamatan_code)
        elif a.role == Role.DUTY:
            target, kec = ix.duties[a.target_id].label, ""
        else:
            target, kec = a.target_id, ""
        out.append((no, o.name, o.rank.label, o.nrp, ix.unit_name(o.home_unit_code),
                    ix.unit_name(owner), ROLE_LABEL[a.role], target, kec))
    return out


def _polres_summary(ix: PlanView, sheet: Any, owner: str, total: Balance) -> None:
    _title(ix, sheet, f"Plotting Personel Pengamanan TPS — {ix.unit_name(owner)}")
    tps_by_class: Counter[RiskClass | None] = Counter(
        ix.class_of(t.tps_id) for t in ix.scenario.tps if ix.polres_of_tps(t) == owner)
    posts = [p for p in ix.plan.posts if p.polres_code == owner]
    posts_by_class: Counter[RiskClass] = Counter(p.risk_class for p in posts)
    _section(sheet, ("Kategori", "TPS", "Pos"))
    for c in CLASS_ORDER:
        sheet.append([c.label_id, tps_by_class[c], posts_by_class[c]])
    if tps_by_class[None]:
        sheet.append(["tidak terjaga (kategori tidak ada di rencana)", tps_by_class[None], 0])
    sheet.append(["Jumlah", sum(tps_by_class.values()), len(posts)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _section(sheet, ("Personel", "Jumlah"))
    for label, value in (("Personel sendiri (tersedia)", total.available),
                         ("Di TPS (lembar per Polsek)", total.at_tps),
                         ("Tugas (lembar Tugas)", total.duties),
                         ("Cadangan (lembar Cadangan)", total.reserve),
                         ("BKO diterima dari Polda (rencana)", total.bko_in),
                         ("BKO sejak daftar personel (mis. Brimob)", sum(
                             1 for o in ix.scenario.officers
                             if o.bko and ix.owner_of(o) == owner)),
                         ("Dipinjamkan ke satuan lain", total.lent),
                         ("Kekurangan setelah BKO", total.shortage)):
        sheet.append([label, value])
    _section(sheet, ("Polsek", "Kecamatan", "TPS", "Pos", "Personel di TPS"))
    people: Counter[str] = Counter(ix.posts[a.target_id].kecamatan_code
                                   for a in ix.ordered.get(owner, []) if a.role == Role.POST)
    tps_by_kec: Counter[str] = Counter(ancestor_at(t.desa_code, RegionLevel.KECAMATAN)
                                       for t in ix.scenario.tps
                                       if ix.polres_of_tps(t) == owner)
    post_by_kec: Counter[str] = Counter(p.kecamatan_code for p in posts)
    for kec in sorted(tps_by_kec):
        polsek = ix.polsek_of_kec.get(kec)
        sheet.append([polsek.name if polsek else "—", ix.kecamatan_name(kec), tps_by_kec[kec],
                      post_by_kec[kec], people[kec]])
    uncovered = [t for t in ix.plan.uncovered if t in ix.tps
                 and ix.polres_of_tps(ix.tps[t]) == owner]
    _section(sheet, ("TPS tidak terjaga", "Desa/Kel", "No TPS", "Kecamatan"))
    for t in uncovered:
        s = ix.tps[t]
        sheet.append([t, ix.names.get(s.desa_code, s.desa_code), s.number,
                      ix.kecamatan_name(ancestor_at(s.desa_code, RegionLevel.KECAMATAN))])
    if not uncovered:
        sheet.append(["tidak ada: semua TPS terjaga"])
    _summary_layout(sheet, (38, 24, 10, 10, 16))


def _pool_summary(ix: PlanView, sheet: Any, totals: dict[str, Balance]) -> None:
    pool = totals[POOL]
    _title(ix, sheet, f"Plotting Personel — {ix.unit_name(POOL)} (pasukan Polda)")
    _section(sheet, ("Personel Polda", "Jumlah"))
    for label, value in (("Personel Polda (tersedia)", pool.available),
                         ("Tugas (lembar Tugas)", pool.duties),
                         ("Cadangan Polda (lembar Cadangan)", pool.reserve),
                         ("BKO ke Polres (lembar BKO)", pool.lent)):
        sheet.append([label, value])
    _section(sheet, ("Satuan", "TPS", "Pos", "Tersedia", "Tugas", "Di TPS", "Cadangan",
                     "BKO diterima", "Kekurangan", "Tidak terjaga"))
    for b in totals.values():
        sheet.append([b.name, b.tps, b.posts, b.available, b.duties, b.at_tps, b.reserve,
                      b.bko_in, b.shortage, b.uncovered])
    _summary_layout(sheet, (38, 9, 9, 10, 9, 9, 10, 12, 11, 12))


def _title(ix: PlanView, sheet: Any, title: str) -> None:
    info = ix.scenario.info
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{ix.scenario.info.operation} · {info.name} · pemungutan suara "
                  f"{info.voting_date:%d-%m-%Y}"])


def _section(sheet: Any, headers: Sequence[str]) -> None:
    sheet.append([])
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE3EE")


def _summary_layout(sheet: Any, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    sheet.freeze_panes = "A3"
    print_layout(sheet, "1:2")


def _table(sheet: Any, headers: Sequence[str], widths: Sequence[int],
           rows: Iterable[Sequence[Any]], fill_column: int | None = None) -> None:
    """Bold header frozen above a filter on every column, widths set, printable."""
    sheet.append(list(headers))
    fills = {c.label_id: PatternFill("solid", fgColor=CLASS_FILL[c]) for c in RiskClass}
    for row in rows:
        sheet.append(list(row))
        if fill_column is not None and row[fill_column] in fills:
            sheet.cell(sheet.max_row, fill_column + 1).fill = fills[row[fill_column]]
    table_layout(sheet, len(headers), widths)



def _person(ix: PlanView, no: int, a: Assignment) -> tuple[Any, ...]:
    o = ix.officers[a.nrp]
    return (no, o.name, o.rank.label, o.nrp, ix.origin(a, o))

