"""Scoring and classifying TPS: a transparent sum of points, then thresholds and hard rules.

For a TPS *t* on the day ``as_of``::

    indicators(t) = sum_i  w_i * min(x_i, s_i) / s_i          (a flag has x = 1, s = 1)
    area(t)       = a * P(kab/kota of t)                        (Bawaslu score P in 0..100)
    events(t)     = min(C, sum_e  w_k(e) * sev_e/3 * (1 - d_te/R) * 0.5 ** (age_e / H))
                    over events e with d_te < R and 0 <= age_e (R is shorter for a
                    town TPS: one in a kelurahan or in any desa of a kota)
    score(t)      = round(min(100, indicators + area + events), 1)

The class is the highest of: the threshold class of the score (rawan from T_r, sangat rawan
from T_s), and the ``min_class`` of every hard rule that fires. A special-location TPS is
khusus whatever its score. Every weight is non-negative and every rule only raises, so adding
an indicator never lowers a score or a class.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pollguard.domain.geo import Point, haversine_km
from pollguard.domain.regions import RegionLevel, ancestor_at, urban_desa
from pollguard.domain.risk import (
    Contribution,
    Factor,
    RiskClass,
    RiskEvent,
    TpsRisk,
    higher,
)
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.profile.model import Indicator, IndicatorType, Profile

MAX_SCORE = 100.0


@dataclass(frozen=True)
class RiskInputs:
    """Everything an assessment reads, as plain values."""

    tps: Sequence[PollingStation]
    observations: Mapping[str, Mapping[str, float]]  # tps_id -> indicator code -> value
    area_scores: Mapping[str, float]  # kab/kota code -> Bawaslu score 0..100
    events: Sequence[RiskEvent]
    as_of: dt.date
    urban_desa: frozenset[str] = frozenset()  # town desa: dense, so a shorter event reach


def inputs_of(scenario: Scenario, as_of: dt.date) -> RiskInputs:
    """What an assessment of ``scenario`` on ``as_of`` reads."""
    observed: dict[str, dict[str, float]] = defaultdict(dict)
    for o in scenario.observations:
        observed[o.tps_id][o.indicator] = o.value
    return RiskInputs(scenario.tps, observed, {a.region_code: a.score
                                               for a in scenario.area_scores},
                      scenario.events, as_of, urban_desa(scenario.regions))


class _EventGrid:
    """Events bucketed in cells one radius wide, so each TPS looks at its 3x3 neighbourhood
    rather than at every event (national runs have hundreds of thousands of TPS)."""

    def __init__(self, events: Iterable[RiskEvent], radius_km: float) -> None:
        self.cell = radius_km / 111.0  # degrees of latitude per radius
        self.cells: dict[tuple[int, int], list[RiskEvent]] = defaultdict(list)
        for e in events:
            self.cells[self._key(e.lat, e.lon)].append(e)
        # The neighbourhood of each cell asked about, kept: the TPS of a desa share a few
        # cells, so a province asks about each many times.
        self._near: dict[tuple[int, int], list[RiskEvent]] = {}

    def _key(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell), math.floor(lon / self.cell)

    def near(self, lat: float, lon: float) -> list[RiskEvent]:
        key = self._key(lat, lon)
        found = self._near.get(key)
        if found is None:
            row, col = key
            # the span at the row's edge farthest from the equator: the widest any of its
            # points needs (a few more events to look at, each checked by distance)
            edge = min(max(abs(row * self.cell), abs((row + 1) * self.cell)), 85.0)
            span = math.ceil(1 / max(math.cos(math.radians(edge)), 1e-6))
            found = self._near[key] = [e for dr in (-1, 0, 1) for dc in range(-span, span + 1)
                                       for e in self.cells.get((row + dr, col + dc), ())]
        return found


class Scorer:
    """A profile prepared for scoring many TPS."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.indicators: dict[str, Indicator] = {i.code: i for i in profile.indicators}
        self.variables = {v.code: v for v in profile.variables}
        self.event_kinds = {e.code: e for e in profile.events}
        self.spill = profile.scoring.spillover
        self.thresholds = profile.scoring.thresholds
        self.rules = [(r, frozenset(r.indicators), frozenset(r.variables))
                      for r in profile.rules]

    def assess(self, inputs: RiskInputs) -> list[TpsRisk]:
        grid = _EventGrid((e for e in inputs.events if e.occurred_on <= inputs.as_of
                           and e.kind in self.event_kinds),
                          max(self.spill.radius_km, self.spill.urban_radius_km))
        return [self.score(t, inputs.observations.get(t.tps_id, {}),
                           inputs.area_scores.get(ancestor_at(t.desa_code, RegionLevel.KABKOTA)),
                           grid.near(t.lat, t.lon), inputs.as_of,
                           urban=t.desa_code in inputs.urban_desa)
                for t in inputs.tps]

    def score(self, tps: PollingStation, observed: Mapping[str, float], area: float | None,
              events: Sequence[RiskEvent], as_of: dt.date, *, urban: bool = False) -> TpsRisk:
        reasons = self._indicator_points(observed)
        if area is not None and self.profile.scoring.area_weight > 0:
            w = self.profile.scoring.area_weight
            reasons.append(Contribution(
                Factor.AREA, "area_prior", w * area,
                f"skor kerawanan kab/kota (Bawaslu) {area:.2f} x {w:g}",
                f"kab/kota vulnerability score (Bawaslu) {area:.2f} x {w:g}"))
        radius = self.spill.urban_radius_km if urban else self.spill.radius_km
        reasons += self._event_points(tps, events, as_of, radius)
        # One decimal, as every explanation shows it: the class follows the score people read.
        score = round(min(MAX_SCORE, sum(c.points for c in reasons)), 1)
        risk_class, class_reasons = self._classify(tps, score, observed)
        return TpsRisk(tps.tps_id, score, risk_class, tuple(reasons + class_reasons))

    def _indicator_points(self, observed: Mapping[str, float]) -> list[Contribution]:
        out = []
        for code in sorted(observed, key=lambda c: (-self._points(c, observed[c]), c)):
            points = self._points(code, observed[code])
            ind = self.indicators.get(code)
            if ind is None or observed[code] <= 0:
                continue
            shown = "" if ind.type is IndicatorType.FLAG else f": {observed[code]:g}"
            out.append(Contribution(Factor.INDICATOR, code, points, ind.name_id + shown,
                                    ind.name_en + shown))
        return out

    def _points(self, code: str, value: float) -> float:
        ind = self.indicators.get(code)
        if ind is None or value <= 0:
            return 0.0
        if ind.type is IndicatorType.FLAG:
            return ind.weight
        return ind.weight * min(value, ind.saturation) / ind.saturation

    def _event_points(self, tps: PollingStation, events: Sequence[RiskEvent],
                      as_of: dt.date, radius: float) -> list[Contribution]:
        here = Point(tps.lat, tps.lon)
        found = []
        for e in events:
            d = haversine_km(here, Point(e.lat, e.lon))
            age = (as_of - e.occurred_on).days
            if d >= radius or age < 0:
                continue
            kind = self.event_kinds[e.kind]
            points = (kind.weight * e.severity / 3 * (1 - d / radius)
                      * 0.5 ** (age / self.spill.half_life_days))
            if points > 0:
                found.append((points, d, e, kind))
        found.sort(key=lambda f: (-f[0], f[2].event_id))
        total = sum(f[0] for f in found)
        scale = min(1.0, self.spill.cap / total) if total > 0 else 1.0  # the cap, shared out
        return [Contribution(
            Factor.EVENT, e.event_id, points * scale,
            f"{kind.name_id} {d:.1f} km dari TPS, {e.occurred_on:%d-%m-%Y}",
            f"{kind.name_en} {d:.1f} km away, {e.occurred_on:%Y-%m-%d}")
            for points, d, e, kind in found]

    def _classify(self, tps: PollingStation, score: float,
                  observed: Mapping[str, float]) -> tuple[RiskClass, list[Contribution]]:
        t = self.thresholds
        if score >= t.sangat_rawan:
            base = RiskClass.SANGAT_RAWAN
            why = (f"skor {score:.1f} >= ambang sangat rawan {t.sangat_rawan:g}",
                   f"score {score:.1f} >= highly-vulnerable threshold {t.sangat_rawan:g}")
        elif score >= t.rawan:
            base = RiskClass.RAWAN
            why = (f"skor {score:.1f} >= ambang rawan {t.rawan:g}",
                   f"score {score:.1f} >= vulnerable threshold {t.rawan:g}")
        else:
            base = RiskClass.KURANG_RAWAN
            why = (f"skor {score:.1f} di bawah ambang rawan {t.rawan:g}",
                   f"score {score:.1f} below the vulnerable threshold {t.rawan:g}")
        reasons = [Contribution(Factor.THRESHOLD, base.value, 0.0, *why)]
        risk_class = base
        present = {c for c, v in observed.items() if v > 0 and c in self.indicators}
        present_vars = {self.indicators[c].variable for c in present}
        for rule, indicators, variables in self.rules if present else ():
            fires = present & indicators or present_vars & variables
            if fires and rule.min_class.rank > risk_class.rank:
                risk_class = higher(risk_class, rule.min_class)
                reasons.append(Contribution(Factor.RULE, rule.code, 0.0, rule.reason_id,
                                            rule.reason_en))
        if tps.is_special:
            risk_class = RiskClass.KHUSUS
            reasons.append(Contribution(
                Factor.LOCATION, tps.location_type.value, 0.0,
                f"lokasi khusus: {tps.location_type.label_id}",
                f"special location: {tps.location_type.label_en}"))
        return risk_class, reasons


def assess(profile: Profile, inputs: RiskInputs) -> list[TpsRisk]:
    """Score and classify every TPS of ``inputs`` under ``profile``."""
    return Scorer(profile).assess(inputs)


def unknown_codes(profile: Profile, inputs: RiskInputs) -> dict[str, int]:
    """Indicator and event codes the data uses but the profile does not know, with counts:
    they are ignored, and the caller should say so."""
    known = {i.code for i in profile.indicators}
    kinds = {e.code for e in profile.events}
    counts: dict[str, int] = defaultdict(int)
    for observed in inputs.observations.values():
        for code in observed:
            if code not in known:
                counts[f"indicator:{code}"] += 1
    for e in inputs.events:
        if e.kind not in kinds:
            counts[f"event:{e.kind}"] += 1
    return dict(counts)
