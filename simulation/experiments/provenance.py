"""Provenance of a sweep: versions, Python, platform, git state and the time, for the manifest."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from simulation import __version__

PACKAGES = (
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "networkx",
    "pyarrow",
    "SALib",
    "dask",
    "distributed",
)


def provenance() -> dict[str, Any]:
    """Versions, Python, platform and the git state of the code that runs the sweep."""
    versions = {"cocreate": __version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "versions": versions,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "git": git_state(Path(__file__).resolve().parents[2]),
    }


def git_state(repo: Path) -> dict[str, Any]:
    """The commit and whether the working tree differs from it (None outside a git checkout)."""
    git = shutil.which("git")
    if git is None or not (repo / ".git").exists():
        return {"commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            [git, "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            [git, "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def now() -> str:
    """The current UTC time, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
