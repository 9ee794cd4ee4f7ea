"""Event logs: one format for a real community's history and for a simulated one.

An event log has one row per event (a member joined, posted an idea, built on one, voted, the
firm replied or decided, a member left); ``docs/events.md`` describes the format and every
statistic. :mod:`.schema` reads and checks a log (CSV or Parquet) into the normalised frame,
:mod:`.from_run` writes the same frame from a model run, and :mod:`.summaries` computes the
same summary statistics from either, so a model can be compared with (and later calibrated
to) a real community.

Nothing is imported here, so ``import simulation.events`` stays cheap; import the modules.
"""
