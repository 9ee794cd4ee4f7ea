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


def limit_words(limits: pd.DataFrame, labels: dict[str, str] | None = None) -> list[str]:
    """One phrase per restricted factor, e.g. ``marketers.capacity is below 3``.

    ``labels`` names factors in words (default: their key paths).

    >>> rows = pd.DataFrame([{"factor": "a", "kind": "numeric", "low": 0.2, "high": np.nan},
    ...     {"factor": "k", "kind": "categorical", "categories": "cash|none"}])
    >>> limit_words(rows)
    ['a is above 0.2', 'k is cash or none']
    >>> limit_words(rows[:1], {"a": "the share of needs known"})
    ['the share of needs known is above 0.2']
    """
    labels = labels or {}
    phrases = []
    for row in limits.itertuples():
        name = labels.get(row.factor, row.factor)
        if row.kind == "categorical":
            phrases.append(f"{name} is {' or '.join(row.categories.split('|'))}")
        elif not np.isnan(row.low) and not np.isnan(row.high):
            phrases.append(f"{name} is between {row.low:.3g} and {row.high:.3g}")
        elif not np.isnan(row.low):
            phrases.append(f"{name} is above {row.low:.3g}")
        else:
            phrases.append(f"{name} is below {row.high:.3g}")
    return phrases


def box_words(
    condition: str,
    box,
    labels: dict[str, str] | None = None,
    unit: str = "runs",
    such: tuple[str, str] | None = None,
) -> str:
    """The box as one sentence: condition, limits, coverage and density.

    ``unit`` names what was counted (runs of a sweep; samples of a belief's boundary) and
    ``such`` the cases of interest among them (default: "such runs", "are such runs").
    """
    phrases = limit_words(box.limits, labels)
    when = " and ".join(phrases) if phrases else "whatever the factors (no box narrower than all)"
    cases, are = such or (f"such {unit}", f"are such {unit}")
    return (
        f"{condition} when {when}: covers {box.coverage:.0%} of {cases} "
        f"({box.cases} of {round(box.cases / box.coverage) if box.coverage else 0}), "
        f"{box.density:.0%} of the {box.runs} {unit} in the box {are} "
        f"[{box.method.upper()}]"
    )
