"""The idea space: NK values, views, hill climbing, on small hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model.ideas.space import IdeaSpace, nk_contributions, point_bits
from simulation.scenario import IdeaParams


def test_point_bits_lists_every_point():
    bits = point_bits(3)
    assert bits.shape == (8, 3)
    assert bits[0b110].tolist() == [0, 1, 1]


def test_k0_landscape_is_additive():
    c = nk_contributions(4, 0, np.random.default_rng(1))
    # each locus depends on its own bit only: two values per locus
    for locus in range(4):
        assert len(np.unique(c[:, locus].round(12))) == 2


def test_k_interactions_make_a_locus_depend_on_others():
    c = nk_contributions(5, 2, np.random.default_rng(3))
    assert max(len(np.unique(c[:, i].round(12))) for i in range(5)) > 2


@pytest.fixture
def space():
    return IdeaSpace(
        IdeaParams(loci=8, ruggedness=2, need_loci=4, strategy_loci=2), np.random.default_rng(7)
    )


def test_quality_is_normalised_need_fit_times_feasibility(space):
    assert space.quality.max() == pytest.approx(1.0)
    raw = space.need_fit * space.feasibility
    assert np.allclose(space.quality, raw / raw.max())
    assert space.feasible.mean() == pytest.approx(0.5, abs=0.05)


def test_status_quo_is_feasible_and_on_strategy(space):
    assert space.feasible[space.status_quo] and space.on_strategy[space.status_quo]


def test_on_strategy_means_strategy_bits_match_the_target(space):
    bits = point_bits(8)
    match = (bits[:, space.strategy_loci] == space.strategy_target).all(axis=1)
    assert np.array_equal(space.on_strategy, match)


def test_a_need_only_view_ignores_firm_loci(space):
    w = space.weights(space.mask(space.need_loci), np.zeros(8, dtype=bool))
    view = space.view(w)
    expected = space.contributions[:, space.need_loci].mean(axis=1)
    assert np.allclose(view, expected)


def test_climb_on_a_hand_built_view():
    space = IdeaSpace(
        IdeaParams(loci=3, ruggedness=0, need_loci=1, strategy_loci=0), np.random.default_rng(0)
    )
    # value = number of set bits: the climb from 000 takes one step per bit
    view = point_bits(3).sum(axis=1).astype(float)[None, :]
    ends = space.climb(np.array([0, 0, 0b111]), view, np.zeros(3, dtype=int), np.array([1, 3, 5]))
    assert space.climb(np.array([0]), view, np.array([0]), np.array([0]))[0] == 0
    assert bin(int(ends[0])).count("1") == 1
    assert ends[1] == 0b111 and ends[2] == 0b111


def test_climb_stops_at_a_local_optimum():
    space = IdeaSpace(
        IdeaParams(loci=2, ruggedness=0, need_loci=1, strategy_loci=0), np.random.default_rng(0)
    )
    view = np.array([[1.0, 0.0, 0.0, 2.0]])  # 00 is a local optimum; 11 the global one
    assert space.climb(np.array([0]), view, np.array([0]), np.array([10]))[0] == 0
    assert space.climb(np.array([1]), view, np.array([0]), np.array([10]))[0] == 3


def test_novelty_is_hamming_share_from_status_quo(space):
    other = space.status_quo ^ 0b101
    assert space.novelty(np.array([space.status_quo, other])).tolist() == [0.0, 0.25]


def test_a_profiles_view_is_made_when_first_searched_with_and_is_its_product():
    """Consumers' views wait for the first search of their profile; each is ``space.view``."""
    from simulation import CoCreationModel
    from tests.helpers import small

    model = CoCreationModel(small("run.days=40"), rng=4)
    views = model.organisation.views
    assert views._unmade.all()  # nothing made before the first day
    for _ in range(40):
        model.step()
    made = ~views._unmade
    assert 0 < made.sum() < made.size  # only the profiles searched with so far
    weights = views._consumer_weights
    for profile in np.flatnonzero(made):
        assert views._consumer[profile].tobytes() == model.space.view(weights[profile]).tobytes()
    full = views.consumer  # asking for every view makes the rest, as one stack of products
    stacked = np.matmul(model.space.features, weights[:, :, None])[:, :, 0]
    assert full.tobytes() == stacked.tobytes() and not views._unmade.any()
