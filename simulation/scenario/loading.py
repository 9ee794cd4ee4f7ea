"""Turn TOML files and ``--set`` overrides into a validated, frozen :class:`Scenario`.

Every user mistake becomes one :class:`ScenarioError` naming the file, the key path and the fix;
the CLI prints it and exits with code 2. Nothing past this module re-checks parameters.
"""

from __future__ import annotations

import tomllib
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

from simulation.scenario import organisations
from simulation.scenario.parameters import Scenario
from simulation.scenario.values import (
    ScenarioError,
    build,
    check_consistency,
    merge_tables,
    set_path,
)

__all__ = [
    "ScenarioError",
    "apply_overrides",
    "load_scenario",
    "scenario_from_dict",
    "set_values",
]


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
    return merge_tables(merged, data, organisations.merge_entries)


def scenario_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Scenario:
    """Build a validated scenario from nested dicts (as TOML gives them)."""
    data = dict(data)
    entries = data.pop("organisations", None)
    scenario = build(Scenario, data, "", source)
    check_consistency(scenario, source)
    if entries is not None:
        scenario = replace(
            scenario, organisations=organisations.build_entries(entries, scenario, source)
        )
    return scenario


def apply_overrides(
    scenario: Scenario, overrides: typing.Sequence[str], *, source: str = "--set"
) -> Scenario:
    """Return ``scenario`` with ``key.path=value`` overrides applied and validated.

    ``organisations.NAME.<key path>`` sets a key of one organisation of ``[[organisations]]``.
    """
    return set_values(scenario, override_values(overrides, source=source), source=source)


def override_values(overrides: typing.Sequence[str], *, source: str = "--set") -> dict[str, Any]:
    """``key.path=value`` strings as typed values by key path (TOML syntax for the values).

    >>> override_values(["run.days=40", "policies.reward.kind=per_idea"])
    {'run.days': 40, 'policies.reward.kind': 'per_idea'}
    """
    values = {}
    for item in overrides:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ScenarioError(
                f"'{item}' is not key.path=value (e.g. --set policies.reward.kind=per_idea)",
                source=source,
            )
        values[key] = _parse_value(raw.strip())
    return values


def set_values(
    scenario: Scenario, values: typing.Mapping[str, Any], *, source: str = "<values>"
) -> Scenario:
    """Return ``scenario`` with typed values set by key path (``{"run.days": 90}``), validated.

    The typed counterpart of :func:`apply_overrides`, for values that are already Python
    objects (an experiment's design points, the dashboard's controls). Later values win.
    """
    for key, value in values.items():
        if organisations.is_entry_key(key):
            scenario = organisations.set_entry_key(scenario, key, value, source)
        else:
            scenario = set_path(scenario, key.split("."), value, source, key)
    check_consistency(scenario, source)
    if scenario.organisations:  # every organisation's own values still hold on the new base
        organisations.organisation_scenarios(scenario)
    return scenario


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare word: a string such as per_idea
