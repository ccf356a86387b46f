"""Live operations: the incident workflow, escalation on a controllable clock, reinforcement."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollguard.domain.command import POOL
from pollguard.domain.plan import Post, ReserveTeam
from pollguard.domain.risk import RiskClass
from pollguard.operations import (
    Board,
    DispatchError,
    EscalationPolicy,
    Incident,
    IncidentError,
    Level,
    ReinforcementPolicy,
    Status,
    Target,
    UnitKind,
    UnitStatus,
    accept,
    advance,
    alerted,
    catalogue,
    due_at,
    escalate,
    events,
    lent_officers,
    recommend,
    report,
    reserve_floor_warnings,
    team_status,
    transition,
    unit_step,
    visible_to,
)
from pollguard.operations.field_reports import FieldReport, ReportKind, TpsPhase
from pollguard.operations.incidents import OPEN, is_open, next_steps
from pollguard.operations.reinforcement import Dispatch, UnitStep, dispatch_steps

T0 = dt.datetime(2024, 11, 27, 9, 0, tzinfo=dt.UTC)
KM_PER_DEG = 111.0
KR, R, SR, KH = (RiskClass.KURANG_RAWAN, RiskClass.RAWAN, RiskClass.SANGAT_RAWAN,
                 RiskClass.KHUSUS)


class Clock:
    """A controllable clock: tests move it; the code under test only gets its readings."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def advance(self, **kw: float) -> dt.datetime:
        self.now += dt.timedelta(**kw)
        return self.now


