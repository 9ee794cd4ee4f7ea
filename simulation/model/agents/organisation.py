"""The organisation: its review queue, answers, stage gates, reward budget and co-owners."""

from __future__ import annotations

from dataclasses import astuple

import mesa
import numpy as np

from simulation.model.adaptation import Adaptation
from simulation.model.agents.co_owner import CoOwner
from simulation.model.agents.marketer import Marketer, review
from simulation.model.community import Community
from simulation.model.decisions import StageGates
from simulation.model.ideas.perspectives import PerspectiveViews
from simulation.model.ideas.pool import IdeaStatus, Response
from simulation.model.measures import QUALITY_STEPS
from simulation.model.policies import Framing, Policies, make_policies
from simulation.scenario import OrganisationParams, Scenario
from simulation.scenario.kinds import ResponseStyle

SMALL_TEAM = 16  # up to this many marketers step one by one (marketers_read)


class Organisation(mesa.Agent):
    """A firm that runs a community: its policies, marketers, review queue, gates and budget.

    Each organisation sees the shared idea space through its own policies (its framing, its
    decision team) and answers only its own community's ideas. Build one with :meth:`found`.

    Co-owners (optional, :class:`CoOwner` agents in ``co_owners``) are stakeholders whose
    support the firm needs: one the firm decides without loses support, objects (stalls a
    project's gates), vetoes, and in the end withdraws (stakeholder salience, Mitchell, Agle &
    Wood 1997; magnitudes are scenario assumptions, ODD 7.12).

    Attributes:
        name: the organisation's name in the scenario and in per-organisation tables.
        config: the scenario as this organisation runs it (the top-level tables with its own
            settings applied).
        community: its members, their ideas and the consumer side of their day.
    """

    def __init__(
        self,
        model: mesa.Model,
        name: str,
        scenario: Scenario,
        community: Community,
        policies: Policies,
        framing: Framing,
        views: PerspectiveViews,
        gates: StageGates,
        marketers: mesa.agent.AgentSet,
        named_co_owners: tuple[tuple[str, OrganisationParams], ...] = (),
    ):
        super().__init__(model)
        self.name, self.config, self.community = name, scenario, community
        self.params, self.marketer_params = scenario.organisation, scenario.marketers
        self.policies, self.framing, self.views, self.gates = policies, framing, views, gates
        self.marketers = marketers
        self.ideas, self.consumers = community.ideas, community.consumers
        style = ResponseStyle(scenario.marketers.response_style)
        self.decision_style = ResponseStyle.SILENT if framing.silent else style
        community.organisation = self
        for marketer in marketers:
            marketer.organisation = self
        self.base_team = policies.decision.team(scenario.marketers)  # before co-owners' seats
        self.co_owners: list[CoOwner] = [
            CoOwner(model, self, f"co_owner_{k + 1}", self.params)
            for k in range(self.params.co_owners)
        ] + [CoOwner(model, self, name, params) for name, params in named_co_owners]
        self.admitted = np.empty(0, dtype=np.int64)  # concepts admitted today
        self.staff_gates()
        self.spend = 0.0
        self.queue = np.empty(0, dtype=np.int64)
        self.assigned: list[tuple[np.ndarray, str, np.ndarray]] = []  # ids, style, noise
        self.accepted_today = np.empty(0, dtype=np.int64)
        self._tables: dict[str, np.ndarray] = {}
        # the day's answers, heard together at its end (deliver_answers): the authors, the flags
        # of kernels.HEARD (one row each) and the outcomes of the first ``heard`` entries
        self.heard = 0
        self.heard_authors = np.empty(64, dtype=np.int64)
        self.heard_flags = np.empty((7, 64), dtype=bool)
        self.heard_outcome = np.empty(64)
        # running figures for the daily metrics
        self.promoted_quality_sum, self.promoted = 0.0, 0
        self.promoted_quality = np.zeros(QUALITY_STEPS + 1, dtype=np.int64)  # histogram
        self.accepted_quality = np.empty(0)  # kept sorted
        self.accepted_quality_sum = 0.0
        self.decisions, self.flaws_escaped = 0, 0
        self.reviewed_ideas, self.ignored_ideas = 0, 0  # consumer ideas read, or left to expire
        self.decision_times = np.zeros(64, dtype=np.int64)  # histogram of days to decision
        self.adaptation = Adaptation(self)  # staff hired or released, cash stopped (ODD 7.16)

    @classmethod
    def found(
        cls,
        model,
        name: str,
        scenario: Scenario,
        consumers,
        named_co_owners: tuple[tuple[str, OrganisationParams], ...] = (),
    ) -> Organisation:
        """Set up an organisation and its community over the membership columns ``consumers``.

        The organisation's policies, its marketers (Mesa agents), the views of the idea space its
        framing and decision team give it, and its stage gates, in that order. Its co-owners are
        ``organisation.co_owners`` unnamed ones with its own co-owner settings, then the named
        co-owners of ``[[organisations]]`` (name, their settings).
        """
        policies = make_policies(scenario)
        framing = policies.control.frame()
        # a controlling brief costs autonomy, and with it intrinsic interest (Deci & Ryan 2000)
        consumers.autonomy_loss = framing.controlling * scenario.policies.control.autonomy_cost
        m = scenario.marketers
        marketers = Marketer.create_agents(
            model, m.count, m.capacity, ResponseStyle(m.response_style), m.review_noise
        )
        team = policies.decision.team(m)
        org = scenario.organisation
        seated = (org.co_owners if org.co_owners_on_team else 0) + sum(
            params.co_owners_on_team for _, params in named_co_owners
        )
        team = team.joined("co_owner", seated)  # the screen keeps the view agreed at the start
        views = PerspectiveViews(model.space, scenario, framing, team, model.rng)
        gates = StageGates(
            scenario.decision,
            team,
            org.co_owners + len(named_co_owners),
            model.rng,
            scenario.ideas.ruggedness,
        )
        community = Community(model, consumers)
        return cls(
            model,
            name,
            scenario,
            community,
            policies,
            framing,
            views,
            gates,
            marketers,
            tuple(named_co_owners),
        )

    # --- the review queue -----------------------------------------------------------------------
    def open_queue(self, pending: np.ndarray | None = None) -> None:
        """Order today's queue (``pending``, default all) by the triage policy."""
        model = self.model
        pending = self.community.pending() if pending is None else pending
        pool = self.ideas
        self.queue = self.policies.triage.order(
            pending, pool["votes"][pending], pool["first_post"][pending], model.rng
        )

    def take(self, count: int) -> np.ndarray:
        """Hand the next ``count`` ideas of the queue to a reviewer."""
        taken, self.queue = self.queue[:count], self.queue[count:]
        return taken

    def expire(self, day: int, patience: int) -> np.ndarray:
        """Ideas waiting longer than the marketers' patience count as ignored: silence.

        Returns:
            The ideas still pending.
        """
        from simulation.model import kernels

        pool = self.ideas
        # what Community.pending() reads (nothing older than the patience waits), split
        old, pending = kernels.expire(
            pool["day"],
            pool["status"],
            day - patience,
            day - patience,
            int(IdeaStatus.PENDING),
            int(IdeaStatus.IGNORED),
        )
        if old.size:
            none = np.zeros(old.size, dtype=bool)
            self.ignored_ideas += self.answer(
                old,
                style=ResponseStyle.SILENT,
                promoted=none,
                decided=~none,
                accepted=none,
                ignored=True,
            )
        return pending

    def assign(self, ids: np.ndarray, marketer) -> None:
        """Record which marketer reviews ``ids`` today; reviews run together in close_review."""
        self.assigned.append((ids, marketer.style, np.full(ids.size, marketer.review_noise)))

    def marketers_read(self) -> None:
        """Every marketer, in random order, reads what today's time allows from the queue.

        What ``self.marketers.shuffle_do("step")`` does (the same shuffle, the same arithmetic
        as :meth:`Marketer.step`, value for value), in one compiled pass over the team
        (``kernels.marketers_read``): the marketers take consecutive stretches of the queue, so
        the day's reading is one slice of it.
        """
        team = list(self.marketers)
        self.marketers.random.shuffle(team)
        if len(team) <= SMALL_TEAM:  # a few marketers: their own steps cost less than arrays
            for marketer in team:
                marketer.step()
            return
        from simulation.model import kernels

        silent = self.framing.silent
        styles = [ResponseStyle.SILENT if silent else m.response_style for m in team]
        kinds = sorted(set(styles))
        reply = self.marketer_params.reply_cost
        kind_cost = np.array(
            [1.0 + (reply if s is not ResponseStyle.SILENT else 0.0) for s in kinds]
        )
        state = np.array([(m.time, m.capacity, m.review_noise) for m in team], dtype=np.float64)
        kind = np.array([kinds.index(s) for s in styles], dtype=np.int64)
        taken, noise, style = kernels.marketers_read(state, kind, kind_cost, self.queue.size)
        for marketer, t, n in zip(team, state[:, 0].tolist(), taken.tolist(), strict=True):
            marketer.time = t
            marketer.reviewed += n
        if not noise.size:
            return
        ids, self.queue = self.queue[: noise.size], self.queue[noise.size :]
        if len(kinds) == 1:
            self.assigned.append((ids, kinds[0], noise))
            return
        for code, kind in enumerate(kinds):
            mine = style == code
            if mine.any():
                self.assigned.append((ids[mine], kind, noise[mine]))

    def close_review(self) -> None:
        """Review and answer every idea taken today; admit the promoted ones to the gates."""
        from simulation.model import kernels

        model, pool, space = self.model, self.ideas, self.model.space
        for style in sorted({style for _, style, _ in self.assigned}):
            batch = [(i, n) for i, s, n in self.assigned if s == style]
            if len(batch) == 1:  # one stretch of the queue (the marketers read as a team)
                ids, noise = batch[0]
            else:
                ids = np.concatenate([i for i, _ in batch])
                noise = np.concatenate([n for _, n in batch])
            promoted = review(self, ids, style, noise)
            self.reviewed_ideas += self.answer(
                ids,
                style=style,
                promoted=promoted,
                decided=~promoted,
                accepted=np.zeros(ids.size, dtype=bool),
            )
            if promoted.any():
                chosen = ids[promoted]
                points = pool["point"][chosen]
                self.promoted += chosen.size
                # the promoted qualities' sum and histogram, as for the pool's (one kernel)
                total, _, _, _ = kernels.count_quality(
                    points,
                    space.quality,
                    space.feasible,
                    space.on_strategy,
                    self.promoted_quality,
                    QUALITY_STEPS,
                )
                self.promoted_quality_sum += total
                rows = self.gates.admit(
                    chosen,
                    pool["author"][chosen],
                    pool["day"][chosen],
                    model.day,
                    self.stall(),
                    space.novelty(points),
                )
                self.admitted = np.concatenate([self.admitted, rows])
            # decided at review: part of the time to decision
            self.record_times(pool["day"], ids[~promoted])
        self.assigned = []

    # --- answers to contributors -----------------------------------------------------------------
    def answer(
        self, ids, *, style: ResponseStyle, promoted, decided, accepted, ignored=False
    ) -> int:
        """Queue what the authors of ``ids`` hear, through the recognition policy.

        Ignored ideas get nothing: no one looked at them, so no programme can recognise them.
        Under a closed "test machine" no one gets a reply or an explanation. Authors take the
        day's answers in together (:meth:`deliver_answers`).

        Returns:
            How many of ``ids`` are consumers' ideas (the firm's own have no one to hear back).
        """
        from simulation.model import kernels

        pool = self.ideas
        if self.heard + ids.size > self.heard_authors.size:  # room for every idea's answer
            self._grow_heard(self.heard + ids.size)
        # the flags (reply, explanation, badge, credit) by promoted and accepted, a newcomer's
        # first idea read for the first time badged if the programme awards newcomers, no
        # reply or explanation under a closed frame; an idea's first answer is its response
        before = self.heard
        self.heard = kernels.answer(
            ids,
            promoted,
            decided,
            accepted,
            ignored,
            self._feedback_table(style),
            self.policies.recognition.awards_newcomers,
            self.framing.silent,
            int(Response.EXPLAIN if style is ResponseStyle.EXPLAIN else Response.REPLY),
            int(Response.NONE),
            int(Response.SILENT),
            pool["author"],
            pool["first_post"],
            pool["response"],
            self.heard_authors,
            self.heard_flags,
            self.heard_outcome,
            before,
        )
        return self.heard - before

    def _grow_heard(self, size: int) -> None:
        """Make room for ``size`` answers in the day's buffers (twice as many, at least)."""
        size = max(size, 2 * self.heard_authors.size)
        n = self.heard
        authors, flags, outcome = (
            np.empty(size, dtype=np.int64),
            np.empty((7, size), dtype=bool),
            np.empty(size),
        )
        authors[:n], flags[:, :n], outcome[:n] = (
            self.heard_authors[:n],
            self.heard_flags[:, :n],
            self.heard_outcome[:n],
        )
        self.heard_authors, self.heard_flags, self.heard_outcome = authors, flags, outcome

    def deliver_answers(self) -> None:
        """Authors take in the day's answers together, at the end of the day."""
        from simulation.model import kernels

        n = self.heard
        if n:
            flags = dict(zip(kernels.HEARD, self.heard_flags[:, :n], strict=True))
            self.consumers.feedback(
                self.heard_authors[:n],
                self.model.day,
                outcome=self.heard_outcome[:n],
                fair_process=self.policies.expectations.criteria_stated,
                **flags,
            )
        self.heard = 0

    def _feedback_table(self, style: ResponseStyle) -> np.ndarray:
        """Feedback flags by (promoted, accepted, flag) under the recognition policy."""
        if style not in self._tables:
            recognise = self.policies.recognition.feedback
            self._tables[style] = np.array(
                [[astuple(recognise(style, p, a)) for a in (0, 1)] for p in (0, 1)], dtype=bool
            )
        return self._tables[style]

    # --- concepts, decisions and co-owners --------------------------------------------------------
    @property
    def partners(self) -> list[CoOwner]:
        """The co-owners still in the partnership."""
        return [owner for owner in self.co_owners if owner.active]

    @property
    def support(self) -> np.ndarray:
        """General support of each co-owner still in the partnership (empty: none)."""
        return np.array([owner.support for owner in self.partners])

    def stall(self) -> float:
        """Days a new project's first gate is held up by co-owners whose support is too low."""
        return float(
            sum(
                owner.params.stall_days * (owner.support < owner.params.stall_threshold)
                for owner in self.partners
            )
        )

    def project_stall(self, rows: np.ndarray) -> np.ndarray:
        """Days the next gate of each project ``rows`` is held up by its co-owners' objections."""
        return sum(
            (owner.params.stall_days * owner.objects(rows) for owner in self.partners),
            np.zeros(rows.size),
        )

    def vetoed(self, rows: np.ndarray) -> np.ndarray:
        """Which projects ``rows`` a co-owner kills at the gate that came up."""
        kills = np.zeros(rows.size, dtype=bool)
        for owner in self.partners:
            kills |= owner.vetoed(rows)
        return kills

    def staff_gates(self) -> None:
        """Seat and consult the co-owners still in the partnership (once, and after a withdrawal).

        A seat is one more member who coordinates (``decision.coordination``) and the co-owner's
        perspective on the team; consulting without a seat costs ``consultation_cost`` of every
        gate's days per co-owner.
        """
        partners = self.partners
        seated = sum(owner.seated for owner in partners)
        self.gates.staff(self.base_team.joined("co_owner", seated))
        self.gates.consulting = sum(
            owner.params.consultation_cost * (owner.consulted and not owner.seated)
            for owner in partners
        )

    def lose(self, owner: CoOwner) -> None:
        """A co-owner withdraws: its open projects are set back, its seat and knowledge go.

        Every open concept it co-owned waits ``withdraw_delay`` more days (the partnership's
        share of the work is re-planned); from now on no one covers the co-owner's perspective
        from its seat, and it neither stalls, vetoes nor needs consulting.
        """
        gates = self.gates
        gates.delay(gates.open[owner.co_owns(gates.open)], owner.params.withdraw_delay)
        self.staff_gates()

    def reconsider_partnerships(self) -> None:
        """At the day's end, co-owners whose support has stayed low for long enough withdraw."""
        for owner in self.partners:
            owner.step()

    def hear_co_owners(self) -> None:
        """Co-owners see today's decisions: the concepts admitted and the gates that came up."""
        if self.co_owners:
            decisions = np.concatenate([self.admitted, self.gates.reviewed])
            for owner in self.partners:
                owner.observe(decisions)
        self.admitted = np.empty(0, dtype=np.int64)

    def step(self) -> None:
        """The firm's day, in its own order.

        The firm first adapts (reviews its staff or its cash when its adaptation policy says so;
        hires start work); ideas that waited too long count as ignored; today's queue is ordered
        by the triage policy (most-voted first by default); the marketers take their share of it
        and review it; concepts pass the stage gates and are decided (co-owners see the day's
        decisions); the authors of everything answered today hear back together; co-owners whose
        support has stayed low for long enough withdraw.
        """
        model = self.model
        self.adapt()
        self.open_queue(self.expire(model.day, self.marketer_params.patience))
        self.marketers_read()  # as self.marketers.shuffle_do("step"), over arrays
        self.close_review()
        self.decide()
        self.deliver_answers()
        self.reconsider_partnerships()

    def adapt(self) -> None:
        """The adaptation policy's morning: reviews, hires starting work, the staff's day."""
        self.adaptation.start_day(self.model.day)

    def decide(self) -> None:
        """Advance the gates, record the day's decisions and answer their authors."""
        from simulation.model import kernels

        model, pool = self.model, self.ideas
        if self.partners:
            decided = self.gates.advance(
                model.day, self.community.passes_screen, self.project_stall, self.vetoed
            )
        else:
            decided = self.gates.advance(model.day, self.community.passes_screen, self.stall())
        self.hear_co_owners()
        self.accepted_today = np.empty(0, dtype=np.int64)
        if not decided.rows.size:
            return
        ids, accepted = decided.ideas, decided.accepted
        self.count_decisions(decided)
        self.accepted_today = kernels.decided_ideas(
            ids,
            accepted,
            pool["status"],
            pool["decision_day"],
            model.day,
            int(IdeaStatus.ACCEPTED),
            int(IdeaStatus.KILLED),
            pool["author"],
        )
        none = np.zeros(ids.size, dtype=bool)
        self.answer(ids, style=self.decision_style, promoted=none, decided=~none, accepted=accepted)
        self.policies.recognition.announce(self.consumers, self.accepted_today.size)

    def count_decisions(self, decided) -> None:
        """Update the running figures the daily metrics read."""
        self.decisions += decided.rows.size
        if decided.accepted.any():  # nothing to add on a day that accepted none
            from simulation.model import kernels

            points = self.ideas["point"][decided.ideas[decided.accepted]]
            # kept sorted; the sum; flaws still hidden at launch (StageGates.escaped), compiled
            self.accepted_quality, total, escaped = kernels.accepted_figures(
                np.sort(self.model.space.quality[points]),
                self.accepted_quality,
                self.gates.concepts["hidden"],
                decided.rows[decided.accepted],
            )
            self.accepted_quality_sum += total
            self.flaws_escaped += escaped
        self.record_times(self.gates.concepts["submitted"], decided.rows)

    def record_times(self, submitted: np.ndarray, rows: np.ndarray) -> None:
        """Add days from submission (``submitted[rows]``) to today's decision to the histogram.

        The histogram grows to twice the longest time when one does not fit (compiled:
        ``kernels.record_times``).
        """
        from simulation.model import kernels

        day = self.model.day
        grow = kernels.record_times(self.decision_times, day, submitted, rows)
        if grow:
            grown = np.zeros(grow, dtype=np.int64)
            grown[: self.decision_times.size] = self.decision_times
            self.decision_times = grown
            kernels.record_times(self.decision_times, day, submitted, rows)

    def budget_spent(self) -> bool:
        """Whether the cash is gone: a limited budget used up, or stopped by the adaptation policy.

        Then no cash scheme can pull anyone.
        """
        if self.adaptation.cash_off():
            return True
        return self.params.budget > 0 and self.spend >= self.params.budget

    def pay(self, authors: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pay what the budget allows (0 = unlimited), in the order given; nothing once stopped."""
        if self.adaptation.cash_off():
            amounts = np.zeros_like(amounts)
        if self.params.budget > 0:
            left = max(self.params.budget - self.spend, 0.0)
            amounts = np.minimum(amounts, np.maximum(left - (np.cumsum(amounts) - amounts), 0.0))
        self.spend += float(amounts.sum())
        return authors, amounts
