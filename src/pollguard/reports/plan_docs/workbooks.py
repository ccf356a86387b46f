"""The plotting workbooks (XLSX, one per Polres and one for the Polda pool): the table behind
the Sprin, a sheet per Polsek with one row per officer in the columns a Bag Ops types by hand
today, plus the duties, the reserve and a summary a Kapolres signs off."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, Plan, Post, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.balance import Balance, balances
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    TNI_KIND_LABEL,
    CommandView,
    equipment_label,
    equipment_text,
    phone,
    rank_name,
)
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

PERSON_HEADERS = ("No", "Nama", "Pangkat", "NRP", "Satuan/asal BKO", "Jabatan dalam operasi",
                  "Telepon")
SPRIN_HEADERS = (*PERSON_HEADERS, "Pos", "Desa/Kel", "Kecamatan", "No TPS", "Kategori", "Pola",
                 "Jumlah Linmas", "Perlengkapan", "Pawas", "Telp Pawas", "Koordinat")
COMMAND_HEADERS = (*PERSON_HEADERS, "Jabatan dinas", "Kedudukan", "Pos dikendalikan",
                   "TPS dikendalikan", "Koordinat")
PAWAS_HEADERS = (*PERSON_HEADERS, "Klaster", "Kecamatan", "Kapolsek", "Telp Kapolsek",
                 "Jumlah pos", "Jumlah TPS", "Pos dan TPS yang diawasi", "Radius (km)",
                 "Koordinat")
DUTY_HEADERS = (*PERSON_HEADERS, "Tugas", "Jenis tugas", "Koordinat")
RESERVE_HEADERS = (*PERSON_HEADERS, "Fungsi", "Tim (sandi panggilan)", "Jenis", "Danton",
                   "Telp Danton", "Titik siaga", "Koordinat")
BKO_HEADERS = (*PERSON_HEADERS[:4], "Satuan asal", "BKO ke", "Peran", "Sasaran", "Kecamatan")
TNI_HEADERS = ("No", "Kodim", "Jenis", "Sasaran", "Kecamatan", "Prajurit", "Koordinat")
LINMAS_HEADERS = ("No", "Desa/Kel", "Kecamatan", "Linmas dibutuhkan", "Linmas tersedia",
                  "Kurang")
SHORTFALL_HEADERS = ("Urutan", "Satuan", "Yang dilepas", "Jenis", "Personel dilepas",
                     "BKO untuk memulihkan")
PERSON_WIDTHS = (5, 28, 10, 11, 32, 26, 15)
SPRIN_WIDTHS = (*PERSON_WIDTHS, 18, 30, 20, 26, 13, 9, 9, 22, 28, 15, 22)
COMMAND_WIDTHS = (*PERSON_WIDTHS, 26, 30, 10, 10, 22)
PAWAS_WIDTHS = (*PERSON_WIDTHS, 24, 20, 28, 15, 9, 9, 60, 9, 22)
DUTY_WIDTHS = (*PERSON_WIDTHS, 42, 28, 22)
RESERVE_WIDTHS = (*PERSON_WIDTHS, 12, 28, 24, 28, 15, 28, 22)
BKO_WIDTHS = (5, 28, 10, 11, 30, 28, 24, 36, 22)
TNI_WIDTHS = (5, 24, 30, 34, 22, 9, 22)
LINMAS_WIDTHS = (5, 32, 22, 12, 12, 9)
SHORTFALL_WIDTHS = (8, 28, 70, 22, 12, 14)

SUMMARY_SHEET, DUTY_SHEET, RESERVE_SHEET, BKO_SHEET = "Ringkasan", "Tugas", "Cadangan", "BKO"
COMMAND_SHEET, PAWAS_SHEET = "Komando dan Staf", "Pawas"
TNI_SHEET, LINMAS_SHEET, SHORTFALL_SHEET = "TNI", "Kekurangan Linmas", "Kekurangan Personel"
#: Sheets that list officers plotted elsewhere or counts, not officers plotted by this unit.
NON_PLOTTING_SHEETS = (SUMMARY_SHEET, BKO_SHEET, TNI_SHEET, LINMAS_SHEET, SHORTFALL_SHEET)
#: What each kind of shortfall gave up, as the Sprin's annex says it.
SHORTFALL_KIND = {"duty": "Tugas dikurangi", "reserve": "Cadangan dikurangi",
                  "pattern": "Pola dilonggarkan", "uncovered": "TPS tidak terjaga",
                  "pawas": "Pos tanpa Pawas", "danton": "Danton bukan perwira"}


def write_plotting_workbooks(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """One workbook per Polres (``plotting_polres_kerinci.xlsx``) and ``plotting_polda.xlsx``
    for the Polda pool: the plotting table behind each unit's Sprin, so that the Bag Ops
    checks and signs a table instead of typing 5,000 rows."""
    return write(PlanView(plan, scenario), out)


def write(ix: PlanView, out: Path) -> list[Path]:
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
        rows = cv.ordered(owner)
        if owner == POOL:
            _pool_summary(ix, cv, summary, totals)
        else:
            _polres_summary(ix, cv, summary, owner, totals[owner])
        _table(book.create_sheet(COMMAND_SHEET), COMMAND_HEADERS, COMMAND_WIDTHS,
               _command_rows(ix, cv, [a for a in rows if a.role == Role.COMMAND]))
        if owner != POOL:
            _table(book.create_sheet(PAWAS_SHEET), PAWAS_HEADERS, PAWAS_WIDTHS,
                   _pawas_rows(ix, cv, owner), wrap_column=PAWAS_HEADERS.index(
                       "Pos dan TPS yang diawasi"))
            for title, posts_rows in _polsek_sheets(ix, cv, rows):
                sheet = book.create_sheet(sheet_name(title, book.sheetnames))
                _table(sheet, SPRIN_HEADERS, SPRIN_WIDTHS, posts_rows,
                       fill_column=SPRIN_HEADERS.index("Kategori"))
        _table(book.create_sheet(DUTY_SHEET), DUTY_HEADERS, DUTY_WIDTHS,
               _duty_rows(ix, cv, [a for a in rows if a.role == Role.DUTY]))
        _table(book.create_sheet(RESERVE_SHEET), RESERVE_HEADERS, RESERVE_WIDTHS,
               _reserve_rows(ix, cv, [a for a in rows if a.role == Role.RESERVE]))
        if owner == POOL:
            _table(book.create_sheet(BKO_SHEET), BKO_HEADERS, BKO_WIDTHS, _bko_rows(ix, cv))
        _table(book.create_sheet(TNI_SHEET), TNI_HEADERS, TNI_WIDTHS, _tni_rows(ix, cv, owner))
        _table(book.create_sheet(LINMAS_SHEET), LINMAS_HEADERS, LINMAS_WIDTHS,
               _linmas_rows(ix, cv, owner))
        _table(book.create_sheet(SHORTFALL_SHEET), SHORTFALL_HEADERS, SHORTFALL_WIDTHS,
               _shortfall_rows(cv, None if owner == POOL else owner),
               wrap_column=SHORTFALL_HEADERS.index("Yang dilepas"))
        path = out / f"plotting_{stems[owner]}.xlsx"
        book.save(path)
        paths.append(path)
    return paths


def _command_rows(ix: PlanView, cv: CommandView,
                  rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    """Command and staff: Kaops, Wakaops, Kabag Ops, Posko staff, then each Kapolsek as
    "Kasubsatgas Pam TPS Kec. X" with the posts and TPS of his kecamatan."""
    posts_of_kec: dict[str, list[Post]] = defaultdict(list)
    for p in ix.plan.posts:
        posts_of_kec[p.kecamatan_code].append(p)
    out = []
    for no, a in enumerate(rows, start=1):
        o = ix.officers[a.nrp]
        kec = cv.polsek_of(a)
        posts = posts_of_kec.get(kec, []) if kec else []
        unit = ix.units.get(a.target_id)
        out.append((*_person(ix, cv, no, a), o.position or "—", cv.seat(a),
                    len(posts) if kec else None,
                    sum(len(p.tps_ids) for p in posts) if kec else None,
                    coord(unit.hq_lat, unit.hq_lon) if unit else ""))
    return out


def _pawas_rows(ix: PlanView, cv: CommandView, owner: str) -> list[tuple[Any, ...]]:
    """One row per cluster: its Pawas (blank where none was found: a shortfall), the
    Kapolsek above him and the posts he supervises with their TPS by name."""
    by_cluster = {a.target_id: a for a in cv.supervising.get(owner, [])}
    out = []
    for no, c in enumerate(cv.supervisions_of(owner), start=1):
        a = by_cluster.get(c.cluster_id)
        person = (_person(ix, cv, no, a) if a is not None
                  else (no, "— (belum ada Pawas)", None, None, None, "Pawas", None))
        posts = [ix.posts[p] for p in c.post_ids if p in ix.posts]
        kapolsek = cv.kapolsek_of(c.kecamatan_code)
        out.append((*person, c.cluster_id, ix.kecamatan_name(c.kecamatan_code),
                    rank_name(kapolsek), phone(kapolsek), len(c.post_ids),
                    sum(len(p.tps_ids) for p in posts),
                    "\n".join(f"{p.post_id}: {cv.post_tps(p)}" for p in posts),
                    round(c.radius_km, 1), coord(c.lat, c.lon)))
    return out


def _polsek_sheets(ix: PlanView, cv: CommandView,
                   rows: Sequence[Assignment]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """A sheet per Polsek (per kecamatan: a kecamatan without a Polsek gets its own name),
    each guard with his post's equipment and the Pawas who supervises it."""
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
            pawas = cv.pawas_of(post.post_id)
            lines.append((*_person(ix, cv, no, a), post.post_id, ix.desa_names(post),
                          ix.kecamatan_name(post.kecamatan_code), ix.tps_numbers(post),
                          post.risk_class.label_id, pattern(post), post.linmas,
                          equipment_text(post.equipment), cv.pawas_text(post.post_id),
                          phone(pawas) if pawas else "—", coord(post.lat, post.lon)))
        sheets.append((title, lines))
    return sheets


