"""Strict reading and writing of the CSV tables that scenarios and imports are made of.

Reading reports, rather than guesses around, the files that spreadsheets commonly produce by
accident: an empty file, a UTF-8 byte-order mark, a semicolon separator (Excel with Indonesian
regional settings), a missing column, a row with the wrong number of fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from pollguard.scenario.problems import Problem

T = TypeVar("T")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass
class Table:
    """Rows keyed by canonical column names; ``shown`` maps each back to the file's header."""

    file: str
    header: list[str]
    rows: list[Row]
    shown: dict[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.shown.get(column, column)


def read_csv(path: Path, *, required: Sequence[str], optional: Sequence[str] = (),
             allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
             allow_empty: bool = False, label: str | None = None) -> tuple[Table, list[Problem]]:
    """Read a comma-separated UTF-8 file with a header; return its rows and what is wrong."""
    raw = path.read_bytes()
    return parse_csv(raw, file=label or path.name, required=required, optional=optional,
                     allow_extra=allow_extra, aliases=aliases, allow_empty=allow_empty)


def parse_csv(raw: bytes, *, file: str, required: Sequence[str], optional: Sequence[str] = (),
              allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
              allow_empty: bool = False) -> tuple[Table, list[Problem]]:
    empty = Table(file, [], [])
    first_col = required[0] if required else "-"
    if not raw.strip():
        return empty, [Problem(file, 1, "-", "empty file: expected a header row "
                                             f"({', '.join(required)})")]
    if raw.startswith(BOM):
        return empty, [Problem(file, 1, first_col, "file starts with a UTF-8 byte-order mark "
                               "(Excel's 'CSV UTF-8'); save it as plain UTF-8 CSV without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return empty, [Problem(file, line, "-", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                                "save the file as UTF-8 CSV")]
    reader = csv.reader(io.StringIO(text, newline=""))
    written = [h.strip() for h in next(reader)]
    if len(written) == 1 and ";" in written[0]:
        return empty, [Problem(file, 1, "-", "the separator is ';' (Excel with Indonesian "
                               "regional settings); PollGuard reads comma-separated files")]
    return _check_header(file, written, reader, required, optional, allow_extra, aliases,
                         allow_empty)


def _canonical(written: Sequence[str], aliases: Mapping[str, str] | None) -> list[str]:
    if not aliases:
        return list(written)
    return [aliases.get(h.strip().lower().replace(" ", "_"), h) for h in written]


def _check_header(file: str, written: list[str], reader: Any, required: Sequence[str],
                  optional: Sequence[str], allow_extra: bool,
                  aliases: Mapping[str, str] | None,
                  allow_empty: bool = False) -> tuple[Table, list[Problem]]:
    """Check the header, then collect the rows of a csv reader (or any reader that yields
    lists of cells and has ``line_num``)."""
    empty = Table(file, [], [])
    header = _canonical(written, aliases)
    problems = [Problem(file, 1, col, f"missing column (found: {', '.join(header) or 'none'})")
                for col in required if col not in header]
    known = list(dict.fromkeys([*required, *optional]))
    if not allow_extra:
        problems += [Problem(file, 1, col, f"unknown column (expected: {', '.join(known)})")
                     for col in header if col not in known]
    problems += [Problem(file, 1, col, "column appears twice")
                 for i, col in enumerate(header) if col in header[:i]]
    if problems:
        return empty, problems
    rows: list[Row] = []
    line = 1
    for values in reader:
        line_start = line + 1
        line = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(file, line_start, "-", f"expected {len(header)} fields, "
                                                           f"found {len(values)}"))
            continue
        rows.append(Row(line_start, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    if not rows and not problems and not allow_empty:
        problems.append(Problem(file, 2, "-", "no data rows after the header"))
    return Table(file, header, rows, dict(zip(header, written, strict=True))), problems


class _SheetReader:
    """Rows of a worksheet as text cells, with ``line_num`` like ``csv.reader``."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.line_num = 1

    def __iter__(self) -> Iterator[list[str]]:
        for values in self._rows:
            self.line_num += 1
            yield [_sheet_text(v) for v in values]


def _sheet_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, *, required: Sequence[str], optional: Sequence[str] = (),
              allow_extra: bool = False, aliases: Mapping[str, str] | None = None,
              label: str | None = None) -> tuple[Table, list[Problem]]:
    """Read the first worksheet of a workbook; row numbers are Excel's."""
    from openpyxl import load_workbook

    file = label or path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return Table(file, [], []), [Problem(file, 1, "-", f"not a readable XLSX workbook: {exc}")]
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or all(v is None for v in first):
            return Table(file, [], []), [Problem(file, 1, "-", "empty sheet: expected a header "
                                                 f"row ({', '.join(required)})")]
        written = [_sheet_text(v).strip() for v in first]
        while written and not written[-1]:
            written.pop()
        reader = _SheetReader(tuple(r[: len(written)]) + ("",) * (len(written) - len(r))
                              for r in rows)
        return _check_header(file, written, reader, required, optional, allow_extra, aliases)
    finally:
        book.close()


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
            try:
                values[fname] = parser(cell) if parser else cell
            except ValueError as exc:
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
