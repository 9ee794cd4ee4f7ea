"""``cocreate sweep``: run a batch experiment from an experiment file; resumable."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Iterator
from pathlib import Path

from simulation.cli.common import UsageError, console, subparser
from simulation.parallel import default_workers

EXAMPLES = """\
examples:
  cocreate sweep experiments/reward_x_motivation.toml --dry-run
  cocreate sweep experiments/reward_x_motivation.toml --workers 2
  cocreate sweep experiments/sobol_screening.toml --dask --workers 4
  cocreate sweep experiments/sobol_screening.toml --scheduler tcp://10.0.0.5:8786

Re-running the same command resumes: finished runs are skipped, damaged part files redone.
The results folder (results/<experiment>/) holds manifest.json, journal.jsonl, design.parquet
and parts/<table>/<run>.parquet; `cocreate analyze` summarises it.
Exit code: 0 when every run is done, 1 when some failed (see journal.jsonl), 2 for a mistake in
the file or the options, 130 on Ctrl-C (finished runs are kept).
"""


def register(commands) -> None:
    """Add ``sweep`` to the command table."""
    sweep = subparser(
        commands,
        "sweep",
        "Run a batch experiment (grid, list, Latin hypercube, Sobol or Morris design) with "
        "replicates, locally or on Dask; resumable.",
        EXAMPLES,
    )
    sweep.add_argument("experiment", metavar="EXPERIMENT.toml", help="experiment file")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument(
        "--sequential", action="store_true", help="run in this process, one run at a time"
    )
    where.add_argument(
        "--dask", action="store_true", help="start a local Dask cluster of --workers processes"
    )
    where.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="use a running Dask scheduler"
    )
    where.add_argument(
        "--scheduler-file", metavar="FILE", help="use the Dask scheduler that wrote FILE"
    )
    sweep.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local processes or local Dask workers "
        f"(default: all cores, {default_workers()} here)",
    )
    sweep.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default: the file's out, else results/<name>)",
    )
    sweep.add_argument(
        "--replicates", type=int, metavar="N", help="runs per design point, instead of the file's"
    )
    sweep.add_argument(
        "--dry-run",
        action="store_true",
        help="count the runs and estimate core-hours from a few pilot runs; write nothing",
    )
    sweep.add_argument(
        "--pilots", type=int, default=3, metavar="N", help="pilot runs of --dry-run (default 3)"
    )
    sweep.add_argument(
        "--force",
        action="store_true",
        help="when the folder holds results of a different spec, move them aside and start again",
    )
    sweep.add_argument("--retry-failed", action="store_true", help="run failed runs again")
    sweep.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load and check the experiment, then estimate or run it."""
    from simulation.experiments import StoreError, estimate, load_experiment, run_experiment
    from simulation.experiments.executors import BackendError

    for option in ("workers", "replicates", "pilots"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise UsageError(f"--{option}: must be at least 1, got {value}")
    spec = load_experiment(args.experiment, out=args.out, replicates=args.replicates)
    backend = (
        "sequential"
        if args.sequential
        else "dask"
        if args.dask
        else "dask-remote"
        if args.scheduler or args.scheduler_file
        else "local"
    )
    workers = 1 if args.sequential else args.workers
    stderr = console(stderr=True)
    if args.dry_run:
        est = estimate(spec, pilots=args.pilots, workers=workers)
        print(
            f"{spec.name}: {est.points} design points × {spec.replicates} replicates = "
            f"{est.runs} runs ({spec.design} design); {est.done} done, {est.failed} failed, "
            f"{est.todo} to run"
        )
        print(
            f"pilot runs: {len(est.pilot_seconds)}, mean {est.seconds_per_run:.2f} s per run "
            f"(range {min(est.pilot_seconds):.2f}–{max(est.pilot_seconds):.2f} s)"
        )
        print(
            f"estimate: {est.core_hours:.3f} core-hours; about {_duration(est.wall_hours * 3600)} "
            f"on {est.workers} workers (scaling assumed perfect; nothing was written)"
        )
        return 0
    try:
        with _progress(stderr, enabled=not args.quiet, name=spec.name) as progress:
            out = run_experiment(
                spec,
                backend=backend,
                workers=workers,
                scheduler=args.scheduler,
                scheduler_file=args.scheduler_file,
                force=args.force,
                retry_failed=args.retry_failed,
                progress=progress,
            )
    except StoreError as err:
        raise UsageError(str(err)) from None
    except BackendError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        print(
            "interrupted (Ctrl-C); finished runs are saved — run the same command to resume",
            file=sys.stderr,
        )
        return 130
    from simulation.experiments.store import Store

    store = Store(out)
    store.journal = store.read_journal()
    done, failed = len(store.done_ids(verify=False)), len(store.failed_ids())
    print(f"{spec.name}: {done} runs done, {failed} failed; results in {out}")
    if failed:
        print(
            f"{failed} runs failed (tracebacks in {out / 'journal.jsonl'}); "
            "--retry-failed runs them again",
            file=sys.stderr,
        )
        return 1
    return 0


@contextlib.contextmanager
def _progress(console, *, enabled: bool, name: str) -> Iterator:
    if not (enabled and console.is_terminal):
        yield None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(f"[bold]{name}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
    )
    task = bar.add_task("sweep", total=None, counts="")

    def update(p) -> None:
        counts = f"done {p.done} · failed {p.failed} · pending {p.pending}"
        bar.update(task, total=p.total, completed=p.done + p.failed, counts=counts)

    with bar:
        yield update


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
