"""Experiment files, designs, seeds, the results folder, resume and analysis (in process)."""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.sweep import point_summary, sensitivity
from simulation.analysis.sweep_report import analyze, write_analysis
from simulation.experiments import (
    SpecChangedError,
    design_table,
    experiment_from_dict,
    load_experiment,
    load_results,
    run_experiment,
    run_seed,
    run_tasks,
)
from simulation.experiments import worker as worker_module
from simulation.experiments.design import UNIT_PREFIX
from simulation.experiments.store import ExperimentResults
from simulation.scenario import ScenarioError
from tests.helpers import ROOT
from tests.sweeps import experiment, part_digests

# optimisation files (`cocreate optimise`) are checked in tests/test_optimise.py
EXAMPLES = sorted(
    p for p in (ROOT / "experiments").glob("*.toml") if not p.name.startswith("optimise")
)


# ----- experiment files ----------------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_experiment_is_valid(path):
    spec = load_experiment(path)
    assert run_tasks(spec)  # every design point's scenario validates


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"replicate": 3}, "replicate", "did you mean 'replicates'"),
        (
            {"parameters": {"policies.reward.amont": [1.0]}},
            'parameters."policies.reward.amont"',
            "amount",
        ),
        ({"design": {"kind": "factorial"}}, "design.kind", "grid, list, lhs, sobol, morris"),
        (
            {
                "design": {"kind": "sobol", "samples": 100},
                "parameters": {"run.days": {"min": 5, "max": 9}},
            },
            "design.samples",
            "power of two (e.g. 128)",
        ),
        ({"parameters": {"run.days": {"min": 5}}}, 'parameters."run.days"', "min and max"),
        ({"parameters": {"run.days": {"min": 9, "max": 5}}}, 'parameters."run.days"', "below max"),
        (
            {"parameters": {"policies.reward.amount": [-5.0]}},
            'parameters."policies.reward.amount"',
            "out of range",
        ),
        ({"parameters": {"run.days": [1.5]}}, 'parameters."run.days"', "expected int"),
        ({"tables": {"w": {"metrics": ["active_member"]}}}, "tables.w.metrics", "active_members"),
        ({"tables": {"summary": {}}}, "tables.summary", "written for every run"),
        ({"design": {"kind": "list"}}, "design.kind", "needs [[subexperiments]]"),
        (
            {
                "design": {"kind": "morris"},
                "parameters": {"run.days": {"distribution": "normal", "mean": 9, "sd": 1}},
            },
            'parameters."run.days"',
            "uniform range",
        ),
        ({"subexperiments": [{"set": {}}]}, "subexperiments[0].name", "needs a name"),
        ({"set": {"community.consumers": 10}}, "set.community.initial_members", "must not exceed"),
        ({"seeds": "twinned"}, "seeds", "independent, common, paired"),
        ({"seeds": "paired"}, "seeds", "two or more [[subexperiments]]"),
        (
            {
                "design": {"kind": "sobol", "samples": 8},
                "parameters": {"run.days": {"min": 5, "max": 9}},
                "subexperiments": [{"name": "a"}],
            },
            "subexperiments",
            "go with grid, list or lhs",
        ),
        ({"scenario": "nowhere.toml"}, "scenario", "not found"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path, change, key, words):
    path = experiment(tmp_path, **change)
    with pytest.raises(ScenarioError) as err:
        load_experiment(path)
    assert err.value.source == str(path)
    assert err.value.key == key
    assert words in str(err.value)


def test_invalid_toml_names_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("replicates = \n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad.toml: invalid TOML: .*line 1"):
        load_experiment(path)


def test_spec_hash_covers_what_decides_results_only(tmp_path):
    a = load_experiment(experiment(tmp_path))
    b = load_experiment(experiment(tmp_path), out=tmp_path / "elsewhere")
    c = load_experiment(experiment(tmp_path, seed=8))
    assert a.spec_hash() == b.spec_hash() != c.spec_hash()


# ----- designs and seeds ---------------------------------------------------------------------
def _spec(**data):
    return experiment_from_dict(
        {"set": {"community.consumers": 100, "community.initial_members": 20}, **data}
    )


def test_grid_is_the_full_product_crossed_with_subexperiments():
    spec = _spec(
        parameters={
            "run.days": [10, 20, 30],
            "policies.reward.amount": {"min": 0, "max": 10, "steps": 2},
        },
        subexperiments=[{"name": "a"}, {"name": "b", "set": {"marketers.count": 4}}],
    )
    design = design_table(spec)
    assert len(design) == 2 * 3 * 2
    assert design.groupby("subexperiment").size().tolist() == [6, 6]
    assert sorted(design["policies.reward.amount"].unique()) == [0.0, 10.0]
    tasks = run_tasks(spec)
    assert {t.scenario.marketers.count for t in tasks if t.labels["subexperiment"] == "b"} == {4}


