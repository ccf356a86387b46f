"""National plan benchmark: every Polda of Indonesia built, assessed and planned, once with
``--engine local`` (one process, one Polda after another) and once on Ray (a local Ray on
this machine's cores, start-up included), on the same recipes in the same run.

Targets (the national issue), on this 2-core machine:
  * the 435,296-TPS plan (Pilkada 2024) in at most 60 s and 8 GB peak memory;
  * the 820,161-TPS plan (Pemilu 2024) in at most 120 s.

Peak memory is sampled every 0.2 s as the resident memory of this process and all of its
children (the Ray workers, raylet and GCS included), so it is what the machine must hold.
Per Polda it prints where the time goes (build, risk, plan), and from the task times it
projects the wall time on more cores: max(longest Polda, total work / cores) + Ray start-up.

    .venv/bin/python bench/national_bench.py                # 435,296 TPS, local and Ray
    .venv/bin/python bench/national_bench.py --tps 820161   # Pemilu scale
    .venv/bin/python bench/national_bench.py --engines ray --cpus 16   # on a bigger machine
    .venv/bin/python bench/national_bench.py --geo ../shared/data/indonesia_kabkota_centroids.csv
    .venv/bin/python bench/national_bench.py --engines local --split-share 0.1  # Polres tasks
    .venv/bin/python bench/national_bench.py --split-share 0.1 --rounds 3 \
        --counts ../shared/data/indonesia_kecamatan_centroids.csv  # real Pemilu counts, medians

It also prints the longest task's share of the summed work: what bounds the wall time on
many cores (a split Polda's parts count as tasks of their own).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from pollguard.national.engines import Engine, LocalEngine, RayEngine
from pollguard.national.polda import PoldaResult
from pollguard.profile import dump_profile, load_profile
from pollguard.scenario.indonesia import (
    PILKADA_2024_TPS,
    national_recipes,
    read_counts,
    read_kabkota_centroids,
)

GB = 1024**3
TARGETS = {PILKADA_2024_TPS: (60.0, 8.0), 820_161: (120.0, 8.0)}


class PeakMemory:
    """The peak resident memory of this process tree, sampled in a thread."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._tree_rss())


@dataclass
class Run:
    engine: str
    wall: float = 0.0
    peak_gb: float = 0.0
    results: list[PoldaResult] = field(default_factory=list)
    #: Every task's (Polda, part, seconds): a split Polda's parts one by one.
    tasks: list[tuple[str, str, float]] = field(default_factory=list)
    split_share: float | None = None


def run(engine: Engine, tps: int | None, seed: int, geo: Path | None,
        split_share: float | None = None, counts: Path | None = None) -> Run:
    out = Run(engine.name, split_share=split_share)
    toml = dump_profile(load_profile(None))
    started = time.perf_counter()
    with PeakMemory() as memory:
        points = read_kabkota_centroids(geo) if geo else None
        real = read_counts(counts) if counts else None
        recipes = national_recipes(tps, seed=seed, geo=points, counts=real)
        for result in engine.run(recipes, profile_toml=toml):
            out.results.append(result)
            out.tasks += [(result.name, f"part {k + 1}/{result.parts}" if result.parts > 1
                           else "whole", seconds)
                          for k, seconds in enumerate(result.task_seconds
                                                      or (sum(result.seconds.values()),))]
            print(f"  [{engine.name}] {result.province_code} {result.name:<28} "
                  f"{result.tps:>7,} TPS  build {result.seconds.get('build', 0):5.1f} s  "
                  f"risk {result.seconds.get('risk', 0):5.1f} s  "
                  f"plan {result.seconds.get('plan', 0):5.1f} s  "
                  + (f"{len(result.uncovered):,} TPS without posts (BKO from Mabes "
                     f"{result.bko_needed:,})  " if result.uncovered else "")
                  + f"{'ok' if result.ok else result.error}", flush=True)
    out.wall = time.perf_counter() - started
    out.peak_gb = memory.peak / GB
    return out


def ray_startup(cpus: int) -> float:
    """Seconds from ``ray.init`` until two workers have imported the planner: what every Ray
    run pays before its first task (measured apart, since a split Polda's first result comes
    only when all its parts are done)."""
    import ray

    started = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             configure_logging=False)

    @ray.remote
    def warm() -> None:
        import pollguard.national.polda  # noqa: F401

    ray.get([warm.remote() for _ in range(cpus)])
    seconds = time.perf_counter() - started
    ray.shutdown()
    return seconds


