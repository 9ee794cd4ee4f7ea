"""The organisation's policies: small classes, one decision each, listed in one registry.

Families (``POLICIES``): reward, recognition, control, expectations, decision team, triage,
adaptation.
The kinds of each family are declared in :mod:`simulation.scenario.kinds`, where the scenario
reads its allowed values; a scenario's ``kind`` picks a class; :func:`make_policies` builds one
policy per family for the model. Tests run the same invariants over every class in the
registry, so a new policy only has to be registered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from typing import ClassVar

import numpy as np

from simulation.scenario import (
    AdaptationParams,
    ControlParams,
    DecisionParams,
    ExpectationParams,
    MarketerParams,
    RecognitionParams,
    RewardParams,
    Scenario,
    TriageParams,
)
from simulation.scenario.kinds import (
    POLICY_FAMILIES,
    AdaptationKind,
    ControlKind,
    ExpectationKind,
    PolicyFamily,
    RecognitionKind,
    ResponseStyle,
    RewardKind,
    TeamKind,
    TriageKind,
)

NO_PAY = (np.empty(0, dtype=np.int64), np.empty(0))


# --- reward -------------------------------------------------------------------------------------
class RewardPolicy:
    """Cash for contributions.

    Contingent rewards crowd out intrinsic interest (Deci, Koestner & Ryan 1999, F1); the
    consumer population applies that loss to everyone who takes part while the scheme offers
    them something (a positive incentive).
    """

    kind: ClassVar[StrEnum]

    def __init__(self, params: RewardParams):
        self.params = params

    def is_on(self, day: int) -> bool:
        """Whether the scheme runs on ``day`` (start inclusive, stop exclusive)."""
        return self.params.start_day <= day < self.params.stop_day

    def incentive(self, day: int, expectation: np.ndarray, entrants: int) -> np.ndarray | float:
        """Cash a consumer expects for one more idea today (drives the extrinsic pull)."""
        return 0.0

    def pay(self, day: int, posted: np.ndarray, accepted: np.ndarray, contest) -> tuple:
        """Who is paid today and how much: ``(authors, amounts)``."""
        return NO_PAY

    def grant(self, consumers, day: int, accepted: int) -> None:
        """Non-cash rewards handed out today, when ``accepted`` ideas were accepted (none)."""


class NoReward(RewardPolicy):
    """No cash at all."""

    kind = RewardKind.NONE


class PerIdeaReward(RewardPolicy):
    """A fixed payment for every idea posted while the scheme runs (engagement-contingent)."""

    kind = RewardKind.PER_IDEA

    def incentive(self, day, expectation, entrants):  # noqa: D102
        return self.params.amount if self.is_on(day) else 0.0

    def pay(self, day, posted, accepted, contest):  # noqa: D102
        if not self.is_on(day) or posted.size == 0:
            return NO_PAY
        return posted, np.full(posted.size, self.params.amount)


class PerAcceptedReward(RewardPolicy):
    """A payment for every idea the firm accepts (performance-contingent)."""

    kind = RewardKind.PER_ACCEPTED

    def incentive(self, day, expectation, entrants):  # noqa: D102
        return self.params.amount * expectation if self.is_on(day) else 0.0

    def pay(self, day, posted, accepted, contest):  # noqa: D102
        if not self.is_on(day) or accepted.size == 0:
            return NO_PAY
        return accepted, np.full(accepted.size, self.params.amount)


class ContestReward(RewardPolicy):
    """Every ``period`` days the ``winners`` most-voted ideas of the period win ``prize`` each."""

    kind = RewardKind.CONTEST

    def incentive(self, day, expectation, entrants):  # noqa: D102
        if not self.is_on(day):
            return 0.0
        return self.params.prize * self.params.winners / max(entrants, self.params.winners)

    def pay(self, day, posted, accepted, contest):  # noqa: D102
        p = self.params
        if not self.is_on(day) or (day - p.start_day) % p.period != p.period - 1:
            return NO_PAY
        authors, votes = contest(day - p.period + 1, day)
        if authors.size == 0:
            return NO_PAY
        order = np.lexsort((np.arange(votes.size), -votes))[: p.winners]
        return authors[order], np.full(order.size, p.prize)


class EarlyAccessReward(RewardPolicy):
    """The "first" F: recent contributors get early access to what the firm builds.

    An exclusive, non-cash reward: each accepted idea lets everyone who posted within the last
    ``access_window`` days in first, which counts as recognition (``access_value``) and binds
    them to the community (identity). It is not cash, so it draws no paid-for ideas and crowds
    nothing out. The five F's it completes (fun, friendship, first, feedback, finance) come
    from practitioners, not from a study: its size is a scenario assumption.
    """

    kind = RewardKind.EARLY_ACCESS

    def grant(self, consumers, day, accepted):  # noqa: D102
        if accepted and self.is_on(day):
            consumers.let_in_first(
                day - self.params.access_window, self.params.access_value * accepted
            )


# --- recognition --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """What a contributor gets back when the firm reviews or decides on their idea."""

    replied: bool = False
    explained: bool = False
    badge: bool = False
    credited: bool = False


SILENCE = Feedback()


class RecognitionPolicy:
    """Non-cash recognition.

    Informational feedback raises intrinsic interest (F2) and a reply to a newcomer raises the
    chance they post again (Joyce & Kraut 2006, F3).
    """

    kind: ClassVar[StrEnum]
    awards_newcomers: bool = False  # feature the first idea of each newcomer the firm reads

    def __init__(self, params: RecognitionParams):
        self.params = params

    def feedback(self, style: ResponseStyle, promoted: bool, accepted: bool) -> Feedback:
        """Feedback for one reviewed idea, given the marketer's response style."""
        return Feedback(
            replied=style is not ResponseStyle.SILENT, explained=style is ResponseStyle.EXPLAIN
        )

    def announce(self, consumers, accepted: int) -> None:
        """What members see of the ``accepted`` community ideas decided today (nothing)."""


