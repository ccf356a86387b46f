"""``pollguard report sitrep``: the situation report of the whole operation, as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import State, cli_actor, console, fail, state
from pollguard.operations.reinforcement import UnitStatus
from pollguard.operations.sitrep import SEVERITIES, Sitrep
from pollguard.reports import sitrep as report
from pollguard.reports.numbers import num
from pollguard.reports.sitrep_narrative import whatsapp
from pollguard.services import sitrep
from pollguard.services.database import ENV_URL
from pollguard.services.incidents import NotFoundError

app = typer.Typer(help="Reports of the running operation: the situation report (sitrep).",
                  no_args_is_help=True)
DEFAULT_OUT = Path("out/sitrep/laporan_situasi.pdf")


@app.command("sitrep")
def sitrep_command(
        ctx: typer.Context,
        out: Annotated[Path, typer.Option("--out", help="The PDF to write")] = DEFAULT_OUT,
        lang: Annotated[str, typer.Option("--lang", help="Language: id (Bahasa Indonesia) "
                                                         "or en")] = "id",
        text: Annotated[bool, typer.Option(
            "--text", help="Print the report as a WhatsApp message instead (no PDF)")] = False,
        db: Annotated[str | None, typer.Option(
            "--db", help=f"Database URL (default: pollguard's --db, else ${ENV_URL}, else "
                         "sqlite:///pollguard.db)")] = None,
) -> None:
    """The situation report (laporan situasi) now: TPS status per Polres, incidents,
    dispatches, reserve force and reserve-floor warnings, written as an A4 PDF."""
    if lang not in report.LANGS:
        fail(f"no language {lang!r}: choose one of {', '.join(report.LANGS)}")
    if db is not None and db != state(ctx).db_url:
        ctx.find_root().obj = State(db_url=db)
    try:
        made = sitrep.situation(db=state(ctx).db(), made_by=cli_actor())
    except NotFoundError as exc:
        fail(str(exc))
    if text:
        typer.echo(whatsapp(made))
        return
    _print(made, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    report.write_pdf(made, out, lang=lang)
    console.print(f"PDF: [bold]{out}[/]", highlight=False)


def _print(s: Sitrep, lang: str) -> None:
    h = s.header

    def t(key: str) -> str:
        return report.label(lang, key)

    def n(value: int) -> str:
        """Indonesian style (1.234) in the Indonesian report, as the PDF writes it."""
        return num(value) if lang == "id" else f"{value:,}"

    console.print(f"[bold]{t('title')}[/] · {h.operation} · "
                  f"{h.local:%Y-%m-%d %H:%M} {h.zone_name} · "
                  f"{t('plan')} #{h.plan_id or '-'} · {t('assessment')} "
                  f"#{h.assessment_id or '-'}", highlight=False)
    table = Table(title=t("s.status"), title_justify="left")
    for key in ("c.polres", "c.tps", "c.opened", "c.closed", "c.counted", "c.escorted",
                "c.not_reported", "c.open"):
        table.add_column(t(key), justify="left" if key == "c.polres" else "right")
    for p in (*s.polres, s.total):
        if p is s.total:
            table.add_section()
        table.add_row(p.name or t("total"), *(n(v) for v in (
                          p.tps, p.opened, p.closed, p.counted, p.escorted, p.not_reported)),
                      "/".join(str(p.open_incidents.get(v, 0)) for v in SEVERITIES),
                      style="bold" if p is s.total else None)
    console.print(table)
    o, c = s.incident_counts(open=True), s.incident_counts(open=False)
    console.print(report.label(lang, "inc_summary", open=n(sum(o.values())), o3=n(o[3]),
                               o2=n(o[2]), o1=n(o[1]), closed=n(sum(c.values())), c3=n(c[3]),
                               c2=n(c[2]), c1=n(c[1])),
                  highlight=False)
    busy = [d for d in s.dispatches if d.status != UnitStatus.AVAILABLE]
    console.print(report.label(
        lang, "force_summary", sent=n(len(busy)), officers=n(sum(d.officers for d in busy)),
        ready=n(sum(f.by_status.get(UnitStatus.AVAILABLE, 0) for f in s.force)),
        teams=n(sum(f.teams for f in s.force))), highlight=False)
    for w in s.floor_warnings:
        console.print("[yellow]![/] " + report.label(lang, "floor_line", name=w.name,
                                                     available=n(w.available),
                                                     floor=n(w.floor)),
                      highlight=False)
