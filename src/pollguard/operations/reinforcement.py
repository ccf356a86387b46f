"""Who to send to an incident (or a TPS reclassified on the day), and the units' status.

``recommend`` ranks the reserve teams that may serve the TPS (its own Polres's and the Polda
pool's, available ones only). Given what the incident calls for (the profile's ``TeamNeed``),
a team is adequate when it has at least the officers needed, of the kind needed, and not more
than ``max_oversize`` times as many: the adequate teams within ``max_minutes`` come first, the
smallest first and then the nearest (a moderate report is not answered with a platoon while a
squad is at hand); then the other adequate ones nearest first; then the oversized ones, those
within ``max_minutes`` smallest first (the least oversized), then the farther ones nearest
first; then the too small ones, nearest first.

What an incident calls for is ``incident_need``: the profile's need for its kind and severity,
except for a post left empty (``pos_kosong``), which calls for the officers planned at that
post (a post of two is filled by two, not by the severity's squad of eight). With no small
team near, the officers borrowed from the posts nearby then cover it.

A Polres (``bko_direct=False``) is offered its own teams only: the Polda pool's come as
``requests``, BKO the Polda must approve. The Pawas patrols of the TPS's Polres are listed
nearest first (the supervising officer is called by radio; not a tracked unit).

When no adequate team is within ``max_minutes`` it also proposes borrowing the officers needed
from nearby posts that guard only kurang rawan TPS, chosen so that the risk left uncovered is
smallest:

    uncovered(post, x) = x / officers(post) * sum of risk(t) over the post's TPS t

where ``x`` officers leave a post planned with ``officers(post)``, and ``risk(t)`` is the TPS's
score (``default_tps_risk`` where none is given). Every officer taken from a post costs the
same, so taking the cheapest officers first (greedy) is exactly optimal. A post keeps at least
``min_keep`` officers, and a post with any rawan, sangat rawan or khusus TPS (by the current
classes) is never a donor.

Pure logic: the plan, the unit statuses and the travel model come in as arguments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan, Post, ReserveTeam, Supervision
from pollguard.domain.risk import RiskClass
from pollguard.i18n.refusals import ErrorCode, RefusedError, Term
from pollguard.planning.travel import TravelModel, minutes_grid, road_km_grid
from pollguard.profile.operations import POS_KOSONG, ReinforcementPolicy, TeamNeed


class DispatchError(RefusedError, ValueError):
    """A unit status change the workflow does not allow, or a choice not on offer (coded:
    the operator meets them)."""


def _unit_said(status: UnitStatus) -> Term:
    """A unit's status in the operator's words (the live page's)."""
    return Term((f"live.unit.{status.value}",))


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    RETURNING = "returning"


# available -> dispatched -> on scene -> returning -> available; a unit en route may be recalled
# (dispatched -> returning) and a returning unit may be sent on (returning -> dispatched).
UNIT_STEPS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.AVAILABLE: frozenset({UnitStatus.DISPATCHED}),
    UnitStatus.DISPATCHED: frozenset({UnitStatus.ON_SCENE, UnitStatus.RETURNING}),
    UnitStatus.ON_SCENE: frozenset({UnitStatus.RETURNING}),
    UnitStatus.RETURNING: frozenset({UnitStatus.AVAILABLE, UnitStatus.DISPATCHED}),
}


def dispatch_steps(current: UnitStatus) -> tuple[UnitStatus, ...]:
    """Where a dispatch may go next from ``current``, in the statuses' order: the unit's
    steps, except that a dispatch is over once its unit is available again. Sending the unit
    out again is a new dispatch, made from a recommendation, which checks the team is free;
    re-opening a finished dispatch would skip that check and could book a team twice."""
    if current == UnitStatus.AVAILABLE:
        return ()
    return tuple(s for s in UnitStatus if s in UNIT_STEPS[current])


def unit_step(current: UnitStatus, to: UnitStatus) -> UnitStatus:
    """``to`` if a unit may go there from ``current``; DispatchError otherwise."""
    if to not in UNIT_STEPS[current]:
        raise DispatchError(code=ErrorCode.DISPATCH_STEP, status=_unit_said(current),
                            to=_unit_said(to), allowed=Term.of(
                                f"live.unit.{s.value}" for s in UnitStatus
                                if s in UNIT_STEPS[current]))
    return to