@pytest.mark.parametrize(
    ("kind", "rows"), [("lhs", 16), ("sobol", 16 * (3 + 2)), ("morris", 16 * (3 + 1))]
)
def test_sampler_sizes_types_and_ranges(kind, rows):
    spec = _spec(
        design={"kind": kind, "samples": 16},
        parameters={
            "run.days": {"min": 10, "max": 30},
            "consumers.intrinsic_mean": {"min": 0.5, "max": 1.5},
            "marketers.response_style": ["silent", "reply", "explain"],
        },
    )
    design = design_table(spec)
    assert len(design) == rows
    assert design["run.days"].map(type).eq(int).all()
    assert design["run.days"].between(10, 30).all()
    assert design["consumers.intrinsic_mean"].between(0.5, 1.5).all()
    assert set(design["marketers.response_style"]) == {"silent", "reply", "explain"}
    assert design[UNIT_PREFIX + "run.days"].between(0, 1).all()


def test_distributions_follow_their_parameters():
    spec = _spec(
        design={"kind": "lhs", "samples": 400},
        parameters={
            "consumers.intrinsic_mean": {
                "distribution": "normal",
                "mean": 1.0,
                "sd": 0.2,
                "min": 0.5,
            },
            "consumers.threshold_sigma": {"distribution": "lognormal", "mean": -1.0, "sd": 0.3},
        },
    )
    design = design_table(spec)
    normal = design["consumers.intrinsic_mean"]
    assert (
        normal.min() >= 0.5 and abs(normal.mean() - 1.0) < 0.02 and abs(normal.std() - 0.2) < 0.02
    )
    logs = np.log(design["consumers.threshold_sigma"])
    assert abs(logs.mean() + 1.0) < 0.02 and abs(logs.std() - 0.3) < 0.02


def test_seeds_independent_or_common_and_ids_stable():
    independent = _spec(replicates=3, parameters={"run.days": [10, 20]})
    common = _spec(replicates=3, seeds="common", parameters={"run.days": [10, 20]})
    seeds = {(t.point, t.replicate): t.seed for t in run_tasks(independent)}
    assert len(set(seeds.values())) == 6
    shared = {(t.point, t.replicate): t.seed for t in run_tasks(common)}
    assert all(shared[(0, r)] == shared[(1, r)] for r in range(3))
    assert [t.run_id for t in run_tasks(independent)] == [t.run_id for t in run_tasks(independent)]
    assert run_seed(independent, 1, 2) == seeds[(1, 2)]
    assert len({t.run_id for t in run_tasks(independent)}) == 6


def test_paired_seeds_pair_the_subexperiments_at_each_latin_hypercube_sample():
    spec = _spec(
        replicates=2,
        seeds="paired",
        design={"kind": "lhs", "samples": 5},
        parameters={"consumers.intrinsic_mean": {"min": 0.5, "max": 1.5}},
        subexperiments=[{"name": "a"}, {"name": "b", "set": {"marketers.count": 4}}],
    )
    design = design_table(spec)
    assert len(design) == 2 * 5 and list(design.columns[:3]) == ["point", "subexperiment", "sample"]
    a, b = (design[design["subexperiment"] == s].reset_index(drop=True) for s in "ab")
    # every sample in both sub-experiments, with the same factor values
    assert a["sample"].tolist() == b["sample"].tolist() == list(range(5))
    assert a["consumers.intrinsic_mean"].tolist() == b["consumers.intrinsic_mean"].tolist()
    seeds = {
        (t.labels["subexperiment"], t.labels["sample"], t.replicate): t for t in run_tasks(spec)
    }
    for sample in range(5):
        for r in range(2):  # the same seed in both sub-experiments, a different run id
            assert seeds[("a", sample, r)].seed == seeds[("b", sample, r)].seed
            assert seeds[("a", sample, r)].run_id != seeds[("b", sample, r)].run_id
    # independent across samples and replicates
    assert len({t.seed for t in seeds.values()}) == 5 * 2
    assert {t.scenario.marketers.count for k, t in seeds.items() if k[0] == "b"} == {4}


