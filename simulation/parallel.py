"""Local worker processes: how many cores there are, and the one helper that builds a pool.

Every command that runs on the local cores (``compare``, ``validate``, ``myths``, ``sweep``)
gets its pool here, so how workers start (spawned: nothing inherited from the coordinator) is
decided in one place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor


def default_workers() -> int:
    """All the cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh processes (spawned: no state inherited from this one).

    Workers ignore Ctrl-C (SIGINT): a terminal sends it to the whole process group, and a worker
    caught waiting for its next task would die printing a traceback. The coordinator alone
    handles it: it stops, records the interruption and shuts the pool down; the runs in flight
    finish and are discarded (a sweep redoes them when resumed).
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=ignore_interrupts,
    )


def ignore_interrupts() -> None:
    """In a worker process: leave Ctrl-C to the coordinator."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
