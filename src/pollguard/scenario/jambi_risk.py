"""Demo vulnerability data for the Jambi scenario: indicators, past events, area priors.

Counts marked ``reported`` are Bawaslu Jambi's TPS counts for Pilkada 2024 (domain primer);
the others are assumptions of a plausible size. Which TPS carry an indicator is drawn, not
known: each indicator clusters around a few hotspots, and kab/kota weights put conflict in
Kerinci and Sungai Penuh and money politics and intimidation in Sarolangun and Kota Jambi,
where Bawaslu's own kab/kota scores were highest.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pollguard.domain.geo import Point, offset
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.tps import PollingStation

#: Bawaslu's kab/kota vulnerability scores for Jambi, Pilkada 2024 (0-100).
AREA_SCORES = {"15.03": 26.05, "15.71": 22.3, "15.06": 20.73, "15.02": 15.19, "15.04": 15.0,
               "15.09": 10.0, "15.05": 6.91, "15.72": 6.51, "15.01": 6.32, "15.07": 6.32,
               "15.08": 2.3}

KERINCI = {"15.01": 30.0, "15.72": 30.0}
HIGH_PRIOR = {"15.03": 3.0, "15.71": 2.0}
RIVER = {"15.04": 3.0, "15.05": 3.0, "15.71": 2.0, "15.07": 3.0, "15.06": 2.0}
REMOTE = {"15.01": 3.0, "15.02": 3.0, "15.03": 2.0, "15.07": 2.0, "15.09": 2.0}
COAL = {"15.03": 6.0, "15.04": 6.0, "15.09": 4.0, "15.08": 4.0, "15.02": 2.0}


@dataclass(frozen=True)
class Prevalence:
    indicator: str
    count: int
    reported: bool  # from Bawaslu Jambi's figures, else an assumption
    hotspots: int = 8  # cluster centres
    spread_km: float = 6.0  # how far a cluster reaches
    kab_weight: Mapping[str, float] = field(default_factory=dict)  # default 1
    urban: float = 1.0  # weight multiplier for kelurahan/kota TPS
    spread: float = 0.1  # share of the indicator spread evenly; the rest clusters


PREVALENCE: tuple[Prevalence, ...] = (
    Prevalence("disabled_voters", 1_834, True, hotspots=40, spread_km=15, spread=0.8),
    Prevalence("ineligible_dpt", 1_300, True, hotspots=40, spread_km=12, spread=0.8),
    Prevalence("dptb_voters", 1_272, True, hotspots=30, spread_km=12, spread=0.8),
    Prevalence("no_internet", 576, True, hotspots=20, spread_km=15, kab_weight=REMOTE,
               spread=0.3),
    Prevalence("near_mine_factory", 48, True, hotspots=6, spread_km=8, kab_weight=COAL),
    Prevalence("organiser_intimidation", 39, True, hotspots=5, kab_weight=HIGH_PRIOR),
    Prevalence("money_politics_history", 37, True, hotspots=5, kab_weight=HIGH_PRIOR),
    Prevalence("conflict_area", 30, True, hotspots=3, spread_km=5, kab_weight=KERINCI),
    Prevalence("violence_history", 13, True, hotspots=3, spread_km=4, kab_weight=KERINCI),
    # Assumed, for a complete catalogue:
    Prevalence("conflict_casualties", 10, False, hotspots=2, spread_km=4, kab_weight=KERINCI),
    Prevalence("conflict_no_casualties", 25, False, hotspots=4, kab_weight=KERINCI),
    Prevalence("hard_to_reach", 160, False, hotspots=10, spread_km=10, kab_weight=REMOTE),
    Prevalence("difficult_terrain", 120, False, hotspots=8, spread_km=10, kab_weight=REMOTE),
    Prevalence("disaster_prone", 220, False, hotspots=10, spread_km=8, kab_weight=RIVER),
    Prevalence("high_crime", 110, False, hotspots=6, spread_km=5, urban=1.5),
    Prevalence("logistics_history", 60, False, hotspots=8, kab_weight=REMOTE),
    Prevalence("near_campaign_post", 200, False, hotspots=25, spread_km=5),
    Prevalence("near_candidate_home", 25, False, hotspots=12, spread_km=2),
    Prevalence("no_electricity", 40, False, hotspots=5, spread_km=10, kab_weight=REMOTE),
    Prevalence("official_non_neutral", 20, False, hotspots=5),
    Prevalence("organiser_non_neutral", 12, False, hotspots=4),
    Prevalence("sara_history", 8, False, hotspots=2, kab_weight=HIGH_PRIOR),
    Prevalence("revote_history", 6, False, hotspots=3),
    Prevalence("voting_refusal", 4, False, hotspots=1, kab_weight=KERINCI),
)

#: Past events (kind, count, kab/kota weights): assumed, concentrated where the indicators are.
EVENTS: tuple[tuple[str, int, Mapping[str, float]], ...] = (
    ("conflict_casualties", 3, KERINCI),
    ("clash", 10, KERINCI),
    ("intimidation", 6, HIGH_PRIOR),
    ("money_politics", 8, HIGH_PRIOR),
    ("crowd_gathering", 6, {}),
    ("kamtibmas", 12, {"15.71": 5.0, "15.05": 2.0}),
)
EVENT_WINDOW_DAYS = 540  # events fall in the 18 months before voting day


def _km(a: PollingStation, b: PollingStation) -> float:
    """Equirectangular distance: plenty for weighting clusters, and fast."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _weighted_sample(rng: random.Random, items: Sequence[PollingStation],
                     weights: Sequence[float], k: int) -> list[PollingStation]:
    """k items without replacement, item i chosen with weight w_i (Efraimidis-Spirakis keys
    u^(1/w), compared as log(u)/w: the power underflows to 0 for small weights)."""
    keys = [(math.log(1.0 - rng.random()) / w if w > 0 else -math.inf, i)
            for i, w in enumerate(weights)]
    keys.sort(reverse=True)
    return [items[i] for _, i in keys[:k]]


