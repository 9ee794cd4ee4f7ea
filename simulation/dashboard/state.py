"""The dashboard's session state and the one way to change it.

Solara keeps a module-level reactive per browser session. Every change of settings goes through
:func:`apply` (validated settings, the run set up again at day 0) or :func:`edit` (a change of
the edited arm, refused with a message when it does not validate).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import solara
from mesa.visualization.utils import force_update

from simulation.dashboard import SCENARIO_ENV, controls
from simulation.dashboard.arms import Classroom, Settings
from simulation.scenario import Scenario, ScenarioError, load_scenario


def initial_settings() -> tuple[Settings, str]:
    """The settings the page opens with: the scenario file ``cocreate dashboard`` was given.

    The path comes from the command line (an environment variable), never from the page.
    """
    path = os.environ.get(SCENARIO_ENV)
    if not path:
        return Settings.from_scenario(Scenario()), ""
    try:
        return Settings.from_scenario(load_scenario(path)), ""
    except (ScenarioError, OSError) as err:
        return Settings.from_scenario(Scenario()), f"{err}; showing the defaults"


# Session state (Solara keeps a module-level reactive per browser session).
settings = solara.reactive(None)
classroom = solara.reactive(None)
editing = solara.reactive(0)  # the arm the controls edit: 0 = A, 1 = B
selected = solara.reactive(None)  # consumer index shown by the inspector
message = solara.reactive("")  # the last refused value, shown until the next change


def apply(new: Settings) -> None:
    """Take validated settings and set the run up again at day 0."""
    settings.set(new)
    classroom.set(Classroom(new))
    message.set("")
    force_update()


def edit(make: Callable[[Scenario], Scenario]) -> None:
    """Replace the edited arm's scenario by ``make(scenario)``, or refuse it with a message."""
    current = settings.value
    index = editing.value if current.side_by_side else 0
    try:
        scenario = make(current.arms[index].scenario)
    except ScenarioError as err:
        message.set(f"Refused: {err}")
        return
    apply(current.with_arm(index, scenario))


def change(key: str, value) -> None:
    """Set one parameter of the edited arm, or refuse it with a message."""
    edit(lambda scenario: controls.set_value(scenario, key, value))
