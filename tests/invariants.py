"""Checks every run must pass, whatever the policy or scenario (used by several test files)."""

from __future__ import annotations

import numpy as np

from simulation.model.metrics import METRICS, REPORTERS
from simulation.run import RunResult


def check_run(result: RunResult) -> None:
    """Conservation of people and ideas, and every metric within its range."""
    ts, s = result.timeseries, result.scenario
    assert len(ts) == s.run.days
    assert (ts["members"] + ts["churned_total"] == ts["joined_total"]).all()
    assert (ts["joined_total"] <= s.community.consumers).all()
    assert (ts["joined_total"].diff().fillna(0) == ts["joined_today"].where(ts.index > 0, 0)).all()
    assert (ts["active_members"] <= ts["members"]).all()
    assert (ts["active_today"] <= ts["members"] + ts["churned_today"]).all()
    for metric in REPORTERS.values():  # every daily metric within the range its kind declares
        low, high = metric.bounds
        values = ts[metric.key].dropna()
        assert values.between(low - 1e-12, high + 1e-12).all(), metric.key
    for metric in METRICS.values():  # and every figure of the summary
        value = result.summary.get(metric.key)
        if value is not None and not np.isnan(value):
            assert metric.bounds[0] - 1e-12 <= value <= metric.bounds[1] + 1e-12, metric.key
    for column in ["contributions_total", "decisions", "accepted", "spend_total"]:
        assert (ts[column].diff().dropna() >= 0).all(), f"{column} never decreases"
    assert (ts["accepted"] <= ts["decisions"]).all()
    ideas, decisions = result.ideas, result.decisions
    assert len(decisions) == ts["decisions"].iloc[-1]
    assert (decisions["outcome"] == "accepted").sum() == ts["accepted"].iloc[-1]
    assert (ideas["status"] == "accepted").sum() == ts["accepted"].iloc[-1]
    assert ideas["idea"].is_unique and decisions["idea"].is_unique
    assert (decisions["decision_day"] >= decisions["promoted_day"]).all()
    assert (decisions["promoted_day"] >= decisions["submitted_day"]).all()
    found = decisions[[c for c in decisions if c.startswith("found_")]].sum(axis=1)
    assert (found + decisions["escaped"] <= decisions["flaws"]).all()
    assert np.isclose(
        ts["spend_total"].iloc[-1],
        result.snapshots.groupby("consumer")["paid"].max().sum() if len(result.snapshots) else 0.0,
    )