def test_draws_set_each_replicates_values_and_what_the_experiment_varies_wins():
    draws = [
        {"consumers.intrinsic_mean": 0.7, "community.word_of_mouth": 0.01, "marketers.count": 6},
        {"consumers.intrinsic_mean": 1.3, "community.word_of_mouth": 0.03, "marketers.count": 6},
    ]
    data = {
        "replicates": 2,
        "seeds": "paired",
        "design": {"kind": "lhs", "samples": 3},
        "parameters": {"consumers.intrinsic_mean": {"min": 0.5, "max": 1.5}},
        "subexperiments": [{"name": "a"}, {"name": "b", "set": {"marketers.count": 4}}],
    }
    spec = _spec(**data, draws=draws)
    design = design_table(spec).set_index("point")
    for t in run_tasks(spec):
        sub = t.labels["subexperiment"]
        # replicate r runs at draw r, at every sample and in every sub-experiment ...
        assert t.scenario.community.word_of_mouth == draws[t.replicate]["community.word_of_mouth"]
        # ... but a factor keeps its sampled value, and a sub-experiment its own set value
        sampled = design.loc[t.point, "consumers.intrinsic_mean"]
        assert t.scenario.consumers.intrinsic_mean == sampled
        assert t.scenario.marketers.count == (4 if sub == "b" else 6)
    # the draws are part of the spec: other draws are another experiment (no resume across)
    other = _spec(**data, draws=[draws[1], draws[0]])
    assert other.spec_hash() != spec.spec_hash()
    assert [t.run_id for t in run_tasks(other)] == [t.run_id for t in run_tasks(spec)]


@pytest.mark.parametrize(
    ("draws", "key", "words"),
    [
        ({"consumers.intrinsic_mean": 1.0}, "draws", "expected a list of tables"),
        ([{"consumers.intrinsic_mean": 1.0}], "draws", "1 draws for 2 replicates"),
        ([{"consumers.intrinsic_man": 1.0}] * 2, 'draws[0]."consumers.intrinsic_man"', "mean"),
        ([{}, {"consumers.intrinsic_mean": -3.0}], "draws[1]", "(design point 0)"),
    ],
)
def test_bad_draws_name_the_draw_and_key(draws, key, words):
    with pytest.raises(ScenarioError) as err:
        _spec(replicates=2, parameters={"run.days": [5, 6]}, draws=draws)
    assert err.value.key.startswith(key) and words in str(err.value)


