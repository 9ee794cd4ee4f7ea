"""Optimisation files: which levers to search, what to aim for, what the strategist does not know.

An optimisation file (TOML, ``experiments/optimise_*.toml``)::

    name = "reward_policy"
    scenario = "../scenarios/baseline.toml"   # relative to this file
    trials = 40          # candidate policies evaluated in all
    scenarios = 4        # draws of the uncertainties every candidate is judged on
    replicates = 2       # runs per draw, common seeds for every candidate
    robustness = "mean"  # mean | worst | pNN (e.g. p10): how the draws become one value
    seed = 1
    days = 120
    [levers]
    "policies.reward.amount" = { min = 0, max = 50 }
    "policies.reward.kind" = ["none", "per_idea"]
    [objectives]
    active_members = "maximise"
    time_to_decision_median = "minimise"
    [constraints]
    spend_total = { max = 5000 }
    [uncertainties]
    "consumers.intrinsic_mean" = { min = 0.7, max = 1.3 }

Every mistake becomes one :class:`~simulation.scenario.ScenarioError` naming the file and key.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulation.experiments.loading import (
    Checker,
    apply_values,
    param_type,
    read_toml_file,
    scenario_file,
)
from simulation.experiments.spec import PARAM_KEYS
from simulation.headlines import HEADLINE_KEYS
from simulation.model.metrics import SUMMARY
from simulation.scenario import Scenario, ScenarioError, set_values, to_dict
from simulation.scenario.organisations import plain_key

TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "levers",
    "objectives",
    "constraints",
    "uncertainties",
    "scenarios",
    "sampling",
    "robustness",
    "replicates",
    "trials",
    "population",
    "seed",
    "days",
    "set",
    "out",
)
DIRECTIONS = {"maximise": "maximize", "maximize": "maximize", "minimise": "minimize"}
DIRECTIONS["minimize"] = "minimize"
SAMPLINGS = ("lhs", "random")
MAX_TRIALS, MAX_REPLICATES, MAX_SCENARIOS = 100_000, 1_000, 1_000


@dataclass(frozen=True)
class Range:
    """A lever or an uncertainty: a numeric range, or a list of choices."""

    key: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[Any, ...] | None = None

    def value(self, u: float) -> Any:
        """The value at ``u`` in [0, 1) of the range (an LHS or random draw)."""
        if self.choices is not None:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        value = self.low + u * (self.high - self.low)
        return round(value) if self.integer else float(value)


@dataclass(frozen=True)
class Objective:
    """A summary figure to maximise or minimise (``direction`` as optuna spells it)."""

    key: str
    direction: str  # "maximize" | "minimize"


@dataclass(frozen=True)
class Constraint:
    """A summary figure that must stay within ``[low, high]`` (either may be None)."""

    key: str
    low: float | None = None
    high: float | None = None

    def violation(self, value: float) -> float:
        """How far ``value`` is outside the bounds (<= 0: feasible; NaN counts as infeasible)."""
        if not np.isfinite(value):
            return 1.0
        over = value - self.high if self.high is not None else -np.inf
        under = self.low - value if self.low is not None else -np.inf
        return float(max(over, under))


@dataclass(frozen=True)
class OptimiseSpec:
    """A validated policy search.

    Attributes:
        name: short name (study name, default output folder ``results/optimise/<name>``).
        levers: the policy parameters searched.
        objectives: the figures to maximise / minimise, in file order.
        constraints: bounds a candidate must keep to count as feasible.
        uncertainties: the parameters drawn ``scenarios`` times (the same draws for all).
        scenarios: number of draws of the uncertainties (1 without uncertainties).
        robustness: ``mean``, ``worst`` or ``pNN``: how the draws' results become one value.
        replicates: runs per draw; seeds are common to every candidate.
        trials: the budget of completed candidates.
        population: NSGA-II population size.
        seed: root of the sampler's and the runs' seeds.
        out: output folder.
        base: the base scenario with ``set`` and ``days`` applied (None: an injected problem).
        draws: the scenario of every draw of the uncertainties, validated at load.
        digest: hash of the file's content (all but ``trials`` and ``out``) and base scenario.
        source: the file it came from.
    """

    name: str
    levers: tuple[Range, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...] = ()
    uncertainties: tuple[Range, ...] = ()
    scenarios: int = 1
    robustness: str = "mean"
    replicates: int = 1
    trials: int = 20
    population: int = 20
    seed: int = 0
    out: Path = Path("results/optimise/optimise")
    base: Scenario | None = None
    draws: tuple[Scenario, ...] = field(default=(), repr=False)
    digest: str = ""
    source: str = "<spec>"
    description: str = ""

    @property
    def study_name(self) -> str:
        """The study's name in the storage: the file's name and its content's hash."""
        return f"{self.name}-{(self.digest or 'nodigest')[:12]}"

    def run_seeds(self) -> list[list[int]]:
        """``seeds[draw][replicate]``: the same for every candidate (common random numbers)."""
        rng = np.random.default_rng([self.seed, 0x0FF1CE])
        seeds = rng.integers(0, 2**31 - 1, size=(self.scenarios, self.replicates))
        return [[int(s) for s in row] for row in seeds]


