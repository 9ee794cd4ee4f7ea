"""The consumers' social graph (networkx, seeded) and its compressed form for daily rules.

Friends matter twice: an active friend pulls a consumer in (social bonds, Ren & Kraut), and
friends who leave raise one's own chance to leave. Satisfied members also recruit friends
(word of mouth). The graph is built once, seeded from the model's generator, and kept as CSR
arrays so the daily rules are a sparse product rather than a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from simulation.scenario import CommunityParams


def build_graph(params: CommunityParams, rng: np.random.Generator) -> nx.Graph:
    """Build the social graph named by ``params.network`` over ``params.consumers`` nodes."""
    n, degree = params.consumers, params.network_degree
    seed = int(rng.integers(2**31))
    if params.network == "none" or degree == 0 or n < 3:
        graph = nx.empty_graph(n)
    elif params.network == "small_world":
        k = max(2, min(degree, n - 1))
        graph = nx.watts_strogatz_graph(n, k, params.network_rewiring, seed=seed)
    elif params.network == "scale_free":
        graph = nx.barabasi_albert_graph(n, max(1, min(degree // 2, n - 1)), seed=seed)
    else:
        graph = nx.fast_gnp_random_graph(n, degree / max(n - 1, 1), seed=seed)
    return graph


@dataclass
class Friendships:
    """The graph as a row-normalised sparse matrix plus CSR arrays for sampling a friend."""

    share: sp.csr_array  # share[i, j] = 1 / degree(i) if i and j are friends
    indptr: np.ndarray
    indices: np.ndarray
    degree: np.ndarray

    @classmethod
    def from_graph(cls, graph: nx.Graph) -> Friendships:
        """Compress ``graph`` (nodes 0..n-1)."""
        n = len(graph)
        edges = np.fromiter(
            (node for edge in graph.edges() for node in edge), dtype=np.int64
        ).reshape(-1, 2)
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        adjacency = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
        adjacency.sum_duplicates()
        adjacency.sort_indices()
        degree = np.asarray(adjacency.sum(axis=1)).ravel()
        scale = sp.diags_array(np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0))
        share = sp.csr_array(scale @ adjacency)
        return cls(
            share,
            adjacency.indptr.astype(np.int64),
            adjacency.indices.astype(np.int64),
            degree.astype(np.int64),
        )

    def share_of_friends(self, flags: np.ndarray) -> np.ndarray:
        """For every consumer, the share of their friends for whom ``flags`` holds."""
        return self.share @ flags.astype(np.float64)

    def friends_of(self, who: np.ndarray) -> np.ndarray:
        """All friends of the consumers in ``who``, concatenated (with repeats)."""
        counts = self.degree[who]
        if counts.sum() == 0:
            return np.empty(0, dtype=np.int64)
        starts = np.repeat(self.indptr[who] - np.cumsum(counts) + counts, counts)
        return self.indices[starts + np.arange(counts.sum())]

    def random_friend(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One friend drawn uniformly for each consumer in ``who`` (-1 for the friendless)."""
        deg = self.degree[who]
        if self.indices.size == 0:
            return np.full(who.size, -1, dtype=np.int64)
        pick = (rng.random(who.size) * deg).astype(np.int64)
        friend = self.indices[np.minimum(self.indptr[who] + pick, self.indices.size - 1)]
        return np.where(deg > 0, friend, -1)
