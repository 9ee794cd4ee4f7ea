"""``cocreate myths``: the five beliefs answered with the model's evidence, as a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from simulation.analysis import facts
from simulation.analysis.myths_report import run_myths, write
from simulation.cli.options import add_replicate_options, checked_workers
from simulation.cli.output import progress_callback
from simulation.cli.validate import (
    FULL_LANDSCAPES,
    QUICK_LANDSCAPES,
    QUICK_REPLICATES,
    verdict_frame,
)

MYTHS_EXAMPLES = """\
examples:
  cocreate myths --quick
  cocreate myths --replicates 30 --out results/myths
"""
QUICK_MYTH_REPLICATES = 4


def add_myths(commands, subparser) -> None:
    """Register the ``myths`` subcommand."""
    parser = subparser(
        commands,
        "myths",
        "Answer the five beliefs about co-creation with the model's evidence: computed "
        "verdicts, boundary sweeps, the stylized-facts table; writes results/myths/report.html "
        "and report.md.",
        MYTHS_EXAMPLES,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_MYTH_REPLICATES} replicates per arm (wider intervals, "
        "more 'inconclusive'); a few minutes at most on 2 cores",
    )
    parser.add_argument("--no-facts", action="store_true", help="leave out the stylized facts")
    add_replicate_options(
        parser,
        replicates=20,
        what="arm and per swept value",
        out=Path("results", "myths"),
        out_help="report folder (default: %(default)s)",
    )
    parser.set_defaults(handler=cmd_myths)


def cmd_myths(args: argparse.Namespace) -> int:
    """Answer every myth, measure the stylized facts, write and summarise the report."""
    from simulation.cli import _make_out_dir

    replicates = QUICK_MYTH_REPLICATES if args.quick else args.replicates
    workers = checked_workers(replicates, args.workers)
    _make_out_dir(args.out)
    with progress_callback(enabled=True, unit="runs") as progress:
        results = run_myths(replicates, args.seed, workers, progress=progress)
    table = None
    if not args.no_facts:
        table = verdict_frame(
            facts.all_verdicts(
                QUICK_REPLICATES if args.quick else replicates,
                args.seed,
                workers,
                QUICK_LANDSCAPES if args.quick else FULL_LANDSCAPES,
            )
        )
    report = write(results, table, args.out, "Five beliefs about co-creation, tested")
    summary = Table(title=f"Five beliefs ({replicates} replicates per arm)")
    for column in ("belief", "verdict", "when it holds"):
        summary.add_column(column)
    for r in results:
        summary.add_row(f"{r.myth.number}. {r.myth.belief}", r.verdict.label, r.sentence)
    Console(highlight=False).print(summary)
    print(f"Report written to {report}")
    return 0
