"""The search: optuna's NSGA-II over the levers, one candidate at a time, resumable from SQLite.

The coordinator alone writes the storage (``<out>/study.db``) through optuna's ask/tell
interface; a candidate's runs (draws × replicates) go to an executor and come back in order,
so the values do not depend on which worker finished first.

Resuming: a trial left RUNNING by a killed search is marked FAIL and asked again. The sampler
is re-created before every ask with a seed made of the file's seed and the number of COMPLETE
trials, and NSGA-II reads its population from the storage, so the trial asked again gets the
same lever values as the one that was lost, and a resumed search ends with the same trials —
and the same Pareto front — as one never interrupted.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.optimise.spec import OptimiseSpec

OPTUNA_HINT = (
    "optuna is not installed; install the extra: pip install 'cocreate[optimise]' "
    "(or pip install 'optuna>=3.5')"
)
CONSTRAINT_ATTR = "constraint_violations"
FIGURES_ATTR = "figures"
Evaluate = Callable[[dict[str, Any]], dict[str, float]]


class StudyMismatch(Exception):
    """The storage file holds a different search (its study name differs)."""


def import_optuna() -> Any:
    """Optuna, quiet (WARNING and above), or ImportError with how to install it."""
    try:
        import optuna
    except ImportError:
        raise ImportError(OPTUNA_HINT) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def run_summary(scenario: Any, seed: int, keys: tuple[str, ...]) -> dict[str, float]:
    """One run's figures ``keys`` (module level: runs in a worker process)."""
    from simulation.run import run_scenario

    summary = run_scenario(scenario, seed=seed).summary
    return {k: float(summary.get(k, np.nan)) for k in keys}


def aggregate(values: np.ndarray, robustness: str, direction: str = "maximize") -> float:
    """The draws' values (draws × replicates) as one figure.

    Replicates are averaged per draw; ``mean`` averages the draws, ``pNN`` takes their NN-th
    percentile and ``worst`` the draw least good in ``direction``. NaN runs are left out.

    >>> aggregate(np.array([[1.0, 3.0], [5.0, 7.0]]), "mean")
    4.0
    >>> aggregate(np.array([[1.0, 3.0], [5.0, 7.0]]), "worst")
    2.0
    """
    per_draw = np.array([np.nan if np.isnan(r).all() else np.nanmean(r) for r in values])
    if np.isnan(per_draw).all():
        return float("nan")
    if robustness == "mean":
        return float(np.nanmean(per_draw))
    if robustness == "worst":
        return float(np.nanmin(per_draw) if direction == "maximize" else np.nanmax(per_draw))
    return float(np.nanpercentile(per_draw, float(robustness[1:])))


def scenario_evaluator(spec: OptimiseSpec, executor: Executor) -> Evaluate:
    """Evaluate a candidate by running its draws × replicates on ``executor``."""
    from simulation.scenario import set_values

    keys = tuple(
        dict.fromkeys([o.key for o in spec.objectives] + [c.key for c in spec.constraints])
    )
    directions = {o.key: o.direction for o in spec.objectives}
    seeds = spec.run_seeds()

    def evaluate(params: dict[str, Any]) -> dict[str, float]:
        futures = [
            [
                executor.submit(run_summary, set_values(draw, params), seed, keys)
                for seed in seeds[d]
            ]
            for d, draw in enumerate(spec.draws)
        ]
        results = [[f.result() for f in row] for row in futures]
        return {
            key: aggregate(
                np.array([[r[key] for r in row] for row in results]),
                spec.robustness,
                directions.get(key, "maximize"),
            )
            for key in keys
        }

    return evaluate


def _violations(trial: Any) -> list[float]:
    return list(trial.user_attrs.get(CONSTRAINT_ATTR, [1.0]))


def _sampler(spec: OptimiseSpec, complete: int) -> Any:
    optuna = import_optuna()
    seed = int(np.random.SeedSequence([spec.seed % 2**63, complete]).generate_state(1)[0])
    return optuna.samplers.NSGAIISampler(
        population_size=spec.population,
        seed=seed,
        constraints_func=_violations if spec.constraints and not _new_constraints(optuna) else None,
    )


def _new_constraints(optuna: Any) -> bool:
    """Optuna >= 5 reads constraints set on the trial (constraints_func is deprecated)."""
    return hasattr(optuna.trial.Trial, "set_constraint")


@contextlib.contextmanager
def open_study(spec: OptimiseSpec, *, force: bool = False) -> Iterator[Any]:
    """The study of ``spec`` in ``<out>/study.db``: created, or loaded to resume.

    Raises:
        StudyMismatch: the file holds another search (unless ``force``: then it is moved aside).
    """
    optuna = import_optuna()
    spec.out.mkdir(parents=True, exist_ok=True)
    db = spec.out / "study.db"
    if db.exists():
        names = _study_names(optuna, db)
        if names != [spec.study_name]:
            if not force:
                found = ", ".join(names) if names else "no optuna study"
                raise StudyMismatch(
                    f"{db} holds a different search ({found}; this file is {spec.study_name}); "
                    "choose another --out, or --force to move it aside"
                )
            aside = db.with_name(f"study-{time.strftime('%Y%m%d-%H%M%S')}.db.old")
            shutil.move(db, aside)
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}")
    try:
        study = optuna.create_study(
            study_name=spec.study_name,
            storage=storage,
            directions=[o.direction for o in spec.objectives],
            sampler=_sampler(spec, 0),
            load_if_exists=True,
        )
        yield study
    finally:
        storage.remove_session()
        storage.engine.dispose()


