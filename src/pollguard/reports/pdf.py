"""What every PDF PollGuard writes shares, defined once: the fonts, the palette, the paragraph
styles of the A4 reports, their headline tiles, tables, page layout and footer. The plan
summary, the assignment cards and the situation report use them, so that the papers a Posko
files look like one service's, and a change of style is made in one place."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from pollguard.reports.numbers import NUMBER

FONT = "Helvetica"
BOLD = "Helvetica-Bold"

NAVY = "#1a2b4c"  # titles, headline tiles, the cards' band
MUTED = "#5b6474"  # notes, labels, footers
HEAD_FILL = "#dce3ee"  # table headers, the rules under a report's facts
RULE = "#c5cbd6"  # table grids, the cards' section rules
TOTAL_FILL = "#eef1f6"  # a table's total row
WARN_FILL = "#fffaeb"  # rows that warn

CELL_PAD = 3  # points left and right of a table cell's text
MARGIN = 15 * mm  # left and right
TOP, BOTTOM = 14 * mm, 16 * mm  # the bottom margin leaves room for the footer
WIDTH = A4[0] - 2 * MARGIN  # the text width of an A4 page


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of an A4 report."""

    h1: ParagraphStyle  # the title
    h2: ParagraphStyle  # a section
    body: ParagraphStyle
    note: ParagraphStyle  # small, muted: subtitles and explanations
    tile: ParagraphStyle  # white on the navy headline tiles


def styles() -> Styles:
    sample = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sample["BodyText"], fontSize=8.5, leading=11)
    return Styles(
        h1=ParagraphStyle("h1", parent=sample["Heading1"], fontSize=16, spaceAfter=2,
                          textColor=colors.HexColor(NAVY)),
        h2=ParagraphStyle("h2", parent=sample["Heading2"], fontSize=11.5, spaceBefore=10,
                          spaceAfter=4, textColor=colors.HexColor(NAVY)),
        body=body,
        note=ParagraphStyle("note", parent=body, fontSize=7.5,
                            textColor=colors.HexColor(MUTED)),
        tile=ParagraphStyle("tile", parent=body, textColor=colors.white, leading=15))


def tiles(items: Sequence[tuple[str, str]], style: ParagraphStyle,
          width: float = WIDTH) -> Table:
    """The headline band: one navy tile per (label, value), the value large above its label."""
    e = html.escape
    table = Table([[Paragraph(f'<font size="14"><b>{e(v)}</b></font><br/>{e(k)}', style)
                    for k, v in items]], colWidths=[width / len(items)] * len(items))
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(NAVY)),
                               ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                               ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


def table(header: Sequence[str], rows: Sequence[Sequence[str]], width: float,
          shares: Sequence[float], *, total: bool = False, fast: bool = False) -> Table:
    """A data table: a bold header repeated on every page, cells that wrap, numbers (after
    the first column) right-aligned; ``shares`` of ``width`` per column; with ``total`` the
    last row is a bold total on a shaded ground. With ``fast`` the cells are broken into
    lines once and drawn as plain text rather than paragraphs: a long table (a Sprin's annex)
    splits over many pages, and reportlab wraps every paragraph left again at each split."""
    widths = [width * f for f in shares]
    plain: list[tuple[str, Any, Any]] = []
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9)
    number = ParagraphStyle("number", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, fontName=BOLD)
    bold = ParagraphStyle("bold", parent=cell, fontName=BOLD)
    bold_number = ParagraphStyle("bold_number", parent=bold, alignment=TA_RIGHT)

    def para(v: str, i: int, r: int, last: bool) -> Paragraph | str:
        numeric = i > 0 and NUMBER.fullmatch(v) is not None
        if fast and not last:
            if numeric:
                plain.append(("ALIGN", (i, r), (i, r)))
            return "\n".join(line for part in v.split("\n") for line in simpleSplit(
                part, FONT, cell.fontSize, widths[i] - 2 * CELL_PAD))
        style = (bold_number if numeric else bold) if last else number if numeric else cell
        return Paragraph(html.escape(v).replace("\n", "<br/>"), style)

    data = [[Paragraph(html.escape(h), head) for h in header]] + [
        [para(v, i, r + 1, total and r == len(rows) - 1) for i, v in enumerate(row)]
        for r, row in enumerate(rows)]
    out = Table(data, colWidths=widths, repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_FILL)),
             ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
             ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
             # plain-text cells (``fast``) in the paragraphs' font, numbers to the right
             ("FONTNAME", (0, 1), (-1, -1), FONT), ("FONTSIZE", (0, 1), (-1, -1), 7.5),
             ("LEADING", (0, 1), (-1, -1), 9),
             *((*cmd, "RIGHT") for cmd in plain)]
    if total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor(TOTAL_FILL)))
    out.setStyle(TableStyle(style))
    return out


def document(target: str | IO[bytes], *, title: str, subject: str | None = None,
             pagesize: tuple[float, float] = A4) -> SimpleDocTemplate:
    """An A4 report with the shared margins, written to a file name or a binary stream
    (``pagesize=landscape(A4)`` for a wide table)."""
    return SimpleDocTemplate(target, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                             topMargin=TOP, bottomMargin=BOTTOM, title=title,
                             author="PollGuard", subject=subject)


def footer(canvas: Canvas, left: str, right: str) -> None:
    """The footer line of an A4 report: ``left`` at the margin, ``right`` flush right (of
    the canvas's page, portrait or landscape)."""
    canvas.setFont(FONT, 7)
    canvas.setFillColor(colors.HexColor(MUTED))
    canvas.drawString(MARGIN, 9 * mm, left)
    canvas.drawRightString(canvas._pagesize[0] - MARGIN, 9 * mm, right)


class NumberedCanvas(Canvas):
    """A canvas that writes the footer with "page n of m" once it knows m: it keeps each
    page's state until ``save``. Subclasses set ``footer_text`` and ``page_label`` (a format
    with ``{n}`` and ``{of}``)."""

    footer_text = ""
    page_label = "{n}/{of}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            footer(self, self.footer_text,
                   self.page_label.format(n=self._pageNumber, of=len(self._pages)))
            self.restoreState()
            super().showPage()
        super().save()
