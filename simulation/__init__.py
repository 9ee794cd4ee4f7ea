"""cocreate: an agent-based simulation of co-creation communities on Mesa.

The seam every other part goes through::

    from simulation import load_scenario, run_scenario
    result = run_scenario(load_scenario("scenarios/baseline.toml"), seed=1)
    result.summary, result.timeseries, result.ideas, result.decisions, result.snapshots
"""

from simulation.model import CoCreationModel
from simulation.run import RunResult, run_scenario
from simulation.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "CoCreationModel",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_scenario",
]
__version__ = "0.1.0"
