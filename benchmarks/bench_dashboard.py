"""Dashboard speed: steps per second at 2,000 consumers while drawing every view each step.

Builds the dashboard's model (``Classroom``) at 2,000 consumers, then per step: advance one
day and draw everything the page draws (network as JPEG, plots as PNG, pipeline and headline
figures), as the page does when it plays with a render interval of 1. Prints steps/s for one
arm and for two arms side by side. A benchmark, not a test.

    python benchmarks/bench_dashboard.py [--steps 100]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from simulation.dashboard import views
from simulation.dashboard.arms import Classroom, Settings
from simulation.scenario import Scenario
from simulation.validation import apply_overrides

CONSUMERS = 2000


def bench(side_by_side: bool, steps: int, warmup: int = 60) -> float:
    scenario = apply_overrides(
        Scenario(),
        [f"community.consumers={CONSUMERS}", f"community.initial_members={CONSUMERS // 7}"],
    )
    settings = replace(Settings.from_scenario(scenario), side_by_side=side_by_side)
    room = Classroom(settings)
    count = len(room.models)
    network = views.NetworkView(views.figure(4.4 * count, 4.0).subplots(1, count, squeeze=False)[0])
    plots = views.PlotsView(views.figure(7.0, 4.4).subplots(2, 2).flat)

    def step_and_draw() -> None:
        room.step()
        network.update(room.names, room.models, selected=0)
        plots.update(room.names, room.models)
        views.image_bytes(network.axes[0].figure, "jpeg")
        views.image_bytes(plots.axes[0].figure, "png")
        for model in room.models:
            views.pipeline(model)
            views.headlines(model)

    for _ in range(warmup):  # a community that has grown; the layout is cached by then
        step_and_draw()
    start = time.perf_counter()
    for _ in range(steps):
        step_and_draw()
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    for side_by_side in (False, True):
        rate = bench(side_by_side, args.steps)
        arms = "two arms side by side" if side_by_side else "one arm"
        print(f"{CONSUMERS} consumers, {arms}, step + draw every view: {rate:.1f} steps/s")


if __name__ == "__main__":
    main()
