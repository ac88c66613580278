"""The project's modules depend one way: no import cycle, and each layer imports only
what is below it (models → tasks → emails; pledges never imports campaign)."""

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ["backing_lancashire", "campaign", "pledges"]


def modules():
    """Each of the project's own modules (migrations and tests aside) by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts).removesuffix(".__init__")
            found[name] = path
    return found


def imports(path, known):
    """The project modules a file imports, at its top or inside a function alike."""
    names = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            # `from pledges import tasks` imports the module pledges.tasks.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def graph():
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def cycle(edges):
    """One import cycle as a list of modules, or None."""
    done, path = set(), []

    def visit(name):
        if name in path:
            return path[path.index(name) :] + [name]
        if name in done:
            return None
        path.append(name)
        for target in sorted(edges.get(name, ())):
            if found := visit(target):
                return found
        path.pop()
        done.add(name)
        return None

    for name in sorted(edges):
        if found := visit(name):
            return found
    return None


def test_the_walk_finds_a_cycle_when_there_is_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_walk_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from pledges import tasks\n")
    assert imports(source, {"pledges", "pledges.tasks"}) == {"pledges", "pledges.tasks"}


def test_no_module_of_the_project_imports_itself_back():
    edges = graph()
    assert "pledges.models" in edges and edges["pledges.models"]
    assert cycle(edges) is None


def test_pledges_never_imports_campaign():
    offenders = {
        name: sorted(target for target in targets if target.startswith("campaign"))
        for name, targets in graph().items()
        if name.startswith("pledges")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_models_queue_tasks_and_tasks_send_emails_never_the_other_way():
    edges = graph()
    assert "pledges.tasks" in edges["pledges.models"]
    assert "pledges.emails" in edges["pledges.tasks"]
    assert not edges["pledges.emails"] & {"pledges.models", "pledges.tasks"}
    assert "pledges.models" not in edges["pledges.tasks"]


def test_site_wide_code_needs_neither_app():
    # The URLconf assembles the apps; everything else in it serves both.
    for name, targets in graph().items():
        if name.startswith("backing_lancashire") and name != "backing_lancashire.urls":
            assert not {t for t in targets if t.startswith(("campaign", "pledges"))}, name
