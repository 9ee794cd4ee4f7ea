"""Experiment files: what to vary, how to sample it, what to record, where to write it.

An experiment file (TOML, ``experiments/*.toml``) names a base scenario, the parameters to vary
by dotted key path, a design, replicates, days, the tables to record and the output folder::

    scenario = "../scenarios/baseline.toml"   # relative to this file
    replicates = 5
    seed = 2026
    days = 180
    [design]
    kind = "grid"                  # grid | list | lhs | sobol | morris
    [parameters]
    "policies.reward.amount" = [0, 10, 50]
    "consumers.intrinsic_mean" = { min = 0.5, max = 1.5, steps = 3 }
    [tables.weekly]
    metrics = ["active_members", "quality_accepted"]
    every = 7

Everything is checked here, once, like a scenario: every mistake becomes one
:class:`~simulation.scenario.ScenarioError` naming the file, the key path and the fix (the CLI
prints it and exits with code 2). Every design point's scenario is built and validated before
the first run starts, so a value out of range cannot fail a sweep half-way.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from simulation.experiments.design import design_table, drawn, point_scenarios
from simulation.experiments.spec import (
    DESIGNS,
    DISTRIBUTIONS,
    PARAM_KEYS,
    SEED_MODES,
    SOURCES,
    SUMMARY,
    TOP_KEYS,
    ExperimentSpec,
    Factor,
    SubExperiment,
    TableSpec,
)
from simulation.model.metrics import REPORTERS
from simulation.scenario import Scenario, ScenarioError, load_scenario, set_values, to_dict
from simulation.scenario.organisations import entry_name, plain_key


def load_experiment(
    path: str | Path, *, out: str | Path | None = None, replicates: int | None = None
) -> ExperimentSpec:
    """Read and validate an experiment file.

    Args:
        path: the TOML file.
        out: output folder instead of the file's ``out`` (e.g. the CLI's ``--out``).
        replicates: runs per design point instead of the file's ``replicates``.

    Raises:
        ScenarioError: naming the file and key path of the first mistake.
    """
    path = Path(path)
    data = read_toml_file(path, "examples live in experiments/*.toml")
    source = str(path)
    _check_asks_for_runs(data, source)
    if replicates is not None:
        data["replicates"] = replicates
    return experiment_from_dict(data, source=source, base_dir=path.parent, out=out)


# What an experiment file must give at least one of: without any, it asks for nothing.
ASKING_KEYS = ("scenario", "set", "days", "parameters", "subexperiments")


def _check_asks_for_runs(data: dict[str, Any], source: str) -> None:
    """Refuse a file that asks for nothing: empty, or naming no scenario and varying nothing.

    Such a file would quietly sweep the built-in defaults; it is a mistake (an empty or
    unfinished file), not a request. ``experiment_from_dict`` still takes ``{}``
    for the defaults: code asks for them on purpose.
    """
    if any(data.get(key) not in (None, {}, []) for key in ASKING_KEYS):
        return
    what = (
        "the file is empty"
        if not data
        else "the file names no scenario, sets nothing and varies nothing"
    )
    raise ScenarioError(
        f'{what}: name a base scenario (scenario = "..."), [parameters] to vary or '
        "[[subexperiments]] (examples live in experiments/*.toml)",
        source=source,
        key="parameters",
    )


def read_toml_file(path: Path, hint: str) -> dict[str, Any]:
    """A TOML file's tables, or one ScenarioError naming the file (``hint``: where examples are)."""
    source = str(path)
    if not path.is_file():
        raise ScenarioError(f"file not found; check the path ({hint})", source=source)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"invalid TOML: {err}", source=source) from None
    except (UnicodeDecodeError, OSError) as err:
        raise ScenarioError(f"cannot read the file ({err})", source=source) from None


def experiment_from_dict(
    data: dict[str, Any],
    *,
    source: str = "<dict>",
    base_dir: Path = Path("."),
    out: str | Path | None = None,
) -> ExperimentSpec:
    """Build a validated experiment from nested dicts (as TOML gives them)."""
    check = Checker(source)
    check.keys(data, TOP_KEYS, "")
    name = check.string(data, "name", "experiment")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ScenarioError(
            "use letters, digits, '.', '_' or '-' (it names the output folder)",
            source=source,
            key="name",
        )
    base_file = check.string(data, "scenario", None)
    base = scenario_file(base_file, base_dir, source, "scenario")
    fixed = check.table(data, "set")
    days = data.get("days")
    if days is not None:
        fixed = {**fixed, "run.days": days}
        check.key_of("days", days, int)
    base = apply_values(base, fixed, source, "set")

    subs = _subexperiments(data, check, base, base_dir)
    factors = tuple(
        _factor(key, spec, check) for key, spec in check.table(data, "parameters").items()
    )
    for factor in factors:  # a factor inside an organisation needs that organisation
        org = entry_name(factor.key)
        for scenario in [base, *(sub.scenario for sub in subs)]:
            if org and org not in [e.name for e in scenario.organisations]:
                known = ", ".join(e.name for e in scenario.organisations) or "none"
                raise ScenarioError(
                    f"no organisation named '{org}' in scenario '{scenario.name}' "
                    f"(its organisations: {known})",
                    source=source,
                    key=f'parameters."{factor.key}"',
                )
    design_data = check.table(data, "design")
    check.keys(design_data, ("kind", "samples", "levels", "second_order"), "design.")
    default_kind = "list" if subs and not factors else "grid"
    design = check.choice(design_data, "kind", DESIGNS, default_kind, "design.")
    samples = check.integer(design_data, "samples", 64, "design.", low=2, high=1_000_000)
    levels = check.integer(design_data, "levels", 4, "design.", low=2, high=100)
    second_order = check.boolean(design_data, "second_order", False, "design.")
    _check_design(design, factors, subs, samples, levels, check)

    replicates = check.integer(data, "replicates", 1, "", low=1, high=100_000)
    seed = check.integer(data, "seed", 0, "", low=0, high=2**63 - 1)
    seeds = check.choice(data, "seeds", SEED_MODES, "independent", "")
    if seeds == "paired" and len(subs) < 2:
        raise ScenarioError(
            'seeds = "paired" gives the sub-experiments the same seeds at each sample; add two '
            'or more [[subexperiments]], or use seeds = "independent" or "common"',
            source=source,
            key="seeds",
        )
    draws = _draws(data.get("draws"), replicates, check)
    tables = _tables(check.table(data, "tables"), check)
    out_path = Path(out) if out is not None else Path(check.string(data, "out", f"results/{name}"))
    raw = {
        **data,
        "base_scenario": to_dict(base),
        "subexperiment_scenarios": {s.name: to_dict(s.scenario) for s in subs},
    }
    spec = ExperimentSpec(
        name=name,
        description=check.string(data, "description", ""),
        source=source,
        base=base,
        subexperiments=subs,
        factors=factors,
        design=design,
        samples=samples,
        levels=levels,
        second_order=second_order,
        replicates=replicates,
        seed=seed,
        seeds=seeds,
        tables=tables,
        out=out_path,
        raw=raw,
        draws=draws,
    )
    points = design_table(spec)  # every point validates before anything runs, once
    spec = replace(spec, points=points, scenarios=tuple(point_scenarios(spec, points)))
    _check_draws(spec)
    return spec


