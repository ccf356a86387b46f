"""Where the Polda tasks run: one after another in this process (``local``), or as Ray tasks
on this machine or a cluster (``ray``). Both run the same function on the same recipes, retry
a task that crashed, and hand each result back as soon as it is done, largest Polda first so
that the long tasks start early. With a ``split_share`` a Polda larger than that share of the
run's TPS is planned as several tasks (``national.split``) and handed back merged, once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

from pollguard.national.polda import PoldaResult, merge_parts, plan_part, plan_polda
from pollguard.national.sizing import task_memory
from pollguard.national.split import parts_for
from pollguard.scenario.indonesia import ProvinceRecipe

MAX_RETRIES = 2


class Engine(Protocol):
    name: str

    def run(self, recipes: Sequence[ProvinceRecipe], *,
            profile_toml: str | None) -> Iterator[PoldaResult]: ...


Task = tuple[ProvinceRecipe, int, int]  # a recipe, its part and how many parts (1: whole)


def tasks(recipes: Sequence[ProvinceRecipe], split_share: float | None) -> list[Task]:
    """The tasks of a run, largest first: one per Polda, or with ``split_share`` as many per
    Polda as keep each task within that share of the run's TPS (``split.parts_for``)."""
    total = sum(r.tps for r in recipes)
    out = [(r, part, parts) for r in recipes
           for parts in [parts_for(r.tps, total, split_share)] for part in range(parts)]
    return sorted(out, key=lambda t: (-t[0].tps / t[2], t[0].province_code, t[1]))


class _Parts:
    """Collects the parts of split Polda until each is whole, then merges them."""

    def __init__(self) -> None:
        self.got: dict[str, list[PoldaResult]] = {}

    def add(self, result: PoldaResult, parts: int) -> PoldaResult | None:
        if parts == 1:
            return result
        have = self.got.setdefault(result.province_code, [])
        have.append(result)
        return merge_parts(have) if len(have) == parts else None


def _failed(recipe: ProvinceRecipe, exc: BaseException, attempts: int, part: int = 0,
            parts: int = 1) -> PoldaResult:
    where = f" part {part + 1} of {parts}" if parts > 1 else ""
    return PoldaResult(recipe.province_code, recipe.name, ok=False,
                       error=f"Polda {recipe.name} ({recipe.province_code}){where} failed "
                             f"after {attempts} attempts: {exc}", attempt=attempts,
                       part=part, parts=parts)


def _job(recipe: ProvinceRecipe, part: int, parts: int,
         profile_toml: str | None) -> Callable[[], PoldaResult]:
    if parts == 1:
        return partial(plan_polda, recipe, profile_toml)
    return partial(plan_part, recipe, profile_toml, part, parts)


class LocalEngine:
    """In this process, one Polda after another: no start-up cost, for small jobs and tests."""

    name = "local"

    def __init__(self, max_retries: int = MAX_RETRIES, *,
                 split_share: float | None = None) -> None:
        self.max_retries, self.split_share = max_retries, split_share

    def run(self, recipes: Sequence[ProvinceRecipe], *,
            profile_toml: str | None) -> Iterator[PoldaResult]:
        parts = _Parts()
        for recipe, part, of in tasks(recipes, self.split_share):
            result = _with_retries(_job(recipe, part, of, profile_toml), recipe,
                                   self.max_retries, part, of)
            if (whole := parts.add(result, of)) is not None:
                yield whole


def _with_retries(job: Callable[[], PoldaResult], recipe: ProvinceRecipe,
                  retries: int, part: int = 0, parts: int = 1) -> PoldaResult:
    for attempt in range(1, retries + 2):
        try:
            result = job()
        except Exception as exc:
            if attempt > retries:
                return _failed(recipe, exc, attempt, part, parts)
        else:
            return result if result.attempt == attempt else replace(result, attempt=attempt)
    raise AssertionError("unreachable")


class RayEngine:
    """Ray tasks, one per Polda, retried by Ray when they crash. ``address`` joins an existing
    cluster (``ray://head:10001`` or ``auto``); None starts a local Ray for this run. Only
    the recipe travels to a worker, which builds its province itself."""

    name = "ray"

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None,
                 max_retries: int = MAX_RETRIES, split_share: float | None = None) -> None:
        self.address, self.num_cpus, self.max_retries = address, num_cpus, max_retries
        self.split_share = split_share

    def run(self, recipes: Sequence[ProvinceRecipe], *,
            profile_toml: str | None) -> Iterator[PoldaResult]:
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "configure_logging": False}
            if self.address:
                options["address"] = self.address
            else:
                options["num_cpus"] = self.num_cpus
            ray.init(**options)
        try:
            options = {"max_retries": self.max_retries, "retry_exceptions": True}
            whole: Any = ray.remote(**options)(plan_polda)
            one_part: Any = ray.remote(**options)(plan_part)
            # Each task declares the memory it needs (``sizing``: a part builds the whole
            # province), so Ray never runs more of them on one machine than it holds.
            pending = {(whole.options(memory=task_memory(r.tps)).remote(r, profile_toml)
                        if of == 1 else one_part.options(memory=task_memory(r.tps)).remote(
                            r, profile_toml, part, of)): (r, part, of)
                       for r, part, of in tasks(recipes, self.split_share)}
            parts = _Parts()
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                recipe, part, of = pending.pop(done[0])
                try:
                    result = ray.get(done[0])
                except Exception as exc:
                    result = _failed(recipe, exc, self.max_retries + 1, part, of)
                if (merged := parts.add(result, of)) is not None:
                    yield merged
        finally:
            if started_here:
                ray.shutdown()


def engine_named(name: str, *, address: str | None = None, num_cpus: int | None = None,
                 split_share: float | None = None) -> Engine:
    if name == "local":
        return LocalEngine(split_share=split_share)
    if name == "ray":
        return RayEngine(address, num_cpus=num_cpus, split_share=split_share)
    raise ValueError(f"unknown engine {name!r}: choose local or ray")
