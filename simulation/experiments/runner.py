"""Run a sweep on any ``concurrent.futures`` executor, crash-safe and in bounded memory.

The coordinator keeps at most ``slots`` tasks in flight, each a batch of runs
(:class:`BatchSizer`). Each run executes in a worker (:mod:`.worker`), which turns its tables into
Parquet bytes there; the coordinator only writes those bytes (atomically) and a journal
line, then forgets them — so its memory does not grow with the number of runs. A run that
raises is recorded with its traceback and the sweep goes on. A local worker process that dies
breaks its pool: the runs in flight go back in the queue and a fresh pool carries on (a run in
flight at three such deaths is recorded as failed).
"""

from __future__ import annotations

import collections
import os
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.experiments.design import RunTask, design_table, run_tasks
from simulation.experiments.executors import Backend, open_backend
from simulation.experiments.loading import load_experiment
from simulation.experiments.provenance import now, provenance
from simulation.experiments.spec import ExperimentSpec
from simulation.experiments.store import Store
from simulation.experiments.worker import Outcome, execute_batch

MAX_BREAKS = 3  # a run in flight when a worker died this many times is recorded as failed


@dataclass
class Progress:
    """Counts of a sweep, as the progress callback receives them."""

    total: int
    done: int = 0
    failed: int = 0

    @property
    def pending(self) -> int:
        """Runs neither done nor failed yet."""
        return self.total - self.done - self.failed


