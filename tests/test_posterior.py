"""A calibration's posterior as input: its checks, and the draws it gives myths and compare."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulation.calibrate.posterior import draw, load_posterior
from simulation.cli import main
from tests.helpers import BASELINE


def posterior_folder(folder, frame: pd.DataFrame | None = None):
    """A calibration's output folder holding only ``posterior.parquet`` (two generations)."""
    if frame is None:
        frame = pd.DataFrame(
            {
                "consumers.intrinsic_mean": [1.0, 0.6, 1.4, 0.8, 1.2],
                "community.word_of_mouth": [0.01, 0.005, 0.03, 0.02, 0.0],
                "weight": [1.0, 0.4, 0.2, 0.3, 0.1],
                "generation": [0, 1, 1, 1, 1],
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "posterior.parquet")
    return folder


@pytest.fixture
def posterior(tmp_path):
    return posterior_folder(tmp_path / "calibration")


def test_the_last_generation_is_drawn_by_weight_and_the_seed_fixes_the_draws(posterior):
    last = load_posterior(posterior)
    assert len(last) == 4 and last["weight"].sum() == pytest.approx(1.0)
    draws = draw(last, 7, n=6)
    assert draws == draw(last, 7, n=6) != draw(last, 8, n=6)
    assert all(d["consumers.intrinsic_mean"] in (0.6, 1.4, 0.8, 1.2) for d in draws)
    # draw r does not depend on how many are drawn: replicate r of the arms (20 replicates)
    # and of a boundary (8) run at the same draw
    assert draw(last, 7, n=3) == draws[:3]


BAD = {
    "no posterior here": (None, "no posterior.parquet here"),
    "an unknown key": (
        pd.DataFrame({"consumers.intrinsic_man": [1.0], "weight": [1.0], "generation": [0]}),
        "consumers.intrinsic_man: no parameter 'consumers.intrinsic_man'; did you mean "
        "'consumers.intrinsic_mean'?",
    ),
    "a value that is not a number": (
        pd.DataFrame({"policies.reward.kind": ["cash"], "weight": [1.0], "generation": [0]}),
        "policies.reward.kind: expected a number in every draw",
    ),
    "no weights": (
        pd.DataFrame({"consumers.intrinsic_mean": [1.0], "generation": [0]}),
        "is not a calibration's posterior",
    ),
    "weights all zero": (
        pd.DataFrame({"consumers.intrinsic_mean": [1.0], "weight": [0.0], "generation": [0]}),
        "weight: expected weights of 0 or more, not all 0",
    ),
    "no parameter": (
        pd.DataFrame({"weight": [1.0], "generation": [0]}),
        "it holds no parameter",
    ),
    "not Parquet": ("not parquet", "cannot read it"),
}


def bad_folder(tmp_path, case: str):
    content, message = BAD[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    if isinstance(content, pd.DataFrame):
        content.to_parquet(folder / "posterior.parquet")
    elif isinstance(content, str):
        (folder / "posterior.parquet").write_text(content)
    return folder, message


@pytest.mark.parametrize("case", list(BAD))
def test_run_on_a_bad_posterior_is_one_error_line_naming_it(case, tmp_path, capsys):
    folder, message = bad_folder(tmp_path, case)
    out = tmp_path / "out"
    assert main(["run", str(BASELINE), "--posterior", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(folder) in err and message in err
    assert not out.exists()


# ----- the draws in myths and in compare --explain ---------------------------------------------
TINY = ("run.days=30", "community.consumers=100", "community.initial_members=20")
DRAWN = ("consumers.intrinsic_mean", "community.word_of_mouth")


@pytest.fixture
def recorded(monkeypatch):
    """Every run made in this process: (name, seed, drawn values, marketers' learning)."""
    from simulation.analysis import replicates
    from simulation.experiments import worker

    runs = []

    def recording(real):
        def run(scenario, *args, **kwargs):
            values = (scenario.consumers.intrinsic_mean, scenario.community.word_of_mouth)
            seed = kwargs.get("seed", args[0] if args else None)
            runs.append((scenario.name, seed, values, scenario.marketers.learning))
            return real(scenario, *args, **kwargs)

        return run

    monkeypatch.setattr(replicates, "run_scenario", recording(replicates.run_scenario))
    monkeypatch.setattr(worker, "run_scenario", recording(worker.run_scenario))
    return runs


def drawn_values(folder, seed: int, n: int) -> list[tuple]:
    return [tuple(d[k] for k in DRAWN) for d in draw(load_posterior(folder), seed, n=n)]


def test_myths_on_a_posterior_runs_replicate_r_at_draw_r_reproducibly(
    posterior, tmp_path, recorded, capsys, monkeypatch
):
    """Replicate r of every arm at draw r (both arms of a belief alike); the same seed gives the
    same runs at the same draws and the same report, to the byte."""
    from simulation.analysis.myths import MYTHS

    argv = ["myths", "--replicates", "2", "--no-boundaries", "--no-facts", "--no-attribution"]
    argv += ["--workers", "1", "--seed", "5", "--out", "myths"]
    argv += [f"--set={s}" for s in TINY] + ["--posterior", str(posterior)]
    reports = []
    for attempt in ("a", "b"):
        recorded.clear()
        (tmp_path / attempt).mkdir()
        monkeypatch.chdir(tmp_path / attempt)  # the same --out: the report names its folders
        assert main(argv) == 0
        reports.append((tmp_path / attempt / "myths" / "report.md").read_bytes())
        if attempt == "a":
            first = list(recorded)
    assert recorded == first and reports[0] == reports[1]
    draws = drawn_values(posterior, 5, 2)
    assert len(first) == sum(len(m.arms) for m in MYTHS) * 2
    seeds = {}
    for _name, seed, values, _ in first:  # an arm's replicate: its seed says which
        seeds.setdefault(seed, len(seeds))
        assert values == draws[seeds[seed]]
    assert len(seeds) == 2
    title = reports[0].decode("utf-8").splitlines()[0]
    assert title.startswith(
        f"# Five beliefs about co-creation, tested (for the community calibrated in {posterior}"
        ", each replicate a draw of its posterior; with run.days=30"
    )
    assert "Report written to" in capsys.readouterr().out


def test_every_part_of_the_myths_job_gets_draw_r_for_replicate_r(posterior, monkeypatch):
    """The arms and the attribution take the first `replicates` draws, each boundary the first
    `boundary_replicates` (draw r does not depend on how many are drawn)."""
    from simulation.analysis import myths_run

    draws = tuple(draw(load_posterior(posterior), 1, n=3))
    given = {"answer": [], "boundary": []}

    def answer(myth, *args):
        given["answer"].append(args[-1])
        return myths_run.MythResult(myth, None, None)

    def run_boundary(myth, *args):
        given["boundary"].append(args[-1])

    monkeypatch.setattr(myths_run, "answer", answer)
    monkeypatch.setattr(myths_run, "run_boundary", run_boundary)
    monkeypatch.setattr(myths_run, "runs_of", lambda plan, out: {"all": 1})
    myths_run.run_myths(2, 1, 1, TINY, samples=2, boundary_replicates=3, out=Path(), draws=draws)
    assert given == {"answer": [list(draws[:2])] * 5, "boundary": [list(draws)] * 5}
    with pytest.raises(ValueError, match="3 draws for 4 replicates"):
        myths_run.run_myths(4, 1, 1, TINY, draws=draws)


def test_a_boundary_on_a_posterior_keeps_its_factors_and_resumes_only_the_same_draws(
    posterior, tmp_path, recorded
):
    from simulation.analysis.boundaries import boundary_spec, done_runs
    from simulation.analysis.myths import MYTHS
    from simulation.experiments import run_experiment, run_tasks

    myth = MYTHS[1]  # its region samples intrinsic interest; word of mouth is only drawn
    draws = draw(load_posterior(posterior), 3, n=2)
    spec = boundary_spec(myth, 3, 2, 3, tmp_path / "b", TINY, draws)
    tasks = run_tasks(spec)
    assert len(tasks) == 2 * 3 * 2
    for t in tasks:
        wom = draws[t.replicate]["community.word_of_mouth"]
        assert t.scenario.community.word_of_mouth == wom
        assert t.scenario.consumers.intrinsic_mean == t.labels["consumers.intrinsic_mean"]
    run_experiment(spec, backend="sequential")
    assert [(name, seed) for name, seed, *_ in recorded] == [
        (t.scenario.name, t.seed) for t in tasks
    ]
    assert {v[1] for *_, v, _ in recorded} <= {d["community.word_of_mouth"] for d in draws}
    # the same draws resume (every run done); other draws are another boundary
    again = boundary_spec(
        myth, 3, 2, 3, tmp_path / "b", TINY, draw(load_posterior(posterior), 3, n=2)
    )
    assert done_runs(again) == len(tasks)
    other = boundary_spec(
        myth, 3, 2, 3, tmp_path / "b", TINY, draw(load_posterior(posterior), 4, n=2)
    )
    assert done_runs(other) == 0


def test_the_attribution_runs_take_the_draws_and_a_switch_stays_off(tmp_path, recorded):
    """A belief's mechanisms switched off in both arms run at the same draws; a mechanism whose
    switch sets a drawn key keeps its switch, and is run even where the arms alone would not
    need it."""
    from dataclasses import replace

    from simulation.analysis.myths import MYTHS, answer, runs_needed

    folder = posterior_folder(
        tmp_path / "cal",
        pd.DataFrame(
            {
                "consumers.intrinsic_mean": [0.7, 1.3],
                "community.word_of_mouth": [0.01, 0.02],
                "marketers.learning": [0.2, 0.6],
                "weight": [0.5, 0.5],
                "generation": [3, 3],
            }
        ),
    )
    draws = draw(load_posterior(folder), 2, n=2)
    # the firm does not learn needs in either arm: switching its learning off changes neither
    myth = replace(MYTHS[0], mechanisms=("dialogue", "need_learning"))
    assert runs_needed(myth, 2, TINY) == 3 * 2 + 2 * 2
    # ... but where learning is drawn, the runs without it differ from those with it
    drawn = tuple(draws[0])
    assert runs_needed(myth, 2, TINY, drawn=drawn) == 3 * 2 + 2 * 2 * 2
    result = answer(myth, 2, 2, workers=1, overrides=TINY, draws=draws)
    assert len(recorded) == runs_needed(myth, 2, TINY, drawn=drawn)
    replicate = {}
    for name, seed, values, learning in recorded:
        r = replicate.setdefault(seed, len(replicate))
        assert values == (draws[r]["consumers.intrinsic_mean"], draws[r]["community.word_of_mouth"])
        off = name.endswith("without need_learning")
        assert learning == (0.0 if off else draws[r]["marketers.learning"])
    assert len(replicate) == 2
    assert [p.key for p in result.attribution.parts] == ["dialogue", "need_learning"]


def test_compare_explain_on_a_posterior_runs_every_explained_run_at_the_draws(
    posterior, tmp_path, recorded, capsys
):
    from simulation.analysis.explain import plan

    scenarios = BASELINE.parent
    argv = ["compare", str(BASELINE), str(scenarios / "cash_rewards.toml"), "--explain"]
    argv += [f"--set={s}" for s in TINY]
    argv += ["--replicates", "2", "--workers", "1", "--seed", "4", "--posterior", str(posterior)]
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 0
    draws = drawn_values(posterior, 4, 2)
    names = {name for name, *_ in recorded}
    assert any(" without " in n for n in names) and any("set back" in n for n in names)
    seeds = {}
    for _name, seed, values, _ in recorded:  # the arms and every explained run alike
        seeds.setdefault(seed, len(seeds))
        assert values == draws[seeds[seed]]
    assert len(seeds) == 2
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "each replicate a draw of the posterior" in report and "Why cash_rewards" in report
    assert (out / "explain.csv").is_file()
    # a parameter the draws set is no lever: every run has the drawn value
    from simulation.scenario import load_scenario

    base = load_scenario(BASELINE, list(TINY))
    other = load_scenario(BASELINE, [*TINY, "name=other", "consumers.intrinsic_mean=0.5"])
    todo = plan([base, other], [], drawn=DRAWN)
    assert not todo.levers["other"] and todo.skipped["other"] == [
        ("consumers.intrinsic_mean", "every run has the posterior's drawn value")
    ]
    assert plan([base, other], []).levers["other"]


@pytest.mark.parametrize("case", ["no posterior here", "an unknown key", "not Parquet"])
@pytest.mark.parametrize("command", ["myths", "compare"])
def test_myths_and_compare_explain_on_a_bad_posterior_exit_2_writing_nothing(
    command, case, tmp_path, capsys
):
    folder, message = bad_folder(tmp_path, case)
    out = tmp_path / "out"
    if command == "myths":
        argv = ["myths", "--quick", "--no-boundaries", "--no-facts"]
    else:
        argv = ["compare", str(BASELINE), str(BASELINE.parent / "cash_rewards.toml"), "--explain"]
    assert main([*argv, "--posterior", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(folder) in err and message in err
    assert not out.exists()


def test_myths_on_a_draw_an_arm_cannot_take_exits_2_naming_the_posterior(tmp_path, capsys):
    folder = posterior_folder(
        tmp_path / "cal",
        pd.DataFrame({"consumers.intrinsic_mean": [-1.0], "weight": [1.0], "generation": [0]}),
    )
    out = tmp_path / "out"
    argv = ["myths", "--quick", "--no-boundaries", "--no-facts", "--posterior", str(folder)]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder}: consumers.intrinsic_mean: ") and not out.exists()
