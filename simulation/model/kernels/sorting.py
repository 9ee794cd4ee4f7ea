"""Sorted arrays kept sorted: the members' rows, the accepted qualities."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled


@compiled
def merge_sorted(a, b):
    """``a`` and ``b``, each sorted, merged into one sorted array of ``a``'s type.

    Where they hold equal values, ``b``'s come first: ``np.insert(a, np.searchsorted(a, b),
    b)``, in one pass.
    """
    out = np.empty(a.size + b.size, dtype=a.dtype)
    i = 0
    j = 0
    for k in range(out.size):
        if j == b.size or (i < a.size and a[i] < b[j]):
            out[k] = a[i]
            i += 1
        else:
            out[k] = b[j]
            j += 1
    return out
