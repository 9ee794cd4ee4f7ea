"""Peak memory of one cocreate run, measured in a fresh child process.

Run as a script it is the child: ``memory_probe.py {import,run} [--trace]`` does the workload
and prints one JSON line. ``probe()`` is the parent side; it imports nothing heavy.

Linux folds the pre-``exec`` memory of the spawning process into the child's ``ru_maxrss``,
so probes must be spawned while the parent is still small; ``VmHWM`` (the child's own
high-water mark) is reported alongside as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONSUMERS, DAYS = 10_000, 365


def probe(
    workload: str, trace: bool, consumers: int = CONSUMERS, days: int = DAYS
) -> dict[str, float]:
    """Run the child for ``workload`` ("import" or "run") and return its figures.

    ``consumers`` and ``days`` size the "run" workload (default: the 10,000 × 365 target).
    """
    cmd = [sys.executable, str(HERE / "memory_probe.py"), workload] + (["--trace"] if trace else [])
    cmd += ["--consumers", str(consumers), "--days", str(days)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _vm_hwm_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def _do_workload(workload: str, consumers: int, days: int) -> float:
    """Do the workload; return the seconds of the run alone (0 for "import")."""
    import simulation  # noqa: F401  (the import itself is what the "import" child measures)

    if workload != "run":
        return 0.0
    from workload import build_scenario

    scenario = build_scenario(consumers, days)
    start = time.perf_counter()
    simulation.run_scenario(scenario)
    return time.perf_counter() - start


def main() -> None:
    """Child entry point: do the workload, print peak-memory figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workload", choices=("import", "run"))
    parser.add_argument("--trace", action="store_true", help="measure the tracemalloc peak")
    parser.add_argument("--consumers", type=int, default=CONSUMERS)
    parser.add_argument("--days", type=int, default=DAYS)
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start()  # before the import, so the heap peak includes what imports allocate
    start = time.perf_counter()
    run_seconds = _do_workload(args.workload, args.consumers, args.days)
    figures = {
        "seconds": time.perf_counter() - start,
        "run_seconds": run_seconds,  # run_scenario alone: no import, no scenario building
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "vm_hwm_kib": _vm_hwm_kib(),
    }
    if args.trace:
        figures["heap_peak_bytes"] = tracemalloc.get_traced_memory()[1]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
