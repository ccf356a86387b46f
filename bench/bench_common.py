"""What the benchmarks share: the ``pollguard`` command next to this interpreter, a free local
port, the Jambi demo built into a database, nearest-rank percentiles, and the results table
(figure, value, baseline, target, ratio, verdict)."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table


def pollguard_command() -> str:
    """The ``pollguard`` console script of the interpreter running this benchmark."""
    script = Path(sys.executable).parent / "pollguard"
    if not script.exists():
        raise SystemExit(f"no pollguard console script next to {sys.executable}: "
                         f"install the project in this environment (pip install -e .)")
    return str(script)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:,.1f} ms"


def child_env(home: Path) -> dict[str, str]:
    """The environment of the commands a benchmark starts: no colour, its own HOME."""
    return {**os.environ, "CI": "true", "HOME": str(home), "NO_COLOR": "1"}


def build_demo(tmp: Path, db_url: str, env: dict[str, str]) -> tuple[float, str]:
    """``pollguard demo --no-serve`` in ``tmp`` (documents go to ./out there): (seconds, what
    it printed)."""
    t0 = time.perf_counter()
    done = subprocess.run([pollguard_command(), "--db", db_url, "demo", "--no-serve"],
                          cwd=tmp, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    (tmp / "demo.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"pollguard demo exited {done.returncode}:\n"
                           + "\n".join((done.stdout + done.stderr).splitlines()[-20:]))
    return seconds, done.stdout


@dataclass
class Row:
    figure: str
    value: str
    reference: str
    target: str
    ratio: str
    verdict: str  # PASS, FAIL, info, or not measured


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("PASS" if ok else "FAIL")


def print_table(console: Console, rows: list[Row], notes: list[str], title: str) -> None:
    table = Table(title=title, show_lines=False)
    for name in ("Figure", "value", "reference / baseline", "target", "value/target",
                 "verdict"):
        table.add_column(name, overflow="fold")
    for r in rows:
        style = ("bold red" if r.verdict.startswith(("FAIL", "not")) else
                 "green" if r.verdict.startswith("PASS") else "yellow")
        table.add_row(r.figure, r.value, r.reference, r.target, r.ratio,
                      f"[{style}]{r.verdict}[/{style}]")
    console.print(table)
    for n in notes:
        console.print(f"  - {n}", highlight=False, markup=False)
    failed = [r.figure for r in rows if r.verdict.startswith(("FAIL", "not measured"))]
    console.print(f"NOT MET: {len(failed)} target(s): " + "; ".join(failed) if failed
                  else "All measured targets met.", markup=False, highlight=False)
