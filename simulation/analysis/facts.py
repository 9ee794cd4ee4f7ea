"""Stylized facts: the published targets and directions the model covers, measured over replicates.

Each fact names its arms (overrides of the baseline scenario and a run length) and a statistic
with one value per replicate (replicate r of every arm shares a seed, so arm differences are
paired). A calibration target passes when the mean lies in its stated band. A directional
finding is judged by the rule the myths report and ``cocreate compare`` use
(:func:`simulation.analysis.verdicts.judge`): the 95 % bootstrap interval of the mean against the
finding's smallest effect that matters (SESOI); it passes when the finding is *supported* —
the interval lies on the predicted side of zero and not wholly within ±SESOI — or, for a finding
that something is *no higher* (D2), also when the difference is negligible. Nothing here knows
the answer: a model that produced the opposite numbers would fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from simulation.analysis.measures import (
    Statistic,
    clean,
    extra,
    measure,
    member_d,
    minus,
    reply_effect,
    summary,
)
from simulation.analysis.problem_solving import hong_page_experiment
from simulation.analysis.replicates import replicate_seeds, run_replicates
from simulation.analysis.stats import bootstrap_ci
from simulation.analysis.verdicts import NEGLIGIBLE, SUPPORTED, judge
from simulation.model.metrics import METRICS, SESOI, Sesoi
from simulation.scenario import Scenario, apply_overrides

# the smallest effects that matter, by kind of figure, as the metric registry declares them
SHARE, QUALITY, FIVE_PERCENT = SESOI["share"], SESOI["quality"], SESOI["count"]


@dataclass(frozen=True)
class Fact:
    """One published figure or direction, and how the model is checked against it."""

    id: str
    claim: str
    source: str
    published: str
    arms: dict[str, tuple[str, ...]]  # arm name -> overrides of the baseline (incl. run.days)
    statistic: Statistic
    band: tuple[float, float] | None = None  # target: the mean lies in [low, high]
    direction: int = 0  # direction: the interval lies above (+1) or below (-1) zero
    sesoi: Sesoi | None = None  # a direction's smallest effect that matters
    reference: Statistic | None = None  # the arm whose mean scales a relative SESOI
    holds: tuple[str, ...] = (SUPPORTED,)  # the verdicts under which a direction passes

    def bound(self, runs) -> float:
        """The SESOI in the statistic's units (NaN for a target band; 0 when none is declared)."""
        if self.band is not None:
            return float("nan")
        if self.sesoi is None:
            return 0.0
        if not self.sesoi.relative:
            return self.sesoi.value
        return self.sesoi.size(float(np.mean(clean(self.reference(runs)))))


@dataclass(frozen=True)
class Verdict:
    """A fact as measured."""

    fact: Fact
    value: float
    low: float
    high: float
    replicates: int
    sesoi: float = float("nan")  # a direction's SESOI in the statistic's units

    @property
    def label(self) -> str:
        """A direction's verdict by the myths report's rule (a target: in band, off band)."""
        if self.fact.band is not None:
            return "in band" if self.fact.band[0] <= self.value <= self.fact.band[1] else "off band"
        return judge(self.low, self.high, self.sesoi, self.fact.direction)

    @property
    def passed(self) -> bool:
        """The computed pass or fail."""
        if self.fact.band is not None:
            return self.label == "in band"
        return self.label in self.fact.holds

    @property
    def rule(self) -> str:
        """The pass rule in words, e.g. ``above 0, beyond ±0.02 (SESOI)``."""
        if self.fact.band is not None:
            return f"mean in [{self.fact.band[0]:g}, {self.fact.band[1]:g}]"
        side = "95 % interval " + ("above 0" if self.fact.direction > 0 else "below 0")
        rule = f"{side}, not within ±{self.sesoi:.3g} (SESOI)" if self.sesoi > 0 else side
        return rule + (" or negligible" if NEGLIGIBLE in self.fact.holds else "")


YEAR = ("run.days=365",)
HALF = ("run.days=180",)
PAID = (
    "run.days=181",
    "policies.reward.kind=per_idea",
    "policies.reward.amount=10",
    "policies.reward.stop_day=90",
)
NEVER = ("run.days=181",)  # never paid, nothing else either: cash against nothing
INTERNAL = (*YEAR, "decision.team=internal")
DIVERSE = (*YEAR, "decision.team=cocreation")