class NoRecognition(RecognitionPolicy):
    """Whatever the marketers' own style gives; no programme."""

    kind = RecognitionKind.NONE


class ReplyRecognition(RecognitionPolicy):
    """Every reviewed idea gets at least a personal reply."""

    kind = RecognitionKind.REPLY

    def feedback(self, style, promoted, accepted):  # noqa: D102
        return Feedback(replied=True, explained=style is ResponseStyle.EXPLAIN)


class FeatureRecognition(RecognitionPolicy):
    """Replies, and a public feature (badge) for promoted and accepted ideas.

    With ``newcomer_award`` a newcomer's first idea the firm reads is featured too: the
    symbolic award for new contributors that retained them in Gallus's (2017) field experiment.
    """

    kind = RecognitionKind.FEATURE

    def __init__(self, params: RecognitionParams):
        super().__init__(params)
        self.awards_newcomers = params.newcomer_award

    def feedback(self, style, promoted, accepted):  # noqa: D102
        return Feedback(
            replied=True, explained=style is ResponseStyle.EXPLAIN, badge=promoted or accepted
        )


class InfluenceRecognition(RecognitionPolicy):
    """Replies, and implemented ideas credited publicly: visible influence for everyone."""

    kind = RecognitionKind.INFLUENCE

    def feedback(self, style, promoted, accepted):  # noqa: D102
        return Feedback(replied=True, explained=style is ResponseStyle.EXPLAIN, credited=accepted)

    def announce(self, consumers, accepted):  # noqa: D102
        consumers.see_influence(accepted)


# --- control and framing ------------------------------------------------------------------------
@dataclass(frozen=True)
class Framing:
    """What consumers are told before they search, and how the firm answers them."""

    disclosed: float = 0.0
    start_at_status_quo: bool = False
    silent: bool = False
    dialogue: bool = True
    controlling: float = 0.0  # how controlling the brief is (0 open .. 1 closed): autonomy cost
    misreading: float = 0.0  # chance a disclosed constraint is read the wrong way round
    anchoring: float = 0.0  # chance a new idea starts a disclosed locus at the current product


class ControlPolicy:
    """Control over the result.

    Framing discloses the firm's objectives and constraints (Huang, Singh & Srinivasan 2014); a
    closed "test machine" sets the tasks and answers silently.
    """

    kind: ClassVar[StrEnum]

    def __init__(self, params: ControlParams):
        self.params = params

    def frame(self) -> Framing:
        """The brief consumers work from."""
        return Framing()


