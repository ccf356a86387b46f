"""The Rencana Pengamanan drawn twice from one model: a self-contained HTML page and an A4 PDF.

``summary`` builds the content (sections of paragraphs, lists, tables and the map); this
module only lays it out as a signed Polri document: the classification at the top and the
bottom of every page (the PDF's page header and footer; the HTML page's top and bottom, and
on every printed page), the kop at the upper left, the title, the defaults warning, the body,
the place, date and signature block (``heading``), Tembusan, and the technical annex on a
page of its own after the signature."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.numbers import NUMBER
from pollguard.reports.plan_docs import plan_map
from pollguard.reports.plan_docs.heading import Heading

#: The technical annex's title (printed in capitals): everything before it in a rendering,
#: whatever the case, is the signed body.
ANNEX = "Lampiran Teknis"
ANNEX_NOTE = ("Ukuran dan catatan perencanaan untuk staf operasi; bukan bagian dari perintah "
              "dan tidak dibacakan.")
TOP_MARGIN, BOTTOM_MARGIN = 18 * mm, 20 * mm  # room for the classification marks


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "p"  # "p": a paragraph of the body; "note": small print under a table


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    shares: tuple[float, ...]  # of the text width, per column (the PDF's widths)
    total: bool = False  # the last row is a total
    numeric_from: int = 1  # columns from here right-align a number (HTML)


@dataclass(frozen=True)
class Figure:
    """The plan map (``plan_map``) with its caption."""

    caption: str


@dataclass(frozen=True)
class Section:
    title: str  # "1. Situasi", "1.1 Umum", "L.1 Ukuran rencana"
    blocks: tuple[Block, ...]


Block = Text | Items | Grid | Figure | Section


@dataclass(frozen=True)
class Renpam:
    """The whole document: its heading, title lines, body, closing and annex."""

    head: Heading
    title: tuple[str, ...]
    version: int | None
    body: tuple[Section, ...]
    closing: str
    annex: tuple[Section, ...]
    footer: str  # the page footer's left text

    @property
    def version_text(self) -> str:
        return f"Versi rencana {self.version}" if self.version is not None else ""

    @property
    def document_title(self) -> str:
        return self.footer


def signature_lines(head: Heading) -> tuple[str, str, str]:
    """Position, name and the rank and NRP line of the signature block."""
    s = head.signatory
    return s.position.upper(), s.name, f"{s.rank} NRP {s.nrp}".strip()


# --- HTML ------------------------------------------------------------------------------------

CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#e9ecf0;color:#111}
.paper{background:#fff;max-width:200mm;margin:12px auto;padding:14mm 16mm;
box-shadow:0 1px 4px rgba(0,0,0,.2);font-size:13.5px;line-height:1.45}
.mark{text-align:center;font-weight:bold;letter-spacing:2px;padding:6px 0;font-size:14px}
.kop{display:inline-block;text-align:center;font-weight:bold;font-size:13px}
.kop div:last-child{border-bottom:1.5px solid #111;padding-bottom:2px}
.title{text-align:center;font-weight:bold;margin:18px 0 12px;font-size:15px}
.title .version{font-weight:normal;font-size:13px;margin-top:4px}
.warn{background:#fffaeb;border:1px solid #e0b400;padding:6px 10px;font-size:12.5px}
h1{font-size:16px;text-align:center;margin:0}h2{font-size:14.5px;margin:20px 0 6px}
h3{font-size:13.5px;margin:12px 0 4px}
p{margin:4px 0 8px;text-align:justify}
table{border-collapse:collapse;width:100%;font-size:12px;margin:6px 0 8px}
th,td{border:1px solid #b9c0cb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#dce3ee}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.total tr:last-child td{font-weight:bold;background:#eef1f6}
.note{color:#4b5260;font-size:11.5px}
.legend{font-size:12px;margin:6px 0}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;vertical-align:middle;margin-right:5px}
.dot{width:10px;height:10px;border-radius:50%}
.tri{width:0;height:0;border-left:6px solid transparent;border-right:6px solid transparent;
border-bottom:10px solid #000}
.sq{width:9px;height:9px;background:#000}
.ln{width:16px;height:0;border-top:2px solid #000}
.caption{font-size:12px;text-align:center;color:#4b5260}
.sign{margin:22px 0 10px auto;width:46%;min-width:260px}
.sign table{border:0;width:auto;font-size:13.5px;margin:0}
.sign td{border:0;padding:0 4px 0 0}
.sign hr{border:0;border-top:1px solid #111;margin:2px 0 6px}
.sign .center{text-align:center}.sign .space{height:64px}
.sign .name{font-weight:bold;text-decoration:underline}
.copies ol,.body-list{margin:2px 0 8px 0;padding-left:22px}
.annex-head{text-align:center;font-weight:bold;margin-bottom:10px}
@media print{body{background:#fff}.paper{box-shadow:none;margin:0;padding:0;max-width:none}
.annex{break-before:page}h2,h3{break-after:avoid}table{break-inside:auto}}
"""
#: Printed, every page carries the classification in its top and bottom margins (browsers
#: with CSS page-margin boxes); the page's own top and bottom lines carry it on screen.
PAGE_CSS = """
@page{size:A4;margin:20mm 16mm 20mm 16mm;
@top-center{content:"%(mark)s";font:bold 11pt Arial,sans-serif}
@bottom-center{content:"%(mark)s";font:bold 11pt Arial,sans-serif}}
"""


