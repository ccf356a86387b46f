"""Strict reading and writing of the CSV tables that scenarios and imports are made of.

Reading accepts what Excel with Indonesian regional settings writes when its reading is
unambiguous (a UTF-8 byte-order mark, a ``sep=;`` first line, a ``;`` separator with decimal
commas, a file wholly in Windows-1252, read with a warning), and reports, rather than guesses
around, the rest: an empty file, a file that mixes encodings, a missing column, a row with the
wrong number of fields, a number written with a thousands separator (``1.000`` voters), a cell
too long for its database column or one holding a control character, a cell longer than the
CSV reader takes at all.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, Union

from pydantic import TypeAdapter, ValidationError

from pollguard.scenario.problems import Problem

T = TypeVar("T")
BOM = b"\xef\xbb\xbf"
#: The most characters a checked cell holds when its column names no length of its own (a
#: code, a number, a rank): enough for any good value, short enough to echo in a message.
MAX_CELL_CHARS = 200


@dataclass(frozen=True)
class Row:
    """One data row: its line and its cells by canonical column. ``refused`` names the
    columns whose cell was refused as it stands (too long, a control character) and already
    reported: readers report nothing more about them, and importers skip the row."""

    line: int
    cells: dict[str, str]
    refused: frozenset[str] = frozenset()


@dataclass
class Table:
    """Rows keyed by canonical column names; ``shown`` maps each back to the file's header."""

    file: str
    header: list[str]
    rows: list[Row]
    shown: dict[str, str] = field(default_factory=dict)
    #: What was odd about the file but read anyway (a Windows-1252 file): the caller reports
    #: these with its own warnings once the read succeeds.
    warnings: list[Problem] = field(default_factory=list)

    def label(self, column: str) -> str:
        return self.shown.get(column, column)


def cell_limits(columns: Iterable[str], **lengths: int) -> dict[str, int]:
    """The length each column may hold: ``lengths`` where given (a database column's
    ``String(n)``), else ``MAX_CELL_CHARS``."""
    return {c: lengths.get(c, MAX_CELL_CHARS) for c in columns}


def read_csv(path: Path, *, required: Sequence[str], optional: Sequence[str] = (),
             allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
             allow_empty: bool = False, label: str | None = None,
             limits: Mapping[str, int] | None = None, decimals: Iterable[str] = (),
             data: bytes | None = None) -> tuple[Table, list[Problem]]:
    """Read a CSV file with a header; return its rows and what is wrong. ``data`` is the
    file's content when the caller has read it already (to hash exactly what is parsed);
    ``limits`` and ``decimals`` see ``parse_csv``."""
    raw = path.read_bytes() if data is None else data
    return parse_csv(raw, file=label or path.name, required=required, optional=optional,
                     allow_extra=allow_extra, aliases=aliases, allow_empty=allow_empty,
                     limits=limits, decimals=decimals)


