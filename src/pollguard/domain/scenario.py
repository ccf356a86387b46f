"""A scenario: everything known before planning starts, as one immutable value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pollguard.domain.boundary import Boundary
from pollguard.domain.forces import CommandUnit, ForceCount, Officer, UnitKind
from pollguard.domain.orders import OperationSettings
from pollguard.domain.plan import Race
from pollguard.domain.regions import LevelNames, Region, RegionLevel, level_names
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.timezone import ZONES, zone_of
from pollguard.domain.tps import MAX_VOTERS, Election, PollingStation


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    name: str
    election: Election
    province_code: str
    voting_date: dt.date
    seed: int | None = None
    description: str = ""
    max_voters_per_tps: int | None = None
    #: "WIB", "WITA" or "WIT" when ``scenario.toml`` names the clock; None: the province's.
    time_zone: str | None = None

    @property
    def zone(self) -> dt.timezone:
        """The operation's wall clock: the one every report, day and time of the Posko is
        read in. A scenario may name it (a drill on another island's clock); else it is the
        province's (73 Sulawesi Selatan: WITA)."""
        return ZONES[self.time_zone] if self.time_zone else zone_of(self.province_code)

    @property
    def levels(self) -> LevelNames:
        """What this province calls a kecamatan (Papua: distrik) on pages and papers."""
        return level_names(self.province_code)

    @property
    def voter_cap(self) -> int:
        return self.max_voters_per_tps or MAX_VOTERS[self.election]

    @property
    def operation(self) -> str:
        """The police operation's name: Polri names it after the election, Mantap Praja for a
        Pilkada and Mantap Brata for a Pemilu, with the year of the vote."""
        name = "Mantap Praja" if self.election == Election.PILKADA else "Mantap Brata"
        return f"Operasi {name} {self.voting_date.year}"


@dataclass(frozen=True, slots=True)
class Scenario:
    info: ScenarioInfo
    regions: tuple[Region, ...]
    tps: tuple[PollingStation, ...]
    units: tuple[CommandUnit, ...]
    officers: tuple[Officer, ...]
    tni: tuple[ForceCount, ...] = ()
    linmas: tuple[ForceCount, ...] = ()
    observations: tuple[Observation, ...] = ()  # vulnerability indicators per TPS
    events: tuple[RiskEvent, ...] = ()  # past incidents that raise nearby TPS
    area_scores: tuple[AreaScore, ...] = ()  # Bawaslu kab/kota scores
    races: tuple[Race, ...] = ()  # contests on the ballot (walpri per candidate pair)
    operation: OperationSettings = field(default_factory=OperationSettings)  # the orders
    #: Real kab/kota and kecamatan polygons (``boundaries.geojson``), by code order; a region
    #: without one is drawn around its TPS.
    boundaries: tuple[Boundary, ...] = ()

    def regions_at(self, level: RegionLevel) -> list[Region]:
        return [r for r in self.regions if r.level == level]

    def units_of(self, kind: UnitKind) -> list[CommandUnit]:
        return [u for u in self.units if u.kind == kind]

    def summary(self) -> ScenarioSummary:
        return ScenarioSummary(
            kabkota=len(self.regions_at(RegionLevel.KABKOTA)),
            kecamatan=len(self.regions_at(RegionLevel.KECAMATAN)),
            desa=len(self.regions_at(RegionLevel.DESA)),
            tps=len(self.tps),
            voters=sum(t.voters or 0 for t in self.tps),
            polres=len(self.units_of(UnitKind.POLRES)),
            polsek=len(self.units_of(UnitKind.POLSEK)),
            polri=len(self.officers),
            tni=sum(c.personnel for c in self.tni),
            linmas=sum(c.personnel for c in self.linmas),
        )


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """The headline counts a Kabag Ops checks first."""

    kabkota: int
    kecamatan: int
    desa: int
    tps: int
    voters: int
    polres: int
    polsek: int
    polri: int
    tni: int
    linmas: int

