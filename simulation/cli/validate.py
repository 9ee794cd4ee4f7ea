"""``cocreate validate``: the stylized-facts table — published figure, model figure, pass/fail."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from simulation.analysis import facts
from simulation.cli.options import add_replicate_options, checked_workers
from simulation.cli.output import progress_callback

VALIDATE_EXAMPLES = """\
examples:
  cocreate validate --quick
  cocreate validate --replicates 40 --workers 2 --out results/validate
"""
QUICK_REPLICATES, QUICK_LANDSCAPES, FULL_LANDSCAPES = 6, 10, 50


def add_validate(commands, subparser) -> None:
    """Register the ``validate`` subcommand."""
    parser = subparser(
        commands,
        "validate",
        "Check the model against the published stylized facts it covers (calibration targets "
        "and directional findings); exit 0 when all pass, 1 when any fails.",
        VALIDATE_EXAMPLES,
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
    parser.set_defaults(handler=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Measure every fact, print the table, write it, and exit 0 (all pass) or 1."""
    from simulation.cli import _make_out_dir

    replicates = QUICK_REPLICATES if args.quick else args.replicates
    workers = checked_workers(replicates, args.workers)
    _make_out_dir(args.out)
    landscapes = QUICK_LANDSCAPES if args.quick else FULL_LANDSCAPES
    with progress_callback(enabled=True, unit="runs") as progress:
        verdicts = facts.all_verdicts(replicates, args.seed, workers, landscapes, progress)
    frame = verdict_frame(verdicts)
    frame.to_csv(args.out / "validation.csv", index=False)
    (args.out / "validation.md").write_text(verdict_markdown(frame), encoding="utf-8")
    Console(highlight=False).print(verdict_table(frame, replicates))
    failed = frame.loc[~frame["passed"], "id"].tolist()
    print(f"Table written to {args.out / 'validation.md'}")
    if failed:
        print(f"{len(failed)} of {len(frame)} checks fail: {', '.join(failed)}")
        return 1
    print(f"All {len(frame)} checks pass.")
    return 0


def verdict_frame(verdicts) -> pd.DataFrame:
    """One row per fact: what was published, what the model gives, the rule and the verdict."""
    return pd.DataFrame(
        [
            {
                "id": v.fact.id,
                "claim": v.fact.claim,
                "source": v.fact.source,
                "published": v.fact.published,
                "model": v.value,
                "ci_low": v.low,
                "ci_high": v.high,
                "n": v.replicates,
                "rule": v.rule,
                "passed": v.passed,
            }
            for v in verdicts
        ]
    )


def _num(x: float) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:.3g}"


def verdict_table(frame: pd.DataFrame, replicates: int) -> Table:
    """The stylized-facts table for the terminal."""
    table = Table(title=f"Stylized facts ({replicates} replicates per arm)")
    for column in ("id", "finding", "published", "model [95 % CI]", "rule", ""):
        table.add_column(column)
    for row in frame.itertuples():
        mark = "[green]pass[/]" if row.passed else "[red]FAIL[/]"
        table.add_row(
            row.id,
            f"{row.claim} ({row.source})",
            row.published,
            f"{_num(row.model)} [{_num(row.ci_low)}, {_num(row.ci_high)}]",
            row.rule,
            mark,
        )
    return table


def verdict_markdown(frame: pd.DataFrame) -> str:
    """The same table as Markdown."""
    lines = [
        "| id | finding | source | published | model [95 % CI] | rule | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in frame.itertuples():
        lines.append(
            f"| {row.id} | {row.claim} | {row.source} | {row.published} | "
            f"{_num(row.model)} [{_num(row.ci_low)}, {_num(row.ci_high)}] | {row.rule} | "
            f"{'pass' if row.passed else 'FAIL'} |"
        )
    return "\n".join(lines) + "\n"
