"""What changed between two assessments, TPS by TPS, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pollguard.domain.risk import Contribution, Factor, RiskClass, TpsRisk


@dataclass(frozen=True)
class ClassChange:
    tps_id: str
    before: RiskClass
    after: RiskClass
    score_before: float
    score_after: float
    gained: tuple[Contribution, ...]  # reasons present only in the later assessment
    lost: tuple[Contribution, ...]  # reasons present only in the earlier one


def _key(c: Contribution) -> tuple[Factor, str]:
    return c.factor, c.code


def class_changes(before: Mapping[str, TpsRisk], after: Mapping[str, TpsRisk]) -> list[ClassChange]:
    """TPS whose class differs between two assessments (TPS in only one are left out), with
    the indicators, events, rules and thresholds that came or went."""
    out = []
    for tps_id in sorted(before.keys() & after.keys()):
        a, b = before[tps_id], after[tps_id]
        if a.risk_class == b.risk_class:
            continue
        old = {_key(c): c for c in a.reasons}
        new = {_key(c): c for c in b.reasons}
        out.append(ClassChange(
            tps_id, a.risk_class, b.risk_class, a.score, b.score,
            tuple(c for k, c in new.items() if k not in old),
            tuple(c for k, c in old.items() if k not in new)))
    return out
