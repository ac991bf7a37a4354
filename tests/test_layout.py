"""The shape of the house, read from the source: dependency direction, no import cycles, and
no module-level name bound twice."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "config")
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "discord")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    }


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, tree: ast.Module) -> set[str]:
    """Every module imported anywhere in the file (functions too), except under
    `if TYPE_CHECKING:`, which never runs."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"  # the project has none
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.fixture(scope="module")
def sources() -> dict[str, ast.Module]:
    return _sources()


@pytest.fixture(scope="module")
def graph(sources) -> dict[str, set[str]]:
    """Project module -> the project modules it imports."""
    found = {name: {i for i in _imports(name, tree) if i in sources and i != name}
             for name, tree in sources.items()}
    assert "bot.analysis.triggers" in found["bot.analysis.events"]  # the reading works
    return found


def test_the_core_and_config_import_no_chat_platform(sources):
    offenders = [
        (name, imported) for name, tree in sources.items()
        if not name.startswith("handlers") for imported in _imports(name, tree)
        if imported.split(".")[0] in PLATFORM_LIBRARIES
    ]
    assert offenders == []


def test_dependencies_point_from_handlers_to_bot_to_config(graph):
    rank = {"handlers": 0, "bot": 1, "config": 2}
    backwards = [(a, b) for a, targets in graph.items() for b in targets
                 if rank[b.split(".")[0]] < rank[a.split(".")[0]]]
    assert backwards == []


def test_no_import_cycles(graph):
    """A cycle hidden in a function-level import is still a cycle (the places <-> regions
    and Discord client <-> tree cycles were removed; none may come back)."""
    edges = graph
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the stack, 2 done
    cycles: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state[nxt] == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif state[nxt] == 0:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state[node] == 0:
            walk(node, [])
    assert cycles == []


def test_no_module_level_name_is_bound_twice(sources):
    """A second binding of a module-level name silently replaces the first for every
    function that reads it (two `_CROWDS` sets once made "thousands take to the streets in
    protest" read as a protest's motive, not a protest)."""
    twice = []
    for name, tree in sources.items():
        lines: dict[str, list[int]] = defaultdict(list)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                lines[node.name].append(node.lineno)
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:  # a name, or names unpacked; not `TABLE[key] = …`
                for t in (target.elts if isinstance(target, (ast.Tuple, ast.List))
                          else [target]):
                    if isinstance(t, ast.Name):
                        lines[t.id].append(node.lineno)
        twice += [(name, n, at) for n, at in lines.items() if len(at) > 1]
    assert twice == []
