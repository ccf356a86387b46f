"""What every workbook PollGuard writes shares: sheet names Excel accepts, and tables that
print well (bold frozen header, filters, landscape A4 fit to width)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


def sheet_name(name: str, taken: list[str]) -> str:
    """Excel allows 31 characters, no []:*?/\\ and no two sheets of one name."""
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]
    clean, n = base, 2
    while clean in taken:
        suffix = f" ({n})"
        clean, n = base[: 31 - len(suffix)] + suffix, n + 1
    return clean


def print_layout(sheet: Any, title_rows: str = "1:1", area: str | None = None) -> None:
    """Landscape A4, fit to the page width, the title rows repeated on every page; with
    ``area`` ("A1:N40") only that range prints."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    if area:
        sheet.print_area = area


def table_layout(sheet: Any, columns: int, widths: Sequence[float],
                 header_row: int = 1) -> None:
    """Row ``header_row`` (the first, unless a header block stands above the table) as a
    bold, frozen, filtered header over the rows below it so far; column widths; print
    layout with that row repeated on every page."""
    for cell in sheet[header_row][:columns]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"
    last = get_column_letter(columns)
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(sheet.max_row, header_row)}"
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    print_layout(sheet, f"{header_row}:{header_row}")


#: Points per line of the default 11 pt font, and characters per unit of column width.
LINE_PT, CHARS_PER_WIDTH = 15.0, 1.1


def fit_height(sheet: Any, row: int, values: Sequence[Any], widths: Sequence[float],
               wrapped: Iterable[int]) -> None:
    """Give row ``row`` the height its wrapped cells (0-based columns ``wrapped``) need:
    neither Excel nor LibreOffice grows a row for wrapped text when it opens a file, so
    without it the lines of a long Keterangan print over the next row."""
    lines = 1
    for c in wrapped:
        text = "" if values[c] is None else str(values[c])
        room = max(1.0, widths[c] * CHARS_PER_WIDTH)
        lines = max(lines, sum(max(1, math.ceil(len(part) / room))
                               for part in text.split("\n")))
    if lines > 1:
        sheet.row_dimensions[row].height = LINE_PT * lines
