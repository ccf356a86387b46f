"""``pollguard import tps|roster|boundaries``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from pollguard.cli.common import cli_actor, console, fail, report_invalid, state, steps
from pollguard.cli.scenario import ProfileOption, report_warnings
from pollguard.planning.drift import TpsDrift
from pollguard.profile import ProfileError
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.services import scenarios
from pollguard.services.boundaries import import_boundaries
from pollguard.services.database import Database

app = typer.Typer(help="Import what users already have: KPU TPS lists, personnel rosters, "
                       "region boundaries.",
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
    if result.drift is not None:
        report_drift(result.plan_id, result.drift)


def report_drift(plan_id: int | None, drift: TpsDrift) -> None:
    """Warn that the plan in force no longer matches the TPS list: each post that lost TPS,
    each kecamatan's new TPS without a post, and what to run."""
    console.print(f"[yellow]peringatan[/]: rencana berlaku #{plan_id} tidak sesuai lagi "
                  f"dengan daftar TPS: {len(drift.removed):,} TPS terhapus dari "
                  f"{len(drift.losses):,} pos, {len(drift.new):,} TPS baru belum berpos / the "
                  f"plan in force no longer matches the TPS list", highlight=False)
    for line in drift.lines:
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    console.print("  jalankan `pollguard plan update` untuk menempatkan TPS baru dan melepas TPS "
                  "yang terhapus / run `pollguard plan update` to place the new TPS and drop "
                  "the removed ones", highlight=False, markup=False, soft_wrap=True)


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


@app.command()
def boundaries(ctx: typer.Context,
               file: Annotated[Path, typer.Argument(
                   help="GeoJSON of kab/kota and kecamatan polygons, each with its code (the "
                        "format of a scenario's boundaries.geojson)",
                   exists=True, dir_okay=False)]) -> None:
    """Add or replace the real region boundaries that the map and the PDFs draw (the
    assessments and plans stay)."""
    result = _run(ctx, "importing boundaries", file,
                  lambda db, path: import_boundaries(db=db, path=path, actor=cli_actor()))
    report_warnings(list(result.warnings))
    console.print(f"[green]imported[/] the boundaries of {result.regions:,} regions "
                  f"(replacing {result.replaced:,})")
