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

from pollguard.planning.inputs import POOL

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
               for owner in teams if teams[owner] > 0}
    if not targets or not allowed:
        return _fallback(teams, own_sites, site_by_code)
    times = sorted({minutes[(s, t.tps_id)] for t in targets for owner in (t.owner, POOL)
                    if owner in allowed for s in allowed[owner]})
    need = math.ceil(COVERAGE * len(targets))
    lo, hi = 0, len(times) - 1
    best: dict[str, list[str]] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        covered, placement = _cover(times[mid], teams, allowed, targets, minutes)
        if covered >= need:
            best, hi = placement, mid - 1
        else:
            lo = mid + 1
    if best is None:  # even the longest time leaves TPS uncovered (a Polres with no team)
        best = _cover(times[-1], teams, allowed, targets, minutes)[1]
    return best


def _cover(limit: float, teams: Mapping[str, int], allowed: Mapping[str, list[str]],
           targets: Sequence[Target], minutes: Mapping[tuple[str, str], float]
           ) -> tuple[int, dict[str, list[str]]]:
    h = _highs()
    x = {(owner, s): h.addVariable(lb=0, ub=teams[owner], type=highspy.HighsVarType.kInteger)
         for owner, codes in allowed.items() for s in codes}
    for owner, codes in allowed.items():
        h.addConstr(sum(x[(owner, s)] for s in codes) == teams[owner])
    z = []
    for t in targets:
        reach = [x[(owner, s)] for owner in (t.owner, POOL) if owner in allowed
                 for s in allowed[owner] if minutes[(s, t.tps_id)] <= limit]
        if not reach:
            continue
        zt = h.addBinary()
        h.addConstr(zt <= sum(reach))
        z.append(zt)
    if not z:
        return 0, _round_robin(teams, allowed)
    h.maximize(sum(z))
    covered = round(sum(h.val(v) for v in z))
    placement: dict[str, list[str]] = defaultdict(list)
    for (owner, s), var in sorted(x.items()):
        placement[owner] += [s] * round(h.val(var))
    return covered, dict(placement)


def _round_robin(teams: Mapping[str, int], allowed: Mapping[str, list[str]]
                 ) -> dict[str, list[str]]:
    return {owner: [allowed[owner][i % len(allowed[owner])] for i in range(n)]
            for owner, n in teams.items() if n > 0 and allowed.get(owner)}


def _fallback(teams: Mapping[str, int], own_sites: Mapping[str, list[str]],
              site_by_code: Mapping[str, Site]) -> dict[str, list[str]]:
    allowed = {owner: (list(site_by_code) if owner == POOL else list(own_sites[owner]))
               for owner in teams}
    return _round_robin(teams, allowed)
