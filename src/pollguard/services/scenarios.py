"""Scenario use cases: build, validate, load, import, summarise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario, ScenarioSummary
from pollguard.domain.tps import LINMAS_PER_TPS
from pollguard.scenario.folder import read_scenario, write_scenario
from pollguard.scenario.geography import read_geography
from pollguard.scenario.importers import read_kpu_tps_list, read_roster
from pollguard.scenario.jambi import DEFAULT_SEED, build_jambi
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

BUILDERS = ("jambi",)


def build_scenario(*, name: str, out: Path, seed: int = DEFAULT_SEED, geo: Path | None = None,
                   on_step: Callable[[str], None] | None = None) -> Scenario:
    """Generate a built-in scenario and write it as a scenario folder."""
    if name not in BUILDERS:
        raise ValueError(f"unknown scenario {name!r}; built-in: {', '.join(BUILDERS)}")
    scenario = build_jambi(seed=seed, geo=read_geography(geo) if geo else None, on_step=on_step)
    if on_step:
        on_step("writing files")
    write_scenario(scenario, out)
    return scenario


def validate_scenario(*, folder: Path) -> Scenario:
    return read_scenario(folder)


class ScenarioExistsError(Exception):
    """The database already holds a scenario and the caller did not ask to replace it."""


def load_scenario(*, db: Database, folder: Path, replace: bool = False) -> ScenarioSummary:
    """Validate a scenario folder, then make the database hold it, in one transaction."""
    scenario = read_scenario(folder)
    with UnitOfWork(db) as uow:
        existing = repo.current_info(uow.session)
        if existing is not None and not replace:
            raise ScenarioExistsError(f"the database already holds {existing.name!r}; "
                                 "use --replace to replace it")
        repo.replace_scenario(uow.session, scenario, source=str(folder))
    return scenario.summary()


@dataclass(frozen=True)
class TpsImport:
    tps: int
    desa: int
    kabkota: tuple[str, ...]
    removed: int


def import_tps(*, db: Database, path: Path) -> TpsImport:
    """Replace the TPS of every kab/kota in a KPU-style list with the list's TPS (the KPU list
    is the list), and set Linmas in those kab/kota to the KPU's two per TPS."""
    with UnitOfWork(db) as uow:
        info = repo.current_info(uow.session)
        if info is None:
            raise InvalidInputError([Problem(path.name, 1, "-", "the database holds no scenario: "
                                        "run `pollguard scenario load DIR` first")])
        stations = read_kpu_tps_list(path, desa_points=repo.desa_points(uow.session),
                                     voter_cap=info.voter_cap)
        kabs = tuple(sorted({ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in stations}))
        removed = repo.replace_tps_of(uow.session, kabs, stations)
        per_desa = Counter(t.desa_code for t in stations)
        repo.replace_linmas_of(uow.session, kabs,
                               {d: n * LINMAS_PER_TPS for d, n in per_desa.items()})
    return TpsImport(len(stations), len(per_desa), kabs, removed)


@dataclass(frozen=True)
class RosterImport:
    added: int
    updated: int


def import_roster(*, db: Database, path: Path) -> RosterImport:
    """Add officers, or update them by NRP, from a CSV or XLSX roster."""
    with UnitOfWork(db) as uow:
        officers = read_roster(path, units=repo.units(uow.session))
        added, updated = repo.upsert_officers(uow.session, officers)
    return RosterImport(added, updated)


def summary(*, db: Database) -> ScenarioSummary:
    with UnitOfWork(db) as uow:
        return repo.summary(uow.session)
