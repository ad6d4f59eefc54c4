"""Commitments as the agreement states them (issue 12): expectations reasoned by hand from
docs/commitment-semantics.md, written as literals, one test (at least) per semantic point.

Each test runs twice: on the pipeline's report (`doha_compliance.evaluate`, projected by
`pipeline_conclusions`) and on the independent reference judge (`reference_conclusions`), and
fails if either disagrees with the hand-reasoned expectation. `pytest -k reference` runs the
reference half alone.

Every agreement here is the invented SMALL one (parties red, blue, green; types attack, strike,
level, claim, note), signed on 2020-01-01, so a rule is in force from 2020-01-01 unless it says
otherwise. Dates below are in January 2020: "01-05" is 2020-01-05.
"""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

import pytest

import doha_compliance as dc
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events

from conftest import ev


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def agree(*rules: dict, signatories: Optional[List[str]] = None, monitors: Optional[List[str]] = None) -> dc.Agreement:
    return load_rules_from_texts(agreement_texts(list(rules), SMALL, signatories=signatories, monitors=monitors))


def rule(id: str, party, kind: str, **fields) -> dict:
    return {"id": id, "party": party, "title": id.replace(".", " "), "source": f"article on {id}",
            "basis": "public_text", "kind": kind, **fields}


def judge(who: str, agreement: dc.Agreement, rows: List[dict], as_of: str, coverage: tuple = ()) -> dict:
    events = validated_events(agreement, rows)
    day = dt.date.fromisoformat(as_of)
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=day, coverage=coverage))
    return reference_conclusions(agreement, events, day, coverage)


def covering(types: tuple, start: str, end: str) -> tuple:
    """Issue 24: a source declaring it records these types systematically from start to end."""
    return (dc.SourceCoverage(source="src", types=types, start=dt.date.fromisoformat(start),
                              end=dt.date.fromisoformat(end), declared_by="a test"),)


def report(agreement: dc.Agreement, rows: List[dict], as_of: str) -> dc.Report:
    """The pipeline's own report, for what only it says (reasons)."""
    return dc.evaluate(agreement, validated_events(agreement, rows), as_of=dt.date.fromisoformat(as_of))


def D(day: str) -> str:
    """A January 2020 day: D("01-05") == "2020-01-05"."""
    return f"2020-{day}"


def found(c: dict, rule_id: Optional[str] = None) -> list:
    """(rule, party, status, date, evidence, due) of each finding, in a stable order."""
    rows = [(f["rule"], f["party"], f["status"], f["date"], tuple(f["evidence"]), f["due"])
            for f in c["findings"] if rule_id in (None, f["rule"])]
    return sorted(rows, key=str)


def one(c: dict, rule_id: str, party: str, status: Optional[str] = None) -> dict:
    hits = [f for f in c["findings"] if f["rule"] == rule_id and f["party"] == party
            and status in (None, f["status"])]
    assert len(hits) == 1, hits
    return hits[0]


def claim_of(c: dict, event: str) -> dict:
    hits = [x for x in c["claims"] if x["event"] == event]
    assert len(hits) == 1, c["claims"]
    return hits[0]


LEVEL = {"when": {"type": "level", "actor": "$party"}}
CLAIMS = rule("claims", ["red", "blue", "green"], "claim", when={"type": "claim", "accused": "$party"},
              lookback_days=30)


# --- modality ------------------------------------------------------------------

@pytest.mark.parametrize("modality", ["aim", "best_efforts"])
def test_an_aim_or_best_effort_unmet_is_missed_never_a_violation(who, modality):
    a = agree(rule("sanctions", "blue", "deadline", due=D("01-10"), fulfilled_by=LEVEL, modality=modality,
                   wording="with the aim of"))
    rows = [ev("n1", D("01-02"), "note", "red")]
    # as of 01-15 the deadline (01-10) has passed with no level by blue: missed, dated the deadline
    assert found(judge(who, a, rows, D("01-15"))) == [("sanctions", "blue", "missed", D("01-10"), (), D("01-10"))]
    # as of the deadline day itself it is still pending
    assert found(judge(who, a, rows, D("01-10"))) == [("sanctions", "blue", "pending", D("01-10"), (), D("01-10"))]


def test_an_aim_met_late_is_missed_with_its_date_and_an_obligation_met_late_is_a_violation(who):
    a = agree(rule("aim", "blue", "deadline", due=D("01-10"), fulfilled_by=LEVEL, modality="aim"),
              rule("duty", "blue", "deadline", due=D("01-10"), fulfilled_by=LEVEL))
    rows = [ev("late", D("01-12"), "level", "blue")]
    assert found(judge(who, a, rows, D("01-15"))) == [
        ("aim", "blue", "missed", D("01-10"), ("late",), D("01-10")),
        ("duty", "blue", "violation", D("01-10"), ("late",), D("01-10")),
    ]
    if who == "pipeline":
        reasons = {f.rule: f.reason for f in report(a, rows, D("01-15")).findings}
        assert "met late on 2020-01-12" in reasons["aim"] and "not a violation" in reasons["aim"]


def test_a_commitment_judged_as_a_whole_keeps_one_id_across_report_dates(who):
    a = agree(TALKS, RELEASE, rule("promise", "blue", "deadline", fulfilled_by=LEVEL))
    ids = {}
    for as_of, rows in ((D("01-03"), []), (D("01-07"), [ev("n", D("01-06"), "note", "red")])):
        c = judge(who, a, rows + [ev("x", D("01-02"), "note", "green")], as_of)
        ids[as_of] = sorted((f["id"], f["status"]) for f in c["findings"])
    assert ids == {
        D("01-03"): [("promise/blue/undated", "pending"), ("release/blue/not-triggered", "not_triggered"),
                     ("talks/red/2020-01-05", "pending")],
        D("01-07"): [("promise/blue/undated", "pending"), ("release/blue/2020-01-09", "pending"),
                     ("talks/red/2020-01-05", "violation")],
    }


