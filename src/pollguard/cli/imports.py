"""``pollguard import tps|roster``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pollguard.cli.common import console, report_invalid, state, steps
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import scenarios

app = typer.Typer(help="Import what users already have: KPU TPS lists, personnel rosters.",
                  no_args_is_help=True)


@app.command()
def tps(ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="KPU-style TPS list (CSV)", exists=True,
                                             dir_okay=False)]) -> None:
    """Replace the TPS of each kab/kota in a KPU-style list (tps_id, tps_no, desa_code...)."""
    db = state(ctx).db()
    try:
        with steps("importing TPS", 1) as step:
            step(file.name)
            result = scenarios.import_tps(db=db, path=file)
    except InvalidInputError as exc:
        report_invalid(exc)
    console.print(f"[green]imported[/] {result.tps:,} TPS in {result.desa:,} desa of "
                  f"{len(result.kabkota)} kab/kota (replacing {result.removed:,})")


@app.command()
def roster(ctx: typer.Context,
           file: Annotated[Path, typer.Argument(help="Roster (CSV or XLSX)", exists=True,
                                                dir_okay=False)]) -> None:
    """Add or update officers by NRP (columns NRP, name/nama, rank/pangkat, unit/satuan,
    branch/fungsi; optional home_unit/asal, bko, phone/no_hp)."""
    db = state(ctx).db()
    try:
        with steps("importing roster", 1) as step:
            step(file.name)
            result = scenarios.import_roster(db=db, path=file)
    except InvalidInputError as exc:
        report_invalid(exc)
    console.print(f"[green]imported[/] roster: {result.added:,} added, "
                  f"{result.updated:,} updated")
