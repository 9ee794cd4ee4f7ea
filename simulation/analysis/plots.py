"""Figures for reports (matplotlib, no display needed): time series with bands, distributions.

Every function returns PNG bytes, so a report can embed them or save them beside itself.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only: no window, works on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes (closing it)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def band_figure(bands: pd.DataFrame, series: str, label: str, arms: list[str]) -> bytes:
    """Mean over replicates per day for each arm, with its 95 % band (2.5-97.5 % quantiles)."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for i, arm in enumerate(arms):
        rows = bands[(bands["arm"] == arm) & (bands["series"] == series)]
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(rows["day"], rows["mean"], color=colour, label=arm, lw=1.6)
        ax.fill_between(rows["day"], rows["low"], rows["high"], color=colour, alpha=0.18, lw=0)
    ax.set_xlabel("day")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return png_bytes(fig)


def distribution_figure(runs: pd.DataFrame, metric: str, label: str, arms: list[str]) -> bytes:
    """Each replicate's value per arm (dots) over a box of their spread."""
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.55 * len(arms)))
    data = [runs.loc[runs["arm"] == arm, metric].dropna().to_numpy(dtype=float) for arm in arms]
    ax.boxplot(data, orientation="horizontal", tick_labels=arms, showfliers=False)
    for i, values in enumerate(data):
        ax.scatter(
            values,
            [i + 1] * len(values),
            s=14,
            color=COLOURS[i % len(COLOURS)],
            alpha=0.7,
            zorder=3,
        )
    ax.set_xlabel(label)
    ax.grid(axis="x", alpha=0.3)
    return png_bytes(fig)
