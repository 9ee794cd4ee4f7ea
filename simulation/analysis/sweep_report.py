"""``cocreate analyze``: a sweep's summaries, indices and figures as files and a short HTML page.

Writes into ``<sweep>/analysis/``: ``point_summary.csv`` (mean and 95 % interval per design point
and metric), ``sensitivity.csv`` (indices with intervals, for Sobol, Morris and LHS designs),
``figures/*.png`` (heat maps for two-factor grids, index bar charts, time series with bands) and
``report.html`` (self-contained: provenance, tables, warnings, figures).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis.plots import COLOURS, plt, png_bytes
from simulation.analysis.report import figure_html, fmt, html_page
from simulation.analysis.sweep import (
    Sensitivity,
    headline_label,
    labels_of,
    point_summary,
    sensitivity,
)
from simulation.experiments.store import ExperimentResults, atomic_write

MAX_SERIES = 10  # design points drawn in one time-series figure
MAX_ROWS = 60  # design points listed in the HTML summary table


@dataclass
class Analysis:
    """Everything ``cocreate analyze`` computes from one sweep."""

    results: ExperimentResults
    summary: pd.DataFrame
    sensitivity: Sensitivity | None
    figures: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def analyze(results: ExperimentResults, metrics: list[str] | None = None) -> Analysis:
    """Summaries, indices and figures of a sweep."""
    summary = point_summary(results, metrics)
    sens = sensitivity(results, metrics)
    analysis = Analysis(results, summary, sens)
    if results.summary.empty:
        analysis.notes.append("no finished runs yet: nothing to analyse")
        return analysis
    analysis.figures.update(heatmaps(results, summary))
    if sens is not None and not sens.table.empty:
        for metric in sens.table["metric"].unique():
            name = f"indices_{metric}.png"
            analysis.figures[name] = (
                f"{sens.method} indices for {headline_label(metric)} (bars: 95 % interval)",
                index_figure(sens.table[sens.table["metric"] == metric], metric),
            )
    analysis.figures.update(series_figures(results, analysis.notes))
    return analysis


def heatmaps(results: ExperimentResults, summary: pd.DataFrame) -> dict[str, tuple[str, bytes]]:
    """Mean of each metric over a two-factor grid (one map per sub-experiment)."""
    factors = results.manifest.get("factors", [])
    if results.manifest.get("design") not in ("grid", "list") or len(factors) != 2:
        return {}
    subs = summary["subexperiment"].unique() if "subexperiment" in summary else [None]
    out = {}
    for metric in summary["metric"].unique():
        for sub in subs:
            rows = summary[summary["metric"] == metric]
            if sub is not None:
                rows = rows[rows["subexperiment"] == sub]
            grid = rows.pivot_table(
                index=factors[0], columns=factors[1], values="mean", dropna=False
            )
            suffix = f"_{sub}" if sub is not None else ""
            caption = f"{headline_label(metric)}: mean over replicates" + (
                f" ({sub})" if sub is not None else ""
            )
            out[f"heatmap_{metric}{suffix}.png"] = (caption, heatmap_figure(grid, metric))
    return out


def heatmap_figure(grid: pd.DataFrame, metric: str) -> bytes:
    """One annotated heat map (rows: first factor, columns: second)."""
    fig, ax = plt.subplots(figsize=(1.6 + 1.1 * grid.shape[1], 1.2 + 0.7 * grid.shape[0]))
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="viridis", aspect="auto", origin="lower")
    ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
    ax.set_xlabel(str(grid.columns.name))
    ax.set_ylabel(str(grid.index.name))
    values = grid.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0
    for (i, j), value in np.ndenumerate(values):
        ax.text(
            j, i, fmt(value), ha="center", va="center", fontsize=8,
            color="black" if value > middle else "white",
        )  # fmt: skip
    fig.colorbar(image, ax=ax, label=headline_label(metric))
    return png_bytes(fig)


def index_figure(table: pd.DataFrame, metric: str) -> bytes:
    """Bar chart of the indices of one metric, one group of bars per factor."""
    kinds = [
        k
        for k in table["index"].unique()
        if table.loc[table["index"] == k, "conf"].notna().any() or k != "sigma"
    ]
    factors = list(dict.fromkeys(table["factor"]))
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.45 * len(factors) * len(kinds)))
    height = 0.8 / max(len(kinds), 1)
    for k, kind in enumerate(kinds):
        rows = table[table["index"] == kind].set_index("factor").reindex(factors)
        y = np.arange(len(factors)) + k * height
        err = rows["conf"].fillna(0).to_numpy()
        ax.barh(y, rows["value"], height, xerr=err, label=kind, color=COLOURS[k % len(COLOURS)])
    ax.set_yticks(np.arange(len(factors)) + height * (len(kinds) - 1) / 2, factors)
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_xlabel(f"index for {headline_label(metric)}")
    ax.legend(frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return png_bytes(fig)


def series_figures(results: ExperimentResults, notes: list[str]) -> dict[str, tuple[str, bytes]]:
    """Time series of each recorded timeseries table: mean per point with a 95 % band."""
    out = {}
    labels = labels_of(results)
    for name, frame in results.tables.items():
        if frame.empty or "day" not in frame.columns or "run_id" not in frame.columns:
            continue
        metrics = [
            c
            for c in frame.columns
            if c not in ("day", "run_id", "point", "replicate", "seed", *labels)
            and pd.api.types.is_numeric_dtype(frame[c])
        ][:6]
        points = sorted(frame["point"].unique())
        if len(points) > MAX_SERIES:
            notes.append(
                f"table {name}: {len(points)} design points; the figures show the first "
                f"{MAX_SERIES} (point_summary.csv has them all)"
            )
            points = points[:MAX_SERIES]
        frame = frame[frame["point"].isin(points)]
        names = _point_names(frame, labels)
        for metric in metrics:
            out[f"series_{name}_{metric}.png"] = (
                f"{headline_label(metric)} ({name}): mean over replicates per design point, "
                "band = 95 % interval of the mean",
                series_figure(frame, metric, names),
            )
    return out


def series_figure(frame: pd.DataFrame, metric: str, names: dict[int, str]) -> bytes:
    """Mean of ``metric`` per day and design point with the 95 % t-interval of the mean."""
    from scipy import stats

    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for i, (point, rows) in enumerate(frame.groupby("point", sort=True)):
        g = rows.groupby("day")[metric]
        mean, sd, n = g.mean(), g.std(ddof=1), g.count()
        half = (stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)).where(n > 1)
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(mean.index, mean, color=colour, lw=1.5, label=names.get(point, str(point)))
        ax.fill_between(mean.index, mean - half, mean + half, color=colour, alpha=0.15, lw=0)
    ax.set_xlabel("day")
    ax.set_ylabel(headline_label(metric))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=7, ncols=2)
    return png_bytes(fig)


def _point_names(frame: pd.DataFrame, labels: list[str]) -> dict[int, str]:
    first = frame.groupby("point")[labels].first() if labels else None
    names = {}
    for point in frame["point"].unique():
        if first is None:
            names[point] = f"point {point}"
        else:
            row = first.loc[point]
            names[point] = ", ".join(f"{k.split('.')[-1]}={_tick(row[k])}" for k in labels)
    return names


def _tick(value) -> str:
    return f"{value:g}" if isinstance(value, float | np.floating) else str(value)


def write_analysis(analysis: Analysis, out_dir: Path | None = None) -> Path:
    """Write the CSV tables, figures and report.html; returns the report's path."""
    out = Path(out_dir) if out_dir is not None else analysis.results.path / "analysis"
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for name, (_, png) in analysis.figures.items():
        atomic_write(out / "figures" / name, png)
    atomic_write(out / "point_summary.csv", analysis.summary.to_csv(index=False).encode())
    if analysis.sensitivity is not None:
        table = analysis.sensitivity.table.to_csv(index=False).encode()
        atomic_write(out / "sensitivity.csv", table)
    atomic_write(out / "report.html", render_html(analysis).encode())
    return out / "report.html"


