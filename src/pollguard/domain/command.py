"""The command structure of a scenario, indexed: who is the Polda, which Polres covers a
kab/kota, which Polsek a kecamatan. Planning and every plan document read it."""

from __future__ import annotations

from functools import cached_property

from pollguard.domain.forces import CommandUnit, Officer, UnitKind
from pollguard.domain.scenario import Scenario

POOL = "pool"  # the owner code of the Polda pool's officers, posts and reserve


class CommandIndex:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    @cached_property
    def units(self) -> dict[str, CommandUnit]:
        return {u.code: u for u in self.scenario.units}

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

    def owner_of(self, officer: Officer) -> str:
        """The Polres an officer serves in, or ``POOL`` for the Polda's own units."""
        unit = self.units.get(officer.unit_code)
        if unit is not None and unit.kind == UnitKind.POLRES:
            return unit.code
        if unit is not None and unit.kind == UnitKind.POLSEK and unit.parent_code:
            return unit.parent_code
        return POOL
