"""A province's demo risk data: indicator observations, past events and kab/kota scores,
drawn like the Jambi demo's (``jambi_risk``) at national scale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from pollguard.domain.regions import RegionKind
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.tps import PollingStation
from pollguard.scenario.indonesia.arrays import Draw, FloatArray, offset_many, rounded
from pollguard.scenario.indonesia.shape import Shape
from pollguard.scenario.jambi_risk import EVENT_WINDOW_DAYS, PREVALENCE
from pollguard.scenario.jambi_risk import EVENTS as JAMBI_EVENTS

#: Kab/kota roles that concentrate indicators and events: (chance for a kabupaten, for a kota,
#: weight when held). ``conflict`` is Kerinci-like, ``politics`` Sarolangun-like (Jambi demo).
ROLES: dict[str, tuple[float, float, float]] = {
    "conflict": (0.10, 0.10, 30.0),
    "politics": (0.18, 0.25, 3.0),
    "remote": (0.50, 0.0, 3.0),
    "river": (0.45, 0.20, 3.0),
    "mining": (0.40, 0.0, 5.0),
}
_ROLE_OF_INDICATOR = {
    "conflict_area": "conflict", "violence_history": "conflict", "voting_refusal": "conflict",
    "conflict_casualties": "conflict", "conflict_no_casualties": "conflict",
    "organiser_intimidation": "politics", "money_politics_history": "politics",
    "sara_history": "politics",
    "no_internet": "remote", "hard_to_reach": "remote", "difficult_terrain": "remote",
    "logistics_history": "remote", "no_electricity": "remote",
    "disaster_prone": "river", "near_mine_factory": "mining",
}
#: Jambi's regular TPS: indicator and event rates are Jambi's demo counts (jambi_risk) / this.
_JAMBI_REGULAR_TPS = 6_382
#: The indicators of violence and conflict flag SEVERE_SCALE times Jambi's rate. With
#: AREA_SPAN below, tuned so that the default profile classes about 90.6% kurang rawan, 7.4%
#: rawan and 2.1% sangat rawan nationally (Pemilu 2019's shares).
SEVERE = frozenset({"conflict_casualties", "violence_history", "conflict_no_casualties",
                    "conflict_area", "organiser_intimidation"})
SEVERE_SCALE = 2.0
_ROLE_OF_EVENT = {"conflict_casualties": "conflict", "clash": "conflict",
                  "intimidation": "politics", "money_politics": "politics"}
#: Events are thinned where TPS are dense: a kab/kota's event rate is multiplied by
#: EVENT_DENSITY / (TPS per km², a town TPS counted URBAN_REACH: the default profile's 1.5 km
#: town reach over its 5 km, squared), bounded to EVENT_FACTOR. 0.15 TPS/km² is about Jambi's
#: kabupaten (Pilkada 2024).
EVENT_DENSITY, URBAN_REACH, EVENT_FACTOR = 0.15, 0.09, (0.02, 2.0)
#: Bawaslu-style kab/kota scores: 1 + AREA_SPAN·U^AREA_SKEW, plus AREA_POLITICS for a kab/kota
#: with the politics role (Jambi's ranged 2.3-26).
AREA_SPAN, AREA_SKEW, AREA_POLITICS = 27.0, 1.5, 6.0


def risk_data(shape: Shape, tps: Sequence[PollingStation], kab_area: FloatArray,
              draw: Draw, day: dt.date) -> tuple[
        tuple[Observation, ...], tuple[RiskEvent, ...], tuple[AreaScore, ...]]:
    """Indicators, past events and kab/kota scores, drawn like the Jambi demo's
    (jambi_risk) but in O(TPS) per indicator: each indicator flags rate x TPS, chosen with a
    weight = kab/kota role weight x (an even share + a share of its hotspots' clusters), where
    a hotspot's cluster is its desa (half) and its kecamatan (half)."""
    is_kota = np.array([k.kind == RegionKind.KOTA for k in shape.kab], dtype=np.bool_)
    role_weight: dict[str, FloatArray] = {}
    for name, (p_kab, p_kota, weight) in ROLES.items():
        held = draw.u(shape.n_kab) < np.where(is_kota, p_kota, p_kab)
        role_weight[name] = np.where(held, weight, 1.0)
    raw = 1.0 + AREA_SPAN * draw.u(shape.n_kab) ** AREA_SKEW
    area = np.minimum(raw + np.where(role_weight["politics"] > 1, AREA_POLITICS, 0.0), 100.0)
    area_scores = tuple(AreaScore(k.code, s)
                        for k, s in zip(shape.kab, rounded(area, 2), strict=True))
    regular = [i for i, t in enumerate(tps) if not t.is_special]
    desa_index = {d.code: i for i, d in enumerate(shape.desa)}
    t_desa = np.array([desa_index[tps[i].desa_code] for i in regular], dtype=np.int64)
    n = len(t_desa)
    if n == 0:
        return (), (), area_scores
    t_kec, t_kab = shape.desa_kec[t_desa], shape.desa_kab[t_desa]
    urban = shape.desa_urban[t_desa] | is_kota[t_kab]
    per_desa = np.bincount(t_desa, minlength=shape.n_desa).astype(np.float64)
    per_kec = np.bincount(t_kec, minlength=shape.n_kec).astype(np.float64)
    flagged: list[tuple[int, str]] = []
    for p in PREVALENCE:
        role = _ROLE_OF_INDICATOR.get(p.indicator)
        prior = role_weight[role][t_kab] if role else np.ones(n)
        prior = prior * np.where(urban, p.urban, 1.0)
        hotspots = max(1, round(p.hotspots * n / _JAMBI_REGULAR_TPS))
        hot = draw.sample(prior, hotspots)
        desa_heat = np.bincount(t_desa[hot], minlength=shape.n_desa) / hotspots
        kec_heat = np.bincount(t_kec[hot], minlength=shape.n_kec) / hotspots
        cluster = (0.5 * desa_heat[t_desa] / np.maximum(per_desa[t_desa], 1.0)
                   + 0.5 * kec_heat[t_kec] / np.maximum(per_kec[t_kec], 1.0))
        weights = prior * (p.spread / n + (1.0 - p.spread) * cluster)
        scale = SEVERE_SCALE if p.indicator in SEVERE else 1.0
        count = round(scale * p.count * n / _JAMBI_REGULAR_TPS)
        flagged += [(regular[i], p.indicator) for i in draw.sample(weights, count).tolist()]
    flagged.sort()
    observations = tuple(Observation(tps[i].tps_id, code, 1.0) for i, code in flagged)
    # An event raises every TPS within reach, so where TPS are dense one event reaches many:
    # a kab/kota denser than Jambi's typical kabupaten gets proportionally fewer events.
    kab_n = np.bincount(t_kab, minlength=shape.n_kab).astype(np.float64)
    urban_share = np.bincount(t_kab, weights=urban, minlength=shape.n_kab) / np.maximum(kab_n, 1)
    reach = kab_n / np.maximum(kab_area, 1.0) * (1.0 - (1.0 - URBAN_REACH) * urban_share)
    exposure = np.clip(EVENT_DENSITY / np.maximum(reach, 1e-9), *EVENT_FACTOR)[t_kab]
    events: list[RiskEvent] = []
    for kind, jambi_count, _ in JAMBI_EVENTS:
        role = _ROLE_OF_EVENT.get(kind)
        weights = exposure * (role_weight[role][t_kab] if role else np.where(urban, 2.5, 1.0))
        rate = jambi_count / _JAMBI_REGULAR_TPS
        chosen = draw.sample(weights, round(rate * float(exposure.sum())))
        m = len(chosen)
        lat0 = np.array([tps[regular[i]].lat for i in chosen.tolist()])
        lon0 = np.array([tps[regular[i]].lon for i in chosen.tolist()])
        lat, lon = offset_many(lat0, lon0, 2.0 * draw.u(m), 360.0 * draw.u(m))
        ago = draw.ints(m, 7, EVENT_WINDOW_DAYS + 1).tolist()
        severity = np.array([1, 2, 2, 3])[draw.ints(m, 0, 4)].tolist()
        for j, (la, lo) in enumerate(zip(rounded(lat), rounded(lon), strict=True)):
            events.append(RiskEvent(f"{kind}-{shape.province.code}-{j + 1:04d}", kind, la, lo,
                                    day - dt.timedelta(days=ago[j]), severity[j],
                                    "demo event (synthetic)"))
    return observations, tuple(events), area_scores
