"""Parameter recovery of `cocreate calibrate`: does the posterior find the values of a log?

Prints figures; it never passes or fails anything (exit code 0 unless something crashes).

    .venv/bin/python benchmarks/bench_calibrate.py [--truths 4] [--population 30]
        [--generations 3] [--workers 2] [--days 120] [--consumers 300]

For each of ``--truths`` parameter sets drawn from the priors of ``examples/priors.toml``, the
model writes a synthetic event log (the baseline sized to ``--days`` and ``--consumers``), a
calibration runs on it from those priors, and the benchmark prints, per parameter, the truth,
the posterior median, its 90 % interval and whether the truth is inside, then the coverage over
all truths (about 90 % expected of a well-calibrated posterior, given enough truths) and the time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from simulation.calibrate import load_priors
from simulation.calibrate.report import last_generation, weighted_quantile
from simulation.calibrate.search import posterior_frame, prepare, search
from simulation.run import run_scenario
from simulation.scenario import load_scenario, set_values

ROOT = Path(__file__).resolve().parents[1]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=4)
    parser.add_argument("--population", type=int, default=30)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--consumers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    """Draw truths, make their logs, calibrate, print recovery and coverage."""
    args = parse_args()
    base = load_scenario(ROOT / "scenarios" / "baseline.toml")
    spec = load_priors(ROOT / "examples" / "priors.toml", base)
    spec = type(spec)(
        **{
            **spec.__dict__,
            "population": args.population,
            "generations": args.generations,
            "simulations": None,
            "minutes": None,
        }
    )
    size = {
        "run.days": args.days,
        "community.consumers": args.consumers,
        "community.initial_members": args.consumers // 8,
        "community.arrival_rate": args.consumers / 400,
    }
    rng = np.random.default_rng(args.seed)
    inside, total = 0, 0
    for i in range(args.truths):
        truth = {p.key: float(p.frozen().rvs(random_state=rng)) for p in spec.priors}
        log = run_scenario(set_values(base, {**size, **truth}), seed=100 + i, events=True).events
        start = time.perf_counter()
        calibration = prepare(spec, log)
        with tempfile.TemporaryDirectory() as folder:
            history = search(calibration, Path(folder), "local", args.workers)
            last = last_generation(posterior_frame(history, spec.keys))
        seconds = time.perf_counter() - start
        print(f"truth {i + 1}/{args.truths} ({len(log):,} events, {seconds:.0f} s):")
        for key, value in truth.items():
            v, w = last[key].to_numpy(), last["weight"].to_numpy()
            lo, med, hi = (weighted_quantile(v, w, q) for q in (0.05, 0.5, 0.95))
            hit = lo <= value <= hi
            inside, total = inside + hit, total + 1
            print(
                f"  {key:28s} truth {value:.4g}  median {med:.4g}  90 % [{lo:.4g}, {hi:.4g}]"
                f"  {'inside' if hit else 'OUTSIDE'}"
            )
    print(f"coverage of the 90 % intervals: {inside}/{total} ({inside / total:.0%})")


if __name__ == "__main__":
    main()
