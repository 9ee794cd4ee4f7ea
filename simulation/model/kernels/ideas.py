"""The ideas' kernels: hill climbing on the NK landscape (``IdeaSpace.climb``)."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled


# --- ideas: hill climbing ----------------------------------------------------------------------
@compiled
def climb(x, flat, offset, steps, loci):
    """Steepest-ascent hill climbs in place (``IdeaSpace.climb``): ``x`` start to end points.

    Each searcher moves to its best single-bit neighbour under its view (the first best, as
    ``argmax``) while that beats where it stands by more than 1e-9, at most ``steps`` times.
    """
    for i in range(x.size):
        here = x[i]
        base = offset[i]
        for _ in range(steps[i]):
            best = here ^ 1
            best_value = flat[base + best]
            for bit in range(1, loci):
                other = here ^ (np.int64(1) << bit)
                value = flat[base + other]
                if value > best_value:
                    best, best_value = other, value
            if best_value > flat[base + here] + 1e-9:
                here = best
            else:
                break
        x[i] = here
