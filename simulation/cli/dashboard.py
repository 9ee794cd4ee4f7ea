"""``cocreate dashboard`` (the teaching page in the browser) and ``cocreate animate`` (a GIF).

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

from simulation.dashboard import SCENARIO_ENV

DASHBOARD_EXAMPLES = """\
examples:
  cocreate dashboard
  cocreate dashboard scenarios/cash_rewards.toml --port 8800
  cocreate dashboard --host 0.0.0.0 --port 8765     # reachable from other machines
"""
ANIMATE_EXAMPLES = """\
examples:
  cocreate animate scenarios/baseline.toml --out results/animations/baseline.gif
  cocreate animate scenarios/cash_rewards.toml --days 120 --fps 15 --every 2
"""
DEFAULT_PORT = 8765
START_TIMEOUT_S = 120


def add_dashboard(commands, subparser) -> None:
    """Register the ``dashboard`` subcommand."""
    parser = subparser(
        commands,
        "dashboard",
        "Open the teaching dashboard: the community's network, live plots, side-by-side "
        "arms and one preset per belief, in the browser (Solara, built on Mesa's SolaraViz).",
        DASHBOARD_EXAMPLES,
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
    parser.set_defaults(handler=cmd_dashboard)


def add_animate(commands, subparser, add_set_option) -> None:
    """Register the ``animate`` subcommand."""
    parser = subparser(
        commands,
        "animate",
        "Write a GIF of a run's network, plots and idea pipeline, day by day, for slides.",
        ANIMATE_EXAMPLES,
    )
    parser.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file to animate")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE.gif",
        help="the GIF to write (default: results/animations/<scenario name>.gif)",
    )
    parser.add_argument("--days", metavar="N", help="days to simulate (default: the scenario's)")
    parser.add_argument("--seed", metavar="N", help="random seed (default: the scenario's)")
    parser.add_argument("--fps", metavar="N", default="10", help="frames per second (default: 10)")
    parser.add_argument(
        "--every", metavar="N", default="1", help="draw a frame every N days (default: 1)"
    )
    add_set_option(parser)
    parser.set_defaults(handler=cmd_animate)


def _positive(option: str, text: str, low: int = 1, high: int = 1000) -> int:
    from simulation.cli import UsageError

    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{option}: {value} is out of range; use {low} to {high}")
    return value


def cmd_animate(args: argparse.Namespace) -> int:
    """``cocreate animate``: run the scenario and write the GIF."""
    from simulation.cli import UsageError, _load, _make_out_dir, default_out_dir
    from simulation.cli.output import progress_callback
    from simulation.dashboard.animate import animate, frame_count

    fps = _positive("--fps", args.fps, 1, 100)
    every = _positive("--every", args.every, 1, 10_000)
    scenario = _load(args.scenario, args.overrides, seed=args.seed, days=args.days)
    out = args.out
    if out is None:
        out = Path("results", "animations", default_out_dir(scenario).parent.name + ".gif")
    if out.suffix.lower() != ".gif":
        raise UsageError(f"--out: {out} must end in .gif")
    _make_out_dir(out.parent)
    with progress_callback(enabled=True) as progress:
        try:
            frames = animate(scenario, out, fps=fps, every=every, progress=progress)
        except OSError as err:
            raise UsageError(f"{out}: cannot write the GIF ({err.strerror or err})") from None
    assert frames == frame_count(scenario.run.days, every)
    print(f"{out}: {frames} frames, {scenario.run.days} days at {fps} frames per second")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """``cocreate dashboard``: check the input, serve the page, print its address."""
    from simulation.cli import UsageError
    from simulation.scenario import load_scenario

    env = dict(os.environ)
    if args.scenario is not None:
        load_scenario(args.scenario)  # a ScenarioError names the file and key: exit 2
        env[SCENARIO_ENV] = str(Path(args.scenario).resolve())
    else:
        env.pop(SCENARIO_ENV, None)
    port = _positive("--port", args.port, 0, 65535)
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
