"""Issue 23, items 5-7: mapping patterns cannot hang a run; failures to write are one line; a rule set
`rules check` calls ok is one `report` can compile (and a large one works)."""
from __future__ import annotations

import errno
import io
import json
import os
import sys
import time

import pytest

import doha_compliance as dc
from doha_compliance._util import patterns, spool, stream
from doha_compliance.cli import main
from doha_compliance.errors import ComplianceError, InputFileError
from doha_compliance.intake.exports.mapping_file import load_mapping
from doha_compliance.matching.durable import deciders
from doha_compliance.testing import SMALL, agreement_texts

from conftest import ev

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACLED_SAMPLE = os.path.join(ROOT, "examples", "acled", "afghanistan_oct2020_sample.csv")


def _mapping(tmp_path, pattern: str) -> str:
    path = tmp_path / "mine.yaml"
    path.write_text("format: acled\ncolumns: {date: event_date, actor: actor1}\nactors:\n"
                    f"  - {{match: {json.dumps(pattern)}, party: unknown}}\ntypes: []\n", encoding="utf-8")
    return str(path)


# --- item 5: a mapping regex can hang the run ------------------------------------------------------

def test_a_nested_repeat_is_refused_at_load_in_well_under_a_second(tmp_path):
    path = _mapping(tmp_path, "^(a+)+$")
    start = time.monotonic()
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", path)
    assert time.monotonic() - start < 0.5
    problem = str(caught.value).splitlines()[1].strip()
    assert problem.startswith(f"{path}:4: actors[1].match: '^(a+)+$' is refused: a repeat inside a repeat")


@pytest.mark.parametrize("pattern, why", [
    ("^(a+)+$", "a repeat inside a repeat"),
    ("(a*)*b", "a repeat inside a repeat"),
    ("(x?y)*z", "a repeat inside a repeat"),
    ("(a|ab)+c", "alternatives inside a repeat"),
    ("(a|.)*c", "alternatives inside a repeat"),
    ("a*a*a*b", "more than 2 repeats"),
    (r"\s*\w*\s*x", "more than 2 repeats"),
    ("a{1001}", "a repeat count over 1,000"),
    ("a{2,5000}", "a repeat count over 1,000"),
    (r"(a)\1", "a backreference"),
    ("(?P<x>a)(?P=x)", "a backreference"),
    ("(a)?(?(1)b|c)", "a backreference"),
    ("(?=Taliban)T", "a lookahead or lookbehind"),
    ("(?<!Pro-)Government", "a negative lookahead or lookbehind"),
    ("(" * 60 + "a" + ")" * 60, "groups nested more than 50 deep"),
])
def test_patterns_outside_the_subset_are_refused(pattern, why):
    assert why in (patterns.unsafe(pattern) or "")


@pytest.mark.parametrize("pattern", [
    "^Taliban", "^Unidentified|and/or", r"^(Protesters|Rioters) \(",
    r"^(Government|Military Forces|Police Forces) of Afghanistan \(2021-\)", "^IS$|^IS-KP|^Islamic State",
    "(North|South)+ Province", r"\d{4}-\d{2}-\d{2}", "^Military.*Afghanistan.*2014", r"(?i)^al[- ]qa(ida|eda)",
    r"\s+of\s+", "[A-Z][a-z]+ Forces", "(ab)+", "a{1000}", "(a+)?b", r"^Civilians \(",
])
def test_patterns_inside_the_subset_are_accepted(pattern):
    assert patterns.unsafe(pattern) is None


def test_every_shipped_mapping_is_within_the_subset():
    for fmt in ("acled", "ucdp"):
        mapping = load_mapping(fmt)
        assert mapping.actors and all(patterns.unsafe(a.pattern.pattern) is None for a in mapping.actors)


def test_a_name_longer_than_the_bound_matches_no_pattern():
    import re
    pattern = re.compile("^a")
    assert patterns.search(pattern, "a" * patterns.MAX_MATCH_CHARS)
    assert not patterns.search(pattern, "a" * (patterns.MAX_MATCH_CHARS + 1))


def test_the_worst_pattern_of_the_subset_on_the_longest_name_is_fast():
    import re
    start = time.monotonic()
    for pattern in (".*a.*b", "a*a*b", "(?:a|b)*c", "(ab)+c"):
        assert patterns.unsafe(pattern) is None
        patterns.search(re.compile(pattern), "a" * patterns.MAX_MATCH_CHARS)
    assert time.monotonic() - start < 5


