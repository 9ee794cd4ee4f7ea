"""The event log of a model run, in the format a real community's log is read into.

Most events come from the tables a run has anyway: joins and exits from each consumer's
``join_day`` and ``churn_day`` (a consumer joins a community at most once and never rejoins),
ideas from the ideas table (author, day), replies from the review (``review_day`` of ideas
answered with a reply or an explanation), decisions from the review (ideas turned down) and the
gates (the decisions table). Who built on and who voted for which idea is what the model
records only when asked (:class:`simulation.model.community.Acts`).

What the log leaves out, as a real community's log would: the firm's own ideas (votes on them
stay, as members' acts), ideas that expired unread (silence leaves no event), members who took
part without leaving a trace (a voter who looked at an idea and did not up-vote it), and
everything about motivation. Within a day, events come in the model's order: joins, ideas (in
the order they entered the pool), builds, votes, replies, decisions, exits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.events.schema import EVENTS, OUTCOMES

REVIEW = "review"  # the reason of an idea turned down at review; a gate's is "<gate> gate"


def run_events(model, ideas: list[pd.DataFrame], decisions: list[pd.DataFrame]) -> pd.DataFrame:
    """The event log of a model that has run, every organisation's community in one frame.

    Args:
        model: a ``CoCreationModel`` built with ``events=True`` that has run.
        ideas: each organisation's ideas table (``IdeaPool.frame``), in the organisations'
            order.
        decisions: each organisation's decisions table (``StageGates.frame``), in that order.

    Returns:
        The normalised log: ``member``, ``day``, ``event``, ``idea``, ``outcome`` and
        ``reason``, plus ``organisation`` with several organisations. Member ids are consumer
        indices; idea ids are rows of each organisation's ideas table. ``replied`` and
        ``decided`` carry no member (they are the firm's).
    """
    parts = [
        community_events(org.consumers, org.community.acts, frame, decided)
        for org, frame, decided in zip(model.organisations, ideas, decisions, strict=True)
    ]
    names = [org.name for org in model.organisations]
    columns = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    organisation = np.repeat(np.arange(len(parts)), [part["day"].size for part in parts])
    order = np.lexsort((columns["event"], organisation, columns["day"]))
    log = _frame({key: values[order] for key, values in columns.items()})
    if len(names) > 1:
        log["organisation"] = pd.Categorical.from_codes(organisation[order], names)
    return log


def community_events(consumers, acts, ideas: pd.DataFrame, decisions: pd.DataFrame) -> dict:
    """One community's events as arrays, ordered by day, then event.

    The arrays are ``member``, ``day``, ``event``, ``idea``, ``outcome`` and ``reason``, with
    -1 (or None) where an event has none.
    """
    if acts is None:
        raise ValueError("the model did not record its acts: build it with events=True")
    mine = ideas[ideas["author"] >= 0]
    gates = decisions[decisions["author"] >= 0]
    joined = np.flatnonzero(consumers.join_day >= 0)
    left = np.flatnonzero(consumers.churn_day >= 0)
    replied = mine[mine["response"].isin(["reply", "explain"])]
    turned_down = mine[mine["status"] == "rejected"]
    killed = (gates["outcome"] != "accepted").to_numpy()
    parts = [
        _part("joined", joined, consumers.join_day[joined]),
        _part("posted_idea", mine["author"], mine["day"], mine["idea"]),
        _part("built", *_who_day_idea(acts, "built")),
        _part("voted", *_who_day_idea(acts, "voted")),
        _part("replied", None, replied["review_day"], replied["idea"]),
        _part(
            "decided",
            None,
            turned_down["review_day"],
            turned_down["idea"],
            outcome="rejected",
            reason=np.full(len(turned_down), REVIEW, dtype=object),
        ),
        _part(
            "decided",
            None,
            gates["decision_day"],
            gates["idea"],
            outcome=np.where(killed, "rejected", "accepted"),
            reason=np.where(killed, gates["gate_reached"].astype(str) + " gate", None),
        ),
        _part("left", left, consumers.churn_day[left]),
    ]
    columns = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.lexsort((columns["event"], columns["day"]))
    return {key: values[order] for key, values in columns.items()}


def _who_day_idea(acts, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    day, member, idea = acts.arrays(kind)
    return member, day, idea


def _part(event: str, member, day, idea=None, outcome=None, reason=None) -> dict[str, np.ndarray]:
    """One kind of event as arrays of equal length."""
    day = np.asarray(day, dtype=np.int64)
    n = day.size

    def ids(values) -> np.ndarray:
        return np.full(n, -1, dtype=np.int64) if values is None else np.asarray(values, np.int64)

    outcome_code = np.full(n, -1, dtype=np.int8)
    if outcome is not None:
        outcome_code[:] = np.where(np.broadcast_to(outcome, n) == "accepted", 0, 1)
    return {
        "member": ids(member),
        "day": day,
        "event": np.full(n, EVENTS.index(event), dtype=np.int8),
        "idea": ids(idea),
        "outcome": outcome_code,
        "reason": np.full(n, None, dtype=object) if reason is None else np.asarray(reason, object),
    }


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The arrays as the normalised log's columns and dtypes."""
    return pd.DataFrame(
        {
            "member": _ids(columns["member"]),
            "day": columns["day"],
            "event": pd.Categorical.from_codes(columns["event"], EVENTS),
            "idea": _ids(columns["idea"]),
            "outcome": pd.Categorical.from_codes(columns["outcome"], OUTCOMES),
            "reason": pd.array(columns["reason"], dtype="string"),
        }
    )


def _ids(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Ids as nullable integers, missing where -1."""
    out = pd.array(values, dtype="Int64")
    out[values < 0] = pd.NA
    return out