def load_optimise(path: str | Path, *, out: str | Path | None = None) -> OptimiseSpec:
    """Read and validate an optimisation file (ScenarioError naming file and key if wrong)."""
    path = Path(path)
    data = read_toml_file(path, "experiments/optimise_example.toml is an example")
    source = str(path)
    return optimise_from_dict(data, source=source, base_dir=path.parent, out=out)


def optimise_from_dict(
    data: dict[str, Any],
    *,
    source: str = "<dict>",
    base_dir: Path = Path("."),
    out: str | Path | None = None,
) -> OptimiseSpec:
    """Build a validated :class:`OptimiseSpec` from nested dicts (as TOML gives them)."""
    check = Checker(source)
    check.keys(data, TOP_KEYS, "")
    name = check.string(data, "name", "optimise")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        check.fail("use letters, digits, '.', '_' or '-' (it names the study and folder)", "name")
    base = scenario_file(check.string(data, "scenario", None), base_dir, source, "scenario")
    fixed = check.table(data, "set")
    if "days" in data:
        check.key_of("days", data["days"], int)
        fixed = {**fixed, "run.days": data["days"]}
    base = apply_values(base, fixed, source, "set")
    levers = _ranges(check, check.table(data, "levers"), "levers", base)
    if not levers:
        check.fail('give at least one lever, e.g. "policies.reward.amount" = {...}', "levers")
    uncertain = _ranges(check, check.table(data, "uncertainties"), "uncertainties", base)
    clash = {r.key for r in levers} & {r.key for r in uncertain}
    if clash:
        check.fail(f"'{sorted(clash)[0]}' is both a lever and an uncertainty", "uncertainties")
    objectives = _objectives(check, data.get("objectives"))
    constraints = _constraints(check, check.table(data, "constraints"))
    n_draws = check.integer(data, "scenarios", 4 if uncertain else 1, "", low=1, high=MAX_SCENARIOS)
    sampling = check.choice(data, "sampling", SAMPLINGS, "lhs", "")
    robustness = check.string(data, "robustness", "mean")
    if not re.fullmatch(r"mean|worst|p(100|[1-9]?[0-9])", robustness):
        check.fail(
            f"'{robustness}' is not allowed; use mean, worst or pNN (e.g. p10)", "robustness"
        )
    seed = check.integer(data, "seed", 0, "", low=0, high=2**63 - 1)
    draws = _draws(base, uncertain, n_draws, sampling, seed, source)
    hashed = {k: v for k, v in data.items() if k not in ("trials", "out", "description")}
    text = json.dumps([hashed, to_dict(base)], sort_keys=True, default=str)
    out_path = out if out is not None else check.string(data, "out", f"results/optimise/{name}")
    return OptimiseSpec(
        name=name,
        description=check.string(data, "description", ""),
        levers=levers,
        objectives=objectives,
        constraints=constraints,
        uncertainties=uncertain,
        scenarios=n_draws,
        robustness=robustness,
        replicates=check.integer(data, "replicates", 1, "", low=1, high=MAX_REPLICATES),
        trials=check.integer(data, "trials", 20, "", low=1, high=MAX_TRIALS),
        population=check.integer(data, "population", 20, "", low=2, high=10_000),
        seed=seed,
        out=Path(out_path),
        base=base,
        draws=draws,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        source=source,
    )


