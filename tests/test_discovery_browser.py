"""The discovery and optimisation reports render in a real headless Chromium.

Each report comes from a real run of its command over a small real problem (the sweep of
``real_sweep``, the optimisation problem of tests/test_optimise.py); the page must show no console
or page error, load every figure, show the answer in words and hold its table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.cli import main
from tests.test_report_browser import CHROMIUM, image_widths, report_page

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"
)


def test_discovery_report_renders(real_sweep, tmp_path):
    pytest.importorskip("ema_workbench")
    pytest.importorskip("sklearn")
    from playwright.sync_api import expect

    out = tmp_path / "discovery"
    argv = ["discover", str(real_sweep), "--metric", "active_members", "--below", "60"]
    assert main([*argv, "--out", str(out)]) == 0
    words = (out / "words.txt").read_text(encoding="utf-8").splitlines()[0]
    limits = pd.read_csv(out / "box.csv")
    figures = list((out / "figures").glob("*.png"))
    with report_page(out / "report.html", "discovery-report.png") as page:
        expect(page.get_by_role("heading", name="Where does it hold?")).to_be_visible()
        expect(page.get_by_text(words, exact=True)).to_be_visible()  # the box in words
        expect(page.get_by_role("heading", name="Box limits")).to_be_visible()
        widths = image_widths(page)
        factors = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert len(widths) == len(figures) >= 2 and all(width > 0 for width in widths)
    assert factors == limits["factor"].tolist() and factors  # one row per restricted factor


def test_optimisation_report_renders(tmp_path):
    pytest.importorskip("optuna")
    from playwright.sync_api import expect

    from tests.test_optimise import problem

    assert main(["optimise", str(problem(tmp_path, trials=6)), "--sequential", "-q"]) == 0
    out = tmp_path / "out"
    front = pd.read_csv(out / "pareto.csv")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    section = markdown.split("## Trade-offs")[1].split("## The front")[0]
    sentences = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    with report_page(out / "report.html", "optimisation-report.png") as page:
        expect(page.get_by_role("heading", name="Trade-offs")).to_be_visible()
        for sentence in sentences:  # the trade-offs in words
            expect(page.get_by_text(sentence, exact=True)).to_be_visible()
        widths = image_widths(page)
        header = page.locator("table thead th").all_inner_texts()
        rows = page.locator("table tbody tr").count()
    assert len(widths) == 1 and widths[0] > 0  # the front's figure
    assert sentences
    assert {"trial", "active_members", "spend_total"} <= set(header)
    assert rows == len(front) >= 1  # one row per policy on the front
