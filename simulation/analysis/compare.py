"""Compare scenarios over replicates.

Means with bootstrap intervals, paired differences against the first (baseline) arm, Cohen's d,
and daily bands for the time-series figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.analysis.replicates import Draws, Replicate, run_replicates
from simulation.analysis.stats import bootstrap_ci, cohens_d
from simulation.model.metrics import METRICS, Metric
from simulation.scenario import Scenario

# the figures a comparison reports, from the metric registry
COMPARED_KEYS = (
    "active_members",
    "churned_share",
    "retention_90",
    "ideas",
    "ignored_share",
    "accepted",
    "quality_accepted",
    "feasible_on_strategy_share",
    "value_accepted",
    "time_to_decision_median",
    "time_to_launch_median",
    "flaws_escaped_per_launch",
    "satisfaction_mean",
    "satisfaction_answered",
    "spend_total",
)
COMPARED: tuple[Metric, ...] = tuple(METRICS[key] for key in COMPARED_KEYS)

# time series drawn with bands: column -> label
BANDS = {
    "active_members": "Active members",
    "churned_total": "Members who left (cumulative)",
    "quality_accepted": "Quality of accepted ideas",
    "time_to_decision_median": "Time to decision, median (days)",
    "feasible_on_strategy_share": "Share of ideas feasible and on strategy",
    "satisfaction_mean": "Member satisfaction (-1..1)",
    "satisfaction_answered": "Satisfaction of members who heard a decision (-1..1)",
}


@dataclass
class Comparison:
    """Everything a comparison report shows.

    Attributes:
        arms: arm names, baseline first.
        replicates: runs per arm.
        root_seed: root of every run's seed (replicate r of every arm shares a seed).
        runs: one row per run: arm, replicate, seed and every summary figure.
        table: one row per arm and headline: mean and 95 % bootstrap interval, and against the
            baseline the mean paired difference with its interval and Cohen's d.
        bands: one row per arm, day and banded series: mean and the 2.5 / 97.5 % quantiles
            over replicates.
    """

    arms: list[str]
    replicates: int
    root_seed: int
    runs: pd.DataFrame
    table: pd.DataFrame
    bands: pd.DataFrame

    @property
    def baseline(self) -> str:
        """The arm every other is compared with."""
        return self.arms[0]


def compare(
    arms: Sequence[Scenario],
    replicates: int = 10,
    root_seed: int = 0,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    draws: Draws | Mapping[str, Draws] | None = None,
) -> Comparison:
    """Run every arm ``replicates`` times and compare them with the first.

    Args:
        arms: scenarios, the baseline first; names must differ.
        replicates: runs per arm (at least 2 for intervals).
        root_seed: the root of every run's seed.
        workers: local processes (default: all cores).
        progress: called as ``progress(done, total)``.
        executor: a pool to reuse (e.g. across several comparisons) instead of a new one.
        draws: values per replicate set on every arm (e.g. a calibration's posterior draws),
            or per arm name (:func:`simulation.analysis.replicates.run_replicates`).
    """
    results = run_replicates(
        arms,
        replicates,
        root_seed,
        workers=workers,
        executor=executor,
        progress=progress,
        draws=draws,
    )
    return summarise_replicates(results, [a.name for a in arms], replicates, root_seed)


def arm_values(comparison: Comparison, arm: str, metric: str) -> np.ndarray:
    """Replicate values of one arm, in replicate order."""
    runs = comparison.runs[comparison.runs["arm"] == arm].sort_values("replicate")
    return runs[metric].to_numpy(dtype=float)


class RunCounter:
    """Turns the per-comparison progress of many comparisons into one count of runs."""

    def __init__(self, total: int, report: Callable[[int, int], None]) -> None:
        self.total, self.report, self.base, self.last = total, report, 0, 0

    def __call__(self, done: int, _total: int) -> None:
        """Record that ``done`` runs of the current comparison have finished."""
        if done <= self.last:  # a new comparison started counting from 1
            self.base += self.last
        self.last = done
        self.report(self.base + done, self.total)


def summarise_replicates(
    results: list[Replicate], arms: list[str], replicates: int, root_seed: int
) -> Comparison:
    """Build a :class:`Comparison` from finished replicates."""
    runs = pd.DataFrame(
        [{"arm": r.arm, "replicate": r.replicate, "seed": r.seed, **r.summary} for r in results]
    )
    table = pd.DataFrame(
        [headline_row(runs, arm, arms[0], h, root_seed) for arm in arms for h in COMPARED]
    )
    return Comparison(arms, replicates, root_seed, runs, table, daily_bands(results))


def headline_row(runs: pd.DataFrame, arm: str, baseline: str, h: Metric, seed: int) -> dict:
    """Mean, interval, and paired difference against the baseline for one arm and figure."""
    mine = runs[runs["arm"] == arm].set_index("replicate")[h.key].astype(float)
    base = runs[runs["arm"] == baseline].set_index("replicate")[h.key].astype(float)
    low, high = bootstrap_ci(mine.to_numpy(), seed=seed)
    row = {
        "arm": arm,
        "metric": h.key,
        "label": h.label,
        "unit": h.unit,
        "better": h.better,
        "n": int(mine.notna().sum()),
        "mean": float(mine.mean()),
        "ci_low": low,
        "ci_high": high,
    }
    row["sesoi"] = h.sesoi.size(float(base.mean()))  # the smallest difference that matters
    paired = (mine - base.reindex(mine.index)).dropna().to_numpy()
    if arm == baseline or not paired.size:
        none = 0.0 if arm == baseline and paired.size else float("nan")
        return {**row, "diff": none, "diff_low": none, "diff_high": none, "cohens_d": none}
    diff_low, diff_high = bootstrap_ci(paired, seed=seed)
    return {
        **row,
        "diff": float(paired.mean()),
        "diff_low": diff_low,
        "diff_high": diff_high,
        "cohens_d": cohens_d(mine.dropna(), base.dropna()),
    }


def daily_bands(results: list[Replicate]) -> pd.DataFrame:
    """Mean and 95 % quantile band over replicates, per arm, day and banded series."""
    frames = []
    for arm in dict.fromkeys(r.arm for r in results):
        stacked = pd.concat(
            [r.timeseries[["day", *BANDS]] for r in results if r.arm == arm], ignore_index=True
        )
        grouped = stacked.groupby("day")
        for column in BANDS:
            frames.append(
                pd.DataFrame(
                    {
                        "arm": arm,
                        "series": column,
                        "day": grouped[column].mean().index,
                        "mean": grouped[column].mean().to_numpy(),
                        "low": grouped[column].quantile(0.025).to_numpy(),
                        "high": grouped[column].quantile(0.975).to_numpy(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
