"""A community: one organisation's members, the ideas they post, and their side of the day.

A :class:`Community` is what a firm runs: its members (a :class:`ConsumerPopulation` of the
whole consumer population, in which only its members take part), its pool of ideas, and the
consumer-side steps of a day — newcomers arrive, members take part, ideas and builds enter the
pool, voters vote, cash is paid, members drift and some leave. The firm's side (the review
queue, the gates, the answers) is its :class:`~simulation.model.agents.organisation.Organisation`.
Several communities share one model when rival firms compete for the same consumers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.model.agents.consumer import ConsumerPopulation
from simulation.model.ideas.pool import FIRM, IdeaPool
from simulation.model.measures import QUALITY_STEPS
from simulation.model.metrics import organisation_metrics, population_metrics


def nobody() -> np.ndarray:
    """No consumers: an empty array of indices."""
    return np.empty(0, dtype=np.int64)


@dataclass
class Day:
    """The record one day's steps hand on to each other, in one community.

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


class Acts:
    """Who built on and who voted for which idea, day by day: kept only for the event log.

    The day's tables of a run count builds and votes per idea but not by whom; a run that
    writes its event log (``run_scenario(..., events=True)``) records them here. Recording
    appends the arrays the day already has, draws nothing and changes nothing.
    """

    def __init__(self):
        self.parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {
            "built": [],
            "voted": [],
        }

    def add(self, kind: str, day: int, members: np.ndarray, ideas: np.ndarray) -> None:
        """Record that ``members`` built on (or voted for) ``ideas`` on ``day``."""
        if members.size:
            days = np.full(members.size, day, dtype=np.int64)
            self.parts[kind].append((days, members.astype(np.int64), ideas.astype(np.int64)))

    def arrays(self, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(day, member, idea)`` of every recorded ``kind`` ("built" or "voted")."""
        parts = self.parts[kind]
        if not parts:
            return nobody(), nobody(), nobody()
        return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def pick(rng: np.random.Generator, a: np.ndarray, size: int) -> np.ndarray:
    """``rng.choice(a, size)`` (with replacement), the same draws at a third of the cost.

    ``Generator.choice`` draws ``integers(0, len(a), size)`` and takes those elements; its
    checks cost some 10 microseconds a call, which two calls a day make worth skipping.

    >>> a = np.array([3, 5, 7])
    >>> bool((pick(np.random.default_rng(1), a, 4) == np.random.default_rng(1).choice(a, 4)).all())
    True
    """
    return a[rng.integers(0, a.size, size)]


class Community:
    """One firm's community: its members, its ideas and the consumer side of its day.

    Args:
        model: the model it belongs to (shared idea space, random generator, day).
        consumers: the membership columns of this community.
    """

    def __init__(self, model, consumers: ConsumerPopulation):
        self.model, self.consumers = model, consumers
        self.organisation = None  # the Organisation agent that runs it (sets this itself)
        self.ideas = IdeaPool()
        self.day = Day(-1)  # today's record
        self.yesterday = Day(-1)  # the day before the first: nothing happened
        self._quality_sums = np.zeros(4)  # quality, feasible, on strategy, both
        self._quality_counts = np.zeros(QUALITY_STEPS + 1, dtype=np.int64)  # histogram
        self.consumer_ideas = 0  # new consumer ideas posted so far (builds and firm ideas aside)
        self.acts: Acts | None = None  # who built and voted on what, if the run keeps its events

    @property
    def params(self):
        """The scenario as this community's organisation sees it (its own policies)."""
        return self.organisation.config

    def start(self, number: int) -> Day:
        """Open today's record."""
        self.day = Day(number, members_at_start=self.consumers.member_rows.size)
        return self.day

    # --- the consumer side of the day ------------------------------------------------------------
    def arrive(self) -> None:
        """Newcomers join: unprompted arrivals and friends invited by word of mouth."""
        day = self.day
        day.joined = self.consumers.arrivals(day.number)
        self.consumers.join(day.joined, day.number, self.organisation.policies.expectations)

    def incentive(self) -> np.ndarray | float:
        """The cash the reward scheme holds out today (none once a limited budget is spent)."""
        org = self.organisation
        if org.budget_spent():
            return 0.0
        return org.policies.reward.incentive(
            self.day.number, self.consumers.expectation, self.yesterday.posters.size
        )

    def participate(self) -> None:
        """Members decide to take part, pulled by whatever cash the reward scheme offers today."""
        day = self.day
        day.posters, day.builders, day.voters = self.consumers.participate(
            day.number, self.incentive()
        )

    def submit(self) -> None:
        """Consumers' new ideas and builds, plus the firm's internal ideas.

        A new idea is a hill climb on the author's view from a fresh start (or, under a closed
        "test machine", from a variant of the firm's concept), with effort set by intrinsic
        interest. A build improves a pending community idea by one step of the builder's view:
        consumers pool what they know of needs before the firm ever reads the idea. Both climbs
        run as one vectorised search.
        """
        from simulation.model import kernels

        rng, space, pool, day = self.model.rng, self.model.space, self.ideas, self.day
        org = self.organisation
        views, framing = org.views, org.framing
        posters, builders = day.posters, day.builders
        targets = self.build_targets(builders.size)
        if framing.start_at_status_quo:  # the firm sets the task: variants of its concept
            starts = space.status_quo ^ (1 << rng.integers(0, space.loci, posters.size))
        else:
            starts = rng.integers(0, space.size, posters.size)
            if views.disclosed_bits and framing.anchoring > 0:
                starts = self.anchor(starts)
        profiles = views.consumer_profiles(posters.size + targets.size, rng)
        ends = space.climb(
            np.concatenate([starts, pool["point"][targets]]),
            views.consumer_views(profiles),
            profiles,
            np.concatenate(
                [self.consumers.search_steps(posters), np.ones(targets.size, dtype=np.int64)]
            ),
        )
        points = ends[: posters.size]
        if self.acts is not None:  # a build with no pending idea to work on has no target
            built_on = targets if targets.size else np.full(builders.size, -1)
            self.acts.add("built", day.number, builders, built_on)
        kernels.add_at(pool["builds"], targets, 1)  # as np.add.at
        self.consumers.recognise_peers(pool["author"][targets])  # builds target consumer ideas
        pool["point"][targets] = ends[posters.size :]  # two builders on one idea: the last counts
        day.authors = np.concatenate([posters, builders])
        first = self.consumers.record_posts(day.authors, day.number)[: posters.size]
        self.consumer_ideas += posters.size
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
        space, org = self.model.space, self.organisation
        chosen = self.model.rng.random((starts.size, space.loci)) < org.framing.anchoring
        masks = (chosen.astype(np.int64) << np.arange(space.loci)).sum(
            axis=1
        ) & org.views.disclosed_bits
        return (starts & ~masks) | (space.status_quo & masks)

    def build_targets(self, count: int) -> np.ndarray:
        """The pending community ideas that ``count`` builders work on (none if none pending)."""
        pool = self.ideas
        open_ideas = self.pending()
        open_ideas = open_ideas[pool["author"][open_ideas] >= 0]
        if not open_ideas.size or not count:
            return np.empty(0, dtype=np.int64)
        return pick(self.model.rng, open_ideas, count)

    def submit_internal(self, day: int) -> None:
        """Ideas the firm develops itself, from variants of its current product."""
        rng, space, params = self.model.rng, self.model.space, self.params
        count = rng.poisson(params.organisation.internal_ideas)
        if not count:
            return
        starts = space.status_quo ^ (1 << rng.integers(0, space.loci, count))
        points = space.climb(
            starts,
            self.organisation.views.firm,
            np.zeros(count, dtype=np.int64),
            np.full(count, params.consumers.search_steps),
        )
        self.ideas.add(
            author=np.full(count, FIRM),
            day=np.full(count, day),
            point=points,
            quality_at_submission=space.quality[points],
        )
        self._count_quality(points)

    def vote(self) -> None:
        """Each voter looks at one recent idea and up-votes it if it meets a need they have."""
        day, rng = self.day, self.model.rng
        recent = self.ideas.recent(day.number - 30)
        voters = day.voters
        if not recent.size or not voters.size:
            return
        seen = pick(rng, recent, voters.size)
        like = self.model.space.need_fit[self.ideas["point"][seen]] ** self.params.ideas.vote_bias
        liking = rng.random(voters.size) < like
        liked = seen[liking]
        if self.acts is not None:
            self.acts.add("voted", day.number, voters[liking], liked)
        from simulation.model import kernels

        kernels.add_at(self.ideas["votes"], liked, 1)  # as np.add.at
        authors = self.ideas["author"][liked]
        self.consumers.recognise_peers(authors[authors >= 0])
        day.votes = int(liked.size)

    def pay(self) -> None:
        """Pay today's cash rewards through the reward policy and the budget."""
        org, day = self.organisation, self.day
        accepted = org.accepted_today
        reward = org.policies.reward
        reward.grant(self.consumers, day.number, accepted.size)
        authors, amounts = reward.pay(day.number, day.posters, accepted, self.contest_entries)
        if authors.size:
            authors, amounts = org.pay(authors, amounts)
            paid = amounts > 0
            self.consumers.pay(authors[paid], amounts[paid])

    def leave(self) -> None:
        """Interest, recognition and satisfaction drift; some members leave."""
        self.day.leavers = self.consumers.end_of_day(self.day.number)

    def close(self) -> None:
        """Today becomes yesterday."""
        self.yesterday = self.day

    # --- what the firm reads ---------------------------------------------------------------------
    def pending(self) -> np.ndarray:
        """Ideas waiting for review (none can be older than the marketers' patience)."""
        return self.ideas.pending(self.model.day - self.organisation.marketer_params.patience)

    def contest_entries(self, first_day: int, last_day: int) -> tuple[np.ndarray, np.ndarray]:
        """Authors and votes of the consumer ideas submitted in a contest period."""
        pool = self.ideas
        ids = pool.recent(first_day)
        ids = ids[(pool["day"][ids] <= last_day) & (pool["author"][ids] >= 0)]
        return pool["author"][ids], pool["votes"][ids]

    def passes_screen(self, idea: np.ndarray) -> np.ndarray:
        """Whether the decision team's combined view of a concept clears the concept gate."""
        views = self.organisation.views
        return views.team_view[self.ideas["point"][idea]] >= views.screen_threshold

    # --- measurement ----------------------------------------------------------------------------
    def _count_quality(self, points: np.ndarray) -> None:
        from simulation.model import kernels  # the quality histogram and the sums, compiled

        s = self.model.space
        total, feasible, strategic, both = kernels.count_quality(
            np.asarray(points, dtype=np.int64),
            s.quality,
            s.feasible,
            s.on_strategy,
            self._quality_counts,
            QUALITY_STEPS,
        )
        self._quality_sums += [total, feasible, strategic, both]

    def figures(self) -> dict[str, float]:
        """Today's figures of this community: the registry's daily metrics."""
        from simulation.model import kernels  # measures.counts_percentile, compiled

        day = self.day
        n_ideas = max(len(self.ideas), 1)
        quality, feasible, strategic, both = self._quality_sums / n_ideas
        left, before = day.leavers.size, day.members_at_start
        org = self.organisation
        ignored = org.ignored_ideas
        return dict(
            population_metrics(self.consumers, day.number),
            **organisation_metrics(org),
            joined_today=day.joined.size,
            churned_today=left,
            churn_rate=left / before if before else 0.0,
            contributions_today=day.authors.size,
            ideas_today=day.posters.size,
            votes_today=day.votes,
            quality_submitted=quality if len(self.ideas) else float("nan"),
            quality_submitted_p90=kernels.counts_percentile(self._quality_counts, 90.0)
            / QUALITY_STEPS,
            feasible_share=feasible,
            on_strategy_share=strategic,
            feasible_on_strategy_share=both,
            queue=int(org.queue.size),  # what the marketers left for tomorrow
            ignored_share=ignored / dealt if (dealt := ignored + org.reviewed_ideas) else np.nan,
        )

    def row(
        self, others: np.ndarray | None, figures: dict[str, float] | None = None
    ) -> dict[str, float]:
        """Today's figures of this community for the ``organisations`` table.

        ``others`` counts, for each consumer, their memberships of the *other* communities
        (None with one organisation): it gives who also belongs elsewhere and who switched.
        ``figures``: today's :meth:`figures` of this community if already made (the member
        counts are taken from them rather than counted again).
        """
        pop, org, day = self.consumers, self.organisation, self.day.number
        member = pop.member
        if figures is None:
            members = int(np.count_nonzero(member))
            active = int(np.count_nonzero(member & (pop.last_active > max(day - 30, -1))))
            active_today = int(np.count_nonzero(pop.active_today))
        else:
            members = figures["members"]
            active, active_today = figures["active_members"], figures["active_today"]
        firm = organisation_metrics(org)
        row = {
            "members": members,
            "active_members": active,
            "active_today": active_today,
            "joined_total": int(pop.joined.size),
            "churned_total": int(pop.joined.size - members),
            "ideas_total": self.consumer_ideas,
            "accepted": firm["accepted"],
            "quality_accepted": firm["quality_accepted"],
            "time_to_decision_median": firm["time_to_decision_median"],
            "spend_total": firm["spend_total"],
            "cost_per_accepted": firm["cost_per_accepted"],
            "queue": int(org.queue.size),
            "co_owner_support": firm["co_owner_support"],
            "co_owners_withdrawn": sum(not owner.active for owner in org.co_owners),
            "members_elsewhere": 0,
            "switched_out": 0,
        }
        if others is not None:
            elsewhere = others > 0
            row["members_elsewhere"] = int(np.count_nonzero(member & elsewhere))
            row["switched_out"] = int(np.count_nonzero((pop.churn_day >= 0) & elsewhere))
        return row
