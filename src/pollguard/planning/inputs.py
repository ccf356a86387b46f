"""What a plan is made from, gathered once: the scenario seen from the planner's side."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pollguard.domain.command import CommandLookups
from pollguard.domain.plan import Plan, Race
from pollguard.domain.regions import RegionKind, RegionLevel, ancestor_at, urban_desa
from pollguard.domain.risk import RiskClass, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.profile.model import Planning


@dataclass
class PlanInputs(CommandLookups):
    scenario: Scenario
    risks: Mapping[str, TpsRisk]
    planning: Planning
    races: tuple[Race, ...] = ()
    remote_tps: frozenset[str] = frozenset()  # TPS whose access is remote (slow travel)
    classes: dict[str, RiskClass] = field(default_factory=dict)  # overrides (what-if)
    #: Per-TPS guards the planner ordered: TPS -> (officers, equipment), a post of its own.
    guards: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = field(default_factory=dict)
    #: Re-planning: the plan being updated. Its posts and Pawas clusters stay as they were
    #: where their TPS and posts still are (``posts.Group.kept``): a Sprin names them.
    updating: Plan | None = None
    #: One part of a split Polda (``national.split``): its pool is only the BKO the split
    #: lent to its Polres, with no duties and no reserve of its own (those stay in part 0).
    lent_pool: bool = False
    #: Part 0 of a split Polda: the pool guards lent to the other parts, still counted in
    #: the pool's force when its reserve floor and target are sized (as in the whole plan).
    lent_away: int = 0
    #: Work the planner's steps share within one plan (``layout.groups`` per tier cut: their
    #: post forms are cached on them, and a plan lays out posts more than once).
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, scenario: Scenario, risks: Mapping[str, TpsRisk], planning: Planning,
           classes: Mapping[str, RiskClass] | None = None,
           guards: Mapping[str, tuple[int, tuple[tuple[str, int], ...]]] | None = None
           ) -> PlanInputs:
        """The inputs for ``scenario`` under an assessment: its races, and as remote the TPS
        observed with one of the profile's remote indicators."""
        remote_codes = set(planning.travel.remote_indicators)
        remote = frozenset(o.tps_id for o in scenario.observations
                           if o.indicator in remote_codes and o.value > 0)
        return cls(scenario, risks, planning, scenario.races, remote, dict(classes or {}),
                   dict(guards or {}))

    def class_of(self, tps_id: str) -> RiskClass:
        if tps_id in self.classes:
            return self.classes[tps_id]
        risk = self.risks.get(tps_id)
        return risk.risk_class if risk else RiskClass.KURANG_RAWAN

    def score_of(self, tps_id: str) -> float:
        risk = self.risks.get(tps_id)
        return risk.score if risk else 0.0

    @cached_property
    def urban(self) -> frozenset[str]:
        return urban_desa(self.scenario.regions)

    @cached_property
    def tps_by_kecamatan(self) -> dict[str, list[PollingStation]]:
        out: dict[str, list[PollingStation]] = defaultdict(list)
        for t in sorted(self.scenario.tps, key=lambda t: t.tps_id):
            out[ancestor_at(t.desa_code, RegionLevel.KECAMATAN)].append(t)
        return dict(out)

    @cached_property
    def _city_kabkota(self) -> frozenset[str]:
        return frozenset(r.code for r in self.scenario.regions
                         if r.kind == RegionKind.KOTA)

    def area_of(self, tps: PollingStation) -> str:
        """city, rural or remote: the travel speed to the TPS."""
        if tps.desa_code in self.urban:
            return "city"
        return "remote" if tps.tps_id in self.remote_tps else "rural"

    def is_city(self, kecamatan_code: str) -> bool:
        return ancestor_at(kecamatan_code, RegionLevel.KABKOTA) in self._city_kabkota
