"""The layers import one way, and no package's modules import each other in a circle.

core <- runtime <- decorators <- framework (and testing) <- cli, serve (and the shipped
examples, written as users write them). The root package (``wumbo/__init__.py``, its wiring and
``__main__``) is the facade over all of them: only the top layer imports it.
Every ``import`` statement counts, at module level or inside a function; imports made only for
type checkers (``if TYPE_CHECKING:``) count for the layers but not for circles.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import wumbo

PACKAGE = Path(wumbo.__file__).parent
LAYERS = {
    "core": 0,
    "runtime": 1,
    "decorators": 2,
    "framework": 3,
    "testing": 3,
    "examples": 4,
    "cli": 4,
    "serve": 4,
}
FACADE = {"wumbo", "wumbo._wiring", "wumbo.__main__"}
"""The root package and the modules that wire the layers together: they may import any layer."""


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    type_only: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str) -> Iterator[Import]:
    path = MODULES[name]
    is_package = path.name == "__init__.py"

    def walk(node: ast.AST, type_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
                for statement in child.body:
                    yield from walk_one(statement, True)
                for statement in child.orelse:
                    yield from walk_one(statement, type_only)
            else:
                yield from walk_one(child, type_only)

    def walk_one(node: ast.AST, type_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, node.lineno, type_only)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([module] if module else [])])
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            found = [sub for sub in submodules if sub in MODULES]
            for sub in found:
                yield Import(name, sub, node.lineno, type_only)
            if len(found) < len(submodules):  # names taken from the module itself
                yield Import(name, module, node.lineno, type_only)
        else:
            yield from walk(node, type_only)

    for found in walk(ast.parse(path.read_text()), False):
        if found.target == "wumbo" or found.target.startswith("wumbo."):
            yield found


IMPORTS = [found for name in sorted(MODULES) for found in _imports(name)]


def _layer(module: str) -> int:
    if module in FACADE:
        return 99
    parts = module.split(".")
    if parts[1].startswith("_"):
        return 0  # private helpers of the root (_lazy, _log, _version) sit under everything
    return LAYERS[parts[1]]


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)  # raises KeyError for a package that is not placed in LAYERS


def test_no_layer_imports_a_higher_one() -> None:
    upward = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if _layer(found.target) > _layer(found.source) and found.target != "wumbo"
    ]
    assert upward == []


def test_only_the_top_layer_imports_the_root_package() -> None:
    """The root is a facade over the layers: below the command line, import the real module."""
    offenders = [
        f"{found.source}:{found.line}"
        for found in IMPORTS
        if found.target == "wumbo"
        and _layer(found.source) < LAYERS["cli"]
        and not found.source.startswith("wumbo.examples")
    ]
    assert offenders == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circles() -> None:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    for found in IMPORTS:
        if not found.type_only and found.target != found.source:
            edges[found.source].add(found.target)
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
