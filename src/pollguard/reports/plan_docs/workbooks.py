"""The plotting workbooks (XLSX, one per Polres and one for the Polda pool): the Sprin's
annex (lampiran) a Bag Ops edits, checks and prints instead of typing 5,000 rows.

Each officer list (command and staff, Pawas, one sheet per Polsek, duties, reserve) is a page
of the annex: the same header block as the Sprin (classification, kop, "LAMPIRAN SURAT
PERINTAH ... NOMOR ... TANGGAL ...", its title), the table, and the Sprin's signature block.
What the rows say is ``annex_rows``'s, shared with the annex PDF (``annex_pdf``). The other
sheets (summary, BKO, TNI, Linmas, shortfalls) are the planner's working tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs import annex_rows
from pollguard.reports.plan_docs.annex_rows import (
    COMMAND_SHEET,
    DUTY_SHEET,
    PAWAS_SHEET,
    RESERVE_SHEET,
    WARN_FILL,
    WARN_TEXT,
    AnnexTable,
)
from pollguard.reports.plan_docs.balance import Balance, balances
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_label,
    phone,
    rank_name,
    tni_kind_label,
)
from pollguard.reports.plan_docs.common import (
    CLASS_FILL,
    CLASS_ORDER,
    ROLE_LABEL,
    coord,
    file_stems,
)
from pollguard.reports.plan_docs.heading import Heading, heading
from pollguard.reports.xlsx import fit_height, print_layout, sheet_name, table_layout

__all__ = ["BKO_SHEET", "COMMAND_SHEET", "DUTY_SHEET", "LINMAS_SHEET", "NON_PLOTTING_SHEETS",
           "PAWAS_SHEET", "RESERVE_SHEET", "SHORTFALL_SHEET", "SUMMARY_SHEET", "TNI_SHEET",
           "write", "write_plotting_workbooks"]

BKO_HEADERS = ("No", "Nama", "Pangkat", "NRP", "Satuan asal", "BKO ke", "Peran", "Sasaran",
               "Kecamatan")
TNI_HEADERS = ("No", "Kodim", "Jenis", "Sasaran", "Kecamatan", "Prajurit", "Koordinat")
LINMAS_HEADERS = ("No", "Desa/Kel", "Kecamatan", "Linmas dibutuhkan", "Linmas tersedia",
                  "Kurang")
SHORTFALL_HEADERS = ("Urutan", "Satuan", "Yang dilepas", "Jenis", "Personel dilepas",
                     "BKO untuk memulihkan")
BKO_WIDTHS = (5, 28, 10, 11, 30, 28, 24, 36, 22)
TNI_WIDTHS = (5, 24, 30, 34, 22, 9, 22)
LINMAS_WIDTHS = (5, 32, 22, 12, 12, 9)
SHORTFALL_WIDTHS = (8, 28, 70, 22, 12, 14)

SUMMARY_SHEET, BKO_SHEET = "Ringkasan", "BKO"
TNI_SHEET, LINMAS_SHEET, SHORTFALL_SHEET = "TNI", "Kekurangan Linmas", "Kekurangan Personel"
#: Sheets that list officers plotted elsewhere or counts, not officers plotted by this unit.
NON_PLOTTING_SHEETS = (SUMMARY_SHEET, BKO_SHEET, TNI_SHEET, LINMAS_SHEET, SHORTFALL_SHEET)
#: What each kind of shortfall gave up, as the Sprin's annex says it.
SHORTFALL_KIND = {"duty": "Tugas dikurangi", "reserve": "Cadangan dikurangi",
                  "pattern": "Pola dilonggarkan", "uncovered": "TPS tidak terjaga",
                  "pawas": "Pos tanpa Pawas", "danton": "Danton bukan perwira"}


#: The kop takes the first columns up to this many characters; the annex reference and the
#: signature the last columns from this many.
KOP_WIDTH, RIGHT_WIDTH = 44, 60
CENTER = Alignment(horizontal="center", vertical="center")
LEFT = Alignment(horizontal="left", vertical="center")


def write_plotting_workbooks(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """One workbook per Polres (``plotting_polres_kerinci.xlsx``) and ``plotting_polda.xlsx``
    for the Polda pool: the plotting table behind each unit's Sprin, so that the Bag Ops
    checks and signs a table instead of typing 5,000 rows."""
    return write(PlanView(plan, scenario), out)


def write(ix: PlanView, out: Path) -> list[Path]:
    """Every owner's workbook from one indexed plan: summary, the annex's officer sheets
    (``annex_rows``), then BKO (the Polda's), TNI, Linmas and shortfalls."""
    out.mkdir(parents=True, exist_ok=True)
    cv = CommandView(ix)
    stems = file_stems(ix)
    totals = {b.code: b for b in balances(ix)}
    paths = []
    for owner in ix.owners():
        book = Workbook()
        summary = book.active
        assert summary is not None
        summary.title = SUMMARY_SHEET
        if owner == POOL:
            _pool_summary(ix, cv, summary, totals)
        else:
            _polres_summary(ix, cv, summary, owner, totals[owner])
        h = heading(ix, owner)
        for t in annex_rows.tables(ix, cv, owner):
            _annex_sheet(book.create_sheet(sheet_name(t.sheet, book.sheetnames)), h, t)
        if owner == POOL:
            _table(book.create_sheet(BKO_SHEET), ix.levels.header(BKO_HEADERS), BKO_WIDTHS,
                   _bko_rows(ix, cv))
        _table(book.create_sheet(TNI_SHEET), ix.levels.header(TNI_HEADERS), TNI_WIDTHS,
               _tni_rows(ix, cv, owner))
        _table(book.create_sheet(LINMAS_SHEET), ix.levels.header(LINMAS_HEADERS), LINMAS_WIDTHS,
               _linmas_rows(ix, cv, owner))
        _table(book.create_sheet(SHORTFALL_SHEET), SHORTFALL_HEADERS, SHORTFALL_WIDTHS,
               _shortfall_rows(cv, None if owner == POOL else owner),
               wrap_column=SHORTFALL_HEADERS.index("Yang dilepas"))
        path = out / f"plotting_{stems[owner]}.xlsx"
        book.save(path)
        paths.append(path)
    return paths


def _annex_sheet(sheet: Any, h: Heading, t: AnnexTable) -> None:
    """An officer list as a page of the Sprin's annex: the header block (classification,
    kop beside the annex's reference, title lines, the default warning), the table with its
    header row frozen, filtered and repeated on each printed page, then the signature."""
    n = len(t.headers)
    head = annex_rows.header(h, t.subject)
    kop_end = _block_end(t.widths, KOP_WIDTH)
    right = _block_start(t.widths, RIGHT_WIDTH, after=kop_end)
    _merged(sheet, 1, 1, n, head.classification, Font(bold=True, size=11), CENTER)
    for i, line in enumerate(head.kop):
        _merged(sheet, 2 + i, 1, kop_end, line,
                Font(bold=True, size=10, underline="single" if i == len(head.kop) - 1
                     else None), CENTER)
    for i, line in enumerate(head.annex):
        _merged(sheet, 2 + i, right, n, line, Font(size=10), LEFT)
    row = 2 + max(len(head.kop), len(head.annex)) + 1
    for i, line in enumerate(head.titles):
        _merged(sheet, row, 1, n, line, Font(bold=True, size=12 if i == 0 else 10), CENTER)
        row += 1
    if head.warning:
        cell = _merged(sheet, row, 1, n, head.warning, Font(bold=True, color=WARN_TEXT),
                       Alignment(horizontal="left", vertical="center", wrap_text=True))
        cell.fill = PatternFill("solid", fgColor=WARN_FILL)
        sheet.row_dimensions[row].height = 30
        row += 1
    header_row = row + 1
    for c, value in enumerate(t.headers, start=1):
        sheet.cell(header_row, c, value)
    fills = {c.label_id: PatternFill("solid", fgColor=CLASS_FILL[c]) for c in RiskClass}
    wrap = [t.headers.index(w) + 1 for w in t.wrap]
    top = Alignment(wrap_text=True, vertical="top")
    level = Alignment(vertical="top")  # a row's cells read from its top line, as it wraps
    r = header_row
    for r, values in enumerate(t.rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c, value)
            cell.alignment = top if c in wrap else level
        fit_height(sheet, r, values, t.widths, [c - 1 for c in wrap])
        k = t.class_column
        if k is not None and values[k] in fills:
            sheet.cell(r, k + 1).fill = fills[values[k]]
    if not t.rows:
        r = header_row + 1
        sheet.cell(r, 2, annex_rows.EMPTY)
    table_layout(sheet, n, t.widths, header_row=header_row)
    sign = annex_rows.signature(h)
    r += 3  # two blank rows
    for line in sign.issued:
        _merged(sheet, r, right, n, line, Font(size=10), LEFT)
        r += 1
    _merged(sheet, r, right, n, sign.position, Font(bold=True, size=10), CENTER)
    r += 5  # room to sign
    _merged(sheet, r, right, n, sign.name, Font(bold=True, underline="single", size=10),
            CENTER)
    _merged(sheet, r + 1, right, n, sign.rank_nrp, Font(size=10), CENTER)
    print_layout(sheet, f"{header_row}:{header_row}", f"A1:{get_column_letter(n)}{r + 1}")
    sheet.oddFooter.center.text = head.classification
    sheet.oddFooter.right.text = "Hal. &P/&N"


def _block_end(widths: Sequence[float], chars: float) -> int:
    """The last column (1-based) of a block from the left at least ``chars`` wide."""
    total = 0.0
    for i, w in enumerate(widths, start=1):
        total += w
        if total >= chars:
            return i
    return len(widths)


def _block_start(widths: Sequence[float], chars: float, after: int) -> int:
    """The first column (1-based) of a block at the right at least ``chars`` wide, right of
    column ``after`` where the table is wide enough."""
    total = 0.0
    for i in range(len(widths), 0, -1):
        total += widths[i - 1]
        if total >= chars:
            return max(i, min(after + 1, len(widths)))
    return min(after + 1, len(widths))


def _merged(sheet: Any, row: int, first: int, last: int, value: str, font: Font,
            alignment: Alignment) -> Any:
    """``value`` across columns ``first`` to ``last`` of ``row``: the top-left cell."""
    cell = sheet.cell(row, first, value)
    cell.font = font
    cell.alignment = alignment
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return cell


def _bko_rows(ix: PlanView, cv: CommandView) -> list[tuple[Any, ...]]:
    """Where the Polda's officers went as BKO (they are plotted in the receiving Polres's
    workbook; this sheet lets the Polda account for its own people)."""
    out = []
    bko = [a for owner in ix.owners() if owner != POOL for a in cv.ordered(owner)
           if ix.owner_of(ix.officers[a.nrp]) == POOL]
    for no, a in enumerate(bko, start=1):
        o = ix.officers[a.nrp]
        owner = ix.owner_of_target(a)
        kec = ""
        if a.role == Role.POST:
            post = ix.posts[a.target_id]
            target, kec = post.post_id, ix.kecamatan_name(post.kecamatan_code)
        elif a.role == Role.DUTY:
            target = ix.duties[a.target_id].label
        elif a.role == Role.RESERVE:
            target = cv.team_name(ix.teams[a.target_id])
        elif a.role == Role.SUPERVISOR and a.target_id in ix.supervisions:
            c = ix.supervisions[a.target_id]
            target, kec = f"Pawas {cv.cluster_label(c)}", ix.kecamatan_name(c.kecamatan_code)
        else:
            target = cv.position(a)
        out.append((no, o.name, o.rank.label, o.nrp, ix.unit_name(o.home_unit_code),
                    ix.unit_name(owner), ROLE_LABEL[a.role], target, kec))
    return out


def _tni_rows(ix: PlanView, cv: CommandView, owner: str) -> list[tuple[Any, ...]]:
    """TNI posts in the unit's kab/kota: static posts at sangat rawan TPS, then the mobile
    teams per kecamatan, each with the Kodim that provides it."""
    posts = sorted(cv.tni_posts_of(owner), key=lambda p: (p.kind != "static", p.kodim_code,
                                                          p.post_id))
    return [(no, ix.unit_name(p.kodim_code), tni_kind_label(p.kind, ix.levels),
             cv.tni_target(p), cv.tni_kecamatan(p), p.soldiers, coord(p.lat, p.lon))
            for no, p in enumerate(posts, start=1)]


def _linmas_rows(ix: PlanView, cv: CommandView, owner: str) -> list[tuple[Any, ...]]:
    rows = sorted(cv.linmas_of(owner), key=lambda x: (x.available - x.needed, x.desa_code))
    return [(no, cv.desa_label(x.desa_code),
             ix.kecamatan_name(ancestor_at(x.desa_code, RegionLevel.KECAMATAN)), x.needed,
             x.available, x.needed - x.available) for no, x in enumerate(rows, start=1)]


def _shortfall_rows(cv: CommandView, owner: str | None) -> list[tuple[Any, ...]]:
    """What a short force made the plan give up, in the order it gave it up, with the BKO
    that would restore each."""
    return [(x.order, cv.owner_name(x.owner), x.text_id, SHORTFALL_KIND.get(x.what, x.what),
             x.officers, x.bko) for x in cv.shortfalls_of(owner)]


def _polres_summary(ix: PlanView, cv: CommandView, sheet: Any, owner: str,
                    total: Balance) -> None:
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
    teams = cv.teams_of(owner)
    _section(sheet, ("Personel", "Jumlah"))
    for label, value in (("Personel sendiri (tersedia)", total.available),
                         ("Komando dan staf (lembar Komando dan Staf)", total.command),
                         ("Perwira pengawas / Pawas (lembar Pawas)", total.supervising),
                         ("Di TPS (lembar per Polsek)", total.at_tps),
                         ("Tugas (lembar Tugas)", total.duties),
                         ("Cadangan (lembar Cadangan)", total.reserve),
                         ("Tim cadangan", len(teams)),
                         ("BKO diterima dari Polda (rencana)", total.bko_in),
                         ("BKO sejak daftar personel (mis. Brimob)", sum(
                             1 for o in ix.scenario.officers
                             if o.bko and ix.owner_of(o) == owner)),
                         ("Dipinjamkan ke satuan lain", total.lent),
                         ("Kekurangan setelah BKO", total.shortage)):
        sheet.append([label, value])
    _section(sheet, ("Polsek", ix.levels.kecamatan, "TPS", "Pos", "Personel di TPS",
                     "Kasubsatgas Pam TPS (Kapolsek)", "Telepon"))
    people: Counter[str] = Counter(ix.posts[a.target_id].kecamatan_code
                                   for a in ix.ordered.get(owner, []) if a.role == Role.POST)
    tps_by_kec: Counter[str] = Counter(ancestor_at(t.desa_code, RegionLevel.KECAMATAN)
                                       for t in ix.scenario.tps
                                       if ix.polres_of_tps(t) == owner)
    post_by_kec: Counter[str] = Counter(p.kecamatan_code for p in posts)
    for kec in sorted(tps_by_kec):
        polsek = ix.polsek_of_kec.get(kec)
        kapolsek = cv.kapolsek_of(kec)
        sheet.append([polsek.name if polsek else "—", ix.kecamatan_name(kec), tps_by_kec[kec],
                      post_by_kec[kec], people[kec],
                      rank_name(kapolsek) if kapolsek else "dikendalikan Polres",
                      phone(kapolsek) if kapolsek else "—"])
    _teams_section(ix, cv, sheet, owner)
    _section(sheet, ("Perlengkapan pos", "Jumlah", "Pos"))
    items = cv.equipment_totals(posts)
    for item, n, carrying in items:
        sheet.append([equipment_label(item), n, carrying])
    if not items:
        sheet.append(["tidak ada perlengkapan dalam profil"])
    _tni_section(cv, sheet, owner)
    linmas = cv.linmas_of(owner)
    _section(sheet, ("Kekurangan Linmas", "Jumlah"))
    sheet.append(["Desa/kel yang kekurangan Linmas (lembar Kekurangan Linmas)", len(linmas)])
    sheet.append(["Linmas yang kurang", sum(x.needed - x.available for x in linmas)])
    _shortfall_section(cv, sheet, owner)
    uncovered = [t for t in ix.plan.uncovered if t in ix.tps
                 and ix.polres_of_tps(ix.tps[t]) == owner]
    _section(sheet, ("TPS tidak terjaga", "Desa/Kel", "No TPS", ix.levels.kecamatan))
    for t in uncovered:
        s = ix.tps[t]
        sheet.append([cv.tps_label(t), ix.names.get(s.desa_code, s.desa_code), s.number,
                      ix.kecamatan_name(ancestor_at(s.desa_code, RegionLevel.KECAMATAN))])
    if not uncovered:
        sheet.append(["tidak ada: semua TPS terjaga"])
    _summary_layout(sheet, (38, 24, 10, 10, 16, 30, 16))


def _teams_section(ix: PlanView, cv: CommandView, sheet: Any, owner: str) -> None:
    _section(sheet, ("Tim cadangan (sandi panggilan)", "Jenis", "Anggota", "Danton", "Pangkat",
                     "Telepon", "Titik siaga"))
    teams = cv.teams_of(owner)
    for t in teams:
        danton = cv.danton(t)
        sheet.append([cv.team_name(t), RESERVE_KIND_LABEL.get(t.kind, t.kind.value), t.size,
                      danton.name if danton else "belum ada Danton",
                      danton.rank.label if danton else "—", phone(danton),
                      ix.staging_name(t)])
    if not teams:
        sheet.append(["tidak ada tim cadangan"])


def _tni_section(cv: CommandView, sheet: Any, owner: str) -> None:
    _section(sheet, ("TNI per Kodim", "Prajurit pos statis", "Tim mobile", "Prajurit mobile",
                     "Tersedia", "Kekurangan"))
    rows = cv.tni_of(owner)
    for a in rows:
        sheet.append([cv.tni_unit_name(a.unit_code), a.static, a.mobile_teams, a.mobile,
                      a.available, a.short])
    if not rows:
        sheet.append(["tidak ada penempatan TNI di wilayah ini"])
    sheet.append([f"Pos TNI di wilayah ini: {len(cv.tni_posts_of(owner))} (lembar TNI)"])


def _shortfall_section(cv: CommandView, sheet: Any, owner: str | None) -> None:
    rows = cv.shortfalls_of(owner)
    _section(sheet, ("Yang dilepas karena kekurangan personel (urut)", "Personel", "BKO"))
    for x in rows:
        sheet.append([f"{x.order}. {x.text_id}", x.officers, x.bko])
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    if rows:
        sheet.append([f"BKO untuk memulihkan semuanya: {sum(x.bko for x in rows)} personel "
                      "(lembar Kekurangan Personel)"])
    else:
        sheet.append(["tidak ada: kekuatan cukup untuk seluruh rencana"])


def _pool_summary(ix: PlanView, cv: CommandView, sheet: Any,
                  totals: dict[str, Balance]) -> None:
    pool = totals[POOL]
    _title(ix, sheet, f"Plotting Personel — {ix.unit_name(POOL)} (pasukan Polda)")
    _section(sheet, ("Personel Polda", "Jumlah"))
    for label, value in (("Personel Polda (tersedia)", pool.available),
                         ("Komando dan staf (lembar Komando dan Staf)", pool.command),
                         ("Tugas (lembar Tugas)", pool.duties),
                         ("Cadangan Polda (lembar Cadangan)", pool.reserve),
                         ("Tim cadangan Polda", len(cv.teams_of(POOL))),
                         ("BKO ke Polres (lembar BKO)", pool.lent)):
        sheet.append([label, value])
    _section(sheet, ("Satuan", "TPS", "Pos", "Tersedia", "Komando", "Pawas", "Tugas", "Di TPS",
                     "Cadangan", "BKO diterima", "Kekurangan", "Tidak terjaga"))
    for b in totals.values():
        sheet.append([b.name, b.tps, b.posts, b.available, b.command, b.supervising, b.duties,
                      b.at_tps, b.reserve, b.bko_in, b.shortage, b.uncovered])
    _teams_section(ix, cv, sheet, POOL)
    _tni_section(cv, sheet, POOL)
    linmas = cv.linmas_of(POOL)
    _section(sheet, ("Kekurangan Linmas", "Jumlah"))
    sheet.append(["Desa/kel yang kekurangan Linmas (lembar Kekurangan Linmas)", len(linmas)])
    sheet.append(["Linmas yang kurang", sum(x.needed - x.available for x in linmas)])
    _shortfall_section(cv, sheet, None)
    _summary_layout(sheet, (38, 9, 9, 10, 9, 9, 9, 9, 10, 12, 11, 12))


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
           rows: Iterable[Sequence[Any]], fill_column: int | None = None,
           wrap_column: int | None = None) -> None:
    """Bold header frozen above a filter on every column, widths set, printable; the
    ``wrap_column``'s cells wrap (a list of lines)."""
    sheet.append(list(headers))
    fills = {c.label_id: PatternFill("solid", fgColor=CLASS_FILL[c]) for c in RiskClass}
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(list(row))
        if fill_column is not None and row[fill_column] in fills:
            sheet.cell(sheet.max_row, fill_column + 1).fill = fills[row[fill_column]]
        if wrap_column is not None:
            sheet.cell(sheet.max_row, wrap_column + 1).alignment = wrap
            fit_height(sheet, sheet.max_row, row, widths, [wrap_column])
    table_layout(sheet, len(headers), widths)
