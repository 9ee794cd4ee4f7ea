"""``cocreate sweep`` and ``cocreate analyze`` end to end, through ``main``."""

from __future__ import annotations

import json

import pytest

from simulation.cli import main
from simulation.experiments import load_experiment, load_results
from tests.helpers import ROOT
from tests.sweeps import experiment


def test_dry_run_counts_runs_estimates_and_writes_nothing(tmp_path, capsys):
    path = experiment(tmp_path)
    assert main(["sweep", str(path), "--dry-run", "--pilots", "2"]) == 0
    out = capsys.readouterr().out
    assert (
        "4 design points × 2 replicates = 8 runs (grid design); 0 done, 0 failed, 8 to run" in out
    )
    assert "pilot runs: 2, mean" in out and "core-hours" in out
    assert not (tmp_path / "results").exists()


def test_sweep_then_analyze(tmp_path, capsys):
    path = experiment(tmp_path)
    assert main(["sweep", str(path), "--sequential", "-q"]) == 0
    out_dir = load_experiment(path).out
    assert "tiny: 8 runs done, 0 failed; results in" in capsys.readouterr().out
    assert main(["sweep", str(path), "--dry-run", "--pilots", "1"]) == 0
    assert "8 done, 0 failed, 0 to run" in capsys.readouterr().out
    assert main(["analyze", str(out_dir), "--metrics", "active_members", "ideas"]) == 0
    assert "Report written to" in capsys.readouterr().out
    summary = (out_dir / "analysis" / "point_summary.csv").read_text()
    assert summary.count("active_members") == 4 and summary.count("ideas") == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers: must be at least 1"),
        (["--replicates", "0"], "--replicates: must be at least 1"),
    ],
)
def test_bad_options_exit_2(tmp_path, capsys, args, message):
    assert main(["sweep", str(experiment(tmp_path)), *args]) == 2
    assert message in capsys.readouterr().err


def test_bad_experiment_file_exits_2_naming_file_and_key(tmp_path, capsys):
    path = experiment(tmp_path, design={"kind": "sobol", "samples": 10})
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: design.") and "Traceback" not in err


def test_changed_spec_exits_2_and_force_moves_the_old_results_aside(tmp_path, capsys):
    path = experiment(tmp_path)
    assert main(["sweep", str(path), "--sequential", "-q"]) == 0
    experiment(tmp_path, seed=99)
    assert main(["sweep", str(path), "--sequential", "-q"]) == 2
    assert "different experiment spec" in capsys.readouterr().err
    assert main(["sweep", str(path), "--sequential", "-q", "--force"]) == 0
    out_dir = load_experiment(path).out
    assert json.loads((out_dir / "manifest.json").read_text())["root_seed"] == 99
    moved = list(out_dir.parent.glob("tiny.replaced-*"))
    assert len(moved) == 1  # the first sweep's results, set aside whole
    assert json.loads((moved[0] / "manifest.json").read_text())["root_seed"] == 7
    assert len(load_results(moved[0]).summary) == 8


def test_analyze_of_a_folder_without_a_sweep_exits_2(tmp_path, capsys):
    assert main(["analyze", str(tmp_path)]) == 2
    assert "no sweep results here" in capsys.readouterr().err


def test_analyze_unknown_metric_exits_2(tmp_path, capsys):
    path = experiment(tmp_path, parameters={"marketers.count": [1, 2]}, replicates=1)
    assert main(["sweep", str(path), "--sequential", "-q"]) == 0
    assert main(["analyze", str(load_experiment(path).out), "--metrics", "happiness"]) == 2
    assert "no metric happiness" in capsys.readouterr().err


def test_help_lists_sweep_and_analyze(capsys):
    assert main(["--help"]) == 0
    assert "analyze" in capsys.readouterr().out
    assert main(["sweep", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--scheduler-file" in text and "--retry-failed" in text and "resumes" in text


def test_examples_in_readme_exist():
    readme = (ROOT / "README.md").read_text()
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        assert f"experiments/{path.name}" in readme


def test_refuses_to_write_into_a_folder_that_is_not_a_sweeps(tmp_path, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_text("precious")
    assert main(["sweep", str(experiment(tmp_path)), "--out", str(busy), "--sequential"]) == 2
    assert "is not a sweep's folder (it holds thesis.docx)" in capsys.readouterr().err
    assert sorted(p.name for p in busy.iterdir()) == ["thesis.docx"]


def test_a_second_sweep_on_the_same_folder_waits_its_turn(tmp_path, capsys):
    from simulation.experiments.store import Store

    path = experiment(tmp_path)
    holder = Store(load_experiment(path).out)
    holder.root.mkdir(parents=True)
    holder.lock()  # as a sweep running in another process would
    try:
        assert main(["sweep", str(path), "--sequential", "-q"]) == 2
        assert "another `cocreate sweep` is writing here" in capsys.readouterr().err
    finally:
        holder.unlock()
    assert main(["sweep", str(path), "--sequential", "-q"]) == 0
