"""The page's own controls in the sidebar: presets, arms and seed, policies, parameters.

Generated from the scenario dataclasses (:mod:`.controls`); every change goes through
:mod:`.state`, which validates it or refuses it with a message.
"""

from __future__ import annotations

from dataclasses import replace

import solara

from simulation.dashboard import controls
from simulation.dashboard.presets import PRESETS, load_preset
from simulation.dashboard.state import apply, change, edit, editing, message, settings
from simulation.scenario import Scenario, ScenarioError


@solara.component
def PolicyControls(scenario: Scenario):
    """A chooser per policy family."""
    for c in controls.policy_controls():
        solara.Select(
            c.label,
            value=controls.current(scenario, c.key),
            values=list(c.choices),
            on_value=lambda v, key=c.key: change(key, v),
        )


@solara.component
def SliderControls(scenario: Scenario):
    """Sliders for the main parameters (span and default from the dataclasses)."""
    for c in controls.slider_controls():
        value = controls.current(scenario, c.key)
        slider = solara.SliderInt if c.is_int else solara.SliderFloat
        slider(
            f"{c.label} ({c.unit})",
            value=value,
            min=c.low,
            max=c.high,
            step=c.step,
            on_value=lambda v, key=c.key: change(key, v),
        )


@solara.component
def TypedControl(scenario: Scenario):
    """Any parameter, typed as ``key.path = value`` (validated; `cocreate params` lists keys)."""
    text = solara.use_reactive("")

    def submit(value: str) -> None:
        text.set(value)
        if value.strip():
            edit(lambda scenario: controls.set_typed(scenario, value))

    solara.InputText(
        "any parameter: key.path = value (Enter)",
        value=text.value,
        on_value=submit,
        placeholder="consumers.intrinsic_mean = 0.5",
    )


@solara.component
def SeedControl():
    """The seed both arms share."""

    def set_seed(value: str) -> None:
        try:
            seed = int(value)
            controls.set_value(Scenario(), "run.seed", seed)
        except (ValueError, ScenarioError) as err:
            message.set(f"Refused: seed: {err}")
            return
        apply(replace(settings.value, seed=seed))

    solara.InputText("seed", value=str(settings.value.seed), on_value=set_seed)


@solara.component
def ArmControls():
    """Side by side on/off, which arm the controls edit, the seed."""
    current = settings.value
    solara.Switch(
        label="side by side (arm B next to arm A)",
        value=current.side_by_side,
        on_value=lambda on: apply(replace(settings.value, side_by_side=on)),
    )
    if current.side_by_side:
        solara.ToggleButtonsSingle(
            value=f"edit arm {'AB'[editing.value]}",
            values=["edit arm A", "edit arm B"],
            on_value=lambda v: editing.set(0 if v.endswith("A") else 1),
        )
    SeedControl()


@solara.component
def PresetButtons():
    """One button per belief: loads its two arms side by side."""
    for preset in PRESETS:
        with solara.Tooltip(preset.title):
            solara.Button(
                f"Belief {preset.number}",
                on_click=lambda n=preset.number: (
                    editing.set(0),
                    apply(load_preset(n, settings.value.seed)),
                ),
                outlined=settings.value.preset != str(preset.number),
                color="primary",
                style={"margin": "2px"},
            )


@solara.component
def Sidebar():
    """The page's own controls, under SolaraViz's controller."""
    current = settings.value
    index = editing.value if current.side_by_side else 0
    scenario = current.arms[index].scenario
    with solara.Sidebar():
        with solara.Card("Presets: the five beliefs"), solara.Row(style={"flex-wrap": "wrap"}):
            PresetButtons()
        with solara.Card("Arms and seed"):
            ArmControls()
        if message.value:
            solara.Error(message.value)
        with solara.Card(f"Policies (arm {'AB'[index]})"):
            PolicyControls(scenario)
        with solara.Card(f"Parameters (arm {'AB'[index]})"):
            SliderControls(scenario)
            TypedControl(scenario)
