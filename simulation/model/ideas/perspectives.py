"""Who sees what of the idea space: consumers, the firm, a dialogue, and the decision team.

Need knowledge is sticky at consumers and solution knowledge at the firm (von Hippel 1994).
A consumer is aware of each of their need loci with probability ``need_awareness`` (latent needs
stay hidden); framing adds a disclosed share of the firm's loci, strategy first (Huang, Singh &
Srinivasan 2014); a decision team judges a concept by the mean of its members' perspectives.

Every view is tabulated over the whole (small) space once, so a search step is a table lookup.
Consumers' awareness profiles are enumerated when there are at most ``MAX_PROFILES`` of them and
otherwise sampled once per run.
"""

from __future__ import annotations

import numpy as np

from simulation.model.ideas.space import IdeaSpace
from simulation.model.policies import Framing, Team
from simulation.scenario import Scenario

MAX_PROFILES = 64


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (0.75 of 6 loci discloses 5, not 4).

    >>> round_half_up(4.5), round_half_up(1.2)
    (5, 1)
    """
    return int(np.floor(x + 0.5))


class PerspectiveViews:
    """Tabulated views of the idea space for each kind of viewer."""

    def __init__(
        self,
        space: IdeaSpace,
        params: Scenario,
        framing: Framing,
        team: Team,
        rng: np.random.Generator,
    ):
        self.space = space
        need_all, firm_all = space.mask(space.need_loci), space.mask(space.firm_loci)
        known = round_half_up(params.marketers.need_knowledge * space.need_loci.size)
        self.firm_weights = space.weights(space.mask(space.need_loci[:known]), firm_all)
        self.firm_view = space.view(self.firm_weights)
        self.firm = self.firm_view[None, :]
        self.promote_threshold = float(
            np.quantile(self.firm_view, 1.0 - params.organisation.promote_share)
        )
        self.dialogue = space.view(space.weights(need_all, firm_all))[None, :]
        order = np.concatenate(
            [space.strategy_loci, np.setdiff1d(space.firm_loci, space.strategy_loci)]
        )
        disclosed = space.mask(order[: round_half_up(framing.disclosed * order.size)])
        self.disclosed_bits = int((disclosed.astype(np.int64) << np.arange(space.loci)).sum())
        self.consumer, self.profile_p = self._consumer_views(
            params.consumers.need_awareness, disclosed, rng, framing.misreading
        )
        self.profile_cdf = np.cumsum(self.profile_p)
        self.profile_cdf[-1] = 1.0
        self.team_view = self._team_view(team)
        promotable = self.firm_view >= self.promote_threshold
        pool = self.team_view[promotable] if promotable.any() else self.team_view
        self.screen_threshold = float(np.quantile(pool, 1.0 - params.decision.accept_share))

    def _consumer_views(
        self,
        awareness: float,
        disclosed: np.ndarray,
        rng: np.random.Generator,
        misreading: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One view per need-awareness profile, and each profile's probability.

        Under framing each profile also reads each disclosed locus the wrong way round with
        probability ``misreading`` (drawn once per profile and run): it then steers away from
        what the firm's constraint or strategy asks for.
        """
        space, n_need = self.space, self.space.need_loci.size
        if 2**n_need <= MAX_PROFILES:
            bits = ((np.arange(2**n_need)[:, None] >> np.arange(n_need)) & 1).astype(bool)
            seen = bits.sum(axis=1)
            prob = awareness**seen * (1 - awareness) ** (n_need - seen)
        else:
            bits = rng.random((MAX_PROFILES, n_need)) < awareness
            prob = np.full(MAX_PROFILES, 1.0 / MAX_PROFILES)
        views = np.empty((bits.shape[0], space.size))
        misread = np.zeros((bits.shape[0], space.loci), dtype=bool)
        if disclosed.any() and misreading > 0:
            misread = (rng.random(misread.shape) < misreading) & disclosed
        for i, row in enumerate(bits):
            weights = space.weights(space.mask(space.need_loci[row]), disclosed)
            weights[: space.loci][misread[i]] *= -1.0
            weights[space.loci :][misread[i]] *= -1.0  # strategy match read the wrong way
            views[i] = space.view(weights)
        return views, prob / prob.sum()

    def consumer_profiles(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """Draw the awareness profile each of ``count`` consumer searches works with today."""
        return np.searchsorted(self.profile_cdf, rng.random(count), side="right")

    def _team_view(self, team: Team) -> np.ndarray:
        space = self.space
        firm = self.firm_view / self.firm_view.max()
        by_perspective = {
            "customer": space.need_fit,
            "marketing": firm,
            "engineering": space.feasibility,
            "operations": space.feasibility,
            "finance": space.feasibility * space.on_strategy,
            "co_owner": space.need_fit * space.on_strategy,
        }
        views = [by_perspective[p] for p in sorted(team.perspectives)] or [firm]
        return np.mean(views, axis=0)
