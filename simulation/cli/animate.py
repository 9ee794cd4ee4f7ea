"""``cocreate animate``: a GIF of a run's network, plots and idea pipeline, for slides."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import (
    UsageError,
    add_set_option,
    default_out_dir,
    load_scenario_arg,
    make_out_dir,
    progress_callback,
    subparser,
    whole_number,
)

EXAMPLES = """\
examples:
  cocreate animate scenarios/baseline.toml --out results/animations/baseline.gif
  cocreate animate scenarios/cash_rewards.toml --days 120 --fps 15 --every 2
"""


def register(commands) -> None:
    """Add ``animate`` to the command table."""
    parser = subparser(
        commands,
        "animate",
        "Write a GIF of a run's network, plots and idea pipeline, day by day, for slides.",
        EXAMPLES,
    )
    parser.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file to animate")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE.gif",
        help="the GIF to write (default: results/animations/<scenario name>.gif)",
    )
    parser.add_argument("--days", metavar="N", help="days to simulate (default: the scenario's)")
    parser.add_argument("--seed", metavar="N", help="random seed (default: the scenario's)")
    parser.add_argument("--fps", metavar="N", default="10", help="frames per second (default: 10)")
    parser.add_argument(
        "--every", metavar="N", default="1", help="draw a frame every N days (default: 1)"
    )
    add_set_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the scenario and write the GIF."""
    from simulation.dashboard.animate import animate, frame_count

    fps = whole_number("--fps", args.fps, 1, 100)
    every = whole_number("--every", args.every, 1, 10_000)
    scenario = load_scenario_arg(args.scenario, args.overrides, seed=args.seed, days=args.days)
    out = args.out
    if out is None:
        out = Path("results", "animations", default_out_dir(scenario).parent.name + ".gif")
    if out.suffix.lower() != ".gif":
        raise UsageError(f"--out: {out} must end in .gif")
    make_out_dir(out.parent)
    with progress_callback(enabled=True) as progress:
        try:
            frames = animate(scenario, out, fps=fps, every=every, progress=progress)
        except OSError as err:
            raise UsageError(f"{out}: cannot write the GIF ({err.strerror or err})") from None
    assert frames == frame_count(scenario.run.days, every)
    print(f"{out}: {frames} frames, {scenario.run.days} days at {fps} frames per second")
    return 0
