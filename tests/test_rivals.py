"""Several organisations: the scenario format, rival communities sharing attention, conservation.

Exact tests of the ``[[organisations]]`` format and of the attention split on hand-built
values; invariants of every multi-organisation run (people and ideas are conserved across
communities); paired statistical checks over replicates, each stating its tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation import load_scenario, run_scenario
from simulation.cli import main
from simulation.model import CoCreationModel
from simulation.model.agents.consumer import ConsumerStatus
from simulation.model.attention import attention_shares
from simulation.parallel import process_pool
from simulation.scenario import (
    ScenarioError,
    apply_overrides,
    organisation_scenarios,
    scenario_from_dict,
    to_dict,
)
from tests.helpers import ROOT

RIVALS = ROOT / "scenarios" / "rivals.toml"
SMALL = ["run.days=200", "community.consumers=600", "community.initial_members=90"]


def two_firms(**tables) -> dict:
    """A scenario dict with two firms, ``a`` and ``b``, each with the tables given."""
    return {
        "organisations": [
            {"name": "a", "role": "firm", **tables.get("a", {})},
            {"name": "b", "role": "firm", **tables.get("b", {})},
        ]
    }


# --- the scenario format --------------------------------------------------------------------------
def test_each_organisation_starts_from_the_top_level_and_sets_only_its_own():
    data = two_firms(b={"policies": {"reward": {"kind": "per_idea", "amount": 20}}})
    data["marketers"] = {"capacity": 3}
    s = scenario_from_dict(data)
    (a_name, _, a), (b_name, _, b) = organisation_scenarios(s)
    assert (a_name, b_name) == ("a", "b")
    assert a.marketers.capacity == b.marketers.capacity == 3
    assert a.policies.reward.kind == "none"
    assert (b.policies.reward.kind, b.policies.reward.amount) == ("per_idea", 20.0)
    assert a.organisations == b.organisations == ()


def test_a_top_level_override_reaches_every_organisation_that_does_not_set_it():
    s = scenario_from_dict(two_firms(b={"marketers": {"capacity": 5}}))
    s = apply_overrides(s, ["marketers.capacity=2", "organisations.a.marketers.count=4"])
    (_, _, a), (_, _, b) = organisation_scenarios(s)
    assert (a.marketers.capacity, a.marketers.count) == (2, 4)
    assert (b.marketers.capacity, b.marketers.count) == (5, 2)


def test_a_scenario_without_organisations_is_one_firm_named_firm():
    [(name, role, scenario)] = organisation_scenarios(scenario_from_dict({}))
    assert (name, role) == ("firm", "firm")
    assert "organisations" not in to_dict(scenario)


def test_the_resolved_scenario_round_trips_through_toml(tmp_path):
    import tomli_w

    s = apply_overrides(load_scenario(RIVALS), ["organisations.payer.policies.reward.amount=25"])
    path = tmp_path / "again.toml"
    path.write_text(tomli_w.dumps(to_dict(s)))
    assert load_scenario(path) == s


def test_extends_merges_organisations_by_name(tmp_path):
    (tmp_path / "child.toml").write_text(
        f'extends = "{RIVALS.as_posix()}"\n'
        '[[organisations]]\nname = "payer"\n[organisations.policies.reward]\namount = 30.0\n'
        '[[organisations]]\nname = "third"\n'
    )
    s = load_scenario(tmp_path / "child.toml")
    assert [e.name for e in s.organisations] == ["recogniser", "payer", "third"]
    payer = organisation_scenarios(s)[1][2].policies.reward
    assert (payer.kind, payer.amount) == ("per_idea", 30.0)


@pytest.mark.parametrize(
    ("data", "override", "key", "words"),
    [
        (
            {"organisations": [{"name": "a"}, {"name": "a"}]},
            None,
            "organisations.a",
            "two organisations are named 'a'",
        ),
        (two_firms(a={"community": {"consumers": 5}}), None, "organisations.a.community", "shared"),
        (
            two_firms(a={"policies": {"reward": {"kind": "pay"}}}),
            None,
            "organisations.a.policies.reward.kind",
            "not allowed",
        ),
        (two_firms(a={"role": "regulator"}), None, "organisations.a.role", "not a role"),
        (two_firms(), "organisations.c.marketers.count=3", "organisations.c", "no organisation"),
        (two_firms(), "organisations.a.name=z", "organisations.a.name", "cannot be set"),
        ({}, "consumers.attention=0", "consumers.attention", "out of range"),
        ({}, "consumers.attention_spread=-1", "consumers.attention_spread", "out of range"),
        ({"organisations": [{"role": "firm"}]}, None, "organisations[0].name", "needs a name"),
        ({"organisations": {"name": "a"}}, None, "organisations", "list of tables"),
    ],
)
def test_bad_organisations_are_one_clear_error(data, override, key, words):
    with pytest.raises(ScenarioError) as err:
        s = scenario_from_dict(data, source="x.toml")
        apply_overrides(s, [override] if override else [], source="x.toml")
    assert err.value.key.startswith(key) and words in str(err.value)


def test_the_cli_refuses_a_duplicate_organisation_with_exit_2(tmp_path, capsys):
    path = tmp_path / "dup.toml"
    path.write_text('[[organisations]]\nname = "a"\n[[organisations]]\nname = "a"\n')
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "dup.toml" in err and "organisations.a" in err and "Traceback" not in err


# --- the attention split -------------------------------------------------------------------------
def test_attention_goes_by_the_logit_of_what_each_community_offers():
    values = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, -np.inf]])
    shares = attention_shares(values, attention=1, spread=1.0)
    e = np.e / (np.e + 1)
    assert np.allclose(shares, [[e, 0.5, 1.0], [1 - e, 0.5, 0.0]])
    doubled = attention_shares(values, 2, 1.0)  # twice the attention, no share above 1
    assert np.allclose(doubled, [[1.0, 1.0, 1.0], [2 * (1 - e), 1.0, 0.0]])
    assert np.array_equal(attention_shares(values, 1, 0.0)[:, 0], [1.0, 0.0])  # best only


# --- invariants of every multi-organisation run ---------------------------------------------------
@pytest.fixture(scope="module")
def rivals_model():
    model = CoCreationModel(apply_overrides(load_scenario(RIVALS), SMALL))
    checks = []
    for _ in range(model.params.run.days):
        model.step()
        checks.append(conservation(model))
    return model, checks


def conservation(model) -> bool:
    """Everyone is in each community exactly once: prospect, member or churned; members only
    take part where they belong."""
    n = model.params.community.consumers
    ok = True
    for org in model.organisations:
        pop = org.consumers
        status = pop.status
        ok &= pop.size == n
        ok &= bool(np.array_equal(pop.member, np.isin(status, [1, 2])))
        ok &= int(pop.member.sum() + (status == ConsumerStatus.CHURNED).sum()) == pop.joined.size
        ok &= bool(not (pop.active_today & ~pop.member).any())
    return bool(ok)


def test_people_are_conserved_in_every_community_every_day(rivals_model):
    _, checks = rivals_model
    assert all(checks)


def test_ideas_are_conserved_and_each_belongs_to_its_own_community(rivals_model):
    model, _ = rivals_model
    from simulation.run import collect_result

    result = collect_result(model)
    counts = result.ideas["organisation"].value_counts()
    for org in model.organisations:
        assert counts[org.name] == len(org.ideas)
        authors = org.ideas["author"][: len(org.ideas)]
        mine = authors[authors >= 0]
        assert (org.consumers.join_day[mine] >= 0).all(), "authors joined this community"
    assert len(result.ideas) == sum(len(org.ideas) for org in model.organisations)
    last = result.organisations[result.organisations["day"] == model.day]
    assert list(last["organisation"]) == [org.name for org in model.organisations]
    assert result.summary["multi_members"] == int(
        (model.organisations[0].consumers.member & model.organisations[1].consumers.member).sum()
    )


def test_a_person_has_the_same_dispositions_in_every_community(rivals_model):
    model, _ = rivals_model
    a, b = (org.consumers for org in model.organisations)
    for name in ("intrinsic_base", "extrinsic", "threshold", "voice"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert a.friends is b.friends


def test_one_organisation_in_a_list_runs_as_the_plain_scenario():
    plain = apply_overrides(load_scenario(ROOT / "scenarios" / "baseline.toml"), SMALL)
    listed = scenario_from_dict({"organisations": [{"name": "firm"}]})
    listed = apply_overrides(listed, SMALL)
    a, b = run_scenario(plain, seed=3), run_scenario(listed, seed=3)
    assert a.timeseries.equals(b.timeseries)
    assert a.ideas.equals(b.ideas)


# --- rivals over replicates ----------------------------------------------------------------------
SEEDS = range(12)


def active(args) -> tuple[float, float]:
    overrides, seed = args
    s = apply_overrides(load_scenario(RIVALS), [*SMALL, *overrides])
    summary = run_scenario(s, seed=seed).summary
    return summary["recogniser.active_members"], summary["payer.active_members"]


def paired(overrides: list[str]) -> np.ndarray:
    with process_pool(2) as pool:
        return np.array(list(pool.map(active, [(overrides, seed) for seed in SEEDS])))


SAME = ["organisations.recogniser.policies.recognition.kind=none"]


@pytest.mark.slow
def test_two_identical_firms_split_members_symmetrically():
    """Tolerance: the mean paired difference of active members lies within 3 standard errors
    of 0 and within 10 % of the mean (12 seeds)."""
    a = paired([*SAME, "organisations.payer.policies.reward.kind=none"])
    diff = a[:, 0] - a[:, 1]
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert abs(diff.mean()) <= 3 * se + 1e-9
    assert abs(diff.mean()) <= 0.10 * a.mean()


@pytest.mark.slow
def test_a_firm_that_pays_draws_attention_from_one_that_does_not_unless_cash_means_nothing():
    """With crowding-out off (so only the pull of cash is at work), a rival's EUR 10 per idea
    costs the non-paying firm active members: the paired difference is below 0 by more than
    3 standard errors (12 seeds). With no one sensitive to cash, paying changes nothing at all:
    the non-paying firm's figures are identical, seed by seed."""
    base = [*SAME, "consumers.crowding_out=0"]
    none = paired([*base, "organisations.payer.policies.reward.kind=none"])
    pays = paired(base)
    drop = pays[:, 0] - none[:, 0]
    se = drop.std(ddof=1) / np.sqrt(drop.size)
    assert drop.mean() < -3 * se, (drop.mean(), se)
    assert pays[:, 1].mean() > none[:, 1].mean()
    deaf = [*base, "consumers.extrinsic_mean=0"]
    none0 = paired([*deaf, "organisations.payer.policies.reward.kind=none"])
    pays0 = paired(deaf)
    assert np.array_equal(none0, pays0)


