"""``pollguard scenario build|validate|load``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pollguard.cli.common import (
    MAX_PROBLEMS_SHOWN,
    cli_actor,
    console,
    errors,
    fail,
    report_invalid,
    state,
    steps,
)
from pollguard.domain.tps import Election
from pollguard.profile import ProfileError
from pollguard.scenario import indonesia
from pollguard.scenario.jambi import DEFAULT_SEED
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.services import checklist, national, scenarios
from pollguard.services.checklist import Todo

app = typer.Typer(help="Build, validate and load scenarios (a folder of CSV files + TOML).",
                  no_args_is_help=True)

BUILD_STEPS = 7
ProfileOption = Annotated[Path | None, typer.Option(
    "--profile", help="Doctrine profile TOML whose [scenario] keys set how far a TPS may lie "
                      "from its desa and kecamatan before a warning (default: the shipped "
                      "id-pilkada-2024)")]


LangOption = Annotated[str, typer.Option(
    "--lang", help="Language of what is still missing: id (Bahasa Indonesia) or en")]


def report_todo(items: list[Todo], lang: str, *, as_warnings: bool = False) -> None:
    """What the operation still lacks, one line each with the command that fills it: a
    list under its title, or (``as_warnings``: a load that went through) warnings."""
    if lang not in ("id", "en"):
        fail("--lang takes id or en")
    if not items:
        return
    if as_warnings:
        for item in items:
            errors.print(f"[yellow]warning[/]: {escape(item.text(lang))}", highlight=False,
                         soft_wrap=True)
        return
    console.print(f"[yellow]{Todo('title').text(lang)}[/]:", highlight=False)
    for item in items:
        console.print(f"  - {item.text(lang)}", highlight=False, markup=False, soft_wrap=True)


def report_warnings(warnings: list[Problem]) -> None:
    """Print every warning as file:row:column: warning: reason; warnings do not stop."""
    for w in warnings[:MAX_PROBLEMS_SHOWN]:
        errors.print(f"{w.file}:{w.row}:{w.column}: warning: {w.reason}", highlight=False,
                     markup=False, soft_wrap=True)
    hidden = len(warnings) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        errors.print(f"... and {hidden} more warning(s)", markup=False)
    if warnings:
        errors.print(f"[yellow]{len(warnings)} warning(s)[/]: check them; they do not stop "
                     "the command", highlight=False)


@app.command()
def build(
    name: Annotated[str, typer.Argument(
        help="Built-in scenario: jambi (one province) or indonesia (one folder per province)")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the scenario into")],
    seed: Annotated[int, typer.Option(help="Random seed: one seed, one scenario")] = DEFAULT_SEED,
    geo: Annotated[Path | None, typer.Option(
        help="jambi: a folder with real points: jambi_kecamatan.csv, jambi_desa_kelurahan.csv, "
             "jambi_ibukota_kabkota_proxy.csv, optionally jambi_kabkota.csv; real boundaries "
             "from jambi_kabkota.geojson and jambi_kecamatan.geojson. indonesia: the "
             "kab/kota centroids file (indonesia_kabkota_centroids.csv)")] = None,
    tps: Annotated[int | None, typer.Option(
        help="indonesia: TPS in all (Pilkada 2024: 435296; Pemilu 2024: 820161; above "
             f"{indonesia.PEMILU_ABOVE:,} builds a Pemilu)", min=1)] = None,
    provinces: Annotated[str | None, typer.Option(
        help="indonesia: only these province codes, comma-separated (e.g. 15,16); the TPS "
             "total is split over them")] = None,
    counts: Annotated[Path | None, typer.Option(
        help="indonesia: real TPS counts per kecamatan (indonesia_kecamatan_centroids.csv) "
             "or per desa (the columns of jambi_tps_pemilu2024_per_desa.csv), kept exactly "
             "at a Pemilu, scaled with one TPS per desa at a Pilkada")] = None,
    election: Annotated[Election | None, typer.Option(
        help="indonesia: pemilu or pilkada (default: pemilu with --counts, else by --tps)")
    ] = None,
) -> None:
    """Generate a built-in scenario deterministically from a seed."""
    if name == "indonesia":
        _build_indonesia(out=out, seed=seed, geo=geo, tps=tps, provinces=provinces,
                         counts=counts, election=election)
        return
    if name not in scenarios.BUILDERS:
        fail(f"unknown scenario {name!r}; built-in: {', '.join(scenarios.BUILDERS)}, indonesia")
    if tps is not None or provinces is not None or counts is not None or election is not None:
        fail("these apply to `scenario build indonesia` only: --tps, --provinces, --counts, "
             "--election")
    try:
        with steps(f"building {name}", BUILD_STEPS) as step:
            scenario = scenarios.build_scenario(name=name, out=out, seed=seed, geo=geo,
                                                on_step=step)
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    s = scenario.summary()
    console.print(f"[green]wrote[/] {out}: {s.tps:,} TPS, {s.voters:,} voters, "
                  f"{s.polri:,} Polri, {s.tni:,} TNI, {s.linmas:,} Linmas"
                  + (f", real boundaries of {len(scenario.boundaries)} regions"
                     if scenario.boundaries else ""))


def _build_indonesia(*, out: Path, seed: int, geo: Path | None, tps: int | None,
                     provinces: str | None, counts: Path | None = None,
                     election: Election | None = None) -> None:
    """One scenario folder per province under ``out`` and ``out/national.toml``."""
    chosen = [c.strip() for c in provinces.split(",") if c.strip()] if provinces else None
    try:
        real = indonesia.read_counts(counts) if counts else None
        recipes = national.nation_recipes(total_tps=tps, seed=seed, geo=geo, provinces=chosen,
                                          counts=real, election=election)
        if real is not None:
            chosen_codes = {r.province_code for r in recipes}
            blank = [c for c in real.blank if c[:2] in chosen_codes]
            console.print(f"real TPS counts per {real.level} from {counts}: "
                          + ("kept exactly" if recipes[0].election == Election.PEMILU else
                             "scaled, at least one TPS per desa")
                          + (f"; {len(blank)} {real.level} without a count ("
                             f"{', '.join(blank[:6])}{', ...' if len(blank) > 6 else ''}) "
                             "have no TPS of their own: KPU counts them under the old codes"
                             if blank and recipes[0].election == Election.PEMILU else ""),
                          highlight=False, soft_wrap=True)
        with steps("building indonesia", len(recipes)) as step:
            built = indonesia.write_national(
                recipes, out, geo_file=geo, seed=seed, counts_file=counts,
                on_province=lambda r: step(f"{r.province_code} {r.name}"))
    except InvalidInputError as exc:
        report_invalid(exc)
    except (ValueError, FileNotFoundError, IsADirectoryError) as exc:
        fail(str(exc))
    table = Table(title=f"{out}: {recipes[0].election.value}, seed {seed}"
                  + (", real kab/kota points" if geo else "")
                  + (", real TPS counts" if counts else ""), title_justify="left")
    for column in ("provinces", "TPS", "voters", "Polri", "TNI", "Linmas", "seconds",
                   "slowest"):
        table.add_column(column, justify="right")
    slowest = max(built, key=lambda b: b.seconds)
    table.add_row(f"{len(built)}", f"{sum(b.summary.tps for b in built):,}",
                  f"{sum(b.summary.voters for b in built):,}",
                  f"{sum(b.summary.polri for b in built):,}",
                  f"{sum(b.summary.tni for b in built):,}",
                  f"{sum(b.summary.linmas for b in built):,}",
                  f"{sum(b.seconds for b in built):.1f}",
                  f"{slowest.recipe.province_code} ({slowest.seconds:.1f} s)")
    console.print(table)
    console.print(f"[green]wrote[/] {len(built)} scenario folders and "
                  f"{out / indonesia.NATIONAL_FILE}")


@app.command()
def init(
    province: Annotated[str, typer.Option(
        "--province", help="The province: its Kemendagri code (75) or name (Gorontalo)")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the skeleton into")],
    geo: Annotated[Path | None, typer.Option(
        help="A folder of point files in the formats of ../shared/data (kab/kota and "
             "kecamatan centroids, national files included; desa points; kab/kota seats) "
             "and boundary files; without it every point is approximate")] = None,
    jurisdiction: Annotated[Path | None, typer.Option(
        help="CSV polres_kabkota,covers[,name,hq]: a Polres covering more kab/kota than its "
             "own (Kerinci,Sungai Penuh), its name as Polri writes it, its HQ's kab/kota")
    ] = None,
    kodim: Annotated[Path | None, typer.Option(
        help="CSV korem,kodim,kabkota: one row per kab/kota a Kodim covers")] = None,
    profile: Annotated[Path | None, typer.Option(
        "--profile", help="Doctrine profile whose indicators are the observation form's "
                          "columns (default: the shipped id-pilkada-2024)")] = None,
) -> None:
    """Write the skeleton of your own operation: the province's regions (Kemendagri), the
    Polda, a Polres per kab/kota, a Polsek per kecamatan, the Korem and Kodim, and
    templates for the roster, the TPS list, the Bawaslu form and the races
    (docs/own-operation.md)."""
    try:
        made = scenarios.init_scenario(province=province, out=out, geo=geo,
                                       jurisdiction=jurisdiction, kodim=kodim, profile=profile)
    except InvalidInputError as exc:
        report_invalid(exc)
    except (ValueError, FileNotFoundError, scenarios.ScenarioExistsError, ProfileError) as exc:
        fail(str(exc))
    c = made.counts
    units = ", ".join(f"{n} {kind}" for kind, n in made.units.items())
    console.print(f"[green]wrote[/] {out}: {made.name}: {c.kabkota:,} kab/kota, "
                  f"{c.kecamatan:,} kecamatan, {c.desa:,} desa/kelurahan; {units}",
                  highlight=False, soft_wrap=True)
    if made.geo_files:
        console.print(f"points from --geo: {made.from_geo:,} regions "
                      f"({', '.join(made.geo_files)})", highlight=False, soft_wrap=True)
    if made.boundaries:
        console.print(f"real boundaries from --geo: {made.boundaries:,} regions",
                      highlight=False, soft_wrap=True)
    approximate = ", ".join(f"{n:,} {level}" for level, n in made.approximate.items() if n)
    if approximate:
        errors.print(f"[yellow]warning[/]: approximate points (placed around their parent, "
                     f"no point in --geo): {approximate}; each TPS still stands where its "
                     "list puts it (lat/lon or desa_pos_lat/desa_pos_lon)", highlight=False,
                     soft_wrap=True)
    for note in made.notes:
        errors.print(f"[yellow]warning[/]: {note}", highlight=False, soft_wrap=True)
    for path in made.templates:
        console.print(f"template: {path}", highlight=False, soft_wrap=True)
    console.print(f"next: fill tni.csv (and races.csv from templates/races.csv), then "
                  f"`pollguard scenario validate {out}` and `pollguard scenario load {out}`",
                  highlight=False, markup=False, soft_wrap=True)


@app.command()
def validate(folder: Annotated[Path, typer.Argument(help="Scenario folder")],
             profile: ProfileOption = None, lang: LangOption = "id") -> None:
    """Check a scenario folder; print every problem as file:row:column: reason, and every
    warning (a TPS far from its desa) as file:row:column: warning: reason; then what the
    operation still lacks (no TPS yet, no officers yet...) and the command that fills it."""
    warnings: list[Problem] = []
    try:
        scenario = scenarios.validate_scenario(folder=folder, profile=profile,
                                               on_warning=warnings.append)
    except InvalidInputError as exc:
        report_invalid(exc)
    except ProfileError as exc:
        fail(str(exc))
    report_warnings(warnings)
    s = scenario.summary()
    console.print(f"[green]valid[/]: {scenario.info.name}: {s.desa:,} desa, {s.tps:,} TPS, "
                  f"{s.polri:,} officers")
    report_todo(checklist.of_scenario(scenario), lang)


@app.command()
def load(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Scenario folder")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace the scenario the database holds")] = False,
    profile: ProfileOption = None,
    lang: LangOption = "id",
) -> None:
    """Validate a scenario folder and load it into the database in one transaction (with an
    audit entry: the files, their SHA-256 and what was replaced). A skeleton without TPS or
    officers loads too: it says what is still missing and how to import it."""
    db = state(ctx).db()
    warnings: list[Problem] = []
    try:
        with steps("loading", 1) as step:
            step(str(folder))
            s = scenarios.load_scenario(db=db, folder=folder, replace=replace, profile=profile,
                                        on_warning=warnings.append, actor=cli_actor())
    except InvalidInputError as exc:
        report_invalid(exc)
    except (scenarios.ScenarioExistsError, ProfileError) as exc:
        fail(str(exc))
    report_warnings(warnings)
    console.print(f"[green]loaded[/] {folder} into {db.url}: {s.tps:,} TPS, "
                  f"{s.polri:,} officers")
    report_todo(checklist.of_database(db=db), lang, as_warnings=True)
