"""Comparison reports: a self-contained HTML page and the same as Markdown, with figures.

The HTML embeds its figures as PNG data, so it can be mailed or opened offline; the Markdown
links the same figures saved beside it in ``figures/``. Every number comes from the
:class:`~simulation.analysis.compare.Comparison` it is given, and from its
:class:`~simulation.analysis.explain.Explanation` objects when the comparison was explained
(``cocreate compare --explain``).
"""

from __future__ import annotations

import base64
import html
import math
import os
from pathlib import Path

import pandas as pd

from simulation import __version__
from simulation.analysis.attribution import (
    INTERACTION_NOTE,
    STAYS_NEGLIGIBLE,
    UNCHANGED,
    UNCLEAR,
    VANISHES,
    interval,
    signed,
)
from simulation.analysis.compare import BANDS, COMPARED, Comparison
from simulation.analysis.explain import Explanation
from simulation.analysis.plots import band_figure, distribution_figure
from simulation.analysis.verdicts import INCONCLUSIVE, NEGLIGIBLE, SUPPORTED, judge

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
table.text td,table.text th{text-align:left}
.better{color:#1a7f37}.worse{color:#cf222e}.negligible{color:#777}.muted{color:#777}
figure{margin:1.2em 0}figcaption{color:#555;font-size:.9em}
img{max-width:100%}
"""


def fmt(value: float, kind: str = "") -> str:
    """A number as a reader wants it: shares as %, NaN as an en dash.

    >>> fmt(0.1234, "share"), fmt(float("nan")), fmt(1234.5, "eur")
    ('12.3 %', '–', '1,234')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        return f"{100 * value:.1f} %"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def arm_label(comparison: Comparison, arm: str) -> str:
    """The arm's name, marked when it is the baseline."""
    return f"{arm} (baseline)" if arm == comparison.baseline and arm != "baseline" else arm


def verdict_class(row: pd.Series) -> str:
    """How an arm differs from the baseline on one figure, by the rule of the verdicts.

    'negligible' when the paired 95 % interval lies inside ±SESOI (the figure's smallest
    difference that matters); else 'better' / 'worse' when it excludes zero (figures with a
    better direction only); else '' (inconclusive, or no direction).
    """
    if pd.isna(row["diff_low"]) or pd.isna(row["diff_high"]):
        return ""
    label = judge(
        row["diff_low"], row["diff_high"], row["sesoi"], -1 if row["better"] == "lower" else +1
    )
    if label == NEGLIGIBLE:
        return "negligible"
    if not row["better"] or label == INCONCLUSIVE:
        return ""
    return "better" if label == SUPPORTED else "worse"


def figures(comparison: Comparison) -> dict[str, tuple[str, bytes]]:
    """File name -> (caption, PNG) for every figure of the report (series with data only)."""
    out = {}
    bands, runs = comparison.bands, comparison.runs
    for series, label in BANDS.items():
        if bands.loc[bands["series"] == series, "mean"].notna().any():
            out[f"series_{series}.png"] = (
                f"{label}: mean over {comparison.replicates} replicates per arm, "
                "band = 95 % of runs",
                band_figure(bands, series, label, comparison.arms),
            )
    for h in COMPARED[:6]:
        if runs[h.key].notna().any():
            out[f"distribution_{h.key}.png"] = (
                f"{h.label}: one dot per replicate",
                distribution_figure(runs, h.key, h.label, comparison.arms),
            )
    return out


def table_rows(comparison: Comparison) -> list[list[str]]:
    """Rows of the headline table: figure, then per arm 'mean [low, high]' and the difference."""
    rows = []
    for h in COMPARED:
        cells = [f"{h.label} ({h.unit}; SESOI {h.sesoi.describe(h.unit)})"]
        for arm in comparison.arms:
            r = comparison.table[
                (comparison.table["arm"] == arm) & (comparison.table["metric"] == h.key)
            ].iloc[0]
            low, high = fmt(r["ci_low"], h.kind), fmt(r["ci_high"], h.kind)
            cell = f"{fmt(r['mean'], h.kind)} [{low}, {high}]"
            if arm != comparison.baseline:
                cell += (
                    f"; Δ {fmt(r['diff'], h.kind)} [{fmt(r['diff_low'], h.kind)}, "
                    f"{fmt(r['diff_high'], h.kind)}], d = {fmt(r['cohens_d'])}"
                )
            cells.append((cell, verdict_class(r) if arm != comparison.baseline else ""))
        rows.append(cells)
    return rows


def table_html(comparison: Comparison) -> str:
    """The headline table of a comparison as an HTML table."""
    e = html.escape
    head = "".join(f"<th>{e(arm_label(comparison, a))}</th>" for a in comparison.arms)
    body = []
    for cells in table_rows(comparison):
        tds = [f"<td>{e(cells[0])}</td>"] + [
            f'<td class="{cls}">{e(text)}</td>' for text, cls in cells[1:]
        ]
        body.append("<tr>" + "".join(tds) + "</tr>")
    rows = "".join(body)
    return f"<table><thead><tr><th>figure</th>{head}</tr></thead><tbody>{rows}</tbody></table>"


def html_page(title: str, parts: list[str]) -> str:
    """A self-contained report page: ``title`` as heading, then ``parts`` (HTML), with CSS."""
    e = html.escape(title)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e}</title>"
        f"<style>{CSS}</style></head><body><h1>{e}</h1>{''.join(parts)}</body></html>\n"
    )


