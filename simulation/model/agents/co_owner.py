"""Co-owners: stakeholders who share the firm's projects and whose support the firm needs.

Stakeholder salience (Mitchell, Agle & Wood 1997, *Academy of Management Review* 22(4)): a firm
attends to a stakeholder's claims as far as the stakeholder holds power, legitimacy and urgency.
A co-owner holds all three on the projects it shares: it can hold a project up or kill it, its
claim rests on its stake, and a decision on its project is urgent to it. A co-owner whose claim
is ignored -- a decision on its project taken without it -- withdraws support: first for that
project, and (less) for the partnership. Low support shows as objections that stall a project's
gates, then vetoes, and in the end withdrawal from the partnership.

The framework is published; every magnitude here (how much support a decision costs, where the
thresholds lie, how long a co-owner waits before leaving) is a scenario assumption. The story
behind the submodel, a housing co-creation project that failed when a co-owning housing
corporation felt sidelined, is anecdotal (ODD 7.12).
"""

from __future__ import annotations

import mesa
import numpy as np

from simulation.scenario import OrganisationParams


class CoOwner(mesa.Agent):
    """One co-owner of an organisation's projects (by default: every concept of that firm).

    It sees every decision the firm takes on a project it co-owns -- the promotion of an idea to
    a concept, and each gate review after it -- and whether it was consulted. It is consulted
    when it has a seat on the decision team (``co_owners_on_team``) or when the firm consults it
    without one (``co_owners_consulted``, at ``consultation_cost`` of every gate's days). Each
    decision taken without it lowers its support for that project by ``support_loss`` and its
    general support by ``general_loss`` times as much. Its standing on a project is the product
    of the two; below ``stall_threshold`` it stalls the project's next gate by ``stall_days``,
    below ``veto_threshold`` it kills the project at the gate that comes up. When its general
    support has stayed below ``withdraw_threshold`` for ``withdraw_after`` days in a row it
    withdraws from the partnership (:meth:`Organisation.lose` says what that costs the firm).

    Args:
        model: the model the agent lives in.
        organisation: the firm whose projects it co-owns.
        name: its name (in a scenario's ``[[organisations]]``, a later step).
        params: the co-owner settings (``OrganisationParams``: consultation, support, thresholds).

    Attributes:
        support: general support for the partnership, 1 (full) down to 0.
        project_support: support per pipeline row of the firm's gates (1 until decided on).
        low_days: days in a row general support has been below ``withdraw_threshold``.
        withdrawn_day: the day it withdrew (-1 while a partner).
        vetoes: projects it has killed at a gate.
    """

    def __init__(self, model: mesa.Model, organisation, name: str, params: OrganisationParams):
        super().__init__(model)
        self.organisation, self.name, self.params = organisation, name, params
        self.seated = params.co_owners_on_team
        self.consulted = self.seated or params.co_owners_consulted
        self.support = 1.0
        self.project_support = np.ones(0)
        self.low_days, self.withdrawn_day, self.vetoes = 0, -1, 0
        self.until = np.inf  # pipeline rows from here on were admitted after it withdrew

    @property
    def active(self) -> bool:
        """Whether it is still a partner."""
        return self.withdrawn_day < 0

    def co_owns(self, rows: np.ndarray) -> np.ndarray:
        """Which pipeline rows are its projects: every concept admitted while it was a partner."""
        return np.asarray(rows) < self.until

    def standing(self, rows: np.ndarray) -> np.ndarray:
        """Its support for the projects ``rows``: project support times general support."""
        self._cover(rows)
        return self.project_support[rows] * self.support

    def objects(self, rows: np.ndarray) -> np.ndarray:
        """The projects among ``rows`` whose next gate it stalls."""
        low = self.standing(rows) < self.params.stall_threshold
        return self.active & self.co_owns(rows) & low

    def vetoed(self, rows: np.ndarray) -> np.ndarray:
        """The projects among ``rows`` it kills at the gate that came up (and counts them)."""
        low = self.standing(rows) < self.params.veto_threshold
        kills = self.active & self.co_owns(rows) & low
        self.vetoes += int(kills.sum())
        return kills

    def observe(self, rows: np.ndarray) -> None:
        """See the firm decide on ``rows`` (one entry per decision) and lose support if ignored.

        A claim ignored lowers support for that project and, ``general_loss`` times as much,
        for the partnership (Mitchell, Agle & Wood 1997; magnitudes are assumptions).
        """
        mine = rows[self.co_owns(rows)]
        if self.consulted or not self.active or not mine.size:
            return
        self._cover(mine)
        loss = self.params.support_loss
        np.subtract.at(self.project_support, mine, loss)
        np.maximum(self.project_support, 0.0, out=self.project_support)
        self.support = max(self.support - self.params.general_loss * loss * mine.size, 0.0)

    def step(self) -> None:
        """The day's end: count another day of low support; withdraw when there have been enough."""
        if not self.active:
            return
        low = self.support < self.params.withdraw_threshold
        self.low_days = self.low_days + 1 if low else 0
        if self.low_days >= self.params.withdraw_after:
            self.withdraw()

    def withdraw(self) -> None:
        """Leave the partnership today; the firm bears the cost (``Organisation.lose``)."""
        self.withdrawn_day = self.model.day
        self.organisation.lose(self)
        self.until = len(self.organisation.gates.concepts)

    def _cover(self, rows: np.ndarray) -> None:
        """Grow project support (1 for projects not yet decided on) to cover ``rows``."""
        need = int(rows.max()) + 1 if np.size(rows) else 0
        if need > self.project_support.size:
            grown = np.ones(max(need, 2 * self.project_support.size))
            grown[: self.project_support.size] = self.project_support
            self.project_support = grown
