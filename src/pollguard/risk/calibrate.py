"""Fitting class thresholds to target shares: planners work to a force budget.

Scores do not depend on the thresholds, so they are computed once. For a threshold T the
share of TPS at or above a class is #{score >= T or a hard rule forces that class} / N (khusus
TPS count in N but never move). Each threshold is the midpoint between two adjacent distinct
scores whose share is nearest the target; sangat rawan is fitted first, then rawan below it.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pollguard.domain.risk import Factor, RiskClass, TpsRisk
from pollguard.profile.model import Profile


@dataclass(frozen=True)
class Calibration:
    profile: Profile
    shares: dict[RiskClass, float]  # achieved shares of all TPS


def calibrate(profile: Profile, risks: Sequence[TpsRisk], *, rawan: float,
              sangat_rawan: float) -> Calibration:
    """Thresholds whose class shares come nearest ``rawan`` and ``sangat_rawan`` (fractions of
    all TPS), given the scores in ``risks`` (assessed under ``profile``)."""
    if not 0 <= sangat_rawan <= 1 or not 0 <= rawan <= 1 or rawan + sangat_rawan > 1:
        raise ValueError("shares are fractions of all TPS and must sum to at most 1")
    floors = _floors(profile, risks)
    n = len(risks) or 1
    scored = [(r.score, floors[r.tps_id]) for r in risks if r.risk_class != RiskClass.KHUSUS]
    candidates = _candidates([s for s, _ in scored])

    def share_at_least(rank: int) -> Callable[[float], float]:
        """share(T): forced TPS plus the others scoring at least T (bisect on sorted scores)."""
        forced = sum(1 for _, f in scored if f >= rank)
        free = sorted(s for s, f in scored if f < rank)
        return lambda t: (forced + len(free) - bisect.bisect_left(free, t)) / n

    sangat_share, rawan_share = share_at_least(2), share_at_least(1)
    t_s = min(candidates, key=lambda t: (abs(sangat_share(t) - sangat_rawan), -t))
    below = [t for t in candidates if t < t_s] or [0.0]
    t_r = min(below, key=lambda t: (abs(rawan_share(t) - sangat_rawan - rawan), -t))
    fitted = profile.with_thresholds(rawan=round(t_r, 4), sangat_rawan=round(t_s, 4))
    at_least_s = sangat_share(fitted.scoring.thresholds.sangat_rawan)
    at_least_r = rawan_share(fitted.scoring.thresholds.rawan)
    return Calibration(fitted, {RiskClass.SANGAT_RAWAN: at_least_s,
                                RiskClass.RAWAN: at_least_r - at_least_s})


def _floors(profile: Profile, risks: Sequence[TpsRisk]) -> dict[str, int]:
    """Per TPS, the class rank its hard rules force (rules are re-evaluated from the
    indicators in the explanation, since a rule that did not raise is not recorded)."""
    variable_of = {i.code: i.variable for i in profile.indicators}
    out = {}
    for r in risks:
        present = {c.code for c in r.reasons if c.factor == Factor.INDICATOR}
        variables = {variable_of[c] for c in present if c in variable_of}
        out[r.tps_id] = max([0] + [rule.min_class.rank for rule in profile.rules
                                   if present & set(rule.indicators)
                                   or variables & set(rule.variables)])
    return out


def _candidates(scores: Sequence[float]) -> list[float]:
    """Thresholds worth trying: midpoints between adjacent distinct scores, and the ends."""
    distinct = sorted(set(round(s, 6) for s in scores))
    mids = [(a + b) / 2 for a, b in itertools.pairwise(distinct)]
    return [0.0, *mids, (distinct[-1] + 1.0) if distinct else 100.0]
