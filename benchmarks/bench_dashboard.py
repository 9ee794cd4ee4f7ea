"""Dashboard speed: steps per second at 2,000 consumers while drawing every view each step.

Builds the dashboard's model (``Classroom``) at 2,000 consumers, then per step: advance one
day and draw everything the page draws (network as JPEG, plots as PNG, pipeline and headline
figures), as the page does when it plays with a render interval of 1. Prints steps/s for one
arm and for two arms side by side. A benchmark, not a test.

    python benchmarks/bench_dashboard.py [--steps 100] [--browser]

With ``--browser`` it also starts ``cocreate dashboard`` on a 2,000-consumer scenario, opens it in
Debian's chromium (Playwright, headless, on the same cores as the server), presses play for
``--seconds`` and reads the day counter: the speed a class sees, one arm and two side by side.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from simulation.dashboard import views
from simulation.dashboard.arms import Classroom, Settings
from simulation.scenario import Scenario, apply_overrides

CONSUMERS = 2000


def bench(side_by_side: bool, steps: int, warmup: int = 60) -> float:
    scenario = apply_overrides(
        Scenario(),
        [f"community.consumers={CONSUMERS}", f"community.initial_members={CONSUMERS // 7}"],
    )
    settings = replace(Settings.from_scenario(scenario), side_by_side=side_by_side)
    room = Classroom(settings)
    count = len(room.models)
    network = views.NetworkView(views.figure(4.4 * count, 4.0).subplots(1, count, squeeze=False)[0])
    plots = views.PlotsView(views.figure(7.0, 4.4).subplots(2, 2).flat, blit=True)

    def step_and_draw() -> None:
        room.step()
        network.update(room.names, room.models, selected=0)
        plots.update(room.names, room.models)
        views.image_bytes(network.axes[0].figure, "jpeg")
        plots.image("png")
        for model in room.models:
            views.pipeline(model)
            views.headlines(model)

    for _ in range(warmup):  # a community that has grown; the layout is cached by then
        step_and_draw()
    start = time.perf_counter()
    for _ in range(steps):
        step_and_draw()
    return steps / (time.perf_counter() - start)


def browser(seconds: float) -> dict[bool, float]:
    """Steps per second the page plays at in chromium: one arm, then two side by side."""
    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "class2000.toml"
        scenario.write_text(
            f'extends = "{root / "scenarios" / "baseline.toml"}"\nname = "class2000"\n'
            f"[community]\nconsumers = {CONSUMERS}\ninitial_members = {CONSUMERS // 7}\n"
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "simulation", "dashboard", str(scenario), "--port", "0"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            line = ""
            while not line.startswith("Dashboard at") and (next_line := server.stdout.readline()):
                line = next_line
            url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
            rates = {}
            with sync_playwright() as p:
                chromium = p.chromium.launch(
                    executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
                )
                page = chromium.new_page(viewport={"width": 1500, "height": 1100})
                page.set_default_timeout(90_000)
                page.goto(url)
                page.get_by_role("button", name="Step").wait_for()

                def day() -> float:
                    return float(page.get_by_text(re.compile(r"^Time: ")).inner_text().split()[-1])

                for side_by_side in (False, True):
                    if side_by_side:
                        page.get_by_text("side by side (arm B next to arm A)").click()
                        page.get_by_text("Time: 0.0").wait_for()
                    page.get_by_role("button", name="▶").click()
                    page.wait_for_timeout(2000)  # past the first days (layout, warm-up)
                    d0, t0 = day(), time.perf_counter()
                    page.wait_for_timeout(seconds * 1000)
                    d1, t1 = day(), time.perf_counter()
                    page.get_by_role("button", name="❚❚").click()
                    rates[side_by_side] = (d1 - d0) / (t1 - t0)
                chromium.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--browser", action="store_true", help="also measure in chromium")
    parser.add_argument("--seconds", type=float, default=10.0, help="play time in the browser")
    args = parser.parse_args()
    for side_by_side in (False, True):
        rate = bench(side_by_side, args.steps)
        arms = "two arms side by side" if side_by_side else "one arm"
        print(f"{CONSUMERS} consumers, {arms}, step + draw every view: {rate:.1f} steps/s")
    if args.browser:
        for side_by_side, rate in browser(args.seconds).items():
            arms = "two arms side by side" if side_by_side else "one arm"
            print(f"{CONSUMERS} consumers, {arms}, in chromium while playing: {rate:.1f} steps/s")


if __name__ == "__main__":
    main()