class OpenControl(ControlPolicy):
    """Anything goes; the firm discloses nothing up front."""

    kind = ControlKind.OPEN


class FramedControl(ControlPolicy):
    """A share of the firm's constraints and its strategy are disclosed before consumers search.

    Framing is an imperfect, costly instrument. Each consumer reads a disclosed constraint the
    wrong way round with probability ``misreading``; the brief anchors new ideas at the current
    product on disclosed loci (``anchoring``), so a tighter frame narrows search and novelty
    falls (constraints and creativity form an inverted U: Acar, Tarakci & van Knippenberg
    2019); and a controlling brief costs autonomy and with it intrinsic interest
    (self-determination theory: Deci & Ryan 2000), in proportion to what it discloses.
    """

    kind = ControlKind.FRAMED

    def frame(self):  # noqa: D102
        p = self.params
        return Framing(
            disclosed=p.disclosure,
            controlling=p.disclosure,
            misreading=p.misreading,
            anchoring=p.anchoring,
        )


class ClosedControl(ControlPolicy):
    """The "test machine": firm-set tasks, no replies, no explanations, no dialogue.

    Consumers test variants of the firm's own concept. The name is a practitioner's label and
    its decay a hypothesis, not a finding.
    """

    kind = ControlKind.CLOSED

    def frame(self):  # noqa: D102
        return Framing(start_at_status_quo=True, silent=True, dialogue=False, controlling=1.0)


# --- expectations -------------------------------------------------------------------------------
class ExpectationPolicy:
    """What newcomers expect, and whether the firm's criteria are known.

    Early contributors over-estimate their chances, each by their own amount (Huang, Singh &
    Srinivasan 2014); satisfaction then follows expectation and its disconfirmation (Oliver
    1980). Decisions by criteria stated up front are judged fairer (Franke, Keinz &
    Klausberger 2013).
    """

    kind: ClassVar[StrEnum]
    criteria_stated: bool = False

    def __init__(self, params: ExpectationParams):
        self.params = params

    def initial_expectation(self, own: np.ndarray) -> np.ndarray:
        """Chance of acceptance newcomers believe in on joining, given their own priors."""
        return own


class NoExpectationSetting(ExpectationPolicy):
    """Newcomers keep their own (optimistic) priors."""

    kind = ExpectationKind.NONE


class UpfrontExpectations(ExpectationPolicy):
    """Possibilities, limits and the odds stated at the start.

    A newcomer's expectation moves from their own prior towards the stated chance by the
    statement's ``credibility``; with ``states_criteria`` the firm also says what it decides
    by, so its decisions count as a fair process.
    """

    kind = ExpectationKind.UPFRONT

    def __init__(self, params: ExpectationParams):
        super().__init__(params)
        self.criteria_stated = params.states_criteria

    def initial_expectation(self, own):  # noqa: D102
        stated = self.params.stated_acceptance
        return stated + (1.0 - self.params.credibility) * (np.asarray(own) - stated)


# --- decision team ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Team:
    """Who reviews concepts at the stage gates."""

    perspectives: frozenset[str]
    size: int

    def joined(self, perspective: str, members: int) -> Team:
        """This team with ``members`` more people who bring ``perspective`` (none: unchanged).

        How co-owners take a seat (``agents/co_owner.py``): their concerns are covered, and one
        more member per seat coordinates (``decision.coordination``).
        """
        if members <= 0:
            return self
        return Team(self.perspectives | {perspective}, self.size + members)


class DecisionTeamPolicy:
    """Who sits on the decision team.

    Flaws are found only by reviewers whose perspective covers them (after Hong & Page 2004),
    and a flaw found late costs more (Stecklein et al. 2004, F6).
    """

    kind: ClassVar[StrEnum]

    def __init__(self, params: DecisionParams):
        self.params = params

    def team(self, marketers: MarketerParams) -> Team:
        """The firm's own team that reviews every concept (co-owners take seats on top of it)."""
        return Team(frozenset(self.params.marketer_perspectives), max(marketers.count, 1))


class InternalTeam(DecisionTeamPolicy):
    """Marketers only."""

    kind = TeamKind.INTERNAL


