"""The organisation changing course during a run, and what its community managers cost.

The adaptation policy (:class:`~simulation.model.policies.AdaptationPolicy`) decides; an
:class:`Adaptation` carries its decisions out for one organisation: community managers hired
after a lag, released at once, the day the cash stops. It also counts the staff's days, so that
their cost joins the cash in the cost per accepted idea (ODD 7.16).
"""

from __future__ import annotations

from simulation.model.agents.marketer import Marketer
from simulation.scenario.kinds import ResponseStyle


class Adaptation:
    """What an organisation's adaptation policy has set in motion, and its staff's days.

    Attributes:
        hires: the days on which community managers hired but not yet at work start.
        cash_stop: the first day without cash, once the policy has stopped it (else None).
        staff_days: community-manager days worked so far (each working day of each one).
    """

    def __init__(self, organisation):
        self.organisation = organisation
        self.policy = organisation.policies.adaptation
        self.hires: list[int] = []
        self.cash_stop: int | None = None
        self.staff_days = 0
        self._dealt = (0, 0)  # consumer ideas ignored and reviewed, at the last review

    @property
    def staff_cost(self) -> float:
        """What the community managers' days have cost so far (EUR)."""
        return self.staff_days * self.organisation.params.staff_day_cost

    def cash_off(self) -> bool:
        """Whether the policy has stopped the cash reward (no cash offered or paid from then)."""
        return self.cash_stop is not None and self.organisation.model.day >= self.cash_stop

    def start_day(self, day: int) -> None:
        """The morning of ``day``: review when one is due, start hires, count the staff's day."""
        if self.policy.reviews(day):
            self.review(day)
        while self.hires and self.hires[0] <= day:
            self.hires.pop(0)
            self.hire()
        self.staff_days += len(self.organisation.marketers)

    def review(self, day: int) -> None:
        """Look at the queue, the ideas that expired since the last review and the cash spent.

        Hires start ``hire_lag`` days after the decision; when fewer are wanted, hires not yet
        started are called off first (the latest first), then the most recently hired go. A cash
        scheme stopped today still pays for today: members chose to take part under its offer.
        """
        org, policy = self.organisation, self.policy
        ignored, reviewed = org.ignored_ideas, org.reviewed_ideas
        expired = ignored - self._dealt[0]
        dealt = expired + reviewed - self._dealt[1]
        self._dealt = (ignored, reviewed)
        working = len(org.marketers)
        wanted = policy.staff(
            working, org.community.pending().size, expired / dealt if dealt else 0.0
        )
        change = wanted - working - len(self.hires)
        if change > 0:
            self.hires.extend([day + policy.params.hire_lag] * change)
        elif change < 0:
            called_off = min(-change, len(self.hires))
            del self.hires[len(self.hires) - called_off :]
            self.release(-change - called_off)
        if self.cash_stop is None and policy.stops_cash(org.spend, len(org.accepted_quality)):
            self.cash_stop = day + 1

    def hire(self) -> None:
        """A new community manager with the firm's style, capacity and review error."""
        org = self.organisation
        m = org.marketer_params
        marketer = Marketer(org.model, m.capacity, ResponseStyle(m.response_style), m.review_noise)
        marketer.organisation = org
        org.marketers.add(marketer)

    def release(self, count: int) -> None:
        """The ``count`` most recently hired community managers leave the model."""
        org = self.organisation
        if count <= 0:
            return
        for marketer in sorted(org.marketers, key=lambda m: m.unique_id)[-count:]:
            org.marketers.remove(marketer)
            marketer.remove()
