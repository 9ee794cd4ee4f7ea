"""``cocreate metrics``: every figure the model measures, from the one metric registry.

Daily metrics are the columns of a run's time series (and what an experiment's
``[tables.NAME] metrics`` may list); end-of-run figures are computed once, into the summary.
"""

from __future__ import annotations

import argparse
import sys

from simulation.cli.common import console, subparser

EXAMPLES = """\
examples:
  cocreate metrics
  cocreate metrics --markdown > docs/metrics.md
  cocreate metrics | grep -i quality          # tab-separated when not on a terminal
"""
COLUMNS = ("key", "when", "unit", "better", "smallest effect", "label", "meaning")


def register(commands) -> None:
    """Add ``metrics`` to the command table."""
    parser = subparser(
        commands,
        "metrics",
        "List every metric: key, daily or end of run, unit, which way is better, the smallest "
        "difference that matters (SESOI), meaning.",
        EXAMPLES,
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (docs)")
    parser.set_defaults(handler=handle)


def rows() -> list[tuple[str, ...]]:
    """One row of text per metric, in the registry's order."""
    from simulation.model.metrics import METRICS

    return [
        (m.key, "daily" if m.daily else "end of run", m.unit, m.better or "–",
         m.sesoi.describe(m.unit), m.label, m.description)
        for m in METRICS.values()
    ]  # fmt: skip


def handle(args: argparse.Namespace) -> int:
    """The metric reference: a Rich table, tab-separated lines or a Markdown table."""
    table = rows()
    if args.markdown:
        print(markdown(table))
    elif sys.stdout.isatty():
        from rich.table import Table
        from rich.text import Text

        shown = Table(title="cocreate metrics (time-series columns and run summary figures)")
        for name in COLUMNS:
            shown.add_column(name, no_wrap=name == "key", overflow="fold")
        for row in table:
            shown.add_row(*(Text(cell) for cell in row))
        console().print(shown)
    else:
        print("\n".join("\t".join(row) for row in (COLUMNS, *table)))
    return 0


def markdown(table: list[tuple[str, ...]]) -> str:
    """The metric reference as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for key, *cells in table:
        cells = [f"`{key}`", *(cell.replace("|", "\\|") for cell in cells)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