class FlatTravel:
    """Straight lines on a flat grid at 60 km/h: one minute per km, one km per 1/111 degree.
    It has no grid methods, so it also exercises the one-pair-at-a-time path."""

    def road_km(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return math.hypot(lat1 - lat2, lon1 - lon2) * KM_PER_DEG

    def minutes(self, lat1: float, lon1: float, lat2: float, lon2: float, *,
                area: str) -> float:
        return self.road_km(lat1, lon1, lat2, lon2)


def _deg(km: float) -> float:
    return km / KM_PER_DEG


def _incident(severity: int | None = None, level: Level = Level.TPS_GUARD) -> Incident:
    return report("inc-1", "tps-1", "intimidation", by="guard-7", at=T0, text="massa",
                  severity=severity, level=level)


# --- the incident workflow --------------------------------------------------------------------


def test_the_workflow_records_who_and_when() -> None:
    inc = _incident()
    assert (inc.status, inc.severity, inc.level) == (Status.REPORTED, 2, Level.TPS_GUARD)
    steps = [(Status.ACKNOWLEDGED, "polsek-1"), (Status.RESPONDING, "polsek-1"),
             (Status.RESOLVED, "team-3"), (Status.CLOSED, "kaopsres")]
    for n, (to, by) in enumerate(steps, start=1):
        inc = transition(inc, to, by, T0 + dt.timedelta(minutes=n), note=f"step {n}")
    assert inc.status == Status.CLOSED
    assert [(s.status, s.by, s.at) for s in inc.history] == [
        (Status.REPORTED, "guard-7", T0),
        *[(to, by, T0 + dt.timedelta(minutes=n)) for n, (to, by) in enumerate(steps, 1)]]
    assert inc.history[3].note == "step 3"


def test_a_resolved_incident_may_reopen_but_a_closed_one_is_final() -> None:
    inc = _incident()
    for to in (Status.ACKNOWLEDGED, Status.RESPONDING, Status.RESOLVED, Status.RESPONDING,
               Status.RESOLVED, Status.CLOSED):
        inc = transition(inc, to, "op", T0)
    for to in Status:
        with pytest.raises(IncidentError, match="not allowed"):
            transition(inc, to, "op", T0)


@pytest.mark.parametrize(("path", "to"), [
    ((), Status.RESPONDING), ((), Status.RESOLVED), ((), Status.CLOSED), ((), Status.REPORTED),
    ((Status.ACKNOWLEDGED,), Status.REPORTED), ((Status.ACKNOWLEDGED,), Status.RESOLVED),
    ((Status.ACKNOWLEDGED, Status.RESPONDING), Status.ACKNOWLEDGED),
    ((Status.ACKNOWLEDGED, Status.RESPONDING), Status.CLOSED),
])
def test_skipping_or_going_back_is_refused(path: tuple[Status, ...], to: Status) -> None:
    inc = _incident()
    for s in path:
        inc = transition(inc, s, "op", T0)
    with pytest.raises(IncidentError, match="not allowed"):
        transition(inc, to, "op", T0)
    assert inc.status == (path[-1] if path else Status.REPORTED)  # unchanged: frozen


def test_open_means_not_yet_resolved_and_next_steps_are_the_workflow_s() -> None:
    """One definition of an open incident, and of where each status may go next (what the API
    hands the pages): every step ``next_steps`` offers is one ``transition`` takes, and no
    other."""
    assert [s for s in Status if is_open(s)] == list(OPEN) == [
        Status.REPORTED, Status.ACKNOWLEDGED, Status.RESPONDING]
    assert next_steps(Status.RESOLVED) == (Status.CLOSED, Status.RESPONDING)  # close first
    assert next_steps(Status.CLOSED) == ()
    for status in Status:
        inc = replace(_incident(), status=status)
        assert inc.open == (status in OPEN)
        for to in Status:
            if to in next_steps(status):
                assert transition(inc, to, "op", T0).status == to
            else:
                with pytest.raises(IncidentError):
                    transition(inc, to, "op", T0)


def test_a_step_needs_its_actor_and_cannot_go_back_in_time() -> None:
    inc = _incident()
    with pytest.raises(IncidentError, match="who"):
        transition(inc, Status.ACKNOWLEDGED, "", T0)
    with pytest.raises(IncidentError, match="before"):
        transition(inc, Status.ACKNOWLEDGED, "op", T0 - dt.timedelta(seconds=1))


def test_the_catalogue_sets_kinds_and_default_severity() -> None:
    cat = catalogue()
    assert {"intimidation", "money_politics", "violence", "crowd_gathering", "voting_refused",
            "logistics_damaged", "ballot_box_seized", "disaster",
            "power_signal_loss"} <= set(cat)
    assert report("i", "t", "ballot_box_seized", by="x", at=T0).severity == 3
    assert report("i", "t", "ballot_box_seized", by="x", at=T0, severity=1).severity == 1
    with pytest.raises(IncidentError, match="unknown"):
        report("i", "t", "alien_landing", by="x", at=T0)
    with pytest.raises(IncidentError, match="severity"):
        report("i", "t", "violence", by="x", at=T0, severity=4)
    with pytest.raises(IncidentError, match="twice"):
        catalogue([cat["violence"], cat["violence"]])


# --- escalation -------------------------------------------------------------------------------


def test_escalation_fires_exactly_at_each_limit() -> None:
    policy = EscalationPolicy()  # 5 / 10 / 15 minutes
    clock = Clock(T0)
    inc = _incident()
    assert due_at(inc, policy) == T0 + dt.timedelta(minutes=5)
    assert escalate(inc, clock.advance(minutes=5, microseconds=-1), policy) is inc
    inc = escalate(inc, clock.advance(microseconds=1), policy)  # exactly 5 min
    assert inc.level == Level.POLSEK and inc.level_since == T0 + dt.timedelta(minutes=5)
    assert (inc.history[-1].by, inc.history[-1].level) == ("system", Level.POLSEK)
    assert escalate(inc, clock.advance(minutes=10, seconds=-1), policy) is inc
    inc = escalate(inc, clock.advance(seconds=1), policy)  # 15 min
    assert inc.level == Level.POLRES_OPS
    inc = escalate(inc, clock.advance(minutes=15), policy)  # 30 min
    assert inc.level == Level.POLDA_OPS and due_at(inc, policy) is None
    assert escalate(inc, clock.advance(hours=5), policy) is inc  # the top stays the top
    assert [s.at - T0 for s in inc.history[1:]] == [dt.timedelta(minutes=m) for m in (5, 15, 30)]


def test_a_long_overdue_incident_climbs_several_levels_at_the_right_times() -> None:
    inc = escalate(_incident(), T0 + dt.timedelta(minutes=16), EscalationPolicy())
    assert inc.level == Level.POLRES_OPS
    assert [(s.level, s.at - T0) for s in inc.history[1:]] == [
        (Level.POLSEK, dt.timedelta(minutes=5)), (Level.POLRES_OPS, dt.timedelta(minutes=15))]
    assert escalate(inc, T0 + dt.timedelta(minutes=16), EscalationPolicy()) is inc  # idempotent


def test_acknowledging_stops_escalation() -> None:
    policy = EscalationPolicy()
    inc = transition(_incident(), Status.ACKNOWLEDGED, "guard-7", T0 + dt.timedelta(minutes=4))
    assert due_at(inc, policy) is None
    assert escalate(inc, T0 + dt.timedelta(days=1), policy) is inc
    late = escalate(_incident(), T0 + dt.timedelta(minutes=6), policy)  # at the Polsek
    late = transition(late, Status.ACKNOWLEDGED, "polsek-1", T0 + dt.timedelta(minutes=7))
    assert escalate(late, T0 + dt.timedelta(days=1), policy).level == Level.POLSEK


def test_limits_come_from_the_policy_and_severity() -> None:
    policy = EscalationPolicy(tps_guard_min=2, polsek_min=3, polres_ops_min=4)
    assert escalate(_incident(), T0 + dt.timedelta(minutes=2), policy).level == Level.POLSEK
    assert escalate(_incident(), T0 + dt.timedelta(minutes=5), policy).level == Level.POLRES_OPS
    severe = _incident(severity=3)  # half the time at every level by default
    assert escalate(severe, T0 + dt.timedelta(minutes=2, seconds=29),
                    EscalationPolicy()).level == Level.TPS_GUARD
    assert escalate(severe, T0 + dt.timedelta(minutes=2, seconds=30),
                    EscalationPolicy()).level == Level.POLSEK
    from_guard = _incident(level=Level.POLSEK)  # a guard's own report starts at the Polsek
    assert escalate(from_guard, T0 + dt.timedelta(minutes=10),
                    EscalationPolicy()).level == Level.POLRES_OPS


def test_the_holder_and_every_level_above_see_it() -> None:
    inc = escalate(_incident(), T0 + dt.timedelta(minutes=5), EscalationPolicy())
    assert [visible_to(inc, lv) for lv in Level] == [False, True, True, True]
    assert [alerted(inc, lv) for lv in Level] == [False, True, False, False]
    acked = transition(inc, Status.ACKNOWLEDGED, "polsek-1", T0 + dt.timedelta(minutes=6))
    assert not any(alerted(acked, lv) for lv in Level)


# --- reinforcement: ranking -------------------------------------------------------------------


def _team(team_id: str, owner: str, km_north: float, size: int = 30) -> ReserveTeam:
    return ReserveTeam(team_id, owner, owner, _deg(km_north), 0.0, size)


def _post(post_id: str, cls: RiskClass, tps: tuple[str, ...], km_east: float, officers: int,
          polres: str = "A") -> Post:
    return Post(post_id, polres, "kec", cls, tps, 0.0, _deg(km_east), officers, 2 * len(tps),
                0.0, len(tps))


TEAMS = (_team("A-far", "A", 40), _team("P-mid", POOL, 25), _team("B-near", "B", 2),
         _team("A-busy", "A", 5), _team("A-mid", "A", 25), _team("P-near", POOL, 12))
TARGET = Target("tps-x", "A", 0.0, 0.0)


def test_teams_are_ranked_by_travel_time_own_polres_first_on_ties() -> None:
    rec = recommend(Board([], TEAMS), TARGET, FlatTravel(),
                    status={"A-busy": UnitStatus.DISPATCHED})
    assert [o.team_id for o in rec.teams] == ["P-near", "A-mid", "P-mid", "A-far"]
    assert [o.own for o in rec.teams] == [False, True, False, True]
    assert rec.teams[0].minutes == pytest.approx(12.0)
    assert rec.teams[0].km == pytest.approx(12.0)
    assert rec.within and rec.borrow is None  # 12 min <= 30


def test_every_status_but_available_keeps_a_team_off_the_list() -> None:
    for s in (UnitStatus.DISPATCHED, UnitStatus.ON_SCENE, UnitStatus.RETURNING):
        rec = recommend(Board([], TEAMS), TARGET, FlatTravel(), status={"P-near": s})
        assert "P-near" not in [o.team_id for o in rec.teams]
    rec = recommend(Board([], TEAMS), TARGET, FlatTravel(),
                    status={"P-near": UnitStatus.AVAILABLE})
    assert rec.teams[0].team_id == "A-busy"


# --- reinforcement: borrowing -----------------------------------------------------------------


POSTS = (
    _post("own", KR, ("tps-x", "x2"), 0.0, 4),  # the target's own post: never a donor
    _post("cheap", KR, ("c1", "c2"), 8.0, 2),  # risk 2 over 2 officers: 1.0 per officer
    _post("cheaper", KR, ("d1",), 15.0, 3),  # risk 1 over 3 officers: 0.33 per officer
    _post("dear", KR, ("e1", "e2", "e3"), 3.0, 2),  # risk 30 over 2: 15 per officer
    _post("rawan", R, ("r1",), 1.0, 6),  # never
    _post("sangat", SR, ("s1",), 1.0, 6),  # never
    _post("khusus", KH, ("k1",), 1.0, 6),  # never
    _post("mixed", KR, ("m1", "m2"), 1.0, 6),  # m2 reclassified rawan below: never
    _post("far", KR, ("f1",), 50.0, 9),  # beyond borrow_max_minutes
    _post("other", KR, ("o1",), 1.0, 9, polres="B"),  # another Polres
)
SCORES = {"c1": 1.0, "c2": 1.0, "d1": 1.0, "e1": 10.0, "e2": 10.0, "e3": 10.0, "m1": 0.0,
          "m2": 0.0}
FAR_TEAMS = (_team("A-far", "A", 60),)


def test_borrowing_takes_the_lowest_risk_officers_and_spares_vulnerable_posts() -> None:
    rec = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                    classes={"m2": R}, need=4)
    assert not rec.within and rec.borrow is not None
    got = [(d.post_id, d.take, d.keep) for d in rec.borrow.donors]
    assert got == [("cheaper", 2, 1), ("cheap", 1, 1), ("dear", 1, 1)]
    assert rec.borrow.uncovered == pytest.approx(2 / 3 + 1.0 + 15.0)
    assert (rec.borrow.officers, rec.borrow.short) == (4, 0)
    more = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                     classes={"m2": R}, need=10)
    assert more.borrow is not None and (more.borrow.officers, more.borrow.short) == (4, 6)
    across = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                       classes={"m2": R}, need=10,
                       policy=ReinforcementPolicy(borrow_across_polres=True))
    assert across.borrow is not None
    assert "other" in [d.post_id for d in across.borrow.donors]


