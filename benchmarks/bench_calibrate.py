"""Parameter recovery of `cocreate calibrate`: does the posterior find the values of a log?

Prints figures; it never passes or fails anything (exit code 0 unless something crashes).

    .venv/bin/python benchmarks/bench_calibrate.py [--truths 10] [--population 50]
        [--generations 4] [--replicates 1] [--days 120] [--consumers 300] [--workers 2]
        [--seed 1] [--priors examples/priors.toml]

For each of ``--truths`` parameter sets drawn from the priors of ``--priors`` (the truths),
the model writes a synthetic event log (the baseline sized to ``--days`` and ``--consumers``,
its initial members and arrivals in the baseline's proportion to the consumers, so that the
scaling to the log has only the size to find, not a different make-up), a calibration runs on
it from those priors (``--population`` particles, ``--generations`` generations,
``--replicates`` runs a particle, the priors file's summaries, by default the 15 standard ones,
the model scaled to the log as ``cocreate calibrate`` does) and the benchmark prints, per
parameter, the truth, the posterior median, its 90 % interval (weighted 5 % and 95 % quantiles
of the last generation), whether the truth is inside, and the contraction. At the end, a
table per parameter and the overall figures:

- **coverage**: how many of the truths the 90 % interval covered; overall, over every parameter
  and truth, printed beside the target of 80 % (a well-calibrated posterior covers 90 %; with 10
  truths a binomial 95 % interval around the figure is printed too, it is wide).
- **contraction** = 1 − (posterior 90 % width) / (prior 90 % width), the widths of the central
  90 % intervals (posterior: weighted quantiles; prior: the distribution's 5 % and 95 %
  quantiles), averaged over the truths: 0 means the data taught nothing (the posterior is as wide
  as the prior), 1 a point. (The variance ratio 1 − var_post / var_prior is the other usual
  definition; the width ratio is used here because it matches the intervals whose coverage is
  counted and is robust to a few far particles.)
- **error**: the median over the truths of |posterior median − truth| / prior 90 % width.
- **time**: wall time of each recovery (calibration only, not the making of the log) and in all.

Reproducible for a given ``--seed`` with ``--workers 1`` (one process, numpy seeded per
generation, each run's seed a hash of the seed and the particle's values). With more workers
pyabc's multicore sampler accepts particles in the order they finish, so the figures vary a
little from run to run; they are not byte-reproducible. The defaults took 29 minutes on 2 cores
shared with other jobs (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import stats

from simulation.calibrate import load_priors
from simulation.calibrate.report import last_generation, weighted_quantile
from simulation.calibrate.search import posterior_frame, prepare, search
from simulation.run import run_scenario
from simulation.scenario import load_scenario, set_values

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.80  # the target coverage of the 90 % intervals
LEVEL = 0.90


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=10)
    parser.add_argument("--population", type=int, default=50)
    parser.add_argument("--generations", type=int, default=4)
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--consumers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--priors",
        type=Path,
        default=ROOT / "examples" / "priors.toml",
        help="priors file: its [priors], [summaries] and [set] (its budget is replaced)",
    )
    return parser.parse_args()


def prior_width(prior) -> float:
    """The width of the prior's central 90 % interval."""
    lo, hi = prior.frozen().ppf([(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2])
    return float(hi - lo)


def recover(spec, base, size: dict, truth: dict, log_seed: int, workers: int) -> dict:
    """Make the truth's log, calibrate on it; per parameter the posterior's figures."""
    log = run_scenario(set_values(base, {**size, **truth}), seed=log_seed, events=True).events
    start = time.perf_counter()
    calibration = prepare(spec, log)
    with tempfile.TemporaryDirectory() as folder:
        history = search(calibration, Path(folder), "local", workers)
        last = last_generation(posterior_frame(history, spec.keys))
        simulations = int(history.total_nr_simulations)
        generations = history.max_t + 1
    seconds = time.perf_counter() - start
    rows = {}
    for prior in spec.priors:
        v, w = last[prior.key].to_numpy(), last["weight"].to_numpy()
        lo, med, hi = (weighted_quantile(v, w, q) for q in (0.05, 0.5, 0.95))
        value, width = truth[prior.key], prior_width(prior)
        rows[prior.key] = {
            "truth": value,
            "median": med,
            "low": lo,
            "high": hi,
            "inside": lo <= value <= hi,
            "contraction": 1 - (hi - lo) / width,
            "error": abs(med - value) / width,
        }
    return {
        "events": len(log),
        "members": int(calibration.data["joined_total"]),
        "generations": generations,
        "simulations": simulations,
        "seconds": seconds,
        "rows": rows,
    }


def main() -> None:
    """Draw truths, make their logs, calibrate, print recovery, coverage and contraction."""
    args = parse_args()
    base = load_scenario(ROOT / "scenarios" / "baseline.toml")
    spec = dataclasses.replace(
        load_priors(args.priors, base),
        population=args.population,
        generations=args.generations,
        replicates=args.replicates,
        seed=args.seed,
        simulations=None,
        minutes=None,
    )
    c = base.community  # the baseline's proportions: the scaling has only the size to find
    size = {
        "run.days": args.days,
        "community.consumers": args.consumers,
        "community.initial_members": round(args.consumers * c.initial_members / c.consumers),
        "community.arrival_rate": args.consumers * c.arrival_rate / c.consumers,
    }
    print(
        f"{args.truths} truths from {args.priors.name}; logs of {args.days} days, "
        f"{args.consumers} consumers; {args.population} particles × {args.generations} "
        f"generations, {args.replicates} run(s) a particle, {args.workers} worker(s), "
        f"seed {args.seed}",
        flush=True,
    )
    rng = np.random.default_rng(args.seed)
    results = []
    began = time.perf_counter()
    for i in range(args.truths):
        truth = {}
        for p in spec.priors:
            value = float(p.frozen().rvs(random_state=rng))
            truth[p.key] = round(value) if p.integer else value
        log_seed = int(np.random.SeedSequence([args.seed, i]).generate_state(1)[0])
        result = recover(spec, base, size, truth, log_seed, args.workers)
        results.append(result)
        print(
            f"truth {i + 1}/{args.truths} ({result['events']:,} events, {result['members']} "
            f"members; {result['generations']} generations, {result['simulations']:,} "
            f"simulations, {result['seconds']:.0f} s):"
        )
        for key, row in result["rows"].items():
            print(
                f"  {key:26s} truth {row['truth']:.4g}  median {row['median']:.4g}  "
                f"90 % [{row['low']:.4g}, {row['high']:.4g}]  "
                f"{'inside ' if row['inside'] else 'OUTSIDE'}  "
                f"contraction {row['contraction']:.2f}",
                flush=True,
            )
    total = time.perf_counter() - began
    n = len(results)
    print(f"\nper parameter, over {n} truths:")
    print(
        f"  {'parameter':26s} {'covered':>8s} {'coverage':>9s} {'contraction':>12s} "
        f"{'|median - truth| / prior width':>31s}"
    )
    inside = 0
    for prior in spec.priors:
        rows = [r["rows"][prior.key] for r in results]
        hits = sum(r["inside"] for r in rows)
        inside += hits
        contraction = float(np.mean([r["contraction"] for r in rows]))
        error = float(np.median([r["error"] for r in rows]))
        print(
            f"  {prior.key:26s} {f'{hits}/{n}':>8s} {hits / n:>9.0%} {contraction:>12.2f} "
            f"{error:>31.2f}"
        )
    count = n * len(spec.priors)
    ci = stats.binomtest(inside, count).proportion_ci(confidence_level=0.95)
    print(
        f"overall coverage of the 90 % intervals: {inside}/{count} ({inside / count:.0%}; "
        f"binomial 95 % interval {ci.low:.0%}–{ci.high:.0%}); target ≥ {TARGET:.0%} "
        f"(nominal {LEVEL:.0%})"
    )
    seconds = [r["seconds"] for r in results]
    print(
        f"time per recovery: mean {np.mean(seconds):.0f} s (min {min(seconds):.0f}, "
        f"max {max(seconds):.0f}); total {total / 60:.1f} min (logs included)"
    )


if __name__ == "__main__":
    main()
