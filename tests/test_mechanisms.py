"""The mechanisms behind the beliefs, on small hand-built cases: each does what it says, and
each switch in the mechanism registry is an ordinary parameter that turns it off."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model import CoCreationModel
from simulation.model.agents.consumer import ConsumerPopulation
from simulation.model.agents.marketer import Marketer
from simulation.model.network import Friendships
from simulation.model.policies import NoExpectationSetting
from simulation.scenario import (
    CommunityParams,
    ConsumerParams,
    ExpectationParams,
    RecognitionParams,
    Scenario,
    apply_overrides,
)
from simulation.scenario.mechanisms import MECHANISMS
from tests.helpers import small


def population(n=4, consumer=None, recognition=None):
    pop = ConsumerPopulation(
        consumer or ConsumerParams(),
        CommunityParams(consumers=n, initial_members=0),
        recognition or RecognitionParams(),
        Friendships.from_edges(n, np.empty((0, 2), dtype=np.int64)),
        np.random.default_rng(0),
    )
    pop.join(np.arange(n), 0, NoExpectationSetting(ExpectationParams()))
    return pop


def answer(pop, authors, outcome, **flags):
    n = len(authors)
    none = np.zeros(n, dtype=bool)
    values = dict(
        replied=none,
        explained=none,
        badge=none,
        credited=none,
        silent=none,
        first_post=none,
        read=~none,
    )
    values.update(flags)
    pop.feedback(np.asarray(authors), 40, outcome=np.asarray(outcome, dtype=float), **values)


def test_every_switch_is_an_ordinary_parameter():
    for mechanism in MECHANISMS.values():
        apply_overrides(Scenario(), list(mechanism.off))  # raises on an unknown key or value
        assert mechanism.label and mechanism.meaning and mechanism.sources


@pytest.mark.parametrize(("w_e", "w_dis", "sign"), [(1.0, 0.6, +1), (0.6, 0.6, 0), (0.0, 0.6, -1)])
def test_assimilation_and_contrast_decide_how_expectation_moves_satisfaction(w_e, w_dis, sign):
    params = ConsumerParams(
        expectation_weight=w_e, disconfirmation_weight=w_dis, satisfaction_learning=1.0
    )
    pop = population(2, params)
    pop.expectation[:] = [0.2, 0.8]
    answer(pop, [0, 1], [0.0, 0.0])  # both rejected, with a reply (no silence)
    # a rejection is worth w_E*E + w_dis*(0 - E) = (w_E - w_dis)*E
    assert pop.satisfaction.tolist()[:2] == pytest.approx(
        [(w_e - w_dis) * 0.2, (w_e - w_dis) * 0.8]
    )
    assert np.sign(pop.satisfaction[1] - pop.satisfaction[0]) == sign
    assert pop.expectation_prior[:2].tolist() == [0.2, 0.8]
    assert pop.first_answer_day[:2].tolist() == [40, 40]


def test_a_fair_process_adds_to_satisfaction_only_for_decisions_read():
    params = ConsumerParams(satisfaction_learning=1.0, fairness_bonus=0.15, expectation_weight=0.6)
    pop = population(3, params)
    pop.expectation[:] = 0.5
    read = np.array([True, True, False])
    answer(pop, [0, 1, 2], [0.0, 0.0, 0.0], read=read, fair_process=True)
    fair = ConsumerParams().fairness_bonus
    assert pop.satisfaction[:3] == pytest.approx([fair, fair, 0.0])


def test_peer_recognition_counts_each_vote_or_build():
    pop = population(3, recognition=RecognitionParams(peer_value=0.5))
    pop.recognise_peers(np.array([0, 0, 2]))
    assert pop.recognition[:3].tolist() == [1.0, 0.0, 0.5]
    off = population(3, recognition=RecognitionParams(peer_value=0.0))
    off.recognise_peers(np.array([0, 1]))
    assert off.recognition.sum() == 0


def test_early_access_lets_recent_contributors_in_first():
    pop = population(3)
    pop.last_post_day[:3] = [-1, 5, 30]
    pop.let_in_first(10, 2.0)
    assert pop.recognition[:3].tolist() == [0.0, 0.0, 2.0]
    assert pop.identity[2] == pytest.approx(ConsumerParams().identity_gain)


def test_misreading_turns_disclosed_constraints_around_and_anchoring_pulls_starts_home():
    framed = small("policies.control.kind=framed", "policies.control.disclosure=1.0")
    exact = CoCreationModel(apply_overrides(framed, ["policies.control.misreading=0"]))
    misread = CoCreationModel(apply_overrides(framed, ["policies.control.misreading=1"]))
    space = exact.space
    # reading every constraint the wrong way round, every profile steers away from strategy
    best_exact = exact.views.consumer.argmax(axis=1)
    best_misread = misread.views.consumer.argmax(axis=1)
    assert space.on_strategy[best_exact].mean() > space.on_strategy[best_misread].mean()
    anchored = CoCreationModel(apply_overrides(framed, ["policies.control.anchoring=1"]))
    starts = anchored.organisation.community.anchor(np.arange(64, dtype=np.int64))
    bits = anchored.views.disclosed_bits
    assert bits and np.all((starts & bits) == (space.status_quo & bits))
    assert np.all((starts & ~bits) == (np.arange(64) & ~bits))


def test_a_controlling_brief_wears_down_interest_of_those_taking_part():
    kept = CoCreationModel(small("policies.control.kind=framed", days=30))
    lost = CoCreationModel(
        small("policies.control.kind=framed", "policies.control.autonomy_cost=0.2", days=30)
    )
    for model in (kept, lost):
        for _ in range(30):
            model.step()
    off = CoCreationModel(small("policies.control.kind=framed", "policies.control.autonomy_cost=0"))
    assert off.consumers.autonomy_loss == 0.0
    assert lost.consumers.autonomy_loss == pytest.approx(0.2 * 0.75)
    members = lost.consumers.member
    assert (
        lost.consumers.intrinsic[members].mean()
        < kept.consumers.intrinsic[kept.consumers.member].mean()
    )


def test_value_counts_novelty_as_declared():
    model = CoCreationModel(small())
    points = np.array([model.space.status_quo, model.space.status_quo ^ 0b111])
    quality = model.space.quality[points]
    novelty = model.space.novelty(points)
    assert novelty[0] == 0.0
    value = model.space.value(points, 0.25)
    assert value == pytest.approx(0.75 * quality + 0.25 * novelty)
    assert model.space.value(points, 0.0) == pytest.approx(quality)


def test_what_became_of_people_after_their_first_answers():
    pop = population(4)
    pop.join_day[:4] = 0
    # first decisions: 0 and 1 on day 10, 2 on day 50 (too recent at day 120), 3 never
    pop.first_answer_day[:4] = [10, 10, 50, -1]
    pop.churn_day[:4] = [-1, 60, 70, -1]  # 1 left 50 days after its first decision
    # posting: 0 posted on day 5 and was active on day 100; 1 posted on day 5, last active 20
    pop.first_post_day[:4] = [5, 5, -1, -1]
    pop.last_active[:4] = [100, 20, 60, 0]
    # first ideas: 0 read and rejected, posted again on day 30; 1 read and rejected, never again
    pop.first_outcome[:4] = [1, 1, -1, -1]
    pop.second_post_day[:4] = [30, -1, -1, -1]
    figures = pop.after_first_answers(120, 60)
    assert figures["retained_after_answer"] == 0.5  # of 0 and 1, only 0 stayed 90 days
    assert figures["post_again_after_rejection"] == 0.5  # 0 came back, 1 did not
    assert figures["contributor_retention_90"] == 0.5  # 0 active 95 days after, 1 not
    assert np.isnan(population(2).after_first_answers(120, 60)["retained_after_answer"])


@pytest.mark.parametrize(
    ("style", "reply_cost", "read"),
    [
        ("reply", 0.0, [1, 1, 1, 1, 1, 1]),
        ("reply", 0.5, [0, 1, 1, 0, 1, 1]),
        ("silent", 0.5, [1, 1, 1, 1, 1, 1]),
        ("reply", 1.0, [0, 1, 0, 1, 0, 1]),
    ],
)
def test_replies_come_out_of_the_review_time(style, reply_cost, read):
    """The reply budget: with one review's worth of time a day, a reply that costs half a review
    leaves time to read two ideas in three days; silence costs nothing extra."""
    model = CoCreationModel(
        small(f"marketers.response_style={style}", f"marketers.reply_cost={reply_cost}")
    )
    marketer = next(iter(model.agents_by_type[Marketer]))
    model.organisation.queue = np.arange(100)
    taken = []
    for _ in range(6):
        before = model.organisation.queue.size
        marketer.step()
        taken.append(before - model.organisation.queue.size)
    assert taken == read


def test_unused_review_time_does_not_pile_up():
    model = CoCreationModel(small("marketers.reply_cost=0"))
    marketer = next(iter(model.agents_by_type[Marketer]))
    model.organisation.queue = np.empty(0, dtype=np.int64)
    for _ in range(5):
        marketer.step()  # nothing to read
    model.organisation.queue = np.arange(10)
    marketer.step()
    assert model.organisation.queue.size == 10 - marketer.capacity
