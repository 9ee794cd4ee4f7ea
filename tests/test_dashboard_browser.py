"""End to end: `cocreate dashboard` serves a page that works in a real Chromium.

Starts the server on 127.0.0.1 on a free port, drives Debian's chromium with Playwright (step,
play, pause, a policy, a slider, a preset), checks that the figures and plots changed and that
no error shows, saves results/test-artifacts/dashboard.png, and stops the server by its PID.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys

import pytest

from tests.helpers import ROOT
from tests.test_report_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"
)
WAIT_MS = 60_000


def _start(scenario, log) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "simulation", "dashboard", str(scenario), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,  # a file: a full pipe nobody reads would block the server
        text=True,
    )
    line = ""  # the CLI prints the address once it serves (or exits)
    while not line.startswith("Dashboard at") and (next_line := server.stdout.readline()):
        line = next_line
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not line.startswith("Dashboard at") or not match:
        server.kill()
        pytest.fail(f"no address printed: {line!r}")
    return server, match.group(0)


def _day(page) -> float:
    return float(page.get_by_text(re.compile(r"^Time: ")).inner_text().split()[-1])


def _settled_day(page) -> float:
    """The day shown once it stops changing: a step already under way when pause was clicked
    still finishes and shows its day (the model can step faster than the page draws)."""
    day = _day(page)
    for _ in range(30):
        page.wait_for_timeout(500)  # many play intervals and a drawing
        now = _day(page)
        if now == day:
            return day
        day = now
    return day


@contextlib.contextmanager
def _dashboard(scenario, tmp_path, screenshot: str):
    """A Chromium page on ``cocreate dashboard SCENARIO``; at the end no error shown, a
    full-page screenshot in results/test-artifacts, the server stopped by its PID, and no
    console or page error."""
    from playwright.sync_api import expect, sync_playwright

    log = (tmp_path / "server.log").open("w")
    server, url = _start(scenario, log)
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)  # expect() has its own 5 s default
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            yield page
            assert page.get_by_text(re.compile("error in step|Traceback")).count() == 0
            shots = ROOT / "results" / "test-artifacts"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / screenshot), full_page=True)
            browser.close()
    finally:
        os.kill(server.pid, signal.SIGTERM)  # the CLI stops its solara child
        server.wait(timeout=30)
        log.close()
    assert not errors, (errors, (tmp_path / "server.log").read_text()[-3000:])


def test_dashboard_in_chromium(tmp_path):
    from playwright.sync_api import expect

    scenario = tmp_path / "class.toml"
    scenario.write_text(
        f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\nname = "class"\n'
        # a small class on the default small-world graph (400 consumers on seed 42 had a
        # doubled tie before network.py was fixed)
        "[community]\nconsumers = 400\ninitial_members = 80\n"
    )
    with _dashboard(scenario, tmp_path, "dashboard.png") as page:
        step = page.get_by_role("button", name="Step")
        step.wait_for()
        images = page.locator("img")
        expect(images).to_have_count(2)
        figures = page.locator(".headline-value")

        def snapshot():
            return images.evaluate_all("e => e.map(i => i.src)"), figures.all_inner_texts()

        first_images, first_figures = snapshot()
        for n in range(1, 4):
            step.click()
            expect(page.get_by_text(f"Time: {n}.0")).to_be_visible()
        page.get_by_role("button", name="▶").click()  # play
        page.wait_for_function(
            "() => [...document.querySelectorAll('*')].some(e => e.childElementCount === 0"
            " && /^Time: (1[5-9]|[2-9]\\d|\\d{3,})\\.0$/.test(e.textContent))"
        )
        page.get_by_role("button", name="❚❚").click()  # pause
        expect(step).to_be_enabled()
        paused = _settled_day(page)
        step.click()
        expect(page.get_by_text(f"Time: {paused + 1:.1f}")).to_be_visible()
        later_images, later_figures = snapshot()
        assert all(a != b for a, b in zip(first_images, later_images, strict=True))
        assert later_figures != first_figures

        page.locator(".v-select").filter(has_text="reward policy").click()  # a policy
        page.locator(".v-list-item").filter(has_text="per_idea").click()
        expect(page.get_by_text("Time: 0.0")).to_be_visible()  # set up again
        slider = page.locator(".v-input").filter(has_text="marketers: count")
        slider.locator(".v-slider__thumb-container").focus()
        page.keyboard.press("ArrowRight")
        expect(slider).to_contain_text("3")
        page.get_by_role("button", name="Belief 3").click()  # a preset
        expect(page.get_by_text("Watch ideas feasible and on strategy")).to_be_visible()
        expect(page.locator("img")).to_have_count(2)
        step.click()
        expect(page.get_by_text("Time: 1.0")).to_be_visible()
        # click a consumer in the network (the densest part of arm A's drawing first)
        network = page.locator("img.network-image")
        box = network.bounding_box()
        inspected = page.get_by_text(re.compile(r"^Consumer \d+$"))
        for fx, fy in [(0.25, 0.55), (0.3, 0.5), (0.2, 0.5), (0.25, 0.45), (0.3, 0.6)]:
            network.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
            page.wait_for_timeout(300)
            if inspected.count():
                break
        expect(inspected).to_be_visible()
        expect(page.get_by_text("motivation: intrinsic interest (fun)")).to_be_visible()
        assert page.get_by_text("Refused").count() == 0
        assert not page.get_by_text("Model Parameters").is_visible()  # SolaraViz's, empty


def test_dashboard_shows_rival_communities_in_chromium(tmp_path):
    """`cocreate dashboard scenarios/rivals.toml`: members coloured by community, a pipeline
    and a column of figures per organisation, and the inspector names a consumer's communities."""
    from playwright.sync_api import expect

    scenario = tmp_path / "rivals_class.toml"
    scenario.write_text(
        f'extends = "{ROOT / "scenarios" / "rivals.toml"}"\nname = "rivals_class"\n'
        "[community]\nconsumers = 300\ninitial_members = 60\n"
    )
    with _dashboard(scenario, tmp_path, "dashboard-rivals.png") as page:
        step = page.get_by_role("button", name="Step")
        step.wait_for()
        for n in range(1, 6):
            step.click()
            expect(page.get_by_text(f"Time: {n}.0")).to_be_visible()
        expect(page.get_by_text("in recogniser")).to_be_visible()  # the legend
        expect(page.get_by_text("in payer")).to_be_visible()
        expect(page.get_by_text("Communities", exact=True)).to_be_visible()
        header = page.locator("th").filter(has_text="rivals_class: payer")
        expect(header.first).to_be_visible()  # pipeline and communities, one column each
        expect(page.locator("td").filter(has_text="also in another community")).to_be_visible()
        page.get_by_role("button", name="most active").click()
        expect(page.locator("td").filter(has_text="member of")).to_be_visible()
