"""A belief's boundary sweep read as cases: one row per sample, judged by the myths' verdict rule.

A sweep of a belief's two arms as sub-experiments with paired seeds (``seeds = "paired"``: what
``cocreate myths`` writes under ``boundaries/belief<N>``) pairs the challenger's and the
reference's replicate r at every sample of the factors. Each sample is judged as the myths report
judges the belief (:func:`simulation.analysis.verdicts.verdict`: the paired 95 % interval against
the belief's smallest effect that matters); it is a case of interest where the belief is
supported.
"""

from __future__ import annotations

import pandas as pd

from simulation.analysis.myths import MYTHS
from simulation.analysis.verdicts import SUPPORTED, verdict
from simulation.discovery.errors import DiscoveryError


def belief_table(
    summary: pd.DataFrame, factors: list[str] | None, belief: int, source=None
) -> tuple[pd.DataFrame, list[str], dict[str, str], str]:
    """One row per sample of a paired sweep over a belief's arms, judged by the verdict rule.

    Args:
        summary: the sweep's summary table (one row per run).
        factors: the factor columns (default: the sweep's factors; ``subexperiment`` and
            ``sample`` are never factors here).
        belief: 1-5.
        source: the :class:`ExperimentResults` (its manifest gives the root seed and factors).

    Returns:
        (cases, factors, labels of the factors in words, the condition in words).

    Raises:
        DiscoveryError: not a number of a belief, or a sweep that does not pair its arms.
    """
    if not 1 <= belief <= len(MYTHS):
        raise DiscoveryError("--belief", f"{belief} is not a belief; give 1 to {len(MYTHS)}")
    myth = MYTHS[belief - 1]
    arms = (myth.challenger, myth.reference)
    have = set(summary["subexperiment"]) if "subexperiment" in summary.columns else set()
    if not set(arms) <= have or "sample" not in summary.columns:
        raise DiscoveryError(
            "--belief",
            f"belief {belief} compares the arms {arms[0]} and {arms[1]}: this sweep needs them as "
            'sub-experiments with seeds = "paired" (as `cocreate myths` writes under '
            f"boundaries/belief{belief})",
        )
    manifest = getattr(source, "manifest", {}) or {}
    seed = int(manifest.get("root_seed", 0))
    names = [
        f for f in (factors or manifest.get("factors", [])) if f not in ("subexperiment", "sample")
    ]
    rows = []
    for sample, runs in summary.groupby("sample", sort=True):
        by_arm = {
            arm: runs[runs["subexperiment"] == arm].set_index("replicate")[myth.metric]
            for arm in arms
        }
        by_arm = {arm: values.astype(float) for arm, values in by_arm.items()}
        replicates = by_arm[arms[0]].index.intersection(by_arm[arms[1]].index).sort_values()
        judged = verdict(
            by_arm[arms[0]].reindex(replicates).to_numpy(),
            by_arm[arms[1]].reindex(replicates).to_numpy(),
            myth.holds_if,
            seed,
            myth.smallest_effect,
        )
        first = runs.iloc[0]
        rows.append(
            {
                "sample": int(sample),
                **{f: first[f] for f in names},
                "difference": judged.difference,
                "low": judged.low,
                "high": judged.high,
                "replicates": judged.replicates,
                "label": judged.label,
                "holds": float(judged.label == SUPPORTED),
            }
        )
    cases = pd.DataFrame(rows)
    labels = {u.key: u.label for u in myth.region}
    return cases, names, labels, f"Belief {belief} holds"
