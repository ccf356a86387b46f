"""Validation problems, each pinned to ``file:row:column`` so a user can fix the cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with an input. ``row`` is the line number as an editor shows it
    (the header is line 1); ``column`` is the column's name, or ``-`` for the whole row."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class InvalidInputError(Exception):
    """Raised with every problem found; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        first = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        super().__init__(first + (f"\n... and {more} more" if more > 0 else ""))
