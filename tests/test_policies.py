"""Every policy: its one decision, exactly; then the shared invariants over the whole registry."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from simulation import run_scenario
from simulation.model.policies import (
    POLICIES,
    ClosedControl,
    CoCreationTeam,
    ContestReward,
    FeatureRecognition,
    FramedControl,
    InfluenceRecognition,
    InternalTeam,
    NoExpectationSetting,
    NoRecognition,
    NoReward,
    PerAcceptedReward,
    PerIdeaReward,
    ReplyRecognition,
    UpfrontExpectations,
    make_policies,
)
from simulation.scenario import (
    ControlParams,
    DecisionParams,
    ExpectationParams,
    MarketerParams,
    RecognitionParams,
    RewardParams,
    TriageParams,
)
from simulation.scenario.kinds import POLICY_FAMILIES, ResponseStyle
from tests.helpers import small
from tests.invariants import check_run

NONE = np.empty(0, dtype=np.int64)


def no_contest(first, last):
    raise AssertionError("only contests look at entries")


def test_per_idea_pays_each_post_only_while_on():
    policy = PerIdeaReward(RewardParams(kind="per_idea", amount=5.0, start_day=10, stop_day=20))
    posted = np.array([4, 4, 9])
    assert policy.pay(9, posted, NONE, no_contest)[0].size == 0
    authors, amounts = policy.pay(10, posted, NONE, no_contest)
    assert authors.tolist() == [4, 4, 9] and amounts.tolist() == [5.0, 5.0, 5.0]
    assert policy.pay(20, posted, NONE, no_contest)[0].size == 0
    assert policy.incentive(15, np.zeros(3), 0) == 5.0 and policy.incentive(25, np.zeros(3), 0) == 0


def test_per_accepted_pays_accepted_authors_and_weighs_incentive_by_expectation():
    policy = PerAcceptedReward(RewardParams(kind="per_accepted", amount=50.0))
    authors, amounts = policy.pay(3, np.array([1, 2]), np.array([2]), no_contest)
    assert authors.tolist() == [2] and amounts.tolist() == [50.0]
    assert policy.incentive(3, np.array([0.1, 0.5]), 0).tolist() == [5.0, 25.0]


def test_contest_pays_the_most_voted_at_the_end_of_each_period():
    policy = ContestReward(RewardParams(kind="contest", prize=100.0, period=10, winners=2))
    entries = (np.array([5, 6, 7, 8]), np.array([3, 9, 9, 1]))
    seen = []

    def contest(first, last):
        seen.append((first, last))
        return entries

    assert policy.pay(8, NONE, NONE, contest)[0].size == 0
    authors, amounts = policy.pay(9, NONE, NONE, contest)
    assert seen == [(0, 9)]
    assert authors.tolist() == [6, 7] and amounts.tolist() == [100.0, 100.0]  # ties: earlier first
    assert policy.incentive(9, np.zeros(1), 20) == pytest.approx(100 * 2 / 20)


def test_no_reward_never_pays():
    policy = NoReward(RewardParams())
    assert policy.pay(0, np.array([1]), np.array([1]), no_contest)[0].size == 0


@pytest.mark.parametrize(
    ("cls", "style", "promoted", "accepted", "expected"),
    [
        (NoRecognition, ResponseStyle.SILENT, False, False, (False, False, False, False)),
        (NoRecognition, ResponseStyle.EXPLAIN, False, False, (True, True, False, False)),
        (ReplyRecognition, ResponseStyle.SILENT, False, False, (True, False, False, False)),
        (FeatureRecognition, ResponseStyle.REPLY, True, False, (True, False, True, False)),
        (FeatureRecognition, ResponseStyle.REPLY, False, False, (True, False, False, False)),
        (InfluenceRecognition, ResponseStyle.REPLY, False, True, (True, False, False, True)),
    ],
)
def test_recognition_feedback(cls, style, promoted, accepted, expected):
    fb = cls(RecognitionParams()).feedback(style, promoted, accepted)
    assert (fb.replied, fb.explained, fb.badge, fb.credited) == expected


def test_control_frames():
    assert FramedControl(ControlParams(disclosure=0.4)).frame().disclosed == 0.4
    closed = ClosedControl(ControlParams()).frame()
    assert closed.silent and closed.start_at_status_quo and not closed.dialogue


def test_upfront_expectations_move_priors_towards_the_stated_chance():
    own = np.array([0.5, 0.9, 0.05])
    told = UpfrontExpectations(ExpectationParams(stated_acceptance=0.05, credibility=0.8))
    assert told.initial_expectation(own) == pytest.approx([0.14, 0.22, 0.05])
    believed = UpfrontExpectations(ExpectationParams(stated_acceptance=0.05, credibility=1.0))
    assert believed.initial_expectation(own) == pytest.approx([0.05, 0.05, 0.05])
    assert told.criteria_stated and not NoExpectationSetting(ExpectationParams()).criteria_stated
    assert NoExpectationSetting(ExpectationParams()).initial_expectation(own) is own


def test_decision_teams():
    m = MarketerParams(count=2)
    internal = InternalTeam(DecisionParams()).team(m)
    assert internal.perspectives == {"marketing"} and internal.size == 2
    diverse = CoCreationTeam(DecisionParams(consumer_reviewers=3)).team(m)
    assert diverse.perspectives == {"marketing", "customer", "engineering", "operations"}
    assert diverse.size == 2 + 3 + 2
    with_owner = internal.joined("co_owner", 1)  # a co-owner's seat (agents/co_owner.py)
    assert "co_owner" in with_owner.perspectives and with_owner.size == 3
    assert internal.joined("co_owner", 0) == internal


ALL_POLICIES = [(family, name) for family, table in POLICIES.items() for name in table]


def policy_scenario(family, name):
    key = POLICY_FAMILIES[family].key
    extra = ["policies.reward.stop_day=40"] if family == "reward" else []
    return small(f"{key}={name}", *extra, days=80)


@pytest.mark.parametrize(("family", "name"), ALL_POLICIES)
def test_every_policy_keeps_the_invariants(family, name):
    scenario = policy_scenario(family, name)
    result = run_scenario(scenario, seed=5)
    check_run(result)
    again = run_scenario(scenario, seed=5)
    assert result.timeseries.equals(again.timeseries) and result.ideas.equals(again.ideas)


def decisions_on_a_small_input(family, policy):
    """Everything a policy decides, on a few fixed inputs (to compare two instances)."""
    if family == "reward":
        entries = (np.array([5, 6, 7, 8]), np.array([3, 9, 9, 1]))
        return [
            (
                policy.pay(day, np.array([1, 2, 2]), np.array([2]), lambda first, last: entries),
                policy.incentive(day, np.array([0.1, 0.5]), 20),
            )
            for day in (0, 9, 29, 39, 40, 59)
        ]
    if family == "recognition":
        return [
            policy.feedback(style, promoted, accepted)
            for style in ResponseStyle
            for promoted in (False, True)
            for accepted in (False, True)
        ]
    if family == "control":
        return policy.frame()
    if family == "expectations":
        return list(policy.initial_expectation(np.array([0.0, 0.3, 0.9])))
    if family == "triage":
        pending, votes = np.arange(5), np.array([1, 4, 0, 4, 2])
        first = np.array([False, False, True, False, True])
        return policy.order(pending, votes, first, np.random.default_rng(3)).tolist()
    if family == "adaptation":
        return [
            (policy.reviews(day), policy.staff(2, queue, share), policy.stops_cash(cash, n))
            for day, queue, share, cash, n in [(0, 0, 0.0, 0.0, 0), (37, 45, 0.5, 900.0, 1)]
        ]
    return [policy.team(MarketerParams(count=count)) for count in (0, 2)]


@pytest.mark.parametrize(("family", "name"), ALL_POLICIES)
def test_every_policy_pickles_to_an_equal_policy(family, name):
    # the policies travel to worker processes by pickle: what arrives must be the same policy
    scenario = policy_scenario(family, name)
    original = make_policies(scenario)
    copy = pickle.loads(pickle.dumps(original))
    for field in ("reward", "recognition", "control", "expectations", "decision", "adaptation"):
        a, b = getattr(original, field), getattr(copy, field)
        assert type(b) is type(a) and b is not a, field
        assert vars(b) == vars(a), field  # the params dataclass, field by field
    policy = getattr(copy, family)
    assert type(policy) is POLICIES[family][name]
    np.testing.assert_equal(
        decisions_on_a_small_input(family, policy),
        decisions_on_a_small_input(family, getattr(original, family)),
    )


@pytest.mark.parametrize("name", list(POLICIES["reward"]))
def test_only_cash_schemes_spend(name):
    scenario = small(f"policies.reward.kind={name}", days=120)  # long enough to accept ideas
    spend = run_scenario(scenario, seed=1).summary["spend_total"]
    assert (spend > 0) == (name not in ("none", "early_access"))  # early access is not cash


def test_the_cross_functional_arm_isolates_what_consumers_add():
    """Belief 4's arms: the internal cross-functional team has the other functions but no
    consumers, so the consumers' own contribution is the difference to the diverse team."""
    from simulation.analysis.myths import MYTHS_DIR
    from simulation.scenario import load_scenario

    teams = {}
    for arm in ("internal_team", "cross_functional", "diverse_team"):
        scenario = load_scenario(MYTHS_DIR / f"{arm}.toml")
        teams[arm] = make_policies(scenario).decision.team(scenario.marketers)
    assert teams["internal_team"].perspectives == {"marketing"}
    assert teams["cross_functional"].perspectives == {"marketing", "engineering", "operations"}
    assert teams["diverse_team"].perspectives == teams["cross_functional"].perspectives | {
        "customer"
    }
    assert [t.size for t in teams.values()] == [2, 4, 7]


