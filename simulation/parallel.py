"""Local worker processes: how many cores there are, and the one helper that builds a pool.

Every command that runs on the local cores (``compare``, ``validate``, ``myths``, ``sweep``,
``optimise``) gets its pool here, so how workers start (spawned: nothing inherited from the
coordinator) and how they end (never after the coordinator) is decided in one place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor

# The exit status of a worker that found its coordinator gone (nobody is left to read it).
ORPHANED = 75


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

    Workers never outlive the coordinator, however it died (``kill -9``, the OOM killer, a
    closed terminal): see :func:`exit_with_coordinator`. The pool's resource tracker (a process
    multiprocessing starts beside the workers) then goes by itself: it exits when the last
    process holding its pipe — the coordinator and the workers — is gone.
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
    )


def start_worker() -> None:
    """In a new worker process: leave Ctrl-C to the coordinator; die with it."""
    ignore_interrupts()
    exit_with_coordinator()


def ignore_interrupts() -> None:
    """In a worker process: leave Ctrl-C to the coordinator."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def exit_with_coordinator() -> None:
    """In a worker process: exit at once (``os._exit``) when the coordinator dies.

    A worker waits for its next task on a queue that it, too, holds both ends of, so a dead
    coordinator never wakes it: without this it would wait forever, reparented to init.

    How the death is seen: a spawned process gets from multiprocessing a *parent sentinel*,
    the read end of a pipe whose only write end the coordinator holds (it is opened
    close-on-exec and handed to no other process). The kernel closes that end when the
    coordinator dies, however it dies, so the sentinel turns readable (end of file) at that
    instant. A daemon thread waits on it (``parent_process().join()``: no polling, no CPU) and
    ends the process. Why this route rather than the others:

    - ``prctl(PR_SET_PDEATHSIG)`` is Linux only, and fires when the *thread* that started the
      worker exits, not the process: a pool grown from a short-lived thread would lose its
      workers while the coordinator lives on;
    - polling ``os.getppid()`` (for a change from the coordinator's pid) works on Linux and
      macOS too, but sees the death only at its next poll and wakes every worker at every
      interval; the pipe needs no interval: it closes when the coordinator does;
    - the sentinel is what multiprocessing itself offers for this (``parent_process()``), on
      every platform and start method, so it works on macOS as on Linux.

    The run in flight is abandoned: a worker writes nothing to the results (the coordinator
    writes every part, atomically, and journals it), so a sweep resumed after its coordinator
    died redoes that run, as it does after any crash.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child: nothing to watch
        return

    def watch() -> None:
        parent.join()  # returns once the coordinator's end of the pipe is closed: it is dead
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="exit-with-coordinator", daemon=True).start()
