"""``pollguard scenario build|validate|load``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pollguard.cli.common import console, fail, report_invalid, state, steps
from pollguard.scenario.jambi import DEFAULT_SEED
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import scenarios

app = typer.Typer(help="Build, validate and load scenarios (a folder of CSV files + TOML).",
                  no_args_is_help=True)

BUILD_STEPS = 7


@app.command()
def build(
    name: Annotated[str, typer.Argument(help="Built-in scenario: jambi")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the scenario into")],
    seed: Annotated[int, typer.Option(help="Random seed: one seed, one scenario")] = DEFAULT_SEED,
    geo: Annotated[Path | None, typer.Option(
        help="Folder with real points: jambi_kecamatan.csv, jambi_desa_kelurahan.csv, "
             "jambi_ibukota_kabkota_proxy.csv, optionally jambi_kabkota.csv")] = None,
) -> None:
    """Generate a built-in scenario deterministically from a seed."""
    try:
        with steps(f"building {name}", BUILD_STEPS) as step:
            scenario = scenarios.build_scenario(name=name, out=out, seed=seed, geo=geo,
                                                on_step=step)
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    s = scenario.summary()
    console.print(f"[green]wrote[/] {out}: {s.tps:,} TPS, {s.voters:,} voters, "
                  f"{s.polri:,} Polri, {s.tni:,} TNI, {s.linmas:,} Linmas")


@app.command()
def validate(folder: Annotated[Path, typer.Argument(help="Scenario folder")]) -> None:
    """Check a scenario folder; print every problem as file:row:column: reason."""
    try:
        scenario = scenarios.validate_scenario(folder=folder)
    except InvalidInputError as exc:
        report_invalid(exc)
    s = scenario.summary()
    console.print(f"[green]valid[/]: {scenario.info.name}: {s.desa:,} desa, {s.tps:,} TPS, "
                  f"{s.polri:,} officers")


@app.command()
def load(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Scenario folder")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace the scenario the database holds")] = False,
) -> None:
    """Validate a scenario folder and load it into the database in one transaction."""
    db = state(ctx).db()
    try:
        with steps("loading", 1) as step:
            step(str(folder))
            s = scenarios.load_scenario(db=db, folder=folder, replace=replace)
    except InvalidInputError as exc:
        report_invalid(exc)
    except scenarios.ScenarioExistsError as exc:
        fail(str(exc))
    console.print(f"[green]loaded[/] {folder} into {db.url}: {s.tps:,} TPS, "
                  f"{s.polri:,} officers")
