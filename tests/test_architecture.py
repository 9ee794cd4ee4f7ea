"""The layout is the architecture: imports between modules, parsed with ``ast``, obey its rules.

No import cycle anywhere in ``simulation/``; a command module imports only ``cli.common`` and
the library; the dashboard and the analysis never import the command line; the model never
imports plotting, the dashboard, files or executors; the scenario never imports the model.
Imports inside functions count too (a cycle through a lazy import is still a cycle).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "simulation"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The modules of ``simulation`` that ``name`` imports.

    ``from a import b`` counts ``a.b`` when that is a module, else ``a``.
    """
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = nx.DiGraph(
    [(name, target) for name, path in MODULES.items() for target in imported(name, path)]
)
GRAPH.add_nodes_from(MODULES)


def test_the_import_graph_is_read():
    assert GRAPH.has_edge("simulation.run", "simulation.model")  # the package, lazily ...
    assert GRAPH.has_edge("simulation.model", "simulation.model.model")  # ... its model
    assert GRAPH.has_edge("simulation.cli", "simulation.cli.run")
    assert GRAPH.has_edge("simulation.cli.run", "simulation.cli.common")


def test_no_import_cycle_between_modules():
    cycles = list(nx.simple_cycles(GRAPH))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c + c[:1]) for c in cycles)


COMMANDS = sorted(
    m
    for m in MODULES
    if m.startswith("simulation.cli.")
    and m not in ("simulation.cli.common", "simulation.cli.__main__")
)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_module_imports_only_cli_common_and_the_library(command):
    cli = {t for t in GRAPH.successors(command) if t.startswith("simulation.cli")}
    assert cli <= {"simulation.cli.common"}, sorted(cli)


def test_every_command_module_is_in_the_command_table():
    from simulation.cli import COMMANDS as TABLE

    assert sorted(m.__name__ for m in TABLE) == COMMANDS


def importers_of(prefix: str, among: str) -> list[tuple[str, str]]:
    return sorted(
        (a, b)
        for a, b in GRAPH.edges
        if a.startswith(among) and (b == prefix or b.startswith(prefix + "."))
    )


def test_dashboard_and_analysis_import_nothing_from_the_command_line():
    assert importers_of("simulation.cli", "simulation.dashboard") == []
    assert importers_of("simulation.cli", "simulation.analysis") == []
    assert importers_of("simulation.cli", "simulation.experiments") == []


def test_the_scenario_never_imports_the_model():
    assert importers_of("simulation.model", "simulation.scenario") == []


FORBIDDEN_IN_MODEL = ("matplotlib", "solara", "dask", "pyarrow", "rich")


def test_the_model_knows_nothing_of_plots_files_or_executors():
    for name, path in MODULES.items():
        if not name.startswith("simulation.model"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                roots = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                bad = [r for r in roots if r.split(".")[0] in FORBIDDEN_IN_MODEL]
                assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize(
    "argv", [["--help"], ["params"], ["check", "scenarios/baseline.toml"]], ids=" ".join
)
def test_quick_commands_load_no_heavy_library(argv):
    # a fresh interpreter: what `cocreate ...` imports before it answers
    probe = (
        "import sys; from simulation.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = {'mesa', 'pandas', 'matplotlib', 'scipy', 'networkx', 'pyarrow', 'solara',"
        " 'numba'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "[]"
