"""The command structure of a scenario, indexed: who is the Polda, which Polres covers a
kab/kota (and so guards its TPS), which Polsek a kecamatan; and the chain an incident climbs.
Planning, risk views, plan documents, live operations and the command centre all read it."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pollguard.domain.forces import CommandUnit, Officer, UnitKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation

POOL = "pool"  # the owner code of the Polda pool's officers, posts and reserve


class Level(StrEnum):
    """The escalation chain of the doctrine, lowest first: TPS guard -> Polsek -> Polres
    operations (Kaopsres) -> Polda operations. (Polda Satgas / Brimob is what the Polda sends,
    a dispatch, not a level that acknowledges.)"""

    TPS_GUARD = "tps_guard"
    POLSEK = "polsek"
    POLRES_OPS = "polres_ops"
    POLDA_OPS = "polda_ops"

    @property
    def rank(self) -> int:
        return _LEVELS.index(self)

    @property
    def next(self) -> Level | None:
        """The level above, or None at the top."""
        i = self.rank + 1
        return _LEVELS[i] if i < len(_LEVELS) else None


_LEVELS = tuple(Level)


class CommandIndex:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    @cached_property
    def units(self) -> dict[str, CommandUnit]:
        return {u.code: u for u in self.scenario.units}

    @cached_property
    def units_by_name(self) -> dict[str, CommandUnit]:
        """Units by their name, casefolded (``CommandLookups.unit_named``)."""
        return {u.name.casefold(): u for u in self.scenario.units}

    @cached_property
    def polda(self) -> CommandUnit:
        return next(u for u in self.scenario.units if u.kind == UnitKind.POLDA)

    @cached_property
    def polres(self) -> list[CommandUnit]:
        return sorted((u for u in self.scenario.units if u.kind == UnitKind.POLRES),
                      key=lambda u: u.code)

    @cached_property
    def polres_of_kab(self) -> dict[str, str]:
        return {kab: p.code for p in self.polres for kab in p.jurisdiction}

    @cached_property
    def polsek_of_kec(self) -> dict[str, CommandUnit]:
        return {u.jurisdiction[0]: u for u in self.scenario.units
                if u.kind == UnitKind.POLSEK and u.jurisdiction}

    def polres_of_tps(self, tps: PollingStation) -> str:
        """Which Polres guards ``tps``: the one whose jurisdiction holds its kab/kota ("" where
        none does). The one definition of the rule: planning, risk views, documents, live
        operations and the command centre all ask here."""
        return self.polres_of_kab.get(ancestor_at(tps.desa_code, RegionLevel.KABKOTA), "")

    @cached_property
    def polres_by_tps(self) -> dict[str, str]:
        """TPS id -> the Polres that guards it, for every TPS some Polres guards."""
        return {t.tps_id: code for t in self.scenario.tps if (code := self.polres_of_tps(t))}


class CommandLookups:
    """The index's look-ups as attributes of a class that holds a ``scenario``: planning
    inputs and plan documents both read them this way."""

    scenario: Scenario

    @cached_property
    def command(self) -> CommandIndex:
        return CommandIndex(self.scenario)

    @property
    def units(self) -> dict[str, CommandUnit]:
        return self.command.units

    @property
    def polda(self) -> CommandUnit:
        return self.command.polda

    @property
    def polres(self) -> list[CommandUnit]:
        return self.command.polres

    @property
    def polres_of_kab(self) -> dict[str, str]:
        return self.command.polres_of_kab

    @property
    def polsek_of_kec(self) -> dict[str, CommandUnit]:
        return self.command.polsek_of_kec

    def polres_of_tps(self, tps: PollingStation) -> str:
        """Which Polres guards ``tps`` ("" where none does): ``CommandIndex.polres_of_tps``."""
        return self.command.polres_of_tps(tps)

    def unit_named(self, given: str) -> CommandUnit | None:
        """The unit a person names: by code, or by its name whatever the case ("Polres
        Bungo", "polres bungo"); None if the scenario has no such unit."""
        text = given.strip()
        return self.units.get(text) or self.command.units_by_name.get(text.casefold())

    def owner_of(self, officer: Officer) -> str:
        """The Polres an officer serves in, or ``POOL`` for the Polda's own units."""
        return self.owner_of_unit(officer.unit_code)

    def owner_of_unit(self, unit_code: str) -> str:
        """The Polres a unit belongs to (itself, or a Polsek's parent), or ``POOL`` for the
        Polda, its Satker and anything unknown."""
        unit = self.units.get(unit_code)
        if unit is not None and unit.kind == UnitKind.POLRES:
            return unit.code
        if unit is not None and unit.kind == UnitKind.POLSEK and unit.parent_code:
            return unit.parent_code
        return POOL
