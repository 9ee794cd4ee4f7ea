"""The myths report: every belief answered with the model's evidence, as HTML and Markdown.

For each belief: the question in plain words, the arms and replicates, the computed verdict with
the difference, its interval and Cohen's d (and the other side's verdict for a two-sided belief),
the headline table, figures, where it holds over its region (a box in words and a figure,
:mod:`simulation.analysis.boundaries`), what carries the answer (the
effect with each mechanism switched off, :mod:`simulation.analysis.attribution`), the caveats
and sources. Then the stylized-facts table and what the model assumes.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import fields
from pathlib import Path

import pandas as pd

from simulation import __version__
from simulation.analysis.attribution import (
    INTERACTION_NOTE,
    STAYS_NEGLIGIBLE,
    UNCHANGED,
    UNCLEAR,
    VANISHES,
    difference_unit,
    interval,
    signed,
)
from simulation.analysis.boundaries import boundary_figure
from simulation.analysis.compare import BANDS
from simulation.analysis.myths import MythResult, metric_label
from simulation.analysis.plots import band_figure, distribution_figure
from simulation.analysis.report import CSS, figure_html, fmt, table_html, table_markdown
from simulation.model.metrics import METRICS
from simulation.scenario import Scenario

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"


def myth_figures(result: MythResult) -> dict[str, tuple[str, bytes]]:
    """File name -> (caption, PNG) for one myth."""
    myth, comparison = result.myth, result.comparison
    n = myth.number
    out = {}
    out[f"myth{n}_series.png"] = (
        f"{BANDS[myth.series]} over time: mean of the replicates, band = 95 % of runs",
        band_figure(comparison.bands, myth.series, BANDS[myth.series], comparison.arms),
    )
    out[f"myth{n}_distribution.png"] = (
        f"{metric_label(myth)}: one dot per replicate",
        distribution_figure(comparison.runs, myth.metric, metric_label(myth), comparison.arms),
    )
    if result.boundary is not None:
        fx, fy = result.boundary.plotted
        out[f"myth{n}_boundary.png"] = (
            f"Where does the belief hold? The verdict at each sample of its region over {fx} and "
            f"{fy}",
            boundary_figure(result.boundary),
        )
    return out


def boundary_rows(result: MythResult) -> list[tuple[str, str, str]]:
    """(parameter, range sampled, why it could change the answer) for the belief's region."""
    return [(f"{u.label} ({u.key})", u.span, u.why) for u in result.myth.region]


BOUNDARY_HEAD = ("parameter", "range sampled", "why it could change the answer")


def boundary_method(result: MythResult) -> str:
    """How the boundary was found, with where its sweep lives."""
    b = result.boundary
    return (
        f"A Latin hypercube of {b.samples} samples over the region below; at each sample both "
        f"arms ran {b.replicates} times on paired seeds and the belief was judged by the rule "
        "above; PRIM (EMA Workbench) found the box where it is supported. Re-read with "
        f"`cocreate discover {b.folder} --belief {result.myth.number}`."
    )


