"""What every ``cocreate`` command shares: errors, options, loading a scenario, output folders.

Command modules import this module and the library, never each other. Nothing here imports
Mesa, pandas, matplotlib or scipy, so ``cocreate --help`` starts at once; Rich is imported
only when a command draws a table or a progress bar.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simulation.parallel import default_workers

if TYPE_CHECKING:
    from rich.console import Console

    from simulation.scenario import Scenario

EXIT_USAGE, EXIT_INTERRUPTED = 2, 130
PROGRESS_DELAY = 1.0  # seconds a run must take before its progress bar appears
# `validate --quick` and the facts of `myths --quick`: replicates and Hong-Page landscapes
QUICK_REPLICATES, QUICK_LANDSCAPES, FULL_LANDSCAPES = 6, 10, 50


class UsageError(Exception):
    """A mistake in the command line that is not about the scenario itself (e.g. ``--out``)."""


def subparser(commands, name: str, help_text: str, examples: str) -> argparse.ArgumentParser:
    """Add one command with its description and an epilog of examples."""
    return commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set KEY.PATH=VALUE``."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override one parameter, value in TOML syntax (bare words are strings); "
        "repeatable; `cocreate params` lists the keys",
    )


def add_replicate_options(
    parser: argparse.ArgumentParser, *, replicates: int, what: str, out: Path | None, out_help: str
) -> None:
    """Add ``--replicates``, ``--workers``, ``--seed`` and ``--out`` to ``parser``."""
    parser.add_argument(
        "--replicates",
        type=int,
        default=replicates,
        metavar="N",
        help=f"runs per {what} (default {replicates}; at least 2)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=f"local processes (default: all cores, {default_workers()} here)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="root seed; replicate r of every arm gets the same seed",
    )
    parser.add_argument("--out", type=Path, default=out, metavar="DIR", help=out_help)


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` (local processes; checked by :func:`checked_worker_option`)."""
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"local processes (default: all cores, {default_workers()} here)",
    )


def checked_worker_option(workers: int | None) -> None:
    """UsageError when ``--workers`` was given below 1."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers: must be at least 1, got {workers}")


def checked_workers(replicates: int, workers: int | None) -> int:
    """The number of workers to use, after checking both counts (UsageError if unusable)."""
    if replicates < 2:
        raise UsageError(f"--replicates: {replicates}; use 2 or more for intervals")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers: {workers}; use 1 or more")
    return default_workers() if workers is None else workers


def whole_number(option: str, text: str, low: int = 1, high: int = 1000) -> int:
    """``text`` as a whole number in ``[low, high]``, or a UsageError naming ``option``."""
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{option}: {value} is out of range; use {low} to {high}")
    return value


def load_scenario_arg(
    file: str, overrides: Sequence[str], *, seed: str | None = None, days: str | None = None
) -> Scenario:
    """Load and validate a scenario; ``--seed``/``--days`` are overrides of their own."""
    from simulation.scenario import ScenarioError, apply_overrides, load_scenario

    try:
        scenario = load_scenario(file)
    except OSError as err:  # e.g. permission denied; a missing file is a ScenarioError
        raise ScenarioError(f"cannot read the file ({err.strerror or err})", source=file) from None
    scenario = apply_overrides(scenario, overrides, source="--set")
    set_keys = {item.partition("=")[0].strip() for item in overrides}
    for option, key, value in (("--seed", "run.seed", seed), ("--days", "run.days", days)):
        if value is None:
            continue
        if key in set_keys:
            raise ScenarioError("also given with --set; give it once", source=option, key=key)
        scenario = apply_overrides(scenario, [f"{key}={value}"], source=option)
    return scenario


def slug(text: str, fallback: str = "scenario", limit: int | None = None) -> str:
    """``text`` made safe for a file or folder name.

    >>> slug("cash rewards / 2026")
    'cash_rewards_2026'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:limit] or fallback


def default_out_dir(scenario: Scenario) -> Path:
    """``results/runs/<scenario name>/seed-<seed>``, the name made safe for a path."""
    return Path("results", "runs", slug(scenario.name), f"seed-{scenario.run.seed}")


def make_out_dir(out: Path) -> None:
    """Create the output directory before the run, so a bad ``--out`` fails at once."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(
            f"{out}: cannot create the output directory ({err.strerror or err}); "
            "choose another --out"
        ) from None


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print a user's mistake as one ``error:`` line (other codes: the message as it is)."""
    print(f"error: {message}" if code == EXIT_USAGE else message, file=sys.stderr)
    return code


def console(*, stderr: bool = False) -> Console:
    """A Rich console that leaves ``[...]`` in plain text alone."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@contextlib.contextmanager
def progress_callback(
    enabled: bool, unit: str = "days"
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback counting ``unit`` (None when no bar can or should be shown)."""
    from rich.console import Console

    stderr = Console(stderr=True)
    if not (enabled and stderr.is_terminal):
        yield None
        return
    progress = LazyProgress(stderr, unit=unit)
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
        self._bar = None
        self._task = None

    def __call__(self, day: int, days: int) -> None:
        """Record that ``day`` of ``days`` units (days of a run, or runs) are done."""
        if self._bar is None:
            if time.monotonic() - self._start < self._delay:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

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
