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

The myths report, ``cocreate compare`` and their tables all use :func:`judge`.
"""

from __future__ import annotations

import math

SUPPORTED, NOT_SUPPORTED = "supported", "not supported"
NEGLIGIBLE, INCONCLUSIVE = "negligible", "inconclusive"


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