def figure_html(caption: str, png: bytes) -> str:
    """One figure, embedded as PNG data."""
    e = html.escape
    return (
        f'<figure><img alt="{e(caption)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}"><figcaption>{e(caption)}</figcaption></figure>'
    )


def table_markdown(comparison: Comparison) -> list[str]:
    """The headline table of a comparison as Markdown lines."""
    arms = [arm_label(comparison, a) for a in comparison.arms]
    lines = ["| figure | " + " | ".join(arms) + " |", "|---" * (len(arms) + 1) + "|"]
    marks = {"better": " ▲", "worse": " ▼", "negligible": " ≈", "": ""}
    for cells in table_rows(comparison):
        lines.append("| " + " | ".join([cells[0]] + [t + marks[c] for t, c in cells[1:]]) + " |")
    return lines


EXPLAIN_METHOD = (
    "The other scenario is run again on the same seeds with each lever — a parameter in which "
    "it differs from the baseline, or a whole policy table when its kind differs — set back "
    "to the baseline's value, and both scenarios with each mechanism switched off that "
    "changes either of them. 'Without it' is the difference left (judged against the figure's "
    "smallest effect that matters); 'carried' is the difference minus the difference without "
    "it, per paired replicate (mean [95 % bootstrap interval])."
)
EXPLAIN_HEAD = (
    "figure",
    "difference [95 %]",
    "lever or mechanism",
    "without it [95 %]",
    "the difference without it",
    "carried [95 %]",
)
PLAIN_OUTCOMES = (VANISHES, STAYS_NEGLIGIBLE, UNCLEAR, UNCHANGED)


def explanation_rows(explanation: Explanation) -> list[tuple[str, ...]]:
    """Rows of the explanation table, for the figures whose difference is worth explaining."""
    rows = []
    table = explanation.rows
    for figure in explanation.worth_explaining():
        first = True
        for r in table[table["figure"] == figure].itertuples():
            kind = r.kind
            whole = signed(r.difference, kind) + " "
            whole += interval(r.difference_low, r.difference_high, kind)
            what = "lever" if r.source == "lever" else "mechanism"
            outcome = (
                r.outcome if r.outcome in PLAIN_OUTCOMES else f"{r.outcome} ({r.without_label})"
            )
            rows.append(
                (
                    f"{r.figure_label} ({r.unit})" if first else "",
                    whole if first else "",
                    f"{what}: {r.name}",
                    f"{signed(r.without, kind)} {interval(r.without_low, r.without_high, kind)}",
                    outcome,
                    f"{signed(r.carried, kind)} {interval(r.carried_low, r.carried_high, kind)}",
                )
            )
            first = False
    return rows


def explanation_notes(explanation: Explanation) -> list[str]:
    """What was set back and switched off, what could not be, and what is left out."""
    notes = [
        f"Levers set back in {explanation.other}: "
        + ("; ".join(lever.change for lever in explanation.levers) or "none")
        + "."
    ]
    if explanation.mechanisms:
        notes.append(
            "Mechanisms switched off in both: "
            + "; ".join(f"{m.label} ({', '.join(m.off)})" for m in explanation.mechanisms)
            + "."
        )
    notes += [f"Not set back alone: {name} ({why})." for name, why in explanation.skipped]
    shown = set(explanation.worth_explaining())
    left = [
        label
        for figure, label in explanation.rows[["figure", "figure_label"]].drop_duplicates().values
        if figure not in shown
    ]
    if left:
        notes.append("Left out, no practical difference or no value: " + ", ".join(left) + ".")
    return notes


