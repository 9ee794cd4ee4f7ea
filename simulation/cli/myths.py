"""``cocreate myths``: the five beliefs answered with the model's evidence, as a report."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from simulation.cli.common import (
    FULL_LANDSCAPES,
    QUICK_LANDSCAPES,
    QUICK_REPLICATES,
    UsageError,
    add_replicate_options,
    add_set_option,
    checked_workers,
    console,
    make_out_dir,
    progress_callback,
    subparser,
)

EXAMPLES = """\
examples:
  cocreate myths --quick
  cocreate myths --dry-run                      # runs and time it would take; runs nothing
  cocreate myths --replicates 30 --samples 128 --out results/myths
  cocreate myths --set community.consumers=5000 --out results/myths-5000   # your size
  cocreate myths --posterior results/calibrate/community --out results/myths-twin  # your twin

--set changes every arm of every belief (and the boundaries); the stylized facts keep the
shipped calibration.

--posterior DIR answers the beliefs for a community you calibrated (`cocreate calibrate`):
replicate r of every arm of every belief, of the runs that say what carries each answer and of
every boundary sample runs at draw r of the posterior (the root seed picks the draws), so both
arms of a comparison share each draw and the intervals include what the data could not pin
down. The draws set only the calibrated parameters (over --set where both set one); the arms
keep everything else, their community's size included (give calibrated.toml's community.*
values with --set to answer at the calibrated size), and a boundary's own factors keep their
sampled values. The stylized facts keep the shipped calibration, as with --set.

