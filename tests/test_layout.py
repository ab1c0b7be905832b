"""The package's shape: lazy export tables, the import graph's floors, the operation checklist.

Read from the source with ``ast`` (nothing is imported), so a new module or a
new operation that breaks a rule of STYLE.md or CONTRIBUTING.md fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from formance_orch.funcs import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "formance_orch"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking_block(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )


def runtime_imports(name: str) -> set[str]:
    """The formance_orch modules ``name`` imports at run time (lazy imports included).

    Imports under ``if TYPE_CHECKING:`` are for type checkers only and are left out.
    """
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if is_type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from formance_orch import _serde`` imports the submodule, not the package's names.
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(MODULES)
            found.update(submodules or {node.module})
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(MODULES[name].read_text()))
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: runtime_imports(name) for name in MODULES}

# The floors of STYLE.md, top to bottom: a module imports only from its own
# floor or the floors below it. ``errors`` and ``result`` are plain values
# that the models use too (``ErrorCode``), so they sit at the bottom.
FLOORS = (
    (
        "operations and helpers",
        r"formance_orch(\.funcs(\..*)?|\.sdk|\.pagination|\.stages|\.wire|\.waiting|\.sync(\..*)?|\.emulator(\..*)?)?",
    ),
    ("request path", r"formance_orch\.(_operation|_send|_decode)"),
    (
        "core and serde",
        r"formance_orch\.(core|security|retries|hooks|clock|_serde|_fastgen|_scalars|_json|_amounts|_http)",
    ),
    ("models", r"formance_orch\.models(\..*)?"),
    ("plain values", r"formance_orch\.(errors|result|_version|_lazy)"),
)
# The request path, in the order a request lives: each imports only the ones after it.
REQUEST_PATH = ("formance_orch._operation", "formance_orch._send", "formance_orch._decode")


def floor(name: str) -> int:
    matches = [index for index, (_, pattern) in enumerate(FLOORS) if re.fullmatch(pattern, name)]
    assert len(matches) == 1, f"{name} belongs to no floor, or to several: {matches}"
    return matches[0]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_from_a_floor_above_its_own(name: str) -> None:
    above = {module for module in GRAPH[name] if floor(module) < floor(name)}
    assert not above, f"{name} ({FLOORS[floor(name)][0]}) imports {sorted(above)}"


def test_the_request_path_is_declarations_then_sending_then_decoding() -> None:
    for index, name in enumerate(REQUEST_PATH):
        earlier = set(REQUEST_PATH[:index])
        assert not GRAPH[name] & earlier, f"{name} imports {sorted(GRAPH[name] & earlier)}"
    assert "formance_orch._send" in GRAPH["formance_orch._operation"]
    assert "formance_orch._decode" in GRAPH["formance_orch._send"]


def test_the_import_graph_has_no_cycle() -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for imported in sorted(GRAPH[name]):
            visit(imported, (*path, name))
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, ())


def test_the_graph_checks_see_imports() -> None:
    # A check that found no edges would pass on anything.
    assert "formance_orch.core" in GRAPH["formance_orch._operation"]
    assert "formance_orch._serde" in GRAPH["formance_orch._decode"]
    assert "formance_orch.models.common" in GRAPH["formance_orch.models.history"]
    assert floor("formance_orch.funcs.orchestration_v2_get_instance") == 0
    assert floor("formance_orch.models.history") == 3


# --- lazy export tables ----------------------------------------------------------------

LAZY_PACKAGES = ("formance_orch", "formance_orch.models", "formance_orch.funcs")


def type_checking_exports(package: str) -> dict[str, str]:
    """``name -> module`` for every ``from module import name as name`` under TYPE_CHECKING."""
    tree = ast.parse(MODULES[package].read_text())
    exports: dict[str, str] = {}
    for node in tree.body:
        if is_type_checking_block(node):
            assert isinstance(node, ast.If)
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.dump(statement)
                for alias in statement.names:
                    assert alias.asname == alias.name, "re-export as the same name"
                    assert statement.module is not None
                    exports[alias.name] = statement.module
    return exports


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_type_checking_imports_and_the_lazy_table_agree(package: str) -> None:
    import importlib

    module = importlib.import_module(package)
    table = (
        {name: name for name in OPERATIONS} if package == "formance_orch.funcs" else module._WHERE  # type: ignore[attr-defined]
    )
    declared = type_checking_exports(package)

    assert {name: f"{package}.{where}" for name, where in table.items()} == declared
    assert set(module.__all__) - {"__version__"} == set(table)


# --- the checklist for adding an operation (CONTRIBUTING.md) --------------------------------


def test_every_funcs_module_is_an_operation() -> None:
    modules = {path.stem for path in (PACKAGE / "funcs").glob("orchestration_v2_*.py")}
    assert modules == set(OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_has_a_docs_page_listed_in_the_index(operation: str) -> None:
    page = ROOT / "docs" / "operations" / f"{operation}.md"
    assert page.is_file(), f"no docs page {page.relative_to(ROOT)}"
    assert f"(operations/{operation}.md)" in (ROOT / "docs" / "README.md").read_text()


def is_overload(node: ast.AsyncFunctionDef) -> bool:
    """``@overload`` stubs only describe the one implementation."""
    return any(
        isinstance(decorator, ast.Name) and decorator.id == "overload"
        for decorator in node.decorator_list
    )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_declares_one_operation_and_exports_its_function(operation: str) -> None:
    tree = ast.parse((PACKAGE / "funcs" / f"{operation}.py").read_text())
    assigned = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    functions = [
        node.name
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef) and not is_overload(node)
    ]
    assert "_OPERATION" in assigned
    assert functions == [operation]
