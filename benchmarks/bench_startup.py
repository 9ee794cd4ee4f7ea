"""How fast ``cocreate`` answers the quick commands, next to an empty Python start.

Prints the median wall time of each command over fresh interpreters (``--runs`` each, default
10), and the same for ``python -c pass`` — the floor no command can beat — and for an
``import mesa, pandas`` to show what the lazy imports save. Prints figures only: timing never
decides whether a test passes, so the script exits 0 whether or not the target is met.

    .venv/bin/python benchmarks/bench_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.4
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "cocreate --help": [sys.executable, "-m", "simulation", "--help"],
    "cocreate params": [sys.executable, "-m", "simulation", "params"],
    "cocreate check baseline": [
        sys.executable,
        "-m",
        "simulation",
        "check",
        str(ROOT / "scenarios" / "baseline.toml"),
    ],
    "import mesa, pandas (for scale)": [sys.executable, "-c", "import mesa, pandas"],
}


def wall_times(command: list[str], runs: int) -> list[float]:
    """Seconds each of ``runs`` fresh processes took, after one untimed warm-up run."""
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command")
    args = parser.parse_args()
    floor = None
    print(f"median wall time over {args.runs} fresh processes (target < {TARGET_S} s)")
    print(f"{'command':34} {'median s':>9} {'min s':>7} {'max s':>7} {'x python':>9}")
    for name, command in COMMANDS.items():
        times = wall_times(command, args.runs)
        median = statistics.median(times)
        floor = floor or median
        mark = ""
        if name.startswith("cocreate"):
            mark = "  ok" if median < TARGET_S else "  over target"
        print(
            f"{name:34} {median:9.3f} {min(times):7.3f} {max(times):7.3f} "
            f"{median / floor:9.1f}{mark}"
        )


if __name__ == "__main__":
    main()
