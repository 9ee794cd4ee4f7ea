"""The idea space's kernel at start-up: an NK landscape's contributions read from its tables."""

from __future__ import annotations

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
