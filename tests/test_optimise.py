"""``cocreate optimise``: the search core on a known front, a real small problem, resume, errors."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("optuna")

from simulation.cli import main  # noqa: E402
from simulation.optimise import load_optimise, optimise  # noqa: E402
from simulation.optimise.spec import Objective, OptimiseSpec, Range  # noqa: E402
from simulation.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LEVERS = """\
[levers]
"policies.reward.kind" = ["none", "per_idea"]
"policies.reward.amount" = { min = 0, max = 40 }
"""
OBJECTIVES = """\
[objectives]
active_members = "maximise"
spend_total = "minimise"
"""


def problem(tmp_path: Path, *, trials: int = 8, extra: str = "", name: str = "small") -> Path:
    """A small real problem: two levers, two objectives, tiny scenario, two draws."""
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nscenario = "{ROOT / "scenarios" / "baseline.toml"}"\n'
        f"trials = {trials}\nscenarios = 2\nreplicates = 1\npopulation = 4\nseed = 5\n"
        f'days = 30\nout = "{tmp_path / "out"}"\n{extra}'
        '[set]\n"community.consumers" = 200\n"community.initial_members" = 40\n'
        f"{LEVERS}{OBJECTIVES}"
        '[uncertainties]\n"consumers.intrinsic_mean" = { min = 0.8, max = 1.2 }\n',
        encoding="utf-8",
    )
    return path


def test_schaffer_front_is_found(tmp_path):
    """Schaffer N.1: f1 = x², f2 = (x - 2)²; the Pareto set is x in [0, 2]."""
    spec = OptimiseSpec(
        name="schaffer",
        levers=(Range("x", -10.0, 10.0),),
        objectives=(Objective("f1", "minimize"), Objective("f2", "minimize")),
        trials=40,
        population=10,
        seed=3,
        out=tmp_path,
        digest="schaffer",
    )
    result = optimise(spec, evaluate=lambda p: {"f1": p["x"] ** 2, "f2": (p["x"] - 2) ** 2})
    front = result.pareto.sort_values("x")
    assert len(result.trials) == 40 and len(front) >= 4
    assert front["x"].between(0, 2).mean() > 0.5 and front["x"].between(-1, 3).all()
    assert np.all(np.diff(front["f1"]) > 0) and np.all(np.diff(front["f2"]) < 0)
    assert (tmp_path / "pareto.csv").is_file() and (tmp_path / "report.html").is_file()


def test_small_problem_writes_policies_that_run(tmp_path):
    path = problem(tmp_path)
    assert main(["optimise", str(path), "--sequential", "-q"]) == 0
    out = tmp_path / "out"
    front = pd.read_csv(out / "pareto.csv")
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 8 and (trials["state"] == "COMPLETE").all()
    assert {"policies.reward.kind", "active_members", "spend_total"} <= set(front.columns)
    policies = sorted((out / "policies").glob("*.toml"))
    assert len(policies) == len(front) >= 1
    scenario = load_scenario(policies[0])
    row = front[front["trial"] == int(policies[0].stem)].iloc[0]
    assert scenario.policies.reward.kind == row["policies.reward.kind"]
    assert scenario.community.consumers == 200 and scenario.run.days == 30
    assert main(["run", str(policies[0]), "--out", str(tmp_path / "run")]) == 0
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "Trade-offs" in html
    assert "trade-off" in (out / "report.md").read_text().lower()


def test_same_seed_same_front_sequential_and_two_workers(tmp_path):
    spec = load_optimise(problem(tmp_path, trials=6))
    seq = optimise(_moved(spec, tmp_path / "seq"), "sequential")
    par = optimise(_moved(spec, tmp_path / "par"), "local", workers=2)
    pd.testing.assert_frame_equal(seq.pareto, par.pareto)
    pd.testing.assert_frame_equal(seq.trials, par.trials)


def _moved(spec: OptimiseSpec, out: Path) -> OptimiseSpec:
    from simulation.optimise.search import with_out

    return with_out(spec, out)


def _complete(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("select count(*) from trials where state = 'COMPLETE'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_resume_after_sigkill_gives_the_uninterrupted_front(tmp_path):
    """Kill the CLI mid-search, rerun it: every trial counted once, and the same front.

    The sampler is re-created before every ask with a seed made of the file's seed and the
    number of COMPLETE trials, and NSGA-II reads its population from the storage, so the trial
    cut off by the kill is asked again with the same values: the resumed study's complete
    trials, and so its front, equal those of a search never interrupted.
    """
    trials = 16
    path = problem(tmp_path, trials=trials)
    command = [sys.executable, "-m", "simulation", "optimise", str(path), "--sequential", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = tmp_path / "out" / "study.db"
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _complete(db) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the search ended before it could be killed; make it longer"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 2 <= _complete(db) < trials
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as con:
        rows = con.execute("select number, state from trials").fetchall()
    numbers = [n for n, _ in rows]
    assert len(numbers) == len(set(numbers))
    assert sum(state == "COMPLETE" for _, state in rows) == trials
    resumed = pd.read_csv(tmp_path / "out" / "pareto.csv")
    fresh = optimise(_moved(load_optimise(path), tmp_path / "fresh"), "sequential")
    cols = [c for c in resumed.columns if c != "trial"]  # a failed trial shifts the numbers
    pd.testing.assert_frame_equal(
        resumed[cols].reset_index(drop=True), fresh.pareto[cols], check_dtype=False
    )


def test_different_search_is_refused_unless_forced(tmp_path, capsys):
    path = problem(tmp_path, trials=2)
    assert main(["optimise", str(path), "--sequential", "-q"]) == 0
    path.write_text(path.read_text().replace("seed = 5", "seed = 6"))
    db = tmp_path / "out" / "study.db"
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["optimise", str(path), "--sequential", "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "different search" in err[0] and "--force" in err[0]
    assert db.read_bytes() == before
    assert main(["optimise", str(path), "--sequential", "-q", "--force"]) == 0
    assert list((tmp_path / "out").glob("study-*.db.old"))


def test_dry_run_writes_nothing(tmp_path, capsys):
    path = problem(tmp_path, trials=5)
    assert main(["optimise", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "5 trials × 2 scenarios × 1 replicates = 10 runs" in out and "core-hours" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("extra", "replace", "words"),
    [
        ("", ('"policies.reward.kind"', '"policies.reward.knd"'), ["levers.", "reward.knd"]),
        ("", ("active_members =", "active_memberz ="), ["objectives.active_memberz", "quality"]),
        ("", ('spend_total = "minimise"', 'spend_total = "down"'), ["needs a direction"]),
        ("", ("min = 0, max = 40", "min = 40, max = 40"), ["reward.amount", "below max"]),
        ("", ("replicates = 1", "replicates = 0"), ["replicates", "out of range"]),
        ("", ("trials = 8", "trials = 0"), ["trials", "out of range"]),
        ('objectives = ["ideas"]\n', (OBJECTIVES, ""), ["objectives", "direction"]),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, extra, replace, words):
    path = problem(tmp_path, extra=extra)
    path.write_text(path.read_text().replace(*replace))
    assert main(["optimise", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and str(path) in err[0]
    for word in words:
        assert word in err[0]


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("optimise*.toml")))
def test_shipped_optimisation_files_load(path):
    spec = load_optimise(path)
    assert spec.levers and spec.objectives and len(spec.draws) == spec.scenarios


def test_missing_file_is_one_line(tmp_path, capsys):
    assert main(["optimise", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.toml" in err[0] and "not found" in err[0]
