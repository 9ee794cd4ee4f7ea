"""The search: ABC-SMC (pyabc) of the priors against a community's event log, resumable.

The model is first scaled to the log (:func:`scale_to_log`). A particle is a draw of the
calibrated parameters; its model run (``replicates`` runs, their summaries averaged) writes an
event log, summarised by the same code as the data (:func:`simulation.events.summaries.summarise`).
The distance is pyabc's ``AdaptivePNormDistance`` (p = 2): each summary is divided by its
median absolute deviation (MAD) over all the previous generation's simulations, the rejected
included (over a first sample from the prior for generation 0), times the priors file's weight
of that summary. A summary with MAD 0 (most runs give the same value) gets weight 0: pyabc
leaves it out of that generation's distance.

Epsilon: each generation's threshold is the weighted median of the previous generation's
accepted distances, measured with the new generation's re-fitted scales. Epsilons of successive
generations are therefore on different scales (a generation's epsilon may exceed the one
before); the acceptance rate is the figure that shows the search tightening. This is pyabc's
adaptive distance as designed, not an artefact of resuming.

Record and resume: pyabc's SQLite history (``<out>/history.db``) holds every finished
generation; the coordinator runs one generation per ``ABCSMC.run`` call and reloads the history
before each, so a calibration killed mid-generation (SIGKILL included) loses only that
generation and, run again with the same command, goes on from the last one stored.
The history does not hold the distance's scales, and pyabc's ``ABCSMC.load`` + ``run`` re-fits
them from the stored population, which holds only the *accepted* particles: their spread
differs from that of all the generation's simulations (on a 120-day log, by up to about six
times either way for some summaries), so the summaries would weigh differently, and the
epsilons and accepted particles differ, from an uninterrupted pyabc run. The scales
pyabc fits at the end of each generation (from all its simulations) are therefore kept in
``<out>/scales.json`` and handed to the next generation's distance (``initial_scale_weights``):
a calibration run one generation at a time, resumed or not, uses the scales, and so the
epsilons, of one uninterrupted pyabc run. Only if the coordinator dies in the moment between
storing a generation and writing its scales (or the history predates ``scales.json``) does the
next generation fall back to scales re-fitted from the accepted particles.
``<out>/calibration.json`` holds the calibration's hash (priors file, scaled scenario, log); a
history of another calibration is refused (``force`` moves it aside).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.calibrate.spec import SCALED_KEYS, CalibrationSpec, digest
from simulation.scenario import Scenario, set_values

PYABC_HINT = (
    "pyabc is not installed; install the extra: pip install 'cocreate[calibrate]' "
    "(or pip install 'pyabc>=0.13')"
)
MISSING = -1.0  # an undefined statistic of a model run (e.g. a median of no decided ideas)
HISTORY, SIDECAR, SCALES = "history.db", "calibration.json", "scales.json"


class HistoryMismatch(Exception):
    """The output folder's history.db holds another calibration."""


def import_pyabc() -> Any:
    """pyabc, with its INFO logging quietened, or ImportError with how to install it."""
    import logging

    try:
        import pyabc
    except ImportError:
        raise ImportError(PYABC_HINT) from None
    for name in ("ABC", "Sampler", "Distance", "Epsilon", "Acceptor", "History", "Adaptation"):
        logging.getLogger(name if name == "ABC" else f"ABC.{name}").setLevel(logging.WARNING)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    return pyabc


