"""Summary statistics of an event log: the same figures from a real community and from a model.

:func:`summarise` turns a normalised event log (:mod:`simulation.events.schema`, or a model run's
``RunResult.events``) into named figures; :func:`curves` gives the distributions and curves
behind them as one tidy frame. Both are pure functions of the log, vectorised over its rows (a
million events take about a second), so a calibration can compute them on the data and on
every simulated log alike. ``docs/events.md`` defines each statistic, its unit, and the model
mechanism it informs; :data:`STATISTICS` holds the same, short.

Definitions shared by every statistic (``D`` is the last day of the log, or ``end_day``):

- an **act** is a member's own event: ``posted_idea``, ``built`` or ``voted``; a member is
  **active** in a span of days when they have at least one act in it. Joining and leaving are
  not acts, and ``replied`` and ``decided`` are the firm's events, not a member's;
- a **post** is a ``posted_idea`` or a ``built`` (the model's *contributions*);
- the **members** are everyone with a ``joined`` event; in a log without joins, everyone with
  an act or a ``left`` event, who is taken to have joined on the day of their first act;
- the **ideas** are those with a ``posted_idea`` event; votes, builds, replies and decisions on
  other ideas (posted before the log starts, or by the firm) count only as acts;
- a **30-day window** is days ``30w .. 30w + 29``; only windows that end by ``D`` count.

A statistic whose name is one of the model's figures is computed exactly as the model computes it
(``joined_total``, ``churned_total``, ``churned_share``, ``ever_posted_share``, ``top1_share``,
``gini_contributions``, ``ideas``, ``acceptance_rate``, ``retention_30``, ``retention_90``,
``days``), and equals it on a model run's log (tested); ``one_idea_share`` is the stylized
facts' figure (Bayus 2013).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.events.schema import ACTS, EVENTS, POSTS
from simulation.model.measures import gini, top_share
from simulation.model.metrics import churned_share

WINDOW = 30  # days of a "month": activity windows and retention steps
STILL_ACTIVE = (30, 60, 90, 180)  # days after joining at which the retention curve is reported
RETENTION = (30, 90)  # the model's cohort retention (ODD 7.14)
RETURN_WINDOW = 60  # days after a first post within which a return counts (as simulation.run)
QUANTILES = (10, 25, 50, 75, 90)
CURVE_QUANTILES = tuple(range(0, 101, 5))
NEVER = np.iinfo(np.int64).max
J, P, B, V, R, DD, L = (EVENTS.index(e) for e in EVENTS)


@dataclass(frozen=True)
class Statistic:
    """What one summary statistic is: its label, unit, kind, definition and what it informs."""

    label: str
    unit: str  # as shown: a share's value is a fraction, shown in %
    kind: str  # count | share | days | number
    definition: str
    informs: str


def _s(label: str, unit: str, kind: str, definition: str, informs: str) -> Statistic:
    return Statistic(label, "%" if unit == "share" else unit, kind, definition, informs)


STATISTICS: dict[str, Statistic] = {
    "days": _s("Days in the log", "days", "count", "D + 1", "the length of the observation"),
    "joined_total": _s(
        "Members", "people", "count", "members who ever joined", "arrivals, word of mouth"
    ),
    "churned_total": _s(
        "Members who left", "people", "count", "members with a left event", "exit hazards"
    ),
    "churned_share": _s(
        "Left, of all who joined", "share", "share", "churned_total / joined_total", "exit"
    ),
    "ever_posted_share": _s(
        "Ever posted", "share", "share", "members with a post / members", "participation"
    ),
    "ideator_share": _s(
        "Ever posted an idea", "share", "share", "members with an idea / members", "voice"
    ),
    "voter_share": _s("Ever voted", "share", "share", "members with a vote / members", "votes"),
    "top1_share": _s(
        "Posts by the top 1 % of members",
        "share",
        "share",
        "posts of the ceil(1 %) of members with most posts / posts",
        "heavy-tailed thresholds and voice",
    ),
    "top1_poster_share": _s(
        "Posts by the top 1 % of posters",
        "share",
        "share",
        "posts of the ceil(1 %) of posters with most posts / posts",
        "voice among contributors",
    ),
    "gini_contributions": _s(
        "Gini of posts per member", "0-1", "number", "Gini over members, zeros included", "voice"
    ),
    "days_to_first_post_median": _s(
        "Days from joining to first post, median",
        "days",
        "days",
        "median over posters of first post day - join day",
        "participation threshold, carried ideas",
    ),
    "active_monthly_mean": _s(
        "Active members per 30 days",
        "people",
        "number",
        "mean over 30-day windows of members with an act",
        "participation and exit together",
    ),
    "active_monthly_trend": _s(
        "Trend of active members",
        "people per 30 days",
        "number",
        "least-squares slope of active members over the windows",
        "growth or decline: arrivals against exit",
    ),
    "active_last_30": _s(
        "Active in the last 30 days", "people", "count", "members with an act on D-29..D", "size"
    ),
    "joined_monthly_mean": _s(
        "Joined per 30 days", "people", "number", "mean joins per 30-day window", "arrivals"
    ),
    **{
        f"still_active_{k}": _s(
            f"Still active {k} days after joining",
            "share",
            "share",
            f"of members who joined by D-{k + WINDOW - 1}, the share with an act on days "
            f"{k}..{k + WINDOW - 1} after joining",
            "newcomer retention: inactivity exit, answers to first ideas",
        )
        for k in STILL_ACTIVE
    },
    **{
        f"retention_{h}": _s(
            f"Still members {h} days after joining",
            "share",
            "share",
            f"of members who joined on days D-{2 * h}..D-{h + 1}, the share who did not leave "
            f"within {h} days (the model's retention_{h}); needs left events",
            "exit hazards",
        )
        for h in RETENTION
    },
    "ideas": _s("Ideas", "ideas", "count", "posted_idea events", "voice, cash ideas"),
    "ideas_per_ideator": _s(
        "Ideas per ideator", "ideas", "number", "ideas / members with an idea", "voice"
    ),
    "one_idea_share": _s(
        "Ideators with exactly one idea",
        "share",
        "share",
        "members with one idea / members with an idea",
        "carried ideas, voice (Bayus 2013)",
    ),
    "votes_per_idea": _s(
        "Votes per idea", "votes", "number", "votes on ideas / ideas", "voting, audience"
    ),
    "builds_per_idea": _s(
        "Builds per idea", "builds", "number", "builds on ideas / ideas", "build share"
    ),
    "reply_rate": _s(
        "Ideas replied to", "share", "share", "ideas with a replied event / ideas", "capacity"
    ),
    "days_to_reply_median": _s(
        "Days to first reply, median",
        "days",
        "days",
        "median over replied ideas of first reply day - post day",
        "review capacity, triage, patience",
    ),
    "decision_rate": _s(
        "Ideas decided", "share", "share", "ideas with a decided event / ideas", "review, gates"
    ),
    "acceptance_rate": _s(
        "Ideas accepted",
        "share",
        "share",
        "ideas decided accepted / ideas (the model's acceptance_rate)",
        "promotion bar, gates, screen",
    ),
    "accepted_of_decided": _s(
        "Accepted, of decided ideas",
        "share",
        "share",
        "ideas decided accepted / ideas decided",
        "promotion bar, gates, screen",
    ),
    **{
        f"days_to_decision_{'median' if q == 50 else f'p{q}'}": _s(
            f"Days to decision, {'median' if q == 50 else f'{q}th percentile'}",
            "days",
            "days",
            f"{q}th percentile (linear) over decided ideas of decision day - post day",
            "review capacity, gate days, rework, stalls",
        )
        for q in QUANTILES
    },
    "returned_replied": _s(
        "Returned after a replied first idea",
        "share",
        "share",
        f"of members whose first post was an idea, on a day by D-{RETURN_WINDOW}, and whose "
        f"first-day idea got a reply: the share who posted again within {RETURN_WINDOW} days",
        "feedback, recognition (Joyce & Kraut 2006)",
    ),
    "returned_unreplied": _s(
        "Returned after an unanswered first idea",
        "share",
        "share",
        "as returned_replied, for first ideas without a reply",
        "silence (Joyce & Kraut 2006)",
    ),
    "reply_return_effect": _s(
        "Reply effect on returning",
        "percentage points",
        "share",
        "returned_replied - returned_unreplied",
        "feedback against silence (Joyce & Kraut 2006)",
    ),
}


def summarise(
    log: pd.DataFrame, *, end_day: int | None = None, organisation: str | None = None
) -> dict[str, float]:
    """The summary statistics of an event log (:data:`STATISTICS`, in that order).

    Args:
        log: a normalised event log (``simulation.events.schema.read_events``, or a model
            run's ``RunResult.events``).
        end_day: the last day observed (default: the log's last day); later events are left out.
        organisation: with several organisations in the log, summarise this one only.

    Returns:
        Statistic -> value (NaN where undefined, e.g. a share of nobody). With several
        organisations and no ``organisation``, each organisation's statistics as
        ``NAME.statistic``.

    >>> log = pd.DataFrame({"member": [1, 1, 2], "day": [0, 3, 4],
    ...                     "event": ["posted_idea", "posted_idea", "voted"], "idea": [7, 8, 7]})
    >>> s = summarise(log)
    >>> s["ideas"], s["ever_posted_share"], s["one_idea_share"], s["votes_per_idea"]
    (2.0, 0.5, 0.0, 0.5)
    """
    communities = _communities(log, end_day, organisation)
    if len(communities) == 1:
        return communities[0][1].summary()
    return {
        f"{name}.{key}": value
        for name, community in communities
        for key, value in community.summary().items()
    }


def curves(
    log: pd.DataFrame, *, end_day: int | None = None, organisation: str | None = None
) -> pd.DataFrame:
    """The curves and distributions behind the statistics, as one tidy frame.

    Columns: ``organisation`` (with several), ``curve``, ``x``, ``value`` and ``base`` (the
    number a share is of; NaN for counts). Curves:

    - ``active_members``, ``joined``, ``ideas``: x = first day of each 30-day window, value = the
      window's active members, joins or ideas;
    - ``still_active``: x = days after joining (0, 30, 60, ...), value = the share of members
      observable then who have an act in the 30 days from x;
    - ``ideas_per_ideator``: x = ideas, value = the share of ideators with that many;
    - ``days_to_reply``, ``days_to_decision``: x = percentile (0, 5, ..., 100), value = days.
    """
    frames = []
    for name, community in _communities(log, end_day, organisation):
        frame = community.curves()
        if name is not None:
            frame.insert(0, "organisation", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summary_table(log: pd.DataFrame, *, end_day: int | None = None) -> pd.DataFrame:
    """The statistics as a tidy frame: one row per statistic (and organisation).

    Columns: ``organisation`` (with several), ``statistic``, ``value``, ``label``, ``unit``.
    """
    frames = []
    for name, community in _communities(log, end_day, None):
        figures = community.summary()
        frame = pd.DataFrame(
            {
                "statistic": list(figures),
                "value": list(figures.values()),
                "label": [STATISTICS[key].label for key in figures],
                "unit": [STATISTICS[key].unit for key in figures],
            }
        )
        if name is not None:
            frame.insert(0, "organisation", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _communities(log: pd.DataFrame, end_day: int | None, organisation: str | None):
    """``[(name, _Community)]``: one per organisation in the log (name None without any)."""
    if end_day is None:
        end_day = int(log["day"].max()) if len(log) else 0
    if "organisation" not in log:
        if organisation is not None:
            raise ValueError(f"organisation {organisation!r}: the log has no organisation column")
        return [(None, _Community(log, end_day))]
    names = pd.unique(log["organisation"].dropna())
    if organisation is not None:
        if organisation not in set(names):
            raise ValueError(f"organisation {organisation!r} is not in the log: {list(names)}")
        names = [organisation]
    if len(names) <= 1 and organisation is None:
        return [(None, _Community(log, end_day))]
    column = log["organisation"]
    return [(str(name), _Community(log[column == name], end_day)) for name in names]


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole else float("nan")


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else float("nan")


class _Community:
    """One community's log as integer arrays, and the statistics computed from them."""

    def __init__(self, log: pd.DataFrame, end: int):
        day = log["day"].to_numpy(dtype=np.int64)
        keep = (day >= 0) & (day <= end)
        self.end = end
        self.day = day[keep]
        self.event = pd.Categorical(log["event"], categories=EVENTS).codes[keep].astype(np.int8)
        self.member = pd.factorize(log["member"])[0][keep]
        self.idea = pd.factorize(log["idea"])[0][keep] if "idea" in log else np.full(keep.sum(), -1)
        outcome = log["outcome"] if "outcome" in log else pd.Series(pd.NA, index=log.index)
        self.accepted = outcome.eq("accepted").fillna(False).to_numpy(dtype=bool)[keep]
        self.n_members = int(self.member.max()) + 1 if self.member.size else 0
        self.n_ideas = int(self.idea.max()) + 1 if self.idea.size else 0
        self._people()
        self._ideas()

    # --- the arrays everything is computed from -----------------------------------------------
    def rows(self, *events: int) -> np.ndarray:
        """Mask of the rows of these event codes."""
        return np.isin(self.event, events)

    def first_day(self, mask: np.ndarray, by: np.ndarray, size: int) -> np.ndarray:
        """The earliest day of the ``mask`` rows per ``by`` code (NEVER where none)."""
        out = np.full(size + 1, NEVER, dtype=np.int64)  # the extra slot takes code -1
        np.minimum.at(out, by[mask], self.day[mask])
        return out[:size]

    def per_member(self, mask: np.ndarray) -> np.ndarray:
        """How many ``mask`` rows each member code has."""
        who = self.member[mask]
        return np.bincount(who[who >= 0], minlength=self.n_members)

    def _people(self) -> None:
        """Who the members are, the day each joined, and each one's posts."""
        m = self.n_members
        self.joins = self.event == J
        self.recorded_joins = bool(self.joins.any())
        acts = self.rows(*(EVENTS.index(e) for e in ACTS))
        self.acts = acts & (self.member >= 0)
        if self.recorded_joins:
            self.join_day = self.first_day(self.joins, self.member, m)
        else:  # first seen: the first act (or leaving)
            self.join_day = self.first_day(self.acts | (self.event == L), self.member, m)
        self.is_member = self.join_day < NEVER
        self.left = self.event == L
        self.left_day = self.first_day(self.left, self.member, m)
        self.posts = self.rows(*(EVENTS.index(e) for e in POSTS)) & (self.member >= 0)
        self.post_count = self.per_member(self.posts)[self.is_member]
        self.members = int(self.is_member.sum())

    def _ideas(self) -> None:
        """Each posted idea's day, author, first reply, decision and outcome."""
        n = self.n_ideas
        posted = (self.event == P) & (self.idea >= 0)
        self.post_day = self.first_day(posted, self.idea, n)
        self.is_idea = self.post_day < NEVER
        self.author = np.full(n, -1, dtype=np.int64)
        self.author[self.idea[posted]] = self.member[posted]
        self.reply_day = self.first_day(self.event == R, self.idea, n)
        decided = self.event == DD
        self.decision_day = self.first_day(decided, self.idea, n)
        self.accepted_idea = np.zeros(n + 1, dtype=bool)
        self.accepted_idea[self.idea[decided & self.accepted]] = True
        self.accepted_idea = self.accepted_idea[:n]

    def on_ideas(self, mask: np.ndarray) -> int:
        """How many ``mask`` rows are about an idea posted in the log."""
        idea = self.idea[mask]
        return int(self.is_idea[idea[idea >= 0]].sum())

    # --- the statistics -------------------------------------------------------------------------
    def summary(self) -> dict[str, float]:
        """Every statistic, in the order of :data:`STATISTICS`."""
        out = {
            "days": float(self.end + 1),
            **self.participation(),
            **self.activity(),
            **self.retention(),
            **self.idea_figures(),
            **self.firm(),
            **self.returns(),
        }
        return {key: float(out[key]) for key in STATISTICS}

    def participation(self) -> dict[str, float]:
        """Members, leavers and how posting is spread over them."""
        n, counts = self.members, self.post_count
        histogram = np.bincount(counts) if counts.size else np.zeros(1, dtype=np.int64)
        posters_only = histogram.copy()
        posters_only[0] = 0
        left = int((self.left_day < NEVER)[self.is_member].sum()) if self.left.any() else np.nan
        first_post = self.first_day(self.posts, self.member, self.n_members)
        posted = self.is_member & (first_post < NEVER)
        return {
            "joined_total": n,
            "churned_total": left,
            # as the model: 0 rather than NaN for a community nobody joined
            "churned_share": churned_share(left, n),
            "ever_posted_share": 1.0 - histogram[0] / n if n else 0.0,
            "ideator_share": _share(
                (self.per_member(self.event == P)[self.is_member] > 0).sum(), n
            ),
            "voter_share": _share((self.per_member(self.event == V)[self.is_member] > 0).sum(), n),
            "top1_share": top_share(histogram, 0.01),
            "top1_poster_share": top_share(posters_only, 0.01) if posters_only.any() else np.nan,
            "gini_contributions": gini(histogram),
            "days_to_first_post_median": _median(first_post[posted] - self.join_day[posted]),
        }

    def windows(self) -> int:
        """The number of complete 30-day windows."""
        return (self.end + 1) // WINDOW

    def window_counts(self, mask: np.ndarray, distinct: bool) -> np.ndarray:
        """Per complete window: the ``mask`` rows, or the distinct members among them."""
        count = self.windows()
        window = self.day[mask] // WINDOW
        inside = window < count
        if not distinct:
            return np.bincount(window[inside], minlength=count)
        pairs = np.unique(window[inside] * max(self.n_members, 1) + self.member[mask][inside])
        return np.bincount(pairs // max(self.n_members, 1), minlength=count)

    def activity(self) -> dict[str, float]:
        """Active members per 30-day window, their trend, the last 30 days, and joins."""
        active = self.window_counts(self.acts, distinct=True)
        joined = np.bincount(self.join_day[self.is_member] // WINDOW, minlength=self.windows())
        recent = self.acts & (self.day > self.end - WINDOW)
        return {
            "active_monthly_mean": float(active.mean()) if active.size else np.nan,
            "active_monthly_trend": float(np.polyfit(np.arange(active.size), active, 1)[0])
            if active.size >= 2
            else np.nan,
            "active_last_30": np.unique(self.member[recent]).size,
            "joined_monthly_mean": float(joined[: self.windows()].mean())
            if self.windows()
            else np.nan,
        }

    def still_active(self) -> tuple[np.ndarray, np.ndarray]:
        """``(active, observable)`` per 30-day step after joining (step b: days 30b..30b+29).

        Observable at step b: members who joined by ``D - 30b - 29``; active: those of them
        with an act in the step.
        """
        join = self.join_day[self.is_member]
        if not join.size or self.end - join.min() < WINDOW - 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        steps = (self.end - WINDOW + 1 - int(join.min())) // WINDOW + 1
        latest = self.end - WINDOW + 1 - WINDOW * np.arange(steps)  # join day limit per step
        observable = np.searchsorted(np.sort(join), latest, side="right")
        who = self.member[self.acts]
        joined = self.join_day[who]
        step = (self.day[self.acts] - joined) // WINDOW
        ok = (step >= 0) & (step < steps) & self.is_member[who]
        ok[ok] &= joined[ok] <= latest[step[ok]]
        pairs = np.unique(step[ok] * max(self.n_members, 1) + who[ok])
        active = np.bincount(pairs // max(self.n_members, 1), minlength=steps)
        return active, observable

    def retention(self) -> dict[str, float]:
        """The still-active curve at 30, 60, 90 and 180 days, and the model's cohort retention."""
        active, observable = self.still_active()
        out = {}
        for k in STILL_ACTIVE:
            b = k // WINDOW
            out[f"still_active_{k}"] = (
                _share(active[b], observable[b]) if b < active.size else np.nan
            )
        join, left = self.join_day[self.is_member], self.left_day[self.is_member]
        for h in RETENTION:
            cohort = (join >= self.end - 2 * h) & (join <= self.end - h - 1)
            stayed = (left == NEVER) | (left - join >= h)
            out[f"retention_{h}"] = (
                _share(stayed[cohort].sum(), cohort.sum()) if self.left.any() else np.nan
            )
        return out

    def idea_figures(self) -> dict[str, float]:
        """Ideas, how they are spread over ideators, and the votes and builds they get."""
        ideas = int(self.is_idea.sum())
        per_author = np.bincount(self.author[self.is_idea], minlength=self.n_members)
        ideators = int((per_author > 0).sum())
        return {
            "ideas": ideas,
            "ideas_per_ideator": _share(ideas, ideators),
            "one_idea_share": _share((per_author == 1).sum(), ideators),
            "votes_per_idea": _share(self.on_ideas(self.event == V), ideas),
            "builds_per_idea": _share(self.on_ideas(self.event == B), ideas),
        }

    def latencies(self) -> tuple[np.ndarray, np.ndarray]:
        """Days from posting to the first reply, and to the decision, of the ideas that got one."""
        replied = self.is_idea & (self.reply_day < NEVER)
        decided = self.is_idea & (self.decision_day < NEVER)
        return (
            self.reply_day[replied] - self.post_day[replied],
            self.decision_day[decided] - self.post_day[decided],
        )

    def firm(self) -> dict[str, float]:
        """What the firm did with the ideas: replies, decisions, acceptances, and how soon."""
        ideas = int(self.is_idea.sum())
        to_reply, to_decision = self.latencies()
        accepted = int((self.accepted_idea & self.is_idea).sum())
        quantiles = (
            np.percentile(to_decision, QUANTILES) if to_decision.size else [np.nan] * len(QUANTILES)
        )
        return {
            "reply_rate": _share(to_reply.size, ideas),
            "days_to_reply_median": _median(to_reply),
            "decision_rate": _share(to_decision.size, ideas),
            "acceptance_rate": accepted / ideas if ideas else 0.0,  # as the model's
            "accepted_of_decided": _share(accepted, to_decision.size),
            **{
                f"days_to_decision_{'median' if q == 50 else f'p{q}'}": float(value)
                for q, value in zip(QUANTILES, quantiles, strict=True)
            },
        }

    def returns(self) -> dict[str, float]:
        """Do members whose first idea got a reply post again more often (Joyce & Kraut 2006)?

        A member's first post day is the day of their first post; they count when they posted
        an idea that day, on or before ``D - 60``, and they returned when they posted again on
        a later day within 60 days. Replied: an idea of theirs from that day got a reply.
        """
        first = self.first_day(self.posts, self.member, self.n_members)
        ideas = np.flatnonzero(self.is_idea)
        on_first_day = ideas[self.post_day[ideas] == first[self.author[ideas]]]
        observed = np.zeros(self.n_members, dtype=bool)
        observed[self.author[on_first_day]] = True
        observed &= first <= self.end - RETURN_WINDOW
        replied = np.zeros(self.n_members, dtype=bool)
        replied[self.author[on_first_day[self.reply_day[on_first_day] < NEVER]]] = True
        who = self.member[self.posts]
        later = self.day[self.posts] - first[who]
        returned = np.zeros(self.n_members, dtype=bool)
        returned[who[(later > 0) & (later <= RETURN_WINDOW)]] = True
        yes = _share(returned[observed & replied].sum(), (observed & replied).sum())
        no = _share(returned[observed & ~replied].sum(), (observed & ~replied).sum())
        return {"returned_replied": yes, "returned_unreplied": no, "reply_return_effect": yes - no}

    # --- curves ---------------------------------------------------------------------------------
    def curves(self) -> pd.DataFrame:
        """The tidy frame of :func:`curves` for this community."""
        parts = []

        def add(curve: str, x, value, base=np.nan) -> None:
            x = np.asarray(x, dtype=float)
            parts.append(
                pd.DataFrame(
                    {
                        "curve": curve,
                        "x": x,
                        "value": np.asarray(value, dtype=float),
                        "base": np.broadcast_to(np.asarray(base, dtype=float), x.shape),
                    }
                )
            )

        starts = WINDOW * np.arange(self.windows())
        add("active_members", starts, self.window_counts(self.acts, distinct=True))
        joined = np.bincount(self.join_day[self.is_member] // WINDOW, minlength=self.windows())
        add("joined", starts, joined[: self.windows()])
        add("ideas", starts, self.window_counts((self.event == P) & (self.idea >= 0), False))
        active, observable = self.still_active()
        with np.errstate(invalid="ignore", divide="ignore"):
            add("still_active", WINDOW * np.arange(active.size), active / observable, observable)
        per_author = np.bincount(self.author[self.is_idea], minlength=self.n_members)
        spread = np.bincount(per_author[per_author > 0])[1:]
        ideators = spread.sum()
        add("ideas_per_ideator", np.arange(1, spread.size + 1), spread / max(ideators, 1), ideators)
        for name, days in zip(("days_to_reply", "days_to_decision"), self.latencies(), strict=True):
            if days.size:
                add(name, CURVE_QUANTILES, np.percentile(days, CURVE_QUANTILES), days.size)
        return pd.concat(parts, ignore_index=True)
