"""Idiomatic Mesa 3.5 Boltzmann wealth model: the speed baseline of the cocreate benchmark.

Each agent with wealth gives one unit to a uniformly random other agent drawn from a cached list;
``self.agents.shuffle_do("step")`` activates agents in random order. What the model is, why it is
the baseline and the rates it reached on a 2-core machine: benchmarks/README.md, section 2.
"""

from __future__ import annotations

import gc
import time

import mesa


class WealthAgent(mesa.Agent):
    """An agent holding integer wealth, starting at one unit."""

    def __init__(self, model: BoltzmannWealth) -> None:
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            while other is self:  # "other" agent; at N = 10,000 this almost never loops
                other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannWealth(mesa.Model):
    """N agents exchanging wealth, no space, no data collection."""

    def __init__(self, n: int = 100, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        WealthAgent.create_agents(self, n)
        self.agent_list = self.agents.to_list()  # cached: random.choice(self.agents) is O(N)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def time_run(n: int, steps: int, seed: int = 42) -> float:
    """Wall seconds of one fresh run (construction + ``steps`` steps)."""
    gc.collect()
    start = time.perf_counter()
    model = BoltzmannWealth(n=n, rng=seed)
    for _ in range(steps):
        model.step()
    return time.perf_counter() - start


def calibrate_steps(n: int, seconds: float) -> int:
    """Steps that make one run of ``n`` agents last about ``seconds``."""
    steps = 4
    elapsed = time_run(n, steps)
    while elapsed < 0.5:  # probe long enough for the estimate to be stable
        steps *= 2
        elapsed = time_run(n, steps)
    return max(1, round(steps * seconds / elapsed))