def test_an_aim_met_on_the_day_is_met(who):
    a = agree(rule("aim", "blue", "deadline", due=D("01-10"), fulfilled_by=LEVEL, modality="aim"))
    rows = [ev("l", D("01-10"), "level", "blue")]
    assert found(judge(who, a, rows, D("01-15"))) == [("aim", "blue", "met", D("01-10"), ("l",), D("01-10"))]


def test_a_prohibited_act_under_an_aim_is_missed(who):
    a = agree(rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"}, modality="aim"))
    rows = [ev("a1", D("01-03"), "attack", "blue")]
    assert found(judge(who, a, rows, D("01-05"))) == [("quiet", "blue", "missed", D("01-03"), ("a1",), None)]


# --- triggers --------------------------------------------------------------------

TALKS = rule("talks", "red", "deadline", due=D("01-05"), fulfilled_by={"when": {"type": "note", "actor": "$party"}})
RELEASE = rule("release", "blue", "deadline", starts_when={"rule": "talks"}, due={"from": "trigger", "days": 3},
               fulfilled_by=LEVEL)


def test_a_commitment_before_its_trigger_is_not_triggered_and_nothing_else(who):
    a = agree(TALKS, RELEASE)
    rows = [ev("l0", D("01-04"), "level", "blue")]  # a release before talks: it does not count
    assert found(judge(who, a, rows, D("01-08"))) == [
        ("release", "blue", "not_triggered", D("01-08"), (), None),   # one finding, dated the report date
        ("talks", "red", "violation", D("01-05"), (), D("01-05")),
    ]
    assert judge(who, a, rows, D("01-08"))["not_assessed"] == []


def test_a_deadline_counted_from_a_rule_trigger_met_late(who):
    # talks fulfilled late on 01-06 still triggers release: due 01-06 + 3 days = 01-09
    a = agree(TALKS, RELEASE)
    rows = [ev("l0", D("01-04"), "level", "blue"), ev("n", D("01-06"), "note", "red")]
    assert found(judge(who, a, rows, D("01-08"))) == [
        ("release", "blue", "pending", D("01-09"), (), D("01-09")),
        ("talks", "red", "violation", D("01-05"), ("n",), D("01-05")),
    ]
    # the release of 01-04, before the trigger, never counts: unmet by 01-09
    assert ("release", "blue", "violation", D("01-09"), (), D("01-09")) in found(judge(who, a, rows, D("01-12")))
    # a release on the deadline day meets it
    late = rows + [ev("l1", D("01-09"), "level", "blue")]
    assert ("release", "blue", "met", D("01-09"), ("l1",), D("01-09")) in found(judge(who, a, late, D("01-12")))


def test_an_event_trigger_starts_a_prohibition_and_earlier_acts_give_nothing(who):
    a = agree(rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"},
                   starts_when={"when": {"type": "note", "actor": "green"}}))
    rows = [ev("a1", D("01-02"), "attack", "blue"), ev("n", D("01-04"), "note", "green"),
            ev("a2", D("01-06"), "attack", "blue")]
    assert found(judge(who, a, rows, D("01-08"))) == [("quiet", "blue", "violation", D("01-06"), ("a2",), None)]
    # with no note, never triggered: one not_triggered finding, not even the attacks
    quiet = [r for r in rows if r["id"] != "n"]
    assert found(judge(who, a, quiet, D("01-08"))) == [("quiet", "blue", "not_triggered", D("01-08"), (), None)]


def test_a_trigger_event_before_the_rule_is_in_force_does_not_start_it(who):
    a = agree(rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"}, effective_from=D("01-05"),
                   starts_when={"when": {"type": "note", "actor": "green"}}))
    # the note of 01-03 precedes the rule; the one of 01-06 starts it: the attack of 01-05 is before it
    rows = [ev("n1", D("01-03"), "note", "green"), ev("a1", D("01-05"), "attack", "blue"),
            ev("n2", D("01-06"), "note", "green"), ev("a2", D("01-07"), "attack", "blue")]
    assert found(judge(who, a, rows, D("01-08"))) == [("quiet", "blue", "violation", D("01-07"), ("a2",), None)]


@pytest.mark.parametrize("kind", ["prohibited", "deadline", "claimable"])
def test_a_commitment_whose_trigger_cannot_be_assessed_is_not_assessed(who, kind):
    # talks has a covered_by nothing matches and its day (01-05) has passed: not assessed. Whether what
    # starts with it started cannot be told: not assessed too, not not_triggered (SPEC addendum 4).
    fields = {"prohibited": {"when": {"type": "attack"}}, "deadline": {"due": D("01-09"), "fulfilled_by": LEVEL},
              "claimable": {}}[kind]
    talks = dict(TALKS, covered_by={"type": "strike"})
    a = agree(talks, rule("after", "blue", kind, starts_when={"rule": "talks"}, **fields))
    c = judge(who, a, [ev("x", D("01-02"), "attack", "red")], D("01-07"))
    assert found(c) == [] and sorted(n["rule"] for n in c["not_assessed"]) == ["after", "talks"]
    # while talks is pending (as of its day), what starts with it is simply not triggered
    c = judge(who, a, [ev("x", D("01-02"), "attack", "red")], D("01-05"))
    assert ("after", "blue", "not_triggered", D("01-05"), (), None) in found(c)


