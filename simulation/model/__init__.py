"""The model: :class:`CoCreationModel` and everything it is made of.

:mod:`.agents` (consumers, marketers, the organisation), :mod:`.policies` (one small class per
policy, one registry), :mod:`.ideas` (the idea space, the pool of submitted ideas, who sees
what), :mod:`.decisions` (stage gates, flaws, rework), :mod:`.network` (the social graph) and
:mod:`.metrics` (the metric registry the DataCollector reads). Nothing here knows of files,
plots, the command line or executors. ``CoCreationModel`` is imported when first used, so the
metric registry can be read without loading Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.model.model import CoCreationModel

__all__ = ["CoCreationModel"]


def __getattr__(name: str):
    if name == "CoCreationModel":
        from simulation.model.model import CoCreationModel

        return CoCreationModel
    raise AttributeError(f"module 'simulation.model' has no attribute {name!r}")
