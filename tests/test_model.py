"""The model as a Mesa model, its agents, and the invariants over every shipped scenario."""

from __future__ import annotations

import pickle
from dataclasses import replace

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import CoCreationModel, load_scenario, run_scenario
from simulation.model.agents.consumer import Consumer, ConsumerStatus
from simulation.model.agents.marketer import Marketer
from simulation.model.agents.organisation import Organisation
from simulation.model.metrics import REPORTERS
from simulation.run import TABLES
from tests.helpers import SCENARIOS, small
from tests.invariants import check_run


def test_builds_with_no_arguments_and_runs_a_day():
    model = CoCreationModel()
    assert isinstance(model, mesa.Model)
    model.step()
    assert model.steps == 1 and model.day == 0


def test_consumers_marketers_and_the_organisation_are_mesa_agents(small_scenario):
    model = CoCreationModel(small_scenario)
    types = {type(a) for a in model.agents}
    assert types == {Consumer, Marketer, Organisation}
    assert len(model.agents_by_type[Consumer]) == small_scenario.community.consumers
    assert len(model.agents_by_type[Marketer]) == small_scenario.marketers.count


def test_a_consumer_is_a_view_on_its_row(small_scenario):
    model = CoCreationModel(small_scenario)
    for _ in range(30):
        model.step()
    pop = model.consumers
    member = int(np.flatnonzero(pop.member)[0])
    agent = next(a for a in model.agents_by_type[Consumer] if a.index == member)
    assert agent.status in (ConsumerStatus.LURKER, ConsumerStatus.CONTRIBUTOR)
    pop.satisfaction[member] = 0.25
    assert agent.satisfaction == 0.25 and agent.state()["satisfaction"] == 0.25
    assert agent.tenure == model.day - pop.join_day[member]
    with pytest.raises(AttributeError):
        _ = agent.no_such_attribute


def test_datacollector_reports_every_metric_every_day(small_scenario):
    result = run_scenario(small_scenario, seed=2)
    assert list(result.timeseries.columns) == ["day", *REPORTERS]
    assert result.timeseries["day"].tolist() == list(range(small_scenario.run.days))


def test_snapshots_at_the_chosen_interval(small_scenario):
    result = run_scenario(small_scenario, seed=2)
    days = sorted(result.snapshots["day"].unique())
    assert days == [0, 20, 40, 59]
    last = result.snapshots[result.snapshots["day"] == 59]
    assert len(last) == result.timeseries["joined_total"].iloc[-1]


def test_seed_argument_overrides_the_scenario_seed(small_scenario):
    a = run_scenario(small_scenario, seed=11)
    b = run_scenario(replace(small_scenario, run=replace(small_scenario.run, seed=11)))
    c = run_scenario(small_scenario, seed=12)
    assert a.timeseries.equals(b.timeseries) and a.summary["seed"] == 11
    assert not a.timeseries.equals(c.timeseries)


def test_progress_is_reported_every_day(small_scenario):
    calls = []
    run_scenario(small_scenario, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (1, 60) and calls[-1] == (60, 60) and len(calls) == 60


def test_same_population_for_the_same_seed_whatever_the_policy(small_scenario):
    paid = small("policies.reward.kind=per_idea")
    a, b = CoCreationModel(small_scenario, rng=3), CoCreationModel(paid, rng=3)
    assert np.array_equal(a.consumers.threshold, b.consumers.threshold)
    assert np.array_equal(a.consumers.member, b.consumers.member)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_keeps_the_invariants(path):
    scenario = load_scenario(
        path, ["run.days=120", "community.consumers=400", "community.initial_members=60"]
    )
    check_run(run_scenario(scenario, seed=3))


@pytest.mark.parametrize("name", ["baseline", "rivals", "contest"])
def test_the_kept_lists_of_members_joiners_and_prospects_match_the_columns(name):
    """What the day keeps incrementally equals what a pass over every consumer finds."""
    path = next(p for p in SCENARIOS if p.stem == name)
    scenario = load_scenario(path, ["community.consumers=600", "community.initial_members=90"])
    model = CoCreationModel(scenario, rng=5)
    for day in range(90):
        model.step()
        for org in model.organisations:
            pop = org.consumers
            assert pop.member_rows.tolist() == np.flatnonzero(pop.member).tolist()
            ever = np.flatnonzero(pop.join_day >= 0)
            assert sorted(pop.joined.tolist()) == ever.tolist()
            assert (np.diff(pop.join_day[pop.joined]) >= 0).all()  # in joining order
            assert pop.joined_days.tolist() == pop.join_day[pop.joined].tolist()
            prospects = np.flatnonzero(pop.status == ConsumerStatus.PROSPECT)
            assert pop.size - pop.n_joined == prospects.size
            k = np.arange(prospects.size)
            assert pop.prospect_rows(k).tolist() == prospects.tolist()
            pop.count_active_friends(day + 1)  # the counts tomorrow's bond will read
            week = pop.member & (pop.last_active >= max(day + 1 - 7, 0))
            friends = pop.friends
            counted = np.add.reduceat(week[friends.indices], friends.indptr[:-1]) * (
                friends.degree > 0
            )
            assert pop.active_friends.tolist() == counted.tolist()


def test_zero_consumers_and_no_marketers_still_run():
    check_run(
        run_scenario(
            small(
                "community.consumers=1",
                "community.initial_members=0",
                "marketers.count=0",
                "community.network=none",
            )
        )
    )


def test_tables_are_made_when_first_read_and_a_pickled_result_carries_them(small_scenario):
    # a sweep records few of a run's tables: the others are never made (RunResult.deferred)
    result = run_scenario(small_scenario)
    assert not set(TABLES) & set(vars(result))
    first = result.ideas
    assert result.ideas is first and "ideas" in vars(result)
    copy = pickle.loads(pickle.dumps(result))
    assert "_pending" not in vars(copy)
    assert pd.Series(copy.summary).equals(pd.Series(result.summary))  # NaN equal to NaN
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(copy, name), getattr(result, name), check_exact=True)
    assert replace(result, summary={}).decisions.equals(result.decisions)
    with pytest.raises(AttributeError):
        _ = result.no_such_table
