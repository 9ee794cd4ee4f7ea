"""``cocreate validate``: the stylized-facts table — published figure, model figure, pass/fail."""

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
  cocreate validate --quick
  cocreate validate --replicates 40 --workers 2 --out results/validate
"""


def register(commands) -> None:
    """Add ``validate`` to the command table."""
    parser = subparser(
        commands,
        "validate",
        "Check the model against the published stylized facts it covers (calibration targets "
        "and directional findings); exit 0 when all pass, 1 when any fails.",
        EXAMPLES,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_REPLICATES} replicates and {QUICK_LANDSCAPES} Hong-Page "
        "landscapes: a fast look, with wider intervals",
    )
    add_replicate_options(
        parser,
        replicates=20,
        what="arm",
        out=Path("results", "validate"),
        out_help="folder for validation.csv and validation.md (default: %(default)s)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Measure every fact, print the table, write it, and exit 0 (all pass) or 1."""
    from simulation.analysis import facts
    from simulation.analysis.facts_report import verdict_frame, verdict_markdown

    replicates = QUICK_REPLICATES if args.quick else args.replicates
    workers = checked_workers(replicates, args.workers)
    make_out_dir(args.out)
    landscapes = QUICK_LANDSCAPES if args.quick else FULL_LANDSCAPES
    with progress_callback(enabled=True, unit="runs") as progress:
        verdicts = facts.all_verdicts(replicates, args.seed, workers, landscapes, progress)
    frame = verdict_frame(verdicts)
    frame.to_csv(args.out / "validation.csv", index=False)
    (args.out / "validation.md").write_text(verdict_markdown(frame), encoding="utf-8")
    console().print(verdict_table(frame, replicates))
    failed = frame.loc[~frame["passed"], "id"].tolist()
    print(f"Table written to {args.out / 'validation.md'}")
    if failed:
        print(f"{len(failed)} of {len(frame)} checks fail: {', '.join(failed)}")
        return 1
    print(f"All {len(frame)} checks pass.")
    return 0


def verdict_table(frame, replicates: int):
    """The stylized-facts table for the terminal."""
    from rich.table import Table

    from simulation.analysis.facts_report import number

    table = Table(title=f"Stylized facts ({replicates} replicates per arm)")
    for column in ("id", "finding", "published", "model [95 % CI]", "rule", ""):
        table.add_column(column)
    for row in frame.itertuples():
        mark = "[green]pass[/]" if row.passed else "[red]FAIL[/]"
        table.add_row(
            row.id,
            f"{row.claim} ({row.source})",
            row.published,
            f"{number(row.model)} [{number(row.ci_low)}, {number(row.ci_high)}]",
            row.rule,
            mark,
        )
    return table
