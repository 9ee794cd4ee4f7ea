"""Tiny experiment files for the sweep tests: runs of 100 consumers over 20 days (~30 ms);
and the small real sweep scenario discovery is tried on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import tomli_w

from simulation.experiments import ExperimentSpec, experiment_from_dict
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
