"""A calibration's posterior as input to other commands: draws of the calibrated parameters.

``cocreate run SCENARIO --posterior DIR`` runs ``SCENARIO`` at one draw from the posterior a
calibration wrote to ``DIR`` (its last generation, by weight); the draw is a function of the
run's seed, so the same seed gives the same draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.scenario import ScenarioError

POSTERIOR = "posterior.parquet"


def load_posterior(folder: str | Path) -> pd.DataFrame:
    """The last generation of a calibration's posterior, weights normalised (ScenarioError)."""
    path = Path(folder) / POSTERIOR
    if not path.is_file():
        raise ScenarioError(
            f"no {POSTERIOR} here; give the output folder of `cocreate calibrate` "
            "(e.g. results/calibrate/community)",
            source=str(folder),
        )
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow's errors for a file that is not Parquet, or damaged
        raise ScenarioError(f"cannot read it ({err})", source=str(path)) from None
    if not {"weight", "generation"} <= set(frame.columns) or frame.empty:
        raise ScenarioError(f"{POSTERIOR} is not a calibration's posterior", source=str(folder))
    check_keys(frame, str(path))
    last = frame[frame["generation"] == frame["generation"].max()].reset_index(drop=True)
    weights = last["weight"]
    if not pd.api.types.is_numeric_dtype(weights) or not (weights >= 0).all() or not weights.sum():
        raise ScenarioError(
            "expected weights of 0 or more, not all 0, in its last generation",
            source=str(path),
            key="weight",
        )
    last["weight"] = weights / weights.sum()
    return last


def check_keys(frame: pd.DataFrame, source: str) -> None:
    """Refuse a posterior whose columns are not numeric parameters (ScenarioError naming one)."""
    import difflib

    from simulation.experiments.spec import PARAM_KEYS
    from simulation.scenario.organisations import plain_key

    keys = parameter_keys(frame)
    if not keys:
        raise ScenarioError("it holds no parameter (only weight and generation)", source=source)
    for key in keys:
        if plain_key(key) not in PARAM_KEYS:
            close = difflib.get_close_matches(key, PARAM_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ScenarioError(
                f"no parameter '{key}'; {hint}(is this a calibration of another version of the "
                "model? `cocreate params` lists every key path)",
                source=source,
                key=key,
            )
        if not pd.api.types.is_numeric_dtype(frame[key]) or frame[key].isna().any():
            raise ScenarioError("expected a number in every draw", source=source, key=key)


def parameter_keys(posterior: pd.DataFrame) -> list[str]:
    """The posterior's parameters (key paths): every column but ``weight`` and ``generation``."""
    return [k for k in posterior.columns if k not in ("weight", "generation")]


def draw(posterior: pd.DataFrame, seed: int, n: int = 1) -> list[dict[str, Any]]:
    """``n`` draws (key path -> value) from the posterior, by weight, seeded by ``seed``."""
    from simulation.experiments.loading import param_type
    from simulation.scenario.organisations import plain_key

    rng = np.random.default_rng([seed % 2**63, 0x9057])
    rows = rng.choice(len(posterior), size=n, p=posterior["weight"].to_numpy())
    keys = parameter_keys(posterior)
    out = []
    for row in rows:
        values = {}
        for key in keys:
            value = float(posterior.iloc[row][key])
            values[key] = round(value) if param_type(plain_key(key)) is int else value
        out.append(values)
    return out
