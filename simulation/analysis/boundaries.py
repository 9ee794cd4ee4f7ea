"""Where each belief holds: its region sampled, judged at every sample, bounded by PRIM.

A belief's answer at the shipped parameters says nothing of how far it carries. Each belief
declares its *region* (:attr:`simulation.analysis.myths.Myth.region`): the four to eight parameters
most likely to change its answer, each with a plausible range and why. The boundary is a sweep
(:mod:`simulation.experiments`: journal, resume, any executor) with the belief's two arms as
sub-experiments, crossed with a Latin hypercube over the region, ``replicates`` runs per arm and
sample, and paired seeds (replicate r has the same seed in both arms at a sample, its own at each
sample). At every sample the belief is judged by the myths report's rule
(:func:`simulation.analysis.verdicts.verdict`: the paired 95 % interval against the belief's
smallest effect that matters), and PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010, from EMA
Workbench, :mod:`simulation.discovery`) finds the box of the region where it is supported::

    from simulation.analysis.boundaries import run_boundary
    from simulation.analysis.myths import MYTHS
    found = run_boundary(MYTHS[1], samples=64, replicates=8, root_seed=0, out=Path("b2"))
    print(found.sentence)        # the box in words, with how often the belief holds
    found.cases                  # one row per sample: factors, difference, interval, verdict

The same sweep can be re-read with ``cocreate discover DIR --belief N`` (another method or
threshold) without running anything again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.analysis.myths import MYTHS_DIR, Myth
from simulation.analysis.verdicts import INCONCLUSIVE, NEGLIGIBLE, NOT_SUPPORTED, SUPPORTED
from simulation.discovery.beliefs import belief_table
from simulation.scenario import override_values

LABELS = (SUPPORTED, NOT_SUPPORTED, NEGLIGIBLE, INCONCLUSIVE)
COLOURS = {
    SUPPORTED: "#2ca02c",
    NOT_SUPPORTED: "#d62728",
    NEGLIGIBLE: "#7f7f7f",
    INCONCLUSIVE: "#ffbf00",
}


@dataclass
class Boundary:
    """Where one belief holds over its region.

    Attributes:
        myth: the belief.
        cases: one row per sample: ``sample``, the region's factors, ``difference`` (challenger
            − reference, mean over paired replicates), ``low`` / ``high`` (its 95 % interval),
            ``label`` (the verdict) and ``holds`` (1.0 where supported).
        found: the :class:`simulation.discovery.Discovery` (PRIM box, CART second view), or
            None when the belief holds everywhere or nowhere sampled (no boundary to find), or
            when the optional extra for PRIM is missing.
        folder: the sweep's folder (``cocreate discover FOLDER --belief N`` re-reads it).
        samples, replicates: the design.
        notes: what the reader should know (stability, a missing extra).
    """

    myth: Myth
    cases: pd.DataFrame
    found: object
    folder: Path
    samples: int
    replicates: int
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Samples per verdict, in the order supported, not supported, negligible, inconclusive."""
        seen = self.cases["label"].value_counts()
        return {label: int(seen.get(label, 0)) for label in LABELS}

    @property
    def tally(self) -> str:
        """How often it holds, e.g. ``it holds at 16 of 64 samples (not supported at 30, ...)``."""
        counts = self.counts
        rest = ", ".join(
            f"{label} at {n}" for label, n in counts.items() if n and label != SUPPORTED
        )
        return (
            f"it holds at {counts[SUPPORTED]} of {len(self.cases)} samples of its region"
            + (f" ({rest})" if rest else "")
            + f"; {self.replicates} paired replicates per arm and sample"
        )

    @property
    def sentence(self) -> str:
        """Where the belief holds, in words: PRIM's box, then how often it holds."""
        counts = self.counts
        if self.found is not None:
            return f"{self.found.words}; {self.tally}."
        if counts[SUPPORTED] == len(self.cases):
            return f"The belief holds at every sample of its region: {self.tally}."
        if counts[SUPPORTED] == 0:
            return f"The belief holds nowhere in its region: {self.tally}."
        return f"Where it holds was not bounded ({'; '.join(self.notes)}): {self.tally}."

    @property
    def plotted(self) -> tuple[str, str]:
        """The two factors of the figure: the box's two most restrictive, else the first declared.

        A numeric limit restricts by the share of the factor's sampled range it cuts away; only
        ranges are plotted (a choice among kinds shows in the box's words).
        """
        keys = [u.key for u in self.myth.region if u.numeric]
        ranked: list[str] = []
        if self.found is not None and not self.found.limits.empty:
            limits = self.found.limits
            span = (limits["max"] - limits["min"]).replace(0, np.nan)
            kept = limits["high"].fillna(limits["max"]) - limits["low"].fillna(limits["min"])
            cut = (1 - kept / span).fillna(1.0)
            ranked = list(limits.assign(cut=cut).sort_values("cut", ascending=False)["factor"])
        chosen = [k for k in ranked if k in keys] + [k for k in keys if k not in ranked]
        return chosen[0], chosen[1]


