"""The deployment plan as the documents a Polda and its Polres work from.

- **Plotting workbooks** (XLSX, one per Polres and one for the Polda pool): the table behind the
  Sprin, a sheet per Polsek with one row per officer in the columns a Bag Ops types by hand
  today, plus the duties, the reserve and a summary a Kapolres signs off.
- **Assignment cards** (PDF, one page per officer): what each officer carries on voting day, so
  that nobody needs the whole Sprin to know where to stand, with whom, and what they guard.
- **Rencana Pengamanan** (HTML and PDF): the force balance, posts, reserve and a map, for the
  briefing and the tactical floor game (TFG).
- **Geo files** (GeoJSON and KML): the same posts, TPS and reserve points for a GIS, Google
  Earth or ATAK on a phone.

Everything is derived from a ``Plan`` and its ``Scenario``; the functions only write files. An
officer appears in the documents of the unit that commands the post, duty or reserve team they
serve at (a Polda-pool officer sent as BKO appears under the receiving Polres), so each
officer is plotted exactly once across all workbooks and cards.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import simplekml
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab import rl_config
from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, DutyKind, Plan, Post, ReserveTeam, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import Election, PollingStation
from pollguard.planning.geometry import km
from pollguard.planning.view import PlanView
from pollguard.reports.xlsx import print_layout, sheet_name, table_layout

#: Light fills for spreadsheet cells (as in the vulnerability workbook) and strong colours
#: for map points, per class; severity order for tables.
CLASS_FILL = {RiskClass.SANGAT_RAWAN: "F4B6B6", RiskClass.RAWAN: "FBE3A5",
              RiskClass.KHUSUS: "C9DAF8", RiskClass.KURANG_RAWAN: "FFFFFF"}
CLASS_COLOUR = {RiskClass.KURANG_RAWAN: "#43a047", RiskClass.RAWAN: "#f9a825",
                RiskClass.SANGAT_RAWAN: "#d32f2f", RiskClass.KHUSUS: "#1e88e5"}
CLASS_ORDER = (RiskClass.SANGAT_RAWAN, RiskClass.KHUSUS, RiskClass.RAWAN,
               RiskClass.KURANG_RAWAN)
UNKNOWN_COLOUR = "#9e9e9e"  # an uncovered TPS: the plan does not carry its class
POST_COLOUR = "#263238"
RESERVE_COLOUR = "#6a1b9a"
NAVY = "#1a2b4c"

ROLE_LABEL = {Role.POST: "Pengamanan TPS", Role.DUTY: "Tugas", Role.RESERVE: "Cadangan"}
DUTY_LABEL = {DutyKind.KPU_OFFICE: "Pengamanan kantor KPU",
              DutyKind.BAWASLU_OFFICE: "Pengamanan kantor Bawaslu",
              DutyKind.PPK_OFFICE: "Pengamanan kantor PPK",
              DutyKind.WALPRI: "Pengawalan pribadi (walpri)",
              DutyKind.ESCORT: "Pengawalan logistik"}

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


# --- the plan, indexed once ---------------------------------------------------------------




def pattern(post: Post) -> str:
    """The pola a-b-c the post is guarded by: officers, the pattern's TPS (its N for kurang
    rawan), and the Linmas the pattern puts at that many TPS. The Linmas actually at a post
    with fewer TPS than N is ``post.linmas``, reported beside it."""
    per_tps = post.linmas // len(post.tps_ids) if post.tps_ids else 0
    return f"{post.officers}-{post.n}-{post.n * per_tps}"


def operation_name(scenario: Scenario) -> str:
    """Polri names the operation after the election: Mantap Praja for a Pilkada, Mantap Brata
    for a Pemilu."""
    name = "Mantap Praja" if scenario.info.election == Election.PILKADA else "Mantap Brata"
    return f"Operasi {name} {scenario.info.voting_date.year}"


def _coord(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"


def _num(value: float, digits: int = 0) -> str:
    """Indonesian number style: 5.400 and 20,9."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "unit"


def file_stems(ix: PlanView) -> dict[str, str]:
    """Owner -> file stem: ``polres_kerinci`` from its name, ``polda`` for the pool."""
    stems: dict[str, str] = {}
    for p in ix.polres:
        stem = _slug(p.name)
        stems[p.code] = stem if stem not in stems.values() else _slug(p.code)
    stems[POOL] = "polda"
    return stems


def _person(ix: PlanView, no: int, a: Assignment) -> tuple[Any, ...]:
    o = ix.officers[a.nrp]
    return (no, o.name, o.rank.label, o.nrp, ix.origin(a, o))


def _label(c: RiskClass | None) -> str:
    return c.label_id if c else "tidak diketahui"


# --- the force balance shared by the summaries ----------------------------------------------


@dataclass(frozen=True)
class Balance:
    """One unit's force in the plan. ``available`` + ``bko_in`` - ``lent`` equals
    ``duties`` + ``at_tps`` + ``reserve``."""

    code: str
    name: str
    tps: int
    posts: int
    available: int  # its own officers in the scenario
    duties: int
    at_tps: int
    reserve: int
    bko_in: int  # Polda-pool officers serving it as BKO
    lent: int  # its own officers serving another unit's target
    shortage: int  # officers still short after the pool (plan.bko_needed)
    uncovered: int


def force_balance(plan: Plan, scenario: Scenario) -> list[Balance]:
    """Each Polres's force in the plan, then the Polda pool's: what the summaries show."""
    return _balances(PlanView(plan, scenario))


