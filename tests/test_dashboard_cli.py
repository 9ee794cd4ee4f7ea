"""`cocreate animate` writes its frames; `cocreate dashboard` refuses bad input with exit 2."""

from __future__ import annotations

import socket

import pytest
from PIL import Image

from simulation.cli import main
from tests.helpers import ROOT

SMALL = f"""extends = "{ROOT / "scenarios" / "baseline.toml"}"
name = "tiny"
[community]
consumers = 200
initial_members = 40
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL)
    return path


def test_animate_writes_a_gif_with_one_frame_per_drawn_day(tiny, tmp_path, capsys):
    out = tmp_path / "run.gif"
    assert main(["animate", str(tiny), "--out", str(out), "--days", "12", "--fps", "5"]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 13  # day 0 and each of 12 days
    assert main(["animate", str(tiny), "--out", str(out), "--days", "12", "--every", "4"]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 4
    assert "frames" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["dashboard", "missing.toml"], "missing.toml: file not found"),
        (["dashboard", "--port", "abc"], "--port: 'abc' is not a whole number"),
        (["dashboard", "--port", "70000"], "--port: 70000 is out of range"),
        (["dashboard", "--host", "no-such-host.invalid"], "--host: cannot listen"),
        (["animate", "missing.toml"], "missing.toml: file not found"),
        (["animate", "{tiny}", "--fps", "0"], "--fps: 0 is out of range"),
        (["animate", "{tiny}", "--out", "x.png"], "must end in .gif"),
        (["animate", "{tiny}", "--set", "community.consumers=-1"], "community.consumers"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(argv, needle, tiny, capsys):
    argv = [a.format(tiny=tiny) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_dashboard_refuses_a_port_in_use(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    assert "choose another --port" in capsys.readouterr().err
