"""Ablations: switch a mechanism off through scenario parameters and the computed verdict follows.

This is what makes the verdicts honest: they come out of the mechanisms, so removing the
mechanism removes (or reverses) the effect and changes the verdict, with nothing else touched.
Small communities (400 consumers, 200 days), 6 paired replicates; the effects involved are many
standard errors wide (Cohen's d > 4), so the verdicts are stable across seeds.
"""

from __future__ import annotations

import pytest

from simulation.analysis.compare import compare
from simulation.analysis.myths import MYTHS, MYTHS_DIR, arm_values, verdict
from simulation.scenario import load_scenario

pytestmark = pytest.mark.slow
SMALL = ["run.days=200", "community.consumers=400", "community.initial_members=80"]


def judge(myth, overrides=()):
    arms = [
        load_scenario(MYTHS_DIR / f"{name}.toml", [*SMALL, *overrides])
        for name in (myth.reference, myth.challenger)
    ]
    result = compare(arms, replicates=6, root_seed=3, workers=1)
    return verdict(
        arm_values(result, myth.challenger, myth.metric),
        arm_values(result, myth.reference, myth.metric),
        myth.holds_if,
        3,
        myth.smallest_effect,
    )


def test_framing_that_discloses_nothing_loses_its_effect():
    """Belief 3 ("you lose control"): framing refutes it; disclose nothing and the effect is
    exactly zero, inside the smallest effect that matters, so the verdict becomes negligible."""
    myth = MYTHS[2]
    assert judge(myth).label == "not supported"
    ablated = judge(myth, ["policies.control.disclosure=0"])
    assert ablated.label == "negligible" and ablated.difference == 0.0
    assert -ablated.sesoi <= ablated.low <= ablated.high <= ablated.sesoi


def test_without_escalating_rework_a_diverse_team_is_just_slower():
    """Belief 4 ("co-creation slows innovation"): with late flaws costing more (F6) the diverse
    team's early detection wins; make every phase cost the same and only its slower
    coordination is left, so the belief becomes supported."""
    myth = MYTHS[3]
    assert judge(myth).label == "not supported"
    flat = judge(myth, ["decision.rework_cost=[1.0, 1.0, 1.0, 1.0, 1.0]"])
    assert flat.label == "supported" and flat.difference > 0
