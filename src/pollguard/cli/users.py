"""``pollguard user``: accounts and API tokens for the command centre."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from pollguard.access import Role
from pollguard.cli.common import cli_actor, console, fail, state
from pollguard.services import accounts

app = typer.Typer(no_args_is_help=True, help="Command-centre accounts and API tokens.")


@app.command()
def add(ctx: typer.Context, username: str,
        role: Annotated[Role, typer.Option(help="What the account may see and do")],
        unit: Annotated[str | None, typer.Option(
            help="Polres or Polsek code (polres_ops, polsek)")] = None,
        nrp: Annotated[str | None, typer.Option(help="The officer's NRP (field_officer)")] = None,
        name: Annotated[str, typer.Option(help="Display name")] = "",
        password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                              confirmation_prompt=True,
                                              envvar="POLLGUARD_NEW_PASSWORD")] = "",
        ) -> None:
    """Add an account (the password is asked for, or read from POLLGUARD_NEW_PASSWORD)."""
    try:
        accounts.create_user(db=state(ctx).db(), username=username, password=password,
                             role=role, unit_code=unit, nrp=nrp, display_name=name,
                             actor=cli_actor())
    except accounts.AccountError as exc:
        fail(str(exc))
    console.print(f"account [bold]{username}[/] ({role.value}) added")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The accounts."""
    table = Table("Username", "Role", "Unit", "NRP", "Name")
    for p in accounts.listing(db=state(ctx).db()):
        table.add_row(p.username, p.role.value, p.unit_code or "", p.nrp or "", p.display_name)
    console.print(table)


@app.command()
def token(ctx: typer.Context, username: str,
          name: Annotated[str, typer.Option(help="What the token is for")] = "api") -> None:
    """Make an API token acting as USERNAME; it is printed once."""
    try:
        made = accounts.create_token(db=state(ctx).db(), username=username, name=name,
                                     actor=cli_actor())
    except accounts.AccountError as exc:
        fail(str(exc))
    print(made)
