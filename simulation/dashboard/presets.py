"""Presets: one per belief (``simulation.analysis.myths.MYTHS``), its two compared arms.

A preset is chosen by the belief's number from this fixed list, never by a path the page sends;
its arms are the belief's own scenario files in ``scenarios/myths/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.analysis.myths import MYTHS, MYTHS_DIR, Myth
from simulation.dashboard.arms import Arm, Settings
from simulation.model.metrics import METRICS
from simulation.scenario import load_scenario


@dataclass(frozen=True)
class Preset:
    """A belief ready to load: its title, the two-line explanation, and its myth."""

    number: int
    title: str
    explanation: str
    myth: Myth


def explain(myth: Myth) -> str:
    """Two lines: the question the arms answer, and what to watch for.

    >>> print(explain(MYTHS[1]).splitlines()[1])
    Watch active members: the belief holds if 'cash' ends higher than 'recognition'.
    """
    metric = METRICS[myth.metric].label.split(" (")[0].lower()
    side = "higher" if myth.holds_if > 0 else "lower"
    return (
        f"{myth.question}\nWatch {metric}: the belief holds if '{myth.challenger}' ends {side} "
        f"than '{myth.reference}'."
    )


PRESETS = tuple(Preset(m.number, f"{m.number}. {m.belief}", explain(m), m) for m in MYTHS)
BY_NUMBER = {p.number: p for p in PRESETS}


def load_preset(number: int, seed: int) -> Settings:
    """Settings with the belief's reference arm (A) and challenger arm (B) side by side.

    >>> s = load_preset(2, seed=7)
    >>> [a.name for a in s.arms], s.side_by_side, s.seed
    (['recognition', 'cash'], True, 7)
    """
    myth = BY_NUMBER[int(number)].myth  # a KeyError for any number not in the list
    arms = tuple(
        Arm(name, load_scenario(MYTHS_DIR / f"{name}.toml"))
        for name in (myth.reference, myth.challenger)
    )
    return Settings(arms, seed, side_by_side=True, preset=str(number))
