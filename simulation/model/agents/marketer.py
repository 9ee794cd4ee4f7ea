"""Marketers: the few people who work the idea queue, answer contributors and promote concepts."""

from __future__ import annotations

import mesa
import numpy as np

from simulation.model.ideas.pool import IdeaStatus
from simulation.scenario.kinds import ResponseStyle


class Marketer(mesa.Agent):
    """A community manager with a daily review capacity and a response style.

    Reviewing an idea, the marketer estimates it from the firm's side of the landscape (its own
    loci plus the needs learnt from observing use) with some error, and promotes it when the
    estimate clears the firm's bar. A marketer who explains a decision also works on the idea
    with its author first: a dialogue in which every move is scored by both sides' knowledge
    (von Hippel 1994; Poetz & Schreier 2012).
    """

    def __init__(
        self,
        model: mesa.Model,
        capacity: int,
        response_style: ResponseStyle,
        review_noise: float,
    ):
        super().__init__(model)
        self.capacity, self.response_style, self.review_noise = (
            capacity,
            response_style,
            review_noise,
        )
        self.reviewed = 0

    def step(self) -> None:
        """Take up to ``capacity`` ideas from the front of the queue for today's review."""
        org = self.model.organisation
        ids = org.take(self.capacity)
        if ids.size:
            self.reviewed += ids.size
            org.assign(ids, self)

    @property
    def style(self) -> ResponseStyle:
        """The response style in force: a closed "test machine" answers silently."""
        return ResponseStyle.SILENT if self.model.framing.silent else self.response_style


def review(
    model: mesa.Model, ids: np.ndarray, style: ResponseStyle, noise: np.ndarray
) -> np.ndarray:
    """The marketers' review of ``ids`` (one style, each idea with its reviewer's error).

    Explained reviews first improve consumer ideas in dialogue with their authors. Returns which
    ideas are promoted to concepts.
    """
    pool, views = model.ideas, model.views
    if (
        style is ResponseStyle.EXPLAIN
        and model.framing.dialogue
        and model.marketer_params.dialogue_steps
    ):
        mine = ids[pool["author"][ids] >= 0]
        steps = np.full(mine.size, model.marketer_params.dialogue_steps)
        improved = model.space.climb(
            pool["point"][mine], views.dialogue, np.zeros(mine.size, dtype=np.int64), steps
        )
        pool["dialogue"][mine] = improved != pool["point"][mine]
        pool["point"][mine] = improved
    pool["review_day"][ids] = model.day
    estimate = views.firm_view[pool["point"][ids]] + model.rng.normal(0.0, 1.0, ids.size) * noise
    promote = estimate >= views.promote_threshold
    pool["status"][ids] = np.where(promote, IdeaStatus.CONCEPT, IdeaStatus.REJECTED)
    return promote
