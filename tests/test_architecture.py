"""The stages flow one way: no import cycle anywhere in geomap/, and no stage imports one above it.

Every import is counted, those inside functions too: a cycle held apart by an
import inside a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "geomap"

# DESIGN.md's order, bottom first: a module may import its own layer and those below it.
LAYERS = [
    {"geomap.errors", "geomap.outputs", "geomap.paths", "geomap.schema", "geomap.textio", "geomap.names", "geomap.dates",
     "geomap.frames"},
    {"geomap.gazetteer"},
    {"geomap.documents"},
    {"geomap.extract"},
    {"geomap.tables"},
    {"geomap.run"},
    {"geomap.render"},
    {"geomap.cli"},
]


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every geomap module ``path`` imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from geomap.extract import linking" imports the module geomap.extract.linking
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        found.update(n for n in names if n in MODULES)
    return found


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> int | None:
    for number, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return number
    return None


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycles(GRAPH) == []


def test_a_cycle_held_apart_by_an_import_inside_a_function_is_still_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_stage_imports_a_stage_above_it() -> None:
    upward = sorted(
        (module, target) for module, targets in GRAPH.items() for target in targets
        if _layer(module) is not None and _layer(target) is not None and _layer(target) > _layer(module)
    )
    assert upward == []


def test_every_module_has_a_layer() -> None:
    assert sorted(m for m in MODULES if m != "geomap" and _layer(m) is None) == []
