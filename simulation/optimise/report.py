"""What a finished search writes: the tables, the front's figure, its policies, the reports."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.optimise.spec import OptimiseSpec


def write_outputs(spec: OptimiseSpec, trials: pd.DataFrame, front: pd.DataFrame) -> dict[str, Path]:
    """Write trials.csv, pareto.csv, pareto.png, policies/<trial>.toml, report.md, report.html."""
    out = spec.out
    out.mkdir(parents=True, exist_ok=True)
    paths = {"trials": out / "trials.csv", "pareto": out / "pareto.csv"}
    trials.to_csv(paths["trials"], index=False)
    front.to_csv(paths["pareto"], index=False)
    paths["figure"] = out / "pareto.png"
    paths["figure"].write_bytes(figure_png(spec, trials))
    if spec.base is not None:
        paths["policies"] = write_policies(spec, front)
    words = tradeoffs(spec, front)
    paths["markdown"] = out / "report.md"
    paths["markdown"].write_text(report_markdown(spec, front, words), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(report_html(spec, front, words, paths["figure"]), encoding="utf-8")
    return paths


def policy_scenario(spec: OptimiseSpec, row: pd.Series) -> Any:
    """The base scenario with one trial's lever values set, named after the trial."""
    from dataclasses import replace

    from simulation.scenario import set_values

    values = {r.key: _python(row[r.key]) for r in spec.levers}
    scenario = set_values(spec.base, values, source=spec.source)
    detail = ", ".join(f"{k} = {v}" for k, v in values.items())
    return replace(
        scenario,
        name=f"{spec.name}-trial-{int(row['trial'])}",
        description=f"Pareto-optimal policy of `cocreate optimise` ({spec.name}): {detail}",
    )


def write_policies(spec: OptimiseSpec, front: pd.DataFrame) -> Path:
    """Each policy on the front as a ready scenario file ``policies/<trial>.toml``."""
    import tomli_w

    from simulation.scenario import to_dict

    folder = spec.out / "policies"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.toml"):  # a policy that has left the front is no longer offered
        old.unlink()
    for _, row in front.iterrows():
        data = to_dict(policy_scenario(spec, row))
        (folder / f"{int(row['trial'])}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return folder


def figure_png(spec: OptimiseSpec, trials: pd.DataFrame) -> bytes:
    """Two objectives: every trial and the front; more: the front in parallel coordinates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [o.key for o in spec.objectives]
    done = trials[trials["state"] == "COMPLETE"] if len(trials) else trials
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=110)
    if len(keys) == 2:
        x, y = keys
        ax.scatter(done[x], done[y], s=14, c="0.7", label="all trials")
        front = done[done["pareto"]].sort_values(x)
        ax.plot(front[x], front[y], "o-", c="C3", ms=5, label="Pareto front")
        ax.set_xlabel(f"{x} ({_word(spec, x)})")
        ax.set_ylabel(f"{y} ({_word(spec, y)})")
        ax.legend()
    else:
        front = done[done["pareto"]]
        values = front[keys].to_numpy(float)
        low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
        scaled = (values - low) / np.where(high > low, high - low, 1.0)
        for row in scaled:
            ax.plot(range(len(keys)), row, "o-", c="C3", alpha=0.6)
        ax.set_xticks(range(len(keys)), [f"{k}\n({_word(spec, k)})" for k in keys], fontsize=8)
        ax.set_ylabel("on the front: 0 = lowest, 1 = highest")
    ax.set_title(
        f"{spec.name}: {int(done['pareto'].sum()) if len(done) else 0} policies on the front"
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def number(value: float) -> str:
    """A figure for a sentence: three significant digits, thousands written out.

    >>> number(3312.4), number(0.01234), number(-12.5)
    ('3,312', '0.0123', '-12.5')
    """
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def tradeoffs(spec: OptimiseSpec, front: pd.DataFrame) -> list[str]:
    """Sentences on each pair of objectives along the front.

    The third of the front best on one objective is compared with the third worst on it.
    """
    if len(front) < 2:
        return ["The front holds a single policy: no objective had to give way to another."]
    words = []
    for i, a in enumerate(spec.objectives):
        for b in spec.objectives[i + 1 :]:
            ordered = front.sort_values(a.key, ascending=a.direction == "minimize")
            third = max(1, len(front) // 3)
            best, worst = ordered.head(third), ordered.tail(third)
            gain_b = best[b.key].mean() - worst[b.key].mean()
            better_b = gain_b > 0 if b.direction == "maximize" else gain_b < 0
            verb = "most" if a.direction == "maximize" else "least"
            change = "higher" if gain_b > 0 else "lower"
            words.append(
                f"The policies with the {verb} {a.key} ({number(best[a.key].mean())} against "
                f"{number(worst[a.key].mean())}) have {number(abs(gain_b))} {change} {b.key} "
                f"({number(best[b.key].mean())} against {number(worst[b.key].mean())}): "
                + ("no trade-off there." if better_b else f"a trade-off, {b.key} pays for it.")
            )
    for r in spec.levers:
        values = front[r.key]
        if r.choices is not None:
            counts = values.value_counts()
            share = ", ".join(f"{k} ({n})" for k, n in counts.items())
            words.append(f"On the front, {r.key} is {share}.")
        else:
            words.append(
                f"On the front, {r.key} ranges from {number(values.min())} to "
                f"{number(values.max())}."
            )
    return words


def _heading(spec: OptimiseSpec) -> str:
    aims = ", ".join(f"{_word(spec, o.key)} {o.key}" for o in spec.objectives)
    limits = ", ".join(
        f"{c.key} {'≥ ' + str(c.low) if c.low is not None else ''}"
        f"{' ≤ ' + str(c.high) if c.high is not None else ''}"
        for c in spec.constraints
    )
    return (
        f"{spec.trials} candidate policies; each judged on {spec.scenarios} draws of the "
        f"uncertainties × {spec.replicates} replicates ({spec.robustness} over draws). "
        f"Aims: {aims}." + (f" Limits: {limits}." if limits else "")
    )


def report_markdown(spec: OptimiseSpec, front: pd.DataFrame, words: list[str]) -> str:
    """``report.md``: the question, the trade-offs in words and the front."""
    lines = [f"# Which policy? — {spec.name}", "", _heading(spec), "", "## Trade-offs", ""]
    lines += [f"- {w}" for w in words]
    lines += ["", f"## The front ({len(front)} policies; scenario files in policies/)", ""]
    lines.append(front.to_markdown(index=False) if _has_tabulate() else front.to_string())
    return "\n".join(lines) + "\n"


def report_html(spec: OptimiseSpec, front: pd.DataFrame, words: list[str], png: Path) -> str:
    """``report.html``: self-contained (the figure embedded)."""
    image = base64.b64encode(png.read_bytes()).decode()
    items = "".join(f"<li>{html.escape(w)}</li>" for w in words)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Which policy? {html.escape(spec.name)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ccc}"
        "</style></head><body>"
        f"<h1>Which policy? — {html.escape(spec.name)}</h1><p>{html.escape(_heading(spec))}</p>"
        f"<h2>Trade-offs</h2><ul>{items}</ul>"
        f"<img alt='Pareto front' src='data:image/png;base64,{image}'>"
        f"<h2>The front</h2>{front.to_html(index=False, float_format=lambda v: f'{v:.4g}')}"
        "</body></html>\n"
    )


def _word(spec: OptimiseSpec, key: str) -> str:
    for o in spec.objectives:
        if o.key == key:
            return "maximise" if o.direction == "maximize" else "minimise"
    return ""


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