def explanation_html(explanations: list[Explanation] | None) -> str:
    """One section per explained scenario ('' when the comparison was not explained)."""
    e = html.escape
    out = []
    for x in explanations or []:
        head = "".join(f"<th>{e(h)}</th>" for h in EXPLAIN_HEAD)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
            for row in explanation_rows(x)
        )
        notes = "".join(f"<p class='muted'>{e(n)}</p>" for n in explanation_notes(x))
        out.append(
            f"<h2>Why {e(x.other)} differs from {e(x.baseline)}</h2>"
            f"<p class='muted'>{e(EXPLAIN_METHOD)} {e(INTERACTION_NOTE)}</p>"
            f"<table class='text'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"{notes}"
        )
    return "".join(out)


def explanation_markdown(explanations: list[Explanation] | None) -> list[str]:
    """The same sections as Markdown lines."""
    lines = []
    for x in explanations or []:
        lines += [
            "",
            f"## Why {x.other} differs from {x.baseline}",
            "",
            f"{EXPLAIN_METHOD} {INTERACTION_NOTE}",
            "",
            "| " + " | ".join(EXPLAIN_HEAD) + " |",
            "|---" * len(EXPLAIN_HEAD) + "|",
            *["| " + " | ".join(row) + " |" for row in explanation_rows(x)],
            "",
            *[f"{n}\n" for n in explanation_notes(x)],
        ]
    return lines


def render_html(
    comparison: Comparison,
    title: str,
    figs: dict[str, tuple[str, bytes]],
    explanations: list[Explanation] | None = None,
) -> str:
    """The self-contained HTML report."""
    e = html.escape
    pictures = "".join(figure_html(caption, png) for caption, png in figs.values())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>{CSS}</style></head><body>
<h1>{e(title)}</h1>
<p>{len(comparison.arms)} arms × {comparison.replicates} replicates; replicate <i>r</i> of every arm
uses the same seed (root seed {comparison.root_seed}), so differences are paired.</p>
<h2>Headline figures</h2>
<p class="muted">Each cell: mean over replicates [95 % bootstrap interval]. For each arm against the
baseline: Δ = mean paired difference [95 % interval] and Cohen's d. Green: better than the baseline,
red: worse, by an interval that excludes zero; grey: no practical difference (the whole interval
lies within ± the figure's smallest effect that matters, SESOI, shown after its name).</p>
{table_html(comparison)}
{explanation_html(explanations)}
<h2>Figures</h2>{pictures}
<p class="muted">cocreate {e(__version__)}</p>
</body></html>
"""


def render_markdown(
    comparison: Comparison,
    title: str,
    figs: dict[str, tuple[str, bytes]],
    explanations: list[Explanation] | None = None,
) -> str:
    """The same report as Markdown, linking the figures in ``figures/``."""
    lines = [
        f"# {title}",
        "",
        f"{len(comparison.arms)} arms × {comparison.replicates} replicates, paired seeds "
        f"(root seed {comparison.root_seed}). Cells: mean [95 % bootstrap interval]; against "
        "the baseline, Δ = mean paired difference [95 % interval] and Cohen's d.",
        "",
        *table_markdown(comparison),
    ]
    lines += [
        "",
        "▲ better / ▼ worse than the baseline by an interval that excludes zero; ≈ no practical "
        "difference (the whole interval within ± the figure's SESOI).",
        *explanation_markdown(explanations),
        "",
    ]
    lines += [f"![{caption}](figures/{name})\n" for name, (caption, _) in figs.items()]
    return "\n".join(lines)


def write_report(
    comparison: Comparison,
    out_dir: str | Path,
    title: str,
    explanations: list[Explanation] | None = None,
) -> Path:
    """Write report.html, report.md, figures/*.png and the tables as CSV; returns the HTML path.

    With ``explanations`` (``cocreate compare --explain``) the report says what carries each
    difference, and ``explain.csv`` holds every figure, lever and mechanism.
    """
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    figs = figures(comparison)
    for name, (_, png) in figs.items():
        _atomic(out / "figures" / name, png)
    _atomic(out / "comparison.csv", comparison.table.to_csv(index=False).encode())
    _atomic(out / "runs.csv", comparison.runs.to_csv(index=False).encode())
    if explanations:
        rows = pd.concat([x.rows for x in explanations], ignore_index=True)
        _atomic(out / "explain.csv", rows.to_csv(index=False).encode())
    _atomic(out / "report.md", render_markdown(comparison, title, figs, explanations).encode())
    _atomic(out / "report.html", render_html(comparison, title, figs, explanations).encode())
    return out / "report.html"


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
