"""The consumers' social graph, seeded from the model, in compressed form for daily rules.

Friends matter twice: an active friend pulls a consumer in (social bonds, Ren & Kraut), and
friends who leave raise one's own chance to leave. Satisfied members also recruit friends
(word of mouth). The graph is built once, seeded from the model's generator, and kept as CSR
arrays so the daily rules are a sparse product rather than a Python loop.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from simulation.scenario import CommunityParams


def build_edges(params: CommunityParams, rng: np.random.Generator) -> np.ndarray:
    """The social graph named by ``params.network`` as an (E, 2) array of friendships.

    The small-world graph (the default) is Watts & Strogatz's: a ring where everyone knows their
    ``network_degree`` nearest neighbours, each tie then rewired with probability
    ``network_rewiring`` to someone chosen at random (no self-ties, no double ties). It is drawn
    with numpy here because networkx's generator costs more than a year of a 10,000-consumer
    run; scale-free and random graphs come from networkx, seeded from the same generator.
    """
    n, degree = params.consumers, params.network_degree
    if params.network == "none" or degree == 0 or n < 3:
        return np.empty((0, 2), dtype=np.int64)
    if params.network == "small_world":
        return small_world_edges(n, max(2, min(degree, n - 1)), params.network_rewiring, rng)
    seed = int(rng.integers(2**31))
    if params.network == "scale_free":
        graph = nx.barabasi_albert_graph(n, max(1, min(degree // 2, n - 1)), seed=seed)
    else:
        graph = nx.fast_gnp_random_graph(n, degree / max(n - 1, 1), seed=seed)
    return np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)


def small_world_edges(n: int, k: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Watts-Strogatz edges: ring lattice of degree ``k`` (rounded down to even), rewired.

    >>> small_world_edges(6, 2, 0.0, np.random.default_rng(0)).tolist()
    [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 5]]
    """
    half = k // 2  # tie u * half + (j - 1) of the lattice joins u and (u + j) % n
    node = np.arange(n)
    u = np.repeat(node, half)
    v = (u + np.tile(np.arange(1, half + 1), n)) % n
    rewire = np.flatnonzero(rng.random(u.size) < p)
    v[rewire] = rng.integers(0, n, rewire.size)
    # The ties not rewired are distinct ring-lattice ties and never change: a rewired tie is
    # doubled when it joins the two ends of one of them or another rewired tie's (the same
    # test as counting every key of the whole list, at the cost of the rewired ties alone).
    fixed = np.ones(u.size, dtype=bool)
    fixed[rewire] = False
    for _ in range(100):  # redraw rewired ties that hit oneself or double another tie
        ru, rv = u[rewire], v[rewire]
        low, high = np.minimum(ru, rv), np.maximum(ru, rv)
        doubled = repeated_keys(low * n + high) | lattice_tie(low, high, n, half, fixed)
        bad = rewire[(ru == rv) | doubled]
        if not bad.size:  # every tie distinct and no one their own friend
            return np.column_stack([np.minimum(u, v), np.maximum(u, v)])
        v[bad] = rng.integers(0, n, bad.size)
    low, high = np.minimum(u, v), np.maximum(u, v)
    keep = low != high
    keys = np.sort(low[keep] * n + high[keep])
    if keep.all() and not (keys[1:] == keys[:-1]).any():
        return np.column_stack([low, high])
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]  # what 100 redraws left
    return np.column_stack([keys // n, keys % n])  # the distinct ties, sorted as np.unique


def repeated_keys(key: np.ndarray) -> np.ndarray:
    """Whether each key occurs more than once (``counts[inverse] > 1`` of ``np.unique``).

    >>> repeated_keys(np.array([5, 3, 5, 1])).tolist()
    [True, False, True, False]
    """
    order = np.argsort(key, kind="stable")
    same = key[order[1:]] == key[order[:-1]]  # a key equal to the next in sorted order
    twice = np.zeros(key.size, dtype=bool)
    twice[order[1:][same]] = True
    twice[order[:-1][same]] = True
    return twice


def lattice_tie(low: np.ndarray, high: np.ndarray, n: int, half: int, flags: np.ndarray):
    """Whether ``low < high`` are the two ends of a ring-lattice tie whose flag is set.

    Ring ties join each ``u`` to ``(u + j) % n`` for ``j`` in ``1..half``, tie ``u * half +
    j - 1``; with ``half < n / 2`` at most one of the two ways round is that short.

    >>> lattice_tie(np.array([0, 0, 1]), np.array([1, 5, 3]), 6, 1, np.ones(6, dtype=bool))
    array([ True,  True, False])
    """
    gap = high - low
    ahead = (gap >= 1) & (gap <= half)  # low + gap == high
    behind = (n - gap >= 1) & (n - gap <= half)  # high + (n - gap) wraps round to low
    tie = np.where(ahead, low * half + gap - 1, high * half + (n - gap) - 1)
    return (ahead | behind) & flags[np.where(ahead | behind, tie, 0)]


@dataclass
class Friendships:
    """The graph as a row-normalised sparse matrix plus CSR arrays for sampling a friend."""

    indptr: np.ndarray
    indices: np.ndarray
    degree: np.ndarray

    @classmethod
    def from_edges(cls, n: int, edges: np.ndarray) -> Friendships:
        """Compress an (E, 2) edge list over nodes 0..n-1 (a compiled counting sort)."""
        from simulation.model import kernels

        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        return cls(*kernels.adjacency(n, edges[:, 0].copy(), edges[:, 1].copy()))

    @functools.cached_property
    def share(self) -> sp.csr_array:
        """``share[i, j] = 1 / degree(i)`` if i and j are friends (made when first asked for).

        The daily rules do not need it (:meth:`share_of_friends_of` gives the same numbers).
        """
        degree = self.degree.astype(np.float64)
        scale = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        data = np.repeat(scale, self.degree)  # 1/degree(i) along row i, as diag @ adjacency
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.degree.size,) * 2)

    def edges(self) -> np.ndarray:
        """The friendships as an (E, 2) array, each tie once (lower index first).

        >>> PATH = Friendships.from_edges(3, np.array([[1, 0], [1, 2]]))
        >>> PATH.edges().tolist()
        [[0, 1], [1, 2]]
        """
        rows = np.repeat(np.arange(self.degree.size), self.degree)
        upper = rows < self.indices
        return np.column_stack([rows[upper], self.indices[upper]])

    def graph(self) -> nx.Graph:
        """The friendships as a networkx graph (built on demand: dashboards, notebooks)."""
        graph = nx.empty_graph(self.degree.size)
        graph.add_edges_from(self.edges().tolist())
        return graph

    def share_of_friends(self, flags: np.ndarray) -> np.ndarray:
        """For every consumer, the share of their friends for whom ``flags`` holds."""
        return self.share @ flags.astype(np.float64)

    def share_of_friends_of(self, who: np.ndarray, flags: np.ndarray) -> np.ndarray:
        """For each consumer in ``who``, the share of their friends for whom ``flags`` holds.

        The same numbers as ``share_of_friends(flags)[who]``, to the last bit, at the cost of
        ``who``'s friendships rather than everyone's: a share is ``1/degree`` added once per
        flagged friend (the sparse product's sum), looked up from ``share_sums``.

        >>> PATH = Friendships.from_edges(4, np.array([[0, 1], [1, 2]]))
        >>> flags = np.array([True, False, False, True])
        >>> PATH.share_of_friends_of(np.array([1, 3]), flags).tolist()
        [0.5, 0.0]
        """
        degree = self.degree[who]
        friends = self.friends_of(who)
        flagged = np.zeros(friends.size + 1, dtype=np.int64)
        np.cumsum(flags[friends], out=flagged[1:])
        ends = np.cumsum(degree)
        return self.share_of(who, flagged[ends] - flagged[ends - degree])

    def share_of(self, who: np.ndarray, hits: np.ndarray) -> np.ndarray:
        """``hits`` friends of each of ``who`` as a share of their friends (as the product sums).

        >>> PATH = Friendships.from_edges(4, np.array([[0, 1], [1, 2]]))
        >>> PATH.share_of(np.array([0, 1, 3]), np.array([1, 1, 0])).tolist()
        [1.0, 0.5, 0.0]
        """
        offsets, sums = self.share_sums
        return sums[offsets[self.degree[who]] + hits]

    @functools.cached_property
    def share_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """``sums[offsets[d] + c]``: ``1/d`` added ``c`` times in floating point, from 0.

        One block of ``d + 1`` values for every degree ``d`` that occurs (at most the number
        of consumers plus twice the number of ties in all).
        """
        degrees = np.unique(self.degree)
        offsets = np.zeros(int(degrees[-1]) + 1 if degrees.size else 1, dtype=np.int64)
        blocks, start = [], 0
        for d in degrees.tolist():
            block = np.zeros(d + 1)
            if d:
                np.cumsum(np.full(d, 1.0 / np.float64(d)), out=block[1:])
            offsets[d], start = start, start + d + 1
            blocks.append(block)
        return offsets, np.concatenate(blocks) if blocks else np.zeros(1)

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