@pytest.mark.parametrize("kind", ["prohibited", "deadline", "claimable"])
def test_a_commitment_not_yet_in_force_on_the_report_date_is_not_triggered(who, kind):
    # SPEC 5.2: with no starts_when, T is the rule's effective_from; T after the report date -> one
    # not_triggered finding, dated the report date ("every commitment owed appears as a finding").
    fields = {"prohibited": {"when": {"type": "attack"}}, "deadline": {"due": D("01-09"), "fulfilled_by": LEVEL},
              "claimable": {}}[kind]
    a = agree(rule("later", "red", kind, effective_from=D("01-05"), **fields))
    c = judge(who, a, [ev("x", D("01-02"), "attack", "red")], D("01-03"))
    assert found(c) == [("later", "red", "not_triggered", D("01-03"), (), None)] and c["not_assessed"] == []


def test_a_fixed_date_before_the_trigger_becomes_the_trigger_day(who):
    a = agree(rule("hand", "blue", "deadline", due=D("01-03"), starts_when={"when": {"type": "note"}},
                   fulfilled_by=LEVEL))
    rows = [ev("n", D("01-05"), "note", "red")]
    # the text's date (01-03) passed before the commitment started (01-05): the deadline day is 01-05
    assert found(judge(who, a, rows, D("01-05"))) == [("hand", "blue", "pending", D("01-05"), (), D("01-05"))]
    assert found(judge(who, a, rows, D("01-06"))) == [("hand", "blue", "violation", D("01-05"), (), D("01-05"))]
    met = rows + [ev("l", D("01-05"), "level", "blue")]
    assert found(judge(who, a, met, D("01-06"))) == [("hand", "blue", "met", D("01-05"), ("l",), D("01-05"))]


def test_only_what_the_input_says_after_a_deadline_started_can_assess_it(who):
    # release starts when talks are met (01-02) and is due 3 days later (01-05); its covered_by is any
    # level event. A level event before the start (01-01, red's) says nothing about whether blue released
    # after it: as of 01-08 release is not assessed (missing data is not a miss). One level event after
    # the start (01-03, green's) shows the input speaks for that time: then the miss is a violation.
    release = dict(RELEASE, covered_by={"type": "level"})
    a = agree(TALKS, release)
    rows = [ev("l", D("01-01"), "level", "red"), ev("t", D("01-02"), "note", "red")]
    c = judge(who, a, rows, D("01-08"))
    assert ("talks", "red", "met", D("01-02"), ("t",), D("01-05")) in found(c)
    assert [f for f in found(c) if f[0] == "release"] == []
    assert c["not_assessed"] == [{"rule": "release", "version": "release", "party": "blue"}]
    after = rows + [ev("g", D("01-03"), "level", "green")]
    assert ("release", "blue", "violation", D("01-05"), (), D("01-05")) in found(judge(who, a, after, D("01-08")))
    if who == "pipeline":
        why = report(a, rows, D("01-08")).not_assessed[0].reason
        assert "nothing matches its covered_by on or after 2020-01-02, when it started" in why


def test_a_commitment_not_assessed_as_a_whole_reads_not_triggered_before_it_started(who):
    # release (as above: no event after its start bears on it) is not assessed; beside an act of 01-01,
    # before release started (01-02), the link says not_triggered, a fact; beside one of 01-06, not_assessed
    release = dict(RELEASE, covered_by={"type": "level"})
    quiet = dict(QUIET, linked=["release"])
    rows = [ev("a1", D("01-01"), "attack", "blue"), ev("l", D("01-01"), "level", "red"),
            ev("t", D("01-02"), "note", "red"), ev("a2", D("01-06"), "attack", "blue")]
    c = judge(who, agree(TALKS, release, quiet), rows, D("01-08"))
    by_act = {f["evidence"][0]: f["linked"] for f in c["findings"] if f["rule"] == "quiet"}
    assert by_act == {"a1": [{"rule": "release", "party": "blue", "status": "not_triggered", "since": None}],
                      "a2": [{"rule": "release", "party": "blue", "status": "not_assessed", "since": None}]}


# --- ceilings and parts ----------------------------------------------------------

RELEASES = [ev("r1", D("01-03"), "level", "red", count=5), ev("r2", D("01-08"), "level", "red", count=50),
            ev("r3", D("01-12"), "level", "red", count=60)]


