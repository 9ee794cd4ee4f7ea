"""``cocreate run``: simulate one scenario, show its headline figures, write its tables."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import (
    UsageError,
    add_set_option,
    console,
    default_out_dir,
    load_scenario_arg,
    make_out_dir,
    progress_callback,
    subparser,
)

EXAMPLES = """\
examples:
  cocreate run scenarios/baseline.toml
  cocreate run scenarios/baseline.toml --seed 7 --days 180 \\
      --set policies.reward.kind=per_idea --set policies.reward.amount=50 --out results/runs/pay50
  cocreate run scenarios/baseline.toml --events    # also events.parquet: `cocreate describe` it
  cocreate run results/calibrate/community/calibrated.toml --posterior results/calibrate/community
"""


def register(commands) -> None:
    """Add ``run`` to the command table."""
    parser = subparser(
        commands, "run", "Simulate one scenario and write its result files.", EXAMPLES
    )
    parser.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file to run")
    parser.add_argument("--seed", metavar="N", help="random seed (shorthand for --set run.seed=N)")
    parser.add_argument(
        "--days", metavar="N", help="days to simulate (shorthand for --set run.days=N)"
    )
    add_set_option(parser)
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="directory for the result files (default: results/runs/<scenario name>/seed-<seed>)",
    )
    parser.add_argument("--csv", action="store_true", help="write the tables as CSV, not Parquet")
    parser.add_argument(
        "--events",
        action="store_true",
        help="also write the run's event log, events.parquet (or .csv): the format "
        "`cocreate describe` reads (docs/events.md)",
    )
    parser.add_argument(
        "--posterior",
        metavar="DIR",
        type=Path,
        help="run at one draw of a calibration's posterior (the output folder of `cocreate "
        "calibrate`); the seed chooses the draw",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the output directory",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load, simulate, show the headline figures, write the result files."""
    from simulation.results import write_run
    from simulation.run import run_scenario

    scenario = load_scenario_arg(args.scenario, args.overrides, seed=args.seed, days=args.days)
    if args.posterior is not None:
        from simulation.calibrate.posterior import draw, load_posterior
        from simulation.scenario import set_values

        values = draw(load_posterior(args.posterior), scenario.run.seed)[0]
        scenario = set_values(scenario, values, source=str(args.posterior))
        if not args.quiet:
            shown = ", ".join(f"{k} = {v:.4g}" for k, v in values.items())
            print(f"posterior draw (seed {scenario.run.seed}): {shown}")
    out = args.out if args.out is not None else default_out_dir(scenario)
    make_out_dir(out)
    with progress_callback(enabled=not args.quiet) as progress:
        result = run_scenario(scenario, progress=progress, events=args.events)
    try:
        write_run(result, out, csv=args.csv)
    except OSError as err:
        raise UsageError(
            f"{out}: cannot write results ({err.strerror or err}); choose another --out"
        ) from None
    if args.quiet:
        print(out)
        return 0
    console().print(headline_table(result))
    if "multi_members" in result.summary:  # several firms
        console().print(organisations_table(result))
    print(f"Results written to {out}")
    return 0


def headline_table(result):
    """The headline figures of a run as a Rich table."""
    from rich.table import Table
    from rich.text import Text

    from simulation.headlines import headline_rows

    s = result.scenario
    table = Table(title=f"{s.name}: {len(result.timeseries)} days, seed {s.run.seed}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for label, value, unit in headline_rows(result.summary):
        table.add_row(Text(label), Text(value), Text(unit))
    return table


def organisations_table(result):
    """Each organisation's headline figures side by side, and the people they share."""
    from rich.table import Table
    from rich.text import Text

    from simulation.headlines import organisation_rows
    from simulation.run import ORGANISATION_FIGURES

    names = [e.name for e in result.scenario.organisations if e.role == "firm"]
    summary = result.summary
    table = Table(
        title=f"Organisations: {summary['multi_members']:,} people in several communities, "
        f"{summary['switchers']:,} left one for another",
        caption=f"The figures above are {names[0]}'s (the focal organisation).",
    )
    table.add_column("figure")
    for name in names:
        table.add_column(name, justify="right")
    table.add_column("unit")
    for label, values, unit in organisation_rows(summary, names, ORGANISATION_FIGURES):
        table.add_row(Text(label), *map(Text, values), Text(unit))
    return table