FACTS: tuple[Fact, ...] = (
    Fact(
        "F1",
        "Cash withdrawn leaves participation below a never-paid arm",
        "Deci, Koestner & Ryan 1999",
        "d = -0.28 ... -0.40",
        {"paid": PAID, "never": NEVER},
        member_d("paid", "never", "rate_151_180"),
        band=(-0.6, -0.15),
    ),
    Fact(
        "F2",
        "Informational feedback raises intrinsic interest",
        "Deci, Koestner & Ryan 1999",
        "d = +0.33",
        {
            "reply": (*HALF, "marketers.response_style=reply"),
            "silent": (*HALF, "marketers.response_style=silent"),
        },
        # people whose ideas the firm read: replied to in one arm, read in silence in the other
        member_d("reply", "silent", "intrinsic_read"),
        band=(0.18, 0.48),
    ),
    Fact(
        "F3",
        "A reply to a newcomer raises the chance they post again",
        "Joyce & Kraut 2006",
        "+12 points (44 % -> 56 %)",
        {"baseline": YEAR},
        reply_effect,
        band=(0.07, 0.17),
    ),
    Fact(
        "F4a",
        "Few members ever post",
        "van Mierlo 2014",
        "< 25 %",
        {"baseline": YEAR},
        summary("baseline", "ever_posted_share"),
        band=(0.0, 0.30),
    ),
    Fact(
        "F4b",
        "The top 1 % write most of the content",
        "van Mierlo 2014",
        "about 75 %",
        {"baseline": YEAR},
        summary("baseline", "top1_share"),
        band=(0.5, 1.0),
    ),
    Fact(
        "F5",
        "Most idea submitters submit only one idea",
        "Bayus 2013",
        "about 85 %",
        {"baseline": YEAR},
        extra("baseline", "one_idea_share"),
        band=(0.75, 0.95),
    ),
    Fact(
        "F6a",
        "Flaws found late cost more, so a team that sees more finds more of them early",
        "Stecklein et al. 2004; Hong & Page 2004",
        "design 3-8x, test 21-78x the concept-gate cost",
        {"diverse": DIVERSE, "internal": INTERNAL},
        minus(extra("diverse", "early_flaw_share"), extra("internal", "early_flaw_share")),
        direction=1,
        sesoi=SHARE,
    ),
    Fact(
        "F6b",
        "... and lets fewer flaws escape into operation",
        "Stecklein et al. 2004; Hong & Page 2004",
        "operation 29-1500x",
        {"diverse": DIVERSE, "internal": INTERNAL},
        minus(extra("diverse", "escaped_per_launch"), extra("internal", "escaped_per_launch")),
        direction=-1,
        sesoi=FIVE_PERCENT,
        reference=extra("internal", "escaped_per_launch"),
    ),
    Fact(
        "F8",
        "Expectations and satisfaction correlate",
        "Schiebler, Lee & Brodbeck 2025",
        "r = .29 [.24, .34]",
        {"baseline": YEAR},
        extra("baseline", "expectation_satisfaction_r"),
        band=(0.19, 0.39),
    ),
    Fact(
        "D1",
        "Cash raises the number of ideas while paid",
        "Cerasoli, Nicklin & Ford 2014",
        "more ideas",
        {"paid": PAID, "never": NEVER},
        minus(extra("paid", "ideas_first_90"), extra("never", "ideas_first_90")),
        direction=1,
        sesoi=METRICS["ideas"].sesoi,
        reference=extra("never", "ideas_first_90"),
    ),
    Fact(
        "D2",
        "... but not their quality (intrinsic interest drives quality)",
        "Cerasoli, Nicklin & Ford 2014",
        "quality no higher",
        {"paid": PAID, "never": NEVER},
        minus(extra("paid", "quality_first_90"), extra("never", "quality_first_90")),
        direction=-1,
        sesoi=QUALITY,
        holds=(SUPPORTED, NEGLIGIBLE),  # "no higher": lower, or no difference that matters
    ),
    Fact(
        "D3a",
        "A small payment can do worse than none",
        "Gneezy & Rustichini 2000",
        "pay enough or don't pay",
        {
            "none": HALF,
            "small": (*HALF, "policies.reward.kind=per_idea", "policies.reward.amount=1"),
        },
        # effort, as the experiment measured it: members taking part on an average day
        minus(extra("small", "participation"), extra("none", "participation")),
        direction=-1,
        sesoi=FIVE_PERCENT,
        reference=extra("none", "participation"),
    ),
    Fact(
        "D3b",
        "More pay beats less pay",
        "Gneezy & Rustichini 2000",
        "pay enough",
        {
            "small": (*HALF, "policies.reward.kind=per_idea", "policies.reward.amount=1"),
            "large": (*HALF, "policies.reward.kind=per_idea", "policies.reward.amount=50"),
        },
        minus(extra("large", "participation"), extra("small", "participation")),
        direction=1,
        sesoi=FIVE_PERCENT,
        reference=extra("small", "participation"),
    ),
    Fact(
        "D4",
        "Symbolic awards retain newcomers who contribute",
        "Gallus 2017",
        "higher retention",
        {"awards": (*YEAR, "policies.recognition.kind=feature"), "baseline": YEAR},
        minus(
            summary("awards", "contributor_retention_90"),
            summary("baseline", "contributor_retention_90"),
        ),
        direction=1,
        sesoi=METRICS["contributor_retention_90"].sesoi,
    ),
    Fact(
        "D5a",
        "User ideas score higher on customer benefit than the firm's",
        "Poetz & Schreier 2012",
        "higher need fit",
        {"both": (*YEAR, "organisation.internal_ideas=3")},
        minus(extra("both", "consumer_need_fit"), extra("both", "firm_need_fit")),
        direction=1,
        sesoi=QUALITY,
    ),
    Fact(
        "D5b",
        "... and lower on feasibility",
        "Poetz & Schreier 2012",
        "lower feasibility",
        {"both": (*YEAR, "organisation.internal_ideas=3")},
        minus(extra("both", "consumer_feasibility"), extra("both", "firm_feasibility")),
        direction=-1,
        sesoi=QUALITY,
    ),
    Fact(
        "D6",
        "An explained rejection brings newcomers back more than silence",
        "Piezunka & Dahlander 2019",
        "explained > silent",
        {
            "explain": (*YEAR, "marketers.response_style=explain"),
            "silent": (*YEAR, "marketers.response_style=silent"),
        },
        minus(
            summary("explain", "post_again_after_rejection"),
            summary("silent", "post_again_after_rejection"),
        ),
        direction=1,
        sesoi=METRICS["post_again_after_rejection"].sesoi,
    ),
    Fact(
        "D7",
        "Rejecting newcomers' work shrinks the community",
        "Halfaker et al. 2013",
        "decline",
        {"closed": (*YEAR, "policies.control.kind=closed"), "baseline": YEAR},
        minus(summary("closed", "members"), summary("baseline", "members")),
        direction=-1,
        sesoi=METRICS["members"].sesoi,
        reference=summary("baseline", "members"),
    ),
    Fact(
        "D8",
        "Contributors learn that their chances are lower than they thought",
        "Huang, Singh & Srinivasan 2014",
        "expectations fall",
        {"baseline": YEAR},
        extra("baseline", "expectation_change"),
        direction=-1,
        sesoi=SHARE,  # an expected chance of acceptance: two percentage points
    ),
)


