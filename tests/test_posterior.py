"""A calibration's posterior as input: its checks, and the draws it gives myths and compare."""

from __future__ import annotations

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
