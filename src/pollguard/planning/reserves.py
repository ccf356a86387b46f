"""Staging reserve teams where they reach trouble fastest: the 95th percentile of the travel
time from the nearest eligible team to every rawan and sangat rawan TPS, minimised.

The p95 objective is solved as a sequence of maximal covering problems (HiGHS MIP): for a
time T, place the teams to cover as many TPS as possible within T::

    maximise   sum_t z_t
    subject to sum_s x_ps = teams_p                  for each owner p (a Polres, or the pool)
               z_t <= sum_(s: tau_st <= T) x_(p(t),s) + sum_(s: tau_st <= T) x_(pool,s)
               x integer >= 0 (x_ps only at p's own Polsek and Polres HQs), z binary

and bisect on T over the distinct travel times until 95% are covered. A Polres team serves
its own jurisdiction; a Polda-pool team serves anywhere.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from pollguard.domain.command import POOL

COVERAGE = 0.95


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


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS prints a banner on stdout when created: keep it out of --json output."""
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _highs() -> highspy.Highs:
    with _quiet():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def percentile(values: Sequence[float], q: float = COVERAGE) -> float:
    """The q-th value: the smallest v with at least q of the values at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def nearest_times(placement: Mapping[str, list[str]], sites: Mapping[str, Site],
                  targets: Sequence[Target], minutes: Mapping[tuple[str, str], float]
                  ) -> list[float]:
    """Per target, the time from the nearest team that may serve it."""
    out = []
    for t in targets:
        times = [minutes[(s, t.tps_id)] for owner in (t.owner, POOL)
                 for s in placement.get(owner, ())]
        out.append(min(times) if times else math.inf)
    return out


def stage(teams: Mapping[str, int], sites: Sequence[Site], targets: Sequence[Target],
          minutes: Mapping[tuple[str, str], float]) -> dict[str, list[str]]:
    """Site codes for each owner's teams (one entry per team)."""
    site_by_code = {s.code: s for s in sites}
    own_sites: dict[str, list[str]] = defaultdict(list)
    for s in sites:
        own_sites[s.owner].append(s.code)
    allowed = {owner: (list(site_by_code) if owner == POOL else own_sites[owner])
               for owner in teams if teams[owner] > 0 and (owner == POOL or own_sites[owner])}
    if not targets or not allowed:
        return _round_robin(teams, allowed)
    model = _Covering(teams, allowed, targets, minutes)
    times = np.unique(np.concatenate([t for t in model.times if len(t)]))
    need = math.ceil(COVERAGE * len(targets))
    lo, hi = 0, len(times) - 1
    best: dict[str, list[str]] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        covered, placement = model.solve(float(times[mid]))
        if covered >= need:
            best, hi = placement, mid - 1
        else:
            lo = mid + 1
    if best is None:  # even the longest time leaves TPS uncovered (a Polres with no team)
        best = model.solve(float(times[-1]))[1]
    return best


class _Covering:
    """The maximal covering MIP, rebuilt cheaply for each time limit: per target, the
    eligible team columns are kept sorted by travel time, so a limit is a prefix."""

    def __init__(self, teams: Mapping[str, int], allowed: Mapping[str, list[str]],
                 targets: Sequence[Target], minutes: Mapping[tuple[str, str], float]) -> None:
        self.columns = [(owner, s) for owner, codes in sorted(allowed.items()) for s in codes]
        index = {c: i for i, c in enumerate(self.columns)}
        self.teams = teams
        self.owner_rows = [(teams[owner], [index[(owner, s)] for s in codes])
                           for owner, codes in sorted(allowed.items())]
        self.times: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        for t in targets:
            pairs = sorted((minutes[(s, t.tps_id)], index[(owner, s)])
                           for owner in (t.owner, POOL) if owner in allowed
                           for s in allowed[owner])
            self.times.append(np.array([p[0] for p in pairs]))
            self.cols.append(np.array([p[1] for p in pairs], dtype=np.int32))

    def solve(self, limit: float) -> tuple[int, dict[str, list[str]]]:
        nx, nt = len(self.columns), len(self.times)
        h = _highs()
        inf = highspy.kHighsInf
        ub = [float(self.teams[o]) for o, _ in self.columns] + [1.0] * nt
        cost = [0.0] * nx + [1.0] * nt
        h.addVars(nx + nt, np.zeros(nx + nt), np.array(ub))
        h.changeColsIntegrality(nx + nt, np.arange(nx + nt, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * (nx + nt)))
        h.changeColsCost(nx + nt, np.arange(nx + nt, dtype=np.int32), np.array(cost))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        lower: list[float] = []
        upper: list[float] = []
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for n, cols in self.owner_rows:
            lower.append(float(n))
            upper.append(float(n))
            starts.append(len(index))
            index += cols
            value += [1.0] * len(cols)
        for t in range(nt):
            k = int(np.searchsorted(self.times[t], limit, side="right"))
            lower.append(-inf)
            upper.append(0.0)
            starts.append(len(index))
            index += [nx + t, *self.cols[t][:k].tolist()]
            value += [1.0] + [-1.0] * k
        h.addRows(len(lower), np.array(lower), np.array(upper), len(index),
                  np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                  np.array(value))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"reserve staging MIP: {h.modelStatusToString(h.getModelStatus())}")
        solution = h.getSolution().col_value
        covered = round(sum(solution[nx:]))
        placement: dict[str, list[str]] = defaultdict(list)
        for i, (owner, s) in enumerate(self.columns):
            placement[owner] += [s] * round(solution[i])
        return covered, dict(placement)


def _round_robin(teams: Mapping[str, int], allowed: Mapping[str, list[str]]
                 ) -> dict[str, list[str]]:
    return {owner: [allowed[owner][i % len(allowed[owner])] for i in range(n)]
            for owner, n in teams.items() if n > 0 and allowed.get(owner)}
