"""Side by side: one or two arms of a scenario, run in step on the same seed.

:class:`Classroom` is the Mesa model the dashboard hands to SolaraViz's controller: its
constructor takes keyword values only (SolaraViz re-creates it on Reset), and each step advances
every arm by one day. The arms are plain :class:`~simulation.model.CoCreationModel` runs; nothing
here changes how the model works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import mesa

from simulation.model import CoCreationModel
from simulation.scenario import Scenario


@dataclass(frozen=True)
class Arm:
    """One scenario the class watches, under a short name."""

    name: str
    scenario: Scenario


@dataclass(frozen=True)
class Settings:
    """What the page has chosen: the arms (the first is edited by the controls) and the seed.

    ``side_by_side`` runs the second arm next to the first; a preset fills both arms.
    """

    arms: tuple[Arm, ...]
    seed: int
    side_by_side: bool = False
    preset: str = ""  # the belief a preset loaded (empty: the page's own settings)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Settings:
        """One scenario in both arms (arm B starts as a copy to be changed)."""
        arm = Arm(scenario.name, scenario)
        return cls((arm, replace(arm, name=f"{scenario.name} (B)")), scenario.run.seed)

    @property
    def running_arms(self) -> tuple[Arm, ...]:
        """The arms that run: both side by side, else the first."""
        return self.arms if self.side_by_side else self.arms[:1]

    def with_arm(self, index: int, scenario: Scenario) -> Settings:
        """These settings with arm ``index`` running ``scenario`` (a hand-made arm, no preset)."""
        arms = list(self.arms)
        arms[index] = replace(arms[index], scenario=scenario)
        return replace(self, arms=tuple(arms), preset="")


class Classroom(mesa.Model):
    """The arms of the current settings as one Mesa model: a step advances each arm one day.

    Args:
        settings: the settings, or a function returning the current ones (read at every
            Reset, so SolaraViz's Reset always builds what the page shows).
        scenario: accepted for SolaraViz's Reset, which passes Mesa's own scenario object.
        rng: unused (each arm seeds its own generator from ``settings.seed``).

    >>> room = Classroom(Settings.from_scenario(Scenario()))
    >>> room.step(); [m.steps for m in room.models], room.day
    ([1], 1)
    """

    def __init__(
        self,
        settings: Settings | Callable[[], Settings] | None = None,
        *,
        scenario=None,
        rng=None,
    ):
        super().__init__(rng=0, scenario=scenario)
        if settings is None:
            settings = Settings.from_scenario(Scenario())
        self.settings = settings() if callable(settings) else settings
        self.names = [arm.name for arm in self.settings.running_arms]
        self.models = [
            CoCreationModel(replace(arm.scenario, run=replace(arm.scenario.run, seed=seed)))
            for arm in self.settings.running_arms
            for seed in [self.settings.seed]
        ]
        # called before every step; the page sets it to wait while it is being drawn
        self.before_step: Callable[[], None] | None = None

    @property
    def day(self) -> int:
        """Days simulated so far (the same in every arm)."""
        return self.steps

    def step(self) -> None:
        """Advance every arm one day; stop when the arms' runs are over."""
        if self.before_step is not None:
            self.before_step()
        for model in self.models:
            if model.running:
                model.step()
        self.running = any(model.running for model in self.models)
