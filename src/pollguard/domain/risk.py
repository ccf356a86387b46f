"""Vulnerability (kerawanan) of polling stations: classes, observations, events, and the
explained result of an assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le


class RiskClass(StrEnum):
    """Ordered by severity for the three score classes; ``khusus`` is a location class."""

    KURANG_RAWAN = "kurang_rawan"
    RAWAN = "rawan"
    SANGAT_RAWAN = "sangat_rawan"
    KHUSUS = "khusus"

    @property
    def rank(self) -> int:
        """Severity order; khusus sits with sangat rawan (both guarded 2-1-2)."""
        return _RANK[self]

    @property
    def label_id(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_RANK = {RiskClass.KURANG_RAWAN: 0, RiskClass.RAWAN: 1, RiskClass.SANGAT_RAWAN: 2,
         RiskClass.KHUSUS: 2}
_LABELS = {RiskClass.KURANG_RAWAN: ("kurang rawan", "less vulnerable"),
           RiskClass.RAWAN: ("rawan", "vulnerable"),
           RiskClass.SANGAT_RAWAN: ("sangat rawan", "highly vulnerable"),
           RiskClass.KHUSUS: ("khusus", "special location")}
SCORE_CLASSES = (RiskClass.KURANG_RAWAN, RiskClass.RAWAN, RiskClass.SANGAT_RAWAN)


def higher(a: RiskClass, b: RiskClass) -> RiskClass:
    return a if a.rank >= b.rank else b


@dataclass(frozen=True, slots=True)
class Observation:
    """One indicator observed at one TPS: 1/0 for a flag, a count for a count indicator."""

    tps_id: str
    indicator: str
    value: Annotated[float, Ge(0)]


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """Something that happened at a place and time (a clash, intimidation, ballots burned):
    it raises the risk of TPS nearby, less with distance and age."""

    event_id: str
    kind: str
    lat: Annotated[float, Ge(-90), Le(90)]
    lon: Annotated[float, Ge(-180), Le(180)]
    occurred_on: dt.date
    severity: Annotated[int, Ge(1), Le(3)] = 2  # 1 ringan, 2 sedang, 3 berat
    description: str = ""


@dataclass(frozen=True, slots=True)
class AreaScore:
    """Bawaslu's kab/kota vulnerability score (0-100): the area prior."""

    region_code: str
    score: Annotated[float, Ge(0), Le(100)]


class Factor(StrEnum):
    INDICATOR = "indicator"
    AREA = "area"
    EVENT = "event"
    RULE = "rule"
    THRESHOLD = "threshold"
    LOCATION = "location"


@dataclass(frozen=True, slots=True)
class Contribution:
    """One reason in an explanation: what it is, how many points it added, in both languages.
    Rules, thresholds and location carry no points: they set the class."""

    factor: Factor
    code: str
    points: float
    text_id: str
    text_en: str


@dataclass(frozen=True, slots=True)
class AssessmentInfo:
    """A stored assessment: a numbered, dated version made under one profile."""

    id: int
    created_at: dt.datetime
    as_of: dt.date
    profile_id: str
    profile_toml: str
    note: str
    tps_count: int


@dataclass(frozen=True, slots=True)
class TpsRisk:
    tps_id: str
    score: float
    risk_class: RiskClass
    reasons: tuple[Contribution, ...] = field(default=())

    def points_from(self, factor: Factor) -> float:
        return sum(c.points for c in self.reasons if c.factor == factor)