def test_lent_officers_and_reclassification_shrink_what_a_post_can_give() -> None:
    rec = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                    classes={"m2": R, "d1": SR}, lent={"cheap": 1}, need=4)
    assert rec.borrow is not None
    assert [(d.post_id, d.take) for d in rec.borrow.donors] == [("dear", 1)]


@st.composite
def _plans(draw: st.DrawFn) -> tuple[list[Post], dict[str, RiskClass], dict[str, float], int]:
    posts, classes, scores = [], {}, {}
    for i in range(draw(st.integers(1, 12))):
        cls = draw(st.sampled_from([KR, KR, R, SR, KH]))
        tps = tuple(f"p{i}t{j}" for j in range(draw(st.integers(1, 4))))
        for t in tps:
            scores[t] = draw(st.floats(0, 50))
            if draw(st.booleans()):
                classes[t] = draw(st.sampled_from([KR, R, SR, KH]))
        posts.append(_post(f"p{i}", cls, tps, draw(st.floats(0.5, 25)), draw(st.integers(0, 8))))
    return posts, classes, scores, draw(st.integers(1, 20))


@settings(max_examples=150, deadline=None)
@given(_plans())
def test_borrowing_never_strips_a_vulnerable_post_and_is_optimal(
        case: tuple[list[Post], dict[str, RiskClass], dict[str, float], int]) -> None:
    posts, classes, scores, need = case
    policy = ReinforcementPolicy()
    rec = recommend(Board(posts, FAR_TEAMS), TARGET, FlatTravel(), classes=classes,
                    scores=scores, need=need, policy=policy)
    assert rec.borrow is not None
    by_id = {p.post_id: p for p in posts}

    def eligible(p: Post) -> bool:
        return p.risk_class == KR and all(classes.get(t, p.risk_class) == KR for t in p.tps_ids)

    def per_officer(p: Post) -> float:
        return sum(scores[t] for t in p.tps_ids) / p.officers

    taken = {d.post_id: d.take for d in rec.borrow.donors}
    for d in rec.borrow.donors:
        p = by_id[d.post_id]
        assert eligible(p), "a post with a rawan, sangat rawan or khusus TPS lent officers"
        assert d.take >= 1 and d.keep == p.officers - d.take >= policy.min_keep
        assert d.minutes <= policy.borrow_max_minutes
    offers = [p for p in posts if eligible(p) and p.officers > policy.min_keep
              and float(p.lon) * KM_PER_DEG <= policy.borrow_max_minutes]
    capacity = sum(p.officers - policy.min_keep for p in offers)
    assert rec.borrow.officers == min(need, capacity) == need - rec.borrow.short
    # optimal: no officer left behind costs less than one taken
    left = [per_officer(p) for p in offers
            if taken.get(p.post_id, 0) < p.officers - policy.min_keep]
    if taken and left:
        assert max(per_officer(by_id[t]) for t in taken) <= min(left) + 1e-9


