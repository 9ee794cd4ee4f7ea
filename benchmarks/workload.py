"""The cocreate workload every benchmark times: the baseline community scaled to ``consumers``.

Arrivals and marketers grow with the population, so 10,000 consumers is the 1,000-consumer
baseline scaled up tenfold rather than a large population starved of newcomers and reviewers.
``simulation`` is imported lazily so a parent process can spawn memory probes while still small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation import Scenario


def scaled_overrides(consumers: int, days: int) -> list[str]:
    """The ``key.path=value`` overrides that scale the baseline scenario to ``consumers``."""
    return [
        f"community.consumers={consumers}",
        f"community.initial_members={int(0.15 * consumers)}",
        f"community.arrival_rate={2.0 * consumers / 1000}",
        f"marketers.count={max(2, 2 * consumers // 1000)}",  # the baseline's 2 per 1,000
        f"run.days={days}",
        "run.snapshot_interval=0",  # model-level metrics only: no per-member snapshots
    ]


def build_scenario(consumers: int, days: int, path: str | None = None) -> Scenario:
    """The validated scenario for ``consumers`` × ``days``, built through the public seam.

    ``path``: a scenario file to scale instead of the built-in baseline (its organisations keep
    what they set themselves; the scaled keys are top-level).
    """
    from simulation import Scenario
    from simulation.scenario import apply_overrides, load_scenario

    base = Scenario() if path is None else load_scenario(path)
    return apply_overrides(base, scaled_overrides(consumers, days))
