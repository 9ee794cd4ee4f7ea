"""Typed values by key path: the checks every scenario value passes, and their one error.

The layer under :mod:`.loading` and :mod:`.organisations`: it sets a value at a key path of a
frozen scenario (``set_path``), builds a parameter table from a TOML table (``build``), coerces
and range-checks each value, and checks the rules that involve several parameters. Every
mistake is one :class:`ScenarioError` naming the source, the key path and the fix.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import fields, is_dataclass, replace
from typing import Any

from simulation.scenario.parameters import Scenario


class ScenarioError(ValueError):
    """A scenario the user wrote cannot be used; the message says where and how to fix it."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source, self.key, self.detail = source, key, message
        where = ": ".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


def merge_tables(
    base: dict[str, Any],
    top: dict[str, Any],
    merge_lists: typing.Callable[[list, list], list] | None = None,
) -> dict[str, Any]:
    """Deep-merge two TOML tables: ``top`` wins, sub-tables merge.

    ``merge_lists`` (optional) merges a list that both tables hold under the same key (arrays
    of tables such as ``[[organisations]]``); without it the top list wins.
    """
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_tables(out[key], value)
        elif merge_lists and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = merge_lists(out[key], value)
        else:
            out[key] = value
    return out


def set_path(obj: Any, parts: list[str], value: Any, source: str, key: str) -> Any:
    """``obj`` (a parameter table) with ``value`` typed and checked at the key path ``parts``."""
    names = {f.name: f for f in fields(obj)}
    head = parts[0]
    if head not in names:
        raise ScenarioError(_unknown(head, names), source=source, key=key)
    if names[head].metadata.get("entries"):
        raise ScenarioError(
            f"name one organisation and its key, e.g. {head}.rival.policies.reward.kind",
            source=source,
            key=key,
        )
    current = getattr(obj, head)
    if len(parts) == 1:
        if is_dataclass(current):
            raise ScenarioError(
                "is a table, not a parameter; set one of its keys instead", source=source, key=key
            )
        new = _coerce(value, _field_type(type(obj), head), names[head].metadata, source, key)
    elif is_dataclass(current):
        new = set_path(current, parts[1:], value, source, key)
    else:
        raise ScenarioError(f"'{head}' is a parameter, not a table", source=source, key=key)
    return replace(obj, **{head: new})


def build(cls: type, data: Any, prefix: str, source: str) -> Any:
    """A parameter table of class ``cls`` from a TOML table, every key checked and typed."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a table ([{prefix.rstrip('.')}]), got {type(data).__name__}",
            source=source,
            key=prefix.rstrip(".") or None,
        )
    names = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in names:
            raise ScenarioError(_unknown(key, names), source=source, key=prefix + key)
    kwargs = {}
    for name, value in data.items():
        f = names[name]
        ftype = _field_type(cls, name)
        if is_dataclass(ftype):
            kwargs[name] = build(ftype, value, f"{prefix}{name}.", source)
        else:
            kwargs[name] = _coerce(value, ftype, f.metadata, source, prefix + name)
    return cls(**kwargs)


def _unknown(key: str, names: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(names)
    return f"unknown key '{key}'; {hint} (`cocreate params` lists every parameter)"


def _field_type(cls: type, name: str) -> Any:
    return typing.get_type_hints(cls)[name]


def _coerce(value: Any, ftype: Any, meta: Any, source: str, key: str) -> Any:
    if typing.get_origin(ftype) is tuple:
        if not isinstance(value, list | tuple):
            raise ScenarioError(
                f"expected a list, got {value!r}; write e.g. [1.0, 2.0]", source=source, key=key
            )
        item_type = typing.get_args(ftype)[0]
        return tuple(_coerce_scalar(v, item_type, meta, source, key) for v in value)
    return _coerce_scalar(value, ftype, meta, source, key)


def _coerce_scalar(value: Any, ftype: type, meta: Any, source: str, key: str) -> Any:
    if ftype is bool:
        ok = isinstance(value, bool)
    elif ftype is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif ftype is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, str)
    if not ok:
        example = {bool: "true", int: "3", float: "0.5", str: '"text"'}[ftype]
        raise ScenarioError(
            f"expected {ftype.__name__} (e.g. {example}), got {value!r}", source=source, key=key
        )
    _check_range(value, meta, source, key)
    return value


def _check_range(value: Any, meta: Any, source: str, key: str) -> None:
    choices, low, high = meta.get("choices"), meta.get("low"), meta.get("high")
    if choices and value not in choices:
        close = difflib.get_close_matches(str(value), choices, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ScenarioError(
            f"'{value}' is not allowed; {hint}choose one of: {', '.join(choices)}",
            source=source,
            key=key,
        )
    if isinstance(value, str | bool):
        return
    if (low is not None and value < low) or (high is not None and value > high):
        raise ScenarioError(
            f"{value} is out of range; use a value in [{low:g}, {high:g}] ({meta.get('unit', '')})",
            source=source,
            key=key,
        )


def check_consistency(s: Scenario, source: str) -> None:
    """Checks that involve more than one parameter."""
    rules = [
        (
            s.community.initial_members <= s.community.consumers,
            "community.initial_members",
            f"must not exceed community.consumers ({s.community.consumers})",
        ),
        (
            s.ideas.need_loci < s.ideas.loci,
            "ideas.need_loci",
            f"must be below ideas.loci ({s.ideas.loci}) so the firm has loci of its own",
        ),
        (
            s.ideas.ruggedness < s.ideas.loci,
            "ideas.ruggedness",
            f"must be below ideas.loci ({s.ideas.loci})",
        ),
        (
            s.ideas.strategy_loci <= s.ideas.loci - s.ideas.need_loci,
            "ideas.strategy_loci",
            "must not exceed the firm's loci (ideas.loci - ideas.need_loci)",
        ),
        (
            s.policies.reward.stop_day >= s.policies.reward.start_day,
            "policies.reward.stop_day",
            "must not be before policies.reward.start_day",
        ),
        (
            s.policies.adaptation.min_marketers <= s.policies.adaptation.max_marketers,
            "policies.adaptation.max_marketers",
            "must not be below policies.adaptation.min_marketers",
        ),
        (
            len(s.decision.gate_days) == 4,
            "decision.gate_days",
            "needs 4 values: concept, design, build and test gates",
        ),
        (
            len(s.decision.rework_cost) == 5,
            "decision.rework_cost",
            "needs 5 values: concept, design, build, test gates, then operation",
        ),
    ]
    for ok, key, message in rules:
        if not ok:
            raise ScenarioError(message, source=source, key=key)


def set_plain_values(scenario: Scenario, values: typing.Mapping[str, Any], source: str) -> Scenario:
    """``scenario`` with typed values set at top-level key paths, then checked as a whole."""
    for key, value in values.items():
        scenario = set_path(scenario, key.split("."), value, source, key)
    check_consistency(scenario, source)
    return scenario
