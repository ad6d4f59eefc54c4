#!/usr/bin/env python3
"""Mutation check: break the verdict modules one line at a time and see whether a test notices.

The engine-vs-reference law cannot see a bug in code the two evaluators share; only tests whose
expectations were reasoned by hand can. This tool measures how many deliberate one-line bugs
("mutants") the tests catch ("kill"), and lists those they do not, with file:line.

    python tools/mutate.py                          # every mutant of the verdict modules (hours)
    python tools/mutate.py --sample 20 --jobs 2     # 20 random mutants per module (minutes)
    python tools/mutate.py --modules judging/judge,judging/claims   # some modules
    python tools/mutate.py --replace judging/judge.py 'justifiers[-1]' 'justifiers[0]'   # one mutant by hand
    python tools/mutate.py --list                   # what it would try, without running anything

Operators: comparison flips (< <=, > >=, == !=, in / not in), boolean negation of a test (and
removal of a `not`), an integer constant +1 and -1, a `continue`/`return`/`break` guard removed
(`if x: continue` never taken), `and`/`or` swapped, one element dropped from a literal tuple or
list of strings (statuses, kinds). Docstrings and annotations are never mutated.

How it runs: the repository is copied to a temporary folder once per job (the worktree's files
are never edited: another process may be reading them). The chosen tests run once, traced, to
learn which tests execute each line of the target modules (and how long each takes). Then, per
mutant: the module is rewritten in the copy (ast.unparse of the mutated tree), the tests that
execute its line run first (fastest first, stopping at the first failure, with a timeout), then
if none failed the rest of the chosen tests. A mutant no test executes is reported as such
without running anything. Hypothesis runs in a `mutate` profile (the CI number of examples,
derandomized, no example database), so a run is reproducible. Killed: a test failed, the module
failed to import, or the run timed out. Survived: every chosen test passed.

Accepted survivors (equivalent mutants, or bugs no reasonable test can tell) are listed with
why in tools/mutation-survivors.txt; `--check` exits 1 if a survivor is not listed there (the
`thorough` hypothesis profile runs this on a sample: tests/test_mutation.py).

This file is also the pytest plugin the test runs load (`-p mutate`): it traces, selects and
orders tests when the MUTATE_* environment variables ask it to.
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures
import copy
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("src") / "doha_compliance"
# The verdict modules, by their path under src/doha_compliance/ (without .py).
MODULES = ("judging/judge", "judging/claims", "judging/deadlines", "judging/continuing", "judging/links",
           "judging/triggers", "rules/kinds/level", "rules/kinds/level_judge", "report/scores", "rules/conditions",
           "matching/matches", "rules/loader", "rules/build", "rules/checks", "rules/versions", "rules/spec",
           "intake/validate", "_util/stream")
# The 90 % target (rules.py of 2026-11 is now loader, build, checks, versions and spec).
CORE = ("judging/judge", "rules/conditions", "matching/matches", "rules/loader", "rules/build", "rules/checks",
        "rules/versions", "rules/spec", "intake/validate", "_util/stream")
# Tests that judge verdicts in-process and fast; browsers, wheels, real data, benchmarks and the CLI's
# subprocess tests are left out (they would add minutes per surviving mutant and kill nothing more).
EXCLUDED_TESTS = ("test_wheel.py", "test_pictures.py", "test_benchmark_smoke.py", "test_real_exports.py",
                  "test_levels_real_data.py", "test_mutation.py", "test_api_cli.py", "test_bundled.py",
                  "test_importers.py", "test_mappings.py", "test_fuzz.py", "test_readme_excerpts.py")
DESELECT = "not browser"  # -k: the HTML report's real-browser tests
SURVIVORS_FILE = ROOT / "tools" / "mutation-survivors.txt"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".hypothesis", "*.egg-info", "build", "dist",
                                     ".pytest_cache", ".mypy_cache")


# --- mutants ---------------------------------------------------------------------------------------

_FLIPS: Dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
                            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}
_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
            ast.In: "in", ast.NotIn: "not in"}


class Mutant:
    """One deliberate bug: which module, line and operator, and how to make it in a tree."""

    def __init__(self, module: str, index: int, line: int, description: str, source_line: str,
                 apply: Callable[[ast.AST, Dict[int, ast.AST]], None]):
        self.module, self.index, self.line, self.description = module, index, line, description
        self.source_line = source_line.strip()
        self.apply = apply  # (node in the copied tree, copied parents by id of copied child) -> None

    @property
    def where(self) -> str:
        return f"{self.module}.py:{self.line}"

    @property
    def key(self) -> str:
        """Stable across line moves: module, what changes, and the line's text."""
        return f"{self.module}.py | {self.description} | {self.source_line}"


