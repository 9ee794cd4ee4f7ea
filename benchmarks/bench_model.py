"""Throughput and peak memory of the cocreate model, next to an idiomatic Mesa baseline.

Prints figures; it never passes or fails anything (exit code 0 unless something crashes).

    .venv/bin/python benchmarks/bench_model.py [--consumers 10000] [--days 365] [--repeats 3]
        [--scenario FILE.toml] [--events] [--json PATH] [--no-memory]

``--scenario`` also times that scenario (scaled the same way) and prints its consumer-steps per
second as a ratio of the baseline's, measured in the same process: e.g. a two-firm scenario
(``scenarios/rivals.toml``), where every consumer is a row of two communities.

``--events`` also times the baseline with its event log recorded (``run_scenario(...,
events=True)``), alternating runs without and with it, and prints the cost of the log.

See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path

import memory_probe
from workload import build_scenario, scaled_overrides

TARGET_STEPS_PER_S = 10_000_000
TARGET_RATIO = 7.0  # cocreate consumer-steps/s over Boltzmann agent-steps/s, same process
TARGET_PEAK_RSS_MB = 300
TARGET_LARGE_SECONDS = 20.0  # 1,000,000 consumers × 365 days, fresh process
TARGET_LARGE_PEAK_MB = 1000
TARGET_OVERHEAD = 0.10  # start-up and writing of a small run, share of its time
SMALL_RUN = (500, 120)  # consumers, days: the runs of a sweep
TARGET_SCENARIO_RATIO = 0.5  # a two-firm scenario: at least half the baseline's throughput
BOLTZMANN_N = 10_000
BOLTZMANN_RUN_SECONDS = 3.0
MB = 1_000_000  # bytes; ru_maxrss and VmHWM are KiB on Linux


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write figures as JSON")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory probes")
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="also time this scenario file, scaled like the baseline (ratio to the baseline)",
    )
    parser.add_argument(
        "--large",
        type=int,
        default=1_000_000,
        metavar="N",
        help="also run N consumers × --large-days in a fresh process: wall time, peak RSS "
        "(0 skips it; default 1,000,000)",
    )
    parser.add_argument("--large-days", type=int, default=365)
    parser.add_argument(
        "--no-overhead",
        action="store_true",
        help="skip the per-run overhead of small runs (500 consumers × 120 days)",
    )
    parser.add_argument(
        "--events",
        action="store_true",
        help="also time runs that record their event log (alternating with runs that do not)",
    )
    return parser.parse_args()


def environment() -> dict[str, str]:
    """Versions and CPU, read without importing numpy or mesa (the parent must stay small)."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu
        )
    return {
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "mesa": version("mesa"),
        "cpu": cpu,
        "cpu_count": str(os.cpu_count()),
    }


def measure_memory() -> dict[str, dict[str, float]]:
    """Peak RSS and Python-heap peak of an import-only child and a full-run child."""
    figures = {}
    for workload in ("import", "run"):
        rss = memory_probe.probe(workload, trace=False)
        heap = memory_probe.probe(workload, trace=True)
        figures[workload] = {
            **rss,
            "heap_peak_bytes": heap["heap_peak_bytes"],
            "traced_seconds": heap["seconds"],
        }
    return figures


def time_cocreate(consumers: int, days: int, repeats: int, path: str | None = None) -> list[float]:
    """Wall seconds of ``repeats`` fresh runs through ``run_scenario`` (construction included)."""
    from simulation import run_scenario

    scenario = build_scenario(consumers, days, path)
    seconds = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        run_scenario(scenario)
        seconds.append(time.perf_counter() - start)
    return seconds


