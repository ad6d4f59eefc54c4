"""Confidence per finding (issue 24, item 6; docs/commitment-semantics.md §7): expectations reasoned
by hand from the scale, written as literals.

The judging tests run twice, on the pipeline and on the reference judge (`who`). The agreement is the
invented SMALL one (parties red, blue, green; types attack, strike, level, claim, note), signed
2020-01-01; "01-05" is 2020-01-05. The scale, per event a finding rests on: high with 2 or more
independent sources and nothing uncertain; low with an uncertain type, only the account of a party
the finding does not convict, or 3 lesser doubts together; else medium (one source, sources not
stated, a derived figure, an uncertain date, a party's own admission). A finding takes its weakest
event's level.
"""
from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from conftest import ROOT, ev, run_main
from test_commitments import CLAIMS, D, agree, judge, one, report, rule

import doha_compliance as dc
from doha_compliance.testing import validated_events


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


NO_ATTACKS = rule("no_attacks", "red", "prohibited", when={"type": "attack", "actor": "$party"})
STRIKES = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
               justified_by={"when": {"type": "attack", "target": "$party"}, "within_days": 2})
TALKS = rule("talks", "red", "deadline", due="2020-01-10", fulfilled_by={"when": {"type": "note", "actor": "$party"}})


@pytest.mark.parametrize("fields, level, reasons", [
    ({"source_count": 2}, "high", ["2 independent sources"]),
    ({"source_count": 1}, "medium", ["one source"]),
    ({}, "medium", ["number of sources not stated"]),
    ({"source_count": 3, "derived": True}, "medium", ["a derived figure"]),
    ({"source_count": 2, "date_uncertain": "only the month is known"}, "medium",
     ["date uncertain: only the month is known"]),
    ({"source_count": 1, "date_uncertain": True}, "medium", ["one source", "date uncertain"]),  # 2 doubts: medium
    # the acting party's own account of its own breach is an admission: a lesser doubt, not a grave one
    ({"own_account": True}, "medium", ["only red's own account (an admission)"]),
    # 3 lesser doubts together: several uncertainties, low
    ({"source_count": 1, "derived": True, "date_uncertain": True}, "low",
     ["one source", "a derived figure", "date uncertain"]),
])
def test_each_reason_and_the_level_it_gives(who, fields, level, reasons):
    c = judge(who, agree(NO_ATTACKS), [ev("a", D("01-05"), "attack", "red", **fields)], D("01-20"))
    f = one(c, "no_attacks", "red", "violation")
    assert (f["confidence"], f["confidence_reasons"]) == (level, reasons)


def test_a_justified_act_resting_on_the_other_partys_own_account_is_low(who):
    # blue's strike is justified by red's attack on blue, known only from red's own account: the finding
    # favours blue on the word of one party alone (not an admission: the finding convicts nobody)
    rows = [ev("j", D("01-04"), "attack", "red", target="blue", own_account=True),
            ev("s", D("01-05"), "strike", "blue", source_count=2)]
    f = one(judge(who, agree(STRIKES), rows, D("01-20")), "strikes", "blue", "justified")
    assert (f["confidence"], f["confidence_reasons"]) == ("low", ["only red's own account"])


def test_a_finding_with_two_independent_sources_for_each_event_is_high(who):
    # two justifiers: one is enough, so the best rated counts (j2, two sources), with the act (two sources)
    rows = [ev("j1", D("01-03"), "attack", "red", target="blue", own_account=True),
            ev("j2", D("01-04"), "attack", "green", target="blue", source_count=2),
            ev("s", D("01-05"), "strike", "blue", source_count=3)]
    f = one(judge(who, agree(STRIKES), rows, D("01-20")), "strikes", "blue", "justified")
    assert f["evidence"] == ["s", "j1", "j2"]
    assert (f["confidence"], f["confidence_reasons"]) == ("high", ["at least 2 independent sources for each event"])


def test_a_deadline_takes_its_counted_events_and_a_finding_on_no_event_is_not_rated(who):
    c = judge(who, agree(TALKS), [ev("n", D("01-06"), "note", "red", source_count=2, derived=True)], D("01-20"))
    assert (one(c, "talks", "red", "met")["confidence"], one(c, "talks", "red")["confidence_reasons"]) == \
        ("medium", ["a derived figure"])
    pending = one(judge(who, agree(TALKS), [ev("x", D("01-02"), "attack", "blue")], D("01-05")), "talks", "red")
    assert (pending["status"], pending["evidence"], pending["confidence"], pending["confidence_reasons"]) == \
        ("pending", [], None, [])


