"""An assessment together with the scenario it describes: what every risk view reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pollguard.domain.command import CommandIndex
from pollguard.domain.regions import RegionLevel, ancestor_at, is_region_code, level_of
from pollguard.domain.risk import AssessmentInfo, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.risk.aggregate import RiskSummary, by_group, summarise


@dataclass(frozen=True)
class AssessedScenario:
    """A stored assessment with the scenario it describes: what every view reads."""

    info: AssessmentInfo
    scenario: Scenario
    risks: dict[str, TpsRisk]

    def names(self) -> dict[str, str]:
        return {r.code: r.name for r in self.scenario.regions} | {
            u.code: u.name for u in self.scenario.units}

    @cached_property
    def command(self) -> CommandIndex:
        return CommandIndex(self.scenario)

    def polres_of_tps(self) -> dict[str, str]:
        """TPS id -> the Polres that guards it (``CommandIndex.polres_by_tps``)."""
        return self.command.polres_by_tps


def summaries(view: AssessedScenario, level: RegionLevel | None) -> list[RiskSummary]:
    """Per region at ``level``, or per Polres when ``level`` is None."""
    if level is None:
        group_of = view.polres_of_tps()
    else:
        group_of = {t.tps_id: ancestor_at(t.desa_code, level) for t in view.scenario.tps}
    return by_group(view.risks.values(), group_of, view.names())


def summary_of(view: AssessedScenario, code: str) -> RiskSummary:
    """The summary of one region (by Kemendagri code) or one unit (by unit code)."""
    tps = region_tps(view, code)
    return summarise(code, view.names().get(code, code),
                     [view.risks[t] for t in tps if t in view.risks])


def region_tps(view: AssessedScenario, code: str) -> list[str]:
    if is_region_code(code):
        level = level_of(code)
        return [t.tps_id for t in view.scenario.tps
                if level <= RegionLevel.DESA and ancestor_at(t.desa_code, level) == code]
    return [t for t, p in view.polres_of_tps().items() if p == code]