def parse_csv(raw: bytes, *, file: str, required: Sequence[str], optional: Sequence[str] = (),
              allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
              allow_empty: bool = False, limits: Mapping[str, int] | None = None,
              decimals: Iterable[str] = ()) -> tuple[Table, list[Problem]]:
    """Parse CSV bytes. ``limits`` maps the columns whose cells are checked to the most
    characters each may hold (the database column's length: PostgreSQL refuses a longer
    value, SQLite would store it); a checked cell may not hold a control character either.
    A cell longer than the csv module's field limit is reported, not raised.

    What Excel with Indonesian regional settings writes is read when the reading is
    unambiguous: a UTF-8 byte-order mark is dropped; a first line ``sep=;`` (or ``sep=,``)
    names the separator and is skipped (rows keep their line numbers); without it, ``;`` is
    the separator when the header names more of the expected columns split at ``;`` than at
    ``,``. In a ``;`` file a comma can only be a decimal comma, so in the ``decimals``
    columns (those that take fractions) ``-2,0635`` reads as ``-2.0635``. A file that is not
    UTF-8 but wholly Windows-1252 is read as such, with a warning on ``Table.warnings``; one
    that mixes encodings is refused."""
    empty = Table(file, [], [])
    if not raw.strip():
        return empty, [Problem(file, 1, "-", "empty file: expected a header row "
                                             f"({', '.join(required)})")]
    text, warnings, refused = _decode(raw.removeprefix(BOM), file)
    if refused is not None:
        return empty, [refused]
    named = _SEP_LINE.match(text)
    if named and named.group(1) not in ",;":
        return empty, [Problem(file, 1, "-", f"the first line names the separator "
                               f"{named.group(1)!r}; PollGuard reads ',' or ';'")]
    separator = named.group(1) if named else _separator(text, required, optional, aliases)
    reader = _CsvRows(text, separator, skip=1 if named else 0)
    try:
        written = [h.strip() for h in next(reader)]
    except _CsvError as exc:
        return empty, [exc.problem(file, [])]
    table, problems = _check_header(file, written, reader, required, optional, allow_extra,
                                    aliases, allow_empty, limits)
    table.warnings += warnings
    if separator == ";":
        problems += _decimal_commas(table, set(decimals))
    return table, problems


#: Excel's first line naming the separator (``sep=;``), which Excel itself reads and writes.
_SEP_LINE = re.compile(r"^sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.I)


def _decode(raw: bytes, file: str) -> tuple[str, list[Problem], Problem | None]:
    """The text of a file (its byte-order mark already dropped), the warnings about how it was
    read, and the problem that refuses it. UTF-8 first; a file that is not UTF-8 in any line
    holding a non-ASCII character is read as Windows-1252 (what Excel's plain "CSV" writes on
    Indonesian Windows), with a warning; a file with both kinds of lines is refused, since no
    one encoding reads it right."""
    try:
        return raw.decode("utf-8"), [], None
    except UnicodeDecodeError as exc:
        first_bad = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
    utf8_line = next((n for n, line in enumerate(raw.split(b"\n"), start=1)
                      if not line.isascii() and _is_utf8(line)), None)
    if utf8_line is not None:
        return "", [], Problem(file, first_bad, "-", f"line {first_bad} is not UTF-8 while line "
                               f"{utf8_line} is: the file mixes encodings; save it again as "
                               "UTF-8 CSV")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return "", [], Problem(file, first_bad, "-", f"not UTF-8 text (byte 0x{byte:02x}); "
                               "save the file as UTF-8 CSV")
    return text, [Problem(file, first_bad, "-", "not UTF-8: read as Windows-1252 (Excel's "
                          "plain 'CSV'); check the names with accents, or save the file as "
                          "UTF-8 CSV")], None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _separator(text: str, required: Sequence[str], optional: Sequence[str],
               aliases: Mapping[str, str] | None) -> str:
    """``;`` when the header, split at ``;``, names more of the expected columns than split at
    ``,``; else ``,``. A hand check of the header rather than ``csv.Sniffer``, which guesses
    from character counts and picks odd separators on short or regular files."""
    first = _NEWLINE.split(text, maxsplit=1)[0]
    known = {*required, *optional}

    def found(separator: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=separator), [])
        except csv.Error:
            return 0
        return len(known.intersection(_canonical([c.strip() for c in cells], aliases)))

    return ";" if found(";") > found(",") else ","


#: A number with a decimal comma and no other separator: in a ``;`` file, unambiguous.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _decimal_commas(table: Table, decimals: set[str]) -> list[Problem]:
    """Rewrite the decimal commas of a ``;`` file's fraction columns as points, in place, so
    that every reader downstream parses them as it parses the points of a ``,`` file. A value
    still open to two readings (``1.234``: a thousand in Indonesian settings, one and a bit in
    English ones; ``1.234,5``) is refused with the thousands message and marked refused."""
    problems: list[Problem] = []
    for i, row in enumerate(table.rows):
        cells, refused = dict(row.cells), set(row.refused)
        for column in decimals & cells.keys() - refused:
            value = cells[column]
            if _DECIMAL_COMMA.match(value):
                cells[column] = value.replace(",", ".")
            elif why := thousands_problem(value, decimal=True):
                problems.append(Problem(table.file, row.line, table.label(column), why))
                refused.add(column)
        table.rows[i] = Row(row.line, cells, frozenset(refused))
    return problems


