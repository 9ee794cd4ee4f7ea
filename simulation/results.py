"""Result files of one run: the five tables, the headline figures and the resolved scenario.

A run directory holds ``timeseries``, ``ideas``, ``decisions``, ``snapshots`` and
``organisations`` as Parquet (or CSV), ``summary.json`` and ``scenario.toml``, and ``events``
(the run's event log, ``docs/events.md``) when the run kept it. Same scenario and
seed give the same bytes: the Parquet writer is pinned to options that store no timestamps, and
every file is written to a temporary file beside its target and then renamed, so a crash never
leaves half a file.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import tomli_w

from simulation import __version__
from simulation.run import TABLES, RunResult
from simulation.scenario import to_dict

FORMATS = ("parquet", "csv")
# Fixed writer options: the same frame always gives the same bytes (no timestamps are stored).
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "version": "2.6"}
CATEGORIES_KEY = b"cocreate:categories"  # schema metadata: categories of categorical columns
EVENTS = "events"  # the event log's file name, written with ``RunResult.events``


def write_run(result: RunResult, out_dir: str | Path, *, csv: bool = False) -> Path:
    """Write one run's tables, ``summary.json`` and the resolved ``scenario.toml``.

    Table files of the other format left by an earlier run in ``out_dir`` are removed, so a
    directory never mixes two runs.

    Args:
        result: what :func:`simulation.run.run_scenario` returned.
        out_dir: directory to write to; created with its parents if missing.
        csv: write the tables as CSV instead of Parquet.

    Returns:
        The output directory.

    Raises:
        OSError: when the directory cannot be created or written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fmt, stale = ("csv", "parquet") if csv else ("parquet", "csv")
    tables = result.tables()
    if result.events is not None:
        tables[EVENTS] = result.events
    for name, frame in tables.items():
        _atomic_write(out / f"{name}.{fmt}", lambda tmp, f=frame: _write_table(f, tmp, fmt))
        (out / f"{name}.{stale}").unlink(missing_ok=True)
    if result.events is None:  # an event log left by an earlier run is not this run's
        for old in FORMATS:
            (out / f"{EVENTS}.{old}").unlink(missing_ok=True)
    _atomic_write(out / "summary.json", lambda tmp: _write_text(tmp, summary_json(result.summary)))
    _atomic_write(out / "scenario.toml", lambda tmp: _write_text(tmp, scenario_toml(result)))
    return out


def read_run(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Read the tables of a run directory written by :func:`write_run`.

    Args:
        run_dir: the directory.

    Returns:
        Table name -> frame, for each table present (Parquet preferred over CSV), and
        ``events`` when the run wrote its event log (read it with
        ``simulation.events.schema.read_events`` to check it as a log). The headline figures
        are plain JSON in ``summary.json``.

    Raises:
        FileNotFoundError: when the directory holds none of the tables.
    """
    run_dir = Path(run_dir)
    tables = {}
    for name in (*TABLES, EVENTS):
        for fmt in FORMATS:
            path = run_dir / f"{name}.{fmt}"
            if path.is_file():
                tables[name] = _read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
                break
    if not tables:
        raise FileNotFoundError(f"{run_dir}: no result tables ({', '.join(TABLES)}) found")
    return tables


def summary_json(summary: dict[str, Any]) -> str:
    """Headline figures as JSON with sorted keys; NaN becomes ``null``."""
    clean = {key: _json_value(value) for key, value in summary.items()}
    return json.dumps(clean, sort_keys=True, indent=2, allow_nan=False) + "\n"


def scenario_toml(result: RunResult) -> str:
    """The resolved scenario of a run as TOML, headed by a comment saying how it was made."""
    header = (
        f"# Resolved by cocreate {__version__}: every parameter of this run, defaults included.\n"
        f"# Reproduce it with: cocreate run scenario.toml\n"
    )
    return header + tomli_w.dumps(to_dict(result.scenario))


def _json_value(value: Any) -> Any:
    value = value.item() if hasattr(value, "item") else value  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(path, index=False, lineterminator="\n")
        return
    pq.write_table(arrow_table(frame), path, **PARQUET_OPTIONS)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of a Parquet file; the same frame always gives the same bytes."""
    return table_bytes(arrow_table(frame))


def table_bytes(table: pa.Table, options: dict[str, Any] = PARQUET_OPTIONS) -> bytes:
    """An Arrow table as the bytes of a Parquet file written with ``options``."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    return sink.getvalue().to_pybytes()


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow, with its categories stored (what the Parquet files hold)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    categories = {
        str(column): frame[column].cat.categories.tolist()
        for column in frame.columns
        if isinstance(frame[column].dtype, pd.CategoricalDtype)
    }
    if categories:  # Parquet keeps no dictionary for an empty column: store the categories
        meta = {**table.schema.metadata, CATEGORIES_KEY: json.dumps(categories, sort_keys=True)}
        table = table.replace_schema_metadata(meta)
    return table


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A table read from Parquet as pandas, with the categories stored at write time restored."""
    frame = table.to_pandas()
    stored = (table.schema.metadata or {}).get(CATEGORIES_KEY)
    for column, categories in json.loads(stored or "{}").items():
        frame[column] = frame[column].cat.set_categories(categories)
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    return arrow_to_pandas(pq.read_table(path))


def _atomic_write(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``."""
    # Not tempfile.mkstemp: its files are private (0600) and would stay so after the rename.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