def test_a_ceiling_is_not_a_minimum_and_keeps_counting(who):
    a = agree(rule("release", "red", "deadline", due=D("01-10"),
                   fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count", "up_to": 100}))
    # "up to 100": some released (5 on 01-03) meets it; every release counted is evidence, later ones too
    assert found(judge(who, a, RELEASES, D("01-15"))) == [
        ("release", "red", "met", D("01-03"), ("r1", "r2", "r3"), D("01-10"))]


def test_a_ceiling_cites_its_events_until_the_ceiling_then_counts_the_rest(who):
    # SPEC 5.3: 5 + 5 reaches the ceiling of 10 (r0, r1 cited); the third 5 is counted (15 of up to 10,
    # the reason says one event past the ceiling) but not cited: memory follows the rule, not the stream
    a = agree(rule("release", "red", "deadline", due=D("01-10"),
                   fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count", "up_to": 10}))
    rows = [ev(f"r{i}", D(f"01-0{3 + 2 * i}"), "level", "red", count=5) for i in range(3)]
    assert found(judge(who, a, rows, D("01-12"))) == [
        ("release", "red", "met", D("01-03"), ("r0", "r1"), D("01-10"))]
    if who == "pipeline":
        reason = next(f.reason for f in report(a, rows, D("01-12")).findings if f.rule == "release")
        assert "15 of up to 10" in reason and "1 event past the ceiling counted, not cited" in reason


def test_a_ceiling_with_a_required_total(who):
    a = agree(rule("release", "red", "deadline", due=D("01-10"),
                   fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count",
                                 "at_least": 50, "up_to": 100}))
    # 5, then 55 on 01-08: met on 01-08
    assert found(judge(who, a, RELEASES, D("01-15"))) == [
        ("release", "red", "met", D("01-08"), ("r1", "r2", "r3"), D("01-10"))]


def test_a_total_without_ceiling_cites_up_to_completion(who):
    a = agree(rule("release", "red", "deadline", due=D("01-10"),
                   fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count", "at_least": 50}))
    assert found(judge(who, a, RELEASES, D("01-15"))) == [
        ("release", "red", "met", D("01-08"), ("r1", "r2"), D("01-10"))]


def test_a_total_is_met_by_the_event_that_reaches_it_exactly(who):
    a = agree(rule("release", "red", "deadline", due=D("01-10"),
                   fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count", "at_least": 10}))
    rows = [ev("r1", D("01-03"), "level", "red", count=9), ev("r2", D("01-04"), "level", "red", count=1),
            ev("r3", D("01-05"), "level", "red", count=4)]
    assert found(judge(who, a, rows, D("01-12"))) == [("release", "red", "met", D("01-04"), ("r1", "r2"), D("01-10"))]


PARTS = rule("handover", "red", "deadline", due=D("01-10"),
             fulfilled_by=[{"when": {"type": "level", "actor": "$party"}, "label": "troops"},
                           {"when": {"type": "note", "actor": "$party"}, "label": "statement"}])


def test_parts_are_met_when_all_are_on_the_latest_parts_date(who):
    a = agree(PARTS)
    rows = [ev("n", D("01-04"), "note", "red"), ev("l", D("01-07"), "level", "red")]
    assert found(judge(who, a, rows, D("01-12"))) == [("handover", "red", "met", D("01-07"), ("n", "l"), D("01-10"))]


def test_one_part_missing_is_unmet(who):
    a = agree(PARTS)
    rows = [ev("n", D("01-04"), "note", "red")]
    # issue 24 (addendum 5 of §5.3): no level event of red at all bears on "troops", and the statement was
    # on time: not a violation on the strength of a part nothing bears on -- not assessed (it was a violation)
    c = judge(who, a, rows, D("01-12"))
    assert found(c) == [] and c["not_assessed"] == [{"rule": "handover", "version": "handover", "party": "red"}]
    late = rows + [ev("l", D("01-11"), "level", "red")]
    assert found(judge(who, a, late, D("01-12"))) == [
        ("handover", "red", "violation", D("01-10"), ("n", "l"), D("01-10"))]


# --- undertakings without a date, claimable commitments ------------------------------

def test_an_undertaking_without_a_date_is_pending_or_met_never_a_violation(who):
    a = agree(rule("promise", "blue", "deadline", fulfilled_by=LEVEL))
    rows = [ev("n", D("01-02"), "note", "red")]
    # long after every event: still pending, dated the report date, no due date
    assert found(judge(who, a, rows, "2020-06-30")) == [("promise", "blue", "pending", "2020-06-30", (), None)]
    done = rows + [ev("l", D("01-06"), "level", "blue")]
    assert found(judge(who, a, done, "2020-06-30")) == [("promise", "blue", "met", D("01-06"), ("l",), None)]


def test_a_claimable_commitment_is_not_assessed_and_claims_naming_it_are_uncorroborated(who):
    a = agree(rule("visas", "red", "claimable"), CLAIMS)
    rows = [ev("c", D("01-05"), "claim", "blue", accused="red", rule="visas")]
    c = judge(who, a, rows, D("01-08"))
    assert c["not_assessed"] == [{"rule": "visas", "version": "visas", "party": "red"}]
    assert claim_of(c, "c")["assessment"] == "uncorroborated" and claim_of(c, "c")["findings"] == []
    assert found(c) == [("visas", "red", "alleged", D("01-05"), ("c",), None)]
    if who == "pipeline":
        reason = next(n.reason for n in report(a, rows, D("01-08")).not_assessed if n.rule == "visas")
        assert "judged through claims only" in reason and "(1 claim" in reason


def test_a_claimable_commitment_with_an_unmet_trigger_is_not_triggered(who):
    a = agree(TALKS, rule("visas", "red", "claimable", starts_when={"rule": "talks"}))
    c = judge(who, a, [ev("x", D("01-02"), "note", "blue")], D("01-08"))
    assert ("visas", "red", "not_triggered", D("01-08"), (), None) in found(c)
    assert c["not_assessed"] == []


# --- performed by, signatories ---------------------------------------------------------

def test_a_commitment_performed_by_a_non_signatory(who):
    a = agree(rule("release", "blue", "deadline", due=D("01-10"), performed_by="green",
                   fulfilled_by={"when": {"type": "level", "actor": "green"}}),
              signatories=["red", "blue"])
    rows = [ev("g", D("01-04"), "level", "green")]
    f = one(judge(who, a, rows, D("01-12")), "release", "blue")
    assert (f["status"], f["evidence"], f["performed_by"]) == ("met", ["g"], ["green"])
    if who == "pipeline":
        reason = report(a, rows, D("01-12")).findings[0].reason
        assert "performed by green (not a signatory)" in reason.lower()


# --- links and who defaulted first ---------------------------------------------------

LINKED = [TALKS, rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"}, linked=["talks"])]
LINKED_ROWS = [ev("a1", D("01-03"), "attack", "blue"), ev("n", D("01-07"), "note", "red"),
               ev("a2", D("01-09"), "attack", "blue")]


def test_links_are_symmetric_and_give_the_status_on_the_findings_date(who):
    c = judge(who, agree(*LINKED), LINKED_ROWS, D("01-10"))
    # talks (due 01-05) was met late on 01-07; quiet lists talks, so talks' finding lists quiet too
    talks = one(c, "talks", "red")
    assert (talks["status"], talks["date"], talks["evidence"]) == ("violation", D("01-05"), ["n"])
    # on 01-05 blue's first violation of quiet (01-03) had happened
    assert talks["linked"] == [{"rule": "quiet", "party": "blue", "status": "violation", "since": D("01-03")}]
    by_act = {f["evidence"][0]: f["linked"] for f in c["findings"] if f["rule"] == "quiet"}
    # on 01-03 talks was pending (since it started, at signature); on 01-09 in default since 01-05,
    # even though met late on 01-07
    assert by_act == {
        "a1": [{"rule": "talks", "party": "red", "status": "pending", "since": D("01-01")}],
        "a2": [{"rule": "talks", "party": "red", "status": "violation", "since": D("01-05")}],
    }


def test_a_default_on_a_deadline_day_shows_the_deadline_due_that_day_as_missed(who):
    # SPEC addendum 1: links are told at the end of the finding's day: blue's attack on 01-05, the day
    # talks fell due unmet, shows talks in default since 01-05 (no longer "pending")
    rows = [ev("a", D("01-05"), "attack", "blue")]
    c = judge(who, agree(*LINKED), rows, D("01-10"))
    assert one(c, "quiet", "blue", "violation")["linked"] == [
        {"rule": "talks", "party": "red", "status": "violation", "since": D("01-05")}]


def test_a_linked_deadline_reads_met_only_from_the_day_it_was_met(who):
    rows = [ev("a1", D("01-03"), "attack", "blue"), ev("n", D("01-04"), "note", "red"),
            ev("a2", D("01-06"), "attack", "blue")]
    c = judge(who, agree(*LINKED), rows, D("01-10"))
    by_act = {f["evidence"][0]: f["linked"] for f in c["findings"] if f["rule"] == "quiet"}
    assert by_act == {
        "a1": [{"rule": "talks", "party": "red", "status": "pending", "since": D("01-01")}],
        "a2": [{"rule": "talks", "party": "red", "status": "met", "since": D("01-04")}],
    }


def test_a_linked_status_is_never_read_past_the_report_date(who):
    # DECISION (reference_judge): withdraw's pending finding is dated 01-08, after the report date
    # (01-02); talks' own finding says pending as of 01-02 (its deadline day), so the link says so too,
    # not "violation since 01-02", which the input cannot show yet.
    a = agree(rule("talks", "red", "deadline", due=D("01-02"), fulfilled_by=LEVEL, linked=["withdraw"]),
              rule("withdraw", "blue", "deadline", due=D("01-08"), fulfilled_by=LEVEL))
    c = judge(who, a, [ev("x", D("01-01"), "note", "green")], D("01-02"))
    assert one(c, "talks", "red")["status"] == "pending"
    assert one(c, "withdraw", "blue")["linked"] == [
        {"rule": "talks", "party": "red", "status": "pending", "since": D("01-01")}]


def test_which_links_hold_is_read_in_the_rule_set_on_the_findings_date(who):
    # quiet's amendment links it to withdraw from 01-05; withdraw's pending finding is dated 01-08, so it
    # lists quiet, though the report is as of 01-03 (quiet's status is read as of then: nothing covers it)
    a = agree(rule("withdraw", "red", "deadline", due=D("01-08"), fulfilled_by=LEVEL), QUIET,
              {"id": "quiet@v2", "amends": "quiet", "effective_from": D("01-05"), "linked": ["withdraw"]})
    c = judge(who, a, [ev("x", D("01-02"), "note", "green")], D("01-03"))
    assert one(c, "withdraw", "red")["linked"] == [{"rule": "quiet", "party": "blue", "status": "not_assessed",
                                                    "since": None}]
    assert c["not_assessed"] == [{"rule": "quiet", "version": "quiet", "party": "blue"}]


def test_a_linked_commitment_triggered_but_not_yet_in_force_is_not_triggered_that_day(who):
    # DECISION (reference_judge): a commitment starts on the later of its trigger and its first day in force
    a = agree(rule("d", "red", "deadline", due=D("01-12"), fulfilled_by=LEVEL, linked=["p"]),
              rule("p", "red", "prohibited", when={"type": "attack"}, starts_when={"rule": "d"},
                   effective_from=D("01-05")))
    rows = [ev("l", D("01-01"), "level", "red"), ev("a", D("01-06"), "attack", "blue")]
    c = judge(who, a, rows, D("01-06"))
    assert one(c, "d", "red")["linked"] == [{"rule": "p", "party": "red", "status": "not_triggered", "since": None}]
    assert one(c, "p", "red")["linked"] == [{"rule": "d", "party": "red", "status": "met", "since": D("01-01")}]


def test_a_linked_continuing_commitment_kept_shows_complied_since_the_period_began(who):
    a = agree(TALKS, rule("calm", "green", "prohibited", when={"type": "strike", "actor": "$party"}, linked=["talks"]))
    rows = [ev("s", D("01-02"), "strike", "red"), ev("x", D("01-08"), "note", "blue")]
    c = judge(who, a, rows, D("01-08"), covering(("strike",), D("01-02"), D("01-08")))
    # calm: a source records strikes from 01-02 to 01-08, and green never struck: complied from 01-02
    assert ("calm", "green", "complied", D("01-08"), (), None) in found(c)
    talks = one(c, "talks", "red")
    assert talks["linked"] == [{"rule": "calm", "party": "green", "status": "complied", "since": D("01-02")}]
    assert one(c, "calm", "green")["linked"] == [
        {"rule": "talks", "party": "red", "status": "violation", "since": D("01-05")}]


def test_a_linked_continuing_commitment_with_an_unresolved_act_reads_unresolved(who):
    strikes = dict(STRIKES, linked=["talks"])
    rows = [ev("s", D("01-03"), "strike", "blue", stated_justification="answering an attack")]
    c = judge(who, agree(TALKS, strikes), rows, D("01-08"))
    # talks' default (01-05) shows blue's strikes since the unresolved strike of 01-03 (SPEC addendum 2)
    assert one(c, "talks", "red")["linked"] == [
        {"rule": "strikes", "party": "blue", "status": "unresolved", "since": D("01-03")}]


def test_who_defaulted_first(who):
    rules = LINKED + [
        rule("calm", "green", "prohibited", when={"type": "strike", "actor": "$party"}, linked=["quiet"]),
        rule("hush", "red", "prohibited", when={"type": "attack", "actor": "$party"}, linked=["talks"]),
        rule("alone", "red", "prohibited", when={"type": "strike", "actor": "$party"}),
    ]
    rows = LINKED_ROWS + [ev("h", D("01-05"), "attack", "red"), ev("s", D("01-01"), "strike", "red")]
    c = judge(who, agree(*rules), rows, D("01-10"))
    # one group {calm, hush, quiet, talks} ('alone' links nothing). blue's first default: quiet on
    # 01-03; red's: hush and talks both on 01-05 -> by rule id, hush; green: none.
    assert c["defaults"] == [{"rules": ["calm", "hush", "quiet", "talks"], "parties": [
        {"party": "blue", "date": D("01-03"), "rule": "quiet", "finding": "quiet/blue/a1", "status": "violation"},
        {"party": "red", "date": D("01-05"), "rule": "hush", "finding": "hush/red/h", "status": "violation"},
        {"party": "green", "date": None, "rule": None, "finding": None, "status": None},
    ]}]


def test_who_defaulted_first_is_in_date_order_whatever_the_party(who):
    rules = [rule("give", "red", "deadline", due=D("01-03"), fulfilled_by=LEVEL, linked=["take"]),
             rule("take", "blue", "deadline", due=D("01-05"), fulfilled_by=LEVEL)]
    c = judge(who, agree(*rules), [ev("x", D("01-02"), "note", "green")], D("01-08"))
    assert [(p["party"], p["date"]) for p in c["defaults"][0]["parties"]] == [("red", D("01-03")), ("blue", D("01-05"))]


def test_who_defaulted_first_orders_a_tie_by_party_and_counts_a_missed_aim(who):
    rules = [rule("give", "red", "deadline", due=D("01-04"), fulfilled_by=LEVEL, modality="aim", linked=["take"]),
             rule("take", "blue", "deadline", due=D("01-04"), fulfilled_by=LEVEL)]
    c = judge(who, agree(*rules), [ev("x", D("01-02"), "note", "green")], D("01-06"))
    assert c["defaults"] == [{"rules": ["give", "take"], "parties": [
        {"party": "blue", "date": D("01-04"), "rule": "take", "finding": "take/blue/2020-01-04", "status": "violation"},
        {"party": "red", "date": D("01-04"), "rule": "give", "finding": "give/red/2020-01-04", "status": "missed"},
    ]}]


# --- continuing commitments: complied --------------------------------------------------

QUIET = rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"})


def test_a_prohibition_kept_over_a_declared_span_is_complied_over_that_span_only(who):
    rows = [ev("n", D("01-02"), "note", "green"), ev("a", D("01-03"), "attack", "red"),
            ev("b", D("01-08"), "attack", "red")]
    # issue 24: the events alone (a curated list) say nothing: listed, not complied
    c = judge(who, agree(QUIET), rows, D("01-10"))
    assert found(c) == [] and c["not_assessed"] == [{"rule": "quiet", "version": "quiet", "party": "blue"}]
    # a source records attacks from 01-02 to 01-08: complied over exactly that span
    c = judge(who, agree(QUIET), rows, D("01-10"), covering(("attack",), D("01-02"), D("01-08")))
    assert found(c) == [("quiet", "blue", "complied", D("01-08"), (), None)]
    assert one(c, "quiet", "blue")["id"] == "quiet/blue/complied-2020-01-02"  # named by the span's first day
    assert one(c, "quiet", "blue")["span_start"] == D("01-02") and c["not_assessed"] == []


def test_a_source_must_record_the_types_the_rule_names_or_its_covered_by(who):
    rows = [ev("n", D("01-02"), "note", "green"), ev("m", D("01-04"), "note", "red")]
    notes = covering(("note",), D("01-02"), D("01-04"))
    c = judge(who, agree(QUIET), rows, D("01-10"), notes)
    assert found(c) == [] and c["not_assessed"] == [{"rule": "quiet", "version": "quiet", "party": "blue"}]
    covered = dict(QUIET, covered_by={"type": "note"})
    c = judge(who, agree(covered), rows, D("01-10"), notes)
    assert found(c) == [("quiet", "blue", "complied", D("01-04"), (), None)] and c["not_assessed"] == []


def test_no_complied_beside_a_violation_or_an_unresolved_act(who):
    rows = [ev("a", D("01-03"), "attack", "red"), ev("b", D("01-05"), "attack", "blue")]
    assert found(judge(who, agree(QUIET), rows, D("01-10"))) == [("quiet", "blue", "violation", D("01-05"), ("b",), None)]
    strikes = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "attack", "target": "$party"}, "within_days": 2})
    rows = [ev("a", D("01-03"), "attack", "red", target="green"),
            ev("s", D("01-05"), "strike", "blue", stated_justification="answering an attack")]
    assert found(judge(who, agree(strikes), rows, D("01-10"))) == [
        ("strikes", "blue", "unresolved", D("01-05"), ("s",), None)]


def test_complied_is_judged_per_version(who):
    amended = {"id": "quiet@v2", "amends": "quiet", "effective_from": D("01-06"),
               "when": {"type": "attack", "actor": "$party", "target": "red"}}
    rows = [ev("a", D("01-03"), "attack", "red"), ev("b", D("01-08"), "attack", "red")]
    c = judge(who, agree(QUIET, amended), rows, D("01-10"), covering(("attack",), D("01-03"), D("01-08")))
    # covered 01-03 .. 01-08: version 1 over 01-03 .. 01-05 (its end); version 2 over 01-06 .. 01-08
    assert sorted((f["version"], f["status"], f["date"], f["id"]) for f in c["findings"]) == [
        ("quiet", "complied", D("01-05"), "quiet/blue/complied-2020-01-03"),
        ("quiet@v2", "complied", D("01-08"), "quiet/blue/complied-quiet@v2-2020-01-06"),
    ]


def test_complied_starts_with_the_trigger(who):
    a = agree(dict(QUIET, starts_when={"when": {"type": "note", "actor": "green"}}))
    # attacks are recorded from 01-01 to 01-08, but the commitment starts with the note of 01-05:
    # complied from 01-05 to 01-08 only
    rows = [ev("a", D("01-03"), "attack", "blue"), ev("n", D("01-05"), "note", "green")]
    c = judge(who, a, rows, D("01-10"), covering(("attack",), D("01-01"), D("01-08")))
    assert found(c) == [("quiet", "blue", "complied", D("01-08"), (), None)]
    assert one(c, "quiet", "blue")["span_start"] == D("01-05")


# --- conditional acts: justified, unresolved ------------------------------------------

STRIKES = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
               justified_by={"when": {"type": "attack", "target": "$party"}, "within_days": 2})


def test_a_stated_justification_makes_an_act_unresolved_never_justified(who):
    rows = [ev("s1", D("01-05"), "strike", "blue", stated_justification="answering an attack"),
            ev("s2", D("01-06"), "strike", "blue"),
            ev("a", D("01-07"), "attack", "red", target="blue"),
            ev("s3", D("01-08"), "strike", "blue", stated_justification="answering an attack")]
    assert found(judge(who, agree(STRIKES), rows, D("01-10"))) == [
        ("strikes", "blue", "justified", D("01-08"), ("s3", "a"), None),   # the attack justifies, not the words
        ("strikes", "blue", "unresolved", D("01-05"), ("s1",), None),
        ("strikes", "blue", "violation", D("01-06"), ("s2",), None),
    ]
    if who == "pipeline":
        reason = next(f.reason for f in report(agree(STRIKES), rows, D("01-10")).findings if f.status == "unresolved")
        assert "answering an attack" in reason


def test_a_scope_leaves_acts_outside_it_without_finding(who):
    a = agree(rule("strikes", "blue", "prohibited", when={"type": "strike", "actor": "$party"}, scope={"target": "red"}))
    rows = [ev("s1", D("01-03"), "strike", "blue", target="green"), ev("s2", D("01-04"), "strike", "blue", target="red")]
    assert found(judge(who, a, rows, D("01-05"))) == [("strikes", "blue", "violation", D("01-04"), ("s2",), None)]


# --- unknown actors --------------------------------------------------------------------

def test_an_unclaimed_act_is_never_a_partys_finding_but_is_counted(who):
    a = agree(rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": {"not": "red"}}))
    rows = [ev("u", D("01-03"), "attack", "unknown")]
    c = judge(who, a, rows, D("01-05"), covering(("attack",), D("01-03"), D("01-05")))
    # 'not red' would match it, but an unclaimed attack is nobody's: over the span a source
    # covers (01-03 .. 01-05) blue kept the commitment
    assert found(c) == [("quiet", "blue", "complied", D("01-05"), (), None)]
    assert c["coverage"] == {"first": D("01-03"), "last": D("01-03"), "unattributed": 1}


def test_an_unclaimed_event_justifies_no_act_the_act_is_unresolved_naming_it(who):
    # issue 24 (§5.9): an act nobody claimed neither breaches nor justifies. The strike on 01-05 has
    # one event in its 2-day window, the unclaimed attack of 01-04: not a justification, and not
    # nothing either -- unresolved, citing the attack after the act (not in justified_by). An
    # unresolved act is no compliance: no `complied` finding beside it.
    a = agree(rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "attack"}, "within_days": 2}))
    rows = [ev("u", D("01-04"), "attack", "unknown", province="Kabul"), ev("s", D("01-05"), "strike", "blue")]
    assert found(judge(who, a, rows, D("01-05"))) == [("strikes", "blue", "unresolved", D("01-05"), ("s", "u"), None)]
    if who == "pipeline":
        f = next(iter(report(a, rows, D("01-05")).findings))
        assert f.justified_by == ()
        assert ("the only events that would answer it in the 2 days before, u (attack on 2020-01-04 in Kabul), "
                "are attributed to no one") in f.reason


def test_an_attributed_justifier_answers_the_act_whatever_unclaimed_events_lie_beside_it(who):
    # the attack by red on 01-03 justifies the strike of 01-05; the unclaimed one of 01-04, later,
    # is not cited: the act is justified by red's attack alone
    a = agree(rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "attack"}, "within_days": 2}))
    rows = [ev("r", D("01-03"), "attack", "red"), ev("u", D("01-04"), "attack", "unknown"),
            ev("s", D("01-05"), "strike", "blue")]
    # a source records strikes from 01-03 to 01-05 (issue 24: complied only over declared coverage): the
    # justified strike is no breach, so blue kept the commitment over that span
    assert found(judge(who, a, rows, D("01-05"), covering(("strike",), D("01-03"), D("01-05")))) == [
        ("strikes", "blue", "complied", D("01-05"), (), None),
        ("strikes", "blue", "justified", D("01-05"), ("s", "r"), None)]