class _CsvError(Exception):
    """The csv module gave up on the record starting at ``line``; ``field`` is the index of
    the field that broke it, when known."""

    def __init__(self, line: int, field: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line, self.field, self.reason = line, field, reason

    def problem(self, file: str, header: Sequence[str]) -> Problem:
        column = header[self.field] if self.field is not None and self.field < len(
            header) else "-"
        return Problem(file, self.line, column, self.reason)


_NEWLINE = re.compile(r"\r\n|\r|\n")


class _CsvRows:
    """``csv.reader`` over a text, with ``line_num``, raising ``_CsvError`` (with the line
    and field) where the csv module raises a bare ``csv.Error``. ``skip`` lines (a ``sep=;``
    line) are passed over but still counted, so that rows keep their line numbers."""

    def __init__(self, text: str, separator: str = ",", skip: int = 0) -> None:
        self._text = text
        self._separator = separator
        lines = io.StringIO(text, newline="")
        for _ in range(skip):
            lines.readline()
        self._reader = csv.reader(lines, delimiter=separator)
        self._skip = skip
        self.line_num = skip

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        start = self._skip + self._reader.line_num + 1
        try:
            values = next(self._reader)
        except csv.Error as exc:
            limit = csv.field_size_limit()
            if "field larger than field limit" in str(exc):
                raise _CsvError(start, _long_field(self._text, start, limit,
                                                   self._separator),
                                f"a cell longer than {limit:,} characters (the CSV reader's "
                                "limit): no value PollGuard reads is that long; the rest of "
                                "the file was not read") from None
            raise _CsvError(start, None, f"unreadable CSV ({exc}); the rest of the file was "
                                         "not read") from None
        self.line_num = self._skip + self._reader.line_num
        return values


def _long_field(text: str, line: int, limit: int, separator: str = ",") -> int | None:
    """The index of the first field longer than ``limit`` in the record that starts on
    ``line`` (1-based), read as the csv module reads it (``separator``, double quotes)."""
    pos = 0
    for _, match in zip(range(line - 1), _NEWLINE.finditer(text), strict=False):
        pos = match.end()
    index, length, quoted, at_start = 0, 0, False, True
    i = pos
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text.startswith('"', i + 1):
                length += 1
                i += 1
            elif c == '"':
                quoted = False
            else:
                length += 1
        elif c == '"' and at_start:
            quoted = True
        elif c == separator:
            index, length = index + 1, 0
            at_start = True
            i += 1
            continue
        elif c in "\r\n":
            return None
        else:
            length += 1
        at_start = False
        if length > limit:
            return index
        i += 1
    return None


def _canonical(written: Sequence[str], aliases: Mapping[str, str] | None) -> list[str]:
    if not aliases:
        return list(written)
    return [aliases.get(h.strip().lower().replace(" ", "_"), h) for h in written]


def _check_header(file: str, written: list[str], reader: Any, required: Sequence[str],
                  optional: Sequence[str], allow_extra: bool,
                  aliases: Mapping[str, str] | None,
                  allow_empty: bool = False,
                  limits: Mapping[str, int] | None = None) -> tuple[Table, list[Problem]]:
    """Check the header, then collect the rows of a csv reader (or any reader that yields
    lists of cells and has ``line_num``), checking the cells of the columns in ``limits``."""
    empty = Table(file, [], [])
    header = _canonical(written, aliases)
    top = reader.line_num  # the header's line: 1, or 2 below a ``sep=;`` line
    problems = [Problem(file, top, col, f"missing column (found: {', '.join(header) or 'none'})")
                for col in required if col not in header]
    known = list(dict.fromkeys([*required, *optional]))
    if not allow_extra:
        problems += [Problem(file, top, col, f"unknown column (expected: {', '.join(known)})")
                     for col in header if col not in known]
    problems += [Problem(file, top, col, "column appears twice")
                 for i, col in enumerate(header) if col in header[:i]]
    if problems:
        return empty, problems
    rows: list[Row] = []
    checked = [(h, w, limits[h]) for h, w in zip(header, written, strict=True)
               if limits and h in limits]
    line = top
    try:
        for values in reader:
            line_start = line + 1
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(Problem(file, line_start, "-", f"expected {len(header)} "
                                                               f"fields, found {len(values)}"))
                continue
            cells = {h: v.strip() for h, v in zip(header, values, strict=True)}
            refused = {h: Problem(file, line_start, w, why) for h, w, most in checked
                       if (why := text_problem(cells[h], most))}
            problems += refused.values()
            rows.append(Row(line_start, cells, frozenset(refused)))
    except _CsvError as exc:
        problems.append(exc.problem(file, written))
    if not rows and not problems and not allow_empty:
        problems.append(Problem(file, top + 1, "-", "no data rows after the header"))
    return Table(file, header, rows, dict(zip(header, written, strict=True))), problems


#: Characters no cell may hold besides the C0/C1 controls (tab and line breaks included):
#: Unicode line and paragraph separators, and the bidirectional embeddings, overrides and
#: isolates that make a name display differently from what it is.
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL_NAMES = {"\x00": "NUL", "\b": "backspace", "\t": "tab", "\n": "line feed",
                  "\x0b": "vertical tab", "\x0c": "form feed", "\r": "carriage return",
                  "\x1b": "escape", "\x7f": "delete"}


def text_problem(text: str, most: int) -> str | None:
    """Why a cell cannot be stored as it stands: longer than ``most`` characters, or holding
    a control character. ``None`` when it can."""
    if len(text) > most:
        return f"too long: {len(text):,} characters, at most {most:,} fit this column"
    bad = next((c for c in text if unicodedata.category(c) == "Cc" or c in _INVISIBLE), None)
    if bad is not None:
        name = _CONTROL_NAMES.get(bad) or str(unicodedata.name(bad, "control character"))
        return (f"contains a control character (U+{ord(bad):04X} {name.lower()}) at position "
                f"{text.index(bad) + 1}; remove it")
    return None


_THOUSANDS = re.compile(r"^([+-]?)([1-9]\d{0,2})(?:([.,' \u00a0\u202f])\d{3})(?:\3\d{3})*$")
#: Thousands groups and then a decimal part after the other mark: ``1.234,5``, ``1,234.5``.
_GROUPED_DECIMAL = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(\.)\d{3}(?:\.\d{3})*,|"
                              r"(,)\d{3}(?:,\d{3})*\.)\d+$")


