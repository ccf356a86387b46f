"""``pollguard risk assess|show|diff|list|import|export|calibrate``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pollguard.cli.common import cli_actor, console, fail, report_invalid, state, steps
from pollguard.domain.regions import RegionLevel, ancestor_at, is_region_code, level_of
from pollguard.domain.risk import RiskClass
from pollguard.domain.timezone import stamp
from pollguard.profile import ProfileError
from pollguard.profile.model import parse_profile
from pollguard.risk.aggregate import RiskSummary
from pollguard.risk.explain import describe, explain, label
from pollguard.risk.view import AssessedScenario, region_tps, summaries, summary_of
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import risk
from pollguard.services.locale import operation_locale

app = typer.Typer(help="Vulnerability mapping (pemetaan kerawanan) of every TPS.",
                  no_args_is_help=True)

ProfileOption = Annotated[Path | None, typer.Option(
    "--profile", help="Doctrine profile TOML (default: the shipped id-pilkada-2024)")]
Lang = Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en")]
ORDER = (RiskClass.SANGAT_RAWAN, RiskClass.RAWAN, RiskClass.KURANG_RAWAN, RiskClass.KHUSUS)


@app.command()
def assess(ctx: typer.Context, profile: ProfileOption = None,
           as_of: Annotated[str | None, typer.Option(
               "--as-of", help="Assess for this day (YYYY-MM-DD; default: voting day)")] = None,
           note: Annotated[str, typer.Option(help="Why this assessment was run")] = "",
           as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
           ) -> None:
    """Score and classify every TPS; store the result as a new, numbered assessment."""
    db = state(ctx).db()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
        with steps("assessing", 1) as step:
            step("scoring TPS")
            outcome = risk.run_assessment(db=db, profile=profile, as_of=day, note=note,
                                           actor=cli_actor())
    except (ProfileError, risk.NoScenarioError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(outcome.as_json()))
        return
    counts = ", ".join(f"{outcome.classes[k]:,} {label(k, 'id')}" for k in ORDER)
    console.print(f"[green]assessment #{outcome.assessment_id}[/] ({outcome.profile_id}, "
                  f"for {outcome.as_of}): {outcome.assessed:,} TPS: {counts}")
    for code, n in sorted(outcome.ignored.items()):
        console.print(f"[yellow]ignored[/] {code} ({n} row{'s' if n != 1 else ''}): "
                      "not in the profile")


def latest(ctx: typer.Context) -> AssessedScenario:
    return _view(ctx, None)


def _view(ctx: typer.Context, assessment: int | None) -> AssessedScenario:
    try:
        return risk.load_assessed(db=state(ctx).db(), assessment_id=assessment)
    except risk.NoScenarioError as exc:
        fail(str(exc))


def summary_table(rows: list[RiskSummary], title: str, first: str = "Wilayah") -> Table:
    table = Table(title=title, title_justify="left")
    for column in (first, "TPS", "Sangat rawan", "Rawan", "Kurang rawan", "Khusus",
                   "Skor rata-rata", "Maks"):
        table.add_column(column, justify="left" if column == first else "right")
    for s in rows:
        table.add_row(s.name, f"{s.tps:,}", *(f"{s.count(k):,}" for k in ORDER),
                      f"{s.mean_score:.1f}", f"{s.max_score:.1f}")
    if len(rows) > 1:
        table.add_section()
        table.add_row("Jumlah", f"{sum(s.tps for s in rows):,}",
                      *(f"{sum(s.count(k) for s in rows):,}" for k in ORDER), "", "",
                      style="bold")
    return table


def print_polres_counts(view: AssessedScenario) -> None:
    console.print(summary_table(summaries(view, None), f"Kerawanan TPS per Polres — penilaian "
                                f"#{view.info.id} ({view.info.profile_id})", "Polres"))


@app.command()
def show(ctx: typer.Context,
         code: Annotated[str, typer.Argument(help="A region code (15.72), a Polres code "
                                                  "(polres.15.01) or a TPS id (13 digits)")],
         assessment: Annotated[int | None, typer.Option(help="Assessment number")] = None,
         lang: Lang = "id",
         limit: Annotated[int, typer.Option(help="Rawan TPS to explain (all sangat rawan "
                                                 "are shown)")] = 10) -> None:
    """Explain the classes of a region's (or a Polres's) TPS, or one TPS in full."""
    if lang not in ("id", "en"):
        fail("--lang takes id or en")
    view = _view(ctx, assessment)
    names = view.names()
    tps_by_id = {t.tps_id: t for t in view.scenario.tps}
    heading = (f"penilaian #{view.info.id} untuk {view.info.as_of:%d-%m-%Y}, profil "
               f"{view.info.profile_id}" if lang == "id" else
               f"assessment #{view.info.id} for {view.info.as_of}, profile "
               f"{view.info.profile_id}")
    if code in tps_by_id and code in view.risks:
        console.print(f"[bold]{_tps_title(view, code)}[/] — {heading}")
        _print_explanation(view, code, lang)
        return
    ids = [t for t in region_tps(view, code) if t in view.risks]  # TPS added since: not assessed
    if not ids:
        fail(f"no TPS in {code!r}: give a region code of the scenario, a Polres code or a TPS id")
    s = summary_of(view, code)
    console.print(f"[bold]{names.get(code, code)} ({code})[/] — {heading}")
    indicators = {i.code: (i.name_id if lang == "id" else i.name_en)
                  for i in parse_profile(view.info.profile_toml).indicators}
    console.print(describe(s, lang, indicators))
    level = level_of(code) if is_region_code(code) else RegionLevel.KABKOTA  # a Polres
    if level < RegionLevel.DESA:
        child = RegionLevel(int(level) + 1)
        inside = {ancestor_at(tps_by_id[t].desa_code, child) for t in ids}
        rows = [r for r in summaries(view, child) if r.code in inside]
        console.print(summary_table(rows, "", view.scenario.info.levels.kecamatan
                                    if child == RegionLevel.KECAMATAN else "Wilayah"))
    ranked = sorted((view.risks[t] for t in ids), key=lambda r: (-r.risk_class.rank, -r.score))
    shown = [r for r in ranked if r.risk_class == RiskClass.SANGAT_RAWAN]
    shown += [r for r in ranked if r.risk_class == RiskClass.RAWAN][:limit]
    shown += [r for r in ranked if r.risk_class == RiskClass.KHUSUS]
    for r in shown:
        console.print(f"\n[bold]{_tps_title(view, r.tps_id)}[/]")
        _print_explanation(view, r.tps_id, lang)


def _tps_title(view: AssessedScenario, tps_id: str) -> str:
    names = view.names()
    t = next(t for t in view.scenario.tps if t.tps_id == tps_id)
    kec = t.desa_code.rsplit(".", 1)[0]
    levels = view.scenario.info.levels
    return (f"TPS {t.number:03d} {names[t.desa_code]}, {levels.of(names[kec])} ({tps_id}), "
            f"{t.voters or '?'} pemilih")


def _print_explanation(view: AssessedScenario, tps_id: str, lang: str) -> None:
    for line in explain(view.risks[tps_id], lang):
        console.print("   " + line, highlight=False, markup=False)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The stored assessments, oldest first."""
    rows = risk.listing(db=state(ctx).db())
    zone = operation_locale(db=state(ctx).db()).zone
    table = Table("No", "Dibuat", "Untuk tanggal", "Profil", "TPS", "Catatan")
    for a in rows:
        table.add_row(str(a.id), stamp(a.created_at, zone), str(a.as_of), a.profile_id,
                      f"{a.tps_count:,}", a.note)
    console.print(table)


