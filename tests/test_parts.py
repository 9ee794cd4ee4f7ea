"""A sweep run's parts, built as Arrow tables, hold what the pandas route's frames hold."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from simulation.experiments import parts, worker
from simulation.experiments.design import RunTask
from simulation.experiments.spec import TableSpec
from simulation.results import arrow_to_pandas, parquet_bytes, table_bytes
from simulation.run import run_scenario
from simulation.scenario import apply_overrides, load_scenario
from tests.helpers import ROOT

SPECS = (
    TableSpec("weekly", "timeseries", ("active_members", "quality_accepted"), 7),
    TableSpec("daily", "timeseries"),
    TableSpec("ideas", "ideas"),
    TableSpec("some_ideas", "ideas", ("point", "status", "author"), 1),  # point: a clash
    TableSpec("decisions", "decisions"),
    TableSpec("snapshots", "snapshots", (), 10),
    TableSpec("organisations", "organisations", ("members",), 5),
)
LABELS = (
    {},
    {"factor": "high", "rate": 1.5, "count": 3, "flag": True},
    {"nothing": None, "missing": float("nan"), "text": "é"},
    {"seed": 5},  # clashes with an id: made the pandas way
)


@pytest.fixture(scope="module", params=["baseline.toml", "rivals.toml"])
def result(request):
    scenario = load_scenario(ROOT / "scenarios" / request.param)
    scenario = apply_overrides(
        scenario, ["community.consumers=200", "run.days=25", "run.snapshot_interval=10"]
    )
    return run_scenario(scenario, seed=3)


def _read(data: bytes) -> pd.DataFrame:
    return arrow_to_pandas(pq.read_table(io.BytesIO(data)))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    categories = all(
        a[c].cat.categories.equals(b[c].cat.categories)
        for c in a
        if isinstance(a[c].dtype, pd.CategoricalDtype)
    )
    return a.equals(b) and list(a.dtypes) == list(b.dtypes) and categories


@pytest.mark.parametrize("labels", LABELS, ids=range(len(LABELS)))
def test_parts_read_back_as_the_pandas_frames(result, labels):
    task = RunTask("00000-000-test", 0, 0, 3, result.scenario, labels, SPECS)
    frames = worker.run_tables(result, task)
    for _ in range(2):  # the first learns each shape's metadata, the second uses it
        got = worker.run_parts(result, task)
        assert list(got) == list(frames)
        for name, frame in frames.items():
            assert _same(_read(got[name]), frame), name
            # with the writer options of the pandas route, the very same bytes
            table = worker.run_arrow(result, task)[name]
            assert table_bytes(table) == parquet_bytes(frame), name


def test_new_parts_concatenate_with_parts_written_before(result):
    """A sweep resumed across the change reads old (zstd) and new parts as one table."""
    task = RunTask("00000-000-test", 0, 0, 3, result.scenario, {"factor": "a"}, SPECS)
    frames = worker.run_tables(result, task)
    new = worker.run_parts(result, task)
    for name, frame in frames.items():
        old = pq.read_table(io.BytesIO(parquet_bytes(frame)))
        both = pa.concat_tables(
            [old, pq.read_table(io.BytesIO(new[name]))], promote_options="permissive"
        )
        assert _same(arrow_to_pandas(both), pd.concat([frame, frame], ignore_index=True))


def test_an_unknown_column_type_goes_the_pandas_way(result):
    task = RunTask("00000-000-test", 0, 0, 3, result.scenario, {"when": (1, 2)}, SPECS[:1])
    with pytest.raises(parts.Unsupported):
        parts.repeated((1, 2), 1)
    frames = worker.run_tables(result, task)
    tables = worker.run_arrow(result, task)
    for name, frame in frames.items():
        assert tables[name].equals(pa.Table.from_pandas(frame, preserve_index=False))


def test_a_runs_timeseries_parts_are_made_without_its_frame():
    scenario = apply_overrides(
        load_scenario(ROOT / "scenarios" / "baseline.toml"),
        ["community.consumers=200", "run.days=25"],
    )
    task = RunTask("00000-000-test", 0, 0, 3, scenario, {"factor": "a"}, SPECS[:2])
    worker.run_parts(run_scenario(scenario, seed=3), task)  # each shape's metadata learnt
    fresh = run_scenario(scenario, seed=4)
    got = worker.run_parts(fresh, task)
    assert "timeseries" not in vars(fresh)  # read through RunResult.columns, never made
    for name, frame in worker.run_tables(fresh, task).items():
        assert _same(_read(got[name]), frame), name