@dataclass(frozen=True, slots=True)
class Target:
    """Where help is needed: a TPS (its Polres decides which teams may serve it)."""

    tps_id: str
    polres_code: str
    lat: float
    lon: float
    area: str = "rural"  # city, rural, remote: sets the travel speed


@dataclass(frozen=True, slots=True)
class TeamOption:
    team_id: str
    owner_code: str
    own: bool  # the target's own Polres (else the Polda pool, sent as BKO)
    size: int
    minutes: float
    km: float
    kind: str = "gabungan"  # the team's formation (ReserveKind)
    call_sign: str = ""
    leader_nrp: str | None = None
    adequate: bool = True  # fits what the incident calls for (always, without a need)


@dataclass(frozen=True, slots=True)
class PawasOption:
    """A Perwira Pengawas whose patrol could look in first (called by radio)."""

    cluster_id: str
    nrp: str
    minutes: float
    km: float


@dataclass(frozen=True, slots=True)
class Donor:
    post_id: str
    take: int  # officers borrowed
    keep: int  # officers left at the post
    minutes: float
    uncovered: float  # risk left uncovered by taking them


@dataclass(frozen=True, slots=True)
class Borrowing:
    donors: tuple[Donor, ...]
    officers: int
    uncovered: float
    short: int  # officers still missing when the donors nearby cannot give enough


@dataclass(frozen=True, slots=True)
class Recommendation:
    target: Target
    teams: tuple[TeamOption, ...]  # the caller may send these: adequate first (module doc)
    within: bool  # the first team is adequate and arrives within ``max_minutes``
    borrow: Borrowing | None  # only when no adequate team is within ``max_minutes``
    need: TeamNeed | None = None  # what the incident calls for (None: any team)
    requests: tuple[TeamOption, ...] = ()  # Polda BKO a Polres may ask for, ranked alike
    pawas: tuple[PawasOption, ...] = ()  # the Polres's Pawas patrols, nearest first

    @property
    def first(self) -> str:
        """What is offered first, and sent when the operator accepts as recommended:
        ``team`` (the first team, adequate and near), ``borrow`` (officers borrowed nearby
        cover the need, which no adequate team near does), ``team+borrow`` (neither alone
        will do), or ``request`` (nothing the caller may send: ask the Polda for BKO)."""
        if self.within:
            return "team"
        lends = self.borrow is not None and self.borrow.officers > 0
        if lends and self.need is not None and self.borrow is not None and not self.borrow.short:
            return "borrow"
        if self.teams:
            return "team+borrow" if lends else "team"
        if lends:
            return "borrow"
        return "request" if self.requests else "none"


class Board:
    """A plan's posts and reserve teams indexed once for fast recommendations."""

    def __init__(self, posts: Sequence[Post], reserves: Sequence[ReserveTeam],
                 supervisions: Sequence[Supervision] = ()) -> None:
        self.posts = tuple(posts)
        self.reserves = tuple(reserves)
        self.pawas = tuple(s for s in supervisions if s.nrp)
        self.post_lat = np.array([p.lat for p in self.posts], dtype=np.float64)
        self.post_lon = np.array([p.lon for p in self.posts], dtype=np.float64)
        self.team_lat = np.array([t.lat for t in self.reserves], dtype=np.float64)
        self.team_lon = np.array([t.lon for t in self.reserves], dtype=np.float64)
        by_polres: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(self.posts):
            by_polres[p.polres_code].append(i)
        self.posts_of_polres = {k: np.array(v, dtype=np.int64) for k, v in by_polres.items()}
        self.post_of_tps = {t: p.post_id for p in self.posts for t in p.tps_ids}
        self.post_by_id = {p.post_id: p for p in self.posts}

    @classmethod
    def of(cls, plan: Plan) -> Board:
        return cls(plan.posts, plan.reserves, plan.supervisions)


def incident_need(board: Board, policy: ReinforcementPolicy, kind: str, severity: int,
                  tps_id: str) -> TeamNeed:
    """What an incident of ``kind`` and ``severity`` at ``tps_id`` calls for. A ``pos_kosong``
    alert calls for the officers the plan put at the post guarding the TPS, of any formation:
    the need comes from the plan, so that filling a post of two does not take a squad. Every
    other kind (and an alert whose post is not in the plan) takes the profile's need."""
    if kind == POS_KOSONG.code:
        post = board.post_by_id.get(board.post_of_tps.get(tps_id, ""))
        if post is not None and post.officers > 0:
            return TeamNeed(officers=post.officers)
    return policy.need(kind, severity)


