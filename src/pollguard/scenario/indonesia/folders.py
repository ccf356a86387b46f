"""Writing the national set: one scenario folder per province and ``national.toml`` listing
the recipes."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from pollguard.domain.scenario import ScenarioSummary
from pollguard.scenario.folder import PROFILE, read_info, write_scenario
from pollguard.scenario.indonesia.province import build_province
from pollguard.scenario.indonesia.recipes import ProvinceRecipe
from pollguard.scenario.indonesia.shape import province_name
from pollguard.scenario.problems import InvalidInputError

NATIONAL_FILE = "national.toml"


@dataclass(frozen=True)
class BuiltProvince:
    recipe: ProvinceRecipe
    summary: ScenarioSummary
    seconds: float  # building and writing


def write_national(recipes: Sequence[ProvinceRecipe], out: Path, *,
                   geo_file: Path | None = None, seed: int | None = None,
                   counts_file: Path | None = None,
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
    (out / NATIONAL_FILE).write_text(national_toml(recipes, geo_file=geo_file, seed=seed,
                                                   counts_file=counts_file), encoding="utf-8")
    return built


def national_toml(recipes: Sequence[ProvinceRecipe], *, geo_file: Path | None = None,
                  seed: int | None = None, counts_file: Path | None = None) -> str:
    head: dict[str, Any] = {"total_tps": sum(r.tps for r in recipes),
                            "provinces": len(recipes)}
    if seed is not None:
        head["seed"] = seed
    if geo_file is not None:
        head["geo"] = str(geo_file)
    if counts_file is not None:
        head["counts"] = str(counts_file)
    rows = [{"province_code": r.province_code, "name": r.name, "tps": r.tps, "seed": r.seed,
             "election": r.election.value, "nrp_block": list(r.nrp_block),
             "folder": r.province_code, "real_kabkota_points": bool(r.kabkota),
             "real_tps_counts": r.counts.level if r.counts else ""}
            for r in recipes]
    return tomli_w.dumps({"national": head, "recipes": rows})


def folder_recipes(path: Path) -> list[ProvinceRecipe]:
    """Recipes that read scenario folders instead of building them (``national plan --from``):
    those ``out/national.toml`` lists (``scenario build indonesia``), else ``path`` itself when
    it is a scenario folder (``scenario init``), else every scenario folder just under it. Each
    keeps its folder's seed and election; its TPS are counted from its ``tps.csv`` rows."""
    path = Path(path)
    listed = path / NATIONAL_FILE
    if listed.is_file():
        rows = tomllib.loads(listed.read_text(encoding="utf-8")).get("recipes", [])
        folders = [path / str(r["folder"]) for r in rows]
    elif (path / PROFILE).is_file():
        folders = [path]
    else:
        folders = sorted(p for p in path.iterdir() if (p / PROFILE).is_file()) \
            if path.is_dir() else []
    if not folders:
        raise FileNotFoundError(f"no scenario folders in {path}: neither {NATIONAL_FILE} nor "
                                f"{PROFILE} (write them with `pollguard scenario build "
                                "indonesia` or `pollguard scenario init`)")
    recipes: list[ProvinceRecipe] = []
    for folder in folders:
        info, problems = read_info(folder)
        if info is None:
            raise InvalidInputError(problems)
        tps_csv = folder / "tps.csv"
        lines = tps_csv.read_bytes().count(b"\n") if tps_csv.is_file() else 1
        recipes.append(ProvinceRecipe(info.province_code, province_name(info.province_code),
                                      max(lines - 1, 0),
                                      info.seed or 0, info.election, folder=str(folder.resolve())))
    if len({r.province_code for r in recipes}) < len(recipes):
        raise ValueError(f"{path} holds two scenario folders of one province")
    return recipes
