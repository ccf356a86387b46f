"""The scoring model: properties that must hold for any input, and hand-checked cases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollguard.domain.risk import Factor, RiskClass, RiskEvent
from pollguard.domain.tps import LocationType, PollingStation
from pollguard.profile import ProfileError, load_profile
from pollguard.profile.model import dump_profile, parse_profile
from pollguard.risk.scoring import RiskInputs, Scorer, assess

PROFILE = load_profile()
SCORER = Scorer(PROFILE)
CODES = sorted(i.code for i in PROFILE.indicators)
DAY = dt.date(2024, 11, 27)
TPS = PollingStation("1572022002001", "15.72.02.2002", 1, 300, -2.06, 101.39)
PRISON = PollingStation("1572022002901", "15.72.02.2002", 901, 120, -2.06, 101.39,
                        LocationType.PRISON)


def score(observed: dict[str, float], *, tps: PollingStation = TPS, area: float | None = None,
          events: tuple[RiskEvent, ...] = (), urban: bool = False):  # type: ignore[no-untyped-def]
    return SCORER.score(tps, observed, area, events, DAY, urban=urban)


observations = st.dictionaries(st.sampled_from(CODES), st.sampled_from([1.0, 2.0, 0.0]),
                               max_size=len(CODES))
events = st.lists(st.builds(
    RiskEvent, event_id=st.uuids().map(str), kind=st.sampled_from([e.code for e in PROFILE.events]),
    lat=st.floats(-2.2, -1.9), lon=st.floats(101.2, 101.6),
    occurred_on=st.dates(dt.date(2022, 1, 1), dt.date(2024, 11, 27)),
    severity=st.integers(1, 3)), max_size=12)


@settings(max_examples=300)
@given(observations, st.sampled_from(CODES), st.none() | st.floats(0, 100), events,
       st.booleans())
def test_adding_an_indicator_never_lowers_score_or_class(
        observed: dict[str, float], extra: str, area: float | None,
        nearby: list[RiskEvent], special: bool) -> None:
    tps = PRISON if special else TPS
    before = score(observed, tps=tps, area=area, events=tuple(nearby))
    after = score(observed | {extra: max(observed.get(extra, 0.0), 1.0)}, tps=tps, area=area,
                  events=tuple(nearby))
    assert after.score >= before.score
    assert after.risk_class.rank >= before.risk_class.rank


@settings(max_examples=300)
@given(observations, st.none() | st.floats(0, 100), events, st.booleans())
def test_the_score_stays_within_0_and_100_and_repeats(
        observed: dict[str, float], area: float | None, nearby: list[RiskEvent],
        urban: bool) -> None:
    first = score(observed, area=area, events=tuple(nearby), urban=urban)
    assert 0.0 <= first.score <= 100.0
    reordered = dict(reversed(list(observed.items())))
    again = score(reordered, area=area, events=tuple(reversed(nearby)), urban=urban)
    assert again == first


def test_points_are_the_documented_sum() -> None:
    r = score({"violence_history": 1, "dptb_voters": 1, "disabled_voters": 0}, area=20.0)
    assert r.score == 15 + 2 + 0.3 * 20
    assert [c.code for c in r.reasons if c.factor == Factor.INDICATOR] == [
        "violence_history", "dptb_voters"]


def test_hard_rules_override_thresholds() -> None:
    strict = Scorer(PROFILE.with_thresholds(rawan=90, sangat_rawan=95))
    casualties = strict.score(TPS, {"conflict_casualties": 1}, None, (), DAY)
    assert casualties.score == 25 and casualties.risk_class == RiskClass.SANGAT_RAWAN
    assert "conflict_with_casualties" in [c.code for c in casualties.reasons
                                          if c.factor == Factor.RULE]
    refusal = strict.score(TPS, {"voting_refusal": 1}, None, (), DAY)
    assert refusal.risk_class == RiskClass.RAWAN
    plain = strict.score(TPS, {"high_crime": 1, "hard_to_reach": 1}, None, (), DAY)
    assert plain.risk_class == RiskClass.KURANG_RAWAN


def test_special_locations_are_khusus_whatever_their_score() -> None:
    quiet = score({}, tps=PRISON)
    loud = score({"conflict_casualties": 1, "violence_history": 1}, tps=PRISON, area=100)
    assert quiet.risk_class == loud.risk_class == RiskClass.KHUSUS
    assert quiet.score == 0 and loud.score > 40
    assert any(c.factor == Factor.LOCATION and "lapas" in c.text_id for c in quiet.reasons)


def _event(km_north: float, days_ago: int, kind: str = "clash") -> RiskEvent:
    return RiskEvent(f"e{km_north}-{days_ago}", kind, TPS.lat + km_north / 111.2, TPS.lon,
                     DAY - dt.timedelta(days=days_ago), 3)


def test_event_spillover_decays_with_distance_and_time() -> None:
    def points(*events: RiskEvent, urban: bool = False) -> float:
        return score({}, events=events, urban=urban).points_from(Factor.EVENT)

    near, far = points(_event(1, 0)), points(_event(4, 0))
    assert near == pytest.approx(15 * (1 - 1 / 5), rel=1e-3)
    assert far == pytest.approx(15 * (1 - 4 / 5), rel=1e-2)
    assert points(_event(1, 365)) == pytest.approx(near / 2, rel=1e-3)  # one half-life
    assert score({}, events=(_event(6, 0),)).score == 0  # beyond the radius
    assert score({}, events=(_event(2, 0),), urban=True).score == 0  # beyond the town radius
    assert score({}, events=(_event(1, -3),)).score == 0  # after the day assessed
    piled = score({}, events=tuple(_event(0.1 * i, i) for i in range(10)))
    assert piled.points_from(Factor.EVENT) == pytest.approx(PROFILE.scoring.spillover.cap)


def test_assess_scores_every_tps_and_ignores_unknown_codes() -> None:
    inputs = RiskInputs([TPS, PRISON], {TPS.tps_id: {"violence_history": 1, "mystery": 1}},
                        {"15.72": 6.51}, [], DAY)
    out = assess(PROFILE, inputs)
    assert [r.tps_id for r in out] == [TPS.tps_id, PRISON.tps_id]
    assert out[0].score == round(15 + 0.3 * 6.51, 1)  # kept to one decimal, as shown


def _with_indicator(name_id: str) -> str:
    return dump_profile(PROFILE) + (
        '\n[[indicators]]\ncode = "extra"\nvariable = "location"\n'
        f'name_id = "{name_id}"\nname_en = "extra"\nweight = 5.0\n')


@pytest.mark.parametrize("words", ["Basis pendukung paslon nomor urut 1",
                                   "Desa kantong suara Partai Gerindra",
                                   "Pemilih dengan preferensi calon tertentu", "Wilayah PDI-P"])
def test_the_neutrality_check_refuses_political_indicators(words: str) -> None:
    with pytest.raises(ProfileError, match="neutrality"):
        parse_profile(_with_indicator(words))


def test_places_and_events_pass_the_neutrality_check() -> None:
    profile = parse_profile(_with_indicator("TPS dekat posko partai politik dan rumah calon"))
    assert profile.indicators[-1].code == "extra"


@pytest.mark.parametrize(("change", "words"), [
    ("sangat_rawan = 20.0", "sangat_rawan must be above rawan"),
    ('variable = "voting_rights"', "unknown variable"),
    ('code = "ineligible_dpt"', "duplicate indicator code"),
])
def test_a_broken_profile_is_refused_with_its_reason(change: str, words: str) -> None:
    text = dump_profile(PROFILE)
    if change.startswith("sangat"):
        text = text.replace("rawan = 13.0", "rawan = 30.0")
    elif change.startswith("variable"):
        text = text.replace(change, 'variable = "nowhere"', 1)
    else:
        text = text.replace('code = "dptb_voters"', change, 1)
    with pytest.raises(ProfileError, match=words):
        parse_profile(text)


def test_neutrality_covers_event_kinds_and_rules_but_not_ordinary_words() -> None:
    text = dump_profile(PROFILE)
    with pytest.raises(ProfileError, match="event kind 'clash'"):
        parse_profile(text.replace('name_id = "bentrokan massa"',
                                   'name_id = "bentrokan massa Partai Gerindra"'))
    with pytest.raises(ProfileError, match="rule 'revote_history'"):
        parse_profile(text.replace('reason_id = "pernah PSU: sekurang-kurangnya rawan"',
                                   'reason_id = "basis pendukung paslon 01"'))
    # Tax arrears (PBB), a crowd's 'gelora', and a local party as a kind of place are fine.
    parse_profile(_with_indicator("Tunggakan PBB dan gelora massa dekat sekretariat partai lokal"))


def test_profile_errors_name_the_line() -> None:
    text = dump_profile(PROFILE).replace("weight = 15.0", "weight = -1.0", 1)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s == "weight = -1.0")
    with pytest.raises(ProfileError, match=f"line {line}: indicators.4.weight"):
        parse_profile(text)
