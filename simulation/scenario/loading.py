"""Turn TOML files and ``--set`` overrides into a validated, frozen :class:`Scenario`.

Every user mistake becomes one :class:`ScenarioError` naming the file, the key path and the fix;
the CLI prints it and exits with code 2. Nothing past this module re-checks parameters.
"""

from __future__ import annotations

import difflib
import tomllib
import typing
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from simulation.scenario.parameters import Scenario


class ScenarioError(ValueError):
    """A scenario the user wrote cannot be used; the message says where and how to fix it."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source, self.key, self.detail = source, key, message
        where = ": ".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


def load_scenario(path: str | Path, overrides: typing.Sequence[str] = ()) -> Scenario:
    """Read a scenario TOML file, apply ``key.path=value`` overrides, and validate it.

    A file may start from another with ``extends = "baseline.toml"`` (a path relative to the
    file): the base's tables are read first and the file's own keys override them.

    Args:
        path: the TOML file.
        overrides: strings such as ``"policies.reward.kind=per_idea"`` (values parsed as TOML,
            bare words taken as strings).

    Raises:
        ScenarioError: for a missing file, bad TOML, unknown key, wrong type or value out of range.
    """
    path = Path(path)
    data = _read_with_bases(path, ())
    data.setdefault("name", path.stem)
    scenario = scenario_from_dict(data, source=str(path))
    return apply_overrides(scenario, overrides)


def _read_toml(path: Path) -> dict[str, Any]:
    source = str(path)
    if not path.is_file():
        raise ScenarioError(
            "file not found; check the path (scenarios live in scenarios/*.toml)", source=source
        )
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"invalid TOML: {err}", source=source) from None
    except UnicodeDecodeError:
        raise ScenarioError("not a UTF-8 text file", source=source) from None
    except OSError as err:
        raise ScenarioError(f"cannot read the file ({err.strerror})", source=source) from None


def _read_with_bases(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    data = _read_toml(path)
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(
            'expected a file name, e.g. extends = "baseline.toml"', source=str(path), key="extends"
        )
    base_path = (path.parent / base).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError(
            f"'{base}' extends itself in a loop; remove one 'extends'",
            source=str(path),
            key="extends",
        )
    if not base_path.is_file():
        raise ScenarioError(
            f"base scenario '{base}' not found next to this file", source=str(path), key="extends"
        )
    merged = _read_with_bases(base_path, (*seen, path.resolve()))
    merged.pop("name", None)
    merged.pop("description", None)
    return _merge(merged, data)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge two TOML tables: ``top`` wins, sub-tables merge."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Scenario:
    """Build a validated scenario from nested dicts (as TOML gives them)."""
    scenario = _build(Scenario, data, "", source)
    _check_consistency(scenario, source)
    return scenario


def apply_overrides(
    scenario: Scenario, overrides: typing.Sequence[str], *, source: str = "--set"
) -> Scenario:
    """Return ``scenario`` with ``key.path=value`` overrides applied and validated."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ScenarioError(
                f"'{item}' is not key.path=value (e.g. --set policies.reward.kind=per_idea)",
                source=source,
            )
        scenario = _set_path(scenario, key.split("."), _parse_value(raw.strip()), source, key)
    _check_consistency(scenario, source)
    return scenario


def set_values(
    scenario: Scenario, values: typing.Mapping[str, Any], *, source: str = "<values>"
) -> Scenario:
    """Return ``scenario`` with typed values set by key path (``{"run.days": 90}``), validated.

    The typed counterpart of :func:`apply_overrides`, for values that are already Python
    objects (an experiment's design points, the dashboard's controls).
    """
    for key, value in values.items():
        scenario = _set_path(scenario, key.split("."), value, source, key)
    _check_consistency(scenario, source)
    return scenario


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare word: a string such as per_idea


def _set_path(obj: Any, parts: list[str], value: Any, source: str, key: str) -> Any:
    names = {f.name: f for f in fields(obj)}
    head = parts[0]
    if head not in names:
        raise ScenarioError(_unknown(head, names), source=source, key=key)
    current = getattr(obj, head)
    if len(parts) == 1:
        if is_dataclass(current):
            raise ScenarioError(
                "is a table, not a parameter; set one of its keys instead", source=source, key=key
            )
        new = _coerce(value, _field_type(type(obj), head), names[head].metadata, source, key)
    elif is_dataclass(current):
        new = _set_path(current, parts[1:], value, source, key)
    else:
        raise ScenarioError(f"'{head}' is a parameter, not a table", source=source, key=key)
    return replace(obj, **{head: new})


def _build(cls: type, data: Any, prefix: str, source: str) -> Any:
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
            kwargs[name] = _build(ftype, value, f"{prefix}{name}.", source)
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


def _check_consistency(s: Scenario, source: str) -> None:
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
