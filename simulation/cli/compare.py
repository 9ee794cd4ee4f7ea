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
  # what carries each difference: every parameter in which cash_rewards differs, set back to
  # the baseline's value, and every mechanism switched off in both (many more runs)
  cocreate compare scenarios/baseline.toml scenarios/cash_rewards.toml --explain --replicates 10
  # on your community's twin, with what the calibration could not pin down (and what carries
  # the difference, every explaining run at the same draws)
  cocreate compare results/calibrate/community/calibrated.toml my_policy.toml \\
      --posterior results/calibrate/community --replicates 20 --explain
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
    parser.add_argument(
        "--explain",
        action="store_true",
        help="say what carries each difference: rerun each other scenario with every "
        "parameter in which it differs from the baseline set back (a policy table as a whole "
        "when its kind differs), and both with every mechanism that changes them switched off "
        "(same seeds); adds a table and a report section, and explain.csv",
    )
    parser.add_argument(
        "--posterior",
        type=Path,
        metavar="DIR",
        help="draw each replicate's parameters from a calibration's posterior (the output "
        "folder of `cocreate calibrate`): replicate r of every scenario gets the same draw, "
        "seeded, so the intervals include what the data could not pin down; with --explain, "
        "every run that sets a lever back or switches a mechanism off takes the same draws "
        "(a switched-off mechanism stays off where a draw sets its key, and a parameter the "
        "draws set is no lever)",
    )
    parser.add_argument("--title", help="report title (default: the scenario names)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load every scenario, run the replicates, print the table, write the report."""
    from simulation.analysis.attribution import drawn_keys
    from simulation.analysis.compare import RunCounter, compare
    from simulation.analysis.explain import explain, plan
    from simulation.analysis.report import write_report
    from simulation.parallel import process_pool

    if len(args.scenarios) < 2:
        raise UsageError("compare needs at least two scenario files (the first is the baseline)")
    workers = checked_workers(args.replicates, args.workers)
    arms = [load_scenario_arg(file, args.overrides, days=args.days) for file in args.scenarios]
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise UsageError(f"two scenarios share a name ({names}); give each its own `name`")
    draws = None
    if args.posterior is not None:
        from simulation.calibrate.posterior import draw, load_posterior
        from simulation.scenario import set_values

        draws = draw(load_posterior(args.posterior), args.seed, n=args.replicates)
        for arm in arms:  # a drawn value out of an arm's range fails here, naming the key
            for values in draws:
                set_values(arm, values, source=str(args.posterior))
    out = args.out or Path("results", "compare", slug("-vs-".join(names), "comparison", 120))
    make_out_dir(out)
    runs = len(arms) + (len(plan(arms, drawn=drawn_keys(draws)).scenarios) if args.explain else 0)
    pool = process_pool(workers) if args.explain and workers > 1 else None
    explanations = None
    try:
        with progress_callback(enabled=not args.quiet, unit="runs") as progress:
            counter = RunCounter(runs * args.replicates, progress) if progress else None
            comparison = compare(
                arms, args.replicates, args.seed, workers, counter, pool, draws=draws
            )
            if args.explain:
                explanations = explain(comparison, arms, workers, counter, pool, draws=draws)
    finally:
        if pool is not None:
            pool.shutdown()
    title = args.title or f"{names[0]} vs {', '.join(names[1:])}"
    if args.posterior is not None and not args.title:
        title += f" (each replicate a draw of the posterior in {args.posterior})"
    report = write_report(comparison, out, title, explanations)
    if not args.quiet:
        console().print(comparison_table(comparison, title))
        for explanation in explanations or []:
            for table in explanation_tables(explanation):
                console().print(table)
    print(f"Report written to {report}")
    return 0


FIGURES_PER_TABLE = 4


def explanation_tables(explanation) -> list:
    """What carries each difference worth explaining, as Rich tables of a few figures each.

    Rows: the whole difference, then each lever set back and each mechanism switched off;
    columns: the figures; cells: the part carried [95 % interval], bold when the interval
    excludes zero.
    """
    from rich.table import Table

    from simulation.analysis.attribution import interval, signed

    figures = explanation.worth_explaining()
    rows = explanation.rows
    if not figures:
        table = Table(title=f"Why {explanation.other} differs from {explanation.baseline}")
        table.add_column("no headline figure differs by more than its smallest effect that matters")
        return [table]
    tables = []
    for start in range(0, len(figures), FIGURES_PER_TABLE):
        chunk = figures[start : start + FIGURES_PER_TABLE]
        table = Table(
            title=f"Why {explanation.other} differs from {explanation.baseline}: part carried "
            f"[95 %] ({explanation.replicates} replicates)",
            caption="lever: set back to the baseline's value in "
            f"{explanation.other}; mechanism: switched off in both. Bold: the interval "
            "excludes zero. Parts need not add up to the whole (they interact).",
        )
        table.add_column("lever or mechanism")
        by_figure = {f: rows[rows["figure"] == f] for f in chunk}
        for f in chunk:
            first = by_figure[f].iloc[0]
            table.add_column(f"{first['figure_label']} ({first['unit']})", justify="right")
        whole = []
        for f in chunk:
            r = by_figure[f].iloc[0]
            whole.append(
                f"{signed(r['difference'], r['kind'])} "
                f"{interval(r['difference_low'], r['difference_high'], r['kind'])}"
            )
        table.add_row("difference (everything as is)", *whole, end_section=True)
        for key, source, name in rows[["key", "source", "name"]].drop_duplicates().values:
            cells = []
            for f in chunk:
                r = by_figure[f][(by_figure[f]["key"] == key) & (by_figure[f]["source"] == source)]
                r = r.iloc[0]
                text = (
                    f"{signed(r['carried'], r['kind'])} "
                    f"{interval(r['carried_low'], r['carried_high'], r['kind'])}"
                )
                clear = r["carried_low"] > 0 or r["carried_high"] < 0
                cells.append(f"[bold]{text}[/]" if clear else text)
            table.add_row(f"{source}: {name}", *cells)
        tables.append(table)
    return tables


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