def time_events(consumers: int, days: int, repeats: int) -> dict:
    """Wall seconds of runs without and with the event log, alternating; and the log's size."""
    from simulation import run_scenario

    scenario = build_scenario(consumers, days)
    seconds: dict[str, list[float]] = {"off": [], "on": []}
    rows = 0
    for _ in range(repeats):
        for mode in ("off", "on"):
            gc.collect()
            start = time.perf_counter()
            result = run_scenario(scenario, events=mode == "on")
            seconds[mode].append(time.perf_counter() - start)
            rows = len(result.events) if result.events is not None else rows
    off, on = (statistics.median(seconds[m]) for m in ("off", "on"))
    return {"seconds": seconds, "events": rows, "cost": on / off - 1}


def print_events(figures: dict) -> None:
    off, on = figures["seconds"]["off"], figures["seconds"]["on"]
    print("\nEvent log (run_scenario(..., events=True)), alternating runs")
    print(f"  {'without the log':<30}{statistics.median(off):>8.2f} s   ({runs({'seconds': off})})")
    print(f"  {'with the log':<30}{statistics.median(on):>8.2f} s   ({runs({'seconds': on})})")
    print(
        f"  {'cost of the log':<30}{100 * figures['cost']:>+7.1f} %   {figures['events']:,} events"
    )


def measure_large(consumers: int, days: int) -> dict:
    """Wall time and peak RSS of one scaled run of ``consumers`` × ``days``, fresh process."""
    figures = memory_probe.probe("run", trace=False, consumers=consumers, days=days)
    return {"consumers": consumers, "days": days, **figures}


def print_large(fig: dict) -> None:
    peak = fig["ru_maxrss_kib"] * 1024 / MB
    fast = fig["run_seconds"] < TARGET_LARGE_SECONDS
    small = peak < TARGET_LARGE_PEAK_MB
    print(f"\nLarge run, fresh child process ({fig['consumers']:,} consumers × {fig['days']} days)")
    print(
        f"  {'run_scenario wall time':<30}{fig['run_seconds']:>8.1f} s   "
        f"target < {TARGET_LARGE_SECONDS:.0f} s  {verdict(fast)}   "
        f"({fig['consumers'] * fig['days'] / fig['run_seconds'] / 1e6:.2f} M consumer-steps/s; "
        f"{fig['seconds']:.1f} s with imports)"
    )
    print(
        f"  {'peak RSS (VmHWM)':<30}{peak:>8.1f} MB  ({fig['vm_hwm_kib'] * 1024 / MB:.1f} MB)  "
        f"target < {TARGET_LARGE_PEAK_MB} MB  {verdict(small)}"
    )


def measure_overhead(repeats: int) -> dict:
    """Where a small sweep run's time goes: start-up, the days, its tables, its parts.

    The run is what a sweep's worker does (``simulation.experiments.worker.execute``): the
    model is built and stepped, its tables and summary made, and its parts (the summary row and
    a table of two metrics every 7 days, as ``bench_sweep.py`` records) turned into Parquet.
    """
    from simulation.experiments.design import RunTask
    from simulation.experiments.spec import TableSpec
    from simulation.experiments.worker import run_parts
    from simulation.model import CoCreationModel
    from simulation.run import collect_result

    consumers, days = SMALL_RUN
    scenario = build_scenario(consumers, days)
    weekly = TableSpec("weekly", "timeseries", ("active_members", "quality_accepted"), 7)
    task = RunTask("0-0-bench", 0, 0, scenario.run.seed, scenario, {}, (weekly,))
    parts: dict[str, list[float]] = {"start": [], "days": [], "tables": [], "write": []}
    for _ in range(max(repeats, 5)):
        gc.collect()
        t0 = time.perf_counter()
        model = CoCreationModel(scenario)
        t1 = time.perf_counter()
        for _ in range(days):
            model.step()
        t2 = time.perf_counter()
        result = collect_result(model)
        t3 = time.perf_counter()
        run_parts(result, task)
        t4 = time.perf_counter()
        for key, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            parts[key].append(seconds)
    median = {key: statistics.median(values) for key, values in parts.items()}
    total = sum(median.values())
    return {
        "consumers": consumers,
        "days": days,
        "seconds": median,
        "overhead": (total - median["days"]) / total,
    }


