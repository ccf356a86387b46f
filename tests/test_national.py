"""National planning: the same Polda plans come out of the local loop and of Ray; a crashed
task is retried; a Polda with bad input is reported by name and the others still count; the
national picture is stored and one Polda's documents can be exported from it."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

import pollguard.national.engines as engines
from pollguard.national.engines import LocalEngine, RayEngine
from pollguard.national.picture import NationalPicture
from pollguard.national.polda import PoldaResult, plan_polda
from pollguard.profile import dump_profile, load_profile
from pollguard.scenario.indonesia import PILKADA_2024_TPS, ProvinceRecipe, national_recipes
from pollguard.services import national
from pollguard.store.database import Database

#: Three small provinces at their share of the national Pilkada total: Kalimantan Utara,
#: Papua Barat Daya, Gorontalo.
SMALL = ["65", "96", "75"]


def small_recipes(seed: int = 7) -> list[ProvinceRecipe]:
    return [r for r in national_recipes(PILKADA_2024_TPS, seed=seed) if r.province_code in SMALL]


def crashing_once(folder: Path) -> Callable[[ProvinceRecipe, str | None], PoldaResult]:
    """The engines' task, except that its first attempt at each Polda crashes and leaves a
    marker in ``folder`` (shared by Ray's workers) so that the retry goes through. A closure:
    Ray ships it to its workers by value, with the real task inside."""

    def task(recipe: ProvinceRecipe, profile_toml: str | None = None) -> PoldaResult:
        tried = sorted(folder.glob(f"attempt-{recipe.province_code}-*"))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"attempt-{recipe.province_code}-{len(tried) + 1}").write_text(str(os.getpid()))
        if not tried:
            raise RuntimeError(f"injected fault in the task for Polda {recipe.name}")
        return plan_polda(recipe, profile_toml)

    return task


def attempts(folder: Path, code: str) -> int:
    return len(list(folder.glob(f"attempt-{code}-*")))


@pytest.fixture
def ray_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Ray writes a token and session files under HOME: keep them in the test's folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.mark.slow
def test_local_and_ray_plan_every_polda_identically(ray_home: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # One Ray start for the whole suite (two local clusters starting on the 2 cores timed out
    # waiting for their GCS): the same run also splits Papua Barat Daya, above 0.35 of the TPS, into
    # two Polres tasks, which must merge into the same plan on both engines.
    recipes = small_recipes()
    toml = dump_profile(load_profile(None))
    local = {r.province_code: r for r in LocalEngine(split_share=0.35).run(
        recipes, profile_toml=toml)}
    faults = tmp_path / "faults"
    monkeypatch.setattr(engines, "plan_polda", crashing_once(faults))
    distributed = {r.province_code: r for r in RayEngine(num_cpus=2, split_share=0.35).run(
        recipes, profile_toml=toml)}
    assert set(local) == set(distributed) == set(SMALL)
    assert local["96"].parts == distributed["96"].parts == 2
    for code in SMALL:
        a, b = local[code], distributed[code]
        assert a.ok and b.ok, (a.error, b.error)
        if a.parts == 1:  # every whole-Polda Ray task crashed once and was retried
            assert attempts(faults, code) == 2
        assert a.digest == b.digest and a.posts == b.posts and a.uncovered == b.uncovered
        assert a.tps == next(r.tps for r in recipes if r.province_code == code)
    assert sum(r.tps for r in local.values()) == sum(r.tps for r in recipes)
    assert len({r.pid for r in distributed.values()} - {local[SMALL[0]].pid}) >= 1


def test_a_crash_is_retried_and_bad_input_is_named_without_losing_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipes = small_recipes()[:2]
    broken = dataclasses.replace(recipes[1], province_code="99", name="Provinsi Fiktif")
    monkeypatch.setattr(engines, "plan_polda", crashing_once(tmp_path / "faults"))
    results = list(LocalEngine().run([recipes[0], broken], profile_toml=None))
    by_code = {r.province_code: r for r in results}
    assert by_code[recipes[0].province_code].ok and by_code[recipes[0].province_code].attempt == 2
    assert attempts(tmp_path / "faults", "99") == 2  # bad input is not retried again
    bad = by_code["99"]
    assert not bad.ok and "Provinsi Fiktif" in bad.error and "invalid input" in bad.error
    picture = NationalPicture.merge(results)
    assert [r.province_code for r in picture.failed] == ["99"]
    assert picture.total("tps") == recipes[0].tps


def test_a_task_that_keeps_crashing_fails_after_its_retries(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    calls = []

    def crash(*args: object) -> object:
        calls.append(args)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(engines, "plan_polda", crash)
    recipe = small_recipes()[0]
    [result] = LocalEngine(max_retries=2).run([recipe], profile_toml=None)
    assert not result.ok and "after 3 attempts" in result.error and len(calls) == 3


@pytest.mark.slow
def test_the_national_picture_is_stored_and_one_polda_exported(db: Database,
                                                               tmp_path: Path) -> None:
    total = sum(r.tps for r in small_recipes())
    outcome = national.plan_nation(db=db, engine=LocalEngine(), total_tps=total, seed=7,
                                   provinces=SMALL)
    assert not outcome.picture.failed and outcome.picture.total("tps") == total
    assert outcome.picture.total("at_tps") > 0
    paths = national.export_polda(db=db, province_code="65", out=tmp_path / "docs")
    books = [p for p in paths if p.suffix == ".xlsx"]
    assert books and all(p.exists() for p in paths)
    assert len(load_workbook(books[0], read_only=True).sheetnames) >= 2
    with pytest.raises(LookupError):
        national.export_polda(db=db, province_code="11", out=tmp_path / "x")


def test_the_national_commands(db_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pollguard.cli.main import app

    runner = CliRunner()
    base = ["--db", db_url, "national"]
    planned = runner.invoke(app, [*base, "plan", "--engine", "local", "--provinces", "65,75",
                                  "--tps", "6000"])
    assert planned.exit_code == 0, planned.output
    assert "Kalimantan Utara" in planned.output and "6,000" in planned.output
    shown = runner.invoke(app, [*base, "show"])
    assert shown.exit_code == 0 and "Gorontalo" in shown.output
    exported = runner.invoke(app, [*base, "export", "75", "--out", str(tmp_path / "g")])
    assert exported.exit_code == 0, exported.output
    assert list((tmp_path / "g").glob("plotting_*.xlsx"))
    bad = runner.invoke(app, [*base, "plan", "--engine", "spark"])
    assert bad.exit_code == 1 and "local or ray" in bad.output
    # a Polda whose duties alone outnumber its officers is named with the profile key to
    # lower, which the console once swallowed as Rich markup
    heavy = tmp_path / "heavy.toml"
    from importlib import resources
    text = resources.files("pollguard.profile").joinpath(
        "profiles", "id-pilkada-2024.toml").read_text(encoding="utf-8")
    heavy.write_text(re.sub(r"(?m)^ppk_office = \d+", "ppk_office = 40", text),
                     encoding="utf-8")  # 40 per kecamatan, at full strength and minimum
    short = runner.invoke(app, [*base, "plan", "--engine", "local", "--provinces", "65",
                                "--tps", "2000", "--profile", str(heavy)])
    assert short.exit_code == 1
    assert "Kalimantan Utara" in short.output and "[planning.duty_minimums]" in short.output

