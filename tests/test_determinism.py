"""Same scenario and seed give byte-identical result files, in one process and across processes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulation.cli import main
from simulation.results import read_run
from simulation.run import TABLES

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SMALL = ["--days", "60", "--set", "community.consumers=300"]
PARQUET = [f"{name}.parquet" for name in TABLES]


def run_in_process(out: Path, args=SMALL) -> Path:
    assert main(["run", str(BASELINE), *args, "--out", str(out), "--quiet"]) == 0
    return out


def file_bytes(run_dir: Path, names=PARQUET) -> dict[str, bytes]:
    return {name: (run_dir / name).read_bytes() for name in names}


def start_process(out: Path, hash_seed: str) -> subprocess.Popen:
    """Start ``cocreate run`` in a fresh interpreter with its own string-hash seed."""
    script = shutil.which("cocreate", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "simulation.cli"]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen(
        [*command, "run", str(BASELINE), *SMALL, "--out", str(out), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    return run_in_process(tmp_path_factory.mktemp("reference"))


def test_same_seed_same_bytes_in_one_process(reference, tmp_path):
    again = run_in_process(tmp_path)
    everything = [*PARQUET, "summary.json", "scenario.toml"]
    assert file_bytes(again, everything) == file_bytes(reference, everything)


def test_same_seed_same_bytes_in_separate_processes(reference, tmp_path):
    procs = [start_process(tmp_path / seed, seed) for seed in ("1", "2")]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert file_bytes(tmp_path / "1") == file_bytes(reference)
    assert file_bytes(tmp_path / "2") == file_bytes(reference)


def test_different_seed_different_bytes(reference, tmp_path):
    other = file_bytes(run_in_process(tmp_path, [*SMALL, "--seed", "43"]))
    ours = file_bytes(reference)
    assert other["timeseries.parquet"] != ours["timeseries.parquet"]
    assert other["ideas.parquet"] != ours["ideas.parquet"]


def test_empty_tables_are_written_deterministically(tmp_path):
    """One day with no snapshots: no decisions yet and a snapshot table with no columns."""
    args = ["--days", "1", "--set", "community.consumers=300", "--set", "run.snapshot_interval=0"]
    first = run_in_process(tmp_path / "a", args)
    tables = read_run(first)
    assert tables["decisions"].empty and tables["snapshots"].empty
    assert "intrinsic" in tables["snapshots"].columns  # the schema survives an empty table
    assert file_bytes(first) == file_bytes(run_in_process(tmp_path / "b", args))