def print_overhead(fig: dict) -> None:
    sec = fig["seconds"]
    total = sum(sec.values())
    print(
        f"\nPer-run overhead of small runs ({fig['consumers']} consumers × {fig['days']} days, "
        f"as a sweep's worker runs them; medians)"
    )
    for key, label in (
        ("start", "start-up (model construction)"),
        ("days", "the days (model.step)"),
        ("tables", "tables and summary"),
        ("write", "its parts as Parquet bytes"),
    ):
        print(f"  {label:<30}{1e3 * sec[key]:>8.1f} ms  {100 * sec[key] / total:>5.1f} %")
    ok = fig["overhead"] <= TARGET_OVERHEAD
    print(
        f"  {'overhead (all but the days)':<30}{100 * fig['overhead']:>8.1f} %   "
        f"target <= {100 * TARGET_OVERHEAD:.0f} %  {verdict(ok)}"
    )


def time_boltzmann(repeats: int) -> tuple[int, list[float]]:
    """Calibrated step count and wall seconds of ``repeats`` fresh Boltzmann runs."""
    import boltzmann

    steps = boltzmann.calibrate_steps(BOLTZMANN_N, BOLTZMANN_RUN_SECONDS)
    return steps, [boltzmann.time_run(BOLTZMANN_N, steps) for _ in range(repeats)]


def rate(units: int, seconds: list[float]) -> float:
    """Units per second at the median wall time."""
    return units / statistics.median(seconds)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_memory(memory: dict[str, dict[str, float]]) -> None:
    print(
        f"\nPeak memory, fresh child processes ({memory_probe.CONSUMERS:,} consumers × "
        f"{memory_probe.DAYS} days, snapshot_interval=0)"
    )
    print(f"  {'child':<26}{'ru_maxrss':>12}{'VmHWM':>12}{'tracemalloc':>14}{'wall':>10}")
    labels = {"import": "import simulation only", "run": "one full run"}
    for workload, fig in memory.items():
        print(
            f"  {labels[workload]:<26}{fig['ru_maxrss_kib'] * 1024 / MB:>9.1f} MB"
            f"{fig['vm_hwm_kib'] * 1024 / MB:>9.1f} MB{fig['heap_peak_bytes'] / MB:>11.1f} MB"
            f"{fig['seconds']:>9.1f} s"
        )
    run_mb = memory["run"]["ru_maxrss_kib"] * 1024 / MB
    print(
        f"  target: peak RSS < {TARGET_PEAK_RSS_MB} MB -> {run_mb:.1f} MB  "
        f"{verdict(run_mb < TARGET_PEAK_RSS_MB)}"
    )


def print_throughput(result: dict) -> None:
    co, bz = result["cocreate"], result["boltzmann"]
    fast_enough = co["steps_per_s"] >= TARGET_STEPS_PER_S
    ratio_ok = result["ratio"] >= TARGET_RATIO
    print("\nThroughput (median of fresh runs, single process)")
    print(
        f"  {'cocreate consumer-steps/s':<30}{co['steps_per_s'] / 1e6:>8.2f} M   "
        f"target >= {TARGET_STEPS_PER_S / 1e6:.0f} M  {verdict(fast_enough)}"
    )
    print(
        f"  {'Boltzmann agent-steps/s':<30}{bz['steps_per_s'] / 1e6:>8.2f} M   "
        f"(idiomatic Mesa baseline)"
    )
    print(
        f"  {'ratio cocreate / Boltzmann':<30}{result['ratio']:>8.2f} ×   "
        f"target >= {TARGET_RATIO:.0f} ×  {verdict(ratio_ok)}  "
        f"({TARGET_STEPS_PER_S / 1e6:.0f} M/s is {result['target_ratio']:.1f} × here)"
    )
    print(
        f"  cocreate: {co['consumers']:,} consumers × {co['days']} days, {runs(co)} "
        "(a process's first run also loads the compiled kernels)"
    )
    print(f"  Boltzmann: {bz['agents']:,} agents × {bz['steps']} steps, {runs(bz)}")
    if "scenario" in result:
        sc = result["scenario"]
        print(
            f"  {sc['file'] + ' consumer-steps/s':<30}{sc['steps_per_s'] / 1e6:>8.2f} M   "
            f"{sc['ratio_to_baseline']:.2f} × the baseline's ({sc['organisations']} "
            f"organisations; target >= {TARGET_SCENARIO_RATIO} × for two firms)  "
            f"{verdict(sc['ratio_to_baseline'] >= TARGET_SCENARIO_RATIO)}"
        )
        print(f"  {sc['file']}: {runs(sc)}")


