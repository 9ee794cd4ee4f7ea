"""The comparison report renders in a real headless Chromium: every figure loads, no errors.

Chromium is Debian's package (`.ci/run` installs it when missing), driven by Playwright through
its executable path (Playwright's own browser download does not work offline).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulation.analysis.compare import COMPARED, compare
from simulation.analysis.report import write_report
from tests.helpers import ROOT, small

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"
)


@contextlib.contextmanager
def report_page(report: Path, screenshot: str) -> Iterator[Any]:
    """A Chromium page on the HTML file ``report``; on leaving it, a full-page screenshot in
    results/test-artifacts, and no console or page error."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        yield page
        shots = ROOT / "results" / "test-artifacts"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / screenshot), full_page=True)
        browser.close()
    assert not errors, errors


def image_widths(page: Any) -> list[int]:
    """The natural width of every <img> on the page (0: the image did not load)."""
    return page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")


def test_report_renders_with_every_figure(tmp_path):
    arms = [small(days=40), small("policies.recognition.kind=feature", "name=badges", days=40)]
    report = write_report(compare(arms, 3, root_seed=2, workers=1), tmp_path, "browser check")
    with report_page(report, "comparison-report.png") as page:
        sizes = image_widths(page)
        rows = page.locator("table tbody tr").count()
    assert len(sizes) >= 4 and all(width > 0 for width in sizes)
    assert rows == len(COMPARED)  # one row per compared figure
