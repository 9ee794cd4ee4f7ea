"""The five beliefs: verdict rules, a small end-to-end answer and report, the whole job's plan."""

from __future__ import annotations

import re
import shutil
from dataclasses import astuple, replace

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.compare import BANDS
from simulation.analysis.myths import (
    MYTHS,
    MYTHS_DIR,
    Side,
    answer,
    arm_values,
    runs_needed,
    verdict,
)
from simulation.analysis.myths_report import assumptions, verdict_cell, write
from simulation.model.metrics import METRICS, Sesoi
from simulation.scenario import load_scenario
from simulation.scenario.mechanisms import MECHANISMS

SMALL = ("run.days=40", "community.consumers=200", "community.initial_members=40")


def test_verdict_follows_the_interval_and_the_predicted_side():
    up, down = np.array([5.0, 6, 7, 8]), np.array([1.0, 2, 2, 3])
    assert verdict(up, down, +1, 0).label == "supported"
    assert verdict(down, up, +1, 0).label == "not supported"
    assert verdict(down, up, -1, 0).label == "supported"
    noisy = verdict(np.array([1.0, -1, 2, -2]), np.zeros(4), +1, 0)
    assert noisy.label == "inconclusive" and noisy.low <= 0 <= noisy.high


def test_a_difference_inside_the_smallest_effect_is_negligible_even_when_it_excludes_zero():
    up, down = np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 2, 3])  # difference 2.5, CI > 0
    assert verdict(up, down, +1, 0, Sesoi(3.0)).label == "negligible"
    assert verdict(up, down, +1, 0, Sesoi(1.0)).label == "supported"
    relative = verdict(up, down, +1, 0, Sesoi(2.0, relative=True))  # 2 x reference mean 2
    assert relative.label == "negligible" and relative.sesoi == 4.0


def test_every_belief_has_a_smallest_effect_with_a_reason():
    for myth in MYTHS:
        sesoi = myth.smallest_effect
        assert sesoi.value > 0 and sesoi.why, myth.number


def test_every_myth_is_well_formed():
    assert [m.number for m in MYTHS] == [1, 2, 3, 4, 5]
    for myth in MYTHS:
        assert myth.metric in METRICS and myth.holds_if in (-1, 1) and myth.series in BANDS
        assert {myth.challenger, myth.reference} <= set(myth.arms)
        assert set(myth.mechanisms) <= set(MECHANISMS), myth.number
        if myth.other is not None:
            assert myth.other.metric in METRICS and myth.other.holds_if in (-1, 1)
            assert myth.decides, f"belief {myth.number} is two-sided: say which side decides"
        for arm in myth.arms:
            assert load_scenario(MYTHS_DIR / f"{arm}.toml").name == arm
            assert (MYTHS_DIR / f"{arm}.toml").read_text().startswith("#")


def test_assumptions_cover_every_scenario_table():
    tables = [t for t, _ in assumptions()]
    assert "consumers" in tables and "policies.reward" in tables and "decision" in tables


