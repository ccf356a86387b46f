"""Staging reserve teams where they reach trouble fastest: the 95th percentile of the travel
time from the nearest eligible team to every rawan and sangat rawan TPS, minimised.

The p95 objective is solved as a sequence of maximal covering problems (HiGHS MIP): for a
time T, place the teams to cover as many TPS as possible within T::

    maximise   sum_t z_t
    subject to sum_s x_ps = teams_p                  for each owner p (a Polres, or the pool)
               z_t <= sum_(s: tau_st <= T) x_(p(t),s) + sum_(s: tau_st <= T) x_(pool,s)
               x integer >= 0 (x_ps only at p's own Polsek and Polres HQs), z binary

and the least T (over the distinct travel times) that covers 95% is searched for. A Polres
team serves its own jurisdiction; a Polda-pool team serves anywhere.

Sparse reach (``K_SITES`` = 30). Each target keeps, per owner that may serve it, only its 30
nearest sites: 30 of its own Polres's sites and 30 of the pool's (any site). Travel times are
computed with numpy a block of targets at a time and never stored for every (site, target)
pair: a national province has about 700 sites and 10,000 targets, 7 M pairs, where the sparse
reach keeps about 0.5 M. Dropping far sites can only make the MIP count a target uncovered
that a far team would in fact reach, so the T found is never below the true optimum, and it
is exactly the optimum whenever every site within that T of a target is among its 30 nearest.
Why 30: in Jambi a target has at most 14 sites within its p95 time (25.8 min; 20 within
40 min) and a Polres at most 27 sites, so 30 keeps every arc that matters there (the staging
and the p95 are unchanged), with room for denser provinces; it is also the k that the solver
notes found enough for plotting. The reported p95 (``nearest_times``) is always computed
from every team, not from the sparse reach.

The search, in three steps, so that a national province solves one to a few MIPs instead of
one per bisection step (log2 of hundreds of thousands of distinct times):

1. A floor: no T covers 95% before 95% of the targets have some eligible site within T.
2. The LP relaxation covers at least what the MIP covers and solves in milliseconds: the
   first time whose relaxation covers 95% (galloping up from the floor, then bisecting until
   the times that cannot and can are ``_TOLERANCE`` apart) is, to within 0.05 min, a lower
   bound on the MIP's answer, and usually equal to it (Jambi, Jawa Tengah).
3. MIPs from that time: if it covers 95%, it is the answer, exactly. Otherwise gallop up in
   steps of the MIP's tolerance (1% of that time, at least ``_TOLERANCE``: 0.6 min at an
   hour's reach, 0.26 min at Jambi's 26), then bisect back until the last time that cannot
   and the first that can are within it: the answer is then within 1% of the best. A MIP
   that cannot reach 95% is stopped as soon as its bound shows it. The placement is that of
   the full MIP (most targets covered) at the time found. Why 1%, not 0.05 min: near the
   answer every MIP that can cover 95% is hard (Aceh at real Pemilu counts, 1,275 targets:
   4-5 s each, six MIPs and 14.6 s of its 17.8-s plan to move the p95 from 61.03 to 61.33
   min), while the LP's bound already places the answer within a fraction of a minute.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import ArrayLike, NDArray

from pollguard.domain.command import POOL
from pollguard.planning.travel import TravelModel, minutes_grid

COVERAGE = 0.95
K_SITES = 30  # per target and owner, the nearest sites kept (see the module docstring)
_EPS = 1e-6  # tolerance on the LP's count
_GALLOP_MIN = 0.25  # the first step above the floor, in minutes (doubled at each step)
_TOLERANCE = 0.05  # minutes: the LP's time is found to within this (it is reported to 0.1)
_MIP_TOLERANCE = 0.01  # the MIP's time: to within this share of it (at least _TOLERANCE)
_BLOCK = 1 << 21  # (target, site) pairs per block of travel times computed at once


@dataclass(frozen=True)
class Site:
    code: str  # the Polsek or Polres HQ unit code
    owner: str  # the Polres it belongs to
    lat: float
    lon: float


@dataclass(frozen=True)
class Target:
    tps_id: str
    owner: str  # its Polres
    lat: float
    lon: float
    area: str  # city, rural, remote


class _SilentHighs(highspy.Highs):
    """A HiGHS that never writes to stdout, by its own ``output_flag``: HiGHS prints its
    banner at the first call after the option is read, and highspy's constructor makes such a
    call (it registers the callbacks), so the option is set just before it. Per instance:
    nothing in the process is redirected, so threads planning at once (web drafts) and the
    CLI's --json output are left alone."""

    def enableCallbacks(self) -> None:  # noqa: N802 (highspy's name)
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()


