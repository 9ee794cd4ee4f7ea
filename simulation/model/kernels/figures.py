"""The day's figures over the members and the contributions (``simulation.model.metrics``)."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled
from simulation.model.kernels.summation import pairwise_sum


# --- the day's figures -------------------------------------------------------------------------
@compiled
def member_figures(
    members,
    last_active,
    active_since,
    active_today,
    first_answer_day,
    satisfaction,
    intrinsic,
    expectation,
):
    """Counts and means of the members (``population_metrics``).

    Returns ``(members, active_members, active_today, satisfaction, satisfaction of the
    answered, intrinsic, expectation)``, the means as ``np.mean`` of the members' values in
    index order gives them (NaN for none). ``members``: their rows in index order (only a
    member can be active today).
    """
    m = members.size
    sat = np.empty(m)
    answered = np.empty(m)
    interest = np.empty(m)
    expected = np.empty(m)
    a = 0
    active = 0
    today = 0
    for k in range(m):
        i = members[k]
        if active_today[i]:
            today += 1
        if last_active[i] > active_since:
            active += 1
        sat[k] = satisfaction[i]
        interest[k] = intrinsic[i]
        expected[k] = expectation[i]
        if first_answer_day[i] >= 0:
            answered[a] = satisfaction[i]
            a += 1
    nan = np.nan
    return (
        m,
        active,
        today,
        pairwise_sum(sat, m) / m if m else nan,
        pairwise_sum(answered, a) / a if a else nan,
        pairwise_sum(interest, m) / m if m else nan,
        pairwise_sum(expected, m) / m if m else nan,
    )


@compiled
def contribution_figures(counts, joined, joined_days, join_day, churn_day, day):
    """Total, Gini, top-1 % share, 30- and 90-day cohort retention (``population_metrics``).

    The same numbers as ``measures.gini``, ``top_share`` and ``cohort_retention`` (the Gini's
    one floating-point sum as numpy's pairwise sum).
    """
    size = counts.size
    n = 0
    total = 0
    for v in range(size):
        n += counts[v]
        total += counts[v] * v
    gini = 0.0
    top = 0.0
    if n != 0 and total != 0:
        terms = np.empty(size)
        below = 0
        for v in range(size):
            c = counts[v]
            terms[v] = v * (c * below + c * (c + 1) / 2)  # level * rank_sum
            below += c
        weighted = pairwise_sum(terms, size)
        gini = 2 * weighted / (n * total) - (n + 1) / n
        k = max(1, int(np.ceil(0.01 * n)))
        taken_total = 0
        above = 0  # people with larger values, from the top down
        for v in range(size - 1, -1, -1):
            c = counts[v]
            taken = min(c, max(k - above, 0))
            taken_total += taken * v
            above += c
        top = taken_total / total
    return (
        total,
        gini,
        top,
        _retention(joined, joined_days, join_day, churn_day, day, 30),
        _retention(joined, joined_days, join_day, churn_day, day, 90),
    )


@compiled
def _retention(joined, days, join_day, churn_day, day, horizon):
    lo = np.searchsorted(days, day - 2 * horizon)
    hi = np.searchsorted(days, day - horizon)
    if hi <= lo:
        return np.nan
    stayed = 0
    for j in range(lo, hi):
        i = joined[j]
        if churn_day[i] < 0 or churn_day[i] - join_day[i] >= horizon:
            stayed += 1
    return stayed / (hi - lo)


@compiled
def counts_percentile(counts, q):
    """``measures.counts_percentile``: the q-th percentile of integers given as a histogram."""
    total = 0
    for c in counts:
        total += c
    if total == 0:
        return np.nan
    position = q / 100 * (total - 1)
    below = np.floor(position)
    low_key, high_key = below + 1, np.ceil(position) + 1
    low = high = counts.size
    running = 0
    for v in range(counts.size):
        running += counts[v]
        if low == counts.size and running >= low_key:
            low = v
        if running >= high_key:
            high = v
            break
    return low + (high - low) * (position - below)
