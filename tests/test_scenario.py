"""Scenario schema and validation: defaults in one place, clear errors, inheritance."""

from __future__ import annotations

import pytest

from simulation import Scenario, ScenarioError, load_scenario
from simulation.model.policies import POLICIES, RewardPolicy, _registry
from simulation.scenario import apply_overrides, iter_params, scenario_from_dict, to_dict
from simulation.scenario.kinds import POLICY_FAMILIES, RewardKind
from tests.helpers import SCENARIOS


def test_every_parameter_has_unit_description_and_valid_default():
    for key, f in iter_params():
        meta = f.metadata
        assert meta["unit"] and meta["description"].endswith("."), key
        default = f.default
        values = default if isinstance(default, tuple) else (default,)
        for v in values:
            if meta["choices"]:
                assert v in meta["choices"], key
            if meta["low"] is not None and not isinstance(v, str):
                assert meta["low"] <= v <= meta["high"], key


def test_each_family_key_offers_its_kinds_and_each_kind_has_one_policy_class():
    params = dict(iter_params())
    for name, family in POLICY_FAMILIES.items():
        assert params[family.key].metadata["choices"] == tuple(family.kinds), name
        assert list(POLICIES[name]) == list(family.kinds), name
        assert all(cls.kind is kind for kind, cls in POLICIES[name].items()), name


def test_a_family_with_a_kind_but_no_class_is_refused_at_import():
    class Lonely(RewardPolicy):
        kind = RewardKind.NONE

    with pytest.raises(TypeError, match="one policy class per kind"):
        _registry(Lonely)


def test_round_trip_through_dict():
    s = apply_overrides(
        Scenario(), ["policies.reward.kind=contest", "decision.gate_days=[1, 2, 3, 4]"]
    )
    assert scenario_from_dict(to_dict(s)) == s


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_opens_with_a_comment(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert path.read_text().startswith("#"), "each scenario opens with what it represents"


def test_shipped_scenarios_differ_from_baseline_only_where_they_say():
    base = load_scenario(SCENARIOS[0].parent / "baseline.toml")
    framed = load_scenario(SCENARIOS[0].parent / "framed.toml")
    assert framed.policies.control.kind == "framed"
    assert framed.community == base.community and framed.consumers == base.consumers


def test_extends_merges_tables_and_own_keys_win(tmp_path):
    (tmp_path / "base.toml").write_text("[community]\nconsumers = 500\narrival_rate = 3.0\n")
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n[community]\narrival_rate = 1.5\n')
    s = load_scenario(tmp_path / "child.toml")
    assert (s.community.consumers, s.community.arrival_rate, s.name) == (500, 1.5, "child")


def test_extends_loop_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="loop"):
        load_scenario(tmp_path / "a.toml")


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[run]\ndays = 0\n", "run.days", "out of range"),
        ("[run]\ndays = 'ten'\n", "run.days", "expected int"),
        ("[comunity]\nconsumers = 5\n", "comunity", "did you mean 'community'"),
        (
            "[policies.reward]\nkind = 'per_ide'\n",
            "policies.reward.kind",
            "did you mean 'per_idea'",
        ),
        (
            "[community]\nconsumers = 10\ninitial_members = 20\n",
            "community.initial_members",
            "must not exceed",
        ),
        ("[decision]\ngate_days = [1.0, 2.0]\n", "decision.gate_days", "needs 4 values"),
        ("run = 3\n", "run", "expected a table"),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path, text, key, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.key == key and err.value.source == str(path)
    assert fragment in str(err.value)


def test_toml_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[run]\ndays = = 3\n")
    with pytest.raises(ScenarioError, match=r"line 2, column"):
        load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("run.days", "key.path=value"),
        ("run.dayz=3", "did you mean 'days'"),
        ("run=3", "is a table"),
        ("run.days.x=3", "is a parameter"),
    ],
)
def test_bad_overrides(override, fragment):
    with pytest.raises(ScenarioError, match=fragment):
        apply_overrides(Scenario(), [override])


def test_override_parses_toml_values_and_bare_words():
    s = apply_overrides(
        Scenario(),
        [
            "policies.reward.kind=per_idea",
            "run.days=30",
            "organisation.co_owners_on_team=true",
            "decision.other_functions=['finance']",
        ],
    )
    assert s.policies.reward.kind == "per_idea" and s.run.days == 30
    assert s.organisation.co_owners_on_team is True
    assert s.decision.other_functions == ("finance",)


def test_scenarios_are_frozen():
    with pytest.raises(AttributeError):
        Scenario().run.days = 3  # type: ignore[misc]
