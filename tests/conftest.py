"""Shared fixtures (helpers such as ``small`` live in ``tests/helpers.py``)."""

from __future__ import annotations

import pytest

from simulation import Scenario
from tests.helpers import small


@pytest.fixture
def small_scenario() -> Scenario:
    return small()


@pytest.fixture(scope="module")
def real_sweep(tmp_path_factory):
    """A finished 40-run sweep over motivation and marketers' capacity (~4 s, once a module)."""
    from simulation.experiments import run_experiment
    from tests.sweeps import discovery_spec

    out = tmp_path_factory.mktemp("sweep") / "discover"
    factors = {
        "consumers.intrinsic_mean": {"min": 0.3, "max": 1.5},
        "marketers.capacity": {"min": 1, "max": 10},
    }
    run_experiment(discovery_spec(out, factors), backend="sequential")
    return out
