"""Where the runs of a sweep execute: this process, local worker processes, or Dask.

Every backend is a ``concurrent.futures.Executor``; the runner knows nothing else about it.
A :class:`Backend` wraps one with what the runner needs besides: how many runs to keep in
flight, a description for the manifest, and — for a local pool whose worker process died —
a fresh pool to carry on with.

Dask is an optional extra (``pip install cocreate[dask]``): ``local_dask`` starts a
``LocalCluster`` of worker processes on 127.0.0.1; ``dask_client`` joins an existing scheduler
by address or scheduler file. Dask's own ``ClientExecutor`` is the executor, so a killed Dask
worker is handled by Dask (its tasks move to other workers) and a run that keeps killing
workers ends as ``KilledWorker``, which the runner records as a failed run.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from simulation.parallel import default_workers, process_pool

# A local Dask cluster shares this machine's cores with its scheduler and with this process, so
# its housekeeping comes out of the runs' time: sample the workers' stacks never (the profiler
# runs every 10 ms by default), check memory and system load every few seconds rather than ten
# times a second, and skip work stealing (at most two runs per worker are ever queued). Measured
# on 2 cores (benchmarks/bench_sweep.py): a run takes ~12 % longer in a default Dask worker than
# in a process-pool worker, ~6 % with these settings.
LOCAL_DASK_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.scheduler.work-stealing": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.tick.limit": "30s",
}
DASK_HINT = "Dask is not installed; install the extra: pip install 'cocreate[dask]'"


class BackendError(Exception):
    """The backend cannot be used (e.g. no Dask scheduler at the address given)."""


class SequentialExecutor(Executor):
    """Runs each call at once, in this process (for debugging and for tests)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now; return a finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(err, KeyboardInterrupt):
                raise
            future.set_exception(err)
        return future


@dataclass
class Backend:
    """An executor and what the runner needs to know about it.

    Attributes:
        executor: where runs are submitted.
        slots: runs worth keeping in flight (twice the workers keeps every worker busy).
        description: for the manifest and the progress line.
        renew: makes a fresh executor after the old one broke (None: cannot).
    """

    executor: Executor
    slots: int
    description: str
    renew: Callable[[], Executor] | None = None


@contextlib.contextmanager
def open_backend(
    kind: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
) -> Iterator[Backend]:
    """Start (and at the end stop) the backend a sweep runs on.

    Args:
        kind: ``sequential``, ``local`` (process pool), ``dask`` (a local Dask cluster) or
            ``dask-remote`` (join ``scheduler`` or ``scheduler_file``).
        workers: processes for ``local`` and ``dask`` (default: all cores).
        scheduler: ``tcp://HOST:PORT`` of a running Dask scheduler.
        scheduler_file: the JSON file a Dask scheduler wrote (``dask scheduler --scheduler-file``).
    """
    workers = default_workers() if workers is None else workers
    if kind == "sequential":
        yield Backend(SequentialExecutor(), 1, "sequential (this process)")
    elif kind == "local":
        pool = process_pool(workers)
        holder = {"pool": pool}

        def renew() -> Executor:
            holder["pool"].shutdown(wait=False, cancel_futures=True)
            holder["pool"] = process_pool(workers)
            return holder["pool"]

        try:
            yield Backend(pool, 2 * workers, f"local process pool, {workers} workers", renew)
        finally:
            holder["pool"].shutdown(wait=True, cancel_futures=True)
    elif kind in ("dask", "dask-remote"):
        with _dask_client(kind, workers, scheduler, scheduler_file) as (client, where):
            threads = sum(client.nthreads().values())
            yield Backend(
                client.get_executor(pure=False),
                2 * max(threads, 1),
                f"dask {where}, {len(client.nthreads())} workers, {threads} threads",
            )
    else:
        raise ValueError(f"unknown backend {kind!r}")


def _check_reachable(address: str) -> None:
    """Fail at once, with a clear message, when nothing listens at a tcp:// address."""
    match = re.fullmatch(r"(?:tcp://)?\[?([^\]]+?)\]?:(\d+)", address)
    if match is None:
        raise BackendError(f"--scheduler: '{address}' is not tcp://HOST:PORT")
    host, port = match.group(1), int(match.group(2))
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as err:
        raise BackendError(
            f"cannot reach the Dask scheduler at {address} ({err.strerror or err}); is "
            "`dask scheduler` running there?"
        ) from None


@contextlib.contextmanager
def _dask_client(
    kind: str, workers: int, scheduler: str | None, scheduler_file: str | None
) -> Iterator[tuple[Any, str]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BackendError(DASK_HINT) from None
    if kind == "dask":
        import dask

        with (
            dask.config.set(LOCAL_DASK_CONFIG),
            _local_cluster(LocalCluster, Client, workers) as found,
        ):
            yield found
        return
    where = scheduler or f"scheduler file {scheduler_file}"
    if scheduler is not None:
        _check_reachable(scheduler)
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout="20s")
        else:
            client = Client(scheduler_file=scheduler_file, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise BackendError(f"cannot reach the Dask scheduler at {where} ({err})") from None
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        client.close()
        raise BackendError(f"the Dask scheduler at {where} has no workers (waited 60 s)") from None
    try:
        yield client, where
    finally:
        client.close()


@contextlib.contextmanager
def _local_cluster(cluster_class: Any, client_class: Any, workers: int) -> Iterator[tuple]:
    """A Dask cluster of ``workers`` single-threaded processes on 127.0.0.1, and its client.

    It never outlives this process, however this process dies (SIGKILL included), with no
    setting needed: its scheduler and nannies run here, in this process, and each nanny's
    worker process waits on a pipe from it (distributed's ``AsyncProcess``) and exits the
    moment that pipe closes, as the local pool's workers do (``simulation.parallel``).
    ``death_timeout`` would add nothing but a way to fail a slow start. Measured in
    tests/test_orphans.py: no process left a fraction of a second after the kill.
    """
    cluster = cluster_class(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        with client_class(cluster) as client:
            yield client, f"local cluster {cluster.scheduler_address}"
    finally:
        cluster.close()
