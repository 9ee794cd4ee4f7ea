"""What carries an answer: attribution to mechanisms and levers, on constructed cases.

The cases are built so that the answer is known exactly: a switch that makes both arms the same
scenario leaves no effect at all (0, exactly) and so carries the whole effect; a switch that
changes neither arm carries nothing and is not run; setting back the only parameter in which
two scenarios differ carries the whole difference, figure by figure.
"""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.attribution import (
    APPEARS,
    FLIPS,
    REMAINS,
    STAYS_NEGLIGIBLE,
    UNCHANGED,
    UNCLEAR,
    VANISHES,
    attribute,
    attribution_runs,
    outcome,
    signed,
)
from simulation.analysis.compare import arm_values, compare
from simulation.analysis.explain import levers, plan
from simulation.analysis.verdicts import Verdict, verdict
from simulation.cli import main
from simulation.model.metrics import METRICS
from simulation.scenario.mechanisms import MECHANISMS, Mechanism
from tests.helpers import small

TINY = {"days": 30, "consumers": 200}
NO_CASH = Mechanism("no_cash", "no cash at all", ("policies.reward.kind=none",), "-", "-")
OPEN = Mechanism("open", "open control", ("policies.control.kind=open",), "-", "-")


def v(label: str, low: float, high: float) -> Verdict:
    return Verdict(label, (low + high) / 2, low, high, 0.0, 4, 0.5)


@pytest.mark.parametrize(
    ("whole", "without", "expected"),
    [
        (v("supported", 1, 3), v("negligible", -0.2, 0.3), VANISHES),
        (v("negligible", -0.1, 0.1), v("negligible", -0.2, 0.3), STAYS_NEGLIGIBLE),
        (v("supported", 1, 3), v("not supported", -2, -1), FLIPS),
        (v("not supported", -3, -1), v("supported", 1, 2), FLIPS),
        (v("supported", 1, 3), v("supported", 0.6, 1), REMAINS),
        (v("not supported", -3, -1), v("not supported", -2, -1), REMAINS),
        (v("inconclusive", -1, 3), v("supported", 1, 2), APPEARS),
        (v("supported", 1, 3), v("inconclusive", -1, 2), UNCLEAR),
    ],
)
def test_what_becomes_of_the_effect_follows_the_verdicts_rule(whole, without, expected):
    assert outcome(whole, without) == expected
    assert outcome(whole, without, switched=False) == UNCHANGED


def test_a_switch_that_makes_the_arms_identical_carries_the_whole_effect():
    reference = small(**TINY)
    challenger = small("policies.reward.kind=per_idea", "name=paid", **TINY)
    metric = "active_members"
    a = attribute(
        challenger,
        reference,
        metric,
        [NO_CASH, OPEN],
        replicates=2,
        root_seed=3,
        workers=1,
        sesoi=METRICS[metric].sesoi,
    )
    pair = compare([reference, challenger], 2, 3, workers=1)
    on = (arm_values(pair, "paid", metric), arm_values(pair, "baseline", metric))
    assert astuple(a.whole) == astuple(verdict(*on, +1, 3, METRICS[metric].sesoi))
    assert a.whole.difference != 0  # cash changes the community, so there is an effect to carry
    no_cash, open_ = a.parts
    # without cash both arms are the same scenario on the same seeds: no effect, exactly
    assert (no_cash.without.difference, no_cash.without.low, no_cash.without.high) == (0, 0, 0)
    assert no_cash.without.label == "negligible"
    assert (no_cash.carried, no_cash.low, no_cash.high) == (
        a.whole.difference,
        a.whole.low,
        a.whole.high,
    )
    assert no_cash.outcome == (STAYS_NEGLIGIBLE if a.whole.label == "negligible" else VANISHES)
    # both arms are open already: switching control off changes nothing and carries nothing
    assert open_.outcome == UNCHANGED and astuple(open_.without) == astuple(a.whole)
    assert (open_.carried, open_.low, open_.high) == (0, 0, 0)
    # only the switch that changes an arm is run: both arms, 2 replicates
    assert attribution_runs(challenger, reference, [NO_CASH, OPEN], 2) == 4
    # the sentence is the table in words
    kind = METRICS[metric].kind
    assert a.sentence.startswith("Of the difference in active members (took part")
    assert f"paid − baseline = {signed(a.whole.difference, kind)} [" in a.sentence
    assert f"no cash at all carries {signed(a.whole.difference, kind)}" in a.sentence
    assert "open control carries 0.0 [0.0, 0.0]" in a.sentence
    if no_cash.clear:
        assert a.main_carrier.startswith("no cash at all (")


