"""Who sees what of the idea space: consumers, the firm, a dialogue, and the decision team.

Need knowledge is sticky at consumers and solution knowledge at the firm (von Hippel 1994).
A consumer is aware of each of their need loci with probability ``need_awareness`` (latent needs
stay hidden); framing adds a disclosed share of the firm's loci, strategy first (Huang, Singh &
Srinivasan 2014); a decision team judges a concept by the mean of its members' perspectives.

Every view is tabulated over the whole (small) space once, so a search step is a table lookup;
the firm's view (and what is read from it) again whenever the firm learns a need in dialogue.
Consumers' awareness profiles are enumerated when there are at most ``MAX_PROFILES`` of them and
otherwise sampled once per run.
"""

from __future__ import annotations

import numpy as np

from simulation.model.ideas.space import IdeaSpace
from simulation.model.measures import quantile
from simulation.model.policies import Framing, Team
from simulation.scenario import Scenario

MAX_PROFILES = 64


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (0.75 of 6 loci discloses 5, not 4).

    >>> round_half_up(4.5), round_half_up(1.2)
    (5, 1)
    """
    return int(np.floor(x + 0.5))


class PerspectiveViews:
    """Tabulated views of the idea space for each kind of viewer."""

    def __init__(
        self,
        space: IdeaSpace,
        params: Scenario,
        framing: Framing,
        team: Team,
        rng: np.random.Generator,
    ):
        self.space = space
        self.learning = params.marketers.learning
        self.need_known = round_half_up(params.marketers.need_knowledge * space.need_loci.size)
        self.learnt_days: list[int] = []  # the day the firm learnt each need locus in dialogue
        self._promote_share, self._accept_share = (
            params.organisation.promote_share,
            params.decision.accept_share,
        )
        self._team = team
        need_all, firm_all = space.mask(space.need_loci), space.mask(space.firm_loci)
        self.dialogue = space.view(space.weights(need_all, firm_all))[None, :]
        # the strategy loci are the last firm loci: the others are the firm loci before them
        others = space.firm_loci[: space.firm_loci.size - space.strategy_loci.size]
        order = np.concatenate([space.strategy_loci, others])
        disclosed = space.mask(order[: round_half_up(framing.disclosed * order.size)])
        self.disclosed_bits = int((disclosed.astype(np.int64) << np.arange(space.loci)).sum())
        # each profile's weights now (with every draw they need); its view of the space (a
        # product over every point) when a search first works with that profile
        self._consumer_weights, self.profile_p = self._consumer_weights_of(
            params.consumers.need_awareness, disclosed, rng, framing.misreading
        )
        self._consumer = np.empty((self.profile_p.size, space.size))
        self._unmade = np.ones(self.profile_p.size, dtype=bool)
        self._all_made = False
        self.profile_cdf = np.cumsum(self.profile_p)
        self.profile_cdf[-1] = 1.0
        self._tabulate_firm()

    @property
    def need_knowledge(self) -> float:
        """Share of the need loci the firm knows now (from observing use, then from dialogue)."""
        return self.need_known / self.space.need_loci.size

    def _tabulate_firm(self) -> None:
        """Tabulate the firm's view and what is read from it: the bars and the team's view.

        The promotion bar, the team's view and the screen's bar all follow the firm's view. This
        costs a few milliseconds over the whole space, so it runs only when the view changes.
        """
        space = self.space
        known = space.mask(space.need_loci[: self.need_known])
        self.firm_weights = space.weights(known, space.mask(space.firm_loci))
        self.firm_view = space.view(self.firm_weights)
        self.firm = self.firm_view[None, :]
        self.promote_threshold = float(quantile(self.firm_view, 1.0 - self._promote_share))
        self.team_view = self._team_view(self._team)
        promotable = self.firm_view >= self.promote_threshold
        pool = self.team_view[promotable] if promotable.any() else self.team_view
        self.screen_threshold = float(quantile(pool, 1.0 - self._accept_share))

    def learn(self, dialogues: int, day: int, rng: np.random.Generator) -> int:
        """Let ``dialogues`` dialogues with authors move sticky need information to the firm.

        Need information is sticky at users (von Hippel 1994), but working an idea over with its
        author can move some of it: each dialogue teaches the firm one need locus it does not yet
        know with probability ``marketers.learning``. The firm learns the need loci in their
        order (they are exchangeable on a random landscape, so the order costs no random number).
        The firm's view is tabulated again only when it learnt something, and no random number
        is drawn when it cannot learn (``learning`` 0, nothing left to learn, no dialogue).

        Returns:
            How many need loci the firm learnt.
        """
        unknown = self.space.need_loci.size - self.need_known
        if self.learning <= 0 or dialogues <= 0 or unknown <= 0:
            return 0
        taught = min(int(rng.binomial(dialogues, self.learning)), unknown)
        if taught:
            self.need_known += taught
            self.learnt_days += [day] * taught
            self._tabulate_firm()
        return taught

    @property
    def consumer(self) -> np.ndarray:
        """Every awareness profile's view of the space (one row per profile)."""
        return self.consumer_views(np.arange(self.profile_p.size))

    def consumer_views(self, profiles: np.ndarray) -> np.ndarray:
        """The profiles' views (one row per profile), those of ``profiles`` made if not yet.

        A view is the space's features times the profile's weights, one matrix-vector product
        per profile (``space.view``), made when a search first works with the profile: a small
        run draws only some of the 64 profiles. Rows of profiles not asked for may be unmade.
        """
        if not self._all_made and profiles.size:
            wanted = np.unique(profiles[self._unmade[profiles]])
            for profile in wanted:
                self._consumer[profile] = self.space.view(self._consumer_weights[profile])
            self._unmade[wanted] = False
            self._all_made = not self._unmade.any()
        return self._consumer

    def _consumer_weights_of(
        self,
        awareness: float,
        disclosed: np.ndarray,
        rng: np.random.Generator,
        misreading: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The weights of each need-awareness profile's view, and each profile's probability.

        Under framing each profile also reads each disclosed locus the wrong way round with
        probability ``misreading`` (drawn once per profile and run): it then steers away from
        what the firm's constraint or strategy asks for.
        """
        space, n_need = self.space, self.space.need_loci.size
        if 2**n_need <= MAX_PROFILES:
            bits = ((np.arange(2**n_need)[:, None] >> np.arange(n_need)) & 1).astype(bool)
            seen = bits.sum(axis=1)
            prob = awareness**seen * (1 - awareness) ** (n_need - seen)
        else:
            bits = rng.random((MAX_PROFILES, n_need)) < awareness
            prob = np.full(MAX_PROFILES, 1.0 / MAX_PROFILES)
        misread = np.zeros((bits.shape[0], space.loci), dtype=bool)
        if disclosed.any() and misreading > 0:
            misread = (rng.random(misread.shape) < misreading) & disclosed
        # every profile's weights at once, as space.weights makes them one by one: the
        # disclosed loci's (the same for all), then each profile's need loci's
        weights = np.tile(
            space.weights(np.zeros(space.loci, dtype=bool), disclosed), (len(bits), 1)
        )
        need_seen = np.zeros((len(bits), space.loci), dtype=bool)
        need_seen[:, space.need_loci] = bits
        rows, loci = np.nonzero(need_seen & ~disclosed)  # a locus also disclosed: the firm's weight
        weights[rows, loci] = 1.0 / need_seen.sum(axis=1)[rows]
        weights[:, : space.loci][misread] *= -1.0
        weights[:, space.loci :][misread] *= -1.0  # strategy match read the wrong way
        return weights, prob / prob.sum()

    def consumer_profiles(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """Draw the awareness profile each of ``count`` consumer searches works with today."""
        return np.searchsorted(self.profile_cdf, rng.random(count), side="right")

    def _team_view(self, team: Team) -> np.ndarray:
        space = self.space
        firm = self.firm_view / self.firm_view.max()
        by_perspective = {
            "customer": space.need_fit,
            "marketing": firm,
            "engineering": space.feasibility,
            "operations": space.feasibility,
            "finance": space.feasibility * space.on_strategy,
            "co_owner": space.need_fit * space.on_strategy,
        }
        views = [by_perspective[p] for p in sorted(team.perspectives)] or [firm]
        return np.mean(views, axis=0)
