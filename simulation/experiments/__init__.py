"""Batch experiments: experiment files, designs, executors, crash-safe storage, resume.

The Python API of ``cocreate sweep``::

    from simulation.experiments import load_experiment, run_experiment, load_results
    out = run_experiment("experiments/reward_x_motivation.toml", workers=2)
    results = load_results(out)          # .summary, .tables["weekly"], .runs, .design, .manifest

``run_experiment(spec, executor=None)`` accepts any ``concurrent.futures.Executor`` (a Dask
``client.get_executor()`` for a cluster); by default it starts a local process pool.
"""

from simulation.experiments.design import RunTask, design_table, run_seed, run_tasks
from simulation.experiments.estimate import Estimate, estimate
from simulation.experiments.loading import experiment_from_dict, load_experiment
from simulation.experiments.runner import Progress, run_experiment
from simulation.experiments.spec import ExperimentSpec
from simulation.experiments.store import (
    BusyError,
    ExperimentResults,
    SpecChangedError,
    StoreError,
    load_results,
)

__all__ = [
    "BusyError",
    "Estimate",
    "ExperimentResults",
    "ExperimentSpec",
    "Progress",
    "RunTask",
    "SpecChangedError",
    "StoreError",
    "design_table",
    "estimate",
    "experiment_from_dict",
    "load_experiment",
    "load_results",
    "run_experiment",
    "run_seed",
    "run_tasks",
]
