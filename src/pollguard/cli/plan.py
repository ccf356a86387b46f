"""``pollguard plan run|update|diff|list|export``."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import cli_actor, console, fail, state, steps
from pollguard.domain.command import POOL
from pollguard.domain.risk import RiskClass
from pollguard.domain.timezone import stamp
from pollguard.planning.plotting import InfeasibleError
from pollguard.profile import ProfileError
from pollguard.services import documents, planning, scenarios
from pollguard.services.locale import operation_locale
from pollguard.services.risk import NoScenarioError

app = typer.Typer(help="Deployment planning: posts, plotting, reserves, plan documents.",
                  no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object")]
Errors = (ProfileError, NoScenarioError, InfeasibleError, ValueError)


def _p95(minutes: float | None) -> str:
    """The reserve's p95 minutes, or "n/a" where there is no rawan or sangat rawan TPS."""
    return "n/a" if minutes is None else f"{minutes:.1f} min"


def _print(ctx: typer.Context, outcome: planning.PlanOutcome, *, update: bool = False) -> None:
    """The plan per owner (the documents' force balance: command and staff, Pawas, guards,
    BKO, duties, reserve members and teams), then travel and the reserve's reach, TNI,
    Linmas and what a short force gave up, in order."""
    plan = outcome.plan
    m = plan.metrics
    assert m is not None
    try:
        rows = documents.force_balance(db=state(ctx).db(), plan=plan)
    except NoScenarioError as exc:
        fail(str(exc))
    names = scenarios.unit_names(db=state(ctx).db())
    teams = Counter(t.owner_code for t in plan.reserves)
    covered = Counter[str]()  # TPS the plan's posts guard (a PSU plan's few, too)
    for p in plan.posts:
        covered[p.polres_code] += len(p.tps_ids)
    table = Table(title=f"Rencana #{outcome.plan_id}: {m.posts:,} pos, {m.seconds:.2f} s",
                  title_justify="left")
    columns = ("Polres", "TPS", "Pos", "Komando", "Pawas", "Di TPS", "BKO", "Tugas",
               "Cadangan", "Tim")
    for column in columns:
        table.add_column(column, justify="left" if column == "Polres" else "right")
    total = [0] * (len(columns) - 1)
    for b in rows:
        values = (covered[b.code], b.posts, b.command, b.supervising, b.at_tps, b.bko_in,
                  b.duties, b.reserve, teams[b.code])
        if not any(values):
            continue
        total = [t + v for t, v in zip(total, values, strict=True)]
        table.add_row("Polda (pool)" if b.code == POOL else b.name,
                      *(f"{v:,}" for v in values))
    table.add_row("Jumlah", *(f"{v:,}" for v in total), style="bold")
    console.print(table)
    bound = (f"bound {m.lp_bound_km:,.0f}, gap {m.gap:.2%}" if m.gap is not None
             else "no bound: re-planned with a change penalty")
    p95 = (f"{_p95(outcome.p95_before)} -> {_p95(m.reserve_eta_p95_min)}" if update
           else _p95(m.reserve_eta_p95_min))
    console.print(f"travel {m.travel_km_total:,.0f} km ({bound}); reserve p95 {p95} to rawan "
                  f"and sangat rawan TPS; uncovered TPS: {m.uncovered_tps}", highlight=False,
                  soft_wrap=True)
    tni = next((a for a in plan.tni if a.unit_code == "total"), None)
    if tni:
        kodim_short = [a for a in plan.tni if a.unit_code != "total" and a.short]
        console.print(
            f"TNI: {tni.static:,} at "
            f"{sum(1 for p in plan.tni_posts if p.kind == 'static'):,} sangat rawan TPS, "
            f"{tni.mobile_teams} mobile teams ({tni.mobile:,}) of {tni.available:,}"
            + (f"; short {tni.short:,}" if tni.short else "")
            + "".join(f"; {names.get(a.unit_code, a.unit_code)} short {a.short:,}"
                      for a in kodim_short), highlight=False, soft_wrap=True)
    if plan.linmas_short:
        console.print(f"Linmas: {len(plan.linmas_short):,} desa short of "
                      f"{sum(x.needed - x.available for x in plan.linmas_short):,} Linmas",
                      highlight=False)
    if plan.shortfalls:
        console.print("[yellow]given up[/] (in order; BKO that restores each):")
        for x in sorted(plan.shortfalls, key=lambda x: x.order):
            console.print(f"  {x.order}. {x.text_id} ({x.officers:,} officers; BKO {x.bko:,})",
                          highlight=False, markup=False, soft_wrap=True)
    if plan.bko_needed:
        console.print("[yellow]short[/]: " + ", ".join(
            f"{names.get(c, c)} needs {n} more BKO" for c, n in sorted(plan.bko_needed.items())),
            soft_wrap=True)


