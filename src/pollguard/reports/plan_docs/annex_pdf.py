"""The Sprin's annex as PDF (``lampiran_<unit>.pdf``, A4 landscape, one per Polres and one for
the Polda pool): the pages that go behind the signed Sprin, when the workbook is the copy the
Bag Ops edits and this one is what is printed, signed and filed.

The first page carries the Sprin's header block (kop, "LAMPIRAN SURAT PERINTAH ... NOMOR ...
TANGGAL ...", the title, the warning when fields were defaulted); then a section per Polsek
(its guards), then the other officer lists (command and staff, Pawas, duties, reserve), each
table's header repeated on every page; the signature block at the end. Every page carries the
classification at its head and foot and "Hal. x/y". The rows are ``annex_rows``'s, the same
as the plotting workbook's, so the printed annex and the workbook say the same."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.pdf import BOLD, CELL_PAD, FONT, MARGIN
from pollguard.reports.plan_docs import annex_rows
from pollguard.reports.plan_docs.annex_rows import (
    WARN_FILL,
    WARN_TEXT,
    AnnexHeader,
    AnnexTable,
    SignatureBlock,
)
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.common import CLASS_FILL, file_stems
from pollguard.reports.plan_docs.heading import Heading, heading

PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN  # the text width of a landscape page
KOP_WIDTH, ANNEX_WIDTH, SIGN_WIDTH = 95 * mm, 118 * mm, 95 * mm
SIGN_SPACE = 20 * mm  # room for the signature and the stamp
CELL_SIZE = 7.5  # pdf.table's cell font size (points)
SECTION_ROOM = 35 * mm  # a section starts on a new page unless this much is left
MAX_LINES = 36  # a table row's most lines: more than a page's frame cannot hold


def write_annex_pdf(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``lampiran_polres_kerinci.pdf`` per Polres and ``lampiran_polda.pdf``: the plotting
    annex as the pages a Kapolres signs behind his Sprin."""
    return write(PlanView(plan, scenario), out)


def write(ix: PlanView, out: Path) -> list[Path]:
    """The annex of every owner (each Polres, then the Polda pool) from one indexed plan."""
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    cv = CommandView(ix)
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: base-85 costs a third
    try:
        paths = []
        for owner in ix.owners():
            path = out / f"lampiran_{stems[owner]}.pdf"
            _annex(ix, cv, owner, path)
            paths.append(path)
        return paths
    finally:
        rl_config.useA85 = a85


def _styles() -> dict[str, ParagraphStyle]:
    body = pdf.styles().body
    return {
        "kop": ParagraphStyle("kop", parent=body, fontName=BOLD, fontSize=9, leading=11,
                              alignment=TA_CENTER),
        "annex": ParagraphStyle("annex", parent=body, fontSize=9, leading=11,
                                alignment=TA_LEFT),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=11.5,
                                leading=14, alignment=TA_CENTER, spaceBefore=6),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName=BOLD, fontSize=9,
                                   leading=12, alignment=TA_CENTER),
        "section": ParagraphStyle("section", parent=body, fontName=BOLD, fontSize=9.5,
                                  leading=12, spaceBefore=10, spaceAfter=4),
        "warning": ParagraphStyle("warning", parent=body, fontName=BOLD, fontSize=8,
                                  leading=10, textColor=colors.HexColor(f"#{WARN_TEXT}")),
        "sign": ParagraphStyle("sign", parent=body, fontSize=9, leading=12,
                               alignment=TA_CENTER),
        "sign_left": ParagraphStyle("sign_left", parent=body, fontSize=9, leading=12),
        "body": body,
    }


def _annex(ix: PlanView, cv: CommandView, owner: str, path: Path) -> None:
    """One owner's annex: the guards Polsek by Polsek first (what the Sprin is mostly
    about), then command and staff, Pawas, duties and reserve; lists without anybody are
    left out (the workbook keeps their sheets for the Bag Ops to fill)."""
    h = heading(ix, owner)
    st = _styles()
    tables = annex_rows.tables(ix, cv, owner)
    ordered = [t for t in tables if t.polsek] + [t for t in tables if not t.polsek]
    story: list[Flowable] = _header_block(
        annex_rows.header(h, f"DAFTAR PLOTTING PERSONEL {h.unit_name.upper()}"), st)
    listed = [t for t in ordered if t.rows]
    cells = {id(t): [[_text(v) for v in row] for row in t.rows] for t in listed}
    shares: dict[tuple[str, ...], list[float]] = {}
    for t in listed:
        if t.headers not in shares:
            shares[t.headers] = _shares(t, [row for u in listed if u.headers == t.headers
                                            for row in cells[id(u)]])
    for t in listed:
        story.append(CondPageBreak(SECTION_ROOM))  # no title alone at the foot of a page
        story.append(Paragraph(html.escape(t.subject), st["section"]))
        story.append(_table(t, cells[id(t)], shares[t.headers]))
    if not listed:
        story.append(Paragraph(html.escape(annex_rows.EMPTY), st["body"]))
    story.append(_signature_block(annex_rows.signature(h), st))

    class Numbered(pdf.NumberedCanvas):
        footer_text = (f"{h.classification} · Lampiran Surat Perintah Nomor {h.number} · "
                       f"{h.unit_name}")
        page_label = "Hal. {n}/{of}"

    def marking(canvas: Canvas, _doc: Any) -> None:
        """The classification at the head of every page (the footer repeats it)."""
        canvas.saveState()
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - 9 * mm, h.classification)
        canvas.restoreState()

    doc = pdf.document(str(path), title=f"{h.annex_title} — {h.unit_name}",
                       subject=_subject(h, owner), pagesize=PAGE)
    doc.build(story, onFirstPage=marking, onLaterPages=marking, canvasmaker=Numbered)


