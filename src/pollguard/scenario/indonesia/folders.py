"""Writing the national set: one scenario folder per province and ``national.toml`` listing
the recipes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from pollguard.domain.scenario import ScenarioSummary
from pollguard.scenario.folder import write_scenario
from pollguard.scenario.indonesia.province import build_province
from pollguard.scenario.indonesia.recipes import ProvinceRecipe

NATIONAL_FILE = "national.toml"


@dataclass(frozen=True)
class BuiltProvince:
    recipe: ProvinceRecipe
    summary: ScenarioSummary
    seconds: float  # building and writing


def write_national(recipes: Sequence[ProvinceRecipe], out: Path, *,
                   geo_file: Path | None = None, seed: int | None = None,
                   on_province: Callable[[ProvinceRecipe], None] | None = None,
                   ) -> list[BuiltProvince]:
    """Build each recipe, one after another, into ``out/<province code>/`` (a normal scenario
    folder), then write ``out/national.toml`` listing the recipes."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    built: list[BuiltProvince] = []
    for recipe in recipes:
        if on_province:
            on_province(recipe)
        started = time.perf_counter()
        scenario = build_province(recipe)
        write_scenario(scenario, out / recipe.province_code)
        built.append(BuiltProvince(recipe, scenario.summary(), time.perf_counter() - started))
    (out / NATIONAL_FILE).write_text(national_toml(recipes, geo_file=geo_file, seed=seed),
                                     encoding="utf-8")
    return built


def national_toml(recipes: Sequence[ProvinceRecipe], *, geo_file: Path | None = None,
                  seed: int | None = None) -> str:
    head: dict[str, Any] = {"total_tps": sum(r.tps for r in recipes),
                            "provinces": len(recipes)}
    if seed is not None:
        head["seed"] = seed
    if geo_file is not None:
        head["geo"] = str(geo_file)
    rows = [{"province_code": r.province_code, "name": r.name, "tps": r.tps, "seed": r.seed,
             "election": r.election.value, "nrp_block": list(r.nrp_block),
             "folder": r.province_code, "real_kabkota_points": bool(r.kabkota)}
            for r in recipes]
    return tomli_w.dumps({"national": head, "recipes": rows})
