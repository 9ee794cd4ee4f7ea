"""Compiled kernels of the day's hottest stages (numba, compiled once and cached on disk).

At 10,000 consumers a day is a few hundred numpy calls on arrays of a few thousand elements,
so its cost is the calls, not the arithmetic. Each kernel here does one stage's many small
passes as one loop over the consumers.

Rules that keep every result byte-identical to the numpy code they replace:

- **No random number is drawn here.** The callers draw with the model's numpy ``Generator``
  exactly as before (same calls, sizes and order) and pass the numbers in.
- **Element-wise arithmetic in numpy's order.** Each expression is written with the operations
  and the parenthesisation numpy evaluated (``a * b / c`` is ``(a * b) / c``); numba compiles
  without ``fastmath``, so nothing is reassociated or fused into a multiply-add.
- **No transcendental function** (numpy's SIMD ``exp``/``log`` need not round as libm does),
  and **floating-point sums** either stay in numpy or use :func:`pairwise_sum`, a copy of
  numpy's pairwise summation that ``tests/test_kernels.py`` checks against ``np.add.reduce``.
  Integer counts are exact in any order.

One module per stage: ``network`` (the friendship graph), ``landscape`` (the idea space),
``consumers``, ``ideas``, ``firm`` and ``figures``, with ``sorting`` and ``summation`` for sorted
arrays and sums; this package gathers their kernels under one name. It is imported only when a
model runs (the model's modules import it inside the functions that call it), never by
``cocreate --help``, ``params`` or ``check``. The machine code is cached on disk
(:func:`compiled`), so only the first run on a machine compiles (some seconds); every later
process, process-pool workers included, loads it.
"""

from __future__ import annotations

from simulation.model.kernels.compiling import compiled
from simulation.model.kernels.consumers import (
    add_at,
    end_of_day,
    first_answers,
    flagged,
    friends_invited,
    hear_answers,
    kth_prospects,
    leave_tree,
    newcomers,
    posts_of,
    record_posts,
    recount,
    smooth_apply,
    smooth_once,
    smooth_sums,
    take_part,
    update_active_friends,
    utility,
    who_invites,
    willing,
)
from simulation.model.kernels.figures import (
    contribution_figures,
    counts_percentile,
    member_figures,
)
from simulation.model.kernels.firm import (
    HEARD,
    accepted_figures,
    answer,
    count_quality,
    decided_ideas,
    expire,
    flaw_rate,
    gates_close,
    gates_due,
    gates_found,
    gates_moving,
    marketers_read,
    pending,
    record_times,
    review,
    schedule_launches,
)
from simulation.model.kernels.ideas import (
    climb,
)
from simulation.model.kernels.landscape import (
    nk_lookup,
    row_means,
)
from simulation.model.kernels.network import (
    adjacency,
)
from simulation.model.kernels.sorting import (
    merge_sorted,
)
from simulation.model.kernels.summation import (
    pairwise_sum,
)

__all__ = [
    "HEARD",
    "compiled",
    "adjacency",
    "pairwise_sum",
    "climb",
    "nk_lookup",
    "row_means",
    "update_active_friends",
    "utility",
    "willing",
    "take_part",
    "posts_of",
    "end_of_day",
    "hear_answers",
    "first_answers",
    "add_at",
    "record_posts",
    "recount",
    "flagged",
    "merge_sorted",
    "leave_tree",
    "kth_prospects",
    "who_invites",
    "friends_invited",
    "newcomers",
    "smooth_once",
    "smooth_sums",
    "smooth_apply",
    "member_figures",
    "contribution_figures",
    "counts_percentile",
    "answer",
    "marketers_read",
    "pending",
    "gates_due",
    "gates_found",
    "gates_moving",
    "gates_close",
    "schedule_launches",
    "count_quality",
    "review",
    "record_times",
    "flaw_rate",
    "decided_ideas",
    "accepted_figures",
    "expire",
]
