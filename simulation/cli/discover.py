"""``cocreate discover``: under which conditions does an outcome happen? (PRIM / CART)."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.cli.common import UsageError, subparser

EXAMPLES = """\
examples:
  cocreate discover results/reward_x_motivation --metric churned_share --above 0.5
  cocreate discover results/lhs_screening --metric active_members --below 40 --method cart
  cocreate discover results/myths/boundaries/belief2 --belief 2

A run is a case of interest when its metric is above (below) the value. PRIM (EMA Workbench)
and CART (scikit-learn) both look for a box of factor values holding most such runs; --method
picks whose box answers, the other is shown as a second view. With --belief N over a sweep of
that belief's two arms on paired seeds (what `cocreate myths` writes under boundaries/), a case
is a sample of the factors where the belief holds by the myths report's verdict rule. Needs the
optional extra:
  pip install -e ".[discover]"
"""


def register(commands) -> None:
    """Add ``discover`` to the command table."""
    parser = subparser(
        commands,
        "discover",
        "Scenario discovery over a finished sweep: the factor ranges (a box) under which a "
        "metric lies above or below a value, in words, with figures and an HTML page "
        "(written to DIR/discovery/).",
        EXAMPLES,
    )
    parser.add_argument("results", metavar="DIR", type=Path, help="folder `cocreate sweep` wrote")
    parser.add_argument("--metric", metavar="NAME", help="a summary metric")
    # one of the two; checked by discover() so a mistake is one `error:` line
    parser.add_argument("--above", type=float, metavar="X", help="cases: metric above X")
    parser.add_argument("--below", type=float, metavar="X", help="cases: metric below X (give one)")
    parser.add_argument(
        "--belief",
        type=int,
        metavar="N",
        help="cases: samples where belief N (1-5) holds (instead of --metric)",
    )
    parser.add_argument(
        "--method", choices=("prim", "cart"), default="prim", help="whose box answers (prim)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        metavar="D",
        help="minimum density of the chosen box: share of its runs that are cases (0.8)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default DIR/discovery)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Find the box, print it in words, write the files."""
    try:
        from simulation.analysis.discovery_report import write_discovery
        from simulation.discovery import DiscoveryError, discover
    except ImportError as err:
        raise UsageError(_missing(err)) from None
    try:
        found = discover(
            args.results,
            args.metric,
            above=args.above,
            below=args.below,
            method=args.method,
            threshold=args.threshold,
            belief=args.belief,
        )
    except DiscoveryError as err:
        flag = str(args.results) if err.flag == "DIR" else err.flag
        raise UsageError(f"{flag}: {err}") from None
    except ImportError as err:
        raise UsageError(_missing(err)) from None
    report = write_discovery(found, args.out or args.results / "discovery")
    cases = int(found.data["of_interest"].sum())
    unit = "samples" if found.cases is not None else "runs"
    print(f"{len(found.data)} {unit}, {cases} where {found.condition.lower()}")
    print(found.words)
    print(f"  second view: {found.other_words}")
    for note in found.notes:
        print(f"note: {note}")
    print(f"Report written to {report}")
    return 0


def _missing(err: ImportError) -> str:
    name = getattr(err, "name", None) or str(err)
    return (
        f"discover needs ema-workbench and scikit-learn ({name} is missing); install them with "
        'pip install -e ".[discover]"'
    )
