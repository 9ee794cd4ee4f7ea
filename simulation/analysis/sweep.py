"""What a sweep found: summaries over replicates and global sensitivity indices.

- :func:`point_summary` — per design point and metric: replicates, mean, SD and the 95 %
  t-interval of the mean.
- :func:`sensitivity` — Sobol first-order and total indices (Saltelli/Sobol design), Morris
  elementary effects (mu*, sigma) and RBD-FAST first-order indices (Latin hypercube), each with
  SALib's bootstrap 95 % interval, computed on the replicate mean of each design point
  (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*; Herman & Usher 2017, SALib).
  A warning is attached when the sample is too small for the indices to be stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from simulation.experiments.design import UNIT_PREFIX, unit_problem
from simulation.experiments.spec import Factor
from simulation.experiments.store import ExperimentResults
from simulation.headlines import HEADLINES

ID_COLUMNS = ("run_id", "point", "replicate", "seed", "days")
DEFAULT_METRICS = (
    "active_members",
    "churned_share",
    "ideas",
    "quality_accepted",
    "time_to_decision_median",
    "satisfaction_mean",
)
MIN_SOBOL_N = 256  # base samples below which Sobol indices are rarely stable
MIN_MORRIS_TRAJECTORIES = 10
MIN_LHS_POINTS = 100
RBD_HARMONICS = 10  # SALib's default M; RBD-FAST needs more than 2 M points to mean anything
MAX_CONF = 0.1  # an index known to +-0.1 or worse is not stable enough to rank factors


@dataclass
class Sensitivity:
    """Indices of one sweep: a tidy table and the warnings that go with it."""

    method: str
    table: pd.DataFrame  # metric, factor, index, value, conf, low, high
    warnings: list[str] = field(default_factory=list)


def labels_of(results: ExperimentResults) -> list[str]:
    """The columns that label a design point (sub-experiment and factors)."""
    factors = results.manifest.get("factors", [])
    return (["subexperiment"] if "subexperiment" in results.summary.columns else []) + factors


def metrics_of(results: ExperimentResults, metrics: list[str] | None = None) -> list[str]:
    """The summary metrics to analyse: the given ones, else the default headline set."""
    summary = results.summary
    if metrics:
        missing = [m for m in metrics if m not in summary.columns]
        if missing:
            known = [c for c in summary.columns if c not in (*ID_COLUMNS, *labels_of(results))]
            raise ValueError(f"no metric {', '.join(missing)}; metrics: {', '.join(known)}")
        return list(metrics)
    return [m for m in DEFAULT_METRICS if m in summary.columns]


def point_summary(results: ExperimentResults, metrics: list[str] | None = None) -> pd.DataFrame:
    """Mean and 95 % t-interval over replicates, per design point and metric (long format).

    >>> import pandas as pd
    >>> from pathlib import Path
    >>> summary = pd.DataFrame({"point": [0, 0, 1, 1], "ideas": [1.0, 3.0, 5.0, 5.0]})
    >>> empty = pd.DataFrame()
    >>> r = ExperimentResults(Path("."), {"factors": []}, empty, empty, summary, {})
    >>> point_summary(r, ["ideas"])[["mean", "ci_low", "ci_high"]].round(3).to_numpy().tolist()
    [[2.0, -10.706, 14.706], [5.0, 5.0, 5.0]]
    """
    summary = results.summary
    if summary.empty:
        return pd.DataFrame()
    labels = labels_of(results)
    metrics = metrics_of(results, metrics)
    keys = ["point", *labels]
    first = summary.groupby("point", sort=True)[labels].first().reset_index() if labels else None
    rows = []
    for metric in metrics:
        grouped = summary.groupby("point", sort=True)[metric]
        n = grouped.count()
        mean, sd = grouped.mean(), grouped.std(ddof=1)
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
        half = half.where(n > 1)
        frame = pd.DataFrame(
            {
                "point": n.index,
                "metric": metric,
                "n": n.to_numpy(),
                "mean": mean.to_numpy(),
                "sd": sd.to_numpy(),
                "ci_low": (mean - half).to_numpy(),
                "ci_high": (mean + half).to_numpy(),
            }
        )
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    if first is not None:
        out = out.merge(first, on="point", how="left")
    return out[[*keys, "metric", "n", "mean", "sd", "ci_low", "ci_high"]]


def sensitivity(results: ExperimentResults, metrics: list[str] | None = None) -> Sensitivity | None:
    """Global sensitivity indices for a Sobol, Morris or Latin-hypercube sweep (else None)."""
    manifest = results.manifest
    method = manifest.get("design")
    if method not in ("sobol", "morris", "lhs"):
        return None
    factors = manifest.get("factors", [])
    problem = unit_problem(tuple(Factor(k) for k in factors))
    design = results.design.sort_values("point")
    seed = int(manifest.get("root_seed", 0))
    rows, warnings = [], []
    # a Latin hypercube crossed with sub-experiments: indices per sub-experiment, each over the
    # same samples (the metric is named "<metric> [<sub-experiment>]")
    groups = (
        list(design.groupby("subexperiment", sort=False))
        if "subexperiment" in design.columns
        else [(None, design)]
    )
    means = results.summary.groupby("point") if not results.summary.empty else None
    if method == "lhs" and len(groups[0][1]) <= 2 * RBD_HARMONICS:
        warnings.append(
            f"{len(groups[0][1])} Latin-hypercube points: RBD-FAST needs more than "
            f"{2 * RBD_HARMONICS} to estimate any index; none computed — raise design.samples"
        )
        groups = []
    for sub, points in groups:
        x = points[[UNIT_PREFIX + k for k in factors]].to_numpy(dtype=float)
        for metric in metrics_of(results, metrics):
            name = metric if sub is None else f"{metric} [{sub}]"
            y = (
                means[metric].mean().reindex(points["point"]).to_numpy()
                if means is not None
                else np.full(len(points), np.nan)
            )
            if np.isnan(y).any():
                missing = int(np.isnan(y).sum())
                warnings.append(
                    f"{name}: {missing} of {len(y)} design points have no value (failed or not "
                    "yet run, or undefined such as a quality with no accepted idea); indices "
                    "skipped"
                )
                continue
            if np.ptp(y) == 0:
                warnings.append(f"{name}: the same value at every point; nothing to attribute")
                continue
            rows += _indices(method, problem, x, y, name, factors, manifest, seed)
    table = pd.DataFrame(rows, columns=["metric", "factor", "index", "value", "conf"])
    table["low"], table["high"] = table["value"] - table["conf"], table["value"] + table["conf"]
    warnings += _stability_warnings(method, table, manifest)
    return Sensitivity(method, table, warnings)


def _indices(method, problem, x, y, metric, factors, manifest, seed) -> list[tuple]:
    from SALib.analyze import morris, rbd_fast, sobol

    rows = []
    if method == "sobol":
        res = sobol.analyze(
            problem,
            y,
            calc_second_order=bool(manifest.get("second_order", False)),
            conf_level=0.95,
            num_resamples=200,
            seed=seed,
        )
        for i, f in enumerate(factors):
            rows.append((metric, f, "S1", res["S1"][i], res["S1_conf"][i]))
            rows.append((metric, f, "ST", res["ST"][i], res["ST_conf"][i]))
    elif method == "morris":
        res = morris.analyze(
            problem,
            x,
            y,
            conf_level=0.95,
            num_levels=int(manifest.get("levels", 4)),
            num_resamples=200,
            seed=seed,
        )
        for i, f in enumerate(factors):
            rows.append((metric, f, "mu_star", res["mu_star"][i], res["mu_star_conf"][i]))
            rows.append((metric, f, "sigma", res["sigma"][i], np.nan))
    else:
        res = rbd_fast.analyze(
            problem, x, y, M=RBD_HARMONICS, conf_level=0.95, num_resamples=200, seed=seed
        )
        for i, f in enumerate(factors):
            rows.append((metric, f, "S1", res["S1"][i], res["S1_conf"][i]))
    return [(m, f, idx, float(v), float(c)) for m, f, idx, v, c in rows]


def _stability_warnings(method: str, table: pd.DataFrame, manifest: dict) -> list[str]:
    samples = int(manifest.get("samples", 0))
    out = []
    if method == "sobol" and samples < MIN_SOBOL_N:
        out.append(
            f"Sobol base sample N = {samples} is small (< {MIN_SOBOL_N}); indices may change "
            "with the seed — raise design.samples (a power of two) before trusting a ranking"
        )
    if method == "morris" and samples < MIN_MORRIS_TRAJECTORIES:
        out.append(
            f"{samples} Morris trajectories (< {MIN_MORRIS_TRAJECTORIES}); screening may "
            "misrank factors — raise design.samples"
        )
    if method == "lhs" and samples < MIN_LHS_POINTS and len(table):
        out.append(
            f"{samples} Latin-hypercube points (< {MIN_LHS_POINTS}); RBD-FAST indices are "
            "rough — raise design.samples"
        )
    if method in ("sobol", "lhs"):
        wide = table[(table["conf"] > MAX_CONF)]
        if len(wide):
            out.append(
                f"{len(wide)} of {len(table)} indices have a 95 % interval wider than "
                f"±{MAX_CONF} (e.g. {wide.iloc[0]['metric']} / {wide.iloc[0]['factor']} "
                f"{wide.iloc[0]['index']} = {wide.iloc[0]['value']:.2f} ± "
                f"{wide.iloc[0]['conf']:.2f}): too few samples for stable indices"
            )
    if method == "morris":
        mu = table[table["index"] == "mu_star"]
        big = mu[(mu["value"] > 0) & (mu["conf"] > 0.5 * mu["value"])]
        if len(big):
            out.append(
                f"{len(big)} mu* values have an interval wider than half their size: "
                "too few trajectories for a stable screening"
            )
    if int(manifest.get("replicates", 1)) == 1:
        out.append(
            "one replicate per point: the model's own noise is part of every index; use "
            "replicates > 1 so indices are computed on replicate means"
        )
    return out


def headline_label(metric: str) -> str:
    """A metric's label from the headline registry (its key if it has none).

    One organisation's figure (``payer.active_members``) is labelled ``payer: <label>``.
    """
    name, dot, key = metric.rpartition(".")
    if dot:
        label = headline_label(key)
        return f"{name}: {label}" if label != key else metric
    for h in HEADLINES:
        if h.key == metric:
            return h.label
    return metric
