"""Marketers who learn needs in dialogue (``marketers.learning``; ODD 7.8, von Hippel 1994).

Exact tests on hand-built review batches: with learning 1 every dialogue teaches one need locus
the firm did not know, with 0 nothing changes and no random number is drawn, and the firm's view
after learning is the view of a firm that knew those loci from the start. Then a paired check
over six seeds of what learning does to the ideas an explaining firm promotes.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation import run_scenario
from simulation.model import CoCreationModel
from simulation.model.agents.marketer import review
from simulation.model.ideas.pool import FIRM
from simulation.scenario import apply_overrides
from simulation.scenario.kinds import ResponseStyle
from simulation.scenario.mechanisms import MECHANISMS
from tests.helpers import small

EXPLAIN = "marketers.response_style=explain"


def firm_at_day_zero(*overrides: str):
    """A small explaining firm's model before its first day, and the organisation."""
    model = CoCreationModel(small(EXPLAIN, *overrides))
    return model, model.organisation


def add_ideas(org, authors) -> np.ndarray:
    """Hand-built ideas waiting for review: random points, by the given authors (-1: the firm)."""
    authors = np.asarray(authors, dtype=np.int64)
    points = np.random.default_rng(7).integers(0, org.model.space.size, authors.size)
    return org.ideas.add(author=authors, day=np.zeros(authors.size), point=points)


def test_with_learning_one_every_dialogue_teaches_one_need_locus():
    model, org = firm_at_day_zero("marketers.learning=1")
    views = org.views
    assert views.need_known == 2 and views.need_knowledge == pytest.approx(2 / 6)
    ids = add_ideas(org, [0, 1, FIRM])  # the firm's own idea is no dialogue
    review(org, ids, ResponseStyle.EXPLAIN, np.zeros(ids.size))
    assert views.need_known == 4 and views.learnt_days == [0, 0]
    ids = add_ideas(org, [2, 3, 4])  # three dialogues, two loci left to learn
    review(org, ids, ResponseStyle.EXPLAIN, np.zeros(ids.size))
    assert views.need_known == 6 and views.need_knowledge == 1.0
    assert views.learnt_days == [0, 0, 0, 0]


def test_no_dialogue_teaches_nothing():
    """A reply is no dialogue, and neither is an explanation with no dialogue steps."""
    for style, steps in ((ResponseStyle.REPLY, 2), (ResponseStyle.EXPLAIN, 0)):
        _, org = firm_at_day_zero("marketers.learning=1", f"marketers.dialogue_steps={steps}")
        ids = add_ideas(org, [0, 1, 2])
        review(org, ids, style, np.zeros(ids.size))
        assert org.views.need_known == 2 and org.views.learnt_days == []


def test_with_learning_zero_nothing_changes_and_no_random_number_is_drawn():
    model, org = firm_at_day_zero()  # learning 0, the default
    views = org.views
    before = views.firm_view
    state = model.rng.bit_generator.state
    assert views.learn(10, 0, model.rng) == 0
    assert model.rng.bit_generator.state == state and views.firm_view is before
    # a review with dialogue draws exactly what the same review without dialogue draws
    ids = add_ideas(org, [0, 1, 2])
    review(org, ids, ResponseStyle.EXPLAIN, np.full(ids.size, 0.05))
    quiet, quiet_org = firm_at_day_zero("marketers.dialogue_steps=0")
    quiet_ids = add_ideas(quiet_org, [0, 1, 2])
    review(quiet_org, quiet_ids, ResponseStyle.EXPLAIN, np.full(ids.size, 0.05))
    assert model.rng.bit_generator.state == quiet.rng.bit_generator.state
    assert views.need_known == 2 and views.firm_view is before
    # whereas a firm that can learn draws one number per batch of dialogues
    _, learner = firm_at_day_zero("marketers.learning=0.5")
    state = learner.model.rng.bit_generator.state
    learner.views.learn(3, 0, learner.model.rng)
    assert learner.model.rng.bit_generator.state != state


