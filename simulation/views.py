"""Who sees what of the idea space: consumers, the firm, a dialogue, and the decision team.

Need knowledge is sticky at consumers and solution knowledge at the firm (von Hippel 1994).
Framing discloses a share of the firm's loci, strategy first (Huang, Singh & Srinivasan 2014);
a decision team judges a concept by the mean of its members' perspectives.
"""

from __future__ import annotations

import numpy as np

from simulation.ideas import IdeaSpace
from simulation.policies import Framing, Team
from simulation.scenario import Scenario


class PerspectiveViews:
    """Weight vectors and tabulated views of the idea space for each kind of viewer."""

    def __init__(self, space: IdeaSpace, params: Scenario, framing: Framing, team: Team):
        self.space = space
        self.awareness = params.consumers.need_awareness
        need_all, firm_all = space.mask(space.need_loci), space.mask(space.firm_loci)
        known = int(round(params.marketers.need_knowledge * space.need_loci.size))
        self.firm_weights = space.weights(space.mask(space.need_loci[:known]), firm_all)
        self.firm_view = space.view(self.firm_weights)
        self.promote_threshold = float(
            np.quantile(self.firm_view, 1.0 - params.organisation.promote_share))
        self.dialogue_weights = space.weights(need_all, firm_all)
        order = np.concatenate([space.strategy_loci,
                                np.setdiff1d(space.firm_loci, space.strategy_loci)])
        disclosed = order[: int(round(framing.disclosed * order.size))]
        self.disclosed_weights = space.weights(np.zeros(space.loci, dtype=bool),
                                               space.mask(disclosed))
        self.team_view = self._team_view(team)
        promotable = self.firm_view >= self.promote_threshold
        pool = self.team_view[promotable] if promotable.any() else self.team_view
        self.screen_threshold = float(
            np.quantile(pool, 1.0 - params.decision.accept_share))

    def consumer_weights(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """Views of ``count`` consumers searching: the need loci each is aware of today (latent
        needs stay hidden at random) plus whatever the firm has disclosed."""
        space = self.space
        weights = np.tile(self.disclosed_weights, (count, 1))
        seen = rng.random((count, space.need_loci.size)) < self.awareness
        weights[:, space.need_loci] = seen / np.maximum(seen.sum(axis=1, keepdims=True), 1)
        return weights

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
