"""``cocreate compare``: the user's own what-if, over replicates, as a table and a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import (
    UsageError,
    add_replicate_options,
    add_set_option,
    checked_workers,
    console,
    load_scenario_arg,
    make_out_dir,
    progress_callback,
    slug,
    subparser,
)

EXAMPLES = """\
examples:
  cocreate compare scenarios/baseline.toml scenarios/cash_rewards.toml --replicates 20
  cocreate compare scenarios/baseline.toml scenarios/framed.toml scenarios/test_machine.toml \\
      --days 180 --replicates 10 --out results/compare/control
"""


def register(commands) -> None:
    """Add ``compare`` to the command table."""
    parser = subparser(
        commands,
        "compare",
        "Compare scenarios over replicates against the first one (the baseline); writes an "
        "HTML and a Markdown report with intervals, effect sizes and figures.",
        EXAMPLES,
    )
    parser.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO.toml",
        help="two or more scenario files; the first is the baseline",
    )
    parser.add_argument("--days", metavar="N", help="days to simulate, for every scenario")
    add_set_option(parser)
    add_replicate_options(
        parser,
        replicates=10,
        what="scenario",
        out=None,
        out_help="report folder (default: results/compare/<first>-vs-<others>)",
    )
    parser.add_argument("--title", help="report title (default: the scenario names)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load every scenario, run the replicates, print the table, write the report."""
    from simulation.analysis.compare import compare
    from simulation.analysis.report import write_report

    if len(args.scenarios) < 2:
        raise UsageError("compare needs at least two scenario files (the first is the baseline)")
    workers = checked_workers(args.replicates, args.workers)
    arms = [load_scenario_arg(file, args.overrides, days=args.days) for file in args.scenarios]
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise UsageError(f"two scenarios share a name ({names}); give each its own `name`")
    out = args.out or Path("results", "compare", slug("-vs-".join(names), "comparison", 120))
    make_out_dir(out)
    with progress_callback(enabled=not args.quiet, unit="runs") as progress:
        comparison = compare(arms, args.replicates, args.seed, workers, progress)
    title = args.title or f"{names[0]} vs {', '.join(names[1:])}"
    report = write_report(comparison, out, title)
    if not args.quiet:
        console().print(comparison_table(comparison, title))
    print(f"Report written to {report}")
    return 0


def comparison_table(comparison, title: str):
    """The headline figures of every arm, with the baseline difference, as a Rich table."""
    from rich.table import Table

    from simulation.analysis.compare import COMPARED
    from simulation.analysis.report import arm_label, fmt, verdict_class

    table = Table(
        title=f"{title} ({comparison.replicates} replicates each)",
        caption="green: better, red: worse than the baseline (the paired interval excludes "
        "zero); ≈: no practical difference (within the figure's smallest effect that matters)",
    )
    table.add_column("figure")
    for arm in comparison.arms:
        table.add_column(arm_label(comparison, arm), justify="right")
    styles = {"better": "green", "worse": "red", "negligible": "dim", "": ""}
    for h in COMPARED:
        cells = []
        for arm in comparison.arms:
            r = comparison.table[
                (comparison.table["arm"] == arm) & (comparison.table["metric"] == h.key)
            ].iloc[0]
            text = fmt(r["mean"], h.kind)
            if arm != comparison.baseline:
                text += f" (Δ {fmt(r['diff'], h.kind)})"
            verdict = verdict_class(r) if arm != comparison.baseline else ""
            text += " ≈" if verdict == "negligible" else ""
            cells.append(f"[{styles[verdict]}]{text}[/]" if styles[verdict] else text)
        table.add_row(h.label, *cells)
    return table
