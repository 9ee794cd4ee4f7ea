"""Why an answer comes out: how much of a difference each mechanism or lever carries.

Two arms differ on a figure (challenger − reference, paired by replicate: replicate *r* of every
arm runs on the same seed). To see what carries the difference, arms are run again on the same
seeds:

- with one **mechanism** switched off in both arms (its ``off`` overrides,
  :mod:`simulation.scenario.mechanisms`): the *effect without it* is the difference left, and
  the part it *carries* is, per replicate, the effect with it minus the effect without it;
- with one **lever** — a parameter in which the challenger differs from the reference, or a
  whole policy table when its ``kind`` differs — set back to the reference's value in the
  challenger alone: the part it carries is, per replicate, challenger − challenger with the
  lever set back.

Every part is the mean over replicates with a 95 % bootstrap interval of the per-replicate
values; the effect without it is judged by the rule of the verdicts
(:func:`simulation.analysis.verdicts.judge`) against the same smallest effect that matters, so
a table can say whether the effect *vanishes*, *flips*, *remains* or *appears* without it.

Mechanisms and levers interact (crowding-out has nothing to act on without cash; two mechanisms
may each be necessary, or either enough), so the parts need not add up to the whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np

from simulation.analysis.compare import arm_values, compare
from simulation.analysis.replicates import Draws
from simulation.analysis.stats import bootstrap_ci
from simulation.analysis.verdicts import (
    INCONCLUSIVE,
    NEGLIGIBLE,
    NO_SESOI,
    NOT_SUPPORTED,
    SUPPORTED,
    Verdict,
    verdict,
)
from simulation.headlines import format_figure
from simulation.model.metrics import METRICS, Sesoi
from simulation.scenario import Scenario, apply_overrides
from simulation.scenario.mechanisms import Mechanism
from simulation.scenario.organisations import plain_key

Progress = Callable[[int, int], None]

# what happens to the effect without a mechanism (or with a lever set back)
VANISHES = "vanishes (negligible)"
STAYS_NEGLIGIBLE = "negligible, as with it"
FLIPS = "flips"
REMAINS = "remains"
APPEARS = "appears"
UNCLEAR = "unclear (interval contains 0)"
UNCHANGED = "unchanged (already off in both arms)"
INTERACTION_NOTE = (
    "Mechanisms interact (one may have nothing to act on without another; two may each be "
    "necessary, or either enough), so the parts carried need not add up to the whole."
)


def signed(value: float, kind: str) -> str:
    """A difference with its sign, formatted by the metric's kind (shares in points).

    >>> signed(-0.0312, "share"), signed(12.25, "count"), signed(0.0, "days")
    ('−3.1', '+12.2', '0.0')
    """
    if value is None or not math.isfinite(value):
        return "–"
    if kind == "share":
        text = f"{100 * abs(value):.1f}"
    elif kind == "count":
        text = f"{abs(value):,.1f}"
    elif kind == "signed":
        text = f"{abs(value):.3f}"
    else:
        text = format_figure(abs(value), kind)
    if not any(c in "123456789" for c in text):
        return text
    return ("+" if value > 0 else "−") + text


def difference_unit(metric: str) -> str:
    """The unit of a difference in ``metric``: shares differ in percentage points.

    >>> difference_unit("churned_share"), difference_unit("satisfaction_mean")
    ('percentage points', 'on the -1..1 scale')
    """
    unit = METRICS[metric].unit
    if unit == "%":
        return "percentage points"
    return f"on the {unit} scale" if ".." in unit else unit


def interval(low: float, high: float, kind: str) -> str:
    """``[low, high]`` as signed differences."""
    return f"[{signed(low, kind)}, {signed(high, kind)}]"


@dataclass(frozen=True)
class Part:
    """What one mechanism or lever carries of a difference.

    Attributes:
        key: the mechanism's key, or the lever's key path.
        label: a reader's name for it.
        without: the difference left with it off (or set back), judged like a verdict.
        carried: effect with it − effect without it, mean over paired replicates.
        low: lower end of the 95 % interval of ``carried``.
        high: upper end.
        outcome: what happens to the effect without it (:data:`VANISHES`, :data:`FLIPS`, ...).
    """

    key: str
    label: str
    without: Verdict
    carried: float
    low: float
    high: float
    outcome: str

    @property
    def clear(self) -> bool:
        """Whether the interval of the part carried excludes zero."""
        return self.low > 0 or self.high < 0


def outcome(whole: Verdict, without: Verdict, switched: bool = True) -> str:
    """What becomes of an effect without a mechanism, by the verdicts' rule.

    >>> on = Verdict("supported", 2.0, 1.0, 3.0, 1.0, 4, 0.5)
    >>> outcome(on, Verdict("negligible", 0.1, -0.2, 0.3, 0.0, 4, 0.5))
    'vanishes (negligible)'
    >>> outcome(on, Verdict("not supported", -1.0, -2.0, -0.5, 0.0, 4, 0.5))
    'flips'
    """
    if not switched:
        return UNCHANGED
    if without.label == NEGLIGIBLE:
        return STAYS_NEGLIGIBLE if whole.label == NEGLIGIBLE else VANISHES
    if without.label == INCONCLUSIVE:
        return UNCLEAR
    if whole.label not in (SUPPORTED, NOT_SUPPORTED):
        return APPEARS
    return REMAINS if (without.low > 0) == (whole.low > 0) else FLIPS


def part(
    key: str,
    label: str,
    on: tuple[np.ndarray, np.ndarray],
    off: tuple[np.ndarray, np.ndarray],
    whole: Verdict,
    holds_if: int,
    seed: int,
    switched: bool = True,
) -> Part:
    """The part of ``whole`` that one mechanism or lever carries.

    Args:
        key: the mechanism's key or the lever's key path.
        label: its name for readers.
        on: (challenger, reference) replicate values with it on, in replicate order.
        off: the same with it off (or set back), on the same seeds.
        whole: the verdict on ``on`` (its SESOI judges the effect without it).
        holds_if: the direction the claim predicts (+1 or -1).
        seed: the bootstrap's seed.
        switched: False when switching it off changed neither arm (``off`` is ``on``).
    """
    without = verdict(off[0], off[1], holds_if, seed, Sesoi(whole.sesoi))
    carried = (on[0] - on[1]) - (off[0] - off[1])
    carried = carried[~np.isnan(carried)]
    low, high = bootstrap_ci(carried, seed=seed)
    mean = float(carried.mean()) if carried.size else float("nan")
    return Part(key, label, without, mean, low, high, outcome(whole, without, switched))


@dataclass(frozen=True)
class Attribution:
    """A difference (challenger − reference on one figure) and the part each mechanism carries."""

    metric: str
    challenger: str
    reference: str
    whole: Verdict
    parts: tuple[Part, ...]
    replicates: int

    @property
    def sentence(self) -> str:
        """The whole difference and what carries it, in words computed from the table."""
        if not self.parts:
            return ""
        m, w = METRICS[self.metric], self.whole
        label = m.label[0].lower() + m.label[1:]
        ranked = sorted(
            self.parts,
            key=lambda p: -abs(p.carried) if math.isfinite(p.carried) else math.inf,
        )
        carried = "; ".join(
            f"{p.label} carries {signed(p.carried, m.kind)} {interval(p.low, p.high, m.kind)}"
            for p in ranked
        )
        return (
            f"Of the difference in {label}, {self.challenger} − {self.reference} = "
            f"{signed(w.difference, m.kind)} {interval(w.low, w.high, m.kind)} "
            f"{difference_unit(self.metric)}: {carried}."
        )

    @property
    def main_carrier(self) -> str:
        """The mechanism carrying the largest clear part, with its size; or why there is none."""
        clear = [p for p in self.parts if p.clear]
        if not self.parts:
            return "–"
        if not clear:
            return "none of those switched off (each part's interval contains 0)"
        top = max(clear, key=lambda p: abs(p.carried))
        kind = METRICS[self.metric].kind
        return f"{top.label} ({signed(top.carried, kind)} of {signed(self.whole.difference, kind)})"


def switch_off(scenario: Scenario, mechanism: Mechanism) -> Scenario:
    """``scenario`` with ``mechanism`` switched off."""
    return apply_overrides(scenario, mechanism.off, source=f"mechanism {mechanism.key}")


def switch_keys(mechanism: Mechanism) -> set[str]:
    """The key paths ``mechanism``'s switch sets.

    >>> from simulation.scenario.mechanisms import MECHANISMS
    >>> sorted(switch_keys(MECHANISMS["cash_pull"]))
    ['consumers.cash_idea_rate', 'consumers.weight_money']
    """
    return {item.partition("=")[0].strip() for item in mechanism.off}


def switches(mechanism: Mechanism, *scenarios: Scenario, drawn: Collection[str] = ()) -> bool:
    """Whether switching ``mechanism`` off changes any of ``scenarios``.

    ``drawn``: key paths that every run sets to a draw (a posterior's): a switch that sets one
    of them changes the runs (at least at some draw).
    """
    if switch_keys(mechanism) & {plain_key(k) for k in drawn}:
        return True
    return any(switch_off(s, mechanism) != s for s in scenarios)


def switched(
    mechanisms: Sequence[Mechanism], *scenarios: Scenario, drawn: Collection[str] = ()
) -> list[Mechanism]:
    """The mechanisms whose switch changes at least one of ``scenarios`` (they need runs)."""
    return [m for m in mechanisms if switches(m, *scenarios, drawn=drawn)]


def without_switched(draws: Draws, mechanism: Mechanism) -> list[dict]:
    """``draws`` without the keys ``mechanism``'s switch sets: switched off, it stays off."""
    keys = switch_keys(mechanism)
    return [{k: v for k, v in d.items() if plain_key(k) not in keys} for d in draws]


def drawn_keys(draws: Draws | None) -> tuple[str, ...]:
    """The key paths the draws set (none without draws)."""
    return tuple(dict.fromkeys(k for d in draws or () for k in d))


def attribution_runs(
    challenger: Scenario,
    reference: Scenario,
    mechanisms: Sequence[Mechanism],
    replicates: int,
    drawn: Collection[str] = (),
) -> int:
    """How many runs :func:`attribute` makes (both arms, per mechanism that changes them)."""
    return 2 * len(switched(mechanisms, challenger, reference, drawn=drawn)) * replicates


def attribute(
    challenger: Scenario,
    reference: Scenario,
    metric: str,
    mechanisms: Sequence[Mechanism],
    replicates: int,
    root_seed: int,
    workers: int | None = None,
    holds_if: int = +1,
    sesoi: Sesoi = NO_SESOI,
    progress: Progress | None = None,
    executor: Executor | None = None,
    on: tuple[np.ndarray, np.ndarray] | None = None,
    draws: Draws | None = None,
) -> Attribution:
    """How much of the difference challenger − reference in ``metric`` each mechanism carries.

    Both arms run again with each mechanism switched off in both (same seeds, all in one batch);
    a mechanism whose switch changes neither arm is not run: the effect without it is the
    effect with it, exactly.

    Args:
        challenger: the arm whose difference is explained.
        reference: the arm it is compared with.
        metric: a summary key (:data:`simulation.model.metrics.METRICS`).
        mechanisms: the mechanisms to switch off, one at a time.
        replicates: runs per arm (the same as for ``on``).
        root_seed: the root of every run's seed (the same as for ``on``).
        workers: local processes, when no ``executor`` is given.
        holds_if: the direction the claim predicts (+1 or -1).
        sesoi: the smallest effect that matters (judges the effect without each mechanism).
        progress: called as ``progress(done, total)`` over the runs made here.
        executor: a pool to reuse.
        on: (challenger, reference) replicate values already run with every mechanism on;
            run here when not given.
        draws: values per replicate (a posterior's draws) set on both arms, with each
            mechanism on and off (the switch wins over a drawn value of a key it sets);
            the same as for ``on``.
    """
    if on is None:
        pair = compare(
            [reference, challenger], replicates, root_seed, workers, progress, executor, draws
        )
        on = (
            arm_values(pair, challenger.name, metric),
            arm_values(pair, reference.name, metric),
        )
    whole = verdict(on[0], on[1], holds_if, root_seed, sesoi)
    needed = switched(mechanisms, challenger, reference, drawn=drawn_keys(draws))
    arms = [
        replace(switch_off(arm, m), name=f"{arm.name} without {m.key}")
        for m in needed
        for arm in (reference, challenger)
    ]
    off_draws = None
    if draws is not None:
        off_draws = {
            f"{arm.name} without {m.key}": without_switched(draws, m)
            for m in needed
            for arm in (reference, challenger)
        }
    runs = (
        compare(arms, replicates, root_seed, workers, progress, executor, off_draws)
        if arms
        else None
    )
    parts = []
    for m in mechanisms:
        off = on
        if m in needed:
            off = (
                arm_values(runs, f"{challenger.name} without {m.key}", metric),
                arm_values(runs, f"{reference.name} without {m.key}", metric),
            )
        parts.append(part(m.key, m.label, on, off, whole, holds_if, root_seed, m in needed))
    return Attribution(metric, challenger.name, reference.name, whole, tuple(parts), replicates)
