"""Scenario discovery (issue 12): under which conditions does an outcome happen?

Over a finished sweep, each run is a case of interest when its metric lies above (or below) a
value; PRIM (Friedman & Fisher 1999, as used for scenario discovery by Bryant & Lempert 2010,
from EMA Workbench) and CART (Breiman et al. 1984, from scikit-learn) look for a box of factor
values that holds most of those cases (coverage) and little else (density)::

    from simulation.discovery import discover
    found = discover("results/reward_x_motivation", "churned_share", above=0.5)
    print(found.words)           # the box in a sentence
    found.limits                 # factor, kind, low, high, categories, qp_value, min, max
    found.trajectory             # PRIM's peeling trajectory, the chosen box marked

Both boxes are always found; ``method`` picks the one that is *the* answer (words, CSV, JSON);
the other is shown beside it as a second view. A factor whose values are labels (a policy
``kind``, a sub-experiment) becomes a pandas category: PRIM peels categories away, CART sees one
0/1 column per category (one-hot; an ordinal code would invent an order).

Needs the optional extra: ``pip install -e ".[discover]"`` (ema-workbench, scikit-learn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.discovery.boxes import Box, cart_box, is_categorical, prim_box
from simulation.discovery.errors import DiscoveryError
from simulation.discovery.words import box_words, condition_words

METHODS = ("prim", "cart")
INSTALL_HINT = 'pip install -e ".[discover]"  (ema-workbench and scikit-learn)'
# Stability: coverage and density are shares estimated from counts; to know each to within
# +-0.10 with 95 % confidence, a binomial share p needs n >= 1.96^2 p (1 - p) / 0.10^2 cases
# (62 at p = 0.8): that many cases of interest (for coverage) and that many runs in the box
# (for density). The runs a sweep needs follow from the share of cases and the box's mass.
MARGIN, Z95 = 0.10, 1.96


@dataclass
class Discovery:
    """What scenario discovery found in one sweep.

    Attributes:
        metric: the summary metric; ``condition``: e.g. ``"churned_share above 0.5"``.
        method: the box that answers (``prim`` or ``cart``); ``threshold``: its minimum density.
        box: that box; ``other``: the second view (the other method's box).
        limits: ``box.limits`` (one row per restricted factor).
        trajectory: PRIM's peeling trajectory (coverage, density, mass, res_dim, n, k, chosen).
        words: the box in a sentence; ``notes``: warnings (too few runs, dropped rows).
        data: the factors, the metric and ``of_interest`` per run; ``tree``: the fitted CART.
        cases: with ``belief``, one row per sample: factors, the paired difference, its interval,
            the verdict ``label`` and ``holds``; ``labels``: factors in words.
    """

    metric: str
    condition: str
    method: str
    threshold: float
    box: Box
    other: Box
    trajectory: pd.DataFrame
    words: str
    other_words: str
    data: pd.DataFrame
    factors: list[str]
    tree: object = None
    runs_needed: int = 0
    notes: list[str] = field(default_factory=list)
    source: object = None  # the ExperimentResults, when discovery ran over a sweep
    cases: pd.DataFrame | None = None  # belief: one row per sample, its verdict and difference
    labels: dict[str, str] = field(default_factory=dict)  # factor -> words, where known

    @property
    def limits(self) -> pd.DataFrame:
        """The answering box's limits."""
        return self.box.limits

    @property
    def stable(self) -> bool:
        """Enough runs to know the box's coverage and density to within +-0.10."""
        return self.runs_needed <= len(self.data)


def discover(
    results_or_dir,
    metric: str | None = None,
    above: float | None = None,
    below: float | None = None,
    method: str = "prim",
    threshold: float = 0.8,
    factors: list[str] | None = None,
    belief: int | None = None,
) -> Discovery:
    """Find the conditions under which ``metric`` lies above (or below) a value.

    Or, with ``belief``, the conditions under which one of the five beliefs holds: over a sweep
    whose sub-experiments are the belief's two arms with paired seeds (what ``cocreate myths``
    writes under ``boundaries/``), each sample of the factors is judged by the myths report's
    verdict rule and is a case of interest where the belief is supported.

    Args:
        results_or_dir: a sweep's folder, its :class:`ExperimentResults`, or a DataFrame with
            one row per run (then ``factors`` names the input columns; default all but metric).
        metric: a summary column, e.g. ``churned_share``.
        above: a run is a case of interest when its metric is above this value...
        below: ...or below this one (give exactly one).
        method: ``prim`` or ``cart``: whose box answers.
        threshold: the minimum density of the chosen box (share of its runs that are cases).
        factors: the input columns of a DataFrame source (default: the sweep's factors).
        belief: 1-5, instead of metric / above / below.

    Raises:
        DiscoveryError: bad input (``.flag`` names the option); ImportError without the extra.
    """
    if method not in METHODS:
        raise DiscoveryError("--method", f"'{method}' is not a method; choose prim or cart")
    if not 0 < threshold <= 1:
        raise DiscoveryError("--threshold", f"{threshold} is not a density; use a value in (0, 1]")
    notes: list[str] = []
    labels, unit, cases, such = None, "runs", None, None
    if belief is not None:
        if metric is not None or above is not None or below is not None:
            raise DiscoveryError(
                "--belief",
                "give --belief N alone: its cases are the samples where the belief holds "
                "(no --metric, --above or --below)",
            )
        from simulation.discovery.beliefs import belief_table

        table, factors, source = _table(results_or_dir, factors, notes)
        cases, factors, labels, condition = belief_table(table, factors, belief, source)
        metric, unit = "holds", "samples"
        such = ("the samples where it holds", "hold it")
        x, values = _inputs(cases, factors, metric, notes)
        y = values > 0.5
        if y.all() or not y.any():
            counts = cases["label"].value_counts()
            raise DiscoveryError(
                "--belief",
                f"belief {belief} holds at {'every' if y.all() else 'no'} sample of this sweep "
                f"({', '.join(f'{k}: {v}' for k, v in counts.items())}); there is no boundary "
                "to find inside these ranges",
            )
    else:
        if metric is None:
            raise DiscoveryError("--metric", "give --metric NAME with --above/--below, or --belief")
        if (above is None) == (below is None):
            raise DiscoveryError("--above/--below", "give exactly one of --above X or --below X")
        table, factors, source = _table(results_or_dir, factors, notes)
        x, values = _inputs(table, factors, metric, notes)
        cut = above if above is not None else below
        low, high = float(values.min()), float(values.max())
        flag = "--above" if above is not None else "--below"
        y = (values > cut) if above is not None else (values < cut)
        if not low <= cut <= high or y.all() or not y.any():
            raise DiscoveryError(
                flag,
                f"{metric} = {cut:g} leaves {'every' if y.all() else 'no'} run "
                f"{flag[2:]} it; {metric} ranges over [{low:.4g}, {high:.4g}] in these runs",
            )
        condition = condition_words(metric, "above" if above is not None else "below", cut)
    y = y.to_numpy()
    prim_found, trajectory, _ = prim_box(x, y, threshold)
    cart_found, tree = cart_box(x, y, threshold)
    box, other = (prim_found, cart_found) if method == "prim" else (cart_found, prim_found)
    needed = runs_needed(y, box)
    if needed > len(y):
        notes.append(
            f"{len(y)} {unit} with {int(y.sum())} cases of interest are too few for a stable "
            f"box: knowing coverage and density to ±{MARGIN:.2f} (95 %) takes about {needed} "
            f"{unit} (≥ {_cases_needed(box.coverage)} cases of interest and ≥ "
            f"{_cases_needed(box.density)} {unit} in the box); treat the box as a first guess"
        )
    for found in (box, other):
        if not found.meets_threshold:
            notes.append(
                f"{found.method.upper()}: no box reaches density {threshold:.0%}; "
                f"shown is the densest ({found.density:.0%})"
            )
    data = x.assign(**{metric: values.to_numpy(), "of_interest": y})
    return Discovery(
        metric=metric,
        condition=condition,
        method=method,
        threshold=threshold,
        box=box,
        other=other,
        trajectory=trajectory,
        words=box_words(condition, box, labels, unit, such),
        other_words=box_words(condition, other, labels, unit, such),
        data=data,
        factors=list(x.columns),
        tree=tree,
        runs_needed=needed,
        notes=notes,
        source=source,
        cases=cases,
        labels=labels or {},
    )


def runs_needed(y: np.ndarray, box: Box) -> int:
    """Runs a sweep needs to know the box's coverage and density to +-0.10 (95 %).

    >>> runs_needed(np.array([1] * 100 + [0] * 300), Box("prim", None, 0.8, 0.8, 0.25,
    ...     100, 80, None, True))
    248
    """
    share_of_cases = max(float(np.mean(y)), 1 / len(y))
    for_coverage = _cases_needed(box.coverage) / share_of_cases
    for_density = _cases_needed(box.density) / max(box.mass, 1 / len(y))
    return int(math.ceil(max(for_coverage, for_density)))


def _cases_needed(share: float) -> int:
    share = min(max(share, 0.05), 0.95)
    return int(math.ceil(Z95**2 * share * (1 - share) / MARGIN**2))


def _table(
    source, factors: list[str] | None, notes: list[str]
) -> tuple[pd.DataFrame, list[str], object]:
    if isinstance(source, pd.DataFrame):
        return source, factors, None
    from simulation.experiments import ExperimentResults, load_results

    results = source
    if not isinstance(source, ExperimentResults):
        try:
            results = load_results(Path(source))
        except FileNotFoundError:
            raise DiscoveryError(
                "DIR",
                "no sweep results here (no manifest.json); give the folder `cocreate sweep` wrote",
            ) from None
    if results.summary.empty:
        raise DiscoveryError(
            "DIR", "no finished runs in this sweep yet; run `cocreate sweep` first"
        )
    names = list(results.manifest.get("factors", []))
    if "subexperiment" in results.summary.columns:
        names = ["subexperiment", *names]
    if results.manifest.get("status") != "complete":
        notes.append(
            f"the sweep is not finished ({len(results.summary)} of {results.manifest.get('runs')} "
            "runs done); `cocreate sweep` resumes it"
        )
    return results.summary, (factors or names), results


ID_COLUMNS = ("run_id", "point", "replicate", "seed", "days", "of_interest")


def _inputs(
    table: pd.DataFrame, factors: list[str] | None, metric: str, notes: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    if factors is None:
        factors = [c for c in table.columns if c != metric and c not in ID_COLUMNS]
    if metric not in table.columns or metric in factors:
        known = [
            c
            for c in table.columns
            if c not in (*ID_COLUMNS, *factors) and pd.api.types.is_numeric_dtype(table[c])
        ]
        raise DiscoveryError("--metric", f"no metric '{metric}'; metrics: {', '.join(known)}")
    rows = table[table[metric].notna()]
    if len(rows) < len(table):
        notes.append(
            f"{len(table) - len(rows)} of {len(table)} runs have no {metric} (undefined, e.g. no "
            "accepted idea); they are left out"
        )
    if len(rows) < 2:
        raise DiscoveryError("--metric", f"{metric} has a value in {len(rows)} run(s) only")
    x = pd.DataFrame(index=rows.index)
    for factor in factors:
        column = rows[factor]
        if column.nunique(dropna=False) < 2:
            continue
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            x[factor] = column.astype(str).astype("category")
        else:
            x[factor] = column.astype(float)
    if x.shape[1] == 0:
        raise DiscoveryError(
            "DIR", "no factor varies across these runs; discovery needs a sweep over [parameters]"
        )
    return x.reset_index(drop=True), rows[metric].astype(float).reset_index(drop=True)


__all__ = ["METHODS", "Box", "Discovery", "DiscoveryError", "discover", "is_categorical"]