# ----- running, storage, resume --------------------------------------------------------------
def _git_state() -> dict:
    """What the manifest must record of this checkout: HEAD and whether tracked files differ."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        return {"commit": None, "dirty": None}

    def out(*args: str) -> str:
        return subprocess.run([git, "-C", str(ROOT), *args], capture_output=True, text=True).stdout

    return {
        "commit": out("rev-parse", "HEAD").strip(),
        "dirty": bool(out("status", "--porcelain", "--untracked-files=no").strip()),
    }


def test_sweep_writes_tidy_tables_journal_and_manifest(tmp_path):
    git_before, started = _git_state(), dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = run_experiment(load_experiment(experiment(tmp_path)), backend="sequential")
    git_after, ended = _git_state(), dt.datetime.now(dt.UTC)
    results = load_results(out)
    assert len(results.summary) == 8 and results.summary["run_id"].is_unique
    weekly = results.tables["weekly"]
    assert sorted(weekly["day"].unique()) == [0, 7, 14, 19]  # every 7 days plus the last
    assert {"policies.reward.amount", "marketers.count", "active_members"} <= set(weekly.columns)
    assert (weekly.groupby("run_id").size() == 4).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == 8
    assert manifest["spec_hash"] == load_experiment(experiment(tmp_path)).spec_hash()
    assert {"mesa", "numpy", "SALib"} <= set(manifest["versions"])
    # HEAD and the tree's state as git reports them (before or after the sweep: a commit made
    # meanwhile in this checkout may land either side); None for both outside a git checkout
    assert manifest["git"] in (git_before, git_after)
    assert manifest["python"] == platform.python_version()
    assert manifest["platform"] == platform.platform()
    times = [dt.datetime.fromisoformat(manifest[key]) for key in ("started", "ended")]
    assert started <= times[0] <= times[1] <= ended
    journal = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert sorted(r["run"] for r in journal) == sorted(results.summary["run_id"])
    # a run's table equals what run_scenario gives for that seed
    task = run_tasks(load_experiment(experiment(tmp_path)))[5]
    from simulation.run import run_scenario

    direct = run_scenario(task.scenario, seed=task.seed)
    row = results.summary.set_index("run_id").loc[task.run_id]
    assert row["active_members"] == direct.summary["active_members"]
    assert row["ideas"] == direct.summary["ideas"]


def test_rerun_skips_done_runs_and_redoes_a_damaged_part(tmp_path):
    spec = load_experiment(experiment(tmp_path))
    out = run_experiment(spec, backend="sequential")
    before = part_digests(out)
    victim = sorted((out / "parts" / "weekly").glob("*.parquet"))[3]
    victim.write_bytes(victim.read_bytes()[:100])  # half-written, as a crash might leave it
    (out / "parts" / "weekly" / ".junk.parquet.123.tmp").write_bytes(b"x")
    calls = []
    run_experiment(spec, backend="sequential", progress=lambda p: calls.append(p.done))
    assert part_digests(out) == before
    assert not list(out.rglob("*.tmp"))
    assert calls[0] == 7 and calls[-1] == 8  # only the damaged run ran again
    journal = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert len(journal) == 9


def test_changed_spec_is_refused_unless_forced(tmp_path):
    out = run_experiment(load_experiment(experiment(tmp_path)), backend="sequential")
    changed = load_experiment(experiment(tmp_path, replicates=1))
    with pytest.raises(SpecChangedError, match="--force"):
        run_experiment(changed, backend="sequential")
    run_experiment(changed, backend="sequential", force=True)
    assert len(load_results(out).summary) == 4
    moved = list(out.parent.glob(f"{out.name}.replaced-*"))
    assert len(moved) == 1 and len(load_results(moved[0]).summary) == 8  # nothing lost


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    spec = load_experiment(experiment(tmp_path))
    bad = {t.seed for t in run_tasks(spec) if t.point == 2}
    real = worker_module.run_scenario

    def flaky(scenario, seed=None, progress=None):
        if seed in bad:
            raise RuntimeError("model exploded at point 2")
        return real(scenario, seed=seed)

    monkeypatch.setattr(worker_module, "run_scenario", flaky)
    out = run_experiment(spec, backend="sequential")
    results = load_results(out)
    failed = results.runs[results.runs["status"] == "failed"]
    assert len(failed) == 2 and set(failed["point"]) == {2}
    assert failed["error"].str.contains("RuntimeError: model exploded at point 2").all()
    assert failed["error"].str.contains("Traceback").all()
    assert len(results.summary) == 6
    assert json.loads((out / "manifest.json").read_text())["status"] == "incomplete"
    run_experiment(spec, backend="sequential")  # failed runs stay failed without the flag
    assert len(load_results(out).summary) == 6
    monkeypatch.setattr(worker_module, "run_scenario", real)
    run_experiment(spec, backend="sequential", retry_failed=True)
    assert len(load_results(out).summary) == 8
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_list_design_records_other_tables(tmp_path):
    path = experiment(
        tmp_path,
        parameters=None,
        subexperiments=[
            {"name": "silent", "set": {"marketers.response_style": "silent"}},
            {"name": "explain", "set": {"marketers.response_style": "explain"}},
        ],
        tables={"decisions": {"source": "decisions"}, "snap": {"source": "snapshots", "every": 10}},
    )
    results = load_results(run_experiment(load_experiment(path), backend="sequential"))
    assert set(results.summary["subexperiment"]) == {"silent", "explain"}
    # snapshots every 10 days and on the last day (19), for each of the 2 x 2 runs
    snap_days = results.tables["snap"].groupby("run_id")["day"].unique().map(sorted)
    assert snap_days.tolist() == [[0, 10, 19]] * 4
    decisions = results.tables["decisions"]
    assert "subexperiment" in decisions.columns
    assert len(decisions) == results.summary["decisions"].sum()  # every run's decisions, once


# ----- analysis ------------------------------------------------------------------------------
def test_point_summary_is_the_mean_and_t_interval_of_replicates(tmp_path):
    results = load_results(
        run_experiment(load_experiment(experiment(tmp_path)), backend="sequential")
    )
    table = point_summary(results, ["active_members"])
    for point, rows in results.summary.groupby("point"):
        row = table[table["point"] == point].iloc[0]
        values = rows["active_members"].to_numpy()
        half = 12.706204736174705 * values.std(ddof=1) / np.sqrt(2)  # t(0.975, 1 df)
        assert row["mean"] == pytest.approx(values.mean())
        assert row["ci_high"] - row["mean"] == pytest.approx(half)


def test_sobol_indices_of_a_known_function_come_through_the_pipeline():
    # y = 4 x1 + x2 on the unit square: S1 = 16/17 and 1/17, no interaction (ST = S1)
    spec = _spec(
        design={"kind": "sobol", "samples": 1024},
        parameters={
            "consumers.intrinsic_mean": {"min": 0, "max": 1},
            "consumers.extrinsic_mean": {"min": 0, "max": 1},
        },
    )
    design = design_table(spec)
    y = 4 * design["consumers.intrinsic_mean"] + design["consumers.extrinsic_mean"]
    summary = pd.DataFrame({"point": design["point"], "ideas": y})
    manifest = {
        "design": "sobol",
        "factors": [f.key for f in spec.factors],
        "samples": 1024,
        "replicates": 2,
    }
    results = ExperimentResults(ROOT, manifest, design, pd.DataFrame(), summary, {})
    sens = sensitivity(results, ["ideas"])
    s1 = sens.table[sens.table["index"] == "S1"].set_index("factor")["value"]
    assert s1["consumers.intrinsic_mean"] == pytest.approx(16 / 17, abs=0.03)
    assert s1["consumers.extrinsic_mean"] == pytest.approx(1 / 17, abs=0.03)
    assert not any("small" in w for w in sens.warnings)


def test_latin_hypercube_indices_are_computed_per_subexperiment_on_a_known_function():
    # sub-experiment a: y = x1 only; b: y = x2 only; each over the same 400 samples
    spec = _spec(
        seeds="paired",
        design={"kind": "lhs", "samples": 400},
        parameters={
            "consumers.intrinsic_mean": {"min": 0, "max": 1},
            "consumers.extrinsic_mean": {"min": 0, "max": 1},
        },
        subexperiments=[{"name": "a"}, {"name": "b"}],
    )
    design = design_table(spec)
    x1, x2 = design["consumers.intrinsic_mean"], design["consumers.extrinsic_mean"]
    y = np.where(design["subexperiment"] == "a", x1, x2)
    summary = pd.DataFrame({"point": design["point"], "ideas": y})
    manifest = {"design": "lhs", "factors": [f.key for f in spec.factors], "samples": 400}
    results = ExperimentResults(ROOT, manifest, design, pd.DataFrame(), summary, {})
    s1 = sensitivity(results, ["ideas"]).table.set_index(["metric", "factor"])["value"]
    assert s1[("ideas [a]", "consumers.intrinsic_mean")] > 0.8
    assert s1[("ideas [a]", "consumers.extrinsic_mean")] < 0.1
    assert s1[("ideas [b]", "consumers.extrinsic_mean")] > 0.8
    assert s1[("ideas [b]", "consumers.intrinsic_mean")] < 0.1


def test_too_few_latin_hypercube_points_give_no_indices_but_say_why():
    spec = _spec(
        design={"kind": "lhs", "samples": 20},
        parameters={"consumers.intrinsic_mean": {"min": 0, "max": 1}},
    )
    design = design_table(spec)
    summary = pd.DataFrame({"point": design["point"], "ideas": design["point"] * 1.0})
    manifest = {"design": "lhs", "factors": [f.key for f in spec.factors], "samples": 20}
    results = ExperimentResults(ROOT, manifest, design, pd.DataFrame(), summary, {})
    sens = sensitivity(results, ["ideas"])
    assert sens.table.empty
    assert sens.warnings[0].startswith("20 Latin-hypercube points: RBD-FAST needs more than 20")


def test_analysis_of_a_small_sobol_sweep_warns_and_writes_a_page(tmp_path):
    path = experiment(
        tmp_path,
        design={"kind": "sobol", "samples": 8},
        parameters={
            "consumers.intrinsic_mean": {"min": 0.5, "max": 1.5},
            "marketers.count": [1, 2, 3],
        },
        replicates=1,
        tables=None,
    )
    results = load_results(run_experiment(load_experiment(path), backend="sequential"))
    analysis = analyze(results)
    sens = analysis.sensitivity
    assert set(sens.table["index"]) == {"S1", "ST"}
    assert any("N = 8 is small" in w for w in sens.warnings)
    report = write_analysis(analysis)
    text = report.read_text()
    assert "Sensitivity (sobol)" in text and "⚠" in text and "data:image/png;base64" in text
    assert (report.parent / "sensitivity.csv").exists()


def test_analysis_of_a_two_factor_grid_draws_heat_maps(tmp_path):
    results = load_results(
        run_experiment(load_experiment(experiment(tmp_path)), backend="sequential")
    )
    analysis = analyze(results, ["active_members"])
    assert analysis.sensitivity is None
    assert "heatmap_active_members.png" in analysis.figures
    assert any(name.startswith("series_weekly_") for name in analysis.figures)
