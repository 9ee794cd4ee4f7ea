"""Every idea submitted in a run, stored as growable numpy columns (one row per idea)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

from simulation.model.columns import Columns, Spec, coded_frame

FIRM = -1  # author id of ideas the firm develops internally


class IdeaStatus(IntEnum):
    """Where an idea stands."""

    PENDING = 0  # waiting in the review queue
    REJECTED = 1  # turned down at review
    IGNORED = 2  # never reviewed within the marketers' patience
    CONCEPT = 3  # promoted, moving through the stage gates
    KILLED = 4  # stopped at a gate
    ACCEPTED = 5  # passed every gate: to be built


class Response(IntEnum):
    """How the firm answered at review."""

    NONE = 0
    SILENT = 1
    REPLY = 2
    EXPLAIN = 3


COLUMNS: Spec = {
    "author": (np.int64, FIRM, 0),
    "day": (np.int32, -1, 0),
    "builds": (np.int32, 0, 0),
    "point": (np.int64, 0, 0),
    "quality_at_submission": (np.float64, np.nan, 0),
    "first_post": (np.bool_, False, 0),
    "votes": (np.int32, 0, 0),
    "status": (np.int8, IdeaStatus.PENDING, 0),
    "response": (np.int8, Response.NONE, 0),
    "review_day": (np.int32, -1, 0),
    "decision_day": (np.int32, -1, 0),
    "dialogue": (np.bool_, False, 0),
}


class IdeaPool(Columns):
    """Columns of all ideas; rows are idea ids in submission order."""

    def __init__(self, capacity: int = 1024):
        super().__init__(COLUMNS, capacity)

    def pending(self, since_day: int = 0) -> np.ndarray:
        """Ids of ideas submitted since ``since_day`` still waiting for review, oldest first."""
        from simulation.model import kernels

        return kernels.pending(self["day"], self["status"], since_day, int(IdeaStatus.PENDING))

    def recent(self, since_day: int) -> np.ndarray:
        """Ids of ideas submitted on or after ``since_day``."""
        return np.arange(np.searchsorted(self["day"], since_day), self.size)

    def frame(self, space) -> pd.DataFrame:
        """One row per idea, with its true need fit, feasibility and quality from ``space``."""
        return ideas_frame(self.columns(space))

    def columns(self, space) -> dict[str, np.ndarray]:
        """The ideas table's columns (:meth:`frame`) as numpy arrays of their own, in order.

        ``status`` and ``response`` are their codes (:class:`IdeaStatus`, :class:`Response`):
        numpy is all a run's summary reads, and the frame can be made later from these.
        """
        point = self["point"]
        return {
            "idea": np.arange(self.size),
            **{name: self[name].copy() for name in COLUMNS},
            "need_fit": space.need_fit[point],
            "feasibility": space.feasibility[point],
            "quality": space.quality[point],
            "novelty": space.novelty(point),
            "feasible": space.feasible[point],
            "on_strategy": space.on_strategy[point],
        }


# made once: a categorical's dtype with string labels costs more to make than a run's column
STATUS = pd.CategoricalDtype([s.name.lower() for s in IdeaStatus])
RESPONSE = pd.CategoricalDtype([r.name.lower() for r in Response])


def ideas_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The ideas table from :meth:`IdeaPool.columns`, status and response as categoricals."""
    return coded_frame(columns, {"status": STATUS, "response": RESPONSE})
