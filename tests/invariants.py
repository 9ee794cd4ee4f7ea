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
    check_organisations(result)


def rows_of(frame, name: str | None):
    """One organisation's rows of a table (the whole table without an organisation column)."""
    if name is None or "organisation" not in frame:
        return frame
    return frame[frame["organisation"] == name]


def check_organisations(result: RunResult) -> None:
    """Each organisation's tables agree with its figures; the focal one's with the time series."""
    ts, table = result.timeseries, result.organisations
    names = list(table["organisation"].cat.categories)
    assert len(table) == len(ts) * len(names)
    assert (table["members"] + table["churned_total"] == table["joined_total"]).all()
    assert (table["active_members"] <= table["members"]).all()
    assert (table["members_elsewhere"] <= table["members"]).all()
    focal = table[table["organisation"] == names[0]].reset_index(drop=True)
    for column in ("members", "active_members", "joined_total", "accepted", "spend_total"):
        assert focal[column].equals(ts[column]), column
    several = len(names) > 1
    for name in names:
        own = table[table["organisation"] == name]
        for column in ("accepted", "spend_total", "ideas_total", "joined_total"):
            assert (own[column].diff().dropna() >= 0).all(), f"{name}: {column} never decreases"
        last = own.iloc[-1]
        ideas = rows_of(result.ideas, name if several else None)
        decisions = rows_of(result.decisions, name if several else None)
        snapshots = rows_of(result.snapshots, name if several else None)
        assert (decisions["outcome"] == "accepted").sum() == last["accepted"]
        assert (ideas["status"] == "accepted").sum() == last["accepted"]
        assert (ideas["author"] >= 0).sum() == last["ideas_total"]
        assert ideas["idea"].is_unique and decisions["idea"].is_unique
        assert (decisions["decision_day"] >= decisions["promoted_day"]).all()
        assert (decisions["promoted_day"] >= decisions["submitted_day"]).all()
        found = decisions[[c for c in decisions if c.startswith("found_")]].sum(axis=1)
        assert (found + decisions["escaped"] <= decisions["flaws"]).all()
        paid = snapshots.groupby("consumer")["paid"].max().sum() if len(snapshots) else 0.0
        assert np.isclose(last["spend_total"], paid)
    focal_decisions = rows_of(result.decisions, names[0] if several else None)
    assert len(focal_decisions) == ts["decisions"].iloc[-1]