def test_an_alleged_finding_is_as_certain_as_the_claims_own_record(who):
    # blue accuses red; nothing bears it out: alleged against red, resting on blue's claim alone
    rows = [ev("c", D("01-05"), "claim", "blue", accused="red", own_account=True)]
    f = one(judge(who, agree(NO_ATTACKS, CLAIMS), rows, D("01-20")), "claims", "red", "alleged")
    assert (f["confidence"], f["confidence_reasons"]) == ("low", ["only blue's own account"])


# --- uncertain coding decides (§7.3) ---------------------------------------------------------

def test_a_capture_that_may_not_have_been_an_attack_is_unresolved_not_a_violation(who):
    # coded attack, but its sources allow a note (no fighting); no_attacks does not judge a note
    rows = [ev("cap", D("01-05"), "attack", "red", source_count=2, type_uncertain=["note"])]
    c = judge(who, agree(NO_ATTACKS), rows, D("01-20"))
    f = one(c, "no_attacks", "red")
    assert (f["status"], f["evidence"], f["confidence"], f["confidence_reasons"]) == \
        ("unresolved", ["cap"], "low", ["type uncertain: attack or note"])
    if who == "pipeline":
        reason = next(x for x in report(agree(NO_ATTACKS), rows, D("01-20")).findings if x.rule == "no_attacks").reason
        assert "coded attack; its sources also allow note" in reason and "unresolved" in reason


def test_an_uncertain_type_the_rule_judges_either_way_stays_a_violation(who):
    both = rule("no_violence", "red", "prohibited", when={"type": ["attack", "strike"], "actor": "$party"})
    rows = [ev("a", D("01-05"), "attack", "red", source_count=2, type_uncertain=["strike"])]
    f = one(judge(who, agree(both), rows, D("01-20")), "no_violence", "red")
    assert (f["status"], f["confidence"]) == ("violation", "low")


def test_an_uncertain_type_makes_an_unjustified_conditional_act_unresolved_and_leaves_a_justified_one(who):
    alone = [ev("s", D("01-05"), "strike", "blue", source_count=2, type_uncertain=["note"])]
    assert one(judge(who, agree(STRIKES), alone, D("01-20")), "strikes", "blue")["status"] == "unresolved"
    answered = [ev("j", D("01-04"), "attack", "red", target="blue", source_count=2)] + alone
    c = judge(who, agree(STRIKES), answered, D("01-20"))
    # justified, whatever the doubt about its type; no `complied` beside it: nothing declares coverage
    assert sorted(f["status"] for f in c["findings"]) == ["justified"]


def test_an_unresolved_capture_keeps_the_commitment_from_complied(who):
    rows = [ev("cap", D("01-05"), "attack", "red", type_uncertain=["note"])]
    statuses = sorted(f["status"] for f in judge(who, agree(NO_ATTACKS), rows, D("01-20"))["findings"])
    assert statuses == ["unresolved"]


# --- intake ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, field, phrase", [
    ({"source_count": 0}, "source_count", "at least 1, got 0"),
    ({"source_count": "two"}, "source_count", "must be a whole number"),
    ({"own_account": "perhaps"}, "own_account", "must be true or false"),
    ({"derived": 1}, "derived", "must be true or false"),
    ({"type_uncertain": ["massacre"]}, "type_uncertain", "unknown event type 'massacre'"),
    ({"type_uncertain": ["attack"]}, "type_uncertain", "the event's own type"),
    ({"type_uncertain": []}, "type_uncertain", "must list the other event types"),
    ({"own_account": True, "source_count": 2}, "own_account", "but source_count is 2"),
])
def test_a_bad_confidence_field_rejects_the_row(fields, field, phrase):
    r = dc.evaluate(agree(NO_ATTACKS), [ev("a", D("01-05"), "attack", "red", **fields)], as_of=dt.date(2020, 1, 20))
    assert r.inputs.rejected == 1 and r.rejected[0].field == field and phrase in r.rejected[0].reason, r.rejected


def test_csv_cells_are_read_into_one_form():
    rows = [ev("a", D("01-05"), "attack", "red", source_count="2", own_account="no", derived="", date_uncertain="yes",
               type_uncertain="note; strike")]
    (e,) = validated_events(agree(NO_ATTACKS), rows)
    assert dict(e.extra) == {"source_count": 2, "own_account": False, "date_uncertain": True,
                             "type_uncertain": ["note", "strike"]}


