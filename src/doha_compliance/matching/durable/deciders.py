"""Which facts match which rules, decided behind one interface: durable_rules, or the same in Python.

A decider is a function `decider(definition) -> (ask, close)`: given the compiled ruleset
(`compile.compile_ruleset`: each rule a pattern and its tag), `ask(facts)` decides one batch of
narrow facts and returns {fact id: [tags, in first-fired order]}, and `close()` frees what the
decider holds. Everything else — narrow facts, the pre-filter, the decision cache, per-day batches,
windows — is the same pipeline (`engine.durable_matches`) whichever decides.

- `durable`: durable_rules 2.0.28 (`host`). Its C extension calls `PyEval_CallObject`, which
  Python 3.13 removed, so it does not import there (issue 28); it is imported only when chosen.
- `python`: the same patterns evaluated in plain Python (`predicates`).

`resolve(None)` picks durable where it imports and passes `_adapter.check()`, else python; asking
for durable where it cannot import is an `EngineUnavailable` (exit status 2, one line).
"""
from __future__ import annotations

import platform
from typing import Callable, List, Optional, Tuple

from doha_compliance.errors import EngineUnavailable

from .compile import Ask, Definition

Decider = Callable[[Definition], Tuple[Ask, Callable[[], None]]]
DECIDERS = ("durable", "python")

_durable_problem: List[Optional[str]] = []  # memo: None once durable_rules imported and checked


def durable_problem() -> Optional[str]:
    """Why durable_rules cannot decide here (one line), or None when it can. Imports it (once)."""
    if not _durable_problem:
        try:
            from . import _adapter
            _adapter.check()
            problem = None
        except ImportError as exc:
            problem = (f"durable_rules does not import on Python {platform.python_version()} "
                       f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")
        except EngineUnavailable as exc:
            problem = str(exc)
        _durable_problem.append(problem)
    return _durable_problem[0]


def resolve(engine: Optional[str]) -> str:
    """The engine that will run: `durable`, `python` or `reference` as asked; None (or "auto"):
    durable where it works here, else python."""
    if engine in (None, "auto"):
        return "python" if durable_problem() else "durable"
    if engine == "durable":
        problem = durable_problem()
        if problem:
            raise EngineUnavailable(f"{problem}: run with --engine python (the same decisions in plain Python)")
    return str(engine)


def decider(name: str) -> Decider:
    """The decider called `name` (its module imported now, not before)."""
    if name == "durable":
        from .host import durable_decider
        return durable_decider
    if name == "python":
        from .predicates import python_decider
        return python_decider
    raise ValueError(f"unknown decider {name!r}: use one of {', '.join(DECIDERS)}")


def check_compiles(definition: Definition, engine: Optional[str] = None) -> None:
    """Compile the definition with the decider `engine` resolves to (None: the one a report uses here)
    and free it: raises what evaluating would raise on it (a ComplianceError), before any event is read."""
    name = resolve(engine)
    if name in DECIDERS:
        _, close = decider(name)(definition)
        close()


def describe() -> str:
    """What `--version` says about the deciders available here."""
    problem = durable_problem()
    if problem is None:
        from . import _adapter
        return f"durable_rules {_adapter.installed_version()} decides (the Python decider too with --engine python)"
    return f"{problem}: the Python decider is used"
