"""Scenario use cases: build, validate, load, import, summarise."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario, ScenarioInfo, ScenarioSummary
from pollguard.domain.tps import LINMAS_PER_TPS
from pollguard.planning.drift import TpsDrift, tps_drift
from pollguard.profile import load_profile
from pollguard.scenario import kemendagri
from pollguard.scenario.boundaries import BOUNDARIES, read_boundaries, write_boundaries
from pollguard.scenario.checks import TpsDistanceLimits
from pollguard.scenario.folder import PROFILE, ScenarioRead, read_scenario_checked, write_scenario
from pollguard.scenario.geo_points import read_geo_points
from pollguard.scenario.geography import read_geography
from pollguard.scenario.importers import read_desa_aliases, read_kpu_tps_list, read_roster
from pollguard.scenario.jambi import DEFAULT_SEED, build_jambi
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.skeleton import build_skeleton, write_skeleton
from pollguard.scenario.skeleton_tables import read_jurisdiction, read_kodim
from pollguard.store import audit, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

#: Called with each warning: something odd that does not stop a load or an import.
OnWarning = Callable[[Problem], None]

BUILDERS = ("jambi",)


def build_scenario(*, name: str, out: Path, seed: int = DEFAULT_SEED, geo: Path | None = None,
                   on_step: Callable[[str], None] | None = None) -> Scenario:
    """Generate a built-in scenario and write it as a scenario folder. With ``geo`` the
    region points come from its files and so do the real boundaries (``boundaries.geojson``,
    when ``geo`` has boundary files): the scenario returned carries them."""
    if name not in BUILDERS:
        raise ValueError(f"unknown scenario {name!r}; built-in: {', '.join(BUILDERS)}")
    scenario = build_jambi(seed=seed, geo=read_geography(geo) if geo else None, on_step=on_step)
    if on_step:
        on_step("writing files")
    write_scenario(scenario, out)
    if geo and write_boundaries(geo, scenario.info.province_code, out):
        read = read_boundaries((out / BOUNDARIES).read_bytes(),
                               {r.code: r for r in scenario.regions})
        if read.problems:
            raise InvalidInputError(read.problems)
        scenario = dataclasses.replace(scenario, boundaries=read.boundaries)
    return scenario


@dataclass(frozen=True)
class ScenarioInit:
    """What ``init_scenario`` wrote: the skeleton's counts, where its points came from and
    the templates to fill."""

    name: str
    counts: ScenarioSummary
    units: Mapping[str, int]  # per kind: polda, satker, polres, polsek, korem, kodim
    approximate: Mapping[str, int]  # regions placed approximately, by level
    from_geo: int
    geo_files: tuple[str, ...]
    templates: tuple[Path, ...]
    notes: tuple[str, ...]
    boundaries: int = 0  # regions whose real boundary --geo gave (boundaries.geojson)


def init_scenario(*, province: str, out: Path, geo: Path | None = None,
                  jurisdiction: Path | None = None, kodim: Path | None = None,
                  profile: Path | None = None) -> ScenarioInit:
    """Write the skeleton of a province's own operation (``scenario.skeleton``) into ``out``:
    its regions, Polda, Polres and Polsek, the Korem and Kodim of ``kodim``, points from
    ``geo``, and the templates to fill (the observation form's columns are the profile's
    indicators). A province is given by its code or its name. A folder that already holds a
    ``scenario.toml`` is not overwritten (``ScenarioExistsError``); a bad input file raises
    ``InvalidInputError`` and writes nothing."""
    code = province_code(province)
    if (out / PROFILE).exists():
        raise ScenarioExistsError(f"{out} already holds a scenario ({PROFILE}); choose another "
                                  "folder or remove it first")
    points = read_geo_points(geo, code) if geo is not None else None
    polres = read_jurisdiction(jurisdiction, code) if jurisdiction is not None else None
    tni = read_kodim(kodim, code) if kodim is not None else ()
    indicators = [i.code for i in load_profile(profile).indicators]
    skeleton = build_skeleton(code, geo=points, polres=polres, tni=tni, indicators=indicators)
    templates = write_skeleton(skeleton, out)
    drawn = write_boundaries(geo, code, out) if geo is not None else 0
    return ScenarioInit(skeleton.scenario.info.name, skeleton.scenario.summary(),
                        dict(Counter(u.kind.value for u in skeleton.scenario.units)),
                        skeleton.approximate, skeleton.from_geo,
                        tuple(points.files) if points else (), tuple(templates),
                        skeleton.notes, drawn)


def province_code(text: str) -> str:
    """A Kemendagri province code from its code (``75``) or its name (any case:
    ``gorontalo``, ``Nusa Tenggara Barat``); ``ValueError`` naming the provinces otherwise."""
    if text in kemendagri.province_codes():
        return text
    names = {name: c for c, name in kemendagri.province_names().items()}
    found = [c for name, c in names.items() if name.lower() == " ".join(text.lower().split())]
    if found:
        return found[0]
    raise ValueError(f"no Kemendagri province {text!r}; give a code or a name: "
                     + ", ".join(f"{c} {n}" for n, c in sorted(names.items(),
                                                              key=lambda x: x[1])))


def distance_limits(profile: Path | None = None) -> TpsDistanceLimits:
    """How far a TPS may lie from its desa and kecamatan points before a warning: the
    profile's ``[scenario]`` keys (the shipped profile's by default)."""
    checks = load_profile(profile).scenario
    return TpsDistanceLimits(checks.tps_max_km_from_desa, checks.tps_max_km_from_kecamatan)


def _read(folder: Path, profile: Path | None, on_warning: OnWarning | None) -> ScenarioRead:
    read = read_scenario_checked(folder, limits=distance_limits(profile))
    for warning in read.warnings:
        if on_warning:
            on_warning(warning)
    return read


def validate_scenario(*, folder: Path, profile: Path | None = None,
                      on_warning: OnWarning | None = None) -> Scenario:
    """Read and check a scenario folder; every warning (a TPS far from its desa) goes to
    ``on_warning``."""
    return _read(folder, profile, on_warning).scenario


class ScenarioExistsError(Exception):
    """The database already holds a scenario and the caller did not ask to replace it."""


def _counts(summary: ScenarioSummary) -> dict[str, int]:
    return dataclasses.asdict(summary)


def load_scenario(*, db: Database, folder: Path, replace: bool = False,
                  profile: Path | None = None, on_warning: OnWarning | None = None,
                  actor: str = "cli") -> ScenarioSummary:
    """Validate a scenario folder, then make the database hold it, in one transaction, with
    an audit entry (``scenario.load``: the files and their SHA-256, their rows, and what the
    scenario replaced)."""
    read = _read(folder, profile, on_warning)
    scenario = read.scenario
    with UnitOfWork(db) as uow:
        existing = repo.current_info(uow.session)
        if existing is not None and not replace:
            raise ScenarioExistsError(f"the database already holds {existing.name!r}; "
                                 "use --replace to replace it")
        replaced = None if existing is None else {
            "name": existing.name, **_counts(repo.summary(uow.session))}
        repo.replace_scenario(uow.session, scenario, source=str(folder))
        audit.append(uow.session, actor=actor, action="scenario.load",
                     subject=f"scenario {scenario.info.name}",
                     detail={"source": str(folder),
                             "files": [dataclasses.asdict(f) for f in read.files],
                             "loaded": _counts(scenario.summary()), "replaced": replaced,
                             "warnings": len(read.warnings)})
    return scenario.summary()


@dataclass(frozen=True)
class TpsImport:
    tps: int
    desa: int
    kabkota: tuple[str, ...]
    removed: int
    #: TPS whose desa code the aliases file changed (``import_tps(aliases=...)``).
    renamed: int = 0
    #: The plan in force against the new list (None: no plan in force, or nothing changed
    #: for it): which posts lost TPS, which TPS have no post yet (``plan update`` places them).
    plan_id: int | None = None
    drift: TpsDrift | None = None


def import_tps(*, db: Database, path: Path, profile: Path | None = None,
               on_warning: OnWarning | None = None, actor: str = "cli",
               aliases: Path | None = None) -> TpsImport:
    """Replace the TPS of every kab/kota in a KPU-style list with the list's TPS (the KPU list
    is the list), and set Linmas in those kab/kota to the KPU's two per TPS; with an audit
    entry (``import.tps``) in the same transaction. A TPS far from its desa or kecamatan
    point is a warning (``on_warning``), not a refusal. ``aliases`` is a file of old desa
    codes and their new ones (``read_desa_aliases``), applied to the list before it is
    checked; the audit entry names it (its SHA-256) and how many TPS it renamed. Over a plan
    in force the import still goes through, and the result and the audit entry say what it
    did to that plan (``planning.drift``): the posts that lost TPS, the TPS without a post."""
    limits = distance_limits(profile)
    data = path.read_bytes()
    alias_data = aliases.read_bytes() if aliases is not None else None
    warnings: list[Problem] = []
    with UnitOfWork(db) as uow:
        info = repo.current_info(uow.session)
        if info is None:
            raise InvalidInputError([Problem(path.name, 1, "-", "the database holds no scenario: "
                                        "run `pollguard scenario load DIR` first")])
        desa_points = repo.desa_points(uow.session)
        renames = (read_desa_aliases(aliases, desa=desa_points, data=alias_data)
                   if aliases is not None else {})
        renamed: list[int] = []
        stations = read_kpu_tps_list(path, desa_points=desa_points,
                                     voter_cap=info.voter_cap, data=data,
                                     kecamatan_points=repo.kecamatan_points(uow.session),
                                     limits=limits, warnings=warnings, aliases=renames,
                                     regions=repo.region_names(uow.session), renamed=renamed)
        kabs = tuple(sorted({ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in stations}))
        before = repo.summary(uow.session)
        removed = repo.replace_tps_of(uow.session, kabs, stations)
        per_desa = Counter(t.desa_code for t in stations)
        linmas = {d: n * LINMAS_PER_TPS for d, n in per_desa.items()}
        repo.replace_linmas_of(uow.session, kabs, linmas)
        after = repo.summary(uow.session)
        added = {"tps": len(stations), "desa": len(per_desa),
                 "voters": sum(t.voters or 0 for t in stations), "linmas": sum(linmas.values())}
        # What went: the kab/kota's TPS, voters and Linmas before the import.
        went = {"tps": removed, "voters": before.voters - after.voters + added["voters"],
                "linmas": before.linmas - after.linmas + added["linmas"]}
        detail = {"file": audit.file_detail(path.name, data, len(stations)),
                  "kabkota": list(kabs), "imported": added, "replaced": went,
                  "warnings": len(warnings)}
        if aliases is not None and alias_data is not None:
            detail["aliases"] = {"file": audit.file_detail(aliases.name, alias_data,
                                                           len(renames)),
                                 "renamed": len(renamed)}
        in_force, drift = _plan_drift(uow)
        if in_force is not None and drift is not None:
            detail["plan_in_force"] = {"plan": in_force, **drift.counts()}
        audit.append(uow.session, actor=actor, action="import.tps", subject=path.name,
                     detail=detail)
    for warning in sorted(warnings):
        if on_warning:
            on_warning(warning)
    return TpsImport(len(stations), len(per_desa), kabs, removed, len(renamed), in_force,
                     drift if drift is not None and drift.changed else None)


def _plan_drift(uow: UnitOfWork) -> tuple[int | None, TpsDrift | None]:
    """The plan in force and how the TPS now listed differ from it (None, None: no plan)."""
    in_force = plans.latest_id(uow.session)
    plan = plans.load(uow.session, in_force) if in_force is not None else None
    scenario = repo.load_scenario(uow.session) if plan is not None else None
    if plan is None or scenario is None:
        return None, None
    return in_force, tps_drift(plan, scenario)


@dataclass(frozen=True)
class RosterImport:
    added: int
    updated: int


def import_roster(*, db: Database, path: Path, on_warning: OnWarning | None = None,
                  actor: str = "cli") -> RosterImport:
    """Add officers, or update them by NRP, from a CSV or XLSX roster; with an audit entry
    (``import.roster``: the file, its SHA-256 and rows, how many were added and updated) in
    the same transaction. The entry names no officer: NRP are personal data. A roster
    without a position or desa column (one written before they existed) leaves a known
    officer's position and desa binaan as they are. How the file was read, when oddly (a
    Windows-1252 CSV), is a warning (``on_warning``) once the import is written."""
    data = path.read_bytes()
    warnings: list[Problem] = []
    with UnitOfWork(db) as uow:
        given: set[str] = set()
        officers = read_roster(path, units=repo.units(uow.session),
                               regions=repo.region_names(uow.session), data=data, given=given,
                               warnings=warnings)
        keep = {"position", "desa_code"} - given
        added, updated = repo.upsert_officers(uow.session, officers, keep=keep)
        audit.append(uow.session, actor=actor, action="import.roster",
                     subject=path.name,
                     detail={"file": audit.file_detail(path.name, data, len(officers)),
                             "added": added, "updated": updated})
    for warning in warnings:
        if on_warning:
            on_warning(warning)
    return RosterImport(added, updated)


def summary(*, db: Database) -> ScenarioSummary:
    with UnitOfWork(db) as uow:
        return repo.summary(uow.session)


@dataclass(frozen=True)
class Overview:
    """What ``pollguard summary`` prints: the headline counts, per kab/kota and per Polres."""

    info: ScenarioInfo | None  # None: no scenario loaded
    counts: ScenarioSummary
    kabkota: list[tuple[str, str, int, int]]  # code, name, TPS, voters
    polres: list[tuple[str, str, int, int, int]]  # code, name, TPS, officers, BKO


def overview(*, db: Database) -> Overview:
    with UnitOfWork(db) as uow:
        s = uow.session
        return Overview(repo.current_info(s), repo.summary(s), repo.summary_by_kabkota(s),
                        repo.strength_by_polres(s))


def unit_names(*, db: Database) -> dict[str, str]:
    """Every command unit's name by its code."""
    with UnitOfWork(db) as uow:
        return {u.code: u.name for u in repo.units(uow.session)}