def _skipped_nodes(tree: ast.AST) -> Set[int]:
    """Ids of nodes never mutated: docstrings and annotations (and everything under them)."""
    skip: Set[int] = set()

    def under(node: Optional[ast.AST]) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                under(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            under(node.returns)
        if isinstance(node, ast.arg):
            under(node.annotation)
        if isinstance(node, ast.AnnAssign):
            under(node.annotation)
        if isinstance(node, ast.ImportFrom):
            under(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            skip.add(id(node.operand))  # shifted as a whole: -1 -> 0 and -1 -> -2
    return skip


def _replace_in_parent(parents: Dict[int, ast.AST], node: ast.AST, new: ast.AST) -> None:
    parent = parents[id(node)]
    for field, value in ast.iter_fields(parent):
        if value is node:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is node:
                    value[i] = new
                    return
    raise RuntimeError("node not found in its parent")


def _is_guard(node: ast.If) -> bool:
    return (len(node.body) == 1 and not node.orelse
            and isinstance(node.body[0], (ast.Continue, ast.Return, ast.Break)))


def _shifts(value: int, sign: int) -> Iterator[Tuple[str, Callable[[ast.AST, Dict[int, ast.AST]], None]]]:
    """An integer constant +1 and -1 (for `-n`, written as minus n, the constant shown is -n)."""
    for delta in (1, -1):
        def shift(n: ast.AST, parents: Dict[int, ast.AST], delta: int = delta) -> None:
            target = n.operand if isinstance(n, ast.UnaryOp) else n  # type: ignore[attr-defined]
            target.value += sign * delta
        yield f"{sign * value} -> {sign * value + delta}", shift


def _sites(node: ast.AST) -> Iterator[Tuple[str, Callable[[ast.AST, Dict[int, ast.AST]], None]]]:
    """Every mutation of one node: (description, how to apply it to the same node in a copy)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            flip = _FLIPS.get(type(op))
            if flip is not None:
                def apply(n: ast.AST, parents: Dict[int, ast.AST], i: int = i, flip: type = flip) -> None:
                    n.ops[i] = flip()  # type: ignore[attr-defined]
                yield f"`{_SYMBOLS[type(op)]}` -> `{_SYMBOLS[flip]}`", apply
    if isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        names = {ast.And: "and", ast.Or: "or"}

        def swap(n: ast.AST, parents: Dict[int, ast.AST], other: type = other) -> None:
            n.op = other()  # type: ignore[attr-defined]
        yield f"`{names[type(node.op)]}` -> `{names[other]}`", swap
    if isinstance(node, (ast.If, ast.While, ast.IfExp)):
        if not isinstance(node.test, ast.UnaryOp) or not isinstance(node.test.op, ast.Not):
            def negate(n: ast.AST, parents: Dict[int, ast.AST]) -> None:
                n.test = ast.UnaryOp(op=ast.Not(), operand=n.test)  # type: ignore[attr-defined]
            yield "condition negated", negate
    if isinstance(node, ast.comprehension):
        for i in range(len(node.ifs)):
            def negate_if(n: ast.AST, parents: Dict[int, ast.AST], i: int = i) -> None:
                n.ifs[i] = ast.UnaryOp(op=ast.Not(), operand=n.ifs[i])  # type: ignore[attr-defined]
            yield "comprehension filter negated", negate_if
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        def unnot(n: ast.AST, parents: Dict[int, ast.AST]) -> None:
            _replace_in_parent(parents, n, n.operand)  # type: ignore[attr-defined]
        yield "`not` removed", unnot
    if isinstance(node, ast.If) and _is_guard(node):
        what = type(node.body[0]).__name__.lower()

        def unguard(n: ast.AST, parents: Dict[int, ast.AST]) -> None:
            n.test = ast.Constant(value=False)  # type: ignore[attr-defined]
        yield f"`{what}` guard removed", unguard
    if isinstance(node, ast.Constant) and type(node.value) is int:
        yield from _shifts(node.value, 1)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) is int:
        yield from _shifts(node.operand.value, -1)
    if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) >= 2 and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        for i, e in enumerate(node.elts):
            def drop(n: ast.AST, parents: Dict[int, ast.AST], i: int = i) -> None:
                del n.elts[i]  # type: ignore[attr-defined]
            yield f"{e.value!r} dropped from a list of {len(node.elts)}", drop  # type: ignore[attr-defined]


def mutants_of(module: str, root: Path = ROOT) -> Tuple[List[Mutant], ast.Module, str]:
    """(the module's mutants, its tree, its source)."""
    path = root / PACKAGE / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    skip = _skipped_nodes(tree)
    out: List[Mutant] = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        if isinstance(node, ast.comprehension):
            line = node.target.lineno
        elif isinstance(node, (ast.expr, ast.stmt)):
            line = node.lineno
        else:
            continue
        for description, apply in _sites(node):
            out.append(Mutant(module, index, line, description, lines[line - 1] if line else "", apply))
    seen: Dict[str, int] = {}
    for mutant in out:  # the same mutation twice on one line: the second is "(2nd)", so keys stay unique
        n = seen[mutant.key] = seen.get(mutant.key, 0) + 1
        if n > 1:
            mutant.description += f" ({n}{'nd' if n == 2 else 'rd' if n == 3 else 'th'})"
    return out, tree, source


def mutated_source(mutant: Mutant, tree: ast.Module) -> str:
    """The module's source with the mutant applied (the same walk order finds the same node)."""
    copied = copy.deepcopy(tree)
    nodes = list(ast.walk(copied))
    parents = {id(child): parent for parent in nodes for child in ast.iter_child_nodes(parent)}
    mutant.apply(nodes[mutant.index], parents)
    return ast.unparse(ast.fix_missing_locations(copied))


# --- the pytest plugin (loaded in the test runs with -p mutate) ------------------------------------

def _register_profile() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # pragma: no cover
        return
    settings.register_profile("mutate", max_examples=60, deadline=None, derandomize=True, database=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                     HealthCheck.filter_too_much])


if os.environ.get("MUTATE_PLUGIN"):
    _register_profile()

_trace_lines: Dict[Tuple[str, int], Set[str]] = {}
_trace_all: Set[Tuple[str, int]] = set()
_trace_durations: Dict[str, float] = {}
_trace_current: List[Optional[str]] = [None]
_trace_fixtures: Dict[str, List[str]] = {}  # test id -> the fixtures it uses


def _tracer_for(targets: Dict[str, str]) -> Callable[..., Any]:
    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            key = (targets[frame.f_code.co_filename], frame.f_lineno)
            _trace_all.add(key)
            if _trace_current[0] is not None:
                _trace_lines.setdefault(key, set()).add(_trace_current[0])
        return local

    def global_(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in targets:
            key = (targets[frame.f_code.co_filename], frame.f_code.co_firstlineno)
            _trace_all.add(key)
            if _trace_current[0] is not None:
                _trace_lines.setdefault(key, set()).add(_trace_current[0])
            return local
        return None
    return global_


def _start_tracing() -> None:
    package = Path(os.environ["MUTATE_PACKAGE"])
    targets = {str(package / f"{m}.py"): m for m in os.environ["MUTATE_MODULES"].split(",")}
    tracer = _tracer_for(targets)
    sys.settrace(tracer)
    threading.settrace(tracer)


# Traced from the moment pytest loads this plugin: before conftest.py imports the package, so the
# lines run at import (constants, defaults) count as executed (by no test in particular: a mutant
# there is run against every test).
if os.environ.get("MUTATE_TRACE"):
    _start_tracing()


def pytest_collection_modifyitems(session: Any, config: Any, items: List[Any]) -> None:
    if os.environ.get("MUTATE_TRACE"):
        for item in items:
            _trace_fixtures[item.nodeid] = list(getattr(item, "fixturenames", ()))
    chosen = os.environ.get("MUTATE_SELECT")
    if not chosen:
        return
    order = {nodeid: i for i, nodeid in enumerate(Path(chosen).read_text(encoding="utf-8").splitlines())}
    kept = sorted((item for item in items if item.nodeid in order), key=lambda item: order[item.nodeid])
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in order])
    items[:] = kept


try:
    import pytest as _pytest
    _first = _pytest.hookimpl(tryfirst=True)
except ImportError:  # pragma: no cover  (the tool itself needs no pytest to --list)
    def _first(f: Any) -> Any:
        return f


@_first
def pytest_runtest_protocol(item: Any, nextitem: Any) -> None:
    if os.environ.get("MUTATE_TRACE"):
        _trace_current[0] = item.nodeid
        _trace_durations[item.nodeid] = time.perf_counter()


if os.environ.get("MUTATE_TRACE"):
    @_pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(fixturedef: Any, request: Any) -> Iterator[None]:
        """Lines a shared fixture runs (the Doha rules, loaded once) count for every test using it."""
        if fixturedef.scope == "function":
            yield
            return
        before = _trace_current[0]
        _trace_current[0] = f"fixture:{fixturedef.argname}"
        try:
            yield
        finally:
            _trace_current[0] = before


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    if os.environ.get("MUTATE_TRACE") and nodeid in _trace_durations:
        _trace_durations[nodeid] = time.perf_counter() - _trace_durations[nodeid]
        _trace_current[0] = None


def pytest_unconfigure(config: Any) -> None:
    out = os.environ.get("MUTATE_TRACE")
    if out:
        sys.settrace(None)
        data = {"lines": [[m, line, sorted(ids)] for (m, line), ids in sorted(_trace_lines.items())],
                "all": sorted(_trace_all), "durations": _trace_durations, "fixtures": _trace_fixtures}
        Path(out).write_text(json.dumps(data), encoding="utf-8")


# --- running ---------------------------------------------------------------------------------------

class Workspace:
    """A private copy of the repository where one mutant at a time is written and tested."""

    def __init__(self, base: Path, name: str, timeout: float, tests: Sequence[str]):
        self.root = base / name
        shutil.copytree(ROOT, self.root, ignore=COPY_IGNORE, symlinks=True)
        self.timeout = timeout
        self.tests = list(tests)
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(self.root / "src"), str(self.root / "tools")]),
                        PYTHONDONTWRITEBYTECODE="1", MUTATE_PLUGIN="1", PYTHONHASHSEED="0")
        for name_ in ("MUTATE_TRACE", "MUTATE_SELECT"):
            self.env.pop(name_, None)

    def pytest(self, args: Sequence[str], env: Optional[Dict[str, str]] = None,
               timeout: Optional[float] = None) -> Tuple[int, str]:
        cmd = [sys.executable, "-m", "pytest", "-p", "mutate", "-p", "no:cacheprovider", "-q", "-x",
               "--hypothesis-profile=mutate", "-k", DESELECT, *args]
        try:
            done = subprocess.run(cmd, cwd=self.root, env={**self.env, **(env or {})}, capture_output=True,
                                  text=True, timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            return -1, "timeout"
        return done.returncode, done.stdout[-3000:] + done.stderr[-2000:]

    def check_isolated(self) -> None:
        code = "import doha_compliance, sys; sys.stdout.write(doha_compliance.__file__)"
        done = subprocess.run([sys.executable, "-c", code], cwd=self.root, env=self.env, capture_output=True,
                              text=True, check=True)
        if not done.stdout.startswith(str(self.root)):
            raise SystemExit(f"mutate: the copy's package is not the one imported ({done.stdout}); stopping")

    def write(self, module: str, text: str) -> None:
        (self.root / PACKAGE / f"{module}.py").write_text(text, encoding="utf-8")

    def run_selected(self, nodeids: Sequence[str], expected_seconds: float) -> Tuple[int, str]:
        """Run these tests in this order; a run taking far longer than the traced one is an endless loop."""
        if not nodeids:
            return 0, ""
        listing = self.root / ".mutate-select"
        listing.write_text("\n".join(nodeids) + "\n", encoding="utf-8")
        files = sorted({n.split("::", 1)[0] for n in nodeids})
        timeout = min(self.timeout, 60 + 4 * expected_seconds)
        return self.pytest(files, env={"MUTATE_SELECT": str(listing)}, timeout=timeout)


def chosen_tests(names: Optional[Sequence[str]]) -> List[str]:
    if names:
        return list(names)
    return [f"tests/{p.name}" for p in sorted((ROOT / "tests").glob("test_*.py")) if p.name not in EXCLUDED_TESTS]


def trace(ws: Workspace, modules: Sequence[str]) -> Tuple[Dict[Tuple[str, int], List[str]], Set[Tuple[str, int]], Dict[str, float]]:
    """Which tests execute each line of the target modules (and every line executed at all)."""
    out = ws.root / ".mutate-trace.json"
    code, log = ws.pytest(list(ws.tests), timeout=3600,
                          env={"MUTATE_TRACE": str(out), "MUTATE_PACKAGE": str(ws.root / PACKAGE),
                               "MUTATE_MODULES": ",".join(modules)})
    if code != 0:
        raise SystemExit(f"mutate: the chosen tests fail before any mutation (exit {code}):\n{log}")
    data = json.loads(out.read_text(encoding="utf-8"))
    users: Dict[str, List[str]] = {}
    for test, fixtures in data["fixtures"].items():
        for name in fixtures:
            users.setdefault(f"fixture:{name}", []).append(test)
    lines: Dict[Tuple[str, int], List[str]] = {}
    for m, line, ids in data["lines"]:
        tests = {t for i in ids for t in (users.get(i, []) if i.startswith("fixture:") else [i])}
        lines[(m, line)] = sorted(t for t in tests if t in data["durations"])
    return lines, {tuple(x) for x in data["all"]}, data["durations"]  # type: ignore[misc]


def run_mutant(ws: Workspace, mutant: Mutant, tree: ast.Module, original: str,
               covering: Dict[Tuple[str, int], List[str]], executed: Set[Tuple[str, int]],
               durations: Dict[str, float], all_ids: List[str], everything: bool) -> Dict[str, Any]:
    result = {"key": mutant.key, "where": mutant.where, "module": mutant.module, "line": mutant.line,
              "description": mutant.description, "source": mutant.source_line}
    if (mutant.module, mutant.line) not in executed:
        return {**result, "outcome": "survived", "detail": "no chosen test executes this line"}
    text = mutated_source(mutant, tree)
    start = time.perf_counter()
    ws.write(mutant.module, text)
    try:
        first = sorted(covering.get((mutant.module, mutant.line), []), key=lambda n: durations.get(n, 0.0))
        code, log = ws.run_selected(first, sum(durations.get(n, 1.0) for n in first))
        stage = "tests that run the line"
        if code == 0 and (everything or not first):  # a module-level line runs at import: every test reads it
            rest = [n for n in all_ids if n not in set(first)]
            code, log = ws.run_selected(rest, sum(durations.get(n, 1.0) for n in rest))
            stage = "other tests"
    finally:
        ws.write(mutant.module, original)
    seconds = round(time.perf_counter() - start, 1)
    if code == 0:
        return {**result, "outcome": "survived", "detail": "every chosen test passed", "seconds": seconds}
    how = "timeout" if code == -1 else ("failed" if code == 1 else f"error (exit {code})")
    failed = next((line for line in log.splitlines() if line.startswith(("FAILED", "ERROR"))), "")
    return {**result, "outcome": "killed", "detail": f"{how} in the {stage}: {failed}".strip(), "seconds": seconds}


def accepted_survivors(path: Path = SURVIVORS_FILE) -> Dict[str, str]:
    """key -> why, from the accepted survivors file (lines: module | mutation | source line | why)."""
    out: Dict[str, str] = {}
    if not path.exists():
        return out
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in raw.split(" | ")]
        if len(parts) >= 4:
            out[" | ".join(parts[:3])] = " | ".join(parts[3:])
    return out