def _subject(h: Heading, owner: str) -> str:
    who = "pasukan Polda" if owner == POOL else h.unit_name
    return f"{h.annex_reference} · {h.operation} · {who}"


def _header_block(head: AnnexHeader, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The kop (left, its last line underlined) beside the annex's reference to its Sprin
    (right), the title lines, and the warning of defaulted fields on a highlighted band."""
    e = html.escape
    kop = [Paragraph(f"<u>{e(line)}</u>" if i == len(head.kop) - 1 else e(line), st["kop"])
           for i, line in enumerate(head.kop)]
    annex = [Paragraph(e(line), st["annex"]) for line in head.annex]
    top = Table([[kop, "", annex]],
                colWidths=[KOP_WIDTH, WIDTH - KOP_WIDTH - ANNEX_WIDTH, ANNEX_WIDTH])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    out: list[Flowable] = [top, Spacer(1, 4 * mm)]
    for i, line in enumerate(head.titles):
        out.append(Paragraph(e(line), st["title" if i == 0 else "subtitle"]))
    if head.warning:
        band = Table([[Paragraph(e(head.warning), st["warning"])]], colWidths=[WIDTH])
        band.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(f"#{WARN_FILL}")),
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(f"#{WARN_TEXT}"))]))
        out += [Spacer(1, 3 * mm), band]
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _table(t: AnnexTable, cells: list[list[str]], shares: list[float]) -> Table:
    """The rows in the shared table style (header repeated on each page), the Kerawanan
    cells shaded by class. Tables of the same columns (the Polsek's) share ``shares``, so
    their columns line up from section to section."""
    rows, first = _continued(cells, [WIDTH * f - 2 * CELL_PAD for f in shares])
    out = pdf.table(t.headers, rows, WIDTH, shares, fast=True)
    k = t.class_column
    if k is not None:
        fills = {c.label_id: colors.HexColor(f"#{CLASS_FILL[c]}") for c in RiskClass
                 if CLASS_FILL[c] != "FFFFFF"}
        out.setStyle(TableStyle([("BACKGROUND", (k, r), (k, r), fills[row[k]])
                                 for r, row in enumerate(rows, start=1)
                                 if first[r - 1] and row[k] in fills]))
    return out


def _continued(cells: list[list[str]], widths: list[float]
               ) -> tuple[list[list[str]], list[bool]]:
    """The rows, a row too tall for a page (a Pawas over twenty posts) cut into rows of at
    most ``MAX_LINES`` lines, the cut cells' lines carried on below with the other cells
    left blank (a table row cannot break across pages); and which rows are an officer's
    first."""
    out: list[list[str]] = []
    first: list[bool] = []
    for row in cells:
        if sum(len(v) for v in row) < MAX_LINES * 8:  # too short to be too tall: fast path
            out.append(row)
            first.append(True)
            continue
        lines = [[line for part in v.split("\n")
                  for line in simpleSplit(part, FONT, CELL_SIZE, w)] for v, w in
                 zip(row, widths, strict=True)]
        height = max(len(x) for x in lines)
        for start in range(0, max(height, 1), MAX_LINES):
            out.append(["\n".join(x[start:start + MAX_LINES]) for x in lines])
            first.append(start == 0)
    return out, first


def _shares(t: AnnexTable, cells: list[list[str]]) -> list[float]:
    """Each column's share of the page: the table's widths, each column widened where its
    longest word (of the header or any cell) would not fit, since a word cannot break (an
    NRP, a phone number); the room that takes comes from the columns wider than their
    longest word, in proportion to what each can spare."""
    pad = 2 * CELL_PAD + 1
    scale = WIDTH / sum(t.widths)
    want = [w * scale for w in t.widths]
    least = [max(_longest_word([h], BOLD), _longest_word([row[i] for row in cells])) + pad
             for i, h in enumerate(t.headers)]
    out = [max(w, m) for w, m in zip(want, least, strict=True)]
    over = sum(out) - WIDTH
    spare = sum(w - m for w, m in zip(out, least, strict=True))
    if over > 0 and spare > 0:
        cut = min(1.0, over / spare)
        out = [w - (w - m) * cut for w, m in zip(out, least, strict=True)]
    return [w / sum(out) for w in out]


def _longest_word(texts: list[str], font: str = FONT) -> float:
    return max((_width(w, font) for x in set(texts) for w in set(x.split())), default=0.0)


@lru_cache(maxsize=65536)
def _width(text: str, font: str = FONT) -> float:
    """A text's width in a table cell (the same words recur on every row: remembered)."""
    return stringWidth(text, font, CELL_SIZE)


def _signature_block(sign: SignatureBlock, st: dict[str, ParagraphStyle]) -> Flowable:
    """Right of the page after two blank lines: where and when it was issued, the
    signatory's position, room to sign, his NAME (bold, underlined), rank and NRP."""
    e = html.escape
    block: list[Flowable] = [Paragraph(e(line), st["sign_left"]) for line in sign.issued]
    block += [Spacer(1, 2 * mm), Paragraph(e(sign.position), st["sign"]),
              Spacer(1, SIGN_SPACE), Paragraph(f"<b><u>{e(sign.name)}</u></b>", st["sign"]),
              Paragraph(e(sign.rank_nrp), st["sign"])]
    table = Table([["", block]], colWidths=[WIDTH - SIGN_WIDTH, SIGN_WIDTH])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 2 * 12), table])

