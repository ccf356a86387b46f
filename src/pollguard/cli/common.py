"""What every command shares: the database option, progress display and error reporting."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from pollguard.scenario.problems import InvalidInputError
from pollguard.services.database import Database, open_database

console = Console()
if not console.is_terminal:  # logs and pipes: tables as wide as a report, not 80 columns
    console.width = 120
errors = Console(stderr=True)
MAX_PROBLEMS_SHOWN = 200


@dataclass
class State:
    db_url: str | None = None
    _db: Database | None = field(default=None, repr=False)

    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.db_url)
        return self._db


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = ctx.find_root().obj = State()
    return obj


@contextmanager
def steps(title: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar that advances one named step at a time."""
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=errors, transient=True) as progress:
        task = progress.add_task(title, total=total)
        first = True

        def advance(name: str) -> None:
            nonlocal first
            if not first:
                progress.advance(task)
            first = False
            progress.update(task, description=f"{title}: {name}")

        yield advance
        progress.update(task, completed=total)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` as an error, as plain text (an error names files, profile keys such as
    ``[planning.duty_minimums]`` and user input, which Rich would read as markup), and exit."""
    errors.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    raise typer.Exit(code)


def report_invalid(exc: InvalidInputError) -> NoReturn:
    """Print every problem as file:row:column: reason (the format editors jump to)."""
    for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    hidden = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        errors.print(f"... and {hidden} more", markup=False)
    fail(f"{len(exc.problems)} problem(s) found; nothing was written")


def cli_actor() -> str:
    """Who acts from the command line, as the audit trail names them."""
    return f"cli:{getpass.getuser()}"
