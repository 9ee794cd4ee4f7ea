"""Consumers: many, so their state lives in columns and the day's rules run over all of them.

:class:`ConsumerPopulation` owns one numpy array per state variable and applies the daily rules
vectorised. :class:`Consumer` is a thin Mesa agent over one row, so the dashboard, tests and
notebooks can still ask one consumer about itself.
"""

from __future__ import annotations

from enum import IntEnum

import mesa
import numpy as np

from simulation.model.network import Friendships
from simulation.scenario import CommunityParams, ConsumerParams, RecognitionParams


class ConsumerStatus(IntEnum):
    """Membership status of a consumer."""

    PROSPECT = 0  # not (yet) a member
    LURKER = 1  # member who has never posted
    CONTRIBUTOR = 2  # member who has posted at least once
    CHURNED = 3  # left the community


FLOAT_STATE = (
    "intrinsic",
    "intrinsic_base",
    "extrinsic",
    "threshold",
    "identity",
    "recognition",
    "satisfaction",
    "expectation",
    "paid",
    "expectation_prior",
    "satisfaction_first",
)
DAY_STATE = (
    "join_day",
    "churn_day",
    "last_active",
    "first_post_day",
    "last_post_day",
    "first_answer_day",
)
# the columns of an agent snapshot, in order (then the consumer's tenure)
SNAPSHOT_COLUMNS = (
    "status",
    "intrinsic",
    "extrinsic",
    "identity",
    "recognition",
    "satisfaction",
    "expectation",
    "contributions",
    "active_days",
    "posting_days",
    "paid",
    "join_day",
    "last_active",
    "answers_read",
    "first_answer_day",
    "expectation_prior",
    "satisfaction_first",
)


