"""Small pure functions the daily metrics are computed with.

Inequality is computed from the histogram of integer contribution counts, so a day's Gini over
10,000 members costs a ``bincount`` instead of a sort; quality percentiles come from running
histograms in bins of 1/``QUALITY_STEPS``.
"""

from __future__ import annotations

import numpy as np


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative integers given as a histogram.

    ``counts[v]`` is the number of people with value ``v``.

    >>> gini(np.bincount([0, 0, 0, 4]))
    0.75
    >>> gini(np.bincount([2, 2, 2]))
    0.0
    """
    level = np.arange(counts.size)
    n, total = int(counts.sum()), int((counts * level).sum())
    if n == 0 or total == 0:
        return 0.0
    below = np.cumsum(counts) - counts  # ranks taken by smaller values
    rank_sum = counts * below + counts * (counts + 1) / 2  # sum of 1-based ranks per level
    weighted = float((level * rank_sum).sum())
    return float(2 * weighted / (n * total) - (n + 1) / n)


def top_share(counts: np.ndarray, share: float = 0.01) -> float:
    """Share of the total held by the top ``share`` of people (at least one person).

    ``counts`` is the histogram of their integer values.

    >>> top_share(np.bincount([0] * 99 + [10]), 0.01)
    1.0
    >>> top_share(np.bincount([1, 1, 1, 1]), 0.5)
    0.5
    """
    level = np.arange(counts.size)
    n, total = int(counts.sum()), int((counts * level).sum())
    if n == 0 or total == 0:
        return 0.0
    k = max(1, int(np.ceil(share * n)))
    down, level = counts[::-1], level[::-1]  # from the largest value down
    taken = np.minimum(down, np.maximum(k - (np.cumsum(down) - down), 0))
    return float((taken * level).sum() / total)


def cohort_retention(
    joined: np.ndarray, days: np.ndarray, join_day, churn_day, day: int, horizon: int
) -> float:
    """Share of a cohort still members ``horizon`` days after joining.

    The cohort joined ``horizon+1..2*horizon`` days ago (NaN when it is empty). ``joined`` lists
    joiners in joining order and ``days`` the day each joined.
    """
    lo, hi = np.searchsorted(days, [day - 2 * horizon, day - horizon])
    cohort = joined[lo:hi]
    if not cohort.size:
        return float("nan")
    stayed = (churn_day[cohort] < 0) | (churn_day[cohort] - join_day[cohort] >= horizon)
    return float(stayed.mean())


def percentile(values: list[float] | np.ndarray, q: float) -> float:
    """The q-th percentile, NaN for no values."""
    return float(np.percentile(values, q)) if len(values) else float("nan")


def sorted_percentile(values: np.ndarray, q: float) -> float:
    """The q-th percentile of already sorted values (linear interpolation), NaN if empty.

    >>> sorted_percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50)
    2.5
    """
    if not len(values):
        return float("nan")
    position = q / 100 * (len(values) - 1)
    low = int(np.floor(position))
    high = min(low + 1, len(values) - 1)
    return float(values[low] + (values[high] - values[low]) * (position - low))


def quantile(values: np.ndarray, q: float) -> np.float64:
    """``np.quantile(values, q)`` of finite values, to the last bit, at a third of the cost.

    One partition gives the same order statistics, and the interpolation is numpy's linear
    method: the position ``(n - 1) * q``, the values ``a``, ``b`` at its floor and the next
    index, ``a + (b - a) * t`` below half-way and ``b - (b - a) * (1 - t)`` from there; past the
    last index, the largest value.

    >>> float(quantile(np.array([4.0, 1.0, 3.0, 2.0]), 0.5)), float(quantile(np.ones(1), 0.9))
    (2.5, 1.0)
    """
    n = values.size
    position = (n - 1) * q
    if position >= n - 1:
        return values.max()
    low = int(np.floor(position))
    ordered = np.partition(values, [low, low + 1])
    a, b = ordered[low], ordered[low + 1]
    t = position - np.floor(position)
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def mean(values: list[float] | np.ndarray) -> float:
    """Mean, NaN for no values (``np.mean``'s value; for float arrays without its overhead).

    >>> mean(np.array([0.5, 1.0])), mean([]), mean([1, 2])
    (0.75, nan, 1.5)
    """
    if not len(values):
        return float("nan")
    if isinstance(values, np.ndarray) and values.dtype == np.float64:
        return float(np.add.reduce(values, axis=None) / values.size)  # what np.mean computes
    return float(np.mean(values))


QUALITY_STEPS = 1000  # quality histograms have bins of 1/QUALITY_STEPS


def counts_percentile(counts: np.ndarray, q: float) -> float:
    """The q-th percentile (linear interpolation) of integers given as a histogram, NaN if empty.

    >>> counts_percentile(np.array([0, 2, 1, 1]), 50)
    1.5
    """
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if cumulative.size else 0
    if total == 0:
        return float("nan")
    position = q / 100 * (total - 1)
    below = np.floor(position)
    low, high = np.searchsorted(cumulative, [below + 1, np.ceil(position) + 1])
    return float(low + (high - low) * (position - below))
