"""Metrics as small pure functions, checked exactly against numpy on known data."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model.measures import (
    cohort_retention,
    counts_percentile,
    gini,
    sorted_percentile,
    top_share,
)


def reference_gini(x):
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


@pytest.mark.parametrize("seed", range(5))
def test_gini_matches_the_sorted_formula(seed):
    x = np.random.default_rng(seed).integers(0, 50, 200) ** 2
    assert gini(np.bincount(x)) == pytest.approx(reference_gini(x))


def test_gini_edge_cases():
    assert gini(np.bincount([0, 0, 0])) == 0.0
    assert gini(np.zeros(0, dtype=int)) == 0.0


@pytest.mark.parametrize("share", [0.01, 0.1, 0.5])
def test_top_share_matches_sorting(share):
    x = np.random.default_rng(1).integers(0, 1000, 300)
    k = int(np.ceil(share * x.size))
    assert top_share(np.bincount(x), share) == pytest.approx(np.sort(x)[::-1][:k].sum() / x.sum())


@pytest.mark.parametrize("q", [0, 10, 50, 90, 100])
def test_percentiles_match_numpy(q):
    x = np.random.default_rng(2).integers(0, 300, 5000)
    assert counts_percentile(np.bincount(x), q) == pytest.approx(np.percentile(x, q))
    y = np.sort(np.random.default_rng(3).random(77))
    assert sorted_percentile(y, q) == pytest.approx(np.percentile(y, q))
    assert np.isnan(counts_percentile(np.zeros(3, dtype=int), q))


def test_cohort_retention_by_hand():
    # five people joined on days 0, 5, 10, 40, 41; two of the day-0..10 cohort left early
    joined = np.arange(5)
    days = np.array([0, 5, 10, 40, 41])
    churn = np.array([10, -1, 50, -1, -1])
    # on day 60, the 30-day cohort joined in [0, 30): 0 left after 10 days, 1 stayed, 2 left at 40
    assert cohort_retention(joined, days, days, churn, 60, 30) == pytest.approx(2 / 3)
    assert np.isnan(cohort_retention(joined, days, days, churn, 5, 30))


def test_quantile_is_numpys_to_the_last_bit():
    from simulation.model.measures import quantile

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 10, 4096):
        for values in (
            rng.random(n),
            rng.integers(0, 5, n).astype(float),  # ties
            rng.normal(size=n) * 10.0 ** rng.integers(-5, 5),
        ):
            for q in (0.0, 0.05, 0.25, 0.5, 0.7, 0.85, 0.95, 1.0, rng.random()):
                want = np.float64(np.quantile(values, q)).tobytes()
                assert np.float64(quantile(values, q)).tobytes() == want, (n, q)
