"""What an operation still lacks, in plain words with the command that fills it: "no TPS yet:
run `pollguard import tps FILE`". One list, one set of rules, for a scenario folder
(``pollguard scenario validate``, ``scenario load``) and for the loaded database
(``pollguard summary``), in Bahasa Indonesia or English (``todo.*`` in ``i18n``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pollguard import i18n
from pollguard.domain.forces import UnitKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario
from pollguard.store import assessments, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

#: Polres named in one line, at most; the rest are counted.
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Todo:
    """One thing still missing: its ``todo.<key>`` text and the values it names."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.translate(lang, f"todo.{self.key}").format(**self.values)


@dataclass(frozen=True)
class Holdings:
    """What an operation holds so far. ``assessed`` and ``plans`` are None for a folder,
    which is neither assessed nor planned before it is loaded."""

    tps: int
    officers: int
    polres_without_officers: Sequence[str]  # names of Polres with TPS and no officer
    tni_units: int
    tni: int
    races: int
    risk_inputs: int  # observed indicators, past events and area scores
    assessed: int | None = None  # the latest assessment's number, 0 for none
    plan_in_force: int | None = None
    drafts: Sequence[int] | None = None


def todo(held: Holdings | None) -> list[Todo]:
    """What is still missing, in the order the path fills it (docs/own-operation.md): for a
    folder, its own files first (TNI, races: read when it is loaded), then the imports; for
    the database, the imports, the assessment and the plan first, then what only loading the
    folder again changes. ``None``: the database holds no scenario."""
    if held is None:
        return [Todo("no_scenario")]
    in_folder = held.assessed is None
    before_load: list[Todo] = []  # the folder's own files, read when it is loaded
    if not held.tni_units:
        before_load.append(Todo("no_tni_units"))
    elif not held.tni:
        before_load.append(Todo("no_tni.folder" if in_folder else "no_tni"))
    if not held.races:
        before_load.append(Todo("no_races.folder" if in_folder else "no_races"))
    imports: list[Todo] = []
    if not held.tps:
        imports.append(Todo("no_tps"))
    if not held.officers:
        imports.append(Todo("no_officers"))
    elif held.polres_without_officers:
        names = list(held.polres_without_officers)
        shown = ", ".join(names[:NAMES_SHOWN]) + (
            f" (+{len(names) - NAMES_SHOWN})" if len(names) > NAMES_SHOWN else "")
        imports.append(Todo("polres_without_officers", {"n": len(names), "names": shown}))
    if not held.risk_inputs:
        imports.append(Todo("no_risk"))
    if in_folder:
        return before_load + imports
    if not held.assessed:
        imports.append(Todo("no_assessment"))
    elif held.plan_in_force is None and held.drafts:
        imports.append(Todo("draft_only", {"n": held.drafts[-1]}))
    elif held.plan_in_force is None:
        imports.append(Todo("no_plan"))
    return imports + before_load


def of_scenario(scenario: Scenario) -> list[Todo]:
    """What a scenario folder (read and valid) still lacks."""
    polri = {u.code: u for u in scenario.units if u.kind.is_polri}
    polres_of = {kab: u.code for u in polri.values() if u.kind == UnitKind.POLRES
                 for kab in u.jurisdiction}
    guarding = {polres_of[kab] for kab in {ancestor_at(t.desa_code, RegionLevel.KABKOTA)
                                           for t in scenario.tps} if kab in polres_of}
    staffed: set[str | None] = set()
    for o in scenario.officers:
        unit = polri.get(o.unit_code)
        staffed.add(unit.parent_code if unit and unit.kind == UnitKind.POLSEK else o.unit_code)
    return todo(Holdings(
        tps=len(scenario.tps), officers=len(scenario.officers),
        polres_without_officers=[polri[c].name for c in sorted(guarding - staffed)],
        tni_units=sum(1 for u in scenario.units if u.kind.is_tni),
        tni=sum(c.personnel for c in scenario.tni), races=len(scenario.races),
        risk_inputs=len(scenario.observations) + len(scenario.events)
        + len(scenario.area_scores)))


def of_database(*, db: Database) -> list[Todo]:
    """What the loaded operation still lacks, up to its plan in force."""
    with UnitOfWork(db) as uow:
        s = uow.session
        if repo.current_info(s) is None:
            return todo(None)
        counts = repo.summary(s)
        inputs = repo.input_counts(s)
        listing = plans.listing(s)
        return todo(Holdings(
            tps=counts.tps, officers=counts.polri,
            polres_without_officers=[name for _, name, n_tps, n_officers, _ in
                                     repo.strength_by_polres(s) if n_tps and not n_officers],
            tni_units=inputs["tni_units"], tni=counts.tni, races=inputs["races"],
            risk_inputs=inputs["risk"], assessed=assessments.latest_id(s) or 0,
            plan_in_force=plans.latest_id(s),
            drafts=[i.id for i, _ in listing if not i.accepted and i.kind == plans.OPERATION]))
