"""Marketers: the few people who work the idea queue, answer contributors and promote concepts."""

from __future__ import annotations

import mesa
import numpy as np

from simulation.model.ideas.pool import IdeaStatus
from simulation.scenario.kinds import ResponseStyle


class Marketer(mesa.Agent):
    """A community manager with a daily review capacity and a response style.

    Reviewing an idea, the marketer estimates it from the firm's side of the landscape (its own
    loci plus the needs learnt from observing use and, if it learns, in dialogue) with some
    error, and promotes it when the estimate clears the firm's bar. A marketer who explains a
    decision also works on the idea with its author first: a dialogue in which every move is
    scored by both sides' knowledge (von Hippel 1994; Poetz & Schreier 2012).
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
        self.organisation = None  # the organisation it works for (set when it is founded)
        self.time = 0.0  # review time left over from earlier days (less than one idea's worth)

    @property
    def cost(self) -> float:
        """Review time one idea takes: a review, plus the answer unless it is silent."""
        reply = self.organisation.marketer_params.reply_cost
        return 1.0 + (reply if self.style is not ResponseStyle.SILENT else 0.0)

    def step(self) -> None:
        """Read as many ideas from the front of the queue as today's review time allows.

        Each day brings ``capacity`` reviews' worth of time; a reply or explanation takes
        ``marketers.reply_cost`` of it on top of the review, so a firm that answers everyone
        reads fewer ideas (the reply budget). Time left over that does not make up a whole
        idea carries to the next day; with nothing to read, the rest of the day is lost.
        """
        org, cost = self.organisation, self.cost
        self.time += self.capacity
        ids = org.take(int((self.time + 1e-9) // cost))
        self.time -= ids.size * cost
        if self.time >= cost - 1e-9:  # the queue ran dry: unused time does not pile up
            self.time %= cost
        if ids.size:
            self.reviewed += ids.size
            org.assign(ids, self)

    @property
    def style(self) -> ResponseStyle:
        """The response style in force: a closed "test machine" answers silently."""
        return ResponseStyle.SILENT if self.organisation.framing.silent else self.response_style


def review(org, ids: np.ndarray, style: ResponseStyle, noise: np.ndarray) -> np.ndarray:
    """The marketers' review of ``ids`` at ``org`` (one style, each with its reviewer's error).

    Explained reviews first improve consumer ideas in dialogue with their authors; each such
    dialogue may also teach the firm a need it did not know (``marketers.learning``), which it
    uses from the next review on. Returns which ideas are promoted to concepts.
    """
    from simulation.model import kernels

    model, pool, views = org.model, org.ideas, org.views
    dialogue = bool(
        style is ResponseStyle.EXPLAIN
        and org.framing.dialogue
        and org.marketer_params.dialogue_steps
    )
    if dialogue:
        mine = ids[pool["author"][ids] >= 0]
        steps = np.full(mine.size, org.marketer_params.dialogue_steps)
        improved = model.space.climb(
            pool["point"][mine], views.dialogue, np.zeros(mine.size, dtype=np.int64), steps
        )
        pool["dialogue"][mine] = improved != pool["point"][mine]
        pool["point"][mine] = improved
    # the estimate is the firm's view plus the reviewer's error; it promotes or rejects
    promote = kernels.review(
        ids,
        model.rng.normal(0.0, 1.0, ids.size),
        noise,
        views.firm_view,
        pool["point"],
        views.promote_threshold,
        pool["review_day"],
        pool["status"],
        model.day,
        int(IdeaStatus.CONCEPT),
        int(IdeaStatus.REJECTED),
    )
    if dialogue:  # what the firm learns today it applies from the next review on
        views.learn(mine.size, model.day, model.rng)
    return promote
