"""Each answer can flip: for each belief, a documented, plausible region of the parameters where
a mechanism gives a different verdict from the default one (the arms stay as they are; only the
community or the problem changes). Every value tried here lies inside the belief's declared
region, which the myths report samples to find where the belief holds (checked below).

Full-size arms (1,000 consumers, as shipped), 8 paired replicates, fixed seeds; the verdicts use
the belief's own smallest effect that matters.
"""

from __future__ import annotations

import pytest

from simulation.analysis.compare import compare
from simulation.analysis.myths import MYTHS, MYTHS_DIR, arm_values, verdict
from simulation.scenario import load_scenario

pytestmark = pytest.mark.slow
REPLICATES = 8


def judge(myth, *overrides, replicates=REPLICATES):
    arms = [
        load_scenario(MYTHS_DIR / f"{name}.toml", list(overrides))
        for name in (myth.reference, myth.challenger)
    ]
    result = compare(arms, replicates, root_seed=11, workers=2)
    return verdict(
        arm_values(result, myth.challenger, myth.metric),
        arm_values(result, myth.reference, myth.metric),
        myth.holds_if,
        11,
        myth.smallest_effect,
    )


def test_belief_1_holds_when_the_firm_already_knows_its_customers_needs():
    """Dialogue beats the firm's own ideas because needs are sticky at consumers (von Hippel
    1994); a firm that has learnt every need from observing use loses that disadvantage."""
    myth = MYTHS[0]
    default = judge(myth)
    informed = judge(myth, "marketers.need_knowledge=1")
    assert default.label == "not supported"
    assert informed.label != default.label and informed.difference > default.difference


def test_belief_2_holds_while_the_cash_keeps_coming():
    """Cash withdrawn at day 90 leaves fewer members active than recognition (crowding-out
    outlasts the pull); cash that never stops within the six months keeps pulling, and then the
    belief holds: people do take part for the prize."""
    myth = MYTHS[1]
    default = judge(myth)
    kept = judge(myth, "policies.reward.stop_day=1000")
    assert default.label == "not supported"
    assert kept.label == "supported"


def test_belief_5_holds_where_expectations_weigh_heavily_in_satisfaction():
    """Stating limits up front makes no practical difference to the satisfaction of those who
    hear a decision at the calibrated weights (assimilation, disconfirmation and a fair process
    roughly cancel). Where satisfaction follows what one expected far more than how the answer
    compared with it (expectation weight 3, five times the disconfirmation weight), lowering
    expectations lowers satisfaction and the belief holds. That region lies beyond what F8's
    r = .29 supports (section 8 of the ODD): the report shows it as the edge of the range tried."""
    myth = MYTHS[4]
    default = judge(myth)
    heavy = judge(myth, "consumers.expectation_weight=3")
    assert default.label == "negligible"
    assert heavy.label == "supported" and heavy.difference < default.difference


BRIEF_AT_ITS_WORST = (  # belief 3's region at the corner least kind to the frame
    "policies.control.disclosure=0.25",
    "ideas.feasible_share=0.8",
    "consumers.search_steps=6",
    "policies.control.anchoring=0",
)


def test_belief_3_cannot_flip_while_the_brief_is_read_better_than_chance():
    """Framing raises the feasible, on-strategy share (the belief is refuted) because the
    disclosed constraints steer the search. Misreading turns each disclosed constraint the wrong
    way round; at the edge of the region (half misread: the brief is noise) and at the corner
    least kind to the frame the advantage is gone, and only a brief that most readers read
    backwards (misreading 0.9, outside the plausible region) makes framing cost control. So the
    belief cannot be supported anywhere plausible, and the report says so ("holds nowhere in its
    region"); the mechanism could have said yes."""
    myth = MYTHS[2]
    default = judge(myth)
    noise = judge(myth, "policies.control.misreading=0.5", *BRIEF_AT_ITS_WORST)
    backwards = judge(myth, "policies.control.misreading=0.9", *BRIEF_AT_ITS_WORST)
    assert default.label == "not supported"
    assert noise.label in ("inconclusive", "negligible") and noise.difference < default.difference
    assert backwards.label == "supported"


def test_belief_4_flips_with_the_ruggedness_of_the_problem():
    """Concepts carry more flaws on rugged problems (and novel ones); the diverse team finds
    them at the cheap early gates, the marketers alone meet them at the test gate, where rework
    costs 40 times as much. On a very rugged problem (K = 10) the diverse team launches sooner
    and the belief that co-creation slows innovation is refuted (Grim et al. 2019: diversity
    pays on rugged problems, not on smooth ones)."""
    myth = MYTHS[3]  # time to launch varies with the development queue: more replicates
    default = judge(myth, replicates=16)
    rugged = judge(myth, "ideas.ruggedness=10", replicates=16)
    assert default.difference > 0 and rugged.difference < 0
    assert rugged.label == "not supported" and default.label != rugged.label


FLIPS = {  # belief number -> the values the tests above try inside the region
    1: {"marketers.need_knowledge": 1.0},
    3: {"policies.control.misreading": 0.5, "policies.control.disclosure": 0.25},
    2: {"policies.reward.stop_day": 1000},
    4: {"ideas.ruggedness": 10},
    5: {"consumers.expectation_weight": 3.0},
}


@pytest.mark.parametrize("number", sorted(FLIPS))
def test_each_flip_lies_in_the_region_the_report_samples(number):
    region = {u.key: u for u in MYTHS[number - 1].region}
    for key, value in FLIPS[number].items():
        u = region[key]
        # a stop day past the run's last day means "never stops": the region reaches past it
        assert u.low <= value <= u.high or (key.endswith("stop_day") and u.high > 180), key
