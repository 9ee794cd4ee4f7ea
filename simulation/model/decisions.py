"""Stage gates: concepts carry hidden flaws; the decision team finds them early, late or never.

Each promoted idea becomes a concept with a Poisson number of hidden flaws, each lying in one
perspective (customer, marketing, engineering, operations, finance, and a co-owner's concerns when
there are co-owners). At every gate (concept, design, build, test) each hidden flaw is found with
probability ``detection`` if someone on the team covers its perspective and ``blind_detection``
otherwise: a team sees what its members' perspectives let it see (Hong & Page 2004). A flaw found
at gate g costs ``rework_days * rework_cost[g]`` days, escalating by phase as NASA measured
(Stecklein et al. 2004, F6); flaws still hidden at launch surface in operation at the last,
highest cost, after launch. A larger team also coordinates more slowly (``coordination`` per extra
member), and each co-owner consulted without a seat adds its own share of a gate's days.
Co-owners (``agents/co_owner.py``) may hold a concept up (a stall) or kill it at a gate (a veto).
A concept carries more flaws the more novel it is (the farther from the firm's current
product) and the more rugged the problem (Grim et al. 2019: diversity helps on rugged problems,
ability wins on smooth ones), so whether a diverse team's early finds outweigh its slower gates
depends on the problem. The concept gate also screens the concept on the team's combined view of
it. Accepted ideas are then developed with a finite capacity (``build_slots`` at once, each taking
``build_days``): time to launch adds the queue for development to the time to decision. Time,
launch and escaped flaws are reported as separate figures, never folded into one. Concepts live
in columns and every day's gate reviews run vectorised over the concepts that are due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.model.columns import Columns, coded_frame
from simulation.model.policies import Team
from simulation.scenario import DecisionParams

GATES = ("concept", "design", "build", "test")
FLAW_PERSPECTIVES = ("customer", "marketing", "engineering", "operations", "finance")
OPEN, ACCEPTED, KILLED = 0, 1, 2

# Days a stakeholder holds each concept up at its next gate: one figure for every concept, or
# one per pipeline row (a function of the rows moving on).
Stall = float | Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Decided:
    """Concepts decided today: pipeline rows, their ideas, and which were accepted."""

    rows: np.ndarray
    ideas: np.ndarray
    accepted: np.ndarray


class StageGates:
    """The gate pipeline of one organisation."""

    def __init__(
        self,
        params: DecisionParams,
        team: Team,
        co_owners: int,
        rng: np.random.Generator,
        ruggedness: int = 3,
    ):
        self.params, self.rng = params, rng
        self.rugged = max(1.0 + params.flaws_ruggedness * (ruggedness - 3), 0.0)
        self.slots = np.zeros(params.build_slots)  # the day each development slot is free
        self._gate_days = np.asarray(params.gate_days, dtype=np.float64)
        self._rework_cost = np.asarray(params.rework_cost, dtype=np.float64)
        self.perspectives = FLAW_PERSPECTIVES + (("co_owner",) if co_owners else ())
        self.consulting = 0.0  # share of a gate's days spent consulting stakeholders without a seat
        self.staff(team)
        self.reviewed = np.empty(0, dtype=np.int64)  # rows whose gate came up today
        n_persp, n_gates = len(self.perspectives), len(GATES)
        self.concepts = Columns(
            {
                "idea": (np.int64, -1, 0),
                "author": (np.int64, -1, 0),
                "submitted": (np.int32, -1, 0),
                "promoted": (np.int32, -1, 0),
                "due": (np.float64, np.inf, 0),
                "gate": (np.int8, 0, 0),
                "state": (np.int8, OPEN, 0),
                "decision_day": (np.int32, -1, 0),
                "launch_day": (np.float64, np.nan, 0),
                "flaws": (np.int32, 0, 0),
                "hidden": (np.int32, 0, n_persp),
                "found": (np.int32, 0, n_gates),
                "rework": (np.float64, 0.0, 0),
                "stall": (np.float64, 0.0, 0),
            }
        )
        self.found = np.zeros(n_gates, dtype=np.int64)  # flaws found per gate, all concepts
        self.open = np.empty(0, dtype=np.int64)  # rows still in the pipeline

    def staff(self, team: Team) -> None:
        """Put ``team`` in charge of the reviews from now on: what it covers it finds."""
        params, self.team = self.params, team
        covered = np.array([p in team.perspectives for p in self.perspectives])
        self.detect = np.where(covered, params.detection, params.blind_detection)
        # the test gate exercises the built product: it surfaces what the reviews could not see
        self.detect_at = np.tile(self.detect, (len(GATES), 1))
        self.detect_at[-1] = np.maximum(self.detect, params.test_detection)

    def gate_duration(self, gate: np.ndarray | int) -> np.ndarray:
        """Days a gate review takes with this team and its consultations, before rework, stalls."""
        return self._gate_days[gate] * self.review_factor()

    def review_factor(self) -> float:
        """How many times its own days a gate review takes (coordination, consultations)."""
        return 1 + self.params.coordination * (self.team.size - 1) + self.consulting

    def flaw_rate(self, novelty: np.ndarray) -> np.ndarray:
        """Mean hidden flaws of concepts of the given novelty (0..1) on this problem."""
        return self._flaw_rate(novelty, 1)

    def _flaw_rate(self, novelty, share: int) -> np.ndarray:
        """:meth:`flaw_rate` divided by ``share`` (compiled: ``kernels.flaw_rate``)."""
        from simulation.model import kernels

        p = self.params
        novelty = np.asarray(novelty, dtype=np.float64).reshape(-1)
        return kernels.flaw_rate(novelty, p.flaws_novelty, p.flaws_per_concept, self.rugged, share)

    def admit(self, ideas, authors, submitted, day: int, stall: float, novelty) -> np.ndarray:
        """Start promoted ideas at the concept gate, each with its hidden flaws; return the rows."""
        # Poisson flaws split evenly over perspectives = independent Poisson counts per perspective.
        rate = self._flaw_rate(novelty, len(self.perspectives))
        hidden = self.rng.poisson(rate[:, None], (ideas.size, len(self.perspectives)))
        n_flaws = hidden.sum(axis=1)
        rows = self.concepts.add(
            idea=ideas,
            author=authors,
            submitted=submitted,
            promoted=day,
            due=day + self.gate_duration(0) + stall,
            flaws=n_flaws,
            hidden=hidden,
            stall=stall,
        )
        self.open = np.concatenate([self.open, rows])
        return rows

    def schedule_launches(self, rows: np.ndarray, day: int) -> None:
        """Queue accepted concepts for development: first decided, first built."""
        from simulation.model import kernels

        rows = np.asarray(rows, dtype=np.int64)
        kernels.schedule_launches(
            rows, day, self.slots, self.concepts["launch_day"], self.params.build_days
        )

    def advance(
        self,
        day: int,
        passes_screen,
        stall: Stall,
        veto: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> Decided:
        """Run every gate review (or final fix) that ends by ``day``; return what was decided.

        ``stall`` holds each concept moving on up at its next gate; ``veto`` (rows -> bool) kills
        the concepts a stakeholder vetoes at the gate that came up. Both see the concepts as they
        stand before today's decisions. The rows whose gate came up are kept in ``reviewed``.
        """
        from simulation.model import kernels

        c, last, p = self.concepts, len(GATES) - 1, self.params
        due, review, g, fixed = kernels.gates_due(self.open, c["due"], c["gate"], day, last)
        self.reviewed = due
        if not due.size:  # no gate came up today: nothing is drawn, nothing changes
            return Decided(due, c["idea"][due], np.zeros(0, dtype=bool))
        # fixes after the test gate are done (launch); each hidden flaw of a concept reviewed
        # is found with its gate's chance for its perspective; found flaws cost rework days
        # (rework_days * rework_cost[gate] each)
        found = self.rng.binomial(c["hidden"][review], self.detect_at[g])
        rework = kernels.gates_found(
            review,
            g,
            found,
            c["hidden"],
            c["found"],
            self.found,
            c["rework"],
            p.rework_days,
            self._rework_cost,
        )
        # killed: at the concept gate when it fails the screen, at any gate when vetoed
        passed = passes_screen(c["idea"][review])
        vetoed = veto(review) if veto is not None else passed[:0]
        killed, launched, moving, next_gate, in_gates, moving_rework = kernels.gates_moving(
            review, g, passed, vetoed, rework, c["gate"], last
        )
        if callable(stall):
            stall = np.asarray(stall(moving), dtype=np.float64)
        else:
            stall = np.full(moving.size, stall, dtype=np.float64)
        # the next gate ends after the rework, its own days and any stall; the accepted are
        # queued for development (schedule_launches)
        rows, ideas, accepted, self.open = kernels.gates_close(
            moving,
            next_gate,
            in_gates,
            moving_rework,
            stall,
            day,
            self._gate_days,
            self.review_factor(),
            last,
            fixed,
            review,
            launched,
            killed,
            self.open,
            (
                c["idea"],
                c["gate"],
                c["due"],
                c["stall"],
                c["state"],
                c["decision_day"],
                c["launch_day"],
            ),
            self.slots,
            p.build_days,
            ACCEPTED,
            KILLED,
            OPEN,
        )
        return Decided(rows, ideas, accepted)

    def delay(self, rows: np.ndarray, days: float) -> None:
        """Hold open concepts ``rows`` up by ``days`` (counted with their stalls)."""
        self.concepts["due"][rows] += days
        self.concepts["stall"][rows] += days

    def escaped(self, rows: np.ndarray) -> np.ndarray:
        """Flaws still hidden in ``rows``: for accepted concepts, found only in operation."""
        return self.concepts["hidden"][rows].sum(axis=1)

    def frame(self, quality: np.ndarray) -> pd.DataFrame:
        """One row per decided concept (the decisions table); ``quality`` is per idea."""
        return decisions_frame(self.columns(quality))

    def columns(self, quality: np.ndarray) -> dict[str, np.ndarray]:
        """The decisions table's columns (:meth:`frame`) as numpy arrays of their own, in order.

        Rows by decision day, then idea. ``outcome`` and ``gate_reached`` are codes: of
        ``OUTCOMES`` and of ``GATES``.
        """
        c = self.concepts
        rows = np.flatnonzero(c["state"] != OPEN)
        rows = rows[np.lexsort((c["idea"][rows], c["decision_day"][rows]))]  # stable, as pandas
        accepted = c["state"][rows] == ACCEPTED
        escaped = np.where(accepted, self.escaped(rows), 0)
        operation = escaped * self.params.rework_days * self.params.rework_cost[-1]
        ttd = (c["decision_day"][rows] - c["submitted"][rows]).astype(np.int64)
        launch = np.where(accepted, c["launch_day"][rows], np.nan)
        return {
            "idea": c["idea"][rows],
            "author": c["author"][rows],
            "submitted_day": c["submitted"][rows],
            "promoted_day": c["promoted"][rows],
            "decision_day": c["decision_day"][rows],
            "outcome": np.where(accepted, 0, 1).astype(np.int8),
            "gate_reached": np.minimum(c["gate"][rows], len(GATES) - 1),
            "quality": quality[c["idea"][rows]],
            "flaws": c["flaws"][rows],
            **{f"found_{g}": c["found"][rows, i] for i, g in enumerate(GATES)},
            "escaped": escaped,
            "rework_days": c["rework"][rows],
            "operation_rework_days": operation,
            "stall_days": c["stall"][rows],
            "time_to_decision": ttd,
            "launch_day": launch,
            "time_to_launch": launch - c["submitted"][rows],
            "team_size": np.full(rows.size, self.team.size),
        }


OUTCOMES = ("accepted", "killed")
# made once: a categorical's dtype with string labels costs more to make than a run's column
OUTCOME, GATE = pd.CategoricalDtype(OUTCOMES), pd.CategoricalDtype(GATES)


def decisions_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The decisions table from :meth:`StageGates.columns`, its codes as categoricals."""
    return coded_frame(columns, {"outcome": OUTCOME, "gate_reached": GATE})