def thousands_problem(text: str, *, decimal: bool = False) -> str | None:
    """Why ``text`` is refused as a number: it looks like a whole number written with a
    thousands separator (``1.000``, ``1,000``, ``12.345.678``), which Indonesian and English
    settings read differently (a thousand, or one). ``decimal``: the column takes fractions
    too, so a single separator may also be a decimal one, and the hint gives both readings;
    there, groups followed by the other mark (``1.234,5``) are refused as well."""
    match = _THOUSANDS.match(text)
    if not match and decimal and (grouped := _GROUPED_DECIMAL.match(text)):
        mark = grouped.group(1) or grouped.group(2)
        number = text.replace(mark, "").replace(",", ".")
        return f'"{text}" looks like a number with a thousands separator; write {number}'
    if not match:
        return None
    whole = re.sub(r"[^\d+-]", "", text)
    hint = f"write {whole}"
    if decimal and match.group(3) in ".," and text.count(match.group(3)) == 1:
        fraction = re.sub(r"[^\d+-]", ".", text).rstrip("0").rstrip(".")
        hint += f", or {fraction} if the separator is a decimal point"
    return f'"{text}" looks like a number with a thousands separator; {hint}'


def integer_fields(model: type) -> set[str]:
    """The fields of a dataclass or pydantic model that hold whole numbers (``int``, or an
    optional ``int``; not ``bool``)."""
    return _fields_of(model, int)


