"""What the model measures every day: small pure functions and the daily reporter set.

Inequality is computed from the histogram of integer contribution counts, so a day's Gini over
10,000 members costs a ``bincount`` instead of a sort.
"""

from __future__ import annotations

import numpy as np

from simulation.model.decisions import GATES

# name -> description; every one is a column of the model time series (mesa.DataCollector).
REPORTERS: dict[str, str] = {
    "members": "Current members (lurkers and contributors).",
    "active_members": "Members who took part in the last 30 days (joining is not taking part).",
    "active_today": "Members who took part today.",
    "joined_today": "Consumers who joined today.",
    "joined_total": "Consumers who have ever joined.",
    "churned_today": "Members who left today.",
    "churned_total": "Members who have left so far.",
    "churn_rate": "Members who left today per member at the start of the day.",
    "retention_30": "Share of the cohort that joined 31-60 days ago still there 30 days in.",
    "retention_90": "Share of the cohort that joined 91-120 days ago still there 90 days in.",
    "contributions_today": "Ideas and builds posted by consumers today.",
    "ideas_today": "New consumer ideas today (builds excluded).",
    "votes_today": "Up-votes cast today.",
    "contributions_total": "Ideas and builds posted by consumers so far.",
    "gini_contributions": "Gini coefficient of contributions over everyone who ever joined.",
    "top1_share": "Share of contributions written by the top 1 % of those who ever joined.",
    "ever_posted_share": "Share of those who ever joined who have posted at least once.",
    "quality_submitted": "Mean true quality of all ideas submitted so far.",
    "quality_submitted_p90": "90th percentile of the quality of submitted ideas (to 0.001).",
    "quality_promoted": "Mean true quality of ideas promoted to concepts so far.",
    "quality_promoted_p90": "90th percentile of the quality of promoted ideas (to 0.001).",
    "quality_accepted": "Mean true quality of accepted ideas so far.",
    "quality_accepted_p90": "90th percentile of the quality of accepted ideas so far.",
    "feasible_share": "Share of submitted ideas that are feasible.",
    "on_strategy_share": "Share of submitted ideas that are on strategy.",
    "feasible_on_strategy_share": "Share of submitted ideas both feasible and on strategy.",
    "queue": "Ideas waiting for review.",
    "concepts": "Concepts in the stage-gate pipeline.",
    "decisions": "Concepts decided so far (accepted or killed).",
    "accepted": "Ideas accepted so far.",
    "time_to_decision_median": "Median days from submission to decision, rework included.",
    "time_to_decision_p90": "90th percentile of days from submission to decision.",
    "flaws_found_concept": "Flaws found at the concept gate so far.",
    "flaws_found_design": "Flaws found at the design gate so far.",
    "flaws_found_build": "Flaws found at the build gate so far.",
    "flaws_found_test": "Flaws found at the test gate so far.",
    "flaws_escaped": "Flaws of accepted ideas that escaped every gate.",
    "satisfaction_mean": "Mean satisfaction of members (-1..1).",
    "intrinsic_mean": "Mean intrinsic interest of members.",
    "expectation_mean": "Mean expected acceptance chance of members.",
    "spend_total": "Cash rewards paid so far (EUR).",
    "cost_per_accepted": "Cash paid per accepted idea so far (EUR; NaN before the first).",
    "co_owner_support": "Lowest support among co-owners (1 = full; NaN without co-owners).",
}


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative integers given as a histogram.

    ``counts[v]`` is the number of people with value ``v``.

    >>> gini(np.bincount([0, 0, 0, 4]))
    0.75
    >>> gini(np.bincount([2, 2, 2]))
    0.0
    """
    level = np.arange(counts.size)
    n, total = int(counts.sum()), int((counts * level).sum())
    if n == 0 or total == 0:
        return 0.0
    below = np.cumsum(counts) - counts  # ranks taken by smaller values
    rank_sum = counts * below + counts * (counts + 1) / 2  # sum of 1-based ranks per level
    weighted = float((level * rank_sum).sum())
    return float(2 * weighted / (n * total) - (n + 1) / n)


def top_share(counts: np.ndarray, share: float = 0.01) -> float:
    """Share of the total held by the top ``share`` of people (at least one person).

    ``counts`` is the histogram of their integer values.

    >>> top_share(np.bincount([0] * 99 + [10]), 0.01)
    1.0
    >>> top_share(np.bincount([1, 1, 1, 1]), 0.5)
    0.5
    """
    level = np.arange(counts.size)
    n, total = int(counts.sum()), int((counts * level).sum())
    if n == 0 or total == 0:
        return 0.0
    k = max(1, int(np.ceil(share * n)))
    down, level = counts[::-1], level[::-1]  # from the largest value down
    taken = np.minimum(down, np.maximum(k - (np.cumsum(down) - down), 0))
    return float((taken * level).sum() / total)


def cohort_retention(
    joined: np.ndarray, days: np.ndarray, join_day, churn_day, day: int, horizon: int
) -> float:
    """Share of a cohort still members ``horizon`` days after joining.

    The cohort joined ``horizon+1..2*horizon`` days ago (NaN when it is empty). ``joined`` lists
    joiners in joining order and ``days`` the day each joined.
    """
    lo, hi = np.searchsorted(days, [day - 2 * horizon, day - horizon])
    cohort = joined[lo:hi]
    if not cohort.size:
        return float("nan")
    stayed = (churn_day[cohort] < 0) | (churn_day[cohort] - join_day[cohort] >= horizon)
    return float(stayed.mean())


def percentile(values: list[float] | np.ndarray, q: float) -> float:
    """The q-th percentile, NaN for no values."""
    return float(np.percentile(values, q)) if len(values) else float("nan")


def sorted_percentile(values: np.ndarray, q: float) -> float:
    """The q-th percentile of already sorted values (linear interpolation), NaN if empty.

    >>> sorted_percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50)
    2.5
    """
    if not len(values):
        return float("nan")
    position = q / 100 * (len(values) - 1)
    low = int(np.floor(position))
    high = min(low + 1, len(values) - 1)
    return float(values[low] + (values[high] - values[low]) * (position - low))


def mean(values: list[float] | np.ndarray) -> float:
    """Mean, NaN for no values."""
    return float(np.mean(values)) if len(values) else float("nan")


def population_metrics(pop, day: int) -> dict[str, float]:
    """The consumer-side daily metrics."""
    members = np.flatnonzero(pop.member)
    counts = pop.contribution_counts
    cohorts = (pop.joined, pop.joined_days, pop.join_day, pop.churn_day)
    joined = int(pop.joined.size)
    return {
        "members": int(members.size),
        "active_members": int((pop.last_active[members] > max(day - 30, -1)).sum()),
        "active_today": int(pop.active_today.sum()),
        "joined_total": int(pop.joined.size),
        "churned_total": int(pop.joined.size - members.size),
        "retention_30": cohort_retention(*cohorts, day, 30),
        "retention_90": cohort_retention(*cohorts, day, 90),
        "contributions_total": int((counts * np.arange(counts.size)).sum()),
        "gini_contributions": gini(counts),
        "top1_share": top_share(counts, 0.01),
        "ever_posted_share": 1.0 - counts[0] / joined if joined else 0.0,
        "satisfaction_mean": mean(pop.satisfaction[members]),
        "intrinsic_mean": mean(pop.intrinsic[members]),
        "expectation_mean": mean(pop.expectation[members]),
    }


QUALITY_STEPS = 1000  # quality histograms have bins of 1/QUALITY_STEPS


def quality_histogram(quality: np.ndarray) -> np.ndarray:
    """Counts of qualities (0..1) in bins of 1/QUALITY_STEPS, to add to a running histogram."""
    return np.bincount(
        np.rint(quality * QUALITY_STEPS).astype(np.int64), minlength=QUALITY_STEPS + 1
    )


def counts_percentile(counts: np.ndarray, q: float) -> float:
    """The q-th percentile (linear interpolation) of integers given as a histogram, NaN if empty.

    >>> counts_percentile(np.array([0, 2, 1, 1]), 50)
    1.5
    """
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if cumulative.size else 0
    if total == 0:
        return float("nan")
    position = q / 100 * (total - 1)
    below = np.floor(position)
    low, high = np.searchsorted(cumulative, [below + 1, np.ceil(position) + 1])
    return float(low + (high - low) * (position - below))


def organisation_metrics(org) -> dict[str, float]:
    """The firm-side daily metrics, from the organisation's running figures.

    They change only when something is promoted, decided or paid, so a quiet day reuses
    yesterday's figures.
    """
    key = (
        org.promoted,
        org.decisions,
        org.spend,
        int(org.gates.open.size),
        int(org.gates.found.sum()),
    )
    cached = getattr(org, "_metrics", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    figures = _organisation_figures(org)
    org._metrics = (key, figures)
    return figures


def _organisation_figures(org) -> dict[str, float]:
    accepted = org.accepted_quality
    return {
        "quality_promoted": org.promoted_quality_sum / org.promoted if org.promoted else np.nan,
        "quality_promoted_p90": counts_percentile(org.promoted_quality, 90) / QUALITY_STEPS,
        "quality_accepted": org.accepted_quality_sum / len(accepted) if len(accepted) else np.nan,
        "quality_accepted_p90": sorted_percentile(accepted, 90),
        "concepts": int(org.gates.open.size),
        "decisions": org.decisions,
        "accepted": len(accepted),
        "time_to_decision_median": counts_percentile(org.decision_times, 50),
        "time_to_decision_p90": counts_percentile(org.decision_times, 90),
        **{f"flaws_found_{g}": int(n) for g, n in zip(GATES, org.gates.found, strict=True)},
        "flaws_escaped": org.flaws_escaped,
        "spend_total": org.spend,
        "cost_per_accepted": org.spend / len(accepted) if len(accepted) else np.nan,
        "co_owner_support": float(org.support.min()) if org.support.size else np.nan,
    }
