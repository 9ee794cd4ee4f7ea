"""Exact tests of the result files on small hand-built tables."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from simulation import results
from simulation.results import read_run, write_run
from simulation.run import TABLES, RunResult
from simulation.scenario import Scenario


def hand_built_result(**tables) -> RunResult:
    frames = {
        "timeseries": pd.DataFrame({"day": np.arange(3), "members": [5, 6, 7]}),
        "ideas": pd.DataFrame(
            {
                "idea": [0, 1, 2],
                "status": pd.Categorical(
                    ["pending", "accepted", "pending"],
                    categories=["pending", "rejected", "accepted"],
                ),
                "quality": [0.5, np.nan, 0.25],
            }
        ),
        "decisions": pd.DataFrame(
            {
                "idea": pd.Series([], dtype="int64"),
                "outcome": pd.Categorical([], categories=["accepted", "killed"]),
            }
        ),
        "snapshots": pd.DataFrame(),
        "organisations": pd.DataFrame(
            {"day": [0, 1], "organisation": pd.Categorical(["firm", "firm"]), "members": [3, 4]}
        ),
    }
    frames.update(tables)
    summary = {"members": np.int64(7), "quality_accepted": math.nan, "days": 3}
    return RunResult(Scenario(), summary=summary, **frames)


def test_tables_round_trip_with_categoricals_and_empty_frames(tmp_path):
    result = hand_built_result()
    tables = read_run(write_run(result, tmp_path))
    assert set(tables) == set(TABLES)
    for name, frame in result.tables().items():
        pd.testing.assert_frame_equal(
            tables[name], frame, check_column_type=False, check_index_type=False
        )
    assert list(tables["ideas"]["status"].cat.categories) == ["pending", "rejected", "accepted"]


def test_same_tables_same_bytes(tmp_path):
    write_run(hand_built_result(), tmp_path / "a")
    write_run(hand_built_result(), tmp_path / "b")
    for name in [*(f"{t}.parquet" for t in TABLES), "summary.json", "scenario.toml"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_no_timestamp_in_parquet_metadata(tmp_path):
    import pyarrow.parquet as pq

    write_run(hand_built_result(), tmp_path)
    meta = pq.ParquetFile(tmp_path / "ideas.parquet").metadata
    assert set(meta.metadata) == {b"ARROW:schema", b"pandas", b"cocreate:categories"}
    assert meta.created_by.startswith("parquet-cpp-arrow version")
    assert b"time" not in meta.metadata[b"pandas"].lower()


def test_summary_json_sorted_with_null_for_nan(tmp_path):
    write_run(hand_built_result(), tmp_path)
    text = (tmp_path / "summary.json").read_text()
    assert json.loads(text) == {"days": 3, "members": 7, "quality_accepted": None}
    assert text.index('"days"') < text.index('"members"') < text.index('"quality_accepted"')


def test_scenario_toml_has_a_header_and_every_table(tmp_path):
    write_run(hand_built_result(), tmp_path)
    text = (tmp_path / "scenario.toml").read_text()
    assert text.startswith("# Resolved by cocreate")
    assert "[policies.reward]" in text and "[decision]" in text


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    write_run(hand_built_result(), tmp_path)
    before = (tmp_path / "timeseries.parquet").read_bytes()

    def broken(frame, path, fmt):
        path.write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results, "_write_table", broken)
    with pytest.raises(OSError):
        write_run(hand_built_result(), tmp_path)
    assert (tmp_path / "timeseries.parquet").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_read_run_of_an_empty_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="no result tables"):
        read_run(tmp_path)
