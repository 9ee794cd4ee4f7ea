"""A box of conditions from PRIM (EMA Workbench) or CART (scikit-learn), in one shape.

A box is a table of limits, one row per factor it restricts: ``factor``, ``kind`` (``numeric``
or ``categorical``), ``low`` and ``high`` (numeric; NaN where that side is open), ``categories``
(the categories kept, for a categorical factor), ``qp_value`` (PRIM's quasi-p-value of the
restriction, Bryant & Lempert 2010: a one-sided binomial test of the density gained by it; NaN
for CART) and the factor's observed ``min`` / ``max``.

Both libraries are imported inside the functions: they are an optional extra
(``pip install -e ".[discover]"``) and ``cocreate --help`` must not load them.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT_COLUMNS = ["factor", "kind", "low", "high", "categories", "qp_value", "min", "max"]
CART_MAX_DEPTH = 4  # a box of up to four conditions stays readable


@dataclass
class Box:
    """One box: its limits and how well it describes the cases of interest."""

    method: str
    limits: pd.DataFrame  # LIMIT_COLUMNS
    coverage: float  # cases of interest inside the box / all cases of interest
    density: float  # cases of interest inside the box / runs inside the box
    mass: float  # runs inside the box / all runs
    runs: int  # runs inside the box
    cases: int  # cases of interest inside the box
    inside: np.ndarray  # bool per run: inside the box
    meets_threshold: bool  # the density reached the asked minimum


def prim_box(x: pd.DataFrame, y: np.ndarray, threshold: float) -> tuple[Box, pd.DataFrame, object]:
    """PRIM's box: of the peeling trajectory, the widest box with density >= ``threshold``.

    EMA Workbench peels and pastes (lenient objective, peel_alpha = 0.05, mass_min = 0.05);
    the box chosen is the one of highest coverage (then density) among those whose density
    reaches the threshold, as Bryant & Lempert (2010) pick a box on the coverage-density
    trade-off. When none reaches it, the densest box is chosen and ``meets_threshold`` is False.

    Returns:
        The box, the peeling trajectory (coverage, density, mass, res_dim, n, k, one row per
        step, column ``chosen`` marking the box) and the PRIM box object (for resampling).
    """
    with warnings.catch_warnings():  # its import warns of optional parts it does not need
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        found = prim.Prim(x, y.astype(int)).find_box()
    trajectory = found.peeling_trajectory[
        ["coverage", "density", "mass", "res_dim", "n", "k"]
    ].astype(float)
    ok = trajectory.index[trajectory["density"] >= threshold - 1e-12]
    meets = len(ok) > 0
    if meets:
        candidates = trajectory.loc[ok].sort_values(["coverage", "density"], kind="stable")
        index = int(candidates.index[-1])  # the widest; of equally wide boxes, the densest
    else:
        index = int(trajectory["density"].idxmax())
    trajectory = trajectory.assign(chosen=trajectory.index == index)
    found.select(index)
    limits = _prim_limits(found, index, x)
    inside = _inside(x, limits)
    return _box("prim", limits, inside, y, meets), trajectory.reset_index(drop=True), found


def _prim_limits(found, index: int, x: pd.DataFrame) -> pd.DataFrame:
    box_lim, initial = found.box_lims[index], found.prim.box_init
    p_values = found.p_values[index]
    rows = []
    for factor in x.columns:
        if factor not in box_lim.columns:
            continue
        low, high = box_lim[factor].iloc[0], box_lim[factor].iloc[1]
        qp = p_values.get(factor, [np.nan, np.nan])
        qp = [q for q in qp if q is not None and q >= 0 and not np.isnan(q)]
        qp_value = max(qp) if qp else np.nan
        if isinstance(low, set):
            if low == initial[factor].iloc[0]:
                continue
            rows.append(_categorical_row(factor, low, qp_value))
            continue
        lo_min, hi_max = initial[factor].iloc[0], initial[factor].iloc[1]
        if low <= lo_min and high >= hi_max:
            continue
        rows.append(_numeric_row(x, factor, low, high, qp_value))
    return pd.DataFrame(rows, columns=LIMIT_COLUMNS)


def cart_box(x: pd.DataFrame, y: np.ndarray, threshold: float, seed: int = 0) -> tuple[Box, object]:
    """CART's box: the leaf of a classification tree that best describes the cases of interest.

    A ``DecisionTreeClassifier`` (depth <= 4, at least 5 % of runs and 5 runs a leaf) is fitted
    on the factors; a categorical factor is one-hot encoded (one 0/1 column per category), since
    an ordinal code would invent an order that splits could exploit. The box is the path to the
    leaf of highest coverage among leaves whose density reaches ``threshold`` (else the densest
    leaf); a split on a one-hot column becomes "is / is not that category".

    Returns:
        The box and the fitted tree (its ``feature_names_in_`` are the encoded columns).
    """
    from sklearn.tree import DecisionTreeClassifier

    encoded = encode_onehot(x)
    leaf = max(5, int(np.ceil(0.05 * len(y))))
    tree = DecisionTreeClassifier(
        max_depth=CART_MAX_DEPTH, min_samples_leaf=leaf, random_state=seed
    ).fit(encoded, y.astype(int))
    leaves = tree.apply(encoded)
    total = max(int(y.sum()), 1)
    best, best_key = None, None
    for node in np.unique(leaves):
        members = leaves == node
        cases = int(y[members].sum())
        density = cases / members.sum()
        key = (density >= threshold - 1e-12, cases / total if density >= threshold else density)
        if best_key is None or key > best_key:
            best, best_key = node, key
    limits = _cart_limits(tree, best, x, encoded)
    inside = leaves == best
    return _box("cart", limits, inside, y, bool(best_key[0])), tree


def encode_onehot(x: pd.DataFrame) -> pd.DataFrame:
    """Numeric factors as they are, each categorical factor as one 0/1 column per category.

    >>> list(encode_onehot(pd.DataFrame({"a": [1.0, 2.0], "k": pd.Categorical(["u", "v"])})))
    ['a', 'k=u', 'k=v']
    """
    parts = []
    for factor in x.columns:
        if is_categorical(x[factor]):
            for category in x[factor].cat.categories:
                parts.append((x[factor] == category).astype(float).rename(f"{factor}={category}"))
        else:
            parts.append(x[factor].astype(float))
    return pd.concat(parts, axis=1)


def _cart_limits(tree, leaf: int, x: pd.DataFrame, encoded: pd.DataFrame) -> pd.DataFrame:
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child >= 0:
                parent[child] = (node, side)
    low = {f: -np.inf for f in x.columns}
    high = {f: np.inf for f in x.columns}
    kept = {f: set(x[f].cat.categories) for f in x.columns if is_categorical(x[f])}
    node = leaf
    while node in parent:
        node, side = parent[node]
        column = encoded.columns[t.feature[node]]
        cut = float(t.threshold[node])
        factor, _, category = column.partition("=")
        if factor in kept and category:
            category = next(
                c for c in kept[factor] | set(x[factor].cat.categories) if str(c) == category
            )
            kept[factor] = kept[factor] - {category} if side == "le" else kept[factor] & {category}
        elif side == "le":
            high[factor] = min(high[factor], cut)
        else:
            low[factor] = max(low[factor], cut)
    rows = []
    for factor in x.columns:
        if factor in kept:
            if kept[factor] != set(x[factor].cat.categories):
                rows.append(_categorical_row(factor, kept[factor], np.nan))
        elif np.isfinite(low[factor]) or np.isfinite(high[factor]):
            rows.append(_numeric_row(x, factor, low[factor], high[factor], np.nan))
    return pd.DataFrame(rows, columns=LIMIT_COLUMNS)


def _numeric_row(x: pd.DataFrame, factor: str, low: float, high: float, qp: float) -> dict:
    lo_obs, hi_obs = float(x[factor].min()), float(x[factor].max())
    return {
        "factor": factor,
        "kind": "numeric",
        "low": float(low) if low > lo_obs else np.nan,
        "high": float(high) if high < hi_obs else np.nan,
        "categories": "",
        "qp_value": qp,
        "min": lo_obs,
        "max": hi_obs,
    }


def _categorical_row(factor: str, categories: set, qp: float) -> dict:
    return {
        "factor": factor,
        "kind": "categorical",
        "low": np.nan,
        "high": np.nan,
        "categories": "|".join(sorted(str(c) for c in categories)),
        "qp_value": qp,
        "min": np.nan,
        "max": np.nan,
    }


def _inside(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    """Which runs lie in the box (limits inclusive, as EMA Workbench counts them)."""
    inside = np.ones(len(x), dtype=bool)
    for row in limits.itertuples():
        column = x[row.factor]
        if row.kind == "categorical":
            inside &= column.astype(str).isin(row.categories.split("|")).to_numpy()
            continue
        if not np.isnan(row.low):
            inside &= (column >= row.low).to_numpy()
        if not np.isnan(row.high):
            inside &= (column <= row.high).to_numpy()
    return inside


def _box(method: str, limits: pd.DataFrame, inside: np.ndarray, y: np.ndarray, meets) -> Box:
    runs, cases = int(inside.sum()), int(y[inside].sum())
    return Box(
        method=method,
        limits=limits,
        coverage=cases / max(int(y.sum()), 1),
        density=cases / max(runs, 1),
        mass=runs / len(y),
        runs=runs,
        cases=cases,
        inside=inside,
        meets_threshold=bool(meets),
    )


def is_categorical(column: pd.Series) -> bool:
    """A factor whose values are labels, not numbers (e.g. a policy ``kind``)."""
    return isinstance(column.dtype, pd.CategoricalDtype)
