"""The social graph: generation, compression and the daily friend queries, on small cases."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulation.model.network import Friendships, build_edges, small_world_edges
from simulation.scenario import CommunityParams

# a path 0-1-2 and a lone node 3
PATH = Friendships.from_edges(4, np.array([[0, 1], [1, 2]]))


def test_compression_by_hand():
    assert PATH.degree.tolist() == [1, 2, 1, 0]
    assert sorted(PATH.friends_of(np.array([1])).tolist()) == [0, 2]
    assert PATH.friends_of(np.array([3])).size == 0


def test_share_of_friends_by_hand():
    active = np.array([True, False, False, False])
    assert PATH.share_of_friends(active).tolist() == [0.0, 0.5, 0.0, 0.0]


def test_random_friend_is_a_friend_or_none():
    rng = np.random.default_rng(0)
    picks = PATH.random_friend(np.array([1] * 50 + [3]), rng)
    assert set(picks[:50].tolist()) == {0, 2} and picks[50] == -1


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5])
def test_small_world_is_simple_with_the_right_degree(p):
    edges = small_world_edges(500, 8, p, np.random.default_rng(1))
    assert (edges[:, 0] < edges[:, 1]).all()
    assert len(np.unique(edges, axis=0)) == len(edges) == 500 * 4
    graph = Friendships.from_edges(500, edges).graph()
    assert graph.number_of_edges() == 2000 and nx.number_of_selfloops(graph) == 0


def test_small_world_clusters_like_networkx():
    ours = Friendships.from_edges(2000, small_world_edges(2000, 8, 0.1, np.random.default_rng(2)))
    theirs = nx.watts_strogatz_graph(2000, 8, 0.1, seed=2)
    assert nx.average_clustering(ours.graph()) == pytest.approx(
        nx.average_clustering(theirs), abs=0.02
    )


@pytest.mark.parametrize("kind", ["small_world", "scale_free", "random", "none"])
def test_every_network_kind_is_seeded(kind):
    params = CommunityParams(consumers=300, network=kind)
    a = build_edges(params, np.random.default_rng(5))
    b = build_edges(params, np.random.default_rng(5))
    assert np.array_equal(a, b)
    assert (len(a) == 0) == (kind == "none")


def test_rewired_ties_never_double_a_lattice_tie():
    # a rewired tie can land on a lattice tie listed later in the array; both copies count
    for seed in range(300):
        edges = small_world_edges(60, 6, 0.3, np.random.default_rng(seed))
        assert len(np.unique(edges, axis=0)) == len(edges) == 60 * 3, seed


def test_a_tie_listed_twice_is_one_tie():
    doubled = Friendships.from_edges(3, np.array([[0, 1], [0, 1], [1, 2]]))
    assert doubled.degree.tolist() == [1, 2, 1]
    assert sorted(doubled.friends_of(np.array([0, 1])).tolist()) == [0, 1, 2]
    assert doubled.share_of_friends(np.array([False, True, False])).tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("n", [1, 3, 40, 2000])
def test_compression_is_scipys_csr_of_the_ties_both_ways(n):
    """The compiled rows equal scipy's CSR after summing duplicates and sorting indices."""
    import scipy.sparse as sp

    rng = np.random.default_rng(n)
    for ties in (0, 1, 7, 5 * n, 40 * n):  # with repeats and self-ties, and hubs (> 16 friends)
        edges = rng.integers(0, n, (ties, 2))
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        csr = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
        csr.sum_duplicates()
        csr.sort_indices()
        ours = Friendships.from_edges(n, edges)
        assert ours.indptr.tolist() == csr.indptr.tolist()
        assert ours.indices.tolist() == csr.indices.tolist()
        assert ours.degree.tolist() == np.diff(csr.indptr).tolist()
