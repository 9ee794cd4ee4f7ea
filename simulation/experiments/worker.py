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
import pyarrow as pa

from simulation.experiments.design import RunTask
from simulation.experiments.parts import IDS, Unsupported, column, one_row, part_table, repeated
from simulation.experiments.spec import SUMMARY, TableSpec
from simulation.results import table_bytes
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
        parts = run_parts(result, task)
    except Exception:  # a run that raises is a result too: recorded, and the sweep goes on
        return Outcome(
            task.run_id, "failed", {}, time.perf_counter() - start, worker, traceback.format_exc()
        )
    return Outcome(task.run_id, "done", parts, time.perf_counter() - start, worker)


def execute_batch(tasks: list[RunTask]) -> list[Outcome]:
    """Run several tasks one after the other in the same worker (see :class:`BatchSizer`)."""
    return [execute(task) for task in tasks]


# How parts are written: the cheapest options on a small run's few rows. Compression and
# dictionary encoding are set up per column chunk, which costs more than a small part's bytes
# save (zstd took twice as long as snappy); statistics are kept for the columns a reader
# filters a sweep's parts on. No timestamps are stored: the same table gives the same bytes.
PART_OPTIONS: dict[str, Any] = {
    "compression": "snappy",
    "use_dictionary": False,
    "write_statistics": [*IDS, "day"],
    "version": "2.6",
}


def run_parts(result: RunResult, task: RunTask) -> dict[str, bytes]:
    """The run's parts as Parquet bytes: the tables of :func:`run_tables`, made without pandas.

    Reading a part back gives the frame ``run_tables`` made (:mod:`.parts`).
    """
    return {
        name: table_bytes(table, PART_OPTIONS) for name, table in run_arrow(result, task).items()
    }


def run_arrow(result: RunResult, task: RunTask) -> dict[str, pa.Table]:
    """The tables of :func:`run_tables` as Arrow tables, built from the run's arrays."""
    ids = _ids(task)
    labels = task.labels
    tables = {}
    row = {**ids, **labels, **_numeric(result.summary)}
    try:
        columns = one_row(row)
    except Unsupported:
        columns = None
    tables[SUMMARY] = part_table(SUMMARY, columns, {}, lambda: _summary(result, task))
    clash_free = not set(labels) & set(IDS)
    for spec in task.tables:
        columns, categories = _spec_columns(result, spec, ids, labels) if clash_free else (None, {})
        tables[spec.name] = part_table(
            spec.name,
            columns,
            categories,
            lambda spec=spec: _labelled(select(result, spec), ids, labels, spec.source),
        )
    return tables


def _spec_columns(
    result: RunResult, spec: TableSpec, ids: dict[str, Any], labels: dict[str, Any]
) -> tuple[dict[str, pa.Array] | None, dict[str, list[str]]]:
    """A recorded table's columns as :func:`select` and :func:`_labelled` make them.

    Read through :meth:`RunResult.columns`: a timeseries not made yet as a frame is not made.
    """
    frame = result.columns(spec.source)
    names = list(frame)
    rows = None
    n = len(frame[names[0]]) if names else 0
    if spec.source in ("timeseries", "snapshots", "organisations") and n:
        last = int(np.asarray(result.columns("timeseries")["day"])[-1])
        day = np.asarray(frame["day"])
        rows = np.flatnonzero((day % spec.every == 0) | (day == last))
        n = rows.size
    if spec.columns:
        keep = KEYS.get(spec.source, [])
        names = keep + [c for c in spec.columns if c in frame and c not in keep]
    front = {**ids, **labels}
    try:
        columns = {k: repeated(v, n) for k, v in front.items()}
        categories = {}
        for name in names:
            out = f"{spec.source}_{name}" if name in front else name
            if out in columns:  # a renamed column meets another: the pandas way says what
                return None, {}
            columns[out], labels_of = column(frame[name], rows)
            if labels_of is not None:
                categories[out] = labels_of
    except Unsupported:
        return None, {}
    return columns, categories


def _ids(task: RunTask) -> dict[str, Any]:
    return {
        "run_id": task.run_id,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
    }


def _summary(result: RunResult, task: RunTask) -> pd.DataFrame:
    return pd.DataFrame([{**_ids(task), **task.labels, **_numeric(result.summary)}])


def run_tables(result: RunResult, task: RunTask) -> dict[str, pd.DataFrame]:
    """The summary row and every recorded table of one run, with the run's id and labels."""
    ids = _ids(task)
    tables = {SUMMARY: _summary(result, task)}
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