def log_digest(log: pd.DataFrame) -> str:
    """A hash of an event log's content."""
    hashed = pd.util.hash_pandas_object(log.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def scale_to_log(spec: CalibrationSpec, data: dict[str, float]) -> tuple[Scenario, dict]:
    """The base scenario sized to the log: ``run.days`` its length, ``community.*`` its members.

    The rule: with ``D`` the log's days and ``N`` its members (joined), the base scenario would
    bring ``E = initial_members + arrival_rate × D`` members in ``D`` days before word of mouth;
    ``k = N / E`` multiplies ``community.initial_members`` (rounded), ``community.arrival_rate``
    and ``community.consumers`` (rounded, at least ``N``, the population recruited from keeps its
    proportion to the members). A key with a prior or fixed in ``[set]`` is left as it is; with
    ``scale = false`` only ``run.days`` is set. Returns the scenario and the values set.

    Word of mouth is left out of ``E``, yet the scaled baseline brings the log's members closely:
    measured (``joined_total`` of the scaled baseline's own event log, mean of 8 seeds, divided
    by ``N``) for ``D`` = 30, 90, 180, 365, 730 days and ``N`` = 100, 300, 1000 members, the
    ratio lies between 0.95 and 1.05 (run-to-run sd 2–9 %). Invitations come only from the few
    members active on a day and go to friends who are still prospects, so at the baseline they
    add a few per cent; over long logs the recruitment pool (``consumers``, scaled alike) caps
    the members anyway. No correction is applied. At high intrinsic interest and word of mouth
    (2.0 and 0.06, a year) the scaled model brings about 10–15 % more than ``N``.
    """
    base = spec.base
    keep = set(spec.keys) | set(spec.fixed)
    days = int(data["days"])
    if not spec.scale:  # the model still runs as long as the log: their statistics must match
        values = {} if "run.days" in keep else {"run.days": days}
        return set_values(base, values, source=spec.source), values
    members = float(data["joined_total"])
    c = base.community
    expected = c.initial_members + c.arrival_rate * days
    k = members / expected if expected > 0 and members > 0 else 1.0
    values: dict[str, Any] = {
        "run.days": days,
        "community.initial_members": min(round(k * c.initial_members), round(members)),
        "community.arrival_rate": round(k * c.arrival_rate, 6),
        "community.consumers": max(round(k * c.consumers), round(members), 1),
    }
    values = {key: v for key, v in values.items() if key not in keep and key in SCALED_KEYS}
    return set_values(base, values, source=spec.source), values


def run_seed(root: int, params: dict[str, float], replicate: int) -> int:
    """A run's seed: a function of the calibration's seed, the particle's values and replicate."""
    text = json.dumps(sorted((k, float(v)) for k, v in params.items()))
    entropy = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    state = np.random.SeedSequence([root % 2**63, entropy, replicate]).generate_state(1)
    return int(state[0])


def clip_values(priors, params: dict[str, float]) -> dict[str, Any]:
    """The particle's values as the scenario takes them (rounded integers, within support)."""
    out = {}
    for prior in priors:
        value = float(params[prior.key])
        value = min(max(value, prior.low), prior.high)
        out[prior.key] = round(value) if prior.integer else value
    return out


@dataclass(frozen=True)
class Simulator:
    """pyabc's model: a particle's parameters -> the summaries of its model run(s)' logs."""

    scenario: Scenario
    priors: tuple
    summaries: tuple[str, ...]
    replicates: int = 1
    seed: int = 0

    def __call__(self, params: Any) -> dict[str, float]:
        """Run ``replicates`` seeds of the scenario at ``params``; the mean of each summary."""
        _die_with_coordinator()
        values = {k: float(params[k]) for k in (p.key for p in self.priors)}
        return self.run(values)

    def run(self, values: dict[str, float], replicates: int | None = None) -> dict[str, float]:
        """The mean summaries of ``replicates`` runs at ``values`` (undefined ones: -1)."""
        from simulation.events.summaries import summarise
        from simulation.run import run_scenario

        scenario = set_values(self.scenario, clip_values(self.priors, values))
        end = scenario.run.days - 1
        rows = []
        for r in range(self.replicates if replicates is None else replicates):
            log = run_scenario(scenario, seed=run_seed(self.seed, values, r), events=True).events
            figures = summarise(log, end_day=end)
            rows.append([figures.get(k, math.nan) for k in self.summaries])
        with warnings.catch_warnings():  # a statistic undefined in every replicate: NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(np.array(rows, dtype=float), axis=0)
        return {
            k: (float(v) if np.isfinite(v) else MISSING)
            for k, v in zip(self.summaries, means, strict=True)
        }


_WATCHING = False


def _die_with_coordinator() -> None:
    """In a worker process pyabc started: exit when the coordinator dies (SIGKILL included).

    pyabc's ``MulticoreEvalParallelSampler`` forks its workers itself, with no initializer, and
    they would outlive a killed coordinator; the first particle a worker simulates starts the
    project's watcher of the parent's sentinel (:func:`simulation.parallel.exit_with_coordinator`),
    once per process, and leaves Ctrl-C to the coordinator (no worker tracebacks). In the
    coordinator (one core) there is no parent to watch: nothing happens.
    """
    global _WATCHING
    if not _WATCHING:
        import multiprocessing

        from simulation.parallel import start_worker

        _WATCHING = True
        if multiprocessing.parent_process() is not None:  # a worker: Ctrl-C is the coordinator's
            start_worker()


def prior_distribution(spec: CalibrationSpec) -> Any:
    """The pyabc prior of the calibrated parameters."""
    pyabc = import_pyabc()
    rvs = {}
    for prior in spec.priors:
        name, args, kwargs = prior.rv()
        rvs[prior.key] = pyabc.RV(name, *args, **kwargs)
    return pyabc.Distribution(**rvs)


@contextlib.contextmanager
def open_sampler(kind: str, workers: int, scheduler: str | None = None) -> Iterator[Any]:
    """The pyabc sampler: one core, local processes, or a Dask cluster (local or remote)."""
    pyabc = import_pyabc()
    if kind == "sequential" or (kind == "local" and workers == 1):
        yield pyabc.sampler.SingleCoreSampler(), "one process"
    elif kind == "local":
        yield pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), f"{workers} processes"
    else:
        from simulation.experiments.executors import _dask_client

        with _dask_client(kind, workers, scheduler, None) as (client, where):
            yield pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1), where


