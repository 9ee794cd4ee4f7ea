"""What ``cocreate`` shows: headline figures, the parameter reference, the progress bar.

Cells are passed to Rich as :class:`rich.text.Text`, so a range such as ``[0, 1]`` is never
taken for console markup.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from functools import reduce
from typing import Any, NamedTuple

import tomli_w
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from simulation.headlines import HEADLINES
from simulation.run import RunResult
from simulation.scenario import Scenario, iter_params

PROGRESS_DELAY = 1.0  # seconds a run must take before its progress bar appears
INT64_MAX = 2**63 - 1
MISSING = "–"  # shown for NaN: e.g. no accepted idea yet, so no quality of accepted ideas


FORMATS: dict[str, Callable[[float], str]] = {
    "count": "{:,.0f}".format,
    "share": lambda value: f"{100 * value:.1f}",  # the unit column says %
    "quality": "{:.3f}".format,
    "days": "{:.1f}".format,
    "eur": "{:,.2f}".format,
    "signed": "{:+.2f}".format,
}


class ParamRow(NamedTuple):
    """One line of the parameter reference."""

    key: str
    default: str
    unit: str
    allowed: str
    description: str


def format_figure(value: Any, kind: str) -> str:
    """Format one headline figure; NaN and missing values become ``–``.

    >>> format_figure(0.1234, "share"), format_figure(float("nan"), "days")
    ('12.3', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return FORMATS[kind](value)


def headline_table(result: RunResult) -> Table:
    """The headline figures of a run as a Rich table."""
    s = result.scenario
    table = Table(title=f"{s.name}: {len(result.timeseries)} days, seed {s.run.seed}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for h in HEADLINES:
        value = format_figure(result.summary.get(h.key), h.kind)
        table.add_row(Text(h.label), Text(value), Text(h.unit))
    return table


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


def params_table(rows: list[ParamRow]) -> Table:
    """The parameter reference as a Rich table; key paths are never wrapped."""
    table = Table(title="cocreate parameters (set in a scenario file or with --set key=value)")
    width = max((len(row.key) for row in rows), default=3)
    table.add_column("key", no_wrap=True, min_width=width)
    for name in ("default", "unit", "allowed"):  # fold, never cut, on a narrow terminal
        table.add_column(name, overflow="fold", min_width=len(name))
    table.add_column("description", overflow="fold", min_width=11, ratio=1)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def params_markdown(rows: list[ParamRow]) -> str:
    """The parameter reference as a Markdown table."""
    lines = ["| key | default | unit | allowed | description |", "|---|---|---|---|---|"]
    for row in rows:
        cells = (f"`{row.key}`", f"`{row.default}`", row.unit, row.allowed, row.description)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


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


@contextlib.contextmanager
def progress_callback(
    enabled: bool, unit: str = "days"
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback counting ``unit`` (None when no bar can or should be shown)."""
    console = Console(stderr=True)
    if not (enabled and console.is_terminal):
        yield None
        return
    progress = LazyProgress(console, unit=unit)
    try:
        yield progress
    finally:
        progress.close()


class LazyProgress:
    """Progress callback that shows a Rich bar only once a run has taken ``delay`` seconds.

    Short runs print nothing; the bar is transient, so it disappears when the run ends.
    """

    def __init__(self, console: Console, delay: float = PROGRESS_DELAY, unit: str = "days"):
        self._console, self._delay, self._unit = console, delay, unit
        self._start = time.monotonic()
        self._bar: Progress | None = None
        self._task = None

    def __call__(self, day: int, days: int) -> None:
        """Record that ``day`` of ``days`` units (days of a run, or runs) are done."""
        if self._bar is None:
            if time.monotonic() - self._start < self._delay:
                return
            self._bar = Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(self._unit),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("run", total=days)
        self._bar.update(self._task, completed=day)

    def close(self) -> None:
        """Remove the bar, if it was shown."""
        if self._bar is not None:
            self._bar.stop()
