"""Rival communities compete for one thing their members cannot stretch: their attention.

A consumer may belong to several communities, but has a limited budget of attention
(``consumers.attention``, in communities' worth: 1 means one community's worth of time in all).
Each day every community works out who would take part in it if it were their only one
(:meth:`ConsumerPopulation.willing`). A member of more communities than their budget covers
splits it by a random-utility (logit) rule over the utility each community offers them before
the day's noise — their interest there, friends active there, recognition received there, the
cash it holds out, the influence and satisfaction they expect there:

    share_k = min(1, attention * exp(V_k / spread) / sum_j exp(V_j / spread))

and takes part in ``k`` only on a share ``share_k`` of the days they would have. Groups whose
members also belong to rival groups grow more slowly, because they compete for the same
members' time (Wang, Butler & Ren 2013, membership overlap as ecological competition between
online groups); the logit form and its ``spread`` are a modelling choice (McFadden's random
utility), documented in ``docs/ODD.md``.

A member who spends their time elsewhere is idle here: over weeks that raises their inactivity
exit hazard, which is how a rival that pays can drain a community that does not. With one
organisation nothing here runs, and results are those of a single community.
"""

from __future__ import annotations

import numpy as np


def attention_shares(values: np.ndarray, attention: float, spread: float) -> np.ndarray:
    """Each community's share of a consumer's attention (communities x consumers).

    ``values`` holds what each community offers each consumer, ``-inf`` where they are not a
    member. With ``spread`` 0 the best community takes everything.

    >>> v = np.array([[1.0, 0.0], [1.0, -np.inf]])
    >>> attention_shares(v, 1, 0.5).round(3).tolist()
    [[0.5, 1.0], [0.5, 0.0]]
    """
    scaled = values / max(spread, 1e-12)
    scaled = scaled - scaled.max(axis=0)
    weights = np.exp(scaled)
    return np.minimum(attention * weights / weights.sum(axis=0), 1.0)


def split_attention(communities, day: int, attention: int, spread: float, rng) -> None:
    """Today's participation in every community, each consumer's attention shared out.

    Args:
        communities: the model's communities (at least two).
        day: today.
        attention: communities' worth of attention one consumer has.
        spread: how much chance, rather than utility, splits it (utility units).
        rng: the model's random generator.
    """
    plans = [c.consumers.willing(day, c.incentive()) for c in communities]
    memberships = np.zeros(communities[0].consumers.size, dtype=np.int8)
    for community in communities:
        memberships += community.consumers.member
    stretched = memberships > attention
    if stretched.any():
        column = np.full(stretched.size, -1, dtype=np.int64)
        column[stretched] = np.arange(int(stretched.sum()))
        values = np.full((len(communities), int(stretched.sum())), -np.inf)
        for k, (community, (members, _, _)) in enumerate(zip(communities, plans, strict=True)):
            here = column[members]
            values[k, here[here >= 0]] = community.consumers.value[here >= 0]
        shares = attention_shares(values, attention, spread)
        for k, (members, _, willing) in enumerate(plans):
            here = column[members]
            split = willing & (here >= 0)
            willing[split] = rng.random(int(split.sum())) < shares[k, here[split]]
    for community, (members, pull, willing) in zip(communities, plans, strict=True):
        record = community.day
        record.posters, record.builders, record.voters = community.consumers.take_part(
            day, members, pull, willing
        )