def _row(travel: TravelModel, target: Target, lat: NDArray[np.float64],
         lon: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Minutes and road km from each point to the target."""
    if len(lat) == 0:
        empty = np.zeros(0, dtype=np.float64)
        return empty, empty
    minutes = minutes_grid(travel, [target.lat], [target.lon], [target.area], lat, lon)[0]
    road = road_km_grid(travel, [target.lat], [target.lon], lat, lon)[0]
    return minutes, road


def _eligible_donor(post: Post, classes: Mapping[str, RiskClass]) -> bool:
    """Only posts of kurang rawan TPS, by their current class, may lend officers."""
    return post.risk_class == RiskClass.KURANG_RAWAN and all(
        classes.get(t, post.risk_class) == RiskClass.KURANG_RAWAN for t in post.tps_ids)


def recommend(board: Board, target: Target, travel: TravelModel, *,
              classes: Mapping[str, RiskClass] | None = None,
              scores: Mapping[str, float] | None = None,
              status: Mapping[str, UnitStatus] | None = None,
              lent: Mapping[str, int] | None = None, need: int | None = None,
              policy: ReinforcementPolicy | None = None, team_need: TeamNeed | None = None,
              bko_direct: bool = True) -> Recommendation:
    """Who to send to ``target``.

    ``classes`` and ``scores`` are the current class and score per TPS (a TPS missing from
    ``classes`` keeps its post's class); ``status`` the status per team (missing: available);
    ``lent`` the officers each post has already lent; ``need`` the officers to borrow (default:
    ``team_need``'s, else the profile's ``borrow_officers``); ``team_need`` what the incident
    calls for (None: every team is adequate, ranked by minutes); ``bko_direct`` False for a
    Polres, which may only request the Polda pool's teams."""
    pol = policy or ReinforcementPolicy()
    classes, scores = classes or {}, scores or {}
    status, lent = status or {}, lent or {}
    ranked = _rank_teams(board, target, travel, status, team_need, pol)
    teams = tuple(o for o in ranked if bko_direct or o.owner_code != POOL)
    requests = () if bko_direct else tuple(o for o in ranked if o.owner_code == POOL)
    within = bool(teams) and teams[0].adequate and teams[0].minutes <= pol.max_minutes
    wanted = need or (team_need.officers if team_need else pol.borrow_officers)
    borrow = None if within else _borrow(board, target, travel, classes, scores, lent,
                                         wanted, pol)
    return Recommendation(target, teams, within, borrow, team_need, requests,
                          _pawas(board, target, travel))


def _adequate(t: ReserveTeam, need: TeamNeed | None, pol: ReinforcementPolicy) -> bool:
    if need is None:
        return True
    return (need.kind in ("any", t.kind.value) and need.officers <= t.size
            <= need.officers * pol.max_oversize)


def _rank_teams(board: Board, target: Target, travel: TravelModel,
                status: Mapping[str, UnitStatus], need: TeamNeed | None,
                pol: ReinforcementPolicy) -> tuple[TeamOption, ...]:
    idx = [i for i, t in enumerate(board.reserves)
           if t.owner_code in (target.polres_code, POOL)
           and status.get(t.team_id, UnitStatus.AVAILABLE) == UnitStatus.AVAILABLE]
    minutes, road = _row(travel, target, board.team_lat[idx], board.team_lon[idx])
    out = [TeamOption(t.team_id, t.owner_code, t.owner_code == target.polres_code, t.size,
                      float(m), float(k), t.kind.value, t.call_sign, t.leader_nrp,
                      _adequate(t, need, pol))
           for t, m, k in zip((board.reserves[i] for i in idx), minutes.tolist(),
                              road.tolist(), strict=True)]

    def rank(o: TeamOption) -> tuple[int, int, float, bool, str]:
        if need is None:
            return (0, 0, o.minutes, not o.own, o.team_id)
        if o.adequate:
            near = o.minutes <= pol.max_minutes
            return (0 if near else 1, o.size if near else 0, o.minutes, not o.own, o.team_id)
        if o.size > need.officers and need.kind in ("any", o.kind):  # oversized
            near = o.minutes <= pol.max_minutes
            return (2 if near else 3, o.size if near else 0, o.minutes, not o.own, o.team_id)
        return (4, 0, o.minutes, not o.own, o.team_id)

    out.sort(key=rank)
    return tuple(out)


def _pawas(board: Board, target: Target, travel: TravelModel,
           limit: int = 3) -> tuple[PawasOption, ...]:
    """The nearest Pawas of the target's Polres (those with an officer)."""
    mine = [s for s in board.pawas if s.polres_code == target.polres_code]
    minutes, road = _row(travel, target, np.array([s.lat for s in mine], dtype=np.float64),
                         np.array([s.lon for s in mine], dtype=np.float64))
    out = sorted((PawasOption(s.cluster_id, s.nrp or "", float(m), float(k))
                  for s, m, k in zip(mine, minutes.tolist(), road.tolist(), strict=True)),
                 key=lambda p: (p.minutes, p.cluster_id))
    return tuple(out[:limit])


def _borrow(board: Board, target: Target, travel: TravelModel,
            classes: Mapping[str, RiskClass], scores: Mapping[str, float],
            lent: Mapping[str, int], need: int, pol: ReinforcementPolicy) -> Borrowing:
    if pol.borrow_across_polres:
        idx = np.arange(len(board.posts), dtype=np.int64)
    else:
        idx = board.posts_of_polres.get(target.polres_code, np.zeros(0, dtype=np.int64))
    minutes, _ = _row(travel, target, board.post_lat[idx], board.post_lon[idx])
    own_post = board.post_of_tps.get(target.tps_id)
    near = idx[minutes <= pol.borrow_max_minutes]
    near_min = minutes[minutes <= pol.borrow_max_minutes]
    # (cost per officer, minutes, post id, capacity, planned officers, risk of the post)
    offers: list[tuple[float, float, str, int, int, float]] = []
    for i, m in zip(near.tolist(), near_min.tolist(), strict=True):
        post = board.posts[i]
        if post.post_id == own_post or not _eligible_donor(post, classes):
            continue
        left = post.officers - lent.get(post.post_id, 0)
        cap = left - pol.min_keep
        if cap <= 0 or post.officers <= 0:
            continue
        risk = sum(scores.get(t, pol.default_tps_risk) for t in post.tps_ids)
        offers.append((risk / post.officers, m, post.post_id, cap, left, risk))
    offers.sort()
    donors: list[Donor] = []
    remaining = need
    for per, m, post_id, cap, left, _risk in offers:
        if remaining <= 0:
            break
        take = min(cap, remaining)
        donors.append(Donor(post_id, take, left - take, m, per * take))
        remaining -= take
    got = need - remaining
    return Borrowing(tuple(donors), got, sum(d.uncovered for d in donors), remaining)


# --- dispatches -------------------------------------------------------------------------------


class UnitKind(StrEnum):
    TEAM = "team"  # a reserve team
    BORROWED = "borrowed"  # officers lent by a post


@dataclass(frozen=True, slots=True)
class UnitStep:
    status: UnitStatus
    by: str
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A unit sent to an incident, and where it stands."""

    id: str
    incident_id: str
    unit_id: str  # a reserve team id, or the lending post's id
    kind: UnitKind
    officers: int
    status: UnitStatus
    history: tuple[UnitStep, ...]


def advance(d: Dispatch, to: UnitStatus, by: str, at: dt.datetime, note: str = "") -> Dispatch:
    """The dispatch moved on (on scene, returning, back); DispatchError where not allowed."""
    if to not in dispatch_steps(d.status):
        if d.status == UnitStatus.AVAILABLE:
            raise DispatchError(code=ErrorCode.DISPATCH_OVER, to=_unit_said(to))
        raise DispatchError(code=ErrorCode.DISPATCH_STEP, status=_unit_said(d.status),
                            to=_unit_said(to), allowed=Term.of(
                                f"live.unit.{s.value}" for s in dispatch_steps(d.status)))
    if at < d.history[-1].at:
        raise DispatchError(code=ErrorCode.DISPATCH_STEP_EARLY, at=at.isoformat(),
                            last=d.history[-1].at.isoformat())
    return replace(d, status=to, history=(*d.history, UnitStep(to, by, at, note)))


def accept(rec: Recommendation, incident_id: str, *, by: str, at: dt.datetime,
           team_ids: Sequence[str] | None = None, borrow: bool | None = None) -> list[Dispatch]:
    """The dispatches an operator's decision makes. By default (accept as recommended): what
    ``rec.first`` says (the first team when it is adequate and near; else the borrowing when
    it covers the need; else the first team and the borrowing). ``team_ids`` edits the teams
    (each must be on offer); ``borrow`` takes or drops the borrowing. Rejecting is not calling
    this."""
    offered = {o.team_id: o for o in rec.teams}
    if team_ids is None:
        only_borrow = rec.first == "borrow" and borrow is not False
        team_ids = [rec.teams[0].team_id] if rec.teams and not only_borrow else []
    for t in team_ids:
        if t not in offered:
            raise DispatchError(code=ErrorCode.TEAM_NOT_ON_OFFER, team=t)
    take_borrow = (rec.borrow is not None) if borrow is None else borrow
    if take_borrow and rec.borrow is None:
        raise DispatchError("no borrowing was proposed")
    units = [(t, UnitKind.TEAM, offered[t].size) for t in dict.fromkeys(team_ids)]
    if take_borrow and rec.borrow is not None:
        units += [(d.post_id, UnitKind.BORROWED, d.take) for d in rec.borrow.donors]
    step = UnitStep(UnitStatus.DISPATCHED, by, at, f"to {rec.target.tps_id}")
    return [Dispatch(f"{incident_id}/{n}", incident_id, unit, kind, size, UnitStatus.DISPATCHED,
                     (step,)) for n, (unit, kind, size) in enumerate(units, start=1)]


def team_status(dispatches: Iterable[Dispatch]) -> dict[str, UnitStatus]:
    """Each team's status from its latest dispatch (a team never dispatched is available)."""
    out: dict[str, tuple[dt.datetime, UnitStatus]] = {}
    for d in dispatches:
        if d.kind == UnitKind.TEAM:
            at = d.history[-1].at
            if d.unit_id not in out or at >= out[d.unit_id][0]:
                out[d.unit_id] = (at, d.status)
    return {k: v[1] for k, v in out.items()}


def lent_officers(dispatches: Iterable[Dispatch]) -> dict[str, int]:
    """Officers each post has lent and not yet got back."""
    out: dict[str, int] = defaultdict(int)
    for d in dispatches:
        if d.kind == UnitKind.BORROWED and d.status != UnitStatus.AVAILABLE:
            out[d.unit_id] += d.officers
    return dict(out)


# --- reserve floor ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FloorWarning:
    """A Polres whose available reserve fell below its floor, and the Polda-pool teams that
    could be sent to it as BKO, nearest first."""

    polres_code: str
    available: int  # officers in its own available teams
    planned: int  # officers in all its own teams
    floor: int
    bko: tuple[TeamOption, ...]


def reserve_floor_warnings(teams: Sequence[ReserveTeam], status: Mapping[str, UnitStatus], *,
                           travel: TravelModel,
                           hq: Mapping[str, tuple[float, float]] | None = None,
                           policy: ReinforcementPolicy | None = None,
                           area: str = "rural") -> list[FloorWarning]:
    """Every Polres below its floor: ``max(floor_officers, ceil(floor_share * planned))``
    officers available in its own teams. Distances run from its ``hq`` (default: the mean
    place of its own teams). Sorted by Polres code."""
    pol = policy or ReinforcementPolicy()
    hq = hq or {}
    own: dict[str, list[ReserveTeam]] = defaultdict(list)
    for t in teams:
        if t.owner_code != POOL:
            own[t.owner_code].append(t)

    def free(t: ReserveTeam) -> bool:
        return status.get(t.team_id, UnitStatus.AVAILABLE) == UnitStatus.AVAILABLE

    pool = [t for t in teams if t.owner_code == POOL and free(t)]
    out: list[FloorWarning] = []
    for code in sorted(own):
        planned = sum(t.size for t in own[code])
        available = sum(t.size for t in own[code] if free(t))
        floor = max(pol.floor_officers, math.ceil(pol.floor_share * planned))
        if available >= floor:
            continue
        lat, lon = hq.get(code) or (sum(t.lat for t in own[code]) / len(own[code]),
                                     sum(t.lon for t in own[code]) / len(own[code]))
        where = Target("", code, lat, lon, area)
        minutes, road = _row(travel, where, np.array([t.lat for t in pool], dtype=np.float64),
                             np.array([t.lon for t in pool], dtype=np.float64))
        bko = sorted((TeamOption(t.team_id, t.owner_code, False, t.size, float(m), float(k))
                      for t, m, k in zip(pool, minutes.tolist(), road.tolist(), strict=True)),
                     key=lambda o: (o.minutes, o.team_id))
        out.append(FloorWarning(code, available, planned, floor, tuple(bko)))
    return out
