"""Stage gates: concepts carry hidden flaws; the decision team finds them early, late or never.

Each promoted idea becomes a concept with a Poisson number of hidden flaws, each lying in one
perspective (customer, marketing, engineering, operations, finance, and a co-owner's concerns when
there are co-owners). At every gate (concept, design, build, test) each hidden flaw is found with
probability ``detection`` if someone on the team covers its perspective and ``blind_detection``
otherwise: a team sees what its members' perspectives let it see (Hong & Page 2004). A flaw found
at gate g costs ``rework_days * rework_cost[g]`` days, escalating by phase as NASA measured
(Stecklein et al. 2004, F6); flaws still hidden at launch are found in operation at the last,
highest cost. A larger team also coordinates more slowly (``coordination`` per extra member),
which is why diversity pays on hard problems and not on easy ones. The concept gate also screens
the concept on the team's combined view of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.policies import Team
from simulation.scenario import DecisionParams

GATES = ("concept", "design", "build", "test")
FLAW_PERSPECTIVES = ("customer", "marketing", "engineering", "operations", "finance")


@dataclass
class Concept:
    """A promoted idea on its way through the gates."""

    idea: int
    author: int
    submitted: int
    promoted: int
    flaws: np.ndarray  # perspective index of each hidden flaw
    hidden: np.ndarray  # which flaws are still undetected
    gate: int = 0
    due: float = 0.0
    rework: float = 0.0
    stall: float = 0.0
    found: list[int] = field(default_factory=lambda: [0] * len(GATES))


@dataclass(frozen=True)
class GateOutcome:
    """What happened to a concept whose gate review ended today."""

    concept: Concept
    decided: bool
    accepted: bool


class StageGates:
    """The gate pipeline of one organisation."""

    def __init__(self, params: DecisionParams, team: Team, co_owners: int,
                 rng: np.random.Generator):
        self.params, self.team, self.rng = params, team, rng
        self.perspectives = FLAW_PERSPECTIVES + (("co_owner",) if co_owners else ())
        covered = np.array([p in team.perspectives for p in self.perspectives])
        self.detect = np.where(covered, params.detection, params.blind_detection)
        self.concepts: list[Concept] = []
        self.found = np.zeros(len(GATES), dtype=np.int64)  # flaws found per gate, all concepts

    def gate_duration(self, gate: int) -> float:
        """Days a gate review takes with this team, before rework and stalls."""
        return self.params.gate_days[gate] * (1 + self.params.coordination * (self.team.size - 1))

    def admit(self, idea: int, author: int, submitted: int, day: int, stall: float) -> Concept:
        """Start a promoted idea at the concept gate."""
        n_flaws = self.rng.poisson(self.params.flaws_per_concept)
        flaws = self.rng.integers(0, len(self.perspectives), size=n_flaws)
        concept = Concept(idea, author, submitted, day, flaws, np.ones(n_flaws, dtype=bool))
        concept.due = day + self.gate_duration(0) + stall
        concept.stall += stall
        self.concepts.append(concept)
        return concept

    def review(self, concept: Concept) -> float:
        """Run the current gate's flaw search; returns the rework days it causes."""
        hidden = np.flatnonzero(concept.hidden)
        found = hidden[self.rng.random(hidden.size) < self.detect[concept.flaws[hidden]]]
        concept.hidden[found] = False
        concept.found[concept.gate] += found.size
        self.found[concept.gate] += found.size
        days = found.size * self.params.rework_days * self.params.rework_cost[concept.gate]
        concept.rework += days
        return days

    def operation_rework(self, concept: Concept) -> float:
        """Days of rework caused by flaws that escaped every gate and surface in operation."""
        return int(concept.hidden.sum()) * self.params.rework_days * self.params.rework_cost[-1]

    def advance(self, day: int, passes_screen, stall: float) -> list[GateOutcome]:
        """Process every concept whose gate review (or final fix) ends by ``day``."""
        outcomes, waiting = [], []
        last = len(GATES) - 1
        for concept in self.concepts:
            if concept.due > day:
                waiting.append(concept)
                continue
            if concept.gate > last:  # the fixes after the test gate are done
                outcomes.append(GateOutcome(concept, decided=True, accepted=True))
                continue
            rework = self.review(concept)
            if concept.gate == 0 and not passes_screen(concept.idea):
                outcomes.append(GateOutcome(concept, decided=True, accepted=False))
            elif concept.gate == last and rework == 0:
                outcomes.append(GateOutcome(concept, decided=True, accepted=True))
            else:
                concept.gate += 1
                extra = (self.gate_duration(concept.gate) + stall) if concept.gate <= last else 0
                concept.due = day + rework + extra
                concept.stall += stall if concept.gate <= last else 0
                waiting.append(concept)
        self.concepts = waiting
        return outcomes
