"""The results folder of a sweep: run journal, Parquet parts, design, manifest.

Layout of ``results/<experiment>/``::

    manifest.json          the spec and its hash, versions, platform, git commit, seeds, times
    experiment.json        the resolved spec (what the hash covers)
    design.parquet         one row per design point
    journal.jsonl          one line per event: a run done (with its parts' sizes and hashes)
                           or failed (with its traceback)
    parts/<table>/<run id>.parquet
                           one file per run and table, written to a temporary file, synced,
                           then renamed: a crash leaves either the whole file or none

The journal is the truth: a run counts as done only when its line is in the journal *and* its
part files have the recorded sizes and hashes. A part half-written or damaged by a crash is
therefore found and the run redone; a run is never counted twice (one file per run id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation.results import arrow_to_pandas, parquet_bytes

JOURNAL, MANIFEST, DESIGN, SPEC = (
    "journal.jsonl",
    "manifest.json",
    "design.parquet",
    "experiment.json",
)
PARTS, LOCK = "parts", ".lock"
OWN_FILES = {JOURNAL, MANIFEST, DESIGN, SPEC, PARTS, LOCK}


class StoreError(Exception):
    """The results folder cannot take this sweep (the message says why and what to do)."""


class SpecChangedError(StoreError):
    """The folder holds results of a different spec (refuse unless ``--force``)."""


class BusyError(StoreError):
    """Another sweep is writing to the folder right now."""


@dataclass
class Store:
    """One sweep's results folder."""

    root: Path
    journal: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: Any = field(default=None, repr=False)

    @property
    def manifest_path(self) -> Path:
        """The provenance manifest."""
        return self.root / MANIFEST

    def part_path(self, table: str, run_id: str) -> Path:
        """Where one run's part of one table lives."""
        return self.root / PARTS / table / f"{run_id}.parquet"

    # ----- opening ---------------------------------------------------------------------------
    def open(self, spec_hash: str, *, force: bool = False) -> Path | None:
        """Prepare the folder for a sweep of the spec with ``spec_hash``.

        Returns the folder the old results were moved to when ``force`` replaced them.

        Raises:
            SpecChangedError: results of another spec are here and ``force`` is False.
        """
        if self.root.is_dir() and self.read_manifest() is None:
            strangers = sorted(p.name for p in self.root.iterdir() if p.name not in OWN_FILES)
            if strangers:  # checked before anything is written into it
                raise SpecChangedError(
                    f"{self.root} is not a sweep's folder (it holds {', '.join(strangers[:3])}"
                    f"{', ...' if len(strangers) > 3 else ''}); choose a new or empty --out"
                )
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock()
        try:
            return self._prepare(spec_hash, force)
        except BaseException:
            self.unlock()
            raise

    def _prepare(self, spec_hash: str, force: bool) -> Path | None:
        moved = None
        manifest = self.read_manifest()
        if manifest is not None and manifest.get("spec_hash") != spec_hash:
            if not force:
                raise SpecChangedError(
                    f"{self.root} holds results of a different experiment spec (hash "
                    f"{str(manifest.get('spec_hash'))[:12]}, now {spec_hash[:12]}); re-run with "
                    "--force to move them aside and start again, or choose another --out"
                )
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
            moved = self.root.with_name(f"{self.root.name}.replaced-{stamp}")
            self.unlock()
            self.root.rename(moved)
            self.root.mkdir(parents=True)
            self.lock()
        (self.root / PARTS).mkdir(parents=True, exist_ok=True)
        for tmp in self.root.rglob(".*.tmp"):  # left by a crash mid-write
            tmp.unlink(missing_ok=True)
        self.journal = self.read_journal()
        return moved

    def lock(self) -> None:
        """Hold the folder for this process: two sweeps must not write it at once.

        Raises:
            BusyError: another process holds it (the lock goes with its process, even killed).
        """
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock
            return
        handle = (self.root / LOCK).open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise BusyError(
                f"{self.root}: another `cocreate sweep` is writing here; let it finish (or stop "
                "it), then run the command again to resume"
            ) from None
        self._lock = handle

    def unlock(self) -> None:
        """Let the folder go (at the end of a sweep)."""
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when there is none (yet)."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, json.JSONDecodeError):
            return {}

    def read_journal(self) -> dict[str, dict[str, Any]]:
        """The last record of every run (a line cut short by a crash is ignored)."""
        records: dict[str, dict[str, Any]] = {}
        path = self.root / JOURNAL
        if not path.exists():
            return records
        with path.open("rb") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(record, dict) and "run" in record:
                    records[record["run"]] = record
        return records

    # ----- state -----------------------------------------------------------------------------
    def done_ids(self, verify: bool = True) -> set[str]:
        """Runs whose journal says done and whose part files are whole."""
        return {
            run
            for run, record in self.journal.items()
            if record.get("status") == "done" and (not verify or self.parts_whole(record))
        }

    def failed_ids(self) -> set[str]:
        """Runs whose last record says failed."""
        return {run for run, r in self.journal.items() if r.get("status") == "failed"}

    def parts_whole(self, record: dict[str, Any]) -> bool:
        """Every part of a done run exists with the recorded size and hash."""
        for table, meta in record.get("parts", {}).items():
            path = self.part_path(table, record["run"])
            try:
                if path.stat().st_size != meta["bytes"]:
                    return False
                if hashlib.sha256(path.read_bytes()).hexdigest() != meta["sha256"]:
                    return False
            except OSError:
                return False
        return True

    # ----- writing ---------------------------------------------------------------------------
    def write_parts(self, run_id: str, parts: dict[str, bytes]) -> dict[str, dict[str, Any]]:
        """Write a run's parts atomically; returns their sizes and hashes for the journal."""
        meta = {}
        for table, data in parts.items():
            path = self.part_path(table, run_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
            meta[table] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        return meta

    def record(self, record: dict[str, Any]) -> None:
        """Append one record to the journal and sync it to disk."""
        path = self.root / JOURNAL
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        with path.open("ab") as handle:
            if handle.tell() > 0 and not _ends_with_newline(path):
                handle.write(b"\n")  # a line cut short by a crash stays on its own
            handle.write(line.encode())
            handle.flush()
            os.fsync(handle.fileno())
        self.journal[record["run"]] = record

    def write_json(self, name: str, content: dict[str, Any]) -> None:
        """Write a JSON file of the folder atomically."""
        text = json.dumps(content, indent=2, sort_keys=True, default=str) + "\n"
        atomic_write(self.root / name, text.encode())

    def write_design(self, design: pd.DataFrame) -> None:
        """Write the design table."""
        atomic_write(self.root / DESIGN, parquet_bytes(design))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, sync it, then rename it to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


# ----- reading -------------------------------------------------------------------------------
@dataclass
class ExperimentResults:
    """A sweep's results as pandas frames.

    Attributes:
        path: the results folder.
        manifest: provenance (spec, hash, versions, seeds, times).
        design: one row per design point.
        runs: one row per run: id, point, replicate, seed, status, seconds, error.
        summary: one row per finished run: its labels and headline figures.
        tables: every recorded table by name, rows of finished runs only, ordered by run.
    """

    path: Path
    manifest: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        """``results["summary"]``, ``results["weekly"]``, ``results["runs"]``..."""
        if name in self.tables:
            return self.tables[name]
        if name in ("summary", "design", "runs"):
            return getattr(self, name)
        raise KeyError(
            f"no table '{name}'; tables: summary, runs, design, {', '.join(self.tables)}"
        )


def load_results(path: str | Path, tables: list[str] | None = None) -> ExperimentResults:
    """Read a sweep's results folder (complete or not) into pandas frames.

    Args:
        path: the folder ``cocreate sweep`` wrote (``results/<experiment>``).
        tables: read only these tables (default: all).

    Raises:
        FileNotFoundError: when ``path`` holds no sweep.
    """
    store = Store(Path(path))
    manifest = store.read_manifest()
    if not manifest:
        raise FileNotFoundError(f"{path}: no sweep results here (no {MANIFEST})")
    store.journal = store.read_journal()
    done = sorted(store.done_ids(verify=False))
    runs = pd.DataFrame(
        [
            {
                "run_id": r["run"],
                "point": r.get("point"),
                "replicate": r.get("replicate"),
                "seed": r.get("seed"),
                "status": r.get("status"),
                "seconds": r.get("seconds"),
                "worker": r.get("worker"),
                "error": r.get("error"),
            }
            for r in sorted(store.journal.values(), key=lambda r: r["run"])
        ],
        columns=["run_id", "point", "replicate", "seed", "status", "seconds", "worker", "error"],
    )
    names = manifest.get("tables", [])
    frames = {}
    for name in ["summary", *names]:
        if tables is not None and name != "summary" and name not in tables:
            continue
        files = [store.part_path(name, run) for run in done]
        files = [str(f) for f in files if f.exists()]
        frames[name] = (
            arrow_to_pandas(
                pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")
            )
            if files
            else pd.DataFrame()
        )
    design_path = store.root / DESIGN
    design = pd.read_parquet(design_path) if design_path.exists() else pd.DataFrame()
    summary = frames.pop("summary")
    return ExperimentResults(store.root, manifest, design, runs, summary, frames)
