"""CoCreationModel: an organisation, its marketers and a community of consumers, one day a step."""

from __future__ import annotations

import functools

import mesa
import networkx as nx
import numpy as np

from simulation.model.agents.consumer import Consumer, ConsumerPopulation
from simulation.model.agents.marketer import Marketer
from simulation.model.agents.organisation import Organisation
from simulation.model.decisions import StageGates
from simulation.model.ideas.perspectives import PerspectiveViews
from simulation.model.ideas.pool import FIRM, IdeaPool
from simulation.model.ideas.space import IdeaSpace
from simulation.model.measures import QUALITY_STEPS, counts_percentile, quality_histogram
from simulation.model.metrics import REPORTERS, organisation_metrics, population_metrics
from simulation.model.network import Friendships, build_edges
from simulation.model.policies import make_policies
from simulation.scenario import Scenario

SNAPSHOT_COLUMNS = (
    "status",
    "intrinsic",
    "extrinsic",
    "identity",
    "recognition",
    "satisfaction",
    "expectation",
    "contributions",
    "active_days",
    "posting_days",
    "paid",
    "join_day",
    "last_active",
)


class CoCreationModel(mesa.Model):
    """A co-creation community under the organisation's policies.

    A day: newcomers arrive (unprompted and by word of mouth) -> members decide to take part ->
    participants post ideas, build on others' ideas or vote -> ideas waiting too long count as
    ignored -> marketers work the queue (reply, explain, promote or stay silent) -> concepts pass
    stage gates and are decided -> cash rewards (per idea, per accepted idea, contest prizes) ->
    motivation, satisfaction and exits update -> metrics are collected.

    Args:
        scenario: the validated parameters (defaults: ``Scenario()``).
        rng: seed or generator; defaults to ``scenario.run.seed``.
    """

    def __init__(self, scenario: Scenario | None = None, *, rng=None):
        params = scenario if scenario is not None else Scenario()
        super().__init__(rng=params.run.seed if rng is None else rng)
        self.params, self.day = params, 0
        self.marketer_params = params.marketers
        self.policies = make_policies(params)
        self.framing = self.policies.control.frame()
        self.decision_style = "silent" if self.framing.silent else params.marketers.response_style
        self.space = IdeaSpace(params.ideas, self.rng)
        friends = Friendships.from_edges(
            params.community.consumers, build_edges(params.community, self.rng)
        )
        self.consumers = ConsumerPopulation(
            params.consumers,
            params.community,
            params.policies.recognition,
            friends,
            self.rng,
        )
        Consumer.create_agents(
            self, params.community.consumers, list(range(params.community.consumers))
        )
        m = params.marketers
        Marketer.create_agents(self, m.count, m.capacity, m.response_style, m.review_noise)
        team = self.policies.decision.team(m, params.organisation)
        self.views = PerspectiveViews(self.space, params, self.framing, team, self.rng)
        gates = StageGates(params.decision, team, params.organisation.co_owners, self.rng)
        self.organisation = Organisation(self, params.organisation, gates)
        self.ideas = IdeaPool()
        self.initial_expectation = self.policies.expectations.initial_expectation(
            params.consumers.optimism
        )
        first = self.rng.choice(
            params.community.consumers, params.community.initial_members, replace=False
        )
        self.consumers.join(np.sort(first), 0, self.initial_expectation)
        self.today: dict[str, float] = dict.fromkeys(REPORTERS, 0.0)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: [self.today.get, [name]] for name in REPORTERS}
        )
        self.snapshots: list[dict[str, np.ndarray]] = []
        self._quality_sums = np.zeros(4)  # quality, feasible, on strategy, both
        self._quality_counts = np.zeros(QUALITY_STEPS + 1, dtype=np.int64)  # histogram

    @functools.cached_property
    def graph(self) -> nx.Graph:
        """The consumers' social network as a networkx graph (node i is consumer i)."""
        return self.consumers.friends.graph()

    # --- the day --------------------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one day."""
        self.day = day = self.steps - 1
        pop, org = self.consumers, self.organisation
        members_before = int(pop.members.sum())
        joined = pop.arrivals(day)
        pop.join(joined, day, self.initial_expectation)
        incentive = (
            0.0
            if org.budget_spent()
            else self.policies.reward.incentive(
                day, pop.expectation, int(self.today.get("ideas_today", 0))
            )
        )
        posters, builders, voters = pop.participate(day, incentive)
        authors = self.submit(posters, builders, day)
        votes = self.vote(voters, day)
        org.open_queue(org.expire(day, self.marketer_params.patience))
        if Marketer in self.agent_types:
            self.agents_by_type[Marketer].shuffle_do("step")
        org.close_review()
        org.step()
        org.deliver_answers()
        self.pay(posters, org.accepted_today)
        leavers = pop.end_of_day(day)
        self.measure(
            day, joined.size, leavers.size, members_before, authors.size, posters.size, votes
        )
        self.datacollector.collect(self)
        interval = self.params.run.snapshot_interval
        if interval and (day % interval == 0 or day == self.params.run.days - 1):
            self.snapshot(day)
        if day + 1 >= self.params.run.days:
            self.running = False

    def submit(self, posters: np.ndarray, builders: np.ndarray, day: int) -> np.ndarray:
        """Consumers' new ideas and builds, plus the firm's internal ideas; returns all authors.

        A new idea is a hill climb on the author's view from a fresh start (or, under a closed
        "test machine", from a variant of the firm's concept), with effort set by intrinsic
        interest. A build improves a pending community idea by one step of the builder's view:
        consumers pool what they know of needs before the firm ever reads the idea. Both climbs
        run as one vectorised search.
        """
        rng, space, pool = self.rng, self.space, self.ideas
        targets = self.build_targets(builders.size)
        if self.framing.start_at_status_quo:  # the firm sets the task: variants of its concept
            starts = space.status_quo ^ (1 << rng.integers(0, space.loci, posters.size))
        else:
            starts = rng.integers(0, space.size, posters.size)
        ends = space.climb(
            np.concatenate([starts, pool["point"][targets]]),
            self.views.consumer,
            self.views.consumer_profiles(posters.size + targets.size, rng),
            np.concatenate(
                [self.consumers.search_steps(posters), np.ones(targets.size, dtype=np.int64)]
            ),
        )
        points = ends[: posters.size]
        np.add.at(pool["builds"], targets, 1)
        pool["point"][targets] = ends[posters.size :]  # two builders on one idea: the last counts
        authors = np.concatenate([posters, builders])
        first = self.consumers.record_posts(authors, day)[: posters.size]
        pool.add(
            author=posters,
            day=np.full(posters.size, day),
            point=points,
            quality_at_submission=space.quality[points],
            first_post=first,
        )
        self._count_quality(points)
        self.submit_internal(day)
        return authors

    def build_targets(self, count: int) -> np.ndarray:
        """The pending community ideas that ``count`` builders work on (none if none pending)."""
        pool = self.ideas
        open_ideas = self.pending()
        open_ideas = open_ideas[pool["author"][open_ideas] >= 0]
        if not open_ideas.size or not count:
            return np.empty(0, dtype=np.int64)
        return self.rng.choice(open_ideas, count)

    def submit_internal(self, day: int) -> None:
        """Ideas the firm develops itself, from variants of its current product."""
        count = self.rng.poisson(self.params.organisation.internal_ideas)
        if not count:
            return
        space = self.space
        starts = space.status_quo ^ (1 << self.rng.integers(0, space.loci, count))
        points = space.climb(
            starts,
            self.views.firm,
            np.zeros(count, dtype=np.int64),
            np.full(count, self.params.consumers.search_steps),
        )
        self.ideas.add(
            author=np.full(count, FIRM),
            day=np.full(count, day),
            point=points,
            quality_at_submission=space.quality[points],
        )
        self._count_quality(points)

    def vote(self, voters: np.ndarray, day: int) -> int:
        """Each voter looks at one recent idea and up-votes it if it meets a need they have.

        Returns:
            The number of up-votes cast.
        """
        recent = self.ideas.recent(day - 30)
        if not recent.size or not voters.size:
            return 0
        seen = self.rng.choice(recent, voters.size)
        like = self.space.need_fit[self.ideas["point"][seen]] ** self.params.ideas.vote_bias
        liked = seen[self.rng.random(voters.size) < like]
        np.add.at(self.ideas["votes"], liked, 1)
        return int(liked.size)

    def pay(self, posted: np.ndarray, accepted: np.ndarray) -> None:
        """Pay today's cash rewards through the reward policy and the budget."""
        authors, amounts = self.policies.reward.pay(
            self.day, posted, accepted, self.contest_entries
        )
        if authors.size:
            authors, amounts = self.organisation.pay(authors, amounts)
            paid = amounts > 0
            self.consumers.pay(authors[paid], amounts[paid])

    def pending(self) -> np.ndarray:
        """Ideas waiting for review (none can be older than the marketers' patience)."""
        return self.ideas.pending(self.day - self.marketer_params.patience)

    def contest_entries(self, first_day: int, last_day: int) -> tuple[np.ndarray, np.ndarray]:
        """Authors and votes of the consumer ideas submitted in a contest period."""
        pool = self.ideas
        ids = pool.recent(first_day)
        ids = ids[(pool["day"][ids] <= last_day) & (pool["author"][ids] >= 0)]
        return pool["author"][ids], pool["votes"][ids]

    def passes_screen(self, idea: np.ndarray) -> np.ndarray:
        """Whether the decision team's combined view of a concept clears the concept gate."""
        return self.views.team_view[self.ideas["point"][idea]] >= self.views.screen_threshold

    # --- measurement ----------------------------------------------------------------------------
    def _count_quality(self, points: np.ndarray) -> None:
        s = self.space
        feasible, strategic = s.feasible[points], s.on_strategy[points]
        self._quality_counts += quality_histogram(s.quality[points])
        self._quality_sums += [
            s.quality[points].sum(),
            feasible.sum(),
            strategic.sum(),
            (feasible & strategic).sum(),
        ]

    def measure(self, day, joined, left, members_before, contributions, ideas, votes) -> None:
        """Update today's reporters (collected by the DataCollector)."""
        n_ideas = max(len(self.ideas), 1)
        quality, feasible, strategic, both = self._quality_sums / n_ideas
        self.today.update(
            population_metrics(self.consumers, day),
            **organisation_metrics(self.organisation),
            joined_today=joined,
            churned_today=left,
            churn_rate=left / members_before if members_before else 0.0,
            contributions_today=contributions,
            ideas_today=ideas,
            votes_today=votes,
            quality_submitted=quality if len(self.ideas) else float("nan"),
            quality_submitted_p90=counts_percentile(self._quality_counts, 90) / QUALITY_STEPS,
            feasible_share=feasible,
            on_strategy_share=strategic,
            feasible_on_strategy_share=both,
            queue=int(self.organisation.queue.size),  # what the marketers left for tomorrow
        )

    def snapshot_schema(self) -> dict[str, np.ndarray]:
        """The snapshot table's columns with no rows (when no snapshot was taken)."""
        pop = self.consumers
        row = {"day": np.empty(0, dtype=np.int32), "consumer": np.empty(0, dtype=np.int64)}
        row.update({name: getattr(pop, name)[:0].copy() for name in SNAPSHOT_COLUMNS})
        row["tenure"] = np.empty(0, dtype=np.int32)
        return row

    def snapshot(self, day: int) -> None:
        """Record every current or former member's state (agent-level table)."""
        pop = self.consumers
        ever = np.flatnonzero(pop.join_day >= 0)
        row = {"day": np.full(ever.size, day, dtype=np.int32), "consumer": ever}
        row.update({name: getattr(pop, name)[ever].copy() for name in SNAPSHOT_COLUMNS})
        end = np.where(pop.churn_day[ever] >= 0, pop.churn_day[ever], day)
        row["tenure"] = (end - pop.join_day[ever]).astype(np.int32)
        self.snapshots.append(row)
