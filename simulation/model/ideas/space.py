"""The idea space: an NK landscape whose loci are split between needs and the firm's side.

An idea is an N-bit string. Each locus contributes a value that depends on its own bit and on K
other loci (Kauffman's NK model), so a larger K makes the space more rugged. The first
``need_loci`` loci encode what consumers would value: this *need information* is "sticky" at the
users (von Hippel 1994). The remaining loci encode feasibility and strategy, known to the firm.
A consumer searching alone climbs on the need loci they are aware of; the firm alone climbs on its
own loci plus the few needs it has learnt from observing use; in dialogue a move is scored by both
sides, which is how combined knowledge gives better ideas than either side (Poetz & Schreier 2012:
user ideas score higher on customer benefit and novelty, lower on feasibility).

True quality is ``need_fit * feasibility``, each normalised to the best point of the space, so 1 is
the best idea the landscape holds. The space is small (2**N points, N <= 16), so every value is
tabulated once and each search step is a table lookup, vectorised over all ideas of a day.
"""

from __future__ import annotations

import numpy as np

from simulation.model.measures import quantile
from simulation.scenario import IdeaParams


class IdeaSpace:
    """A tabulated NK landscape with need loci, firm loci and strategy loci."""

    def __init__(self, params: IdeaParams, rng: np.random.Generator):
        n, k = params.loci, params.ruggedness
        self.loci = n
        self.need_loci = np.arange(params.need_loci)
        self.firm_loci = np.arange(params.need_loci, n)
        self.strategy_loci = self.firm_loci[len(self.firm_loci) - params.strategy_loci :]
        self.strategy_target = rng.integers(0, 2, size=params.strategy_loci)
        from simulation.model import kernels

        self.contributions = nk_contributions(n, k, rng)
        # the need loci's mean contribution, and the firm loci's (the need loci come first)
        means = kernels.row_means(self.contributions, params.need_loci)
        need_value, feas_value = means[:, 0], means[:, 1]
        self.need_fit = need_value / need_value.max()
        self.feasibility = feas_value / feas_value.max()
        raw_quality = self.need_fit * self.feasibility
        self.quality = raw_quality / raw_quality.max()
        cut = quantile(feas_value, 1.0 - params.feasible_share)
        self.feasible = feas_value >= cut
        match = point_bits(n, self.strategy_loci) == self.strategy_target
        self.on_strategy = match.all(axis=1)  # all of no strategy loci: every point
        # Features a viewer can weigh: each locus's contribution, and per strategy locus whether
        # it matches the firm's strategy (what "framing" can disclose besides constraints).
        self.features = np.empty((2**n, 2 * n))
        self.features[:, :n] = self.contributions
        self.features[:, n:] = 0.0
        self.features[:, n + self.strategy_loci] = match
        anchors = np.flatnonzero(self.feasible & self.on_strategy)
        self.status_quo = int(rng.choice(anchors)) if anchors.size else 0

    @property
    def size(self) -> int:
        """Number of points (ideas) in the space."""
        return len(self.quality)

    def weights(
        self, need_seen: np.ndarray, firm_seen: np.ndarray, strategy_seen: bool = True
    ) -> np.ndarray:
        """Weight vector of a viewer who sees the given loci (boolean masks over all loci).

        Each side seen counts as the mean of its visible loci; seen strategy loci add their match.
        """
        n = self.loci
        w = np.zeros(2 * n)
        for seen in (need_seen, firm_seen):
            if seen.any():
                w[:n][seen] = 1.0 / seen.sum()
        if strategy_seen and self.strategy_loci.size:
            seen_strategy = self.strategy_loci[firm_seen[self.strategy_loci]]
            w[n + seen_strategy] = 1.0 / self.strategy_loci.size
        return w

    def mask(self, loci: np.ndarray) -> np.ndarray:
        """Boolean mask over all loci with ``loci`` set."""
        m = np.zeros(self.loci, dtype=bool)
        m[loci] = True
        return m

    def view(self, weights: np.ndarray) -> np.ndarray:
        """Perceived value of every point for a viewer with ``weights``."""
        return self.features @ weights

    def climb(
        self, starts: np.ndarray, views: np.ndarray, which: np.ndarray, steps: np.ndarray
    ) -> np.ndarray:
        """Steepest-ascent hill climbing of many ideas at once.

        Args:
            starts: (B,) start points.
            views: (V, size) tabulated views: ``views[v, x]`` is how viewer v values point x.
            which: (B,) the view each searcher uses.
            steps: (B,) number of improvement steps each searcher makes.

        Returns:
            (B,) end points; a searcher stops early at a local optimum of its own view.
        """
        from simulation.model import kernels

        x = np.array(starts, dtype=np.int64)  # a copy: the climbs run in place
        flat = np.ascontiguousarray(views, dtype=np.float64).reshape(-1)
        offset = np.asarray(which, dtype=np.int64) * views.shape[1]
        kernels.climb(x, flat, offset, np.asarray(steps, dtype=np.int64), self.loci)
        return x

    def value(self, points: np.ndarray, novelty_weight: float) -> np.ndarray:
        """What an idea is worth to the firm: quality, and novelty with weight ``novelty_weight``.

        ``(1 - w) * quality + w * novelty``: user ideas are judged on novelty as well as on
        customer benefit and feasibility (Poetz & Schreier 2012), and a frame that narrows
        search trades novelty for fit (Acar, Tarakci & van Knippenberg 2019).
        """
        return (1.0 - novelty_weight) * self.quality[points] + novelty_weight * self.novelty(points)

    def novelty(self, points: np.ndarray) -> np.ndarray:
        """Share of loci in which each idea differs from the firm's current product."""
        diff = np.asarray(points, dtype=np.int64) ^ self.status_quo
        return np.bitwise_count(diff.astype(np.uint64)).astype(float) / self.loci


def point_bits(n: int, loci: np.ndarray | None = None) -> np.ndarray:
    """(2**n, n) array: bit i of every point of an n-locus space; with ``loci``, theirs only.

    Made locus by locus, each locus's bits contiguous (a column-major array): several times
    faster than point by point, both to make and to reduce over a point's loci.

    >>> point_bits(3, np.array([2, 0]))[0b011].tolist()
    [0, 1]
    """
    points = np.arange(2**n, dtype=np.int64)
    loci = np.arange(n) if loci is None else np.asarray(loci)
    return ((points >> loci[:, None]) & 1).astype(np.int8).T


def nk_contributions(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """(2**n, n) contribution of each locus at every point of a random NK landscape.

    Locus i depends on its own bit and on k other loci drawn at random; its contribution for each
    of the 2**(k+1) combinations is uniform on [0, 1) (Kauffman 1993).

    >>> c = nk_contributions(3, 0, np.random.default_rng(0))
    >>> bool(np.allclose(c[0b101, 1], c[0b000, 1]))  # K = 0: locus 1 sees only its own bit
    True
    """
    from simulation.model import kernels

    # the draws locus by locus, in their order; then every locus's table read at each point
    depends = np.empty((n, k + 1), dtype=np.int64)
    tables = np.empty((n, 2 ** (k + 1)))
    for locus in range(n):
        # k of the other loci: rng.choice(the others, k, replace=False) draws positions among
        # the n - 1 others (the draws depend on their number alone), here mapped past ``locus``
        at = rng.choice(n - 1, size=k, replace=False)
        depends[locus, 0] = locus
        depends[locus, 1:] = at + (at >= locus)
        tables[locus] = rng.random(2 ** (k + 1))
    out = np.empty((2**n, n))
    kernels.nk_lookup(depends, tables, out)
    return out
