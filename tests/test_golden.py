"""Golden hashes: every shipped scenario, 60 days, two seeds, gives exactly the recorded tables.

A refactor that should change nothing must leave every hash unchanged. The hash is of the
tables' content (column names, dtypes and values, category labels included) and of the summary,
not of a Parquet file, so a new pyarrow release cannot break it while a changed number does.
Regenerate deliberately, after a change that is meant to alter results, with
``COCREATE_UPDATE_GOLDEN=1 pytest tests/test_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import load_scenario, run_scenario
from simulation.scenario import apply_overrides

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden_hashes.json")
SCENARIOS = sorted(ROOT.glob("scenarios/**/*.toml"))
SEEDS = (1, 2)
DAYS = 60


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (categoricals by label)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype}\n".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            digest.update("\x1f".join(map(str, column.cat.categories)).encode())
            values = column.cat.codes.to_numpy()
        else:
            values = column.to_numpy()
        if values.dtype == object:
            digest.update("\x1f".join(map(repr, values)).encode())
        else:
            digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()


def run_digests(path: Path, seed: int) -> dict[str, str]:
    scenario = apply_overrides(load_scenario(path), [f"run.days={DAYS}"])
    result = run_scenario(scenario, seed=seed)
    digests = {name: frame_digest(frame) for name, frame in result.tables().items()}
    summary = json.dumps(result.summary, sort_keys=True, default=float, allow_nan=True)
    digests["summary"] = hashlib.sha256(summary.encode()).hexdigest()
    return digests


def key(path: Path, seed: int) -> str:
    return f"{path.relative_to(ROOT).as_posix()}@{seed}"


CASES = [(path, seed) for path in SCENARIOS for seed in SEEDS]


@pytest.mark.parametrize(("path", "seed"), CASES, ids=[key(p, s) for p, s in CASES])
def test_tables_match_the_recorded_hashes(path, seed):
    if os.environ.get("COCREATE_UPDATE_GOLDEN"):
        pytest.skip("regenerating: see test_update_golden")
    golden = json.loads(GOLDEN.read_text())
    assert key(path, seed) in golden, f"{key(path, seed)}: no recorded hash; regenerate"
    assert run_digests(path, seed) == golden[key(path, seed)]


def test_every_recorded_case_still_exists():
    golden = json.loads(GOLDEN.read_text())
    assert sorted(golden) == sorted(key(p, s) for p, s in CASES)


@pytest.mark.skipif(not os.environ.get("COCREATE_UPDATE_GOLDEN"), reason="only when regenerating")
def test_update_golden():
    golden = {key(p, s): run_digests(p, s) for p, s in CASES}
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