# --- item 6: tracebacks --------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", ["x{4294967296}", "(" * 5000 + "x" + ")" * 5000, "(" * 2000 + "x" + ")" * 2000])
def test_a_pattern_python_cannot_parse_is_an_error_not_a_traceback(tmp_path, capsys, pattern):
    path = _mapping(tmp_path, pattern)
    assert main(["mapping", "check", ACLED_SAMPLE, "--events-format", "acled", "--mapping", path]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error" not in err
    assert f"{path}:4: actors[1].match: " in err and "is refused" in err


def test_a_full_temporary_folder_while_sorting_is_one_line(monkeypatch):
    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(spool.Spool, "_write", full)
    agreement = load_rules_from_small()
    events = dc.testing.validated_events(agreement, [ev(f"e{i}", f"2020-01-{9 - i:02d}", "attack", "red")
                                                     for i in range(5)])
    with pytest.raises(ComplianceError) as caught:
        stream.SortedEvents(events, run_size=2)
    message = str(caught.value)
    assert "\n" not in message and "No space left on device" in message and "TMPDIR" in message


def test_a_full_temporary_folder_while_sorting_exits_2(tmp_path, monkeypatch, capsys):
    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(spool.Spool, "_write", full)
    monkeypatch.setattr(stream.SortedEvents.__init__, "__defaults__", (2,))
    rules = tmp_path / "rules"
    _write_rules(rules, [_prohibited("quiet", 0)])
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(ev(f"e{i}", f"2020-01-{9 - i:02d}", "attack", "blue")) + "\n"
                              for i in range(5)), encoding="utf-8")
    assert main(["report", "--rules", str(rules), "--events", str(events)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("doha-compliance: cannot sort the events") and "Traceback" not in err


class _FullStdout(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        pass


@pytest.mark.parametrize("argv", [
    ["rules", "list"],
    ["rules", "list", "doha"],
    ["rules", "check", "doha"],
    ["example"],
    ["mapping", "check", ACLED_SAMPLE],
    ["explain", "--rules", "doha", "--events", os.path.join(ROOT, "examples", "oct2020", "events.yaml"),
     "--as-of", "2020-10-31", "oct2020-us-strike-wardak"],
    ["report", "--rules", "doha", "--events", os.path.join(ROOT, "examples", "oct2020", "events.yaml"),
     "--as-of", "2020-10-31"],
])
def test_a_full_stdout_is_one_line_and_exit_2(monkeypatch, capsys, argv):
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", _FullStdout())
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err and "No space left on device" in err


# --- item 7: rules check compiles what report compiles --------------------------------------------

def _prohibited(id: str, at_least: int) -> dict:
    return {"id": id, "party": "blue", "title": id, "source": f"article {id}", "basis": "public_text",
            "kind": "prohibited", "when": {"type": "attack", "actor": "$party", "fatalities": {"at_least": at_least}}}


def _write_rules(folder, rules) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in agreement_texts(rules, SMALL).items():
        (folder / name).write_text(text, encoding="utf-8")


def load_rules_from_small():
    from doha_compliance.rules.loader import load_rules_from_texts
    return load_rules_from_texts(agreement_texts([_prohibited("quiet", 0)], SMALL))


def _run(argv, capsys):
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_300_distinct_rules_check_and_report_alike(tmp_path, capsys):
    """300 distinct conditions are more than one durable_rules ruleset takes (error 108), and an event with
    many fatalities fires more of them than one ruleset decides at once (error 303): both split."""
    rules = tmp_path / "rules"
    _write_rules(rules, [_prohibited(f"r{i}", i) for i in range(300)])
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(ev(f"e{i}", f"2020-01-{i + 2:02d}", "attack", "blue", fatalities=n)) + "\n"
                              for i, n in enumerate((0, 3, 150, 299, 1000))), encoding="utf-8")
    status, out, err = _run(["rules", "check", str(rules)], capsys)
    assert (status, err) == (0, "") and ": ok — generated, 300 rules" in out
    reports = {}
    for engine in ("auto", "python", "reference"):
        chosen = [] if engine == "auto" else ["--engine", engine]
        status, out, err = _run(["report", "--rules", str(rules), "--events", str(events), "--as-of", "2020-02-01",
                                 *chosen, "--format", "csv", "--table", "findings"], capsys)
        assert (status, err) == (0, "")
        reports[engine] = out
    assert reports["auto"] == reports["python"] == reports["reference"]
    assert reports["auto"].count("violation") == 1 + 4 + 151 + 300 + 300


def test_a_nesting_the_engine_refuses_fails_rules_check_as_it_fails_report(tmp_path, capsys):
    if deciders.resolve(None) != "durable":
        pytest.skip("the Python decider compiles every nesting")
    pair = {"any": [{"type": "attack", "actor": "red"}, {"type": "strike", "actor": "blue"}]}
    rule = {"id": "x", "party": "red", "title": "x", "source": "article x", "basis": "public_text",
            "kind": "prohibited",
            "when": {"any": [{"all": [pair] * 13}, {"type": "note", "count": 1}]}}
    rules = tmp_path / "rules"
    _write_rules(rules, [rule])
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(ev("a", "2020-01-02", "attack", "red")) + "\n", encoding="utf-8")
    check = _run(["rules", "check", str(rules)], capsys)
    report = _run(["report", "--rules", str(rules), "--events", str(events)], capsys)
    assert check[0] == report[0] == 2
    assert check[2] == report[2] and check[2].count("\n") == 1 and "--engine python" in check[2]
    assert check[1] == report[1] == ""


def test_rules_check_compiles_the_bundled_rule_set_in_one_ruleset():
    from doha_compliance.matching.durable.compile import compile_ruleset
    deciders.check_compiles(compile_ruleset(dc.load_rules(os.path.join(ROOT, "rules", "doha"))))
