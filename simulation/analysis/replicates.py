"""Replicates of scenarios on the local cores, seeded from one SeedSequence.

Each (arm, replicate) gets its own seed spawned from one root ``numpy.random.SeedSequence``, so
results do not depend on the number of workers or the order in which runs finish. Only what an
analysis needs comes back from a worker: the summary and the daily time series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.parallel import default_workers, process_pool
from simulation.run import RunResult, run_scenario
from simulation.scenario import Scenario, set_values


@dataclass(frozen=True)
class Replicate:
    """One run of one arm: its seed, headline figures and daily time series."""

    arm: str
    replicate: int
    seed: int
    summary: dict[str, float]
    timeseries: pd.DataFrame
    extra: dict[str, float] = field(default_factory=dict)


def replicate_seeds(root_seed: int, arms: int, replicates: int) -> np.ndarray:
    """(arms, replicates) seeds spawned from one root seed.

    Replicate r of every arm shares a seed (common random numbers: the same consumers on day 0),
    so differences between arms are paired.

    >>> replicate_seeds(1, 2, 3).shape
    (2, 3)
    """
    children = np.random.SeedSequence(root_seed).spawn(replicates)
    seeds = np.array([int(c.generate_state(1, dtype=np.uint64)[0] >> 1) for c in children])
    return np.tile(seeds, (arms, 1))


Measure = Callable[[RunResult], dict[str, float]]
Draws = Sequence[dict[str, Any]]  # one set of values (key path -> value) per replicate


def _run_one(task: tuple[str, int, int, Scenario, Measure | None]) -> Replicate:
    arm, replicate, seed, scenario, measure = task
    result = run_scenario(scenario, seed=seed)
    extra = measure(result) if measure is not None else {}
    return Replicate(arm, replicate, seed, result.summary, result.timeseries, extra)


def run_replicates(
    arms: Sequence[Scenario],
    replicates: int,
    root_seed: int = 0,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    measure: Measure | None = None,
    draws: Draws | Mapping[str, Draws] | None = None,
) -> list[Replicate]:
    """Run ``replicates`` seeds of every arm, in parallel, in a fixed order.

    Args:
        arms: the scenarios to compare (their names label the results and must differ).
        replicates: runs per arm.
        root_seed: the root of every run's seed.
        workers: local processes (default: all cores); 1 runs in this process.
        executor: any ``concurrent.futures.Executor`` to use instead of a local pool.
        progress: called as ``progress(done, total)`` as runs finish.
        measure: a module-level function computing extra figures from each full RunResult in
            the worker (so tables such as ideas and snapshots need not travel back).
        draws: one set of values (key path -> value) per replicate, set on every arm's
            scenario for that replicate (e.g. draws from a calibration's posterior): the arms
            stay paired on the same draw, and what the draws leave uncertain widens the
            intervals. Or a mapping arm name -> its own draws, for every arm (e.g. the same
            draws without a key that a switched-off mechanism must keep).

    Returns:
        Replicates ordered by arm, then replicate — whatever order they finished in.
    """
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise ValueError(f"arms need distinct names, got {names}")
    seeds = replicate_seeds(root_seed, len(arms), replicates)
    per_arm = draws if isinstance(draws, Mapping) else {name: draws for name in names}
    for name in names:
        if per_arm[name] is not None and len(per_arm[name]) != replicates:
            raise ValueError(f"{len(per_arm[name])} draws for {replicates} replicates ({name})")
    tasks = [
        (
            a.name,
            r,
            int(seeds[i, r]),
            a if per_arm[a.name] is None else set_values(a, per_arm[a.name][r], source="posterior"),
            measure,
        )
        for i, a in enumerate(arms)
        for r in range(replicates)
    ]
    workers = default_workers() if workers is None else workers
    results: list[Replicate] = []
    if executor is None and workers <= 1:
        for task in tasks:
            results.append(_run_one(task))
            if progress:
                progress(len(results), len(tasks))
    else:
        pool = executor or process_pool(min(workers, len(tasks)))
        try:
            for result in pool.map(_run_one, tasks, chunksize=1):
                results.append(result)
                if progress:
                    progress(len(results), len(tasks))
        finally:
            if executor is None:
                pool.shutdown(cancel_futures=True)
    return results