# --- dispatches and unit status ---------------------------------------------------------------


def test_unit_status_moves_only_along_its_cycle() -> None:
    assert unit_step(UnitStatus.AVAILABLE, UnitStatus.DISPATCHED) == UnitStatus.DISPATCHED
    assert unit_step(UnitStatus.DISPATCHED, UnitStatus.RETURNING) == UnitStatus.RETURNING
    assert unit_step(UnitStatus.RETURNING, UnitStatus.DISPATCHED) == UnitStatus.DISPATCHED
    for bad in ((UnitStatus.AVAILABLE, UnitStatus.ON_SCENE),
                (UnitStatus.ON_SCENE, UnitStatus.AVAILABLE),
                (UnitStatus.DISPATCHED, UnitStatus.AVAILABLE)):
        with pytest.raises(DispatchError):
            unit_step(*bad)


def test_an_accepted_dispatch_changes_what_the_next_recommendation_offers() -> None:
    board = Board(POSTS, TEAMS)
    busy = {"A-busy": UnitStatus.DISPATCHED}
    rec = recommend(board, TARGET, FlatTravel(), status=busy)
    (d,) = accept(rec, "inc-1", by="kaopsres", at=T0)
    assert (d.unit_id, d.kind, d.officers, d.status) == ("P-near", UnitKind.TEAM, 30,
                                                         UnitStatus.DISPATCHED)
    status = busy | team_status([d])
    assert [o.team_id for o in recommend(board, TARGET, FlatTravel(), status=status).teams] == [
        "A-mid", "P-mid", "A-far"]
    d = advance(d, UnitStatus.ON_SCENE, "P-near", T0 + dt.timedelta(minutes=12))
    d = advance(d, UnitStatus.RETURNING, "P-near", T0 + dt.timedelta(minutes=50))
    d = advance(d, UnitStatus.AVAILABLE, "P-near", T0 + dt.timedelta(minutes=62))
    assert team_status([d]) == {"P-near": UnitStatus.AVAILABLE}
    assert [s.status for s in d.history] == [UnitStatus.DISPATCHED, UnitStatus.ON_SCENE,
                                            UnitStatus.RETURNING, UnitStatus.AVAILABLE]
    with pytest.raises(DispatchError):
        advance(d, UnitStatus.ON_SCENE, "x", T0 + dt.timedelta(hours=2))
    # A finished dispatch is over: the team goes out again only as a new dispatch, from a
    # recommendation that checks it is free (re-sending the old one could book it twice).
    assert dispatch_steps(d.status) == ()
    with pytest.raises(DispatchError, match="from a recommendation"):
        advance(d, UnitStatus.DISPATCHED, "x", T0 + dt.timedelta(hours=2))
    assert dispatch_steps(UnitStatus.RETURNING) == (UnitStatus.AVAILABLE, UnitStatus.DISPATCHED)
    with pytest.raises(DispatchError, match="not on offer"):
        accept(rec, "inc-1", by="op", at=T0, team_ids=["B-near"])  # edit to a team not offered
    edited = accept(rec, "inc-1", by="op", at=T0, team_ids=["A-mid", "P-mid"])
    assert [x.unit_id for x in edited] == ["A-mid", "P-mid"]