def _kab(t: PollingStation) -> str:
    return ancestor_at(t.desa_code, RegionLevel.KABKOTA)


def _prior_weights(tps: Sequence[PollingStation], p: Prevalence,
                   urban_desa: set[str]) -> list[float]:
    return [p.kab_weight.get(_kab(t), 1.0) * (p.urban if t.desa_code in urban_desa else 1.0)
            for t in tps]


def observations(tps: Sequence[PollingStation], rng: random.Random,
                 urban_desa: set[str]) -> tuple[Observation, ...]:
    """Each TPS's weight for an indicator: its kab/kota prior times an even share plus its
    share of each hotspot's cluster. Every hotspot's kernel is normalised to the same total,
    so a hotspot in a dense town spreads over more TPS rather than claiming them all."""
    regular = [t for t in tps if not t.is_special]
    n = len(regular)
    out: list[Observation] = []
    for p in PREVALENCE:
        prior = _prior_weights(regular, p, urban_desa)
        cluster = [0.0] * n
        for h in _weighted_sample(rng, regular, prior, p.hotspots):
            kernel = [math.exp(-_km(t, h) / p.spread_km) for t in regular]
            total = sum(kernel)
            for i, k in enumerate(kernel):
                cluster[i] += k / total / p.hotspots
        weights = [w * (p.spread / n + (1 - p.spread) * c)
                   for w, c in zip(prior, cluster, strict=True)]
        chosen = _weighted_sample(rng, regular, weights, p.count)
        out += [Observation(t.tps_id, p.indicator, 1.0) for t in chosen]
    return tuple(sorted(out, key=lambda o: (o.tps_id, o.indicator)))


def events(tps: Sequence[PollingStation], rng: random.Random,
           voting_day: dt.date) -> tuple[RiskEvent, ...]:
    regular = [t for t in tps if not t.is_special]
    out: list[RiskEvent] = []
    for kind, count, kab_weight in EVENTS:
        weights = [kab_weight.get(_kab(t), 1.0) for t in regular]
        for t in _weighted_sample(rng, regular, weights, count):
            where = offset(Point(t.lat, t.lon), distance_km=rng.uniform(0, 2.0),
                           bearing_deg=rng.uniform(0, 360))
            day = voting_day - dt.timedelta(days=rng.randint(7, EVENT_WINDOW_DAYS))
            out.append(RiskEvent(f"{kind}-{len(out) + 1:03d}", kind, round(where.lat, 6),
                                 round(where.lon, 6), day, rng.choice((1, 2, 2, 3)),
                                 "demo event (synthetic)"))
    return tuple(out)


def area_scores() -> tuple[AreaScore, ...]:
    return tuple(AreaScore(code, score) for code, score in sorted(AREA_SCORES.items()))
