"""The dashboard's controls, generated from the scenario dataclasses.

Nothing here copies a default, a range or a label: each control reads the ``param()`` metadata
of its key (``simulation.scenario``), and every value the page sends goes through
``apply_overrides``, the same validation as a TOML file or ``--set``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulation.scenario import Scenario, ScenarioError, apply_overrides, iter_params
from simulation.scenario.kinds import POLICY_FAMILIES
from simulation.scenario.reference import get_param, toml_literal

# The scenario key that chooses each policy family.
POLICY_KEYS = {name: family.key for name, family in POLICY_FAMILIES.items()}
# The main parameters a class plays with, shown as sliders (the rest: "any parameter" box).
SLIDER_KEYS = (
    "community.consumers",
    "community.initial_members",
    "community.arrival_rate",
    "community.word_of_mouth",
    "consumers.intrinsic_mean",
    "consumers.extrinsic_mean",
    "marketers.count",
    "marketers.capacity",
    "policies.reward.amount",
    "policies.control.disclosure",
    "policies.expectations.stated_acceptance",
    "decision.flaws_per_concept",
    "run.days",
)
SLIDER_STEPS = 100  # a float slider moves in steps of a hundredth of its span
SLIDER_SPAN = 5  # a slider reaches this many times the default when the allowed range is wider


@dataclass(frozen=True)
class Control:
    """One control: a chooser (``choices``) or a slider (``low``..``high`` by ``step``)."""

    key: str
    label: str
    description: str
    unit: str
    default: Any
    choices: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None

    @property
    def is_int(self) -> bool:
        """Whether the parameter takes whole numbers."""
        return isinstance(self.default, int) and not isinstance(self.default, bool)


def _fields() -> dict[str, Any]:
    return dict(iter_params())


def label_of(key: str) -> str:
    """A short label from the key path: ``policies.reward.amount`` -> ``reward amount``.

    >>> label_of("policies.reward.kind"), label_of("community.initial_members")
    ('reward policy', 'community: initial members')
    """
    parts = key.split(".")
    if parts[0] == "policies":
        name = parts[-1].replace("_", " ")
        return f"{parts[1]} policy" if parts[-1] == "kind" else f"{parts[1]}: {name}"
    if key == "decision.team":
        return "decision team"
    return f"{parts[0]}: {parts[-1].replace('_', ' ')}"


def make_control(key: str) -> Control:
    """The control of one scenario key, from its dataclass field's metadata.

    A slider spans the allowed range, cut at ``SLIDER_SPAN`` times the default when the range
    is far wider (a 5,000,000-consumer slider teaches nothing); typed values may go further.

    >>> c = make_control("community.consumers")
    >>> (c.default, c.low, c.high, c.step)
    (1000, 1, 5000, 1)
    >>> make_control("policies.control.kind").choices
    ('open', 'framed', 'closed')
    """
    f = _fields()[key]
    meta, default = f.metadata, f.default
    common = {
        "key": key,
        "label": label_of(key),
        "description": meta["description"],
        "unit": meta["unit"],
        "default": default,
    }
    if meta["choices"]:
        return Control(**common, choices=tuple(meta["choices"]))
    low, high = meta["low"], meta["high"]
    if high is None or (default > 0 and high > SLIDER_SPAN * default * 2):
        high = SLIDER_SPAN * default
    if isinstance(default, int):
        return Control(**common, low=int(low), high=int(high), step=1)
    return Control(**common, low=float(low), high=float(high), step=(high - low) / SLIDER_STEPS)


def policy_controls() -> list[Control]:
    """A chooser per policy family; its choices are the family's kinds."""
    return [make_control(key) for key in POLICY_KEYS.values()]


def slider_controls() -> list[Control]:
    """The sliders of the main parameters."""
    return [make_control(key) for key in SLIDER_KEYS]


def current(scenario: Scenario, key: str) -> Any:
    """The value of ``key`` in ``scenario``."""
    return get_param(scenario, key)


def set_value(scenario: Scenario, key: str, value: Any, *, source: str = "dashboard") -> Scenario:
    """``scenario`` with ``key`` set to ``value``, validated like ``--set`` (or ScenarioError).

    >>> set_value(Scenario(), "policies.reward.kind", "contest").policies.reward.kind
    'contest'
    >>> set_value(Scenario(), "community.consumers", -3)
    Traceback (most recent call last):
    ...
    simulation.scenario.values.ScenarioError: dashboard: community.consumers: -3 is out ...
    """
    try:
        literal = toml_literal(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"cannot use {value!r} as a value", source=source, key=key) from None
    return apply_overrides(scenario, [f"{key}={literal}"], source=source)


def set_typed(scenario: Scenario, text: str, *, source: str = "dashboard") -> Scenario:
    """Apply one ``key.path = value`` line typed into the page (TOML value), validated.

    >>> set_typed(Scenario(), "consumers.intrinsic_mean = 0.5").consumers.intrinsic_mean
    0.5
    >>> set_typed(Scenario(), "run.seed = 'x'")
    Traceback (most recent call last):
    ...
    simulation.scenario.values.ScenarioError: dashboard: run.seed: expected int (e.g. 3), got 'x'
    """
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            f"'{text}' is not key.path = value (e.g. consumers.intrinsic_mean = 0.5)", source=source
        )
    return apply_overrides(scenario, [f"{key.strip()}={raw.strip()}"], source=source)


__all__ = ["Control", "ScenarioError", "current", "policy_controls", "set_typed", "set_value"]
