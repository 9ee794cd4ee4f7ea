"""Replicates and comparisons: seeds, intervals, paired differences, reports, the CLI."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.analysis.compare import COMPARED, compare, headline_row
from simulation.analysis.replicates import replicate_seeds, run_replicates
from simulation.analysis.report import write_report
from simulation.analysis.stats import bootstrap_ci
from simulation.cli import main
from tests.helpers import ROOT, small


def test_seeds_are_shared_across_arms_and_fixed_by_the_root():
    seeds = replicate_seeds(7, 3, 4)
    assert (seeds == seeds[0]).all() and len(set(seeds[0])) == 4
    assert np.array_equal(seeds, replicate_seeds(7, 3, 4))
    assert not np.array_equal(seeds, replicate_seeds(8, 3, 4))


def test_bootstrap_interval_is_scipys_bca():
    values = np.random.default_rng(3).normal(2.0, 1.0, 25)
    expected = stats.bootstrap(
        (values,), np.mean, n_resamples=2000, method="BCa", rng=np.random.default_rng(11)
    ).confidence_interval
    assert bootstrap_ci(values, seed=11) == (expected.low, expected.high)
    assert np.isnan(bootstrap_ci(np.array([1.0]))[0])


def test_paired_difference_by_hand():
    runs = pd.DataFrame(
        {
            "arm": ["a"] * 3 + ["b"] * 3,
            "replicate": [0, 1, 2] * 2,
            "ideas": [10.0, 20.0, 30.0, 13.0, 22.0, 36.0],
        }
    )
    h = next(h for h in COMPARED if h.key == "ideas")
    row = headline_row(runs, "b", "a", h, seed=0)
    assert row["mean"] == 23.666666666666668 and row["diff"] == pytest.approx(11 / 3)
    assert row["diff_low"] <= row["diff"] <= row["diff_high"]
    assert row["cohens_d"] == pytest.approx(
        (71 / 3 - 20) / np.sqrt((100 + np.var([13, 22, 36], ddof=1)) / 2)
    )
    base = headline_row(runs, "a", "a", h, seed=0)
    assert base["diff"] == 0.0


ARMS = [small(days=40), small("policies.reward.kind=per_idea", "name=paid", days=40)]


def test_results_do_not_depend_on_the_number_of_workers():
    one = run_replicates(ARMS, 2, root_seed=5, workers=1)
    two = run_replicates(ARMS, 2, root_seed=5, workers=2)
    assert [r.seed for r in one] == [r.seed for r in two]
    for a, b in zip(one, two, strict=True):
        np.testing.assert_equal(a.summary, b.summary)  # same keys, exact values, NaN == NaN
        pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)


def test_report_embeds_every_figure(tmp_path):
    comparison = compare(ARMS, replicates=3, root_seed=1, workers=1)
    assert comparison.arms == ["baseline", "paid"]
    assert len(comparison.table) == 2 * len(COMPARED)
    html_path = write_report(comparison, tmp_path, "test report")
    page = html_path.read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(list((tmp_path / "figures").glob("*.png"))) >= 4
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    markdown = (tmp_path / "report.md").read_text()
    linked = re.findall(r"\(figures/([^)]+)\)", markdown)  # every figure, each once
    assert sorted(linked) == sorted(p.name for p in (tmp_path / "figures").glob("*.png"))
    assert pd.read_csv(tmp_path / "comparison.csv").shape[0] == 2 * len(COMPARED)


def test_compare_command_end_to_end(tmp_path, capsys):
    base, paid = (str(ROOT / "scenarios" / f) for f in ("baseline.toml", "cash_rewards.toml"))
    code = main(
        [
            "compare",
            base,
            paid,
            "--replicates",
            "2",
            "--workers",
            "1",
            "--days",
            "30",
            "--set",
            "community.consumers=200",
            "--set",
            "community.initial_members=40",
            "--out",
            str(tmp_path),
            "-q",
        ]
    )
    assert code == 0 and (tmp_path / "report.html").is_file()
    assert "Report written to" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scenarios/baseline.toml"], "at least two"),
        (["scenarios/baseline.toml", "scenarios/framed.toml", "--replicates", "1"], "--replicates"),
        (["scenarios/baseline.toml", "scenarios/baseline.toml"], "share a name"),
        (["scenarios/baseline.toml", "scenarios/nope.toml"], "file not found"),
    ],
)
def test_compare_mistakes_exit_2(args, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["compare", *args]) == 2
    assert message in capsys.readouterr().err


def test_compare_on_a_posterior_pairs_the_arms_on_one_draw_per_replicate(tmp_path, capsys):
    """--posterior: replicate r of every scenario runs at the same draw; the seed picks them."""
    from simulation.calibrate.posterior import draw, load_posterior
    from simulation.scenario import load_scenario

    scenarios = ROOT / "scenarios"
    folder = tmp_path / "calibration"
    folder.mkdir()
    posterior = pd.DataFrame(
        {
            "consumers.intrinsic_mean": [0.6, 1.0, 1.4, 0.8],
            "weight": [0.25, 0.25, 0.25, 0.25],
            "generation": [1, 1, 1, 1],
        }
    )
    posterior.to_parquet(folder / "posterior.parquet")
    draws = draw(load_posterior(folder), 5, n=4)
    assert draws == draw(load_posterior(folder), 5, n=4)  # reproducible
    assert all(d["consumers.intrinsic_mean"] in (0.6, 1.0, 1.4, 0.8) for d in draws)
    tiny = ["run.days=15", "community.consumers=80", "community.initial_members=20"]
    arms = [
        load_scenario(scenarios / "baseline.toml", tiny),
        load_scenario(scenarios / "cash_rewards.toml", tiny),
    ]
    paired = run_replicates(arms, 4, 5, workers=1, draws=draws)
    plain = run_replicates(arms, 4, 5, workers=1)
    by = {(r.arm, r.replicate): r for r in paired}
    alone = {(r.arm, r.replicate): r for r in plain}
    # the draw changes the run (same seed), and both arms share the seed of replicate r
    changed = [by[("baseline", r)].summary != alone[("baseline", r)].summary for r in range(4)]
    assert any(changed)
    assert all(by[("baseline", r)].seed == by[("cash_rewards", r)].seed for r in range(4))
    out = tmp_path / "out"
    argv = ["compare", str(scenarios / "baseline.toml"), str(scenarios / "cash_rewards.toml")]
    argv += [f"--set={s}" for s in tiny]
    argv += ["--replicates", "2", "--workers", "1", "--posterior", str(folder), "-q"]
    assert main([*argv, "--seed", "5", "--out", str(out)]) == 0
    assert "each replicate a draw of the posterior" in (out / "report.md").read_text()
    # --explain takes the draws too: tests/test_posterior.py
