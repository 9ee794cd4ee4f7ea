"""``cocreate describe``: an event log's summary statistics as files, figures and an HTML page.

Writes into ``results/describe/<log name>/`` (or ``--out``): ``summary.csv`` (one row per
statistic, and organisation, with its label and unit), ``summary.json`` (the same as
``summarise`` returns it, for reuse), ``curves.csv`` (the curves and distributions behind the
statistics, tidy), ``figures/*.png`` (activity per 30 days, the still-active curve, ideas per
ideator, days to reply and to decision) and ``report.html`` (self-contained: the figures are
embedded as PNG data). Every number comes from :mod:`simulation.events.summaries`.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis.plots import COLOURS, plt, png_bytes
from simulation.analysis.report import figure_html, html_page
from simulation.events.summaries import STATISTICS, curves, summarise, summary_table
from simulation.experiments.store import atomic_write

FORMATS = {
    "count": "{:,.0f}".format,
    "share": lambda value: f"{100 * value:.1f}",  # the unit says %
    "days": "{:,.1f}".format,
    "number": "{:,.2f}".format,
}


def format_statistic(value: float, statistic: str) -> str:
    """A statistic's value as a reader wants it (NaN as an en dash).

    >>> format_statistic(0.1234, "ever_posted_share"), format_statistic(float("nan"), "ideas")
    ('12.3', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return FORMATS[STATISTICS[statistic].kind](value)


def statistic_rows(table: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str], str]]]:
    """``(organisations, [(label, values, unit)])`` of a summary table, one value per column.

    ``organisations`` is empty for a log of one community (one value per row).
    """
    names = list(pd.unique(table["organisation"])) if "organisation" in table else []
    rows = []
    for statistic, group in table.groupby("statistic", sort=False):
        head = group.iloc[0]
        values = [format_statistic(float(v), str(statistic)) for v in group["value"]]
        rows.append((str(head["label"]), values, str(head["unit"])))
    return names, rows


# --- figures -------------------------------------------------------------------------------------
def _series(frame: pd.DataFrame, curve: str):
    """``[(label, rows)]`` of one curve, one entry per organisation (label None for one)."""
    rows = frame[frame["curve"] == curve]
    if "organisation" not in frame:
        return [(None, rows)] if len(rows) else []
    return [(str(name), part) for name, part in rows.groupby("organisation", sort=False)]


def activity_figure(frame: pd.DataFrame) -> bytes | None:
    """Active members, joins and ideas per 30-day window (one line per organisation)."""
    panels = [("active_members", "active members"), ("joined", "joined"), ("ideas", "ideas")]
    if not _series(frame, "active_members"):
        return None
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 6), sharex=True)
    for ax, (curve, label) in zip(axes, panels, strict=True):
        for i, (name, rows) in enumerate(_series(frame, curve)):
            ax.plot(rows["x"], rows["value"], marker="o", ms=3, color=COLOURS[i % 7], label=name)
        ax.set_ylabel(f"{label}\nper 30 days")
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("first day of the 30-day window")
    if "organisation" in frame:
        axes[0].legend(frameon=False)
    return png_bytes(fig)


