"""Floating-point sums as numpy makes them: its pairwise summation, copied."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled

# --- summation as numpy does it ----------------------------------------------------------------
PW_BLOCKSIZE = 128  # numpy's pairwise-summation block


@compiled
def _block(a, lo, n):
    """The pairwise sum numpy makes of ``a[lo:lo + n]`` for ``n <= PW_BLOCKSIZE``."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    top = n - (n % 8)
    while i < top:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@compiled
def _pairwise(a, lo, n):
    """The pairwise sum numpy makes of ``a[lo:lo + n]``: halves cut at a multiple of 8.

    The recursion of numpy's C code, run with explicit stacks (left half first).
    """
    if n <= PW_BLOCKSIZE:
        return _block(a, lo, n)
    los = np.empty(192, dtype=np.int64)
    ns = np.empty(192, dtype=np.int64)
    joins = np.empty(192, dtype=np.bool_)
    values = np.empty(192)
    top, kept = 0, 0
    los[0], ns[0], joins[0] = lo, n, False
    top = 1
    while top:
        top -= 1
        start, size, join = los[top], ns[top], joins[top]
        if join:
            values[kept - 2] = values[kept - 2] + values[kept - 1]
            kept -= 1
        elif size <= PW_BLOCKSIZE:
            values[kept] = _block(a, start, size)
            kept += 1
        else:
            half = size // 2
            half -= half % 8
            los[top], ns[top], joins[top] = start, size, True
            los[top + 1], ns[top + 1], joins[top + 1] = start + half, size - half, False
            los[top + 2], ns[top + 2], joins[top + 2] = start, half, False
            top += 3
    return values[0]


@compiled
def pairwise_sum(a, n):
    """``np.add.reduce(a[:n])`` for a float64 array, to the last bit (0.0 for none)."""
    return 0.0 + _pairwise(a, 0, n)  # numpy starts from the identity: -0.0 sums to 0.0
