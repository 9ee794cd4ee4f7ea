"""Tiny experiment files for the sweep tests: runs of 100 consumers over 20 days (~30 ms); the
fault tests' sweep, long enough to be stopped mid-way; the small real sweep scenario discovery is
tried on; and what the tests check of a sweep's folder (its journal, its parts' bytes)."""

from __future__ import annotations

import collections
import hashlib
import json
from pathlib import Path

import tomli_w

from simulation.experiments import ExperimentSpec, experiment_from_dict, load_results, run_tasks
from tests.helpers import BASELINE

TINY = {
    "community.consumers": 100,
    "community.initial_members": 20,
    "run.snapshot_interval": 10,
}


def experiment(tmp_path: Path, name: str = "tiny", **spec) -> Path:
    """Write an experiment file into ``tmp_path`` (output under ``tmp_path/results``)."""
    data = {
        "name": name,
        "scenario": str(BASELINE),
        "replicates": 2,
        "seed": 7,
        "days": 20,
        "out": str(tmp_path / "results" / name),
        "set": dict(TINY),
        "parameters": {"policies.reward.amount": [0.0, 20.0], "marketers.count": [1, 3]},
        "tables": {"weekly": {"metrics": ["active_members", "churn_rate"], "every": 7}},
    }
    for key, value in spec.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


FAULT_RUNS = 40  # 4 design points x 10 replicates


def fault_experiment(tmp: Path, name: str = "faults") -> Path:
    """The fault tests' sweep: 40 runs of 200 consumers over 40 days (under a second each)."""
    return experiment(
        tmp,
        name=name,
        replicates=10,
        days=40,
        set={"community.consumers": 200, "community.initial_members": 40},
    )


def discovery_spec(
    out: Path, parameters: dict, design: dict | None = None, replicates: int = 1
) -> ExperimentSpec:
    """A small real sweep for discovery: 300 consumers, 60 days, a 40-point Latin hypercube."""
    return experiment_from_dict(
        {
            "name": "discover",
            "scenario": str(BASELINE),
            "replicates": replicates,
            "seed": 3,
            "days": 60,
            "out": str(out),
            "set": {
                "community.consumers": 300,
                "community.initial_members": 60,
                "run.snapshot_interval": 30,
            },
            "design": design or {"kind": "lhs", "samples": 40},
            "parameters": parameters,
        }
    )


def part_digests(out: Path) -> dict[str, str]:
    """Every part file of a sweep (relative path) and the SHA-256 of its bytes."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((out / "parts").rglob("*.parquet"))
    }


def journal(out: Path) -> list[dict]:
    """A sweep's journal lines (none before it starts)."""
    path = out / "journal.jsonl"
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def runs_done(out: Path) -> int:
    """Runs the journal records as done."""
    return sum(r["status"] == "done" for r in journal(out))


def assert_exactly_once(out: Path, spec: ExperimentSpec) -> None:
    """Every run of ``spec`` is in the results, the journal and the parts, once."""
    expected = sorted(t.run_id for t in run_tasks(spec))
    results = load_results(out)
    assert sorted(results.summary["run_id"]) == expected
    done = collections.Counter(r["run"] for r in journal(out) if r["status"] == "done")
    assert sorted(done) == expected and set(done.values()) == {1}
    for table in ("summary", "weekly"):
        assert sorted(p.stem for p in (out / "parts" / table).glob("*.parquet")) == expected
