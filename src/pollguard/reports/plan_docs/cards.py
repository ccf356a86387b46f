"""The assignment cards (PDF): what each officer carries on voting day, so that nobody needs
the whole Sprin to know where to stand, with whom, what they guard and whom to call.

Two files per unit with the same cards: ``kartu_<unit>.pdf`` puts eight cards on an A4 page
(2 x 4, about 105 x 74 mm each, dashed cut lines between them), so a Polres of 600 officers
prints 76 sheets rather than 600 A6 pages; ``kartu_a6_<unit>.pdf`` has one card per A6 page,
in larger type, for units that print on card stock.

A guard's card names his post and its TPS by name, his partner, his Pawas and Kapolsek, and
the Polsek's and the Posko's phones; a Pawas's card lists the posts he supervises, a
Kapolsek's the Pawas of his kecamatan, a reserve member's his team and Danton, a commander's
his place in the operation. A Danton's card is his team's card: call sign, staging point,
strength, himself, the members with their phones, and who calls the team out. Cards follow
the Sprin's order (``CommandView.ordered``), one per officer, so a unit's file holds
``ceil(officers / 8)`` sheets and ``officers`` A6 pages; only a team the plan left without a
Danton adds a card of its own (before its officers', for whoever the Posko names to lead
it)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from pollguard.domain.command import POOL
from pollguard.domain.forces import CommandUnit, Officer, UnitKind
from pollguard.domain.plan import Assignment, Plan, ReserveTeam, Role
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
    rank_name,
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
from pollguard.reports.plan_docs.heading import Heading, date_id, heading

#: The voting day's clock every card states, in the province's zone: the morning apel, and
#: the hours a TPS is open (07.00 to 13.00 local time by the KPU's rules, then the count).
APEL, TPS_OPEN, TPS_CLOSE = "06.00", "07.00", "13.00"
NOTE = "Simpan kartu ini selama bertugas. Data pribadi: jangan disebarkan."
EMPTY = "Tidak ada personel yang diplot untuk satuan ini."
TEAM_SECTION = "Anggota tim"  # the team card's member list: how a reader tells it apart
SHEET_COLUMNS, SHEET_ROWS = 2, 4
PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
CELL = (A4[0] / SHEET_COLUMNS, A4[1] / SHEET_ROWS)  # 105 x 74.25 mm
CELL_INSET = 2.5 * mm  # a card's box inside its cell: clear of the cut and a printer's edge


@dataclass(frozen=True)
class Layout:
    """A card's box and type: one A6 page, or one of the eight cells of an A4 sheet. The
    cards' content is the same in both; only these sizes differ."""

    name: str
    width: float
    height: float
    margin: float  # text from the box's left and right
    label_width: float
    band: float  # the navy band across the top
    title_at: float  # the band's two lines, down from the box's top
    subtitle_at: float
    top_gap: float  # from the band to the first baseline
    bottom: float  # the lowest baseline a row may take: the footer is below
    footer: float  # the footer note's baseline
    line: float  # a row's leading
    size: float  # a value's type
    big: float  # the officer's name, a team's call sign
    label: float
    section_size: float
    section_before: float  # a section title's baseline below the line above
    section_after: float  # the next row's baseline below the section title's
    title: float  # the band's type
    subtitle: float
    note: float  # the footer's
    member_line: float  # a team card's member list
    member_size: float

    @property
    def value_x(self) -> float:
        return self.margin + self.label_width

    @property
    def value_width(self) -> float:
        return self.width - self.value_x - self.margin

    @property
    def first(self) -> float:
        """The first row's baseline."""
        return self.height - self.band - self.top_gap

    @property
    def section_height(self) -> float:
        return self.section_before + self.section_after


A6_CARD = Layout(
    "a6", A6[0], A6[1], margin=5 * mm, label_width=21 * mm, band=17 * mm, title_at=7 * mm,
    subtitle_at=12.5 * mm, top_gap=5 * mm, bottom=9 * mm, footer=4 * mm, line=12.5, size=8.5,
    big=10, label=7, section_size=7.5, section_before=5, section_after=12, title=10.5,
    subtitle=7.5, note=6, member_line=10, member_size=7.5)
SHEET_CARD = Layout(
    "sheet", CELL[0] - 2 * CELL_INSET, CELL[1] - 2 * CELL_INSET, margin=3 * mm,
    label_width=14.5 * mm, band=7.5 * mm, title_at=3.1 * mm, subtitle_at=5.9 * mm,
    top_gap=2.6 * mm, bottom=3.6 * mm, footer=1.4 * mm, line=7.3, size=6.2, big=7.2, label=5,
    section_size=5.4, section_before=2.4, section_after=6.8, title=6.8, subtitle=5.2,
    note=4.3, member_line=6.6, member_size=5.6)


