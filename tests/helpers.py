"""Helpers shared by the tests: paths and small scenarios that run in well under a second.

Tests import these from here; ``conftest.py`` holds fixtures only (pytest loads it by itself,
and importing it as a module would run it a second time under another name).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

from simulation import Scenario
from simulation.scenario import apply_overrides

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
BASELINE = ROOT / "scenarios" / "baseline.toml"


def small(*overrides: str, days: int = 60, consumers: int = 300) -> Scenario:
    """The baseline shrunk to ``consumers`` and ``days``, with extra overrides."""
    return apply_overrides(
        Scenario(),
        [
            f"run.days={days}",
            f"community.consumers={consumers}",
            f"community.initial_members={consumers // 5}",
            "community.arrival_rate=1.0",
            "run.snapshot_interval=20",
            *overrides,
        ],
    )


@contextlib.contextmanager
def ctrl_c_as_from_a_terminal() -> Iterator[None]:
    """Children started inside get Ctrl-C (SIGINT) as from a terminal, however pytest started.

    A shell that runs pytest in the background (``pytest &``, no job control) hands it SIGINT
    ignored, and an ignored signal stays ignored in every child through exec, so a command the
    test starts would never see the Ctrl-C it sends. While the block runs, this process gets the
    default handler, which exec turns into the default action in the child.
    """
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
