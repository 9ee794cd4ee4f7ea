"""The notebooks in docs/ run top to bottom (sweep_example.ipynb, strategist_walkthrough.ipynb)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(name: str, tmp_path: Path) -> list:
    """Run ``docs/<name>`` in a fresh python3 kernel (cwd ``tmp_path``); its code cells' outputs."""
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(ROOT / "docs" / name, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


def test_sweep_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("COCREATE_NOTEBOOK_OUT", str(tmp_path / "notebook_sweep"))
    outputs = execute("sweep_example.ipynb", tmp_path)
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the figures were drawn
    assert (tmp_path / "notebook_sweep" / "manifest.json").exists()


def test_strategist_walkthrough_executes(tmp_path, monkeypatch):
    """Sweep, discovery and optimisation, tiny (COCREATE_NOTEBOOK_QUICK): 15-30 s."""
    for extra in ("ema_workbench", "sklearn", "optuna"):
        pytest.importorskip(extra)
    from simulation.scenario import load_scenario

    out = tmp_path / "walkthrough"
    monkeypatch.setenv("COCREATE_NOTEBOOK_OUT", str(out))
    monkeypatch.setenv("COCREATE_NOTEBOOK_QUICK", "1")
    outputs = execute("strategist_walkthrough.ipynb", tmp_path)
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert (out / "sweep" / "manifest.json").exists()
    words = (out / "discovery" / "words.txt").read_text(encoding="utf-8").splitlines()[0]
    assert words.startswith("active_members below ") and " when " in words
    assert words in printed  # the box in words, as the report has it
    assert (out / "discovery" / "report.html").is_file()
    assert "A first guess" in printed or "Firm" in printed  # the stability verdict
    policies = sorted((out / "optimise" / "policies").glob("*.toml"))
    assert policies and (out / "optimise" / "report.html").is_file()
    assert load_scenario(policies[0]).policies.reward.kind == "per_idea"  # a ready scenario
    report = (out / "optimise" / "report.md").read_text(encoding="utf-8")
    first = report.split("## Trade-offs")[1].split("\n- ")[1].splitlines()[0]
    assert first in printed  # the trade-offs in words, as the report has them
    assert "cocreate run " in printed and "cocreate compare " in printed
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # box and front figures
