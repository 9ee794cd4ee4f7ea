"""Growable numpy columns: the storage behind the idea pool and the stage-gate pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd

# column name -> (dtype, fill value, width); width 0 means a plain 1-D column
Spec = dict[str, tuple[type, object, int]]


class Columns:
    """Rows appended in batches to preallocated arrays that double when full."""

    def __init__(self, spec: Spec, capacity: int = 1024):
        self.spec, self.size = spec, 0
        self.data = {name: self._empty(name, capacity) for name in spec}

    def _empty(self, name: str, capacity: int) -> np.ndarray:
        dtype, fill, width = self.spec[name]
        shape = (capacity, width) if width else (capacity,)
        return np.full(shape, fill, dtype=dtype)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, name: str) -> np.ndarray:
        """The filled part of a column (a view: writing to it writes the table)."""
        return self.data[name][: self.size]

    def add(self, **values) -> np.ndarray:
        """Append rows; every keyword is a column's values.

        The first keyword is an array and sets the number of rows; each other is an array of
        that length or one value for every new row.

        Returns:
            The new rows' indices.
        """
        count = len(next(iter(values.values())))
        capacity = len(next(iter(self.data.values())))
        if self.size + count > capacity:
            new = max(self.size + count, 2 * capacity)
            for name, column in self.data.items():
                grown = self._empty(name, new)
                grown[:capacity] = column
                self.data[name] = grown
        start, self.size = self.size, self.size + count
        for name, column in values.items():
            self.data[name][start : self.size] = column  # a slice: cheaper than indexing rows
        return np.arange(start, self.size)


def coded_frame(columns: dict[str, np.ndarray], kinds: dict[str, pd.CategoricalDtype]):
    """A table of ``columns`` whose columns named in ``kinds`` hold codes of those categories.

    >>> kinds = {"kind": pd.CategoricalDtype(["a", "b"])}
    >>> coded_frame({"x": np.array([1, 2]), "kind": np.array([1, 0])}, kinds)["kind"].tolist()
    ['b', 'a']
    """
    coded = {
        name: pd.Categorical.from_codes(columns[name], dtype=kind) for name, kind in kinds.items()
    }
    return pd.DataFrame(columns | coded)
