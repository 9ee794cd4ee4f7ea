"""Real executors and real faults, on 127.0.0.1 only.

- results are byte-identical whatever the executor (sequential, local pool of 2, Dask);
- a worker process killed mid-sweep (local pool, Dask LocalCluster): the sweep finishes and
  every run is in the results exactly once;
- a scheduler and a worker started as separate processes (``dask scheduler``, ``dask worker``)
  that the CLI joins with ``--scheduler``;
- the coordinator killed with SIGKILL mid-sweep: re-running the command completes the sweep,
  nothing lost, nothing duplicated, bytes identical to an uninterrupted sweep.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulation.experiments import load_experiment, run_experiment
from tests.helpers import ctrl_c_as_from_a_terminal
from tests.sweeps import (
    FAULT_RUNS,
    assert_exactly_once,
    fault_experiment,
    journal,
    part_digests,
    runs_done,
)

distributed = pytest.importorskip("distributed")

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted sequential sweep of the fault experiment (40 runs)."""
    tmp = tmp_path_factory.mktemp("reference")
    spec = load_experiment(fault_experiment(tmp))
    out = run_experiment(spec, backend="sequential")
    return part_digests(out)


def test_local_pool_gives_the_same_bytes_and_survives_a_killed_worker(tmp_path, reference):
    spec = load_experiment(fault_experiment(tmp_path))
    killed = []

    def kill_one_worker(progress):
        if progress.done >= 3 and not killed:
            workers = multiprocessing.active_children()
            assert workers, "the pool has worker processes"
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    out = run_experiment(spec, backend="local", workers=2, progress=kill_one_worker)
    assert killed
    assert_exactly_once(out, spec)
    assert part_digests(out) == reference


def test_a_pool_found_broken_at_submit_is_renewed_and_loses_nothing(
    tmp_path, reference, monkeypatch
):
    """The race CI once lost: a worker dies after the runner's last wait, so the pool refuses
    the next submit (BrokenProcessPool from ``submit``, not from a future). The runner must put
    that batch back untouched, renew the pool and carry on."""
    from concurrent.futures.process import BrokenProcessPool

    from simulation.experiments import runner
    from simulation.experiments.executors import Backend, SequentialExecutor

    class BreaksOnThirdSubmit(SequentialExecutor):
        submits = 0

        def submit(self, fn, /, *args, **kwargs):
            BreaksOnThirdSubmit.submits += 1
            if BreaksOnThirdSubmit.submits == 3:
                raise BrokenProcessPool("a worker died between wait and submit")
            return super().submit(fn, *args, **kwargs)

    renewed = []

    def renew():
        renewed.append(True)
        return SequentialExecutor()

    @contextlib.contextmanager
    def fake_backend(*args, **kwargs):
        yield Backend(BreaksOnThirdSubmit(), 2, "breaks on the third submit", renew)

    monkeypatch.setattr(runner, "open_backend", fake_backend)
    spec = load_experiment(fault_experiment(tmp_path))
    out = run_experiment(spec, backend="local")
    assert renewed == [True]
    assert_exactly_once(out, spec)
    assert part_digests(out) == reference


def test_dask_local_cluster_gives_the_same_bytes_and_survives_a_killed_worker(tmp_path, reference):
    from distributed import Client, LocalCluster

    spec = load_experiment(fault_experiment(tmp_path))
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        killed = []

        def kill_one_worker(progress):
            if progress.done >= 3 and not killed:
                pid = sorted(pids.values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        out = run_experiment(
            spec, executor=client.get_executor(pure=False), progress=kill_one_worker
        )
    assert killed
    assert_exactly_once(out, spec)
    assert part_digests(out) == reference


def test_cli_dask_flag_starts_a_local_cluster(tmp_path, reference):
    path = fault_experiment(tmp_path)
    run = _cocreate("sweep", path, "--dask", "--workers", "2", "-q")
    assert run.returncode == 0, run.stderr
    out = load_experiment(path).out
    assert part_digests(out) == reference
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["executor"].startswith("dask local cluster tcp://127.0.0.1:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_sweep_joins_a_separate_dask_scheduler_and_worker(tmp_path, reference):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = open(tmp_path / "dask.log", "wb")  # noqa: SIM115 - closed below
    common = {"stdout": logs, "stderr": subprocess.STDOUT, "cwd": tmp_path}
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            BIN / "dask",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
            "--scheduler-file",
            scheduler_file,
        ],
        **common,
    )
    worker = None
    try:
        worker = subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            **common,
        )
        path = fault_experiment(tmp_path)
        run = _cocreate("sweep", path, "--scheduler", address, "-q", timeout=240)
        assert run.returncode == 0, run.stderr + (tmp_path / "dask.log").read_text()
        out = load_experiment(path).out
        assert part_digests(out) == reference
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["executor"].startswith(f"dask {address}")
        # the same cluster found through its scheduler file
        other = tmp_path / "by-file"
        run = _cocreate("sweep", path, "--scheduler-file", scheduler_file, "--out", other, "-q")
        assert run.returncode == 0, run.stderr
        assert part_digests(other) == reference
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)
        logs.close()


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    path = fault_experiment(tmp_path)
    run = _cocreate("sweep", path, "--scheduler", f"tcp://127.0.0.1:{_free_port()}", timeout=120)
    assert run.returncode == 2
    assert "cannot reach the Dask scheduler" in run.stderr
    assert "Traceback" not in run.stderr


