"""The idea space's kernel at start-up: an NK landscape's contributions read from its tables."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled


@compiled
def nk_lookup(depends, tables, out):
    """Fill ``out[x, i]``: locus i's table entry for point x (``nk_contributions``).

    ``depends[i]`` are the loci locus i depends on (itself first); bit j of the entry's index is
    point x's bit at ``depends[i, j]``. Only integers and table reads: exact in any order.
    """
    points, loci = out.shape
    width = depends.shape[1]
    for x in range(points):
        for i in range(loci):
            index = 0
            for j in range(width):
                index |= ((x >> depends[i, j]) & 1) << j
            out[x, i] = tables[i, index]


@compiled
def row_means(values, split):
    """Each row's mean over its columns before ``split`` and over those from it (two columns).

    ``values[:, cols].mean(axis=1)`` of the two column sets, to the last bit: numpy's reduction
    of a C-ordered table over its rows adds the columns one after another into each row's sum
    (no pairwise summation along a row), then divides.
    """
    rows, width = values.shape
    out = np.empty((rows, 2))
    for r in range(rows):
        total = values[r, 0]
        for c in range(1, split):
            total += values[r, c]
        out[r, 0] = total / split
        total = values[r, split]
        for c in range(split + 1, width):
            total += values[r, c]
        out[r, 1] = total / (width - split)
    return out
