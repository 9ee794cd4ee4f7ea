"""CoCreationModel: an organisation, its marketers and a community of consumers, one day a step."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

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
from simulation.scenario.kinds import ResponseStyle


def nobody() -> np.ndarray:
    """No consumers: an empty array of indices."""
    return np.empty(0, dtype=np.int64)


@dataclass
class Day:
    """The record one day's steps hand on to each other.

    Attributes:
        number: the day (0 is the first).
        members_at_start: members before anyone joined or left today.
        joined: consumers who joined today.
        posters: authors of today's new ideas (one entry per idea).
        builders: authors of today's builds on others' ideas (one entry per build).
        voters: members who took part today without posting.
        authors: posters and builders (one entry per post).
        votes: up-votes cast today.
        leavers: members who left today.
    """

    number: int
    members_at_start: int = 0
    joined: np.ndarray = field(default_factory=nobody)
    posters: np.ndarray = field(default_factory=nobody)
    builders: np.ndarray = field(default_factory=nobody)
    voters: np.ndarray = field(default_factory=nobody)
    authors: np.ndarray = field(default_factory=nobody)
    votes: int = 0
    leavers: np.ndarray = field(default_factory=nobody)


class CoCreationModel(mesa.Model):
    """A co-creation community under the organisation's policies, one day a step (:meth:`step`).

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
        # a controlling brief costs autonomy, and with it intrinsic interest (Deci & Ryan 2000)
        self.consumers.autonomy_loss = (
            self.framing.controlling * params.policies.control.autonomy_cost
        )
        Consumer.create_agents(
            self, params.community.consumers, list(range(params.community.consumers))
        )
        m = params.marketers
        style = ResponseStyle(m.response_style)
        self.decision_style = ResponseStyle.SILENT if self.framing.silent else style
        Marketer.create_agents(self, m.count, m.capacity, style, m.review_noise)
        team = self.policies.decision.team(m, params.organisation)
        self.views = PerspectiveViews(self.space, params, self.framing, team, self.rng)
        gates = StageGates(
            params.decision, team, params.organisation.co_owners, self.rng, params.ideas.ruggedness
        )
        self.organisation = Organisation(self, params.organisation, gates)
        self.ideas = IdeaPool()
        first = self.rng.choice(
            params.community.consumers, params.community.initial_members, replace=False
        )
        self.consumers.join(np.sort(first), 0, self.policies.expectations)
        self.today: dict[str, float] = dict.fromkeys(REPORTERS, 0.0)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: [self.today.get, [name]] for name in REPORTERS}
        )
        self.snapshots: list[dict[str, np.ndarray]] = []
        self.yesterday = Day(-1)  # the day before the first: nothing happened
        self._quality_sums = np.zeros(4)  # quality, feasible, on strategy, both
        self._quality_counts = np.zeros(QUALITY_STEPS + 1, dtype=np.int64)  # histogram

    @functools.cached_property
    def graph(self) -> nx.Graph:
        """The consumers' social network as a networkx graph (node i is consumer i)."""
        return self.consumers.friends.graph()

    # --- the day --------------------------------------------------------------------------------
    def step(self) -> None:
        """One day (the schedule of ``docs/ODD.md``, section 3).

        Newcomers arrive; members decide to take part (pulled by any cash on offer); their ideas
        and builds enter the pool; voters vote; the organisation has its day (ignored ideas
        expire, marketers review the queue, concepts pass the gates, authors hear back); cash is
        paid; interest and satisfaction drift and some members leave; the day is measured and
        closed (collected, snapshot, stop after the last day).
        """
        day = Day(self.steps - 1, members_at_start=int(self.consumers.member.sum()))
        self.day = day.number
        self.arrive(day)
        self.participate(day)
        self.submit(day)
        self.vote(day)
        self.organisation.step()  # ignored ideas expire, marketers review, gates decide, answers
        self.pay(day)
        self.leave(day)
        self.measure(day)
        self.close(day)

    def arrive(self, day: Day) -> None:
        """Newcomers join: unprompted arrivals and friends invited by word of mouth."""
        day.joined = self.consumers.arrivals(day.number)
        self.consumers.join(day.joined, day.number, self.policies.expectations)

    def participate(self, day: Day) -> None:
        """Members decide to take part, pulled by whatever cash the reward scheme offers today."""
        incentive = (
            0.0
            if self.organisation.budget_spent()
            else self.policies.reward.incentive(
                day.number, self.consumers.expectation, self.yesterday.posters.size
            )
        )
        day.posters, day.builders, day.voters = self.consumers.participate(day.number, incentive)

    def leave(self, day: Day) -> None:
        """Interest, recognition and satisfaction drift; some members leave."""
        day.leavers = self.consumers.end_of_day(day.number)

    def close(self, day: Day) -> None:
        """Collect the day's figures, take a snapshot when one is due, stop after the last day."""
        self.datacollector.collect(self)
        interval, days = self.params.run.snapshot_interval, self.params.run.days
        if interval and (day.number % interval == 0 or day.number == days - 1):
            self.snapshots.append(self.consumers.snapshot(day.number))
        if day.number + 1 >= days:
            self.running = False
        self.yesterday = day

    def submit(self, day: Day) -> None:
        """Consumers' new ideas and builds, plus the firm's internal ideas.

        A new idea is a hill climb on the author's view from a fresh start (or, under a closed
        "test machine", from a variant of the firm's concept), with effort set by intrinsic
        interest. A build improves a pending community idea by one step of the builder's view:
        consumers pool what they know of needs before the firm ever reads the idea. Both climbs
        run as one vectorised search.
        """
        rng, space, pool = self.rng, self.space, self.ideas
        posters, builders = day.posters, day.builders
        targets = self.build_targets(builders.size)
        if self.framing.start_at_status_quo:  # the firm sets the task: variants of its concept
            starts = space.status_quo ^ (1 << rng.integers(0, space.loci, posters.size))
        else:
            starts = rng.integers(0, space.size, posters.size)
            if self.views.disclosed_bits and self.framing.anchoring > 0:
                starts = self.anchor(starts)
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
        self.consumers.recognise_peers(pool["author"][targets])  # builds target consumer ideas
        pool["point"][targets] = ends[posters.size :]  # two builders on one idea: the last counts
        day.authors = np.concatenate([posters, builders])
        first = self.consumers.record_posts(day.authors, day.number)[: posters.size]
        pool.add(
            author=posters,
            day=np.full(posters.size, day.number),
            point=points,
            quality_at_submission=space.quality[points],
            first_post=first,
        )
        self._count_quality(points)
        self.submit_internal(day.number)

    def anchor(self, starts: np.ndarray) -> np.ndarray:
        """Under framing, new ideas start disclosed loci at the current product's value.

        Each disclosed locus is anchored with probability ``anchoring``: the brief describes
        the product as it is, so search starts nearer to it and novelty falls.
        """
        loci = self.space.loci
        chosen = self.rng.random((starts.size, loci)) < self.framing.anchoring
        masks = (chosen.astype(np.int64) << np.arange(loci)).sum(axis=1) & self.views.disclosed_bits
        return (starts & ~masks) | (self.space.status_quo & masks)

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

    def vote(self, day: Day) -> None:
        """Each voter looks at one recent idea and up-votes it if it meets a need they have."""
        recent = self.ideas.recent(day.number - 30)
        voters = day.voters
        if not recent.size or not voters.size:
            return
        seen = self.rng.choice(recent, voters.size)
        like = self.space.need_fit[self.ideas["point"][seen]] ** self.params.ideas.vote_bias
        liked = seen[self.rng.random(voters.size) < like]
        np.add.at(self.ideas["votes"], liked, 1)
        authors = self.ideas["author"][liked]
        self.consumers.recognise_peers(authors[authors >= 0])
        day.votes = int(liked.size)

    def pay(self, day: Day) -> None:
        """Pay today's cash rewards through the reward policy and the budget."""
        accepted = self.organisation.accepted_today
        self.policies.reward.grant(self.consumers, day.number, accepted.size)
        authors, amounts = self.policies.reward.pay(
            day.number, day.posters, accepted, self.contest_entries
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

    def measure(self, day: Day) -> None:
        """Update today's figures: the registry's daily metrics, read by the DataCollector."""
        n_ideas = max(len(self.ideas), 1)
        quality, feasible, strategic, both = self._quality_sums / n_ideas
        left, before = day.leavers.size, day.members_at_start
        org = self.organisation
        ignored = org.ignored_ideas
        self.today.update(
            population_metrics(self.consumers, day.number),
            **organisation_metrics(self.organisation),
            joined_today=day.joined.size,
            churned_today=left,
            churn_rate=left / before if before else 0.0,
            contributions_today=day.authors.size,
            ideas_today=day.posters.size,
            votes_today=day.votes,
            quality_submitted=quality if len(self.ideas) else float("nan"),
            quality_submitted_p90=counts_percentile(self._quality_counts, 90) / QUALITY_STEPS,
            feasible_share=feasible,
            on_strategy_share=strategic,
            feasible_on_strategy_share=both,
            queue=int(self.organisation.queue.size),  # what the marketers left for tomorrow
            ignored_share=ignored / dealt if (dealt := ignored + org.reviewed_ideas) else np.nan,
        )
