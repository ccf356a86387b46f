"""The ``pollguard`` command: one sub-command group per capability."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pollguard import __version__
from pollguard.cli import audit, drill, imports, national, plan, risk, scenario, sitrep, users
from pollguard.cli.common import State, console, fail, state
from pollguard.services import checklist, scenarios
from pollguard.services.database import ENV_URL, database_url

app = typer.Typer(
    name="pollguard", no_args_is_help=True, pretty_exceptions_show_locals=False,
    help="PollGuard: plan and run the security of an election's polling stations (TPS).")
app.add_typer(scenario.app, name="scenario")
app.add_typer(imports.app, name="import")
app.add_typer(risk.app, name="risk")
app.add_typer(plan.app, name="plan")
app.add_typer(users.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(national.app, name="national")
app.add_typer(sitrep.app, name="report")
app.add_typer(drill.app, name="drill")

DEMO_DIR = Path("out/scenario/jambi")
DOCS_DIR = Path("out/plan")


def _version(value: bool) -> None:
    if value:
        console.print(f"pollguard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar=ENV_URL, help="Database URL (default: sqlite:///pollguard.db)")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit")] = False,
) -> None:
    ctx.obj = State(db_url=db)


@app.command()
def summary(ctx: typer.Context,
            as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
            lang: scenario.LangOption = "id") -> None:
    """The headline counts of the loaded scenario, and what the operation still lacks (no
    TPS yet, no officers yet, no assessment...) with the command that fills it."""
    db = state(ctx).db()
    counts = scenarios.summary(db=db)
    if as_json:
        print(json.dumps(dataclasses.asdict(counts)))
        return
    _print_summary(ctx)
    scenario.report_todo(checklist.of_database(db=db), lang)


def _print_summary(ctx: typer.Context) -> None:
    db = state(ctx).db()
    found = scenarios.overview(db=db)
    info, per_kab, per_polres, counts = found.info, found.kabkota, found.polres, found.counts
    title = info.name if info else "(no scenario loaded)"
    table = Table(title=f"{title} — {db.url}", title_justify="left")
    table.add_column("Kode")
    table.add_column("Kab/Kota")
    table.add_column("TPS", justify="right")
    table.add_column("Pemilih", justify="right")
    for code, name, n_tps, voters in per_kab:
        table.add_row(code, name, f"{n_tps:,}", f"{voters:,}")
    table.add_section()
    table.add_row("", "Jumlah", f"{counts.tps:,}", f"{counts.voters:,}", style="bold")
    console.print(table)
    forces = Table(title="Kekuatan Polri per Polres (Polres + Polsek)", title_justify="left")
    for column in ("Polres", "TPS", "Personel", "BKO", "Personel/TPS"):
        forces.add_column(column, justify="left" if column == "Polres" else "right")
    for _, name, n_tps, n_officers, n_bko in per_polres:
        ratio = f"{n_officers / n_tps:.2f}" if n_tps else "-"
        forces.add_row(name, f"{n_tps:,}", f"{n_officers:,}", f"{n_bko:,}", ratio)
    forces.add_section()
    at_polres = sum(r[3] for r in per_polres)
    forces.add_row("Polda (pool: Brimob, Samapta, direktorat)", "", f"{counts.polri - at_polres:,}",
                   "", "")
    console.print(forces)
    totals = Table(show_header=False, box=None)
    kecamatan = info.levels.lower if info else "kecamatan"  # Papua: distrik
    for label, value in [("kab/kota", counts.kabkota), (kecamatan, counts.kecamatan),
                         ("desa/kelurahan", counts.desa), ("Polres", counts.polres),
                         ("Polsek", counts.polsek), ("Polri", counts.polri),
                         ("TNI", counts.tni), ("Linmas", counts.linmas)]:
        totals.add_row(label, f"{value:,}")
    console.print(totals)


@app.command()
def demo(ctx: typer.Context,
         out: Annotated[Path, typer.Option(help="Where to write the scenario")] = DEMO_DIR,
         documents: Annotated[Path, typer.Option(help="Where to write the plan documents")] = (
             DOCS_DIR),
         serve_after: Annotated[bool | None, typer.Option(
             "--serve/--no-serve",
             help="Serve the command centre at the end (default: yes, unless CI is set)")] = None,
         host: Annotated[str, typer.Option(help="Address to serve on")] = "127.0.0.1",
         port: Annotated[int, typer.Option(help="Port to serve on")] = 8000,
         ) -> None:
    """Build the Jambi Pilkada 2024 scenario, load it, assess every TPS, plan the deployment,
    write the plan documents to ./out/, make one demo account per role and serve the command
    centre at http://127.0.0.1:8000 (not when the CI variable is set)."""
    ctx.invoke(scenario.build, name="jambi", out=out)
    ctx.invoke(scenario.load, ctx=ctx, folder=out, replace=True)
    _print_summary(ctx)
    ctx.invoke(risk.assess, ctx=ctx, profile=None, as_of=None, note="make demo", as_json=False)
    risk.print_polres_counts(risk.latest(ctx))
    ctx.invoke(plan.run, ctx=ctx, profile=None, surplus=None, note="make demo", as_json=False)
    ctx.invoke(plan.export, ctx=ctx, out=documents, plan=None)
    _print_demo_accounts(ctx)
    seal = state(ctx).db().seal
    console.print(f"Audit key: {seal.key_origin}; signed checkpoints: {seal.checkpoint_path} "
                  "(outside the database: back both up; `pollguard audit verify` needs them)")
    if serve_after is None:
        serve_after = not os.environ.get("CI")
    if serve_after:
        console.print("Voting-day drill (Sungai Penuh, 27 Nov 2024), in a second terminal: "
                      f"[bold].venv/bin/pollguard drill run sungai-penuh-2024 --url "
                      f"http://{host}:{port} --user polda --password polda-demo-2024 "
                      "--speed 60[/]; watch /map as polda")
        serve(ctx, host=host, port=port)


