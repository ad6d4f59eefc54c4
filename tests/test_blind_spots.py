"""Bugs the engine-vs-reference law cannot see (issue 17): one hand-reasoned example per class.

The durable_rules engine and the plain-Python reference share the judging, the condition
language's helpers, the loader and the date parsing; comparing them finds nothing wrong in
that code. Each test below was checked by making the bug by hand (named in its docstring)
and watching it fail, then restoring the line. The expectations are reasoned from the rule
texts written here, never read from a report.

Most rule sets are invented (`rules(...)`): three parties red, blue and green, signed
2020-01-01, so the Doha rule set can change without moving these tests. Where a test needs the
durable_rules engine's own code (pre-filter, compiled conditions, justification windows) it
runs on both engines.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import doha_compliance as dc
from doha_compliance._util import stream
from doha_compliance.api import collect
from doha_compliance.matching.durable.prefilter import prefilter
from doha_compliance.errors import RuleSetError
from doha_compliance.models import Event
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts

from conftest import AVAILABLE_ENGINES, D, ev, needs_durable

ENGINES = AVAILABLE_ENGINES


def rule(id: str, kind: str, party: Any = "red", **fields: Any) -> dict:
    return {"id": id, "party": party, "title": id.replace(".", " "), "source": "art. 1", "basis": "public_text",
            "kind": kind, **fields}


def rules(*entries: dict) -> dc.Agreement:
    return load_rules_from_texts(agreement_texts(list(entries), SMALL))


def statuses(report: dc.Report, rule_id: str | None = None) -> set:
    """(rule, party, status, first evidence) of every finding that cites an event."""
    return {(f.rule, f.party, f.status, f.evidence[0]) for f in report.findings
            if f.evidence and (rule_id is None or f.rule == rule_id)}


# --- which justifier a justified act names --------------------------------------------------------

ANSWERS = rule("strikes.answer", "conditional", "blue", when={"type": "strike", "actor": "blue"},
               justified_by={"when": {"type": "attack", "actor": "red"}, "within_days": 5})


@pytest.mark.parametrize("engine", ENGINES)
def test_a_justified_act_names_its_latest_justifier(engine):
    """Bug: the reason names the oldest kept justifier (justifiers[0]) instead of the latest.

    Strike on 01-08; red attacks on 01-03 (5 days before: the window's first day), 01-05, 01-06
    (ids y then x: the same day, so by id x < y the latest is y) and 01-07. Five justifiers: the
    latest three cited, in (date, id) order, the reason naming the very latest, a1 on 01-07."""
    rows = [ev("a5", "2020-01-03", "attack", "red"), ev("a4", "2020-01-05", "attack", "red"),
            ev("y", "2020-01-06", "attack", "red"), ev("x", "2020-01-06", "attack", "red"),
            ev("a1", "2020-01-07", "attack", "red"), ev("s", "2020-01-08", "strike", "blue")]
    f = next(f for f in dc.evaluate(rules(ANSWERS), rows, engine=engine).findings if f.evidence)
    assert f.status == "justified"
    assert f.justified_by == ("x", "y", "a1") and f.evidence == ("s", "x", "y", "a1")
    assert "answers attack by red on 2020-01-07 (a1), 1 day before" in f.reason
    assert "(5 justifying events in the window; the latest 3 cited)" in f.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_the_latest_justifier_on_one_day_is_the_last_by_id(engine):
    rows = [ev("b", "2020-01-04", "attack", "red"), ev("a", "2020-01-04", "attack", "red"),
            ev("s", "2020-01-06", "strike", "blue")]
    f = next(f for f in dc.evaluate(rules(ANSWERS), rows, engine=engine).findings if f.evidence)
    assert f.justified_by == ("a", "b") and "(b), 2 days before" in f.reason
    assert "justifying events in the window" not in f.reason  # both cited: no count to add


# --- the events a report cites: each once, in order --------------------------------------------

NO_ATTACKS = rule("no.attacks", "prohibited", "red", when={"type": "attack", "actor": "red"})


def _cited_in_order(report: dc.Report) -> None:
    ids = [e.id for e in report.events]
    assert len(ids) == len(set(ids)), ids
    assert [e.sort_key for e in report.events] == sorted(e.sort_key for e in report.events)
    cited = {i for f in report.findings for i in f.evidence} | {c.event for c in report.claims}
    assert set(ids) == cited


def test_an_event_cited_again_after_it_was_written_out_is_listed_once():
    """Bug: the cited events' reach set to 0 (`_Cited(0)`): events are written out the day after
    they are cited, and a justifier cited again days later is written a second time, out of order.

    Red's attacks on 01-02, 01-03 and 01-04 are violations (cited on their days); blue's strike on
    01-06 is justified by all three (the window is 5 days) and cites them again."""
    rows = [ev("a1", "2020-01-02", "attack", "red"), ev("a2", "2020-01-03", "attack", "red"),
            ev("a3", "2020-01-04", "attack", "red"), ev("s", "2020-01-06", "strike", "blue")]
    report = dc.evaluate(rules(NO_ATTACKS, ANSWERS), rows)
    assert [e.id for e in report.events] == ["a1", "a2", "a3", "s"]
    _cited_in_order(report)


def test_claims_deadlines_and_acts_cite_each_event_once():
    """The same class through every citing path: an act, a claim (its own event), a deadline's
    evidence (merged at the end) and a justifier, one event serving several of them."""
    agreement = rules(
        NO_ATTACKS, ANSWERS,
        rule("hand.over", "deadline", "red", due="2020-01-20",
             fulfilled_by={"when": {"type": "attack", "actor": "red"}, "total_of": "count", "at_least": 3}),
        rule("claims", "claim", ["red", "blue"], when={"type": "claim", "accused": "$party"}, lookback_days=10))
    rows = [ev("a1", "2020-01-02", "attack", "red", count=1), ev("a2", "2020-01-04", "attack", "red", count=1),
            ev("c1", "2020-01-05", "claim", "blue", accused="red"), ev("a3", "2020-01-06", "attack", "red", count=1),
            ev("s", "2020-01-09", "strike", "blue"), ev("c2", "2020-01-12", "claim", "red", accused="blue")]
    report = dc.evaluate(agreement, rows, as_of=D("2020-01-25"))
    assert [e.id for e in report.events] == ["a1", "a2", "c1", "a3", "s", "c2"]
    _cited_in_order(report)


# --- justification windows: the fields act and justifier must share ------------------------------

SAME_PLACE = rule("strikes.answer", "conditional", "blue", when={"type": "strike", "actor": "blue"},
                  justified_by={"when": {"type": "attack", "actor": "red"}, "within_days": 3,
                                "same": ["province", "sector"]})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("act, justifier, expected", [
    ({}, {}, "violation"),                                         # neither has the fields: never paired
    ({"province": "north"}, {"province": "north"}, "violation"),   # the second field missing on both
    ({"sector": "7"}, {"sector": "7"}, "violation"),               # the first missing on both
    ({"province": "north", "sector": "7"}, {"province": "north"}, "violation"),
    ({"province": "north"}, {"province": "north", "sector": "7"}, "violation"),
    ({"province": "north", "sector": "7"}, {"province": "south", "sector": "7"}, "violation"),
    ({"province": "north", "sector": ""}, {"province": "north", "sector": ""}, "violation"),  # empty = missing
    ({"province": "north", "sector": "7"}, {"province": "north", "sector": 7}, "justified"),  # compared as text
    ({"province": "north", "sector": "7"}, {"province": "north", "sector": "7"}, "justified"),
])
def test_act_and_justifier_are_paired_only_on_fields_both_have(engine, act, justifier, expected):
    """Bug: an act and a justifier that both lack the `same` field are paired (None == None)."""
    rows = [ev("a", "2020-01-02", "attack", "red", **justifier), ev("s", "2020-01-03", "strike", "blue", **act)]
    report = dc.evaluate(rules(SAME_PLACE), rows, engine=engine)
    assert statuses(report, "strikes.answer") == {("strikes.answer", "blue", expected, "s")}


# --- the pre-filter: events no condition could match are left out, and nothing else --------------

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("when", [
    {"fatalities": {"at_least": 5}},                                   # no field it could list
    {"actor": {"not": "green"}, "fatalities": {"at_least": 5}},        # `not` admits every other value
    {"actor": {"not_in": ["green"]}, "fatalities": {"above": 4}},
    {"any": [{"type": "attack"}, {"fatalities": {"at_least": 5}}]},    # one alternative narrows nothing
    {"all": [{"any": [{"type": "attack"}, {"fatalities": {"at_least": 5}}]}]},
])
def test_a_condition_that_names_no_type_or_actor_sees_every_event(engine, when):
    """Bug: an empty pre-filter guard skipped (`continue` instead of admitting every event): a rule
    whose condition lists no values to look for never sees an event of a type no other rule reads."""
    agreement = rules(rule("no.killing", "prohibited", "red", when=when),
                      rule("talks", "deadline", "blue", due="2020-01-20", fulfilled_by={"when": {"type": "level"}}))
    note = ev("n", "2020-01-03", "note", "blue", fatalities=7)
    assert prefilter(agreement)(collect(agreement, [note])[0][0])
    assert statuses(dc.evaluate(agreement, [note], engine=engine)) == {("no.killing", "red", "violation", "n")}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_any_inside_an_all_does_not_narrow_the_prefilter_to_its_first_branch(engine):
    """Bug: `_guards` narrows by the first alternative of an `any` nested in `all` (`attack` only),
    so strikes never reach durable_rules."""
    # covered_by: the default for a `when` naming no type at its top is any event, which opens the pre-filter
    agreement = rules(rule("no.force", "prohibited", "red", covered_by={"type": "note"},
                           when={"actor": "$party", "all": [{"any": [{"type": "attack"}, {"type": "strike"}]}]}))
    rows = [ev("a", "2020-01-02", "attack", "red"), ev("s", "2020-01-03", "strike", "red"),
            ev("n", "2020-01-04", "note", "red"), ev("b", "2020-01-05", "strike", "blue")]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {
        ("no.force", "red", "violation", "a"), ("no.force", "red", "violation", "s")}


@pytest.mark.parametrize("engine", ENGINES)
def test_all_inside_any_inside_all(engine):
    """Nested the other way: an attack counts in the north only, a strike anywhere, a note never."""
    when = {"actor": "red", "all": [{"any": [{"all": [{"type": "attack"}, {"province": "north"}]},
                                             {"type": "strike"}]}]}
    agreement = rules(rule("no.force", "prohibited", "red", when=when, covered_by={"type": "note"}))
    rows = [ev("a-n", "2020-01-02", "attack", "red", province="north"),
            ev("a-s", "2020-01-02", "attack", "red", province="south"),
            ev("s-s", "2020-01-03", "strike", "red", province="south"),
            ev("n-n", "2020-01-03", "note", "red", province="north")]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {
        ("no.force", "red", "violation", "a-n"), ("no.force", "red", "violation", "s-s")}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_continuing_rule_that_names_no_type_is_covered_by_any_event(engine):
    """Found by the generators (conditions without `type`): a prohibition whose `when` names no type
    once went unjudged by the engine (its condition is empty, the pre-filter kept events away).
    Issue 24: such a rule is covered only by a source recording every type of the agreement (DECISION);
    red has no heavy attack over 01-03 .. 01-05, which such a source covers; a source of notes alone
    covers nothing of it."""
    agreement = rules(rule("no.killing", "prohibited", "red", when={"actor": "$party", "fatalities": {"at_least": 5}}))
    every = dc.SourceCoverage(source="log", types=tuple(agreement.event_types), start=D("2020-01-03"),
                              end=D("2020-01-05"), declared_by="a test")
    report = dc.evaluate(agreement, [ev("n", "2020-01-03", "note", "blue")], as_of=D("2020-01-05"), engine=engine,
                         coverage=[every])
    assert [(f.rule, f.status, f.date) for f in report.findings] == [("no.killing", "complied", D("2020-01-05"))]
    assert report.not_assessed == ()
    notes = dc.SourceCoverage(source="log", types=("note",), start=D("2020-01-03"), end=D("2020-01-05"),
                              declared_by="a test")
    report = dc.evaluate(agreement, [ev("n", "2020-01-03", "note", "blue")], as_of=D("2020-01-05"), engine=engine,
                         coverage=[notes])
    assert report.findings == [] and [n.rule for n in report.not_assessed] == ["no.killing"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_condition_with_many_alternatives_compiles(engine):
    """Found by the generators: durable_rules refuses (error 113) an `any:` of 15 alternatives of two
    terms (or fewer, nested deeper) — a traceback on a valid rule set. Such a rule set is compiled with
    one durable rule per alternative; the act matching the eighth alternative is a violation, once."""
    when = {"any": [{"type": "attack", "count": i} for i in range(15)]}
    agreement = rules(rule("no.attacks", "prohibited", "red", when=when),
                      rule("answer", "conditional", "blue", when={"type": "strike", "actor": "blue"},
                           justified_by={"when": when, "within_days": 2}))
    rows = [ev("a", "2020-01-02", "attack", "red", count=7), ev("s", "2020-01-03", "strike", "blue"),
            ev("b", "2020-01-04", "attack", "red", count=15)]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {
        ("no.attacks", "red", "violation", "a"), ("answer", "blue", "justified", "s")}


@needs_durable
def test_a_condition_durable_rules_cannot_take_is_an_error_not_a_traceback():
    """2^13 alternatives: too many to split; the message says what to do (the Python decider and the
    reference engine work)."""
    pair = {"any": [{"type": "attack", "actor": "red"}, {"type": "strike", "actor": "blue"}]}
    agreement = rules(rule("x", "prohibited", "red", when={"any": [{"all": [pair] * 13}, {"type": "note", "count": 1}]}))
    rows = [ev("a", "2020-01-02", "attack", "red")]
    with pytest.raises(dc.ComplianceError, match="--engine python"):
        dc.evaluate(agreement, rows, engine="durable")
    for engine in ("python", "reference"):
        assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {("x", "red", "violation", "a")}


# --- $party, wherever it is written -------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_party_is_substituted_inside_lists(engine):
    """Bug: `$party` not substituted inside a list (`actor: [$party, green]` matched green only).

    Owed by red and blue: each owes no attack by itself or by green (its proxy, say). Green's attack
    is a violation of both; red's of red's only; nobody's attack on red counts as red's."""
    agreement = rules(rule("no.attacks", "prohibited", ["red", "blue"],
                           when={"type": "attack", "actor": ["$party", "green"], "target": {"not_in": ["$party"]}}))
    rows = [ev("r", "2020-01-02", "attack", "red", target="blue"), ev("g", "2020-01-03", "attack", "green"),
            ev("b", "2020-01-04", "attack", "blue", target="blue")]  # blue on itself: outside `not_in`
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {
        ("no.attacks", "red", "violation", "r"), ("no.attacks", "red", "violation", "g"),
        ("no.attacks", "blue", "violation", "g")}


@pytest.mark.parametrize("engine", ENGINES)
def test_party_is_substituted_in_every_condition_a_rule_states(engine):
    """The same in justifiers, fulfilments (under any:), cover and triggers: the unit's own party."""
    agreement = rules(
        rule("answer", "conditional", ["red", "blue"], when={"type": "strike", "actor": "$party"},
             justified_by={"when": {"type": "attack", "target": ["$party"]}, "within_days": 2}),
        rule("report.in", "deadline", ["red", "blue"], due="2020-01-10",
             fulfilled_by={"when": {"any": [{"type": "note", "actor": ["$party"]}]}},
             covered_by={"type": "note", "actor": ["$party"]}),
        rule("after.start", "prohibited", ["red", "blue"], when={"type": "level", "actor": "$party"},
             starts_when={"when": {"type": "claim", "accused": ["$party"]}}))
    rows = [ev("a", "2020-01-02", "attack", "green", target="red"),
            ev("s-red", "2020-01-03", "strike", "red"), ev("s-blue", "2020-01-03", "strike", "blue"),
            ev("n-blue", "2020-01-04", "note", "blue"),
            ev("c", "2020-01-05", "claim", "green", accused="blue"),
            ev("l-red", "2020-01-06", "level", "red"), ev("l-blue", "2020-01-06", "level", "blue")]
    report = dc.evaluate(agreement, rows, as_of=D("2020-01-12"), engine=engine)
    got = {(f.rule, f.party, f.status) + ((f.evidence[0],) if f.evidence else ()) for f in report.findings}
    assert got == {
        ("answer", "red", "justified", "s-red"),      # green attacked red: red's strike answers it
        ("answer", "blue", "violation", "s-blue"),    # nobody attacked blue
        ("report.in", "blue", "met", "n-blue"),       # blue's own note
        ("after.start", "blue", "violation", "l-blue"),  # started by the claim accusing blue
        ("after.start", "red", "not_triggered"),      # no claim accuses red
    }
    # no note by red; red's answer is kept by its one act, but no source declares it records strikes
    # (issue 24): listed, not complied
    assert [(n.rule, n.party) for n in report.not_assessed] == [("answer", "red"), ("report.in", "red")]


# --- not_in is every value's absence, in both back ends --------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_not_in_excludes_every_value_listed(engine):
    """Bug: `not_in` compiled for durable_rules as an OR of `$neq` (true for any value but a list of
    one). A missing field is the empty text: not in the list, so it matches."""
    agreement = rules(rule("no.attacks", "prohibited", "red",
                           when={"type": "attack", "actor": "red", "target": {"not_in": ["green", "blue"]}}))
    rows = [ev("on-green", "2020-01-02", "attack", "red", target="green"),
            ev("on-blue", "2020-01-03", "attack", "red", target="blue"),
            ev("on-red", "2020-01-04", "attack", "red", target="red"),
            ev("on-none", "2020-01-05", "attack", "red")]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {
        ("no.attacks", "red", "violation", "on-red"), ("no.attacks", "red", "violation", "on-none")}


@pytest.mark.parametrize("engine", ENGINES)
def test_not_in_on_numbers_and_a_missing_number(engine):
    """Numbers compare as numbers; any comparison on a missing number is false (conditions.py)."""
    agreement = rules(rule("no.attacks", "prohibited", "red",
                           when={"type": "attack", "actor": "red", "fatalities": {"not_in": [0, 1]}}))
    rows = [ev("f0", "2020-01-02", "attack", "red", fatalities=0), ev("f1", "2020-01-03", "attack", "red", fatalities=1),
            ev("f2", "2020-01-04", "attack", "red", fatalities=2), ev("none", "2020-01-05", "attack", "red")]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {("no.attacks", "red", "violation", "f2")}


# --- versions: one day long, and in force on their last day ---------------------------------------

def _three_versions(**first: Any) -> dc.Agreement:
    return rules(
        rule("no.attacks", "prohibited", "red", when={"type": "attack", "actor": "red"}, **first),
        {"id": "no.attacks@one-day", "amends": "no.attacks", "effective_from": "2020-01-05",
         "when": {"type": "attack", "actor": "red", "province": "north"}},
        {"id": "no.attacks@after", "amends": "no.attacks", "effective_from": "2020-01-06",
         "when": {"type": "attack", "actor": "red", "fatalities": {"at_least": 1}}})


@pytest.mark.parametrize("engine", ENGINES)
def test_an_amendment_in_force_for_one_day(engine):
    """Bug: a one-day version refused (the next amendment takes effect the day after it: `cut <
    effective_from` written `<=`). On 01-05 only attacks in the north count; on 01-06 only deadly ones."""
    agreement = _three_versions()
    one_day = agreement.versions("no.attacks")[1]
    assert (one_day.effective_from, one_day.effective_until) == (D("2020-01-05"), D("2020-01-05"))
    rows = [ev("n5", "2020-01-05", "attack", "red", province="north"), ev("s5", "2020-01-05", "attack", "red"),
            ev("n6", "2020-01-06", "attack", "red", province="north"),
            ev("k6", "2020-01-06", "attack", "red", fatalities=1)]
    found = {(f.version, f.evidence[0]) for f in dc.evaluate(agreement, rows, engine=engine).findings if f.evidence}
    assert found == {("no.attacks@one-day", "n5"), ("no.attacks@after", "k6")}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rule_in_force_for_one_day_by_its_own_dates(engine):
    """Bug: `effective_until == effective_from` refused (`<` written `<=` in the loader)."""
    agreement = rules(rule("truce.day", "prohibited", "red", when={"type": "attack", "actor": "red"},
                           effective_from="2020-01-04", effective_until="2020-01-04"))
    rows = [ev("a3", "2020-01-03", "attack", "red"), ev("a4", "2020-01-04", "attack", "red"),
            ev("a5", "2020-01-05", "attack", "red")]
    assert statuses(dc.evaluate(agreement, rows, engine=engine)) == {("truce.day", "red", "violation", "a4")}
    with pytest.raises(RuleSetError, match="ends"):
        rules(rule("truce.day", "prohibited", "red", when={"type": "attack"},
                   effective_from="2020-01-04", effective_until="2020-01-03"))


def test_a_version_is_in_force_on_its_last_day():
    """Bug: `in_force` excluding the `effective_until` day."""
    first, one_day, after = _three_versions().versions("no.attacks")
    assert first.in_force(D("2020-01-04")) and not first.in_force(D("2020-01-05"))
    assert one_day.in_force(D("2020-01-05")) and not one_day.in_force(D("2020-01-06"))
    assert [r.version for r in _three_versions().rules if r.in_force(D("2020-01-05"))] == ["no.attacks@one-day"]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_version_in_force_on_its_last_day_decides(engine):
    """What reads `in_force`: the deadline version judged on the report date, and the links of a rule
    whose version in force on a finding's date lists the finding's rule.

    deliver (red): due 01-10, amended from 01-06 to be due 01-20; red's level on 01-05 meets it. As of
    01-05 (the first version's last day) the first version decides: met on 01-05, due 01-10. quiet
    (blue) lists deliver in its first version only (until 01-05): the finding of 01-05 shows quiet,
    which blue broke on 01-02."""
    agreement = rules(
        rule("deliver", "deadline", "red", due="2020-01-10", fulfilled_by={"when": {"type": "level", "actor": "red"}}),
        {"id": "deliver@later", "amends": "deliver", "effective_from": "2020-01-06", "due": "2020-01-20"},
        rule("quiet", "prohibited", "blue", when={"type": "attack", "actor": "blue"}, linked=["deliver"]),
        {"id": "quiet@unlinked", "amends": "quiet", "effective_from": "2020-01-06", "linked": []})
    rows = [ev("b", "2020-01-02", "attack", "blue"), ev("l", "2020-01-05", "level", "red")]
    deliver = next(f for f in dc.evaluate(agreement, rows, as_of=D("2020-01-05"), engine=engine).findings
                   if f.rule == "deliver")
    assert (deliver.version, deliver.status, deliver.date, deliver.due) == ("deliver", "met", D("2020-01-05"),
                                                                           D("2020-01-10"))
    assert [(x.rule, x.party, x.status, x.since) for x in deliver.linked] == [
        ("quiet", "blue", "violation", D("2020-01-02"))]
    # issue 25 (commitment-semantics §5.15): met on 01-05, before the amendment took effect on 01-06, the
    # deadline is settled: as of 01-06 still the first version, met, due 01-10 (it was deliver@later,
    # due 01-20, when the report date's version judged the whole deadline)
    later = next(f for f in dc.evaluate(agreement, rows, as_of=D("2020-01-06"), engine=engine).findings
                 if f.rule == "deliver")
    assert (later.version, later.status, later.due) == ("deliver", "met", D("2020-01-10"))
    # not met: on 01-05 (the first version's last day) the first version's date; from 01-06 the amendment's
    unmet = rows[:1]
    dates = [(f.version, f.due) for day in ("2020-01-05", "2020-01-06")
             for f in dc.evaluate(agreement, unmet, as_of=D(day), engine=engine).findings if f.rule == "deliver"]
    assert dates == [("deliver", D("2020-01-10")), ("deliver@later", D("2020-01-20"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_allegation_names_the_version_in_force_on_its_day(engine):
    """An uncorroborated claim's `alleged` finding carries the invoked rule's version on the claim's
    day: on 01-05 the first version (its last day), on 01-06 the amendment."""
    agreement = rules(
        rule("quiet", "prohibited", "blue", when={"type": "attack", "actor": "blue"}),
        {"id": "quiet@later", "amends": "quiet", "effective_from": "2020-01-06"},
        rule("claims", "claim", "blue", when={"type": "claim", "accused": "$party"}))
    rows = [ev("c5", "2020-01-05", "claim", "red", accused="blue", rule="quiet"),
            ev("c6", "2020-01-06", "claim", "red", accused="blue", rule="quiet")]
    alleged = {f.evidence[0]: f.version for f in dc.evaluate(agreement, rows, engine=engine).findings
               if f.status == "alleged"}
    assert alleged == {"c5": "quiet", "c6": "quiet@later"}


# --- date-times keep the date they were written on -------------------------------------------------

@pytest.mark.parametrize("written, day", [
    ("2021-05-02T01:00:00+04:30", "2021-05-02"),   # 2021-05-01 20:30 in UTC
    ("2021-05-02T01:00+04:30", "2021-05-02"),
    ("2021-05-01T23:30:00-05:00", "2021-05-01"),   # 2021-05-02 04:30 in UTC
    ("2021-05-01T22:00:00Z", "2021-05-01"),
    ("2021-05-01 23:59:59-11:00", "2021-05-01"),
])
def test_a_date_time_keeps_the_date_it_was_written_on(doha, written, day):
    """Bug: date-times turned into the UTC date (`astimezone(utc).date()`)."""
    (event,), rejected, _ = collect(doha, [ev("t", written, "troop_level", "us", count=0)])
    assert rejected == [] and event.date == D(day)


def test_a_zero_troop_level_written_after_midnight_kabul_time_is_late(doha):
    """The issue's instance, reasoned from rules/doha: withdrawal.full falls due on 2021-05-01.
    US and Coalition troop levels of zero written 2021-05-02T01:00+04:30 (Kabul) are dated 2 May —
    one day late — although in UTC they fall on 1 May: the US's commitment is a violation, met late
    on 2021-05-02. (Whether the rule set has the Coalition owe its own part or count as a part the
    US owes, both zeros are given, so the US finding is the same.) Written 2021-05-01T23:30-05:00,
    they are dated 1 May (2 May in UTC): met."""
    rows = [ev("us-zero", "2021-05-02T01:00+04:30", "troop_level", "us", count=0),
            ev("co-zero", "2021-05-02T01:00+04:30", "troop_level", "coalition", count=0)]
    late = next(f for f in dc.evaluate(doha, rows, as_of=D("2021-05-03")).findings
                if f.rule == "withdrawal.full" and f.party == "us")
    assert (late.status, late.date) == ("violation", D("2021-05-01")) and "met late on 2021-05-02" in late.reason
    on_time = [{**r, "date": "2021-05-01T23:30-05:00"} for r in rows]
    met = next(f for f in dc.evaluate(doha, on_time, as_of=D("2021-05-03")).findings
               if f.rule == "withdrawal.full" and f.party == "us")
    assert (met.status, met.date) == ("met", D("2021-05-01"))


# --- the watermark holds today's events until the stream moves past today --------------------------

def _events(*spec: tuple) -> list:
    return [Event(id=i, date=D(d), type="attack", actor="red") for i, d in spec]


def test_the_watermark_never_releases_the_current_day():
    """Bug: the watermark releases events of the latest day (`<=` for `<`): with no lateness, b of
    01-02 goes out before a of the same day arrives, and a then raises OutOfOrder."""
    events = _events(("b", "2020-01-02"), ("a", "2020-01-02"), ("c", "2020-01-03"), ("d", "2020-01-03"))
    assert [e.id for e in stream.InEventTime(events, lateness_days=0)] == ["a", "b", "c", "d"]
    two_late = _events(("c", "2020-01-04"), ("a", "2020-01-02"), ("b", "2020-01-02"), ("d", "2020-01-05"))
    assert [e.id for e in stream.InEventTime(two_late, lateness_days=2)] == ["a", "b", "c", "d"]
    # c (01-04) went out when d moved the stream to 01-07; the message names the last date released
    with pytest.raises(stream.OutOfOrder, match="a dated 2020-01-02 arrived after events dated up to 2020-01-04$"):
        list(stream.InEventTime(_events(("c", "2020-01-04"), ("d", "2020-01-07"), ("a", "2020-01-02")), 2))


def test_a_stream_in_date_order_but_not_in_id_order_streams_without_sorting(doha, monkeypatch):
    from doha_compliance import api

    def no_sort(*a: Any, **k: Any) -> None:
        raise AssertionError("a stream in date order must not be sorted again")
    monkeypatch.setattr(api, "SortedEvents", no_sort)
    rows = [ev("z", "2020-10-01", "attack", "taliban", location_kind="city"),
            ev("a", "2020-10-01", "attack", "taliban", location_kind="city")]
    report = dc.evaluate(doha, rows)
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("a",), ("z",)]