def _css_string(text: str) -> str:
    """``text`` inside a CSS string: quotes and backslashes escaped, no markup."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


def _html_table(g: Grid) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in g.header)
    body = []
    for row in g.rows:
        cells = "".join(
            f'<td class="n">{e(v)}</td>' if i >= g.numeric_from and NUMBER.fullmatch(v)
            else f"<td>{e(v)}</td>" for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    cls = ' class="total"' if g.total else ""
    return (f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table>")


def _legend(m: plan_map.Map) -> str:
    """The key of what the map draws (``plan_map.legend``), each symbol in its colour."""
    e = html.escape
    parts = []
    for label, colour, shape in plan_map.legend(m):
        cls, style = {"triangle": ("tri", f"border-bottom-color:{colour}"),
                      "square": ("sq", f"background:{colour}"),
                      "line": ("ln", f"border-top-color:{colour}")}.get(
                          shape, ("dot", f"background:{colour}"))
        parts.append(f'<span><i class="{cls}" style="{style}"></i>{e(label)}</span>')
    return f'<div class="legend">{"".join(parts)}</div>'


def _html_blocks(blocks: Iterable[Block], depth: int, svg: str) -> str:
    e = html.escape
    out = []
    for b in blocks:
        if isinstance(b, Section):
            tag = "h2" if depth == 0 else "h3"
            out.append(f"<{tag}>{e(b.title)}</{tag}>{_html_blocks(b.blocks, depth + 1, svg)}")
        elif isinstance(b, Text):
            cls = ' class="note"' if b.kind == "note" else ""
            out.append(f"<p{cls}>{e(b.text)}</p>")
        elif isinstance(b, Items):
            tag = "ol" if b.numbered else "ul"
            out.append(f'<{tag} class="body-list">'
                       + "".join(f"<li>{e(x)}</li>" for x in b.items) + f"</{tag}>")
        elif isinstance(b, Grid):
            out.append(_html_table(b))
        else:
            out.append(f'{svg}<p class="caption">{e(b.caption)}</p>')
    return "".join(out)


def render_html(doc: Renpam, svg: str) -> str:
    e = html.escape
    h = doc.head
    mark = e(h.classification)
    kop = "".join(f"<div>{e(line)}</div>" for line in h.kop)
    title = "".join(f"<div>{e(line)}</div>" for line in doc.title)
    if doc.version_text:
        title += f'<div class="version">{e(doc.version_text)}</div>'
    warn = f'<p class="warn"><b>Perhatian:</b> {e(h.warning)}</p>' if h.warning else ""
    position, name, rank = signature_lines(h)
    copies = "".join(f"<li>{e(x)}</li>" for x in h.copies_to)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(doc.document_title)}</title>
<style>{CSS}{PAGE_CSS % {"mark": _css_string(h.classification)}}</style></head><body>
<div class="mark mark-top">{mark}</div>
<article class="paper">
<div class="kop">{kop}</div>
<div class="title">{title}</div>
{warn}
{_html_blocks(doc.body, 0, svg)}
<p>{e(doc.closing)}</p>
<div class="sign">
<table><tr><td>Dikeluarkan di</td><td>:</td><td>{e(h.place)}</td></tr>
<tr><td>Pada tanggal</td><td>:</td><td>{e(h.issued_text)}</td></tr></table><hr>
<div class="center"><b>{e(position)}</b></div><div class="space"></div>
<div class="center name">{e(name)}</div><div class="center">{e(rank)}</div>
</div>
<div class="copies"><b>Tembusan:</b><ol>{copies}</ol></div>
</article>
<article class="paper annex">
<div class="annex-head"><h1>{e(ANNEX.upper())}</h1><div>{e(doc.title[0])}</div></div>
<p class="note">{e(ANNEX_NOTE)}</p>
{_html_blocks(doc.annex, 0, svg)}
</article>
<div class="mark mark-bottom">{mark}</div>
</body></html>
"""


