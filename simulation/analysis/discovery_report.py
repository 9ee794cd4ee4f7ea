"""``cocreate discover``: the box as files, figures and a short HTML page.

Writes into ``<sweep>/discovery/`` (or ``--out``): ``box.csv`` (the answering box's limits with
PRIM's quasi-p-values), ``box.json`` (the same box with its condition, coverage, density and
sentence, for reuse), ``trajectory.csv`` (PRIM's peeling trajectory), ``words.txt``,
``figures/trajectory.png`` (coverage against density along the peeling, the chosen box ringed),
``figures/cart_tree.png`` (the classification tree, always drawn as the second view),
``figures/box_scatter.png`` (the runs over the box's two first factors) and ``report.html``
(self-contained: figures embedded as PNG data).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis.plots import plt, png_bytes
from simulation.analysis.report import figure_html, html_page
from simulation.discovery import Discovery
from simulation.discovery.boxes import encode_onehot
from simulation.experiments.store import atomic_write


def figures(found: Discovery) -> dict[str, tuple[str, bytes]]:
    """The discovery's figures by file name: (caption, PNG bytes)."""
    out = {
        "trajectory.png": (
            "PRIM peeling trajectory: each step trades coverage for density; colour = factors "
            f"restricted; ringed = the chosen box (density ≥ {found.threshold:.0%}, widest)",
            trajectory_figure(found.trajectory),
        ),
        "cart_tree.png": (
            "CART classification tree (blue: leaves mostly cases of interest, orange: other runs); "
            "a categorical factor appears as one 0/1 column per category",
            tree_figure(found),
        ),
    }
    scatter = box_scatter(found)
    if scatter is not None:
        out["box_scatter.png"] = (
            f"Runs over the box's first factors (red: {found.condition}); rectangle = the "
            f"{found.method.upper()} box",
            scatter,
        )
    return out