def render_html(analysis: Analysis) -> str:
    """The self-contained HTML page of a sweep's analysis."""
    e = html.escape
    r = analysis.results
    m = r.manifest
    done = int((r.runs["status"] == "done").sum()) if len(r.runs) else 0
    failed = int((r.runs["status"] == "failed").sum()) if len(r.runs) else 0
    git = m.get("git", {})
    prov = (
        f"<p>{e(m.get('description') or '')}</p>"
        f"<p class='muted'>Design <b>{e(str(m.get('design')))}</b>"
        f", {m.get('points')} points × {m.get('replicates')} replicates = {m.get('runs')} runs: "
        f"{done} done, {failed} failed, {m.get('runs', 0) - done - failed} not run. Root seed "
        f"{m.get('root_seed')} ({e(str(m.get('seeds')))} seeds). Spec hash "
        f"<code>{e(str(m.get('spec_hash'))[:16])}</code>; code "
        f"<code>{e(str(git.get('commit'))[:12])}</code>"
        f"{' (uncommitted changes)' if git.get('dirty') else ''}; cocreate "
        f"{e(str(m.get('versions', {}).get('cocreate')))}, Python {e(str(m.get('python')))}; "
        f"{e(str(m.get('executor')))}; {e(str(m.get('started')))} – {e(str(m.get('ended')))}.</p>"
    )
    parts = [prov]
    if analysis.notes:
        parts.append("".join(f"<p class='muted'>{e(n)}</p>" for n in analysis.notes))
    if failed:
        first = r.runs[r.runs["status"] == "failed"].iloc[0]
        parts.append(
            f"<h2>Failed runs</h2><p>{failed} runs failed; the first ({e(first['run_id'])}):</p>"
            f"<pre>{e(str(first['error']))[-2000:]}</pre>"
        )
    sens = analysis.sensitivity
    if sens is not None:
        parts.append(f"<h2>Sensitivity ({e(sens.method)})</h2>")
        parts += [f"<p class='worse'>⚠ {e(w)}</p>" for w in sens.warnings]
        parts.append(_sens_table(sens.table))
    parts.append("<h2>Design points</h2>" + _summary_table(analysis.summary, labels_of(r)))
    parts.append("<h2>Figures</h2>")
    parts += [figure_html(caption, png) for caption, png in analysis.figures.values()]
    title = f"Sweep {m.get('experiment')}"
    return html_page(title, parts)


