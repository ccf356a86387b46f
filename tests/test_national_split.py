"""Splitting a large Polda (``national.split``): the BKO split decided on aggregates, the
Polres planned as separate tasks and merged into one result, and the cost of the split
against the whole-Polda plan on a province where both run (Jambi at its national share)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pollguard.national.engines import LocalEngine, tasks
from pollguard.national.polda import PoldaResult, merge_parts, plan_part, plan_polda
from pollguard.national.split import pack, parts_for
from pollguard.planning.budget import allocate, split_bko
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.roles import assign
from pollguard.profile import load_profile
from pollguard.risk.scoring import assess, inputs_of
from pollguard.scenario.indonesia import (
    PILKADA_2024_TPS,
    ProvinceRecipe,
    build_province,
    national_recipes,
)
from pollguard.services import national
from pollguard.store.database import Database


def recipe_of(code: str, seed: int = 7) -> ProvinceRecipe:
    return next(r for r in national_recipes(PILKADA_2024_TPS, seed=seed)
                if r.province_code == code)


def test_a_polda_is_split_only_above_the_share_and_its_polres_packed_evenly() -> None:
    assert parts_for(100, 1000, 0.1) == 1 and parts_for(101, 1000, 0.1) == 2
    # Jawa Barat at the Pemilu: two parts by TPS alone, but each part also rebuilds and
    # assesses the whole province (PART_OVERHEAD), which made half of it 11.9 % of the work;
    # Jawa Timur's half, packed by TPS, took 10.8 % (PART_MARGIN): three parts each
    assert parts_for(140_457, 820_161, 0.1) == parts_for(120_666, 820_161, 0.1) == 3
    assert parts_for(60_000, 820_161, 0.1) == 1
    # an overhead alone above the share: sized by TPS alone, not into ever more parts
    assert parts_for(300, 1000, 0.1, overhead=0.4) == 4
    assert parts_for(500, 1000, None) == 1
    sizes = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10}
    bins = pack(sizes, 2)
    assert sorted(c for b in bins for c in b) == sorted(sizes)
    loads = [sum(sizes[c] for c in b) for b in bins]
    assert max(loads) - min(loads) <= 10 and bins == pack(dict(reversed(sizes.items())), 2)
    small, big = recipe_of("75"), recipe_of("15")
    # Jambi holds 68 % of these TPS: half of it and the overhead would be 0.34 + 0.20 of the
    # TPS, over 0.4 * 1.3, so three tasks; Gorontalo one, larger than a third of Jambi: first
    run = tasks([small, big], 0.4)
    assert [(r.province_code, part, of) for r, part, of in run] == [
        ("75", 0, 1), ("15", 0, 3), ("15", 1, 3), ("15", 2, 3)]


def test_the_split_lends_the_same_bko_in_total_as_the_whole_plans_budget() -> None:
    recipe = recipe_of("15")
    scenario = build_province(recipe)
    profile = load_profile(None)
    risks = {r.tps_id: r for r in assess(profile, inputs_of(scenario,
                                                           scenario.info.voting_date))}
    inputs = PlanInputs.of(scenario, risks, profile.planning)
    guards = assign(inputs).guards
    whole = allocate(inputs, guards).layout.bko
    split = split_bko(inputs, {o: len(v) for o, v in guards.items()})
    assert set(split) == {p.code for p in inputs.polres}
    # Measured: 1,526 lent by the whole plan's budget, 1,527 by the split on aggregates.
    assert abs(sum(split.values()) - sum(whole.values())) <= 0.01 * sum(whole.values())


@pytest.mark.slow
def test_the_cost_of_the_split_against_the_whole_polda_plan() -> None:
    recipe = recipe_of("15")
    whole = plan_polda(recipe)
    parts = [plan_part(recipe, None, k, 2) for k in range(2)]
    assert all(p.ok for p in parts), [p.error for p in parts]
    split = merge_parts(list(reversed(parts)))  # the order they come back in does not count
    assert split.parts == 2 and split.tps == whole.tps == recipe.tps
    assert split.officers == whole.officers  # every officer in exactly one part
    assert {t for p in parts for t in p.uncovered} == set(whole.uncovered)
    assert split.bko_needed == whole.bko_needed
    assert split.classes == whole.classes
    # The cost, as measured (docs/national.md, "the cost of the split"): travel within 5 %,
    # posts, officers at TPS and the reserve within 3 %, BKO within 3 %.
    assert abs(split.travel_km - whole.travel_km) <= 0.05 * whole.travel_km
    assert abs(split.posts - whole.posts) <= 0.03 * whole.posts
    assert abs(split.at_tps - whole.at_tps) <= 0.03 * whole.at_tps
    assert abs(split.in_reserve - whole.in_reserve) <= 0.03 * whole.in_reserve
    assert abs(split.bko_from_pool - whole.bko_from_pool) <= 0.03 * whole.bko_from_pool
    assert split.on_duties == whole.on_duties
    again = plan_part(recipe, None, 1, 2)
    assert again.digest == parts[1].digest  # a part plans the same way every time


def _by_code(results: list[PoldaResult]) -> dict[str, PoldaResult]:
    return {r.province_code: r for r in results}


@pytest.mark.slow
def test_a_split_polda_is_stored_and_exported_part_by_part(db: Database,
                                                            tmp_path: Path) -> None:
    outcome = national.plan_nation(db=db, engine=LocalEngine(split_share=0.5),
                                   total_tps=6000, seed=7, provinces=["65", "75"])
    split = [r for r in outcome.picture.results if r.parts > 1]
    assert [r.province_code for r in split] == ["75"] and not outcome.picture.failed
    _, stored = national.stored_picture(db=db)
    assert [r.parts for r in stored.results] == [r.parts for r in outcome.picture.results]
    paths = national.export_polda(db=db, province_code="75", out=tmp_path / "docs")
    assert {p.relative_to(tmp_path / "docs").parts[0] for p in paths} == {"part-1", "part-2"}


def test_the_national_plan_command_splits_on_request(db_url: str, db: Database) -> None:
    from typer.testing import CliRunner

    from pollguard.cli.main import app

    planned = CliRunner().invoke(app, ["--db", db_url, "national", "plan", "--engine", "local",
                                       "--provinces", "65,75", "--tps", "3000",
                                       "--split-share", "0.5"])
    assert planned.exit_code == 0, planned.output
    assert "Gorontalo" in planned.output and "3,000" in planned.output
    _, stored = national.stored_picture(db=db)
    assert {r.province_code: r.parts for r in stored.results} == {"65": 1, "75": 2}
    assert len(stored.results[1].task_seconds) == 2


def test_a_part_that_keeps_crashing_fails_its_polda_by_name(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import pollguard.national.engines as engines

    def crash(recipe: ProvinceRecipe, *args: object) -> PoldaResult:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(engines, "plan_part", crash)
    results = _by_code(list(LocalEngine(max_retries=1, split_share=0.6).run(
        [recipe_of("75"), recipe_of("65")], profile_toml=None)))
    assert results["65"].ok and results["65"].parts == 1  # the whole Polda is untouched
    bad = results["75"]
    assert not bad.ok and bad.parts == 2 and "Gorontalo" in bad.error
    assert "part 1 of 2 failed after 2 attempts" in bad.error
