"""Proportionate reinforcement: the profile says what each incident kind and severity calls
for; the recommendation offers the smallest adequate team near first, a Polres its own teams
(the Polda pool's only as requests), and a request is decided once, by the rules in
``pollguard.operations.requests``. Pure logic on a hand-made board: milliseconds."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import ValidationError

from pollguard.domain.command import POOL
from pollguard.domain.plan import ReserveKind, ReserveTeam, Supervision
from pollguard.operations.reinforcement import Board, DispatchError, Target, accept, recommend
from pollguard.operations.requests import (
    APPROVED,
    REQUESTED,
    BkoRequest,
    RequestStatus,
    decide,
    decided_detail,
    fold,
    requested_detail,
)
from pollguard.profile.model import ProfileError, dump_profile, load_profile, parse_profile
from pollguard.profile.operations import ReinforcementPolicy, TeamNeed

KM_PER_DEG = 111.0
T0 = dt.datetime(2024, 11, 27, 1, 0, tzinfo=dt.UTC)
OWN = "polres.15.01"


class FlatTravel:
    """One minute per km on a flat grid."""

    def road_km(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return math.hypot(lat1 - lat2, lon1 - lon2) * KM_PER_DEG

    def minutes(self, lat1: float, lon1: float, lat2: float, lon2: float, *,
                area: str) -> float:
        return self.road_km(lat1, lon1, lat2, lon2)


def _team(team_id: str, owner: str, km: float, size: int,
          kind: ReserveKind = ReserveKind.DALMAS) -> ReserveTeam:
    return ReserveTeam(team_id, owner, "hq", 0.0, km / KM_PER_DEG, size, kind,
                       call_sign=f"Tim {team_id}", leader_nrp="70010101")


TEAMS = (_team("pool-near", POOL, 3, 30, ReserveKind.BRIMOB),  # nearest, a platoon
         _team("own-big", OWN, 5, 30),
         _team("own-squad", OWN, 12, 10),
         _team("own-pair", OWN, 2, 4),  # too small for a sedang incident
         _team("own-far-squad", OWN, 60, 8))
BOARD = Board((), TEAMS, (Supervision("PW-1", OWN, "15.01.01", (), 0.0, 1 / KM_PER_DEG, 1.0,
                                      "75105569"),))
TARGET = Target("tps-1", OWN, 0.0, 0.0)
POLICY = ReinforcementPolicy()


def test_a_sedang_incident_gets_the_smallest_adequate_team_near_first() -> None:
    rec = recommend(BOARD, TARGET, FlatTravel(), policy=POLICY,
                    team_need=TeamNeed(officers=8))
    # adequate near (smallest first), adequate far, oversized and too small (nearest first)
    assert [o.team_id for o in rec.teams] == [
        "own-squad", "own-far-squad", "pool-near", "own-big", "own-pair"]
    assert rec.teams[0].size < 30 and rec.within and rec.first == "team"
    (sent,) = accept(rec, "inc-1", by="polda", at=T0)
    assert (sent.unit_id, sent.officers) == ("own-squad", 10)
    assert rec.pawas[0].nrp == "75105569"


def test_without_a_need_the_nearest_team_comes_first_as_before() -> None:
    rec = recommend(BOARD, TARGET, FlatTravel(), policy=POLICY)
    assert [o.minutes for o in rec.teams] == sorted(o.minutes for o in rec.teams)


def test_a_berat_violence_needs_a_brimob_platoon() -> None:
    rec = recommend(BOARD, TARGET, FlatTravel(), policy=POLICY,
                    team_need=TeamNeed(officers=30, kind="brimob"))
    assert rec.teams[0].team_id == "pool-near" and rec.teams[0].adequate
    assert not next(o for o in rec.teams if o.team_id == "own-big").adequate  # dalmas


def test_a_polres_is_offered_polda_bko_only_as_a_request() -> None:
    rec = recommend(BOARD, TARGET, FlatTravel(), policy=POLICY, bko_direct=False,
                    team_need=TeamNeed(officers=30, kind="brimob"))
    assert all(o.owner_code == OWN for o in rec.teams)
    assert [o.team_id for o in rec.requests] == ["pool-near"]
    with pytest.raises(DispatchError, match="not on offer"):
        accept(rec, "inc-1", by="kerinci", at=T0, team_ids=["pool-near"])


def test_the_profile_says_what_each_kind_calls_for_and_is_checked() -> None:
    profile = load_profile(None)
    pol = profile.operations.reinforcement
    assert pol.need("intimidation", 2).officers < 30
    assert pol.need("violence", 3) == TeamNeed(officers=30, kind="brimob")
    assert pol.need("disaster", 1) == pol.default_needs[1]  # not named: the default
    text = dump_profile(profile)
    assert parse_profile(text) == profile
    # Bad input names its line: the loader points at the key, not at the whole profile.
    riot = "\n[operations.reinforcement.needs.riot]\n1 = { officers = 2 }\n"
    with pytest.raises(ProfileError, match=r"line \d+: operations\.reinforcement\.needs\.riot: "
                       "unknown incident kind 'riot'"):
        parse_profile(text + riot)
    with pytest.raises(ProfileError, match=r"line \d+: .*needs\.disaster\.4: severity 4"):
        parse_profile(text + "\n[operations.reinforcement.needs.disaster]\n4 = { officers = 2 }\n")
    with pytest.raises(ValidationError):
        TeamNeed.model_validate({"officers": 0})


def test_a_request_is_decided_once() -> None:
    r = BkoRequest(1, "inc-1", "tps-1", "pool-near", 30, "kerinci", T0, "massa bertambah")
    done = decide(r, RequestStatus.APPROVED, "polda", T0, dispatch_id="inc-1/1")
    with pytest.raises(DispatchError, match="approved"):
        decide(done, RequestStatus.REFUSED, "polda", T0)
    folded = fold([(REQUESTED, "kerinci", requested_detail(r)),
                   (APPROVED, "polda", decided_detail(done))])
    assert folded == [done]
