"""Risk follows incidents wherever the report came from: an incident counts where the phone
said, else at its TPS, else at its desa; one without a phone location still raises its TPS and
those around it (pure: tiny TPS, the shipped profile)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pollguard.domain.geo import Point
from pollguard.domain.regions import Region, RegionKind
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import PollingStation
from pollguard.operations.incidents import Incident, catalogue, incident_point, report
from pollguard.profile import load_profile
from pollguard.risk.scoring import RiskInputs, assess
from pollguard.services.reassessment import risk_events

DESA = Region("15.01.01.2001", "Desa Uji", RegionKind.DESA, -2.0, 101.5)
HERE = PollingStation("1501012001001", DESA.code, 1, 200, -2.0, 101.4)
NEAR = PollingStation("1501012001002", DESA.code, 2, 200, -2.0, 101.41)  # 1.1 km east
FAR = PollingStation("1501012001003", DESA.code, 3, 200, -2.0, 101.5)  # 11 km east
AT = dt.datetime(2024, 11, 27, 7, 0, tzinfo=dt.UTC)
VOTING = dt.date(2024, 11, 27)


def _incident(tps_id: str, kind: str = "ballot_box_seized",
              lat: float | None = None, lon: float | None = None) -> Incident:
    return dataclasses.replace(report(f"i-{tps_id}", tps_id, kind, by="1", at=AT),
                               lat=lat, lon=lon)


def test_the_point_is_the_phone_s_else_the_tps_s_else_the_desa_s() -> None:
    tps, desa = {HERE.tps_id: HERE}, {"1501012001": DESA}
    assert incident_point(_incident(HERE.tps_id, lat=-1.9, lon=101.3), tps, desa) == Point(
        -1.9, 101.3)
    assert incident_point(_incident(HERE.tps_id), tps, desa) == Point(HERE.lat, HERE.lon)
    dropped = "1501012001009"  # a TPS a later list no longer has: its desa's point
    assert incident_point(_incident(dropped), tps, desa) == Point(DESA.lat, DESA.lon)
    assert incident_point(_incident("9999999999001"), tps, desa) is None


def test_an_incident_without_phone_location_spills_over_from_its_tps() -> None:
    kinds = catalogue()
    burned = _incident(HERE.tps_id)  # no lat/lon: the drill's, or a phone that denied it
    assert risk_events([burned], kinds, VOTING) == []  # nowhere to put it without its TPS
    [event] = risk_events([burned], kinds, VOTING, tps={t.tps_id: t for t in (HERE, NEAR)})
    assert (event.lat, event.lon) == (HERE.lat, HERE.lon)
    profile = load_profile(None)
    risks = {r.tps_id: r for r in assess(profile, RiskInputs(
        [HERE, NEAR, FAR], {}, {}, [event], VOTING))}
    # A burned ballot box at the TPS itself: sangat rawan at once (25 points, the cap).
    assert risks[HERE.tps_id].score == profile.scoring.spillover.cap
    assert risks[HERE.tps_id].risk_class is RiskClass.SANGAT_RAWAN
    assert 0 < risks[NEAR.tps_id].score < risks[HERE.tps_id].score  # spilled over
    assert risks[FAR.tps_id].score == 0  # beyond the radius
