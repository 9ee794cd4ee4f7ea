"""The example notebook runs top to bottom (docs/sweep_example.ipynb)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def test_sweep_notebook_executes(tmp_path, monkeypatch):
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("COCREATE_NOTEBOOK_OUT", str(tmp_path / "notebook_sweep"))
    notebook = nbformat.read(ROOT / "docs" / "sweep_example.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the figures were drawn
    assert (tmp_path / "notebook_sweep" / "manifest.json").exists()