def boundary_html(result: MythResult, figure: tuple[str, bytes] | None = None) -> str:
    """The section 'Where it holds' as HTML (with its figure: caption, PNG)."""
    e = html.escape
    if result.boundary is None:
        return f"<p><b>Where it holds.</b> {e(result.sentence)}</p>"
    head = "".join(f"<th>{e(h)}</th>" for h in BOUNDARY_HEAD)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in boundary_rows(result)
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in result.boundary.notes)
    return (
        f"<h3>Where it holds</h3><p class='verdict'>{e(result.sentence)}</p>"
        + (f"<ul class='muted'>{notes}</ul>" if notes else "")
        + (figure_html(*figure) if figure else "")
        + f"<p class='muted'>{e(boundary_method(result))}</p>"
        f"<table class='text'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def boundary_markdown(result: MythResult, figure: str | None = None) -> list[str]:
    """The section 'Where it holds' as Markdown lines (``figure``: its file name)."""
    if result.boundary is None:
        return ["", f"**Where it holds.** {result.sentence}"]
    return [
        "",
        "### Where it holds",
        "",
        f"**{result.sentence}**",
        *(["", *[f"- {n}" for n in result.boundary.notes]] if result.boundary.notes else []),
        *(["", f"![The verdict at each sample](figures/{figure})"] if figure else []),
        "",
        boundary_method(result),
        "",
        "| " + " | ".join(BOUNDARY_HEAD) + " |",
        "|---" * len(BOUNDARY_HEAD) + "|",
        *["| " + " | ".join(row) + " |" for row in boundary_rows(result)],
    ]


def verdict_cell(result: MythResult) -> str:
    """The verdict with the smallest effect it was judged against, for summary tables.

    A two-sided belief gets both verdicts, each with its SESOI, then which side decides.
    """
    myth = result.myth
    unit = METRICS[myth.metric].unit
    cell = f"{result.verdict.label} (SESOI {myth.smallest_effect.describe(unit)})"
    if myth.other is None or result.other_verdict is None:
        return cell
    other = METRICS[myth.other.metric]
    return (
        f"{METRICS[myth.metric].label}: {cell}; {other.label}: {result.other_verdict.label} "
        f"(SESOI {myth.other.smallest_effect.describe(other.unit)}). {myth.decides}"
    )


def verdict_text(result: MythResult) -> str:
    """The verdict in one sentence with its numbers (and the other side's, if two-sided)."""
    v, myth = result.verdict, result.myth
    kind = METRICS[myth.metric].kind
    text = (
        f"{v.label.capitalize()}: {myth.challenger} − {myth.reference} = "
        f"{fmt(v.difference, kind)} [{fmt(v.low, kind)}, {fmt(v.high, kind)}] "
        f"(Cohen's d {fmt(v.cohens_d)}, {v.replicates} paired replicates). Smallest effect "
        f"that matters: {result.smallest_effect_text}."
    )
    if myth.other is None or result.other_verdict is None:
        return text
    o, other = result.other_verdict, METRICS[myth.other.metric]
    return (
        f"{text} Other side ({other.label}): {o.label}: "
        f"{fmt(o.difference, other.kind)} [{fmt(o.low, other.kind)}, "
        f"{fmt(o.high, other.kind)}] (Cohen's d {fmt(o.cohens_d)}). Smallest effect that "
        f"matters: {result.other_smallest_effect_text}. {myth.decides}"
    )


ATTRIBUTION_METHOD = (
    "Both arms are run again on the same seeds with one mechanism switched off in both; the "
    "effect without it is judged against the belief's smallest effect that matters, and the "
    "part it carries is the effect with it minus the effect without it, per paired replicate "
    "(mean [95 % bootstrap interval])."
)


def attribution_rows(result: MythResult) -> list[tuple[str, str, str, str]]:
    """(mechanism, effect without it [interval], what becomes of the effect, part carried)."""
    a = result.attribution
    if a is None:
        return []
    kind = METRICS[a.metric].kind
    w = a.whole
    rows = [
        (
            "none (every mechanism on)",
            f"{signed(w.difference, kind)} {interval(w.low, w.high, kind)}",
            w.label,
            "–",
        )
    ]
    for p in a.parts:
        rows.append(
            (
                f"{p.label} ({p.key})",
                f"{signed(p.without.difference, kind)} "
                f"{interval(p.without.low, p.without.high, kind)}",
                p.outcome if p.outcome in PLAIN_OUTCOMES else f"{p.outcome} ({p.without.label})",
                f"{signed(p.carried, kind)} {interval(p.low, p.high, kind)}",
            )
        )
    return rows


PLAIN_OUTCOMES = (VANISHES, STAYS_NEGLIGIBLE, UNCLEAR, UNCHANGED)  # they say the label already
ATTRIBUTION_HEAD = (
    "mechanism switched off in both arms",
    "effect without it [95 %]",
    "the effect without it",
    "part it carries [95 %]",
)


def attribution_note(result: MythResult) -> str:
    """How the attribution was made, with its units and the interaction caveat."""
    a = result.attribution
    unit = difference_unit(a.metric)
    return (
        f"Differences {a.challenger} − {a.reference} ({unit}), {a.replicates} paired "
        f"replicates. {ATTRIBUTION_METHOD} {INTERACTION_NOTE}"
    )


def attribution_html(result: MythResult) -> str:
    """The section 'Why: what carries the answer' as HTML ('' without an attribution)."""
    if result.attribution is None:
        return ""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in ATTRIBUTION_HEAD)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
        for row in attribution_rows(result)
    )
    return (
        f"<h3>Why: what carries the answer</h3><p>{e(result.attribution.sentence)}</p>"
        f"<table class='text'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p class='muted'>{e(attribution_note(result))}</p>"
    )


