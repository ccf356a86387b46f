"""What a Polda task declares to Ray (``national.sizing``): the measured per-TPS memory with its
margin, so that the biggest real Polda fits the issue's 8 GB and a 2-core machine can run two
tasks side by side."""

from __future__ import annotations

from pollguard.national.sizing import MB, task_memory


def test_a_task_declares_its_base_and_its_tps() -> None:
    assert task_memory(0) == task_memory(-5) == 300 * MB
    assert task_memory(11_160) < task_memory(25_825)  # Jambi below Lampung
    jabar = task_memory(140_457)  # Jawa Barat's real Pemilu count, the biggest task
    assert 1.0 * 1024 * MB < jabar < 1.2 * 1024 * MB
    # measured: Lampung 228 MB max RSS in one process; the declaration covers it with margin
    assert task_memory(25_825) > 1.3 * 228 * MB
    assert 2 * jabar < 8 * 1024 * MB  # two of the biggest side by side within the budget