def _ranges(check: Checker, table: dict, section: str, base: Scenario) -> tuple[Range, ...]:
    ranges = []
    for key, spec in table.items():
        where = f'{section}."{key}"'
        if plain_key(key) not in PARAM_KEYS:
            close = difflib.get_close_matches(key, PARAM_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            check.fail(f"no parameter '{key}'; {hint}(`cocreate params` lists every key)", where)
        integer = param_type(plain_key(key)) is int
        if isinstance(spec, list):
            if len(spec) < 2:
                check.fail("give at least two choices", where)
            found = Range(key, choices=tuple(spec), integer=integer)
            values = list(spec)
        elif isinstance(spec, dict):
            check.keys(spec, ("min", "max"), where + ".")
            for bound in ("min", "max"):
                value = spec.get(bound)
                if value is None:
                    check.fail("a range needs min and max, e.g. { min = 0, max = 1 }", where)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    check.fail(f"expected a number, got {value!r}", f"{where}.{bound}")
            if not spec["min"] < spec["max"]:
                check.fail(f"min ({spec['min']}) must be below max ({spec['max']})", where)
            found = Range(key, float(spec["min"]), float(spec["max"]), integer)
            values = [spec["min"], spec["max"]]
        else:
            check.fail("expected a range { min = ..., max = ... } or a list of choices", where)
        for value in values:  # every end of the range must make a valid scenario
            try:
                set_values(base, {key: value}, source=check.source)
            except ScenarioError as err:
                check.fail(err.detail, where)
        ranges.append(found)
    return tuple(ranges)


def _objectives(check: Checker, table: Any) -> tuple[Objective, ...]:
    if isinstance(table, list):  # e.g. objectives = ["active_members"]: no directions
        check.fail(
            'give each objective a direction, e.g. active_members = "maximise"', "objectives"
        )
    if not isinstance(table, dict) or not table:
        check.fail('add [objectives], e.g. active_members = "maximise"', "objectives")
    objectives = []
    for key, direction in table.items():
        _check_figure(check, key, f"objectives.{key}")
        if direction not in DIRECTIONS:
            check.fail(
                f'needs a direction: "maximise" or "minimise", got {direction!r}',
                f"objectives.{key}",
            )
        objectives.append(Objective(key, DIRECTIONS[direction]))
    return tuple(objectives)


def _constraints(check: Checker, table: dict) -> tuple[Constraint, ...]:
    constraints = []
    for key, spec in table.items():
        where = f"constraints.{key}"
        _check_figure(check, key, where)
        if not isinstance(spec, dict) or not spec:
            check.fail("expected bounds, e.g. { max = 5000 } or { min = 10 }", where)
        check.keys(spec, ("min", "max"), where + ".")
        for bound, value in spec.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                check.fail(f"expected a number, got {value!r}", f"{where}.{bound}")
        if "min" in spec and "max" in spec and not spec["min"] < spec["max"]:
            check.fail("min must be below max", where)
        constraints.append(Constraint(key, spec.get("min"), spec.get("max")))
    return tuple(constraints)


def _check_figure(check: Checker, key: str, where: str) -> None:
    if key not in SUMMARY:
        close = difflib.get_close_matches(key, SUMMARY, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        check.fail(
            f"no headline figure '{key}'; {hint}known headline figures: "
            + ", ".join(HEADLINE_KEYS),
            where,
        )


def _draws(
    base: Scenario, uncertain: tuple[Range, ...], n: int, sampling: str, seed: int, source: str
) -> tuple[Scenario, ...]:
    """The scenario of every draw of the uncertainties (Latin hypercube or plain random)."""
    if not uncertain:
        return tuple([base] * n)
    if sampling == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(uncertain), seed=seed).random(n)
    else:
        unit = np.random.default_rng(seed).random((n, len(uncertain)))
    draws = []
    for row in unit:
        values = {r.key: r.value(u) for r, u in zip(uncertain, row, strict=True)}
        draws.append(set_values(base, values, source=source))
    return tuple(draws)


def draw_table(spec: OptimiseSpec) -> list[dict[str, Any]]:
    """The uncertainties' values of every draw (for the report)."""
    rows = []
    for i, scenario in enumerate(spec.draws):
        row: dict[str, Any] = {"draw": i}
        for r in spec.uncertainties:
            row[r.key] = _get(scenario, r.key)
        rows.append(row)
    return rows


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part, None)
    return obj
