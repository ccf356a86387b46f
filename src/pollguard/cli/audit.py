"""``pollguard audit``: read and verify the hash-chained audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import console, errors, state
from pollguard.domain.timezone import stamp
from pollguard.services import audit
from pollguard.services.locale import operation_locale

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


@app.command()
def verify(ctx: typer.Context) -> None:
    """Recompute the keyed hash chain and hold it against the signed checkpoints; exit 1
    naming the first bad entry (or what is wrong with the checkpoints)."""
    verdict, found = audit.verify(db=state(ctx).db())
    newest = verdict.checkpoint
    if verdict.ok:
        mark = (f"; newest checkpoint: entry {newest.seq} ({newest.at})" if newest else
                f"; no checkpoint yet in {found.path}")
        console.print(f"audit chain intact: {verdict.entries} entries{mark}")
        return
    if verdict.broken_at is not None:
        errors.print(f"[red]audit chain broken at entry {verdict.broken_at}[/]: "
                     f"{verdict.reason}")
    if verdict.seal_problem:
        errors.print(f"[red]audit checkpoints not sound[/]: {verdict.seal_problem}")
    raise typer.Exit(1)


@app.command()
def checkpoint(ctx: typer.Context) -> None:
    """Write a signed checkpoint of the newest entry now and print it (run it from cron, or
    copy the line to paper or another machine: a copy elsewhere is what proves the tail)."""
    head, found = audit.checkpoint(db=state(ctx).db())
    if head is None:
        console.print("the audit log is empty: no checkpoint written")
        return
    newest = found.newest
    assert newest is not None
    console.print(f"checkpoint written to {found.path}:")
    console.print(newest.line(), markup=False, highlight=False, soft_wrap=True)


@app.command("list")
def list_(ctx: typer.Context,
          limit: Annotated[int, typer.Option(help="How many, newest first")] = 20) -> None:
    """The newest entries."""
    rows, total = audit.recent(db=state(ctx).db(), limit=limit)
    zone = operation_locale(db=state(ctx).db()).zone
    table = Table("No", "When", "Who", "Action", "Subject", title=f"{total} entries")
    for e in rows:
        table.add_row(str(e.seq), stamp(dt.datetime.fromisoformat(e.at), zone, seconds=True),
                      e.actor, e.action, e.subject)
    console.print(table)
