"""The headline figures of a run: one registry of labels, units and formats.

``RunResult.summary`` computes them (``simulation.run.summarise``); the run table, the comparison
table and the reports all read their labels here, so a figure is named in one place.
"""

from __future__ import annotations

from typing import NamedTuple


class Headline(NamedTuple):
    """One summary figure: its key, how to name and format it, and which way is better."""

    key: str
    label: str
    unit: str
    kind: str  # count | share | quality | days | eur | signed (how to format it)
    better: str = ""  # "higher", "lower" or "" (neither)


HEADLINES = (
    Headline(
        "active_members",
        "Active members (took part in the last 30 days)",
        "people",
        "count",
        "higher",
    ),
    Headline("members", "Members at the end", "people", "count", "higher"),
    Headline("joined_total", "Ever joined", "people", "count", "higher"),
    Headline("churned_share", "Churned, of all who ever joined", "%", "share", "lower"),
    Headline("retention_90", "90-day retention of the latest cohort", "%", "share", "higher"),
    Headline("ever_posted_share", "Ever posted, of all who ever joined", "%", "share"),
    Headline("top1_share", "Contributions by the top 1 %", "%", "share"),
    Headline("ideas", "Consumer ideas submitted", "ideas", "count", "higher"),
    Headline("accepted", "Ideas accepted", "ideas", "count", "higher"),
    Headline("quality_accepted", "Quality of accepted ideas", "of best", "quality", "higher"),
    Headline(
        "feasible_on_strategy_share", "Ideas feasible and on strategy", "%", "share", "higher"
    ),
    Headline("time_to_decision_median", "Time to decision, median", "days", "days", "lower"),
    Headline("time_to_decision_p90", "Time to decision, 90th percentile", "days", "days", "lower"),
    Headline(
        "time_with_rework_mean",
        "Time to decision plus rework in operation, mean",
        "days",
        "days",
        "lower",
    ),
    Headline("satisfaction_mean", "Member satisfaction", "-1..1", "signed", "higher"),
    Headline("spend_total", "Cash rewards paid", "EUR", "eur"),
    Headline("cost_per_accepted", "Cash paid per accepted idea", "EUR", "eur", "lower"),
)
BY_KEY = {h.key: h for h in HEADLINES}