def test_accepting_a_borrowing_lends_the_officers_until_they_are_back() -> None:
    rec = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                    classes={"m2": R}, need=4)
    ds = accept(rec, "inc-2", by="kaopsres", at=T0, team_ids=[])
    assert [(x.unit_id, x.kind, x.officers) for x in ds] == [
        ("cheaper", UnitKind.BORROWED, 2), ("cheap", UnitKind.BORROWED, 1),
        ("dear", UnitKind.BORROWED, 1)]
    assert lent_officers(ds) == {"cheaper": 2, "cheap": 1, "dear": 1}
    nothing = recommend(Board(POSTS, FAR_TEAMS), TARGET, FlatTravel(), scores=SCORES,
                        classes={"m2": R}, lent=lent_officers(ds), need=4)
    assert nothing.borrow is not None and nothing.borrow.officers == 0
    with pytest.raises(DispatchError, match="no borrowing"):
        accept(recommend(Board(POSTS, TEAMS), TARGET, FlatTravel()), "i", by="op", at=T0,
               borrow=True)


# --- reserve floor ----------------------------------------------------------------------------


def test_a_polres_below_its_floor_gets_a_warning_with_the_nearest_pool_teams() -> None:
    teams = (_team("A1", "A", 0, 30), _team("A2", "A", 0, 30), _team("B1", "B", 0, 30),
             _team("P-far", POOL, 50), _team("P-near", POOL, 10), _team("P-busy", POOL, 1))
    status = {"A1": UnitStatus.DISPATCHED, "A2": UnitStatus.ON_SCENE,
              "P-busy": UnitStatus.DISPATCHED}
    (w,) = reserve_floor_warnings(teams, status, travel=FlatTravel())
    assert (w.polres_code, w.available, w.planned, w.floor) == ("A", 0, 60, 30)
    assert [o.team_id for o in w.bko] == ["P-near", "P-far"]
    assert w.bko[0].minutes == pytest.approx(10.0)
    half = {"A1": UnitStatus.DISPATCHED}  # 30 of 60 left: at the floor, not below
    assert reserve_floor_warnings(teams, half, travel=FlatTravel()) == []
    strict = ReinforcementPolicy(floor_share=0.75)
    assert [w.polres_code for w in reserve_floor_warnings(teams, half, travel=FlatTravel(),
                                                          policy=strict)] == ["A"]
    hq = reserve_floor_warnings(teams, status, travel=FlatTravel(), hq={"A": (_deg(50), 0.0)})
    assert [o.team_id for o in hq[0].bko] == ["P-far", "P-near"]


