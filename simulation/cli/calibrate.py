"""``cocreate calibrate``: the parameters that make the model reproduce a community's log."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from simulation.cli.common import (
    UsageError,
    add_workers_option,
    checked_worker_option,
    make_out_dir,
    slug,
    subparser,
)
from simulation.parallel import default_workers

EXAMPLES = """\
examples:
  cocreate calibrate examples/community.csv --scenario scenarios/baseline.toml \\
      --priors examples/priors.toml --dry-run
  cocreate calibrate examples/community.csv --scenario scenarios/baseline.toml \\
      --priors examples/priors.toml --workers 2
  cocreate run results/calibrate/community/calibrated.toml

ABC-SMC (pyabc): particles drawn from the priors file's [priors] (key path = { distribution =
"uniform" | "normal" | "lognormal", ... }), each run on the base scenario scaled to the log
(members and days; see README, "Your own community"), compared on the summaries of
`cocreate describe` ([summaries] and weights; a default set otherwise). Budget in
[calibration]: population, generations, simulations, minutes. The history is kept in
OUT/history.db (the distance's scales in OUT/scales.json): running the same command again
resumes a killed calibration; a history of another calibration is refused (--force moves it
aside). Epsilon is measured on scales re-fitted each generation: watch the acceptance rate.
Reproducible with --workers 1; on several cores or Dask not byte-identical from run to run.
Writes posterior.parquet, posterior.png, pairs.png, ppc.csv, ppc.png, calibrated.toml,
report.html, provenance.json.
Needs pyabc: pip install 'cocreate[calibrate]'.
Exit code: 0 done, 2 a mistake in the files or options, 130 on Ctrl-C (resume by re-running).
"""


def register(commands) -> None:
    """Add ``calibrate`` to the command table."""
    parser = subparser(
        commands,
        "calibrate",
        "Fit the model's parameters to a community's event log (ABC-SMC with pyabc): "
        "posterior, predictive checks, a calibrated scenario; resumable.",
        EXAMPLES,
    )
    parser.add_argument("log", metavar="LOG", type=Path, help="the event log (.csv or .parquet)")
    parser.add_argument(
        "--scenario", required=True, type=Path, metavar="BASE.toml", help="base scenario"
    )
    parser.add_argument(
        "--priors", required=True, type=Path, metavar="PRIORS.toml", help="priors file"
    )
    parser.add_argument("--start", metavar="DATE", help="day 0 of a log with times (ISO 8601)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dask", action="store_true", help="a local Dask cluster of --workers")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    add_workers_option(parser)
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default results/calibrate/<log>)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="count the simulations, time pilot runs; write nothing",
    )
    parser.add_argument(
        "--force", action="store_true", help="move a history.db of another calibration aside"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per generation")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load and check the files, then estimate or run the calibration and write its outputs."""
    checked_worker_option(args.workers)
    from simulation.calibrate import load_priors
    from simulation.calibrate.search import HistoryMismatch, import_pyabc, prepare, search
    from simulation.events.schema import EventLogError, read_events
    from simulation.scenario import load_scenario

    base = load_scenario(args.scenario)
    spec = load_priors(args.priors, base)
    try:
        log = read_events(args.log, start=args.start)
    except EventLogError as err:
        raise UsageError(str(err)) from None
    try:
        calibration = prepare(spec, log)
    except ValueError as err:
        raise UsageError(f"{args.log}: {err}") from None
    try:
        import_pyabc()
    except ImportError as err:
        raise UsageError(str(err)) from None
    workers = default_workers() if args.workers is None else args.workers
    if args.dry_run:
        return _dry_run(calibration, workers)
    out = args.out if args.out is not None else Path("results", "calibrate", slug(args.log.stem))
    make_out_dir(out)
    kind = "dask" if args.dask else "dask-remote" if args.scheduler else "local"
    if calibration.dropped and not args.quiet:
        print("left out (undefined in the log): " + ", ".join(calibration.dropped), file=sys.stderr)

    def progress(row: dict) -> None:
        if not args.quiet:
            print(
                f"generation {row['generation']}: epsilon {row['epsilon']:.4g}, "
                f"acceptance {row['acceptance']:.1%} ({row['particles']} particles of "
                f"{row['simulations']} simulations; {row['total']} in all), ESS {row['ess']:.0f}",
                file=sys.stderr,
                flush=True,
            )

    from simulation.experiments.executors import BackendError

    start = time.perf_counter()
    try:
        history = search(
            calibration,
            out,
            kind,
            workers,
            scheduler=args.scheduler,
            force=args.force,
            progress=progress,
        )
    except HistoryMismatch as err:
        raise UsageError(str(err)) from None
    except BackendError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C); run the same command to resume", file=sys.stderr)
        return 130
    if history.max_t < 0:
        raise UsageError("the budget ended before the first generation; raise it")
    from simulation.calibrate.report import write_outputs
    from simulation.experiments.executors import open_backend

    backend = "sequential" if workers == 1 and kind == "local" else kind
    with open_backend(backend, workers, args.scheduler) as where:  # the predictive draws
        result = write_outputs(calibration, history, out, str(args.log), executor=where.executor)
    print(result["table"].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    misfits = result["misfits"]
    print(
        "posterior predictive check: "
        + (f"outside the 90 % interval: {', '.join(misfits)}" if misfits else "all inside")
    )
    if result["unweighted"]:  # no spread among a generation's runs: pyabc gave them weight 0
        print(
            "not compared in every generation (no spread among the runs; see report.html): "
            + ", ".join(result["unweighted"])
        )
    print(
        f"done in {time.perf_counter() - start:.0f} s; results in {out} "
        "(report.html, calibrated.toml)"
    )
    return 0


def _dry_run(calibration, workers: int) -> int:
    from simulation.calibrate.search import Simulator

    spec = calibration.spec
    sim: Simulator = calibration.simulator
    values = {p.key: float(p.frozen().median()) for p in spec.priors}
    seconds = []
    for _ in range(2):
        begin = time.perf_counter()
        sim.run(values, replicates=1)
        seconds.append(time.perf_counter() - begin)
    per_run = sum(seconds) / len(seconds) * spec.replicates
    budget = spec.simulations
    if budget is None:
        # ABC-SMC accepts fewer as epsilon falls; 5 simulations a particle is a rough mean
        budget = spec.population * spec.generations * 5
        note = f"about {budget} (no `simulations` budget: ~5 a particle assumed)"
    else:
        note = str(budget)
    minutes = budget * per_run / workers / 60
    if spec.minutes is not None:
        minutes = min(minutes, spec.minutes)
    print(
        f"{spec.population} particles × at most {spec.generations} generations; "
        f"simulations: {note} (+ {spec.predictive} predictive draws)"
    )
    print(
        "scaled to the log: "
        + (", ".join(f"{k} = {v}" for k, v in calibration.scaled.items()) or "nothing")
    )
    print(f"pilot runs: 2, {per_run:.2f} s per particle ({spec.replicates} run(s) each)")
    print(f"estimate: about {minutes:.1f} min on {workers} workers (nothing was written)")
    return 0