def _balances(ix: PlanView) -> list[Balance]:
    own: Counter[str] = Counter(ix.owner_of(o) for o in ix.scenario.officers)
    tps: Counter[str] = Counter(ix.polres_of_tps(t) for t in ix.scenario.tps)
    posts: Counter[str] = Counter(p.polres_code for p in ix.plan.posts)
    uncovered: Counter[str] = Counter(ix.polres_of_tps(ix.tps[t]) for t in ix.plan.uncovered
                                      if t in ix.tps)
    role: dict[str, Counter[Role]] = defaultdict(Counter)
    bko_in: Counter[str] = Counter()
    lent: Counter[str] = Counter()
    for a in ix.plan.assignments:
        owner = ix.owner_of_target(a)
        role[owner][a.role] += 1
        if a.bko_to:
            bko_in[owner] += 1
        if ix.owner_of(ix.officers[a.nrp]) != owner:
            lent[ix.owner_of(ix.officers[a.nrp])] += 1
    return [Balance(code, ix.unit_name(code), tps[code], posts[code], own[code],
                    role[code][Role.DUTY], role[code][Role.POST], role[code][Role.RESERVE],
                    bko_in[code], lent[code], ix.plan.bko_needed.get(code, 0), uncovered[code])
            for code in ix.owners()]


# --- plotting workbooks ---------------------------------------------------------------------


def write_plotting_workbooks(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """One workbook per Polres (``plotting_polres_kerinci.xlsx``) and ``plotting_polda.xlsx``
    for the Polda pool: the plotting table behind each unit's Sprin, so that the Bag Ops
    checks and signs a table instead of typing 5,000 rows."""
    return _write_workbooks(PlanView(plan, scenario), out)


def _write_workbooks(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    totals = {b.code: b for b in _balances(ix)}
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
                          _coord(post.lat, post.lon)))
        sheets.append((title, lines))
    return sheets