def write_html(doc: Renpam, ix: PlanView, path: Path) -> None:
    m = plan_map.layout(ix, 1000)
    path.write_text(render_html(doc, plan_map.svg(m) + _legend(m)), encoding="utf-8")


# --- PDF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    note: ParagraphStyle
    item: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    kop: ParagraphStyle
    title: ParagraphStyle
    centre: ParagraphStyle
    centre_bold: ParagraphStyle


def _styles() -> _Styles:
    body = ParagraphStyle("rp-body", fontName=pdf.FONT, fontSize=9, leading=12,
                          alignment=TA_JUSTIFY, spaceAfter=4)
    centre = ParagraphStyle("rp-centre", parent=body, alignment=TA_CENTER, spaceAfter=0)
    return _Styles(
        body=body,
        note=ParagraphStyle("rp-note", parent=body, fontSize=7.5, leading=9.5,
                            textColor=colors.HexColor(pdf.MUTED)),
        item=ParagraphStyle("rp-item", parent=body, leftIndent=14, bulletIndent=2,
                            spaceAfter=2),
        h2=ParagraphStyle("rp-h2", parent=body, fontName=pdf.BOLD, fontSize=10.5, leading=13,
                          spaceBefore=9, spaceAfter=4, keepWithNext=1, alignment=0),
        h3=ParagraphStyle("rp-h3", parent=body, fontName=pdf.BOLD, fontSize=9.5, leading=12,
                          spaceBefore=5, spaceAfter=2, keepWithNext=1, alignment=0),
        kop=ParagraphStyle("rp-kop", parent=centre, fontName=pdf.BOLD, fontSize=9, leading=11),
        title=ParagraphStyle("rp-title", parent=centre, fontName=pdf.BOLD, fontSize=11.5,
                             leading=15),
        centre=centre,
        centre_bold=ParagraphStyle("rp-centre-bold", parent=centre, fontName=pdf.BOLD))


def _pdf_blocks(blocks: Iterable[Block], depth: int, st: _Styles,
                figure: Flowable) -> list[Any]:
    e = html.escape
    out: list[Any] = []
    for b in blocks:
        if isinstance(b, Section):
            out.append(Paragraph(e(b.title), st.h2 if depth == 0 else st.h3))
            out += _pdf_blocks(b.blocks, depth + 1, st, figure)
        elif isinstance(b, Text):
            out.append(Paragraph(e(b.text), st.note if b.kind == "note" else st.body))
        elif isinstance(b, Items):
            out += [Paragraph(e(x), st.item, bulletText=f"{i}." if b.numbered else "•")
                    for i, x in enumerate(b.items, start=1)]
        elif isinstance(b, Grid):
            if b.rows:
                out += [pdf.table(b.header, b.rows, pdf.WIDTH, b.shares, total=b.total),
                        Spacer(1, 4)]
        else:
            out += [figure, Paragraph(e(b.caption), st.note)]
    return out


