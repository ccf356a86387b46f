"""The assignment cards (PDF, one A6 page per officer): what each officer carries on voting
day, so that nobody needs the whole Sprin to know where to stand, with whom, what they guard
and whom to call: a guard's card names his Pawas and his Kapolsek with their phones, a Pawas's
card lists the posts he supervises, a reserve member's card names his team's call sign and
Danton, a commander's card his place in the operation."""

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
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_text,
    with_phone,
)
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
TEXT_BOTTOM = 9 * mm  # the lowest a card's text may reach: the footer note is below


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
        cv = CommandView(ix)
        return [_card_file(ix, cv, owner, title, out / f"kartu_{stems[owner]}.pdf")
                for owner in ix.owners()]
    finally:
        rl_config.useA85 = a85


def _card_file(ix: PlanView, cv: CommandView, owner: str, title: str, path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=CARD_SIZE, pageCompression=1)
    canvas.setTitle(f"{title} — {ix.unit_name(owner)}")
    canvas.setAuthor("PollGuard")
    _card_header_form(canvas, ix, owner, title)
    rows = cv.ordered(owner)
    for i, a in enumerate(rows, start=1):
        _card(canvas, ix, cv, a, f"{i}/{len(rows)}")
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

    SECTION = 17.0  # the height a section title takes

    def section(self, text: str) -> None:
        self.y -= 5
        self.sections.append((self.y, text.upper()))
        self.y -= self.SECTION - 5

    def room(self, after: float = 0.0) -> int:
        """Value lines that still fit above the footer, leaving ``after`` points for what
        follows."""
        return max(0, int((self.y - TEXT_BOTTOM - after) / self.LINE))

    def share(self, values: Sequence[str], room: int, cap: int = 3) -> list[int]:
        """Lines for each value so that all fit in ``room``: one each, then one more to each
        value that needs it, in turn, while room is left (at most ``cap`` each)."""
        need = [min(cap, len(simpleSplit(v, FONT, 8.5, self.width)) or 1) for v in values]
        got = [1] * len(values)
        left = room - len(values)
        while left > 0 and any(g < n for g, n in zip(got, need, strict=True)):
            for i, n in enumerate(need):
                if got[i] < n and left > 0:
                    got[i] += 1
                    left -= 1
        return got

    def lines(self, value: str, *, bold: bool = False, size: float = 8.5,
              max_lines: int = 4) -> int:
        """How many lines ``row`` gives ``value``."""
        font = BOLD if bold else FONT
        if stringWidth(value, font, size) <= self.width:
            return 1
        return min(max_lines, len(simpleSplit(value, font, size, self.width)) or 1)

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


def _card(canvas: Canvas, ix: PlanView, cv: CommandView, a: Assignment, page: str) -> float:
    """One officer's page; returns where the text ended (it must clear the footer)."""
    h = CARD_SIZE[1]
    canvas.doForm("header")
    o = ix.officers[a.nrp]
    card = _CardWriter(canvas, h - HEADER_HEIGHT - 5 * mm)
    card.section("Personel")
    card.row("Nama", o.name, bold=True, size=10, max_lines=2)
    card.row("Pangkat / NRP", f"{o.rank.label} / NRP {o.nrp}")
    card.row("Satuan", ix.origin(a, o), max_lines=2)
    position = cv.position(a)
    if a.role != Role.COMMAND and not (a.role == Role.DUTY
                                       and position == ix.duties[a.target_id].label):
        card.row("Jabatan", position, max_lines=2)
    card.section(f"Penugasan: {ROLE_LABEL[a.role]}")
    paired = True
    if a.role == Role.POST:
        _post(card, ix, cv, a)
    elif a.role == Role.DUTY:
        duty = ix.duties[a.target_id]
        card.row("Tugas", duty.label, bold=True, max_lines=3)
        card.row("Jenis", DUTY_LABEL.get(duty.kind, duty.kind.value))
        card.row("Personel", f"{duty.officers} orang")
        card.row("Koordinat", coord(duty.lat, duty.lon))
    elif a.role == Role.RESERVE:
        team = ix.teams[a.target_id]
        danton = cv.danton(team)
        card.row("Tim", cv.team_name(team), bold=True, max_lines=2)
        card.row("Jenis", RESERVE_KIND_LABEL.get(team.kind, team.kind.value))
        if team.leader_nrp == a.nrp:
            card.row("Danton", "Anda memimpin tim ini", bold=True)
            paired = False
        else:
            card.row("Danton", with_phone(danton) if danton else "belum ada Danton",
                     bold=danton is not None, max_lines=2)
        card.row("Titik siaga", ix.staging_name(team), max_lines=2)
        card.row("Anggota tim", f"{team.size} orang")
        card.row("Koordinat", coord(team.lat, team.lon))
    elif a.role == Role.SUPERVISOR:
        _supervisor(card, ix, cv, a)
        paired = False
    else:
        _command(card, ix, cv, a)
        paired = False
    if paired:
        card.section("Pasangan")
        partners = ix.partners.get(a.nrp, [])
        if partners:
            for p in partners:
                card.row("Nama", p.name, bold=True, max_lines=2)
                card.row("Pangkat / NRP", f"{p.rank.label} / NRP {p.nrp}")
        else:
            card.row("Nama", "— (tanpa pasangan)")
    if a.role != Role.COMMAND or a.travel_km:
        card.section("Perjalanan")
        card.row("Dari markas", f"{ix.unit_name(o.home_unit_code)} · {num(a.travel_km, 1)} km",
                 max_lines=2)
    card.finish(page)
    return card.y


