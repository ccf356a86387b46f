"""``pollguard import tps|roster``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from pollguard.cli.common import cli_actor, console, fail, report_invalid, state, steps
from pollguard.cli.scenario import ProfileOption, report_warnings
from pollguard.profile import ProfileError
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.services import scenarios
from pollguard.services.database import Database

app = typer.Typer(help="Import what users already have: KPU TPS lists, personnel rosters.",
                  no_args_is_help=True)
R = TypeVar("R")


def _run(ctx: typer.Context, title: str, file: Path,
         use_case: Callable[[Database, Path], R]) -> R:
    """Run an import with a progress display; print every problem if the file is rejected."""
    db = state(ctx).db()
    try:
        with steps(title, 1) as step:
            step(file.name)
            return use_case(db, file)
    except InvalidInputError as exc:
        report_invalid(exc)
    except ProfileError as exc:
        fail(str(exc))


@app.command()
def tps(ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="KPU-style TPS list (CSV or XLSX)",
                                             exists=True, dir_okay=False)],
        profile: ProfileOption = None,
        aliases: Annotated[Path | None, typer.Option(
            "--aliases", exists=True, dir_okay=False,
            help="CSV/XLSX of changed desa codes (old_code,new_code or kode_lama,kode_baru), "
                 "applied to the list before it is checked")] = None) -> None:
    """Replace the TPS of each kab/kota in a KPU-style list (tps_id, tps_no, desa_code...)."""
    warnings: list[Problem] = []
    result = _run(ctx, "importing TPS", file,
                  lambda db, path: scenarios.import_tps(db=db, path=path, profile=profile,
                                                        on_warning=warnings.append,
                                                        actor=cli_actor(), aliases=aliases))
    report_warnings(warnings)
    renamed = f", {result.renamed:,} under a new desa code" if aliases is not None else ""
    console.print(f"[green]imported[/] {result.tps:,} TPS in {result.desa:,} desa of "
                  f"{len(result.kabkota)} kab/kota (replacing {result.removed:,}{renamed})")


@app.command()
def roster(ctx: typer.Context,
           file: Annotated[Path, typer.Argument(help="Roster (CSV or XLSX)", exists=True,
                                                dir_okay=False)]) -> None:
    """Add or update officers by NRP (columns NRP, name/nama, rank/pangkat, unit/satuan,
    branch/fungsi; optional home_unit/asal, bko, phone/no_hp)."""
    warnings: list[Problem] = []
    result = _run(ctx, "importing roster", file,
                  lambda db, path: scenarios.import_roster(db=db, path=path,
                                                           on_warning=warnings.append,
                                                           actor=cli_actor()))
    report_warnings(warnings)
    console.print(f"[green]imported[/] roster: {result.added:,} added, "
                  f"{result.updated:,} updated")
