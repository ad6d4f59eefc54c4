"""Tests for mutants the suite let through (tools/mutate.py; tests/README.md has the figures).

Each test names, in its docstring, the one-line bug it kills; each was checked by making that
bug by hand (`python tools/mutate.py --replace MODULE OLD NEW`) and watching it fail. The
expectations are reasoned from the rules written here. Rule sets use the invented three-party
agreement of test_blind_spots.py (red, blue, green; signed 2020-01-01).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import doha_compliance as dc
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.judging.judge import Judge
from doha_compliance.api import collect
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts
from doha_compliance.rules import conditions
from doha_compliance.matching.matches import Matches
from doha_compliance.models import Event

from conftest import D, ev
from test_blind_spots import ENGINES, rule, rules, statuses


# --- judge: what an act's finding is called, which commitments are listed ----------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_an_act_breaking_a_best_effort_or_an_aim_is_missed_and_a_rule_may_name_its_status(engine):
    """judge._event_findings: `breach = rule.status if rule.status != "violation" else rule.breach`
    (negated, or `!=` flipped, an aim's act became a violation and a named status was lost)."""
    agreement = rules(
        rule("calm", "prohibited", "red", when={"type": "attack", "actor": "red"}, modality="aim", wording="seek calm"),
        rule("answer", "conditional", "blue", when={"type": "strike", "actor": "blue"}, modality="best_efforts",
             justified_by={"when": {"type": "attack"}, "within_days": 1}),
        rule("quiet", "prohibited", "green", when={"type": "note", "actor": "green"}, status="alleged"))
    rows = [ev("a", "2020-01-02", "attack", "red"), ev("s", "2020-01-05", "strike", "blue"),
            ev("n", "2020-01-06", "note", "green")]
    report = dc.evaluate(agreement, rows, engine=engine)
    assert statuses(report) == {("calm", "red", "missed", "a"), ("answer", "blue", "missed", "s"),
                                ("quiet", "green", "alleged", "n")}
    calm = next(f for f in report.findings if f.rule == "calm")
    assert "(an aim: 'seek calm'; missed, not a violation)" in calm.reason


def test_a_commitment_not_yet_in_force_on_the_report_date_is_not_triggered():
    """Every commitment owed appears in the report (SPEC-12 5.2): one taking effect after the report date
    is `not_triggered`, and says when it takes effect (before 2026-11-26 such commitments were left out);
    on its first day it is judged (a deadline counts nothing dated before it started)."""
    agreement = rules(
        rule("visas", "claimable", "red", effective_from="2020-01-10"),
        rule("later", "prohibited", "blue", when={"type": "attack", "actor": "blue"},
             starts_when={"when": {"type": "note"}}, effective_from="2020-01-10"),
        rule("deliver", "deadline", "green", due="2020-01-20", effective_from="2020-01-10",
             fulfilled_by={"when": {"type": "level", "actor": "green"}}))
    before = dc.evaluate(agreement, [ev("x", "2020-01-02", "level", "green")], as_of=D("2020-01-09"))
    assert report_units(before) == {("visas", "red", "not_triggered"), ("later", "blue", "not_triggered"),
                                    ("deliver", "green", "not_triggered")}
    for f in before.findings:
        assert f.date == D("2020-01-09") and "takes effect on 2020-01-10, after the report date 2020-01-09" in f.reason
    later = next(f for f in before.findings if f.rule == "later")
    assert "from then it starts at the first event matching its starts_when" in later.reason
    on_the_day = dc.evaluate(agreement, [ev("x", "2020-01-02", "level", "green")], as_of=D("2020-01-10"))
    assert report_units(on_the_day) == {("visas", "red", "not assessed"), ("later", "blue", "not_triggered"),
                                        ("deliver", "green", "pending")}  # x, before it started, does not count


def report_units(report: dc.Report) -> set:
    return ({(f.rule, f.party, f.status) for f in report.findings}
            | {(n.rule, n.party, "not assessed") for n in report.not_assessed})


@pytest.mark.parametrize("kind", ["prohibited", "conditional"])
def test_an_untriggered_continuing_commitment_is_not_triggered(kind):
    """judge._untriggered_and_claimable: `("prohibited", "conditional", "claimable")` with a kind
    dropped: an untriggered commitment of that kind got no finding at all."""
    extra = {"justified_by": {"when": {"type": "attack"}, "within_days": 1}} if kind == "conditional" else {}
    agreement = rules(
        rule("sign", "deadline", "red", due="2020-01-20", fulfilled_by={"when": {"type": "note", "actor": "red"}}),
        rule("after", kind, "blue", when={"type": "strike", "actor": "blue"}, starts_when={"rule": "sign"}, **extra))
    report = dc.evaluate(agreement, [ev("s", "2020-01-02", "strike", "blue")], as_of=D("2020-01-05"))
    assert [(f.rule, f.status, f.date) for f in report.findings if f.rule == "after"] == [
        ("after", "not_triggered", D("2020-01-05"))]


def test_cited_events_leave_memory_once_no_later_finding_can_cite_them():
    """judge.Judge.take: `latest = last if latest is None or last > latest else latest` (negated, the
    cited events were held to the end of the stream: memory grew with it). Sixty days of attacks, a
    justification window of 3 days: after the last day, at most the last 4 days' events are held."""
    agreement = rules(rule("no.attacks", "prohibited", "red", when={"type": "attack", "actor": "red"}),
                      rule("answer", "conditional", "blue", when={"type": "strike", "actor": "blue"},
                           justified_by={"when": {"type": "attack"}, "within_days": 3}))
    rows = [ev(f"a{i:02d}", (D("2020-01-01") + dt.timedelta(days=i)).isoformat(), "attack", "red") for i in range(60)]
    events, _, _ = collect(agreement, rows)
    judge = Judge(agreement)
    held = []

    def take(matches: dc.api.Matches) -> None:
        judge.take(matches)
        held.append(len(judge._cited._held))
    durable_matches(agreement, events, on_day=take)
    assert max(held) <= 4 and len(judge._cited.out) >= 56


@pytest.mark.parametrize("engine", ENGINES)
def test_after_every_version_ended_the_last_version_speaks(engine):
    """judge._deadlines and _untriggered_and_claimable: `versions[-1]` when no version is in force on
    the report date (`-1` shifted to `0` or `-2`, the first version spoke for a rule amended since).

    deliver: due 01-06 in its first version, then from 01-05 to 01-08 due 01-07; as of 01-10 neither is
    in force: the amendment, the last, decides (pending till 01-07, nothing delivered: a violation of
    it). after: never triggered; its last version (from 01-05 to 01-08) is the one not triggered."""
    agreement = rules(
        rule("deliver", "deadline", "red", due="2020-01-06", fulfilled_by={"when": {"type": "level", "actor": "red"}}),
        {"id": "deliver@later", "amends": "deliver", "effective_from": "2020-01-05", "effective_until": "2020-01-08",
         "due": "2020-01-07"},
        rule("after", "prohibited", "blue", when={"type": "attack", "actor": "blue"},
             starts_when={"when": {"type": "note", "actor": "green"}}),
        {"id": "after@later", "amends": "after", "effective_from": "2020-01-05", "effective_until": "2020-01-08"})
    report = dc.evaluate(agreement, [ev("x", "2020-01-02", "claim", "green")], as_of=D("2020-01-10"), engine=engine)
    assert {(f.rule, f.version, f.status, f.date) for f in report.findings} == {
        ("deliver", "deliver@later", "violation", D("2020-01-07")),
        ("after", "after@later", "not_triggered", D("2020-01-10"))}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_commitment_triggered_on_the_report_date_has_started(engine):
    """judge._untriggered_and_claimable and deadlines.decide: `start > as_of` (`>=`: a commitment
    triggered on the report date itself was called not triggered). Green's note on 01-05 starts both;
    as of 01-05: blue's attack that day is a violation, red's deadline (due 3 days after) is pending."""
    agreement = rules(
        rule("after", "prohibited", "blue", when={"type": "attack", "actor": "blue"},
             starts_when={"when": {"type": "note", "actor": "green"}}),
        rule("answer", "deadline", "red", starts_when={"when": {"type": "note", "actor": "green"}},
             due={"from": "trigger", "days": 3}, fulfilled_by={"when": {"type": "level", "actor": "red"}}))
    rows = [ev("n", "2020-01-05", "note", "green"), ev("a", "2020-01-05", "attack", "blue")]
    report = dc.evaluate(agreement, rows, as_of=D("2020-01-05"), engine=engine)
    assert {(f.rule, f.status, f.date) for f in report.findings} == {
        ("after", "violation", D("2020-01-05")), ("answer", "pending", D("2020-01-08"))}


@pytest.mark.parametrize("engine", ENGINES)
def test_between_a_version_that_ended_and_an_amendment_not_yet_in_force_the_ended_version_speaks(engine):
    """judge._deadlines reads `Agreement.version_on`: the version in force, else the latest that had
    started, else the first. (Before version_on, the mutant `versions[-1]` -> `versions[0]` in the
    fallback listed the amendment not yet in force on a day between versions; this test kept.)

    deliver: due 01-20, in force until 01-05; its amendment (due 01-25) takes effect on 01-10. As of
    01-07 no version is in force; the first had started, the amendment had not: the first speaks,
    pending till its due day 01-20 (nothing delivered yet). As of 01-12 the amendment is in force:
    pending till 01-25."""
    agreement = rules(
        rule("deliver", "deadline", "red", due="2020-01-20", effective_until="2020-01-05",
             fulfilled_by={"when": {"type": "level", "actor": "red"}}),
        {"id": "deliver@later", "amends": "deliver", "effective_from": "2020-01-10", "due": "2020-01-25"})
    rows = [ev("x", "2020-01-02", "note", "green")]
    gap = dc.evaluate(agreement, rows, as_of=D("2020-01-07"), engine=engine)
    assert [(f.version, f.status, f.date) for f in gap.findings] == [("deliver", "pending", D("2020-01-20"))]
    later = dc.evaluate(agreement, rows, as_of=D("2020-01-12"), engine=engine)
    assert [(f.version, f.status, f.date) for f in later.findings] == [("deliver@later", "pending", D("2020-01-25"))]


# --- conditions: the bounds of the numeric operators ------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_numeric_operators_at_their_bound(engine):
    """conditions._test: `value > arg` for `above` (`>=`: an event at the bound matched "above"), and
    the other three at their bound. The reference runs this code; the engine compiles the same
    operators to durable_rules' $gt/$gte/$lt/$lte, so both must agree on every row of this table.

    Four rules, one per operator, bound 4; acts with 3, 4 and 5 dead (and one with none: a missing
    number fails every comparison)."""
    ops = {"above": {"3": False, "4": False, "5": True}, "at_least": {"3": False, "4": True, "5": True},
           "below": {"3": True, "4": False, "5": False}, "at_most": {"3": True, "4": True, "5": False}}
    agreement = rules(*(rule(f"no.{op}", "prohibited", "red", covered_by={"type": "note"},
                             when={"type": "attack", "actor": "red", "fatalities": {op: 4}}) for op in ops))
    rows = [ev(f"k{n}", "2020-01-02", "attack", "red", fatalities=int(n)) for n in ("3", "4", "5")]
    rows.append(ev("none", "2020-01-02", "attack", "red"))
    found = statuses(dc.evaluate(agreement, rows, engine=engine))
    assert found == {(f"no.{op}", "red", "violation", f"k{n}") for op, table in ops.items() for n, hit in table.items() if hit}
    for op, table in ops.items():  # CSV gives the number as text: the same bound
        assert conditions.matches({"fatalities": {op: 4}}, {"fatalities": "4"}.get) is table["4"], op


# --- matching: the oracle's comparison form keeps what was found ------------------------------------

def test_the_canonical_form_the_oracle_compares_keeps_every_match_and_drops_only_empty_lists():
    """matching.Matches.canonical: `if v` (negated, the form kept only empty entries, and the
    engine-vs-reference law compared two empty dicts: it could not fail)."""
    a, b = Event(id="a", date=D("2020-01-02"), type="attack", actor="red"), Event(id="b", date=D("2020-01-01"), type="attack", actor="red")
    m = Matches()
    m.hits = {("r", "red"): [a, b], ("r", "blue"): []}
    m.justifications = {("r", "red", "a"): {"b": b}, ("r", "red", "x"): {}}
    m.justifier_counts = {("r", "red", "a"): 1}
    m.fulfils = {("d", "red", 0): [a], ("d", "red", 1): []}
    m.covered = {("d", "red"): D("2020-01-02")}
    m.triggers = {("t", "red"): [a], ("t", "blue"): []}
    u = Event(id="u", date=D("2020-01-01"), type="attack", actor="unknown")
    m.unclaimed = {("r", "red", "a"): {"u": u}, ("r", "red", "x"): {}}  # issue 24: justifiers nobody claimed
    m.unclaimed_counts = {("r", "red", "a"): 1}
    m.bearing = {("d", "red", 1): D("2020-01-01")}  # issue 24: what bears on each part of a deadline
    assert m.canonical() == {"unclaimed": {("r", "red", "a"): ["u"]}, "unclaimed_counts": {("r", "red", "a"): 1},
        "hits": {("r", "red"): ["a", "b"]}, "justifications": {("r", "red", "a"): ["b"]},
        "justifier_counts": {("r", "red", "a"): 1}, "fulfils": {("d", "red", 0): ["a"]},
        "covered": [(("d", "red"), D("2020-01-02"))], "triggers": {("t", "red"): ["a"]},
        "bearing": [(("d", "red", 1), D("2020-01-01"))]}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_amended_deadline_counts_evidence_from_its_first_version_on(engine):
    """matching.match_window: a deadline's versions all match from the first version's start (with the
    `return` for deadlines removed, the amendment counted only events from its own effective_from).

    deliver: 10 counted by 01-10; from 01-05 amended to be due 01-12. Red delivers 6 on 01-03, under the
    first version, and 4 on 01-08. As of 01-15 the amendment decides (it took effect before the first
    date lapsed, and the deadline was not met before it: issue 25, §5.15): the 6 of 01-03 count for it,
    so it is met on 01-08. (Before issue 25 the test delivered it whole on 01-03; a deadline met before
    an amendment takes effect is now settled under the first version, so the counting needs a part
    done before the amendment and the rest after.)"""
    agreement = rules(
        rule("deliver", "deadline", "red", due="2020-01-10",
             fulfilled_by={"when": {"type": "level", "actor": "red"}, "total_of": "count", "at_least": 10}),
        {"id": "deliver@later", "amends": "deliver", "effective_from": "2020-01-05", "due": "2020-01-12"})
    rows = [ev("l", "2020-01-03", "level", "red", count=6), ev("m", "2020-01-08", "level", "red", count=4)]
    report = dc.evaluate(agreement, rows, as_of=D("2020-01-15"), engine=engine)
    assert {(f.version, f.status, f.date) for f in report.findings} == {("deliver@later", "met", D("2020-01-08"))}


# --- rules: what the loader says about a rule it cannot use -------------------------------------------

def test_a_rule_without_a_basis_is_refused_and_a_bad_party_is_named_as_such():
    """rules.BASE_REQUIRES: 'basis' dropped (a rule citing no basis loaded, with an empty one), and
    rules._schema_messages: `path[-1] == "party"` (negated or flipped, a number as party got jsonschema's
    own oneOf text instead of the analyst's message)."""
    no_basis = {k: v for k, v in rule("x", "prohibited", "red", when={"type": "attack"}).items() if k != "basis"}
    with pytest.raises(dc.RuleSetError, match=r"rule 'x' has no 'basis'"):
        rules(no_basis)
    with pytest.raises(dc.RuleSetError, match=r"rules\[0\]\.party: must be a party id or a list of party ids"):
        rules(rule("y", "prohibited", 5, when={"type": "attack"}))


def _problems(files: dict) -> str:
    with pytest.raises(dc.RuleSetError) as caught:
        load_rules_from_texts(files)
    return str(caught.value)


def test_a_due_date_with_no_offset_reads_zero_days():
    """rules._offset_text: `due.get('days', 0)` (the default moved to 1 or -1: "1 days after the trigger"
    for a deadline due the day it is triggered)."""
    agreement = rules(rule("d", "deadline", "red", starts_when={"when": {"type": "note", "actor": "green"}},
                           due={"from": "trigger"}, fulfilled_by={"when": {"type": "level"}}))
    assert agreement.rules[0].due_note == "0 days after the trigger"


def test_a_bad_rule_leaves_the_others_checked():
    """rules._check_schema: a schema error on a rule as a whole (path ["rules", 0]) marks that rule only
    (`len(p) >= 2`; with `>= 3` the whole file was given up and the second rule's typo went unreported)."""
    files = agreement_texts([rule("x", "prohibited", "red", when={"type": "attack"}),
                             rule("y", "prohibited", "red", when={"type": "atack"})], SMALL)
    files["rules.yaml"] = files["rules.yaml"].replace("rules:\n- id: x", "rules:\n- just a string\n- id: x")
    text = _problems(files)
    assert "rules[0]" in text and "type 'atack' is not declared in agreement.yaml (did you mean 'attack'?)" in text


def test_an_unusable_amendment_is_reported_not_a_crash():
    """rules._versions: `if rule is None: continue` (removed, an amendment that could not be built crashed
    the loader with AttributeError instead of listing its problem)."""
    text = _problems(agreement_texts([rule("x", "prohibited", "red", when={"type": "attack"}),
                                      {"id": "x@later", "amends": "x", "effective_from": "2020-03-01",
                                       "effective_until": "2020-02-01"}], SMALL))
    assert "ends (2020-02-01) before it starts (2020-03-01)" in text


def test_a_trigger_circle_is_placed_at_its_first_rule():
    """rules._check_references: the circle's message is placed at the rule it starts from
    (`r.id == first`; flipped, it named the line of another rule)."""
    files = agreement_texts([rule("c", "prohibited", "red", when={"type": "attack"}),
                             *(rule(x, "deadline", "red", starts_when={"rule": y}, due={"from": "trigger", "days": 5},
                                    fulfilled_by={"when": {"type": "level"}}) for x, y in (("a", "b"), ("b", "a")))], SMALL)
    line_of_a = files["rules.yaml"].splitlines().index("- id: a") + 1
    assert f"rules.yaml:{line_of_a}: starts_when: triggers form a circle: a -> b -> a" in _problems(files)


def test_a_rule_file_too_big_is_refused_and_says_so(tmp_path):
    """rules._read_file: a file over the size limit is named as refused (`if exc.size`: negated, the
    message lost its "; refused" and a problem of another kind gained one)."""
    for name, text in agreement_texts([rule("x", "prohibited", "red", when={"type": "attack"})], SMALL).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024 + 10) + b"\n")
    (tmp_path / "latin.yaml").write_bytes(b"rules: []\n# caf\xe9\n")
    with pytest.raises(dc.RuleSetError) as caught:
        dc.load_rules(tmp_path)
    lines = str(caught.value).splitlines()
    assert any("big.yaml" in line and line.endswith("; refused") for line in lines), lines
    assert any("latin.yaml" in line and not line.endswith("; refused") for line in lines), lines