def _sens_table(table: pd.DataFrame) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(headline_label(t.metric))}</td><td>{e(t.factor)}</td><td>{e(t.index)}</td>"
        f"<td>{t.value:.3f}</td><td>{'' if np.isnan(t.conf) else f'[{t.low:.3f}, {t.high:.3f}]'}"
        "</td></tr>"
        for t in table.itertuples()
    )
    head = (
        "<tr><th>metric</th><th>factor</th><th>index</th><th>value</th><th>95 % interval</th></tr>"
    )
    return f"<table class='text'><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _summary_table(summary: pd.DataFrame, labels: list[str]) -> str:
    if summary.empty:
        return "<p>No finished runs.</p>"
    e = html.escape
    metrics = list(dict.fromkeys(summary["metric"]))
    wide = summary.pivot(index="point", columns="metric", values=["mean", "ci_low", "ci_high"])
    first = summary.groupby("point")[labels].first() if labels else pd.DataFrame(index=wide.index)
    head = "".join(f"<th>{e(k)}</th>" for k in ["point", *labels]) + "".join(
        f"<th>{e(headline_label(m))}</th>" for m in metrics
    )
    body = []
    for point in wide.index[:MAX_ROWS]:
        cells = [f"<td>{point}</td>"] + [
            f"<td>{e(_tick(first.loc[point, k]))}</td>" for k in labels
        ]
        for metric in metrics:
            mean = wide.loc[point, ("mean", metric)]
            low = wide.loc[point].get(("ci_low", metric), np.nan)
            high = wide.loc[point].get(("ci_high", metric), np.nan)
            cells.append(f"<td>{fmt(mean)} [{fmt(low)}, {fmt(high)}]</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f"<p class='muted'>First {MAX_ROWS} of {len(wide)} points; point_summary.csv has all.</p>"
        if len(wide) > MAX_ROWS
        else ""
    )
    note = "<p class='muted'>Cells: mean over replicates [95 % t-interval of the mean].</p>"
    return (
        f"{note}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
    )