def report(runs: list[Run], tps: int, cpus: int, startup: float = 3.0) -> None:
    limit_s, limit_gb = TARGETS.get(tps, (60.0 * tps / PILKADA_2024_TPS, 8.0))
    print()
    print(f"National plan, {tps:,} TPS, {os.cpu_count()} cores here "
          f"(Ray given {cpus} CPUs); targets: <= {limit_s:.0f} s, <= {limit_gb:.0f} GB")
    print(f"{'engine':<8}{'wall s':>9}{'target':>9}{'ratio':>8}{'peak GB':>9}{'ratio':>8}"
          f"{'Polda ok':>10}{'TPS':>10}{'uncovered':>11}  verdict")
    for r in runs:
        ok = [x for x in r.results if x.ok]
        verdict = "PASS" if r.wall <= limit_s and r.peak_gb <= limit_gb and len(ok) == len(
            r.results) else "FAIL"
        print(f"{r.engine:<8}{r.wall:>9.1f}{limit_s:>9.0f}{r.wall / limit_s:>8.2f}"
              f"{r.peak_gb:>9.2f}{r.peak_gb / limit_gb:>8.2f}{len(ok):>6}/{len(r.results):<3}"
              f"{sum(x.tps for x in ok):>10,}{sum(len(x.uncovered) for x in ok):>11,}  {verdict}")
    if len(runs) == 2:
        a, b = runs
        print(f"{b.engine} vs {a.engine}: {a.wall / b.wall:.2f}x faster "
              f"(wall {b.wall:.1f} s vs {a.wall:.1f} s)")
        same = sum(1 for x, y in zip(sorted(a.results, key=lambda r: r.province_code),
                                     sorted(b.results, key=lambda r: r.province_code),
                                     strict=True) if x.digest == y.digest)
        print(f"identical Polda plans between the engines: {same} of {len(a.results)}")
    base = runs[0]
    stages = {s: sum(x.seconds.get(s, 0.0) for x in base.results) for s in ("build", "risk",
                                                                              "split", "plan")}
    work = sum(stages.values())
    print(f"where the time goes ({base.engine}, sum over Polda): "
          + ", ".join(f"{s} {v:.1f} s ({v / work:.0%})" for s, v in stages.items()))
    per_tps = [sum(x.seconds.values()) / x.tps * 1000 for x in base.results if x.ok and x.tps]
    longest = max(base.results, key=lambda x: sum(x.seconds.values()))
    median = statistics.median(sum(x.seconds.values()) for x in base.results)
    print(f"per Polda: median {median:.2f} s, "
          f"longest {longest.name} {sum(longest.seconds.values()):.1f} s for {longest.tps:,} TPS; "
          f"{statistics.median(per_tps):.3f} ms of CPU per TPS (median)")
    task = max(base.tasks, key=lambda t: t[2]) if base.tasks else None
    if task:
        summed = sum(t[2] for t in base.tasks)
        print(f"longest task: {task[0]} {task[1]} {task[2]:.1f} s = {task[2] / summed:.1%} of "
              f"the summed work {summed:.1f} s ({len(base.tasks)} tasks; split share "
              f"{base.split_share or 'none'})")
    floor = task[2] if task else sum(longest.seconds.values())
    print("projected wall time on more cores (max(longest task, work / cores) + Ray start-up "
          f"{max(startup, 0):.1f} s):")
    for cores in (2, 4, 8, 16, 32, 64):
        projected = max(floor, work / cores) + max(startup, 0)
        print(f"  {cores:>3} cores: {projected:6.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tps", type=int, default=PILKADA_2024_TPS)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engines", default="local,ray", help="comma-separated: local, ray")
    parser.add_argument("--geo", type=Path, default=None,
                        help="real kab/kota centroids (indonesia_kabkota_centroids.csv)")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 2,
                        help="CPUs for the local Ray")
    parser.add_argument("--counts", type=Path, default=None,
                        help="real TPS counts per kecamatan or desa "
                             "(indonesia_kecamatan_centroids.csv): a Pemilu keeps them exactly "
                             "(--tps is then their sum)")
    parser.add_argument("--split-share", type=float, default=None,
                        help="split a Polda above this share of the TPS into Polres tasks "
                             "(e.g. 0.1; default: one task per Polda)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the engines this many times, alternating which goes first, "
                             "and report the medians (the machine's speed drifts)")
    args = parser.parse_args()
    names = args.engines.split(",")
    rounds: list[list[Run]] = []
    startup = 3.0  # a typical local Ray start, when no Ray run is measured
    with tempfile.TemporaryDirectory() as home:
        os.environ["HOME"] = home  # Ray writes its token and sessions under HOME
        if "ray" in names:
            startup = ray_startup(args.cpus)
            print(f"Ray start-up (ray.init and {args.cpus} workers importing the planner): "
                  f"{startup:.1f} s", flush=True)
        for k in range(args.rounds):
            order = names if k % 2 == 0 else list(reversed(names))
            runs = {}
            for name in order:
                engine: Engine = (LocalEngine(split_share=args.split_share) if name == "local"
                                  else RayEngine(num_cpus=args.cpus,
                                                 split_share=args.split_share))
                print(f"== round {k + 1}: {name}", flush=True)
                runs[name] = run(engine, None if args.counts else args.tps, args.seed,
                                 args.geo, args.split_share, args.counts)
            rounds.append([runs[n] for n in names])
    last = rounds[-1]
    tps = sum(r.tps for r in last[0].results) if args.counts else args.tps
    report(last, tps, args.cpus, startup)
    if len(rounds) > 1:
        print(f"\nover {len(rounds)} rounds (alternating which engine went first):")
        for i, name in enumerate(names):
            walls = [r[i].wall for r in rounds]
            print(f"  {name:<6} wall median {statistics.median(walls):6.1f} s  "
                  f"(each: {', '.join(f'{w:.1f}' for w in walls)})")
        if len(names) == 2:
            ratios = [r[1].wall / r[0].wall for r in rounds]
            print(f"  {names[1]} / {names[0]} wall: median {statistics.median(ratios):.2f} "
                  f"(each: {', '.join(f'{x:.2f}' for x in ratios)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
