"""The four-verdict rule, exactly, on constructed intervals (equivalence bound = SESOI)."""

from __future__ import annotations

import math

import pytest

from simulation.analysis.verdicts import (
    INCONCLUSIVE,
    NEGLIGIBLE,
    NOT_SUPPORTED,
    SUPPORTED,
    judge,
)
from simulation.model.metrics import METRICS, SESOI, Sesoi


@pytest.mark.parametrize(
    ("low", "high", "sesoi", "direction", "expected"),
    [
        (0.2, 0.8, 0.1, +1, SUPPORTED),  # excludes zero on the predicted side, beyond SESOI
        (0.2, 0.8, 0.1, -1, NOT_SUPPORTED),
        (-0.8, -0.2, 0.1, -1, SUPPORTED),
        (-0.8, -0.2, 0.1, +1, NOT_SUPPORTED),
        (0.01, 0.09, 0.1, +1, NEGLIGIBLE),  # excludes zero, but all of it inside ±SESOI
        (-0.09, 0.09, 0.1, +1, NEGLIGIBLE),  # contains zero, all inside ±SESOI
        (-0.1, 0.1, 0.1, -1, NEGLIGIBLE),  # the bounds themselves count as inside
        (-0.1, 0.1000001, 0.1, +1, INCONCLUSIVE),  # a hair outside: not shown equivalent
        (0.05, 0.2, 0.1, +1, SUPPORTED),  # straddles SESOI, excludes zero
        (-0.3, 0.5, 0.1, +1, INCONCLUSIVE),
        (0.0, 0.0, 0.0, +1, NEGLIGIBLE),  # identical arms: no difference at all
        (math.nan, math.nan, 0.1, +1, INCONCLUSIVE),  # too few replicates for an interval
    ],
)
def test_judge(low, high, sesoi, direction, expected):
    assert judge(low, high, sesoi, direction) == expected


def test_relative_and_absolute_bounds():
    assert Sesoi(0.05, relative=True).size(-200.0) == 10.0
    assert Sesoi(7.0).size(1e6) == 7.0
    assert Sesoi(0.02).describe("%") == "±2 percentage points"


def test_every_kind_of_metric_has_a_justified_smallest_effect():
    assert {m.kind for m in METRICS.values()} <= set(SESOI)
    assert all(s.value > 0 and s.why for s in SESOI.values())
