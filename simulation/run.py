"""The one seam between the model and everything that runs it: ``run_scenario``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from simulation.events.from_run import run_events
from simulation.model import CoCreationModel
from simulation.model.decisions import OUTCOMES, decisions_frame
from simulation.model.ideas.pool import IdeaStatus, ideas_frame
from simulation.model.metrics import METRICS, SUMMARY, churned_share
from simulation.scenario import Scenario

TABLES = ("timeseries", "ideas", "decisions", "snapshots", "organisations")
# the per-organisation headline figures (summary keys ``NAME.figure`` with several organisations)
ORGANISATION_FIGURES = (
    "members",
    "active_members",
    "churned_share",
    "ideas",
    "accepted",
    "acceptance_rate",
    "quality_accepted",
    "time_to_decision_median",
    "spend_total",
    "cost_per_accepted",
    "members_elsewhere",
    "switched_out",
)
RETURN_WINDOW = 60  # days after a first post within which "posting again" counts


@dataclass
class RunResult:
    """Everything one run produced, as tidy pandas frames plus headline figures.

    Attributes:
        scenario: the scenario that ran (with the seed actually used).
        timeseries: one row per day, one column per daily metric
            (``simulation.model.metrics.REPORTERS``).
        ideas: one row per submitted idea.
        decisions: one row per concept decided at the stage gates.
        snapshots: one row per member per snapshot day.
        summary: headline figures (see :func:`summarise`).
        organisations: one row per day and organisation.
        events: the run's event log (``docs/events.md``), or None unless the run was asked
            for it (``run_scenario(..., events=True)``).

    With several organisations (``[[organisations]]``), ``timeseries`` and the headline figures
    describe the focal (first) organisation's community; ``ideas``, ``decisions`` and
    ``snapshots`` hold every community's rows with an ``organisation`` column, and the summary
    adds each organisation's figures as ``NAME.figure`` plus the shared ``multi_members`` and
    ``switchers``.

    A run's result (:func:`collect_result`) makes each table when it is first read
    (:meth:`deferred`); to its reader it is an attribute like any other.
    """

    scenario: Scenario
    timeseries: pd.DataFrame
    ideas: pd.DataFrame
    decisions: pd.DataFrame
    snapshots: pd.DataFrame
    summary: dict[str, float]
    organisations: pd.DataFrame
    events: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    @classmethod
    def deferred(
        cls,
        scenario: Scenario,
        tables: dict[str, Callable[[], pd.DataFrame]],
        summary: dict[str, float],
        events: pd.DataFrame | None = None,
        arrays: dict[str, Mapping[str, np.ndarray]] | None = None,
    ) -> RunResult:
        """A result whose tables are made when first read: ``tables[name]()`` makes one.

        A sweep records the summary and a few tables of each of many small runs, and making a
        pandas frame costs more than such a run's rows: the tables nobody reads are never made.
        Read, a table is kept; pickled or copied, a result makes every table first.
        ``arrays[name]``: a table's columns as numpy arrays, exactly its frame's (see
        :meth:`columns`).
        """
        result = cls.__new__(cls)
        result.scenario, result.summary, result.events = scenario, summary, events
        result._pending, result._arrays = dict(tables), dict(arrays or {})
        return result

    def columns(self, name: str) -> Mapping[str, np.ndarray | pd.Series]:
        """A table's columns by name, without making its frame where numpy arrays stand for it.

        Those arrays (the timeseries' from :func:`collect_result`) while the frame is not made;
        otherwise the frame, a mapping of its columns too. Either way ``list(...)`` gives the
        column names in order and ``[column]`` the values, of the frame's dtype.
        """
        arrays = self.__dict__.get("_arrays", {})
        if name in arrays and name not in self.__dict__:
            return arrays[name]
        return getattr(self, name)

    def __getattr__(self, name: str):
        """A table not made yet (only called when ``name`` is not set): make and keep it."""
        pending = self.__dict__.get("_pending", {})
        if name not in pending:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        frame = pending.pop(name)()
        setattr(self, name, frame)
        return frame

    def __getstate__(self) -> dict:
        """Every field, tables made: what makes a pending table need not be picklable."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def run_scenario(
    scenario: Scenario | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    events: bool = False,
) -> RunResult:
    """Run one scenario to the end; a pure function of ``(scenario, seed)``.

    Args:
        scenario: what to simulate (default: the baseline ``Scenario()``).
        seed: overrides ``scenario.run.seed`` when given.
        progress: called as ``progress(day_done, days)`` after every day.
        events: also return the run's event log (``RunResult.events``); every other result
            is the same with or without it.
    """
    scenario = scenario if scenario is not None else Scenario()
    if seed is not None:
        scenario = replace(scenario, run=replace(scenario.run, seed=int(seed)))
    model = CoCreationModel(scenario, events=events)
    days = scenario.run.days
    for day in range(days):
        model.step()
        if progress is not None:
            progress(day + 1, days)
    return collect_result(model, events=events)


