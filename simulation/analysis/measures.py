"""What the stylized facts measure: figures taken from a full run, and per-replicate statistics.

``measure`` runs in the worker on each complete RunResult, so the large tables (ideas, snapshots)
never travel back; the statistics turn the replicates of one or more arms into one value per
replicate (paired across arms by replicate).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulation.analysis.replicates import Replicate
from simulation.analysis.stats import cohens_d
from simulation.run import RunResult

Runs = dict[str, list[Replicate]]
Statistic = Callable[[Runs], np.ndarray]


def measure(result: RunResult) -> dict[str, object]:
    """Figures the facts need from a full run, computed in the worker."""
    snaps, ideas = result.snapshots, result.ideas
    last = snaps[snaps["day"] == snaps["day"].max()]
    answered = last[last["first_answer_day"] >= 0]
    mine, firm = ideas[ideas["author"] >= 0], ideas[ideas["author"] < 0]
    per_author = mine.groupby("author").size()
    day0 = snaps.loc[snaps["day"] == 0, "consumer"].to_numpy()
    first90 = mine[mine["day"] < 90]
    ts = result.timeseries
    out: dict[str, object] = {
        "one_idea_share": float((per_author == 1).mean()) if len(per_author) else np.nan,
        # F8 as the meta-analysis measured it: the expectation held before an experience
        # against the satisfaction after it, among members who heard a decision
        "expectation_satisfaction_r": _corr(
            answered["expectation_prior"], answered["satisfaction_first"]
        ),
        "intrinsic_end": _column(snaps, snaps["day"].max(), day0, "intrinsic"),
        # F2: the interest of people whose ideas the firm read (and answered in its style)
        "intrinsic_read": last.loc[last["answers_read"] > 0, "intrinsic"].to_numpy(float),
        "ideas_first_90": float(len(first90)),
        # effort: members taking part on an average day of the run
        "participation": float(ts["active_today"].mean()),
        "quality_first_90": float(first90["quality_at_submission"].mean()),
        "expectation_change": float(
            ts["expectation_mean"].iloc[-1] - ts["expectation_mean"].iloc[29]
        )
        if len(ts) > 30
        else np.nan,
    }
    for column in ("need_fit", "novelty", "feasibility"):
        out[f"consumer_{column}"] = float(mine[column].mean()) if len(mine) else np.nan
        out[f"firm_{column}"] = float(firm[column].mean()) if len(firm) else np.nan
    out.update(_phase_costs(result))
    days = set(snaps["day"])
    if {150, 180} <= days:
        late, early = (_column(snaps, d, day0, "active_days") for d in (180, 150))
        out["rate_151_180"] = (late - np.nan_to_num(early)) / 30
    return out


def _phase_costs(result: RunResult) -> dict[str, float]:
    """Where flaws were found (F6).

    The share of all flaws of decided concepts found at the concept or design gate, and the
    flaws that escaped per launched concept.
    """
    d = result.decisions
    launched = d["outcome"] == "accepted"
    flaws = d["flaws"].sum()
    early = (d["found_concept"] + d["found_design"]).sum()
    return {
        "early_flaw_share": float(early / flaws) if flaws else np.nan,
        "escaped_per_launch": float(d.loc[launched, "escaped"].mean())
        if launched.any()
        else np.nan,
    }


def _corr(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.corrcoef(a, b)[0, 1]) if a.size > 2 and a.std() > 0 and b.std() > 0 else np.nan


def _column(snaps, day, cohort, column: str) -> np.ndarray:
    rows = snaps[snaps["day"] == day].set_index("consumer")[column]
    return rows.reindex(cohort).to_numpy(dtype=float)


# --- statistics ---------------------------------------------------------------------------------
def summary(arm: str, key: str) -> Statistic:
    """A summary figure of one arm."""
    return lambda runs: np.array([r.summary[key] for r in runs[arm]], dtype=float)


def extra(arm: str, key: str) -> Statistic:
    """A measured figure of one arm."""
    return lambda runs: np.array([r.extra[key] for r in runs[arm]], dtype=float)


def minus(a: Statistic, b: Statistic) -> Statistic:
    """Per replicate, ``a`` minus ``b`` (paired: same seeds)."""
    return lambda runs: a(runs) - b(runs)


def member_d(arm: str, other: str, key: str) -> Statistic:
    """Per replicate, Cohen's d between two arms over the people's values of ``key``."""

    def d(runs: Runs) -> np.ndarray:
        pairs = zip(runs[arm], runs[other], strict=True)
        return np.array([cohens_d(clean(x.extra[key]), clean(y.extra[key])) for x, y in pairs])

    return d


def clean(values) -> np.ndarray:
    """The values as floats, NaNs dropped."""
    values = np.asarray(values, dtype=float)
    return values[~np.isnan(values)]


def reply_effect(runs: Runs) -> np.ndarray:
    """Per replicate, P(post again | reply) - P(post again | no reply) among newcomers."""
    return np.array(
        [
            r.summary["post_again_replied"] - r.summary["post_again_ignored"]
            for r in runs["baseline"]
        ],
        dtype=float,
    )