def _duty_rows(ix: PlanView, cv: CommandView,
               rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        d = ix.duties[a.target_id]
        out.append((*_person(ix, cv, no, a), d.label, DUTY_LABEL.get(d.kind, d.kind.value),
                    coord(d.lat, d.lon)))
    return out


def _reserve_rows(ix: PlanView, cv: CommandView,
                  rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    """Every member of every reserve team, the Danton first: the team by its call sign and
    kind, with its Danton's name and phone on each row so a filtered team reads whole."""
    out = []
    for no, a in enumerate(rows, start=1):
        t = ix.teams[a.target_id]
        danton = cv.danton(t)
        out.append((*_person(ix, cv, no, a), ix.officers[a.nrp].branch.value.capitalize(),
                    cv.team_name(t), RESERVE_KIND_LABEL.get(t.kind, t.kind.value),
                    rank_name(danton) if danton else "belum ada Danton", phone(danton),
                    ix.staging_name(t), coord(t.lat, t.lon)))
    return out


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
            target, kec = f"Pawas {c.cluster_id}", ix.kecamatan_name(c.kecamatan_code)
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
    return [(no, ix.unit_name(p.kodim_code), TNI_KIND_LABEL.get(p.kind, p.kind),
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
    _section(sheet, ("Polsek", "Kecamatan", "TPS", "Pos", "Personel di TPS",
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
    _section(sheet, ("TPS tidak terjaga", "Desa/Kel", "No TPS", "Kecamatan"))
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
    table_layout(sheet, len(headers), widths)


def _person(ix: PlanView, cv: CommandView, no: int, a: Assignment) -> tuple[Any, ...]:
    """The Sprin's person columns: name, rank, NRP, unit (or BKO origin), his position in the
    operation and his phone."""
    o = ix.officers[a.nrp]
    return (no, o.name, o.rank.label, o.nrp, ix.origin(a, o), cv.position(a), o.phone or "—")
