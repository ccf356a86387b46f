"""The assignment cards (PDF, one A6 page per officer): what each officer carries on voting
day, so that nobody needs the whole Sprin to know where to stand, with whom, and what they
guard."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.numbers import num
from pollguard.reports.pdf import BOLD, FONT, MUTED, NAVY
from pollguard.reports.plan_docs.common import (
    CLASS_FILL,
    DUTY_LABEL,
    ROLE_LABEL,
    coord,
    file_stems,
    pattern,
)

CARD_SIZE = A6
CARD_MARGIN = 5 * mm
LABEL_WIDTH = 21 * mm
HEADER_HEIGHT = 17 * mm


def write_assignment_cards(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``kartu_<unit>.pdf``: one A6 page per officer that unit commands in the plan, in Sprin
    order, so each officer gets a card that says where to stand, with whom and what they
    guard without carrying the whole Sprin."""
    return write(PlanView(plan, scenario), out)


def write(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    title = f"Kartu Penugasan — {ix.scenario.info.operation}"
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
        canvas.setFont(FONT, 9)
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
    while stringWidth(title, BOLD, size) > w - 2 * CARD_MARGIN and size > 6:
        size -= 0.5
    canvas.setFont(BOLD, size)
    canvas.drawString(CARD_MARGIN, h - 7 * mm, title)
    canvas.setFont(FONT, 7.5)
    info = ix.scenario.info
    canvas.drawString(CARD_MARGIN, h - 12.5 * mm,
                      f"{ix.unit_name(owner)} · {info.name} · {info.voting_date:%d-%m-%Y}")
    canvas.setFillColor(colors.HexColor("#9aa5b8"))
    canvas.setFont(FONT, 6)
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
    GREY = colors.HexColor(MUTED)
    RULE = colors.HexColor(pdf.RULE)
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
        font = BOLD if bold else FONT
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
                               self.HEAD, BOLD, 7.5)
            text.setFillColor(self.GREY)
            text.setFont(FONT, 6, self.LINE)
            text.setTextOrigin(CARD_SIZE[0] - CARD_MARGIN - stringWidth(page, FONT, 6),
                               4 * mm)
            text.textOut(page)
            c.drawText(text)
        if self.labels:
            c.drawText(self._lines(CARD_MARGIN, self.labels, self.GREY, FONT, 7))
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
        card.row("Koordinat", coord(post.lat, post.lon))
    elif a.role == Role.DUTY:
        duty = ix.duties[a.target_id]
        card.row("Tugas", duty.label, bold=True, max_lines=3)
        card.row("Jenis", DUTY_LABEL.get(duty.kind, duty.kind.value))
        card.row("Personel", f"{duty.officers} orang")
        card.row("Koordinat", coord(duty.lat, duty.lon))
    else:
        team = ix.teams[a.target_id]
        card.row("Tim", team.team_id, bold=True)
        card.row("Titik siaga", ix.staging_name(team), max_lines=2)
        card.row("Anggota tim", f"{team.size} orang")
        card.row("Koordinat", coord(team.lat, team.lon))
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
    card.row("Jarak", f"{num(a.travel_km, 1)} km")
    card.finish(page)
    return card.y

