"""The package's shape (issue 17): no import circle among its modules, and one place for what must
read the same everywhere (the "did you mean" hint).

Imports are read from the source with `ast`, not by importing: a circle that happens to import in
today's order still breaks the day a module is imported first from elsewhere, and it means two
modules that cannot be understood (or tested) one without the other.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set, Tuple

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "doha_compliance"
NAME = "doha_compliance"

# Imports inside a function, run when it is called, not when its module loads. Each is listed with
# why: a deliberate late import, never a circle hidden from the check below.
LATE_IMPORTS_ALLOWED: Dict[Tuple[str, str], str] = {
}


def _modules() -> Dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(PACKAGE.glob("*.py"))}


def _targets(node: ast.AST, module: str, known: Set[str]) -> List[str]:
    """The package modules an import statement names (`from . import x`, `from .x import y`, `import doha_compliance.x`)."""
    out: List[str] = []
    if isinstance(node, ast.ImportFrom):
        if node.level == 0 and (node.module or "").split(".")[0] != NAME:
            return out
        base = (node.module or "") if node.level else (node.module or "").removeprefix(NAME).lstrip(".")
        if base:
            out.append(base.split(".")[0])
        else:  # from . import a, b: each may be a module
            out.extend(alias.name for alias in node.names if alias.name in known)
    elif isinstance(node, ast.Import):
        out.extend(alias.name.split(".")[1] for alias in node.names
                   if alias.name.startswith(NAME + ".") and alias.name.count(".") >= 1)
    return [m for m in out if m in known and m != module]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module, module: str, known: Set[str]) -> Tuple[Set[str], Set[str]]:
    """(imported when the module loads, imported later inside a function). `if TYPE_CHECKING:`
    imports are never run, so they are neither."""
    at_load: Set[str] = set()
    late: Set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            (late if in_function else at_load).update(_targets(node, module, known))
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return at_load, late


def _graph() -> Tuple[Dict[str, Set[str]], Dict[str, Set[str]]]:
    trees = _modules()
    known = set(trees)
    at_load: Dict[str, Set[str]] = {}
    late: Dict[str, Set[str]] = {}
    for module, tree in trees.items():
        at_load[module], late[module] = _imports(tree, module, known)
    return at_load, late


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted; one circle each."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    groups: List[List[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(groups)


def test_the_cycle_finder_finds_a_circle_and_nothing_else():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def test_the_import_reader_sees_every_form_of_import():
    known = {"x", "y", "z", "w", "me"}
    tree = ast.parse("from . import x\nfrom .y import f\nimport doha_compliance.z\nimport json\n"
                     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .w import T\n"
                     "def later():\n    from . import me, w\n")
    assert _imports(tree, "me", known) == ({"x", "y", "z"}, {"w"})


def test_no_module_imports_itself_back_when_the_package_loads():
    at_load, _ = _graph()
    assert at_load["api"], "the import reader found nothing: it no longer reads this package's imports"
    circles = _cycles(at_load)
    assert circles == [], f"import circles among the package's modules: {circles}"


def test_no_circle_even_counting_imports_inside_functions():
    """A late import breaks a circle only on paper: each one is either free of a circle or listed with why."""
    at_load, late = _graph()
    unlisted = {m: {t for t in targets if (m, t) not in LATE_IMPORTS_ALLOWED} for m, targets in late.items()}
    both = {m: at_load[m] | unlisted[m] for m in at_load}
    circles = _cycles(both)
    assert circles == [], f"import circles through imports inside functions: {circles} (late imports: " \
                          f"{ {m: sorted(t) for m, t in unlisted.items() if t} })"
    stale = [pair for pair in LATE_IMPORTS_ALLOWED if pair[1] not in late.get(pair[0], set())]
    assert not stale, f"listed late imports that no longer exist: {stale}"


def test_the_did_you_mean_hint_has_one_home():
    """Every "did you mean" reads the same because one function writes it (hints.py)."""
    users = sorted(path.name for path in PACKAGE.glob("*.py")
                   if path.name != "hints.py" and ("difflib" in path.read_text(encoding="utf-8")
                                                   or "did you mean" in path.read_text(encoding="utf-8")))
    assert users == [], f"modules that build their own 'did you mean' hint: {users}"


def test_readers_only_parse():
    """The circle issue 17 names: readers and importers each imported the other. `sources` now picks
    the reader; readers know no export, mapping or source."""
    at_load, late = _graph()
    assert not (at_load["readers"] | late["readers"]) & {"importers", "mapping_file", "sources"}