def write_assignment_cards(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``kartu_<unit>.pdf`` (eight cards an A4 sheet) and ``kartu_a6_<unit>.pdf`` (one card
    an A6 page) for every unit that commands officers in the plan, in Sprin order."""
    return write(PlanView(plan, scenario), out)


def write_a6_cards(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """Only ``kartu_a6_<unit>.pdf``: for a download that asks for the A6 set alone."""
    return write(PlanView(plan, scenario), out, sheets=False)


def write(ix: PlanView, out: Path, *, sheets: bool = True, a6: bool = True) -> list[Path]:
    """The card files of every unit (``sheets``: eight an A4 page; ``a6``: one an A6 page),
    each unit's cards built once and fitted to both boxes, so the two files say the same."""
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: base-85 costs a third
    try:
        book = _Book(ix, CommandView(ix))
        paths: list[Path] = []
        for owner in ix.owners():
            cards = book.cards(owner)
            h = book.heading(owner)
            if sheets:
                paths.append(_sheet_file(h, cards, out / f"kartu_{stems[owner]}.pdf"))
            if a6:
                paths.append(_a6_file(h, cards, out / f"kartu_a6_{stems[owner]}.pdf"))
        return paths
    finally:
        rl_config.useA85 = a85


# --- what a card says ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A label and its value; the value wraps to at most ``max_lines`` lines, a ``grow`` row
    to as many as the card has left after every other row (a post's TPS)."""

    label: str
    value: str
    bold: bool = False
    big: bool = False
    max_lines: int = 2
    grow: bool = False
    chip: RiskClass | None = None  # the value starts with this class's name, on its colour
    spare: bool = False  # left out where the card has no room for everything else


@dataclass(frozen=True)
class _Section:
    title: str


@dataclass(frozen=True)
class _Listing:
    """Rows of one kind (a Pawas's posts, a kecamatan's Pawas): as many as fit, one line
    each and more where room is left, the rest counted in a last row."""

    rows: tuple[_Row, ...]
    more: Callable[[int], _Row]


@dataclass(frozen=True)
class _Members:
    """A team's members in columns below everything else, as many as fit, the rest
    counted."""

    entries: tuple[str, ...]
    more: Callable[[int], str]


_Item = _Row | _Section | _Listing | _Members


@dataclass(frozen=True)
class Card:
    """One card's content, before it is fitted to a box (``lay_out``)."""

    band: str  # which band: "officer" or "team"
    items: tuple[_Item, ...]


def deck(ix: PlanView, owner: str) -> list[Card]:
    """``owner``'s cards in file order: one per officer it plots (``CommandView.ordered``),
    and one per reserve team it holds, just before that team's officers."""
    return _Book(ix, CommandView(ix)).cards(owner)


class _Book:
    """The cards of every unit, built from the plan once and drawn into both files."""

    def __init__(self, ix: PlanView, cv: CommandView) -> None:
        self.ix = ix
        self.cv = cv
        self.polsek_of_kecamatan: dict[str, CommandUnit] = {
            kec: u for u in ix.scenario.units if u.kind == UnitKind.POLSEK
            for kec in u.jurisdiction}
        self._headings: dict[str, Heading] = {}

    def heading(self, owner: str) -> Heading:
        if owner not in self._headings:
            self._headings[owner] = heading(self.ix, owner)
        return self._headings[owner]

    def cards(self, owner: str) -> list[Card]:
        """``owner``'s cards in Sprin order: a Danton's card is his team's card, so every
        officer holds exactly one card; a team without a Danton has its card before its
        officers', for whoever the Posko names to lead it."""
        out: list[Card] = []
        teams = {t.team_id: t for t in self.cv.teams_of(owner)}
        done: set[str] = set()
        for a in self.cv.ordered(owner):
            team = teams.get(a.target_id) if a.role == Role.RESERVE else None
            if team is not None and not team.leader_nrp and team.team_id not in done:
                out.append(self._team_card(owner, team))
                done.add(team.team_id)
            if team is not None and a.nrp == team.leader_nrp:
                out.append(self._team_card(owner, team))
                done.add(team.team_id)
            else:
                out.append(self._officer_card(owner, a))
        out += [self._team_card(owner, t) for t in teams.values() if t.team_id not in done]
        return out

    # --- shared lines ------------------------------------------------------------------

    def posko(self, owner: str) -> str:
        """"Posko Polres Kerinci · 0748...": where every card's officer reports to."""
        unit = self.ix.polda if owner == POOL else self.ix.units.get(owner)
        return f"Posko {self.ix.unit_name(owner)} · {_phone_of(unit)}"

    def polsek_text(self, kecamatan_code: str) -> str | None:
        unit = self.polsek_of_kecamatan.get(kecamatan_code)
        return f"{unit.name} · {_phone_of(unit)}" if unit else None

    def chief(self, owner: str) -> str:
        """Who calls a reserve team out: the unit's head in the operation (the Kaopsres, the
        Kaops), through its Posko."""
        code = self.ix.polda.code if owner == POOL else owner
        head = next((a for a in self.cv.command.get(owner, []) if a.target_id == code), None)
        if head is None:
            return ("Kaops" if owner == POOL else "Kaopsres") + " lewat Posko"
        who = rank_name(self.cv.officer(head.nrp))
        return f"{who} ({self.cv.position(head)}) lewat Posko"

    def times(self, owner: str, a: Assignment) -> str:
        zone = self.heading(owner).zone
        if a.role == Role.POST:
            return f"Apel {APEL} {zone} · TPS buka {TPS_OPEN} s.d. {TPS_CLOSE} {zone}, " \
                   "lalu penghitungan suara"
        return f"Apel {APEL} {zone} · pemungutan suara {TPS_OPEN} s.d. {TPS_CLOSE} {zone}"

    def partner_rows(self, a: Assignment) -> list[_Row]:
        partners = self.ix.partners.get(a.nrp, [])
        if not partners:
            return [_Row("Pasangan", "— (tanpa pasangan)")]
        return [_Row("Pasangan" if i == 0 else "", _officer_line(p), bold=True)
                for i, p in enumerate(partners)]

    # --- an officer's card -------------------------------------------------------------

    def _officer_card(self, owner: str, a: Assignment) -> Card:
        ix, cv = self.ix, self.cv
        o = ix.officers[a.nrp]
        position = cv.position(a)
        task = position
        if a.role == Role.DUTY and position == ix.duties[a.target_id].label:
            duty = ix.duties[a.target_id]
            task = DUTY_LABEL.get(duty.kind, duty.kind.value)
        items: list[_Item] = [
            _Row("Nama", o.name, bold=True, big=True, max_lines=2),
            _Row("Pangkat / NRP", f"{o.rank.label} / NRP {o.nrp}"
                 + (f" · HP {o.phone}" if o.phone else "")),
            _Row("Satuan", ix.origin(a, o)),
            _Row("Tugas", task, bold=True),
            _Section(f"Penugasan: {ROLE_LABEL[a.role]}"),
        ]
        if a.role == Role.POST:
            items += self._post(owner, a)
        elif a.role == Role.DUTY:
            items += self._duty(owner, a)
        elif a.role == Role.RESERVE:
            items += self._reserve(owner, a)
        elif a.role == Role.SUPERVISOR:
            items += self._supervisor(owner, a)
        else:
            items += self._command(owner, a)
        return Card("officer", tuple(items))

    def _journey(self, a: Assignment) -> _Row:
        o = self.ix.officers[a.nrp]
        return _Row("Perjalanan", f"dari {self.ix.unit_name(o.home_unit_code)}, "
                                  f"{num(a.travel_km, 1)} km", spare=True)

    def _post(self, owner: str, a: Assignment) -> list[_Item]:
        """A guard's post and its TPS, then whom he works with and answers to: his partner,
        the Pawas of his cluster, the Kapolsek and the Polsek of his kecamatan, the Posko."""
        ix, cv = self.ix, self.cv
        post = ix.posts[a.target_id]
        pawas = cv.pawas_of(post.post_id)
        kapolsek = cv.kapolsek_of(post.kecamatan_code)
        chip = post.risk_class if post.risk_class != RiskClass.KURANG_RAWAN else None
        items: list[_Item] = [
            _Row("Pos", post.post_id, bold=True),
            _Row("TPS", f"{cv.post_tps(post)}, {cv.kecamatan_label(post.kecamatan_code)}",
                 grow=True, max_lines=20),
            _Row("Kategori", f"{post.risk_class.label_id} · pola {pattern(post)} · "
                             f"{len(post.tps_ids)} TPS, {post.linmas} Linmas", chip=chip),
        ]
        if post.equipment:
            items.append(_Row("Perlengkapan", equipment_text(post.equipment)))
        items += [_Row("Koordinat", coord(post.lat, post.lon)),
                  _Row("Waktu", self.times(owner, a), spare=True), self._journey(a),
                  _Section("Pasangan dan komando"), *self.partner_rows(a),
                  _Row("Pawas", with_phone(pawas) if pawas else cv.pawas_text(post.post_id)),
                  _Row("Kapolsek", with_phone(kapolsek) if kapolsek
                       else "dikendalikan Polres")]
        polsek = self.polsek_text(post.kecamatan_code)
        if polsek:
            items.append(_Row("Polsek", polsek))
        items.append(_Row("Posko", self.posko(owner)))
        return items

    def _duty(self, owner: str, a: Assignment) -> list[_Item]:
        duty = self.ix.duties[a.target_id]
        return [_Row("Sasaran", duty.label, bold=True),
                _Row("Jenis", f"{DUTY_LABEL.get(duty.kind, duty.kind.value)} · "
                              f"{duty.officers} personel"),
                _Row("Koordinat", coord(duty.lat, duty.lon)),
                _Row("Waktu", self.times(owner, a), spare=True), self._journey(a),
                _Section("Pasangan dan komando"), *self.partner_rows(a),
                _Row("Posko", self.posko(owner))]

    def _reserve(self, owner: str, a: Assignment) -> list[_Item]:
        """A reserve member's team: its call sign, where it waits, its Danton, and who calls
        it out."""
        ix, cv = self.ix, self.cv
        team = ix.teams[a.target_id]
        danton = cv.danton(team)
        items: list[_Item] = [
            _Row("Tim", cv.team_name(team), bold=True),
            _Row("Jenis", f"{RESERVE_KIND_LABEL.get(team.kind, team.kind.value)} · "
                          f"{team.size} personel"),
            _Row("Titik siaga", f"{ix.staging_name(team)} · {coord(team.lat, team.lon)}"),
            _Row("Waktu", self.times(owner, a), spare=True), self._journey(a),
            _Section("Danton dan komando")]
        items.append(_Row("Danton", with_phone(danton) if danton else "belum ada Danton",
                          bold=danton is not None))  # a Danton holds his team's card instead
        items += self.partner_rows(a)
        items += [_Row("Dikerahkan", f"atas perintah {self.chief(owner)}", max_lines=3),
                  _Row("Posko", self.posko(owner))]
        return items

    def _supervisor(self, owner: str, a: Assignment) -> list[_Item]:
        """A Pawas's cluster and every post in it, each as its TPS by name."""
        ix, cv = self.ix, self.cv
        c = ix.supervisions.get(a.target_id)
        if c is None:
            return [_Row("Klaster", a.target_id, bold=True), _Row("Posko", self.posko(owner))]
        kapolsek = cv.kapolsek_of(c.kecamatan_code)
        items: list[_Item] = [
            _Row("Klaster", cv.cluster_label(c), bold=True),
            _Row("Titik klaster", f"{coord(c.lat, c.lon)} · radius {num(c.radius_km, 1)} km",
                 spare=True),
            _Row("Waktu", self.times(owner, a), spare=True), self._journey(a),
            _Section("Komando"),
            _Row("Kapolsek", with_phone(kapolsek) if kapolsek else "dikendalikan Polres")]
        polsek = self.polsek_text(c.kecamatan_code)
        if polsek:
            items.append(_Row("Polsek", polsek))
        items.append(_Row("Posko", self.posko(owner)))
        posts = [ix.posts[p] for p in c.post_ids if p in ix.posts]
        items += [_Section(f"Pos yang diawasi ({len(posts)})"), _Listing(
            tuple(_Row(post.risk_class.label_id, f"{post.post_id}: {cv.post_tps(post)}",
                       max_lines=3) for post in posts),
            lambda n: _Row("…", f"{n} pos lagi: lihat lampiran Sprin (lembar Pawas)"))]
        return items

    def _command(self, owner: str, a: Assignment) -> list[_Item]:
        """A commander's place: where he sits and, for a Kapolsek, the posts and Pawas of
        his kecamatan."""
        ix, cv = self.ix, self.cv
        o = ix.officers[a.nrp]
        unit = ix.units.get(a.target_id)
        seat = cv.seat(a) + (f" · {coord(unit.hq_lat, unit.hq_lon)}" if unit else "")
        items: list[_Item] = []
        if o.position.strip() and o.position.strip() != cv.position(a):
            items.append(_Row("Jabatan dinas", o.position.strip()))
        items.append(_Row("Kedudukan", seat))
        kec = cv.polsek_of(a)
        posts = [p for p in ix.plan.posts if p.kecamatan_code == kec] if kec else []
        if kec:
            items.append(_Row("Dikendalikan", f"{len(posts)} pos, "
                                              f"{sum(len(p.tps_ids) for p in posts)} TPS"))
        items.append(_Row("Waktu", self.times(owner, a), spare=True))
        if a.travel_km:
            items.append(self._journey(a))
        items.append(_Section("Komando"))
        if unit is not None and unit.kind == UnitKind.POLSEK:
            items.append(_Row("Polsek", f"{unit.name} · {_phone_of(unit)}"))
        items.append(_Row("Posko", self.posko(owner)))
        if kec:
            clusters = [c for c in ix.plan.supervisions if c.kecamatan_code == kec]
            items += [_Section(f"Pawas di {ix.levels.lower} ({len(clusters)})"), _Listing(
                tuple(_Row(f"{i}.", f"{cv.cluster_label(c)}: "
                           + (with_phone(cv.officer(c.nrp)) if c.nrp else "belum ada Pawas"))
                      for i, c in enumerate(clusters, start=1)),
                lambda n: _Row("…", f"{n} klaster lagi (lembar Pawas)"))]
        return items

    # --- a team's card -----------------------------------------------------------------

    def _team_card(self, owner: str, team: ReserveTeam) -> Card:
        """What the Danton holds for his team: call sign, kind and strength, where it waits,
        who calls it out, and every member with his phone."""
        ix, cv = self.ix, self.cv
        danton = cv.danton(team)
        members = [ix.officers[a.nrp] for a in ix.by_target.get(team.team_id, ())
                   if a.nrp != team.leader_nrp and a.nrp in ix.officers]
        zone = self.heading(owner).zone
        items: list[_Item] = [
            _Row("Tim", cv.team_name(team), bold=True, big=True),
            _Row("Jenis", f"{RESERVE_KIND_LABEL.get(team.kind, team.kind.value)} · "
                          f"{team.size} personel"),
            _Row("Titik siaga", f"{ix.staging_name(team)} · {coord(team.lat, team.lon)}"),
            _Row("Danton", _officer_line(danton) if danton else
                 "belum ada Danton: Posko menunjuk pemimpin tim", bold=True),
            _Row("Dikerahkan", f"atas perintah {self.chief(owner)}", max_lines=3),
            _Row("Posko", self.posko(owner)),
            _Row("Waktu", f"Siaga sejak apel {APEL} {zone} sampai penghitungan suara selesai",
                 spare=True),
            _Section(f"{TEAM_SECTION} ({len(members)})"),
            _Members(tuple(f"{rank_name(m)} · {m.phone or '—'}" for m in members),
                     lambda n: f"… {n} anggota lagi (lembar Cadangan)"),
        ]
        return Card("team", tuple(items))


def _phone_of(unit: CommandUnit | None) -> str:
    return (unit.phone or "no. telp belum diisi") if unit else "no. telp belum diisi"


def _officer_line(o: Officer | None) -> str:
    """"Briptu Budi Harahap · NRP 90011111 · 0813...": a partner or a Danton on a card."""
    if o is None:
        return "—"
    return f"{rank_name(o)} · NRP {o.nrp}" + (f" · {o.phone}" if o.phone else "")


# --- fitting a card to its box ---------------------------------------------------------------


def _clip(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut to ``width`` with an ellipsis (a word too long for a line)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@lru_cache(maxsize=8192)
def _wrap(value: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``value`` in lines of ``width`` (cached: a unit's Posko, a Pawas, the times and a
    pair's post recur on card after card, and measuring text is most of laying it out)."""
    if stringWidth(value, font, size) <= width:
        return (value,)
    return tuple(_clip(line, font, size, width)
                 for line in simpleSplit(value, font, size, width)) or ("",)


@lru_cache(maxsize=1024)
def _label(text: str, size: float, width: float) -> str:
    return _clip(text, FONT, size, width)


def _shorten(lines: Sequence[str], keep: int, font: str, size: float, width: float) -> list[str]:
    """The first ``keep`` lines, the last ending in an ellipsis where lines were dropped."""
    if len(lines) <= keep:
        return list(lines)
    return [*lines[:keep - 1], _clip(lines[keep - 1] + "…", font, size, width)]


@dataclass
class Placed:
    """A card laid out in its box: what to draw where (points up from the box's bottom)."""

    sections: list[tuple[float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    values: list[tuple[float, str, float, str]] = field(default_factory=list)  # y, font, size
    chips: list[tuple[float, float, RiskClass]] = field(default_factory=list)  # y, width
    columns: list[tuple[float, float, float, list[str]]] = field(
        default_factory=list)  # x, y, type size, lines
    lowest: float = math.inf  # the lowest baseline: it must clear the footer
    dropped: int = 0  # rows that did not fit and are not counted anywhere: must stay 0
    left_out: int = 0  # listed rows and members not shown but counted ("3 pos lagi")
    shortened: int = 0  # values cut short with an ellipsis
    spared: int = 0  # spare rows left out for room


class _Fit:
    """One row's wrapped lines and the lines it gets: a growing or listed row starts at one,
    any other at all it needs."""

    def __init__(self, row: _Row, layout: Layout, *, listed: bool = False) -> None:
        self.row = row
        self.font = BOLD if row.bold else FONT
        self.size = layout.big if row.big else layout.size
        self.lines = _wrap(row.value, self.font, self.size, layout.value_width)
        self.need = min(row.max_lines, len(self.lines))
        self.got = 1 if row.grow or listed else self.need


def lay_out(card: Card, layout: Layout) -> Placed:
    """Where every line of ``card`` goes in ``layout``'s box, so that nothing passes the
    footer or the right edge. Spare rows (the times, the journey) give way first where the
    card cannot show everything else in full; then each row takes its lines (a growing row
    and each listed row one), listings are cut short with a counting row while that is still
    too much, the room left is shared out a line at a time, and a team's members take the
    rest."""
    line = layout.line
    room = layout.first - layout.bottom + line  # the advance the rows may take
    items = list(card.items)
    rows: dict[int, list[_Fit]] = {}  # id(item) -> the rows it shows now
    for item in items:
        if isinstance(item, _Row):
            rows[id(item)] = [_Fit(item, layout)]
        elif isinstance(item, _Listing):
            rows[id(item)] = [_Fit(r, layout, listed=True) for r in item.rows]

    def height(*, full: bool = False) -> float:
        """The advance of ``items`` as laid out now, or (``full``) with every row whole."""
        total = 0.0
        for item in items:
            if isinstance(item, _Section):
                total += layout.section_height
            elif isinstance(item, _Members):
                total += line if not full else max(1, math.ceil(
                    len(item.entries) / 3)) * layout.member_line
            else:
                total += sum(f.need if full else f.got for f in rows[id(item)]) * line
        return total

    spare = [i for i in items if isinstance(i, _Row) and i.spare]
    while spare and height(full=True) > room:
        items.remove(spare.pop())
    listings = [i for i in items if isinstance(i, _Listing)]
    for listing in reversed(listings):  # the last listing gives way first
        k = len(listing.rows)
        while k > 0 and height() > room:
            k -= 1
            rows[id(listing)] = [*rows[id(listing)][:k],
                                 _Fit(listing.more(len(listing.rows) - k), layout)]
    shown = [f for item in items for f in rows.get(id(item), ())]
    over = height() - room
    for f in reversed(shown):
        if over <= 0:
            break
        over -= (f.got - 1) * line
        f.got = 1
    growing = [f for item in items if isinstance(item, _Listing | _Row)
               for f in rows[id(item)] if f.row.grow or isinstance(item, _Listing)]
    left = room - height()
    while left >= line and any(f.got < f.need for f in growing):
        for f in growing:
            if f.got < f.need and left >= line:
                f.got += 1
                left -= line
    placed = _place(items, layout, rows)
    placed.spared = len(card.items) - len(items)
    return placed


def _place(items: Sequence[_Item], layout: Layout, rows: dict[int, list[_Fit]]) -> Placed:
    out = Placed()
    y = layout.first
    for item in items:
        if isinstance(item, _Section):
            y -= layout.section_before
            out.sections.append((y, item.title.upper()))
            y -= layout.section_after
            continue
        if isinstance(item, _Members):
            _place_members(item, layout, y, out)
            continue
        if isinstance(item, _Listing):
            out.left_out += len(item.rows) - sum(f.row in item.rows for f in rows[id(item)])
        for f in rows[id(item)]:
            if y < layout.bottom:
                out.dropped += 1
                continue
            keep = max(1, min(f.got, int((y - layout.bottom) / layout.line) + 1))
            lines = _shorten(f.lines, keep, f.font, f.size, layout.value_width)
            out.shortened += len(lines) < len(f.lines) or lines[-1].endswith("…")
            out.labels.append((y, _label(f.row.label, layout.label, layout.label_width - 2)))
            if f.row.chip is not None:
                chip = min(stringWidth(f.row.chip.label_id, f.font, f.size),
                           layout.value_width) + 4
                out.chips.append((y, chip, f.row.chip))
            for text in lines:
                out.values.append((y, f.font, f.size, text))
                out.lowest = min(out.lowest, y)
                y -= layout.line
    return out


def _place_members(item: _Members, layout: Layout, y: float, out: Placed) -> None:
    """The members in up to three columns, top to bottom then across; what does not fit is
    counted in the last place."""
    rows = max(1, int((y - layout.bottom) / layout.member_line) + 1)
    entries = list(item.entries)
    columns = next((c for c in (1, 2, 3) if len(entries) <= rows * c), 3)
    if columns == 1 and len(entries) > 3:
        columns = 2  # a list of names reads better in two columns than in one long one
    if len(entries) > rows * columns:
        keep = rows * columns - 1
        out.left_out += len(entries) - keep
        entries = [*entries[:keep], item.more(len(entries) - keep)]
    per = math.ceil(len(entries) / columns) if entries else 0
    width = (layout.width - 2 * layout.margin) / columns - 4
    # the type shrinks (to three quarters at most) before a name or a phone number is cut
    widest = max((stringWidth(e, FONT, layout.member_size) for e in entries), default=0.0)
    size = layout.member_size if widest <= width else max(
        0.75 * layout.member_size, math.floor(layout.member_size * width / widest * 4) / 4)
    for c in range(columns):
        chunk = [_clip(e, FONT, size, width) for e in entries[c * per:(c + 1) * per]]
        out.shortened += sum(e.endswith("…") for e in chunk)
        if chunk:
            out.columns.append((layout.margin + c * (width + 4), y, size, chunk))
            out.lowest = min(out.lowest, y - (len(chunk) - 1) * layout.member_line)


# --- drawing ---------------------------------------------------------------------------------


class _Painter:
    """Draws placed cards as a few text objects each (section titles, labels, values) that
    move line by line (``T*``, no numbers) and change font only when it changes: reportlab
    without its C accelerator spends most of its time formatting operator numbers, so fewer
    numbers make the 5,400 cards of a Polda fast."""

    GREY = colors.HexColor(MUTED)
    RULE = colors.HexColor(pdf.RULE)
    HEAD = colors.HexColor(NAVY)
    CHIPS: ClassVar[dict[RiskClass, Any]] = {c: colors.HexColor("#" + CLASS_FILL[c])
                                              for c in RiskClass}

    def __init__(self, canvas: Canvas, layout: Layout) -> None:
        self.c = canvas
        self.layout = layout

    def forms(self, h: Heading) -> None:
        """The band each card of a file shares, drawn once and reused: the officer's and the
        team's."""
        subtitle = f"{h.unit_name} · hari pemungutan suara {date_id(h.voting_day)}"
        self._form("officer", f"Kartu Penugasan — {h.operation}", subtitle)
        self._form("team", f"Kartu Tim Cadangan — {h.operation}", subtitle)

    def _form(self, name: str, title: str, subtitle: str) -> None:
        c, lay = self.c, self.layout
        c.beginForm(name)
        c.setFillColor(self.HEAD)
        c.rect(0, lay.height - lay.band, lay.width, lay.band, stroke=0, fill=1)
        c.setFillColor(colors.white)
        width = lay.width - 2 * lay.margin
        for text, font, size, at in ((title, BOLD, lay.title, lay.title_at),
                                     (subtitle, FONT, lay.subtitle, lay.subtitle_at)):
            while stringWidth(text, font, size) > width and size > 4:
                size -= 0.25
            c.setFont(font, size)
            c.drawString(lay.margin, lay.height - at, _clip(text, font, size, width))
        c.setFillColor(colors.HexColor("#9aa5b8"))
        c.setFont(FONT, lay.note)
        c.drawString(lay.margin, lay.footer, NOTE)
        c.endForm()

    def card(self, card: Card, number: str) -> Placed:
        placed = lay_out(card, self.layout)
        self.c.doForm(card.band)
        self.draw(placed, number)
        return placed

    def empty(self) -> None:
        lay = self.layout
        self.c.doForm("officer")
        self.c.setFillGray(0)
        self.c.setFont(FONT, lay.size)
        self.c.drawString(lay.margin, lay.first, EMPTY)

    def draw(self, p: Placed, number: str) -> None:
        c, lay = self.c, self.layout
        for y, width, risk in p.chips:
            c.setFillColor(self.CHIPS[risk])
            c.rect(lay.value_x - 2, y - 0.3 * lay.size, width, 1.3 * lay.size, stroke=0,
                   fill=1)
        if p.sections:
            c.setStrokeColor(self.RULE)
            c.setLineWidth(0.5)
            rule = 0.33 * lay.section_size
            c.lines([(lay.margin, y - rule, lay.width - lay.margin, y - rule)
                     for y, _ in p.sections])
        text = self._lines(lay.margin, p.sections, self.HEAD, BOLD, lay.section_size,
                           lay.line) if p.sections else c.beginText()
        text.setFillColor(self.GREY)
        text.setFont(FONT, lay.note, lay.line)
        text.setTextOrigin(lay.width - lay.margin - stringWidth(number, FONT, lay.note),
                           lay.footer)
        text.textOut(number)
        c.drawText(text)
        if p.labels:
            c.drawText(self._lines(lay.margin, p.labels, self.GREY, FONT, lay.label,
                                   lay.line))
        if p.values:
            text = c.beginText(lay.value_x, p.values[0][0])
            text.setFillGray(0)
            font: tuple[str, float] | None = None
            cursor = p.values[0][0]
            for y, name, size, line in p.values:
                if (name, size) != font:
                    text.setFont(name, size, lay.line)
                    font = (name, size)
                if y != cursor:
                    text.moveCursor(0, cursor - y)
                text.textLine(line)
                cursor = y - lay.line
            c.drawText(text)
        for x, y, size, lines in p.columns:
            text = c.beginText(x, y)
            text.setFillGray(0)
            text.setFont(FONT, size, lay.member_line)
            for line in lines:
                text.textLine(line)
            c.drawText(text)

    def _lines(self, x: float, items: Sequence[tuple[float, str]], colour: Any, font: str,
               size: float, leading: float) -> Any:
        text = self.c.beginText(x, items[0][0])
        text.setFillColor(colour)
        text.setFont(font, size, leading)
        cursor = items[0][0]
        for y, line in items:
            if y != cursor:
                text.moveCursor(0, cursor - y)
            text.textLine(line)
            cursor = y - leading
        return text


def _canvas(path: Path, size: tuple[float, float], h: Heading, what: str) -> Canvas:
    canvas = Canvas(str(path), pagesize=size, pageCompression=1)
    canvas.setTitle(f"Kartu Penugasan{what} — {h.operation} — {h.unit_name}")
    canvas.setAuthor("PollGuard")
    return canvas


def _a6_file(h: Heading, cards: Sequence[Card], path: Path) -> Path:
    """One card a page."""
    canvas = _canvas(path, A6, h, " (A6)")
    painter = _Painter(canvas, A6_CARD)
    painter.forms(h)
    for i, card in enumerate(cards, start=1):
        painter.card(card, f"{i}/{len(cards)}")
        canvas.showPage()
    if not cards:  # a PDF needs a page; say why it is empty
        painter.empty()
        canvas.showPage()
    canvas.save()
    return path


def _sheet_file(h: Heading, cards: Sequence[Card], path: Path) -> Path:
    """Eight cards an A4 page, left to right and top to bottom, dashed cut lines between
    them."""
    canvas = _canvas(path, A4, h, "")
    painter = _Painter(canvas, SHEET_CARD)
    painter.forms(h)
    canvas.beginForm("cuts")  # a full sheet's cut lines, drawn once
    _cut_lines(canvas, PER_SHEET)
    canvas.endForm()
    for start in range(0, max(1, len(cards)), PER_SHEET):
        page = cards[start:start + PER_SHEET]
        for j, card in enumerate(page):
            canvas.saveState()
            canvas.translate(*_cell_origin(j))
            painter.card(card, f"{start + j + 1}/{len(cards)}")
            canvas.restoreState()
        if not page:
            canvas.saveState()
            canvas.translate(*_cell_origin(0))
            painter.empty()
            canvas.restoreState()
        if len(page) == PER_SHEET:
            canvas.doForm("cuts")
        else:
            _cut_lines(canvas, max(1, len(page)))
        canvas.showPage()
    canvas.save()
    return path


def _cell_origin(j: int) -> tuple[float, float]:
    """The bottom left of the card box in cell ``j`` (row by row from the top left)."""
    column, row = j % SHEET_COLUMNS, j // SHEET_COLUMNS
    return (column * CELL[0] + CELL_INSET,
            A4[1] - (row + 1) * CELL[1] + CELL_INSET)


def _cut_lines(canvas: Canvas, used: int) -> None:
    """Dashed lines along the edges between the ``used`` cells, each with a scissors mark
    where the cut starts; the paper's own edges need none."""
    w, h = CELL
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#8a93a3"))
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 2)
    rows = math.ceil(used / SHEET_COLUMNS)
    # the cut between the columns beside every row used (a lone card is cut from the blank
    # beside it too), and the one under each row used but the last of the page, as wide as
    # the cards above it
    segments = [(w, A4[1] - r * h, w, A4[1] - (r + 1) * h) for r in range(rows)]
    segments += [(0, A4[1] - r * h, min(SHEET_COLUMNS, used - (r - 1) * SHEET_COLUMNS) * w,
                  A4[1] - r * h) for r in range(1, min(rows + 1, SHEET_ROWS))]
    canvas.lines(segments)
    canvas.setDash()
    for x0, y0, _, y1 in segments:
        _scissors(canvas, x0, y0, across=y0 == y1)
    canvas.restoreState()


def _scissors(canvas: Canvas, x: float, y: float, *, across: bool) -> None:
    """A small pair of open scissors at the start of a cut, blades along it (drawn, not a
    dingbat: a viewer without the symbol font shows a box)."""
    canvas.saveState()
    canvas.translate(x, y)
    if not across:
        canvas.rotate(-90)
    canvas.translate(1.5 * mm, 0)
    canvas.setLineWidth(0.5)
    canvas.setFillColor(colors.white)
    canvas.lines([(2.2, 1.1, 8.5, -1.3), (2.2, -1.1, 8.5, 1.3)])
    canvas.circle(1.2, 1.6, 1.2, stroke=1, fill=1)
    canvas.circle(1.2, -1.6, 1.2, stroke=1, fill=1)
    canvas.restoreState()
