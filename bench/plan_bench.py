"""Planning benchmark on the built-in Jambi scenario: PollGuard's planner against its targets.

Compares, in one run:

(a) ``make_plan`` (our planner; its plotting step is a min-cost flow over home bases),
(b) ``manual_plan`` (the manual baseline: N=10 everywhere, nearest officers, reserves at HQ),
(c) the same plotting model the way a typical analyst writes it: PuLP with its bundled CBC,
    one variable per eligible officer x post/duty pair, solved on exactly the posts, duties
    and available officers that (a)'s plotting step used.

(c) runs in a child process (its own session) watched from here: it is stopped when the
child and CBC together hold more than ``--pulp-memory-gib`` resident, or run past a hard wall
(CBC's own ``timeLimit`` is ``--pulp-time-limit``). Peak memory of (a) is measured in a fresh
child process too. Every figure is measured; a missed target is printed as MISSED and the exit
code stays 0.

    .venv/bin/python bench/plan_bench.py [--runs 5] [--skip-pulp]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import pickle
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from pollguard.domain.command import POOL
from pollguard.domain.forces import Rank
from pollguard.domain.plan import Plan, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.budget import allocate
from pollguard.planning.geometry import km as great_circle_km
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import (
    _bhabin,
    _demands,
    _supplies,
    make_plan,
    manual_plan,
    select_reserve,
)
from pollguard.planning.plotting import Demand, Plotting, Supply, plot
from pollguard.planning.roles import assign as assign_roles
from pollguard.planning.travel import GreatCircleTravel
from pollguard.profile import load_profile
from pollguard.risk.scoring import assess, inputs_of
from pollguard.scenario.jambi import build_jambi

MARK = "@@bench "  # prefix of the JSON lines a worker child reports on
GIB = 1024**3
UPDATE_SEED = 20241127
UPDATE_TPS = 50
TOP_SHARE = 0.10  # the riskiest share of kurang rawan TPS for the presence measure


# --- inputs and the planner's own steps -------------------------------------------------------


def jambi_inputs() -> PlanInputs:
    """The Jambi scenario, assessed under the default profile, as ``pollguard plan run`` sees
    it (services.planning): its races (walpri duties) and its remote TPS (slower travel)."""
    scenario = build_jambi()
    profile = load_profile()
    risks = {r.tps_id: r for r in assess(profile, inputs_of(scenario, scenario.info.voting_date))}
    planning = profile.planning
    remote_codes = set(planning.travel.remote_indicators)
    remote = frozenset(o.tps_id for o in scenario.observations
                       if o.indicator in remote_codes and o.value > 0)
    return PlanInputs(scenario, risks, planning, tuple(scenario.races), remote)


def fresh(inputs: PlanInputs, **changes: Any) -> PlanInputs:
    """A new PlanInputs over the same data (its cached lookups recomputed by whoever uses it)."""
    args = {"scenario": inputs.scenario, "risks": inputs.risks, "planning": inputs.planning,
            "races": inputs.races, "remote_tps": inputs.remote_tps,
            "classes": dict(inputs.classes)} | changes
    return PlanInputs(**args)


def plotting_problem(inputs: PlanInputs) -> tuple[list[Supply], list[Demand], float]:
    """The supplies and demands ``make_plan`` hands to its plotting step, rebuilt from the
    planner's own steps (roles, budget, reserve, Bhabinkamtibmas first), and the km of the
    Bhabinkamtibmas placed before the flow (the plan's travel includes them)."""
    book = assign_roles(inputs)
    budget = allocate(inputs, book.guards)
    _, available = select_reserve(inputs, book.guards, budget.reserve)
    pre, available = _bhabin(inputs, GreatCircleTravel(inputs.planning.travel), available,
                             budget.layout.posts)
    demands = _demands(budget.layout.posts, budget.duties, {t: len(v) for t, v in pre.items()})
    return (_supplies(inputs, available), demands,
            sum(km for sent in pre.values() for _, km in sent))


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    """Median wall seconds over ``runs`` calls, every time, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


# --- plan measures ----------------------------------------------------------------------------


def presence_top(inputs: PlanInputs, plan: Plan, share: float = TOP_SHARE) -> tuple[float, int]:
    """Mean officers per TPS at their post over the riskiest ``share`` of kurang rawan TPS
    (an uncovered TPS counts 0), and how many TPS that is."""
    kr = [t.tps_id for t in inputs.scenario.tps
          if inputs.class_of(t.tps_id) == RiskClass.KURANG_RAWAN]
    kr.sort(key=lambda t: (-inputs.score_of(t), t))
    top = kr[:max(1, math.ceil(len(kr) * share))]
    per_tps = {t: p.officers / len(p.tps_ids) for p in plan.posts for t in p.tps_ids}
    return statistics.fmean(per_tps.get(t, 0.0) for t in top), len(top)


def mean_plotted_km(plan: Plan) -> tuple[float, int]:
    km = [a.travel_km for a in plan.assignments if a.role in (Role.POST, Role.DUTY)]
    return (statistics.fmean(km) if km else 0.0), len(km)


def metric(plan: Plan, name: str) -> Any:
    assert plan.metrics is not None
    return getattr(plan.metrics, name)


# --- child processes --------------------------------------------------------------------------


def _status_bytes(pid: int, key: str) -> int:
    """A kB field of /proc/PID/status, in bytes (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _rss(pid: int) -> int:
    """Resident bytes of one process now."""
    return _status_bytes(pid, "VmRSS:")


def _group_rss(pgid: int) -> dict[int, int]:
    """Resident bytes of each process in process group ``pgid`` (the worker and its CBC)."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:
            out[int(name)] = _rss(int(name))
    return out


@dataclass
class ChildRun:
    reports: list[dict[str, Any]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    returncode: int | None = None
    stopped: str | None = None  # why we stopped it: "memory" or "wall"
    seconds: float = 0.0
    peak_rss: int = 0
    peak_at: float = 0.0  # seconds into the run
    peak_phase: str = "start"  # the worker's last report before the peak
    peak_worker: int = 0  # the worker process alone
    peak_others: int = 0  # its children (CBC) together


def run_child(args: Sequence[str], *, memory_cap: int, wall: float) -> ChildRun:
    """Run this script as a worker in its own session, watching its memory and time."""
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    out = ChildRun()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(MARK):
                out.reports.append(json.loads(line[len(MARK):]))
            else:
                out.log.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while proc.poll() is None:
        each = _group_rss(proc.pid)
        rss = sum(each.values())
        out.peak_worker = max(out.peak_worker, each.get(proc.pid, 0))
        out.peak_others = max(out.peak_others, rss - each.get(proc.pid, 0))
        elapsed = time.perf_counter() - t0
        if rss > out.peak_rss:
            out.peak_rss, out.peak_at = rss, elapsed
            out.peak_phase = out.reports[-1]["phase"] if out.reports else "start"
        if rss > memory_cap or elapsed > wall:
            out.stopped = "memory" if rss > memory_cap else "wall"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the worker's own group: it and its CBC
            proc.wait()
            break
        time.sleep(0.25)
    reader.join(timeout=5)
    out.returncode = proc.returncode
    out.seconds = time.perf_counter() - t0
    return out


def report(**values: Any) -> None:
    print(MARK + json.dumps(values), flush=True)


def worker_memory() -> None:
    """In a fresh process: build the inputs, plan once, report the peak resident memory."""
    inputs = jambi_inputs()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    resting = _rss(os.getpid())
    try:  # reset the kernel's high-water mark so that planning's own peak shows (Linux)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        reset = True
    except OSError:
        reset = False
    t0 = time.perf_counter()
    make_plan(inputs)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    planning_peak = _status_bytes(os.getpid(), "VmHWM:") if reset else None
    report(phase="memory", before=before, resting=resting, peak=peak,
           planning_peak=planning_peak, seconds=seconds)


def worker_pulp(problem: str, time_limit: int, relax: bool) -> None:
    """(c): the plotting model with one variable per eligible officer x demand, PuLP + CBC."""
    import pulp  # only the worker needs it

    with open(problem, "rb") as f:
        supplies, demands, travel_settings = pickle.load(f)
    travel = GreatCircleTravel(travel_settings)
    t0 = time.perf_counter()
    officers = [(nrp, i) for i, s in enumerate(supplies) for nrp in s.nrps]
    by_owner: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(demands):
        by_owner[d.owner].append(j)
    everything = list(range(len(demands)))
    km: dict[tuple[int, int], float] = {}  # per (base, demand): officers of a base share it

    def dist(i: int, j: int) -> float:
        if (i, j) not in km:
            s, d = supplies[i], demands[j]
            km[(i, j)] = travel.road_km(s.lat, s.lon, d.lat, d.lon)
        return km[(i, j)]

    cat = pulp.LpContinuous if relax else pulp.LpBinary
    prob = pulp.LpProblem("plotting", pulp.LpMinimize)
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    of_officer: list[list[pulp.LpVariable]] = []
    of_demand: list[list[pulp.LpVariable]] = [[] for _ in demands]
    objective = []
    step = 500_000
    for k, (_nrp, i) in enumerate(officers):
        eligible = everything if supplies[i].owner == POOL else by_owner[supplies[i].owner]
        mine = []
        for j in eligible:
            v = pulp.LpVariable(f"x_{k}_{j}", lowBound=0, upBound=1, cat=cat)
            x[(k, j)] = v
            mine.append(v)
            of_demand[j].append(v)
            objective.append((v, dist(i, j)))
            if len(x) % step == 0:
                report(phase="building", variables=len(x), seconds=time.perf_counter() - t0)
        of_officer.append(mine)
    prob += pulp.LpAffineExpression(objective)
    for k, mine in enumerate(of_officer):
        prob += pulp.lpSum(mine) <= 1, f"officer_{k}"
    for j, d in enumerate(demands):
        prob += pulp.lpSum(of_demand[j]) == d.officers, f"demand_{j}"
    build = time.perf_counter() - t0
    report(phase="built", variables=len(x), rows=len(officers) + len(demands),
           nonzeros=2 * len(x), officers=len(officers), demands=len(demands),
           category="continuous" if relax else "binary", seconds=build,
           rss=_rss(os.getpid()))
    del objective
    t1 = time.perf_counter()
    status = prob.solve(pulp.PULP_CBC_CMD(msg=True, timeLimit=time_limit))
    solve = time.perf_counter() - t1
    value = pulp.value(prob.objective)
    filled = [0] * len(demands)
    used = [0.0] * len(officers)
    for (k, j), v in x.items():
        if (v.varValue or 0.0) > 0.5:
            filled[j] += 1
            used[k] += 1
    ok = (all(f == d.officers for f, d in zip(filled, demands, strict=True))
          and all(u <= 1 for u in used))
    integral = all(min(abs(v.varValue or 0.0), abs(1 - (v.varValue or 0.0))) < 1e-6
                   for v in x.values())
    report(phase="solved", status=pulp.LpStatus[status],
           solution=pulp.LpSolution.get(prob.sol_status, str(prob.sol_status)),
           objective=value, feasible=ok, integral=integral,
           build_seconds=build, solve_seconds=solve,
           seconds=build + solve)


# --- the table --------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    ours: str
    reference: str
    target: str
    ratio: str
    verdict: str  # OK, MISSED, or a note


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("OK" if ok else "MISSED")


def mb(n: float) -> str:
    return f"{n / 1024**2:,.0f} MB"


CBC_PATTERNS = {
    "lp_value": r"Continuous objective value is ([-+.\deE]+) - ([.\d]+) seconds",
    "lower_bound": r"Lower bound:\s+([-+.\deE]+)",
    "lp_optimal": r"Optimal objective ([-+.\deE]+) - \d+ iterations time ([.\d]+)",
    "result": r"Result - (.+)",
    "cbc_wall": r"Total time \(CPU seconds\):\s+[.\d]+\s+\(Wallclock seconds\):\s+([.\d]+)",
}


def parse_cbc(log: Sequence[str]) -> dict[str, Any]:
    """What CBC's own log says it reached."""
    out: dict[str, Any] = {}
    for line in log:
        for key, pattern in CBC_PATTERNS.items():
            m = re.search(pattern, line)
            if m:
                out[key] = m.group(1).strip()
                if key in ("lp_value", "lp_optimal"):  # a MIP's root LP, or a plain LP
                    out["lp_value"], out["lp_seconds"] = m.group(1), float(m.group(2))
    return out


def pulp_rows(run: ChildRun | None, plot_s: float, bound_km: float, time_limit: int,
              memory_cap: int, notes: list[str]) -> list[Row]:
    """Rows for (c): the speed ratio and the agreement of the two optima."""
    speed, agree = ("Plotting step time: (a) median vs (c) PuLP/CBC once",
                    "Plotting optimum: (a) flow vs (c) PuLP/CBC")
    if run is None:
        return [Row(speed, f"{plot_s:.3f} s", "skipped (--skip-pulp)", ">= 20x", "-",
                    "not measured"),
                Row(agree, f"{bound_km:,.1f} km", "skipped", "within 0.1%", "-",
                    "not measured")]
    built = next((r for r in run.reports if r["phase"] == "built"), None)
    solved = next((r for r in run.reports if r["phase"] == "solved"), None)
    progress = [r for r in run.reports if r["phase"] == "building"]
    cbc = parse_cbc(run.log)
    if built:
        notes.append(f"(c) model: {built['variables']:,} {built['category']} variables (one per "
                     f"eligible officer x post/duty: {built['officers']:,} officers, "
                     f"{built['demands']:,} posts and duties), {built['rows']:,} rows, "
                     f"{built['nonzeros']:,} nonzeros; built in {built['seconds']:.1f} s, the "
                     f"worker {mb(built['rss'])} resident after building")
    elif progress:
        last = progress[-1]
        notes.append(f"(c) reached {last['variables']:,} variables in {last['seconds']:.1f} s "
                     f"before it stopped")
    notes.append(f"(c) child process ran {run.seconds:.1f} s wall; peak {mb(run.peak_rss)} "
                 f"resident (worker + CBC) at {run.peak_at:.0f} s, after the "
                 f"'{run.peak_phase}' report (peaks apart: the Python worker "
                 f"{mb(run.peak_worker)}, CBC {mb(run.peak_others)}); memory cap {mb(memory_cap)}")
    if solved:
        notes.append(f"(c) PuLP status {solved['status']} ({solved['solution']}); build "
                     f"{solved['build_seconds']:.1f} s + prob.solve (MPS write, CBC, read back) "
                     f"{solved['solve_seconds']:.1f} s; the values returned meet every demand "
                     f"with each officer at most once: {solved['feasible']}, all 0/1: "
                     f"{solved['integral']}")
    if cbc:
        lp = (f"LP relaxation {float(cbc['lp_value']):,.2f} after {cbc['lp_seconds']:.0f} s"
              if "lp_value" in cbc else "no LP relaxation reported")
        notes.append(f"(c) CBC log: {lp}; result '{cbc.get('result', '?')}'; lower bound "
                     f"{cbc.get('lower_bound', '?')}; CBC wall {cbc.get('cbc_wall', '?')} s "
                     f"(timeLimit {time_limit} s)")
    tail = [line for line in run.log if line.strip()][-6:]
    if tail and (run.stopped or not solved):
        notes.append("(c) last CBC/worker output:\n      " + "\n      ".join(tail))

    finished = bool(solved and solved["status"] == "Optimal")
    if finished:
        assert solved is not None
        ratio = solved["seconds"] / plot_s
        rows = [Row(speed, f"{plot_s:.3f} s", f"{solved['seconds']:.1f} s", ">= 20x",
                    f"{ratio:,.0f}x", verdict(ratio >= 20))]
    else:
        if run.stopped == "memory":
            why = f"stopped above {mb(memory_cap)} resident"
        elif run.stopped == "wall":
            why = f"stopped at the {run.seconds:.0f} s hard wall"
        elif solved:
            why = f"CBC: {cbc.get('result', solved['status'])}"
            if cbc.get("lp_seconds", 0) > time_limit:
                why += f"; its root LP alone took {cbc['lp_seconds']:.0f} s > timeLimit"
        else:
            why = f"worker exited {run.returncode}"
        reached = solved["seconds"] if solved else run.seconds
        ratio = reached / plot_s
        rows = [Row(speed, f"{plot_s:.3f} s", f">= {reached:.0f} s, unfinished ({why})",
                    ">= 20x", f">= {ratio:,.0f}x", verdict(ratio >= 20) + " (lower bound)")]
    # Agreement: the solution (c) returned if it is a valid 0/1 plotting, else CBC's LP bound.
    if solved and solved["objective"] is not None and solved["feasible"] and solved["integral"]:
        value, what = solved["objective"], f"0/1 values read back ({solved['status']})"
    elif "lower_bound" in cbc:
        value, what = float(cbc["lower_bound"]), "CBC lower bound"
    elif "lp_value" in cbc:
        value, what = float(cbc["lp_value"]), "CBC LP relaxation"
    else:
        rows.append(Row(agree, f"{bound_km:,.1f} km", "no solution or bound", "within 0.1%",
                        "-", "not validated"))
        return rows
    gap = abs(value - bound_km) / bound_km
    rows.append(Row(agree, f"{bound_km:,.1f} km", f"{value:,.1f} km, {what}", "within 0.1%",
                    f"{gap:.4%} apart", verdict(gap <= 0.001)))
    return rows


def update_rows(inputs: PlanInputs, ours: Plan, runs: int, notes: list[str]) -> list[Row]:
    """``plan update`` after reclassifying 50 random TPS, if the planner has update_plan."""
    try:
        from pollguard.planning import update
    except ImportError as e:
        notes.append(f"plan update: {e}")
        return [Row("plan update, 50 TPS reclassified", "not measured: update_plan not "
                    "available", "-", "-", "-", "not measured")]
    if not hasattr(update, "update_plan"):
        return [Row("plan update, 50 TPS reclassified", "not measured: update_plan not "
                    "available", "-", "-", "-", "not measured")]
    rng = random.Random(UPDATE_SEED)
    ids = rng.sample(sorted(t.tps_id for t in inputs.scenario.tps), UPDATE_TPS)
    choices = (RiskClass.KURANG_RAWAN, RiskClass.RAWAN, RiskClass.SANGAT_RAWAN)
    classes = dict(inputs.classes)
    for t in ids:
        classes[t] = rng.choice([c for c in choices if c != inputs.class_of(t)])
    changed = fresh(inputs, classes=classes)
    try:
        up_s, _, (updated, moved) = timed(lambda: update.update_plan(fresh(changed), ours), runs)
    except Exception as e:  # the module is young: report, do not crash the benchmark
        notes.append(f"plan update: update_plan raised {type(e).__name__}: {e}")
        return [Row("plan update, 50 TPS reclassified", "not measured: update_plan failed",
                    f"{type(e).__name__}", "-", "-", "not measured")]
    scratch_s, _, scratch = timed(lambda: make_plan(fresh(changed)), 1)
    if hasattr(update, "moves"):
        scratch_moved = len(update.moves(ours, scratch))
    else:
        was = {a.nrp: a.target_id for a in ours.assignments}
        scratch_moved = sum(1 for a in scratch.assignments if was.get(a.nrp) != a.target_id)
    plotted = sum(1 for a in ours.assignments if a.role in (Role.POST, Role.DUTY))
    notes.append(f"plan update: seed {UPDATE_SEED}, {UPDATE_TPS} TPS reclassified; update "
                 f"uncovered {metric(updated, 'uncovered_tps')}, {len(moved)} officers moved "
                 f"of {plotted} plotted; a from-scratch make_plan moves {scratch_moved}")
    officers = len(ours.assignments)
    share = len(moved) / officers if officers else 0.0
    return [Row(f"plan update time (median of {runs})", f"{up_s:.2f} s",
                f"{scratch_s:.2f} s from scratch", "< 1 s", f"{up_s:.2f} of target",
                "OK" if up_s < 1.0 else "MISSED"),
            Row("plan update: officers moved", f"{len(moved):,} ({share:.1%} of {officers:,})",
                f"{scratch_moved:,} from scratch", "<= 5% of officers",
                f"{len(moved) / scratch_moved:.2f}x of scratch" if scratch_moved else "-",
                "OK" if share <= 0.05 else "MISSED")]


def command_rows(inputs: PlanInputs, plan: Plan) -> list[Row]:
    """The doctrine's roles: no perwira and no command or staff at a TPS; every post under a
    Pawas within the profile's radius."""
    officer = {o.nrp: o for o in inputs.scenario.officers}
    at_tps = [a for a in plan.assignments if a.role == Role.POST]
    perwira = Counter(officer[a.nrp].rank.label for a in at_tps
                      if officer[a.nrp].rank >= Rank.IPDA)
    command = {a.nrp for a in plan.assignments if a.role == Role.COMMAND}
    roles = inputs.planning.roles
    where = {p.post_id: p for p in plan.posts}
    of_post = {p: c for c in plan.supervisions for p in c.post_ids}
    within = 0
    for post in plan.posts:
        c = of_post.get(post.post_id)
        if c is None or c.nrp is None:
            continue
        radius = (roles.pawas_radius_km_city if inputs.is_city(c.kecamatan_code)
                  else roles.pawas_radius_km_rural)
        if great_circle_km(c.lat, c.lon, where[post.post_id].lat,
                           where[post.post_id].lon) <= radius + 1e-6:
            within += 1
    n_posts = len(plan.posts)
    teams = len(plan.reserves)
    led = sum(1 for t in plan.reserves if t.leader_nrp and officer[t.leader_nrp].rank.is_perwira)
    return [
        Row("Perwira at TPS guard posts", f"{sum(perwira.values())}",
            ", ".join(f"{k} {v}" for k, v in perwira.most_common()) or "none", "0", "-",
            verdict(not perwira)),
        Row("Command and staff at TPS", f"{sum(1 for a in at_tps if a.nrp in command)}",
            f"{len(command):,} in command/staff", "0", "-",
            verdict(not any(a.nrp in command for a in at_tps))),
        Row("Posts with a Pawas within the profile's radius", f"{within:,} of {n_posts:,}",
            f"{len(plan.supervisions):,} Pawas, <= {roles.pawas_max_posts} posts each",
            "every post", f"{within / n_posts:.2%}" if n_posts else "-",
            verdict(within == n_posts)),
        Row("Reserve teams led by a perwira Danton", f"{led} of {teams}", "-", "every team",
            "-", verdict(led == teams)),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per median (default 5)")
    ap.add_argument("--skip-pulp", action="store_true", help="do not run (c), PuLP + CBC")
    ap.add_argument("--pulp-time-limit", type=int, default=300,
                    help="CBC timeLimit for (c), seconds (default 300)")
    ap.add_argument("--pulp-memory-gib", type=float, default=10.0,
                    help="stop (c) above this resident memory, GiB (default 10)")
    ap.add_argument("--pulp-continuous", action="store_true",
                    help="(c) with continuous 0..1 variables instead of binary")
    ap.add_argument("--worker", choices=("memory", "pulp"), help=argparse.SUPPRESS)
    ap.add_argument("--problem", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker == "memory":
        worker_memory()
        return
    if args.worker == "pulp":
        worker_pulp(args.problem, args.pulp_time_limit, args.pulp_continuous)
        return

    memory_cap = int(args.pulp_memory_gib * GIB)
    runs = max(1, args.runs)
    console = Console(width=150)
    notes: list[str] = []
    t0 = time.perf_counter()
    inputs = jambi_inputs()
    notes.append(f"inputs: Jambi, {len(inputs.scenario.tps):,} TPS, "
                 f"{len(inputs.scenario.officers):,} officers; scenario + risk assessment "
                 f"built in {time.perf_counter() - t0:.1f} s (not part of the plan time)")
    travel = GreatCircleTravel(inputs.planning.travel)

    console.print(f"[bold]planning (a) x {runs}, baseline (b) ...[/bold]")
    plan_s, plan_times, ours = timed(lambda: make_plan(fresh(inputs)), runs)
    base_s, _, base = timed(lambda: manual_plan(fresh(inputs)), runs)
    notes.append("(a) make_plan runs: " + ", ".join(f"{t:.2f}" for t in plan_times) + " s "
                 "(each on a fresh PlanInputs)")

    console.print("[bold]peak memory of (a) in a fresh process ...[/bold]")
    mem = run_child(["--worker", "memory"], memory_cap=8 * GIB, wall=600)
    mem_report = next((r for r in mem.reports if r["phase"] == "memory"), None)

    supplies, demands, pre_km = plotting_problem(fresh(inputs))
    plot_s, _, plotting = timed(lambda: plot(supplies, demands, travel), runs)
    assert isinstance(plotting, Plotting)
    if abs(plotting.cost_km + pre_km - metric(ours, "travel_km_total")) > 0.1:
        notes.append(f"WARNING: rebuilt plotting costs {plotting.cost_km + pre_km:,.1f} km but "
                     f"the plan says {metric(ours, 'travel_km_total'):,.1f} km: the steps "
                     "differ")
    else:
        notes.append(f"plotting problem rebuilt from the planner's steps: {len(supplies)} "
                     f"bases, {sum(len(s.nrps) for s in supplies):,} officers, {len(demands):,} "
                     f"posts and duties needing {sum(d.officers for d in demands):,}; "
                     f"{plotting.arcs:,} arcs; cost matches the plan's "
                     f"{metric(ours, 'travel_km_total'):,.1f} km")

    pulp_run = None
    if not args.skip_pulp:
        console.print(f"[bold](c) PuLP + CBC, timeLimit {args.pulp_time_limit} s, memory cap "
                      f"{args.pulp_memory_gib:g} GiB ...[/bold]")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "problem.pkl")
            with open(path, "wb") as f:
                pickle.dump((supplies, demands, inputs.planning.travel), f)
            extra = ["--pulp-continuous"] if args.pulp_continuous else []
            pulp_run = run_child(["--worker", "pulp", "--problem", path, "--pulp-time-limit",
                                  str(args.pulp_time_limit), *extra],
                                 memory_cap=memory_cap,
                                 wall=3 * args.pulp_time_limit + 300)

    console.print("[bold]plan update ...[/bold]")
    rows: list[Row] = [
        Row(f"Whole Jambi plan, make_plan wall time (median of {runs})", f"{plan_s:.2f} s",
            f"baseline {base_s:.2f} s (median of {runs})", "<= 2.5x baseline",
            f"{plan_s / base_s:.2f}x", verdict(plan_s <= 2.5 * base_s)),
    ]
    rows += command_rows(inputs, ours)
    if mem_report:
        peak = mem_report["peak"]
        rows.append(Row("Peak memory, fresh process (inputs + one make_plan)", mb(peak),
                        f"inputs alone {mb(mem_report['before'])}", "<= 1 GB (1,024 MB)",
                        f"{peak / GIB:.2f} of target", verdict(peak <= GIB)))
        if mem_report["planning_peak"]:
            notes.append(f"memory: {mb(mem_report['resting'])} resident once the inputs were "
                         f"built; peak while make_plan ran (high-water mark reset first) "
                         f"{mb(mem_report['planning_peak'])}; whole-process peak {mb(peak)}")
    else:
        rows.append(Row("Peak memory, fresh process", "not measured",
                        f"child exited {mem.returncode}", "<= 1 GB", "-", "not measured"))
        notes.append("memory child output:\n      " + "\n      ".join(mem.log[-8:]))
    gap = metric(ours, "gap")
    rows.append(Row("Plotting gap to the LP bound", f"{gap:.4%}",
                    f"bound {metric(ours, 'lp_bound_km'):,.1f} km", "<= 0.5%",
                    f"{metric(ours, 'travel_km_total'):,.1f} km", verdict(gap <= 0.005)))
    rows += pulp_rows(pulp_run, plot_s, plotting.bound_km, args.pulp_time_limit, memory_cap,
                      notes)

    force_a, force_b = len(ours.assignments), len(base.assignments)
    rows.append(Row("Same force: officers placed (post + duty + reserve)", f"{force_a:,}",
                    f"{force_b:,}", "equal", "-", verdict(force_a == force_b)))
    unc_a, unc_b = metric(ours, "uncovered_tps"), metric(base, "uncovered_tps")
    rows.append(Row("Uncovered TPS", f"{unc_a}", f"{unc_b}", "0 (every TPS covered)", "-",
                    verdict(unc_a == 0) + ("" if unc_b == 0 else " (baseline leaves some)")))
    pres_a, n_top = presence_top(inputs, ours)
    pres_b, _ = presence_top(inputs, base)
    rows.append(Row(f"Presence at riskiest 10% kurang rawan ({n_top} TPS), officers/TPS",
                    f"{pres_a:.3f}", f"{pres_b:.3f}", ">= 1.30x baseline",
                    f"{pres_a / pres_b:.2f}x" if pres_b else "-",
                    verdict(pres_a >= 1.30 * pres_b)))
    eta_a, eta_b = metric(ours, "reserve_eta_p95_min"), metric(base, "reserve_eta_p95_min")
    rows.append(Row("Reserve p95 travel time to rawan + sangat rawan TPS", f"{eta_a:.1f} min",
                    f"{eta_b:.1f} min", "<= 0.75x baseline",
                    f"{eta_a / eta_b:.2f}x" if eta_b else "-", verdict(eta_a <= 0.75 * eta_b)))
    km_a, n_a = mean_plotted_km(ours)
    km_b, n_b = mean_plotted_km(base)
    rows.append(Row("Mean travel per plotted officer (post + duty)", f"{km_a:.2f} km ({n_a:,})",
                    f"{km_b:.2f} km ({n_b:,})", "<= baseline",
                    f"{km_a / km_b:.2f}x" if km_b else "-", verdict(km_a <= km_b)))
    rows += update_rows(inputs, ours, runs, notes)

    table = Table(title="PollGuard planning benchmark: Jambi "
                  "(a = make_plan, b = manual_plan baseline, c = PuLP/CBC per officer)",
                  show_lines=False)
    for name in ("Measure", "(a) ours", "reference (b or c)", "target", "ratio", "verdict"):
        table.add_column(name, overflow="fold")
    for r in rows:
        style = "bold red" if r.verdict.startswith("MISSED") else (
            "green" if r.verdict.startswith("OK") else "yellow")
        table.add_row(r.measure, r.ours, r.reference, r.target, r.ratio,
                      f"[{style}]{r.verdict}[/{style}]")
    console.print(table)
    for n in notes:
        console.print(f"  - {n}", highlight=False, markup=False)
    missed = [r.measure for r in rows if r.verdict.startswith("MISSED")]
    console.print(f"MISSED: {len(missed)} target(s): " + "; ".join(missed) if missed
                  else "All measured targets met.", markup=False, highlight=False)


if __name__ == "__main__":
    main()
