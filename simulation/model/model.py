"""CoCreationModel: organisations, their marketers and a population of consumers, one day a step."""

from __future__ import annotations

import functools

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from simulation.model.agents.consumer import Consumer, ConsumerPopulation
from simulation.model.agents.organisation import Organisation
from simulation.model.attention import split_attention
from simulation.model.community import Acts, Community, Day
from simulation.model.ideas.space import IdeaSpace
from simulation.model.metrics import REPORTERS
from simulation.model.network import Friendships, build_edges
from simulation.scenario import Scenario, organisation_scenarios
from simulation.scenario.organisations import named_co_owners


class DailyFigures:
    """The daily metrics, one list per metric: what Mesa's DataCollector would keep, cheaper.

    ``collect`` appends today's value of every metric (``model_vars[name]`` is its list, as in
    ``mesa.DataCollector``) and ``get_model_vars_dataframe`` makes the same frame Mesa's would,
    without Mesa's per-value reporter call and deep copy.
    """

    def __init__(self, today: dict[str, float]):
        self.today = today
        self.model_vars: dict[str, list] = {name: [] for name in today}
        self._lists = list(self.model_vars.values())

    def collect(self, model=None) -> None:
        """Append today's figures."""
        for column, value in zip(self._lists, self.today.values(), strict=True):
            column.append(value)

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per collected day, one column per metric (the frame Mesa's would be)."""
        return pd.DataFrame({name: np.asarray(values) for name, values in self.model_vars.items()})


class CoCreationModel(mesa.Model):
    """Co-creation communities under their organisations' policies, one day a step (:meth:`step`).

    One organisation by default; a scenario's ``[[organisations]]`` adds rival firms that run
    their own communities over the same consumers. The first organisation is the *focal* one:
    the daily metrics (``timeseries``) describe its community, and ``model.organisation``,
    ``model.consumers`` and ``model.ideas`` are its.

    Args:
        scenario: the validated parameters (defaults: ``Scenario()``).
        rng: seed or generator; defaults to ``scenario.run.seed``.
        events: also record who built on and voted for which idea, for the run's event log
            (``docs/events.md``); it changes no result and draws no random number.
    """

    def __init__(self, scenario: Scenario | None = None, *, rng=None, events: bool = False):
        params = scenario if scenario is not None else Scenario()
        super().__init__(rng=params.run.seed if rng is None else rng)
        self.params, self.day = params, 0
        firms = [(name, firm) for name, _, firm in organisation_scenarios(params)]
        co_owners = named_co_owners(params)
        self.space = IdeaSpace(params.ideas, self.rng)
        community = params.community
        friends = Friendships.from_edges(community.consumers, build_edges(community, self.rng))
        people = ConsumerPopulation(
            params.consumers, community, firms[0][1].policies.recognition, friends, self.rng
        )
        self._consumer_agents = False  # made on first look at the agents (:meth:`agents`)
        self.organisations: list[Organisation] = [
            Organisation.found(
                self,
                name,
                firm,
                people if i == 0 else people.sibling(firm.policies.recognition),
                tuple(co_owners.get(name, ())),
            )
            for i, (name, firm) in enumerate(firms)
        ]
        for org in self.organisations:
            first = self.rng.choice(community.consumers, community.initial_members, replace=False)
            org.consumers.join(np.sort(first), 0, org.policies.expectations)
        if events:
            for org in self.organisations:
                org.community.acts = Acts()
        self.today: dict[str, float] = dict.fromkeys(REPORTERS, 0.0)
        self.datacollector = DailyFigures(self.today)
        self.snapshots: list[dict[str, np.ndarray]] = []
        self.organisation_rows: list[dict[str, float]] = []  # the organisations table

    # --- the agents ----------------------------------------------------------------------------
    # Consumers are rows of columns; their Mesa agents are thin views (:class:`Consumer`) that a
    # run never reads. They are made the first time anyone looks at the model's agents, so a run
    # does not pay a Python object per consumer (a million of them cost seconds and ~0.5 GB).
    def _make_consumer_agents(self) -> None:
        if not self.__dict__.get("_consumer_agents", True):
            self._consumer_agents = True
            n = self.params.community.consumers
            Consumer.create_agents(self, n, list(range(n)))

    @property
    def agents(self):
        """Every agent of the model (Mesa's ``Model.agents``), consumers' views included."""
        self._make_consumer_agents()
        return super().agents

    @property
    def agents_by_type(self):
        """The agents by class (Mesa's ``Model.agents_by_type``), consumers' views included."""
        self._make_consumer_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The classes of the model's agents (Mesa's ``Model.agent_types``)."""
        self._make_consumer_agents()
        return super().agent_types

    # --- the focal organisation and its community -----------------------------------------------
    @property
    def organisation(self) -> Organisation:
        """The focal (first) organisation."""
        return self.organisations[0]

    @property
    def communities(self) -> list[Community]:
        """Every organisation's community, in the organisations' order."""
        return [org.community for org in self.organisations]

    @property
    def consumers(self) -> ConsumerPopulation:
        """The focal community's membership columns (person traits are shared by all)."""
        return self.organisation.consumers

    @property
    def ideas(self):
        """The focal community's idea pool."""
        return self.organisation.ideas

    @property
    def policies(self):
        """The focal organisation's policies."""
        return self.organisation.policies

    @property
    def framing(self):
        """The focal organisation's framing of the task."""
        return self.organisation.framing

    @property
    def views(self):
        """The views of the idea space the focal organisation's policies give."""
        return self.organisation.views

    @property
    def yesterday(self) -> Day:
        """The focal community's record of the day before."""
        return self.organisation.community.yesterday

    @functools.cached_property
    def graph(self) -> nx.Graph:
        """The consumers' social network as a networkx graph (node i is consumer i)."""
        return self.consumers.friends.graph()

    # --- the day --------------------------------------------------------------------------------
    def step(self) -> None:
        """One day (the schedule of ``docs/ODD.md``, section 3).

        Newcomers arrive; members decide to take part (pulled by any cash on offer); their ideas
        and builds enter the pool; voters vote; each organisation has its day (ignored ideas
        expire, marketers review the queue, concepts pass the gates, authors hear back); cash is
        paid; interest and satisfaction drift and some members leave; the day is measured and
        closed (collected, snapshot, stop after the last day). With several organisations each
        stage runs for every community before the next stage starts.
        """
        self.day = self.steps - 1
        communities = self.communities  # one per organisation
        for community in communities:
            community.start(self.day)  # today's record; members before anything happens
        for community in communities:
            community.arrive()  # 1 newcomers join
        self.participate(communities)  # 2 members take part (attention split between rivals)
        for community in communities:
            community.submit()  # 3 ideas and builds enter the pool; internal ideas
        for community in communities:
            community.vote()  # 4 votes on recent ideas
        for org in self.organisations:
            org.step()  # 5 expiry, queue, marketers' review, gates, answers
        for community in communities:
            community.pay()  # 6 cash rewards
        for community in communities:
            community.leave()  # 7 drift of interest and satisfaction; exits
        self.measure()  # 8 the day's figures
        self.close()  # 9 collect, snapshot, stop after the last day

    def participate(self, communities: list[Community]) -> None:
        """Members decide to take part; members of several communities share their attention."""
        if len(communities) == 1:
            communities[0].participate()
        else:
            p = self.params.consumers
            split_attention(communities, self.day, p.attention, p.attention_spread, self.rng)

    def measure(self) -> None:
        """Update today's figures: the registry's daily metrics, read by ``datacollector``.

        The daily metrics are the focal community's; every community adds a row to the
        ``organisations`` table.
        """
        figures = self.organisation.community.figures()
        self.today.update(figures)
        memberships = self.memberships()
        for i, org in enumerate(self.organisations):
            others = None if memberships is None else memberships - org.consumers.member
            row = org.community.row(others, figures if i == 0 else None)
            self.organisation_rows.append({"day": self.day, "organisation": org.name, **row})

    def memberships(self) -> np.ndarray | None:
        """How many communities each consumer belongs to now (None with one organisation)."""
        if len(self.organisations) == 1:
            return None
        count = np.zeros(self.organisation.consumers.size, dtype=np.int8)
        for org in self.organisations:
            count += org.consumers.member
        return count

    def close(self) -> None:
        """Collect the day's figures, take a snapshot when one is due, stop after the last day."""
        self.datacollector.collect(self)
        interval, days = self.params.run.snapshot_interval, self.params.run.days
        if interval and (self.day % interval == 0 or self.day == days - 1):
            if len(self.organisations) == 1:
                self.snapshots.append(self.consumers.snapshot(self.day))
            else:  # every community's members, labelled by organisation
                for org in self.organisations:
                    rows = org.consumers.snapshot(self.day)
                    rows["organisation"] = np.full(rows["day"].size, org.name, dtype=object)
                    self.snapshots.append(rows)
        if self.day + 1 >= days:
            self.running = False
        for community in self.communities:
            community.close()
