"""Marketers: the few people who work the idea queue, answer contributors and promote concepts."""

from __future__ import annotations

import mesa
import numpy as np

from simulation.idea_pool import IdeaStatus


class Marketer(mesa.Agent):
    """A community manager with a daily review capacity and a response style.

    Reviewing an idea, the marketer estimates it from the firm's side of the landscape (its own
    loci plus the needs learnt from observing use) with some error, and promotes it when the
    estimate clears the firm's bar. A marketer who explains a decision also works on the idea
    with its author first: a dialogue in which every move is scored by both sides' knowledge
    (von Hippel 1994; Poetz & Schreier 2012).
    """

    def __init__(self, model: mesa.Model, capacity: int, response_style: str,
                 review_noise: float, perspective: str = "marketing"):
        super().__init__(model)
        self.capacity, self.response_style = capacity, response_style
        self.review_noise, self.perspective = review_noise, perspective
        self.reviewed = 0

    def step(self) -> None:
        """Review up to ``capacity`` ideas from the front of the queue and answer them."""
        org = self.model.organisation
        ids = org.take(self.capacity)
        if ids.size == 0:
            return
        promote = self.review(ids)
        self.reviewed += ids.size
        org.answer(ids, style=self.style, promoted=promote, decided=~promote,
                   accepted=np.zeros(ids.size, dtype=bool))
        for idea in ids[promote]:
            org.promote(int(idea))

    @property
    def style(self) -> str:
        """The response style in force: a closed "test machine" answers silently."""
        return "silent" if self.model.framing.silent else self.response_style

    def review(self, ids: np.ndarray) -> np.ndarray:
        """Decide which of ``ids`` to promote; explained reviews improve the idea first."""
        model, pool = self.model, self.model.ideas
        if self.style == "explain" and model.framing.dialogue and model.marketer_params.dialogue_steps:
            consumer_ideas = ids[pool["author"][ids] >= 0]
            steps = np.full(consumer_ideas.size, model.marketer_params.dialogue_steps)
            weights = np.broadcast_to(model.dialogue_weights, (consumer_ideas.size,
                                                               model.dialogue_weights.size))
            improved = model.space.climb(pool["point"][consumer_ideas], weights, steps)
            pool["dialogue"][consumer_ideas] = improved != pool["point"][consumer_ideas]
            pool["point"][consumer_ideas] = improved
        pool["review_day"][ids] = model.day
        estimate = model.firm_view[pool["point"][ids]]
        estimate = estimate + self.rng.normal(0.0, self.review_noise, ids.size)
        promote = estimate >= model.promote_threshold
        pool["status"][ids] = np.where(promote, IdeaStatus.CONCEPT, IdeaStatus.REJECTED)
        return promote