def test_levers_are_differing_parameters_with_a_policy_table_set_back_whole():
    base = small()
    other = small(
        "name=other",
        "description=changed",
        "run.seed=3",
        "policies.reward.kind=per_idea",
        "policies.reward.amount=20",
        "policies.control.disclosure=0.5",
        "consumers.intrinsic_mean=1.2",
    )
    found = {lever.key: lever for lever in levers(base, other)}
    assert sorted(found) == [
        "consumers.intrinsic_mean",
        "policies.control.disclosure",  # the control kind is the same: a lever of its own
        "policies.reward",  # its kind differs: the table goes back as one
    ]
    reward = found["policies.reward"]
    assert reward.back == {"policies.reward.kind": "none", "policies.reward.amount": 10.0}
    assert reward.was == {"policies.reward.kind": "per_idea", "policies.reward.amount": 20.0}
    assert reward.label == "policies.reward (kind, amount)"
    assert found["consumers.intrinsic_mean"].label == "consumers.intrinsic_mean"
    assert levers(base, base) == []


def test_the_plan_runs_only_mechanisms_whose_switch_changes_a_scenario():
    both_off = ("consumers.crowding_out=0",)
    base = small(*both_off)
    other = small(*both_off, "name=other", "consumers.intrinsic_mean=1.2")
    todo = plan([base, other])
    keys = [m.key for m in todo.mechanisms["other"]]
    assert "crowding_out" not in keys
    # learning in dialogue is off by default: its switch changes neither scenario
    assert keys == [k for k in MECHANISMS if k not in ("crowding_out", "need_learning")]
    assert [lever.key for lever, _ in todo.levers["other"]] == ["consumers.intrinsic_mean"]
    # one lever run, then both scenarios without each mechanism that changes them
    assert len(todo.scenarios) == 1 + 2 * len(keys)


def test_compare_explain_end_to_end(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # Rich wraps long key paths in narrow columns
    common = "[run]\ndays = 30\n[community]\nconsumers = 200\ninitial_members = 40\n"
    (tmp_path / "base.toml").write_text(f'name = "base"\n{common}')
    (tmp_path / "paid.toml").write_text(
        f'name = "paid"\n{common}[policies.reward]\nkind = "per_idea"\n'
    )
    out = tmp_path / "out"
    code = main(
        [
            "compare",
            str(tmp_path / "base.toml"),
            str(tmp_path / "paid.toml"),
            "--explain",
            "--replicates",
            "2",
            "--workers",
            "1",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0 and "Why paid differs from base" in printed
    assert "lever: policies.reward (kind)" in printed
    rows = pd.read_csv(out / "explain.csv")
    lever = rows[rows["source"] == "lever"]
    assert set(lever["key"]) == {"policies.reward"} and len(lever) == rows["figure"].nunique()
    # the only difference set back: the lever carries the whole difference, figure by figure
    np.testing.assert_array_equal(lever["carried"], lever["difference"])
    np.testing.assert_array_equal(lever["carried_low"], lever["difference_low"])
    np.testing.assert_array_equal(lever["carried_high"], lever["difference_high"])
    assert (lever["without"].dropna() == 0).all()
    report = (out / "report.md").read_text()
    assert "## Why paid differs from base" in report
    assert "lever: policies.reward (kind)" in report
