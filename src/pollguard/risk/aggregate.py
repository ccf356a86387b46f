"""Class counts, scores and top indicators per region and per Polres."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pollguard.domain.risk import Factor, RiskClass, TpsRisk


@dataclass(frozen=True)
class RiskSummary:
    """What a Kasat Intelkam reads first about an area."""

    code: str
    name: str
    tps: int
    classes: dict[RiskClass, int]
    mean_score: float
    max_score: float
    top_indicators: tuple[tuple[str, int], ...] = field(default=())  # (code, TPS count)

    def count(self, risk_class: RiskClass) -> int:
        return self.classes.get(risk_class, 0)


def summarise(code: str, name: str, risks: Sequence[TpsRisk], *, top: int = 5) -> RiskSummary:
    classes = Counter(r.risk_class for r in risks)
    indicators = Counter(c.code for r in risks for c in r.reasons
                         if c.factor == Factor.INDICATOR)
    scores = [r.score for r in risks]
    return RiskSummary(
        code, name, len(risks), {k: classes.get(k, 0) for k in RiskClass},
        sum(scores) / len(scores) if scores else 0.0, max(scores, default=0.0),
        tuple(sorted(indicators.items(), key=lambda kv: (-kv[1], kv[0]))[:top]))


def by_group(risks: Iterable[TpsRisk], group_of: Mapping[str, str],
             names: Mapping[str, str]) -> list[RiskSummary]:
    """One summary per group; ``group_of`` maps a TPS id to its group's code."""
    groups: dict[str, list[TpsRisk]] = {}
    for r in risks:
        key = group_of.get(r.tps_id)
        if key is not None:
            groups.setdefault(key, []).append(r)
    return [summarise(code, names.get(code, code), groups[code]) for code in sorted(groups)]