class CoCreationTeam(DecisionTeamPolicy):
    """Consumers and other functions review alongside the marketers."""

    kind = TeamKind.COCREATION

    def team(self, marketers):  # noqa: D102
        p = self.params
        perspectives = set(p.marketer_perspectives) | set(p.other_functions)
        if p.consumer_reviewers:
            perspectives.add("customer")
        size = marketers.count + p.consumer_reviewers + len(p.other_functions)
        return Team(frozenset(perspectives), max(size, 1))


# --- triage -------------------------------------------------------------------------------------
class TriagePolicy:
    """Which waiting ideas the marketers read first when they cannot read them all.

    Whatever is left past the marketers' patience expires unread: the order decides who hears
    back. A reply to a newcomer's first post raises the chance they post again (Joyce & Kraut
    2006), so reading newcomers first is a lever on retention.
    """

    kind: ClassVar[StrEnum]

    def __init__(self, params: TriageParams):
        self.params = params

    def order(self, pending: np.ndarray, votes, first_post, rng) -> np.ndarray:
        """The waiting ideas ``pending`` (oldest first) in the order they will be read."""
        raise NotImplementedError


class MostVotedFirst(TriagePolicy):
    """Most up-votes first, then oldest first."""

    kind = TriageKind.MOST_VOTED

    def order(self, pending, votes, first_post, rng):  # noqa: D102
        return pending[np.lexsort((pending, -votes))]


class OldestFirst(TriagePolicy):
    """First come, first read."""

    kind = TriageKind.OLDEST

    def order(self, pending, votes, first_post, rng):  # noqa: D102
        return pending


class NewcomersFirst(TriagePolicy):
    """Authors' first ideas first, then most voted, then oldest."""

    kind = TriageKind.NEWCOMERS

    def order(self, pending, votes, first_post, rng):  # noqa: D102
        return pending[np.lexsort((pending, -votes, ~first_post))]


class RandomOrder(TriagePolicy):
    """Whatever comes to hand: a random order every day."""

    kind = TriageKind.RANDOM

    def order(self, pending, votes, first_post, rng):  # noqa: D102
        return rng.permutation(pending)


class MixedOrder(TriagePolicy):
    """A share of the reading slots for newcomers' first ideas, the rest for the most voted.

    Newcomers' first ideas and all others are each ranked as under most-voted-first (most votes,
    then oldest) and then interleaved so that, over the first k ideas read, about
    ``newcomer_share`` · k are newcomers' first ideas (while there are any). A share of 1 reads
    as newcomers-first; a share of 0 reads newcomers' first ideas only when nothing else waits.
    The firm keeps an eye on the popular ideas and still answers many first posts: a compromise
    no single study prescribes, set by the strategist.

    >>> policy = MixedOrder(TriageParams(kind="mixed", newcomer_share=0.5))
    >>> policy.order(np.arange(6), np.array([5, 4, 3, 2, 1, 0]),
    ...              np.array([False, False, False, True, True, True]), None).tolist()
    [0, 3, 1, 4, 2, 5]
    """

    kind = TriageKind.MIXED

    def order(self, pending, votes, first_post, rng):  # noqa: D102
        ranked = pending[np.lexsort((pending, -votes))]
        newcomer = np.isin(ranked, pending[first_post])
        share = self.params.newcomer_share
        key = np.empty(ranked.size)
        for mask, weight in ((newcomer, share), (~newcomer, 1.0 - share)):
            rank = np.arange(int(mask.sum())) + 0.5
            key[mask] = rank / weight if weight > 0 else np.inf
        return ranked[np.argsort(key, kind="stable")]


# --- adaptation ---------------------------------------------------------------------------------
class AdaptationPolicy:
    """How the organisation changes course during a run: its staff, or its cash scheme.

    Every ``review_every`` days from ``first_review`` the firm looks at its review queue, at the
    share of ideas that expired unread since its last review and at the cash it has paid per
    accepted idea, and decides; :mod:`simulation.model.adaptation` carries the decision out
    (hires after a lag, releases, the day the cash stops). The rules are scenario assumptions:
    no study gives a firm's staffing rule.
    """

    kind: ClassVar[StrEnum]

    def __init__(self, params: AdaptationParams):
        self.params = params

    def reviews(self, day: int) -> bool:
        """Whether the firm reviews its course on ``day``."""
        p = self.params
        return day >= p.first_review and (day - p.first_review) % p.review_every == 0

    def staff(self, working: int, queue: int, expired_share: float) -> int:
        """Community managers wanted, with ``working`` at work and ``queue`` ideas waiting."""
        return working

    def stops_cash(self, cash: float, accepted: int) -> bool:
        """Whether the cash reward stops, after ``cash`` paid for ``accepted`` ideas so far."""
        return False