@app.command()
def diff(ctx: typer.Context, before: int, after: int, lang: Lang = "id") -> None:
    """The TPS whose class changed between two assessments, and why."""
    try:
        changes = risk.compare(db=state(ctx).db(), before=before, after=after)
    except risk.NoScenarioError as exc:
        fail(str(exc))
    console.print(f"{len(changes)} TPS changed class between #{before} and #{after}")
    for c in changes:
        console.print(f"{c.tps_id}: {label(c.before, lang)} -> {label(c.after, lang)} "
                      f"(score {c.score_before:.1f} -> {c.score_after:.1f})", highlight=False)
        for g in c.gained:
            console.print(f"   + {g.text_id if lang == 'id' else g.text_en}", highlight=False,
                          markup=False)
        for lost in c.lost:
            console.print(f"   - {lost.text_id if lang == 'id' else lost.text_en}",
                          highlight=False, markup=False)


@app.command("import")
def import_(ctx: typer.Context,
            file: Annotated[Path, typer.Argument(help="Panwaslu observation form (CSV/XLSX)",
                                                 exists=True, dir_okay=False)],
            profile: ProfileOption = None) -> None:
    """Apply a Panwaslu observation form: one row per TPS id, one column per indicator."""
    try:
        result = risk.import_observations(db=state(ctx).db(), path=file, profile=profile,
                                          actor=cli_actor())
    except InvalidInputError as exc:
        report_invalid(exc)
    except ProfileError as exc:
        fail(str(exc))
    console.print(f"[green]imported[/] observations for {result.tps:,} TPS "
                  f"({result.changed:,} indicator values changed); run `pollguard risk assess`")


@app.command()
def export(ctx: typer.Context,
           fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, geojson or pdf")],
           out: Annotated[Path, typer.Option("--out", help="Folder to write into")],
           assessment: Annotated[int | None, typer.Option(help="Assessment number")] = None,
           ) -> None:
    """Write the vulnerability map (Peta Kerawanan TPS) for GIS, Excel, print or other tools."""
    try:
        paths = risk.export_map(db=state(ctx).db(), fmt=fmt, out=out, assessment_id=assessment)
    except (risk.NoScenarioError, ValueError) as exc:
        fail(str(exc))
    for p in paths:
        console.print(f"[green]wrote[/] {p}")


@app.command()
def calibrate(ctx: typer.Context,
              share: Annotated[list[str], typer.Option(
                  help="Target share of all TPS, e.g. rawan=0.08 (repeatable)")],
              profile: ProfileOption = None,
              out: Annotated[Path, typer.Option(help="Where to write the fitted profile")] = Path(
                  "out/profile-calibrated.toml")) -> None:
    """Fit the class thresholds to target shares (planners work to a force budget)."""
    targets: dict[str, float] = {}
    for item in share:
        key, _, value = item.partition("=")
        try:
            targets[key.strip()] = float(value)
        except ValueError:
            fail(f"--share takes CLASS=FRACTION, e.g. rawan=0.08; got {item!r}")
    try:
        fitted = risk.fit_thresholds(db=state(ctx).db(), shares=targets, profile=profile, out=out)
    except (ProfileError, risk.NoScenarioError, ValueError) as exc:
        fail(str(exc))
    t = fitted.profile.scoring.thresholds
    achieved = ", ".join(f"{k.value} {v:.2%}" for k, v in fitted.shares.items())
    console.print(f"[green]wrote[/] {out}: rawan from {t.rawan:g}, sangat rawan from "
                  f"{t.sangat_rawan:g} ({achieved})")
