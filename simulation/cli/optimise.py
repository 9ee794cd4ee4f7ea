"""``cocreate optimise``: which policy serves the community best, given what is not known."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from simulation.cli.common import UsageError, add_workers_option, checked_worker_option, subparser
from simulation.parallel import default_workers

EXAMPLES = """\
examples:
  cocreate optimise experiments/optimise_example.toml --dry-run
  cocreate optimise experiments/optimise_example.toml --workers 2
  cocreate optimise experiments/optimise_example.toml --dask --workers 4

The file names a base scenario, [levers] (key path = { min, max } or a list of choices),
[objectives] (headline figure = "maximise" | "minimise"), optional [constraints]
(figure = { max = ... }), optional [uncertainties] (key path = { min, max }) drawn
`scenarios` times (Latin hypercube, the same draws for every candidate), `robustness`
(mean | worst | pNN, e.g. p10), `replicates` (common seeds), `trials`, `seed`, `days`, `set`
and `out` (default results/optimise/<name>). See README, "Which policy?".

Search: optuna NSGA-II (seeded), stored in OUT/study.db. Re-running the same command resumes
until `trials` trials are complete; a trial cut off by a kill is marked failed and asked again
(it gets the same lever values). A study.db of a different file is refused (--force moves it
aside). Writes trials.csv, pareto.csv, pareto.png, policies/<trial>.toml (ready scenarios),
report.md and report.html. Needs optuna: pip install 'cocreate[optimise]'.
Exit code: 0 done, 2 a mistake in the file or options, 130 on Ctrl-C (resume by re-running).
"""


def register(commands) -> None:
    """Add ``optimise`` to the command table."""
    parser = subparser(
        commands,
        "optimise",
        "Search the policy levers for the Pareto front of several objectives, robust to "
        "uncertain community parameters (optuna NSGA-II); resumable.",
        EXAMPLES,
    )
    parser.add_argument("file", metavar="FILE.toml", help="optimisation file")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sequential", action="store_true", help="run in this process")
    where.add_argument("--dask", action="store_true", help="a local Dask cluster of --workers")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    add_workers_option(parser)
    parser.add_argument("--out", type=Path, metavar="DIR", help="instead of the file's out")
    parser.add_argument(
        "--dry-run", action="store_true", help="count the runs, time two pilot runs; write nothing"
    )
    parser.add_argument(
        "--force", action="store_true", help="move a study.db of a different search aside"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per trial")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load and check the file, then estimate or run the search."""
    checked_worker_option(args.workers)
    from simulation.optimise import StudyMismatch, load_optimise, optimise
    from simulation.optimise.search import import_optuna, with_out

    spec = with_out(load_optimise(args.file), args.out)
    try:
        import_optuna()
    except ImportError as err:
        raise UsageError(str(err)) from None
    if args.dry_run:
        return _dry_run(spec, 1 if args.sequential else args.workers)
    kind = (
        "sequential"
        if args.sequential
        else "dask"
        if args.dask
        else "dask-remote"
        if args.scheduler
        else "local"
    )

    def progress(done: int, total: int, figures: dict) -> None:
        if not args.quiet:
            shown = "  ".join(f"{k} {v:.4g}" for k, v in figures.items())
            print(f"trial {done}/{total}: {shown}", file=sys.stderr, flush=True)

    from simulation.experiments.executors import BackendError

    try:
        result = optimise(
            spec, kind, args.workers, force=args.force, scheduler=args.scheduler, progress=progress
        )
    except StudyMismatch as err:
        raise UsageError(str(err)) from None
    except BackendError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C); run the same command to resume", file=sys.stderr)
        return 130
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(f"{spec.name}: {len(result.pareto)} policies on the Pareto front")
        print(result.pareto.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"results in {spec.out} (report.html, pareto.csv, policies/<trial>.toml)")
    return 0


def _dry_run(spec, workers: int | None) -> int:
    from simulation.optimise.search import run_summary
    from simulation.scenario import set_values

    runs = spec.trials * spec.scenarios * spec.replicates
    middle = {r.key: r.value(0.5) for r in spec.levers}
    seconds = []
    for seed in spec.run_seeds()[0][:2]:
        start = time.perf_counter()
        run_summary(set_values(spec.draws[0], middle), seed, ())
        seconds.append(time.perf_counter() - start)
    per_run = sum(seconds) / len(seconds)
    workers = default_workers() if workers is None else workers
    core_hours = runs * per_run / 3600
    print(
        f"{spec.name}: {spec.trials} trials × {spec.scenarios} scenarios × {spec.replicates} "
        f"replicates = {runs} runs"
    )
    print(f"pilot runs: {len(seconds)}, {per_run:.2f} s per run (mid-range levers)")
    print(
        f"estimate: {core_hours:.3f} core-hours; about {core_hours * 3600 / workers / 60:.1f} min "
        f"on {workers} workers (a candidate's runs in parallel; nothing was written)"
    )
    return 0
