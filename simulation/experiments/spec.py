"""An experiment, validated: the factors, the design, the tables, the seeds, the output folder.

The dataclasses here are what the rest of a sweep reads; :mod:`.loading` makes them from an
experiment file and checks every key on the way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.run import TABLES
from simulation.scenario import Scenario, iter_params

DESIGNS = ("grid", "list", "lhs", "sobol", "morris")
DISTRIBUTIONS = ("uniform", "normal", "lognormal")
SEED_MODES = ("independent", "common", "paired")
SOURCES = TABLES  # timeseries, ideas, decisions, snapshots, organisations
SUMMARY = "summary"  # the table of one row per run, always written
TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "replicates",
    "seed",
    "seeds",
    "days",
    "out",
    "set",
    "design",
    "parameters",
    "subexperiments",
    "tables",
    "draws",
)
PARAM_KEYS = {f"{key}" for key, _ in iter_params()} - {"name", "description"}


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a list of values, or a range / distribution to sample.

    Attributes:
        key: the dotted key path of the scenario parameter.
        values: explicit values (a grid uses them all; a sampler picks among them uniformly).
        distribution: ``uniform``, ``normal`` or ``lognormal`` (samplers); a grid range is
            ``uniform`` with ``steps``.
        low, high: bounds (uniform; optional truncation of normal / lognormal).
        mean, sd: of a normal, or of the log of a lognormal.
        integer: the parameter is an integer, so sampled values are rounded.
    """

    key: str
    values: tuple[Any, ...] | None = None
    distribution: str = "uniform"
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One table to record from every run.

    Attributes:
        name: the table's name (its folder under ``parts/``).
        source: which run table it comes from: timeseries, ideas, decisions, snapshots or
            organisations.
        columns: the columns (for timeseries: the metrics) kept; empty = all.
        every: keep days divisible by ``every`` (timeseries and snapshots), plus the last day.
    """

    name: str
    source: str = "timeseries"
    columns: tuple[str, ...] = ()
    every: int = 1


@dataclass(frozen=True)
class SubExperiment:
    """A named variant: its own base scenario and/or fixed values."""

    name: str
    scenario: Scenario
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment.

    Attributes:
        name: short name (the default output folder is ``results/<name>``).
        description: what the experiment asks.
        source: the file it came from (for messages).
        base: the base scenario with the fixed ``set`` values and ``days`` applied.
        subexperiments: named variants (design ``list``; crossed with a grid of factors or with
            every Latin-hypercube sample).
        factors: the varied parameters, in file order.
        design: grid, list, lhs, sobol or morris.
        samples: LHS points, Sobol base sample N, or Morris trajectories.
        levels: Morris grid levels.
        second_order: whether a Sobol design also estimates second-order indices.
        replicates: runs per design point.
        seed: root of every run's seed.
        seeds: ``independent`` (every run its own seed), ``common`` (replicate r has the same
            seed at every point: paired comparisons) or ``paired`` (replicate r has the same seed
            in every sub-experiment at one sample of the factors, its own at each sample).
        tables: the tables recorded from every run (the summary table is always recorded).
        out: output folder.
        raw: the file's content as read (with the resolved base scenario), for the manifest.
        points: the design table, built and validated once at load (``design.design_table``).
        scenarios: the validated scenario of every design point, in the table's order.
        draws: one table of values (key path -> value) per replicate, set on every run of that
            replicate (e.g. a calibration's posterior draws); a factor, or a sub-experiment's
            own ``set`` value, wins over a drawn value of the same key. Empty: no draws.
    """

    name: str
    description: str
    source: str
    base: Scenario
    subexperiments: tuple[SubExperiment, ...]
    factors: tuple[Factor, ...]
    design: str
    samples: int
    levels: int
    second_order: bool
    replicates: int
    seed: int
    seeds: str
    tables: tuple[TableSpec, ...]
    out: Path
    raw: dict[str, Any] = field(default_factory=dict, compare=False)
    points: Any = field(default=None, compare=False, repr=False)  # a pandas DataFrame
    scenarios: tuple[Scenario, ...] = field(default=(), compare=False, repr=False)
    draws: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)

    def spec_hash(self) -> str:
        """SHA-256 of everything that decides the results (not the output folder)."""
        content = {k: v for k, v in self.raw.items() if k not in ("out", "description")}
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