def _print_demo_accounts(ctx: typer.Context) -> None:
    from pollguard.services import accounts

    table = Table("Username", "Password", "Role", "Unit / NRP",
                  title="Demo accounts (this demo database only)", title_justify="left")
    for a in accounts.demo_accounts(db=state(ctx).db()):
        table.add_row(a.username, a.password, a.role.label_en, a.unit_code or a.nrp or "")
    console.print(table)


def _check_basemap() -> None:
    """Open the offline basemap once before serving: a bad archive (or both basemap settings)
    stops the start with the reason and the path, not a traceback from each worker."""
    from rich.markup import escape

    from pollguard.basemap import ArchiveError, open_archive
    from pollguard.web.settings import WebSettings

    try:
        given = WebSettings(export_dir="").tiles
        if not given:
            return
        archive = open_archive(given)
    except (ArchiveError, ValueError) as exc:
        fail(str(exc))
    info = archive.info
    archive.close()
    console.print(f"Peta dasar / basemap: {escape(info.name)} ({info.kind}, {info.format}, zoom "
                  f"{info.min_zoom}-{info.max_zoom}) — {escape(str(archive.path))}")


# Open live streams (the command map's) never end by themselves: give them this long to close
# on Ctrl+C, then stop anyway.
SHUTDOWN_S = 3


@app.command()
def serve(ctx: typer.Context,
          host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
          workers: Annotated[int, typer.Option(
              help="Worker processes (PostgreSQL only; docs/command-centre.md)")] = 1,
          supervisor: Annotated[str | None, typer.Option(
              "--server", help="With --workers: gunicorn (the default where installed) or "
                               "uvicorn")] = None,
          tiles: Annotated[Path | None, typer.Option(
              help="An offline basemap: a raster MBTiles or PMTiles archive, served at "
                   "/tiles/{z}/{x}/{y} (or POLLGUARD_TILES)")] = None) -> None:
    """Serve the command centre (pages and the /api/v1 JSON API) on the same database."""
    import uvicorn

    from pollguard.web.settings import forwarded_allow_ips
    from pollguard.web.workers import SingleWriterError, check_workers, serve_workers

    try:
        check_workers(database_url(state(ctx).db_url), workers)
    except SingleWriterError as exc:
        fail(str(exc))
    if supervisor not in (None, "gunicorn", "uvicorn"):
        fail(f"--server {supervisor}: gunicorn atau/or uvicorn")

    if tiles is not None:
        os.environ["POLLGUARD_TILES"] = str(tiles.resolve())  # every worker opens it
    _check_basemap()

    # The client address (the per-address login limit, the audit trail) comes from the
    # connection; X-Forwarded-For is believed only from POLLGUARD_FORWARDED_ALLOW_IPS.
    proxies = forwarded_allow_ips()
    db = state(ctx).db()
    console.print(f"PollGuard command centre: [bold]http://{host}:{port}/[/] "
                  f"(API: /api/v1/docs) on {db.url} — Ctrl+C stops it")
    if workers > 1:
        os.environ[ENV_URL] = database_url(state(ctx).db_url)
        db.engine.dispose()  # the workers open their own connections (gunicorn forks them)
        serve_workers(host=host, port=port, workers=workers, proxies=proxies,
                      shutdown_s=SHUTDOWN_S, server=supervisor)
        return
    from pollguard.services.snapshot import NoDataError
    from pollguard.web.app import create_app

    web = create_app(db)
    try:
        web.state.snapshots.get()  # load the operation now, not on the first map request
    except NoDataError as exc:
        console.print(f"[yellow]{exc}[/]")
    uvicorn.run(web, host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_S,
                proxy_headers=True, forwarded_allow_ips=proxies)