def prepare_out(out: Path, key: str, meta: dict, force: bool) -> bool:
    """Check (or create) the output folder; True if a history is there to resume."""
    out.mkdir(parents=True, exist_ok=True)
    db, sidecar = out / HISTORY, out / SIDECAR
    if db.exists():
        stored = json.loads(sidecar.read_text())["digest"] if sidecar.exists() else None
        if stored == key:
            return True
        if not force:
            raise HistoryMismatch(
                f"{db} holds another calibration (a different log, priors file or scenario); "
                "use another --out, or --force to move it aside"
            )
        stamp = time.strftime("%Y%m%d-%H%M%S")
        shutil.move(db, out / f"history.{stamp}.db")
        if sidecar.exists():
            shutil.move(sidecar, out / f"calibration.{stamp}.json")
        if (out / SCALES).exists():
            shutil.move(out / SCALES, out / f"scales.{stamp}.json")
    (out / SCALES).unlink(missing_ok=True)  # a new history: scales of an old one do not apply
    sidecar.write_text(json.dumps({"digest": key, **meta}, indent=2, default=str) + "\n")
    return False


@dataclass
class Calibration:
    """What the search knows before it starts: the data, the scaled scenario, the simulator."""

    spec: CalibrationSpec
    data: dict[str, float]  # every summary of the log
    observed: dict[str, float]  # the summaries compared (defined in the data)
    scenario: Scenario
    scaled: dict[str, Any]
    dropped: tuple[str, ...]  # summaries asked for but undefined in the data
    digest: str

    @property
    def simulator(self) -> Simulator:
        """The model function of this calibration."""
        return Simulator(
            self.scenario,
            self.spec.priors,
            tuple(self.observed),
            self.spec.replicates,
            self.spec.seed,
        )


def prepare(spec: CalibrationSpec, log: pd.DataFrame) -> Calibration:
    """Summarise the log, scale the scenario, choose the summaries, hash the whole."""
    from simulation.events.summaries import summarise

    data = summarise(log)
    if any("." in k for k in data):
        raise ValueError("the log has several organisations; calibrate one at a time")
    scenario, scaled = scale_to_log(spec, data)
    observed = {k: float(data[k]) for k in spec.summaries if np.isfinite(data.get(k, np.nan))}
    dropped = tuple(k for k in spec.summaries if k not in observed)
    if not observed:
        raise ValueError("none of the summaries asked for is defined in the log")
    key = digest(spec, log_digest(log), scenario)
    return Calibration(spec, data, observed, scenario, scaled, dropped, key)


def distance(calibration: Calibration, scales: dict[str, float] | None = None) -> Any:
    """Adaptive weighted Euclidean distance on the summaries, scaled by their MAD.

    ``scales``: the scale weights (1 / MAD) of the generation about to run, as stored in
    ``scales.json``; without them pyabc fits them itself when the run starts (from a prior
    sample for generation 0, from the stored accepted particles after that).
    """
    pyabc = import_pyabc()
    weights = {k: calibration.spec.summaries[k] for k in calibration.observed}
    return pyabc.AdaptivePNormDistance(
        p=2, fixed_weights={0: weights}, initial_scale_weights=scales
    )


def read_scales(out: Path) -> dict[str, dict[str, float]]:
    """``scales.json``: generation (as text) -> summary -> scale weight; {} if absent."""
    path = out / SCALES
    return json.loads(path.read_text()) if path.exists() else {}


def unweighted(out: Path) -> dict[str, list[int]]:
    """Summaries that counted for nothing in a generation's distance: summary -> generations.

    Each summary is divided by its spread among the previous generation's simulations; one with
    no spread there (every run gave the same value) gets weight 0 from pyabc, so that generation
    does not compare it with the data (the posterior predictive checks still do).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / SCALES).write_text('{"1": {"a": 2.0, "b": 0.0}, "2": {"a": 0.0, "b": 0.0}}')
    >>> unweighted(folder)
    {'b': [1, 2], 'a': [2]}
    """
    found: dict[str, list[int]] = {}
    for t, weights in sorted(read_scales(out).items(), key=lambda item: int(item[0])):
        for summary, weight in weights.items():
            if not weight > 0:
                found.setdefault(summary, []).append(int(t))
    return found


