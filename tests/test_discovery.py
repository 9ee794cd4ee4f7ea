"""Scenario discovery (``cocreate discover``): PRIM and CART find planted boxes; a real sweep.

The planted box: 600 uniform samples of x1, x2, x3; a case of interest inside x1 < 0.3 and
x2 > 0.6, every label flipped with probability 5 %. Flipped labels outside the box (about 26
cases) can be covered by no box, so even the planted box covers only ~72 % of the noisy cases;
recovery is therefore measured against the noise-free truth: the found box holds >= 80 % of
the planted region's runs (coverage) and >= 80 % of its runs lie in the planted region
(density), and its limits lie near 0.3 and 0.6.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.discovery import DiscoveryError, discover
from simulation.experiments import run_experiment
from tests.sweeps import discovery_spec

pytest.importorskip("ema_workbench")
pytest.importorskip("sklearn")


def planted(n: int = 600, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.uniform(size=(n, 3)), columns=["x1", "x2", "x3"])
    truth = ((table["x1"] < 0.3) & (table["x2"] > 0.6)).to_numpy()
    noisy = truth ^ (rng.uniform(size=n) < 0.05)
    return table.assign(y=noisy.astype(float)), truth


def recovered(found, truth: np.ndarray) -> tuple[float, float]:
    inside = found.box.inside
    return (inside & truth).sum() / truth.sum(), (inside & truth).sum() / inside.sum()


def limit(found, factor: str, side: str) -> float:
    row = found.limits.set_index("factor").loc[factor]
    return row[side]


@pytest.mark.parametrize("method", ["prim", "cart"])
def test_a_planted_box_is_recovered(method):
    table, truth = planted()
    found = discover(table, "y", above=0.5, method=method)
    coverage, density = recovered(found, truth)
    assert coverage >= 0.8 and density >= 0.8, (coverage, density, found.words)
    assert set(found.limits["factor"]) == {"x1", "x2"}  # x3 is noise and stays open
    assert abs(limit(found, "x1", "high") - 0.3) < 0.05
    assert abs(limit(found, "x2", "low") - 0.6) < 0.05
    assert found.box.density >= 0.8  # on the noisy labels too
    assert "x1 is below 0." in found.words and " and x2 is above 0." in found.words
    assert found.method == method and found.other.method != method


def test_prim_gives_quasi_p_values_and_marks_the_chosen_box_on_its_trajectory():
    table, _ = planted()
    found = discover(table, "y", above=0.5, threshold=0.8)
    assert (found.limits["qp_value"] < 0.01).all()
    chosen = found.trajectory[found.trajectory["chosen"]]
    assert len(chosen) == 1 and chosen["density"].iloc[0] >= 0.8
    dense = found.trajectory[found.trajectory["density"] >= 0.8]
    assert chosen["coverage"].iloc[0] == dense["coverage"].max()  # the widest dense box


@pytest.mark.parametrize("method", ["prim", "cart"])
def test_a_categorical_factor_is_handled(method):
    rng = np.random.default_rng(3)
    n = 400
    table = pd.DataFrame(
        {
            "x1": rng.uniform(size=n),
            "x2": rng.uniform(size=n),
            "policies.reward.kind": rng.choice(["none", "cash", "recognition"], size=n),
        }
    )
    y = (table["policies.reward.kind"] == "cash") & (table["x1"] < 0.5)
    found = discover(table.assign(y=y.astype(float)), "y", above=0.5, method=method)
    row = found.limits.set_index("factor").loc["policies.reward.kind"]
    assert row["kind"] == "categorical" and row["categories"] == "cash"
    assert "policies.reward.kind is cash" in found.words
    assert found.box.coverage >= 0.8 and found.box.density >= 0.8


def test_too_few_runs_are_flagged_with_the_runs_needed():
    table, _ = planted(n=80)
    found = discover(table, "y", above=0.5)
    assert not found.stable and found.runs_needed > 80
    assert any(f"takes about {found.runs_needed} runs" in n for n in found.notes)
    assert found.words  # what was found is still reported


def test_the_api_rejects_bad_input_naming_the_option():
    table, _ = planted(n=100)
    cases = [
        (dict(above=0.5, below=0.2), "--above/--below"),
        (dict(), "--above/--below"),
        (dict(above=5.0), "--above"),
        (dict(below=-1.0), "--below"),
        (dict(above=0.5, method="forest"), "--method"),
        (dict(above=0.5, threshold=1.5), "--threshold"),
    ]
    for kwargs, flag in cases:
        with pytest.raises(DiscoveryError) as err:
            discover(table, "y", **kwargs)
        assert err.value.flag == flag
    with pytest.raises(DiscoveryError, match="ranges over"):
        discover(table, "y", above=5.0)


def test_discovery_on_a_real_sweep_writes_words_figures_and_a_report(real_sweep, tmp_path):
    from simulation.analysis.discovery_report import write_discovery

    found = discover(real_sweep, "active_members", below=60)
    assert found.words.startswith("active_members below 60 when ")
    assert set(found.factors) == {"consumers.intrinsic_mean", "marketers.capacity"}
    assert any("too few for a stable box" in n for n in found.notes)  # 40 runs
    report = write_discovery(found, tmp_path / "disc")
    page = report.read_text()
    assert "Where does it hold?" in page and "data:image/png;base64," in page
    assert 'src="http' not in page and "<link" not in page  # self-contained
    for name in ("trajectory.png", "cart_tree.png"):
        assert (tmp_path / "disc" / "figures" / name).stat().st_size > 1000


def test_the_command_end_to_end(real_sweep, capsys):
    argv = ["discover", str(real_sweep), "--metric", "active_members", "--below", "60"]
    assert main([*argv, "--method", "cart"]) == 0
    out = capsys.readouterr().out
    assert "active_members below 60 when" in out and "[CART]" in out and "second view" in out
    folder = real_sweep / "discovery"
    for name in ("box.csv", "box.json", "trajectory.csv", "words.txt", "report.html"):
        assert (folder / name).is_file()
    record = json.loads((folder / "box.json").read_text())
    assert record["method"] == "cart" and record["runs"] == 40 and record["limits"]
    assert pd.read_csv(folder / "box.csv").columns.tolist()[:4] == ["factor", "kind", "low", "high"]


def test_bad_input_exits_2_with_one_line_and_writes_nothing(real_sweep, tmp_path, capsys):
    out = tmp_path / "kept"
    out.mkdir()
    (out / "report.html").write_text("earlier")
    base = ["discover", str(real_sweep), "--out", str(out)]
    cases = [
        ([*base, "--metric", "happiness", "--above", "1"], "--metric: no metric 'happiness'"),
        ([*base, "--metric", "ideas", "--above", "1e9"], "--above: ideas = 1e+09"),
        ([*base, "--metric", "ideas", "--below", "1", "--above", "2"], "--above/--below"),
        ([*base, "--metric", "ideas"], "--above/--below"),
        ([*base, "--metric", "ideas", "--above", "1", "--threshold", "2"], "--threshold"),
        (["discover", str(tmp_path), "--metric", "ideas", "--above", "1"], "no sweep results"),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: ") and expected in err[0], err
    assert "ranges over [" in _error(capsys, [*base, "--metric", "ideas", "--above", "1e9"])
    assert "metrics: members, active_members" in _error(
        capsys, [*base, "--metric", "happiness", "--above", "1"]
    )
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert (out / "report.html").read_text() == "earlier"


def _error(capsys, argv) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_a_sweep_without_varied_factors_exits_2(tmp_path, capsys):
    out = tmp_path / "flat"
    spec = discovery_spec(out, {"marketers.count": [2]}, design={"kind": "grid"}, replicates=3)
    run_experiment(spec, backend="sequential")
    assert main(["discover", str(out), "--metric", "ideas", "--above", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no factor varies" in err[0]
    assert not (out / "discovery").exists()


def test_missing_libraries_are_named_with_the_install_line(real_sweep, monkeypatch, capsys):
    for name in ("ema_workbench", "ema_workbench.analysis", "ema_workbench.analysis.prim"):
        monkeypatch.setitem(sys.modules, name, None)
    argv = ["discover", str(real_sweep), "--metric", "active_members", "--below", "60"]
    argv += ["--out", str(real_sweep / "never")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install -e ".[discover]"' in err[0]
    assert not (real_sweep / "never").exists()


def test_help_has_an_example(capsys):
    assert main(["discover", "--help"]) == 0
    text = capsys.readouterr().out
    assert "cocreate discover results/" in text and "--threshold" in text
