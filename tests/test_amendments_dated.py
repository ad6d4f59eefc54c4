"""Versions judged on their own dates (issue 25, commitment-semantics §5.15): a deadline is judged by
the version in force on its due date; an amendment before the lapse moves the date (and the finding
says so), one after it leaves the lapse on record and opens a new deadline judged on its own.
Agreement-level `amendments:` apply to several rules (or all deadlines) at once, cite the event that
made them and say who agreed.

Expectations reasoned by hand from the rules and events below, never copied from the output. Each
judged test runs on the pipeline and on the independent reference judge (`who`). The agreement is
the SMALL one (parties red, blue, green; types attack, strike, level, claim, note; signed
2020-01-01); "01-05" is 2020-01-05.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

import pytest
import yaml

import doha_compliance as dc
from doha_compliance.errors import RuleSetError
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events

LEVEL = {"when": {"type": "level", "actor": "$party"}}


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def D(day: str) -> str:
    return f"2020-{day}"


def rule(id: str, party: str, kind: str = "deadline", **fields: Any) -> Dict[str, Any]:
    return {"id": id, "party": party, "title": id, "source": f"article on {id}", "basis": "public_text",
            "kind": kind, **fields}


W = rule("w", "red", due=D("01-05"), fulfilled_by=LEVEL)
V = rule("v", "blue", due=D("01-06"), fulfilled_by=LEVEL)
QUIET = rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"})


def amendment(date: str, due: str, rules: Any = ("w",), event: Optional[str] = "x",
              agreed_by: tuple = ("red", "blue"), id: str = "ext") -> Dict[str, Any]:
    out: Dict[str, Any] = {"id": id, "date": D(date), "agreed_by": list(agreed_by),
                           "rules": rules if rules == "all" else list(rules), "due": D(due)}
    if event is not None:
        out["event"] = event
    return out


def agree(rules: List[Dict[str, Any]], amendments: Optional[List[Dict[str, Any]]] = None) -> dc.Agreement:
    texts = agreement_texts(rules, SMALL)
    if amendments:
        data = yaml.safe_load(texts["agreement.yaml"])
        data["agreement"]["amendments"] = amendments
        texts["agreement.yaml"] = yaml.safe_dump(data, sort_keys=False)
    return load_rules_from_texts(texts)


def ev(id: str, date: str, type: str, actor: str) -> Dict[str, Any]:
    return {"id": id, "date": D(date), "type": type, "actor": actor}


X = ev("x", "01-04", "note", "green")  # the statement announcing an extension agreed on 01-04
X8 = ev("x", "01-08", "note", "green")  # ... one agreed on 01-08


def judge(who: str, agreement: dc.Agreement, rows: List[Dict[str, Any]], as_of: str) -> Dict[str, Any]:
    events = validated_events(agreement, rows)
    day = dt.date.fromisoformat(D(as_of))
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=day))
    return reference_conclusions(agreement, events, day)


def found(c: Dict[str, Any], rule_id: str = "w") -> list:
    """(id, version, status, date, due, amended) of each finding of a rule, in date order."""
    return sorted((f["id"], f["version"], f["status"], f["date"], f["due"], tuple(f.get("amended", ())))
                  for f in c["findings"] if f["rule"] == rule_id)


def report(agreement: dc.Agreement, rows: List[Dict[str, Any]], as_of: str) -> dc.Report:
    return dc.evaluate(agreement, validated_events(agreement, rows), as_of=dt.date.fromisoformat(D(as_of)))


EXTENDED_BEFORE = "extended on 2020-01-04 by ext (x) from 2020-01-05 to 2020-01-20, agreed by red and blue"
EXTENDED_AFTER = ("extended on 2020-01-08 by ext (x) from 2020-01-05 to 2020-01-20, agreed by red and blue; "
                  "2020-01-05 had passed unmet, and that default stays on record")


# --- an extension agreed before the deadline lapsed: it replaces the date --------------------------

def test_an_extension_before_the_lapse_moves_the_date_pending_then_met(who):
    # due 01-05, extended on 01-04 (before it lapsed) to 01-20: as of 01-10 it is pending against 01-20,
    # and the level reached on 01-15 meets it on time; one finding, of the amended version
    a = agree([W], [amendment("01-04", "01-20")])
    assert found(judge(who, a, [X], "01-10")) == [
        ("w/red/2020-01-20", "w@ext", "pending", D("01-20"), D("01-20"), (EXTENDED_BEFORE,))]
    rows = [X, ev("l", "01-15", "level", "red")]
    assert found(judge(who, a, rows, "01-25")) == [
        ("w/red/2020-01-20", "w@ext", "met", D("01-15"), D("01-20"), (EXTENDED_BEFORE,))]


def test_an_extension_before_the_lapse_then_unmet_is_a_violation_of_the_new_date(who):
    a = agree([W], [amendment("01-04", "01-20")])
    assert found(judge(who, a, [X], "01-25")) == [
        ("w/red/2020-01-20", "w@ext", "violation", D("01-20"), D("01-20"), (EXTENDED_BEFORE,))]


def test_an_amendment_not_yet_agreed_on_the_report_date_is_not_known(who):
    # as of 01-03 the extension of 01-04 has not been made: pending against the text's 01-05
    a = agree([W], [amendment("01-04", "01-20")])
    assert found(judge(who, a, [], "01-03")) == [("w/red/2020-01-05", "w", "pending", D("01-05"), D("01-05"), ())]


def test_an_amendment_on_the_due_day_itself_comes_before_the_lapse(who):
    # due 01-05, extended on 01-05: the day is not over, nothing has lapsed; one finding against 01-20
    a = agree([W], [amendment("01-05", "01-20", event=None)])
    assert found(judge(who, a, [], "01-10")) == [
        ("w/red/2020-01-20", "w@ext", "pending", D("01-20"), D("01-20"),
         ("extended on 2020-01-05 by ext from 2020-01-05 to 2020-01-20, agreed by red and blue",))]


def test_the_finding_says_how_the_date_moved(who):
    if who == "reference":
        pytest.skip("reasons are the pipeline's")
    a = agree([W], [amendment("01-04", "01-20")])
    f = report(a, [X], "01-10").findings[0]
    assert f.reason == ("w: due 2020-01-20, 10 days after the report date; not yet met. Extended on 2020-01-04 "
                        "by ext (x) from 2020-01-05 to 2020-01-20, agreed by red and blue.")
    assert f.amended == (EXTENDED_BEFORE,) and f.to_dict()["amended"] == [EXTENDED_BEFORE]


# --- an extension agreed after the lapse: the lapse stays, a new deadline opens ---------------------

def test_an_extension_after_the_lapse_leaves_the_violation_and_opens_a_new_deadline(who):
    a = agree([W], [amendment("01-08", "01-20")])
    # before the extension is made: the violation of 01-05 alone
    assert found(judge(who, a, [], "01-07")) == [("w/red/2020-01-05", "w", "violation", D("01-05"), D("01-05"), ())]
    # after it: the violation stays (its own finding, the base version), the new deadline pending beside it
    assert found(judge(who, a, [X8], "01-10")) == [
        ("w/red/2020-01-05", "w", "violation", D("01-05"), D("01-05"), ()),
        ("w/red/2020-01-20", "w@ext", "pending", D("01-20"), D("01-20"), (EXTENDED_AFTER,))]
    # the level reached on 01-12: late for 01-05 (still a violation, 7 days late), on time for 01-20
    c = judge(who, a, [X8, ev("l", "01-12", "level", "red")], "01-25")
    assert found(c) == [
        ("w/red/2020-01-05", "w", "violation", D("01-05"), D("01-05"), ()),
        ("w/red/2020-01-20", "w@ext", "met", D("01-12"), D("01-20"), (EXTENDED_AFTER,))]
    assert [f["days_late"] for f in sorted(c["findings"], key=lambda f: f["id"])] == [7, None]


def test_the_lapsed_finding_says_a_new_deadline_was_set(who):
    if who == "reference":
        pytest.skip("reasons are the pipeline's")
    a = agree([W], [amendment("01-08", "01-20")])
    lapsed = next(f for f in report(a, [X8], "01-10").findings if f.version == "w")
    assert lapsed.reason.endswith("After it lapsed, ext set a new deadline on 2020-01-08, due 2020-01-20, judged on "
                                  "its own.")
    assert lapsed.amended == ()


def test_an_amendment_after_a_deadline_met_on_time_opens_nothing(who):
    # met on 01-04, due 01-05; the extension of 01-08 comes after: nothing lapsed, nothing re-opened
    a = agree([W], [amendment("01-08", "01-20")])
    c = judge(who, a, [ev("l", "01-04", "level", "red"), X8], "01-25")
    assert found(c) == [("w/red/2020-01-05", "w", "met", D("01-04"), D("01-05"), ())]


def test_a_deadline_met_before_an_extension_is_settled(who):
    # met on 01-03; the extension agreed on 01-04 (before the lapse) comes after it was performed: it
    # changes nothing (DECISION, §5.15: a met deadline never changes its finding as the report date moves)
    a = agree([W], [amendment("01-04", "01-20")])
    rows = [ev("l", "01-03", "level", "red"), X]
    for as_of in ("01-03", "01-10", "01-25"):
        assert found(judge(who, a, rows, as_of)) == [("w/red/2020-01-05", "w", "met", D("01-03"), D("01-05"), ())]
    # an undertaking (no date) met on 01-03, given a date on 01-04: still met, undated
    undated = rule("w", "red", fulfilled_by=LEVEL)
    a = agree([undated, {"id": "w@dated", "amends": "w", "effective_from": D("01-04"), "due": D("01-20")}])
    assert found(judge(who, a, rows, "01-10")) == [("w/red/undated", "w", "met", D("01-03"), None, ())]
    # not met when dated: the date applies, and the finding says so
    assert found(judge(who, a, [], "01-10")) == [
        ("w/red/2020-01-20", "w@dated", "pending", D("01-20"), D("01-20"),
         ("dated on 2020-01-04 by w@dated: due 2020-01-20",))]


def test_a_rule_level_amendment_of_the_due_date_follows_the_same_law(who):
    # DECISION (§5.15): `amends:` entries are versions like any other. The old note's case: due 01-05,
    # amended from 01-08 to be due 01-20, nothing done: as of 01-10 the 01-05 default is on record
    # beside the new deadline (it was "pending, due 01-20" alone before issue 25)
    a = agree([W, {"id": "w@v2", "amends": "w", "effective_from": D("01-08"), "due": D("01-20")}])
    assert found(judge(who, a, [], "01-10")) == [
        ("w/red/2020-01-05", "w", "violation", D("01-05"), D("01-05"), ()),
        ("w/red/2020-01-20", "w@v2", "pending", D("01-20"), D("01-20"),
         ("extended on 2020-01-08 by w@v2 from 2020-01-05 to 2020-01-20; 2020-01-05 had passed unmet, and that "
          "default stays on record",))]


def test_a_stricter_version_after_the_due_date_does_not_judge_it(who):
    # met on 01-03 by a level; a version from 01-08 asks for a note instead. The version in force on the
    # due date (01-05) judges it: met, as of 01-11 (before issue 25 the stricter version undid it)
    a = agree([W, {"id": "w@v2", "amends": "w", "effective_from": D("01-08"),
                   "fulfilled_by": {"when": {"type": "note", "actor": "$party"}}}])
    c = judge(who, a, [ev("l", "01-03", "level", "red")], "01-11")
    assert found(c) == [("w/red/2020-01-05", "w", "met", D("01-03"), D("01-05"), ())]


# --- one amendment, several rules; `all`; the event it cites ---------------------------------------

def test_one_amendment_moves_two_rules_at_once(who):
    # w (red, due 01-05) and v (blue, due 01-06) both extended on 01-04 to 01-20; blue reaches its
    # level on 01-18, red never does
    a = agree([W, V], [amendment("01-04", "01-20", rules=("w", "v"))])
    c = judge(who, a, [X, ev("b", "01-18", "level", "blue")], "01-25")
    assert found(c, "w") == [("w/red/2020-01-20", "w@ext", "violation", D("01-20"), D("01-20"), (EXTENDED_BEFORE,))]
    assert found(c, "v") == [("v/blue/2020-01-20", "v@ext", "met", D("01-18"), D("01-20"),
                              ("extended on 2020-01-04 by ext (x) from 2020-01-06 to 2020-01-20, agreed by red "
                               "and blue",))]


def test_all_amends_every_deadline_and_nothing_else():
    a = agree([W, V, QUIET], [amendment("01-04", "01-20", rules="all")])
    assert sorted(r.version for r in a.rules) == ["quiet", "v", "v@ext", "w", "w@ext"]
    (made,) = a.amendments
    assert (made.id, made.rules, made.agreed_by, made.event) == ("ext", ("v", "w"), ("red", "blue"), "x")


def test_all_in_both_judges(who):
    a = agree([W, V, QUIET], [amendment("01-04", "01-20", rules="all")])
    c = judge(who, a, [X], "01-10")
    assert [(f["id"], f["status"]) for f in sorted(c["findings"], key=lambda f: f["id"])] == [
        ("v/blue/2020-01-20", "pending"), ("w/red/2020-01-20", "pending")]


def test_the_event_that_made_it_is_cited_and_a_missing_one_is_said(who):
    a = agree([W], [amendment("01-04", "01-20")])
    # not in the input: said in the text (a warning, not a refusal: the record may not hold it)
    assert found(judge(who, a, [], "01-10")) == [
        ("w/red/2020-01-20", "w@ext", "pending", D("01-20"), D("01-20"),
         ("extended on 2020-01-04 by ext (x, not in the input) from 2020-01-05 to 2020-01-20, agreed by red and "
          "blue",))]


def test_the_event_is_listed_among_the_cited_events_not_as_the_deadlines_evidence():
    # DECISION (§5.15): evidence is what the status rests on (the counted events); the amendment moves
    # the date, so it is cited in `amended` and listed with the report's events, not in `evidence`
    a = agree([W, V], [amendment("01-04", "01-20", rules=("w", "v"))])
    r = report(a, [X, ev("b", "01-18", "level", "blue")], "01-25")
    assert sorted((f.id, f.evidence) for f in r.findings) == [("v/blue/2020-01-20", ("b",)),
                                                              ("w/red/2020-01-20", ())]
    assert sorted(e.id for e in r.events) == ["b", "x"]


# --- the analyst's mistakes, refused with a message ------------------------------------------------

@pytest.mark.parametrize("entry, message", [
    (amendment("01-04", "01-20", rules=("withdraw",)), "ext: rules: 'withdraw' is not a rule in this set"),
    (amendment("01-04", "01-20", rules=("quiet",)), "ext: rules: quiet is not a deadline"),
    (amendment("01-04", "01-20", agreed_by=("red", "us")), "ext: agreed_by 'us' is not one of the parties"),
    (amendment("01-21", "01-20"), "ext: the new due date 2020-01-20 is before the day it was agreed (2020-01-21)"),
])
def test_a_wrong_amendment_is_refused_with_a_message(entry, message):
    with pytest.raises(RuleSetError) as refused:
        agree([W, QUIET], [entry])
    assert message in str(refused.value)
    assert "agreement.yaml" in str(refused.value)


def test_all_with_no_deadline_and_two_amendments_of_one_rule_on_one_day_are_refused():
    with pytest.raises(RuleSetError, match="rules: all, but the folder has no deadline rules"):
        agree([QUIET], [amendment("01-04", "01-20", rules="all")])
    with pytest.raises(RuleSetError, match="ext and ext2 both amend w on 2020-01-04"):
        agree([W], [amendment("01-04", "01-20"), amendment("01-04", "01-25", id="ext2")])


# --- every format shows it ---------------------------------------------------------------------

def test_every_format_shows_how_the_date_moved():
    import csv
    import io
    import json

    import jsonschema
    from test_formats import report_schema

    a = agree([W], [amendment("01-04", "01-20")])
    r = report(a, [X], "01-10")
    data = json.loads(r.to_json())
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    assert data["findings"][0]["amended"] == [EXTENDED_BEFORE]
    for fmt in ("text", "md", "html"):
        out = io.StringIO()
        dc.render(r, fmt, file=out)
        # wrapped in text: compare without line breaks and indentation
        assert "Extended on 2020-01-04 by ext (x) from 2020-01-05 to 2020-01-20, agreed by red and blue." in " ".join(
            out.getvalue().split()), fmt
    out = io.StringIO()
    dc.render(r, "csv", file=out, table="findings")
    header, row = list(csv.reader(io.StringIO(out.getvalue())))[:2]
    at = header.index("amended")  # contract slot 2: after readings, before blocked_by, magnitude, verification
    assert header[at - 1:at + 2] == ["readings", "amended", "blocked_by"] and row[at] == EXTENDED_BEFORE
    # a finding no amendment moved has no key, and an empty cell
    plain = report(agree([W]), [], "01-10")
    assert "amended" not in json.loads(plain.to_json())["findings"][0]


def test_links_and_who_defaulted_first_keep_the_lapse(who):
    # DECISION (§5.15): w lapsed on 01-05 and was re-opened on 01-08 (due 01-20); v (blue, due 01-30,
    # linked to w) is met on 01-10. v's finding shows w as in default since 01-05 (the lapse stays on
    # record), and red's first default is the lapsed deadline, not the re-opened one
    w = dict(W, linked=["v"])
    v = rule("v", "blue", due=D("01-30"), fulfilled_by=LEVEL)
    a = agree([w, v], [amendment("01-08", "01-20")])
    c = judge(who, a, [X8, ev("b", "01-10", "level", "blue")], "01-15")
    met = next(f for f in c["findings"] if f["rule"] == "v")
    assert (met["status"], met["linked"]) == (
        "met", [{"rule": "w", "party": "red", "status": "violation", "since": D("01-05")}])
    (group,) = c["defaults"]
    red = next(p for p in group["parties"] if p["party"] == "red")
    assert (red["date"], red["finding"]) == (D("01-05"), "w/red/2020-01-05")


def test_explain_says_who_agreed_the_version():
    from doha_compliance.report.explain import explain

    a = agree([W], [amendment("01-04", "01-20")])
    text = explain(report(a, [X], "01-10"), "w/red/2020-01-20")
    assert "amended:   by ext, agreed on 2020-01-04 by red, blue (event x): due 2020-01-20" in text.splitlines()
