"""``cocreate sweep --dry-run``: count the runs and time a few pilot runs; nothing is written."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from simulation.experiments.design import design_table, run_tasks
from simulation.experiments.runner import plan
from simulation.experiments.spec import ExperimentSpec
from simulation.experiments.store import Store
from simulation.parallel import default_workers
from simulation.run import run_scenario


@dataclass
class Estimate:
    """What ``--dry-run`` prints: run counts and a cost estimate from pilot runs."""

    runs: int
    points: int
    done: int
    failed: int
    todo: int
    pilot_seconds: list[float]
    workers: int

    @property
    def seconds_per_run(self) -> float:
        """Mean time of a pilot run."""
        return float(np.mean(self.pilot_seconds)) if self.pilot_seconds else float("nan")

    @property
    def core_hours(self) -> float:
        """Estimated core-hours of the runs still to do."""
        return self.todo * self.seconds_per_run / 3600

    @property
    def wall_hours(self) -> float:
        """Estimated wall-clock hours on ``workers`` cores (perfect scaling)."""
        return self.core_hours / max(self.workers, 1)


def estimate(
    spec: ExperimentSpec, *, pilots: int = 3, workers: int | None = None, retry_failed=False
) -> Estimate:
    """Count the runs and time a few pilot runs spread over the design (nothing is written)."""
    design = design_table(spec)
    tasks = run_tasks(spec, design)
    store = Store(spec.out)
    if store.read_manifest():
        store.journal = store.read_journal()
    todo, counts = plan(store, tasks, retry_failed)
    picks = np.unique(np.linspace(0, len(tasks) - 1, min(pilots, len(tasks))).round().astype(int))
    seconds = []
    for i in picks:
        start = time.perf_counter()
        run_scenario(tasks[i].scenario, seed=tasks[i].seed)
        seconds.append(time.perf_counter() - start)
    return Estimate(
        runs=len(tasks),
        points=len(design),
        done=counts.done,
        failed=counts.failed,
        todo=len(todo),
        pilot_seconds=seconds,
        workers=default_workers() if workers is None else workers,
    )
