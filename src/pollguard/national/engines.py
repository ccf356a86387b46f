"""Where the Polda tasks run: one after another in this process (``local``), or as Ray tasks
on this machine or a cluster (``ray``). Both run the same function on the same recipes, retry
a task that crashed, and hand each result back as soon as it is done, largest Polda first so
that the long tasks start early."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

from pollguard.national.polda import PoldaResult, plan_polda
from pollguard.scenario.indonesia import ProvinceRecipe

MAX_RETRIES = 2


class Engine(Protocol):
    name: str

    def run(self, recipes: Sequence[ProvinceRecipe], *,
            profile_toml: str | None) -> Iterator[PoldaResult]: ...


def _largest_first(recipes: Sequence[ProvinceRecipe]) -> list[ProvinceRecipe]:
    return sorted(recipes, key=lambda r: (-r.tps, r.province_code))


def _failed(recipe: ProvinceRecipe, exc: BaseException, attempts: int) -> PoldaResult:
    return PoldaResult(recipe.province_code, recipe.name, ok=False,
                       error=f"Polda {recipe.name} ({recipe.province_code}) failed after "
                             f"{attempts} attempts: {exc}", attempt=attempts)


class LocalEngine:
    """In this process, one Polda after another: no start-up cost, for small jobs and tests."""

    name = "local"

    def __init__(self, max_retries: int = MAX_RETRIES) -> None:
        self.max_retries = max_retries

    def run(self, recipes: Sequence[ProvinceRecipe], *,
            profile_toml: str | None) -> Iterator[PoldaResult]:
        for recipe in _largest_first(recipes):
            yield _with_retries(partial(plan_polda, recipe, profile_toml), recipe,
                                self.max_retries)


def _with_retries(job: Callable[[], PoldaResult], recipe: ProvinceRecipe,
                  retries: int) -> PoldaResult:
    for attempt in range(1, retries + 2):
        try:
            result = job()
        except Exception as exc:
            if attempt > retries:
                return _failed(recipe, exc, attempt)
        else:
            return result if result.attempt == attempt else replace(result, attempt=attempt)
    raise AssertionError("unreachable")


class RayEngine:
    """Ray tasks, one per Polda, retried by Ray when they crash. ``address`` joins an existing
    cluster (``ray://head:10001`` or ``auto``); None starts a local Ray for this run. Only
    the recipe travels to a worker, which builds its province itself."""

    name = "ray"

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None,
                 max_retries: int = MAX_RETRIES) -> None:
        self.address, self.num_cpus, self.max_retries = address, num_cpus, max_retries

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
            task: Any = ray.remote(max_retries=self.max_retries,
                                   retry_exceptions=True)(plan_polda)
            pending = {task.remote(r, profile_toml): r
                       for r in _largest_first(recipes)}
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                recipe = pending.pop(done[0])
                try:
                    yield ray.get(done[0])
                except Exception as exc:
                    yield _failed(recipe, exc, self.max_retries + 1)
        finally:
            if started_here:
                ray.shutdown()


def engine_named(name: str, *, address: str | None = None,
                 num_cpus: int | None = None) -> Engine:
    if name == "local":
        return LocalEngine()
    if name == "ray":
        return RayEngine(address, num_cpus=num_cpus)
    raise ValueError(f"unknown engine {name!r}: choose local or ray")