# --- filtering and every format ----------------------------------------------------------------

def _three(as_of: str = "01-20") -> dc.Report:
    rows = [ev("hi", D("01-05"), "attack", "red", source_count=2),
            ev("mid", D("01-06"), "attack", "red", source_count=1),
            ev("lo", D("01-07"), "attack", "red", source_count=1, derived=True, date_uncertain=True)]
    return report(agree(NO_ATTACKS, TALKS), rows, D(as_of))


def test_min_confidence_leaves_findings_out_of_the_listing_and_counts_and_says_how_many():
    whole = _three()
    assert [(f.evidence, f.confidence) for f in whole.findings if f.rule == "no_attacks"] == \
        [(("hi",), "high"), (("mid",), "medium"), (("lo",), "low")]
    medium = whole.filtered(min_confidence="medium")
    # the low one is left out; the talks deadline (due 01-10, nothing done: a violation resting on no
    # event) is not rated and kept
    assert [f.evidence for f in medium.findings] == [("hi",), ("mid",), ()]
    assert whole.parties["red"]["violation"] == 4
    assert medium.left_out == 1 and medium.parties["red"]["violation"] == 3
    high = whole.filtered(min_confidence="high")
    assert [f.evidence for f in high.findings] == [("hi",), ()] and high.left_out == 2
    text = dc.render(medium, "text")
    assert "(--min-confidence medium): 1 rated below it left out." in text
    assert "confidence: low" not in text and "confidence: medium (one source)" in text
    assert json.loads(medium.to_json())["confidence_filter"] == {"min_confidence": "medium", "left_out": 1}
    assert "confidence_filter" not in json.loads(whole.to_json())  # said only when a filter is set
    from test_formats import report_schema
    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(medium.to_json()))
    assert "1 rated below it left out" in dc.render(medium, "md") and "1 rated below it left out" in \
        dc.render(medium, "html")
    with pytest.raises(ValueError, match="min_confidence must be one of low, medium, high"):
        whole.filtered(min_confidence="certain")


def test_every_format_shows_a_findings_confidence():
    r = _three()
    lo = next(f for f in r.findings if f.evidence == ("lo",))
    words = "low (one source; a derived figure; date uncertain)"
    assert f"confidence: {words}" in dc.render(r, "text")
    assert f"**Confidence:** {words}" in dc.render(r, "md")
    assert f"Confidence: {words}" in dc.render(r, "html")
    csv_text = dc.render(r, "csv")
    assert ",parts_total,confidence,confidence_reasons," in csv_text.splitlines()[0]
    assert "low,one source;a derived figure;date uncertain" in csv_text
    data = next(f for f in json.loads(r.to_json())["findings"] if f["id"] == lo.id)
    assert data["confidence"] == "low" and data["confidence_reasons"] == ["one source", "a derived figure",
                                                                         "date uncertain"]
    assert "confidence: not rated (rests on no event)" in dc.render(r, "text")  # the talks deadline, nothing done


def test_explain_says_why_a_finding_has_its_confidence():
    from doha_compliance.report.explain import explain
    r = _three()
    text = explain(r, "no_attacks/red/lo")
    assert "confidence: low (one source; a derived figure; date uncertain), from its one event:" in text
    assert "how known: 1 independent source; a derived figure; date uncertain" in text


def test_the_command_line_filter_hides_and_says_how_many(tmp_path):
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {id: e1, date: 2020-09-20, type: attack, actor: taliban, target: us, source_count: 2}\n"
        "- {id: e2, date: 2020-09-22, type: attack, actor: taliban, target: us, source_count: 1, derived: true,"
        " date_uncertain: true}\n", encoding="utf-8")
    base = ("report", "--rules", str(ROOT / "rules" / "doha"), "--events", str(events), "--as-of", "2020-10-01")
    shown = run_main(*base, "--min-confidence", "medium")
    assert shown.returncode == 0, shown.stderr
    assert "(--min-confidence medium): 1 rated below it left out." in shown.stdout
    assert "evidence: e1" in shown.stdout and "evidence: e2" not in shown.stdout
    csv_run = run_main(*base, "--min-confidence", "medium", "--format", "csv")
    assert "1 findings rated below it left out of the table" in csv_run.stderr
    assert ",e2," not in csv_run.stdout and "e1" in csv_run.stdout
    bad = run_main(*base, "--min-confidence", "sure")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