def test_a_myth_answered_end_to_end_and_reported(tmp_path):
    myth = MYTHS[3]
    # long and large enough that every arm accepts ideas in every replicate, so that the metric
    # (time to launch of accepted ideas) has a value to judge (not so at SMALL)
    overrides = ("run.days=200", "community.consumers=400", "community.initial_members=80")
    result = answer(myth, replicates=2, root_seed=1, workers=1, overrides=overrides)
    # the verdict judges the myth's challenger against its reference arm, paired by replicate,
    # on the myth's metric and in its predicted direction (verdict() is checked by hand above)
    challenger, reference = (
        arm_values(result.comparison, arm, myth.metric) for arm in (myth.challenger, myth.reference)
    )
    assert len(challenger) == len(reference) == result.verdict.replicates == 2
    np.testing.assert_equal(
        astuple(result.verdict),
        astuple(verdict(challenger, reference, myth.holds_if, 1, myth.smallest_effect)),
    )
    assert result.boundary is None and "not computed" in result.sentence
    facts = pd.DataFrame(
        [
            {
                "id": "F1",
                "claim": "c",
                "source": "s",
                "published": "p",
                "model": 0.1,
                "ci_low": 0.0,
                "ci_high": 0.2,
                "n": 2,
                "rule": "r",
                "passed": True,
            }
        ]
    )
    page = write([result], facts, tmp_path, "test").read_text()
    assert "4. Co-creation slows innovation down." in page and "Stylized facts" in page
    images = re.findall(r'src="data:image/png;base64,', page)
    assert len(images) == len(list((tmp_path / "figures").glob("*.png"))) >= 2
    assert result.verdict.label in (tmp_path / "report.md").read_text()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_myths_report_renders_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    result = answer(MYTHS[4], replicates=2, root_seed=2, workers=1, overrides=SMALL)
    report = write([result], None, tmp_path, "browser")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(report.as_uri())
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
        browser.close()
    assert not errors and widths and all(w > 0 for w in widths)


@pytest.mark.parametrize("path", sorted(MYTHS_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_myth_arm_keeps_the_invariants(path):
    from simulation import run_scenario
    from tests.invariants import check_run

    check_run(
        run_scenario(
            load_scenario(
                path, ["run.days=60", "community.consumers=300", "community.initial_members=50"]
            ),
            seed=4,
        )
    )


def test_run_counter_adds_up_runs_across_comparisons():
    from simulation.analysis.compare import RunCounter
    from simulation.analysis.myths_run import total_runs

    seen = []
    counter = RunCounter(7, lambda done, total: seen.append((done, total)))
    for done in (1, 2, 3, 1, 2, 1, 2):  # three comparisons of 3, 2 and 2 runs
        counter(done, 0)
    assert seen[-1] == (7, 7) and [d for d, _ in seen] == [1, 2, 3, 4, 5, 6, 7]
    plain = sum(len(m.arms) for m in MYTHS)
    assert total_runs(1, attribute=False) == plain
    assert total_runs(1) == sum(runs_needed(m, 1) for m in MYTHS) >= plain


def test_a_two_sided_belief_states_both_verdicts_and_what_carries_it(tmp_path):
    myth = replace(
        MYTHS[4],
        other=Side("churned_share", +1),
        decides="Satisfaction decides: a test.",
        mechanisms=("disconfirmation", "influence"),
    )
    done = []
    result = answer(myth, 2, 2, workers=1, overrides=SMALL, progress=lambda d, _: done.append(d))
    # the progress count is true: every run answering the belief, attribution included
    assert len(done) == runs_needed(myth, 2, SMALL)
    other = verdict(
        arm_values(result.comparison, myth.challenger, "churned_share"),
        arm_values(result.comparison, myth.reference, "churned_share"),
        +1,
        2,
        METRICS["churned_share"].sesoi,
    )
    np.testing.assert_equal(astuple(result.other_verdict), astuple(other))
    write([result], None, tmp_path, "two sides")
    report = (tmp_path / "report.md").read_text()
    assert f"Other side ({METRICS['churned_share'].label}): {other.label}: " in report
    assert result.smallest_effect_text in report and result.other_smallest_effect_text in report
    assert report.count("Satisfaction decides: a test.") == 2  # the summary and the verdict
    assert f"| {verdict_cell(result)} |" in report
    assert "### Why: what carries the answer" in report and result.attribution.sentence in report
    assert [p.key for p in result.attribution.parts] == ["disconfirmation", "influence"]


def test_simplifications_in_the_report_carry_no_link_relative_to_docs():
    import re

    from simulation.analysis.myths_report import simplifications

    text = simplifications()
    assert "No garbage-can decision timing" in text  # the section is there
    assert not re.search(r"\]\((?![a-z]+://)", text)
