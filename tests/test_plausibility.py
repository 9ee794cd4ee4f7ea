"""Plausibility: every shipped scenario stays inside what real idea communities show, or its
opening comment says why it departs.

Real idea communities accept a small share of the ideas they receive: about 2-3 % implemented on
Dell's IdeaStorm, about one in 500 on My Starbucks Idea, about 0.15 % of LEGO Ideas submissions
produced. The documented range is 0.15 %-3 % of consumer ideas accepted, as the mean over ten
fixed seeds of a year's run (the landscape makes single runs vary from 0 to about 10 %).
A scenario outside it must say so in a ``# Plausibility:`` line of its opening comment, and one
with that line must really be outside (so the comment cannot go stale).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation import load_scenario, run_scenario
from simulation.parallel import process_pool
from tests.helpers import ROOT

pytestmark = pytest.mark.slow
ACCEPTED = (0.0015, 0.03)  # share of consumer ideas accepted in real idea communities
SHIPPED = sorted(ROOT.glob("scenarios/*.toml")) + sorted(ROOT.glob("scenarios/myths/*.toml"))
SEEDS = range(10)


def acceptance(path, seed: int) -> float:
    return run_scenario(load_scenario(path), seed=seed).summary["acceptance_rate"]


def opening_comment(path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(
        line for line in lines[: next(i for i, x in enumerate(lines) if not x.startswith("#"))]
    )


@pytest.fixture(scope="module")
def rates():
    paths = [path for path in SHIPPED for _ in SEEDS]
    seeds = [seed for _ in SHIPPED for seed in SEEDS]
    with process_pool(2) as pool:
        values = list(pool.map(acceptance, paths, seeds))
    means = np.reshape(values, (len(SHIPPED), len(SEEDS))).mean(axis=1)
    return dict(zip(SHIPPED, means, strict=True))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(ROOT).as_posix() for p in SHIPPED])
def test_acceptance_is_plausible_or_the_departure_is_explained(path, rates):
    inside = ACCEPTED[0] <= rates[path] <= ACCEPTED[1]
    explained = "# Plausibility:" in opening_comment(path)
    assert inside != explained, (
        f"{path.name}: accepts {100 * rates[path]:.2f} % of consumer ideas (real communities: "
        f"{100 * ACCEPTED[0]:g}-{100 * ACCEPTED[1]:g} %); "
        + (
            "the # Plausibility: comment is stale"
            if explained
            else "explain why in the opening comment"
        )
    )