def _kop(head: Heading, st: _Styles) -> Table:
    e = html.escape
    kop = Table([[Paragraph(e(line), st.kop)] for line in head.kop], colWidths=[95 * mm],
                hAlign="LEFT")
    kop.setStyle(TableStyle([("LINEBELOW", (0, -1), (0, -1), 1, colors.black),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return kop


def _signature(head: Heading, st: _Styles) -> Table:
    e = html.escape
    position, name, rank = signature_lines(head)
    issued = Table([[Paragraph("Dikeluarkan di", st.body), ":", Paragraph(e(head.place),
                                                                           st.body)],
                    [Paragraph("Pada tanggal", st.body), ":",
                     Paragraph(e(head.issued_text), st.body)]],
                   colWidths=[26 * mm, 4 * mm, 55 * mm], hAlign="LEFT")
    issued.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 0),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                ("FONT", (0, 0), (-1, -1), pdf.FONT, 9)]))
    right = [issued, Spacer(1, 5), Paragraph(e(position), st.centre_bold), Spacer(1, 15 * mm),
             Paragraph(f"<u>{e(name)}</u>", st.centre_bold), Paragraph(e(rank), st.centre)]
    block = Table([["", right]], colWidths=[pdf.WIDTH * 0.5, pdf.WIDTH * 0.5])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _marked_canvas(classification: str, footer: str) -> type[Canvas]:
    """A canvas that writes the classification at the top and the bottom of every page and
    the footer with "Halaman n dari m" once it knows m."""

    class Marked(pdf.NumberedCanvas):
        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(pdf.BOLD, 10)
                self.setFillColor(colors.black)
                self.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, classification)
                self.drawCentredString(A4[0] / 2, 6 * mm, classification)
                pdf.footer(self, footer, f"Halaman {self._pageNumber} dari {total}")
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return Marked


def render_pdf(doc: Renpam, figure: Flowable, path: Path) -> None:
    e = html.escape
    st = _styles()
    h = doc.head
    story: list[Any] = [_kop(h, st), Spacer(1, 10)]
    story += [Paragraph(e(line), st.title) for line in doc.title]
    if doc.version_text:
        story.append(Paragraph(e(doc.version_text), st.centre))
    story.append(Spacer(1, 8))
    if h.warning:
        warn = Table([[Paragraph(f"<b>Perhatian:</b> {e(h.warning)}", st.body)]],
                     colWidths=[pdf.WIDTH])
        warn.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1),
                                   colors.HexColor(pdf.WARN_FILL)),
                                  ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#e0b400"))]))
        story += [warn, Spacer(1, 4)]
    # the last part stays with the closing and the signature: a signed page never carries
    # the signature alone
    story += _pdf_blocks(doc.body[:-1], 0, st, figure)
    story.append(KeepTogether([*_pdf_blocks(doc.body[-1:], 0, st, figure),
                               Paragraph(e(doc.closing), st.body), Spacer(1, 6),
                               _signature(h, st)]))
    if h.copies_to:
        story.append(KeepTogether([Paragraph("<b>Tembusan:</b>", st.body),
                                   *(Paragraph(e(x), st.item, bulletText=f"{i}.")
                                     for i, x in enumerate(h.copies_to, start=1))]))
    story += [PageBreak(), Paragraph(e(ANNEX.upper()), st.title),
              Paragraph(e(doc.title[0]), st.centre_bold), Spacer(1, 4),
              Paragraph(e(ANNEX_NOTE), st.note)]
    story += _pdf_blocks(doc.annex, 0, st, figure)
    target = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=pdf.MARGIN,
                               rightMargin=pdf.MARGIN, topMargin=TOP_MARGIN,
                               bottomMargin=BOTTOM_MARGIN, title=doc.document_title,
                               author="PollGuard", subject=h.classification)
    target.build(story, canvasmaker=_marked_canvas(h.classification, doc.footer))


def write_pdf(doc: Renpam, ix: PlanView, path: Path) -> None:
    render_pdf(doc, plan_map.drawing(plan_map.layout(ix, pdf.WIDTH)), path)
