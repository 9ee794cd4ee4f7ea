"""The documentation stays true to the code: every parameter and scenario is documented."""

from __future__ import annotations

from simulation.cli import main
from simulation.model.metrics import REPORTERS
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


def test_readme_lists_every_shipped_scenario():
    missing = [p.name for p in SCENARIOS if p.name not in README]
    assert not missing, f"README.md does not list {missing}"
