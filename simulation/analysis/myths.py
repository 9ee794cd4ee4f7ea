"""The five beliefs about co-creation, as model questions with computed verdicts.

Each myth names its arms (``scenarios/myths/*.toml``), a primary metric, and the comparison that
would support the belief: a *challenger* arm against a *reference* arm. The verdict comes from
the paired difference over replicates, its 95 % bootstrap interval and the smallest effect that
matters for the belief's metric (SESOI; :mod:`simulation.analysis.verdicts`):

- **negligible** when the whole interval lies inside ±SESOI (no practical difference);
- otherwise **supported** when the interval lies on the side the belief predicts;
- **not supported** when it lies on the other side;
- **inconclusive** when it contains zero (no difference found with this many replicates).

Each belief also declares its *region*: the four to eight parameters most likely to change its
answer (the firm's review capacity and reply rule among them: the silence nobody chose), each
with a plausible range and why. The boundary (:mod:`simulation.analysis.boundaries`) samples
that region, judges the belief at every sample by the same rule and finds, with PRIM, where it
holds. Nothing here knows the answers: a model that produced the opposite numbers would print
the opposite verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.analysis.attribution import Attribution, attribute, attribution_runs
from simulation.analysis.compare import Comparison, arm_values, compare
from simulation.analysis.replicates import Draws
from simulation.analysis.verdicts import Verdict, verdict
from simulation.headlines import format_figure
from simulation.model.metrics import METRICS, Sesoi
from simulation.scenario import Scenario, load_scenario
from simulation.scenario.mechanisms import MECHANISMS

MYTHS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "myths"


@dataclass(frozen=True)
class Uncertain:
    """One parameter of a belief's region: its plausible range and why it could change the answer.

    The range is where the parameter could plausibly lie in a real community (or a firm's
    choice); ``why`` says which mechanism it moves. A categorical parameter (a policy's kind)
    has ``choices`` instead of a range (:meth:`among`); the sample draws each alike.
    """

    key: str  # a scenario key path
    low: float | None
    high: float | None
    label: str  # the parameter in words
    why: str
    choices: tuple[str, ...] = ()

    @classmethod
    def among(cls, key: str, choices: tuple[str, ...], label: str, why: str) -> Uncertain:
        """A categorical parameter of the region: one of ``choices``."""
        return cls(key, None, None, label, why, choices)

    @property
    def numeric(self) -> bool:
        """True for a range, False for a choice among kinds."""
        return not self.choices

    @property
    def span(self) -> str:
        """The range in words, e.g. ``0.25 – 1`` or ``silent, reply, explain``."""
        return ", ".join(self.choices) if self.choices else f"{self.low:g} – {self.high:g}"

    def factor(self) -> dict[str, Any] | list[str]:
        """The region's factor as an experiment file declares it (a range, or its choices)."""
        if self.choices:
            return list(self.choices)
        return {"min": self.low, "max": self.high}


# The silence nobody chose: the firm's review capacity and reply rule are levers of every region
# (the reply rule only where the belief's arms do not set it themselves).
REVIEW_CAPACITY = Uncertain(
    "marketers.count",
    1,
    5,
    "marketers reading the ideas",
    "the firm's review capacity decides how many ideas get any answer: in the baseline's year "
    "one marketer leaves over a third unread, four one in twenty",
)
REPLY_RULE = Uncertain.among(
    "marketers.response_style",
    ("silent", "reply", "explain"),
    "how the marketers answer a read idea",
    "silence is a rejection without a word (Piezunka & Dahlander 2019); an answer is recognition "
    "and an explained one is fair (Franke, Keinz & Klausberger 2013)",
)


@dataclass(frozen=True)
class Side:
    """The other side of a two-sided belief: a second metric judged on the same comparison."""

    metric: str  # a summary key (simulation.model.metrics.METRICS)
    holds_if: int  # +1: the belief holds on this side if challenger > reference; -1 if <
    sesoi: Sesoi | None = None  # the smallest effect that matters; default: the metric's

    @property
    def smallest_effect(self) -> Sesoi:
        """This side's own SESOI, else its metric's."""
        return self.sesoi if self.sesoi is not None else METRICS[self.metric].sesoi


@dataclass(frozen=True)
class Myth:
    """A belief as a model question."""

    number: int
    belief: str
    question: str
    arms: tuple[str, ...]  # scenario files in scenarios/myths (without .toml)
    metric: str  # a summary key (simulation.headlines)
    challenger: str
    reference: str
    holds_if: int  # +1: the belief holds if challenger > reference; -1 if challenger < reference
    region: tuple[Uncertain, ...]  # the parameters most likely to change the answer
    series: str  # the daily time series drawn with bands (simulation.analysis.compare.BANDS)
    caveat: str
    sources: str
    sesoi: Sesoi | None = None  # the smallest effect that matters; default: the metric's
    mechanisms: tuple[str, ...] = ()  # keys of MECHANISMS that could carry the effect
    other: Side | None = None  # the belief's other side, for a two-sided belief
    decides: str = ""  # which side decides and why (two-sided beliefs)

    @property
    def smallest_effect(self) -> Sesoi:
        """The belief's own SESOI, else its metric's (by kind, from the metric registry)."""
        return self.sesoi if self.sesoi is not None else METRICS[self.metric].sesoi


MYTHS = (
    Myth(
        1,
        "Consumers don't know what they want, so co-creation can't work.",
        "Do ideas developed in dialogue, combining consumers' need knowledge with the firm's "
        "feasibility knowledge, beat the ideas the firm develops alone?",
        ("firm_alone", "consumers_alone", "dialogue"),
        "quality_accepted",
        challenger="firm_alone",
        reference="dialogue",
        holds_if=+1,
        region=(
            Uncertain(
                "marketers.need_knowledge",
                0.0,
                1.0,
                "share of needs the firm knows",
                "need information is sticky at consumers (von Hippel 1994); a firm that has "
                "learnt its customers' needs from observing use no longer needs them",
            ),
            Uncertain(
                "consumers.need_awareness",
                0.4,
                1.0,
                "share of their own needs consumers are aware of",
                "the belief's premise: consumers who cannot say what they need (latent needs) "
                "bring less need knowledge to the dialogue",
            ),
            Uncertain(
                "ideas.ruggedness",
                0,
                8,
                "ruggedness K of the problem",
                "on rugged problems combining two kinds of knowledge pays more than on smooth "
                "ones (Hong & Page 2004)",
            ),
            Uncertain(
                "marketers.dialogue_steps",
                0,
                5,
                "joint improvement steps of a dialogue",
                "how far the firm and the consumer improve an idea together when a decision is "
                "explained",
            ),
            Uncertain(
                "marketers.review_noise",
                0.0,
                0.2,
                "error of the firm's judgement of an idea",
                "a firm that misjudges ideas gains less from having more of them",
            ),
            REVIEW_CAPACITY,
        ),
        series="quality_accepted",
        caveat="Quality is the true need fit times feasibility on an abstract NK landscape; the "
        "firm's own ideas start from its current product.",
        sources="von Hippel 1994; Poetz & Schreier 2012",
        mechanisms=("dialogue",),
    ),
    Myth(
        2,
        "Customers only take part if they can win something.",
        "Six months on, do cash rewards (withdrawn at day 90) keep more members active than "
        "recognition without cash?",
        ("nothing", "recognition", "early_access", "cash"),
        "active_members",
        challenger="cash",
        reference="recognition",
        holds_if=+1,
        region=(
            Uncertain(
                "policies.reward.stop_day",
                60,
                240,
                "day the cash stops (past 180: never within the six months)",
                "cash pulls while it is paid; crowding-out outlasts it (Deci, Koestner & Ryan "
                "1999)",
            ),
            Uncertain(
                "consumers.crowding_out",
                0.0,
                0.06,
                "intrinsic interest lost a day under cash",
                "the size of crowding-out is uncertain (F1 is met from about 0.02 to 0.05)",
            ),
            Uncertain(
                "consumers.extrinsic_mean",
                0.25,
                2.0,
                "members' mean sensitivity to cash",
                "a community of people who care about money answers the prize more",
            ),
            Uncertain(
                "consumers.intrinsic_mean",
                0.6,
                1.4,
                "members' mean intrinsic interest",
                "the less fun taking part is, the more a prize is what keeps people",
            ),
            Uncertain(
                "policies.reward.amount",
                2.0,
                40.0,
                "cash per idea (EUR)",
                "a bigger prize pulls more (saturating at reward_half_saturation)",
            ),
            Uncertain(
                "policies.recognition.badge_value",
                1.0,
                10.0,
                "recognition from a public feature",
                "how much recognition is worth to members decides what the recognition arm "
                "offers instead of cash (Gallus 2017)",
            ),
            REVIEW_CAPACITY,
            REPLY_RULE,
        ),
        series="active_members",
        caveat="Crowding-out acts on everyone taking part while cash is offered; its size is "
        "calibrated against a never-paid arm with nothing (F1), never against recognition. Peer "
        "recognition grows with the audience that votes and builds; 'first' (early access) is "
        "a practitioners' lever whose size is assumed.",
        sources="Deci, Koestner & Ryan 1999; Gneezy & Rustichini 2000; Gallus 2017; "
        "Kraut & Resnick 2012",
        mechanisms=(
            "crowding_out",
            "cash_pull",
            "feedback",
            "recognition",
            "peer_recognition",
            "friendship",
        ),
        other=Side("ideas", holds_if=+1),
        decides="Active members decide: the belief is about who takes part; ideas say whether "
        "cash buys quantity while it lasts.",
    ),
    Myth(
        3,
        "With co-creation you lose control over the result.",
        "Does an open community produce a smaller share of feasible, on-strategy ideas than "
        "one framed by the firm's shared goals and constraints, and what does the frame cost "
        "in the value (quality and novelty) of what the firm accepts?",
        ("open", "framed", "test_machine"),
        "feasible_on_strategy_share",
        challenger="framed",
        reference="open",
        holds_if=-1,
        region=(
            Uncertain(
                "policies.control.misreading",
                0.0,
                0.5,
                "chance a consumer misreads a disclosed constraint",
                "a frame only steers ideas if it is read right",
            ),
            Uncertain(
                "policies.control.disclosure",
                0.25,
                1.0,
                "share of the firm's loci the frame discloses",
                "a fuller brief steers more loci (and costs more autonomy)",
            ),
            Uncertain(
                "policies.control.anchoring",
                0.0,
                1.0,
                "chance a new idea starts at the current product",
                "anchoring on the brief narrows search (Acar, Tarakci & van Knippenberg 2019)",
            ),
            Uncertain(
                "ideas.feasible_share",
                0.2,
                0.8,
                "share of the idea space that is feasible",
                "when most ideas are feasible anyway, a frame has less to add",
            ),
            Uncertain(
                "consumers.search_steps",
                1,
                6,
                "hill-climbing steps of an average idea",
                "consumers who search further find the feasible, on-strategy region without a "
                "frame",
            ),
            REVIEW_CAPACITY,
            REPLY_RULE,
        ),
        series="feasible_on_strategy_share",
        caveat="Framing discloses the firm's strategy and constraints, but consumers misread some "
        "of them, the brief anchors search at the current product (less novelty) and a "
        "controlling brief costs intrinsic interest. Error rate, anchoring and autonomy cost are "
        "modelling choices.",
        sources="Huang, Singh & Srinivasan 2014; Acar, Tarakci & van Knippenberg 2019; "
        "Deci & Ryan 2000; Halfaker et al. 2013",
        mechanisms=("misreading", "anchoring", "autonomy", "novelty_value"),
        other=Side("value_accepted", holds_if=-1),
        decides="The share of feasible, on-strategy ideas decides: that is the control the "
        "belief fears to lose; the value of accepted ideas says what keeping control costs.",
    ),
    Myth(
        4,
        "Co-creation slows innovation down.",
        "Does a decision team with consumers, engineering and operations take longer from "
        "idea to launch than the marketers alone, and what does its speed cost in flaws that "
        "escape into operation?",
        ("internal_team", "cross_functional", "diverse_team"),
        "time_to_launch_median",
        challenger="diverse_team",
        reference="internal_team",
        holds_if=+1,
        region=(
            Uncertain(
                "ideas.ruggedness",
                0,
                10,
                "ruggedness K of the problem",
                "flaws grow with ruggedness; diversity pays on rugged problems, not on smooth "
                "ones (Grim et al. 2019)",
            ),
            Uncertain(
                "decision.coordination",
                0.0,
                0.15,
                "extra gate time per additional team member",
                "the cost of a bigger team is what makes it slow (Bettiga & Lamberti 2019)",
            ),
            Uncertain(
                "decision.flaws_per_concept",
                0.5,
                4.0,
                "hidden flaws of an average concept",
                "the more flaws there are to find, the more a team that finds them early saves",
            ),
            Uncertain(
                "decision.test_detection",
                0.2,
                0.8,
                "chance the test gate finds a flaw",
                "a good test gate catches what a narrow team missed, at a high rework cost "
                "(Stecklein et al. 2004)",
            ),
            Uncertain(
                "decision.build_slots",
                2,
                8,
                "projects developed at once",
                "development capacity sets the queue every accepted idea waits in",
            ),
            REVIEW_CAPACITY,
            REPLY_RULE,
        ),
        series="time_to_decision_median",
        caveat="Flaws grow with a concept's novelty and the problem's ruggedness; reviews find "
        "them only through perspectives that cover them, the test gate finds half of the rest "
        "at 40 times the cost; every extra team member slows each gate by 5 %; development runs "
        "four projects at once. The magnitudes are modelling choices.",
        sources="Stecklein et al. 2004; Hong & Page 2004; Grim et al. 2019; "
        "Bettiga & Lamberti 2019",
        mechanisms=("coordination", "flaw_growth", "test_gate", "build_capacity"),
        other=Side("flaws_escaped_per_launch", holds_if=+1),
        decides="Time to launch decides: the belief is about speed; escaped flaws say what the "
        "speed costs after launch (the internal cross-functional arm shows how much of either "
        "comes from consumers rather than from other functions).",
    ),
    Myth(
        5,
        "Consumers are disappointed if you can't build what they asked for.",
        "Does stating the possibilities, the limits and the criteria up front leave the "
        "members who hear a decision more satisfied than letting them hope, and do they stay?",
        ("no_expectations", "limits_upfront"),
        "satisfaction_answered",
        challenger="limits_upfront",
        reference="no_expectations",
        holds_if=-1,
        region=(
            Uncertain(
                "consumers.expectation_weight",
                0.0,
                3.0,
                "weight of the expectation path of satisfaction",
                "where satisfaction follows what one expected (assimilation), lower expectations "
                "lower it (Oliver 1980; Schiebler, Lee & Brodbeck 2025)",
            ),
            Uncertain(
                "consumers.disconfirmation_weight",
                0.2,
                1.2,
                "weight of outcome minus expectation",
                "where satisfaction follows the surprise, lower expectations raise it",
            ),
            Uncertain(
                "consumers.fairness_bonus",
                0.0,
                0.3,
                "worth of a fair answer",
                "stated criteria make a decision fairer (Franke, Keinz & Klausberger 2013)",
            ),
            Uncertain(
                "policies.expectations.stated_acceptance",
                0.03,
                0.3,
                "acceptance chance the firm states up front",
                "how low the stated limits set expectations",
            ),
            Uncertain(
                "policies.expectations.credibility",
                0.4,
                1.0,
                "how far members believe what is stated",
                "a statement nobody believes changes no expectation",
            ),
            REVIEW_CAPACITY,
            REPLY_RULE,
        ),
        series="satisfaction_answered",
        caveat="Satisfaction has an expectation path (assimilation) and a disconfirmation path "
        "(Oliver 1980); stated criteria make decisions fairer; lower expectations also lower the "
        "pull of expected influence. Measured among members who heard a decision.",
        sources="Oliver 1980; Bhattacherjee 2001; Franke, Keinz & Klausberger 2013; "
        "Schiebler, Lee & Brodbeck 2025",
        mechanisms=("assimilation", "disconfirmation", "fairness", "influence"),
        other=Side("retained_after_answer", holds_if=-1),
        decides="Satisfaction decides: the belief is about disappointment; retention after the "
        "first decision says whether it costs members (Bhattacherjee 2001).",
    ),
)


@dataclass
class MythResult:
    """One myth answered: the comparison of its arms, the verdict and where it holds.

    ``attribution`` says how much of the primary difference each of the myth's mechanisms
    carries (None when it was not computed); ``other_verdict`` judges the other side of a
    two-sided belief on the same comparison; ``boundary`` is where the belief holds over its
    region (:class:`simulation.analysis.boundaries.Boundary`; None when not computed).
    """

    myth: Myth
    comparison: Comparison
    verdict: Verdict
    attribution: Attribution | None = None
    other_verdict: Verdict | None = None
    boundary: Any = None

    @property
    def smallest_effect_text(self) -> str:
        """The belief's SESOI as a reader sees it, with its size here and its reason."""
        return sesoi_text(self.myth.smallest_effect, self.myth.metric, self.verdict.sesoi)

    @property
    def other_smallest_effect_text(self) -> str:
        """The other side's SESOI as a reader sees it ('' for a one-sided belief)."""
        other = self.myth.other
        if other is None or self.other_verdict is None:
            return ""
        return sesoi_text(other.smallest_effect, other.metric, self.other_verdict.sesoi)

    @property
    def sentence(self) -> str:
        """Where the belief holds, in one sentence (from the boundary, when computed)."""
        if self.boundary is None:
            return "Where it holds was not computed (no boundary sampled)."
        return self.boundary.sentence


def sesoi_text(sesoi: Sesoi, metric_key: str, size: float) -> str:
    """A SESOI as a reader sees it, with its size here (when relative) and its reason."""
    metric = METRICS[metric_key]
    shown = sesoi.describe(metric.unit)
    if sesoi.relative:  # a share of the reference arm's mean: say what that came to
        shown += f" = ±{format_figure(size, metric.kind)} {metric.unit}"
    return f"{shown} ({sesoi.why})"


def myth_arms(myth: Myth, overrides: tuple[str, ...] = ()) -> list[Scenario]:
    """The myth's arms, loaded with ``overrides``."""
    return [load_scenario(MYTHS_DIR / f"{name}.toml", list(overrides)) for name in myth.arms]


def pair_of(myth: Myth, arms: list[Scenario]) -> tuple[Scenario, Scenario]:
    """(challenger, reference) among the loaded arms."""
    by_name = {a.name: a for a in arms}
    return by_name[myth.challenger], by_name[myth.reference]


def runs_needed(
    myth: Myth,
    replicates: int,
    overrides: tuple[str, ...] = (),
    mechanisms: tuple[str, ...] | None = None,
    drawn: Collection[str] = (),
) -> int:
    """How many runs :func:`answer` makes: the arms and the attribution.

    ``drawn``: the key paths of the draws :func:`answer` is given (a mechanism whose switch
    sets one of them is run).
    """
    keys = myth.mechanisms if mechanisms is None else mechanisms
    attributed = 0
    if keys:
        challenger, reference = pair_of(myth, myth_arms(myth, overrides))
        attributed = attribution_runs(
            challenger, reference, [MECHANISMS[k] for k in keys], replicates, drawn
        )
    return len(myth.arms) * replicates + attributed


def answer(
    myth: Myth,
    replicates: int,
    root_seed: int,
    workers: int | None,
    overrides: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    mechanisms: tuple[str, ...] | None = None,
    draws: Draws | None = None,
) -> MythResult:
    """Run a myth's arms and its attribution; compute the verdicts.

    Where the belief holds is found apart (:func:`simulation.analysis.boundaries.run_boundary`).

    ``mechanisms`` are the keys of the mechanisms the primary difference is attributed to
    (default: the myth's own; ``()`` for no attribution). ``draws``: values per replicate (a
    calibration's posterior draws) set on every arm after ``overrides``: replicate r of both
    arms, and of the attribution's runs, at draw r.
    """
    arms = myth_arms(myth, overrides)
    comparison = compare(arms, replicates, root_seed, workers, progress, executor, draws)
    on = (
        arm_values(comparison, myth.challenger, myth.metric),
        arm_values(comparison, myth.reference, myth.metric),
    )
    main = verdict(*on, myth.holds_if, root_seed, myth.smallest_effect)
    other = None
    if myth.other is not None:
        other = verdict(
            arm_values(comparison, myth.challenger, myth.other.metric),
            arm_values(comparison, myth.reference, myth.other.metric),
            myth.other.holds_if,
            root_seed,
            myth.other.smallest_effect,
        )
    keys = myth.mechanisms if mechanisms is None else mechanisms
    attribution = None
    if keys:
        attribution = attribute(
            *pair_of(myth, arms),
            myth.metric,
            [MECHANISMS[k] for k in keys],
            replicates,
            root_seed,
            workers,
            myth.holds_if,
            myth.smallest_effect,
            progress,
            executor,
            on=on,
            draws=draws,
        )
    return MythResult(myth, comparison, main, attribution, other)


def metric_label(myth: Myth) -> str:
    """The primary metric's label and unit."""
    h = METRICS[myth.metric]
    return f"{h.label} ({h.unit})"
