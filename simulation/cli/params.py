"""``cocreate params``: every parameter with its default, unit, allowed values and meaning.

On a terminal it draws a Rich table; piped or redirected it prints tab-separated lines with a
header (for ``grep``, ``cut``, a spreadsheet), and ``--markdown`` prints a Markdown table.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from simulation.cli.common import UsageError, console, subparser

EXAMPLES = """\
examples:
  cocreate params
  cocreate params --table policies.reward
  cocreate params --markdown > docs/parameters.md
  cocreate params | grep -i reward          # tab-separated when not on a terminal

several organisations ([[organisations]] in a scenario file): one organisation's own value
is set at organisations.NAME.<key>, for the keys of its own tables (marketers, organisation,
policies, decision), e.g.
  cocreate run scenarios/rivals.toml --set organisations.payer.policies.reward.amount=20
"""
ORGANISATIONS_NOTE = (
    "Several organisations: organisations.NAME.<key> sets one organisation's own value of a key "
    "under marketers, organisation, policies or decision (e.g. "
    "organisations.payer.policies.reward.amount)."
)
COLUMNS = ("key", "default", "unit", "allowed", "description")


def register(commands) -> None:
    """Add ``params`` to the command table."""
    parser = subparser(
        commands,
        "params",
        "List every parameter: key, default, unit, allowed values, meaning.",
        EXAMPLES,
    )
    parser.add_argument(
        "--table",
        metavar="TABLE",
        help="only the parameters of one table, e.g. community or policies.reward",
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (docs)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """The parameter reference: a Rich table, tab-separated lines or a Markdown table."""
    from simulation.scenario.reference import param_tables, params_rows

    tables = param_tables()
    if args.table is not None and args.table not in tables:
        close = difflib.get_close_matches(args.table, tables, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError(f"--table: no table '{args.table}'; {hint}tables: {', '.join(tables)}")
    rows = params_rows(args.table)
    if args.markdown:
        print(markdown(rows))
    elif sys.stdout.isatty():
        console().print(rich_table(rows))
    else:
        print(tab_separated(rows))
    return 0


def rich_table(rows):
    """The parameter reference as a Rich table; key paths are never wrapped."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title="cocreate parameters (set in a scenario file or with --set key=value)",
        caption=ORGANISATIONS_NOTE,
    )
    width = max((len(row.key) for row in rows), default=3)
    table.add_column("key", no_wrap=True, min_width=width)
    for name in ("default", "unit", "allowed"):  # fold, never cut, on a narrow terminal
        table.add_column(name, overflow="fold", min_width=len(name))
    table.add_column("description", overflow="fold", min_width=11, ratio=1)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def markdown(rows) -> str:
    """The parameter reference as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|---|---|---|"]
    for row in rows:
        cells = (f"`{row.key}`", f"`{row.default}`", row.unit, row.allowed, row.description)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def tab_separated(rows) -> str:
    """The parameter reference as tab-separated lines under a header line."""
    return "\n".join("\t".join(cells) for cells in (COLUMNS, *rows))
