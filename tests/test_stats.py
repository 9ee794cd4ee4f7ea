"""Effect sizes and rates on known data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.analysis.stats import cohens_d, rate_between


def test_cohens_d_agrees_with_the_t_statistic():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 2.0, 40), rng.normal(0.0, 2.0, 60)
    t = stats.ttest_ind(a, b).statistic  # pooled-variance t = d / sqrt(1/na + 1/nb)
    assert cohens_d(a, b) == pytest.approx(t * np.sqrt(1 / 40 + 1 / 60))


def test_cohens_d_undefined_cases():
    assert np.isnan(cohens_d(np.array([1.0]), np.array([1.0, 2.0])))
    assert np.isnan(cohens_d(np.ones(3), np.ones(3)))


def test_rate_between_counts_leavers_and_newcomers_correctly():
    snaps = pd.DataFrame(
        {
            "day": [0, 0, 10, 10, 10, 20, 20, 20],
            "consumer": [1, 2, 1, 2, 3, 1, 2, 3],
            "active_days": [0, 0, 4, 10, 1, 9, 10, 5],  # consumer 2 left before day 10
        }
    )
    rate = rate_between(snaps, "active_days", 10, 20)
    assert rate.to_dict() == {1: 0.5, 2: 0.0}  # consumer 3 joined after day 0: not in the cohort
    with pytest.raises(ValueError, match="no snapshot"):
        rate_between(snaps, "active_days", 10, 25)
