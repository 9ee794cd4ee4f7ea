"""End-to-end tests of the ``cocreate`` command, in process through ``main`` and as a subprocess."""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from simulation import __version__
from simulation.cli import main
from simulation.cli.common import LazyProgress
from simulation.headlines import HEADLINES
from simulation.model.metrics import METRICS
from simulation.results import read_run
from simulation.run import TABLES
from simulation.scenario import Scenario, iter_params, load_scenario
from tests.helpers import ctrl_c_as_from_a_terminal

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SMALL = ["--days", "30", "--set", "community.consumers=300"]
SMALL_OVERRIDES = ["run.days=30", "community.consumers=300"]


def cocreate(*args, cwd=None, **kwargs):
    """Run the installed ``cocreate`` script (or ``python -m simulation.cli``) in a subprocess."""
    script = shutil.which("cocreate", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "simulation.cli"]
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60, **kwargs
    )


def run_main(capsys, *args):
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline"
    assert main(["run", str(BASELINE), *SMALL, "--out", str(out), "--quiet"]) == 0
    return out


# --- run -----------------------------------------------------------------------------------------


def test_run_writes_every_file_and_no_temporary_ones(baseline_run):
    expected = {f"{name}.parquet" for name in TABLES} | {"summary.json", "scenario.toml"}
    assert {p.name for p in baseline_run.iterdir()} == expected


def test_summary_matches_last_row_of_time_series(baseline_run):
    summary = json.loads((baseline_run / "summary.json").read_text())
    last = read_run(baseline_run)["timeseries"].iloc[-1]
    # The summary's quality_submitted is the mean quality of ideas now (after builds), the time
    # series' the mean quality at submission: same name, different figures.
    shared = [key for key in summary if key in last.index and key != "quality_submitted"]
    assert len(shared) >= 10
    for key in shared:
        value = math.nan if summary[key] is None else summary[key]
        assert value == pytest.approx(last[key], rel=1e-9, nan_ok=True), key
    assert summary["days"] == 30 and summary["seed"] == 42


def test_summary_json_is_sorted_and_writes_nan_as_null(baseline_run):
    text = (baseline_run / "summary.json").read_text()
    summary = json.loads(text)
    assert list(summary) == sorted(summary)
    assert "NaN" not in text
    assert summary["retention_90"] is None  # no 90-day cohort after 30 days


def test_resolved_scenario_loads_back_to_an_equal_scenario(baseline_run):
    resolved = baseline_run / "scenario.toml"
    assert resolved.read_text().startswith(f"# Resolved by cocreate {__version__}")
    assert load_scenario(resolved) == load_scenario(BASELINE, SMALL_OVERRIDES)


def test_tables_read_back_equal_to_the_run(baseline_run):
    from simulation.run import run_scenario

    result = run_scenario(load_scenario(BASELINE, SMALL_OVERRIDES))
    tables = read_run(baseline_run)
    for name, frame in result.tables().items():
        pd.testing.assert_frame_equal(tables[name], frame, check_dtype=False)
    assert isinstance(tables["ideas"]["status"].dtype, pd.CategoricalDtype)


def test_set_changes_the_resolved_scenario(tmp_path):
    sets = ["--set", "policies.reward.kind=per_idea", "--set", "policies.reward.amount=50"]
    assert main(["run", str(BASELINE), *SMALL, *sets, "--out", str(tmp_path), "-q"]) == 0
    resolved = load_scenario(tmp_path / "scenario.toml")
    assert resolved.policies.reward.kind == "per_idea"
    assert resolved.policies.reward.amount == 50.0


def test_seed_and_days_are_shorthand_overrides(tmp_path):
    args = ["--seed", "7", "--days", "12", "--set", "community.consumers=300"]
    assert main(["run", str(BASELINE), *args, "--out", str(tmp_path), "-q"]) == 0
    resolved = load_scenario(tmp_path / "scenario.toml")
    assert (resolved.run.seed, resolved.run.days) == (7, 12)
    assert len(read_run(tmp_path)["timeseries"]) == 12


def test_csv_replaces_parquet(tmp_path):
    assert main(["run", str(BASELINE), *SMALL, "--out", str(tmp_path), "-q"]) == 0
    parquet = read_run(tmp_path)
    assert main(["run", str(BASELINE), *SMALL, "--out", str(tmp_path), "-q", "--csv"]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {f"{name}.csv" for name in TABLES} <= names
    assert not any(name.endswith(".parquet") for name in names)
    for name, frame in read_run(tmp_path).items():
        assert frame.shape == parquet[name].shape
        assert list(frame.columns) == list(parquet[name].columns)


def test_run_prints_headline_figures_and_the_path(tmp_path, capsys):
    code, out, err = run_main(capsys, "run", BASELINE, *SMALL, "--out", tmp_path)
    assert code == 0 and err == ""
    assert "Time to decision, median" in out and "Quality of accepted ideas" in out
    assert "–" in out  # NaN figures, e.g. the 90-day retention after 30 days
    assert out.rstrip().endswith(f"Results written to {tmp_path}")


def test_quiet_prints_only_the_path(tmp_path, capsys):
    code, out, err = run_main(capsys, "run", BASELINE, *SMALL, "--out", tmp_path, "-q")
    assert (code, out, err) == (0, f"{tmp_path}\n", "")


def test_default_out_dir_is_named_after_scenario_and_seed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(BASELINE), *SMALL, "--seed", "5", "-q"]) == 0
    assert (tmp_path / "results/runs/baseline/seed-5/summary.json").is_file()


