"""Regenerate ``examples/community.csv``: a synthetic community's event log made by the model.

The log is what a calibration should recover: the baseline scenario at NON-default values of
the parameters ``examples/priors.toml`` puts priors on, a 180-day community of 500 consumers::

    consumers.intrinsic_mean = 1.3   (default 1.0)
    community.word_of_mouth  = 0.02  (default 0.01)
    run.days = 180, community.consumers = 500, community.initial_members = 60,
    community.arrival_rate = 1.2, run.seed = 7

Run from the repository root: ``python examples/make_example_log.py``.
"""

from __future__ import annotations

from pathlib import Path

from simulation.run import run_scenario
from simulation.scenario import load_scenario, set_values

HERE = Path(__file__).resolve().parent
TRUE_VALUES = {"consumers.intrinsic_mean": 1.3, "community.word_of_mouth": 0.02}
SIZE = {
    "run.days": 180,
    "community.consumers": 500,
    "community.initial_members": 60,
    "community.arrival_rate": 1.2,
}


def main() -> None:
    """Run the scenario with its event log and write the log as CSV."""
    base = load_scenario(HERE.parent / "scenarios" / "baseline.toml")
    scenario = set_values(base, {**SIZE, **TRUE_VALUES})
    log = run_scenario(scenario, seed=7, events=True).events
    columns = ["member", "day", "event", "idea", "outcome"]
    log[columns].to_csv(HERE / "community.csv", index=False)
    print(f"{len(log)} events written to {HERE / 'community.csv'}")


if __name__ == "__main__":
    main()
