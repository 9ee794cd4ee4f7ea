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
    frame = pd.read_parquet(path)
    if not {"weight", "generation"} <= set(frame.columns) or frame.empty:
        raise ScenarioError(f"{POSTERIOR} is not a calibration's posterior", source=str(folder))
    last = frame[frame["generation"] == frame["generation"].max()].reset_index(drop=True)
    last["weight"] = last["weight"] / last["weight"].sum()
    return last


def draw(posterior: pd.DataFrame, seed: int, n: int = 1) -> list[dict[str, Any]]:
    """``n`` draws (key path -> value) from the posterior, by weight, seeded by ``seed``."""
    from simulation.experiments.loading import param_type
    from simulation.scenario.organisations import plain_key

    rng = np.random.default_rng([seed % 2**63, 0x9057])
    rows = rng.choice(len(posterior), size=n, p=posterior["weight"].to_numpy())
    keys = [k for k in posterior.columns if k not in ("weight", "generation")]
    out = []
    for row in rows:
        values = {}
        for key in keys:
            value = float(posterior.iloc[row][key])
            values[key] = round(value) if param_type(plain_key(key)) is int else value
        out.append(values)
    return out
