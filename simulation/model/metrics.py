"""What the model measures: the metric registry, and the day's consumer and firm figures.

A metric is declared once here (:class:`Metric`); the DataCollector's reporters, the run
summary, the headline tables, reports, dashboard and tests all read the declaration.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulation.model.decisions import GATES
from simulation.model.measures import (
    QUALITY_STEPS,
    sorted_percentile,
)


class Sesoi(NamedTuple):
    """The smallest effect size of interest (SESOI), an equivalence bound (Lakens 2017).

    A difference whose whole interval lies within ±SESOI makes no practical difference.

    Attributes:
        value: the bound, in the metric's units, or a share of the reference's mean.
        relative: whether ``value`` is a share of the reference arm's mean.
        why: one line of justification.
    """

    value: float
    relative: bool = False
    why: str = ""

    def size(self, reference_mean: float) -> float:
        """The bound in the metric's units, given the reference arm's mean.

        >>> Sesoi(0.05, relative=True).size(300.0), Sesoi(7.0).size(300.0)
        (15.0, 7.0)
        """
        return self.value * abs(reference_mean) if self.relative else self.value

    def describe(self, unit: str) -> str:
        """The bound as a reader sees it, e.g. ``±5 % of the reference`` or ``±7 days``.

        >>> Sesoi(0.05, relative=True).describe("people"), Sesoi(7.0).describe("days")
        ('±5 % of the reference', '±7 days')
        """
        if self.relative:
            return f"±{100 * self.value:g} % of the reference"
        if unit == "%":
            return f"±{100 * self.value:g} percentage points"
        if ".." in unit:  # a bounded scale such as -1..1
            return f"±{self.value:g} on the {unit} scale"
        return f"±{self.value:g} {unit}"


class Metric(NamedTuple):
    """One measured figure, declared once.

    Every reader — the DataCollector, the run summary, headlines, comparisons, the dashboard,
    the invariant tests, ``cocreate metrics`` — reads this declaration.

    Attributes:
        key: the column name in the time series and the key in a run's summary.
        label: how a table or a figure names it.
        description: what it means, in a sentence.
        unit: the unit shown next to a value.
        kind: how a value is formatted and bounded (``KINDS``).
        better: ``"higher"``, ``"lower"`` or ``""`` (neither).
        daily: a column of the daily time series; otherwise computed once, at the end of a run.
    """

    key: str
    label: str
    description: str
    unit: str
    kind: str
    better: str = ""
    daily: bool = True

    @property
    def bounds(self) -> tuple[float, float]:
        """The range every value must lie in (NaN aside)."""
        return KINDS[self.kind]

    @property
    def sesoi(self) -> Sesoi:
        """The smallest difference in this metric that matters (by its kind)."""
        return SESOI[self.kind]


INF = float("inf")
# kind -> the range of its values
KINDS: dict[str, tuple[float, float]] = {
    "count": (0, INF),
    "share": (0, 1),
    "quality": (0, 1),
    "days": (0, INF),
    "eur": (0, INF),
    "signed": (-1, 1),
    "index": (0, 1),
    "level": (-INF, INF),
}

# The smallest effect that matters, by kind of metric. A comparison whose whole 95 % interval of
# the paired difference lies inside ±SESOI is "negligible" (equivalence testing, Lakens 2017).
SESOI: dict[str, Sesoi] = {
    "count": Sesoi(0.05, True, "5 % of the reference: less than a community's normal drift"),
    "share": Sesoi(0.02, False, "two percentage points: one case in fifty"),
    "quality": Sesoi(0.02, False, "a fiftieth of the quality scale (0 to the best idea)"),
    "days": Sesoi(7.0, False, "a week: one planning cycle of a product team"),
    "eur": Sesoi(0.05, True, "5 % of the reference's spend"),
    "signed": Sesoi(0.05, False, "a tenth of a point on a five-point scale mapped onto -1..1"),
    "index": Sesoi(0.02, False, "a fiftieth of the index's range"),
    "level": Sesoi(0.05, True, "5 % of the reference"),
}

# fmt: off
_METRICS = (
    Metric(
        "members", "Members at the end", "Current members (lurkers and contributors).",
        "people", "count", "higher",
    ),
    Metric(
        "active_members", "Active members (took part in the last 30 days)",
        "Members who took part in the last 30 days (joining is not taking part).",
        "people", "count", "higher",
    ),
    Metric("active_today", "Active today", "Members who took part today.", "people", "count"),
    Metric("joined_today", "Joined today", "Consumers who joined today.", "people", "count"),
    Metric(
        "joined_total", "Ever joined", "Consumers who have ever joined.", "people", "count",
        "higher",
    ),
    Metric("churned_today", "Left today", "Members who left today.", "people", "count"),
    Metric(
        "churned_total", "Members who left", "Members who have left so far.", "people", "count",
        "lower",
    ),
    Metric(
        "churn_rate", "Churn rate", "Members who left today per member at the start of the day.",
        "per day", "share", "lower",
    ),
    Metric(
        "retention_30", "30-day retention of the latest cohort",
        "Share of the cohort that joined 31-60 days ago still there 30 days in.",
        "%", "share", "higher",
    ),
    Metric(
        "retention_90", "90-day retention of the latest cohort",
        "Share of the cohort that joined 91-120 days ago still there 90 days in.",
        "%", "share", "higher",
    ),
    Metric(
        "contributions_today", "Contributions today",
        "Ideas and builds posted by consumers today.", "posts", "count",
    ),
    Metric(
        "ideas_today", "New ideas today", "New consumer ideas today (builds excluded).",
        "ideas", "count",
    ),
    Metric("votes_today", "Votes today", "Up-votes cast today.", "votes", "count"),
    Metric(
        "contributions_total", "Contributions so far",
        "Ideas and builds posted by consumers so far.", "posts", "count",
    ),
    Metric(
        "gini_contributions", "Gini of contributions",
        "Gini coefficient of contributions over everyone who ever joined.", "0..1", "index",
    ),
    Metric(
        "top1_share", "Contributions by the top 1 %",
        "Share of contributions written by the top 1 % of those who ever joined.", "%", "share",
    ),
    Metric(
        "ever_posted_share", "Ever posted, of all who ever joined",
        "Share of those who ever joined who have posted at least once.", "%", "share",
    ),
    Metric(
        "quality_submitted", "Quality of submitted ideas",
        "Mean true quality of all ideas submitted so far.", "of best", "quality", "higher",
    ),
    Metric(
        "quality_submitted_p90", "Quality of submitted ideas, 90th percentile",
        "90th percentile of the quality of submitted ideas (to 0.001).", "of best", "quality",
        "higher",
    ),
    Metric(
        "quality_promoted", "Quality of promoted ideas",
        "Mean true quality of ideas promoted to concepts so far.", "of best", "quality", "higher",
    ),
    Metric(
        "quality_promoted_p90", "Quality of promoted ideas, 90th percentile",
        "90th percentile of the quality of promoted ideas (to 0.001).", "of best", "quality",
        "higher",
    ),
    Metric(
        "quality_accepted", "Quality of accepted ideas",
        "Mean true quality of accepted ideas so far.", "of best", "quality", "higher",
    ),
    Metric(
        "quality_accepted_p90", "Quality of accepted ideas, 90th percentile",
        "90th percentile of the quality of accepted ideas so far.", "of best", "quality",
        "higher",
    ),
    Metric(
        "feasible_share", "Ideas feasible", "Share of submitted ideas that are feasible.", "%",
        "share", "higher",
    ),
    Metric(
        "on_strategy_share", "Ideas on strategy",
        "Share of submitted ideas that are on strategy.", "%", "share", "higher",
    ),
    Metric(
        "feasible_on_strategy_share", "Ideas feasible and on strategy",
        "Share of submitted ideas both feasible and on strategy.", "%", "share", "higher",
    ),
    Metric("queue", "Review queue", "Ideas waiting for review.", "ideas", "count", "lower"),
    Metric(
        "ignored_share", "Ideas never answered",
        "Of the consumer ideas the firm has dealt with, the share that waited past the "
        "marketers' patience unread (silence no one chose).", "%", "share", "lower",
    ),
    Metric(
        "concepts", "Concepts in the pipeline", "Concepts in the stage-gate pipeline.",
        "concepts", "count",
    ),
    Metric(
        "decisions", "Concepts decided", "Concepts decided so far (accepted or killed).",
        "concepts", "count",
    ),
    Metric("accepted", "Ideas accepted", "Ideas accepted so far.", "ideas", "count", "higher"),
    Metric(
        "time_to_decision_median", "Time to decision, median",
        "Median days from submission to decision of every idea the firm read (rejections at "
        "review included), rework at the gates included.", "days", "days", "lower",
    ),
    Metric(
        "time_to_decision_p90", "Time to decision, 90th percentile",
        "90th percentile of days from submission to decision of every idea the firm read.",
        "days", "days", "lower",
    ),
    *(
        Metric(
            f"flaws_found_{gate}", f"Flaws found at the {gate} gate",
            f"Flaws found at the {gate} gate so far.", "flaws", "count",
        )
        for gate in GATES
    ),
    Metric(
        "flaws_escaped", "Flaws escaped", "Flaws of accepted ideas that escaped every gate.",
        "flaws", "count", "lower",
    ),
    Metric(
        "satisfaction_mean", "Member satisfaction", "Mean satisfaction of members (-1..1).",
        "-1..1", "signed", "higher",
    ),
    Metric(
        "satisfaction_answered", "Satisfaction of answered members",
        "Mean satisfaction of the members who have heard at least one decision on an idea of "
        "theirs (-1..1; the others have nothing to be satisfied with yet).", "-1..1", "signed",
        "higher",
    ),
    Metric(
        "intrinsic_mean", "Intrinsic interest", "Mean intrinsic interest of members.",
        "utility", "level",
    ),
    Metric(
        "expectation_mean", "Expected acceptance chance",
        "Mean expected acceptance chance of members.", "probability", "share",
    ),
    Metric("spend_total", "Cash rewards paid", "Cash rewards paid so far (EUR).", "EUR", "eur"),
    Metric(
        "cost_per_accepted", "Cost per accepted idea",
        "Cash and prizes paid plus staff days (organisation.staff_day_cost) per accepted idea so "
        "far (EUR; NaN before the first).", "EUR", "eur", "lower",
    ),
    Metric(
        "co_owner_support", "Co-owner support",
        "Lowest general support among co-owners still partners (1 = full; NaN without any).",
        "0..1", "index",
        "higher",
    ),
    # computed once, at the end of a run (simulation.run.summarise)
    Metric(
        "churned_share", "Churned, of all who ever joined",
        "Members who left, of everyone who ever joined.", "%", "share", "lower", daily=False,
    ),
    Metric(
        "newcomers_replied_share", "Newcomers whose first post got a reply",
        "Of the newcomers observed long enough, the share whose first post got a reply.",
        "%", "share", daily=False,
    ),
    Metric(
        "newcomers_replied", "Newcomers replied to",
        "Newcomers observed long enough whose first post got a reply.", "people", "count",
        daily=False,
    ),
    Metric(
        "newcomers_ignored", "Newcomers not replied to",
        "Newcomers observed long enough whose first post got no reply.", "people", "count",
        daily=False,
    ),
    Metric(
        "post_again_replied", "Posted again after a reply",
        "Share of replied-to newcomers who posted again within 60 days (NaN for fewer than "
        "10 such newcomers).", "%", "share",
        daily=False,
    ),
    Metric(
        "post_again_ignored", "Posted again after no reply",
        "Share of newcomers not replied to who posted again within 60 days (NaN for fewer "
        "than 10 such newcomers).", "%", "share",
        daily=False,
    ),
    Metric(
        "post_again_after_rejection", "Posted again after a rejected first idea",
        "Of the newcomers whose first idea the firm read and turned down at review, the share "
        "who posted again within 60 days (Piezunka & Dahlander 2019).", "%", "share", "higher",
        daily=False,
    ),
    Metric(
        "contributor_retention_90", "Early contributors still active 90 days on",
        "Of the members who posted within 30 days of joining, the share who took part again 90 "
        "days or more after their first post (Gallus 2017 followed such newcomers).", "%",
        "share", "higher",
        daily=False,
    ),
    Metric(
        "retained_after_answer", "Still members 90 days after their first decision",
        "Of the members who heard a first decision on an idea of theirs at least 90 days "
        "before the end, the share who did not leave in the 90 days after it "
        "(Bhattacherjee 2001: continuance follows satisfaction).", "%", "share", "higher",
        daily=False,
    ),
    Metric(
        "reply_effect", "Effect of a reply on posting again",
        "Posted-again share after a reply minus after none (Joyce & Kraut 2006).",
        "probability", "signed", daily=False,
    ),
    Metric(
        "ideas", "Consumer ideas submitted", "Ideas consumers submitted (builds excluded).",
        "ideas", "count", "higher", daily=False,
    ),
    Metric(
        "acceptance_rate", "Acceptance rate", "Share of consumer ideas accepted.", "%", "share",
        daily=False,
    ),
    Metric(
        "value_accepted", "Value of accepted ideas",
        "Mean value of the accepted ideas: (1 - w) x quality + w x novelty, with w = "
        "ideas.novelty_weight (novelty: share of loci changed from the current product).",
        "0..1", "quality", "higher", daily=False,
    ),
    Metric(
        "time_to_launch_median", "Time to launch, median",
        "Median days from submission to launch of accepted ideas: the time to decision, then "
        "the wait for a free development slot and the development itself.", "days", "days",
        "lower", daily=False,
    ),
    Metric(
        "flaws_escaped_per_launch", "Flaws escaped per launched idea",
        "Hidden flaws of accepted ideas that no gate found, per accepted idea: found in "
        "operation, at the highest rework cost (Stecklein et al. 2004).", "flaws", "level",
        "lower", daily=False,
    ),
)
# fmt: on
METRICS: dict[str, Metric] = {m.key: m for m in _METRICS}
# the DataCollector's reporters: the time-series columns, in order
REPORTERS: dict[str, Metric] = {m.key: m for m in _METRICS if m.daily}
# the figures of ``RunResult.summary``, in order (``days`` and ``seed`` identify the run)
SUMMARY = (
    "members",
    "active_members",
    "joined_total",
    "churned_total",
    "churned_share",
    "retention_90",
    "ever_posted_share",
    "top1_share",
    "gini_contributions",
    "newcomers_replied_share",
    "newcomers_replied",
    "newcomers_ignored",
    "post_again_replied",
    "post_again_ignored",
    "reply_effect",
    "post_again_after_rejection",
    "contributor_retention_90",
    "ideas",
    "quality_submitted",
    "quality_accepted",
    "feasible_on_strategy_share",
    "value_accepted",
    "decisions",
    "accepted",
    "acceptance_rate",
    "ignored_share",
    "time_to_decision_median",
    "time_to_decision_p90",
    "time_to_launch_median",
    "flaws_escaped_per_launch",
    "satisfaction_mean",
    "satisfaction_answered",
    "retained_after_answer",
    "spend_total",
    "cost_per_accepted",
)


def churned_share(churned: float, joined: float) -> float:
    """Members who left, of everyone who ever joined (0 before anyone joined).

    >>> churned_share(3, 12)
    0.25
    """
    return float(churned / max(joined, 1))


def population_metrics(pop, day: int) -> dict[str, float]:
    """The consumer-side daily metrics."""
    from simulation.model import kernels  # only a running model gets here

    members, active, active_today, satisfaction, answered, intrinsic, expectation = (
        kernels.member_figures(
            pop.member_rows,
            pop.last_active,
            max(day - 30, -1),
            pop.active_today,
            pop.first_answer_day,
            pop.satisfaction,
            pop.intrinsic,
            pop.expectation,
        )
    )  # counts, and means as np.mean gives them (numpy's pairwise sums)
    counts = pop.contribution_counts
    joined = int(pop.joined.size)
    total, gini_index, top1, retention_30, retention_90 = kernels.contribution_figures(
        counts, pop.joined, pop.joined_days, pop.join_day, pop.churn_day, day
    )  # gini, top_share and cohort_retention's numbers, in one pass
    return {
        "members": members,
        "active_members": active,
        "active_today": active_today,
        "joined_total": int(pop.joined.size),
        "churned_total": int(pop.joined.size - members),
        "retention_30": retention_30,
        "retention_90": retention_90,
        "contributions_total": total,
        "gini_contributions": gini_index,
        "top1_share": top1,
        "ever_posted_share": 1.0 - counts[0] / joined if joined else 0.0,
        "satisfaction_mean": satisfaction,
        "satisfaction_answered": answered,
        "intrinsic_mean": intrinsic,
        "expectation_mean": expectation,
    }


def organisation_metrics(org) -> dict[str, float]:
    """The firm-side daily metrics, from the organisation's running figures.

    They change only when something is promoted, decided or paid, so a quiet day reuses
    yesterday's figures.
    """
    key = (
        org.promoted,
        org.decisions,
        org.spend,
        org.adaptation.staff_cost,
        int(org.gates.open.size),
        int(org.gates.found.sum()),
        int(org.decision_times.sum()),
    )
    cached = getattr(org, "_metrics", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    figures = _organisation_figures(org)
    org._metrics = (key, figures)
    return figures


def cost_per_accepted(cash: float, staff: float, accepted: int) -> float:
    """What each accepted idea has cost: cash and prizes paid, plus staff days (NaN before one).

    >>> cost_per_accepted(300.0, 100.0, 4), cost_per_accepted(50.0, 0.0, 0)
    (100.0, nan)
    """
    return (cash + staff) / accepted if accepted else np.nan


def _organisation_figures(org) -> dict[str, float]:
    from simulation.model.kernels import counts_percentile  # measures' own, compiled

    accepted = org.accepted_quality
    return {
        "quality_promoted": org.promoted_quality_sum / org.promoted if org.promoted else np.nan,
        "quality_promoted_p90": counts_percentile(org.promoted_quality, 90.0) / QUALITY_STEPS,
        "quality_accepted": org.accepted_quality_sum / len(accepted) if len(accepted) else np.nan,
        "quality_accepted_p90": sorted_percentile(accepted, 90),
        "concepts": int(org.gates.open.size),
        "decisions": org.decisions,
        "accepted": len(accepted),
        "time_to_decision_median": counts_percentile(org.decision_times, 50.0),
        "time_to_decision_p90": counts_percentile(org.decision_times, 90.0),
        **{f"flaws_found_{g}": int(n) for g, n in zip(GATES, org.gates.found, strict=True)},
        "flaws_escaped": org.flaws_escaped,
        "spend_total": org.spend,
        "cost_per_accepted": cost_per_accepted(org.spend, org.adaptation.staff_cost, len(accepted)),
        "co_owner_support": float(org.support.min()) if org.support.size else np.nan,
    }
