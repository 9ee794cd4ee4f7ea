"""``cocreate animate``: a GIF of the network and the plots, day by day, for slides.

It draws the dashboard's own views (``simulation.dashboard.views``) with matplotlib and writes
the frames with Pillow: one frame for day 0 and one per ``every`` days after it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matplotlib.animation import PillowWriter

from simulation.dashboard import views
from simulation.model import CoCreationModel
from simulation.scenario import Scenario


def frame_count(days: int, every: int = 1) -> int:
    """Frames of an animation of ``days`` days drawn every ``every`` days (day 0 included).

    >>> frame_count(30), frame_count(30, every=7)
    (31, 5)
    """
    return 1 + days // every


def animate(
    scenario: Scenario,
    out: Path,
    *,
    fps: int = 10,
    every: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Run ``scenario`` for ``scenario.run.days`` days and write the GIF; returns the frames."""
    model = CoCreationModel(scenario)
    days = scenario.run.days
    fig = views.figure(12, 5.6, dpi=72)
    grid = fig.add_gridspec(2, 4, width_ratios=(2.2, 1.4, 1.4, 1.0))
    network = views.NetworkView([fig.add_subplot(grid[:, 0])])
    plots = views.PlotsView(
        [fig.add_subplot(grid[r, c]) for r, c in ((0, 1), (0, 2), (1, 1), (1, 2))]
    )
    pipeline_axes = fig.add_subplot(grid[:, 3])
    fig.subplots_adjust(0.01, 0.06, 0.86, 0.92, 0.3, 0.35)
    fig.suptitle(scenario.name, fontsize=11)
    writer = PillowWriter(fps=fps)
    frames = 0
    with writer.saving(fig, str(out), dpi=fig.dpi):
        for day in range(days + 1):
            if day:
                model.step()
            if day % every == 0:
                network.update([scenario.name], [model])
                plots.update([scenario.name], [model])
                views.draw_pipeline(pipeline_axes, [scenario.name], [model])
                writer.grab_frame()
                frames += 1
            if progress is not None:
                progress(day, days)
    return frames
