"""Tiny experiment files for the sweep tests: runs of 100 consumers over 20 days (~30 ms)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import tomli_w

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


def part_digests(out: Path) -> dict[str, str]:
    """Every part file of a sweep (relative path) and the SHA-256 of its bytes."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((out / "parts").rglob("*.parquet"))
    }
