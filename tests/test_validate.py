"""Stylized facts: the pass rules, the evaluation over replicates, the `validate` command."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from simulation.analysis import facts, measures
from simulation.analysis.facts import Fact, Verdict, evaluate, summary
from simulation.analysis.verdicts import NEGLIGIBLE, SUPPORTED
from simulation.cli import main

TINY = ("run.days=30", "community.consumers=200", "community.initial_members=40")


def verdict(value, low, high, band=None, direction=0, sesoi=0.0, holds=(SUPPORTED,)):
    fact = Fact(
        "X",
        "claim",
        "source",
        "published",
        {},
        lambda runs: np.zeros(1),
        band,
        direction,
        holds=holds,
    )
    return Verdict(fact, value, low, high, 5, sesoi if band is None else float("nan"))


def test_pass_rules_by_hand():
    assert verdict(0.2, 0.1, 0.3, band=(0.15, 0.25)).passed
    assert not verdict(0.3, 0.2, 0.4, band=(0.15, 0.25)).passed
    assert verdict(1.0, 0.1, 2.0, direction=1).passed
    assert not verdict(1.0, -0.1, 2.0, direction=1).passed
    assert verdict(-1.0, -2.0, -0.1, direction=-1).passed
    assert not verdict(-1.0, -2.0, 0.1, direction=-1).passed
    assert verdict(0, 0, 0, direction=-1).rule == "95 % interval below 0"


def test_directions_are_judged_by_the_myths_rule_with_their_sesoi():
    """A direction passes only when supported beyond its smallest effect that matters: an
    interval on the right side of zero but wholly within ±SESOI is negligible, and fails."""
    tiny = verdict(0.01, 0.005, 0.015, direction=1, sesoi=0.02)
    assert tiny.label == NEGLIGIBLE and not tiny.passed
    straddles = verdict(0.02, 0.01, 0.03, direction=1, sesoi=0.02)
    assert straddles.label == SUPPORTED and straddles.passed
    assert straddles.rule == "95 % interval above 0, not within ±0.02 (SESOI)"
    no_higher = verdict(0.0, -0.01, 0.01, direction=-1, sesoi=0.02, holds=(SUPPORTED, NEGLIGIBLE))
    assert no_higher.passed and no_higher.rule.endswith("or negligible")
    higher = verdict(0.05, 0.03, 0.07, direction=-1, sesoi=0.02, holds=no_higher.fact.holds)
    assert higher.label == "not supported" and not higher.passed


def test_every_published_direction_declares_its_smallest_effect_that_matters():
    for fact in facts.FACTS:
        assert (fact.direction != 0) == (fact.sesoi is not None), fact.id
        if fact.sesoi is not None:
            assert fact.sesoi.value > 0 and fact.sesoi.why, fact.id
            assert (fact.reference is not None) == fact.sesoi.relative, fact.id


def test_evaluate_runs_each_distinct_arm_once_and_judges():
    days = Fact(
        "A", "runs last 30 days", "-", "30", {"a": TINY}, summary("a", "days"), band=(29.5, 30.5)
    )
    same = Fact(
        "B",
        "an arm against itself differs",
        "-",
        "> 0",
        {"a": TINY, "b": TINY},
        lambda runs: summary("a", "joined_total")(runs) - summary("b", "joined_total")(runs),
        direction=1,
    )
    verdicts = evaluate((days, same), replicates=3, workers=1)
    assert [v.passed for v in verdicts] == [True, False]
    assert verdicts[0].value == 30 and verdicts[1].value == 0 and verdicts[0].replicates == 3


def test_flaw_figures_count_where_flaws_were_found():
    decisions = pd.DataFrame(
        {
            "outcome": ["accepted", "killed", "accepted", "accepted"],
            "flaws": [3, 2, 1, 4],
            "found_concept": [1, 2, 0, 1],
            "found_design": [1, 0, 0, 0],
            "found_build": [0, 0, 0, 1],
            "found_test": [0, 0, 0, 0],
            "escaped": [1, 0, 1, 2],
        }
    )
    figures = measures._phase_costs(SimpleNamespace(decisions=decisions))
    assert figures["early_flaw_share"] == pytest.approx(5 / 10)
    assert figures["escaped_per_launch"] == pytest.approx(4 / 3)


def test_every_fact_has_a_rule_and_a_source():
    for fact in facts.FACTS:
        assert (fact.band is None) != (fact.direction == 0), fact.id
        assert fact.source and fact.published and fact.arms
    ids = [f.id for f in facts.FACTS]
    for target in ("F1", "F2", "F3", "F4", "F5", "F6", "F8"):
        assert any(i.startswith(target) for i in ids)
    assert sum(i.startswith("D") for i in ids) >= 6


@pytest.fixture
def fake_facts(monkeypatch):
    def install(*passing):
        chosen = tuple(
            Fact(
                f"T{i}",
                "tiny",
                "-",
                "30",
                {"a": TINY},
                summary("a", "days"),
                band=(29.5, 30.5) if ok else (0.0, 1.0),
            )
            for i, ok in enumerate(passing)
        )
        monkeypatch.setattr(facts, "FACTS", chosen)
        monkeypatch.setattr(facts, "hong_page", lambda n, seed=0: ())

    return install


def test_validate_exits_0_when_all_pass(fake_facts, tmp_path, capsys):
    fake_facts(True, True)
    assert main(["validate", "--replicates", "2", "--workers", "1", "--out", str(tmp_path)]) == 0
    assert "All 2 checks pass" in capsys.readouterr().out
    assert (tmp_path / "validation.md").read_text().count("| pass |") == 2


def test_validate_exits_1_naming_the_failures(fake_facts, tmp_path, capsys):
    fake_facts(True, False)
    assert main(["validate", "--replicates", "2", "--workers", "1", "--out", str(tmp_path)]) == 1
    assert "1 of 2 checks fail: T1" in capsys.readouterr().out