def attribution_markdown(result: MythResult) -> list[str]:
    """The section 'Why: what carries the answer' as Markdown lines (none without one)."""
    if result.attribution is None:
        return []
    return [
        "",
        "### Why: what carries the answer",
        "",
        result.attribution.sentence,
        "",
        "| " + " | ".join(ATTRIBUTION_HEAD) + " |",
        "|---" * len(ATTRIBUTION_HEAD) + "|",
        *["| " + " | ".join(row) + " |" for row in attribution_rows(result)],
        "",
        attribution_note(result),
    ]


def carried_mostly_by(result: MythResult) -> str:
    """The mechanism carrying the largest clear part of the answer, for summary tables."""
    return result.attribution.main_carrier if result.attribution is not None else "–"


def assumptions() -> list[tuple[str, str]]:
    """(table, what it holds) for every scenario table, from the dataclasses' docstrings."""
    out = []
    for f in fields(Scenario):
        cls = f.default_factory if callable(f.default_factory) else None
        if cls is None:
            continue
        for sub in fields(cls) if f.name == "policies" else [None]:
            target = sub.default_factory if sub is not None else cls
            name = f"policies.{sub.name}" if sub is not None else f.name
            doc = (target.__doc__ or "").strip().splitlines()[0]
            out.append((name, f"{doc} ({len(fields(target))} parameters)"))
    return out


def simplifications() -> str:
    """The 'Known simplifications' section of docs/ODD.md, if present.

    Links to other pages of ``docs/`` keep their text and lose their target, since the report
    is read away from ``docs/`` (in ``results/``).
    """
    if not ODD.is_file():
        return ""
    text = ODD.read_text(encoding="utf-8")
    start = text.find("## 9 Known simplifications")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 5)
    section = text[start : end if end > 0 else None].split("\n", 1)[1].strip()
    return re.sub(r"\[([^\]]+)\]\((?![a-z]+://)[^)]*\)", r"\1", section)


# the stylized facts check the model as shipped, whatever the beliefs were answered for
FACTS_AT = "At the shipped calibration (neither --set nor --posterior changes them)."