def evaluate(
    facts: Sequence[Fact] | None = None,
    replicates: int = 10,
    root_seed: int = 0,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Verdict]:
    """Run every distinct arm once and judge every fact (default: :data:`FACTS`).

    Hong & Page (F7) is not a community model and runs on its own (:func:`hong_page`).
    """
    facts = FACTS if facts is None else facts
    specs = {spec for fact in facts for spec in fact.arms.values()}
    scenarios = [
        apply_overrides(Scenario(), [*spec, f"name=arm{i}", "run.snapshot_interval=30"])
        for i, spec in enumerate(sorted(specs))
    ]
    by_spec = dict(zip(sorted(specs), scenarios, strict=True))
    results = run_replicates(
        scenarios, replicates, root_seed, workers=workers, progress=progress, measure=measure
    )
    runs_of = {s.name: [r for r in results if r.arm == s.name] for s in scenarios}
    verdicts = []
    for fact in facts:
        runs = {arm: runs_of[by_spec[spec].name] for arm, spec in fact.arms.items()}
        values = clean(fact.statistic(runs))
        low, high = bootstrap_ci(values, seed=root_seed)
        mean = float(values.mean()) if values.size else np.nan
        verdicts.append(Verdict(fact, mean, low, high, values.size, fact.bound(runs)))
    return verdicts


def hong_page(landscapes: int, root_seed: int = 0) -> tuple[Verdict, Verdict]:
    """F7: random team vs best team on Hong & Page's ring, over ``landscapes`` landscapes."""
    seeds = replicate_seeds(root_seed, 1, landscapes)[0]
    results = [hong_page_experiment(np.random.default_rng(int(s))) for s in seeds]
    random_ = np.array([r.random_team_score for r in results])
    best = np.array([r.best_team_score for r in results])
    fact_r = Fact(
        "F7a",
        "A random team of solvers scores (diverse)",
        "Hong & Page 2004",
        "94.35",
        {},
        lambda runs: random_,
        band=(93.35, 95.35),
    )
    fact_g = Fact(
        "F7b",
        "... higher than the team of the individually best",
        "Hong & Page 2004",
        "94.35 vs 92.34",
        {},
        lambda runs: random_ - best,
        direction=1,
        # a quarter of the published gap (94.35 - 92.34)
        sesoi=Sesoi(0.5, why="a quarter of the published 2-point gap"),
    )
    out = []
    for fact, values in ((fact_r, random_), (fact_g, random_ - best)):
        low, high = bootstrap_ci(values, seed=root_seed)
        out.append(Verdict(fact, float(values.mean()), low, high, values.size, fact.bound({})))
    return out[0], out[1]


def runs_needed(replicates: int, facts: Sequence[Fact] | None = None) -> int:
    """How many model runs :func:`evaluate` makes: every distinct arm, ``replicates`` times."""
    facts = FACTS if facts is None else facts
    return len({spec for fact in facts for spec in fact.arms.values()}) * replicates


def all_verdicts(
    replicates: int,
    root_seed: int = 0,
    workers: int | None = None,
    landscapes: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> list[Verdict]:
    """Every fact judged, Hong & Page included: calibration targets first, then directions."""
    verdicts = [
        *evaluate(None, replicates, root_seed, workers, progress),
        *hong_page(landscapes, root_seed),
    ]
    return sorted(verdicts, key=lambda v: (v.fact.id[0] != "F", v.fact.id))