def boundary_spec(
    myth: Myth,
    samples: int,
    replicates: int,
    root_seed: int,
    out: Path,
    overrides: tuple[str, ...] = (),
    draws: Sequence[dict[str, Any]] | None = None,
):
    """The boundary's sweep: the belief's two arms × a Latin hypercube over its region.

    ``draws`` (one per replicate, e.g. a calibration's posterior draws) are set on every run of
    their replicate, at every sample and in both arms; the region's own factors keep their
    sampled values where a draw sets the same key.
    """
    from simulation.experiments import experiment_from_dict

    data = {
        "name": f"belief{myth.number}",
        "description": f"Where belief {myth.number} holds: {myth.belief}",
        "replicates": replicates,
        "seed": root_seed,
        "seeds": "paired",
        "design": {"kind": "lhs", "samples": samples},
        "parameters": {u.key: u.factor() for u in myth.region},
        "subexperiments": [
            {"name": arm, "scenario": f"{arm}.toml"} for arm in (myth.challenger, myth.reference)
        ],
    }
    if overrides:
        data["set"] = override_values(overrides)
    if draws is not None:
        data["draws"] = [dict(d) for d in draws]
    return experiment_from_dict(
        data, source=f"belief {myth.number} boundary", base_dir=MYTHS_DIR, out=out
    )


def boundary_runs(samples: int, replicates: int) -> int:
    """Runs of one belief's boundary: two arms at every sample, ``replicates`` times."""
    return 2 * samples * replicates


def run_boundary(
    myth: Myth,
    samples: int,
    replicates: int,
    root_seed: int,
    out: Path,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    overrides: tuple[str, ...] = (),
    workers: int | None = None,
    draws: Sequence[dict[str, Any]] | None = None,
) -> Boundary:
    """Run (or resume) a belief's boundary sweep into ``out`` and find where the belief holds.

    A folder holding the boundary of another design (other samples, seed, overrides or draws)
    is moved aside (``<out>.replaced-<time>``) and the sweep starts again.
    """
    from simulation.experiments import run_experiment

    spec = boundary_spec(myth, samples, replicates, root_seed, out, overrides, draws)
    report = None
    if progress is not None:
        before = done_runs(spec)  # counts this job's runs only (a resumed sweep has some done)
        shown = [0]

        def report(p) -> None:  # only when runs finished (the sweep reports per batch)
            finished = p.done + p.failed - before
            if finished > shown[0]:
                shown[0] = finished
                progress(finished, p.total - before)

    run_experiment(
        spec,
        executor,
        backend="sequential" if executor is None and workers == 1 else "local",
        workers=workers,
        force=True,
        progress=report,
    )
    return find_boundary(myth, out, samples, replicates)


def done_runs(spec) -> int:
    """Runs of a boundary's sweep already finished in its folder (0 if it holds another design)."""
    from simulation.experiments.design import run_tasks
    from simulation.experiments.store import Store

    store = Store(spec.out)
    manifest = store.read_manifest()
    if manifest is None or manifest.get("spec_hash") != spec.spec_hash():
        return 0
    store.journal = store.read_journal()
    return len({t.run_id for t in run_tasks(spec)} & store.done_ids())


def find_boundary(myth: Myth, folder: Path, samples: int, replicates: int) -> Boundary:
    """Judge every sample of a finished boundary sweep and find the box where the belief holds."""
    from simulation.experiments import load_results

    results = load_results(folder)
    factors = [u.key for u in myth.region]
    cases, *_ = belief_table(results.summary, factors, myth.number, results)
    notes: list[str] = []
    found = None
    held = int(cases["holds"].sum())
    if 0 < held < len(cases):
        try:
            from simulation.discovery import discover

            found = discover(results, belief=myth.number)
            notes += found.notes
        except ImportError as err:
            notes.append(
                f"the box needs the optional extra for PRIM ({getattr(err, 'name', err)} is "
                'missing): pip install -e ".[discover]"'
            )
    return Boundary(myth, cases, found, Path(folder), samples, replicates, notes)


def boundary_figure(boundary: Boundary) -> bytes:
    """Every sample over the two most restrictive factors, coloured by verdict, the box drawn."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from simulation.analysis.plots import png_bytes

    fx, fy = boundary.plotted
    region = {u.key: u for u in boundary.myth.region}
    cases = boundary.cases
    fig, ax = plt.subplots(figsize=(6, 4))
    for label in LABELS:
        rows = cases[cases["label"] == label]
        if len(rows):
            ax.scatter(
                rows[fx], rows[fy], s=28, color=COLOURS[label], label=f"{label} ({len(rows)})"
            )
    if boundary.found is not None:
        limits = boundary.found.limits.set_index("factor")
        x0, x1 = _sides(limits, fx, region[fx])
        y0, y1 = _sides(limits, fy, region[fy])
        ax.add_patch(
            Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.6, ls="--", color="#2ca02c")
        )
    for axis, u in ((ax.set_xlim, region[fx]), (ax.set_ylim, region[fy])):
        pad = 0.04 * (u.high - u.low)  # points on the edge of the range stay whole
        axis(u.low - pad, u.high + pad)
    ax.set_xlabel(f"{region[fx].label}\n({fx})")
    ax.set_ylabel(f"{region[fy].label}\n({fy})", fontsize=8)
    ax.set_title(
        "Verdict at each sample (other factors vary); dashed: the box where it holds",
        fontsize=9,
    )
    ax.legend(frameon=False, fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def _sides(limits: pd.DataFrame, factor: str, u) -> tuple[float, float]:
    """The box's sides on one factor (the sampled range where it does not restrict it)."""
    if factor not in limits.index:
        return float(u.low), float(u.high)
    row = limits.loc[factor]
    low = float(row["low"]) if not np.isnan(row["low"]) else float(u.low)
    high = float(row["high"]) if not np.isnan(row["high"]) else float(u.high)
    return low, high
