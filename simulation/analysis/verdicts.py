"""Four verdicts on a paired difference, with the smallest effect that matters.

A belief (or "is B better than A?") is judged from the 95 % interval of the paired difference
``challenger − reference`` and the smallest effect size of interest, SESOI (the metric's, or a
belief's own, :class:`simulation.model.metrics.Sesoi`):

- **negligible** when the whole interval lies inside ±SESOI — equivalence (Lakens 2017), whether
  or not the interval also excludes zero: a real but tiny difference makes no practical
  difference;
- otherwise **supported** when the interval excludes zero on the side the belief predicts;
- **not supported** when it excludes zero on the other side;
- **inconclusive** when it contains zero (more replicates narrow it).

The myths report, ``cocreate compare`` and their tables all use :func:`judge`;
:func:`verdict` applies it to the paired replicate values of two arms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.analysis.stats import bootstrap_ci, cohens_d
from simulation.model.metrics import Sesoi

SUPPORTED, NOT_SUPPORTED = "supported", "not supported"
NEGLIGIBLE, INCONCLUSIVE = "negligible", "inconclusive"
NO_SESOI = Sesoi(0.0, why="any difference matters")


def judge(low: float, high: float, sesoi: float, direction: int) -> str:
    """The verdict on a difference from its interval ``[low, high]``.

    Args:
        low: lower end of the 95 % interval of the paired difference.
        high: upper end.
        sesoi: the smallest difference that matters (> 0, in the difference's units).
        direction: +1 if the claim predicts a positive difference, -1 a negative one.

    >>> judge(0.5, 2.0, 0.1, +1), judge(0.5, 2.0, 0.1, -1)
    ('supported', 'not supported')
    >>> judge(0.01, 0.04, 0.05, +1), judge(-0.2, 0.3, 0.1, +1)
    ('negligible', 'inconclusive')
    >>> judge(float("nan"), float("nan"), 0.1, +1)
    'inconclusive'
    """
    if math.isnan(low) or math.isnan(high):
        return INCONCLUSIVE
    if -sesoi <= low and high <= sesoi:
        return NEGLIGIBLE
    if low > 0 or high < 0:
        return SUPPORTED if (low > 0) == (direction > 0) else NOT_SUPPORTED
    return INCONCLUSIVE


@dataclass(frozen=True)
class Verdict:
    """The computed answer to one comparison."""

    label: str  # supported | not supported | negligible | inconclusive
    difference: float  # challenger - reference, mean over paired replicates
    low: float
    high: float
    cohens_d: float
    replicates: int
    sesoi: float = float("nan")  # the smallest effect that matters, in the metric's units


def verdict(
    challenger: np.ndarray,
    reference: np.ndarray,
    holds_if: int,
    seed: int,
    sesoi: Sesoi = NO_SESOI,
) -> Verdict:
    """Judge a claim from paired replicate values of the two arms.

    >>> verdict(np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 2, 3]), +1, 0).label
    'supported'
    >>> verdict(np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 2, 3]), -1, 0).label
    'not supported'
    >>> verdict(np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 2, 3]), +1, 0, Sesoi(5.0)).label
    'negligible'
    """
    diff = challenger - reference
    diff = diff[~np.isnan(diff)]
    low, high = bootstrap_ci(diff, seed=seed)
    bound = sesoi.size(float(np.nanmean(reference)) if np.isfinite(reference).any() else np.nan)
    return Verdict(
        judge(low, high, bound, holds_if),
        float(diff.mean()) if diff.size else np.nan,
        low,
        high,
        cohens_d(challenger[~np.isnan(challenger)], reference[~np.isnan(reference)]),
        int(diff.size),
        bound,
    )
