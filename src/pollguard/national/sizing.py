"""How much memory one Polda task needs, so that Ray never runs more of them on a machine at
once than its memory holds (the task declares it; Ray's scheduler counts it like a CPU).

Measured on this repository's 2-core machine (``resource.getrusage`` max RSS of one process
building, assessing and planning one province from the real kecamatan counts; the interpreter
with PollGuard imported starts at about 115 MB)::

    Papua Barat Daya     1,922 TPS   126 MB
    Gorontalo            3,539 TPS   130 MB
    Jambi               11,160 TPS   163 MB
    Lampung             25,825 TPS   228 MB

that is about 4.4 kB per TPS above the start. A Ray worker process starts heavier than a
plain interpreter, so the declaration adds a margin on both: ``TASK_BASE_BYTES`` plus
``TASK_BYTES_PER_TPS`` per TPS (Jawa Barat's 140,457 Pemilu TPS: about 1.1 GB declared).
"""

from __future__ import annotations

MB = 1024 * 1024

#: A Ray worker with PollGuard imported, with a margin (a plain interpreter: ~115 MB).
TASK_BASE_BYTES = 300 * MB
#: Per TPS of the task, with a margin of about 1.4 over the 4.4 kB measured.
TASK_BYTES_PER_TPS = 6 * 1024


def task_memory(tps: int) -> int:
    """The memory (bytes) a task planning ``tps`` TPS declares to Ray."""
    return TASK_BASE_BYTES + TASK_BYTES_PER_TPS * max(tps, 0)
