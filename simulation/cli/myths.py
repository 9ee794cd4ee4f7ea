"""``cocreate myths``: the five beliefs answered with the model's evidence, as a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import (
    FULL_LANDSCAPES,
    QUICK_LANDSCAPES,
    QUICK_REPLICATES,
    add_replicate_options,
    checked_workers,
    console,
    make_out_dir,
    progress_callback,
    subparser,
)

EXAMPLES = """\
examples:
  cocreate myths --quick
  cocreate myths --replicates 30 --out results/myths
"""
QUICK_MYTH_REPLICATES = 4


def register(commands) -> None:
    """Add ``myths`` to the command table."""
    parser = subparser(
        commands,
        "myths",
        "Answer the five beliefs about co-creation with the model's evidence: computed "
        "verdicts, boundary sweeps, the stylized-facts table; writes results/myths/report.html "
        "and report.md.",
        EXAMPLES,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_MYTH_REPLICATES} replicates per arm (wider intervals, "
        "more 'inconclusive'); a few minutes at most on 2 cores",
    )
    parser.add_argument("--no-facts", action="store_true", help="leave out the stylized facts")
    parser.add_argument(
        "--no-attribution",
        action="store_true",
        help="leave out what carries each answer (each belief's mechanisms switched off in "
        "both arms: two runs per mechanism and replicate)",
    )
    add_replicate_options(
        parser,
        replicates=20,
        what="arm and per swept value",
        out=Path("results", "myths"),
        out_help="report folder (default: %(default)s)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Answer every myth, measure the stylized facts, write and summarise the report."""
    from rich.table import Table

    from simulation.analysis import facts
    from simulation.analysis.facts_report import verdict_frame
    from simulation.analysis.myths_report import carried_mostly_by, run_myths, verdict_cell, write

    replicates = QUICK_MYTH_REPLICATES if args.quick else args.replicates
    workers = checked_workers(replicates, args.workers)
    make_out_dir(args.out)
    with progress_callback(enabled=True, unit="runs") as progress:
        results = run_myths(
            replicates, args.seed, workers, progress=progress, attribute=not args.no_attribution
        )
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
    for column in ("belief", "verdict", "when it holds", "carried mostly by"):
        summary.add_column(column)
    for r in results:
        summary.add_row(
            f"{r.myth.number}. {r.myth.belief}", verdict_cell(r), r.sentence, carried_mostly_by(r)
        )
    console().print(summary)
    print(f"Report written to {report}")
    return 0
