"""Pure domain rules: codes, ids, ranks, distances."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollguard.domain.forces import Branch, Officer, Rank, officer_problems
from pollguard.domain.geo import Point, haversine_km, offset
from pollguard.domain.regions import RegionLevel, ancestor_at, level_of, parent_of
from pollguard.domain.tps import LocationType, PollingStation, tps_id_for, tps_problems
from pollguard.scenario.apportion import apportion


def test_region_codes_say_their_level_and_parent() -> None:
    assert level_of("15") == RegionLevel.PROVINCE
    assert level_of("15.01.01.2001") == RegionLevel.DESA
    assert parent_of("15.01.01.2001") == "15.01.01"
    assert parent_of("15") is None
    assert ancestor_at("15.01.01.2001", RegionLevel.KABKOTA) == "15.01"
    with pytest.raises(ValueError, match="not a Kemendagri region code"):
        level_of("15.1")


def test_kpu_tps_id_is_desa_digits_and_number() -> None:
    assert tps_id_for("15.01.01.2001", 7) == "1501012001007"
    assert tps_id_for("15.71.01.1001", 901) == "1571011001901"


def _tps(**kw: object) -> PollingStation:
    base: dict[str, object] = dict(tps_id="1501012001001", desa_code="15.01.01.2001", number=1,
                                   voters=300, lat=-2.0, lon=101.5)
    base.update(kw)
    return PollingStation(**base)  # type: ignore[arg-type]


def test_tps_rules() -> None:
    assert tps_problems(_tps(), max_voters=600) == []
    assert [c for c, _ in tps_problems(_tps(voters=601), max_voters=600)] == ["voters"]
    assert [c for c, _ in tps_problems(_tps(tps_id="1501012001002"), max_voters=600)] == [
        "tps_id"]
    special = _tps(location_type=LocationType.PRISON)
    assert [c for c, _ in tps_problems(special, max_voters=600)] == ["number"]
    numbered = _tps(tps_id="1501012001901", number=901)
    assert [c for c, _ in tps_problems(numbered, max_voters=600)] == ["location_type"]


@pytest.mark.parametrize(("text", "rank"), [("BRIPKA", Rank.BRIPKA), ("Bripka", Rank.BRIPKA),
                                            ("Brigadir", Rank.BRIGPOL), ("AKBP", Rank.AKBP),
                                            ("Kombes Pol", Rank.KOMBES),
                                            ("Brigadir Polisi", Rank.BRIGPOL),
                                            ("Brigpol", Rank.BRIGPOL)])
def test_ranks_read_as_rosters_write_them(text: str, rank: Rank) -> None:
    assert Rank.parse(text) is rank
    assert Rank.parse(rank.label) is rank


def test_unknown_rank_and_branch_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown Polri rank"):
        Rank.parse("Kapten")
    with pytest.raises(ValueError, match="unknown branch"):
        Branch.parse("Kopassus")
    assert Branch.parse("Sabhara") is Branch.SAMAPTA
    assert Branch.parse("Sat Brimob") is Branch.BRIMOB
    assert Branch.parse("Dit Reskrimum") is Branch.RESKRIM
    assert Branch.parse("Sat Resnarkoba") is Branch.RESNARKOBA
    assert Branch.parse("Sat Polairud") is Branch.POLAIRUD


def test_officer_rules() -> None:
    ok = Officer("85010123", "Budi", Rank.BRIPKA, Branch.SAMAPTA, "polres.15.02", "polres.15.02")
    assert officer_problems(ok) == []
    bad = Officer("8501012", " ", Rank.BRIPKA, Branch.SAMAPTA, "polres.15.02", "polres.15.02",
                  bko=True)
    assert [c for c, _ in officer_problems(bad)] == ["nrp", "name", "bko"]


def test_haversine_matches_a_known_distance() -> None:
    # One degree of longitude on the equator is 2*pi*R/360 = 111.195 km.
    assert math.isclose(haversine_km(Point(0, 0), Point(0, 1)), 111.195, abs_tol=1e-3)
    # Jambi city to Sungai Penuh: about 252 km as the crow flies (Polresta to Polres Kerinci).
    assert 250 < haversine_km(Point(-1.5895, 103.6167), Point(-2.0638, 101.3942)) < 255


@given(st.floats(-60, 60), st.floats(-179, 179), st.floats(0.01, 500), st.floats(0, 360))
def test_offset_travels_the_distance_asked(lat: float, lon: float, km: float,
                                           bearing: float) -> None:
    origin = Point(lat, lon)
    assert math.isclose(haversine_km(origin, offset(origin, distance_km=km,
                                                    bearing_deg=bearing)), km, rel_tol=1e-6)


@given(st.integers(0, 10_000), st.dictionaries(st.text(min_size=1, max_size=3),
                                                st.floats(0.01, 100), min_size=1, max_size=30),
       st.integers(0, 3))
def test_apportion_hits_the_total_and_the_minimum(total: int, weights: dict[str, float],
                                                 minimum: int) -> None:
    if total < minimum * len(weights):
        with pytest.raises(ValueError):
            apportion(total, weights, minimum)
        return
    shares = apportion(total, weights, minimum)
    assert sum(shares.values()) == total
    assert all(v >= minimum for v in shares.values())
    assert shares == apportion(total, dict(reversed(list(weights.items()))), minimum)
