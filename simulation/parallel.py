"""Local worker processes: how many cores there are, and the one helper that builds a pool.

Every command that runs on the local cores (``compare``, ``validate``, ``myths``, ``sweep``)
gets its pool here, so how workers start (spawned: nothing inherited from the coordinator) is
decided in one place.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def default_workers() -> int:
    """All the cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh processes (spawned: no state inherited from this one)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
