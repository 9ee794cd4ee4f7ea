"""Consumers: many, so their state lives in columns and the day's rules run over all of them.

:class:`ConsumerPopulation` owns one numpy array per state variable and applies the daily rules
vectorised. :class:`Consumer` is a thin Mesa agent over one row, so the dashboard, tests and
notebooks can still ask one consumer about itself.
"""

from __future__ import annotations

from enum import IntEnum

import mesa
import numpy as np

from simulation.network import Friendships
from simulation.scenario import CommunityParams, ConsumerParams, RecognitionParams


class ConsumerStatus(IntEnum):
    """Membership status of a consumer."""

    PROSPECT = 0  # not (yet) a member
    LURKER = 1  # member who has never posted
    CONTRIBUTOR = 2  # member who has posted at least once
    CHURNED = 3  # left the community


FLOAT_STATE = ("intrinsic", "intrinsic_base", "extrinsic", "threshold", "identity",
               "recognition", "satisfaction", "expectation", "paid")
DAY_STATE = ("join_day", "churn_day", "last_active", "first_post_day")


class ConsumerPopulation:
    """Columns of consumer state and the vectorised daily rules.

    Participation follows Ren & Kraut's benefit-versus-cost membership model with
    self-determination theory's motivation parts: a member takes part on a day when
    ``U + noise > theta``, where ``U = I + w_id*identity + w_bond*bond + w_R*R + w_m*e*pull +
    w_inf*E + w_S*S - cost`` and ``theta`` is lognormal across people, which makes participation
    heavy-tailed (van Mierlo 2014, F4; Bayus 2013, F5).
    """

    def __init__(self, params: ConsumerParams, community: CommunityParams,
                 recognition: RecognitionParams, friends: Friendships, rng: np.random.Generator):
        n = community.consumers
        self.params, self.community, self.recognition_params = params, community, recognition
        self.friends, self.rng, self.size = friends, rng, n
        self.status = np.zeros(n, dtype=np.int8)
        for name in FLOAT_STATE:
            setattr(self, name, np.zeros(n))
        for name in DAY_STATE:
            setattr(self, name, np.full(n, -1, dtype=np.int32))
        self.contributions = np.zeros(n, dtype=np.int32)
        self.first_reply = np.full(n, -1, dtype=np.int8)  # -1 unknown, 0 ignored, 1 replied
        self.active_today = np.zeros(n, dtype=bool)
        self.intrinsic_base[:] = np.maximum(
            rng.normal(params.intrinsic_mean, params.intrinsic_sd, n), 0.0)
        self.intrinsic[:] = self.intrinsic_base
        self.extrinsic[:] = rng.exponential(params.extrinsic_mean, n)
        self.threshold[:] = params.threshold_median * np.exp(rng.normal(0, params.threshold_sigma,
                                                                        n))
        self.intrinsic_cap = params.intrinsic_mean + 3 * params.intrinsic_sd

    # --- membership -----------------------------------------------------------------------------
    @property
    def members(self) -> np.ndarray:
        """Mask of current members (lurkers and contributors)."""
        return (self.status == ConsumerStatus.LURKER) | (self.status == ConsumerStatus.CONTRIBUTOR)

    def join(self, who: np.ndarray, day: int, expectation: float) -> None:
        """Make prospects ``who`` members on ``day`` with the given initial expectation."""
        who = who[self.status[who] == ConsumerStatus.PROSPECT]
        self.status[who] = ConsumerStatus.LURKER
        self.join_day[who] = day
        self.last_active[who] = day
        self.expectation[who] = expectation
        self.satisfaction[who] = 0.0

    def arrivals(self, day: int) -> np.ndarray:
        """Prospects who join today: unprompted arrivals plus friends invited by word of mouth."""
        prospects = np.flatnonzero(self.status == ConsumerStatus.PROSPECT)
        if prospects.size == 0:
            return prospects
        count = min(self.rng.poisson(self.community.arrival_rate), prospects.size)
        unprompted = self.rng.choice(prospects, size=count, replace=False)
        inviters = np.flatnonzero(self.active_today)
        rate = self.community.word_of_mouth * (1 + self.satisfaction[inviters]) / 2
        inviters = inviters[self.rng.random(inviters.size) < rate]
        invited = self.friends.random_friend(inviters, self.rng)
        invited = invited[invited >= 0]
        invited = invited[self.rng.random(invited.size) < self.community.invite_acceptance]
        invited = invited[self.status[invited] == ConsumerStatus.PROSPECT]
        return np.unique(np.concatenate([unprompted, invited]))

    # --- the day's choices ----------------------------------------------------------------------
    def utility(self, day: int, pull: np.ndarray | float) -> np.ndarray:
        """Benefit minus cost of taking part today, before the daily noise."""
        p = self.params
        recent = self.members & (self.last_active >= day - 7)  # friends seen this week
        bond = self.friends.share_of_friends(recent)
        return (self.intrinsic + p.weight_identity * self.identity + p.weight_bond * bond
                + p.weight_recognition * self.recognition + p.weight_money * self.extrinsic * pull
                + p.weight_influence * self.expectation + p.weight_satisfaction * self.satisfaction
                - p.participation_cost)

    def participate(self, day: int, incentive: np.ndarray | float) -> tuple[np.ndarray, ...]:
        """Members who take part today, split into (posters, builders, voters)."""
        pull = incentive / (incentive + self.params.reward_half_saturation)
        noise = self.rng.normal(0.0, self.params.daily_noise, self.size)
        self.active_today = self.members & (self.utility(day, pull) + noise > self.threshold)
        active = np.flatnonzero(self.active_today)
        self.last_active[active] = day
        action = self.rng.random(active.size)
        post_cut = self.params.post_share
        build_cut = post_cut + self.params.build_share
        return active[action < post_cut], active[(action >= post_cut) & (action < build_cut)], (
            active[action >= build_cut])

    def record_posts(self, authors: np.ndarray, day: int) -> np.ndarray:
        """Count posts; returns a mask of which posts were their author's first."""
        first = self.contributions[authors] == 0
        np.add.at(self.contributions, authors, 1)
        self.first_post_day[authors[first]] = day
        self.status[authors] = ConsumerStatus.CONTRIBUTOR
        return first

    def search_steps(self, authors: np.ndarray) -> np.ndarray:
        """Effort an author puts into an idea: intrinsic interest drives quality (Cerasoli,
        Nicklin & Ford 2014), so steps scale with intrinsic interest relative to the mean."""
        p = self.params
        ratio = self.intrinsic[authors] / max(p.intrinsic_mean, 1e-9)
        return np.rint(p.search_steps * np.clip(ratio, 0.0, 2.0)).astype(np.int64)

    # --- what comes back -----------------------------------------------------------------------
    def pay(self, authors: np.ndarray, amounts: np.ndarray) -> None:
        """Pay contingent cash; each payment crowds out intrinsic interest (F1; DKR 1999)."""
        np.add.at(self.paid, authors, amounts)
        count = np.bincount(authors, minlength=self.size)
        self.intrinsic *= (1.0 - self.params.crowding_out) ** count

    def feedback(self, authors, day, *, replied, explained, badge, credited, outcome, silent,
                 first_post) -> None:
        """Apply the firm's answers to authors (arrays, one entry per idea)."""
        p, r = self.params, self.recognition_params
        informational = replied | explained | badge
        # Informational feedback raises intrinsic interest (Deci et al. 1999, F2, d = +0.33).
        np.add.at(self.intrinsic, authors, p.feedback_boost * p.intrinsic_sd * informational)
        np.minimum(self.intrinsic, self.intrinsic_cap, out=self.intrinsic)
        np.add.at(self.recognition, authors, r.reply_value * replied + r.badge_value * badge)
        np.add.at(self.identity, authors, p.identity_gain * (badge | credited))
        # Expectation-disconfirmation (Oliver 1980): satisfaction moves with outcome - expectation.
        decided = ~np.isnan(outcome)
        gap = np.where(decided, np.nan_to_num(outcome) - self.expectation[authors], 0.0)
        newcomer = (day - self.join_day[authors]) < p.newcomer_days
        # Silence hurts, newcomers most (Halfaker et al. 2013; Piezunka & Dahlander 2019).
        delta = (p.disconfirmation_weight * gap + p.explanation_bonus * explained
                 - p.silent_penalty * silent * (1 + newcomer))
        np.add.at(self.satisfaction, authors, delta)
        np.clip(self.satisfaction, -1.0, 1.0, out=self.satisfaction)
        # Contributors learn their real chances from the firm's responses (Huang et al. 2014).
        rate = p.expectation_learning * (1 + explained) * decided
        np.add.at(self.expectation, authors, rate * gap)
        np.clip(self.expectation, 0.0, 1.0, out=self.expectation)
        firsts = authors[first_post & (self.first_reply[authors] < 0)]
        self.first_reply[firsts] = replied[first_post & (self.first_reply[authors] < 0)]

    def see_influence(self, accepted: int) -> None:
        """Visible influence: members see community ideas credited and expect more of their own."""
        if accepted:
            m = self.members
            self.expectation[m] += self.params.expectation_learning * 0.1 * accepted * (
                1 - self.expectation[m])

    # --- end of day ----------------------------------------------------------------------------
    def end_of_day(self, day: int) -> np.ndarray:
        """Decay recognition, let interest recover, and draw who leaves; returns the leavers."""
        p = self.params
        self.recognition *= 1 - p.recognition_decay
        self.intrinsic += p.intrinsic_recovery * (self.intrinsic_base - self.intrinsic)
        self.satisfaction *= 1 - p.satisfaction_decay
        members = self.members
        friends_left = self.friends.share_of_friends(self.status == ConsumerStatus.CHURNED)
        inactive = (day - self.last_active) > p.inactivity_days
        hazard = (p.exit_base + p.exit_inactive * inactive
                  + p.exit_dissatisfaction * np.maximum(-self.satisfaction, 0.0)
                  + p.exit_friends * friends_left)
        leavers = np.flatnonzero(members & (self.rng.random(self.size) < hazard))
        self.status[leavers] = ConsumerStatus.CHURNED
        self.churn_day[leavers] = day
        return leavers