def test_killed_coordinator_resumes_without_loss_or_duplicates(tmp_path, reference):
    path = fault_experiment(tmp_path)
    out = load_experiment(path).out
    first = _start_sweep(path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        frozen = _freeze_after(first, out, runs=5)
        os.kill(first.pid, signal.SIGKILL)  # the coordinator only
        first.wait()
    finally:
        # its pool workers, still stopped (running, they would exit by themselves: see
        # tests/test_orphans.py)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert 5 <= frozen < FAULT_RUNS, "killed mid-sweep"
    assert runs_done(out) == frozen, "the journal is as it was when the sweep was frozen"
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    again = _cocreate("sweep", path, "--workers", "2", "-q")
    assert again.returncode == 0, again.stderr
    assert_exactly_once(out, load_experiment(path))
    assert part_digests(out) == reference
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def _start_sweep(path: Path, **streams) -> subprocess.Popen:
    """Start ``cocreate sweep`` (local pool of 2) in a process group of its own.

    It starts as from a terminal, with Ctrl-C (SIGINT) not ignored, however pytest was started
    (:func:`helpers.ctrl_c_as_from_a_terminal`).
    """
    with ctrl_c_as_from_a_terminal():
        return subprocess.Popen(
            [*_command(), "sweep", str(path), "--workers", "2", "-q"],
            text=True,
            start_new_session=True,  # its own process group: the pool's workers go with it
            **streams,
        )


def _freeze_after(sweep: subprocess.Popen, out: Path, runs: int, timeout: float = 180) -> int:
    """Stop (SIGSTOP) the sweep's whole process group mid-sweep: once its journal shows ``runs``
    runs done, by both pool workers (so neither is still starting up: a worker interrupted in
    its first imports prints a traceback, as the pool's workers do not ignore Ctrl-C).

    The count returned is read *after* the coordinator — the journal's one writer — is seen
    stopped, so it is the state the sweep stays frozen in until the caller's next signal; the
    callers check that runs remain. Fails (never skips) when the sweep ends first or does not
    get there within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout

    def mid_sweep() -> bool:
        done = [r for r in journal(out) if r["status"] == "done"]
        return len(done) >= runs and len({r["worker"] for r in done}) == 2

    try:
        while True:
            if mid_sweep() and _freeze(sweep):
                return runs_done(out)
            assert sweep.poll() is None, (
                f"the sweep ended before it could be stopped: {runs_done(out)}"
            )
            assert time.monotonic() < deadline, f"{runs_done(out)} runs done after {timeout} s"
            time.sleep(0.02)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(sweep.pid, signal.SIGKILL)
        raise


def _freeze(sweep: subprocess.Popen) -> bool:
    """SIGSTOP the group; True once the coordinator is stopped, False (group resumed) if it can't.

    A process in the middle of starting another (vfork) stops only when its child has exec'd;
    if that child was stopped first, neither moves: resume both and let the caller try again.
    """
    os.killpg(sweep.pid, signal.SIGSTOP)
    waited = time.monotonic() + 5
    while time.monotonic() < waited:
        pid, status = os.waitpid(sweep.pid, os.WUNTRACED | os.WNOHANG)
        if pid:
            assert os.WIFSTOPPED(status), f"the sweep ended before it could be stopped ({status})"
            return True
        time.sleep(0.005)
    os.killpg(sweep.pid, signal.SIGCONT)
    return False


def _command() -> list[str]:
    script = BIN / "cocreate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulation.cli"]


def _cocreate(*args, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_command(), *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def test_ctrl_c_stops_cleanly_and_the_same_command_resumes(tmp_path, reference):
    path = fault_experiment(tmp_path)
    out = load_experiment(path).out
    sweep = _start_sweep(path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        frozen = _freeze_after(sweep, out, runs=5)
        assert frozen < FAULT_RUNS, "runs remain, so the sweep cannot finish before Ctrl-C"
        # what Ctrl-C in a terminal sends to the whole group; delivered as the group resumes
        os.killpg(sweep.pid, signal.SIGINT)
        os.killpg(sweep.pid, signal.SIGCONT)
        _, err = sweep.communicate(timeout=120)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(sweep.pid, signal.SIGKILL)
        raise
    assert sweep.returncode == 130, err
    assert "run the same command to resume" in err and "Traceback" not in err
    assert frozen <= runs_done(out) < FAULT_RUNS
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    again = _cocreate("sweep", path, "--workers", "2", "-q")
    assert again.returncode == 0, again.stderr
    assert_exactly_once(out, load_experiment(path))
    assert part_digests(out) == reference