def store_scales(out: Path, abc: Any, t: int) -> None:
    """Keep the scale weights pyabc fitted for generation ``t`` (atomically, in scales.json)."""
    dist = abc.distance_function
    weights = getattr(dist, "scale_weights", {}).get(t)
    if weights is None:
        return
    stored = read_scales(out)
    ids = dist.sumstat.get_ids()
    stored[str(t)] = {k: float(w) for k, w in zip(ids, weights, strict=True)}
    tmp = out / (SCALES + ".tmp")
    tmp.write_text(json.dumps(stored, indent=1) + "\n")
    tmp.replace(out / SCALES)


def search(
    calibration: Calibration,
    out: Path,
    kind: str = "local",
    workers: int = 1,
    *,
    scheduler: str | None = None,
    force: bool = False,
    progress: Callable[[dict], None] | None = None,
) -> Any:
    """Run (or resume) the ABC-SMC until a budget is spent; the pyabc History."""
    pyabc = import_pyabc()
    spec = calibration.spec
    meta = {"priors": spec.source, "keys": list(spec.keys), "summaries": list(calibration.observed)}
    resume = prepare_out(out, calibration.digest, meta, force)
    db = "sqlite:///" + str((out / HISTORY).resolve())
    started = time.monotonic()
    budget = spec.simulations if spec.simulations is not None else np.inf
    with open_sampler(kind, workers, scheduler) as (sampler, _where):
        while True:
            scales = read_scales(out) if resume else {}
            done = _stored_generations(db) if resume else 0
            abc = pyabc.ABCSMC(
                calibration.simulator,
                prior_distribution(spec),
                distance(calibration, scales.get(str(done)) if done > 0 else None),
                population_size=spec.population,
                sampler=sampler,
            )
            if resume:
                history = abc.load(db, 1)
            else:
                meta_info = {"digest": calibration.digest}
                history = abc.new(db, calibration.observed, meta_info=meta_info)
                resume = True
            if _finished(spec, history, done, budget, started):
                return history
            np.random.seed([spec.seed % 2**32, done])  # noqa: NPY002 (pyabc draws from it)
            left = None
            if spec.minutes is not None:
                left = timedelta(seconds=spec.minutes * 60 - (time.monotonic() - started))
            history = abc.run(
                max_nr_populations=1,
                max_total_nr_simulations=budget,
                max_walltime=left,
                minimum_epsilon=spec.min_epsilon,
            )
            if history.max_t + 1 == done:  # nothing added: a budget ran out mid-generation
                return history
            store_scales(out, abc, history.max_t + 1)  # fitted on all of this generation's runs
            if progress is not None:
                progress(generation_row(history, history.max_t))


def _stored_generations(db: str) -> int:
    """The number of generations a history holds (before an ABCSMC is made to continue it)."""
    pyabc = import_pyabc()
    history = pyabc.History(db)
    history.id = 1
    return history.max_t + 1


def _finished(spec: CalibrationSpec, history: Any, done: int, budget: float, started) -> bool:
    if done >= spec.generations or history.total_nr_simulations >= budget:
        return True
    if spec.minutes is not None and time.monotonic() - started >= spec.minutes * 60:
        return True
    if done > 0:
        eps = float(history.get_all_populations().set_index("t").loc[done - 1, "epsilon"])
        return eps <= spec.min_epsilon
    return False


def generation_row(history: Any, t: int) -> dict:
    """One generation's figures: epsilon, particles, simulations, acceptance rate."""
    pops = history.get_all_populations().set_index("t")
    row = pops.loc[t]
    return {
        "generation": int(t),
        "epsilon": float(row["epsilon"]),
        "particles": int(row["particles"]),
        "simulations": int(row["samples"]),
        "acceptance": float(row["particles"]) / max(int(row["samples"]), 1),
        "total": int(history.total_nr_simulations),
        "ess": effective_sample_size(history.get_distribution(m=0, t=t)[1]),
    }


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of normalised weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else 0.0


def posterior_frame(history: Any, keys: tuple[str, ...]) -> pd.DataFrame:
    """Every generation's weighted draws: one column per key, ``weight``, ``generation``."""
    frames = []
    for t in range(history.max_t + 1):
        df, w = history.get_distribution(m=0, t=t)
        frame = df.reset_index(drop=True)[list(keys)].copy()
        frame["weight"] = np.asarray(w, dtype=float)
        frame["generation"] = t
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