def _post(card: _CardWriter, ix: PlanView, cv: CommandView, a: Assignment) -> None:
    """A guard's post, then whom he answers to: the Pawas of his cluster and the Kapolsek
    of his kecamatan, with their phones."""
    post = ix.posts[a.target_id]
    o = ix.officers[a.nrp]
    pawas = cv.pawas_of(post.post_id)
    kapolsek = cv.kapolsek_of(post.kecamatan_code)
    pawas_text = with_phone(pawas) if pawas else cv.pawas_text(post.post_id)
    kapolsek_text = with_phone(kapolsek) if kapolsek else "dikendalikan Polres"
    equipment = equipment_text(post.equipment) if post.equipment else ""
    journey = f"{ix.unit_name(o.home_unit_code)} · {num(a.travel_km, 1)} km"
    partners = ix.partners.get(a.nrp, [])
    card.row("Pos", post.post_id, bold=True)
    # the TPS list (a post over several desa names each) takes the lines left after what
    # follows it: four post rows, the equipment, Komando, the partners and the journey
    after = card.LINE * (4 + sum(card.lines(v, max_lines=2) for v in (
        pawas_text, kapolsek_text, journey, *((equipment,) if equipment else ())))
        + sum(card.lines(p.name, bold=True, max_lines=2) + 1 for p in partners)
        + (0 if partners else 1)) + 3 * card.SECTION
    card.row("TPS", cv.post_tps(post), max_lines=max(1, min(9, card.room(after))))
    card.row("Kecamatan", ix.kecamatan_name(post.kecamatan_code))
    card.row("Kategori", post.risk_class.label_id, bold=True,
             chip=post.risk_class if post.risk_class != RiskClass.KURANG_RAWAN else None)
    card.row("Pola", f"{pattern(post)} · pos ini: {len(post.tps_ids)} TPS, "
                     f"{post.linmas} Linmas")
    if equipment:
        card.row("Perlengkapan", equipment, max_lines=2)
    card.row("Koordinat", coord(post.lat, post.lon))
    card.section("Komando")
    card.row("Pawas", pawas_text, max_lines=2)
    card.row("Kapolsek", kapolsek_text, max_lines=2)


def _supervisor(card: _CardWriter, ix: PlanView, cv: CommandView, a: Assignment) -> None:
    """A Pawas's cluster and every post in it, each as its TPS by name: as many lines each as
    the page has room for."""
    c = ix.supervisions.get(a.target_id)
    if c is None:
        card.row("Klaster", a.target_id, bold=True)
        return
    card.row("Klaster", c.cluster_id, bold=True)
    card.row("Kecamatan", ix.kecamatan_name(c.kecamatan_code))
    kapolsek = cv.kapolsek_of(c.kecamatan_code)
    card.row("Kapolsek", with_phone(kapolsek) if kapolsek else "dikendalikan Polres",
             max_lines=2)
    card.row("Titik klaster", f"{coord(c.lat, c.lon)} · radius {num(c.radius_km, 1)} km",
             max_lines=2)
    posts = [ix.posts[p] for p in c.post_ids if p in ix.posts]
    card.section(f"Pos yang diawasi ({len(posts)})")
    texts = [f"{post.post_id}: {cv.post_tps(post)}" for post in posts]
    for i, (post, text, lines) in enumerate(zip(posts, texts, card.share(
            texts, card.room(after=card.SECTION + card.LINE)), strict=True), start=1):
        card.row(f"{i}. {post.risk_class.label_id}", text, max_lines=lines)


def _command(card: _CardWriter, ix: PlanView, cv: CommandView, a: Assignment) -> None:
    """A commander's place: where he sits and, for a Kapolsek, the posts and Pawas of his
    kecamatan."""
    o = ix.officers[a.nrp]
    card.row("Jabatan", cv.position(a), bold=True, max_lines=3)
    if o.position.strip() and o.position.strip() != cv.position(a):
        card.row("Jabatan dinas", o.position.strip(), max_lines=2)
    card.row("Kedudukan", cv.seat(a), max_lines=2)
    unit = ix.units.get(a.target_id)
    if unit is not None:
        card.row("Koordinat", coord(unit.hq_lat, unit.hq_lon))
    kec = cv.polsek_of(a)
    if not kec:
        return
    posts = [p for p in ix.plan.posts if p.kecamatan_code == kec]
    card.row("Dikendalikan", f"{len(posts)} pos, {sum(len(p.tps_ids) for p in posts)} TPS")
    clusters = [c for c in ix.plan.supervisions if c.kecamatan_code == kec]
    card.section(f"Pawas di kecamatan ({len(clusters)})")
    room = card.room(after=card.SECTION + card.LINE)
    for i, c in enumerate(clusters):
        if i == room - 1 and len(clusters) > room:
            card.row("…", f"{len(clusters) - i} klaster lagi (lembar Pawas)")
            break
        card.row(c.cluster_id, with_phone(cv.officer(c.nrp)) if c.nrp
                 else "belum ada Pawas", max_lines=1)