def test_every_headline_is_a_summary_figure(baseline_run):
    summary = json.loads((baseline_run / "summary.json").read_text())
    assert {h.key for h in HEADLINES} <= set(summary)


def test_progress_bar_appears_only_after_the_delay():
    def render(delay):
        console = Console(file=StringIO(), force_terminal=True, width=80)
        progress = LazyProgress(console, delay=delay)
        for day in range(1, 4):
            progress(day, 3)
        progress.close()
        return console.file.getvalue()

    assert render(delay=60) == ""
    assert "simulating" in render(delay=0)


# --- user mistakes -------------------------------------------------------------------------------

BAD_FILES = {
    "syntax": ("[run]\ndays = = 3\n", "line 2, column"),
    "choice": ('[policies.reward]\nkind = "per_ide"\n', "did you mean 'per_idea'?"),
    "unknown": ("[comunity]\nconsumers = 3\n", "comunity: unknown key 'comunity'; did you mean"),
    "type": ('[community]\nconsumers = "many"\n', "community.consumers: expected int"),
    "range": ("[community]\nconsumers = -5\n", "community.consumers: -5 is out of range"),
}
BAD_ARGS = {
    "no equals": (["--set", "community.consumers"], "--set: 'community.consumers' is not key"),
    "unknown path": (["--set", "community.consumer=3"], "did you mean 'consumers'?"),
    "table": (["--set", "policies.reward=3"], "policies.reward: is a table"),
    "bad value": (["--set", "community.consumers=lots"], "community.consumers: expected int"),
    "seed word": (["--seed", "abc"], "--seed: run.seed: expected int"),
    "seed range": (["--seed", "-1"], "--seed: run.seed: -1 is out of range"),
    "days range": (["--days", "0"], "--days: run.days: 0 is out of range"),
    "seed twice": (["--seed", "1", "--set", "run.seed=2"], "--seed: run.seed: also given"),
}


def assert_one_error(code, err, expected):
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expected in err


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_scenario_file_is_one_message_naming_file_and_key(case, tmp_path, capsys):
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    code, _, err = run_main(capsys, "run", path, "--out", tmp_path / "out")
    assert_one_error(code, err, expected)
    assert err.startswith(f"error: {path}: ")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", BAD_ARGS)
def test_bad_override_is_one_message(case, tmp_path, capsys):
    args, expected = BAD_ARGS[case]
    code, _, err = run_main(capsys, "run", BASELINE, *args, "--out", tmp_path / "out")
    assert_one_error(code, err, expected)


def test_missing_file(tmp_path, capsys):
    code, _, err = run_main(capsys, "run", tmp_path / "nope.toml")
    assert_one_error(code, err, f"{tmp_path / 'nope.toml'}: file not found")


def test_out_under_a_regular_file(tmp_path, capsys):
    (tmp_path / "plain").write_text("")
    code, _, err = run_main(capsys, "run", BASELINE, *SMALL, "--out", tmp_path / "plain" / "run")
    assert_one_error(code, err, "cannot create the output directory")
    code, _, err = run_main(capsys, "run", BASELINE, *SMALL, "--out", tmp_path / "plain")
    assert_one_error(code, err, "exists and is not a directory")


def test_unknown_params_table(capsys):
    code, _, err = run_main(capsys, "params", "--table", "polcies.reward")
    assert_one_error(code, err, "did you mean 'policies.reward'?")


@pytest.mark.parametrize(
    "args", [[], ["rnu"], ["run"], ["run", str(BASELINE), "--bogus"], ["params", "--table"]]
)
def test_argparse_usage_errors_exit_2(args, capsys):
    code, _, err = run_main(capsys, *args)
    assert code == 2 and "usage: cocreate" in err and "Traceback" not in err


