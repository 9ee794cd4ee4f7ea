"""Where each belief holds: regions, the verdict at every sample, PRIM's box, the sweep behind it.

Exact tests on hand-built summaries (the verdict of a sample is the myths report's rule applied
to its paired replicates; a planted boundary is recovered), every belief's declared region
checked against the parameter table, and a small real boundary run end to end, resumed without
a run made twice.
"""

from __future__ import annotations

from dataclasses import astuple, fields, replace

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.boundaries import (
    Boundary,
    boundary_runs,
    boundary_spec,
    run_boundary,
)
from simulation.analysis.myths import MYTHS, answer, verdict
from simulation.analysis.myths_report import write
from simulation.analysis.myths_run import Plan, runs_of
from simulation.analysis.verdicts import SUPPORTED
from simulation.discovery import DiscoveryError
from simulation.discovery.beliefs import belief_table
from simulation.scenario import iter_params

SMALL = ("run.days=40", "community.consumers=200", "community.initial_members=40")
RANGES = {key: meta for key, meta in iter_params()}


def paired_summary(myth, values: dict[int, tuple[list[float], list[float]]], factor: dict):
    """A sweep summary of the myth's two arms: sample -> (challenger values, reference values)."""
    rows = []
    for sample, (challenger, reference) in values.items():
        for arm, arm_values in ((myth.challenger, challenger), (myth.reference, reference)):
            for r, value in enumerate(arm_values):
                rows.append(
                    {
                        "subexperiment": arm,
                        "sample": sample,
                        "replicate": r,
                        myth.metric: value,
                        **{k: v[sample] for k, v in factor.items()},
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("myth", MYTHS, ids=lambda m: f"belief{m.number}")
def test_every_belief_declares_four_to_eight_plausible_parameters_with_reasons(myth):
    assert 4 <= len(myth.region) <= 8
    assert len({u.key for u in myth.region}) == len(myth.region)
    for u in myth.region:
        assert u.key in RANGES, u.key
        meta = RANGES[u.key].metadata
        if u.numeric:
            assert meta["low"] <= u.low < u.high <= meta["high"], u.key
        else:
            assert len(u.choices) >= 2 and set(u.choices) <= set(meta["choices"]), u.key
        assert u.label and len(u.why) > 20, u.key


@pytest.mark.parametrize("myth", MYTHS, ids=lambda m: f"belief{m.number}")
def test_the_silence_nobody_chose_is_in_every_region(myth):
    """The firm's review capacity is a lever of every boundary, and its reply rule of every
    boundary whose arms do not set it themselves (belief 1's dialogue arm explains)."""
    keys = {u.key for u in myth.region}
    assert "marketers.count" in keys
    assert ("marketers.response_style" in keys) == (myth.number != 1)


@pytest.mark.parametrize("myth", MYTHS, ids=lambda m: f"belief{m.number}")
def test_every_boundary_design_validates_at_every_sample(myth, tmp_path):
    spec = boundary_spec(myth, samples=16, replicates=2, root_seed=3, out=tmp_path)
    assert spec.seeds == "paired" and spec.design == "lhs"
    assert [s.name for s in spec.subexperiments] == [myth.challenger, myth.reference]
    assert len(spec.scenarios) == 2 * 16
    for u in myth.region:  # the samples span the declared range, or take every choice
        column = spec.points[u.key]
        if not u.numeric:
            assert set(column) == set(u.choices), u.key
            continue
        assert column.min() >= u.low and column.max() <= u.high
        assert column.max() - column.min() > 0.7 * (u.high - u.low)


def test_each_sample_is_judged_by_the_report_rule_on_its_paired_replicates():
    myth = MYTHS[1]  # cash vs recognition on active members, holds if cash > recognition
    values = {
        0: ([60.0, 62, 61, 63], [50.0, 51, 49, 50]),  # cash clearly ahead
        1: ([40.0, 41, 39, 40], [50.0, 51, 49, 50]),  # recognition clearly ahead
        2: ([50.0, 51, 49, 50], [50.0, 51, 49, 50]),  # the same
    }
    summary = paired_summary(myth, values, {"k": [0.1, 0.5, 0.9]})
    cases, factors, labels, condition = belief_table(summary, ["k"], 2)
    assert factors == ["k"] and condition == "Belief 2 holds"
    for sample, (challenger, reference) in values.items():
        expected = verdict(
            np.array(challenger), np.array(reference), myth.holds_if, 0, myth.smallest_effect
        )
        row = cases.set_index("sample").loc[sample]
        assert (row["label"], row["difference"], row["low"], row["high"]) == astuple(expected)[:4]
        assert row["holds"] == float(expected.label == SUPPORTED)
    assert cases["label"].tolist() == ["supported", "not supported", "negligible"]


def test_replicates_pair_by_number_not_by_position():
    myth = MYTHS[1]
    summary = paired_summary(myth, {0: ([60.0, 70], [50.0, 65])}, {"k": [0.5]})
    shuffled = summary.iloc[::-1]  # runs finish in any order
    a, *_ = belief_table(summary, ["k"], 2)
    b, *_ = belief_table(shuffled, ["k"], 2)
    pd.testing.assert_frame_equal(a, b)
    assert a["difference"].iloc[0] == pytest.approx(7.5)


def test_a_sweep_that_does_not_pair_the_beliefs_arms_is_refused():
    summary = pd.DataFrame({"subexperiment": ["a", "b"], "replicate": [0, 0], "x": [1, 2]})
    with pytest.raises(DiscoveryError, match="needs them as sub-experiments"):
        belief_table(summary, ["x"], 2)
    with pytest.raises(DiscoveryError, match="give 1 to 5"):
        belief_table(summary, ["x"], 9)


def test_a_planted_boundary_is_recovered_by_prim():
    pytest.importorskip("ema_workbench")
    from simulation.discovery import discover

    myth = MYTHS[1]
    rng = np.random.default_rng(5)
    n = 150
    k, other = rng.uniform(size=n), rng.uniform(size=n)
    values = {}
    for s in range(n):  # cash ahead by 20 % where k > 0.6, behind elsewhere; noise sd 1
        effect = 10.0 if k[s] > 0.6 else -10.0
        noise = rng.normal(0, 1, size=(2, 4))
        values[s] = (list(50 + effect + noise[0]), list(50 + noise[1]))
    summary = paired_summary(myth, values, {"k": k, "other": other})
    found = discover(summary, belief=2, factors=["k", "other"])
    assert list(found.limits["factor"]) == ["k"]
    assert abs(found.limits["low"].iloc[0] - 0.6) < 0.05
    assert found.box.coverage >= 0.9 and found.box.density >= 0.9
    assert found.words.startswith("Belief 2 holds when k is above 0.")
    assert "of the samples where it holds" in found.words
    assert found.cases is not None and len(found.cases) == n


def test_the_sentence_says_where_it_holds_or_that_it_holds_everywhere_or_nowhere(tmp_path):
    myth = MYTHS[0]

    def boundary(labels):
        cases = pd.DataFrame({"label": labels, "holds": [float(x == SUPPORTED) for x in labels]})
        return Boundary(myth, cases, None, tmp_path, len(labels), 3)

    everywhere = boundary([SUPPORTED] * 4)
    assert everywhere.sentence.startswith("The belief holds at every sample of its region")
    nowhere = boundary(["not supported", "negligible", "inconclusive", "negligible"])
    assert nowhere.sentence.startswith("The belief holds nowhere in its region")
    assert "(not supported at 1, negligible at 2, inconclusive at 1)" in nowhere.sentence
    assert nowhere.counts == {
        "supported": 0,
        "not supported": 1,
        "negligible": 2,
        "inconclusive": 1,
    }
    assert nowhere.plotted == (myth.region[0].key, myth.region[1].key)


def test_a_small_boundary_runs_end_to_end_and_resumes_without_running_twice(tmp_path):
    pytest.importorskip("ema_workbench")
    myth = MYTHS[1]
    seen: list[int] = []
    first = run_boundary(
        myth, 6, 2, 4, tmp_path / "b", None, lambda d, t: seen.append(d), SMALL, workers=1
    )
    assert seen == sorted(set(seen)) and seen[-1] == 2 * 6 * 2  # rising to every run
    assert len(first.cases) == 6 and set(first.cases["replicates"]) == {2}
    assert first.sentence.endswith("2 paired replicates per arm and sample.")
    again: list[int] = []
    second = run_boundary(
        myth, 6, 2, 4, tmp_path / "b", None, lambda d, t: again.append(d), SMALL, workers=1
    )
    assert again == []  # every run was done: nothing ran again
    pd.testing.assert_frame_equal(first.cases, second.cases)
    # another design in the same folder starts again (the old one is moved aside)
    third = run_boundary(myth, 4, 2, 4, tmp_path / "b", None, None, SMALL, workers=1)
    assert len(third.cases) == 4 and list(tmp_path.glob("b.replaced-*"))
    # the plan of the whole job counts only the runs still to do
    plan = Plan(2, samples=4, boundary_replicates=2, attribute=False, root_seed=4)
    plan = replace(plan, overrides=SMALL)
    (tmp_path / "boundaries").mkdir()
    (tmp_path / "b").rename(plan.folder(tmp_path, myth))
    left = runs_of(plan, tmp_path)["boundaries"]
    assert left == 4 * boundary_runs(4, 2)  # belief 2's boundary is done, the four others not

    # the report shows where it holds: the sentence, the region, the figure
    result = answer(myth, 2, 4, workers=1, overrides=SMALL, mechanisms=())
    result.boundary = second
    write([result], None, tmp_path / "report", "boundary")
    page = (tmp_path / "report" / "report.md").read_text()
    assert "### Where it holds" in page and second.sentence in page
    assert all(u.key in page and u.why in page for u in myth.region)
    assert (tmp_path / "report" / "figures" / "myth2_boundary.png").stat().st_size > 1000
    assert f"cocreate discover {second.folder} --belief 2" in page


def test_boundary_fields_are_documented():
    doc = Boundary.__doc__
    for f in fields(Boundary):
        assert f.name in doc, f.name


def test_myths_dry_run_counts_and_times_without_writing(tmp_path, capsys):
    from simulation.cli import main

    out = tmp_path / "myths"
    argv = ["myths", "--quick", "--dry-run", "--no-attribution", "--no-facts", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    quick = 5 * boundary_runs(10, 3)
    assert f"{quick} boundaries" in text and "min on" in text and "core-hours" in text
    assert "Nothing was run or written" in text and not out.exists()


@pytest.mark.parametrize("flag", ["--samples", "--boundary-replicates"])
def test_a_boundary_smaller_than_two_exits_2_naming_the_flag(flag, capsys):
    from simulation.cli import main

    assert main(["myths", "--quick", "--dry-run", flag, "1"]) == 2
    assert f"{flag}: 1; use 2 or more" in capsys.readouterr().err


def test_cocreate_myths_end_to_end_on_a_small_community(tmp_path, capsys):
    """The whole command, small: every belief answered, its boundary found and reported."""
    pytest.importorskip("ema_workbench")
    from simulation.cli import main

    out = tmp_path / "myths"
    small = [f"--set={item}" for item in SMALL]
    argv = ["myths", "--replicates", "2", "--no-facts", "--no-attribution", "--workers", "2"]
    argv += ["--samples", "4", "--boundary-replicates", "2", *small, "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert f"{5 * boundary_runs(4, 2)} boundaries" in text and "Report written to" in text
    page = (out / "report.md").read_text(encoding="utf-8")
    assert page.startswith("# Five beliefs about co-creation, tested (with run.days=40")
    assert page.count("### Where it holds") == 5
    for n in range(1, 6):
        assert (out / "boundaries" / f"belief{n}" / "manifest.json").is_file()
        assert (out / "figures" / f"myth{n}_boundary.png").is_file()