def test_triage_orders_the_queue():
    pending = np.array([10, 11, 12, 13, 14])  # oldest first
    votes = np.array([1, 4, 0, 4, 2])
    first = np.array([False, False, True, False, True])
    rng = np.random.default_rng(0)
    order = {
        kind: POLICIES["triage"][kind](TriageParams(kind=kind)).order(pending, votes, first, rng)
        for kind in POLICIES["triage"]
    }
    assert order["most_voted"].tolist() == [11, 13, 14, 10, 12]
    assert order["oldest"].tolist() == [10, 11, 12, 13, 14]
    assert order["newcomers_first"].tolist() == [14, 12, 11, 13, 10]
    assert sorted(order["random"].tolist()) == pending.tolist()
    # mixed, half the slots for first ideas: others 11, 13, 10 and newcomers 14, 12 interleaved
    assert order["mixed"].tolist() == [11, 14, 13, 12, 10]

    def mixed(share):
        policy = POLICIES["triage"]["mixed"](TriageParams(kind="mixed", newcomer_share=share))
        return policy.order(pending, votes, first, rng).tolist()

    assert mixed(1.0) == order["newcomers_first"].tolist()
    assert mixed(0.0) == [11, 13, 10, 14, 12]  # first ideas only when nothing else waits


def test_reading_newcomers_first_answers_more_newcomers():
    """Triage decides who hears back: with newcomers' first ideas read first, a larger share of
    newcomers get a reply to their first post than when the most voted come first (paired
    over six seeds, every seed)."""
    shares = {
        kind: [
            run_scenario(
                small(f"policies.triage.kind={kind}", "marketers.count=1", days=150), seed=s
            ).summary["newcomers_replied_share"]
            for s in range(6)
        ]
        for kind in ("most_voted", "newcomers_first")
    }
    gain = np.subtract(shares["newcomers_first"], shares["most_voted"])
    assert (gain >= 0).all() and gain.mean() > 0.05, gain