def float_fields(model: type) -> set[str]:
    """The fields of a dataclass or pydantic model that take fractions (``float``, or an
    optional ``float``): where a ``;`` file's decimal commas are read (``parse_csv``)."""
    return _fields_of(model, float)


def _fields_of(model: type, kind: type) -> set[str]:
    try:
        hints = typing.get_type_hints(model)
    except Exception:  # an annotation that does not resolve: no such fields known
        return set()
    found = set()
    for name, hint in hints.items():
        args = typing.get_args(hint) if typing.get_origin(hint) in (Union, types.UnionType) else (
            hint,)
        if kind in args and bool not in args:
            found.add(name)
    return found


class _SheetReader:
    """Rows of a worksheet as text cells, with ``line_num`` like ``csv.reader``. Cells of the
    columns at ``phones`` are read as phone numbers (``sheet_phone``)."""

    def __init__(self, rows: Iterator[tuple[Any, ...]], width: int,
                 phones: frozenset[int] = frozenset()) -> None:
        self._rows = rows
        self._width = width
        self._phones = phones
        self.line_num = 1

    def __iter__(self) -> Iterator[list[str]]:
        for cells in self._rows:
            self.line_num += 1
            cells = tuple(cells[: self._width]) + (None,) * (self._width - len(cells))
            yield [sheet_phone(c) if i in self._phones else sheet_text(c)
                   for i, c in enumerate(cells)]


def _value_format(cell: Any) -> tuple[Any, str]:
    """A worksheet cell's value and number format (a bare value has format ``General``)."""
    if cell is None or not hasattr(cell, "value"):
        return cell, "General"
    return cell.value, getattr(cell, "number_format", None) or "General"


_INTEGER_FORMAT = re.compile(r'^((?:"[^"]*"|\\.)*)([0#]+)$')


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def sheet_text(cell: Any) -> str:
    """A cell as the text it stands for. A whole number loses the ``.0`` of its float; one
    whose number format pads it with zeros (``00000000``, ``"0"0000000000``) is written as
    Excel shows it, leading zeros and quoted prefix included."""
    value, fmt = _value_format(cell)
    if value is None:
        return ""
    whole = _whole(value)
    if whole is None:
        return str(value)
    shown = _INTEGER_FORMAT.match(fmt)
    if shown and whole >= 0:
        prefix = re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) or m.group(2) or "",
                        shown.group(1))
        return prefix + str(whole).zfill(shown.group(2).count("0"))
    return str(whole)


def sheet_phone(cell: Any) -> str:
    """A phone number from a cell. Typed into Excel, ``081234567890`` becomes the number
    81234567890: a number that its format does not already show with a leading ``0`` or
    ``+`` gets back what Indonesian numbers start with: ``0`` before a leading 8 (a mobile
    number, 08xx), ``+`` before a leading 62 (the country code). Text cells stay as typed."""
    value, _ = _value_format(cell)
    text = sheet_text(cell)
    if _whole(value) is None or text.startswith(("0", "+")):
        return text
    if text.startswith("8"):
        return "0" + text
    if text.startswith("62"):
        return "+" + text
    return text


#: How far down a worksheet the header is looked for: a title block above a table is short.
HEADER_SEARCH_ROWS = 30