class ConsumerPopulation:
    """Columns of consumer state and the vectorised daily rules.

    Participation follows Ren & Kraut's benefit-versus-cost membership model with
    self-determination theory's motivation parts: a member takes part on a day when
    ``U + noise > theta``, where ``U = I + w_id*identity + w_bond*bond + w_R*R + w_m*e*pull +
    w_inf*E + w_S*S - cost`` (recognition enters with diminishing returns, R/(1+R)) and
    ``theta`` is lognormal across people, which makes participation
    heavy-tailed (van Mierlo 2014, F4; Bayus 2013, F5).
    """

    def __init__(
        self,
        params: ConsumerParams,
        community: CommunityParams,
        recognition: RecognitionParams,
        friends: Friendships,
        rng: np.random.Generator,
        traits: ConsumerPopulation | None = None,
    ):
        n = community.consumers
        self.params, self.community, self.recognition_params = params, community, recognition
        self.friends, self.rng, self.size = friends, rng, n
        self.status = np.zeros(n, dtype=np.int8)
        for name in FLOAT_STATE:
            setattr(self, name, np.zeros(n))
        for name in DAY_STATE:
            setattr(self, name, np.full(n, -1, dtype=np.int32))
        self.contributions = np.zeros(n, dtype=np.int32)
        self.active_days = np.zeros(n, dtype=np.int32)
        self.posting_days = np.zeros(n, dtype=np.int32)
        self.first_reply = np.full(n, -1, dtype=np.int8)  # -1 unknown, 0 ignored, 1 replied
        # what became of one's first idea: -1 not yet known, 0 expired unread, 1 read and
        # rejected, 2 read and promoted (Piezunka & Dahlander 2019 follow rejected newcomers)
        self.first_outcome = np.full(n, -1, dtype=np.int8)
        self.answers_read = np.zeros(n, dtype=np.int32)  # answers to ideas the firm read
        self.second_post_day = np.full(n, -1, dtype=np.int32)
        self.active_today = np.zeros(n, dtype=bool)
        self.member = np.zeros(n, dtype=bool)
        # The day's rules visit the members and those who ever joined, not every consumer:
        # the members' rows in index order (what np.flatnonzero(member) gives), kept as people
        # join and leave; everyone who ever joined in joining order (one can join only once,
        # so ``n`` rows are enough) and the day each joined; and a Fenwick tree over the
        # prospects, to pick the k-th one without listing them all.
        self.member_rows = np.empty(0, dtype=np.int64)
        self._joined = np.empty(n, dtype=np.int64)
        self._joined_days = np.empty(n, dtype=np.int64)
        self.n_joined = 0
        self._prospects = prospect_tree(n)
        self._left: list[np.ndarray] = []  # leavers whose friends' counts are not yet updated
        self.contribution_counts = np.zeros(64, dtype=np.int64)  # histogram over those joined
        self.friends_left = np.zeros(n)
        # friends active this week, kept up to date from the day's changes (see :meth:`bond`)
        self.active_friends = np.zeros(n, dtype=np.int32)
        self.active_this_week = np.zeros(n, dtype=bool)
        self.carried_idea = np.zeros(n, dtype=bool)
        self._mark: np.ndarray | None = None  # see mark
        if traits is None:
            self.intrinsic_base[:] = np.maximum(
                rng.normal(params.intrinsic_mean, params.intrinsic_sd, n), 0.0
            )
            self.extrinsic[:] = rng.exponential(params.extrinsic_mean, n)
            # One disposition drives both thresholds and voice: the few who take part most
            # easily also write most when they do (van Mierlo 2014's superusers; Bayus 2013).
            eagerness = rng.normal(0.0, 1.0, n)
            self.threshold[:] = params.threshold_median * np.exp(params.threshold_sigma * eagerness)
            self.voice = np.minimum(
                params.post_share * np.exp(-params.voice_sigma * eagerness),
                params.max_posts_per_day,
            )
        else:  # the same people in another community: their dispositions come with them
            for name in ("intrinsic_base", "extrinsic", "threshold"):
                getattr(self, name)[:] = getattr(traits, name)
            self.voice = traits.voice
        self.intrinsic[:] = self.intrinsic_base
        self.intrinsic_cap = params.intrinsic_mean + 3 * params.intrinsic_sd
        self.autonomy_loss = 0.0  # intrinsic interest lost per day of taking part under control

    @property
    def joined(self) -> np.ndarray:
        """Everyone who ever joined, in joining order."""
        return self._joined[: self.n_joined]

    @property
    def joined_days(self) -> np.ndarray:
        """The day each of :attr:`joined` joined."""
        return self._joined_days[: self.n_joined]

    @property
    def mark(self) -> np.ndarray:
        """Scratch for the kernels (one entry per consumer), -1 everywhere between calls."""
        if self._mark is None:
            self._mark = np.full(self.size, -1, dtype=np.int64)
        return self._mark

    def sibling(self, recognition: RecognitionParams) -> ConsumerPopulation:
        """The same consumers as members of another community (under its recognition policy).

        Dispositions belong to the person (interest at baseline, cash sensitivity, threshold,
        voice) and are shared; everything about a membership (status, interest as it has
        drifted there, recognition, satisfaction, expectation, history) starts afresh.
        """
        return ConsumerPopulation(
            self.params, self.community, recognition, self.friends, self.rng, traits=self
        )

    # --- membership -----------------------------------------------------------------------------
    @property
    def members(self) -> np.ndarray:
        """Mask of current members (lurkers and contributors)."""
        return self.member

    def join(self, who: np.ndarray, day: int, setting) -> None:
        """Make prospects ``who`` members on ``day``.

        Each newcomer brings their own expected chance of acceptance (``optimism`` give or take
        ``optimism_sd``); the firm's expectation ``setting`` (an expectation policy) turns it
        into what they expect on joining.
        """
        from simulation.model import kernels

        who = who[self.status[who] == ConsumerStatus.PROSPECT]  # sorted, as every caller gives
        self.status[who] = ConsumerStatus.LURKER
        self.member[who] = True
        self.member_rows = kernels.merge_sorted(self.member_rows, who)
        kernels.leave_tree(self._prospects, who)
        end = self.n_joined + who.size
        self._joined[self.n_joined : end] = who
        self._joined_days[self.n_joined : end] = day
        self.n_joined = end
        self.contribution_counts[0] += who.size
        self.join_day[who] = day
        self.last_active[who] = -1  # has not taken part yet
        p = self.params
        own = np.clip(self.rng.normal(p.optimism, p.optimism_sd, who.size), 0.0, 1.0)
        self.expectation[who] = setting.initial_expectation(own)
        self.satisfaction[who] = 0.0
        # Many join to share one idea they already have (Bayus 2013: most submit only one).
        self.carried_idea[who] = self.rng.random(who.size) < self.params.arrival_idea_share

    def arrivals(self, day: int) -> np.ndarray:
        """Prospects who join today: unprompted arrivals plus friends invited by word of mouth."""
        from simulation.model import kernels

        prospect, rng, friends = int(ConsumerStatus.PROSPECT), self.rng, self.friends
        prospects = self.size - self.n_joined  # a prospect is one who never joined
        if prospects == 0:
            return np.empty(0, dtype=np.int64)
        inviters = kernels.flagged(self.member_rows, self.active_today)  # only members are
        count = min(rng.poisson(self.community.arrival_rate), prospects)
        # rng.choice(the prospects in index order, count, replace=False) draws positions in
        # that list (the draws depend on its length alone) and takes those rows: the same
        # draws here, and the rows from the tree
        unprompted = self.prospect_rows(rng.choice(prospects, size=count, replace=False))
        # members active today invite with chance word_of_mouth * (1 + satisfaction) / 2
        inviters = kernels.who_invites(
            inviters,
            rng.random(inviters.size),
            self.satisfaction,
            self.community.word_of_mouth,
        )
        if friends.indices.size == 0:  # no one has a friend to invite (nothing drawn)
            invited = np.empty(0, dtype=np.int64)
        else:  # a friend drawn uniformly for each inviter, as friends.random_friend
            invited = kernels.friends_invited(
                inviters, rng.random(inviters.size), friends.indptr, friends.indices, friends.degree
            )
        # who accepts, if still a prospect; with the unprompted, as np.unique gives them
        return kernels.newcomers(
            unprompted,
            invited,
            rng.random(invited.size),
            self.community.invite_acceptance,
            self.status,
            prospect,
        )

    def prospect_rows(self, positions: np.ndarray) -> np.ndarray:
        """The prospects at ``positions`` (0-based) in the list of all prospects by index.

        ``np.flatnonzero(status == PROSPECT)[positions]``, read from the tree without listing them.
        """
        from simulation.model import kernels

        return kernels.kth_prospects(self._prospects, np.asarray(positions, dtype=np.int64))

    # --- the day's choices ----------------------------------------------------------------------
    def utility(self, who: np.ndarray, pull: np.ndarray | float, bond: np.ndarray) -> np.ndarray:
        """Benefit minus cost of taking part today for consumers ``who``, before daily noise.

        ``bond`` is the share of each one's friends active this week (one value per ``who``).
        """
        p = self.params
        recognition = self.recognition[who]
        if not np.isscalar(pull):
            pull = pull[who]
        return (
            self.intrinsic[who]
            + p.weight_identity * self.identity[who]
            + p.weight_bond * bond
            + p.weight_recognition * recognition / (1.0 + recognition)
            + p.weight_money * self.extrinsic[who] * pull
            + p.weight_influence * self.expectation[who]
            + p.weight_satisfaction * self.satisfaction[who]
            - p.participation_cost
        )

    def participate(self, day: int, incentive: np.ndarray | float) -> tuple[np.ndarray, ...]:
        """Members who take part today: (idea authors, builders, voters).

        Authors and builders repeat once per post. A day of taking part brings a Poisson number
        of posts with the member's own mean ("voice"), so the eager few write many; a newcomer
        who joined with an idea posts it; a running cash scheme draws extra, paid-for ideas.
        """
        return self.take_part(day, *self.willing(day, incentive))

    def take_part(
        self, day: int, members: np.ndarray, pull: np.ndarray | float, taking_part: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """The day of the ``members`` flagged ``taking_part``: (idea authors, builders, voters)."""
        from simulation.model import kernels

        keep = 1.0 - self.autonomy_loss if self.autonomy_loss else 1.0
        active = kernels.take_part(
            members,
            taking_part,
            day,
            self.active_today,
            self.last_active,
            self.active_days,
            self.intrinsic,
            keep,
        )
        posts = self.rng.poisson(self.voice[active])
        paid = self._cash_ideas(active, pull)
        builds = self.rng.random(int(posts.sum()))  # one number per post: a build or an idea
        return kernels.posts_of(
            active,
            posts,
            paid,
            self.carried_idea,
            builds,
            self.params.build_share,
            self.posting_days,
        )

    def willing(self, day: int, incentive: np.ndarray | float):
        """Who would take part today if this were their only community.

        Returns:
            ``(members, pull, willing)``: the members, the cash pull (a scalar or one value per
            consumer) and a mask over ``members``; ``self.value`` keeps each member's utility
            before the day's noise (what the community offers them; the attention split reads
            it).
        """
        from simulation.model import kernels

        members = self.member_rows
        # Friends active this week pull one in (friends who left push one out: end_of_day).
        self.count_active_friends(day)
        pull = incentive / (incentive + self.params.reward_half_saturation)
        noise = self.rng.normal(0.0, self.params.daily_noise, members.size)
        p, friends = self.params, self.friends
        offsets, sums = friends.share_sums
        each = not np.isscalar(pull)
        self.value = kernels.utility(  # what self.utility(members, pull, bond) computes
            members,
            self.intrinsic,
            self.identity,
            self.recognition,
            self.extrinsic,
            self.expectation,
            self.satisfaction,
            np.asarray(pull, dtype=np.float64).reshape(-1),
            each,
            self.active_friends,
            friends.degree,
            offsets,
            sums,
            np.array(
                [
                    p.weight_identity,
                    p.weight_bond,
                    p.weight_recognition,
                    p.weight_money,
                    p.weight_influence,
                    p.weight_satisfaction,
                    p.participation_cost,
                ],
                dtype=np.float64,
            ),
        )
        return members, pull, kernels.willing(self.value, noise, self.threshold, members)

    def bond(self, who: np.ndarray, day: int) -> np.ndarray:
        """For each of ``who``, the share of their friends who are members active this week.

        The same numbers as ``friends.share_of_friends_of(who, flags)`` with ``flags`` the
        members who took part in the last seven days, to the last bit; each consumer's count of
        such friends is kept from day to day and updated only around those whose flag changed.
        """
        self.count_active_friends(day)
        return self.friends.share_of(who, self.active_friends[who])

    def count_active_friends(self, day: int) -> None:
        """Bring each consumer's count of friends active this week up to ``day``.

        Active this week: a member who took part in the last seven days. The friends of those
        whose flag changed since the last count gain or lose one (a compiled loop). Only the
        members and those who left since the last count can have changed.
        """
        from simulation.model import kernels

        friends = self.friends
        visit, self._left = [self.member_rows, *self._left], []
        for rows in visit:
            kernels.update_active_friends(
                rows,
                self.member,
                self.last_active,
                max(day - 7, 0),
                self.active_this_week,
                self.active_friends,
                friends.indptr,
                friends.indices,
            )

    def _cash_ideas(self, active: np.ndarray, pull: np.ndarray | float) -> np.ndarray:
        """Extra ideas drawn by a running cash scheme, and its crowding-out.

        Cash raises quantity (Cerasoli, Nicklin & Ford 2014); engaging under an expected,
        contingent reward crowds out intrinsic interest however large the reward (Deci, Koestner
        & Ryan 1999, F1).
        """
        if np.ndim(pull) == 0 and not pull > 0:  # no cash on offer today: nothing drawn
            return np.zeros(active.size, dtype=np.int64)
        pull = np.broadcast_to(pull, self.size)[active]
        exposed = pull > 0
        if not exposed.any():
            return np.zeros(active.size, dtype=np.int64)
        self.intrinsic[active[exposed]] *= 1.0 - self.params.crowding_out
        return self.rng.poisson(self.params.cash_idea_rate * self.extrinsic[active] * pull)

    def record_posts(self, authors: np.ndarray, day: int) -> np.ndarray:
        """Count posts (authors repeat once per post); mark which post is each author's first."""
        from simulation.model import kernels

        first, before, after, top = kernels.record_posts(
            np.asarray(authors, dtype=np.int64),
            day,
            self.contributions,
            self.second_post_day,  # the first post on a later day than the first
            self.first_post_day,
            self.last_post_day,
            self.status,
            int(ConsumerStatus.CONTRIBUTOR),
            self.mark,
        )
        if top >= self.contribution_counts.size:  # the histogram doubles past the largest count
            grown = np.zeros(2 * int(top) + 1, dtype=np.int64)
            grown[: self.contribution_counts.size] = self.contribution_counts
            self.contribution_counts = grown
        kernels.recount(self.contribution_counts, before, after)
        return first

    def search_steps(self, authors: np.ndarray) -> np.ndarray:
        """Effort an author puts into an idea: hill-climbing steps.

        Intrinsic interest drives quality (Cerasoli, Nicklin & Ford 2014), so steps scale with
        intrinsic interest relative to the population mean.
        """
        p = self.params
        ratio = self.intrinsic[authors] / max(p.intrinsic_mean, 1e-9)
        return np.rint(p.search_steps * np.clip(ratio, 0.0, 2.0)).astype(np.int64)

    # --- what comes back -----------------------------------------------------------------------
    def pay(self, authors: np.ndarray, amounts: np.ndarray) -> None:
        """Record cash paid (crowding-out happens where people engage under the scheme)."""
        np.add.at(self.paid, authors, amounts)

    def feedback(
        self,
        authors,
        day,
        *,
        replied,
        explained,
        badge,
        credited,
        outcome,
        silent,
        first_post,
        read,
        fair_process=False,
    ) -> None:
        """Apply the firm's answers to authors (arrays, one entry per idea; authors may repeat).

        ``outcome`` is 1 (accepted), 0 (rejected or ignored) or NaN (no decision yet); ``read``
        whether anyone at the firm read the idea (an expired idea was not); ``fair_process``
        whether the firm decides by criteria it stated up front.
        """
        from simulation.model import kernels

        p, r = self.params, self.recognition_params
        # Informational feedback (a reply, an explanation or a badge) raises intrinsic interest
        # (Deci et al. 1999, F2, d = +0.33), up to a cap; replies and badges add recognition,
        # badges and credits identity.
        # Satisfaction with a decision (Oliver 1980): an expectation path (assimilation: who
        # expected more rates the same answer higher, so expectation and satisfaction
        # correlate positively, F8) plus disconfirmation (the outcome above or below what was
        # expected); fairness of the process adds (Franke, Keinz & Klausberger 2013); silence
        # hurts, newcomers most (Halfaker et al. 2013; Piezunka & Dahlander 2019):
        #   worth = decided * (w_e * prior + w_d * (result - prior)) + fairness * fair
        #           - silence * silent * (1 + newcomer), clipped to -1..1
        worth, decided, result = kernels.hear_answers(
            authors,
            day,
            replied,
            explained,
            badge,
            credited,
            outcome,
            silent,
            read,
            bool(fair_process),
            self.intrinsic,
            self.recognition,
            self.identity,
            self.answers_read,
            self.expectation,
            self.join_day,
            np.array(
                [
                    p.feedback_boost * p.intrinsic_sd,
                    self.intrinsic_cap,
                    r.reply_value,
                    r.badge_value,
                    p.identity_gain,
                    p.expectation_weight,
                    p.disconfirmation_weight,
                    p.fairness_bonus,
                    p.silent_penalty,
                ],
                dtype=np.float64,
            ),
            p.newcomer_days,
        )
        # Satisfaction is a running average of experiences, so it does not grow with how much
        # one posts: each answer moves it part of the way towards what that answer was worth.
        move_towards(self.satisfaction, authors, worth, p.satisfaction_learning, self.mark)
        # The first decision one hears: what one expected before it, how satisfied after it;
        # what became of one's first post.
        who, target, rate = kernels.first_answers(
            authors,
            day,
            decided,
            result,
            replied,
            explained,
            first_post,
            read,
            p.expectation_learning,
            self.first_answer_day,
            self.expectation,
            self.expectation_prior,
            self.satisfaction,
            self.satisfaction_first,
            self.first_reply,
            self.first_outcome,
        )
        # Contributors learn their real chances from the firm's answers (Huang et al. 2014).
        move_towards(self.expectation, who, target, rate, self.mark)

    def posted_again(self, day: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """Newcomers' return after their first post (Joyce & Kraut 2006).

        Returns:
            ``(observed, again)``: who could be observed for ``window`` days after their first
            post by ``day``, and who posted again on a later day within that window.
        """
        observed = (self.first_post_day >= 0) & (self.first_post_day <= day - window)
        again = (self.second_post_day >= 0) & (self.second_post_day - self.first_post_day <= window)
        return observed, again

    def after_first_answers(self, day: int, window: int) -> dict[str, float]:
        """What became of people after their first answers, by ``day`` (NaN with no one to see).

        ``post_again_after_rejection``: newcomers whose first idea was read and turned down at
        review and who could be observed ``window`` days, the share who posted again within
        them (Piezunka & Dahlander 2019). ``contributor_retention_90``: members who posted within
        30 days of joining, observed 90 days after their first post, the share who took part
        again 90 days or more after it (Gallus 2017 counted newcomers still active).
        ``retained_after_answer``: members whose first decision came at least 90 days ago, the
        share who did not leave within 90 days of it.
        """

        def share(mask: np.ndarray, kept: np.ndarray) -> float:
            return float(kept[mask].mean()) if mask.any() else float("nan")

        observed, again = self.posted_again(day, window)
        first, answered = self.first_post_day, self.first_answer_day
        stayed = (self.churn_day < 0) | (self.churn_day - answered >= 90)
        early = (first >= 0) & (first - self.join_day < 30) & (first <= day - 90)
        return {
            "post_again_after_rejection": share(observed & (self.first_outcome == 1), again),
            "contributor_retention_90": share(early, self.last_active - first >= 90),
            "retained_after_answer": share((answered >= 0) & (answered <= day - 90), stayed),
        }

    def recognise_peers(self, authors: np.ndarray) -> None:
        """Peer recognition: up-votes and builds received count as recognition.

        Votes, comments and builds are how peers recognise a contribution, and the social
        benefit of contributing grows with the audience that sees it (Kraut & Resnick 2012;
        Restivo & van de Rijt 2012): the more members read and vote, the more an author gets.
        ``authors`` repeats once per vote or build received.
        """
        value = self.recognition_params.peer_value
        if value and authors.size:
            from simulation.model import kernels

            kernels.add_at(self.recognition, authors, float(value))  # as np.add.at

    def let_in_first(self, since_day: int, value: float) -> None:
        """Early access for members who posted since ``since_day``: recognition and identity."""
        rows = self.member_rows
        who = rows[self.last_post_day[rows] >= since_day]
        self.recognition[who] += value
        self.identity[who] += self.params.identity_gain

    def see_influence(self, accepted: int) -> None:
        """Visible influence: members see community ideas credited and expect more of their own.

        Each credited idea moves every member's expectation a tenth of a learning step towards 1.
        """
        if accepted:
            m = self.member_rows
            kept = (1 - 0.1 * self.params.expectation_learning) ** accepted
            self.expectation[m] = 1 - (1 - self.expectation[m]) * kept

    # --- snapshots -----------------------------------------------------------------------------
    def snapshot(self, day: int) -> dict[str, np.ndarray]:
        """Every current or former member's state on ``day`` (rows of the snapshot table)."""
        ever = np.flatnonzero(self.join_day >= 0)
        row = {"day": np.full(ever.size, day, dtype=np.int32), "consumer": ever}
        row.update({name: getattr(self, name)[ever].copy() for name in SNAPSHOT_COLUMNS})
        end = np.where(self.churn_day[ever] >= 0, self.churn_day[ever], day)
        row["tenure"] = (end - self.join_day[ever]).astype(np.int32)
        return row

    def snapshot_schema(self) -> dict[str, np.ndarray]:
        """The snapshot table's columns with no rows (when no snapshot was taken)."""
        row = {"day": np.empty(0, dtype=np.int32), "consumer": np.empty(0, dtype=np.int64)}
        row.update({name: getattr(self, name)[:0].copy() for name in SNAPSHOT_COLUMNS})
        row["tenure"] = np.empty(0, dtype=np.int32)
        return row

    # --- end of day ----------------------------------------------------------------------------
    def end_of_day(self, day: int) -> np.ndarray:
        """Decay recognition, let interest recover, and draw who leaves; returns the leavers.

        Exit (Ren & Kraut): a baseline hazard, more after a long inactive streak, more when
        dissatisfied, more when one's friends have left.
        """
        from simulation.model import kernels

        p, friends = self.params, self.friends
        draw = self.rng.random(self.member_rows.size)  # one number per member
        rates = [
            1 - p.recognition_decay,
            p.intrinsic_recovery,
            1 - p.satisfaction_decay,
            p.exit_base,
            p.exit_inactive,
            p.exit_dissatisfaction,
            p.exit_friends,
        ]
        # recognition and satisfaction decay, interest recovers; then each member's hazard
        # base + inactive * (idle > inactivity_days) + dissatisfaction * max(-satisfaction, 0)
        # + friends * friends_left, against their number; leavers' friends lose 1/degree each
        leavers, self.member_rows = kernels.end_of_day(
            day,
            draw,
            self.member_rows,
            self.member,
            self.status,
            self.active_today,
            self.churn_day,
            self.recognition,
            self.intrinsic,
            self.intrinsic_base,
            self.satisfaction,
            self.last_active,
            self.join_day,
            self.friends_left,
            friends.indptr,
            friends.indices,
            friends.degree,
            np.array(rates, dtype=np.float64),
            p.inactivity_days,
            int(ConsumerStatus.CHURNED),
        )
        if leavers.size:
            self._left.append(leavers)
        return leavers


def move_towards(
    state: np.ndarray, who: np.ndarray, target: np.ndarray, rate, mark: np.ndarray | None = None
) -> None:
    """Exponential smoothing of ``state[who]`` towards ``target`` at ``rate``, in place.

    When someone gets several answers on one day, the moves compound as if applied one after
    another towards their rate-weighted mean target, so the state never overshoots:
    ``state += (1 - prod(1 - rate)) * (mean_target - state)``, the product as ``exp`` of a sum
    of ``log1p`` (numpy's), the sums in answer order. ``mark``: scratch of ``state``'s size,
    -1 everywhere (kept so between calls; made if not given).

    >>> s = np.zeros(2)
    >>> move_towards(s, np.array([0, 0, 1]), np.array([1.0, 1.0, -1.0]), 0.5)
    >>> s.tolist()
    [0.75, -0.5]
    """
    from simulation.model import kernels

    if who.size == 0:
        return
    rate = np.full(who.shape, rate, dtype=float) if np.ndim(rate) == 0 else np.asarray(rate, float)
    target = np.asarray(target, dtype=float)
    if mark is None:
        mark = np.full(state.size, -1, dtype=np.int64)
    group, people = kernels.smooth_once(state, np.asarray(who, dtype=np.int64), target, rate, mark)
    if not group.size:  # one answer each: a single smoothing step, done
        return
    logs = np.log1p(-np.minimum(rate, 1.0 - 1e-12))
    mean_target, log_kept = kernels.smooth_sums(group, people, target, rate, logs)
    kernels.smooth_apply(state, people, mean_target, np.exp(log_kept))


def prospect_tree(n: int) -> np.ndarray:
    """A Fenwick tree over ``n`` prospects (entry ``i`` of 1..n counts ``i & -i`` of them)."""
    i = np.arange(n + 1, dtype=np.int32)
    return i & -i


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
        end = (
            self.model.day
            if self.status is not ConsumerStatus.CHURNED
            else int(self.population.churn_day[self.index])
        )
        return 0 if joined < 0 else end - joined

    def state(self) -> dict[str, float | int | str]:
        """Everything the model knows about this consumer, by name."""
        pop, i = self.population, self.index
        row = {name: float(getattr(pop, name)[i]) for name in FLOAT_STATE}
        row.update({name: int(getattr(pop, name)[i]) for name in DAY_STATE})
        row.update(
            status=self.status.name.lower(),
            tenure=self.tenure,
            contributions=int(pop.contributions[i]),
            friends=int(pop.friends.degree[i]),
        )
        return row

    def __getattr__(self, name: str):
        # Motivation parts and other columns read straight from the population.
        if name in FLOAT_STATE or name in DAY_STATE or name == "contributions":
            return getattr(self.population, name)[self.index]
        raise AttributeError(name)
