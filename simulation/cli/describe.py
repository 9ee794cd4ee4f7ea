"""``cocreate describe``: the summary statistics of a community's event log."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import UsageError, console, make_out_dir, slug, subparser

EXAMPLES = """\
examples:
  cocreate describe community.csv
  cocreate describe community.parquet --start 2024-01-01 --out results/describe/mine
  cocreate run scenarios/baseline.toml --events --out results/runs/twin
  cocreate describe results/runs/twin/events.parquet

A log has one row per event: member, time (ISO 8601) or day, event (joined, posted_idea, built,
voted, replied, decided, left), idea, outcome (for decided: accepted or rejected) and,
optionally, reason and organisation. docs/events.md describes the format and every statistic;
a model run's log (cocreate run --events) is summarised by the same code.
"""


def register(commands) -> None:
    """Add ``describe`` to the command table."""
    parser = subparser(
        commands,
        "describe",
        "Summary statistics of a community's event log (CSV or Parquet): printed, and written "
        "as CSV, JSON, figures and an HTML page (to results/describe/<log name>/).",
        EXAMPLES,
    )
    parser.add_argument("log", metavar="LOG", type=Path, help="the event log (.csv or .parquet)")
    parser.add_argument(
        "--start",
        metavar="DATE",
        help="day 0 of a log with a time column (ISO 8601, e.g. 2024-01-01 or "
        "2024-01-01T00:00+01:00; default: the UTC day of the first event)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default results/describe/<log name>)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Read and check the log, print its statistics, write the files."""
    from simulation.events.schema import EventLogError, read_events

    try:
        log = read_events(args.log, start=args.start)
    except EventLogError as err:
        raise UsageError(str(err)) from None
    out = args.out if args.out is not None else Path("results", "describe", slug(args.log.stem))
    make_out_dir(out)
    from simulation.analysis.events_report import write_description

    try:
        report, table = write_description(log, out, source=str(args.log))
    except OSError as err:
        raise UsageError(
            f"{out}: cannot write the description ({err.strerror or err}); choose another --out"
        ) from None
    console().print(statistics_table(table, str(args.log), len(log)))
    print(f"Report written to {report}")
    return 0


def statistics_table(table, source: str, events: int):
    """The statistics as a Rich table (a value column per organisation)."""
    from rich.table import Table
    from rich.text import Text

    from simulation.analysis.events_report import statistic_rows

    names, rows = statistic_rows(table)
    out = Table(title=f"{source}: {events:,} events")
    out.add_column("statistic")
    for name in names or ["value"]:
        out.add_column(name, justify="right")
    out.add_column("unit")
    for label, values, unit in rows:
        out.add_row(Text(label), *map(Text, values), Text(unit))
    return out