def runs(figures: dict) -> str:
    return "runs " + ", ".join(f"{s:.2f}" for s in figures["seconds"]) + " s"


def measure_throughput(args: argparse.Namespace) -> dict:
    co_seconds = time_cocreate(args.consumers, args.days, args.repeats)
    steps, bz_seconds = time_boltzmann(args.repeats)
    co_rate = rate(args.consumers * args.days, co_seconds)
    bz_rate = rate(BOLTZMANN_N * steps, bz_seconds)
    return {
        "cocreate": {
            "consumers": args.consumers,
            "days": args.days,
            "seconds": co_seconds,
            "steps_per_s": co_rate,
        },
        "boltzmann": {
            "agents": BOLTZMANN_N,
            "steps": steps,
            "seconds": bz_seconds,
            "steps_per_s": bz_rate,
        },
        "ratio": co_rate / bz_rate,
        "target_ratio": TARGET_STEPS_PER_S / bz_rate,
        **({"scenario": time_scenario(args, co_rate)} if args.scenario else {}),
    }


def time_scenario(args: argparse.Namespace, baseline_rate: float) -> dict:
    """The ``--scenario`` file's throughput, and its ratio to the baseline's in this process."""
    scenario = build_scenario(args.consumers, args.days, args.scenario)
    seconds = time_cocreate(args.consumers, args.days, args.repeats, args.scenario)
    steps_rate = rate(args.consumers * args.days, seconds)
    return {
        "file": Path(args.scenario).name,
        "organisations": max(len(scenario.organisations), 1),
        "seconds": seconds,
        "steps_per_s": steps_rate,
        "ratio_to_baseline": steps_rate / baseline_rate,
    }


def main() -> None:
    args = parse_args()
    env = environment()
    print("Environment: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    overrides = scaled_overrides(args.consumers, args.days)
    print("Overrides: " + " ".join(overrides))
    # Memory first: a child's ru_maxrss includes the parent's RSS at spawn time (Linux).
    memory = None if args.no_memory else measure_memory()
    if memory is not None:
        print_memory(memory)
    large = measure_large(args.large, args.large_days) if args.large else None
    if large is not None:
        print_large(large)
    result = {
        "environment": env,
        "overrides": overrides,
        **measure_throughput(args),
        "memory": memory,
        "large": large,
        "targets": {
            "steps_per_s": TARGET_STEPS_PER_S,
            "ratio": TARGET_RATIO,
            "peak_rss_mb": TARGET_PEAK_RSS_MB,
            "large_seconds": TARGET_LARGE_SECONDS,
            "large_peak_mb": TARGET_LARGE_PEAK_MB,
            "overhead": TARGET_OVERHEAD,
        },
    }
    print_throughput(result)
    if not args.no_overhead:
        result["overhead"] = measure_overhead(args.repeats)
        print_overhead(result["overhead"])
    if args.events:
        result["events"] = time_events(args.consumers, args.days, args.repeats)
        print_events(result["events"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nFigures written to {args.json}")


if __name__ == "__main__":
    main()
