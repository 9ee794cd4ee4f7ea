"""What a calibration writes: the posterior, its figures, predictive checks, a scenario, a page.

Under the output folder: ``posterior.parquet`` (every generation's weighted draws),
``posterior.png`` (the last generation's weighted marginals against the priors) and
``pairs.png`` (pairwise scatter), ``ppc.csv`` and ``ppc.png`` (posterior predictive checks: the
data's summaries against the model's 90 % predictive interval), ``calibrated.toml`` (the base
scenario, scaled, at the posterior's weighted medians), ``generations.csv``, ``report.html`` and
``provenance.json``.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.calibrate.search import (
    Calibration,
    clip_values,
    effective_sample_size,
    generation_row,
    posterior_frame,
    unweighted,
)
from simulation.scenario import set_values, to_dict

LEVEL = 0.90  # the predictive interval


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of weighted values (the inverse of the weighted CDF, midpoints).

    >>> weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0]), 0.5)
    2.0
    """
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, v))


def last_generation(posterior: pd.DataFrame) -> pd.DataFrame:
    """The draws of the last generation (the posterior), weights normalised."""
    last = posterior[posterior["generation"] == posterior["generation"].max()].copy()
    last["weight"] = last["weight"] / last["weight"].sum()
    return last


def posterior_table(calibration: Calibration, last: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior, weighted median, 5 % and 95 % quantiles, mean."""
    rows = []
    for prior in calibration.spec.priors:
        v, w = last[prior.key].to_numpy(), last["weight"].to_numpy()
        rows.append(
            {
                "parameter": prior.key,
                "prior": prior.describe(),
                "median": weighted_quantile(v, w, 0.5),
                "q05": weighted_quantile(v, w, 0.05),
                "q95": weighted_quantile(v, w, 0.95),
                "mean": float(np.average(v, weights=w)),
            }
        )
    return pd.DataFrame(rows)


def calibrated_values(calibration: Calibration, table: pd.DataFrame) -> dict[str, Any]:
    """The posterior's weighted medians, as the scenario takes them."""
    medians = dict(zip(table["parameter"], table["median"], strict=True))
    return clip_values(calibration.spec.priors, medians)


def predictive(
    calibration: Calibration, last: pd.DataFrame, draws: int, seed: int, executor=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate ``draws`` posterior draws; per summary, the data against the 90 % interval.

    The draws run on ``executor`` (a ``concurrent.futures.Executor``) when given, in this
    process otherwise; their order, and so the result, is the same either way.
    """
    rng = np.random.default_rng([seed % 2**63, 0xC0FFEE])
    picks = rng.choice(len(last), size=draws, p=last["weight"].to_numpy())
    keys = [p.key for p in calibration.spec.priors]
    simulator = calibration.simulator
    jobs = []
    for i, row in enumerate(picks):
        values = {k: float(last.iloc[row][k]) for k in keys}
        values_seeded = {**values, "_ppc": float(i)}  # a seed of its own for every draw
        jobs.append((simulator, values, values_seeded))
    if executor is None:
        sims = [_ppc_run(*job) for job in jobs]
    else:
        futures = [executor.submit(_ppc_run, *job) for job in jobs]
        sims = [future.result() for future in futures]
    sims_frame = pd.DataFrame(sims)
    rows = []
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    for key in sims_frame.columns:
        values = sims_frame[key].to_numpy(dtype=float)
        lo, hi = np.quantile(values, [lo_q, hi_q])
        data = calibration.data.get(key, np.nan)
        rows.append(
            {
                "statistic": key,
                "data": data,
                "model_median": float(np.median(values)),
                "low": float(lo),
                "high": float(hi),
                "inside": bool(lo <= data <= hi),
                "weight": calibration.spec.summaries.get(key, 0.0),
            }
        )
    return pd.DataFrame(rows), sims_frame


def _ppc_run(simulator, values: dict, seeded: dict) -> dict[str, float]:
    """One predictive run's summaries (module level: runs in a worker process)."""
    from simulation.calibrate.search import run_seed
    from simulation.events.summaries import summarise
    from simulation.run import run_scenario

    scenario = set_values(simulator.scenario, clip_values(simulator.priors, values))
    log = run_scenario(scenario, seed=run_seed(simulator.seed, seeded, 0), events=True).events
    figures = summarise(log, end_day=scenario.run.days - 1)
    return {k: figures.get(k, np.nan) for k in simulator.summaries}


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def figures(
    calibration: Calibration, posterior: pd.DataFrame, ppc: pd.DataFrame
) -> dict[str, bytes]:
    """posterior.png (marginals), pairs.png, ppc.png, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    last = last_generation(posterior)
    priors = calibration.spec.priors
    n = len(priors)
    out = {}
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3), squeeze=False)
    for ax, prior in zip(axes[0], priors, strict=True):
        v = last[prior.key].to_numpy()
        ax.hist(v, bins=20, weights=last["weight"], density=True, color="#4477aa", alpha=0.8)
        lo, hi = np.nanmin(v), np.nanmax(v)
        if np.isfinite(prior.low) and np.isfinite(prior.high):
            lo, hi = min(lo, prior.low), max(hi, prior.high)
        x = np.linspace(lo, hi, 200)
        ax.plot(x, prior.frozen().pdf(x), color="#999999", label="prior")
        ax.set_title(prior.key, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    out["posterior.png"] = _png(fig)
    plt.close(fig)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n, 2.6 * n), squeeze=False)
    for i, a in enumerate(priors):
        for j, b in enumerate(priors):
            ax = axes[i][j]
            if i == j:
                ax.hist(last[a.key], bins=20, weights=last["weight"], color="#4477aa")
            else:
                ax.scatter(last[b.key], last[a.key], s=6 + 300 * last["weight"], alpha=0.6)
            if i == n - 1:
                ax.set_xlabel(b.key, fontsize=7)
            if j == 0:
                ax.set_ylabel(a.key, fontsize=7)
    fig.tight_layout()
    out["pairs.png"] = _png(fig)
    plt.close(fig)
    m = len(ppc)
    fig, ax = plt.subplots(figsize=(7, 0.35 * m + 1))
    for y, row in enumerate(ppc.itertuples()):
        scale = max(abs(row.high - row.low), abs(row.data), 1e-12)
        ax.plot(
            [(row.low - row.data) / scale, (row.high - row.data) / scale],
            [y, y],
            lw=4,
            color="#4477aa" if row.inside else "#cc6677",
        )
        ax.plot([0], [y], "k|", ms=10)
    ax.set_yticks(range(m), ppc["statistic"], fontsize=7)
    ax.set_xlabel("model's 90 % interval relative to the data (data at 0)")
    fig.tight_layout()
    out["ppc.png"] = _png(fig)
    plt.close(fig)
    return out


def calibrated_toml(calibration: Calibration, values: dict, log: str, ess: float) -> str:
    """The calibrated scenario as TOML, opening with where it came from."""
    import tomli_w

    scenario = set_values(calibration.scenario, values)
    data = to_dict(scenario)
    data["name"] = "calibrated"
    data["description"] = f"Calibrated to {Path(log).name} (ABC-SMC, posterior medians)."
    head = [
        f"# Calibrated by `cocreate calibrate` on {dt.date.today().isoformat()}",
        f"# log: {log}",
        f"# priors: {calibration.spec.source}",
        f"# values: the posterior's weighted medians; effective sample size {ess:.0f}",
        "# scaled to the log: "
        + (", ".join(f"{k} = {v}" for k, v in calibration.scaled.items()) or "nothing"),
        "",
    ]
    return "\n".join(head) + tomli_w.dumps(data)


def write_outputs(
    calibration: Calibration,
    history: Any,
    out: Path,
    log: str,
    *,
    draws: int | None = None,
    executor: Any = None,
) -> dict[str, Any]:
    """Write every output; returns the posterior table, the ppc table and the misfits."""
    from simulation.analysis.report import figure_html, html_page
    from simulation.experiments.provenance import provenance

    spec = calibration.spec
    posterior = posterior_frame(history, spec.keys)
    posterior.to_parquet(out / "posterior.parquet", index=False)
    generations = pd.DataFrame([generation_row(history, t) for t in range(history.max_t + 1)])
    generations.to_csv(out / "generations.csv", index=False)
    last = last_generation(posterior)
    ess = effective_sample_size(last["weight"].to_numpy())
    table = posterior_table(calibration, last)
    table.to_csv(out / "posterior_summary.csv", index=False)
    ppc, _sims = predictive(calibration, last, draws or spec.predictive, spec.seed, executor)
    ppc.to_csv(out / "ppc.csv", index=False)
    misfits = ppc.loc[~ppc["inside"], "statistic"].tolist()
    values = calibrated_values(calibration, table)
    (out / "calibrated.toml").write_text(
        calibrated_toml(calibration, values, log, ess), encoding="utf-8"
    )
    pngs = figures(calibration, posterior, ppc)
    for name, png in pngs.items():
        (out / name).write_bytes(png)
    e = html.escape
    parts = [
        f"<p>Log <code>{e(log)}</code>; priors <code>{e(spec.source)}</code>; "
        f"{len(generations)} generations of {spec.population} particles, "
        f"{int(history.total_nr_simulations)} simulations; effective sample size {ess:.0f}.</p>",
        "<p>Scaled to the log: "
        + e(", ".join(f"{k} = {v}" for k, v in calibration.scaled.items()) or "nothing")
        + "</p>",
        "<h2>Posterior</h2>",
        table.to_html(index=False, float_format=lambda v: f"{v:.4g}"),
        figure_html("Posterior marginals (bars) against the priors (lines)", pngs["posterior.png"]),
        figure_html("Pairwise posterior draws (size: weight)", pngs["pairs.png"]),
        "<h2>Posterior predictive checks</h2>",
        "<p>"
        + (
            "Outside the model's 90 % interval: " + e(", ".join(misfits))
            if misfits
            else "Every summary of the data lies within the model's 90 % predictive interval."
        )
        + "</p>",
        ppc.to_html(index=False, float_format=lambda v: f"{v:.4g}"),
        figure_html("Data (tick) against the model's 90 % interval", pngs["ppc.png"]),
        "<h2>Generations</h2>",
        "<p>Each generation's epsilon is measured with scales re-fitted on the previous "
        "generation's simulations (each summary divided by its median absolute deviation), so "
        "epsilons of successive generations are in different units and may rise; the acceptance "
        "rate is the figure that shows the search tightening.</p>",
        generations.to_html(index=False, float_format=lambda v: f"{v:.4g}"),
    ]
    flat = unweighted(out)
    if flat:
        parts.append(
            "<p>Not compared in some generations, for want of spread among the previous "
            "generation's runs (weight 0; the predictive checks above still judge them): "
            + e("; ".join(f"{k} (generation {', '.join(map(str, ts))})" for k, ts in flat.items()))
            + "</p>"
        )
    if calibration.dropped:
        parts.append(
            "<p>Left out (undefined in the log): " + e(", ".join(calibration.dropped)) + "</p>"
        )
    (out / "report.html").write_text(html_page("Calibration", parts), encoding="utf-8")
    record = {
        "command": "calibrate",
        "log": log,
        "priors": spec.source,
        "digest": calibration.digest,
        "scaled": calibration.scaled,
        "summaries": list(calibration.observed),
        "unweighted": flat,  # summary -> generations in which it had weight 0
        "generations": len(generations),
        "simulations": int(history.total_nr_simulations),
        "ess": ess,
        **provenance(),
    }
    (out / "provenance.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    return {"table": table, "ppc": ppc, "misfits": misfits, "ess": ess, "unweighted": flat}
