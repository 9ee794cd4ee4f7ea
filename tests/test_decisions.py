"""Stage gates on hand-built concepts: who finds which flaw, when, and at what cost."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model.decisions import FLAW_PERSPECTIVES, StageGates
from simulation.model.policies import Team
from simulation.scenario import DecisionParams


def gates(team_perspectives, size=1, **params):
    p = DecisionParams(
        **{"gate_days": (1.0, 1.0, 1.0, 1.0), "rework_days": 1.0, "coordination": 0.0, **params}
    )
    g = StageGates(p, Team(frozenset(team_perspectives), size), 0, np.random.default_rng(0))
    return g


def admit_with_flaws(g, flaws_by_perspective):
    g.admit(np.array([7]), np.array([3]), np.array([0]), 0, 0.0, np.array([0.5]))
    g.concepts["hidden"][0] = flaws_by_perspective
    g.concepts["flaws"][0] = sum(flaws_by_perspective)


def run_until_decided(g, passes=True, horizon=2000):
    for day in range(horizon):
        decided = g.advance(day, lambda ideas: np.full(ideas.size, passes), 0.0)
        if decided.rows.size:
            return day, decided
    raise AssertionError("never decided")


def test_a_covered_flaw_is_found_at_the_concept_gate_for_the_cheapest_rework():
    g = gates({"engineering"}, detection=1.0, blind_detection=0.0)
    admit_with_flaws(g, [0, 0, 1, 0, 0])  # one engineering flaw
    day, decided = run_until_decided(g)
    c = g.concepts
    assert decided.accepted.tolist() == [True]
    assert c["found"][0].tolist() == [1, 0, 0, 0]
    assert c["rework"][0] == 1.0  # rework_days * rework_cost[concept] = 1 * 1
    assert day == 5  # four one-day gates plus one day of rework


def test_an_uncovered_flaw_escapes_to_operation():
    g = gates({"marketing"}, detection=1.0, blind_detection=0.0, test_detection=0.0)
    admit_with_flaws(g, [0, 0, 1, 0, 0])
    day, decided = run_until_decided(g)
    assert decided.accepted.tolist() == [True] and day == 4
    assert g.escaped(decided.rows).tolist() == [1]
    frame = g.frame(np.linspace(0, 1, 10))
    assert frame.loc[0, "operation_rework_days"] == 100.0  # the operation cost of F6


def test_a_flaw_found_late_costs_more():
    g = gates({"engineering"}, detection=1.0, blind_detection=0.0)
    admit_with_flaws(g, [0, 0, 0, 0, 0])
    g.advance(1, lambda ideas: np.ones(ideas.size, bool), 0.0)  # concept gate passed, no flaws
    g.concepts["hidden"][0] = [0, 0, 1, 0, 0]  # a flaw that only shows from the design gate on
    day, _ = run_until_decided(g)
    assert g.concepts["found"][0].tolist() == [0, 1, 0, 0]
    assert g.concepts["rework"][0] == 5.0  # design-phase cost (F6: 3-8x the concept phase)
    assert day == 9  # four one-day gates plus five days of rework


def test_the_screen_kills_at_the_concept_gate():
    g = gates({"marketing"})
    admit_with_flaws(g, [0] * len(FLAW_PERSPECTIVES))
    day, decided = run_until_decided(g, passes=False)
    assert decided.accepted.tolist() == [False] and day == 1
    assert g.frame(np.zeros(10))["outcome"].tolist() == ["killed"]


def test_coordination_slows_a_larger_team():
    small = gates({"marketing"}, size=2, coordination=0.5)
    large = gates({"marketing"}, size=5, coordination=0.5)
    assert small.gate_duration(0) == pytest.approx(1.5)
    assert large.gate_duration(0) == pytest.approx(3.0)


def test_stalls_add_days_to_every_gate():
    g = gates({"marketing"})
    g.admit(np.array([1]), np.array([1]), np.array([0]), 0, 2.0, np.array([0.5]))
    g.concepts["hidden"][0] = 0
    day = None
    for d in range(100):
        if g.advance(d, lambda ideas: np.ones(ideas.size, bool), 2.0).rows.size:
            day = d
            break
    assert day == 12  # four gates of (1 day + 2 stall days)
    assert g.concepts["stall"][0] == 8.0


def test_flaw_counts_are_conserved():
    g = gates(
        {"marketing", "engineering"}, detection=0.5, blind_detection=0.1, flaws_per_concept=3.0
    )
    g.admit(np.arange(200), np.arange(200), np.zeros(200, int), 0, 0.0, np.full(200, 0.5))
    for day in range(400):
        g.advance(day, lambda ideas: np.ones(ideas.size, bool), 0.0)
    c = g.concepts
    assert (c["found"].sum(axis=1) + c["hidden"].sum(axis=1) == c["flaws"]).all()
    assert g.found.sum() == c["found"].sum()


def test_flaws_grow_with_novelty_and_ruggedness():
    p = DecisionParams(flaws_per_concept=2.0, flaws_novelty=1.0, flaws_ruggedness=0.25)
    team = Team(frozenset({"marketing"}), 1)
    rng = np.random.default_rng(0)
    average = StageGates(p, team, 0, rng, ruggedness=3)
    assert average.flaw_rate(np.array([0.0, 0.5, 1.0])).tolist() == [0.0, 2.0, 4.0]
    assert StageGates(p, team, 0, rng, ruggedness=0).flaw_rate(np.array([0.5]))[0] == 0.5
    assert StageGates(p, team, 0, rng, ruggedness=7).flaw_rate(np.array([0.5]))[0] == 4.0
    off = DecisionParams(flaws_per_concept=2.0, flaws_novelty=0.0, flaws_ruggedness=0.0)
    flat = StageGates(off, team, 0, rng, ruggedness=0).flaw_rate(np.array([0.0, 1.0]))
    assert flat.tolist() == [2.0, 2.0]


def test_launches_queue_for_development_slots():
    g = gates({"marketing"}, build_slots=2, build_days=10.0)
    g.admit(np.arange(3), np.arange(3), np.zeros(3, int), 0, 0.0, np.full(3, 0.5))
    g.concepts["hidden"][:3] = 0
    g.schedule_launches(np.arange(3), 5)
    assert g.concepts["launch_day"][:3].tolist() == [15.0, 15.0, 25.0]  # the third waits
    unlimited = gates({"marketing"}, build_slots=0, build_days=10.0)
    unlimited.admit(np.arange(3), np.arange(3), np.zeros(3, int), 0, 0.0, np.full(3, 0.5))
    unlimited.schedule_launches(np.arange(3), 5)
    assert unlimited.concepts["launch_day"][:3].tolist() == [15.0, 15.0, 15.0]


def test_the_test_gate_finds_what_no_reviewer_covers_at_its_late_cost():
    g = gates({"marketing"}, detection=1.0, blind_detection=0.0, test_detection=1.0)
    admit_with_flaws(g, [0, 0, 1, 0, 0])  # an engineering flaw the marketers cannot see
    day, decided = run_until_decided(g)
    c = g.concepts
    assert c["found"][0].tolist() == [0, 0, 0, 1] and g.escaped(decided.rows).tolist() == [0]
    assert c["rework"][0] == 40.0  # rework_days 1 x the test gate's cost 40
    assert decided.accepted.tolist() == [True] and day == 4 + 40