Where each belief holds: a Latin hypercube over the belief's region (the parameters most likely
to change its answer), both arms at every sample on paired seeds, the verdict rule at each
sample, and PRIM on "the belief holds". The boundaries are sweeps under OUT/boundaries/: run the
same command again after an interruption and they resume.
"""
QUICK_MYTH_REPLICATES = 4
# Latin-hypercube samples of each belief's region and runs per arm and sample. The full boundary
# gives PRIM 64 samples of 8 paired replicates (the whole report in well under an hour on 2
# cores); --quick gives a first look that the report says is too small for a stable box.
FULL_SAMPLES, FULL_REPLICATES = 64, 8
QUICK_SAMPLES, QUICK_BOUNDARY_REPLICATES = 10, 3


def register(commands) -> None:
    """Add ``myths`` to the command table."""
    parser = subparser(
        commands,
        "myths",
        "Answer the five beliefs about co-creation with the model's evidence: computed "
        "verdicts, boundary sweeps, the stylized-facts table; writes results/myths/report.html "
        "and report.md.",
        EXAMPLES,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_MYTH_REPLICATES} replicates per arm (wider intervals, "
        "more 'inconclusive'); a few minutes at most on 2 cores",
    )
    parser.add_argument("--no-facts", action="store_true", help="leave out the stylized facts")
    parser.add_argument(
        "--no-attribution",
        action="store_true",
        help="leave out what carries each answer (each belief's mechanisms switched off in "
        "both arms: two runs per mechanism and replicate)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        metavar="N",
        help=f"Latin-hypercube samples of each belief's region (default {FULL_SAMPLES}; "
        f"{QUICK_SAMPLES} with --quick)",
    )
    parser.add_argument(
        "--boundary-replicates",
        type=int,
        metavar="N",
        help=f"runs per arm and sample of a boundary (default {FULL_REPLICATES}; "
        f"{QUICK_BOUNDARY_REPLICATES} with --quick)",
    )
    parser.add_argument(
        "--no-boundaries", action="store_true", help="leave out where each belief holds"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="count the runs still to do and time one pilot run per belief; write nothing",
    )
    add_set_option(parser)
    parser.add_argument(
        "--posterior",
        type=Path,
        metavar="DIR",
        help="answer the beliefs for a calibrated community: replicate r of every arm, "
        "attribution run and boundary sample runs at draw r of the posterior a calibration "
        "wrote to DIR (the output folder of `cocreate calibrate`; the root seed picks the "
        "draws); the stylized facts keep the shipped calibration",
    )
    add_replicate_options(
        parser,
        replicates=20,
        what="arm and per swept value",
        out=Path("results", "myths"),
        out_help="report folder (default: %(default)s)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Answer every myth, measure the stylized facts, write and summarise the report."""
    from rich.table import Table

    from simulation.analysis import facts
    from simulation.analysis.facts_report import verdict_frame
    from simulation.analysis.myths_report import carried_mostly_by, verdict_cell, write
    from simulation.analysis.myths_run import Plan, estimate, run_myths, runs_of

    replicates = QUICK_MYTH_REPLICATES if args.quick else args.replicates
    workers = checked_workers(replicates, args.workers)
    plan = Plan(
        replicates,
        0 if args.no_boundaries else _at_least(args.samples, "--samples", args.quick),
        _at_least(args.boundary_replicates, "--boundary-replicates", args.quick),
        not args.no_attribution,
        0 if args.no_facts else (QUICK_REPLICATES if args.quick else replicates),
        args.seed,
        tuple(args.overrides),
    )
    if args.posterior is not None:
        plan = replace(plan, draws=posterior_draws(args.posterior, plan))
    if args.dry_run:
        cost = estimate(plan, workers, args.out)
        print(f"cocreate myths would make {cost.describe()}.")
        print("Nothing was run or written (--dry-run).")
        return 0
    if args.quick:  # a pilot run per belief would take a few seconds of the few minutes
        runs = runs_of(plan, args.out)
        parts = ", ".join(f"{n} {what}" for what, n in runs.items() if n)
        print(f"{sum(runs.values())} runs ({parts}).")
    else:
        print(f"About {estimate(plan, workers, args.out).describe()}.")
    make_out_dir(args.out)
    with progress_callback(enabled=True, unit="runs") as progress:
        results = run_myths(
            replicates,
            args.seed,
            workers,
            progress=progress,
            attribute=plan.attribute,
            samples=plan.samples,
            boundary_replicates=plan.boundary_replicates,
            out=args.out,
            overrides=plan.overrides,
            draws=plan.draws,
        )
    table = None
    if not args.no_facts:
        table = verdict_frame(
            facts.all_verdicts(
                plan.fact_replicates,
                args.seed,
                workers,
                QUICK_LANDSCAPES if args.quick else FULL_LANDSCAPES,
            )
        )
    title = "Five beliefs about co-creation, tested"
    said = []
    if args.posterior is not None:
        said.append(
            f"for the community calibrated in {args.posterior}, each replicate a draw of its "
            "posterior"
        )
    if plan.overrides:
        said.append(f"with {', '.join(plan.overrides)}")
    if said:
        title += f" ({'; '.join(said)})"
    report = write(results, table, args.out, title)
    summary = Table(title=f"Five beliefs ({replicates} replicates per arm)")
    for column in ("belief", "verdict", "where it holds", "carried mostly by"):
        summary.add_column(column)
    for r in results:
        summary.add_row(
            f"{r.myth.number}. {r.myth.belief}", verdict_cell(r), r.sentence, carried_mostly_by(r)
        )
    console().print(summary)
    print(f"Report written to {report}")
    return 0


def posterior_draws(folder: Path, plan) -> tuple[dict, ...]:
    """Draw r of a calibration's posterior for replicate r of the arms and of the boundaries.

    Every draw is set on every arm of every belief here, so a drawn value an arm cannot take
    is one error naming the posterior's folder before anything runs or is written.
    """
    from simulation.analysis.myths import MYTHS, myth_arms
    from simulation.calibrate.posterior import draw, load_posterior
    from simulation.scenario import set_values

    n = max(plan.replicates, plan.boundary_replicates if plan.samples else 0)
    draws = tuple(draw(load_posterior(folder), plan.root_seed, n=n))
    for myth in MYTHS:
        for arm in myth_arms(myth, plan.overrides):
            for values in draws:
                set_values(arm, values, source=str(folder))
    return draws


def _at_least(value: int | None, option: str, quick: bool) -> int:
    """A boundary size: the given one (checked), else the quick or the full default."""
    if value is None:
        defaults = {"--samples": (QUICK_SAMPLES, FULL_SAMPLES)}
        defaults["--boundary-replicates"] = (QUICK_BOUNDARY_REPLICATES, FULL_REPLICATES)
        return defaults[option][0 if quick else 1]
    if value < 2:
        raise UsageError(f"{option}: {value}; use 2 or more")
    return value