def _draws(value: Any, replicates: int, check: Checker) -> tuple[dict[str, Any], ...]:
    """The ``[[draws]]`` tables, one per replicate, their keys checked (empty when absent)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
        check.fail(
            'expected a list of tables, one per replicate: [[draws]] with "key.path" = value',
            "draws",
        )
    if len(value) != replicates:
        check.fail(
            f"{len(value)} draws for {replicates} replicates; give one table per replicate",
            "draws",
        )
    for i, values in enumerate(value):
        for key in values:
            if plain_key(key) not in PARAM_KEYS:
                close = difflib.get_close_matches(key, PARAM_KEYS, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                check.fail(
                    f"no parameter '{key}'; {hint}(`cocreate params` lists every key path)",
                    f'draws[{i}]."{key}"',
                )
    return tuple(dict(values) for values in value)


def _check_draws(spec: ExperimentSpec) -> None:
    """Every design point's scenario at every replicate's draw validates (ScenarioError)."""
    if not spec.draws:
        return
    subs = spec.points.get("subexperiment")
    for p, scenario in enumerate(spec.scenarios):
        for r in range(spec.replicates):
            try:
                drawn(spec, scenario, None if subs is None else subs.iloc[p], r)
            except ScenarioError as err:
                raise ScenarioError(
                    f"{err.detail} (design point {p})", source=spec.source, key=f"draws[{r}]"
                ) from None


def scenario_file(file: str | None, base_dir: Path, source: str, key: str) -> Scenario:
    """The scenario a file names (relative to ``base_dir``); the defaults when it names none."""
    if file is None:
        return Scenario()
    path = base_dir / file
    if not path.is_file():
        raise ScenarioError(
            f"scenario file '{file}' not found (paths are relative to the experiment file)",
            source=source,
            key=key,
        )
    return load_scenario(path)


def apply_values(scenario: Scenario, values: dict[str, Any], source: str, key: str) -> Scenario:
    """``scenario`` with ``values`` set by key path; an unknown key names ``key`` and the path."""
    for path in values:
        if plain_key(path) not in PARAM_KEYS:
            close = difflib.get_close_matches(path, PARAM_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ScenarioError(
                f"no parameter '{path}'; {hint}(`cocreate params` lists every key path)",
                source=source,
                key=f"{key}.{path}",
            )
    try:
        return set_values(scenario, values, source=source)
    except ScenarioError as err:
        raise ScenarioError(err.detail, source=source, key=f"{key}.{err.key}") from None


def _subexperiments(
    data: dict[str, Any], check: Checker, base: Scenario, base_dir: Path
) -> tuple[SubExperiment, ...]:
    items = data.get("subexperiments", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ScenarioError(
            "expected a list of tables: [[subexperiments]] with name = ... and set = {...}",
            source=check.source,
            key="subexperiments",
        )
    subs, names = [], set()
    for i, item in enumerate(items):
        prefix = f"subexperiments[{i}]."
        check.keys(item, ("name", "scenario", "set"), prefix)
        name = check.string(item, "name", None, prefix)
        if name is None:
            raise ScenarioError(
                "every sub-experiment needs a name", source=check.source, key=prefix + "name"
            )
        if name in names:
            raise ScenarioError(
                f"'{name}' is used twice; names must differ",
                source=check.source,
                key=prefix + "name",
            )
        names.add(name)
        scenario = base
        if "scenario" in item:
            scenario = scenario_file(
                check.string(item, "scenario", None, prefix),
                base_dir,
                check.source,
                prefix + "scenario",
            )
            fixed = check.table(data, "set")
            if "days" in data:
                fixed = {**fixed, "run.days": data["days"]}
            scenario = apply_values(scenario, fixed, check.source, "set")
        values = check.table(item, "set", prefix)
        scenario = apply_values(scenario, values, check.source, prefix + "set")
        subs.append(SubExperiment(name, scenario, values))
    return tuple(subs)


def _factor(key: str, spec: Any, check: Checker) -> Factor:
    where = f'parameters."{key}"'
    if plain_key(key) not in PARAM_KEYS:
        close = difflib.get_close_matches(key, PARAM_KEYS, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ScenarioError(
            f"no parameter '{key}'; {hint}(`cocreate params` lists every key path)",
            source=check.source,
            key=where,
        )
    integer = param_type(plain_key(key)) is int
    if isinstance(spec, list):
        if not spec:
            raise ScenarioError("give at least one value", source=check.source, key=where)
        return Factor(key, values=tuple(spec), integer=integer)
    if not isinstance(spec, dict):
        raise ScenarioError(
            "expected a list of values, e.g. [0, 10, 50], or a range, e.g. "
            "{ min = 0, max = 1, steps = 5 }",
            source=check.source,
            key=where,
        )
    allowed = ("min", "max", "steps", "distribution", "mean", "sd")
    check.keys(spec, allowed, where + ".")
    dist = check.choice(spec, "distribution", DISTRIBUTIONS, "uniform", where + ".")
    nums = {}
    for name in ("min", "max", "mean", "sd"):
        if name in spec:
            value = spec[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScenarioError(
                    f"expected a number, got {value!r}", source=check.source, key=f"{where}.{name}"
                )
            nums[name] = float(value)
    low, high = nums.get("min"), nums.get("max")
    if dist == "uniform" and (low is None or high is None):
        raise ScenarioError(
            "a range needs min and max, e.g. { min = 0, max = 1, steps = 5 }",
            source=check.source,
            key=where,
        )
    if dist != "uniform" and ("mean" not in nums or "sd" not in nums):
        raise ScenarioError(
            f"a {dist} distribution needs mean and sd", source=check.source, key=where
        )
    if low is not None and high is not None and not low < high:
        raise ScenarioError("min must be below max", source=check.source, key=where)
    if nums.get("sd", 1.0) <= 0:
        raise ScenarioError("sd must be positive", source=check.source, key=where + ".sd")
    steps = spec.get("steps")
    if steps is not None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2 or dist != "uniform":
            raise ScenarioError(
                "steps must be an integer >= 2, on a uniform range",
                source=check.source,
                key=where + ".steps",
            )
        values = [low + (high - low) * i / (steps - 1) for i in range(steps)]
        values = [round(v) for v in values] if integer else [round(v, 12) for v in values]
        return Factor(key, values=tuple(dict.fromkeys(values)), integer=integer)
    return Factor(key, None, dist, low, high, nums.get("mean"), nums.get("sd"), integer)


def param_type(key: str) -> Any:
    """The Python type of the parameter at ``key`` (e.g. ``int`` for ``marketers.count``)."""
    import typing

    from simulation.scenario import Scenario as Root

    cls: Any = Root
    parts = key.split(".")
    for part in parts[:-1]:
        cls = typing.get_type_hints(cls)[part]
    return typing.get_type_hints(cls)[parts[-1]]


def _check_design(
    design: str,
    factors: tuple[Factor, ...],
    subs: tuple[SubExperiment, ...],
    samples: int,
    levels: int,
    check: Checker,
) -> None:
    src = check.source
    if design == "list" and not subs:
        raise ScenarioError(
            "a list design needs [[subexperiments]] (each with a name and set = {...})",
            source=src,
            key="design.kind",
        )
    if design in ("grid", "list"):
        for f in factors:
            if f.values is None:
                raise ScenarioError(
                    f"a {design} design needs values: a list, or {{ min, max, steps }}",
                    source=src,
                    key=f'parameters."{f.key}"',
                )
        return
    if subs and design != "lhs":
        raise ScenarioError(
            f"a {design} design samples parameters for its indices; sub-experiments go with "
            "grid, list or lhs",
            source=src,
            key="subexperiments",
        )
    if not factors:
        raise ScenarioError(
            f"a {design} design needs [parameters] to sample", source=src, key="parameters"
        )
    if design == "sobol" and samples & (samples - 1):
        good = 2 ** round(math.log2(samples))
        raise ScenarioError(
            f"Sobol samples must be a power of two (e.g. {good})", source=src, key="design.samples"
        )
    if design == "morris":
        for f in factors:
            if f.values is None and f.distribution != "uniform":
                raise ScenarioError(
                    "a Morris design needs a uniform range (min, max) or a list of values",
                    source=src,
                    key=f'parameters."{f.key}"',
                )


def _tables(data: dict[str, Any], check: Checker) -> tuple[TableSpec, ...]:
    if not data:
        return (TableSpec("timeseries"),)
    tables = []
    for name, spec in data.items():
        where = f"tables.{name}"
        if name == SUMMARY:
            raise ScenarioError(
                "'summary' is written for every run anyway; choose another name",
                source=check.source,
                key=where,
            )
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ScenarioError(
                "use letters, digits, '_' or '-' (it names a folder)",
                source=check.source,
                key=where,
            )
        if not isinstance(spec, dict):
            raise ScenarioError(
                "expected a table, e.g. [tables.weekly] with metrics = [...] and every = 7",
                source=check.source,
                key=where,
            )
        check.keys(spec, ("source", "metrics", "columns", "every"), where + ".")
        source = check.choice(spec, "source", SOURCES, "timeseries", where + ".")
        columns = spec.get("metrics", spec.get("columns", []))
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ScenarioError(
                "expected a list of names", source=check.source, key=where + ".metrics"
            )
        if source == "timeseries":
            for c in columns:
                if c not in REPORTERS:
                    close = difflib.get_close_matches(c, list(REPORTERS), n=1)
                    hint = f"did you mean '{close[0]}'? " if close else ""
                    raise ScenarioError(
                        f"no metric '{c}'; {hint}(docs/ODD.md lists the metrics)",
                        source=check.source,
                        key=where + ".metrics",
                    )
        every = check.integer(spec, "every", 1, where + ".", low=1, high=100_000)
        tables.append(TableSpec(name, source, tuple(columns), every))
    return tuple(tables)


@dataclass
class Checker:
    """Typed reads of keys with one clear error each."""

    source: str

    def fail(self, message: str, key: str) -> None:
        """Raise the one error of a bad file at ``key``."""
        raise ScenarioError(message, source=self.source, key=key)

    def keys(self, data: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        """Refuse any key of ``data`` not in ``allowed`` (with a close match as a hint)."""
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                )
                self.fail(f"unknown key '{key}'; {hint}", prefix + key)

    def key_of(self, key: str, value: Any, kind: type) -> None:
        """Refuse ``value`` unless it is of type ``kind``."""
        if isinstance(value, bool) or not isinstance(value, kind):
            self.fail(f"expected {kind.__name__}, got {value!r}", key)

    def string(self, data: dict, key: str, default: str | None, prefix: str = "") -> Any:
        """A string at ``key`` (``default`` when absent)."""
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            self.fail(f'expected a string, e.g. "text", got {value!r}', prefix + key)
        return value

    def integer(
        self, data: dict, key: str, default: int, prefix: str, *, low: int, high: int
    ) -> int:
        """An integer in ``[low, high]`` at ``key`` (``default`` when absent)."""
        value = data.get(key, default)
        self.key_of(prefix + key, value, int)
        if not low <= value <= high:
            self.fail(f"{value} is out of range; use a value in [{low}, {high}]", prefix + key)
        return value

    def boolean(self, data: dict, key: str, default: bool, prefix: str) -> bool:
        """A boolean at ``key`` (``default`` when absent)."""
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"expected true or false, got {value!r}", prefix + key)
        return value

    def choice(
        self, data: dict, key: str, choices: tuple[str, ...], default: str, prefix: str
    ) -> str:
        """One of ``choices`` at ``key`` (``default`` when absent)."""
        value = data.get(key, default)
        if value not in choices:
            close = difflib.get_close_matches(str(value), choices, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            self.fail(
                f"'{value}' is not allowed; {hint}choose one of: {', '.join(choices)}", prefix + key
            )
        return value

    def table(self, data: dict, key: str, prefix: str = "") -> dict[str, Any]:
        """A sub-table at ``key`` (empty when absent)."""
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(f"expected a table ({{ key = value, ... }}), got {value!r}", prefix + key)
        return value
