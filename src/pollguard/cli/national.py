"""``pollguard national``: plan every Polda at once (locally or on Ray), show the national
force balance, export one Polda's plotting documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pollguard.cli.common import console, errors, fail, report_invalid, state
from pollguard.domain.tps import Election
from pollguard.national.engines import engine_named
from pollguard.national.picture import NationalPicture
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import national

app = typer.Typer(no_args_is_help=True, help="Plan all of Indonesia: one Polda per province.")


@app.command()
def plan(ctx: typer.Context,
         tps: Annotated[int | None, typer.Option(
             help="TPS nationally (Pilkada 2024: 435296, the default; Pemilu 2024: 820161)")
         ] = None,
         seed: Annotated[int, typer.Option(help="Scenario seed")] = 2024,
         geo: Annotated[Path | None, typer.Option(help=(
             "Real kab/kota centroids (the format of indonesia_kabkota_centroids.csv)"))] = None,
         provinces: Annotated[str | None, typer.Option(
             help="Only these provinces, e.g. 15,16 (the total is spread over them)")] = None,
         engine: Annotated[str, typer.Option(help="local (this process) or ray")] = "ray",
         ray_address: Annotated[str | None, typer.Option(
             help="An existing Ray cluster (e.g. ray://head:10001 or auto)")] = None,
         cpus: Annotated[int | None, typer.Option(help="CPUs for a local Ray")] = None,
         split_share: Annotated[float | None, typer.Option(
             help="Split a Polda above this share of the TPS into tasks of its Polres "
                  "(e.g. 0.1; default: one task per Polda)")] = None,
         profile: Annotated[Path | None, typer.Option(help="Profile TOML")] = None,
         counts: Annotated[Path | None, typer.Option(
             help="Real TPS counts per kecamatan or desa (as `scenario build indonesia "
                  "--counts`)")] = None,
         election: Annotated[Election | None, typer.Option(
             help="pemilu or pilkada (default: pemilu with --counts, else by --tps)")] = None,
         from_: Annotated[Path | None, typer.Option(
             "--from", help="Plan the scenario folders in DIR (written by `scenario build "
                            "indonesia` or `scenario init`) instead of building them")] = None,
         ) -> None:
    """Build, assess and plan every Polda, as independent tasks; store the national picture."""
    chosen = [p.strip() for p in provinces.split(",")] if provinces else None
    if from_ is not None and (tps is not None or geo or counts or election):
        fail("--from plans the folders as they are: --tps, --geo, --counts and --election "
             "apply when building")
    try:
        runner = engine_named(engine, address=ray_address, num_cpus=cpus,
                              split_share=split_share)
        total = len(national.nation_recipes(total_tps=tps, seed=seed, geo=geo,
                                            provinces=chosen, counts=counts,
                                            election=election, source=from_))
    except InvalidInputError as exc:
        report_invalid(exc)
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=errors, transient=True) as progress:
        task = progress.add_task(f"planning {total} Polda ({runner.name})", total=total)

        def done(result: national.PoldaResult) -> None:
            progress.advance(task)
            mark = "[green]ok[/]" if result.ok else f"[red]{escape(result.error)}[/]"
            progress.console.print(f"  {result.province_code} {result.name}: {result.tps:,} TPS "
                                   f"{sum(result.seconds.values()):.1f} s {mark}")

        try:
            outcome = national.plan_nation(db=state(ctx).db(), engine=runner, total_tps=tps,
                                           seed=seed, geo=geo, provinces=chosen,
                                           profile=profile, counts=counts, election=election,
                                           source=from_, on_result=done)
        except (ValueError, InvalidInputError) as exc:
            fail(str(exc))
    print_picture(outcome.picture, f"National plan #{outcome.run_id} — {outcome.seconds:.1f} s "
                                   f"({runner.name})")
    if outcome.picture.failed:
        raise typer.Exit(1)


def print_picture(picture: NationalPicture, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("Polda", "TPS", "Polri", "Pos", "Di TPS", "Tugas", "Cadangan", "BKO pool",
                   "TPS tanpa pos", "BKO dari Mabes", "Detik"):
        table.add_column(column, justify="left" if column == "Polda" else "right")
    for r in picture.results:
        if not r.ok:
            table.add_row(f"{r.province_code} {r.name}", "", "", "", "", "", "", "", "", "",
                          "", style="red")
            continue
        table.add_row(f"{r.province_code} {r.name}", f"{r.tps:,}", f"{r.officers:,}",
                      f"{r.posts:,}", f"{r.at_tps:,}", f"{r.on_duties:,}", f"{r.in_reserve:,}",
                      f"{r.bko_from_pool:,}", f"{len(r.uncovered):,}", f"{r.bko_needed:,}",
                      f"{sum(r.seconds.values()):.1f}")
    table.add_section()
    table.add_row("Jumlah", f"{picture.total('tps'):,}", f"{picture.total('officers'):,}",
                  f"{picture.total('posts'):,}", f"{picture.total('at_tps'):,}",
                  f"{picture.total('on_duties'):,}", f"{picture.total('in_reserve'):,}",
                  f"{picture.total('bko_from_pool'):,}", f"{picture.uncovered:,}",
                  f"{picture.total('bko_needed'):,}", "", style="bold")
    console.print(table)
    shares = picture.classes
    total = sum(shares.values()) or 1
    console.print("Kelas: " + ", ".join(f"{k} {v:,} ({v / total:.1%})" for k, v in shares.items()))
    for r in picture.failed:
        errors.print(f"[red]{escape(r.error)}[/]")


@app.command()
def show(ctx: typer.Context,
         run: Annotated[int | None, typer.Option(help="National plan number")] = None) -> None:
    """The stored national picture (the latest by default)."""
    try:
        info, picture = national.stored_picture(db=state(ctx).db(), run_id=run)
    except LookupError as exc:
        fail(str(exc))
    print_picture(picture, f"National plan #{info.id} — {info.total_tps:,} TPS, "
                           f"{info.seconds:.1f} s ({info.engine})")


@app.command()
def export(ctx: typer.Context,
           province: Annotated[str, typer.Argument(help="Province code, e.g. 15")],
           out: Annotated[Path, typer.Option("--out", help="Folder to write into")],
           run: Annotated[int | None, typer.Option(help="National plan number")] = None) -> None:
    """One Polda's plotting workbooks and assignment cards, from a stored national plan."""
    try:
        paths = national.export_polda(db=state(ctx).db(), province_code=province, out=out,
                                      run_id=run)
    except (LookupError, RuntimeError) as exc:
        fail(str(exc))
    console.print(f"[green]wrote[/] {len(paths)} files to {out}")
