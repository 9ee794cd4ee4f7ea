"""cocreate: an agent-based simulation of co-creation communities on Mesa.

The seam every other part goes through::

    from simulation import load_scenario, run_scenario
    result = run_scenario(load_scenario("scenarios/baseline.toml"), seed=1)
    result.summary, result.timeseries, result.ideas, result.decisions, result.snapshots,
    result.organisations

The names below are imported when first used, so that ``import simulation`` (and with it the
command line's ``--help``) does not load Mesa and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.model import CoCreationModel
    from simulation.run import RunResult, run_scenario
    from simulation.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"
_PUBLIC = {
    "CoCreationModel": "simulation.model",
    "RunResult": "simulation.run",
    "run_scenario": "simulation.run",
    "Scenario": "simulation.scenario",
    "ScenarioError": "simulation.scenario",
    "load_scenario": "simulation.scenario",
}
__all__ = [
    "CoCreationModel",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_scenario",
]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
