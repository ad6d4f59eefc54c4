"""The deciders (issue 28): durable_rules where it imports, the same decisions in Python where it
cannot (Python 3.13). Where durable_rules' semantics are subtle, both deciders are run on a tiny
ruleset and must agree (what was measured: `matching/durable/predicates.py`)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import doha_compliance as dc
from doha_compliance.errors import EngineUnavailable
from doha_compliance.matching.durable import deciders
from doha_compliance.matching.durable.compile import CATCH_ALL, NEVER
from doha_compliance.matching.durable.predicates import compile_expression

from conftest import DECIDERS, OCT2020, RULES, ROOT, ev, needs_durable, run_main

CATCH = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": NEVER}], "tag": None}


def decided(expr: dict, facts: list, decider: str) -> list:
    """The values of `x` of the facts (dicts) that one rule of this pattern tags."""
    definition = {"r": {"all": [{"m": expr}], "cap": 100, "tag": ("h", "u")}, CATCH_ALL: CATCH}
    ask, close = deciders.decider(decider)(definition)
    try:
        facts = [dict(f, id=str(i), type="t") for i, f in enumerate(facts)]
        fired = ask(facts)
    finally:
        close()
    return sorted((f.get("x", "<absent>") for f in facts if fired.get(f["id"])), key=repr)


def every_decider(expr: dict, facts: list) -> list:
    answers = {d: decided(expr, facts, d) for d in DECIDERS}
    assert len({repr(a) for a in answers.values()}) == 1, answers
    return next(iter(answers.values()))


NUMBERS = [{}, {"x": -5}, {"x": 0}, {"x": 5}, {"x": 12}]


@pytest.mark.parametrize("op", ["$gte", "$gt", "$lte", "$lt", "$neq"])
def test_a_test_on_an_absent_field_never_holds_not_even_neq(op):
    assert "<absent>" not in every_decider({op: {"x": 5}}, NUMBERS)
    assert every_decider({"x": 5}, NUMBERS) == [5]


def test_order_tests_on_whole_numbers():
    assert every_decider({"$gte": {"x": 5}}, NUMBERS) == [12, 5]
    assert every_decider({"$gt": {"x": 5}}, NUMBERS) == [12]
    assert every_decider({"$lte": {"x": 0}}, NUMBERS) == [-5, 0]
    assert every_decider({"$lt": {"x": 0}}, NUMBERS) == [-5]
    assert every_decider({"$neq": {"x": 5}}, NUMBERS) == [-5, 0, 12]


def test_a_number_equals_a_text_constant_that_is_its_decimal_text():
    assert every_decider({"x": "5"}, NUMBERS) == [5]
    assert every_decider({"x": "-5"}, NUMBERS) == [-5]
    assert every_decider({"$neq": {"x": "5"}}, NUMBERS) == [-5, 0, 12]
    for other in ("05", "5.0", " 5", "+5", "", "abc"):
        assert every_decider({"x": other}, NUMBERS) == [], other
        assert every_decider({"$neq": {"x": other}}, NUMBERS) == [-5, 0, 12, 5], other


def test_text_fields_are_always_present_and_empty_text_is_a_value():
    texts = [{"x": ""}, {"x": "a"}, {"x": "b"}]
    assert every_decider({"$neq": {"x": ""}}, texts) == ["a", "b"]
    assert every_decider({"x": ""}, texts) == [""]
    assert every_decider({"$or": [{"x": "a"}, {"x": "b"}]}, texts) == ["a", "b"]
    assert every_decider({"$and": [{"$neq": {"x": "a"}}, {"$neq": {"x": "b"}}]}, texts) == [""]
    assert every_decider({"$ex": {"type": 1}}, texts) == ["", "a", "b"]


def test_text_against_a_number_is_never_equal_in_python():
    """durable_rules answers this inconsistently (the same fact decides differently beside other
    facts in a batch), so no rule can rely on it: the Python decider says text is never a number."""
    texts = [{"x": ""}, {"x": "5"}, {"x": "abc"}]
    assert decided({"x": 5}, texts, "python") == []
    assert decided({"$neq": {"x": 5}}, texts, "python") == ["", "5", "abc"]
    assert decided({"$gte": {"x": 5}}, texts, "python") == []


def test_tags_come_in_definition_order_each_once_and_the_catch_all_never_fires():
    definition = {"h0": {"all": [{"m": {"$or": [{"type": "t"}, {"$ex": {"type": 1}}]}}], "cap": 100, "tag": ("h", 0)},
                  "k0": {"all": [{"m": {"type": "t"}}], "cap": 100, "tag": ("k", 0)},
                  "a1": {"all": [{"m": {"type": "t"}}], "cap": 100, "tag": ("h", 1)}, CATCH_ALL: CATCH}
    for decider in DECIDERS:
        ask, close = deciders.decider(decider)(definition)
        fired = ask([{"id": "e", "type": "t"}])
        close()
        assert list(dict.fromkeys(fired["e"])) == [("h", 0), ("k", 0), ("h", 1)], decider


def test_the_python_decider_refuses_what_it_cannot_read():
    with pytest.raises(ValueError):
        compile_expression({"$mt": {"x": "a.*"}})


def test_engines_are_named_and_resolved():
    assert deciders.resolve(None) == ("durable" if "durable" in DECIDERS else "python")
    assert deciders.resolve("python") == "python" and deciders.resolve("reference") == "reference"
    with pytest.raises(ValueError, match="unknown engine"):
        dc.evaluate(dc.load_rules(ROOT / RULES), [], engine="drools")


@pytest.mark.parametrize("engine", [None, *DECIDERS, "reference"])
def test_the_report_says_which_engine_ran_outside_its_bytes(doha, engine):
    rows = [ev("s", "2020-07-11", "airstrike", "us", target="taliban", province="Wardak")]
    report = dc.evaluate(doha, rows, engine=engine)
    assert report.inputs.engine == deciders.resolve(engine)
    assert "engine" not in report.inputs.to_dict()
    assert report == dc.evaluate(doha, rows, engine="reference")


def test_version_says_which_decider_runs_here():
    result = run_main("--version")
    assert result.returncode == 0
    first, second = result.stdout.splitlines()
    assert first == f"doha-compliance {dc.__version__}"
    assert ("durable_rules 2.0.28" if "durable" in DECIDERS else "the Python decider is used") in second


@needs_durable
def test_the_python_decider_gives_the_bundled_example_byte_for_byte():
    args = ("report", "--rules", str(RULES), "--events", str(OCT2020), "--as-of", "2020-10-31")
    assert run_main(*args, "--engine", "python").stdout == run_main(*args, "--engine", "durable").stdout


# Python 3.13 on 3.11: durable_rules' modules made unimportable before anything is imported.
BLOCK = textwrap.dedent("""
    import sys
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("durable", "durable_rules_engine"):
                raise ImportError("undefined symbol: PyEval_CallObject (blocked by the test)")
    sys.meta_path.insert(0, Block())
    sys.argv[0] = "doha-compliance"
    from doha_compliance.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def run_without_durable(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_without_durable_rules_the_python_decider_gives_the_expected_report():
    args = ("report", "--rules", str(RULES), "--events", str(OCT2020), "--as-of", "2020-10-31")
    default = run_without_durable(*args)
    assert default.returncode == 0, default.stderr
    assert default.stdout == (ROOT / "examples" / "oct2020" / "expected.txt").read_text(encoding="utf-8")
    assert run_without_durable(*args, "--engine", "reference").stdout == default.stdout
    version = run_without_durable("--version")
    assert "durable_rules does not import" in version.stdout and "the Python decider is used" in version.stdout
    asked = run_without_durable(*args, "--engine", "durable")
    assert asked.returncode == 2 and asked.stdout == ""
    assert len(asked.stderr.strip().splitlines()) == 1 and "--engine python" in asked.stderr, asked.stderr
    assert "Traceback" not in asked.stderr


def test_without_durable_rules_the_package_imports_and_the_default_is_python():
    code = BLOCK.split("sys.argv[0]")[0] + textwrap.dedent("""
        import doha_compliance as dc
        from doha_compliance.matching.durable import deciders
        assert deciders.resolve(None) == "python"
        assert not any(m.split(".")[0] in ("durable", "durable_rules_engine") for m in sys.modules)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout == "ok\n", result.stderr


def test_asking_for_durable_where_it_cannot_run_is_engine_unavailable(monkeypatch):
    monkeypatch.setattr(deciders, "_durable_problem", ["durable_rules does not import on Python 3.13 (x)"])
    with pytest.raises(EngineUnavailable, match="--engine python"):
        deciders.resolve("durable")
    assert deciders.resolve(None) == "python"