def summary(results: List[Dict[str, Any]], modules: Sequence[str], accepted: Dict[str, str]) -> Tuple[str, List[Dict[str, Any]]]:
    lines = [f"{'module':<12} {'mutants':>7} {'killed':>6} {'survived':>8} {'kill rate':>9}"]
    total_k = total_n = 0
    for m in modules:
        rs = [r for r in results if r["module"] == m]
        if not rs:
            continue
        k = sum(r["outcome"] == "killed" for r in rs)
        total_k, total_n = total_k + k, total_n + len(rs)
        mark = "  (target 90 %)" if m in CORE else ""
        lines.append(f"{m:<12} {len(rs):>7} {k:>6} {len(rs) - k:>8} {100 * k / len(rs):>8.1f}%{mark}")
    if total_n:
        lines.append(f"{'all':<12} {total_n:>7} {total_k:>6} {total_n - total_k:>8} {100 * total_k / total_n:>8.1f}%")
    survivors = sorted((r for r in results if r["outcome"] == "survived"), key=lambda r: (r["module"], r["line"]))
    new = [r for r in survivors if r["key"] not in accepted]
    if survivors:
        lines.append("")
        lines.append("survivors (file:line  mutation  | line):")
        for r in survivors:
            note = f"   [accepted: {accepted[r['key']]}]" if r["key"] in accepted else "   [NEW]"
            lines.append(f"  {r['where']:<18} {r['description']:<40} | {r['source']}{note}")
            if r["detail"] != "every chosen test passed":
                lines.append(f"  {'':<18} ({r['detail']})")
    return "\n".join(lines), new


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", default=",".join(MODULES), help="comma-separated, from: " + ", ".join(MODULES))
    parser.add_argument("--sample", type=int, default=0, help="at most N random mutants per module (0: all)")
    parser.add_argument("--seed", type=int, default=17, help="seed for --sample")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once, each in its own copy")
    parser.add_argument("--timeout", type=float, default=600, help="at most this many seconds per test run (a run "
                        "also stops at 60 s + 4 times its traced duration); a mutant that times out is killed (an endless loop)")
    parser.add_argument("--all-tests", action="store_true", help="when the tests that run a mutant's line pass, run "
                        "every other chosen test too (slow; they cannot fail but through subprocesses or shared state)")
    parser.add_argument("--tests", nargs="*", help="test files or node ids (default: every fast test file)")
    parser.add_argument("--replace", nargs=3, metavar=("MODULE", "OLD", "NEW"),
                        help="one mutant by hand: replace the text OLD (once) in MODULE (e.g. judge.py)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", help="write every result to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 if a survivor is not in " + SURVIVORS_FILE.name)
    parser.add_argument("--max-minutes", type=float, default=0, help="stop starting mutants after this long")
    parser.add_argument("--again", metavar="JSON", help="only the mutants that survived in this earlier --json "
                        "result (after adding tests); the others keep their result and are reported too")
    args = parser.parse_args(argv)

    modules = [m.strip().removesuffix(".py") for m in args.modules.split(",") if m.strip()]
    unknown = [m for m in modules if not (ROOT / PACKAGE / f"{m}.py").exists()]
    if unknown:
        parser.error(f"no such module: {', '.join(unknown)}")
    tests = chosen_tests(args.tests)

    if args.replace:
        return _by_hand(args.replace, tests, args.timeout)

    catalogue: List[Tuple[Mutant, ast.Module, str]] = []
    rnd = random.Random(args.seed)
    for m in modules:
        found, tree, source = mutants_of(m)
        if args.sample and len(found) > args.sample:
            found = sorted(rnd.sample(found, args.sample), key=lambda x: x.index)
        catalogue.extend((x, tree, source) for x in found)
    earlier: List[Dict[str, Any]] = []
    if args.again:
        earlier = [r for r in json.loads(Path(args.again).read_text(encoding="utf-8")) if r["module"] in modules]
        again = {r["key"] for r in earlier if r["outcome"] == "survived"}
        catalogue = [item for item in catalogue if item[0].key in again]
        earlier = [r for r in earlier if r["outcome"] != "survived"]
    if args.list:
        for mutant, _, _ in catalogue:
            print(f"{mutant.where:<18} {mutant.description:<40} | {mutant.source_line}")
        print(f"{len(catalogue)} mutants", file=sys.stderr)
        return 0

    base = Path(tempfile.mkdtemp(prefix="doha-mutate-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # killed: still remove the copies (finally)
    results: List[Dict[str, Any]] = []
    try:
        workspaces = [Workspace(base, f"job{i}", args.timeout, tests) for i in range(max(1, args.jobs))]
        workspaces[0].check_isolated()
        for m in modules:  # a round trip through ast.unparse must keep the module's meaning
            tree = mutants_of(m)[1]
            if ast.dump(ast.parse(ast.unparse(tree))) != ast.dump(tree):
                raise SystemExit(f"mutate: ast.unparse does not round-trip {m}.py on this Python; stopping")
        started = time.perf_counter()
        print(f"mutate: tracing {len(tests)} test files over {len(modules)} modules ...", file=sys.stderr)
        covering, executed, durations = trace(workspaces[0], modules)
        all_ids = sorted(durations, key=lambda n: durations[n])
        print(f"mutate: {len(all_ids)} tests in {time.perf_counter() - started:.0f} s traced; "
              f"{len(catalogue)} mutants", file=sys.stderr)
        originals = {m: (workspaces[0].root / PACKAGE / f"{m}.py").read_text(encoding="utf-8") for m in modules}
        free = list(workspaces)
        lock = threading.Lock()
        deadline = started + args.max_minutes * 60 if args.max_minutes else None

        def one(item: Tuple[Mutant, ast.Module, str]) -> Optional[Dict[str, Any]]:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            with lock:
                ws = free.pop()
            try:
                mutant, tree, _ = item
                return run_mutant(ws, mutant, tree, originals[mutant.module], covering, executed, durations, all_ids,
                                  args.all_tests)
            finally:
                with lock:
                    free.append(ws)

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(workspaces)) as pool:
            for n, result in enumerate(pool.map(one, catalogue), start=1):
                if result is None:
                    continue
                results.append(result)
                print(f"[{n}/{len(catalogue)}] {result['outcome']:<8} {result['where']:<18} {result['description']}"
                      f"  {result.get('seconds', '')}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    results = earlier + results
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    text, new = summary(results, modules, accepted_survivors())
    print(text)
    if len(results) < len(catalogue):
        print(f"\n(stopped after --max-minutes: {len(results)} of {len(catalogue)} mutants run)")
    return 1 if args.check and new else 0


def _by_hand(replace: Sequence[str], tests: Sequence[str], timeout: float) -> int:
    """Make one mutant by hand in a copy, run the tests (all of them, not stopping at the first
    failure), and say which failed: the "break the line on purpose" check before a change lands."""
    module, old, new = replace
    module = module.removesuffix(".py")
    base = Path(tempfile.mkdtemp(prefix="doha-mutate-"))
    try:
        ws = Workspace(base, "by-hand", timeout, tests)
        ws.check_isolated()
        path = ws.root / PACKAGE / f"{module}.py"
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            print(f"mutate: '{old}' occurs {text.count(old)} times in {module}.py; give a text that occurs once",
                  file=sys.stderr)
            return 2
        path.write_text(text.replace(old, new), encoding="utf-8")
        cmd = [sys.executable, "-m", "pytest", "-p", "mutate", "-p", "no:cacheprovider", "-q",
               "--hypothesis-profile=mutate", "-k", DESELECT, *tests]
        try:
            done = subprocess.run(cmd, cwd=ws.root, env=ws.env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            print("killed: the tests timed out")
            return 0
        failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        print("\n".join(failed) if failed else done.stdout[-2000:])
        print(("killed" if done.returncode else "SURVIVED") + f": {module}.py {old!r} -> {new!r}")
        return 0 if done.returncode else 1
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