# --- claims: monitors, deadlines, unresolved acts ------------------------------------------

def test_a_monitors_claim_is_a_report_not_an_allegation(who):
    a = agree(QUIET, CLAIMS, signatories=["red", "blue"], monitors=["green"])
    rows = [ev("by-monitor", D("01-04"), "claim", "green", accused="blue"),
            ev("by-party", D("01-04"), "claim", "red", accused="blue"),
            ev("by-nobody", D("01-04"), "claim", "unknown", accused="blue")]
    c = judge(who, a, rows, D("01-05"))
    assert sorted((x["event"], x["claimant_role"], x["assessment"]) for x in c["claims"]) == [
        ("by-monitor", "monitor", "uncorroborated"), ("by-nobody", "other", "uncorroborated"),
        ("by-party", "party", "uncorroborated")]
    # only the party's and the other's claims are alleged findings (no attack at all: quiet not assessed)
    assert found(c) == [("claims", "blue", "alleged", D("01-04"), ("by-nobody",), None),
                        ("claims", "blue", "alleged", D("01-04"), ("by-party",), None)]


WITHDRAW = rule("withdraw", "blue", "deadline", due=D("01-10"),
                fulfilled_by={"when": {"type": "level", "actor": "$party", "count": 0}})
SHORT_CLAIMS = dict(CLAIMS, lookback_days=2)
EARLY_CLAIM = ev("c", D("01-02"), "claim", "red", accused="blue", rule="withdraw")


