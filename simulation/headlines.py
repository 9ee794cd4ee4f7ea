"""The headline figures of a run, and how every figure is formatted.

The figures themselves are declared once, in the metric registry
(:mod:`simulation.model.metrics`); this module chooses which of them a run's table shows, in
which order, and writes a value as a reader wants it. The command line, the reports and the
dashboard all format through :func:`format_figure`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from simulation.model.metrics import METRICS, Metric

MISSING = "–"  # shown for NaN: e.g. no accepted idea yet, so no quality of accepted ideas

FORMATS: dict[str, Callable[[float], str]] = {
    "count": "{:,.0f}".format,
    "share": lambda value: f"{100 * value:.1f}",  # the unit column says %
    "quality": "{:.3f}".format,
    "days": "{:.1f}".format,
    "eur": "{:,.2f}".format,
    "signed": "{:+.2f}".format,
    "index": "{:.3f}".format,
    "level": "{:.3f}".format,
}

# what `cocreate run` shows, in this order
HEADLINE_KEYS = (
    "active_members",
    "members",
    "joined_total",
    "churned_share",
    "retention_90",
    "ever_posted_share",
    "top1_share",
    "ideas",
    "ignored_share",
    "accepted",
    "quality_accepted",
    "feasible_on_strategy_share",
    "time_to_decision_median",
    "time_to_decision_p90",
    "time_to_launch_median",
    "flaws_escaped_per_launch",
    "satisfaction_mean",
    "satisfaction_answered",
    "spend_total",
    "cost_per_accepted",
)
HEADLINES: tuple[Metric, ...] = tuple(METRICS[key] for key in HEADLINE_KEYS)


def format_figure(value: Any, kind: str) -> str:
    """Format one figure by its kind; NaN and missing values become ``–``.

    >>> format_figure(0.1234, "share"), format_figure(float("nan"), "days")
    ('12.3', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return FORMATS[kind](value)


def headline_rows(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(label, formatted value, unit)`` for every headline figure of a run's summary."""
    return [(h.label, format_figure(summary.get(h.key), h.kind), h.unit) for h in HEADLINES]


# figures of one organisation among several that the metric registry does not declare
RIVAL_FIGURES = {
    "members_elsewhere": ("Members also in another community", "count", "people"),
    "switched_out": ("Left for another community", "count", "people"),
}


def organisation_rows(
    summary: dict[str, Any], names: list[str], keys: tuple[str, ...]
) -> list[tuple[str, list[str], str]]:
    """``(label, values by organisation, unit)`` for each per-organisation figure ``keys``."""
    rows = []
    for key in keys:
        label, kind, unit = (
            RIVAL_FIGURES[key]
            if key in RIVAL_FIGURES
            else (METRICS[key].label, METRICS[key].kind, METRICS[key].unit)
        )
        values = [format_figure(summary.get(f"{name}.{key}"), kind) for name in names]
        rows.append((label, values, unit))
    return rows