def trajectory_figure(trajectory: pd.DataFrame) -> bytes:
    """Coverage (x) against density (y) along PRIM's peeling, the chosen box ringed."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    dims = trajectory["res_dim"].astype(int)
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=dims, cmap="viridis", s=22, zorder=3
    )
    ax.plot(trajectory["coverage"], trajectory["density"], color="#aaa", lw=0.8, zorder=2)
    chosen = trajectory[trajectory["chosen"]]
    ax.scatter(
        chosen["coverage"], chosen["density"], s=160, facecolors="none", edgecolors="#d62728",
        lw=2, zorder=4, label="chosen box",
    )  # fmt: skip
    ax.set_xlabel("coverage (share of cases of interest inside the box)")
    ax.set_ylabel("density (share of the box that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, loc="lower left")
    fig.colorbar(points, ax=ax, label="factors restricted")
    return png_bytes(fig)


def tree_figure(found: Discovery) -> bytes:
    """The fitted CART tree (``sklearn.tree.plot_tree``)."""
    from sklearn.tree import plot_tree

    tree = found.tree
    leaves = tree.get_n_leaves()
    fig, ax = plt.subplots(figsize=(max(7, 1.9 * leaves), 1.2 + 1.6 * tree.get_depth()))
    plot_tree(
        tree,
        feature_names=list(encode_onehot(found.data[found.factors]).columns),
        class_names=["other", "of interest"],
        filled=True,
        impurity=False,
        proportion=False,
        rounded=True,
        fontsize=7,
        ax=ax,
    )
    return png_bytes(fig)


def box_scatter(found: Discovery) -> bytes | None:
    """The runs over the first two numeric factors of the box, the box drawn as a rectangle."""
    numeric = found.limits[found.limits["kind"] == "numeric"]["factor"].tolist()
    others = [
        f for f in found.factors if f not in numeric and pd.api.types.is_float_dtype(found.data[f])
    ]
    axes = (numeric + others)[:2]
    if len(axes) < 2:
        return None
    data = found.data
    fig, ax = plt.subplots(figsize=(5.6, 4.4))
    colours = np.where(data["of_interest"], "#d62728", "#9aa5b1")
    ax.scatter(data[axes[0]], data[axes[1]], c=colours, s=14, alpha=0.8)
    corners = []
    for factor in axes:
        row = found.limits[found.limits["factor"] == factor]
        low = row["low"].iloc[0] if len(row) and not np.isnan(row["low"].iloc[0]) else None
        high = row["high"].iloc[0] if len(row) and not np.isnan(row["high"].iloc[0]) else None
        corners.append(
            (
                data[factor].min() if low is None else low,
                data[factor].max() if high is None else high,
            )
        )
    (x0, x1), (y0, y1) = corners
    ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#222", lw=1.6))
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def box_record(found: Discovery) -> dict:
    """The answering box as plain data (``box.json``)."""
    box = found.box
    limits = found.limits.astype(object).where(found.limits.notna(), None)
    return {
        "metric": found.metric,
        "condition": found.condition,
        "method": found.method,
        "threshold": found.threshold,
        "coverage": box.coverage,
        "density": box.density,
        "mass": box.mass,
        "runs_in_box": box.runs,
        "cases_in_box": box.cases,
        "runs": len(found.data),
        "cases": int(found.data["of_interest"].sum()),
        "runs_needed": found.runs_needed,
        "stable": found.stable,
        "words": found.words,
        "limits": limits.to_dict(orient="records"),
        "second_view": found.other_words,
        "notes": found.notes,
    }


def write_discovery(found: Discovery, out_dir: Path) -> Path:
    """Write the box (CSV, JSON, words), the trajectory, figures and report.html."""
    out = Path(out_dir)
    drawn = figures(found)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for name, (_, png) in drawn.items():
        atomic_write(out / "figures" / name, png)
    atomic_write(out / "box.csv", found.limits.to_csv(index=False).encode())
    atomic_write(out / "trajectory.csv", found.trajectory.to_csv(index=False).encode())
    record = json.dumps(box_record(found), indent=2, ensure_ascii=False)
    atomic_write(out / "box.json", (record + "\n").encode())
    atomic_write(out / "words.txt", (found.words + "\n" + found.other_words + "\n").encode())
    atomic_write(out / "report.html", render_html(found, drawn).encode())
    return out / "report.html"


def render_html(found: Discovery, drawn: dict[str, tuple[str, bytes]]) -> str:
    """The self-contained HTML page of one discovery."""
    e = html.escape
    data = found.data
    m = found.source.manifest if found.source is not None else {}
    parts = [
        f"<p class='muted'>Sweep <b>{e(str(m.get('experiment', '–')))}</b> "
        f"(design {e(str(m.get('design', '–')))}): {len(data)} runs, "
        f"{int(data['of_interest'].sum())} with {e(found.condition)}. Factors: "
        f"{e(', '.join(found.factors))}. Box chosen by {found.method.upper()}: the widest box "
        f"whose density reaches {found.threshold:.0%}.</p>",
        f"<h2>Where does it hold?</h2><p><b>{e(found.words)}</b></p>",
        f"<p class='muted'>Second view: {e(found.other_words)}</p>",
    ]
    parts += [f"<p class='worse'>⚠ {e(n)}</p>" for n in found.notes]
    parts.append("<h2>Box limits</h2>" + _limits_table(found.limits))
    parts.append(
        "<p class='muted'>Quasi-p-value (PRIM): a one-sided binomial test of whether the "
        "restriction raises the density by chance (Bryant &amp; Lempert 2010); small is "
        "significant, above 0.05 suggests dropping the restriction.</p>"
    )
    parts.append("<h2>Figures</h2>")
    parts += [figure_html(caption, png) for caption, png in drawn.values()]
    title = f"Discovery: {found.condition}"
    return html_page(title, parts)


def _limits_table(limits: pd.DataFrame) -> str:
    e = html.escape
    if limits.empty:
        return "<p>The box restricts no factor.</p>"

    def num(v: float) -> str:
        return "–" if np.isnan(v) else f"{v:.4g}"

    rows = "".join(
        f"<tr><td>{e(r.factor)}</td><td>{e(r.categories) if r.kind == 'categorical' else ''}"
        f"{'' if r.kind == 'categorical' else f'{num(r.low)} … {num(r.high)}'}</td>"
        f"<td>{'' if r.kind == 'categorical' else f'{num(r.min)} … {num(r.max)}'}</td>"
        f"<td>{'–' if np.isnan(r.qp_value) else f'{r.qp_value:.2g}'}</td></tr>"
        for r in limits.itertuples()
    )
    head = "<tr><th>factor</th><th>box</th><th>observed range</th><th>quasi-p</th></tr>"
    return f"<table class='text'><thead>{head}</thead><tbody>{rows}</tbody></table>"
