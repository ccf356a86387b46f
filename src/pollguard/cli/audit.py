"""``pollguard audit``: read and verify the hash-chained audit trail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import console, errors, state
from pollguard.store import audit
from pollguard.store.uow import UnitOfWork

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


@app.command()
def verify(ctx: typer.Context) -> None:
    """Recompute the hash chain; exit 1 naming the first broken link."""
    with UnitOfWork(state(ctx).db()) as uow:
        verdict = audit.check(uow.session)
    if verdict.ok:
        console.print(f"audit chain intact: {verdict.entries} entries")
        return
    errors.print(f"[red]audit chain broken at entry {verdict.broken_at}[/]: {verdict.reason}")
    raise typer.Exit(1)


@app.command("list")
def list_(ctx: typer.Context,
          limit: Annotated[int, typer.Option(help="How many, newest first")] = 20) -> None:
    """The newest entries."""
    with UnitOfWork(state(ctx).db()) as uow:
        rows, total = audit.recent(uow.session, limit=limit)
    table = Table("No", "When (UTC)", "Who", "Action", "Subject", title=f"{total} entries")
    for e in rows:
        table.add_row(str(e.seq), e.at[:19], e.actor, e.action, e.subject)
    console.print(table)