def _duty_rows(ix: PlanView, rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        d = ix.duties[a.target_id]
        out.append((*_person(ix, no, a), d.label, DUTY_LABEL.get(d.kind, d.kind.value),
                    _coord(d.lat, d.lon)))
    return out


def _reserve_rows(ix: PlanView, rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        t = ix.teams[a.target_id]
        out.append((*_person(ix, no, a), ix.officers[a.nrp].branch.value.capitalize(),
                    t.team_id, ix.staging_name(t), _coord(t.lat, t.lon)))
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
    sheet.append([f"{operation_name(ix.scenario)} · {info.name} · pemungutan suara "
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


# --- assignment cards -----------------------------------------------------------------------

CARD_SIZE = A6
CARD_MARGIN = 5 * mm
LABEL_WIDTH = 21 * mm
HEADER_HEIGHT = 17 * mm


def write_assignment_cards(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``kartu_<unit>.pdf``: one A6 page per officer that unit commands in the plan, in Sprin
    order, so each officer gets a card that says where to stand, with whom and what they
    guard without carrying the whole Sprin."""
    return _write_cards(PlanView(plan, scenario), out)


def _write_cards(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    title = f"Kartu Penugasan — {operation_name(ix.scenario)}"
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: base-85 costs a third
    try:
        return [_card_file(ix, owner, title, out / f"kartu_{stems[owner]}.pdf")
                for owner in ix.owners()]
    finally:
        rl_config.useA85 = a85


def _card_file(ix: PlanView, owner: str, title: str, path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=CARD_SIZE, pageCompression=1)
    canvas.setTitle(f"{title} — {ix.unit_name(owner)}")
    canvas.setAuthor("PollGuard")
    _card_header_form(canvas, ix, owner, title)
    rows = ix.ordered.get(owner, [])
    for i, a in enumerate(rows, start=1):
        _card(canvas, ix, a, f"{i}/{len(rows)}")
        canvas.showPage()
    if not rows:  # a PDF needs a page; say why it is empty
        canvas.doForm("header")
        canvas.setFont("Helvetica", 9)
        canvas.drawString(CARD_MARGIN, CARD_SIZE[1] - HEADER_HEIGHT - 20,
                          "Tidak ada personel yang diplot untuk satuan ini.")
        canvas.showPage()
    canvas.save()
    return path


def _card_header_form(canvas: Canvas, ix: PlanView, owner: str, title: str) -> None:
    """The band every card of one file shares, drawn once and reused on each page."""
    w, h = CARD_SIZE
    canvas.beginForm("header")
    canvas.setFillColor(colors.HexColor(NAVY))
    canvas.rect(0, h - HEADER_HEIGHT, w, HEADER_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    size = 10.5
    while stringWidth(title, "Helvetica-Bold", size) > w - 2 * CARD_MARGIN and size > 6:
        size -= 0.5
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawString(CARD_MARGIN, h - 7 * mm, title)
    canvas.setFont("Helvetica", 7.5)
    info = ix.scenario.info
    canvas.drawString(CARD_MARGIN, h - 12.5 * mm,
                      f"{ix.unit_name(owner)} · {info.name} · {info.voting_date:%d-%m-%Y}")
    canvas.setFillColor(colors.HexColor("#9aa5b8"))
    canvas.setFont("Helvetica", 6)
    canvas.drawString(CARD_MARGIN, 4 * mm,
                      "Simpan kartu ini selama bertugas. Data pribadi: jangan disebarkan.")
    canvas.endForm()


class _CardWriter:
    """Label-value lines down the page on a fixed line grid. Rows are laid out first, then
    drawn as three text objects (section titles, labels, values) that move line by line
    (``T*``, no numbers) and change font only when it changes: reportlab without its C
    accelerator spends most of its time formatting operator numbers, so fewer numbers make
    the 5,400 cards fast."""

    LINE = 12.5
    GREY = colors.HexColor("#5b6474")
    RULE = colors.HexColor("#c5cbd6")
    HEAD = colors.HexColor(NAVY)
    CHIPS: ClassVar[dict[RiskClass, Any]] = {c: colors.HexColor("#" + CLASS_FILL[c])
                                              for c in RiskClass}

    def __init__(self, canvas: Canvas, top: float) -> None:
        self.c = canvas
        self.y = top
        self.width = CARD_SIZE[0] - CARD_MARGIN - LABEL_WIDTH - CARD_MARGIN
        self.sections: list[tuple[float, str]] = []
        self.labels: list[tuple[float, str]] = []
        self.values: list[tuple[float, str, float, str]] = []  # y, font, size, line
        self.chips: list[tuple[float, float, RiskClass]] = []  # y, width, class

    def section(self, text: str) -> None:
        self.y -= 5
        self.sections.append((self.y, text.upper()))
        self.y -= 12

    def row(self, label: str, value: str, *, bold: bool = False, size: float = 8.5,
            max_lines: int = 4, chip: RiskClass | None = None) -> None:
        font = "Helvetica-Bold" if bold else "Helvetica"
        if stringWidth(value, font, size) <= self.width:
            lines = [value]
        else:
            lines = simpleSplit(value, font, size, self.width) or [""]
            if len(lines) > max_lines:
                lines = [*lines[:max_lines - 1], lines[max_lines - 1][:-1] + "…"]
        self.labels.append((self.y, label))
        if chip is not None:
            self.chips.append((self.y, stringWidth(lines[0], font, size) + 4, chip))
        for line in lines:
            self.values.append((self.y, font, size, line))
            self.y -= self.LINE

    def finish(self, page: str) -> None:
        c = self.c
        for y, width, risk in self.chips:
            c.setFillColor(self.CHIPS[risk])
            c.rect(CARD_MARGIN + LABEL_WIDTH - 2, y - 2.5, width, 11, stroke=0, fill=1)
        c.setStrokeColor(self.RULE)
        c.setLineWidth(0.5)
        c.lines([(CARD_MARGIN, y - 2.5, CARD_SIZE[0] - CARD_MARGIN, y - 2.5)
                 for y, _ in self.sections])
        if self.sections:
            text = self._lines(CARD_MARGIN, [(y, line) for y, line in self.sections],
                               self.HEAD, "Helvetica-Bold", 7.5)
            text.setFillColor(self.GREY)
            text.setFont("Helvetica", 6, self.LINE)
            text.setTextOrigin(CARD_SIZE[0] - CARD_MARGIN - stringWidth(page, "Helvetica", 6),
                               4 * mm)
            text.textOut(page)
            c.drawText(text)
        if self.labels:
            c.drawText(self._lines(CARD_MARGIN, self.labels, self.GREY, "Helvetica", 7))
        if self.values:
            text = c.beginText(CARD_MARGIN + LABEL_WIDTH, self.values[0][0])
            text.setFillGray(0)
            font: tuple[str, float] | None = None
            cursor = self.values[0][0]
            for y, name, size, line in self.values:
                if (name, size) != font:
                    text.setFont(name, size, self.LINE)
                    font = (name, size)
                if y != cursor:
                    text.moveCursor(0, cursor - y)
                text.textLine(line)
                cursor = y - self.LINE
            c.drawText(text)

    def _lines(self, x: float, items: Sequence[tuple[float, str]], colour: Any, font: str,
               size: float) -> Any:
        text = self.c.beginText(x, items[0][0])
        text.setFillColor(colour)
        text.setFont(font, size, self.LINE)
        cursor = items[0][0]
        for y, line in items:
            if y != cursor:
                text.moveCursor(0, cursor - y)
            text.textLine(line)
            cursor = y - self.LINE
        return text


def _card(canvas: Canvas, ix: PlanView, a: Assignment, page: str) -> float:
    """One officer's page; returns where the text ended (it must clear the footer)."""
    h = CARD_SIZE[1]
    canvas.doForm("header")
    o = ix.officers[a.nrp]
    card = _CardWriter(canvas, h - HEADER_HEIGHT - 5 * mm)
    card.section("Personel")
    card.row("Nama", o.name, bold=True, size=10, max_lines=2)
    card.row("Pangkat / NRP", f"{o.rank.label} / NRP {o.nrp}")
    card.row("Satuan", ix.origin(a, o), max_lines=2)
    card.section(f"Penugasan: {ROLE_LABEL[a.role]}")
    if a.role == Role.POST:
        post = ix.posts[a.target_id]
        card.row("Pos", post.post_id, bold=True)
        numbers = ix.tps_numbers(post)
        if len({ix.tps[t].desa_code for t in post.tps_ids if t in ix.tps}) > 1:
            # several desa: the TPS list names each one already
            card.row("TPS (desa: no)", numbers, max_lines=9)
        else:
            card.row("TPS", numbers)
            card.row("Desa/Kel", ix.desa_names(post), max_lines=2)
        card.row("Kecamatan", ix.kecamatan_name(post.kecamatan_code))
        card.row("Kategori", post.risk_class.label_id, bold=True,
                 chip=post.risk_class if post.risk_class != RiskClass.KURANG_RAWAN else None)
        card.row("Pola", f"{pattern(post)} · pos ini: {len(post.tps_ids)} TPS, "
                         f"{post.linmas} Linmas")
        card.row("Koordinat", _coord(post.lat, post.lon))
    elif a.role == Role.DUTY:
        duty = ix.duties[a.target_id]
        card.row("Tugas", duty.label, bold=True, max_lines=3)
        card.row("Jenis", DUTY_LABEL.get(duty.kind, duty.kind.value))
        card.row("Personel", f"{duty.officers} orang")
        card.row("Koordinat", _coord(duty.lat, duty.lon))
    else:
        team = ix.teams[a.target_id]
        card.row("Tim", team.team_id, bold=True)
        card.row("Titik siaga", ix.staging_name(team), max_lines=2)
        card.row("Anggota tim", f"{team.size} orang")
        card.row("Koordinat", _coord(team.lat, team.lon))
    card.section("Pasangan")
    partners = ix.partners.get(a.nrp, [])
    if partners:
        for p in partners:
            card.row("Nama", p.name, bold=True, max_lines=2)
            card.row("Pangkat / NRP", f"{p.rank.label} / NRP {p.nrp}")
    else:
        card.row("Nama", "— (tanpa pasangan)")
    card.section("Perjalanan")
    card.row("Dari markas", ix.unit_name(o.home_unit_code), max_lines=2)
    card.row("Jarak", f"{_num(a.travel_km, 1)} km")
    card.finish(page)
    return card.y


# --- the map (one model, drawn as SVG and as a reportlab drawing) ---------------------------


@dataclass(frozen=True)
class _Mark:
    layer: str  # "tps:<class>", "post", "reserve", "hq"
    x: float
    y: float  # from the top, as SVG counts
    r: float
    colour: str
    title: str = ""


@dataclass(frozen=True)
class _Map:
    width: float
    height: float
    marks: tuple[_Mark, ...]


TPS_RADIUS = {RiskClass.KURANG_RAWAN: 1.0, RiskClass.RAWAN: 1.7, RiskClass.SANGAT_RAWAN: 2.2,
              RiskClass.KHUSUS: 2.2}


def _map(ix: PlanView, width: float) -> _Map:
    """Equirectangular projection of the scenario's points (fine at a province's scale):
    TPS by class, riskier on top; posts; reserve staging points sized by team count; Polres
    headquarters labelled."""
    points = [(t.lat, t.lon) for t in ix.scenario.tps] + [
        (u.hq_lat, u.hq_lon) for u in ix.polres]
    if not points:
        return _Map(width, width / 2, ())
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    pad = 0.04 * max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    k = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * k)
    height = (north - south) * scale
    unit = width / 510  # marks are sized for an A4 page's width and grow with the map

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - west) * k * scale, 1), round((north - lat) * scale, 1)

    marks: list[_Mark] = []
    by_class: dict[RiskClass | None, list[PollingStation]] = defaultdict(list)
    for t in ix.scenario.tps:
        by_class[ix.class_of(t.tps_id)].append(t)
    for c in (RiskClass.KURANG_RAWAN, None, RiskClass.RAWAN, RiskClass.KHUSUS,
              RiskClass.SANGAT_RAWAN):
        colour = CLASS_COLOUR[c] if c else UNKNOWN_COLOUR
        radius = round((TPS_RADIUS[c] if c else 1.7) * unit, 2)
        for t in by_class.get(c, []):
            marks.append(_Mark(f"tps:{c.value if c else 'none'}", *xy(t.lat, t.lon), radius,
                               colour))
    for p in ix.plan.posts:
        marks.append(_Mark("post", *xy(p.lat, p.lon), round(0.6 * unit, 2), POST_COLOUR))
    teams_at: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams_at[team.staging_code].append(team)
    for teams in teams_at.values():
        size = sum(t.size for t in teams)
        marks.append(_Mark("reserve", *xy(teams[0].lat, teams[0].lon),
                           (3.5 + 1.2 * math.sqrt(len(teams))) * unit, RESERVE_COLOUR,
                           f"Cadangan di {ix.staging_name(teams[0])}: {len(teams)} tim, "
                           f"{size} personel"))
    for u in ix.polres:
        marks.append(_Mark("hq", *xy(u.hq_lat, u.hq_lon), 2.5 * unit, "#000000", u.name))
    return _Map(width, round(height, 1), tuple(marks))


def _triangle(x: float, y: float, r: float) -> list[float]:
    return [x, y - r, x - r * 0.95, y + r * 0.75, x + r * 0.95, y + r * 0.75]


def _svg(m: _Map) -> str:
    """The map as inline SVG: one group per layer so each point is a bare element."""
    layers: dict[str, list[_Mark]] = defaultdict(list)
    for mark in m.marks:
        layers[mark.layer].append(mark)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {m.width:g} '
             f'{m.height:g}" width="100%" role="img" aria-label="Peta rencana pengamanan">',
             f'<rect width="{m.width:g}" height="{m.height:g}" fill="#f4f6f8"/>']
    for layer, marks in layers.items():
        if layer.startswith("tps:") or layer == "post":
            parts.append(f'<g fill="{marks[0].colour}"'
                         + (' fill-opacity="0.85"' if layer.startswith("tps:") else "") + ">")
            parts.extend(f'<circle cx="{k.x:g}" cy="{k.y:g}" r="{k.r:g}"/>' for k in marks)
            parts.append("</g>")
        elif layer == "reserve":
            parts.append(f'<g fill="{RESERVE_COLOUR}" stroke="#ffffff" stroke-width="0.8">')
            for k in marks:
                pts = " ".join(f"{v:.1f}" for v in _triangle(k.x, k.y, k.r))
                parts.append(f'<polygon points="{pts}"><title>{html.escape(k.title)}</title>'
                             "</polygon>")
            parts.append("</g>")
        elif layer == "hq":
            parts.append('<g font-family="Helvetica, Arial, sans-serif" font-size="11">')
            for k in marks:
                # browsers may set a wider sans than Helvetica: leave room
                right = k.x + 5 + 1.2 * stringWidth(k.title, "Helvetica", 11) > m.width
                anchor = ' text-anchor="end"' if right else ""
                parts.append(f'<rect x="{k.x - k.r:g}" y="{k.y - k.r:g}" width="{2 * k.r:g}" '
                             f'height="{2 * k.r:g}" fill="#000"/>'
                             f'<text x="{k.x - 5 if right else k.x + 5:g}" y="{k.y - 4:g}"'
                             f'{anchor} fill="#000" stroke="#fff" stroke-width="3" '
                             f'paint-order="stroke">{html.escape(k.title)}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _drawing(m: _Map) -> Drawing:
    """The same map as a reportlab drawing (y flipped: PDF counts from the bottom)."""
    legend_h = 16.0
    d = Drawing(m.width, m.height + legend_h)
    top = m.height + legend_h
    d.add(Rect(0, legend_h, m.width, m.height, fillColor=colors.HexColor("#f4f6f8"),
               strokeColor=None))
    palette: dict[str, Any] = {}

    def colour(hex_: str) -> Any:
        if hex_ not in palette:
            palette[hex_] = colors.HexColor(hex_)
        return palette[hex_]

    for k in m.marks:
        y = top - k.y
        if k.layer.startswith("tps:") or k.layer == "post":
            d.add(Circle(k.x, y, k.r, fillColor=colour(k.colour), strokeColor=None))
        elif k.layer == "reserve":
            pts = _triangle(k.x, 0, k.r)
            d.add(Polygon([v if i % 2 == 0 else y - v for i, v in enumerate(pts)],
                          fillColor=colour(RESERVE_COLOUR), strokeColor=colors.white,
                          strokeWidth=0.6))
        elif k.layer == "hq":
            d.add(Rect(k.x - k.r, y - k.r, 2 * k.r, 2 * k.r, fillColor=colors.black,
                       strokeColor=None))
            label_w = stringWidth(k.title, "Helvetica", 7)
            x = k.x + 4 if k.x + 4 + label_w <= m.width else k.x - 4 - label_w
            d.add(Rect(x - 1, y + 1.5, label_w + 2, 8, fillColor=colors.white,
                       fillOpacity=0.75, strokeColor=None))
            d.add(String(x, y + 3, k.title, fontName="Helvetica", fontSize=7))
    x = 0.0
    for label, hex_, shape in _legend():
        if shape == "circle":
            d.add(Circle(x + 4, 6, 3, fillColor=colour(hex_), strokeColor=None))
        elif shape == "triangle":
            pts = _triangle(x + 4, 0, 4.5)
            d.add(Polygon([v if i % 2 == 0 else 6 - v for i, v in enumerate(pts)],
                          fillColor=colour(hex_), strokeColor=None))
        else:
            d.add(Rect(x + 1.5, 3.5, 5, 5, fillColor=colour(hex_), strokeColor=None))
        d.add(String(x + 10, 3.5, label, fontName="Helvetica", fontSize=7))
        x += 14 + stringWidth(label, "Helvetica", 7)
    return d


def _legend() -> list[tuple[str, str, str]]:
    return [*((f"TPS {c.label_id}", CLASS_COLOUR[c], "circle") for c in CLASS_ORDER),
            ("pos (titik kecil)", POST_COLOUR, "circle"),
            ("titik siaga cadangan", RESERVE_COLOUR, "triangle"),
            ("Mapolres", "#000000", "square")]


# --- Rencana Pengamanan (HTML and PDF) ------------------------------------------------------

METRIC_LABELS = (
    ("posts", "Pos pengamanan", 0),
    ("posts_lower_bound", "Batas bawah jumlah pos", 0),
    ("officers_at_tps", "Personel di TPS", 0),
    ("officers_on_duties", "Personel tugas (kantor, walpri, pengawalan)", 0),
    ("officers_in_reserve", "Personel cadangan", 0),
    ("bko", "Personel BKO dari Polda", 0),
    ("uncovered_tps", "TPS tidak terjaga", 0),
    ("travel_km_total", "Jumlah jarak tempuh personel (km)", 1),
    ("lp_bound_km", "Batas bawah jarak tempuh (km)", 1),
    ("gap", "Selisih terhadap batas bawah", 4),
    ("reserve_eta_p95_min", "Waktu tempuh cadangan ke TPS rawan/sangat rawan, p95 (menit)", 1),
    ("seconds", "Waktu hitung rencana (detik)", 1),
)


@dataclass(frozen=True)
class _Summary:
    """The figures both renderings show, computed once."""

    title: str
    subtitle: str
    headline: list[tuple[str, str]]
    balance_header: tuple[str, ...]
    balance_rows: Sequence[Sequence[str]]
    class_header: tuple[str, ...]
    class_rows: Sequence[Sequence[str]]
    reserve_header: tuple[str, ...]
    reserve_rows: Sequence[Sequence[str]]
    reserve_note: str
    metric_rows: list[tuple[str, str]]
    uncovered_rows: Sequence[Sequence[str]]


def _summary(ix: PlanView) -> _Summary:
    plan, info = ix.plan, ix.scenario.info
    rows = _balances(ix)
    balance_rows: list[tuple[str, ...]] = [
        (b.name, _num(b.tps), _num(b.posts), _num(b.available), _num(b.duties), _num(b.at_tps),
         _num(b.reserve), _num(b.bko_in) if b.code != POOL else f"−{_num(b.lent)}",
         _num(b.shortage), _num(b.uncovered)) for b in rows]
    balance_rows.append(("Jumlah", *(_num(sum(getattr(b, f) for b in rows)) for f in (
        "tps", "posts", "available", "duties", "at_tps", "reserve")), _num(plan.metrics.bko)
        if plan.metrics else "", _num(sum(b.shortage for b in rows)),
        _num(len(plan.uncovered))))
    tps_by_class: Counter[RiskClass | None] = Counter(ix.class_of(t.tps_id)
                                                      for t in ix.scenario.tps)
    if plan.metrics:  # the planner's own count includes the class of uncovered TPS
        known = {RiskClass(k): v for k, v in plan.metrics.tps_by_class.items()}
        tps_by_class = Counter(known)
    posts_by_class: dict[RiskClass, list[Post]] = defaultdict(list)
    for p in plan.posts:
        posts_by_class[p.risk_class].append(p)
    people_by_class: Counter[RiskClass] = Counter(
        ix.posts[a.target_id].risk_class for a in plan.assignments if a.role == Role.POST)
    class_rows = []
    for c in CLASS_ORDER:
        posts = posts_by_class.get(c, [])
        patterns = Counter(pattern(p) for p in posts).most_common(4)
        class_rows.append((c.label_id, _num(tps_by_class[c]), _num(len(posts)),
                           _num(people_by_class[c]),
                           ", ".join(f"{pat} ({_num(n)})" for pat, n in patterns) or "—"))
    reach = _reach(ix)
    reserve_rows = [(t.team_id, ix.unit_name(t.owner_code), ix.staging_name(t), _num(t.size),
                     _num(reach[t.team_id][0]), _num(reach[t.team_id][1], 1))
                    for t in plan.reserves]
    m = plan.metrics
    reserve_note = (f"{_num(len(plan.reserves))} tim, {_num(sum(t.size for t in plan.reserves))}"
                    " personel. " + (f"95% TPS rawan dan sangat rawan terjangkau tim cadangan "
                                      f"terdekat dalam {_num(m.reserve_eta_p95_min, 1)} menit."
                                      if m else ""))
    metric_rows = []
    if m:
        for key, label, digits in METRIC_LABELS:
            value = getattr(m, key)  # a bound is None where none was computed
            metric_rows.append((label, "—" if value is None else _num(float(value), digits)))
    uncovered_rows = []
    for t in plan.uncovered:
        s = ix.tps.get(t)
        if s:
            uncovered_rows.append((t, ix.unit_name(ix.polres_of_tps(s)),
                                   ix.kecamatan_name(ancestor_at(s.desa_code,
                                                                 RegionLevel.KECAMATAN)),
                                   ix.names.get(s.desa_code, s.desa_code), str(s.number)))
    people = len(plan.assignments)
    headline = [("TPS", _num(len(ix.scenario.tps))), ("Pos", _num(len(plan.posts))),
                ("Personel diplot", _num(people)),
                ("Di TPS", _num(sum(1 for a in plan.assignments if a.role == Role.POST))),
                ("Cadangan", _num(sum(1 for a in plan.assignments if a.role == Role.RESERVE))),
                ("TPS tidak terjaga", _num(len(plan.uncovered)))]
    return _Summary(
        title=f"Rencana Pengamanan TPS — {info.name}",
        subtitle=f"{operation_name(ix.scenario)} · pemungutan suara {info.voting_date:%d-%m-%Y}",
        headline=headline,
        balance_header=("Satuan", "TPS", "Pos", "Tersedia", "Tugas", "Di TPS", "Cadangan",
                        "BKO diterima", "Kekurangan", "Tidak terjaga"),
        balance_rows=balance_rows,
        class_header=("Kategori", "TPS", "Pos", "Personel", "Pola terbanyak (jumlah pos)"),
        class_rows=class_rows,
        reserve_header=("Tim", "Satuan", "Titik siaga", "Anggota",
                        "TPS rawan/sangat rawan terdekat", "Terjauh (km, garis lurus)"),
        reserve_rows=reserve_rows,
        reserve_note=reserve_note,
        metric_rows=metric_rows,
        uncovered_rows=uncovered_rows,
    )


def _reach(ix: PlanView) -> dict[str, tuple[int, float]]:
    """Team -> (rawan and sangat rawan TPS it is the nearest eligible team to, the farthest of
    them in straight-line km). A Polres team serves its own TPS and a Polda team any TPS, as
    the planner stages them; its p95 minutes are in the plan's metrics."""
    teams: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams[team.owner_code].append(team)
    out = {t.team_id: (0, 0.0) for t in ix.plan.reserves}
    for t in ix.scenario.tps:
        if ix.class_of(t.tps_id) not in (RiskClass.RAWAN, RiskClass.SANGAT_RAWAN):
            continue
        options = teams.get(ix.polres_of_tps(t), []) + teams.get(POOL, [])
        if not options:
            continue
        dist, team_id = min((km(t.lat, t.lon, x.lat, x.lon), x.team_id) for x in options)
        n, far = out[team_id]
        out[team_id] = (n + 1, max(far, dist))
    return out


BALANCE_NOTE = ("Tersedia: personel satuan itu sendiri. Tersedia + BKO diterima = Tugas + Di TPS "
                "+ Cadangan; baris Polda menunjukkan personel yang dikirim sebagai BKO (−). "
                "Kekurangan: personel yang masih kurang setelah BKO Polda.")


def write_plan_summary(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``rencana_pengamanan.html`` (self-contained: opens offline on any laptop at the
    briefing) and ``rencana_pengamanan.pdf`` (for the file and the TFG table)."""
    return _write_summary(PlanView(plan, scenario), out)


def _write_summary(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    s = _summary(ix)
    html_path = out / "rencana_pengamanan.html"
    html_path.write_text(_html(s, _svg(_map(ix, 1000))), encoding="utf-8")
    pdf_path = out / "rencana_pengamanan.pdf"
    _pdf(s, _map(ix, A4[0] - 30 * mm), pdf_path)
    return [html_path, pdf_path]


CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#1d2430;
padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;color:#1a2b4c;
border-bottom:2px solid #1a2b4c;padding-bottom:3px}
.sub{color:#5b6474;margin:0 0 16px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:#1a2b4c;color:#fff;padding:10px 14px;border-radius:6px;min-width:120px}
.tile b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #d3d8e0;padding:4px 7px;text-align:left}
th{background:#dce3ee}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{font-weight:bold}.plain tr:last-child td{font-weight:normal}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.dot{width:10px;height:10px;border-radius:50%;display:inline-block}
.tri{width:0;height:0;border-left:6px solid transparent;border-right:6px solid transparent;
border-bottom:10px solid #6a1b9a;display:inline-block}
.sq{width:9px;height:9px;background:#000;display:inline-block}
.note{color:#5b6474;font-size:12px}
@media print{body{margin:0}h2{break-after:avoid}}
"""


_NUMBER = re.compile(r"[−-]?[\d.,]+")


def _html_table(header: Sequence[str], rows: Iterable[Sequence[str]], *,
                numeric_from: int = 1, plain: bool = True) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{html.escape(v)}</td>' if i >= numeric_from and _NUMBER.fullmatch(
                v) else f"<td>{html.escape(v)}</td>"
            for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f'<table{" class=plain" if plain else ""}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _html(s: _Summary, svg: str) -> str:
    e = html.escape
    tiles = "".join(f'<div class="tile"><b>{e(v)}</b>{e(k)}</div>' for k, v in s.headline)
    legend = "".join(
        f'<span><i class="{"tri" if shape == "triangle" else "sq" if shape == "square" else "dot"}"'
        + (f' style="background:{c}"' if shape == "circle" else "") + f"></i>{e(label)}</span>"
        for label, c, shape in _legend())
    uncovered = (_html_table(("ID TPS", "Polres", "Kecamatan", "Desa/Kel", "No TPS"),
                             s.uncovered_rows, numeric_from=4)
                 if s.uncovered_rows else "<p>Tidak ada: semua TPS terjaga.</p>")
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(s.title)}</title><style>{CSS}</style></head><body>
<h1>{e(s.title)}</h1><p class="sub">{e(s.subtitle)}</p>
<div class="tiles">{tiles}</div>
<h2>Peta</h2>{svg}<div class="legend">{legend}</div>
<h2>Neraca kekuatan per Polres</h2>
{_html_table(s.balance_header, s.balance_rows, plain=False)}
<p class="note">{e(BALANCE_NOTE)}</p>
<h2>Pos per kategori</h2>{_html_table(s.class_header, s.class_rows, numeric_from=1)}
<h2>Cadangan</h2><p>{e(s.reserve_note)}</p>
{_html_table(s.reserve_header, s.reserve_rows, numeric_from=3)}
<h2>Ukuran rencana</h2>{_html_table(("Ukuran", "Nilai"), s.metric_rows)}
<h2>TPS tidak terjaga</h2>{uncovered}
<p class="note">Dibuat oleh PollGuard dari rencana dan skenario; data personel bersifat
terbatas.</p>
</body></html>
"""


def _pdf(s: _Summary, m: _Map, path: Path) -> None:
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontSize=16, spaceAfter=2,
                        textColor=colors.HexColor(NAVY))
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=10,
                        spaceAfter=4, textColor=colors.HexColor(NAVY))
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=8.5, leading=11)
    note = ParagraphStyle("note", parent=body, fontSize=7.5, textColor=colors.HexColor(
        "#5b6474"))
    e = html.escape
    width = A4[0] - 30 * mm
    tiles = Table([[Paragraph(f'<font size="14"><b>{e(v)}</b></font><br/>{e(k)}', ParagraphStyle(
        "tile", parent=body, textColor=colors.white, leading=15)) for k, v in s.headline]],
        colWidths=[width / len(s.headline)] * len(s.headline))
    tiles.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(NAVY)),
                               ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                               ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story: list[Any] = [
        Paragraph(e(s.title), h1), Paragraph(e(s.subtitle), note), Spacer(1, 6), tiles,
        Paragraph("Peta", h2), _drawing(m),
        Paragraph("Neraca kekuatan per Polres", h2),
        _pdf_table(s.balance_header, s.balance_rows, width,
                   (0.22, 0.07, 0.07, 0.085, 0.075, 0.075, 0.095, 0.1, 0.105, 0.105),
                   total=True),
        Paragraph(e(BALANCE_NOTE), note),
        KeepTogether([Paragraph("Pos per kategori", h2),
                      _pdf_table(s.class_header, s.class_rows, width,
                                 (0.16, 0.1, 0.1, 0.1, 0.54))]),
        Paragraph("Cadangan", h2), Paragraph(e(s.reserve_note), body), Spacer(1, 4),
        _pdf_table(s.reserve_header, s.reserve_rows, width, (0.22, 0.22, 0.22, 0.08, 0.13, 0.13)),
        KeepTogether([Paragraph("Ukuran rencana", h2),
                      _pdf_table(("Ukuran", "Nilai"), s.metric_rows, width, (0.75, 0.25))]),
        Paragraph("TPS tidak terjaga", h2),
    ]
    if s.uncovered_rows:
        story.append(_pdf_table(("ID TPS", "Polres", "Kecamatan", "Desa/Kel", "No TPS"),
                                s.uncovered_rows, width, (0.2, 0.25, 0.2, 0.25, 0.1)))
    else:
        story.append(Paragraph("Tidak ada: semua TPS terjaga.", body))

    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#5b6474"))
        canvas.drawString(15 * mm, 9 * mm, f"{s.title} · PollGuard")
        canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, f"Halaman {doc.page}")

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm, title=s.title,
                            author="PollGuard")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


def _pdf_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: float,
               shares: Sequence[float], *, total: bool = False) -> Table:
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9)
    number = ParagraphStyle("number", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    bold = ParagraphStyle("bold", parent=cell, fontName="Helvetica-Bold")
    bold_number = ParagraphStyle("bold_number", parent=bold, alignment=TA_RIGHT)

    def para(v: str, i: int, last: bool) -> Paragraph:
        numeric = i > 0 and _NUMBER.fullmatch(v) is not None
        style = (bold_number if numeric else bold) if last else number if numeric else cell
        return Paragraph(html.escape(v), style)

    data = [[Paragraph(html.escape(h), head) for h in header]] + [
        [para(v, i, total and r == len(rows) - 1) for i, v in enumerate(row)]
        for r, row in enumerate(rows)]
    table = Table(data, colWidths=[width * f for f in shares], repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce3ee")),
             ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c5cbd6")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#eef1f6")))
    table.setStyle(TableStyle(style))
    return table


# --- geo files ------------------------------------------------------------------------------


def write_geo(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``rencana.geojson`` for a GIS and ``rencana.kml`` for Google Earth and ATAK: posts with
    their officers, TPS with their post and class, and reserve staging points, so field
    commanders see the plan on the map they already use."""
    return _write_geo(PlanView(plan, scenario), out)


def _post_properties(ix: PlanView, post: Post) -> dict[str, Any]:
    people = []
    for a in ix.by_target.get(post.post_id, ()):
        o = ix.officers[a.nrp]
        people.append({"nrp": o.nrp, "nama": o.name, "pangkat": o.rank.label,
                       "satuan": ix.origin(a, o), "pasangan": a.pair})
    return {"jenis": "pos", "post_id": post.post_id, "polres": ix.unit_name(post.polres_code),
            "polres_code": post.polres_code, "kecamatan": ix.kecamatan_name(post.kecamatan_code),
            "kecamatan_code": post.kecamatan_code, "desa": ix.desa_names(post),
            "kelas": post.risk_class.value, "kategori": post.risk_class.label_id,
            "pola": pattern(post), "tps_ids": list(post.tps_ids),
            "no_tps": ix.tps_numbers(post), "personel": post.officers, "linmas": post.linmas,
            "petugas": people}


def _tps_properties(ix: PlanView, t: PollingStation) -> dict[str, Any]:
    post = ix.post_of_tps.get(t.tps_id)
    c = post.risk_class if post else None
    return {"jenis": "tps", "tps_id": t.tps_id, "no_tps": t.number,
            "desa": ix.names.get(t.desa_code, t.desa_code),
            "kecamatan": ix.kecamatan_name(ancestor_at(t.desa_code, RegionLevel.KECAMATAN)),
            "polres": ix.unit_name(ix.polres_of_tps(t)), "pemilih": t.voters,
            "post_id": post.post_id if post else None, "kelas": c.value if c else None,
            "kategori": _label(c), "terjaga": post is not None}


def _team_properties(ix: PlanView, team: ReserveTeam) -> dict[str, Any]:
    return {"jenis": "cadangan", "team_id": team.team_id,
            "satuan": ix.unit_name(team.owner_code), "titik_siaga": ix.staging_name(team),
            "staging_code": team.staging_code, "anggota": team.size}


def _write_geo(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    posts = [(p.lat, p.lon, _post_properties(ix, p)) for p in ix.plan.posts]
    tps = [(t.lat, t.lon, _tps_properties(ix, t)) for t in ix.scenario.tps]
    teams = [(t.lat, t.lon, _team_properties(ix, t)) for t in ix.plan.reserves]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": props} for lat, lon, props in (*posts, *tps, *teams)]
    geojson = out / "rencana.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                  ensure_ascii=False), encoding="utf-8")
    kml_path = out / "rencana.kml"
    _kml(ix, posts, tps, teams).save(str(kml_path))
    return [geojson, kml_path]


def _kml_colour(hex_: str) -> str:
    """KML writes colours aabbggrr."""
    r, g, b = hex_[1:3], hex_[3:5], hex_[5:7]
    return f"ff{b}{g}{r}"


def _style(hex_: str, scale: float, icon: str) -> Any:
    style = simplekml.Style()
    style.iconstyle.color = _kml_colour(hex_)
    style.iconstyle.scale = scale
    style.iconstyle.icon.href = icon
    style.labelstyle.scale = 0.0 if scale < 0.8 else 0.8
    return style


DOT_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
POST_ICON = "http://maps.google.com/mapfiles/kml/shapes/police.png"
RESERVE_ICON = "http://maps.google.com/mapfiles/kml/shapes/triangle.png"

Located = tuple[float, float, dict[str, Any]]


def _kml(ix: PlanView, posts: Sequence[Located], tps: Sequence[Located],
         teams: Sequence[Located]) -> Any:
    info = ix.scenario.info
    kml = simplekml.Kml(name=f"Rencana Pengamanan — {info.name}")
    kml.document.description = operation_name(ix.scenario)
    styles: dict[str, Any] = {}

    def style(key: str, hex_: str, scale: float, icon: str) -> Any:
        if key not in styles:
            styles[key] = _style(hex_, scale, icon)
        return styles[key]

    def describe(lines: Iterable[tuple[str, Any]]) -> str:
        return "<br/>".join(f"<b>{html.escape(k)}</b>: {html.escape(str(v))}" for k, v in lines)

    folder = kml.newfolder(name="Posts")
    for lat, lon, p in posts:
        people = "<br/>".join(html.escape(f"{x['pangkat']} {x['nama']} ({x['nrp']})")
                              for x in p["petugas"])
        point = folder.newpoint(name=f"Pos {p['post_id']}", coords=[(lon, lat)], description=(
            describe((("Kategori", p["kategori"]), ("Pola", p["pola"]),
                      ("TPS", p["no_tps"]), ("Desa/Kel", p["desa"]),
                      ("Kecamatan", p["kecamatan"]), ("Polres", p["polres"]),
                      ("Linmas", p["linmas"]))) + "<br/><b>Personel</b>:<br/>" + people))
        point.style = style(f"post:{p['kelas']}", CLASS_COLOUR[RiskClass(p["kelas"])], 1.0,
                            POST_ICON)
    folder = kml.newfolder(name="TPS")
    for lat, lon, p in tps:
        hex_ = CLASS_COLOUR[RiskClass(p["kelas"])] if p["kelas"] else UNKNOWN_COLOUR
        point = folder.newpoint(name=f"TPS {p['no_tps']} {p['desa']}", coords=[(lon, lat)],
                                description=describe((
                                    ("ID TPS", p["tps_id"]), ("Kategori", p["kategori"]),
                                    ("Pos", p["post_id"] or "tidak terjaga"),
                                    ("Kecamatan", p["kecamatan"]),
                                    ("Pemilih", p["pemilih"] if p["pemilih"] is not None
                                     else "—"))))
        point.style = style(f"tps:{p['kelas']}", hex_, 0.6, DOT_ICON)
    folder = kml.newfolder(name="Cadangan")
    for lat, lon, p in teams:
        point = folder.newpoint(name=f"Cadangan {p['team_id']}", coords=[(lon, lat)],
                                description=describe((("Satuan", p["satuan"]),
                                                      ("Titik siaga", p["titik_siaga"]),
                                                      ("Anggota", p["anggota"]))))
        point.style = style("reserve", RESERVE_COLOUR, 1.1, RESERVE_ICON)
    return kml


# --- everything -----------------------------------------------------------------------------


def write_all(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """Every plan document into ``out``: workbooks, cards, the summary and the geo files."""
    ix = PlanView(plan, scenario)
    writers: tuple[Callable[[PlanView, Path], list[Path]], ...] = (
        _write_workbooks, _write_cards, _write_summary, _write_geo)
    return [path for write in writers for path in write(ix, out)]
