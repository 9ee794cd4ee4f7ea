"""The model: :class:`CoCreationModel` and everything it is made of.

:mod:`.agents` (consumers, marketers, the organisation), :mod:`.policies` (one small class per
policy, one registry), :mod:`.ideas` (the idea space, the pool of submitted ideas, who sees
what), :mod:`.decisions` (stage gates, flaws, rework), :mod:`.network` (the social graph) and
:mod:`.metrics` (the metric registry the DataCollector reads). Nothing here knows of files,
plots, the command line or executors.
"""

from simulation.model.model import CoCreationModel

__all__ = ["CoCreationModel"]
