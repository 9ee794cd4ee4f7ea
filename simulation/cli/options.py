"""Options shared by the commands that run replicates: compare, validate and myths."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.analysis.replicates import default_workers


def add_replicate_options(
    parser: argparse.ArgumentParser, *, replicates: int, what: str, out: Path | None, out_help: str
) -> None:
    """Add ``--replicates``, ``--workers``, ``--seed`` and ``--out`` to ``parser``."""
    parser.add_argument(
        "--replicates",
        type=int,
        default=replicates,
        metavar="N",
        help=f"runs per {what} (default {replicates}; at least 2)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=f"local processes (default: all cores, {default_workers()} here)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="root seed; replicate r of every arm gets the same seed",
    )
    parser.add_argument("--out", type=Path, default=out, metavar="DIR", help=out_help)


def checked_workers(replicates: int, workers: int | None) -> int:
    """The number of workers to use, after checking both counts (UsageError if unusable)."""
    from simulation.cli import UsageError

    if replicates < 2:
        raise UsageError(f"--replicates: {replicates}; use 2 or more for intervals")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers: {workers}; use 1 or more")
    return default_workers() if workers is None else workers
