from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Fast by default (CI); `pytest --hypothesis-profile=thorough` for long runs. The CI profile keeps no
# example database: with one, hypothesis keeps a Pareto front of every `target()` observation, which
# took a third of the laws' time, to replay a previous run's draws (a CI checkout has none; every
# counterexample found is kept as an @example on its law). Same examples, phases and assertions.
settings.register_profile("ci", max_examples=60, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")

import doha_compliance as dc

ROOT = Path(__file__).resolve().parent.parent
# Relative, as a user at the repository root types them: reports quote event files as given.
RULES = Path("rules") / "doha"
OCT2020 = Path("examples") / "oct2020" / "events.yaml"
TIMELINE = Path("examples") / "timeline_2020_2021" / "events.yaml"


# The `fast` subset (`pytest -m fast`, under a minute on 2 cores): every hand-reasoned verdict, the
# examples' expected reports, the structure and the public API, the bad rule and event files. Laws
# (hypothesis tests) are left to the whole suite. Marked here, by file, so the subset is stated once.
FAST_FILES = {
    "test_pins.py", "test_example_verdicts.py", "test_oct2020.py", "test_timeline.py", "test_claims.py",
    "test_deadlines.py", "test_commitment_semantics.py", "test_commitments.py", "test_blind_spots.py",
    "test_mutants.py", "test_second_agreement.py", "test_levels.py", "test_scores.py",
    "test_structure.py", "test_public_api.py", "test_api_cli.py", "test_bad_rules.py", "test_bad_events.py",
    "test_carveouts.py",
    "test_depends_on.py",  # issue 25
}
FAST_TESTS = {"test_bundled.py::test_example_commands_give_the_expected_reports"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            continue
        if name in FAST_FILES or f"{name}::{getattr(item, 'originalname', item.name)}" in FAST_TESTS:
            item.add_marker(pytest.mark.fast)


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def doha() -> dc.Agreement:
    return dc.load_rules(ROOT / RULES)


# The engines this Python can run: durable_rules where it imports (not on 3.13: issue 28), the Python
# decider and the reference everywhere. Laws compare every decider here with the reference.
from doha_compliance.matching.durable import deciders as _deciders

DURABLE_PROBLEM = _deciders.durable_problem()
DECIDERS = tuple(d for d in _deciders.DECIDERS if d != "durable" or DURABLE_PROBLEM is None)
AVAILABLE_ENGINES = DECIDERS + ("reference",)
needs_durable = pytest.mark.skipif(DURABLE_PROBLEM is not None,
                                   reason=f"durable_rules cannot run here: {DURABLE_PROBLEM}")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real command, in a subprocess, as a user would run it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "doha_compliance", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def run_main(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in this process (fast): cli.main with stdout and stderr captured, its return value
    the exit code. An exception escaping main is left to fail the test: main must turn every user
    mistake into a message. Use run_cli where a real process matters (signals, pipes, the interpreter)."""
    import contextlib
    import io

    from doha_compliance import cli
    out, err = io.StringIO(), io.StringIO()
    old_stdin, old_cwd = sys.stdin, os.getcwd()
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse's usage errors; as the interpreter maps sys.exit's argument
                code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
                if not isinstance(exc.code, (int, type(None))):
                    print(exc.code, file=sys.stderr)
    finally:
        sys.stdin = old_stdin
        os.chdir(old_cwd)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def by_status(report: dc.Report, party: str, status: str, rule: str | None = None) -> list:
    return [f for f in report.findings if f.party == party and f.status == status and (rule is None or f.rule == rule)]


def ev(id: str, date: str, type: str, actor: str, **kw) -> dict:
    """A raw event row, as a file would hold it."""
    return {"id": id, "date": date, "type": type, "actor": actor, **kw}


D = dt.date.fromisoformat


def assert_prefilter_hides_nothing(agreement: dc.Agreement, rows: list) -> None:
    """The pre-filter keeps from durable_rules only events no condition of any rule (for any party
    owing it) could match: a hidden event would be a silent miss."""
    from doha_compliance.rules import conditions
    from doha_compliance.api import collect
    from doha_compliance.matching.durable.prefilter import prefilter
    from doha_compliance.matching.matches import units
    events, _, _ = collect(agreement, rows)
    could_match = prefilter(agreement)
    for e in events:
        if could_match(e):
            continue
        for rule, party in units(agreement):
            for cond in rule.conditions:
                assert not conditions.matches(conditions.substitute_party(cond, party), e.get), (e, rule.version)


def assert_printed_in_order(excerpt: list, printed: list, what: str) -> None:
    """Each line of a documented excerpt appears in `printed`, in the same order ("..." stands for
    lines left out): a page that quotes the tool's output cannot drift from what the tool prints."""
    at = 0
    for line in excerpt:
        if line.strip() == "...":
            continue
        assert line in printed[at:], f"{what}: not printed (in order): {line!r}"
        at = printed.index(line, at) + 1