def test_a_claim_about_a_deadline_is_uncorroborated_while_it_is_pending(who):
    c = judge(who, agree(WITHDRAW, SHORT_CLAIMS), [EARLY_CLAIM], D("01-08"))
    assert claim_of(c, "c")["assessment"] == "uncorroborated"
    assert claim_of(c, "c")["findings"] == ["withdraw/blue/2020-01-10"]
    assert ("withdraw", "blue", "alleged", D("01-02"), ("c",), None) in found(c)


def test_a_claim_made_before_a_deadline_is_corroborated_once_it_passes_unmet(who):
    # made on 01-02 with a 2-day lookback, eight days before the deadline: still weighed against it
    c = judge(who, agree(WITHDRAW, SHORT_CLAIMS), [EARLY_CLAIM], D("01-12"))
    assert (claim_of(c, "c")["assessment"], claim_of(c, "c")["findings"]) == ("corroborated", ["withdraw/blue/2020-01-10"])
    assert found(c) == [("withdraw", "blue", "violation", D("01-10"), (), D("01-10"))]


def test_a_claim_about_a_deadline_met_is_contradicted(who):
    rows = [EARLY_CLAIM, ev("zero", D("01-09"), "level", "blue", count=0)]
    c = judge(who, agree(WITHDRAW, SHORT_CLAIMS), rows, D("01-12"))
    # the met deadline's id is anchored on its day, 01-10, not on the event that met it
    assert (claim_of(c, "c")["assessment"], claim_of(c, "c")["findings"]) == ("contradicted", ["withdraw/blue/2020-01-10"])
    assert found(c) == [("withdraw", "blue", "alleged", D("01-02"), ("c", "zero"), None),
                        ("withdraw", "blue", "met", D("01-09"), ("zero",), D("01-10"))]