# --- live events ------------------------------------------------------------------------------


def _live_events() -> list[events.AuditedEvent]:
    inc = transition(_incident(), Status.ACKNOWLEDGED, "op", T0)
    status = FieldReport("c-1", "81234567", "tps-1", ReportKind.STATUS, T0, T0,
                         phase=TpsPhase.VOTING_OPEN, lat=-1.6, lon=103.6)
    seen = FieldReport("c-2", "81234567", "tps-1", ReportKind.INCIDENT, T0, T0,
                       incident_kind="violence", severity=3, text="massa")
    sent = Dispatch("inc-1/1", "inc-1", "team-1", UnitKind.TEAM, 4, UnitStatus.DISPATCHED,
                    (UnitStep(UnitStatus.DISPATCHED, "op", T0),))
    return [
        events.ReportEvent.of(status, TpsPhase.VOTING_OPEN),
        events.ReportEvent.of(seen, None),
        events.IncidentEvent.of("incident.reported", _incident(), polres="polres.15.72",
                                verified=False, at=T0),
        events.IncidentEvent.of("incident.acknowledged", inc, polres="polres.15.72",
                                verified=True, at=T0, note="on my way, 0812-3456-7890"),
        events.DispatchEvent.of(sent, tps_id="tps-1", at=T0, note=""),
        events.RejectionEvent(incident_id="inc-1", tps_id="tps-1", note="no", at=T0),
        events.AssessmentEvent(assessment=2, as_of=T0.date(), profile="id-pilkada-2024",
                               classes={c: 1 for c in RiskClass}),
        events.AssessmentEvent(assessment=3, as_of=T0.date(), profile="id-pilkada-2024",
                               cause="incident inc-1", assessment_id=3,
                               classes={c: 1 for c in RiskClass},
                               reclassified=(events.ClassChange("tps-1", None, R),
                                             events.ClassChange("tps-2", KR, SR))),
    ]


