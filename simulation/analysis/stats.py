"""Effect sizes and per-member rates computed from run tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def cohens_d(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's d of ``a`` against ``b`` with the pooled standard deviation (NaN if undefined).

    >>> round(cohens_d(np.array([2.0, 4.0, 6.0]), np.array([1.0, 3.0, 5.0])), 3)
    0.5
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        return float("nan")
    pooled = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2)
    return float((a.mean() - b.mean()) / np.sqrt(pooled)) if pooled > 0 else float("nan")


def rate_between(
    snapshots: pd.DataFrame, column: str, start: int, end: int, cohort_day: int = 0
) -> pd.Series:
    """Per-day rate of a cumulative per-member ``column`` between two snapshot days.

    The rate is given for the members present at the snapshot of ``cohort_day``; those who left
    before the window count with a rate of 0.

    Args:
        snapshots: the run's snapshot table (``RunResult.snapshots``).
        column: a cumulative counter such as ``active_days`` or ``contributions``.
        start: snapshot day that opens the window.
        end: snapshot day that closes the window.
        cohort_day: the snapshot day that defines who is compared.
    """
    by_day = {day: frame.set_index("consumer")[column] for day, frame in snapshots.groupby("day")}
    missing = {start, end, cohort_day} - by_day.keys()
    if missing:
        raise ValueError(
            f"no snapshot on day(s) {sorted(missing)}; choose run.snapshot_interval "
            "so that snapshots fall on them"
        )
    cohort = by_day[cohort_day].index
    return (by_day[end].reindex(cohort) - by_day[start].reindex(cohort).fillna(0)) / (end - start)


def bootstrap_ci(
    values: np.ndarray, level: float = 0.95, seed: int = 0, resamples: int = 2000
) -> tuple[float, float]:
    """Bootstrap confidence interval of the mean (BCa, scipy), NaNs dropped.

    With fewer than two values the interval is undefined (NaN); with identical values it is
    that value.

    >>> bootstrap_ci(np.array([1.0, 1.0, 1.0]))
    (1.0, 1.0)
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size < 2:
        return float("nan"), float("nan")
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    result = stats.bootstrap(
        (values,),
        np.mean,
        confidence_level=level,
        n_resamples=resamples,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)
