"""``cocreate dashboard``: the teaching page in the browser.

``dashboard`` checks the scenario file and the address first (one ``error:`` line and exit 2
when something is wrong), then runs ``solara run simulation.dashboard.app`` as a child process,
prints the address once it serves, and stops it on Ctrl-C (exit 130) or when it is terminated.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from simulation.cli.common import UsageError, subparser, whole_number
from simulation.dashboard import SCENARIO_ENV

EXAMPLES = """\
examples:
  cocreate dashboard
  cocreate dashboard scenarios/cash_rewards.toml --port 8800
  cocreate dashboard --host 0.0.0.0 --port 8765     # reachable from other machines
"""
DEFAULT_PORT = 8765
START_TIMEOUT_S = 120


def register(commands) -> None:
    """Add ``dashboard`` to the command table."""
    parser = subparser(
        commands,
        "dashboard",
        "Open the teaching dashboard: the community's network, live plots, side-by-side "
        "arms and one preset per belief, in the browser (Solara, built on Mesa's SolaraViz).",
        EXAMPLES,
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO.toml",
        help="scenario to start from (default: the built-in defaults)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        default=str(DEFAULT_PORT),
        metavar="N",
        help="port to listen on, 0 for any free port (default: %(default)s)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Check the input, serve the page, print its address."""
    from simulation.scenario import load_scenario

    env = dict(os.environ)
    if args.scenario is not None:
        load_scenario(args.scenario)  # a ScenarioError names the file and key: exit 2
        env[SCENARIO_ENV] = str(Path(args.scenario).resolve())
    else:
        env.pop(SCENARIO_ENV, None)
    port = whole_number("--port", args.port, 0, 65535)
    port = _free_port(args.host, port, UsageError)
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "simulation.dashboard.app",
        "--host",
        args.host,
        "--port",
        str(port),
        "--no-open",
        "--production",
        "--log-level",
        "warning",
    ]
    child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        _wait_until_serving(child, args.host, port, UsageError)
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
        print(f"Dashboard at http://{shown}:{port}/  (Ctrl-C to stop)", flush=True)
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(child)


def _free_port(host: str, port: int, error: type[Exception]) -> int:
    """Check that ``host:port`` can be listened on (0: pick a free port); return the port."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
            return probe.getsockname()[1]
    except socket.gaierror as err:
        raise error(f"--host: cannot listen on '{host}' ({err.strerror})") from None
    except OSError as err:
        raise error(
            f"--port: cannot listen on {host}:{port} ({err.strerror}); choose another --port"
        ) from None


def _wait_until_serving(child, host: str, port: int, error: type[Exception]) -> None:
    connect_to = "127.0.0.1" if host in ("0.0.0.0", "") else host
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise error(f"the dashboard server stopped at start (exit code {child.returncode})")
        try:
            with socket.create_connection((connect_to, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise error(f"the dashboard server did not start within {START_TIMEOUT_S} s")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM if ``cocreate dashboard`` dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt  # stop the server as on Ctrl-C


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
