"""National use cases: plan every Polda at once and store the national picture; export one
Polda's plotting documents from a stored national plan."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.tps import Election
from pollguard.national.engines import Engine
from pollguard.national.picture import NationalPicture
from pollguard.national.polda import PoldaResult, plan_polda
from pollguard.profile import dump_profile, load_profile
from pollguard.scenario.indonesia import (
    PILKADA_2024_TPS,
    ProvinceRecipe,
    RegionCounts,
    folder_recipes,
    national_recipes,
    read_counts,
    read_kabkota_centroids,
)
from pollguard.store import national
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


@dataclass(frozen=True)
class NationalOutcome:
    run_id: int
    picture: NationalPicture
    seconds: float


def nation_recipes(*, total_tps: int | None = PILKADA_2024_TPS, seed: int = 2024,
                   geo: Path | None = None, provinces: Sequence[str] | None = None,
                   counts: Path | RegionCounts | None = None,
                   election: Election | None = None,
                   source: Path | None = None) -> list[ProvinceRecipe]:
    """The Polda tasks of a national plan: read from the scenario folders in ``source``
    (``--from``), else built from the national recipes (real ``counts`` when given)."""
    if source is not None:
        recipes = folder_recipes(source)
        if provinces:
            wanted = set(provinces)
            recipes = [r for r in recipes if r.province_code in wanted]
            if missing := sorted(wanted - {r.province_code for r in recipes}):
                raise ValueError(f"{source} has no scenario folder for province(s) "
                                 f"{', '.join(missing)}")
        return recipes
    points = read_kabkota_centroids(geo) if geo else None
    real = read_counts(counts) if isinstance(counts, Path) else counts
    return national_recipes(total_tps if (total_tps or real) else PILKADA_2024_TPS, seed=seed,
                            geo=points, provinces=provinces, counts=real, election=election)


def plan_nation(*, db: Database, engine: Engine, total_tps: int | None = PILKADA_2024_TPS,
                seed: int = 2024, geo: Path | None = None,
                provinces: Sequence[str] | None = None, profile: Path | None = None,
                counts: Path | None = None, election: Election | None = None,
                source: Path | None = None,
                on_result: Callable[[PoldaResult], None] | None = None) -> NationalOutcome:
    """Plan every Polda (or those in ``provinces``) with ``engine`` and store the result.
    Each Polda is independent; one that fails is reported by name and the rest still count."""
    started = time.perf_counter()
    recipes = nation_recipes(total_tps=total_tps, seed=seed, geo=geo, provinces=provinces,
                             counts=counts, election=election, source=source)
    total_tps = sum(r.tps for r in recipes)
    toml = dump_profile(load_profile(profile))
    results = []
    for result in engine.run(recipes, profile_toml=toml):
        results.append(result)
        if on_result:
            on_result(result)
    picture = NationalPicture.merge(results)
    seconds = round(time.perf_counter() - started, 2)
    with UnitOfWork(db) as uow:
        run_id = national.save(uow.session, picture=picture, recipes=recipes,
                               total_tps=total_tps, seed=seed,
                               geo=str(geo) if geo else None, engine=engine.name,
                               seconds=seconds, profile_toml=toml)
    return NationalOutcome(run_id, picture, seconds)


def export_polda(*, db: Database, province_code: str, out: Path,
                 run_id: int | None = None) -> list[Path]:
    """One Polda's plotting workbooks and assignment cards from a stored national plan: the
    Polda is rebuilt from its stored recipe and planned again, which gives the same plan (the
    digest is checked), so the national run need not keep 250,000 assignments. A Polda the
    run split (``national.split``) is planned again part by part, one folder per part."""
    from pollguard.national.polda import planned_polda
    from pollguard.national.split import merged_digest
    from pollguard.reports import plan_docs

    with UnitOfWork(db) as uow:
        chosen = run_id or national.latest_id(uow.session)
        run = national.run_info(uow.session, chosen) if chosen else None
        if run is None:
            raise LookupError("no national plan yet: run `pollguard national plan` first")
        recipe = national.recipe(uow.session, run.id, province_code)
        stored = {r.province_code: r for r in national.picture(uow.session, run.id).results}
    if recipe is None:
        raise LookupError(f"national plan {run.id} has no Polda {province_code}")
    parts = stored[province_code].parts
    planned = [planned_polda(recipe, run.profile_toml, part=k, parts=parts)
               for k in range(parts)]
    digest = (planned[0][2].digest if parts == 1
              else merged_digest([result.digest for _, _, result in planned]))
    if digest != stored[province_code].digest:
        raise RuntimeError(f"Polda {province_code} did not plan the same way again: the code "
                           f"or the profile changed since national plan {run.id}")
    written: list[Path] = []
    for k, (scenario, plan, _) in enumerate(planned):
        # A split Polda: each part's documents in a folder of its own (part-1, part-2...).
        folder = out if parts == 1 else out / f"part-{k + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        written += (plan_docs.write_plotting_workbooks(plan, scenario, folder)
                    + plan_docs.write_assignment_cards(plan, scenario, folder))
    return written


def stored_picture(*, db: Database, run_id: int | None = None
                   ) -> tuple[national.NationalRun, NationalPicture]:
    """A stored national plan (the latest by default) and its picture; LookupError when there
    is none."""
    with UnitOfWork(db) as uow:
        chosen = run_id or national.latest_id(uow.session)
        run = national.run_info(uow.session, chosen) if chosen else None
        if run is None:
            raise LookupError("no national plan yet: run `pollguard national plan`")
        return run, national.picture(uow.session, run.id)


__all__ = ["NationalOutcome", "PoldaResult", "export_polda", "nation_recipes", "plan_nation",
           "plan_polda",
           "stored_picture"]
