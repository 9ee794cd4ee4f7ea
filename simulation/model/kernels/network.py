"""The friendship graph's kernel: compressed rows built from an edge list."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled


@compiled
def adjacency(n, first, second):
    """CSR rows of the undirected graph with ties ``first[k] -- second[k]`` over ``0..n-1``.

    Returns ``(indptr, indices, degree)``: each row's friends sorted and without repeats, as
    scipy's ``csr_array`` after ``sum_duplicates`` and ``sort_indices`` gives them (a tie listed
    twice counts once; a self-tie is one friend, oneself).
    """
    start = np.zeros(n + 1, dtype=np.int64)
    for k in range(first.size):
        start[first[k] + 1] += 1
        start[second[k] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    listed = np.empty(start[n], dtype=np.int64)
    for k in range(first.size):
        a, b = first[k], second[k]
        listed[fill[a]] = b
        fill[a] += 1
        listed[fill[b]] = a
        fill[b] += 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(start[n], dtype=np.int64)
    kept = 0
    for i in range(n):
        row = listed[start[i] : start[i + 1]]
        if row.size > 16:
            row.sort()
        else:  # insertion sort: rows of a few friends
            for j in range(1, row.size):
                value = row[j]
                m = j - 1
                while m >= 0 and row[m] > value:
                    row[m + 1] = row[m]
                    m -= 1
                row[m + 1] = value
        for j in range(row.size):
            if j == 0 or row[j] != row[j - 1]:
                indices[kept] = row[j]
                kept += 1
        indptr[i + 1] = kept
    degree = np.empty(n, dtype=np.int64)
    for i in range(n):
        degree[i] = indptr[i + 1] - indptr[i]
    return indptr, indices[:kept].copy(), degree
