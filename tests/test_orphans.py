"""A killed command leaves nothing behind: no worker process, no half-valid input accepted.

Real commands, real processes, SIGKILL (what the OOM killer, ``kill -9`` or a closed terminal
deliver): each command is started in a session of its own, killed mid-run — the coordinator
alone, as the kernel would — and every process left in its process group is listed by process
group id (``ps``, on Linux and macOS), never by name. Before the kill, every process the
command started is checked to be in that group, so an empty group means all of them are gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from simulation.cli import main
from simulation.experiments import load_experiment, run_experiment
from tests.helpers import BASELINE, ROOT
from tests.sweeps import FAULT_RUNS, experiment, fault_experiment, journal, part_digests, runs_done

GONE_WITHIN = 10.0  # seconds after the coordinator's death


def _env() -> dict[str, str]:
    """The environment of a command: this tree's code first, whatever is installed."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), path]))}


def _start(tmp_path: Path, *args) -> subprocess.Popen:
    """``python -m simulation ARGS`` in a session (so a process group) of its own."""
    with open(tmp_path / "command.log", "wb") as log:  # the command keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "simulation", *map(str, args)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_env(),
            start_new_session=True,
        )


def _processes() -> dict[int, tuple[int, int, float]]:
    """Every live process: pid -> (parent pid, process group id, CPU seconds); no zombies."""
    listing = subprocess.run(
        ["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid=", "-o", "stat=", "-o", "time="],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in listing.splitlines():
        pid, ppid, pgid, stat, cpu = line.split()
        if not stat.startswith("Z"):  # a zombie has exited; only its parent's wait is missing
            found[int(pid)] = (int(ppid), int(pgid), _seconds(cpu))
    return found


def _seconds(cpu: str) -> float:
    """``ps`` CPU time ([DD-][HH:]MM:SS[.ss]) in seconds."""
    days, _, clock = cpu.rpartition("-")
    seconds = 0.0
    for part in clock.split(":"):
        seconds = 60 * seconds + float(part)
    return seconds + 86400 * int(days or 0)


def _descendants(pid: int, processes: dict[int, tuple[int, int, float]]) -> set[int]:
    children = {p for p, (ppid, _, _) in processes.items() if ppid == pid}
    return children.union(*(_descendants(c, processes) for c in children))


def _wait_for(command: subprocess.Popen, ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 180
    while not ready():
        assert command.poll() is None, f"the command ended before {what}"
        assert time.monotonic() < deadline, f"no {what} after 180 s"
        time.sleep(0.05)


def _kill_coordinator(command: subprocess.Popen, workers: int) -> float:
    """SIGKILL the command's process alone; seconds until no process it started is alive.

    Fails when any is still alive ``GONE_WITHIN`` seconds after the kill.
    """
    before = _processes()
    started = _descendants(command.pid, before)
    assert len(started) >= workers, f"workers are up: {started}"
    assert {before[p][1] for p in started} == {command.pid}, "all in the command's group"
    assert command.poll() is None, "killed mid-run"
    os.kill(command.pid, signal.SIGKILL)
    command.wait()
    killed = time.monotonic()
    while True:
        now = _processes()
        left = {p for p, (_, pgid, _) in now.items() if pgid == command.pid} | (started & set(now))
        waited = time.monotonic() - killed
        if not left:
            return waited
        assert waited < GONE_WITHIN, f"alive {GONE_WITHIN:.0f} s after SIGKILL: {sorted(left)}"
        time.sleep(0.05)


@contextlib.contextmanager
def _cleanup(command: subprocess.Popen):
    """Whatever happens in the test, nothing of the command outlives it."""
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(command.pid, signal.SIGKILL)
        command.wait()


def _done_by_two_workers(out: Path) -> Callable[[], bool]:
    """True once runs are journaled as done by two different workers (both are up)."""
    return lambda: len({r["worker"] for r in journal(out) if r["status"] == "done"}) >= 2


def test_killed_sweep_leaves_no_process_and_resumes_to_the_bytes_of_an_uninterrupted_one(
    tmp_path,
):
    path = fault_experiment(tmp_path)
    out = load_experiment(path).out
    sweep = _start(tmp_path, "sweep", path, "--workers", "2", "-q")
    with _cleanup(sweep):
        _wait_for(sweep, _done_by_two_workers(out), "run done by each worker")
        _kill_coordinator(sweep, workers=2)
    assert sweep.returncode == -signal.SIGKILL
    assert 2 <= runs_done(out) < FAULT_RUNS, "killed mid-sweep"
    again = subprocess.run(
        [sys.executable, "-m", "simulation", "sweep", str(path), "--workers", "2", "-q"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=180,
    )
    assert again.returncode == 0, again.stderr
    uninterrupted = run_experiment(
        load_experiment(path, out=tmp_path / "uninterrupted"), backend="sequential"
    )
    assert part_digests(out) == part_digests(uninterrupted)
    assert len(part_digests(out)) == 2 * FAULT_RUNS  # summary and weekly, every run


def test_killed_compare_leaves_no_process(tmp_path):
    compare = _start(
        tmp_path,
        "compare",
        BASELINE,
        ROOT / "scenarios" / "cash_rewards.toml",
        "--replicates",
        "200",
        "--workers",
        "2",
        "--days",
        "365",
        "--set",
        "community.consumers=400",
        "--set",
        "community.initial_members=80",
        "--out",
        tmp_path / "compare",
        "-q",
    )

    def both_workers_busy() -> bool:
        # past their imports (about a second of CPU) and well into their runs: 400 of them, far
        # more than the 3 s of CPU each worker is waited for, however fast the model gets
        processes = _processes()
        started = _descendants(compare.pid, processes)
        return sum(processes[p][2] >= 3 for p in started) >= 2

    with _cleanup(compare):
        _wait_for(compare, both_workers_busy, "two busy workers")
        _kill_coordinator(compare, workers=2)
    assert not (tmp_path / "compare" / "report.html").exists(), "killed before the end"


def test_killed_dask_sweep_leaves_no_process(tmp_path):
    """The local cluster's scheduler and nannies live in the coordinator; each nanny's worker
    process watches a pipe from it (distributed's AsyncProcess) and exits when it closes."""
    pytest.importorskip("distributed")
    path = fault_experiment(tmp_path)
    out = load_experiment(path).out
    sweep = _start(tmp_path, "sweep", path, "--dask", "--workers", "2", "-q")
    with _cleanup(sweep):
        _wait_for(sweep, _done_by_two_workers(out), "run done by each Dask worker")
        _kill_coordinator(sweep, workers=2)
    assert runs_done(out) < FAULT_RUNS, "killed mid-sweep"


# ----- an experiment file that asks for nothing ----------------------------------------------
EMPTY = "the file is empty"
ASKS_NOTHING = "the file names no scenario, sets nothing and varies nothing"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", EMPTY),
        ("# to do\n\n", EMPTY),
        ('name = "nothing"\nreplicates = 5\n[set]\n', ASKS_NOTHING),
        (
            'subexperiments = []\n[parameters]\n[tables.weekly]\nmetrics = ["churn_rate"]\n',
            ASKS_NOTHING,
        ),
    ],
)
def test_experiment_file_asking_for_nothing_is_refused_in_one_line(tmp_path, capsys, text, words):
    path = tmp_path / "nothing.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {path}: parameters: {words}: name a base scenario")
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert not (tmp_path / "out").exists()