class Consumer(mesa.Agent):
    """A thin view on one row of the :class:`ConsumerPopulation` (no state of its own)."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def population(self) -> ConsumerPopulation:
        """The columns this consumer is a row of."""
        return self.model.consumers

    @property
    def status(self) -> ConsumerStatus:
        """Prospect, lurker, contributor or churned."""
        return ConsumerStatus(int(self.population.status[self.index]))

    @property
    def tenure(self) -> int:
        """Days since joining (0 for prospects)."""
        joined = int(self.population.join_day[self.index])
        end = self.model.day if self.status is not ConsumerStatus.CHURNED else int(
            self.population.churn_day[self.index])
        return 0 if joined < 0 else end - joined

    def state(self) -> dict[str, float | int | str]:
        """Everything the model knows about this consumer, by name."""
        pop, i = self.population, self.index
        row = {name: float(getattr(pop, name)[i]) for name in FLOAT_STATE}
        row.update({name: int(getattr(pop, name)[i]) for name in DAY_STATE})
        row.update(status=self.status.name.lower(), tenure=self.tenure,
                   contributions=int(pop.contributions[i]), friends=int(pop.friends.degree[i]))
        return row

    def __getattr__(self, name: str):
        # Motivation parts and other columns read straight from the population.
        if name in FLOAT_STATE or name in DAY_STATE or name == "contributions":
            return getattr(self.population, name)[self.index]
        raise AttributeError(name)
