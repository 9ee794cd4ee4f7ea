"""Design points and runs: grid, list, Latin hypercube, Sobol and Morris; seeds and run ids.

Samplers (SALib) draw in the unit hypercube; each coordinate is then mapped to a value by the
factor's distribution (uniform, normal, lognormal; a list of values is a uniform choice among
them). The unit coordinates are kept in the design table (columns ``x.<key>``) because Morris and
RBD-FAST analyses need them.

Seeds come from one root ``numpy.random.SeedSequence``: run (point p, replicate r) uses the
sequence with spawn key ``(p, r)`` — independent streams, the same whatever the executor, the
number of workers or the order in which runs finish. With ``seeds = "common"`` replicate r uses
spawn key ``(r,)`` at every point (common random numbers: the same consumers on day 0), as
``cocreate compare`` does. With ``seeds = "paired"`` the sub-experiments are compared at each
sample of the factors: replicate r at sample s uses spawn key ``(s, r)`` in every sub-experiment
(paired within a sample, independent across samples); the design table then has a ``sample``
column.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulation.experiments.spec import ExperimentSpec, Factor, TableSpec
from simulation.scenario import Scenario, ScenarioError, set_values

UNIT_PREFIX = "x."


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep, everything a worker needs (picklable).

    Attributes:
        run_id: ``<point>-<replicate>-<hash of the point's values, replicate and seed>``.
        point: the design point's index.
        replicate: the replicate's index at that point.
        seed: the run's seed.
        scenario: the point's validated scenario.
        labels: the point's sub-experiment and factor values (columns of every table).
        tables: what to record.
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    scenario: Scenario
    labels: dict[str, Any]
    tables: tuple[TableSpec, ...]


def design_table(spec: ExperimentSpec) -> pd.DataFrame:
    """One row per design point: ``point``, ``subexperiment`` (if any), one column per factor.

    >>> from simulation.experiments.loading import experiment_from_dict
    >>> factors = {"run.days": [10, 20], "community.consumers": [300, 400]}
    >>> spec = experiment_from_dict({"parameters": factors})
    >>> design_table(spec)[["run.days", "community.consumers"]].to_numpy().tolist()
    [[10, 300], [10, 400], [20, 300], [20, 400]]
    """
    if spec.points is not None:  # built at load
        return spec.points
    if spec.design in ("grid", "list"):
        grid = list(itertools.product(*(f.values for f in spec.factors)))
        frame = pd.DataFrame(
            [{f.key: v for f, v in zip(spec.factors, combo, strict=True)} for combo in grid]
        )
        if frame.shape[1] == 0:
            frame = pd.DataFrame(index=range(len(grid)))
    else:
        unit = unit_sample(spec)
        columns = {f.key: [to_value(f, u) for u in unit[:, i]] for i, f in enumerate(spec.factors)}
        columns.update({UNIT_PREFIX + f.key: unit[:, i] for i, f in enumerate(spec.factors)})
        frame = pd.DataFrame(columns)
    if spec.seeds == "paired":
        frame.insert(0, "sample", np.arange(len(frame), dtype=np.int64))
    if spec.subexperiments:  # every sample (combination) in every sub-experiment, sub-major
        frame = pd.concat(
            [frame.assign(subexperiment=s.name) for s in spec.subexperiments], ignore_index=True
        )
        frame = frame[["subexperiment", *frame.columns[:-1]]]
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def unit_sample(spec: ExperimentSpec) -> np.ndarray:
    """The sampler's points in the unit hypercube (rows: points, columns: factors)."""
    from SALib.sample import latin, morris, sobol

    problem = unit_problem(spec.factors)
    if spec.design == "lhs":
        return latin.sample(problem, spec.samples, seed=spec.seed)
    if spec.design == "sobol":
        return sobol.sample(
            problem, spec.samples, calc_second_order=spec.second_order, seed=spec.seed
        )
    return morris.sample(problem, spec.samples, num_levels=spec.levels, seed=spec.seed)


def unit_problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """SALib's problem over the unit hypercube, one variable per factor."""
    return {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }


def to_value(factor: Factor, u: float) -> Any:
    """Map a unit coordinate to the factor's value (inverse CDF; a list: uniform choice).

    >>> to_value(Factor("a", values=("x", "y")), 0.7), to_value(Factor("a", low=0, high=10), 0.25)
    ('y', 2.5)
    >>> to_value(Factor("a", low=0, high=10, integer=True), 0.26)
    3
    """
    if factor.values is not None:
        return factor.values[min(int(u * len(factor.values)), len(factor.values) - 1)]
    u = float(np.clip(u, 1e-12, 1 - 1e-12))
    if factor.distribution == "uniform":
        value = factor.low + u * (factor.high - factor.low)
    else:
        low = -np.inf if factor.low is None else factor.low
        high = np.inf if factor.high is None else factor.high
        if factor.distribution == "lognormal":  # mean and sd of the log
            low, high = (np.log(low) if low > 0 else -np.inf), np.log(high) if high > 0 else -np.inf
        a, b = (low - factor.mean) / factor.sd, (high - factor.mean) / factor.sd
        value = float(stats.truncnorm.ppf(u, a, b, loc=factor.mean, scale=factor.sd))
        if factor.distribution == "lognormal":
            value = float(np.exp(value))
    return int(np.floor(value + 0.5)) if factor.integer else float(value)


