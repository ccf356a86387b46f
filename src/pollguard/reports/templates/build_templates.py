"""Build the Word templates PollGuard fills: ``sprin.docx`` (the Sprin of a Polres or of the
Polda, with its roll as Lampiran) and ``sprin_perubahan.docx`` (a Sprin amendment between two
plan versions). Run it once after changing the layout::

    .venv/bin/python src/pollguard/reports/templates/build_templates.py

The templates are ordinary Word documents with Jinja tags (``docxtpl``): ``{{ x }}`` a text,
``{{r x }}`` a value PollGuard formats itself (highlighted where a default filled it),
``{%p for ... %}`` / ``{%tr for ... %}`` a repeated paragraph or table row. They are written
by code rather than kept as hand-edited binaries so that a layout change is a reviewable diff.

A unit that wants its own letterhead and logo need not touch this script: copy
``sprin.docx`` (or ``sprin_perubahan.docx``), put its kop and Tribrata logo in, restyle it in
Word as it likes, keep the tags, and point PollGuard at the copy (the ``template`` argument of
``pollguard.reports.plan_docs.sprin.write`` and ``amendment.write``). The tags a template may
use are listed in those modules' docstrings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FONT = "Arial"
#: Where the Sprin's columns stand: the label's colon, an item's number, the item's text.
COLON, NUMBER, TEXT = Cm(3.25), Cm(3.75), Cm(4.5)
SIGN_INDENT = Cm(8.5)  # the signature block and the annex's reference sit right of this


def _document() -> DocumentType:
    """An A4 page with the margins of an order, Arial 11 single-spaced, and the
    classification marking centred at the top and the bottom of every page."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    for part in (section.header, section.footer):
        p = part.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("{{ classification }}").bold = True
    return doc


def _para(doc: DocumentType | Table, text: str = "", *, bold: bool = False,
          underline: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
          left: int | None = None, first: int | None = None,
          tabs: tuple[int, ...] = (), before: float = 0) -> Paragraph:
    """A paragraph; tabs in ``text`` ("\\t") become Word tabs at ``tabs``."""
    target = doc.cell(0, 0) if isinstance(doc, Table) else doc
    p = target.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.underline = bold, underline
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if left is not None:
        fmt.left_indent = left
    if first is not None:
        fmt.first_line_indent = first
    for stop in tabs:
        fmt.tab_stops.add_tab_stop(stop)
    if before:
        fmt.space_before = Pt(before)
    return p


def _runs(p: Paragraph, *texts: str) -> Paragraph:
    """Append runs to ``p``, one per text: a Jinja tag keeps a run of its own, so that
    ``{{r ... }}`` (which replaces its whole run) takes nothing else with it."""
    for t in texts:
        p.add_run(t)
    return p


def _tag(doc: DocumentType, tag: str) -> None:
    """A paragraph holding only a ``{%p ... %}`` tag (docxtpl drops the paragraph)."""
    doc.add_paragraph(tag)