# --- validate: what a rejected row is told -----------------------------------------------------------

def test_rows_with_bad_words_are_rejected_with_the_right_reason():
    """validate._vocab and _nested_problem, in-process (the CLI tests of test_bad_events run in a
    subprocess, which the mutation tool's trace cannot see):
    - a short misspelling gets a hint; a value of 200 characters or more gets none (it is not a word:
      `len(str(value)) < 200`, negated, the hint moved to long values only);
    - a list where a word belongs is rejected, not a crash (`type(value) is str`, negated, looked a
      list up in a dict: TypeError);
    - an extra field nested deeper than MAX_NESTING is rejected (the depth guard removed, it passed)."""
    from doha_compliance._util.limits import MAX_NESTING
    deep: Any = "v"
    for _ in range(MAX_NESTING + 2):
        deep = [deep]
    agreement = rules(rule("x", "prohibited", "red", when={"type": "attack"}))
    rows = [dict(id="t1", date="2020-01-02", type="atack", actor="red"),
            dict(id="t2", date="2020-01-02", type="atack" * 50, actor="red"),
            dict(id="t3", date="2020-01-02", type=["attack"], actor="red"),
            dict(id="t4", date="2020-01-02", type="attack", actor=True),
            dict(id="t5", date="2020-01-02", type="attack", actor="red", extra=deep),
            dict(id="ok", date="2020-01-02", type=" attack ", actor="red")]
    report = dc.evaluate(agreement, rows)
    assert [(r.id, r.field, r.reason) for r in report.rejected] == [
        ("t1", "type", "unknown event type 'atack' (did you mean 'attack'?)"),
        ("t2", "type", "unknown event type '" + ("atack" * 50)[:55] + "...'"),
        # issue 26: a list where one word belongs says so (it read "unknown event type ['attack']")
        ("t3", "type", "type holds a list, ['attack'], where it takes one value: an event has one type (a type "
                       "in doubt: give the likelier one and list the others in type_uncertain)"),
        ("t4", "actor", "unknown party True"),
        ("t5", "extra", f"extra nests lists and mappings deeper than {MAX_NESTING} levels")]
    assert [(e.id, e.type) for e in report.events] == [("ok", "attack")]


def test_a_long_near_miss_under_200_characters_still_gets_its_hint():
    """validate._vocab: values under 200 characters are compared with the vocabulary (`< 200`; at
    `< 199` a 199-character near-miss of a long rule id lost its hint). Rule ids have no length limit."""
    long_id = "r" * 198
    agreement = rules(rule(long_id, "prohibited", "red", when={"type": "attack"}))
    rows = [dict(id="c", date="2020-01-02", type="attack", actor="red", rule=long_id[:-1] + "xy")]
    (rejected,) = dc.evaluate(agreement, rows).rejected
    assert len(long_id[:-1] + "xy") == 199 and rejected.reason.endswith(f"(did you mean '{long_id}'?)")
