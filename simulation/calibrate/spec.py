"""Priors files: what a calibration may change, what it believes beforehand, how hard it looks.

A priors file (TOML, e.g. ``examples/priors.toml``)::

    [priors."consumers.intrinsic_mean"]
    distribution = "uniform"        # uniform | normal | lognormal
    min = 0.5
    max = 1.5
    [priors."community.word_of_mouth"]
    distribution = "normal"         # mean, sd; optional min / max (a truncated normal)
    mean = 0.01
    sd = 0.005
    min = 0
    [priors."consumers.threshold_sigma"]
    distribution = "lognormal"      # median, sigma (of the log)
    median = 0.3
    sigma = 0.5
    [calibration]
    population = 100     # particles per generation
    generations = 8      # at most
    simulations = 5000   # budget: particles simulated in all (each runs `replicates` times)
    minutes = 60         # budget: wall-clock minutes of one invocation
    replicates = 1       # runs per particle, their summaries averaged
    min_epsilon = 0      # stop when the acceptance threshold falls to this
    seed = 1             # root of every run's seed
    predictive = 50      # posterior draws simulated for the predictive checks
    scale = true         # scale community.* to the log (run.days always follows it)
    [summaries]          # statistic = weight (default: DEFAULT_SUMMARIES, weight 1 each)
    joined_total = 1
    ever_posted_share = 2
    [set]                # fixed values applied to the base scenario first
    "decision.team" = "internal"

Every mistake becomes one :class:`~simulation.scenario.ScenarioError` naming the file and key.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.experiments.loading import Checker, apply_values, param_type, read_toml_file
from simulation.experiments.spec import PARAM_KEYS
from simulation.scenario import Scenario, ScenarioError, set_values, to_dict
from simulation.scenario.organisations import plain_key

TOP_KEYS = ("priors", "calibration", "summaries", "set")
CALIBRATION_KEYS = (
    "population",
    "generations",
    "simulations",
    "minutes",
    "replicates",
    "min_epsilon",
    "seed",
    "predictive",
    "scale",
)
BUDGET_KEYS = ("generations", "simulations", "minutes", "predictive")
DISTRIBUTIONS = {
    "uniform": ("min", "max"),
    "normal": ("mean", "sd", "min", "max"),
    "lognormal": ("median", "sigma"),
}
# The statistics a calibration compares by default: each is produced by the model's own log and
# informs one mechanism (docs/events.md, "what it informs"); `days` is fixed by the log, and the
# statistics that need long observation (retention_90, still_active_90/180) or are differences
# of small shares (reply_return_effect) are left out as too noisy for a default.
DEFAULT_SUMMARIES = (
    "joined_total",  # arrivals, word of mouth
    "churned_share",  # exit hazards
    "ever_posted_share",  # participation thresholds
    "voter_share",  # voting
    "gini_contributions",  # heavy-tailed voice
    "ideas_per_ideator",  # voice
    "votes_per_idea",  # voting, audience
    "builds_per_idea",  # build share
    "active_monthly_mean",  # participation and exit together
    "still_active_30",  # newcomer retention
    "retention_30",  # exit hazards of newcomers
    "reply_rate",  # review capacity
    "days_to_reply_median",  # review capacity, patience
    "acceptance_rate",  # promotion bar, gates
    "days_to_decision_median",  # review, gates
)
# key paths the log's size sets (unless a prior or [set] fixes them)
SCALED_KEYS = (
    "community.consumers",
    "community.initial_members",
    "community.arrival_rate",
    "run.days",
)
LOGNORMAL_TAIL = 0.9999  # a lognormal prior must keep this much of its mass in the allowed range


@dataclass(frozen=True)
class Prior:
    """One parameter's prior: a scipy distribution name and its arguments, and its support."""

    key: str
    distribution: str  # uniform | normal | lognormal
    args: dict[str, float]
    low: float  # support (finite or +-inf)
    high: float
    integer: bool = False

    def rv(self) -> tuple[str, tuple, dict]:
        """``(scipy name, args, kwargs)`` of the distribution (as pyabc.RV takes them)."""
        a = self.args
        if self.distribution == "uniform":
            return "uniform", (a["min"], a["max"] - a["min"]), {}
        if self.distribution == "normal":
            lo = (self.low - a["mean"]) / a["sd"]
            hi = (self.high - a["mean"]) / a["sd"]
            return "truncnorm", (lo, hi, a["mean"], a["sd"]), {}
        return "lognorm", (a["sigma"],), {"scale": a["median"]}

    def frozen(self):
        """The frozen scipy distribution."""
        import scipy.stats

        name, args, kwargs = self.rv()
        return getattr(scipy.stats, name)(*args, **kwargs)

    def describe(self) -> str:
        """A short text, e.g. ``uniform(0.5, 1.5)``."""
        shown = ", ".join(f"{k}={v:g}" for k, v in self.args.items())
        return f"{self.distribution}({shown})"


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated priors file (the base scenario is checked against it, not yet scaled)."""

    priors: tuple[Prior, ...]
    summaries: dict[str, float]  # statistic -> weight
    population: int = 100
    generations: int = 8
    simulations: int | None = None
    minutes: float | None = None
    replicates: int = 1
    min_epsilon: float = 0.0
    seed: int = 0
    predictive: int = 50
    scale: bool = True
    fixed: dict[str, Any] = field(default_factory=dict)
    base: Scenario = field(default_factory=Scenario, repr=False)
    source: str = "<priors>"
    text: str = ""  # the canonical JSON of the file's content (for the digest)

    @property
    def keys(self) -> tuple[str, ...]:
        """The calibrated key paths, in file order."""
        return tuple(p.key for p in self.priors)


def load_priors(path: str | Path, base: Scenario) -> CalibrationSpec:
    """Read and validate a priors file against ``base`` (ScenarioError naming file and key)."""
    path = Path(path)
    data = read_toml_file(path, "examples/priors.toml is an example")
    return priors_from_dict(data, base, source=str(path))


def priors_from_dict(
    data: dict[str, Any], base: Scenario, *, source: str = "<dict>"
) -> CalibrationSpec:
    """Build a validated :class:`CalibrationSpec` from nested dicts (as TOML gives them)."""
    check = Checker(source)
    check.keys(data, TOP_KEYS, "")
    fixed = check.table(data, "set")
    base = apply_values(base, fixed, source, "set")
    table = check.table(data, "priors")
    if not table:
        check.fail(
            'give at least one prior, e.g. [priors."consumers.intrinsic_mean"] '
            'distribution = "uniform", min = 0.5, max = 1.5',
            "priors",
        )
    priors = tuple(_prior(check, key, spec, base) for key, spec in table.items())
    clash = sorted(set(fixed) & {p.key for p in priors})
    if clash:
        check.fail(f"'{clash[0]}' has a prior and a fixed value in [set]", f'priors."{clash[0]}"')
    calib = check.table(data, "calibration")
    check.keys(calib, CALIBRATION_KEYS, "calibration.")
    p = "calibration."
    simulations = calib.get("simulations")
    if simulations is not None:
        simulations = check.integer(calib, "simulations", 0, p, low=1, high=100_000_000)
    minutes = calib.get("minutes")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
            check.fail(f"expected a positive number of minutes, got {minutes!r}", p + "minutes")
        minutes = float(minutes)
    min_epsilon = calib.get("min_epsilon", 0.0)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, int | float) or min_epsilon < 0:
        check.fail(f"expected a number >= 0, got {min_epsilon!r}", p + "min_epsilon")
    # the budget is not part of what a calibration is: raising it goes on with the same history
    hashed = {**data, "calibration": {k: v for k, v in calib.items() if k not in BUDGET_KEYS}}
    text = json.dumps([hashed, to_dict(base)], sort_keys=True, default=str)
    return CalibrationSpec(
        priors=priors,
        summaries=_summaries(check, check.table(data, "summaries")),
        population=check.integer(calib, "population", 100, p, low=2, high=1_000_000),
        generations=check.integer(calib, "generations", 8, p, low=1, high=1_000),
        simulations=simulations,
        minutes=minutes,
        replicates=check.integer(calib, "replicates", 1, p, low=1, high=1_000),
        min_epsilon=float(min_epsilon),
        seed=check.integer(calib, "seed", 0, p, low=0, high=2**63 - 1),
        predictive=check.integer(calib, "predictive", 50, p, low=2, high=100_000),
        scale=check.boolean(calib, "scale", True, p),
        fixed=dict(fixed),
        base=base,
        source=source,
        text=text,
    )


def _number(check: Checker, spec: dict, key: str, where: str) -> float:
    value = spec.get(key)
    if value is None:
        check.fail(f"needs {key}", where)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        check.fail(f"expected a number, got {value!r}", f"{where}.{key}")
    return float(value)


def _prior(check: Checker, key: str, spec: Any, base: Scenario) -> Prior:
    where = f'priors."{key}"'
    if plain_key(key) not in PARAM_KEYS:
        close = difflib.get_close_matches(key, PARAM_KEYS, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        check.fail(f"no parameter '{key}'; {hint}(`cocreate params` lists every key)", where)
    kind = param_type(plain_key(key))
    if kind not in (int, float):
        check.fail(f"'{key}' is not a number ({kind.__name__}); only numbers get priors", where)
    if not isinstance(spec, dict):
        check.fail('expected a table, e.g. { distribution = "uniform", min = 0, max = 1 }', where)
    name = spec.get("distribution")
    if name not in DISTRIBUTIONS:
        close = difflib.get_close_matches(str(name), DISTRIBUTIONS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        check.fail(
            f"distribution {name!r} is not known; {hint}use one of: " + ", ".join(DISTRIBUTIONS),
            where + ".distribution",
        )
    allowed = DISTRIBUTIONS[name]
    check.keys(spec, ("distribution", *allowed), where + ".")
    low, high = _allowed(key)
    integer = kind is int
    if name == "uniform":
        args = {b: _number(check, spec, b, where) for b in ("min", "max")}
        if not args["min"] < args["max"]:
            check.fail(f"min ({args['min']:g}) must be below max ({args['max']:g})", where)
        support = (args["min"], args["max"])
    elif name == "normal":
        args = {b: _number(check, spec, b, where) for b in ("mean", "sd")}
        if args["sd"] <= 0:
            check.fail(f"sd must be positive, got {args['sd']:g}", where + ".sd")
        lo = _number(check, spec, "min", where) if "min" in spec else low
        hi = _number(check, spec, "max", where) if "max" in spec else high
        if not lo < hi:
            check.fail(f"min ({lo:g}) must be below max ({hi:g})", where)
        args.update({"min": lo, "max": hi} if ("min" in spec or "max" in spec) else {})
        support = (lo, hi)
    else:
        args = {b: _number(check, spec, b, where) for b in ("median", "sigma")}
        for b in ("median", "sigma"):
            if args[b] <= 0:
                check.fail(f"{b} must be positive, got {args[b]:g}", f"{where}.{b}")
        import scipy.stats

        top = float(scipy.stats.lognorm(args["sigma"], scale=args["median"]).ppf(LOGNORMAL_TAIL))
        if low > 0 or top > high:
            check.fail(
                f"a lognormal(median={args['median']:g}, sigma={args['sigma']:g}) reaches "
                f"{top:.4g} (its {LOGNORMAL_TAIL:.2%} quantile) but '{key}' allows only "
                f"[{low:g}, {high:g}]; narrow it or use a normal with min and max",
                where,
            )
        support = (0.0, math.inf)
    for end, bound in zip(support, ("min", "max"), strict=True):
        if math.isfinite(end) and not low <= end <= high:
            check.fail(
                f"{bound} = {end:g} is outside the allowed range of '{key}' [{low:g}, {high:g}]",
                where,
            )
        if math.isfinite(end):
            try:
                set_values(base, {key: round(end) if integer else end}, source=check.source)
            except ScenarioError as err:
                check.fail(err.detail, where)
    prior = Prior(key, name, args, support[0], support[1], integer)
    if name == "normal" and not prior.frozen().cdf(support[1]) > 0:
        check.fail("the truncated normal has no mass in its range", where)
    return prior


def _allowed(key: str) -> tuple[float, float]:
    """A parameter's allowed range (its metadata low/high; +-inf where open)."""
    from simulation.scenario.parameters import iter_params

    for path, f in iter_params():
        if path == plain_key(key):
            low, high = f.metadata.get("low"), f.metadata.get("high")
            return (
                -math.inf if low is None else float(low),
                math.inf if high is None else float(high),
            )
    return -math.inf, math.inf


def _summaries(check: Checker, table: dict) -> dict[str, float]:
    from simulation.events.summaries import STATISTICS

    if not table:
        return dict.fromkeys(DEFAULT_SUMMARIES, 1.0)
    out = {}
    for key, weight in table.items():
        if key not in STATISTICS or key == "days":
            known = [k for k in STATISTICS if k != "days"]
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            check.fail(
                f"no summary statistic '{key}'; {hint}(docs/events.md lists them)",
                f"summaries.{key}",
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            check.fail(f"expected a weight >= 0, got {weight!r}", f"summaries.{key}")
        out[key] = float(weight)
    if not any(out.values()):
        check.fail("every weight is 0; give at least one summary a positive weight", "summaries")
    return out


def digest(spec: CalibrationSpec, log_digest: str, base: Scenario) -> str:
    """The hash of a calibration: the priors file's content, the scaled scenario and the log."""
    text = json.dumps([spec.text, to_dict(base), log_digest], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
