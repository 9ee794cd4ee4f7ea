"""What a scenario is and how one is read.

:mod:`.parameters` declares every parameter (default, unit, range, meaning) as frozen
dataclasses; :mod:`.loading` turns TOML files and ``--set`` overrides into a validated
:class:`Scenario`, or one :class:`ScenarioError` that names the file, the key and the fix.
Neither imports the model, so the command line can check a file without loading Mesa.
"""

from simulation.scenario.loading import (
    ScenarioError,
    apply_overrides,
    load_scenario,
    override_values,
    scenario_from_dict,
    set_values,
)
from simulation.scenario.organisations import organisation_scenarios
from simulation.scenario.parameters import (
    FIRM_TABLES,
    FOCAL,
    PERSPECTIVES,
    AdaptationParams,
    CommunityParams,
    ConsumerParams,
    ControlParams,
    DecisionParams,
    ExpectationParams,
    IdeaParams,
    MarketerParams,
    OrganisationEntry,
    OrganisationParams,
    PolicyParams,
    RecognitionParams,
    RewardParams,
    RunParams,
    Scenario,
    TriageParams,
    iter_params,
    param,
    to_dict,
)

__all__ = [
    "FIRM_TABLES",
    "FOCAL",
    "PERSPECTIVES",
    "AdaptationParams",
    "CommunityParams",
    "ConsumerParams",
    "ControlParams",
    "DecisionParams",
    "ExpectationParams",
    "IdeaParams",
    "MarketerParams",
    "OrganisationEntry",
    "OrganisationParams",
    "PolicyParams",
    "RecognitionParams",
    "RewardParams",
    "RunParams",
    "Scenario",
    "TriageParams",
    "ScenarioError",
    "apply_overrides",
    "iter_params",
    "load_scenario",
    "organisation_scenarios",
    "override_values",
    "param",
    "scenario_from_dict",
    "set_values",
    "to_dict",
]
