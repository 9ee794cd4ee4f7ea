"""The adaptation policies: staff that follow the queue, cash that stops, staff days that cost.

Exact tests drive :class:`~simulation.model.adaptation.Adaptation` over a hand-built firm (a
queue of a chosen length, counters set by hand, real Mesa marketers); end-to-end tests run
small scenarios; a paired check over eight seeds shows staffing to the queue answers more ideas.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np
import pytest

from simulation import run_scenario
from simulation.model import CoCreationModel
from simulation.model.adaptation import Adaptation
from simulation.model.agents.marketer import Marketer
from simulation.model.policies import FixedCourse, StaffToQueue, StopCash
from simulation.run import collect_result
from simulation.scenario import AdaptationParams, MarketerParams, OrganisationParams
from simulation.scenario.kinds import ResponseStyle
from tests.helpers import small


class HandBuiltFirm:
    """Just what an :class:`Adaptation` reads of an organisation, set by hand."""

    def __init__(self, policy, marketers: int, staff_day_cost: float = 0.0):
        self.model = mesa.Model(rng=1)
        self.model.day = 0
        self.policies = SimpleNamespace(adaptation=policy)
        self.params = OrganisationParams(staff_day_cost=staff_day_cost)
        self.marketer_params = MarketerParams(capacity=3, response_style="explain")
        self.marketers = mesa.agent.AgentSet(
            Marketer.create_agents(self.model, marketers, 3, ResponseStyle.EXPLAIN, 0.05)
        )
        self.queue_length = 0
        self.community = SimpleNamespace(pending=lambda: np.arange(self.queue_length))
        self.ignored_ideas, self.reviewed_ideas = 0, 0
        self.spend, self.accepted_quality = 0.0, np.empty(0)
        self.adaptation = Adaptation(self)

    def run(self, first: int, last: int) -> list[int]:
        """Mornings ``first`` .. ``last``; the number of marketers at work on each."""
        working = []
        for day in range(first, last + 1):
            self.model.day = day
            self.adaptation.start_day(day)
            working.append(len(self.marketers))
        return working


def staffing(**settings) -> StaffToQueue:
    defaults = dict(kind="staff_to_queue", first_review=0, review_every=7, hire_lag=5)
    return StaffToQueue(AdaptationParams(**(defaults | settings)))


# --- the rules ------------------------------------------------------------------------------------
def test_staff_wanted_follows_the_queue_and_the_expiry_share_within_bounds():
    policy = staffing(queue_per_marketer=10.0, expiry_threshold=0.25, min_marketers=1)
    assert policy.staff(2, 45, 0.0) == 5  # ceil(45 / 10)
    assert policy.staff(2, 40, 0.0) == 4
    assert policy.staff(2, 0, 0.0) == 1  # never below min_marketers
    assert policy.staff(2, 5, 0.3) == 3  # too much expired: one more than at work
    assert policy.staff(2, 5, 0.25) == 1  # at the bar is not over it
    assert policy.staff(2, 500, 0.0) == 8  # never above max_marketers
    assert staffing(min_marketers=0).staff(2, 0, 0.0) == 0


def test_reviews_fall_on_first_review_then_every_review_every_days():
    policy = staffing(first_review=30, review_every=7)
    assert [d for d in range(60) if policy.reviews(d)] == [30, 37, 44, 51, 58]
    assert not any(FixedCourse(AdaptationParams()).reviews(d) for d in range(100))


def test_cash_stops_when_cash_per_accepted_idea_exceeds_the_bar():
    policy = StopCash(AdaptationParams(kind="stop_cash", max_cost_per_accepted=500.0))
    assert not policy.stops_cash(1000.0, 2)  # 500 per accepted idea: at the bar
    assert policy.stops_cash(1000.01, 2)
    assert policy.stops_cash(600.0, 0)  # before the first acceptance: as if one were due
    assert not policy.stops_cash(0.0, 0)
    assert not staffing().stops_cash(1e9, 0)  # only stop_cash stops cash


# --- carrying the decisions out -------------------------------------------------------------------
def test_hires_start_work_after_the_lag_and_not_before():
    firm = HandBuiltFirm(staffing(queue_per_marketer=10.0, hire_lag=5), marketers=1)
    firm.queue_length = 25  # three marketers' worth
    assert firm.run(0, 4) == [1] * 5  # decided on day 0, not yet at work
    assert firm.adaptation.hires == [5, 5]
    assert firm.run(5, 13) == [3] * 9  # at work from day 5; day 7's review wants no more
    assert firm.adaptation.hires == []
    new = sorted(firm.marketers, key=lambda m: m.unique_id)[1:]
    assert all(
        (m.capacity, m.response_style, m.review_noise, m.organisation, m.time)
        == (3, ResponseStyle.EXPLAIN, 0.05, firm, 0.0)
        for m in new
    )


def test_a_queue_at_the_bar_hires_no_one():
    firm = HandBuiltFirm(staffing(queue_per_marketer=10.0, hire_lag=0), marketers=2)
    firm.queue_length = 20
    assert firm.run(0, 20) == [2] * 21 and firm.adaptation.hires == []
    firm.queue_length = 21
    assert firm.run(21, 21) == [3]  # the day-21 review, with a lag of 0: at work the same day


def test_a_short_queue_releases_the_latest_hired_at_once():
    firm = HandBuiltFirm(staffing(queue_per_marketer=10.0, min_marketers=1), marketers=4)
    first = min(m.unique_id for m in firm.marketers)
    firm.queue_length = 15  # two marketers' worth
    assert firm.run(0, 0) == [2]
    assert sorted(m.unique_id for m in firm.marketers) == [first, first + 1]
    assert len(firm.model.agents) == 2  # the released left the model, not only the firm
    firm.queue_length = 0
    assert firm.run(1, 7) == [2] * 6 + [1]  # the next review, on day 7


def test_hires_on_the_way_are_called_off_before_anyone_is_released():
    firm = HandBuiltFirm(staffing(queue_per_marketer=10.0, hire_lag=20), marketers=2)
    firm.queue_length = 40
    firm.run(0, 0)
    assert firm.adaptation.hires == [20, 20]
    firm.queue_length = 25  # three wanted: one of the two hires is called off
    firm.run(1, 7)
    assert firm.adaptation.hires == [20] and len(firm.marketers) == 2
    firm.queue_length = 0  # one wanted: the other hire is called off, then one released
    assert firm.run(8, 14) == [2] * 6 + [1] and firm.adaptation.hires == []


def test_ideas_expiring_unread_since_the_last_review_add_one_hire():
    firm = HandBuiltFirm(staffing(expiry_threshold=0.25, hire_lag=3), marketers=2)
    firm.queue_length = 15  # the queue alone wants two
    firm.ignored_ideas, firm.reviewed_ideas = 30, 70  # 30 % expired: one more
    firm.run(0, 0)
    assert firm.adaptation.hires == [3]
    firm.ignored_ideas, firm.reviewed_ideas = 31, 100  # since the last review: 1 of 31
    # the hire starts on day 3; on day 7 the queue alone decides again, and wants two
    assert firm.run(1, 7) == [2, 2, 3, 3, 3, 3, 2]


def test_staff_days_cost_exactly_what_the_marketers_worked():
    firm = HandBuiltFirm(staffing(hire_lag=2), marketers=1, staff_day_cost=120.0)
    firm.queue_length = 30
    working = firm.run(0, 9)
    assert working == [1, 1, 3, 3, 3, 3, 3, 3, 3, 3]
    assert firm.adaptation.staff_days == sum(working) == 26
    assert firm.adaptation.staff_cost == 26 * 120.0


def test_stopped_cash_runs_out_from_the_next_day():
    policy = StopCash(AdaptationParams(kind="stop_cash", first_review=0, review_every=7))
    firm = HandBuiltFirm(policy, marketers=1)
    firm.spend, firm.accepted_quality = 400.0, np.array([0.5])
    firm.run(0, 6)
    assert firm.adaptation.cash_stop is None  # 400 per accepted idea: within the bar
    firm.spend = 501.0
    firm.run(7, 7)
    assert firm.adaptation.cash_stop == 8 and not firm.adaptation.cash_off()
    firm.run(8, 8)
    assert firm.adaptation.cash_off() and len(firm.marketers) == 1  # stop_cash hires no one


# --- end to end -----------------------------------------------------------------------------------
PAY = ("policies.reward.kind=per_idea", "policies.reward.amount=10")


def test_the_cash_stops_in_a_run_when_it_costs_too_much_per_accepted_idea():
    stop = (
        "policies.adaptation.kind=stop_cash",
        "policies.adaptation.first_review=20",
        "policies.adaptation.max_cost_per_accepted=1",
    )
    stopped = run_scenario(small(*PAY, *stop, days=60), seed=3).timeseries
    paid = run_scenario(small(*PAY, days=60), seed=3).timeseries
    spend = stopped["spend_total"].to_numpy()
    assert spend[20] > 0 and (spend[20:] == spend[20]).all()  # day 20 still pays, then nothing
    assert paid["spend_total"].iloc[-1] > spend[-1]
    # same run up to the stop: a rule that never bites changes nothing
    assert stopped.iloc[:21].equals(paid.iloc[:21])
    lenient = run_scenario(
        small(*PAY, *stop[:2], "policies.adaptation.max_cost_per_accepted=1e9", days=60), seed=3
    )
    assert lenient.timeseries.equals(paid)


@pytest.mark.parametrize("kind", ["fixed", "staff_to_queue"])
def test_cost_per_accepted_adds_staff_days_to_the_cash_exactly(kind):
    scenario = small(
        *PAY,
        f"policies.adaptation.kind={kind}",
        "organisation.staff_day_cost=150",
        "marketers.count=1",
        days=150,
    )
    model = CoCreationModel(scenario)
    staff_days = 0
    for _ in range(scenario.run.days):
        model.step()
        staff_days += len(model.organisation.marketers)
    summary = collect_result(model).summary
    assert summary["accepted"] > 0 and summary["spend_total"] > 0
    expected = (summary["spend_total"] + 150.0 * staff_days) / summary["accepted"]
    assert summary["cost_per_accepted"] == pytest.approx(expected, rel=1e-12)
    if kind == "fixed":
        assert staff_days == 150
    else:
        assert staff_days > 150  # it hired


def test_a_staff_cost_of_zero_leaves_every_table_unchanged():
    base = run_scenario(small(*PAY, days=90), seed=2)
    costed = run_scenario(small(*PAY, "organisation.staff_day_cost=0", days=90), seed=2)
    for name, table in base.tables().items():
        assert table.equals(costed.tables()[name]), name
    with_staff = run_scenario(small(*PAY, "organisation.staff_day_cost=80", days=90), seed=2)
    changed = with_staff.timeseries.columns[
        ~(with_staff.timeseries.fillna(-1) == base.timeseries.fillna(-1)).all()
    ]
    assert changed.tolist() in ([], ["cost_per_accepted"])  # only the cost, nothing it drives


@pytest.mark.slow
def test_staffing_to_the_queue_leaves_fewer_ideas_unanswered():
    """With one community manager the queue overflows and ideas expire unread; a firm that
    staffs to its queue answers more of them (paired over eight seeds, every seed)."""
    shares = {
        kind: [
            run_scenario(
                small(
                    f"policies.adaptation.kind={kind}",
                    "marketers.count=1",
                    "community.arrival_rate=2.0",  # the baseline's: the queue overflows
                    days=240,
                    consumers=600,
                ),
                seed=seed,
            ).summary["ignored_share"]
            for seed in range(8)
        ]
        for kind in ("fixed", "staff_to_queue")
    }
    cut = np.subtract(shares["fixed"], shares["staff_to_queue"])
    assert (cut > 0).all() and cut.mean() > 0.1, shares
