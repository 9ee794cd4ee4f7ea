"""What runs in a worker: one run (or a batch) of a sweep, its tables turned into Parquet bytes.

Everything here is module-level and picklable, so any executor (a local process pool, Dask) can
run it; only bytes and small records travel back to the coordinator (:mod:`.runner`).
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.design import RunTask
from simulation.experiments.spec import SUMMARY, TableSpec
from simulation.results import parquet_bytes
from simulation.run import RunResult, run_scenario


@dataclass
class Outcome:
    """What a worker sends back: the run's parts as Parquet bytes, or its traceback."""

    run_id: str
    status: str
    parts: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    worker: str = ""
    error: str | None = None


def execute(task: RunTask) -> Outcome:
    """Run one task and return its tables as Parquet bytes (in the worker)."""
    start = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        result = run_scenario(task.scenario, seed=task.seed)
        parts = {name: parquet_bytes(frame) for name, frame in run_tables(result, task).items()}
    except Exception:  # a run that raises is a result too: recorded, and the sweep goes on
        return Outcome(
            task.run_id, "failed", {}, time.perf_counter() - start, worker, traceback.format_exc()
        )
    return Outcome(task.run_id, "done", parts, time.perf_counter() - start, worker)


def execute_batch(tasks: list[RunTask]) -> list[Outcome]:
    """Run several tasks one after the other in the same worker (see :class:`BatchSizer`)."""
    return [execute(task) for task in tasks]


def run_tables(result: RunResult, task: RunTask) -> dict[str, pd.DataFrame]:
    """The summary row and every recorded table of one run, with the run's id and labels."""
    ids = {
        "run_id": task.run_id,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
    }
    summary = pd.DataFrame([{**ids, **task.labels, **_numeric(result.summary)}])
    tables = {SUMMARY: summary}
    for spec in task.tables:
        tables[spec.name] = _labelled(select(result, spec), ids, task.labels, spec.source)
    return tables


KEYS = {"timeseries": ["day"], "organisations": ["day", "organisation"]}  # kept with any columns


def select(result: RunResult, spec: TableSpec) -> pd.DataFrame:
    """The rows and columns of a run table that ``spec`` records."""
    frame = getattr(result, spec.source)
    if spec.source in ("timeseries", "snapshots", "organisations") and len(frame):
        last = int(result.timeseries["day"].iloc[-1])
        day = frame["day"].to_numpy()
        frame = frame[(day % spec.every == 0) | (day == last)]
    if spec.columns:
        keep = KEYS.get(spec.source, [])
        frame = frame[keep + [c for c in spec.columns if c in frame.columns and c not in keep]]
    return frame.reset_index(drop=True)


def _labelled(
    frame: pd.DataFrame, ids: dict[str, Any], labels: dict[str, Any], source: str
) -> pd.DataFrame:
    """Prepend the run's ids and labels to a table.

    A table column of the same name gets the source as prefix (the ideas' ``point`` in the
    idea space becomes ``ideas_point``).
    """
    n = len(frame)  # repeat one-row Series: an empty table keeps the columns' types
    front = pd.DataFrame(
        {k: pd.Series([v]).repeat(n).reset_index(drop=True) for k, v in {**ids, **labels}.items()}
    )
    clash = {c: f"{source}_{c}" for c in frame.columns if c in front.columns}
    frame = frame.rename(columns=clash)
    front = front.astype({"point": np.int64, "replicate": np.int64, "seed": np.int64})
    return pd.concat([front, frame.reset_index(drop=True)], axis=1)


def _numeric(summary: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in summary.items() if k not in ("seed",)}
