"""Ablations: switch a mechanism off through scenario parameters and the computed verdict follows.

This is what makes the verdicts honest: they come out of the mechanisms, so removing a mechanism
moves the effect it carries (towards zero, within the smallest effect that matters, or past zero),
with nothing else touched. The tests assert that direction, not a verdict label. Small
communities (400 consumers, 200 days), 6 paired replicates, fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.analysis.compare import compare
from simulation.analysis.myths import MYTHS, MYTHS_DIR, arm_values, verdict
from simulation.model.decisions import StageGates
from simulation.model.metrics import METRICS
from simulation.model.policies import Team
from simulation.scenario import DecisionParams, load_scenario

pytestmark = pytest.mark.slow
SMALL = ["run.days=200", "community.consumers=400", "community.initial_members=80"]


def judge(myth, overrides=(), metric=None):
    arms = [
        load_scenario(MYTHS_DIR / f"{name}.toml", [*SMALL, *overrides])
        for name in (myth.reference, myth.challenger)
    ]
    metric = metric or myth.metric
    result = compare(arms, replicates=6, root_seed=3, workers=1)
    return verdict(
        arm_values(result, myth.challenger, metric),
        arm_values(result, myth.reference, metric),
        myth.holds_if,
        3,
        myth.smallest_effect if metric == myth.metric else METRICS[metric].sesoi,
    )


def shrinks_or_flips(full, ablated):
    """The ablated effect lies within the SESOI of zero, or on the other side of zero, or is
    closer to zero than the whole effect by more than the noise of both intervals."""
    if -ablated.sesoi <= ablated.low <= ablated.high <= ablated.sesoi:
        return True
    if np.sign(ablated.difference) != np.sign(full.difference):
        return True
    full_width = (full.high - full.low) / 2
    return abs(ablated.difference) < abs(full.difference) - full_width


def test_framing_that_discloses_nothing_loses_its_effect():
    """Belief 3 ("you lose control"): disclose nothing and the framed arm is the open arm, so
    the effect is exactly zero, inside the smallest effect that matters."""
    myth = MYTHS[2]
    full = judge(myth)
    ablated = judge(myth, ["policies.control.disclosure=0"])
    assert full.difference > 0 and ablated.difference == 0.0
    assert shrinks_or_flips(full, ablated)


def test_a_frame_everyone_misreads_steers_away_from_strategy():
    """Belief 3: framing helps control only through what consumers understand of it; read every
    disclosed constraint the wrong way round and framing lowers the on-strategy share."""
    myth = MYTHS[2]
    full = judge(myth)
    misread = judge(myth, ["policies.control.misreading=1"])
    assert full.difference > 0 > misread.difference and shrinks_or_flips(full, misread)


def test_without_crowding_out_cash_no_longer_loses_members():
    """Belief 2 ("only for prizes"): cash withdrawn at day 90 keeps fewer members active than
    recognition because taking part under cash wears interest down; switch crowding-out off and
    the loss shrinks or turns into a gain."""
    myth = MYTHS[1]
    full = judge(myth)
    ablated = judge(myth, ["consumers.crowding_out=0"])
    assert full.difference < 0 and ablated.difference > full.difference
    assert shrinks_or_flips(full, ablated)


def test_without_coordination_cost_a_diverse_team_is_no_slower_to_decide():
    """Belief 4 ("slows innovation"): every extra team member slows each gate. The same 500
    concepts go through the gates of the internal team (marketers, 2 members) and of the diverse
    team (customer, marketing, engineering, operations; 7 members): the diverse team's days to
    decision, relative to the marketers', fall when coordination costs nothing. (Whole runs would
    confound this with which concepts finish within the run.)"""

    def mean_days(perspectives, size, coordination):
        params = DecisionParams(coordination=coordination)
        gates = StageGates(params, Team(frozenset(perspectives), size), 0, np.random.default_rng(5))
        n = 500
        gates.admit(np.arange(n), np.arange(n), np.zeros(n, int), 0, 0.0, np.full(n, 0.5))
        days = []
        for day in range(3000):
            decided = gates.advance(day, lambda ideas: np.ones(ideas.size, bool), 0.0)
            days += [day] * decided.rows.size
            if len(days) == n:
                return float(np.mean(days))
        raise AssertionError("not all decided")

    diverse = {"customer", "marketing", "engineering", "operations"}

    def extra_days(coordination):
        return mean_days(diverse, 7, coordination) - mean_days({"marketing"}, 2, coordination)

    full, ablated = extra_days(0.05), extra_days(0.0)
    assert ablated < full


def test_without_fairness_stating_the_criteria_satisfies_no_more():
    """Belief 5 ("disappointed"): part of what stating limits and criteria up front does for
    the satisfaction of those who hear a decision is the fairness of the process; without it the
    effect falls."""
    myth = MYTHS[4]
    full = judge(myth)
    ablated = judge(myth, ["consumers.fairness_bonus=0"])
    assert ablated.difference < full.difference