@pytest.mark.parametrize("event", _live_events(), ids=lambda e: e.action)
def test_a_live_event_reads_back_from_its_audit_entry_as_it_was(
        event: events.AuditedEvent) -> None:
    action, subject, detail = events.entry(event)
    stored = json.loads(json.dumps(detail, sort_keys=True))  # as the audit trail keeps it
    assert events.parse(action, subject, stored) == event
    assert events.message(event) == {**stored, "action": action}
    assert all(v is not None for k, v in detail.items()
               if k in ("phase", "tps_phase", "incident_kind", "severity", "note", "cause"))


def test_the_audit_details_keep_their_shape() -> None:
    """What the audit trail and the live stream have always carried, key for key."""
    by_action = {e.action: events.entry(e)[2] for e in _live_events()}
    assert list(by_action["report.status"]) == ["client_id", "nrp", "tps_id", "kind", "sent_at",
                                                 "lat", "lon", "at", "phase", "tps_phase"]
    assert by_action["report.incident"]["severity"] == 3
    assert "phase" not in by_action["report.incident"]
    assert list(by_action["incident.reported"]) == [
        "id", "tps_id", "polres_code", "kind", "severity", "status", "level", "verified", "lat",
        "lon", "at"]
    assert by_action["incident.acknowledged"]["note"] == "on my way, 0812-3456-7890"
    assert by_action["dispatch.dispatched"] == {
        "id": "inc-1/1", "incident_id": "inc-1", "tps_id": "tps-1", "unit_id": "team-1",
        "kind": "team", "officers": 4, "status": "dispatched", "at": T0.isoformat(), "note": ""}
    assert events.entry(_live_events()[-1])[1] == "assessment 3"
    assert events.entry(_live_events()[-1])[2]["reclassified"] == [
        {"tps_id": "tps-1", "before": None, "after": "rawan"},
        {"tps_id": "tps-2", "before": "kurang_rawan", "after": "sangat_rawan"}]
    assert events.parse("login.failed", "x", {}) is None


def test_readers_without_personnel_get_no_nrp_and_redacted_notes() -> None:
    report_event, _, _, step = _live_events()[:4]
    assert isinstance(report_event, events.ReportEvent)
    assert isinstance(step, events.IncidentEvent)
    hidden = events.without_personal(report_event, lambda s: "[x]")
    assert "nrp" not in events.message(hidden) and events.message(report_event)["nrp"]
    assert events.message(events.without_personal(step, lambda s: "[x]"))["note"] == "[x]"
