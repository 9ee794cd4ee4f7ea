"""Helpers shared by the tests: paths and small scenarios that run in well under a second.

Tests import these from here; ``conftest.py`` holds fixtures only (pytest loads it by itself,
and importing it as a module would run it a second time under another name).
"""

from __future__ import annotations

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
