"""The ``cocreate`` command: run or compare scenarios, list the parameters, check files, teach.

Every user mistake ends as one ``error: ...`` line on stderr and exit code 2 (argparse's usage
errors too); Ctrl-C ends with exit code 130. The figures shown after a run are formatted in
``simulation.cli.output``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from simulation import __version__
from simulation.cli.output import (
    changed_params,
    headline_table,
    param_tables,
    params_markdown,
    params_rows,
    params_table,
    progress_callback,
)
from simulation.results import write_run
from simulation.run import run_scenario
from simulation.scenario import Scenario, ScenarioError, apply_overrides, load_scenario

EXIT_USAGE, EXIT_INTERRUPTED = 2, 130

RUN_EXAMPLES = """\
examples:
  cocreate run scenarios/baseline.toml
  cocreate run scenarios/baseline.toml --seed 7 --days 180 \\
      --set policies.reward.kind=per_idea --set policies.reward.amount=50 --out results/runs/pay50
"""
PARAMS_EXAMPLES = """\
examples:
  cocreate params
  cocreate params --table policies.reward
  cocreate params --markdown > docs/parameters.md
"""
CHECK_EXAMPLES = """\
examples:
  cocreate check scenarios/baseline.toml
  cocreate check scenarios/*.toml --set run.days=30
"""


class UsageError(Exception):
    """A mistake in the command line that is not about the scenario itself (e.g. ``--out``)."""


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
        return _fail(str(err))
    except KeyboardInterrupt:
        return _fail("interrupted (Ctrl-C); files already written are complete", EXIT_INTERRUPTED)
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
    _add_run(commands)
    _add_params(commands)
    _add_check(commands)
    from simulation.cli.compare import add_compare  # imports the analysis stack only here

    add_compare(commands, _subparser, _add_set_option)
    from simulation.cli.validate import add_validate

    add_validate(commands, _subparser)
    from simulation.cli.myths import add_myths

    add_myths(commands, _subparser)
    from simulation.cli.sweep import add_sweep

    add_sweep(commands, _subparser)
    from simulation.cli.dashboard import add_animate, add_dashboard

    add_dashboard(commands, _subparser)
    add_animate(commands, _subparser, _add_set_option)
    return parser


def _subparser(commands, name: str, help_text: str, examples: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override one parameter, value in TOML syntax (bare words are strings); "
        "repeatable; `cocreate params` lists the keys",
    )


def _add_run(commands) -> None:
    run = _subparser(
        commands, "run", "Simulate one scenario and write its result files.", RUN_EXAMPLES
    )
    run.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file to run")
    run.add_argument("--seed", metavar="N", help="random seed (shorthand for --set run.seed=N)")
    run.add_argument(
        "--days", metavar="N", help="days to simulate (shorthand for --set run.days=N)"
    )
    _add_set_option(run)
    run.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="directory for the result files (default: results/runs/<scenario name>/seed-<seed>)",
    )
    run.add_argument("--csv", action="store_true", help="write the tables as CSV, not Parquet")
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the output directory",
    )
    run.set_defaults(handler=cmd_run)


def _add_params(commands) -> None:
    params = _subparser(
        commands,
        "params",
        "List every parameter: key, default, unit, allowed values, meaning.",
        PARAMS_EXAMPLES,
    )
    params.add_argument(
        "--table",
        metavar="TABLE",
        help="only the parameters of one table, e.g. community or policies.reward",
    )
    params.add_argument("--markdown", action="store_true", help="print a Markdown table (docs)")
    params.set_defaults(handler=cmd_params)


def _add_check(commands) -> None:
    check = _subparser(
        commands,
        "check",
        "Validate scenario files and show which keys differ from the defaults.",
        CHECK_EXAMPLES,
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario file(s) to check")
    _add_set_option(check)
    check.set_defaults(handler=cmd_check)


def cmd_run(args: argparse.Namespace) -> int:
    """``cocreate run``: load, simulate, show the headline figures, write the result files."""
    scenario = _load(args.scenario, args.overrides, seed=args.seed, days=args.days)
    out = args.out if args.out is not None else default_out_dir(scenario)
    _make_out_dir(out)
    with progress_callback(enabled=not args.quiet) as progress:
        result = run_scenario(scenario, progress=progress)
    try:
        write_run(result, out, csv=args.csv)
    except OSError as err:
        raise UsageError(
            f"{out}: cannot write results ({err.strerror or err}); choose another --out"
        ) from None
    if args.quiet:
        print(out)
        return 0
    Console(highlight=False).print(headline_table(result))
    print(f"Results written to {out}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """``cocreate params``: the parameter reference, as a Rich or a Markdown table."""
    tables = param_tables()
    if args.table is not None and args.table not in tables:
        close = difflib.get_close_matches(args.table, tables, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError(f"--table: no table '{args.table}'; {hint}tables: {', '.join(tables)}")
    rows = params_rows(args.table)
    if args.markdown:
        print(params_markdown(rows))
    else:
        Console(highlight=False).print(params_table(rows))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``cocreate check``: validate each file; report the keys that differ from the defaults."""
    failed = False
    for file in args.files:
        try:
            scenario = _load(file, args.overrides)
        except ScenarioError as err:
            failed = True
            _fail(str(err))
            continue
        print(f"{file}: ok")
        changes = changed_params(scenario)
        for key, value, default in changes:
            print(f"  {key} = {value}  (default: {default})")
        if not changes:
            print("  (every parameter at its default)")
    return EXIT_USAGE if failed else 0


def default_out_dir(scenario: Scenario) -> Path:
    """``results/runs/<scenario name>/seed-<seed>``, the name made safe for a path."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", scenario.name).strip("._") or "scenario"
    return Path("results", "runs", name, f"seed-{scenario.run.seed}")


def _load(
    file: str, overrides: Sequence[str], *, seed: str | None = None, days: str | None = None
) -> Scenario:
    """Load and validate a scenario; ``--seed``/``--days`` are overrides of their own."""
    try:
        scenario = load_scenario(file)
    except OSError as err:  # e.g. permission denied; a missing file is a ScenarioError
        raise ScenarioError(f"cannot read the file ({err.strerror or err})", source=file) from None
    scenario = apply_overrides(scenario, overrides, source="--set")
    set_keys = {item.partition("=")[0].strip() for item in overrides}
    for option, key, value in (("--seed", "run.seed", seed), ("--days", "run.days", days)):
        if value is None:
            continue
        if key in set_keys:
            raise ScenarioError("also given with --set; give it once", source=option, key=key)
        scenario = apply_overrides(scenario, [f"{key}={value}"], source=option)
    return scenario


def _make_out_dir(out: Path) -> None:
    """Create the output directory before the run, so a bad ``--out`` fails at once."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(
            f"{out}: cannot create the output directory ({err.strerror or err}); "
            "choose another --out"
        ) from None


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"error: {message}" if code == EXIT_USAGE else message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