@app.command()
def run(ctx: typer.Context,
        profile: Annotated[Path | None, typer.Option(help="Doctrine profile TOML")] = None,
        surplus: Annotated[str | None, typer.Option(
            help="Spare officers: tighten (patterns) or pool (back to the Polda)")] = None,
        note: Annotated[str, typer.Option(help="Why this plan was made")] = "",
        as_json: Json = False) -> None:
    """Plan every TPS from the latest assessment: posts, plotting, reserves."""
    try:
        with steps("planning", 1) as step:
            step("posts, plotting, reserves")
            outcome = planning.run_plan(db=state(ctx).db(), profile=profile, surplus=surplus,
                                        note=note, actor=cli_actor())
    except Errors as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(outcome.as_json()))
    else:
        _print(ctx, outcome)


@app.command()
def update(ctx: typer.Context,
           base: Annotated[int | None, typer.Option("--from", help="Plan to update")] = None,
           set_class: Annotated[list[str] | None, typer.Option(
               "--set-class", help="TPS_ID=CLASS, e.g. 1572042006001=sangat_rawan")] = None,
           set_n: Annotated[list[str] | None, typer.Option(
               "--set-n", help="POLRES=N: one N for the Polres's kurang rawan TPS")] = None,
           reserve_share: Annotated[float | None, typer.Option(
               help="Share of each force held in reserve (0-0.9)")] = None,
           guard: Annotated[list[str] | None, typer.Option(
               "--guard", help="TPS_ID=K: K officers (1-100) guard the TPS as a post of its "
               "own; K=0 lifts it")] = None,
           equipment: Annotated[list[str] | None, typer.Option(
               "--equipment", help="TPS_ID=ITEM:N,ITEM:N, e.g. 1572042006001=cctv:2,radio:4 "
               "(with --guard for that TPS)")] = None,
           keep_staging: Annotated[bool, typer.Option(
               "--keep-staging", help="Keep reserve teams where they are even when the "
               "rawan and sangat rawan TPS changed")] = False,
           draft: Annotated[bool, typer.Option(
               help="Store as a draft to accept later (`plan accept`)")] = False,
           note: Annotated[str, typer.Option(help="Why")] = "",
           as_json: Json = False) -> None:
    """Re-plan after risk or force changes, moving as few plotted officers as possible."""
    n_by_polres = {}
    for item in set_n or []:
        code, _, value = item.partition("=")
        if not value.strip().isdigit():
            fail(f"--set-n takes POLRES=N with N a whole number; got {item!r}")
        n_by_polres[code.strip()] = int(value)
    classes = {}
    for item in set_class or []:
        tps_id, _, value = item.partition("=")
        try:
            classes[tps_id.strip()] = RiskClass(value.strip())
        except ValueError:
            fail(f"--set-class takes TPS_ID=CLASS with CLASS one of "
                 f"{', '.join(c.value for c in RiskClass)}; got {item!r}")
    guards = _guards(guard or [], equipment or [])
    try:
        outcome = planning.replan(
            db=state(ctx).db(), base=base, note=note, draft=draft, actor=cli_actor(),
            changes=planning.PlanChanges(n_by_polres, reserve_share, classes, guards,
                                         keep_staging))
    except Errors as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(outcome.as_json()))
        return
    _print(ctx, outcome, update=True)
    if outcome.drift is not None:
        _print_drift(outcome)
    console.print(f"{len(outcome.moves)} officers move:")
    # By name, as ``plan diff`` and the Sprin amendment word them (one definition).
    named = (documents.describe_moves(db=state(ctx).db(), before=outcome.base_id,
                                      after=outcome.plan_id)
             if outcome.moves and outcome.base_id else [])
    for c in named:
        console.print(f"  {c.person}: {c.before_text} -> {c.after_text}", highlight=False,
                      markup=False, soft_wrap=True)
        console.print(f"    alasan: {c.reason}", highlight=False, markup=False,
                      soft_wrap=True, style="dim")


def _print_drift(outcome: planning.PlanOutcome) -> None:
    """What a re-plan did about a changed TPS list: the TPS dropped, the new TPS placed (and
    any it could not place), each change as the import named it."""
    drift = outcome.drift
    assert drift is not None
    placed = drift.placed_in(outcome.plan)
    console.print(f"daftar TPS berubah sejak rencana asal / the TPS list changed since the "
                  f"base plan: {len(drift.removed):,} TPS "
                  f"terhapus dilepas dari {len(drift.losses):,} pos, {len(placed):,} dari "
                  f"{len(drift.new):,} TPS baru ditempatkan", highlight=False)
    for line in drift.lines:
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    left = [t for t in drift.new if t not in set(placed)]
    if left:
        console.print(f"[yellow]belum berpos[/] (kekuatan kurang / force short): "
                      f"{'; '.join(drift.labels[t] for t in left)}", highlight=False,
                      soft_wrap=True)


def _guards(given: list[str], equipment: list[str]) -> dict[str, planning.GuardOverride]:
    """``--guard TPS=K`` and ``--equipment TPS=ITEM:N,...`` read as guard overrides."""
    officers: dict[str, int] = {}
    for item in given:
        tps_id, _, value = item.partition("=")
        if not value.strip().isdigit():
            fail(f"--guard takes TPS_ID=K with K a whole number of officers; got {item!r}")
        officers[tps_id.strip()] = int(value)
    kit: dict[str, dict[str, int]] = {}
    for item in equipment:
        tps_id, _, value = item.partition("=")
        if tps_id.strip() not in officers:
            fail(f"--equipment {item!r}: give --guard {tps_id.strip()}=K for that TPS too")
        for part in filter(None, (x.strip() for x in value.split(","))):
            name, _, count = part.partition(":")
            if not name.strip() or not count.strip().isdigit():
                fail(f"--equipment takes TPS_ID=ITEM:N,ITEM:N; got {item!r}")
            kit.setdefault(tps_id.strip(), {})[name.strip().lower()] = int(count)
    return {t: planning.GuardOverride(k, kit.get(t, {})) for t, k in officers.items()}


@app.command()
def accept(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="Draft plan")]) -> None:
    """Publish a draft plan: it becomes the plan in force."""
    try:
        planning.accept(db=state(ctx).db(), plan_id=plan_id, actor=cli_actor())
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    console.print(f"plan #{plan_id} accepted")


@app.command()
def diff(ctx: typer.Context, before: int, after: int,
         out: Annotated[Path | None, typer.Option(
             "--out", help="Folder to write the Sprin amendment into "
                           "(sprin_perubahan_A_B.docx and .pdf)")] = None) -> None:
    """Officers whose place differs between two plans: by name, from where to where and why
    (the rows of the Sprin amendment); with --out the amendment itself, DOCX and PDF."""
    db = state(ctx).db()
    try:
        changes = documents.describe_moves(db=db, before=before, after=after)
        paths = documents.write_amendment(db=db, before=before, after=after,
                                          out=out) if out else []
    except NoScenarioError as exc:
        fail(str(exc))
    console.print(f"{len(changes)} officers changed place between plan #{before} and #{after}")
    for c in changes:
        console.print(f"  {c.person}: {c.before_text} -> {c.after_text}", highlight=False,
                      markup=False, soft_wrap=True)
        console.print(f"    alasan: {c.reason}", highlight=False, markup=False,
                      soft_wrap=True, style="dim")
    for path in paths:
        console.print(f"[green]wrote[/] {path}", highlight=False, soft_wrap=True)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The stored plans, oldest first: the plan in force, drafts, and the accepted versions a
    newer one replaced ("superseded")."""
    listing = planning.listing(db=state(ctx).db())
    zone = operation_locale(db=state(ctx).db()).zone
    table = Table("No", "Status", "Dibuat", "Oleh", "Penilaian", "Dari rencana", "Pos",
                  "Tak terjaga", "Catatan")
    for info, metrics in listing.versions:
        status = "in force" if info.id == listing.current else listing.status_of(info)
        table.add_row(str(info.id), status, stamp(info.created_at, zone),
                      info.author, str(info.assessment_id),
                      str(info.parent_id or ""), str(metrics.get("posts", "")),
                      str(metrics.get("uncovered_tps", "")), info.note)
    console.print(table)


class ExportFormat(StrEnum):
    """What ``plan export`` writes: every document, or only the WhatsApp texts."""

    ALL = "all"
    TEXT = "text"


@app.command()
def export(ctx: typer.Context,
           out: Annotated[Path, typer.Option("--out", help="Folder to write into")],
           plan: Annotated[int | None, typer.Option("--plan", help="Plan number")] = None,
           format_: Annotated[ExportFormat, typer.Option(
               "--format", help="all: every document; text: only the WhatsApp texts "
                                "(pesan_<unit>.txt)")] = ExportFormat.ALL,
           templates: Annotated[Path | None, typer.Option(
               "--templates", help="A folder with the unit's own Word templates (sprin.docx, "
                                   "sprin_perubahan.docx: its letterhead around PollGuard's "
                                   "tags) instead of the shipped ones")] = None,
           ) -> None:
    """Every plan document (Sprin, plotting annex, cards, WhatsApp texts, the plan summary,
    GeoJSON and KML), or with ``--format text`` only the WhatsApp texts."""
    db = state(ctx).db()
    try:
        with steps("writing plan documents", 1) as step:
            step(str(out))
            if format_ == ExportFormat.TEXT:
                paths = documents.export_texts(db=db, out=out, plan_id=plan)
            else:
                paths = documents.export_plan(db=db, out=out, plan_id=plan,
                                              templates=templates)
    except NoScenarioError as exc:
        fail(str(exc))
    console.print(f"[green]wrote[/] {len(paths)} files to {out}")
    if format_ == ExportFormat.ALL:
        _print_defaults(documents.defaults(db=db, plan_id=plan))


def _print_defaults(found: dict[str, tuple[str, ...]]) -> None:
    """The order fields a default filled, per unit (one line when every unit has the same):
    what to set in scenario.toml's [operation] or check before signing."""
    if not found:
        return
    console.print("[yellow]Isian bawaan, periksa sebelum ditandatangani[/] (atur di "
                  "scenario.toml bagian \\[operation]):", highlight=False)
    if len(set(found.values())) == 1:
        console.print(f"  semua satuan: {', '.join(next(iter(found.values())))}",
                      highlight=False, markup=False)
        return
    for unit, fields in found.items():
        console.print(f"  {unit}: {', '.join(fields)}", highlight=False, markup=False)


def _tps_list(given: str) -> list[str]:
    """TPS ids given inline (comma- or space-separated) or as a file (one per line, or the
    first column of a CSV; a header line is skipped)."""
    path = Path(given)
    try:
        is_file = len(given) < 1024 and path.is_file()
    except OSError:
        is_file = False
    if is_file:
        ids = []
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            first = line.replace(";", ",").split(",")[0].strip().strip('"')
            if first and first[0].isdigit():
                ids.append(first)
        return ids
    return [t for t in given.replace(",", " ").split() if t]


def _date(given: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(given.strip(), fmt).date()
        except ValueError:
            continue
    fail(f"--date {given!r}: tanggal sebagai 2025-04-19 atau 19-04-2025 / a date as YYYY-MM-DD "
         "or DD-MM-YYYY")
    raise AssertionError  # fail() exits


@app.command()
def psu(ctx: typer.Context,
        tps: Annotated[str, typer.Option("--tps", help="TPS ids (comma-separated) or a file of "
                                                       "them (one per line, or a CSV)")],
        date: Annotated[str, typer.Option("--date", help="The re-vote's date (YYYY-MM-DD)")],
        officers_per_tps: Annotated[int, typer.Option(
            "--officers-per-tps", help="Officers guarding each PSU TPS (1-100)")],
        escort: Annotated[int, typer.Option(
            help="Officers of the box-escort team for the re-vote")] = 0,
        from_units: Annotated[list[str] | None, typer.Option(
            "--from", help="A Polres or Satker (code or name) the officers come from; "
                           "the Polda pool always")] = None,
        note: Annotated[str, typer.Option(help="Why")] = "",
        as_json: Json = False) -> None:
    """Plan a re-vote (PSU) at some TPS as a plan of its own; the plan in force stays."""
    when = _date(date)
    try:
        outcome = planning.plan_psu(db=state(ctx).db(), tps_ids=_tps_list(tps), date=when,
                                    officers_per_tps=officers_per_tps, escort=escort,
                                    from_units=from_units or [], note=note, actor=cli_actor())
    except Errors as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(outcome.as_json() | {"kind": "psu", "date": when.isoformat()}))
        return
    _print(ctx, outcome)
    console.print(f"PSU {when:%d-%m-%Y}: rencana #{outcome.plan_id}; rencana yang berlaku tetap.",
                  highlight=False)