def read_xlsx(path: Path, *, required: Sequence[str], optional: Sequence[str] = (),
              allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
              label: str | None = None, limits: Mapping[str, int] | None = None,
              phones: Sequence[str] = (),
              data: bytes | None = None) -> tuple[Table, list[Problem]]:
    """Read the first worksheet of a workbook as offices save it; row numbers are Excel's.

    The header is the first row (of the first ``HEADER_SEARCH_ROWS``) that holds every
    required column, after ``aliases``: KPU and personnel offices put title rows above it
    ("DAFTAR TPS ..." in a merged cell). A header cell merged down over several rows names
    its column in each of them, and the header then spans those rows: each column takes its
    lowest name, so a group title above a two-row header is passed over. Empty trailing
    columns and empty rows are ignored. ``phones`` names the (canonical) columns read as phone
    numbers (``sheet_phone``); ``limits`` and ``data`` as for ``read_csv``."""
    from openpyxl import load_workbook

    file = label or path.name
    try:
        book = load_workbook(io.BytesIO(data) if data is not None else path, read_only=True,
                             data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return Table(file, [], []), [Problem(file, 1, "-", f"not a readable XLSX workbook: {exc}")]
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows()
        top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        merges = _merged_ranges(sheet)
        texts = _header_texts(top, merges)
        if not any(any(t) for t in texts):
            return Table(file, [], []), [Problem(file, 1, "-", "empty sheet: expected a header "
                                                 f"row ({', '.join(required)})")]
        first, last = _header_band(texts, required, aliases, merges)
        written = [next((t[c] for t in reversed(texts[first - 1:last]) if t[c]), "")
                   for c in range(len(texts[0]))]
        while written and not written[-1]:
            written.pop()
        header = _canonical(written, aliases)
        at = frozenset(i for i, h in enumerate(header) if h in phones)
        reader = _SheetReader(itertools.chain(top[last:], rows), len(written), at)
        table, problems = _check_header(file, written, reader, required, optional,
                                        allow_extra, aliases, limits=limits)
        return _at_excel_rows(table, problems, first, last)
    finally:
        book.close()


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a worksheet as (min_col, min_row, max_col, max_row). A read-only
    worksheet does not parse them, so they are found in the sheet's XML (the ``mergeCell``
    elements after its data); a fully loaded one lists them."""
    from openpyxl.utils.cell import range_boundaries

    if hasattr(sheet, "merged_cells"):
        refs = [str(r) for r in sheet.merged_cells.ranges]
    elif hasattr(sheet, "_get_source"):
        with sheet._get_source() as src:
            refs = [m.group(1).decode() for m in _MERGE_REF.finditer(src.read())]
    else:
        refs = []
    found = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if None not in (min_col, min_row, max_col, max_row):
            found.append((int(min_col or 0), int(min_row or 0), int(max_col or 0),
                          int(max_row or 0)))
    return found


def _header_texts(top: Sequence[tuple[Any, ...]],
                  merges: Sequence[tuple[int, int, int, int]]) -> list[list[str]]:
    """The text of the first rows, all as wide as the widest; a cell merged down over
    several rows gives its text to each of them in its first column (a merge across columns
    does not name the columns it covers: they would all carry the same name)."""
    width = max((len(r) for r in top), default=0)
    texts = [[sheet_text(c).strip() for c in r] + [""] * (width - len(r)) for r in top]
    for min_col, min_row, _, max_row in merges:
        if min_row > len(texts) or min_col > width:
            continue
        anchor = texts[min_row - 1][min_col - 1]
        for r in range(min_row, min(max_row, len(texts)) + 1):
            if not texts[r - 1][min_col - 1]:
                texts[r - 1][min_col - 1] = anchor
    return texts


def _header_band(texts: Sequence[Sequence[str]], required: Sequence[str],
                 aliases: Mapping[str, str] | None,
                 merges: Sequence[tuple[int, int, int, int]]) -> tuple[int, int]:
    """The first and last Excel row of the header: the first row holding every required
    column, down to the last row a merged cell of it reaches. With no such row, the row
    holding the most of them (else the first one with any text), so that the missing ones
    are reported against what the sheet has."""
    held = [sum(1 for c in required if c in _canonical(t, aliases)) if any(t) else -1
            for t in texts]
    complete = [i for i, n in enumerate(held) if n == len(required)]
    if not complete:
        return (best := held.index(max(held)) + 1), best
    first = complete[0] + 1
    last = max([first] + [max_row for _, min_row, _, max_row in merges
                          if min_row <= first <= max_row])
    return first, min(last, len(texts))


def _at_excel_rows(table: Table, problems: list[Problem], first: int,
                   last: int) -> tuple[Table, list[Problem]]:
    """Renumber what ``_check_header`` read (header on line 1, data from line 2) to the
    sheet's rows: the header is on rows ``first``..``last``, the data below."""
    shift = last - 1
    if shift == 0 and first == 1:
        return table, problems
    rows = [dataclasses.replace(r, line=r.line + shift) for r in table.rows]
    moved = [dataclasses.replace(p, row=first if p.row == 1 else p.row + shift)
             for p in problems]
    return dataclasses.replace(table, rows=rows), moved


