"""Answering the five beliefs as one job: the arms, what carries each answer, where each holds.

Everything runs on one shared pool of worker processes. The boundaries are sweeps
(:mod:`simulation.analysis.boundaries`) written under ``<out>/boundaries/belief<N>``, so a job
killed half-way resumes them where they stopped when run again with the same settings.
With a calibration's posterior draws (``cocreate myths --posterior``), replicate r of every
arm, attribution run and boundary sample runs at draw r.
:func:`estimate` counts the runs and times one pilot run per belief, for ``--dry-run`` and for
the estimate the full job prints before it starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.analysis import facts
from simulation.analysis.attribution import drawn_keys
from simulation.analysis.boundaries import boundary_runs, boundary_spec, done_runs, run_boundary
from simulation.analysis.compare import RunCounter
from simulation.analysis.myths import MYTHS, Myth, MythResult, answer, myth_arms, runs_needed
from simulation.parallel import process_pool


@dataclass(frozen=True)
class Plan:
    """What answering the beliefs takes: replicates, boundary design, attribution, facts."""

    replicates: int
    samples: int = 0  # Latin-hypercube samples per belief; 0 = no boundaries
    boundary_replicates: int = 0
    attribute: bool = True
    fact_replicates: int = 0  # 0 = no stylized facts
    root_seed: int = 0
    overrides: tuple[str, ...] = ()
    # a calibration's posterior draws, draw r for replicate r (of the arms and the boundaries:
    # at least as many as the larger of the two); () = none
    draws: tuple[dict[str, Any], ...] = ()

    def folder(self, out: Path, myth: Myth) -> Path:
        """Where a belief's boundary sweep lives."""
        return out / "boundaries" / f"belief{myth.number}"

    def draws_for(self, replicates: int) -> list[dict[str, Any]] | None:
        """The draws of replicates 0 .. ``replicates`` - 1 (None without draws)."""
        if not self.draws:
            return None
        if len(self.draws) < replicates:
            raise ValueError(f"{len(self.draws)} draws for {replicates} replicates")
        return list(self.draws[:replicates])


def runs_of(plan: Plan, out: Path | None = None) -> dict[str, int]:
    """Runs per part of the job still to do (boundaries already done in ``out`` are not counted)."""
    mechanisms = None if plan.attribute else ()
    parts = {
        "arms and attribution": sum(
            runs_needed(m, plan.replicates, plan.overrides, mechanisms, drawn_keys(plan.draws))
            for m in MYTHS
        ),
        "boundaries": 0,
        "stylized facts": facts.runs_needed(plan.fact_replicates) if plan.fact_replicates else 0,
    }
    if plan.samples:
        for myth in MYTHS:
            parts["boundaries"] += boundary_runs(plan.samples, plan.boundary_replicates)
            if out is not None:
                parts["boundaries"] -= _done(plan, myth, out)
    return parts


def _done(plan: Plan, myth: Myth, out: Path) -> int:
    """Runs of a belief's boundary already finished in ``out`` (0 if it holds another design)."""
    folder = plan.folder(out, myth)
    return done_runs(
        boundary_spec(
            myth,
            plan.samples,
            plan.boundary_replicates,
            plan.root_seed,
            folder,
            plan.overrides,
            plan.draws_for(plan.boundary_replicates),
        )
    )


def total_runs(replicates: int, overrides: tuple[str, ...] = (), attribute: bool = True) -> int:
    """How many runs answering every myth takes (arms and attribution; no boundaries)."""
    return sum(runs_of(Plan(replicates, attribute=attribute, overrides=overrides)).values())


@dataclass(frozen=True)
class Estimate:
    """Runs to do and the time they should take, from one timed pilot run per belief."""

    runs: dict[str, int]
    seconds_per_run: float
    workers: int

    @property
    def total(self) -> int:
        """All runs still to do."""
        return sum(self.runs.values())

    @property
    def minutes(self) -> float:
        """Wall-clock minutes on ``workers`` cores (perfect scaling)."""
        return self.total * self.seconds_per_run / max(self.workers, 1) / 60

    def describe(self) -> str:
        """One line for the terminal."""
        parts = ", ".join(f"{n} {what}" for what, n in self.runs.items() if n)
        hours = self.total * self.seconds_per_run / 3600
        return (
            f"{self.total} runs ({parts}); about {self.seconds_per_run:.2f} s a run, so about "
            f"{self.minutes:.1f} min on {self.workers} core(s) ({hours:.2f} core-hours)"
        )


def estimate(plan: Plan, workers: int, out: Path | None = None) -> Estimate:
    """Count the runs still to do and time one run of each belief's challenger arm."""
    from simulation.run import run_scenario
    from simulation.scenario import set_values

    seconds = []
    for myth in MYTHS:
        arm = next(a for a in myth_arms(myth, plan.overrides) if a.name == myth.challenger)
        if plan.draws:  # the first draw, as replicate 0 runs
            arm = set_values(arm, plan.draws[0], source="posterior")
        start = time.perf_counter()
        run_scenario(arm, seed=plan.root_seed)
        seconds.append(time.perf_counter() - start)
    return Estimate(runs_of(plan, out), sum(seconds) / len(seconds), workers)


def run_myths(
    replicates: int,
    root_seed: int = 0,
    workers: int = 2,
    overrides: tuple[str, ...] = (),
    progress=None,
    attribute: bool = True,
    samples: int = 0,
    boundary_replicates: int = 0,
    out: Path | None = None,
    draws: tuple[dict[str, Any], ...] = (),
) -> list[MythResult]:
    """Answer every myth on one shared pool of worker processes.

    ``attribute=False`` leaves out what carries each answer (no mechanism is switched off);
    ``samples`` > 0 finds where each belief holds over that many Latin-hypercube samples of
    its region, ``boundary_replicates`` runs per arm and sample, into ``out/boundaries``.
    ``draws`` (a calibration's posterior draws, at least one per replicate of the arms and of
    the boundaries) set draw r on replicate r of every arm, attribution run and boundary
    sample, after ``overrides``; a boundary's own factors keep their sampled values.
    """
    plan = Plan(replicates, samples, boundary_replicates, attribute, 0, root_seed, overrides, draws)
    if samples and out is None:
        raise ValueError("boundaries need an output folder (out)")
    pool = process_pool(workers) if workers > 1 else None
    total = sum(runs_of(plan, out).values())
    counter = RunCounter(total, progress) if progress else None
    mechanisms = None if attribute else ()
    try:
        results = []
        for myth in MYTHS:
            result = answer(
                myth,
                replicates,
                root_seed,
                workers,
                overrides,
                counter,
                pool,
                mechanisms,
                plan.draws_for(replicates),
            )
            if samples:
                result.boundary = run_boundary(
                    myth,
                    samples,
                    boundary_replicates,
                    root_seed,
                    plan.folder(out, myth),
                    pool,
                    counter,
                    overrides,
                    workers,
                    plan.draws_for(boundary_replicates),
                )
            results.append(result)
        return results
    finally:
        if pool is not None:
            pool.shutdown()