class FixedCourse(AdaptationPolicy):
    """The firm keeps its staff and its schemes as the scenario set them: it never reviews."""

    kind = AdaptationKind.FIXED

    def reviews(self, day):  # noqa: D102
        return False


class StaffToQueue(AdaptationPolicy):
    """Community managers follow the queue.

    The firm wants one community manager per ``queue_per_marketer`` waiting ideas, and one more
    than it has at work when more than ``expiry_threshold`` of the ideas it dealt with since its
    last review expired unread, within ``min_marketers`` .. ``max_marketers``.
    """

    kind = AdaptationKind.STAFF_TO_QUEUE

    def staff(self, working, queue, expired_share):  # noqa: D102
        p = self.params
        wanted = math.ceil(queue / p.queue_per_marketer)
        if expired_share > p.expiry_threshold:
            wanted = max(wanted, working + 1)
        return min(max(wanted, p.min_marketers), p.max_marketers)


class StopCash(AdaptationPolicy):
    """The cash reward stops once it costs more than ``max_cost_per_accepted`` per accepted idea.

    Cash per accepted idea counts everything paid since the start (per idea, per accepted idea,
    prizes) over the ideas accepted so far (at least one). Stopping matters beyond the money:
    pay that is too small does worse than none ("pay enough or don't pay at all", Gneezy &
    Rustichini 2000), and interest crowded out while the cash ran (Deci, Koestner & Ryan 1999)
    recovers only slowly once it stops, so a withdrawn scheme leaves members below where they
    started.
    """

    kind = AdaptationKind.STOP_CASH

    def stops_cash(self, cash, accepted):  # noqa: D102
        return cash > self.params.max_cost_per_accepted * max(accepted, 1)


# --- registry -----------------------------------------------------------------------------------
def _registry(*classes: type) -> dict[StrEnum, type]:
    """Classes by kind; every kind of the family has exactly one class."""
    registry = {cls.kind: cls for cls in classes}
    kinds = type(classes[0].kind)
    if len(registry) != len(classes) or set(registry) != set(kinds):
        raise TypeError(f"{kinds.__name__}: one policy class per kind, got {sorted(registry)}")
    return registry


POLICIES: dict[str, dict[StrEnum, type]] = {
    "reward": _registry(
        NoReward, PerIdeaReward, PerAcceptedReward, ContestReward, EarlyAccessReward
    ),
    "recognition": _registry(
        NoRecognition, ReplyRecognition, FeatureRecognition, InfluenceRecognition
    ),
    "control": _registry(OpenControl, FramedControl, ClosedControl),
    "expectations": _registry(NoExpectationSetting, UpfrontExpectations),
    "decision": _registry(InternalTeam, CoCreationTeam),
    "triage": _registry(MostVotedFirst, OldestFirst, NewcomersFirst, RandomOrder, MixedOrder),
    "adaptation": _registry(FixedCourse, StaffToQueue, StopCash),
}


@dataclass(frozen=True)
class Policies:
    """The policies a model runs with, one per family."""

    reward: RewardPolicy
    recognition: RecognitionPolicy
    control: ControlPolicy
    expectations: ExpectationPolicy
    decision: DecisionTeamPolicy
    triage: TriagePolicy
    adaptation: AdaptationPolicy


def make_policies(scenario: Scenario) -> Policies:
    """Instantiate the policies a scenario names (each family's kind and parameter table)."""

    def build(family: PolicyFamily):
        kind = family.kinds(reduce(getattr, family.key.split("."), scenario))
        return POLICIES[family.name][kind](reduce(getattr, family.table.split("."), scenario))

    return Policies(**{name: build(family) for name, family in POLICY_FAMILIES.items()})