@dataclass
class RowSchema(Generic[T]):
    """How the rows of one table become domain objects.

    ``columns`` maps each column to the field it fills; ``parsers`` turn a cell's text into the
    field's value where pydantic's own coercion does not fit (ranks, code lists). Empty cells
    are absent values, so optional fields take their default.
    """

    model: type[T]
    columns: Mapping[str, str]
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    defaults: Mapping[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._adapter = TypeAdapter(self.model)
        self._column_of = {f: c for c, f in self.columns.items()}
        self._integers = integer_fields(self.model)
        #: The columns whose fields take fractions: ``parse_csv``'s ``decimals``.
        self.decimal_columns = frozenset(c for c, f in self.columns.items()
                                         if f in float_fields(self.model))

    def parse(self, table: Table) -> tuple[list[tuple[Row, T]], list[Problem]]:
        parsed: list[tuple[Row, T]] = []
        problems: list[Problem] = []
        for row in table.rows:
            obj, row_problems = self.parse_row(table.file, row, table.label)
            problems += row_problems
            if obj is not None:
                parsed.append((row, obj))
        return parsed, problems

    def parse_row(self, file: str, row: Row,
                  shown: Callable[[str], str] = str) -> tuple[T | None, list[Problem]]:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for column, fname in self.columns.items():
            cell = row.cells.get(column, "")
            if cell == "":
                continue
            parser = self.parsers.get(column)
            if parser is None and fname in self._integers and (why := thousands_problem(cell)):
                problems.append(Problem(file, row.line, shown(column), why))
                continue
            try:
                values[fname] = parser(cell) if parser else cell
            except ValueError as exc:
                if column not in row.refused:  # reported already
                    problems.append(Problem(file, row.line, shown(column), str(exc)))
        for fname, default in self.defaults.items():
            if fname not in values:
                values[fname] = default(values)
        if problems:
            return None, problems
        try:
            return self._adapter.validate_python(values), []
        except ValidationError as exc:
            for err in exc.errors():
                fname = str(err["loc"][0]) if err["loc"] else "-"
                column = self._column_of.get(fname, fname)
                if column in row.refused:
                    continue
                got = row.cells.get(column)
                msg = err["msg"] if err["type"] != "missing" else "required value is empty"
                got_text = f" (got {got!r})" if got not in (None, "") else ""
                problems.append(Problem(file, row.line, shown(column), f"{msg}{got_text}"))
            return None, problems


def parse_yes_no(text: str) -> bool:
    """A yes/no cell as Indonesian and English spreadsheets write it."""
    value = text.strip().lower()
    if value in ("true", "ya", "yes", "y", "1"):
        return True
    if value in ("false", "tidak", "no", "n", "0"):
        return False
    raise ValueError(f"expected ya/tidak (yes/no, true/false), got {text!r}")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows deterministically: ``\\n`` line ends, minimal quoting, no BOM."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def cell(value: Any) -> str:
    """The text a value is written as: empty for None, fixed decimals for coordinates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)
