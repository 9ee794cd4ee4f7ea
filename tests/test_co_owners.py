"""Co-owners as agents (ODD 7.12): support per project and in general, stalls, vetoes, withdrawal.

Exact checks on a co-owner alone and on hand-built gates, then paired checks over replicates on
small communities. The magnitudes the replicates use are stronger than the defaults so that the
mechanism bites within a short run; the defaults are scenario assumptions, not findings.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np
import pytest

from simulation import run_scenario
from simulation.model import CoCreationModel
from simulation.model.agents.co_owner import CoOwner
from simulation.model.decisions import StageGates
from simulation.model.policies import Team
from simulation.scenario import DecisionParams, OrganisationParams
from tests.helpers import small
from tests.invariants import check_run


def lone_co_owner(**params) -> tuple[CoOwner, SimpleNamespace]:
    """A co-owner of a stand-in firm with ten concepts; ``firm.lost`` records withdrawals."""
    model = mesa.Model(rng=0)
    model.day = 0
    firm = SimpleNamespace(lost=[], gates=SimpleNamespace(concepts=range(10)))
    firm.lose = firm.lost.append
    owner = CoOwner(model, firm, "housing_corporation", OrganisationParams(co_owners=1, **params))
    return owner, firm


# --- exact: one co-owner ------------------------------------------------------------------------
def test_a_decision_without_the_co_owner_costs_project_and_less_general_support():
    owner, _ = lone_co_owner(support_loss=0.1, general_loss=0.5)
    owner.observe(np.array([0, 0, 3]))  # two decisions on project 0, one on project 3
    assert owner.standing(np.array([0, 3, 5])) / owner.support == pytest.approx([0.8, 0.9, 1.0])
    assert owner.support == pytest.approx(1 - 0.5 * 0.1 * 3)
    assert owner.standing(np.array([0])) == pytest.approx([0.8 * 0.85])


@pytest.mark.parametrize(
    "consultation", [{"co_owners_on_team": True}, {"co_owners_consulted": True}]
)
def test_a_consulted_co_owner_keeps_its_support(consultation):
    owner, _ = lone_co_owner(**consultation)
    owner.observe(np.arange(10).repeat(5))
    assert owner.support == 1.0 and owner.standing(np.arange(10)).tolist() == [1.0] * 10


def test_objections_stall_below_the_stall_threshold_and_vetoes_kill_below_the_veto_threshold():
    owner, _ = lone_co_owner(support_loss=0.25, general_loss=0.0)
    owner.observe(np.array([1, 2, 2, 3, 3, 3]))  # project support 0.75, 0.5, 0.25
    rows = np.array([0, 1, 2, 3])
    assert owner.objects(rows).tolist() == [False, False, False, True]  # 0.25 < 0.5
    owner.support = 0.5  # standing 0.5, 0.375, 0.25, 0.125
    assert owner.objects(rows).tolist() == [False, True, True, True]
    assert owner.vetoed(rows).tolist() == [False, False, False, True]  # 0.125 < 0.2
    assert owner.vetoes == 1


def test_withdrawal_comes_after_support_stays_low_for_the_set_days_not_before():
    owner, firm = lone_co_owner(withdraw_threshold=0.3, withdraw_after=5)
    owner.support = 0.29
    for day in range(3):
        owner.model.day = day
        owner.step()
    owner.support = 0.31  # a good day starts the count again
    owner.model.day = 3
    owner.step()
    assert owner.low_days == 0
    owner.support = 0.2
    for day in range(4, 8):  # four low days: not yet
        owner.model.day = day
        owner.step()
    assert owner.active and not firm.lost and owner.low_days == 4
    owner.model.day = 8
    owner.step()  # the fifth low day in a row
    assert not owner.active and owner.withdrawn_day == 8 and firm.lost == [owner]
    assert owner.until == 10  # it co-owns the ten concepts of its time, none after
    assert not owner.objects(np.array([0])).any()  # a former partner objects to nothing


# --- exact: the gates -----------------------------------------------------------------------------
def one_day_gates() -> StageGates:
    p = DecisionParams(gate_days=(1.0, 1.0, 1.0, 1.0), coordination=0.0)
    return StageGates(p, Team(frozenset({"marketing"}), 1), 1, np.random.default_rng(0))


def test_stalls_per_project_and_vetoes_at_the_gate_that_comes_up():
    g = one_day_gates()
    g.admit(np.arange(3), np.arange(3), np.zeros(3, int), 0, 0.0, np.full(3, 0.5))
    g.concepts["hidden"][:] = 0
    passes = lambda ideas: np.ones(ideas.size, bool)  # noqa: E731
    decided = g.advance(
        1, passes, lambda rows: np.where(rows == 1, 3.0, 0.0), lambda rows: rows == 2
    )
    assert g.reviewed.tolist() == [0, 1, 2]
    assert decided.ideas.tolist() == [2] and decided.accepted.tolist() == [False]  # vetoed
    assert g.concepts["due"][:2].tolist() == [2.0, 5.0]  # project 1 held up three days
    assert g.concepts["stall"][:3].tolist() == [0.0, 3.0, 0.0]


def test_consultation_without_a_seat_lengthens_every_gate():
    consulted = small("organisation.co_owners=2", "organisation.co_owners_consulted=true")
    gates = CoCreationModel(consulted).organisation.gates
    none = CoCreationModel(small()).organisation.gates
    d = consulted.decision
    assert gates.team == none.team  # no seat: the same team, the same perspectives
    extra = np.asarray(d.gate_days) * 2 * consulted.organisation.consultation_cost
    assert gates.gate_duration(np.arange(4)) == pytest.approx(
        none.gate_duration(np.arange(4)) + extra
    )


def test_a_seat_is_one_more_member_with_the_co_owners_perspective():
    seated = CoCreationModel(
        small("organisation.co_owners=1", "organisation.co_owners_on_team=true")
    )
    gates = seated.organisation.gates
    assert "co_owner" in gates.team.perspectives and gates.team.size == 3  # two marketers + one
    assert gates.consulting == 0.0  # a seat's cost is coordination, not consultation


def test_withdrawal_sets_open_projects_back_and_takes_the_seat_and_its_knowledge():
    model = CoCreationModel(
        small("organisation.co_owners=1", "organisation.co_owners_on_team=true", days=120)
    )
    org = model.organisation
    while org.gates.open.size == 0 and model.running:
        model.step()
    open_rows, due = org.gates.open.copy(), org.gates.concepts["due"][org.gates.open].copy()
    owner = org.co_owners[0]
    owner.withdraw()
    delay = model.params.organisation.withdraw_delay
    assert org.gates.concepts["due"][open_rows] == pytest.approx(due + delay)
    assert org.gates.team == org.base_team and "co_owner" not in org.gates.team.perspectives
    assert org.support.size == 0 and org.project_stall(open_rows).tolist() == [0.0] * open_rows.size
    while model.running:
        model.step()
    assert np.isnan(model.datacollector.get_model_vars_dataframe()["co_owner_support"].iloc[-1])


def test_in_a_run_withdrawal_follows_the_set_days_of_low_support():
    scenario = small(
        "organisation.co_owners=1",
        "organisation.support_loss=0.2",
        "organisation.general_loss=0.5",
        "organisation.withdraw_after=20",
        "organisation.promote_share=0.1",
        days=200,
        consumers=400,
    )
    model = CoCreationModel(scenario)
    owner, low = model.organisation.co_owners[0], []
    while model.running and owner.active:
        model.step()
        low.append(owner.support < scenario.organisation.withdraw_threshold)
    assert not owner.active, "support never stayed low for long enough; strengthen the case"
    streak = next((i for i, was_low in enumerate(reversed(low)) if not was_low), len(low))
    assert streak == 20 and owner.withdrawn_day == model.day  # the 20th low day, not before


# --- paired over replicates ----------------------------------------------------------------------
SEEDS = range(10)
BITES = (  # magnitudes that bite within 240 days of a small community
    "organisation.co_owners=1",
    "organisation.support_loss=0.2",
    "organisation.general_loss=0.5",
    "organisation.withdraw_after=30",
    "organisation.stall_days=20",
    "organisation.veto_threshold=0",  # vetoes end projects early: measured apart (exact above)
    "organisation.promote_share=0.1",
    "decision.accept_share=0.6",
)


def days_in_gates(*overrides: str, seed: int) -> tuple[float, bool]:
    """Mean days from promotion to decision of the decided concepts; whether a co-owner left."""
    result = run_scenario(small(*BITES, *overrides, days=240, consumers=400), seed=seed)
    d = result.decisions
    left = bool(result.timeseries["co_owner_support"].isna().any())
    return float((d["decision_day"] - d["promoted_day"]).mean()), left


@pytest.mark.slow
def test_a_left_out_co_owner_withdraws_and_slows_projects_unless_exclusion_costs_nothing():
    left_out = [days_in_gates(seed=s) for s in SEEDS]
    consulted = [days_in_gates("organisation.co_owners_consulted=true", seed=s) for s in SEEDS]
    assert all(left for _, left in left_out) and not any(left for _, left in consulted)
    slower = np.array([a for a, _ in left_out]) - np.array([b for b, _ in consulted])
    standard_error = slower.std(ddof=1) / np.sqrt(slower.size)
    assert slower.mean() > max(3.0, 2 * standard_error), slower  # days (consulting costs ~1)
    # no cost of exclusion: leaving it out is exactly consulting it for free
    free = ("organisation.support_loss=0", "organisation.consultation_cost=0")
    for seed in SEEDS[:3]:
        out = run_scenario(small(*BITES, *free, days=240, consumers=400), seed=seed)
        told = run_scenario(
            small(*BITES, *free, "organisation.co_owners_consulted=true", days=240, consumers=400),
            seed=seed,
        )
        check_run(out)
        assert out.decisions.equals(told.decisions) and out.timeseries.equals(told.timeseries)


@pytest.mark.slow
def test_consulting_a_co_owner_costs_gate_time_against_no_co_owner():
    def gate_time(*overrides, seed):
        result = run_scenario(small(*overrides, days=240, consumers=400), seed=seed)
        d = result.decisions
        d = d[d["outcome"] == "accepted"]  # every gate passed: durations comparable
        return float((d["decision_day"] - d["promoted_day"] - d["rework_days"]).mean())

    boost = ("organisation.promote_share=0.1", "decision.accept_share=0.6")
    consulted = [
        gate_time(
            *boost, "organisation.co_owners=1", "organisation.co_owners_consulted=true", seed=s
        )
        for s in SEEDS[:5]
    ]
    none = [gate_time(*boost, seed=s) for s in SEEDS[:5]]
    longer = np.array(consulted) - np.array(none)
    assert (longer > 0).all(), longer  # gate days 5+10+20+10, each 2.5 % longer, whole days
