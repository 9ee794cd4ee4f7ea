"""The documentation stays true to the code: every parameter and scenario is documented."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from simulation.cli import main
from simulation.model.metrics import METRICS, REPORTERS
from simulation.scenario import iter_params
from tests.helpers import ROOT, SCENARIOS

ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_odd_documents_every_parameter():
    missing = [key for key, _ in iter_params() if f"`{key}`" not in ODD]
    assert not missing, f"docs/ODD.md does not mention {missing}"


def test_odd_parameter_appendix_is_the_generated_table(capsys):
    assert main(["params", "--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    assert table in ODD, "regenerate Appendix A with `cocreate params --markdown`"


def test_odd_names_every_metric():
    missing = [name for name in REPORTERS if name not in ODD]
    assert not missing, f"docs/ODD.md does not describe {missing}"


def test_odd_lists_every_beliefs_region_as_the_code_declares_it():
    from simulation.analysis.myths import MYTHS

    for myth in MYTHS:
        for u in myth.region:
            row = f"| {myth.number} | `{u.key}` | {u.span} | {u.why} |"
            assert row in ODD, f"docs/ODD.md section 8: update the region row {row}"


def test_metrics_page_is_the_generated_table(capsys):
    assert main(["metrics", "--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    page = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert table in page, "regenerate docs/metrics.md with `cocreate metrics --markdown`"
    assert table.count("\n| `") == len(METRICS)


def test_readme_lists_every_shipped_scenario():
    missing = [p.name for p in SCENARIOS if p.name not in README]
    assert not missing, f"README.md does not list {missing}"


# Texts kept outside the repository. The project stands on its own: no tracked file may point at
# them, by name or by path; what they say belongs in the project's own docs (docs/evidence.md).
# (Spelled from parts, so that this file does not name them itself.)
OUTSIDE = (
    *(f"{name}.md" for name in ("LITERATURE", "STYLE", "MESA", "DESIGN")),
    *(f"{root}/{'shared'}" for root in ("/work", "..")),
)


def tracked_text_files() -> list[Path]:
    """Every file git tracks that exists in the working tree and is text (no NUL byte)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listing.returncode != 0:
        pytest.skip("not a git checkout")
    paths = [ROOT / name for name in listing.stdout.decode().split("\0") if name]
    return [p for p in paths if p.is_file() and b"\0" not in p.read_bytes()]


def test_no_tracked_file_refers_to_texts_outside_the_repository():
    this = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {word}"
        for path in tracked_text_files()
        if path.resolve() != this
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1
        )
        for word in OUTSIDE
        if word in line
    ]
    assert not offenders, "references to files outside the repository:\n" + "\n".join(offenders)


def calls_in(function) -> list[str]:
    """The names of the methods a function calls, in the order they run (arguments first)."""
    import ast
    import inspect
    import textwrap

    names: list[str] = []

    class Calls(ast.NodeVisitor):
        def visit_Call(self, node: ast.Call) -> None:
            self.generic_visit(node)  # what the arguments call runs first
            if isinstance(node.func, ast.Attribute):
                names.append(node.func.attr)

    Calls().visit(ast.parse(textwrap.dedent(inspect.getsource(function))))
    return names


def test_odd_schedule_is_the_order_step_calls():
    from simulation.model.agents.organisation import Organisation
    from simulation.model.model import CoCreationModel

    section = ODD[ODD.index("## 3 Process overview") : ODD.index("## 4 Design concepts")]
    block = section[
        section.index("```python") : section.index("```", section.index("```python") + 3)
    ]
    day = [c for c in calls_in(CoCreationModel.step) if c not in ("sum",)]
    assert day == [c for c in calls_in_text(block) if c != "sum"], "ODD 3: the code block"
    firm = [c for c in calls_in(Organisation.step) if c != "shuffle_do"]
    positions = [section.index(f"`Organisation.{name}`") for name in firm]
    assert positions == sorted(positions), (
        f"ODD 3 lists the organisation's day out of order: {firm}"
    )


def calls_in_text(code: str) -> list[str]:
    import re

    return re.findall(r"\.(\w+)\(", code)