def test_compare_explain_sets_back_one_organisations_own_keys():
    from simulation.analysis.explain import levers

    a = load_scenario(RIVALS)
    b = apply_overrides(
        a,
        [
            "organisations.payer.policies.reward.kind=none",
            "organisations.recogniser.marketers.count=3",
        ],
    )
    found = {lever.key: lever for lever in levers(a, b)}
    assert set(found) == {
        "organisations.payer.policies.reward",
        "organisations.recogniser.marketers.count",
    }
    assert found["organisations.payer.policies.reward"].back == {
        "organisations.payer.policies.reward.kind": "per_idea"
    }
    assert found["organisations.recogniser.marketers.count"].back == {
        "organisations.recogniser.marketers.count": 2
    }


# --- named co-owners -----------------------------------------------------------------------------
def test_a_named_co_owner_is_its_partners_co_owner_with_its_own_settings():
    left_out = apply_overrides(load_scenario(ROOT / "scenarios" / "left_out_co_owner.toml"), SMALL)
    named = scenario_from_dict(
        {
            "organisations": [
                {"name": "firm"},
                {"name": "corp", "role": "co_owner", "partner": "firm"},
            ]
        }
    )
    named = apply_overrides(named, [*SMALL, "organisation.co_owners_on_team=false"])
    a, b = run_scenario(left_out, seed=5), run_scenario(named, seed=5)
    assert a.timeseries.equals(b.timeseries) and a.decisions.equals(b.decisions)
    model = CoCreationModel(named)
    [owner] = model.organisation.co_owners
    assert (owner.name, owner.organisation.name) == ("corp", "firm")
    consulted = apply_overrides(named, ["organisations.corp.organisation.co_owners_consulted=true"])
    [owner] = CoCreationModel(consulted).organisation.co_owners
    assert owner.consulted and not CoCreationModel(named).organisation.co_owners[0].consulted


