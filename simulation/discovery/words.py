"""A box in words: the sentence a strategist reads first.

>>> condition_words("churned_share", "above", 0.5)
'churned_share above 50 %'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.model.metrics import METRICS


def condition_words(metric: str, side: str, cut: float) -> str:
    """``metric above 50 %``: shares as percentages, other figures as numbers."""
    kind = METRICS[metric].kind if metric in METRICS else ""
    value = f"{100 * cut:.3g} %" if kind == "share" else f"{cut:.4g}"
    return f"{metric} {side} {value}"


def limit_words(limits: pd.DataFrame) -> list[str]:
    """One phrase per restricted factor, e.g. ``marketers.capacity is below 3``.

    >>> rows = pd.DataFrame([{"factor": "a", "kind": "numeric", "low": 0.2, "high": np.nan},
    ...     {"factor": "k", "kind": "categorical", "categories": "cash|none"}])
    >>> limit_words(rows)
    ['a is above 0.2', 'k is cash or none']
    """
    phrases = []
    for row in limits.itertuples():
        if row.kind == "categorical":
            phrases.append(f"{row.factor} is {' or '.join(row.categories.split('|'))}")
        elif not np.isnan(row.low) and not np.isnan(row.high):
            phrases.append(f"{row.factor} is between {row.low:.3g} and {row.high:.3g}")
        elif not np.isnan(row.low):
            phrases.append(f"{row.factor} is above {row.low:.3g}")
        else:
            phrases.append(f"{row.factor} is below {row.high:.3g}")
    return phrases


def box_words(condition: str, box) -> str:
    """The box as one sentence: condition, limits, coverage and density."""
    phrases = limit_words(box.limits)
    when = " and ".join(phrases) if phrases else "whatever the factors (no box narrower than all)"
    return (
        f"{condition} when {when}: covers {box.coverage:.0%} of such runs "
        f"({box.cases} of {round(box.cases / box.coverage) if box.coverage else 0}), "
        f"{box.density:.0%} of the {box.runs} runs in the box are such runs "
        f"[{box.method.upper()}]"
    )
