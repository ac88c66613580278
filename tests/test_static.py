"""The stylesheets parse: a brace left open silently drops every rule after it."""

import re

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("path", sorted((ROOT / "static" / "css").glob("*.css")), ids=str)
def test_every_block_in_a_stylesheet_is_closed(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)  # braces in comments
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}: a block closes twice by line {number}"
    assert depth == 0, f"{path.name}: {depth} block(s) left open"