def retention_figure(frame: pd.DataFrame) -> bytes | None:
    """The share of members still active k days after joining."""
    series = _series(frame, "still_active")
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for i, (name, rows) in enumerate(series):
        ax.plot(rows["x"], 100 * rows["value"], marker="o", ms=3, color=COLOURS[i % 7], label=name)
    ax.set_xlabel("days after joining (start of a 30-day span)")
    ax.set_ylabel("active in the span (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    if name is not None:
        ax.legend(frameon=False)
    return png_bytes(fig)


def ideas_figure(frame: pd.DataFrame) -> bytes | None:
    """The share of ideators with each number of ideas, on log-log axes."""
    series = _series(frame, "ideas_per_ideator")
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for i, (name, rows) in enumerate(series):
        shown = rows[rows["value"] > 0]
        ax.plot(shown["x"], 100 * shown["value"], "o", ms=4, color=COLOURS[i % 7], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ideas posted")
    ax.set_ylabel("ideators (%)")
    ax.grid(alpha=0.3, which="both")
    if name is not None:
        ax.legend(frameon=False)
    return png_bytes(fig)


def latency_figure(frame: pd.DataFrame) -> bytes | None:
    """Days from posting to the first reply and to the decision: the share answered by then."""
    curves_shown = [("days_to_reply", "first reply", "-"), ("days_to_decision", "decision", "--")]
    if not any(_series(frame, curve) for curve, _, _ in curves_shown):
        return None
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for curve, what, style in curves_shown:
        for i, (name, rows) in enumerate(_series(frame, curve)):
            label = what if name is None else f"{what}, {name}"
            ax.plot(rows["value"], rows["x"], style, color=COLOURS[i % 7], label=label)
    ax.set_xlabel("days after the idea was posted")
    ax.set_ylabel("of the ideas that got one (%)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return png_bytes(fig)


def figures(frame: pd.DataFrame) -> dict[str, tuple[str, bytes]]:
    """The figures by file name: (caption, PNG bytes); a curve with no data has none."""
    made = {
        "activity.png": (
            "Members with an act (an idea, a build or a vote), members who joined, and ideas, "
            "per 30-day window",
            activity_figure(frame),
        ),
        "retention.png": (
            "Still active: of the members observable for it, the share with an act in the 30 "
            "days starting k days after joining",
            retention_figure(frame),
        ),
        "ideas_per_ideator.png": (
            "Ideas per ideator: the share of members with an idea who posted 1, 2, ... ideas",
            ideas_figure(frame),
        ),
        "latency.png": (
            "Days from posting to the first reply and to the decision (percentiles of the ideas "
            "that got one)",
            latency_figure(frame),
        ),
    }
    return {name: (caption, png) for name, (caption, png) in made.items() if png is not None}


# --- the page and the files ---------------------------------------------------------------------
def table_html(table: pd.DataFrame) -> str:
    """The statistics as an HTML table (a value column per organisation)."""
    names, rows = statistic_rows(table)
    e = html.escape
    head = "".join(f"<th>{e(name)}</th>" for name in names) if names else "<th>value</th>"
    body = "".join(
        f"<tr><td>{e(label)}</td>{''.join(f'<td>{e(v)}</td>' for v in values)}"
        f"<td class='muted'>{e(unit)}</td></tr>"
        for label, values, unit in rows
    )
    return f"<table><tr><th>statistic</th>{head}<th>unit</th></tr>{body}</table>"


def render_html(
    log: pd.DataFrame, table: pd.DataFrame, figs: dict[str, tuple[str, bytes]], source: str
) -> str:
    """The self-contained report page."""
    days = int(log["day"].max()) + 1 if len(log) else 0
    intro = (
        f"<p>{html.escape(source)}: {len(log):,} events over {days:,} days. An <em>act</em> is "
        "a member's own event (an idea, a build or a vote); a member is active in a span of "
        "days with at least one act in it. Every statistic is defined in docs/events.md, "
        "computed by <code>simulation.events.summaries.summarise</code> the same way on a "
        "model run's event log (<code>cocreate run --events</code>).</p>"
    )
    parts = [intro, "<h2>Statistics</h2>", table_html(table)]
    if figs:
        parts.append("<h2>Figures</h2>")
        parts.extend(figure_html(caption, png) for caption, png in figs.values())
    return html_page(f"Event log: {Path(source).name}", parts)


def _json(summary: dict[str, float]) -> str:
    clean = {
        k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in summary.items()
    }
    return json.dumps(clean, indent=2, allow_nan=False) + "\n"


def write_description(
    log: pd.DataFrame, out_dir: str | Path, source: str, end_day: int | None = None
) -> tuple[Path, pd.DataFrame]:
    """Write the statistics, curves, figures and report of a normalised log.

    Returns:
        The report's path and the summary table (:func:`summary_table`).
    """
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    table = summary_table(log, end_day=end_day)
    frame = curves(log, end_day=end_day)
    figs = figures(frame)
    for name, (_, png) in figs.items():
        atomic_write(out / "figures" / name, png)
    atomic_write(out / "summary.csv", table.to_csv(index=False).encode())
    atomic_write(out / "summary.json", _json(summarise(log, end_day=end_day)).encode())
    atomic_write(out / "curves.csv", frame.to_csv(index=False).encode())
    atomic_write(out / "report.html", render_html(log, table, figs, source).encode())
    return out / "report.html", table