def _highs(single_thread: bool = True) -> highspy.Highs:
    """A silent HiGHS. One thread: faster on these models (and a national run plans one
    province per core). HiGHS fixes its thread pool at the first run in a process, so a
    caller retries with ``single_thread=False`` when a pool of another size is already up."""
    h = _SilentHighs()
    h.setOptionValue("output_flag", False)
    if single_thread:
        h.setOptionValue("threads", 1)
    return h


def _run(build: Callable[[bool], highspy.Highs]) -> highspy.Highs:
    """Run the model ``build`` makes; again with HiGHS's own thread count if one thread is
    refused (the process started HiGHS's thread pool with another size before)."""
    h = build(True)
    if h.run() == highspy.HighsStatus.kError:
        h = build(False)
        h.run()
    return h


def percentile(values: ArrayLike, q: float = COVERAGE) -> float:
    """The q-th value: the smallest v with at least q of the values at or below it."""
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    if not len(ordered):
        return 0.0
    return float(ordered[max(0, math.ceil(q * len(ordered)) - 1)])


def _blocks(n: int, width: int) -> Iterator[slice]:
    """Row slices of at most ``_BLOCK`` cells for a matrix ``width`` columns wide."""
    step = max(1, _BLOCK // max(1, width))
    for start in range(0, n, step):
        yield slice(start, min(n, start + step))


def nearest_times(placement: Mapping[str, Sequence[str]],
                  where: Mapping[str, tuple[float, float]], targets: Sequence[Target],
                  travel: TravelModel) -> NDArray[np.float64]:
    """Per target, the time from the nearest team that may serve it (its Polres's or the
    pool's); ``where`` gives the (lat, lon) of each staging code. Infinite if none may."""
    lat = np.array([t.lat for t in targets], dtype=np.float64)
    lon = np.array([t.lon for t in targets], dtype=np.float64)
    area = [t.area for t in targets]
    best = np.full(len(targets), math.inf)
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(targets):
        rows_of[t.owner].append(i)
    for owner, codes in placement.items():
        unique = sorted(set(codes))
        if not unique:
            continue
        rows = np.arange(len(targets)) if owner == POOL else np.array(rows_of.get(owner, []),
                                                                     dtype=np.intp)
        slat = [where[c][0] for c in unique]
        slon = [where[c][1] for c in unique]
        for part in _blocks(len(rows), len(unique)):
            r = rows[part]
            m = minutes_grid(travel, lat[r], lon[r], [area[i] for i in r.tolist()], slat, slon)
            best[r] = np.minimum(best[r], m.min(axis=1))
    return best


def stage(teams: Mapping[str, int], sites: Sequence[Site], targets: Sequence[Target],
          travel: TravelModel, *, k: int = K_SITES) -> dict[str, list[str]]:
    """Site codes for each owner's teams (one entry per team)."""
    site_by_code = {s.code: s for s in sites}
    own_sites: dict[str, list[str]] = defaultdict(list)
    for s in sites:
        own_sites[s.owner].append(s.code)
    allowed = {owner: (list(site_by_code) if owner == POOL else own_sites[owner])
               for owner in teams if teams[owner] > 0 and (owner == POOL or own_sites[owner])}
    if not targets or not allowed:
        return _round_robin(teams, allowed)
    model = _Covering(teams, allowed, site_by_code, targets, travel, k)
    if not len(model.minutes):  # no team may serve any target
        return _round_robin(teams, allowed)
    times = np.unique(model.minutes)
    last = len(times) - 1
    need = math.ceil(COVERAGE * len(targets))
    # 1. No T covers enough targets before ``need`` of them have an eligible site within T.
    floor = float(np.sort(model.nearest)[need - 1])
    if not math.isfinite(floor):  # never enough (a Polres with no team): cover what can be
        return model.solve(float(times[last]))[1]
    start = int(np.searchsorted(times, floor, side="left"))
    # 2. The LP relaxation covers at least what the MIP covers, and solves fast: the first
    # time whose relaxation covers enough (no earlier time can do it with whole teams),
    # galloping up from the floor in minutes (the answer is usually within a minute of it).
    steps = [int(np.searchsorted(times, floor + _GALLOP_MIN * (2 ** i - 1), side="left"))
             for i in range(40)]
    # (Bisected to within _TOLERANCE, as the MIP is: the MIP starts there, and the answer is
    # within _TOLERANCE of the best either way.)
    relaxed = _first(lambda i: model.relaxed(float(times[i])) >= need - _EPS, start - 1,
                     [min(i, last) for i in steps] + [last],
                     lambda bad, good: float(times[good] - times[bad]) <= _TOLERANCE)
    if relaxed < 0:
        return model.solve(float(times[last]))[1]
    # 3. The MIP from there. The relaxation is usually tight and its time is the answer;
    # otherwise gallop up in steps of the tolerance (1% of that time), twice it, four
    # times... (each probe the last distinct time within its step) and bisect back until the
    # last time that cannot cover enough and the first that can are within the tolerance. A
    # time that cannot is given up as soon as the MIP's bound shows it.
    placements: dict[int, dict[str, list[str]]] = {}

    def covers(i: int) -> bool:
        covered, placement = model.solve(float(times[i]), need)
        placements[i] = placement
        return covered >= need

    at = float(times[relaxed])
    tolerance = max(_TOLERANCE, _MIP_TOLERANCE * at)
    found = _first(covers, relaxed - 1,
                   [int(np.searchsorted(times, at + tolerance * (2 ** i - 1), side="right")) - 1
                    for i in range(40)] + [last],
                   lambda bad, good: float(times[good] - times[bad]) <= tolerance)
    if found < 0:  # even the longest time leaves TPS uncovered
        return model.solve(float(times[last]))[1]
    return placements[found]


def _first(ok: Callable[[int], bool], bad: int, probes: Iterable[int],
           close: Callable[[int, int], bool] | None = None) -> int:
    """The first index where the monotone ``ok`` holds, knowing it fails at ``bad``: tried at
    ``probes`` (ascending) until it holds, then bisected back until the index where it fails
    and the one where it holds are adjacent, or ``close``. -1 if it holds at none."""
    good = -1
    for at in probes:
        if at <= bad:
            continue
        if ok(at):
            good = at
            break
        bad = at
    if good < 0:
        return -1
    while good - bad > 1 and not (close is not None and bad >= 0 and close(bad, good)):
        mid = (bad + good) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


class _Covering:
    """The maximal covering MIP, rebuilt cheaply for each time limit: per target, the
    eligible team columns (its sparse reach) are kept sorted by travel time, so a limit is a
    prefix. The reach is three flat arrays, target by target: ``target``, ``column``,
    ``minutes``."""

    def __init__(self, teams: Mapping[str, int], allowed: Mapping[str, list[str]],
                 site_by_code: Mapping[str, Site], targets: Sequence[Target],
                 travel: TravelModel, k: int) -> None:
        self.columns = [(owner, s) for owner, codes in sorted(allowed.items()) for s in codes]
        index = {c: i for i, c in enumerate(self.columns)}
        self.teams = teams
        self.owner_rows = [(teams[owner], [index[(owner, s)] for s in codes])
                           for owner, codes in sorted(allowed.items())]
        self.n_targets = nt = len(targets)
        lat = np.array([t.lat for t in targets], dtype=np.float64)
        lon = np.array([t.lon for t in targets], dtype=np.float64)
        area = [t.area for t in targets]
        rows_of: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(targets):
            rows_of[t.owner].append(i)
        parts: list[tuple[NDArray[np.intp], NDArray[np.int32], NDArray[np.float64]]] = []
        for owner, codes in sorted(allowed.items()):
            rows = (np.arange(nt, dtype=np.intp) if owner == POOL
                    else np.array(rows_of.get(owner, []), dtype=np.intp))
            if not len(rows):
                continue
            cols = np.array([index[(owner, s)] for s in codes], dtype=np.int32)
            slat = [site_by_code[s].lat for s in codes]
            slon = [site_by_code[s].lon for s in codes]
            for part in _blocks(len(rows), len(codes)):
                r = rows[part]
                m = minutes_grid(travel, lat[r], lon[r], [area[i] for i in r.tolist()],
                                 slat, slon)
                if len(codes) > k:  # the k nearest of each row
                    pick = np.argpartition(m, k - 1, axis=1)[:, :k]
                    m = np.take_along_axis(m, pick, axis=1)
                    c = cols[pick]
                else:
                    c = np.broadcast_to(cols, m.shape)
                parts.append((np.repeat(r, m.shape[1]), c.ravel(), m.ravel()))
        target = np.concatenate([np.zeros(0, np.intp), *(p[0] for p in parts)])
        column = np.concatenate([np.zeros(0, np.int32), *(p[1] for p in parts)])
        minutes = np.concatenate([np.zeros(0), *(p[2] for p in parts)])
        order = np.lexsort((column, minutes, target))
        self.target = target[order]
        self.column = column[order]
        self.minutes = minutes[order]
        count = np.bincount(self.target, minlength=nt)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        self.nearest = np.full(nt, math.inf)
        has = count > 0
        self.nearest[has] = self.minutes[first[has]]
        self.rank = np.arange(len(self.target)) - first[self.target]  # place in its target

    def _model(self, limit: float, integer: bool, single_thread: bool) -> highspy.Highs:
        """The covering model for time ``limit``, as a HiGHS instance ready to run."""
        nx, nt = len(self.columns), self.n_targets
        h = _highs(single_thread)
        ub = np.concatenate([[float(self.teams[o]) for o, _ in self.columns], np.ones(nt)])
        cost = np.concatenate([np.zeros(nx), np.ones(nt)])
        h.addVars(nx + nt, np.zeros(nx + nt), ub)
        if integer:
            h.changeColsIntegrality(nx + nt, np.arange(nx + nt, dtype=np.int32),
                                    np.full(nx + nt, highspy.HighsVarType.kInteger))
        h.changeColsCost(nx + nt, np.arange(nx + nt, dtype=np.int32), cost)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        # Owner rows: each owner places exactly its teams.
        owner_cols = [np.array(cols, dtype=np.int32) for _, cols in self.owner_rows]
        owner_len = np.array([len(c) for c in owner_cols], dtype=np.int64)
        n_owner = len(owner_cols)
        # Target rows: z_t - (its columns within the limit, nearest first) <= 0.
        sel = self.minutes <= limit
        tgt = self.target[sel]
        count = np.bincount(tgt, minlength=nt)
        row_len = np.concatenate([owner_len, count + 1])
        starts = np.concatenate([[0], np.cumsum(row_len)[:-1]])
        index = np.empty(int(row_len.sum()), dtype=np.int32)
        value = np.empty(len(index), dtype=np.float64)
        owner_end = int(owner_len.sum())
        if n_owner:
            index[:owner_end] = np.concatenate(owner_cols)
        value[:owner_end] = 1.0
        target_start = starts[n_owner:]
        index[target_start] = nx + np.arange(nt, dtype=np.int32)
        value[target_start] = 1.0
        at = target_start[tgt] + 1 + self.rank[sel]
        index[at] = self.column[sel]
        value[at] = -1.0
        teams = [float(n) for n, _ in self.owner_rows]
        h.addRows(n_owner + nt, np.concatenate([teams, np.full(nt, -np.inf)]),
                  np.concatenate([teams, np.zeros(nt)]), len(index), starts.astype(np.int32),
                  index, value)
        return h

    def relaxed(self, limit: float) -> float:
        """Targets covered within ``limit`` by the LP relaxation: a bound on the MIP's."""
        h = _run(lambda single: self._model(limit, False, single))
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"reserve staging LP: {h.modelStatusToString(h.getModelStatus())}")
        return float(h.getInfo().objective_function_value)

    def solve(self, limit: float, need: int | None = None) -> tuple[int, dict[str, list[str]]]:
        """Most targets covered within ``limit``, and the placement. With ``need``, a time
        that cannot cover ``need`` targets is given up as soon as the MIP's bound shows it:
        the count is then -1 and the placement empty."""
        nx = len(self.columns)

        def cutoff(e: highspy.highs.HighsCallbackEvent) -> None:
            if need is not None and e.data_out.mip_dual_bound < need - 0.5:
                e.interrupt()

        def build(single: bool) -> highspy.Highs:
            h = self._model(limit, True, single)
            if need is not None:
                h.cbMipInterrupt.subscribe(cutoff)
            return h

        h = _run(build)
        status = h.getModelStatus()
        if need is not None and status == highspy.HighsModelStatus.kInterrupt:
            return -1, {}
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"reserve staging MIP: {h.modelStatusToString(status)}")
        solution = np.asarray(h.getSolution().col_value)
        covered = round(float(solution[nx:].sum()))
        placement: dict[str, list[str]] = defaultdict(list)
        for i, (owner, s) in enumerate(self.columns):
            placement[owner] += [s] * round(solution[i])
        return covered, dict(placement)


def _round_robin(teams: Mapping[str, int], allowed: Mapping[str, list[str]]
                 ) -> dict[str, list[str]]:
    return {owner: [allowed[owner][i % len(allowed[owner])] for i in range(n)]
            for owner, n in teams.items() if n > 0 and allowed.get(owner)}
