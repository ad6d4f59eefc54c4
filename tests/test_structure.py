"""The package's shape (issues 17 and 22): the layer contract, kept by import-linter (configured in
pyproject.toml: each pipeline stage imports only from the stages before it, no loop among the
modules of any package, private modules stay in their package), plus what the tool cannot say:
one home for the "did you mean" hint, and no import circle even through imports inside functions.

Imports are read from the source with `ast`, not by importing: a circle that happens to import in
today's order still breaks the day a module is imported first from elsewhere.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "doha_compliance"
NAME = "doha_compliance"

# Imports inside a function, run when it is called, not when its module loads. Each is listed with
# why: a deliberate late import, never a circle hidden from the check below.
LATE_IMPORTS_ALLOWED: Dict[Tuple[str, str], str] = {
}


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> Dict[str, ast.Module]:
    """Every module of the package by its dotted name below the package ("api", "rules.loader")."""
    return {_dotted(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(PACKAGE.rglob("*.py")) if _dotted(path)}


def _package_of(module: str, known: Set[str]) -> str:
    """The package a module's relative imports start from."""
    return module if module in known and (PACKAGE / module.replace(".", "/") / "__init__.py").exists() \
        else module.rpartition(".")[0]


def _known_prefix(name: str, known: Set[str]) -> str:
    """The longest package module that a dotted name starts with ("" for the package itself)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return ""


def _targets(node: ast.AST, module: str, known: Set[str]) -> List[str]:
    """The package modules an import statement names (`from . import x`, `from .x import y`,
    `from doha_compliance.a.b import c`, `import doha_compliance.x`), by dotted name below the package."""
    out: List[str] = []
    if isinstance(node, ast.ImportFrom):
        if node.level == 0:
            if (node.module or "").split(".")[0] != NAME:
                return out
            base = (node.module or "").removeprefix(NAME).lstrip(".")
        else:
            anchor = _package_of(module, known).split(".") if _package_of(module, known) else []
            anchor = anchor[:len(anchor) - (node.level - 1)] if node.level > 1 else anchor
            base = ".".join(anchor + ([node.module] if node.module else []))
        for alias in node.names:  # `from a import b` names module a.b when b is a module
            whole = f"{base}.{alias.name}" if base else alias.name
            out.append(whole if whole in known else _known_prefix(base, known))
    elif isinstance(node, ast.Import):
        out.extend(_known_prefix(alias.name.removeprefix(NAME + "."), known) for alias in node.names
                   if alias.name.startswith(NAME + "."))
    return [m for m in out if m and m in known and m != module]


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
    known = {"x", "y", "z", "w", "me", "pkg", "pkg.a", "pkg.me2"}
    tree = ast.parse("from . import x\nfrom .y import f\nimport doha_compliance.z\nimport json\n"
                     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .w import T\n"
                     "from doha_compliance.pkg import a\n"
                     "def later():\n    from . import me, w\n")
    assert _imports(tree, "me", known) == ({"x", "y", "z", "pkg.a"}, {"w"})
    inner = ast.parse("from .a import f\nfrom .. import x\n")
    assert _imports(inner, "pkg.me2", known) == ({"pkg.a", "x"}, set())


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
    """Every "did you mean" reads the same because one function writes it (_util/hints.py)."""
    users = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if path.name != "hints.py" and ("difflib" in path.read_text(encoding="utf-8")
                                                   or "did you mean" in path.read_text(encoding="utf-8")))
    assert users == [], f"modules that build their own 'did you mean' hint: {users}"


def _lint_imports(src: Path) -> subprocess.CompletedProcess:
    """import-linter's verdict on the package under `src`, with this repository's contracts."""
    if shutil.which("lint-imports") is None and not (Path(sys.executable).parent / "lint-imports").exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]' installs it)")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([exe, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=src.parent,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_layer_contract_holds():
    result = _lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


@pytest.mark.parametrize("where, line", [
    # an upward import: the rule language reaching for a renderer
    ("rules/conditions.py", "from doha_compliance.renderers import text as _upward  # noqa\n"),
    # a loop inside one package, hidden under TYPE_CHECKING
    ("judging/triggers.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from doha_compliance.judging import judge as _loop  # noqa\n"),
    # readers reaching for the exports
    ("intake/readers/rows.py", "from doha_compliance.intake.exports import importers as _up  # noqa\n"),
])
def test_the_layer_contract_fails_when_broken(tmp_path, where, line):
    """The contract is not decorative: each kind of break makes import-linter fail."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    target = copy / "doha_compliance" / where
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    result = _lint_imports(copy)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout[-2000:]
