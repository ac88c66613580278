"""The README's threat model names the tests that show each claim: they must exist."""

import ast
import re

from tests.conftest import ROOT


def named_tests():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Threat model", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(test_\w+\.py)::(test_\w+)`", section)


def test_every_test_the_threat_model_names_exists():
    named = named_tests()
    assert len(named) > 30
    missing = []
    for filename, name in named:
        tree = ast.parse((ROOT / "tests" / filename).read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        if name not in defined:
            missing.append(f"{filename}::{name}")
    assert missing == []
