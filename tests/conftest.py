"""Shared fixtures (helpers such as ``small`` live in ``tests/helpers.py``)."""

from __future__ import annotations

import pytest

from simulation import Scenario
from tests.helpers import small


@pytest.fixture
def small_scenario() -> Scenario:
    return small()