def _study_names(optuna: Any, db: Path) -> list[str]:
    storage = None
    try:
        storage = optuna.storages.RDBStorage(f"sqlite:///{db}", skip_table_creation=True)
        return [s.study_name for s in storage.get_all_studies()]
    except Exception:  # noqa: BLE001 - not an optuna database (or damaged): a different search
        return []
    finally:
        if storage is not None:
            storage.engine.dispose()


def run_search(
    spec: OptimiseSpec,
    evaluate: Evaluate,
    *,
    force: bool = False,
    progress: Callable[[int, int, dict], None] | None = None,
) -> pd.DataFrame:
    """Ask, evaluate and tell until ``spec.trials`` trials are COMPLETE; the trials table.

    Args:
        spec: the search.
        evaluate: lever values -> figures (objectives and constraints), e.g.
            :func:`scenario_evaluator`, or a test function.
        force: move a storage file of a different search aside instead of refusing it.
        progress: called as ``progress(complete, trials, figures)`` after every trial.
    """
    optuna = import_optuna()
    states = optuna.trial.TrialState
    with open_study(spec, force=force) as study:
        for trial in study.get_trials(deepcopy=False, states=(states.RUNNING, states.WAITING)):
            study.tell(trial.number, state=states.FAIL)  # lost when the last search was killed
        complete = len(study.get_trials(deepcopy=False, states=(states.COMPLETE,)))
        while complete < spec.trials:
            study.sampler = _sampler(spec, complete)
            trial = study.ask(_distributions(optuna, spec))
            figures = evaluate(dict(trial.params))
            if spec.constraints:
                violations = [c.violation(figures[c.key]) for c in spec.constraints]
                trial.set_user_attr(CONSTRAINT_ATTR, violations)
                if _new_constraints(optuna):
                    for c, v in zip(spec.constraints, violations, strict=True):
                        trial.set_constraint(c.key, v)
            trial.set_user_attr(FIGURES_ATTR, {k: _json(v) for k, v in figures.items()})
            study.tell(trial, [_worst_if_nan(figures[o.key], o.direction) for o in spec.objectives])
            complete += 1
            if progress is not None:
                progress(complete, spec.trials, figures)
        return trials_frame(spec, study.get_trials(deepcopy=False))


def _distributions(optuna: Any, spec: OptimiseSpec) -> dict[str, Any]:
    dists = {}
    for r in spec.levers:
        if r.choices is not None:
            dists[r.key] = optuna.distributions.CategoricalDistribution(list(r.choices))
        elif r.integer:
            dists[r.key] = optuna.distributions.IntDistribution(int(r.low), int(r.high))
        else:
            dists[r.key] = optuna.distributions.FloatDistribution(r.low, r.high)
    return dists


def _worst_if_nan(value: float, direction: str) -> float:
    """A figure undefined in every run (e.g. no idea accepted) counts as the worst possible."""
    if np.isfinite(value):
        return float(value)
    return float("-inf") if direction == "maximize" else float("inf")


def _json(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def trials_frame(spec: OptimiseSpec, trials: list[Any]) -> pd.DataFrame:
    """One row per trial: number, state, levers, objectives, constraints, feasible, pareto."""
    rows = []
    for t in trials:
        figures = t.user_attrs.get(FIGURES_ATTR, {})
        row: dict[str, Any] = {"trial": t.number, "state": t.state.name}
        row.update({r.key: t.params.get(r.key) for r in spec.levers})
        for key in dict.fromkeys(
            [o.key for o in spec.objectives] + [c.key for c in spec.constraints]
        ):
            value = figures.get(key)
            row[key] = np.nan if value is None else value
        violations = t.user_attrs.get(CONSTRAINT_ATTR, [])
        row["feasible"] = t.state.name == "COMPLETE" and all(v <= 0 for v in violations)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["pareto"] = pareto_mask(frame, spec)
    return frame


def pareto_mask(frame: pd.DataFrame, spec: OptimiseSpec) -> np.ndarray:
    """Which rows are feasible, complete and not dominated by another such row."""
    ok = frame["feasible"].to_numpy(bool)
    signs = np.array([1.0 if o.direction == "maximize" else -1.0 for o in spec.objectives])
    values = frame[[o.key for o in spec.objectives]].to_numpy(float) * signs  # higher is better
    values = np.where(np.isnan(values), -np.inf, values)
    mask = np.zeros(len(frame), bool)
    for i in np.flatnonzero(ok):
        others = values[ok]
        dominated = np.any(np.all(others >= values[i], axis=1) & np.any(others > values[i], axis=1))
        mask[i] = not dominated
    return mask


@dataclass
class OptimiseResult:
    """What :func:`simulation.optimise.optimise` returns.

    Attributes:
        trials: every trial (``trials.csv``).
        pareto: the non-dominated feasible trials (``pareto.csv``), best first objective first.
        out: the output folder.
        study_name: the study in ``out/study.db``.
    """

    trials: pd.DataFrame
    pareto: pd.DataFrame
    out: Path
    study_name: str


def pareto_frame(spec: OptimiseSpec, trials: pd.DataFrame) -> pd.DataFrame:
    """The front, sorted by the first objective (best first), without bookkeeping columns."""
    if trials.empty:
        return trials
    first = spec.objectives[0]
    front = trials[trials["pareto"]].drop(columns=["state", "feasible", "pareto"])
    front = front.drop_duplicates(subset=[c for c in front.columns if c != "trial"])  # re-asked
    return front.sort_values(
        [first.key, "trial"], ascending=[first.direction == "minimize", True]
    ).reset_index(drop=True)


def with_out(spec: OptimiseSpec, out: str | Path | None) -> OptimiseSpec:
    """``spec`` with another output folder (None: unchanged)."""
    return spec if out is None else replace(spec, out=Path(out))
