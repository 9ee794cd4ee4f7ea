"""``cocreate analyze``: summaries, sensitivity indices and figures of a finished sweep."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulation.cli.common import UsageError, subparser

EXAMPLES = """\
examples:
  cocreate analyze results/reward_x_motivation
  cocreate analyze results/sobol_screening --metrics active_members quality_accepted
"""


def register(commands) -> None:
    """Add ``analyze`` to the command table."""
    parser = subparser(
        commands,
        "analyze",
        "Summarise a sweep: mean and confidence interval per design point, Sobol / Morris indices, "
        "figures and an HTML page (written to DIR/analysis/).",
        EXAMPLES,
    )
    parser.add_argument("results", metavar="DIR", type=Path, help="folder `cocreate sweep` wrote")
    parser.add_argument("--metrics", nargs="+", metavar="NAME", help="summary metrics to analyse")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Read a sweep's folder, compute summaries and indices, write the analysis."""
    from simulation.analysis.sweep_report import analyze, write_analysis
    from simulation.experiments import load_results

    try:
        results = load_results(args.results)
    except FileNotFoundError as err:
        raise UsageError(f"{err}; give the folder `cocreate sweep` wrote") from None
    try:
        analysis = analyze(results, args.metrics)
    except ValueError as err:
        raise UsageError(f"--metrics: {err}") from None
    report = write_analysis(analysis)
    sens = analysis.sensitivity
    print(f"{len(results.summary)} runs, {results.manifest.get('points')} design points")
    for note in analysis.notes:
        print(note)
    if sens is not None:
        top = (
            sens.table[sens.table["index"].isin(["ST", "mu_star", "S1"])]
            .sort_values("value", ascending=False)
            .groupby("metric")
            .head(1)
        )
        for row in top.itertuples():
            print(
                f"  {row.metric}: most influential {row.factor} "
                f"({row.index} = {row.value:.3f} ± {row.conf:.3f})"
            )
        for warning in sens.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    print(f"Report written to {report}")
    return 0