def collect_result(model: CoCreationModel, events: bool = False) -> RunResult:
    """Turn a model that has run into a :class:`RunResult` (with its event log if ``events``).

    The run's figures are copied out of the model now, as numpy arrays and lists, and the
    summary is computed from them; each pandas table is made from them when first read
    (:meth:`RunResult.deferred`), so that a sweep pays only for the tables it records.
    """
    names = [org.name for org in model.organisations]
    daily = {name: list(values) for name, values in model.datacollector.model_vars.items()}
    days = len(next(iter(daily.values()), ()))
    timeseries = ArrayColumns({"day": np.arange(days, dtype=np.int64)} | daily)
    ideas = [org.ideas.columns(model.space) for org in model.organisations]
    decisions = [
        org.gates.columns(model.space.quality[org.ideas["point"]]) for org in model.organisations
    ]
    snapshots, rows = list(model.snapshots), list(model.organisation_rows)
    empty_snapshot = model.consumers.snapshot_schema() if not snapshots else None
    tables: dict[str, Callable[[], pd.DataFrame]] = {
        "timeseries": lambda: pd.DataFrame(dict(timeseries)),
        "ideas": lambda: _combined([ideas_frame(c) for c in ideas], names),
        "decisions": lambda: _combined([decisions_frame(c) for c in decisions], names),
        "snapshots": lambda: _snapshots(snapshots or [empty_snapshot], names),
        "organisations": lambda: _organisations(rows, names),
    }
    log = None
    if events:  # the log reads each organisation's own tables: made now, and kept
        idea_frames = [ideas_frame(c) for c in ideas]
        decision_frames = [decisions_frame(c) for c in decisions]
        log = run_events(model, idea_frames, decision_frames)
        tables["ideas"] = lambda: _combined(idea_frames, names)
        tables["decisions"] = lambda: _combined(decision_frames, names)
    summary = summarise(model, daily, ideas, decisions, rows)
    return RunResult.deferred(
        model.params, tables, summary, events=log, arrays={"timeseries": timeseries}
    )


