"""The text a reader sees in the documents PollGuard writes, for tests to assert on: a
reportlab PDF's pages and drawn strings, a Word document's paragraphs (body, tables, headers
and footers) and a workbook's cells. Imported by the document tests
(``from doc_text import pdf_text, docx_text, xlsx_text``)."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from openpyxl import load_workbook


def _streams(pdf: Path | bytes) -> list[str]:
    """The content streams of a reportlab PDF, decompressed, string escapes still in."""
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1)
        if raw.rstrip().endswith(b"~>"):  # ASCII85 around the deflated stream
            raw = base64.a85decode(raw.rstrip()[:-2])
        try:
            out.append(zlib.decompressobj().decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return out


def _unescaped(text: str) -> str:
    """PDF string escapes undone: ``\\267`` (WinAnsi's middle dot), ``\\(``, ``\\)``."""
    text = re.sub(r"\\([0-7]{3})", lambda o: chr(int(o.group(1), 8)), text)
    return re.sub(r"\\([()\\])", r"\1", text)


def pdf_pages(pdf: Path | bytes) -> list[str]:
    """The text streams of a reportlab PDF (one per page, plus any shared form), with
    string escapes undone."""
    return [_unescaped(stream) for stream in _streams(pdf)]


def pdf_page_strings(pdf: Path | bytes) -> list[str]:
    """Per stream (a page, or a shared form), the strings it draws (``(...) Tj``), escapes
    undone, joined by spaces."""
    return [" ".join(_unescaped(s) for s in re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", stream))
            for stream in _streams(pdf)]


def pdf_text(pdf: Path | bytes) -> str:
    """The strings a reportlab PDF draws, in order, joined by single spaces (a name wrapped
    over two lines of a cell reads whole)."""
    return " ".join(" ".join(pdf_page_strings(pdf)).split())


def docx_paragraphs(docx: Path | DocumentType) -> list[str]:
    """Every paragraph of a Word document: the body's, the tables' cells', the page headers'
    and footers', in that order."""
    doc = Document(str(docx)) if isinstance(docx, Path) else docx
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    for section in doc.sections:
        out += [p.text for p in section.header.paragraphs]
        out += [p.text for p in section.footer.paragraphs]
    return out


def docx_text(docx: Path | DocumentType) -> str:
    return " ".join(" ".join(docx_paragraphs(docx)).split())


def xlsx_text(path: Path) -> str:
    """Every non-empty cell of every sheet (sheet names included), joined by spaces."""
    book = load_workbook(path, read_only=True)
    try:
        parts: list[str] = []
        for sheet in book.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                parts += [str(v) for v in row if v is not None]
        return " ".join(parts)
    finally:
        book.close()


def text_of(path: Path) -> str:
    """The reader's text of any document PollGuard writes, by its suffix."""
    suffix = path.suffix
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".xlsx":
        return xlsx_text(path)
    return path.read_text(encoding="utf-8")