def test_a_claim_about_an_aim_missed_is_corroborated(who):
    aim = dict(WITHDRAW, modality="aim")
    c = judge(who, agree(aim, SHORT_CLAIMS), [EARLY_CLAIM], D("01-12"))
    assert (claim_of(c, "c")["assessment"], claim_of(c, "c")["findings"]) == ("corroborated", ["withdraw/blue/2020-01-10"])
    assert found(c) == [("withdraw", "blue", "missed", D("01-10"), (), D("01-10"))]


def test_a_claim_over_unresolved_acts_is_uncorroborated(who):
    # DECISION (reference_judge): the claim cites the unresolved findings it was set against
    rows = [ev("s", D("01-05"), "strike", "blue", stated_justification="answering an attack"),
            ev("c", D("01-06"), "claim", "red", accused="blue", rule="strikes")]
    c = judge(who, agree(STRIKES, CLAIMS), rows, D("01-08"))
    assert claim_of(c, "c")["assessment"] == "uncorroborated"
    assert claim_of(c, "c")["findings"] == ["strikes/blue/s"]


# --- coverage ---------------------------------------------------------------------------

def test_coverage_counts_evaluated_events_up_to_the_report_date(who):
    a = agree(QUIET)
    rows = [ev("a", D("01-03"), "note", "red"), ev("u", D("01-07"), "attack", "unknown"),
            ev("later", D("01-12"), "attack", "unknown")]
    assert judge(who, a, rows, D("01-10"))["coverage"] == {"first": D("01-03"), "last": D("01-07"), "unattributed": 1}
    assert judge(who, a, [], D("01-10"))["coverage"] == {"first": None, "last": None, "unattributed": 0}