class ArrayColumns(Mapping):
    """A table's columns by name, each made a numpy array of its values when first read.

    Arrays of all of a run's daily metrics cost a fraction of a millisecond, and a sweep that
    records a few of them reads only those (:meth:`RunResult.columns`).
    """

    def __init__(self, values: dict[str, Sequence]):
        self._values: dict[str, Sequence] = values
        self._arrays: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = np.asarray(self._values[name])
        return self._arrays[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _combined(frames: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """The one organisation's table, or every organisation's rows labelled (:func:`_labelled`)."""
    return _labelled(frames, names) if len(names) > 1 else frames[0]


def _snapshots(snapshots: list[dict[str, np.ndarray]], names: list[str]) -> pd.DataFrame:
    """The snapshots table from the snapshots taken (or the empty table's columns)."""
    frame = pd.DataFrame({k: np.concatenate([s[k] for s in snapshots]) for k in snapshots[0]})
    if len(names) > 1:  # with no snapshot taken, the empty table still has the column
        frame["organisation"] = pd.Categorical(frame.get("organisation", []), names)
    return frame


def _organisations(rows: list[dict[str, float]], names: list[str]) -> pd.DataFrame:
    """The organisations table: one row per day and organisation, ``organisation`` categorical.

    Made column by column (cheaper than from the row dicts, the same frame) when every row has
    the same keys; a column of one Python type (int, float, bool) as its numpy array.
    """
    first = rows[0].keys() if rows else None
    if first is None or "organisation" not in first or any(r.keys() != first for r in rows):
        frame = pd.DataFrame(rows)
        frame["organisation"] = pd.Categorical(frame["organisation"], names)
        return frame.reset_index(drop=True)
    columns = {key: _column([row[key] for row in rows]) for key in first}
    code = {name: i for i, name in enumerate(names)}
    codes = np.array([code.get(name, -1) for name in columns["organisation"]])
    columns["organisation"] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(names))
    return pd.DataFrame(columns)


def _labelled(frames: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """One table of every organisation's rows, led by an ``organisation`` column."""
    labelled = []
    for name, frame in zip(names, frames, strict=True):
        frame = frame.copy()
        frame.insert(0, "organisation", name)
        labelled.append(frame)
    out = pd.concat(labelled, ignore_index=True)
    out["organisation"] = pd.Categorical(out["organisation"], names)
    return out


MIN_GROUP = 10  # newcomers needed in a group before its posted-again share is reported


def share_of(flags: np.ndarray) -> float:
    """The share of true flags, NaN for fewer than ``MIN_GROUP`` people.

    >>> share_of(np.array([True] * 5 + [False] * 5)), share_of(np.array([True]))
    (0.5, nan)
    """
    return float(flags.mean()) if flags.size >= MIN_GROUP else float("nan")


def _column(values: list) -> np.ndarray | list:
    """Python ints, floats or bools as the numpy array pandas would make of them; else as is."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and kinds <= {int, float, bool}:
        array = np.array(values)
        if array.dtype in (np.int64, np.float64, np.bool_):
            return array
    return values


def series_median(values: np.ndarray) -> float:
    """``pd.Series(values).median()`` without the Series: NaN skipped, NaN if nothing is left.

    >>> m = series_median
    >>> m(np.array([3.0, np.nan, 1.0])), m(np.array([2, 4])), m(np.array([np.nan]))
    (2.0, 3.0, nan)
    """
    if values.dtype.kind not in "iuf":
        return float(pd.Series(values).median())
    kept = values.astype(np.float64)
    kept = kept[~np.isnan(kept)]
    return float(np.nanmedian(kept)) if kept.size else float("nan")  # what pandas calls


def series_mean(values: np.ndarray) -> float:
    """``pd.Series(values).mean()`` without the Series (the same sum and division for ints).

    >>> series_mean(np.array([1, 2])), series_mean(np.array([1.0, np.nan]))
    (1.5, 1.0)
    """
    if values.dtype.kind not in "iu" or not values.size:
        return float(pd.Series(values).mean())
    return float(values.sum(dtype=np.float64) / np.float64(values.size))


def summarise(
    model: CoCreationModel,
    daily: dict[str, list],
    ideas: list[dict[str, np.ndarray]],
    decisions: list[dict[str, np.ndarray]],
    rows: list[dict[str, float]],
) -> dict[str, float]:
    """Headline figures of a run (``simulation.model.metrics.SUMMARY``), from its own figures.

    A daily metric's figure is its value on the last day (``daily``: each metric's values);
    the others are computed here from each organisation's ideas and decisions columns
    (``IdeaPool.columns``, ``StageGates.columns``; the focal organisation's first) and the
    organisations table's rows.
    """
    last = {name: values[-1] for name, values in daily.items()}
    pop = model.consumers
    # Joyce & Kraut 2006: does a newcomer whose first post got a reply post again (later)?
    observed, again = pop.posted_again(model.day, RETURN_WINDOW)
    replied = np.where(observed, pop.first_reply, -1)
    # a share of fewer than MIN_GROUP newcomers says nothing: NaN rather than noise
    p_reply = share_of(again[replied == 1])
    p_none = share_of(again[replied == 0])
    by_consumer = ideas[0]["author"] >= 0
    accepted = decisions[0]["outcome"] == OUTCOMES.index("accepted")
    accepted_ideas = decisions[0]["idea"][accepted]
    params = model.params
    headline = {
        key: int(last[key]) if METRICS[key].kind == "count" else float(last[key])
        for key in SUMMARY
        if METRICS[key].daily
    }
    headline.update(
        churned_share=churned_share(last["churned_total"], last["joined_total"]),
        newcomers_replied_share=float((replied == 1).sum() / max((replied >= 0).sum(), 1)),
        newcomers_replied=int((replied == 1).sum()),
        newcomers_ignored=int((replied == 0).sum()),
        post_again_replied=p_reply,
        post_again_ignored=p_none,
        reply_effect=p_reply - p_none,
        **pop.after_first_answers(model.day, RETURN_WINDOW),
        ideas=int(by_consumer.sum()),
        decisions=int(accepted.size),
        accepted=int(accepted.sum()),
        acceptance_rate=float((ideas[0]["status"] == IdeaStatus.ACCEPTED)[by_consumer].mean())
        if by_consumer.any()
        else 0.0,
        value_accepted=float(
            model.space.value(
                model.ideas["point"][accepted_ideas], params.ideas.novelty_weight
            ).mean()
        )
        if accepted_ideas.size
        else float("nan"),
        time_to_launch_median=series_median(decisions[0]["time_to_launch"][accepted])
        if accepted.any()
        else float("nan"),
        flaws_escaped_per_launch=series_mean(decisions[0]["escaped"][accepted])
        if accepted.any()
        else float("nan"),
    )
    run = {"days": len(next(iter(daily.values()))), "seed": int(params.run.seed)}
    return run | {key: headline[key] for key in SUMMARY} | organisation_figures(model, ideas, rows)


def organisation_figures(
    model: CoCreationModel, ideas: list[dict[str, np.ndarray]], rows: list[dict[str, float]]
) -> dict[str, float]:
    """Each organisation's headline figures (``NAME.figure``) and the shared ones.

    Nothing with one organisation. ``ideas``: each organisation's ideas columns; ``rows``: the
    organisations table's rows. ``multi_members``: people who belong to several communities
    on the last day; ``switchers``: people who left one community and belong to another.
    """
    if len(model.organisations) == 1:
        return {}
    last_day = max(row["day"] for row in rows)
    last = [row for row in rows if row["day"] == last_day]
    figures: dict[str, float] = {}
    for org, row, columns in zip(model.organisations, last, ideas, strict=True):
        by_consumer = columns["author"] >= 0
        accepted = columns["status"][by_consumer] == IdeaStatus.ACCEPTED
        own = {
            "members": int(row["members"]),
            "active_members": int(row["active_members"]),
            "churned_share": churned_share(row["churned_total"], row["joined_total"]),
            "ideas": int(accepted.size),
            "accepted": int(row["accepted"]),
            "acceptance_rate": float(accepted.mean()) if accepted.size else 0.0,
            "quality_accepted": float(row["quality_accepted"]),
            "time_to_decision_median": float(row["time_to_decision_median"]),
            "spend_total": float(row["spend_total"]),
            "cost_per_accepted": float(row["cost_per_accepted"]),
            "members_elsewhere": int(row["members_elsewhere"]),
            "switched_out": int(row["switched_out"]),
        }
        figures.update({f"{org.name}.{key}": own[key] for key in ORGANISATION_FIGURES})
    member = np.array([org.consumers.member for org in model.organisations])
    left = np.array([org.consumers.churn_day >= 0 for org in model.organisations])
    figures["multi_members"] = int((member.sum(axis=0) > 1).sum())
    figures["switchers"] = int((left & (member.sum(axis=0) - member > 0)).any(axis=0).sum())
    return figures