def test_a_file_naming_only_a_scenario_is_still_a_sweep(tmp_path):
    """Replicates of one scenario, varying nothing, are a request: one design point."""
    path = tmp_path / "one.toml"
    path.write_text(f'scenario = "{BASELINE.as_posix()}"\nreplicates = 3\n', encoding="utf-8")
    spec = load_experiment(path)
    assert len(spec.points) == 1 and spec.replicates == 3


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"parameters": {"marketers.count": []}}, 'parameters."marketers.count"', "at least one"),
        (
            {"parameters": {"marketers.count": {"min": 1, "max": 3, "steps": 0}}},
            'parameters."marketers.count".steps',
            "integer >= 2",
        ),
        ({"replicates": 0}, "replicates", "out of range"),
        ({"design": {"kind": "lhs", "samples": 0}}, "design.samples", "out of range"),
    ],
)
def test_a_design_of_no_runs_is_refused_naming_the_key(tmp_path, capsys, change, key, words):
    path = experiment(tmp_path, **change)
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {key}: ") and words in err and err.count("\n") == 1


def test_killed_calibration_leaves_no_process(tmp_path):
    """pyabc forks its own workers; each exits when the coordinator's sentinel closes."""
    pytest.importorskip("pyabc")
    from simulation.run import run_scenario
    from simulation.scenario import Scenario, set_values

    tiny = {"community.consumers": 120, "community.initial_members": 20, "run.days": 45}
    run_scenario(set_values(Scenario(), tiny), seed=5, events=True).events.to_csv(
        tmp_path / "log.csv", index=False
    )
    (tmp_path / "base.toml").write_text("[run]\ndays = 45\n")
    (tmp_path / "priors.toml").write_text(
        '[priors."consumers.intrinsic_mean"]\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5\n'
        "[calibration]\npopulation = 2000\ngenerations = 2\n"
    )
    calibrate = _start(
        tmp_path,
        "calibrate",
        tmp_path / "log.csv",
        "--scenario",
        tmp_path / "base.toml",
        "--priors",
        tmp_path / "priors.toml",
        "--workers",
        "2",
        "--out",
        tmp_path / "cal",
        "-q",
    )

    def both_workers_busy() -> bool:
        processes = _processes()
        started = _descendants(calibrate.pid, processes)
        return sum(processes[p][2] >= 2 for p in started) >= 2

    with _cleanup(calibrate):
        _wait_for(calibrate, both_workers_busy, "two busy workers")
        _kill_coordinator(calibrate, workers=2)
    assert not (tmp_path / "cal" / "report.html").exists(), "killed before the end"
