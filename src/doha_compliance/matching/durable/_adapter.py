"""Every use of durable_rules' private internals, in one place, checked against the version measured.

The durable decider (`host.py`; imported only when durable_rules is chosen, since it does not
import on Python 3.13: `deciders`) needs four things durable_rules does not offer publicly (all measured on 2.0.28):
- `Host._run`: the method that starts a Host's two dispatch/timer threads. We override it with a
  no-op: we never use wall-clock timers, and the threads of every Host ever made keep running.
- `Host._ruleset_directory` and `Ruleset._handle`: how to reach the C engine's handle of a
  ruleset, to delete it after use (rulesets cannot be unregistered through the public API).
- `Content._d`: the plain dict inside the wrapper an action receives for each matched fact;
  reading it spares building a wrapper per match.

What happens when another version is installed — a choice:
- If one of these internals is missing, evaluating with durable_rules fails at once, before
  any event is read, with an analyst-readable `EngineUnavailable` (exit status 2 on the
  command line) that says which version is installed, which one was measured, and that
  `--engine python` works meanwhile. Without this check the run would stop mid-stream with
  an AttributeError, or silently leave timer threads running.
- If they are all there but the version differs, a `RuntimeWarning` says so once and the
  run goes on. The dependency range (`>=2.0.28,<2.1`) admits patch releases, which keep these
  names; refusing them would stop analysts for nothing. What a version change could alter
  silently is matching semantics (the traps listed in `engine.py`), and the suite's oracle law
  (`tests/test_laws.py`, durable_rules against the plain-Python reference) is the check for
  that: the warning names it.
"""
from __future__ import annotations

import importlib.metadata
import warnings
from typing import Any, Dict, List, Optional

import durable_rules_engine  # type: ignore[import-not-found]
from durable import engine as durable_engine  # type: ignore[import-untyped]

from doha_compliance.errors import EngineUnavailable

MEASURED = "2.0.28"


# What durable_rules raises when it refuses to compile a ruleset (e.g. error 113: too many alternatives).
RulesetRefused = durable_rules_engine.error


def installed_version() -> Optional[str]:
    try:
        return importlib.metadata.version("durable_rules")
    except importlib.metadata.PackageNotFoundError:
        return None


def _missing() -> List[str]:
    """Names of the internals we use that this durable_rules lacks (checked without starting a Host)."""
    missing: List[str] = []
    if not callable(getattr(durable_engine.Host, "_run", None)):
        missing.append("Host._run")
    # attributes set in a constructor: the names its code stores
    for cls, attribute in ((durable_engine.Host, "_ruleset_directory"), (durable_engine.Ruleset, "_handle"),
                           (durable_engine.Content, "_d")):
        code = getattr(cls.__init__, "__code__", None)
        if code is None or attribute not in code.co_names:
            missing.append(f"{cls.__name__}.{attribute}")
    if not callable(getattr(durable_rules_engine, "delete_ruleset", None)):
        missing.append("durable_rules_engine.delete_ruleset")
    return missing


_checked: Dict[str, bool] = {}


def check(version: Optional[str] = None, missing: Optional[List[str]] = None) -> None:
    """Fail clearly if an internal is missing; warn once if the version is not the one measured.
    (Arguments are for tests; by default the installed package is examined.)"""
    version = installed_version() if version is None else version
    missing = _missing() if missing is None else missing
    if missing:
        raise EngineUnavailable(
            f"durable_rules {version or '(unknown version)'} is installed, but this tool relies on internals of "
            f"durable_rules {MEASURED} that it lacks ({', '.join(missing)}). Install durable_rules=={MEASURED} "
            f"(pip install 'durable_rules=={MEASURED}'), or use the same decisions in Python meanwhile "
            f"(--engine python).")
    if version != MEASURED and not _checked.get(str(version)):
        _checked[str(version)] = True
        warnings.warn(
            f"durable_rules {version} is installed; this tool was measured on {MEASURED}. Its internals are "
            f"present, but matching could differ: the test suite's oracle law (tests/test_laws.py) checks it.",
            RuntimeWarning, stacklevel=3)


class _EventTimeHost(durable_engine.Host):  # type: ignore[misc]  # durable_rules ships no types
    """A Host without the dispatch/timer threads (wall-clock machinery we do not use)."""

    def _run(self) -> None:
        return None


def new_host(definitions: Dict[str, Dict[str, Any]]) -> durable_engine.Host:
    """A thread-less Host with these rulesets ({name: definition}) registered."""
    check()
    host = _EventTimeHost()
    host.register_rulesets(definitions)
    return host


def delete_ruleset(host: durable_engine.Host, name: str) -> None:
    """Free the ruleset in the C engine (a Host cannot unregister it)."""
    ruleset = host._ruleset_directory.get(name)
    if ruleset is not None:
        durable_rules_engine.delete_ruleset(ruleset._handle)


def fact_dict(content: Any) -> Dict[str, Any]:
    """The plain dict of a matched fact, as an action receives it wrapped."""
    d: Dict[str, Any] = content._d  # durable_rules ships no types: its fact is JSON
    return d