def render(results: list[MythResult], facts: pd.DataFrame | None, title: str) -> tuple:
    """The report as (HTML, Markdown, figures by file name)."""
    e = html.escape
    summary_rows = "".join(
        f"<tr><td>{r.myth.number}. {e(r.myth.belief)}</td><td>{e(verdict_cell(r))}</td>"
        f"<td>{e(r.sentence)}</td><td>{e(carried_mostly_by(r))}</td></tr>"
        for r in results
    )
    md = [
        f"# {title}",
        "",
        "Verdicts: *negligible* when the whole 95 % interval of the paired difference lies within "
        "± the belief's smallest effect that matters (SESOI); otherwise *supported* / *not "
        "supported* when it lies on one side of zero, *inconclusive* when it contains zero.",
        "",
        "| belief | verdict | when it holds | carried mostly by |",
        "|---|---|---|---|",
    ]
    md += [
        f"| {r.myth.number}. {r.myth.belief} | {verdict_cell(r)} | {r.sentence} | "
        f"{carried_mostly_by(r)} |"
        for r in results
    ]
    sections, figures = [], {}
    for r in results:
        figs = myth_figures(r)
        boundary = f"myth{r.myth.number}_boundary.png"
        figures.update(figs)
        m = r.myth
        sections.append(
            f"<h2>{m.number}. {e(m.belief)}</h2><p><b>Question.</b> {e(m.question)}</p>"
            f"<p><b>Arms</b> (<code>scenarios/myths/</code>): {e(', '.join(m.arms))}; "
            f"{r.comparison.replicates} replicates each. <b>Primary metric:</b> "
            f"{e(metric_label(m))}.</p><p class='verdict'><b>{e(verdict_text(r))}</b></p>"
            f"{table_html(r.comparison)}"
            + "".join(figure_html(c, p) for k, (c, p) in figs.items() if k != boundary)
            + boundary_html(r, figs.get(boundary))
            + attribution_html(r)
            + f"<p class='muted'>Caveat: {e(m.caveat)} "
            f"Sources: {e(m.sources)}.</p>"
        )
        md += [
            "",
            f"## {m.number}. {m.belief}",
            "",
            f"**Question.** {m.question}",
            "",
            f"Arms: {', '.join(m.arms)}; {r.comparison.replicates} replicates each.",
            "",
            f"**{verdict_text(r)}**",
            "",
            *table_markdown(r.comparison),
            "",
            *[f"![{c}](figures/{name})" for name, (c, _) in figs.items() if name != boundary],
            "",
            *boundary_markdown(r, boundary if boundary in figs else None),
            *attribution_markdown(r),
            "",
            f"Caveat: {m.caveat} Sources: {m.sources}.",
        ]
    facts_html, facts_md = "", []
    if facts is not None:
        rows = "".join(
            f"<tr><td>{e(row.id)}</td><td>{e(row.claim)} ({e(row.source)})</td>"
            f"<td>{e(row.published)}</td><td>{fmt(row.model)} [{fmt(row.ci_low)}, "
            f"{fmt(row.ci_high)}]</td><td>{e(row.rule)}</td>"
            f"<td class='{'better' if row.passed else 'worse'}'>"
            f"{'pass' if row.passed else 'FAIL'}</td></tr>"
            for row in facts.itertuples()
        )
        facts_html = (
            "<h2>Stylized facts</h2><p class='muted'>Each published figure or "
            f"direction the model covers, measured over replicates. {FACTS_AT}</p>"
            "<table class='text'><thead>"
            "<tr><th>id</th><th>finding</th><th>published</th><th>model [95 % CI]</th>"
            f"<th>rule</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
        )
        facts_md = [
            "",
            "## Stylized facts",
            "",
            FACTS_AT,
            "",
            "| id | finding | published | model | verdict |",
            "|---|---|---|---|---|",
        ] + [
            f"| {row.id} | {row.claim} | {row.published} | {fmt(row.model)} "
            f"[{fmt(row.ci_low)}, {fmt(row.ci_high)}] | {'pass' if row.passed else 'FAIL'} |"
            for row in facts.itertuples()
        ]
    assumed = "".join(f"<li><code>{e(t)}</code>: {e(d)}</li>" for t, d in assumptions())
    simple = simplifications()
    md += (
        facts_md
        + ["", "## What the model assumes", ""]
        + [f"- `{t}`: {d}" for t, d in assumptions()]
        + ["", simple]
    )
    html_text = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{e(title)}</title><style>{CSS}</style></head><body><h1>{e(title)}</h1>
<p>Five popular beliefs about co-creation, each turned into a question the simulation answers.
Verdicts are computed from paired replicates and each belief's smallest effect that matters
(SESOI): <b>negligible</b> when the whole 95 % interval of the difference lies within ±SESOI (no
practical difference), otherwise <b>supported</b> or <b>not supported</b> when it lies on one side
of zero, <b>inconclusive</b> when it contains zero.</p>
<table class="text"><thead><tr><th>belief</th><th>verdict</th><th>when it holds</th>
<th>carried mostly by</th></tr></thead>
<tbody>{summary_rows}</tbody></table>{"".join(sections)}{facts_html}
<h2>What the model assumes</h2><ul>{assumed}</ul>
<pre style="white-space:pre-wrap">{e(simple)}</pre>
<p class="muted">cocreate {e(__version__)}; full model description in docs/ODD.md.</p>
</body></html>"""
    return html_text, "\n".join(md) + "\n", figures


def write(results: list[MythResult], facts: pd.DataFrame | None, out: Path, title: str) -> Path:
    """Write report.html, report.md and figures/ into ``out``; returns the HTML path."""
    html_text, md_text, figures = render(results, facts, title)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for name, (_, png) in figures.items():
        _atomic(out / "figures" / name, png)
    _atomic(out / "report.md", md_text.encode())
    _atomic(out / "report.html", html_text.encode())
    return out / "report.html"


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
