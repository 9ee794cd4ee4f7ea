"""The organisation: its review queue, stage gates, reward budget and co-owners."""

from __future__ import annotations

from dataclasses import astuple

import mesa
import numpy as np

from simulation.decisions import GATES, GateOutcome, StageGates
from simulation.idea_pool import IdeaStatus, Response
from simulation.scenario import OrganisationParams


class Organisation(mesa.Agent):
    """The firm that runs the community.

    Co-owners (optional) are stakeholders whose support the firm needs: one left off the decision
    team loses support with every decision, and below ``stall_threshold`` stalls each gate by
    ``stall_days`` (a scenario idea from a housing co-creation project that failed when a
    co-owner felt sidelined; a hypothesis, not a calibrated fact).
    """

    def __init__(self, model: mesa.Model, params: OrganisationParams, gates: StageGates):
        super().__init__(model)
        self.params, self.gates = params, gates
        self.support = np.ones(params.co_owners)
        self.spend = 0.0
        self.queue = np.empty(0, dtype=np.int64)
        self.decisions: list[dict] = []
        self.promoted_quality: list[float] = []
        self.accepted_quality: list[float] = []
        self.times_to_decision: list[float] = []
        self.flaws_escaped = 0
        self.accepted_today = np.empty(0, dtype=np.int64)

    # --- the review queue -----------------------------------------------------------------------
    def open_queue(self) -> None:
        """Order today's queue: most-voted ideas first, then oldest first."""
        pending = self.model.ideas.pending()
        votes = self.model.ideas["votes"][pending]
        self.queue = pending[np.lexsort((pending, -votes))]

    def take(self, count: int) -> np.ndarray:
        """Hand the next ``count`` ideas of the queue to a reviewer."""
        taken, self.queue = self.queue[:count], self.queue[count:]
        return taken

    def expire(self, day: int, patience: int) -> None:
        """Ideas waiting longer than the marketers' patience count as ignored: silence."""
        pool = self.model.ideas
        pending = pool.pending()
        old = pending[pool["day"][pending] <= day - patience]
        if old.size:
            pool["status"][old] = IdeaStatus.IGNORED
            none = np.zeros(old.size, dtype=bool)
            self.answer(old, style="silent", promoted=none, decided=~none, accepted=none,
                        ignored=True)

    # --- answers to contributors -----------------------------------------------------------------
    def answer(self, ids, *, style, promoted, decided, accepted, ignored=False) -> None:
        """Tell the authors of ``ids`` what happened, through the recognition policy.

        Ignored ideas get nothing: no one looked at them, so no programme can recognise them.
        """
        model, pool = self.model, self.model.ideas
        if ignored:
            flags = np.zeros((ids.size, 4), dtype=bool)
        else:
            recognise = model.policies.recognition.feedback
            table = np.array([[astuple(recognise(style, p, a)) for a in (False, True)]
                              for p in (False, True)], dtype=bool)  # (promoted, accepted, flag)
            flags = table[promoted.astype(int), accepted.astype(int)]
        if not pool["response"][ids].any():  # first answer to these ideas: record the response
            code = Response.EXPLAIN if style == "explain" else Response.REPLY
            pool["response"][ids] = np.where(flags[:, 0] | flags[:, 1], code, Response.SILENT)
        authors = pool["author"][ids]
        mine = authors >= 0
        if not mine.any():
            return
        outcome = np.where(decided, accepted.astype(float), np.nan)
        replied = flags[:, 0]
        model.consumers.feedback(
            authors[mine], model.day, replied=replied[mine], explained=flags[mine, 1],
            badge=flags[mine, 2], credited=flags[mine, 3], outcome=outcome[mine],
            silent=(decided & ~replied)[mine], first_post=pool["first_post"][ids][mine])

    # --- concepts and decisions ------------------------------------------------------------------
    def promote(self, idea: int) -> None:
        """Turn a reviewed idea into a concept at the first gate."""
        pool = self.model.ideas
        self.promoted_quality.append(float(self.model.space.quality[pool["point"][idea]]))
        self.gates.admit(idea, int(pool["author"][idea]), int(pool["day"][idea]), self.model.day,
                         self.stall())

    def stall(self) -> float:
        """Days each gate is held up by co-owners whose support has fallen too low."""
        return self.params.stall_days * int((self.support < self.params.stall_threshold).sum())

    def step(self) -> None:
        """Advance the gates, record the day's decisions and answer their authors."""
        outcomes = self.gates.advance(self.model.day, self.model.passes_screen, self.stall())
        if not outcomes:
            self.accepted_today = np.empty(0, dtype=np.int64)
            return
        for outcome in outcomes:
            self.record(outcome)
        model = self.model
        ids = np.array([o.concept.idea for o in outcomes])
        accepted = np.array([o.accepted for o in outcomes])
        self.answer(ids, style=model.decision_style, promoted=np.zeros(ids.size, dtype=bool),
                    decided=np.ones(ids.size, dtype=bool), accepted=accepted)
        if model.policies.recognition.name == "influence":
            model.consumers.see_influence(int(accepted.sum()))
        authors = model.ideas["author"][ids[accepted]]
        self.accepted_today = authors[authors >= 0]

    def record(self, outcome: GateOutcome) -> None:
        """Record one decision: the idea's status, the decision row, co-owners' support."""
        model, concept, pool = self.model, outcome.concept, self.model.ideas
        idea, day = concept.idea, model.day
        pool["status"][idea] = IdeaStatus.ACCEPTED if outcome.accepted else IdeaStatus.KILLED
        pool["decision_day"][idea] = day
        quality = float(model.space.quality[pool["point"][idea]])
        escaped = int(concept.hidden.sum()) if outcome.accepted else 0
        operation = self.gates.operation_rework(concept) if outcome.accepted else 0.0
        self.flaws_escaped += escaped
        self.times_to_decision.append(day - concept.submitted)
        if outcome.accepted:
            self.accepted_quality.append(quality)
        self.support += (self.params.support_recovery if self.params.co_owners_on_team
                         else -self.params.support_loss)
        np.clip(self.support, 0.0, 1.0, out=self.support)
        self.decisions.append({
            "idea": idea, "author": concept.author, "submitted_day": concept.submitted,
            "promoted_day": concept.promoted, "decision_day": day,
            "outcome": "accepted" if outcome.accepted else "killed",
            "gate_reached": GATES[min(concept.gate, len(GATES) - 1)],
            "quality": quality, "flaws": int(concept.flaws.size),
            **{f"found_{g}": concept.found[i] for i, g in enumerate(GATES)},
            "escaped": escaped, "rework_days": concept.rework, "operation_rework_days": operation,
            "stall_days": concept.stall, "time_to_decision": day - concept.submitted,
            "time_with_operation_rework": day - concept.submitted + operation,
            "team_size": self.gates.team.size,
        })

    def pay(self, authors: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pay what the budget allows (0 = unlimited), in the order given."""
        if self.params.budget > 0:
            left = max(self.params.budget - self.spend, 0.0)
            amounts = np.minimum(amounts, np.maximum(left - (np.cumsum(amounts) - amounts), 0.0))
        self.spend += float(amounts.sum())
        return authors, amounts