def point_scenarios(spec: ExperimentSpec, design: pd.DataFrame) -> list[Scenario]:
    """The validated scenario of every design point (errors name the factor and value)."""
    subs = {s.name: s.scenario for s in spec.subexperiments}
    keys = [f.key for f in spec.factors]
    scenarios = []
    for row in design.itertuples(index=False):
        values = dict(zip(design.columns, row, strict=True))
        base = subs[values["subexperiment"]] if "subexperiment" in values else spec.base
        settings = {k: _python(values[k]) for k in keys}
        try:
            scenario = set_values(base, settings, source=spec.source)
        except ScenarioError as err:
            where = f'parameters."{err.key}"' if err.key in keys else err.key
            raise ScenarioError(
                f"{err.detail} (design point {values['point']}: "
                + ", ".join(f"{k} = {settings[k]!r}" for k in keys)
                + ")",
                source=spec.source,
                key=where,
            ) from None
        name = values.get("subexperiment", spec.name)
        scenarios.append(replace(scenario, name=f"{name}-p{values['point']}"))
    return scenarios


def run_seed(spec: ExperimentSpec, point: int, replicate: int, sample: int | None = None) -> int:
    """The seed of run (point, replicate), from the root SeedSequence (63 bits).

    ``sample`` is the point's sample (``seeds = "paired"``: the seed follows the sample, so
    every sub-experiment at that sample gets it).

    >>> from simulation.experiments.loading import experiment_from_dict
    >>> spec = experiment_from_dict({"seed": 1, "seeds": "common"})
    >>> run_seed(spec, 0, 2) == run_seed(spec, 5, 2) != run_seed(spec, 0, 1)
    True
    """
    if spec.seeds == "common":
        key: tuple[int, ...] = (replicate,)
    elif spec.seeds == "paired":
        key = (point if sample is None else sample, replicate)
    else:
        key = (point, replicate)
    state = np.random.SeedSequence(spec.seed, spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0] >> 1)


def run_id(labels: dict[str, Any], point: int, replicate: int, seed: int) -> str:
    """A run's id: readable point and replicate, then a hash of what makes the run."""
    content = json.dumps(
        {"labels": labels, "replicate": replicate, "seed": seed}, sort_keys=True, default=str
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:10]
    return f"{point:05d}-{replicate:03d}-{digest}"


def drawn(spec: ExperimentSpec, scenario: Scenario, subexperiment: str | None, replicate: int):
    """A point's scenario at replicate ``replicate``'s draw (``spec.draws``; as is without).

    What the experiment varies wins: a factor, or the sub-experiment's own ``set`` value, keeps
    its value where a draw sets the same key.
    """
    if not spec.draws:
        return scenario
    kept = {f.key for f in spec.factors}
    kept |= {k for s in spec.subexperiments if s.name == subexperiment for k in s.values}
    values = {k: v for k, v in spec.draws[replicate].items() if k not in kept}
    return set_values(scenario, values, source=spec.source)


def run_tasks(spec: ExperimentSpec, design: pd.DataFrame | None = None) -> list[RunTask]:
    """Every run of the experiment, ordered by point then replicate."""
    design = design_table(spec) if design is None else design
    validated = spec.scenarios and design is spec.points
    scenarios = spec.scenarios if validated else point_scenarios(spec, design)
    label_columns = [c for c in design.columns if c != "point" and not c.startswith(UNIT_PREFIX)]
    tasks = []
    for row, scenario in zip(design.itertuples(index=False), scenarios, strict=True):
        values = dict(zip(design.columns, row, strict=True))
        point = int(values["point"])
        labels = {c: _python(values[c]) for c in label_columns}
        sample = int(values["sample"]) if "sample" in values else None
        for r in range(spec.replicates):
            seed = run_seed(spec, point, r, sample)
            at = drawn(spec, scenario, values.get("subexperiment"), r)
            tasks.append(
                RunTask(run_id(labels, point, r, seed), point, r, seed, at, labels, spec.tables)
            )
    return tasks


def _python(value: Any) -> Any:
    """Numpy scalars as plain Python values (for the scenario and for JSON)."""
    return value.item() if hasattr(value, "item") else value
