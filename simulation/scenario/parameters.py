"""Scenarios: every parameter of the model, its default, unit, range and meaning, in one place.

A scenario is a tree of frozen dataclasses. TOML files, the CLI's ``--set``, ``cocreate params``
and (later) the dashboard all read these definitions; no default is written anywhere else.
Validation happens once, here, at the boundary (``simulation.scenario``); the model trusts
what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from simulation.scenario.kinds import (
    AdaptationKind,
    ControlKind,
    ExpectationKind,
    RecognitionKind,
    ResponseStyle,
    RewardKind,
    TeamKind,
    TriageKind,
)

Perspectives = tuple[str, ...]
PERSPECTIVES = ("customer", "marketing", "engineering", "operations", "finance", "co_owner")


def param(
    default: Any,
    unit: str,
    description: str,
    *,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one parameter: its default, unit, one-line description and allowed values."""
    if choices is not None:  # enum members (simulation.scenario.kinds) become their names
        choices = tuple(str(choice) for choice in choices)
    meta = {"unit": unit, "description": description, "low": low, "high": high, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class RunParams:
    """How long to simulate and with which seed."""

    days: int = param(365, "days", "Days to simulate (1 step = 1 day).", low=1, high=20_000)
    seed: int = param(42, "-", "Seed of the run's random generator.", low=0, high=2**63 - 1)
    snapshot_interval: int = param(
        30, "days", "Interval between agent snapshots (0 = none).", low=0, high=20_000
    )


@dataclass(frozen=True)
class CommunityParams:
    """The population of consumers the community can recruit, and how they arrive."""

    consumers: int = param(
        1000,
        "people",
        "Consumers in the population the community recruits from.",
        low=1,
        high=5_000_000,
    )
    initial_members: int = param(
        150, "people", "Consumers who are members on day 0.", low=0, high=5_000_000
    )
    arrival_rate: float = param(
        2.0,
        "people/day",
        "Newcomers who join unprompted each day (Poisson mean).",
        low=0,
        high=1e6,
    )
    word_of_mouth: float = param(
        0.01,
        "invites/member/day",
        "Invitations a fully satisfied active member sends a day.",
        low=0,
        high=1,
    )
    invite_acceptance: float = param(
        0.3, "probability", "Chance an invited non-member joins.", low=0, high=1
    )
    network: str = param(
        "small_world",
        "-",
        "Social graph among consumers.",
        choices=("small_world", "scale_free", "random", "none"),
    )
    network_degree: int = param(
        8, "friends", "Mean number of friends per consumer.", low=0, high=1000
    )
    network_rewiring: float = param(
        0.1, "probability", "Rewiring probability of the small-world graph.", low=0, high=1
    )


@dataclass(frozen=True)
class ConsumerParams:
    """Motivation, participation and exit of consumers (Ren & Kraut; self-determination theory)."""

    intrinsic_mean: float = param(1.0, "utility", "Mean intrinsic interest (fun).", low=0, high=10)
    intrinsic_sd: float = param(
        0.3, "utility", "SD of intrinsic interest across consumers.", low=0, high=10
    )
    extrinsic_mean: float = param(
        1.0, "-", "Mean sensitivity to cash (individual values are exponential).", low=0, high=10
    )
    threshold_median: float = param(
        2.8,
        "utility",
        "Median participation threshold (lognormal across consumers).",
        low=0,
        high=100,
    )
    threshold_sigma: float = param(
        0.3, "log-utility", "Spread (sigma of log) of participation thresholds.", low=0, high=5
    )
    daily_noise: float = param(
        0.8, "utility", "SD of the day-to-day variation of a consumer's utility.", low=0, high=10
    )
    participation_cost: float = param(
        0.3, "utility", "Cost of taking part on a day.", low=0, high=10
    )
    weight_identity: float = param(
        0.6, "-", "Weight of identity attachment in utility.", low=0, high=10
    )
    weight_bond: float = param(
        0.8, "-", "Weight of friends active in the community.", low=0, high=10
    )
    weight_recognition: float = param(1.4, "-", "Weight of recognition received.", low=0, high=10)
    weight_money: float = param(1.5, "-", "Weight of the cash reward's pull.", low=0, high=10)
    weight_influence: float = param(0.6, "-", "Weight of expected influence.", low=0, high=10)
    weight_satisfaction: float = param(0.5, "-", "Weight of satisfaction.", low=0, high=10)
    post_share: float = param(
        0.0005,
        "posts/day",
        "Median posts per day of taking part (lognormal across consumers).",
        low=0,
        high=100,
    )
    voice_sigma: float = param(
        3.3,
        "-",
        "How much more the eager (low-threshold) post per day of taking part.",
        low=0,
        high=10,
    )
    arrival_idea_share: float = param(
        0.35,
        "share",
        "Newcomers who join with an idea to post on their first day of taking part.",
        low=0,
        high=1,
    )
    max_posts_per_day: float = param(
        10.0,
        "posts/day",
        "Upper bound of anyone's mean posts per day of taking part.",
        low=0,
        high=1000,
    )
    build_share: float = param(
        0.9,
        "probability",
        "Share of posts that build on another's idea (else new ideas).",
        low=0,
        high=1,
    )
    cash_idea_rate: float = param(
        0.1,
        "ideas/day",
        "Extra ideas a day of taking part brings at full cash pull.",
        low=0,
        high=100,
    )
    reward_half_saturation: float = param(
        20.0, "EUR", "Payment at which the cash pull reaches half its maximum.", low=1e-9, high=1e9
    )
    crowding_out: float = param(
        0.03,
        "1/day",
        "Intrinsic interest lost per day of taking part under a cash scheme (F1).",
        low=0,
        high=1,
    )
    feedback_boost: float = param(
        0.2,
        "SD",
        "Intrinsic interest gained from informational feedback, in SDs (F2).",
        low=0,
        high=5,
    )
    intrinsic_recovery: float = param(
        0.002, "1/day", "Daily pull of intrinsic interest back to its own baseline.", low=0, high=1
    )
    recognition_decay: float = param(0.02, "1/day", "Daily decay of recognition.", low=0, high=1)
    satisfaction_decay: float = param(
        0.01, "1/day", "Daily fading of satisfaction back towards neutral.", low=0, high=1
    )
    identity_gain: float = param(
        0.15, "utility", "Identity attachment gained per public recognition.", low=0, high=10
    )
    need_awareness: float = param(
        0.75,
        "share",
        "Share of their own need loci a consumer is aware of (latent needs).",
        low=0,
        high=1,
    )
    search_steps: int = param(3, "steps", "Hill-climbing steps of an average idea.", low=0, high=50)
    optimism: float = param(
        0.5,
        "probability",
        "Expected acceptance chance of a newcomer told nothing (Huang et al.).",
        low=0,
        high=1,
    )
    optimism_sd: float = param(
        0.15,
        "probability",
        "SD across newcomers of their own expected chance (clipped to 0..1).",
        low=0,
        high=1,
    )
    expectation_learning: float = param(
        0.2, "-", "Rate at which expectations follow outcomes (x2 when explained).", low=0, high=1
    )
    expectation_weight: float = param(
        1.0,
        "-",
        "Satisfaction per unit of the chance expected before an answer (assimilation; Oliver).",
        low=0,
        high=10,
    )
    disconfirmation_weight: float = param(
        0.6,
        "-",
        "Satisfaction change per unit of outcome minus expectation (Oliver).",
        low=0,
        high=10,
    )
    satisfaction_learning: float = param(
        0.3,
        "-",
        "Share of the way satisfaction moves towards the worth of each answer.",
        low=0,
        high=1,
    )
    silent_penalty: float = param(
        0.4,
        "satisfaction",
        "Worth lost when an idea is ignored, rejected or killed without a reply (x2 newcomers).",
        low=0,
        high=2,
    )
    fairness_bonus: float = param(
        0.15,
        "satisfaction",
        "Worth of a fair answer: explained, or by criteria stated up front (Franke et al.).",
        low=0,
        high=2,
    )
    newcomer_days: int = param(
        30, "days", "Tenure below which a member counts as a newcomer.", low=0, high=10_000
    )
    inactivity_days: int = param(
        60,
        "days",
        "Inactive streak after which the inactivity exit hazard applies.",
        low=1,
        high=10_000,
    )
    exit_base: float = param(0.0002, "1/day", "Baseline daily exit hazard.", low=0, high=1)
    exit_inactive: float = param(
        0.02, "1/day", "Extra exit hazard when long inactive.", low=0, high=1
    )
    exit_dissatisfaction: float = param(
        0.03, "1/day", "Extra exit hazard per unit of dissatisfaction.", low=0, high=1
    )
    exit_friends: float = param(
        0.002, "1/day", "Extra exit hazard when all one's friends have left.", low=0, high=1
    )
    attention: int = param(
        1,
        "communities/day",
        "Communities one consumer can take part in on a day (several organisations only).",
        low=1,
        high=100,
    )
    attention_spread: float = param(
        0.5,
        "utility",
        "How much chance splits attention between communities (0 = the best one always).",
        low=0,
        high=100,
    )


@dataclass(frozen=True)
class IdeaParams:
    """The idea space: an NK landscape split into need loci and firm loci (von Hippel; Kauffman)."""

    loci: int = param(12, "bits", "Loci N of the NK landscape.", low=2, high=16)
    ruggedness: int = param(3, "loci", "Interactions K per locus (0 = smooth).", low=0, high=15)
    need_loci: int = param(6, "bits", "Loci that encode needs (seen by consumers).", low=1, high=15)
    strategy_loci: int = param(
        2, "bits", "Firm loci whose value must match the firm's strategy.", low=0, high=15
    )
    feasible_share: float = param(
        0.5, "share", "Share of the idea space that is feasible.", low=0.01, high=1
    )
    novelty_weight: float = param(
        0.25,
        "-",
        "Weight of novelty in an idea's value: (1 - w)*quality + w*novelty.",
        low=0,
        high=1,
    )
    vote_bias: float = param(
        1.0, "-", "How strongly votes follow need fit (0 = random votes).", low=0, high=10
    )


@dataclass(frozen=True)
class MarketerParams:
    """The firm's community managers: how many, how much they read, how they answer."""

    count: int = param(2, "people", "Marketers working the idea queue.", low=0, high=10_000)
    capacity: int = param(1, "ideas/day", "Ideas one marketer reviews a day.", low=0, high=100_000)
    response_style: str = param(
        ResponseStyle.REPLY.value,
        "-",
        "How marketers answer a reviewed idea.",
        choices=tuple(ResponseStyle),
    )
    need_knowledge: float = param(
        0.3, "share", "Share of need loci marketers know from observing use.", low=0, high=1
    )
    review_noise: float = param(
        0.05, "firm view", "SD of a reviewer's error on the firm's view of an idea.", low=0, high=1
    )
    dialogue_steps: int = param(
        2,
        "steps",
        "Joint improvement steps when a decision is explained (dialogue).",
        low=0,
        high=50,
    )
    learning: float = param(
        0.0,
        "chance/dialogue",
        "Chance that a dialogue teaches the firm one need locus it did not know (0 = never).",
        low=0,
        high=1,
    )
    patience: int = param(
        14, "days", "Days an idea waits before it counts as ignored.", low=1, high=10_000
    )
    reply_cost: float = param(
        0.0,
        "reviews",
        "Time a reply or explanation takes, in reviews: it comes out of the review capacity.",
        low=0,
        high=100,
    )


@dataclass(frozen=True)
class OrganisationParams:
    """The firm: what it promotes, what it makes itself, what it spends, who co-owns it."""

    promote_share: float = param(
        0.04,
        "share",
        "Share of the idea space good enough, by the firm's view, to promote.",
        low=0,
        high=1,
    )
    internal_ideas: float = param(
        0.0,
        "ideas/day",
        "Ideas the firm develops internally a day (Poisson mean).",
        low=0,
        high=1e4,
    )
    budget: float = param(0.0, "EUR", "Reward budget; 0 = unlimited.", low=0, high=1e12)
    staff_day_cost: float = param(
        0.0,
        "EUR/person/day",
        "Cost of a community manager's day, counted in the cost per accepted idea.",
        low=0,
        high=1e9,
    )
    # Co-owners (agents/co_owner.py; ODD 7.12). Stakeholder salience (Mitchell, Agle & Wood
    # 1997) gives the direction; every magnitude below is a scenario assumption.
    co_owners: int = param(
        0, "stakeholders", "Co-owners whose support the firm needs.", low=0, high=10
    )
    co_owners_on_team: bool = param(
        False,
        "-",
        "Whether co-owners sit on the decision team (a seat: consulted, their perspective "
        "reviews, one more member coordinates).",
    )
    co_owners_consulted: bool = param(
        False,
        "-",
        "Whether co-owners without a seat are consulted on every decision (no perspective, "
        "costs consultation_cost per gate).",
    )
    consultation_cost: float = param(
        0.025,
        "share/co-owner",
        "Share of a gate's days consulting each co-owner without a seat adds.",
        low=0,
        high=10,
    )
    support_loss: float = param(
        0.05,
        "support/decision",
        "Project support a co-owner loses per decision on that project taken without it.",
        low=0,
        high=1,
    )
    general_loss: float = param(
        0.2,
        "share",
        "Share of that loss also taken from the co-owner's general support.",
        low=0,
        high=1,
    )
    stall_threshold: float = param(
        0.5, "support", "Below this support a co-owner stalls a project's gates.", low=0, high=1
    )
    stall_days: float = param(
        10.0, "days", "Days a stalling co-owner adds to each gate.", low=0, high=1e4
    )
    veto_threshold: float = param(
        0.2,
        "support",
        "Below this support a co-owner vetoes (kills) a project at its next gate (0 = never).",
        low=0,
        high=1,
    )
    withdraw_threshold: float = param(
        0.25,
        "support",
        "General support below which a co-owner counts days towards withdrawing (0 = never).",
        low=0,
        high=1,
    )
    withdraw_after: int = param(
        60,
        "days",
        "Days in a row below withdraw_threshold after which a co-owner withdraws.",
        low=1,
        high=20_000,
    )
    withdraw_delay: float = param(
        30.0,
        "days",
        "Days a withdrawal adds to every open project the co-owner co-owned.",
        low=0,
        high=1e4,
    )


@dataclass(frozen=True)
class RewardParams:
    """Cash rewards (Deci, Koestner & Ryan 1999; Gneezy & Rustichini 2000)."""

    kind: str = param(RewardKind.NONE.value, "-", "Reward scheme.", choices=tuple(RewardKind))
    amount: float = param(10.0, "EUR", "Payment per idea or per accepted idea.", low=0, high=1e9)
    prize: float = param(200.0, "EUR", "Contest prize per winner.", low=0, high=1e9)
    period: int = param(30, "days", "Contest period.", low=1, high=10_000)
    winners: int = param(3, "ideas", "Contest winners per period.", low=1, high=10_000)
    access_value: float = param(
        1.0,
        "recognition",
        "Early access: recognition each recent contributor gets per idea accepted that day.",
        low=0,
        high=100,
    )
    access_window: int = param(
        30,
        "days",
        "Early access: how recently one must have posted to be let in first.",
        low=1,
        high=10_000,
    )
    start_day: int = param(0, "day", "First day the reward is on.", low=0, high=1_000_000)
    stop_day: int = param(
        1_000_000, "day", "Day the reward stops (exclusive).", low=0, high=1_000_000
    )


@dataclass(frozen=True)
class RecognitionParams:
    """Non-cash recognition (Joyce & Kraut 2006; Gallus 2017; Restivo & van de Rijt 2012)."""

    kind: str = param(
        RecognitionKind.NONE.value, "-", "Recognition scheme.", choices=tuple(RecognitionKind)
    )
    reply_value: float = param(
        2.5, "recognition", "Recognition from a personal reply.", low=0, high=100
    )
    badge_value: float = param(
        5.0, "recognition", "Recognition from a public feature or badge.", low=0, high=100
    )
    peer_value: float = param(
        0.05,
        "recognition",
        "Recognition an author gets from each up-vote or build on an idea of theirs.",
        low=0,
        high=100,
    )
    newcomer_award: bool = param(
        True,
        "-",
        "With feature: also feature each newcomer's first idea the firm reads (Gallus 2017).",
    )


@dataclass(frozen=True)
class ControlParams:
    """Control and framing (Huang, Singh & Srinivasan 2014)."""

    kind: str = param(ControlKind.OPEN.value, "-", "Control policy.", choices=tuple(ControlKind))
    disclosure: float = param(
        0.75, "share", "Share of the firm's loci disclosed when framed.", low=0, high=1
    )
    misreading: float = param(
        0.2,
        "probability",
        "Chance a consumer reads a disclosed constraint the wrong way round.",
        low=0,
        high=1,
    )
    anchoring: float = param(
        0.5,
        "probability",
        "Chance a new idea starts a disclosed locus at the current product's value.",
        low=0,
        high=1,
    )
    autonomy_cost: float = param(
        0.01,
        "1/day",
        "Intrinsic interest lost per day of taking part under full control (x disclosure).",
        low=0,
        high=1,
    )


@dataclass(frozen=True)
class ExpectationParams:
    """Expectation setting (Oliver 1980; Schiebler, Lee & Brodbeck 2025)."""

    kind: str = param(
        ExpectationKind.NONE.value, "-", "Expectation policy.", choices=tuple(ExpectationKind)
    )
    stated_acceptance: float = param(
        0.08, "probability", "Acceptance chance the firm states up front.", low=0, high=1
    )
    credibility: float = param(
        0.8,
        "share",
        "Share of the way a newcomer's own expectation moves to the stated chance.",
        low=0,
        high=1,
    )
    states_criteria: bool = param(
        True,
        "-",
        "Whether the firm states its decision criteria with the limits (a fair process).",
    )


@dataclass(frozen=True)
class TriageParams:
    """Which ideas the marketers read first, when there are more than they can read."""

    kind: str = param(
        TriageKind.MOST_VOTED.value,
        "-",
        "Order of the review queue: most voted, oldest, newcomers' first ideas, random, or a mix.",
        choices=tuple(TriageKind),
    )
    newcomer_share: float = param(
        0.5,
        "share",
        "Under the mixed order: the share of reading slots that go to newcomers' first ideas.",
        low=0,
        high=1,
    )


@dataclass(frozen=True)
class AdaptationParams:
    """How the organisation changes course during a run (a scenario assumption; ODD 7.16).

    ``staff_to_queue`` hires community managers, after a lag, when the review queue or the share
    of ideas expiring unread runs high, and releases them when the queue is short; ``stop_cash``
    stops the cash reward once it costs too much per accepted idea (Gneezy & Rustichini 2000).
    """

    kind: str = param(
        AdaptationKind.FIXED.value,
        "-",
        "How the firm adapts: not at all, staff to the queue, or stop cash that costs too much.",
        choices=tuple(AdaptationKind),
    )
    first_review: int = param(
        30, "day", "Day of the firm's first review of its staff or its cash.", low=0, high=1_000_000
    )
    review_every: int = param(7, "days", "Days between the firm's reviews.", low=1, high=10_000)
    queue_per_marketer: float = param(
        10.0,
        "ideas/person",
        "staff_to_queue: waiting ideas one community manager is staffed for.",
        low=0.1,
        high=1e6,
    )
    expiry_threshold: float = param(
        0.25,
        "share",
        "staff_to_queue: share of ideas expiring unread since the last review that adds a hire.",
        low=0,
        high=1,
    )
    hire_lag: int = param(
        14,
        "days",
        "staff_to_queue: days from the decision to hire to the first day of work.",
        low=0,
        high=10_000,
    )
    min_marketers: int = param(
        1, "people", "staff_to_queue: fewest community managers kept.", low=0, high=10_000
    )
    max_marketers: int = param(
        8, "people", "staff_to_queue: most community managers hired.", low=0, high=10_000
    )
    max_cost_per_accepted: float = param(
        500.0,
        "EUR",
        "stop_cash: cash paid per accepted idea (since the start) above which the cash stops.",
        low=0,
        high=1e12,
    )


@dataclass(frozen=True)
class PolicyParams:
    """The organisation's policy families (the decision team's lives under ``decision``)."""

    reward: RewardParams = field(default_factory=RewardParams)
    recognition: RecognitionParams = field(default_factory=RecognitionParams)
    control: ControlParams = field(default_factory=ControlParams)
    expectations: ExpectationParams = field(default_factory=ExpectationParams)
    triage: TriageParams = field(default_factory=TriageParams)
    adaptation: AdaptationParams = field(default_factory=AdaptationParams)


@dataclass(frozen=True)
class DecisionParams:
    """Decision team and stage gates (Stecklein et al. 2004; Hong & Page 2004)."""

    team: str = param(
        TeamKind.INTERNAL.value, "-", "Who reviews concepts.", choices=tuple(TeamKind)
    )
    consumer_reviewers: int = param(
        3, "people", "Consumers on a co-creation team.", low=0, high=1000
    )
    other_functions: Perspectives = param(
        ("engineering", "operations"),
        "-",
        "Other functions on a co-creation team.",
        choices=PERSPECTIVES,
    )
    marketer_perspectives: Perspectives = param(
        ("marketing",), "-", "Perspectives the marketers cover.", choices=PERSPECTIVES
    )
    flaws_per_concept: float = param(
        2.0,
        "flaws",
        "Mean hidden flaws of a concept of average novelty on a K = 3 problem (Poisson).",
        low=0,
        high=100,
    )
    flaws_novelty: float = param(
        1.0,
        "-",
        "How flaws grow with a concept's novelty: x(1 + this*(2*novelty - 1)); 0 = no effect.",
        low=0,
        high=1,
    )
    flaws_ruggedness: float = param(
        0.3,
        "1/locus",
        "How flaws grow with the problem's ruggedness: x(1 + this*(K - 3)), at least 0.",
        low=0,
        high=10,
    )
    build_slots: int = param(
        4,
        "projects",
        "Accepted ideas the firm can develop at once (0 = no limit).",
        low=0,
        high=10_000,
    )
    build_days: float = param(
        30.0, "days", "Days to develop an accepted idea into a launch.", low=0, high=1e4
    )
    detection: float = param(
        0.6,
        "probability",
        "Chance a gate finds a flaw its team has the perspective for.",
        low=0,
        high=1,
    )
    blind_detection: float = param(
        0.05,
        "probability",
        "Chance a gate finds a flaw no one on the team can see.",
        low=0,
        high=1,
    )
    test_detection: float = param(
        0.5,
        "probability",
        "Chance the test gate finds a flaw whatever the team covers (testing the built product).",
        low=0,
        high=1,
    )
    gate_days: tuple[float, ...] = param(
        (5.0, 10.0, 20.0, 10.0),
        "days",
        "Review time of the concept, design, build, test gates.",
        low=0,
        high=1e4,
    )
    rework_cost: tuple[float, ...] = param(
        (1.0, 5.0, 10.0, 40.0, 100.0),
        "x",
        "Relative cost to fix a flaw found at each gate, then in operation (F6).",
        low=0,
        high=1e5,
    )
    rework_days: float = param(
        2.0, "days", "Days to fix a flaw found at the concept gate.", low=0, high=1e4
    )
    coordination: float = param(
        0.05, "share/member", "Extra gate time per additional team member.", low=0, high=10
    )
    accept_share: float = param(
        0.3,
        "share",
        "Share of ideas the firm would promote that the team's screen lets through.",
        low=0,
        high=1,
    )


FIRM_TABLES = ("marketers", "organisation", "policies", "decision")  # what each firm sets itself
# what a named co-owner sets itself: the co-owner keys of its partner's organisation table
CO_OWNER_KEYS = tuple(
    f"organisation.{key}"
    for key in (
        "co_owners_on_team",
        "co_owners_consulted",
        "consultation_cost",
        "support_loss",
        "general_loss",
        "stall_threshold",
        "stall_days",
        "veto_threshold",
        "withdraw_threshold",
        "withdraw_after",
        "withdraw_delay",
    )
)
ROLES = ("firm", "co_owner")
FOCAL = "firm"  # the name of the one organisation of a scenario without [[organisations]]


@dataclass(frozen=True)
class OrganisationEntry:
    """One organisation of a scenario that has several (``[[organisations]]`` in TOML).

    An organisation starts from the scenario's top-level tables and changes only what it sets:
    ``settings`` holds its own values by key path (``policies.reward.kind`` -> ``"per_idea"``).
    A ``firm`` runs a community and sets keys under the tables a firm runs for itself
    (:data:`FIRM_TABLES`); a ``co_owner`` shares the projects of its ``partner`` firm (default:
    the first firm) and sets only the co-owner keys of that firm's organisation table
    (:data:`CO_OWNER_KEYS`).
    """

    name: str
    role: str = "firm"
    settings: tuple[tuple[str, Any], ...] = ()
    partner: str = ""


@dataclass(frozen=True)
class Scenario:
    """A complete, validated description of one simulated co-creation community."""

    name: str = param("baseline", "-", "Short name of the scenario (used in result paths).")
    description: str = param("", "-", "What the scenario represents.")
    run: RunParams = field(default_factory=RunParams)
    community: CommunityParams = field(default_factory=CommunityParams)
    consumers: ConsumerParams = field(default_factory=ConsumerParams)
    ideas: IdeaParams = field(default_factory=IdeaParams)
    marketers: MarketerParams = field(default_factory=MarketerParams)
    organisation: OrganisationParams = field(default_factory=OrganisationParams)
    policies: PolicyParams = field(default_factory=PolicyParams)
    decision: DecisionParams = field(default_factory=DecisionParams)
    organisations: tuple[OrganisationEntry, ...] = field(default=(), metadata={"entries": True})


def iter_params(cls: type = Scenario, prefix: str = ""):
    """Yield ``(key_path, dataclass_field)`` for every leaf parameter, in declaration order."""
    for f in fields(cls):
        path = f"{prefix}{f.name}"
        if f.metadata.get("entries"):  # [[organisations]]: key paths by name, not leaves
            continue
        if isinstance(f.default_factory, type) and is_dataclass(f.default_factory):
            yield from iter_params(f.default_factory, path + ".")
        else:
            yield path, f


def to_dict(obj: Any) -> dict[str, Any]:
    """Nested plain-dict form of a scenario (tuples become lists), ready for TOML or JSON."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("entries"):
            if value:  # a scenario of one organisation has no [[organisations]]
                out[f.name] = [_entry_dict(entry) for entry in value]
        elif is_dataclass(value):
            out[f.name] = to_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def _entry_dict(entry: OrganisationEntry) -> dict[str, Any]:
    """An organisation entry as its TOML table: name, role, then its settings as sub-tables."""
    out: dict[str, Any] = {"name": entry.name, "role": entry.role}
    if entry.partner:
        out["partner"] = entry.partner
    for key, value in entry.settings:
        *tables, leaf = key.split(".")
        table = out
        for name in tables:
            table = table.setdefault(name, {})
        table[leaf] = list(value) if isinstance(value, tuple) else value
    return out
