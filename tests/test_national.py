"""National planning: the same Polda plans come out of the local loop and of Ray; a crashed
task is retried; a Polda with bad input is reported by name and the others still count; the
national picture is stored and one Polda's documents can be exported from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pollguard.national.engines import LocalEngine, RayEngine
from pollguard.national.picture import NationalPicture
from pollguard.profile import dump_profile, load_profile
from pollguard.scenario.indonesia import PILKADA_2024_TPS, ProvinceRecipe, national_recipes
from pollguard.services import national
from pollguard.store.database import Database

#: Three small provinces at their share of the national Pilkada total: Kalimantan Utara,
#: Papua Barat Daya, Gorontalo.
SMALL = ["65", "96", "75"]


def small_recipes(seed: int = 7) -> list[ProvinceRecipe]:
    return [r for r in national_recipes(PILKADA_2024_TPS, seed=seed) if r.province_code in SMALL]


@pytest.fixture
def ray_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Ray writes a token and session files under HOME: keep them in the test's folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.mark.slow
def test_local_and_ray_plan_every_polda_identically(ray_home: Path, tmp_path: Path) -> None:
    recipes = small_recipes()
    toml = dump_profile(load_profile(None))
    local = {r.province_code: r for r in LocalEngine().run(recipes, profile_toml=toml)}
    distributed = {r.province_code: r for r in RayEngine(num_cpus=2).run(
        recipes, profile_toml=toml, fault_dir=str(tmp_path / "faults"))}
    assert set(local) == set(distributed) == set(SMALL)
    for code in SMALL:
        a, b = local[code], distributed[code]
        assert a.ok and b.ok, (a.error, b.error)
        assert b.attempt == 2  # every Ray task failed once (the injected fault) and was retried
        assert a.digest == b.digest and a.posts == b.posts and a.uncovered == b.uncovered
        assert a.tps == next(r.tps for r in recipes if r.province_code == code)
    assert sum(r.tps for r in local.values()) == sum(r.tps for r in recipes)
    assert len({r.pid for r in distributed.values()} - {local[SMALL[0]].pid}) >= 1


def test_a_crash_is_retried_and_bad_input_is_named_without_losing_the_rest(
        tmp_path: Path) -> None:
    recipes = small_recipes()[:2]
    broken = dataclasses.replace(recipes[1], province_code="99", name="Provinsi Fiktif")
    results = list(LocalEngine().run([recipes[0], broken], profile_toml=None,
                                     fault_dir=str(tmp_path / "faults")))
    by_code = {r.province_code: r for r in results}
    assert by_code[recipes[0].province_code].ok and by_code[recipes[0].province_code].attempt == 2
    bad = by_code["99"]
    assert not bad.ok and "Provinsi Fiktif" in bad.error and "invalid input" in bad.error
    picture = NationalPicture.merge(results)
    assert [r.province_code for r in picture.failed] == ["99"]
    assert picture.total("tps") == recipes[0].tps


def test_a_task_that_keeps_crashing_fails_after_its_retries(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import pollguard.national.engines as engines

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
