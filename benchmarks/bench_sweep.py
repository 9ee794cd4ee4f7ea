"""Sweep benchmarks: throughput by executor, and the coordinator's memory as the sweep grows.

Prints figures only: timing never decides whether a test passes, so the script exits 0 whether or
not a target is met.

1. Throughput of one sweep of small runs (default 200 runs) on a local pool of 1 worker, a
   local pool of 2 workers, and a local Dask cluster of 2 workers. Wall time includes starting
   the workers; ``steady`` excludes it (runs/s between the first and the last finished run).
   Targets: 2 workers >= 1.8x 1 worker; Dask within 10 % of the local pool.
2. Peak resident memory of the coordinator process (not its workers) for 200 and 2,000 tiny
   runs, each in a fresh process. Target: within 50 MB of each other.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_sweep.py                 # both, ~4 min on 2 cores
    .venv/bin/python benchmarks/bench_sweep.py --runs 100 --skip-memory
    .venv/bin/python benchmarks/bench_sweep.py --json sweep.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMALL = {"community.consumers": 500, "community.initial_members": 80}  # ~0.15 s per run
TINY = {"community.consumers": 100, "community.initial_members": 20}  # ~0.03 s per run


def spec_dict(runs: int, days: int, fixed: dict, out: Path) -> dict:
    """A grid of ``runs`` design points (one replicate each) around the baseline."""
    return {
        "name": out.name,
        "scenario": str(ROOT / "scenarios" / "baseline.toml"),
        "replicates": 1,
        "seed": 1,
        "days": days,
        "set": fixed,
        "out": str(out),
        "parameters": {"policies.reward.amount": [float(a) for a in range(runs)]},
        "tables": {"weekly": {"metrics": ["active_members", "quality_accepted"], "every": 7}},
    }


def child(args: argparse.Namespace) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    from simulation.experiments import experiment_from_dict, load_results, run_experiment

    out = Path(args.out)
    spec = experiment_from_dict(spec_dict(args.runs, args.days, json.loads(args.fixed), out))
    finished: list[tuple[float, int]] = []  # (time, runs done) at every progress call
    start = time.perf_counter()
    kwargs = {"progress": lambda p: finished.append((time.perf_counter(), p.done))}
    if args.backend == "dask-client":  # Dask through the Python API (any executor)
        import dask
        from distributed import Client, LocalCluster

        from simulation.experiments.executors import LOCAL_DASK_CONFIG

        dask.config.set(LOCAL_DASK_CONFIG)  # the settings `cocreate sweep --dask` uses
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            start = time.perf_counter()
            run_experiment(spec, executor=client.get_executor(pure=False), **kwargs)
    else:
        run_experiment(spec, backend=args.backend, workers=args.workers, **kwargs)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before reading back
    runs = len(load_results(out, tables=[]).summary)
    ticks = finished[1:]  # the first call reports the state before any run
    steady = (
        (ticks[-1][1] - ticks[0][1]) / (ticks[-1][0] - ticks[0][0])
        if len(ticks) > 1
        else float("nan")
    )
    print(json.dumps({"runs": runs, "wall": wall, "steady": steady, "peak_mb": peak_mb}))


def measure(backend: str, workers: int, runs: int, days: int, fixed: dict) -> dict:
    """Run :func:`child` in a fresh process and return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            __file__,
            "--child",
            "--backend",
            backend,
            "--workers",
            str(workers),
            "--runs",
            str(runs),
            "--days",
            str(days),
            "--fixed",
            json.dumps(fixed),
            "--out",
            str(Path(tmp) / f"bench-{backend}-{workers}-{runs}"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--fixed", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    figures: dict = {}
    print(f"1. Throughput: {args.runs} runs of 500 consumers x {args.days} days")
    print(f"{'executor':<28}{'wall s':>9}{'runs/s':>9}{'steady runs/s':>15}")
    configs = [("local", 1), ("local", 2), ("dask", 2), ("dask-client", 2)]
    for backend, workers in configs:
        r = measure(backend, workers, args.runs, args.days, SMALL)
        assert r["runs"] == args.runs, r
        r["rate"] = args.runs / r["wall"]
        figures[f"{backend}-{workers}"] = r
        label = {"local": "local pool", "dask": "dask (--dask)"}.get(backend, backend)
        label += f", {workers} workers"
        print(f"{label:<28}{r['wall']:>9.1f}{r['rate']:>9.2f}{r['steady']:>15.2f}")
    one, two, dask = figures["local-1"], figures["local-2"], figures["dask-2"]
    speedup, steady_speedup = two["rate"] / one["rate"], two["steady"] / one["steady"]
    dask_ratio = dask["rate"] / two["rate"]
    print(f"   2 vs 1 local workers: {speedup:.2f}x wall, {steady_speedup:.2f}x steady", end="")
    print(" (target >= 1.8x)")
    print(f"   dask vs local pool, 2 workers: {dask_ratio:.2f} (target >= 0.90)")
    figures["speedup_2_vs_1"] = speedup
    figures["speedup_2_vs_1_steady"] = steady_speedup
    figures["dask_vs_local"] = dask_ratio
    if not args.skip_memory:
        print(
            "\n2. Coordinator peak memory (fresh process each; tiny runs: 100 consumers x 20 days)"
        )
        for runs in (200, 2000):
            r = measure("local", 2, runs, 20, TINY)
            assert r["runs"] == runs, r
            figures[f"memory-{runs}"] = r
            print(f"   {runs:>5} runs: peak RSS {r['peak_mb']:.1f} MB ({r['wall']:.0f} s)")
        grow = figures["memory-2000"]["peak_mb"] - figures["memory-200"]["peak_mb"]
        print(f"   difference: {grow:+.1f} MB (target within 50 MB)")
        figures["memory_growth_mb"] = grow
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