@pytest.mark.parametrize(
    ("entries", "key", "words"),
    [
        ([{"name": "c", "role": "co_owner"}], "organisations.c.role", "needs a firm"),
        (
            [{"name": "f"}, {"name": "c", "role": "co_owner", "partner": "g"}],
            "organisations.c.partner",
            "no firm named 'g'",
        ),
        (
            [{"name": "f"}, {"name": "c", "role": "co_owner", "marketers": {"count": 3}}],
            "organisations.c.marketers.count",
            "only its own co-owner keys",
        ),
        ([{"name": "f", "partner": "f"}], "organisations.f.partner", "only a co-owner"),
    ],
)
def test_bad_co_owners_are_one_clear_error(entries, key, words):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"organisations": entries}, source="x.toml")
    assert err.value.key == key and words in str(err.value)


def test_the_partnership_scenario_loses_its_co_owner_unless_it_is_consulted():
    path = ROOT / "scenarios" / "co_owner_partnership.toml"
    left_out = apply_overrides(load_scenario(path), SMALL)
    consulted = apply_overrides(
        left_out, ["organisations.housing_corporation.organisation.co_owners_consulted=true"]
    )
    a, b = run_scenario(left_out, seed=2), run_scenario(consulted, seed=2)
    assert a.organisations["co_owner_support"].iloc[-1] < 1.0 or (
        a.organisations["co_owners_withdrawn"].iloc[-1] == 1
    )
    assert (b.organisations["co_owner_support"] == 1.0).all()
    assert (b.organisations["co_owners_withdrawn"] == 0).all()
