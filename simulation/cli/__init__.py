"""The ``cocreate`` command: one module a command, one table of commands.

Each command module exposes ``register(commands)``, which adds its parser and sets its handler;
it imports only :mod:`simulation.cli.common` and the library, and imports the heavy parts of
the library (Mesa, pandas, matplotlib, scipy) inside its handler, so ``cocreate --help``,
``params`` and ``check`` start at once.

Every user mistake ends as one ``error: ...`` line on stderr and exit code 2 (argparse's usage
errors too); Ctrl-C ends with exit code 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from simulation import __version__
from simulation.cli import (
    analyze,
    animate,
    calibrate,
    check,
    compare,
    dashboard,
    describe,
    discover,
    metrics,
    myths,
    optimise,
    params,
    run,
    sweep,
    validate,
)
from simulation.cli.common import EXIT_INTERRUPTED, UsageError, fail
from simulation.scenario.loading import ScenarioError

# the order `cocreate --help` lists them in
COMMANDS = (
    run,
    params,
    metrics,
    check,
    compare,
    validate,
    myths,
    sweep,
    analyze,
    discover,
    optimise,
    describe,
    calibrate,
    dashboard,
    animate,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cocreate`` command line.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit code: 0 on success, 2 for a usage or scenario error, 130 on Ctrl-C.
    """
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except SystemExit as exit_:  # argparse: --help, --version and usage errors
        return 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 2
    except (ScenarioError, UsageError) as err:
        return fail(str(err))
    except KeyboardInterrupt:
        return fail("interrupted (Ctrl-C); files already written are complete", EXIT_INTERRUPTED)
    except BrokenPipeError:  # e.g. `cocreate params | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cocreate`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="cocreate",
        description="Agent-based simulation of co-creation communities: policies vs. churn, "
        "idea quality and time-to-decision.",
        epilog="Run `cocreate COMMAND --help` for the options and an example of each command.",
    )
    parser.add_argument("--version", action="version", version=f"cocreate {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser
