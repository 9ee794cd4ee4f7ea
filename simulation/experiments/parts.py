"""A run's parts as Arrow tables, built straight from the run's arrays.

:func:`simulation.experiments.worker.run_tables` makes each part as a pandas frame, and
``pyarrow.Table.from_pandas`` turns it into Arrow: both cost far more than the few rows of a
small run (tens of microseconds per column). Here the same tables are made column by column
from the run's numpy arrays, with the same Arrow types and values, and with the pandas metadata
that ``from_pandas`` would have stored, so that reading a part gives the same frame.

That metadata depends only on the columns' names and types. It is taken from the first part of
each shape that a process makes, the slow way, and only if that part's table equals the one made
here; a shape this module does not know (a dtype or label type it does not build) is made the
slow way every time. Either way a part's content is exactly what the pandas route gives.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from simulation.results import CATEGORIES_KEY, arrow_table

PANDAS_KEY = b"pandas"
IDS = ("run_id", "point", "replicate", "seed")
INT64 = (-(2**63), 2**63)  # the Python ints pandas keeps as int64

# shape of a part -> its pandas metadata, or None: made the slow way (see the module's doc)
_METADATA: dict[tuple, bytes | None] = {}


class Unsupported(Exception):
    """A column this module does not build; the part is made the pandas way."""


def part_table(
    name: str,
    columns: dict[str, pa.Array] | None,
    categories: dict[str, list[str]],
    slow: Callable[[], pd.DataFrame],
) -> pa.Table:
    """The Arrow table of a part from its columns, or the pandas way when they are None.

    ``slow()`` makes the part as :func:`simulation.experiments.worker.run_tables` does; it is
    called for the first part of each shape (to learn its metadata) and for parts not built here.
    """
    if columns is None:
        return arrow_table(slow())
    table = pa.table(columns)
    # the shape: names and types (hashing them costs a third of hashing the whole schema)
    key = (
        name,
        tuple((k, a.type) for k, a in columns.items()),
        tuple(len(c) for c in categories.values()),
    )
    try:
        pandas_meta = _METADATA[key]
    except KeyError:
        reference = arrow_table(slow())
        same = reference.schema.remove_metadata() == table.schema and reference.equals(table)
        _METADATA[key] = reference.schema.metadata[PANDAS_KEY] if same else None
        return reference
    except TypeError:  # an unhashable schema: never expected, but never wrong either
        return arrow_table(slow())
    if pandas_meta is None:
        return arrow_table(slow())
    meta = {PANDAS_KEY: pandas_meta}
    if categories:
        meta[CATEGORIES_KEY] = json.dumps(categories, sort_keys=True)
    return table.replace_schema_metadata(meta)


FEW = 64  # up to this many copies a Python list is cheaper to convert than a numpy array


def repeated(value: Any, n: int) -> pa.Array:
    """``n`` copies of a label or id, typed as pandas types a one-value column of it.

    >>> repeated(2.5, 2).to_pylist(), repeated(float("nan"), 1).null_count
    ([2.5, 2.5], 1)
    """
    kind = type(value)
    if kind is str:
        return pa.array([value] * n, pa.large_string())
    if kind is bool:
        return pa.array([value] * n, pa.bool_()) if n <= FEW else pa.array(np.full(n, value, bool))
    if kind is int and INT64[0] <= value < INT64[1]:
        if n <= FEW:
            return pa.array([value] * n, pa.int64())
        return pa.array(np.full(n, value, dtype=np.int64))
    if kind is float:
        if math.isnan(value):
            return pa.nulls(n, pa.float64())
        if n <= FEW:
            return pa.array([value] * n, pa.float64())
        return pa.array(np.full(n, value, dtype=np.float64))
    if value is None:
        return pa.nulls(n)
    raise Unsupported(kind)


def one_row(row: dict[str, Any]) -> dict[str, pa.Array]:
    """One row of labels, ids and figures as one-value columns, each typed as :func:`repeated`.

    The floats (a summary's figures) are made one Arrow array together and cut into columns
    (NaN as null, as ``repeated`` makes them): one conversion instead of one per figure.

    >>> columns = one_row({"run_id": "0-1", "a": 0.5, "b": float("nan"), "n": 3})
    >>> [(k, c.type, c.to_pylist()) for k, c in columns.items()][1:3]
    [('a', DataType(double), [0.5]), ('b', DataType(double), [None])]
    """
    floats = [k for k, v in row.items() if type(v) is float]
    together = pa.array(np.array([row[k] for k in floats], dtype=np.float64), from_pandas=True)
    cut = {k: together.slice(i, 1) for i, k in enumerate(floats)}
    return {k: cut[k] if k in cut else repeated(v, 1) for k, v in row.items()}


def column(
    series: pd.Series | np.ndarray, rows: np.ndarray | None
) -> tuple[pa.Array, list[str] | None]:
    """One column of a run table (the rows ``rows`` of it, or all) and its categories if any.

    ``series``: the frame's column, or the numpy array of its values (``RunResult.columns``).
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        labels = dtype.categories
        if dtype.ordered or labels.dtype != "str":
            raise Unsupported(dtype)
        codes = series.cat.codes.to_numpy()
        codes = codes if rows is None else codes[rows]
        dictionary = pa.array(labels.to_numpy(), pa.large_string())
        missing = codes < 0
        indices = pa.array(codes, mask=missing if missing.any() else None)
        return pa.DictionaryArray.from_arrays(indices, dictionary), labels.tolist()
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf":
        raise Unsupported(dtype)
    values = np.asarray(series)
    values = values if rows is None else values[rows]
    # from_pandas: a float NaN is stored as null, as Table.from_pandas does
    return pa.array(values, from_pandas=dtype.kind == "f"), None
