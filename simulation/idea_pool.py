"""Every idea submitted in a run, stored as growable numpy columns (one row per idea)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

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


COLUMNS: dict[str, tuple[type, object]] = {
    "author": (np.int64, FIRM),
    "day": (np.int32, -1),
    "parent": (np.int64, -1),
    "point": (np.int64, 0),
    "quality_at_submission": (np.float64, np.nan),
    "first_post": (np.bool_, False),
    "votes": (np.int32, 0),
    "status": (np.int8, IdeaStatus.PENDING),
    "response": (np.int8, Response.NONE),
    "review_day": (np.int32, -1),
    "decision_day": (np.int32, -1),
    "dialogue": (np.bool_, False),
}


class IdeaPool:
    """Columns of all ideas; rows are idea ids in submission order."""

    def __init__(self, capacity: int = 1024):
        self.size = 0
        self.columns = {
            name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in COLUMNS.items()
        }

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name][: self.size]

    def add(self, **values: np.ndarray) -> np.ndarray:
        """Append ideas; every keyword is a column given as an array of equal length.

        Returns:
            The new ideas' ids.
        """
        count = len(next(iter(values.values())))
        self._reserve(self.size + count)
        ids = np.arange(self.size, self.size + count)
        for name, column in values.items():
            self.columns[name][ids] = column
        self.size += count
        return ids

    def _reserve(self, needed: int) -> None:
        capacity = len(self.columns["day"])
        if needed <= capacity:
            return
        new = max(needed, 2 * capacity)
        for name, (dtype, fill) in COLUMNS.items():
            grown = np.full(new, fill, dtype=dtype)
            grown[:capacity] = self.columns[name]
            self.columns[name] = grown

    def pending(self) -> np.ndarray:
        """Ids of ideas waiting for review, oldest first."""
        return np.flatnonzero(self["status"] == IdeaStatus.PENDING)

    def recent(self, since_day: int) -> np.ndarray:
        """Ids of ideas submitted on or after ``since_day``."""
        return np.arange(np.searchsorted(self["day"], since_day), self.size)

    def frame(self, space) -> pd.DataFrame:
        """One row per idea, with its true need fit, feasibility and quality from ``space``."""
        data = {name: self[name].copy() for name in COLUMNS}
        point = data["point"]
        data["status"] = pd.Categorical.from_codes(data["status"], [s.name.lower() for s in
                                                                    IdeaStatus])
        data["response"] = pd.Categorical.from_codes(data["response"], [r.name.lower() for r in
                                                                        Response])
        frame = pd.DataFrame(data)
        frame.insert(0, "idea", np.arange(self.size))
        frame["need_fit"] = space.need_fit[point]
        frame["feasibility"] = space.feasibility[point]
        frame["quality"] = space.quality[point]
        frame["novelty"] = space.novelty(point)
        frame["feasible"] = space.feasible[point]
        frame["on_strategy"] = space.on_strategy[point]
        return frame