def run_experiment(
    spec: ExperimentSpec | str | Path,
    executor: Executor | None = None,
    *,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    force: bool = False,
    retry_failed: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> Path:
    """Run (or resume) a sweep and return its results folder.

    Runs already done are skipped; a part file found damaged is redone; failed runs are kept
    as failed unless ``retry_failed``.

    Args:
        spec: an experiment spec or the path of an experiment file.
        executor: any ``concurrent.futures.Executor`` (e.g. a Dask ``client.get_executor()``);
            default: the ``backend`` below.
        backend: ``sequential``, ``local``, ``dask`` or ``dask-remote`` (see
            :func:`simulation.experiments.executors.open_backend`).
        workers: processes of a local pool or local Dask cluster (default: all cores).
        scheduler: address of a running Dask scheduler (backend ``dask-remote``).
        scheduler_file: scheduler file of a running Dask scheduler (backend ``dask-remote``).
        force: when the folder holds results of another spec, move them aside and start again.
        retry_failed: run again the runs that failed before.
        progress: called with a :class:`Progress` after every finished run.

    Raises:
        SpecChangedError: the folder holds results of another spec and ``force`` is False.
        BusyError: another sweep is writing to the folder.
    """
    if not isinstance(spec, ExperimentSpec):
        spec = load_experiment(spec)
    design = design_table(spec)
    tasks = run_tasks(spec, design)
    store = Store(spec.out)
    store.open(spec.spec_hash(), force=force)
    try:
        todo, counts = plan(store, tasks, retry_failed)
        started = now()
        manifest = _manifest(store, spec, design, len(tasks), started)
        store.write_design(design)
        store.write_json("experiment.json", spec.raw)
        if executor is not None:
            backend_obj = Backend(executor, 2 * _guess_workers(executor), type(executor).__name__)
            _run(backend_obj, store, todo, counts, progress, manifest)
        else:
            with open_backend(backend, workers, scheduler, scheduler_file) as backend_obj:
                _run(backend_obj, store, todo, counts, progress, manifest)
    finally:
        store.unlock()
    return spec.out


def plan(store: Store, tasks: list[RunTask], retry_failed: bool) -> tuple[list[RunTask], Progress]:
    """The runs still to do, and the counts so far."""
    done, failed = store.done_ids(), store.failed_ids()
    todo = [t for t in tasks if t.run_id not in done and (retry_failed or t.run_id not in failed)]
    ids = {t.run_id for t in tasks}
    counts = Progress(len(tasks), done=len(done & ids))
    counts.failed = 0 if retry_failed else len(failed & ids)
    return todo, counts


def _manifest(
    store: Store, spec: ExperimentSpec, design: pd.DataFrame, runs: int, started: str
) -> dict[str, Any]:
    old = store.read_manifest() or {}
    manifest = {
        "experiment": spec.name,
        "description": spec.description,
        "spec_file": spec.source,
        "spec_hash": spec.spec_hash(),
        "spec": spec.raw,
        "design": spec.design,
        "samples": spec.samples,
        "levels": spec.levels,
        "second_order": spec.second_order,
        "points": len(design),
        "replicates": spec.replicates,
        "runs": runs,
        "root_seed": spec.seed,
        "seeds": spec.seeds,
        "factors": [f.key for f in spec.factors],
        "tables": [t.name for t in spec.tables],
        "created": old.get("created", started),
        "sessions": old.get("sessions", []),
        **provenance(),
    }
    manifest["started"] = started
    manifest["ended"] = None
    manifest["status"] = "running"
    return manifest


def _run(
    backend: Backend,
    store: Store,
    todo: list[RunTask],
    counts: Progress,
    progress: Callable[[Progress], None] | None,
    manifest: dict[str, Any],
) -> None:
    session = {"started": manifest["started"], "executor": backend.description}
    manifest["sessions"] = [*manifest["sessions"], session]
    manifest["executor"] = backend.description
    store.write_json("manifest.json", manifest)
    status = "interrupted"
    try:
        _loop(backend, store, todo, counts, progress)
        status = "complete" if counts.pending == 0 and counts.failed == 0 else "incomplete"
    finally:
        manifest["ended"] = session["ended"] = now()
        manifest["status"] = session["status"] = status
        session.update(done=counts.done, failed=counts.failed)
        store.write_json("manifest.json", manifest)


def _loop(
    backend: Backend,
    store: Store,
    todo: list[RunTask],
    counts: Progress,
    progress: Callable[[Progress], None] | None,
) -> None:
    queue = collections.deque(todo)
    in_flight: dict[Any, list[RunTask]] = {}
    breaks: collections.Counter[str] = collections.Counter()
    sizer = BatchSizer(backend.slots)
    executor = backend.executor
    if progress:
        progress(counts)
    try:
        while queue or in_flight:
            broken = False
            while queue and len(in_flight) < backend.slots:
                batch = [queue.popleft() for _ in range(min(sizer.size(len(queue)), len(queue)))]
                try:
                    in_flight[executor.submit(execute_batch, batch)] = batch
                except BrokenProcessPool:
                    # A worker died after the last wait and the pool noticed first: this batch
                    # never started, so it goes back as it was (no break counted against it).
                    queue.extendleft(reversed(batch))
                    broken = True
                    break
            finished = set()
            if in_flight:
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in finished:
                batch = in_flight.pop(future)
                try:
                    outcomes = future.result()
                except (BrokenProcessPool, CancelledError):
                    broken = True
                    for task in reversed(batch):
                        _requeue(task, queue, breaks, store, counts)
                    continue
                except Exception as err:  # the infrastructure failed (e.g. Dask KilledWorker)
                    outcomes = [Outcome(t.run_id, "failed", error=_describe(err)) for t in batch]
                for task, outcome in zip(batch, outcomes, strict=True):
                    _store(store, task, outcome, counts)
                    sizer.record(outcome.seconds)
                if progress:
                    progress(counts)
            if broken:
                if backend.renew is None:
                    raise RuntimeError(
                        "the executor broke (a worker process died); re-run to resume"
                    )
                for future, batch in list(in_flight.items()):
                    future.cancel()
                    for task in reversed(batch):
                        _requeue(task, queue, breaks, store, counts)
                in_flight.clear()
                executor = backend.executor = backend.renew()
    finally:
        for future in in_flight:
            future.cancel()


class BatchSizer:
    """How many runs to send a worker at once: enough to make each task last ~half a second.

    Every task costs the executor a round trip (a few milliseconds on a local pool, more on
    Dask, whose scheduler shares the cores); batching short runs makes that cost negligible
    without changing any result (each run still has its own seed, journal line and parts).
    Batches start at one run, grow once run times are known, and shrink at the end of the
    queue so that every worker still gets a share of the last runs.

    >>> sizer = BatchSizer(slots=4)
    >>> sizer.size(100)
    1
    >>> for _ in range(4):
    ...     sizer.record(0.05)
    >>> sizer.size(100), sizer.size(8)
    (10, 2)
    """

    TARGET_SECONDS = 0.5
    MAX_RUNS = 16
    WARMUP = 4  # runs timed before batching starts

    def __init__(self, slots: int):
        self.slots = max(slots, 1)
        self.count, self.total = 0, 0.0

    def record(self, seconds: float) -> None:
        """Note the time one run took in its worker."""
        if seconds > 0:
            self.count += 1
            self.total += seconds

    def size(self, queued: int) -> int:
        """Runs in the next batch, given how many are waiting."""
        if self.count < self.WARMUP:
            return 1
        mean = self.total / self.count
        wanted = min(self.MAX_RUNS, max(1, round(self.TARGET_SECONDS / mean)))
        return max(1, min(wanted, queued // self.slots))


def _requeue(
    task: RunTask,
    queue: collections.deque[RunTask],
    breaks: collections.Counter[str],
    store: Store,
    counts: Progress,
) -> None:
    breaks[task.run_id] += 1
    if breaks[task.run_id] >= MAX_BREAKS:
        message = f"a worker process died {MAX_BREAKS} times while this run was in flight"
        _store(store, task, Outcome(task.run_id, "failed", error=message), counts)
    else:
        queue.appendleft(task)


def _store(store: Store, task: RunTask, outcome: Outcome, counts: Progress) -> None:
    record = {
        "run": task.run_id,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        "status": outcome.status,
        "seconds": round(outcome.seconds, 4),
        "worker": outcome.worker,
        "time": now(),
    }
    if outcome.status == "done":
        record["parts"] = store.write_parts(task.run_id, outcome.parts)
        counts.done += 1
    else:
        record["error"] = outcome.error
        counts.failed += 1
    store.record(record)


def _describe(err: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(err), err)).strip()


def _guess_workers(executor: Executor) -> int:
    workers = getattr(executor, "_max_workers", None)
    if workers:
        return int(workers)
    client = getattr(executor, "_client", None)
    if client is not None:
        return max(1, sum(client.nthreads().values()))
    return os.cpu_count() or 1