@pytest.mark.parametrize("team", ["internal", "cocreation"])
def test_the_view_after_learning_is_the_view_of_a_firm_that_knew_from_the_start(team):
    _, learner = firm_at_day_zero("marketers.learning=1", f"decision.team={team}")
    ids = add_ideas(learner, [0, 1])
    review(learner, ids, ResponseStyle.EXPLAIN, np.zeros(ids.size))
    _, informed = firm_at_day_zero(f"marketers.need_knowledge={4 / 6}", f"decision.team={team}")
    a, b = learner.views, informed.views
    assert a.need_known == b.need_known == 4
    assert np.array_equal(a.firm_weights, b.firm_weights)
    assert np.array_equal(a.firm_view, b.firm_view) and np.array_equal(a.firm, b.firm)
    assert np.array_equal(a.team_view, b.team_view)
    assert a.promote_threshold == b.promote_threshold
    assert a.screen_threshold == b.screen_threshold
    assert np.array_equal(a.dialogue, b.dialogue) and np.array_equal(a.consumer, b.consumer)


def test_the_firm_of_a_run_learns_only_from_dialogue():
    learner = CoCreationModel(small(EXPLAIN, "marketers.learning=1", days=30))
    replier = CoCreationModel(small("marketers.learning=1", days=30))
    for _ in range(30):
        learner.step()
        replier.step()
    assert learner.views.need_known == 6 and len(learner.views.learnt_days) == 4
    assert learner.views.learnt_days == sorted(learner.views.learnt_days)
    assert replier.views.need_known == 2 and replier.views.learnt_days == []


def selection(learning: float, seed: int) -> dict[str, float]:
    """What an explaining firm did with the consumer ideas it reviewed over 240 days."""
    scenario = small(EXPLAIN, f"marketers.learning={learning}", days=240, consumers=600)
    ideas = run_scenario(scenario, seed=seed).ideas
    reviewed = ideas[(ideas["author"] >= 0) & (ideas["review_day"] >= 0)]
    promoted = reviewed["status"].isin(["concept", "killed", "accepted"])
    quality = reviewed["quality"]
    return {
        "promoted": int(promoted.sum()),
        "promoted_quality": float(quality[promoted].mean()),
        "gap": float(quality[promoted].mean() - quality[~promoted].mean()),
    }


@pytest.mark.slow
def test_a_firm_that_learns_in_dialogue_tells_good_ideas_from_bad_better():
    """Paired over six seeds, learning 1 against 0, explain style with dialogue.

    Learning sharpens the firm's selection: the quality gap between the consumer ideas it
    promotes and those it rejects widens, and it promotes more of them. The mean quality of the
    promoted ideas does *not* rise: once the firm's view is the dialogue's view, ideas worked
    over in dialogue sit near the top of it and clear the bar more often, and the extra,
    marginal ones pull the mean down (measured: about -0.02 on 0.71; see ODD 7.8). Tolerance:
    the gap widens by more than 0.02 on average (measured +0.06 on 0.17) and in at least five
    of the six seeds; the firm promotes more in at least five of six.
    """
    pairs = [(selection(0.0, seed), selection(1.0, seed)) for seed in range(1, 7)]
    gap = np.array([on["gap"] - off["gap"] for off, on in pairs])
    more = np.array([on["promoted"] - off["promoted"] for off, on in pairs])
    assert gap.mean() > 0.02 and (gap > 0).sum() >= 5
    assert more.mean() > 0 and (more > 0).sum() >= 5


def test_the_mechanism_switch_turns_learning_off():
    switch = MECHANISMS["need_learning"]
    scenario = apply_overrides(small(EXPLAIN, "marketers.learning=1"), list(switch.off))
    assert scenario.marketers.learning == 0
    model = CoCreationModel(scenario)
    for _ in range(20):
        model.step()
    assert model.views.need_known == 2 and model.views.learnt_days == []
