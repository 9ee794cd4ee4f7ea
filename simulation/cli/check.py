"""``cocreate check``: validate scenario files and show which keys differ from the defaults."""

from __future__ import annotations

import argparse

from simulation.cli.common import EXIT_USAGE, add_set_option, fail, load_scenario_arg, subparser

EXAMPLES = """\
examples:
  cocreate check scenarios/baseline.toml
  cocreate check scenarios/*.toml --set run.days=30
"""


def register(commands) -> None:
    """Add ``check`` to the command table."""
    parser = subparser(
        commands,
        "check",
        "Validate scenario files and show which keys differ from the defaults.",
        EXAMPLES,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario file(s) to check")
    add_set_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate each file; report the keys that differ from the defaults."""
    from simulation.scenario import ScenarioError
    from simulation.scenario.reference import changed_params

    failed = False
    for file in args.files:
        try:
            scenario = load_scenario_arg(file, args.overrides)
        except ScenarioError as err:
            failed = True
            fail(str(err))
            continue
        print(f"{file}: ok")
        changes = changed_params(scenario)
        for key, value, default in changes:
            print(f"  {key} = {value}  (default: {default})")
        if not changes:
            print("  (every parameter at its default)")
    return EXIT_USAGE if failed else 0
