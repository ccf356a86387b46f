"""``pollguard plan run|update|diff|list|export``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import cli_actor, console, fail, state, steps
from pollguard.domain.plan import Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.plotting import InfeasibleError
from pollguard.profile import ProfileError
from pollguard.services import documents, planning, scenarios
from pollguard.services.risk import NoScenarioError

app = typer.Typer(help="Deployment planning: posts, plotting, reserves, plan documents.",
                  no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object")]
Errors = (ProfileError, NoScenarioError, InfeasibleError, ValueError)


def _print(ctx: typer.Context, outcome: planning.PlanOutcome) -> None:
    plan = outcome.plan
    m = plan.metrics
    assert m is not None
    names = scenarios.unit_names(db=state(ctx).db())
    per_polres = Counter(p.polres_code for p in plan.posts)
    tps = Counter[str]()
    for p in plan.posts:
        tps[p.polres_code] += len(p.tps_ids)
    roles: dict[str, Counter[str]] = {}
    owner_of_target = {p.post_id: p.polres_code for p in plan.posts} | {
        d.duty_id: d.unit_code for d in plan.duties} | {
        t.team_id: t.owner_code for t in plan.reserves}
    for a in plan.assignments:
        roles.setdefault(owner_of_target[a.target_id], Counter())[a.role.value] += 1
        if a.bko_to:
            roles[a.bko_to]["bko"] += 1
    table = Table(title=f"Rencana #{outcome.plan_id}: {m.posts:,} pos, {m.seconds:.2f} s",
                  title_justify="left")
    for column in ("Polres", "TPS", "Pos", "Di TPS", "BKO", "Tugas", "Cadangan"):
        table.add_column(column, justify="left" if column == "Polres" else "right")
    for code in sorted(roles):
        r = roles[code]
        table.add_row(names.get(code, "Polda (pool)"), f"{tps[code]:,}",
                      f"{per_polres[code]:,}", f"{r[Role.POST.value]:,}", f"{r['bko']:,}",
                      f"{r[Role.DUTY.value]:,}", f"{r[Role.RESERVE.value]:,}")
    console.print(table)
    bound = (f"bound {m.lp_bound_km:,.0f}, gap {m.gap:.2%}" if m.gap is not None
             else "no bound: re-planned with a change penalty")
    console.print(f"travel {m.travel_km_total:,.0f} km ({bound}); reserve p95 "
                  f"{m.reserve_eta_p95_min:.1f} min to rawan and "
                  f"sangat rawan TPS; uncovered TPS: {m.uncovered_tps}", highlight=False)
    total = next((a for a in plan.tni if a.unit_code == "total"), None)
    if total:
        console.print(f"TNI: {total.static:,} at sangat rawan TPS, {total.mobile_teams} mobile "
                      f"teams ({total.mobile:,}) of {total.available:,}"
                      + (f"; short {total.short:,}" if total.short else ""), highlight=False)
    if plan.bko_needed:
        console.print("[yellow]short[/]: " + ", ".join(
            f"{names.get(c, c)} needs {n} more BKO" for c, n in sorted(plan.bko_needed.items())))


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
    try:
        outcome = planning.replan(
            db=state(ctx).db(), base=base, note=note, draft=draft, actor=cli_actor(),
            changes=planning.PlanChanges(n_by_polres, reserve_share, classes))
    except Errors as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(outcome.as_json()))
        return
    _print(ctx, outcome)
    console.print(f"{len(outcome.moves)} officers move:")
    for mv in outcome.moves:
        console.print(f"  {mv.nrp}: {mv.before} -> {mv.after} ({mv.reason_id})",
                      highlight=False, markup=False)


@app.command()
def accept(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="Draft plan")]) -> None:
    """Publish a draft plan: it becomes the plan in force."""
    try:
        planning.accept(db=state(ctx).db(), plan_id=plan_id, actor=cli_actor())
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    console.print(f"plan #{plan_id} accepted")


@app.command()
def diff(ctx: typer.Context, before: int, after: int) -> None:
    """Officers whose place differs between two plans."""
    try:
        changes = planning.compare(db=state(ctx).db(), before=before, after=after)
    except NoScenarioError as exc:
        fail(str(exc))
    console.print(f"{len(changes)} officers changed place between plan #{before} and #{after}")
    for c in changes:
        was = f"{c.before_role.value} {c.before}" if c.before_role else "-"
        now = f"{c.after_role.value} {c.after}" if c.after_role else "-"
        console.print(f"  {c.nrp}: {was} -> {now}", highlight=False, markup=False)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The stored plans, oldest first."""
    rows = planning.listing(db=state(ctx).db()).versions
    table = Table("No", "Status", "Dibuat", "Oleh", "Penilaian", "Dari rencana", "Pos",
                  "Tak terjaga", "Catatan")
    for info, metrics in rows:
        table.add_row(str(info.id), info.status, f"{info.created_at:%Y-%m-%d %H:%M}",
                      info.author, str(info.assessment_id),
                      str(info.parent_id or ""), str(metrics.get("posts", "")),
                      str(metrics.get("uncovered_tps", "")), info.note)
    console.print(table)


@app.command()
def export(ctx: typer.Context,
           out: Annotated[Path, typer.Option("--out", help="Folder to write into")],
           plan: Annotated[int | None, typer.Option("--plan", help="Plan number")] = None,
           ) -> None:
    """Plotting workbooks per Polres, assignment cards, the plan summary, GeoJSON and KML."""
    try:
        with steps("writing plan documents", 1) as step:
            step(str(out))
            paths = documents.export_plan(db=state(ctx).db(), out=out, plan_id=plan)
    except NoScenarioError as exc:
        fail(str(exc))
    console.print(f"[green]wrote[/] {len(paths)} files to {out}")