def test_ctrl_c_exits_130(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("simulation.run.run_scenario", interrupted)
    code, _, err = run_main(capsys, "run", BASELINE, "--out", tmp_path)
    assert code == 130 and err.startswith("interrupted") and err.count("\n") == 1


# --- params, check, help, version ----------------------------------------------------------------


def test_params_lists_every_key(capsys):
    keys = [key for key, _ in iter_params()]
    code, out, _ = run_main(capsys, "params")
    assert code == 0 and all(key in out for key in keys)
    code, out, _ = run_main(capsys, "params", "--markdown")
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == keys
    assert "| `run.days` | `365` | days | 1 – 20,000 |" in out


def test_params_piped_is_tab_separated(capsys):
    code, out, _ = run_main(capsys, "params")  # capsys: stdout is not a terminal
    lines = out.splitlines()
    assert lines[0] == "key\tdefault\tunit\tallowed\tdescription"
    assert [line.split("\t")[0] for line in lines[1:]] == [key for key, _ in iter_params()]
    assert "run.days\t365\tdays\t1 – 20,000\tDays to simulate (1 step = 1 day)." in lines


def test_metrics_lists_every_metric(capsys):
    code, out, _ = run_main(capsys, "metrics")
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t")[:2] == ["key", "when"]
    assert [line.split("\t")[0] for line in lines[1:]] == list(METRICS)
    assert "churned_share\tend of run\t%\tlower\t" in out


def test_params_table_filter(capsys):
    code, out, _ = run_main(capsys, "params", "--table", "policies.reward", "--markdown")
    listed = [line.split("`")[1] for line in out.splitlines() if line.startswith("| `")]
    assert code == 0 and listed
    assert all(key.startswith("policies.reward.") for key in listed)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.name)
def test_check_every_scenario(path, capsys):
    code, out, err = run_main(capsys, "check", path)
    assert code == 0 and err == ""
    assert out.startswith(f"{path}: ok")


def test_check_lists_keys_that_differ_from_defaults(capsys):
    code, out, _ = run_main(capsys, "check", BASELINE, "--set", "policies.reward.kind=contest")
    assert code == 0
    assert 'policies.reward.kind = "contest"  (default: "none")' in out
    assert "run.days" not in out  # the baseline keeps the default


def test_check_reports_every_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\ndays = 0\n")
    code, out, err = run_main(capsys, "check", bad, BASELINE)
    assert code == 2 and f"{BASELINE}: ok" in out
    assert err.startswith(f"error: {bad}: run.days: 0 is out of range")


@pytest.mark.parametrize("command", ["run", "params", "metrics", "check"])
def test_help_shows_an_example(command, capsys):
    code, out, _ = run_main(capsys, command, "--help")
    assert code == 0 and f"usage: cocreate {command}" in out
    assert f"examples:\n  cocreate {command}" in out


def test_version(capsys):
    code, out, _ = run_main(capsys, "--version")
    assert (code, out) == (0, f"cocreate {__version__}\n")


# --- as a separate process -----------------------------------------------------------------------


def test_script_runs_and_writes(tmp_path):
    proc = cocreate("run", BASELINE, *SMALL, "--out", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Results written to" in proc.stdout and proc.stderr == ""
    assert set(read_run(tmp_path / "out")) == set(TABLES)


def test_python_dash_m_simulation(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, f"cocreate {__version__}\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "policies.reward.kind=per_ide"], "did you mean 'per_idea'?"),
        (["--seed", "x"], "--seed: run.seed: expected int"),
    ],
)
def test_script_errors_have_no_traceback(args, expected, tmp_path):
    proc = cocreate("run", BASELINE, *args, cwd=tmp_path)
    assert_one_error(proc.returncode, proc.stderr, expected)


def test_script_usage_error_exits_2(tmp_path):
    proc = cocreate("run", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="needs SIGINT")
def test_script_ctrl_c_exits_130_without_partial_files(tmp_path):
    out = tmp_path / "out"
    script = shutil.which("cocreate", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "simulation.cli"]
    with ctrl_c_as_from_a_terminal():  # a background pytest would hand it SIGINT ignored
        proc = subprocess.Popen(
            [*command, "run", str(BASELINE), "--days", "20000", "--out", str(out)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while not out.is_dir() and time.monotonic() < deadline:  # the run has started
            time.sleep(0.05)
        # As a user would, press Ctrl-C again if the first one went unheard: CI once saw a
        # 20,000-day run finish with exit 0 after one SIGINT (a signal lost inside the
        # interpreter; not reproduced in 60 local trials), so one press is not what is tested.
        err = None
        for _ in range(15):
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=2)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        proc.kill()
    assert err is not None, "the run did not stop on Ctrl-C"
    assert proc.returncode == 130 and "Traceback" not in err
    assert err.startswith("interrupted") and err.count("\n") == 1
    assert list(out.iterdir()) == []


def test_resolved_scenario_differs_from_defaults_only_as_asked(baseline_run):
    resolved = load_scenario(baseline_run / "scenario.toml")
    assert resolved.community.consumers == 300
    assert resolved.consumers == Scenario().consumers


SHIPPED = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("**/*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_run_shows_every_shipped_scenario(path, tmp_path, capsys):
    """`cocreate run` on every shipped scenario: exit 0, the headline table, and with several
    firms each firm's column."""
    from simulation import load_scenario

    args = ["run", str(path), "--days", "15", "--out", str(tmp_path / "out")]
    args += ["--set", "community.consumers=200", "--set", "community.initial_members=30"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Results written to" in out
    firms = [e.name for e in load_scenario(path).organisations if e.role == "firm"]
    if len(firms) > 1:
        assert "people in several communities" in out
        assert all(name in out for name in firms)