def _rule_below(p: Paragraph) -> None:
    """A line under the paragraph, as under "Pada tanggal" and the annex's reference."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _kop(doc: DocumentType) -> None:
    """The kop: a block at the top left, its lines centred on one another, the last one
    underlined (the unit's own name), as Polri letters are headed."""
    table = doc.add_table(rows=1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    cell = table.cell(0, 0)
    cell.width = Cm(9.0)
    first = cell.paragraphs[0]
    first.add_run("{%p for line in kop_head %}")
    p = cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{{ line }}")
    cell.add_paragraph("{%p endfor %}")
    p = cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{{ kop_last }}").underline = True


def _title(doc: DocumentType) -> None:
    """"SURAT PERINTAH", its number, and the defaults' warning where there is one."""
    _para(doc, "SURAT PERINTAH", bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          before=18)
    _runs(_para(doc, "Nomor : ", align=WD_ALIGN_PARAGRAPH.CENTER), "{{r number }}")


def _warning(doc: DocumentType) -> None:
    _tag(doc, "{%p if warning %}")
    p = _para(doc, before=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    run = p.add_run("{{ warning }}")
    run.italic = True
    run.font.size = Pt(9)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _tag(doc, "{%p endif %}")


def _numbered(doc: DocumentType, label: str, items: str) -> None:
    """A blank line, then ``Label : 1. item`` and ``2. item`` under it: the label and colon
    on the first item only, every item's text hanging at the text column."""
    _para(doc)
    _tag(doc, f"{{%p for item in {items} %}}")
    p = _para(doc, left=TEXT, first=-TEXT, tabs=(COLON, NUMBER, TEXT), before=0)
    _runs(p, f"{{% if loop.first %}}{label}{{% endif %}}")
    p.add_run().add_tab()
    _runs(p, "{% if loop.first %}:{% endif %}")
    p.add_run().add_tab()
    _runs(p, "{{ loop.index }}.")
    p.add_run().add_tab()
    _runs(p, "{{r item }}")
    p.paragraph_format.space_after = Pt(3)
    _tag(doc, "{%p endfor %}")


def _labelled(doc: DocumentType, label: str, *texts: str, before: float = 6) -> Paragraph:
    """``Label : text`` with the text hanging at the number column."""
    p = _para(doc, left=NUMBER, first=-NUMBER, tabs=(COLON, NUMBER), before=before)
    p.add_run(label)
    p.add_run().add_tab()
    p.add_run(":")
    p.add_run().add_tab()
    _runs(p, *texts)
    return p


def _ordered(doc: DocumentType) -> None:
    _para(doc, "DIPERINTAHKAN", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)


def _closing(doc: DocumentType) -> None:
    _para(doc, "Selesai.", left=NUMBER, before=6)


def _signature(doc: DocumentType, indent: int = SIGN_INDENT) -> None:
    """Dikeluarkan di / Pada tanggal, the position in capitals, room to sign, the name,
    rank and NRP, in a block right of ``indent``."""
    issued_tab = (indent + Cm(3.25),)
    at = _para(doc, left=indent, tabs=issued_tab, before=18)
    at.add_run("Dikeluarkan di")
    at.add_run().add_tab()
    _runs(at, ": ", "{{r place }}")
    p = _para(doc, left=indent, tabs=issued_tab)
    p.add_run("Pada tanggal")
    p.add_run().add_tab()
    _runs(p, ": ", "{{r issued }}")
    _rule_below(p)
    block = [at, p]
    centre = indent - Cm(1.0)
    block.append(_runs(_para(doc, left=centre, align=WD_ALIGN_PARAGRAPH.CENTER, before=6),
                       "{{r sign_position }}"))
    block += [_para(doc, left=centre) for _ in range(4)]
    block.append(_runs(_para(doc, left=centre, align=WD_ALIGN_PARAGRAPH.CENTER),
                       "{{r sign_name }}"))
    _runs(_para(doc, left=centre, align=WD_ALIGN_PARAGRAPH.CENTER), "{{r sign_rank_nrp }}")
    for line in block:  # the block stays on one page: a signature never parts from its name
        line.paragraph_format.keep_with_next = True


def _copies(doc: DocumentType) -> None:
    p = _para(doc, "Tembusan :", before=12)
    p.runs[0].underline = True
    _tag(doc, "{%p for item in copies %}")
    p = _para(doc, left=Cm(0.75), first=Cm(-0.75), tabs=(Cm(0.75),))
    _runs(p, "{{ loop.index }}.")
    p.add_run().add_tab()
    _runs(p, "{{r item }}")
    _tag(doc, "{%p endfor %}")


def _annex_head(doc: DocumentType, indent: int = SIGN_INDENT) -> None:
    """The annex's reference at the top right: "LAMPIRAN SURAT PERINTAH KAPOLRES ...",
    NOMOR and TANGGAL (the Sprin's own), ruled under."""
    tabs = (indent + Cm(2.25),)
    _para(doc, "{{ annex_title }}", left=indent)
    p = _para(doc, left=indent, tabs=tabs)
    p.add_run("NOMOR")
    p.add_run().add_tab()
    _runs(p, ": ", "{{r number }}")
    p = _para(doc, left=indent, tabs=tabs)
    p.add_run("TANGGAL")
    p.add_run().add_tab()
    _runs(p, ": ", "{{r issued }}")
    _rule_below(p)


def _header_row(table: Table, texts: tuple[str, ...]) -> None:
    """Bold, shaded and repeated at the top of every page."""
    row = table.rows[0]
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
    for cell, text in zip(row.cells, texts, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        shade = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "D9D9D9")):
            shade.set(qn(key), value)
        cell._tc.get_or_add_tcPr().append(shade)


def _loop_table(doc: DocumentType, header: tuple[str, ...], widths: tuple[float, ...],
                loop: str, cells: tuple[str, ...], *, group: str | None = None) -> Table:
    """A bordered table: the header row, then one row per item of ``loop`` (``{%tr %}``);
    with ``group`` an item whose ``group`` key is set prints as one merged heading row."""
    rows = 4 + (4 if group else 0)
    table = doc.add_table(rows=rows, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    _header_row(table, header)
    r = 1
    table.cell(r, 0).paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    r += 1
    if group:
        table.cell(r, 0).paragraphs[0].add_run("{%tr if row.group %}")
        r += 1
        merged = table.cell(r, 0).merge(table.cell(r, len(header) - 1))
        merged.paragraphs[0].add_run("{{ row.group }}").bold = True
        r += 1
        table.cell(r, 0).paragraphs[0].add_run("{%tr else %}")
        r += 1
    for i, text in enumerate(cells):
        p = table.cell(r, i).paragraphs[0]
        for j, line in enumerate(text.split("\n")):
            if j:
                p = table.cell(r, i).add_paragraph()
            p.add_run(line)
    r += 1
    if group:
        table.cell(r, 0).paragraphs[0].add_run("{%tr endif %}")
        r += 1
    table.cell(r, 0).paragraphs[0].add_run("{%tr endfor %}")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the table grid, which LibreOffice and Word lay out by
    for row in table.rows:
        row_cells = row.cells
        if len({id(c._tc) for c in row_cells}) == len(row_cells):  # not the merged heading
            for cell, width in zip(row_cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def sprin() -> DocumentType:
    """The Sprin of one unit: kop, title and number, Pertimbangan, Dasar, DIPERINTAHKAN,
    Kepada, Untuk, Selesai, the signature block and Tembusan; then the Lampiran: the roll of
    every officer the order names (No, Nama, Pangkat/NRP, Tugas), signed again."""
    doc = _document()
    _kop(doc)
    _title(doc)
    _warning(doc)
    _numbered(doc, "Pertimbangan", "considerations")
    _numbered(doc, "Dasar", "bases")
    _ordered(doc)
    _labelled(doc, "Kepada", "(nama-nama yang tercantum dalam lampiran Surat Perintah ini), "
              "sebanyak ", "{{ total }}", " personel.")
    _numbered(doc, "Untuk", "tasks")
    _closing(doc)
    _signature(doc)
    _copies(doc)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _annex_head(doc)
    _para(doc, "{{ roll_title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _para(doc)
    _loop_table(doc, ("No", "Nama", "Pangkat/NRP", "Tugas"), (1.1, 5.0, 3.3, 7.1), "roll",
                ("{{ row.no }}", "{{ row.name }}", "{{ row.rank }}\nNRP {{ row.nrp }}",
                 "{{ row.task }}"), group="group")
    _signature(doc)
    return doc


def amendment() -> DocumentType:
    """A Sprin amendment: kop, title, its own number (to fill in), "tentang perubahan Surat
    Perintah Nomor ... tanggal ...", Pertimbangan, Dasar, DIPERINTAHKAN, Kepada, Untuk,
    Selesai, signature, Tembusan; then a landscape Lampiran: per Polres the officers who
    move (Semula, Menjadi, Desa/Kel., Alasan) and the reserve strength before and after."""
    doc = _document()
    _kop(doc)
    _title(doc)
    _para(doc, "tentang", align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    _para(doc, "{{ subject }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _warning(doc)
    _numbered(doc, "Pertimbangan", "considerations")
    _numbered(doc, "Dasar", "bases")
    _ordered(doc)
    _labelled(doc, "Kepada", "(nama-nama yang tercantum dalam lampiran Surat Perintah ini), "
              "sebanyak ", "{{ total }}", " personel.")
    _numbered(doc, "Untuk", "tasks")
    _closing(doc)
    _signature(doc)
    _copies(doc)
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
    landscape.left_margin, landscape.right_margin = Cm(2.0), Cm(2.0)
    wide = Cm(16.0)  # the landscape page's signature block and reference
    _annex_head(doc, wide)
    _para(doc, "{{ roll_title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _tag(doc, "{%p for g in groups %}")
    _para(doc, "{{ g.title }}", bold=True, before=10)
    _tag(doc, "{%p if g.rows %}")
    _loop_table(doc, ("No", "Nama", "Pangkat", "NRP", "Semula", "Menjadi", "Desa/Kel.",
                      "Alasan"), (1.0, 3.6, 2.1, 2.2, 5.4, 5.4, 2.8, 3.2), "g.rows",
                ("{{ row.no }}", "{{ row.name }}", "{{ row.rank }}", "{{ row.nrp }}",
                 "{{ row.before }}", "{{ row.after }}", "{{ row.desa }}",
                 "{{ row.reason }}"))
    _tag(doc, "{%p else %}")
    _para(doc, "Tidak ada personel yang berpindah tempat tugas.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _para(doc, "KEKUATAN CADANGAN SEMULA DAN MENJADI", bold=True, before=14)
    _para(doc)
    _loop_table(doc, ("Satuan", "Tim semula", "Personel semula", "Tim menjadi",
                      "Personel menjadi", "Selisih personel"),
                (7.7, 3.2, 3.2, 3.2, 3.2, 3.2), "reserves",
                ("{{ row.unit }}", "{{ row.teams_before }}", "{{ row.before }}",
                 "{{ row.teams_after }}", "{{ row.after }}", "{{ row.change }}"))
    _signature(doc, wide)
    return doc


def _save(doc: DocumentType, title: str, name: str) -> None:
    """Save with fixed document properties, so that rebuilding an unchanged layout writes
    the same file."""
    props = doc.core_properties
    props.author = props.last_modified_by = "PollGuard"
    props.title = title
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    doc.save(str(HERE / name))


def main() -> None:
    _save(sprin(), "Surat Perintah", "sprin.docx")
    _save(amendment(), "Surat Perintah perubahan", "sprin_perubahan.docx")
    print(f"wrote {HERE / 'sprin.docx'} and {HERE / 'sprin_perubahan.docx'}")


if __name__ == "__main__":
    main()
