"""``cocreate optimise``: a multi-objective, robust, resumable search for the best policy.

``spec.py`` reads the file, ``search.py`` runs optuna's NSGA-II over the levers with SQLite
storage, ``report.py`` writes the front, its policies and the reports. Optuna is an optional
extra (``pip install 'cocreate[optimise]'``) imported only when a search runs.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from simulation.optimise.search import (
    Evaluate,
    OptimiseResult,
    StudyMismatch,
    pareto_frame,
    run_search,
    scenario_evaluator,
)
from simulation.optimise.spec import OptimiseSpec, load_optimise

__all__ = ["OptimiseResult", "OptimiseSpec", "StudyMismatch", "load_optimise", "optimise"]


def optimise(
    spec_or_path: OptimiseSpec | str | Path,
    executor: Executor | str | None = None,
    workers: int | None = None,
    *,
    evaluate: Evaluate | None = None,
    force: bool = False,
    scheduler: str | None = None,
    progress=None,
) -> OptimiseResult:
    """Search the levers for the Pareto front of the objectives; resume if already started.

    Args:
        spec_or_path: an :class:`OptimiseSpec` or the path of an optimisation file.
        executor: where a candidate's runs go: an ``Executor``, or a backend kind of
            :func:`simulation.experiments.executors.open_backend` (``sequential``, ``local``,
            ``dask``, ``dask-remote``); default ``local``.
        workers: processes of a local backend (default: all cores).
        evaluate: lever values -> figures, instead of running the model (e.g. a test function).
        force: move a storage file of a different search aside instead of refusing it.
        scheduler: address of a Dask scheduler (``dask-remote``).
        progress: called as ``progress(complete, trials, figures)`` after every trial.
    """
    from simulation.experiments.executors import open_backend
    from simulation.optimise.report import write_outputs

    spec = spec_or_path if isinstance(spec_or_path, OptimiseSpec) else load_optimise(spec_or_path)
    if evaluate is not None:
        trials = run_search(spec, evaluate, force=force, progress=progress)
    elif isinstance(executor, Executor):
        trials = run_search(
            spec, scenario_evaluator(spec, executor), force=force, progress=progress
        )
    else:
        with open_backend(executor or "local", workers, scheduler) as backend:
            evaluator = scenario_evaluator(spec, backend.executor)
            trials = run_search(spec, evaluator, force=force, progress=progress)
    front = pareto_frame(spec, trials)
    write_outputs(spec, trials, front)
    return OptimiseResult(trials, front, spec.out, spec.study_name)
