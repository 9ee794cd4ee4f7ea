"""``cocreate compare --explain``: what carries the differences between a user's own scenarios.

For each scenario against the baseline: every **lever** (a parameter in which it differs, or a
whole policy table when its ``kind`` differs) set back to the baseline's value on its own, and
every **mechanism** whose switch changes either scenario switched off in both; same seeds, parts
carried with their intervals, by the rules of :mod:`simulation.analysis.attribution`.

With a posterior's draws (``compare --posterior``), every run of replicate r — levers set back
and mechanisms switched off too — runs at draw r, as the compared scenarios did; a switched-off
mechanism keeps its switch where a draw sets the same key, and a parameter the draws set is no
lever (every run has the drawn value).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any

import pandas as pd

from simulation.analysis.attribution import (
    Part,
    Progress,
    difference_unit,
    drawn_keys,
    part,
    switch_off,
    switched,
    without_switched,
)
from simulation.analysis.compare import Comparison, arm_values, compare
from simulation.analysis.replicates import Draws
from simulation.analysis.verdicts import (
    NEGLIGIBLE,
    NOT_SUPPORTED,
    SUPPORTED,
    verdict,
)
from simulation.headlines import HEADLINE_KEYS
from simulation.model.metrics import METRICS
from simulation.scenario import Scenario, ScenarioError, iter_params, set_values
from simulation.scenario.mechanisms import MECHANISMS, Mechanism
from simulation.scenario.organisations import plain_key

# parameters that name or seed a scenario rather than shape it: never a lever
NOT_LEVERS = ("name", "description", "run.seed")


def leaf_values(scenario: Scenario, other: Scenario | None = None) -> dict[str, Any]:
    """Every parameter of ``scenario`` by key path (``policies.reward.kind`` -> ``"none"``).

    With several organisations, each key an organisation sets itself (in ``scenario`` or in
    ``other``, for an organisation of the same name) is there too, as
    ``organisations.NAME.<key>``, with the value that organisation runs with.
    """
    values = {key: reduce(getattr, key.split("."), scenario) for key, _ in iter_params()}
    theirs = {e.name: dict(e.settings) for e in (other.organisations if other else ())}
    for entry in scenario.organisations:
        own = dict(entry.settings)
        for key in [*own, *(k for k in theirs.get(entry.name, {}) if k not in own)]:
            values[f"organisations.{entry.name}.{key}"] = own.get(key, values[key])
    return values


@dataclass(frozen=True)
class Lever:
    """A difference between two scenarios that can be set back: a parameter or a policy table.

    Attributes:
        key: the parameter's key path, or the policy table's (``policies.reward``) when its
            ``kind`` differs: the parameters of a kind mean nothing without it.
        back: key path -> the baseline's value (what the other scenario is set back to).
        was: key path -> the other scenario's value.
    """

    key: str
    back: dict[str, Any]
    was: dict[str, Any]

    @property
    def label(self) -> str:
        """The key path, with the keys of a table set back together."""
        if list(self.back) == [self.key]:
            return self.key
        return f"{self.key} ({', '.join(k.rpartition('.')[2] for k in self.back)})"

    @property
    def change(self) -> str:
        """What setting it back does: ``policies.reward.kind per_idea → none; ...``."""
        return "; ".join(f"{k} {self.was[k]!r} → {self.back[k]!r}" for k in self.back)


def levers(baseline: Scenario, other: Scenario) -> list[Lever]:
    """Every parameter in which ``other`` differs from ``baseline``, grouped into levers.

    Names, descriptions and the scenario's own seed are not levers. When a policy's ``kind``
    differs, the whole policy table is one lever.
    """
    base, mine = leaf_values(baseline, other), leaf_values(other, baseline)
    # an organisation only one of them has cannot be set back key by key: not a lever
    differing = [k for k in mine if k in base and k not in NOT_LEVERS and mine[k] != base[k]]
    groups: dict[str, list[str]] = {}
    for key in differing:
        table = key.rpartition(".")[0]
        grouped = "policies." in table and f"{table}.kind" in differing
        groups.setdefault(table if grouped else key, []).append(key)
    return [
        Lever(name, {k: base[k] for k in keys}, {k: mine[k] for k in keys})
        for name, keys in groups.items()
    ]


@dataclass(frozen=True)
class Plan:
    """The extra runs that explain a comparison: scenarios to run, and levers that cannot be."""

    baseline: Scenario
    others: tuple[Scenario, ...]
    levers: dict[str, list[tuple[Lever, str]]]  # other -> (lever, arm name of the run)
    mechanisms: dict[str, list[Mechanism]]  # other -> mechanisms that change the pair
    skipped: dict[str, list[tuple[str, str]]]  # other -> (lever, why it cannot be set back)
    scenarios: tuple[Scenario, ...]
    off: dict[str, Mechanism] = field(default_factory=dict)  # run name -> mechanism off in it


DRAWN = "every run has the posterior's drawn value"


def plan(
    arms: Sequence[Scenario],
    mechanisms: Sequence[Mechanism] | None = None,
    drawn: Collection[str] = (),
) -> Plan:
    """What :func:`explain` runs for ``arms`` (the baseline first).

    ``drawn``: key paths every run sets to a draw (a posterior's): no lever, and a mechanism
    whose switch sets one of them is run.
    """
    mechanisms = list(MECHANISMS.values()) if mechanisms is None else list(mechanisms)
    baseline, others = arms[0], tuple(arms[1:])
    drawn_plain = {plain_key(k) for k in drawn}
    runs: dict[str, Scenario] = {}
    off: dict[str, Mechanism] = {}
    by_lever, by_mechanism, skipped = {}, {}, {}
    for other in others:
        by_lever[other.name], skipped[other.name] = [], []
        for lever in levers(baseline, other):
            if {plain_key(k) for k in lever.back} <= drawn_plain:
                skipped[other.name].append((lever.label, DRAWN))
                continue
            try:
                reset = set_values(other, lever.back, source=f"setting back {lever.key}")
            except ScenarioError as err:
                skipped[other.name].append((lever.label, str(err)))
                continue
            name = f"{other.name} with {lever.key} set back"
            runs[name] = replace(reset, name=name)
            by_lever[other.name].append((lever, name))
        by_mechanism[other.name] = switched(mechanisms, baseline, other, drawn=drawn)
        for m in by_mechanism[other.name]:
            for arm in (baseline, other):
                name = f"{arm.name} without {m.key}"
                runs.setdefault(name, replace(switch_off(arm, m), name=name))
                off[name] = m
    return Plan(baseline, others, by_lever, by_mechanism, skipped, tuple(runs.values()), off)


@dataclass
class Explanation:
    """What carries each headline difference between one scenario and the baseline.

    Attributes:
        baseline: the baseline's name.
        other: the explained scenario's name.
        replicates: runs per arm.
        rows: one row per figure and lever or mechanism: the whole difference, the difference
            without it (set back, or switched off in both), the part carried, each with its
            95 % interval, and the outcome.
        levers: the levers set back, in order.
        mechanisms: the mechanisms switched off, in order.
        skipped: (lever, why) for levers that cannot be set back alone.
    """

    baseline: str
    other: str
    replicates: int
    rows: pd.DataFrame
    levers: list[Lever]
    mechanisms: list[Mechanism]
    skipped: list[tuple[str, str]]

    def worth_explaining(self) -> list[str]:
        """Figures whose difference is not negligible (and exists), in headline order."""
        first = self.rows.drop_duplicates("figure")
        keep = first[(first["difference_label"] != NEGLIGIBLE) & first["difference"].notna()]
        return list(keep["figure"])


def explain(
    comparison: Comparison,
    arms: Sequence[Scenario],
    workers: int | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
    figures: Sequence[str] = HEADLINE_KEYS,
    mechanisms: Sequence[Mechanism] | None = None,
    draws: Draws | None = None,
) -> list[Explanation]:
    """Explain every scenario's differences from the baseline (``arms[0]``) in ``comparison``.

    For each other scenario, every lever (:func:`levers`) is set back to the baseline's value
    in it alone, and every mechanism whose switch changes the pair is switched off in both;
    the same replicates, root seed and ``draws`` as ``comparison``, all in one batch.
    """
    todo = plan(arms, mechanisms, drawn_keys(draws))
    replicates, seed = comparison.replicates, comparison.root_seed
    per_run = None
    if draws is not None:
        per_run = {
            s.name: without_switched(draws, todo.off[s.name]) if s.name in todo.off else draws
            for s in todo.scenarios
        }
    runs = (
        compare(list(todo.scenarios), replicates, seed, workers, progress, executor, per_run)
        if todo.scenarios
        else None
    )
    base = todo.baseline.name
    out = []
    for other in todo.others:
        rows = []
        for figure in figures:
            m = METRICS[figure]
            on = (arm_values(comparison, other.name, figure), arm_values(comparison, base, figure))
            whole = verdict(on[0], on[1], +1, seed, m.sesoi)
            common = {
                "other": other.name,
                "figure": figure,
                "figure_label": m.label,
                "unit": difference_unit(figure),
                "kind": m.kind,
                "sesoi": whole.sesoi,
                "difference": whole.difference,
                "difference_low": whole.low,
                "difference_high": whole.high,
                "difference_label": SIDES.get(whole.label, whole.label),
            }
            for lever, name in todo.levers[other.name]:
                off = (arm_values(runs, name, figure), on[1])
                p = part(lever.key, lever.label, on, off, whole, +1, seed)
                rows.append({**common, **_row("lever", p), "change": lever.change})
            for mech in todo.mechanisms[other.name]:
                off = (
                    arm_values(runs, f"{other.name} without {mech.key}", figure),
                    arm_values(runs, f"{base} without {mech.key}", figure),
                )
                p = part(mech.key, mech.label, on, off, whole, +1, seed)
                rows.append({**common, **_row("mechanism", p), "change": ", ".join(mech.off)})
        out.append(
            Explanation(
                base,
                other.name,
                replicates,
                pd.DataFrame(rows, columns=EXPLANATION_COLUMNS),
                [lever for lever, _ in todo.levers[other.name]],
                todo.mechanisms[other.name],
                todo.skipped[other.name],
            )
        )
    return out


EXPLANATION_COLUMNS = [
    "other",
    "figure",
    "figure_label",
    "unit",
    "kind",
    "sesoi",
    "difference",
    "difference_low",
    "difference_high",
    "difference_label",
    "source",
    "key",
    "name",
    "change",
    "without",
    "without_low",
    "without_high",
    "without_label",
    "carried",
    "carried_low",
    "carried_high",
    "outcome",
]


# a comparison predicts no direction: a difference judged on one side of zero is higher or lower
SIDES = {SUPPORTED: "higher", NOT_SUPPORTED: "lower"}


def _row(source: str, p: Part) -> dict[str, Any]:
    return {
        "source": source,
        "key": p.key,
        "name": p.label,
        "without": p.without.difference,
        "without_low": p.without.low,
        "without_high": p.without.high,
        "without_label": SIDES.get(p.without.label, p.without.label),
        "carried": p.carried,
        "carried_low": p.low,
        "carried_high": p.high,
        "outcome": p.outcome,
    }
