"""The parameter reference: every key with its default, unit, allowed values and meaning.

Read by ``cocreate params`` and ``cocreate check`` and by the dashboard's controls; values are
shown as they would be written in a TOML file.
"""

from __future__ import annotations

from functools import reduce
from typing import Any, NamedTuple

import tomli_w

from simulation.scenario.parameters import Scenario, iter_params

INT64_MAX = 2**63 - 1


class ParamRow(NamedTuple):
    """One line of the parameter reference."""

    key: str
    default: str
    unit: str
    allowed: str
    description: str


def param_tables() -> list[str]:
    """Every table a parameter lives in, e.g. ``policies`` and ``policies.reward``."""
    tables = set()
    for key, _ in iter_params():
        parts = key.split(".")[:-1]
        tables.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(tables)


def params_rows(table: str | None = None) -> list[ParamRow]:
    """The parameter reference, optionally only the keys under one table."""
    defaults = Scenario()
    rows = []
    for key, f in iter_params():
        if table and not key.startswith(table + "."):
            continue
        meta = f.metadata
        default = get_param(defaults, key)
        rows.append(
            ParamRow(
                key,
                toml_literal(default),
                meta["unit"],
                allowed(meta, default),
                meta["description"],
            )
        )
    return rows


def changed_params(scenario: Scenario) -> list[tuple[str, str, str]]:
    """``(key, value, default)`` as TOML literals for every key that differs from the default."""
    defaults = Scenario()
    changes = []
    for key, _ in iter_params():
        value, default = get_param(scenario, key), get_param(defaults, key)
        if value != default:
            changes.append((key, toml_literal(value), toml_literal(default)))
    return changes


def get_param(scenario: Scenario, key: str) -> Any:
    """The value at a dotted key path, e.g. ``policies.reward.kind``."""
    return reduce(getattr, key.split("."), scenario)


def toml_literal(value: Any) -> str:
    """A value written as in a TOML file, on one line.

    >>> toml_literal((5.0, 10.0)), toml_literal("reply"), toml_literal(False)
    ('[5.0, 10.0]', '"reply"', 'false')
    """
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).removeprefix("v = ").strip()


def allowed(meta: Any, default: Any) -> str:
    """The allowed values of a parameter: its choices or its range.

    >>> allowed({"low": 0, "high": 1, "choices": None}, 0.5)
    '0 – 1'
    """
    choices, low, high = meta.get("choices"), meta.get("low"), meta.get("high")
    if choices:
        return ("any of: " if isinstance(default, tuple) else "") + ", ".join(choices)
    if isinstance(default, bool):
        return "true, false"
    if low is not None and high is not None:
        return f"{_number(low)} – {_number(high)}"
    if low is not None:
        return f"≥ {_number(low)}"
    return f"≤ {_number(high)}" if high is not None else ""


def _number(x: float) -> str:
    if x == INT64_MAX:
        return "2^63-1"
    if isinstance(x, int) or (float(x).is_integer() and abs(x) < 1e7):
        return f"{int(x):,}"
    return f"{x:g}"
