"""Degrees of compliance (issue 24, item 8; commitment-semantics §5.3 addendum 5, levels-and-scores.md):
lateness in days, shown and graded in scores; parts met as n of N; a several-part deadline is not a
violation on the strength of a part no evidence bears on. Every expected value is reasoned by hand
from the rule and the events, on both judges where the canonical conclusions carry it.

The truce is signed on 1 March 2020; report months run March to July.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from importlib import resources

import jsonschema
import pytest
import yaml
from conftest import ev

import doha_compliance as dc
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules import conditions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import validated_events

HEAD = {"agreement": {"id": "t", "title": "Test truce", "signed": "2020-03-01",
                      "parties": {"red": "Red", "blue": "Blue", "green": "Green"},
                      "event_types": ["handover", "level", "note"]}}
BASE = {"source": "test", "basis": "public_text", "kind": "deadline", "party": "blue"}
OUT = dict(BASE, id="out", title="Hand over by 10 March", due="2020-03-10",
           fulfilled_by={"when": {"type": "handover", "actor": "$party"}})
# two parts, each a level to reach (a test on a number): blue's own forces and green's (green performs it)
WITHDRAW = dict(BASE, id="withdraw", title="All forces out by 10 March", due="2020-03-10",
                fulfilled_by=[{"when": {"type": "level", "actor": "blue", "count": 0}, "label": "blue forces at zero"},
                              {"when": {"type": "level", "actor": "green", "count": 0},
                               "label": "green forces at zero"}],
                covered_by={"type": "level", "actor": ["blue", "green"]})


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def truce(*rules: dict) -> dc.Agreement:
    return load_rules_from_texts({"agreement.yaml": yaml.safe_dump(HEAD),
                                  "r.yaml": yaml.safe_dump({"rules": list(rules)})})


def report(agreement: dc.Agreement, rows: list, as_of: str) -> dc.Report:
    return dc.evaluate(agreement, validated_events(agreement, rows), as_of=dt.date.fromisoformat(as_of))


def judge(who: str, agreement: dc.Agreement, rows: list, as_of: str) -> dict:
    if who == "pipeline":
        return pipeline_conclusions(report(agreement, rows, as_of))
    return reference_conclusions(agreement, validated_events(agreement, rows), dt.date.fromisoformat(as_of))


def degrees(c: dict) -> list:
    """(rule, status, date, days_late, parts_met, parts_total) of each finding."""
    return sorted((f["rule"], f["status"], f["date"], f["days_late"], f["parts_met"], f["parts_total"])
                  for f in c["findings"])


def scores_of(r: dc.Report, rule: str) -> list:
    return [s.score for s in r.scores if s.rule == rule]


# --- lateness ----------------------------------------------------------------------------------

ON_TIME = [ev("h", "2020-03-09", "handover", "blue")]
LATE_3 = [ev("h", "2020-03-13", "handover", "blue")]    # 10 March + 3 days
LATE_109 = [ev("h", "2020-06-27", "handover", "blue")]  # 10 March + 31 (10 April) + 30 (10 May) + 31 (10 June) + 17


def test_days_late_is_counted_from_the_due_day_on_both_judges(who):
    a = truce(OUT)
    assert degrees(judge(who, a, ON_TIME, "2020-07-31")) == [("out", "met", "2020-03-09", None, None, None)]
    assert degrees(judge(who, a, LATE_3, "2020-07-31")) == [("out", "violation", "2020-03-10", 3, None, None)]
    assert degrees(judge(who, a, LATE_109, "2020-07-31")) == [("out", "violation", "2020-03-10", 109, None, None)]
    # not yet done on the report date: no lateness yet (it is not known how late it will be)
    assert degrees(judge(who, a, LATE_109, "2020-06-26")) == [("out", "violation", "2020-03-10", None, None, None)]


def test_lateness_in_the_reason_and_the_scores_by_the_stated_scale():
    """The month done late scores 2 when at most 7 days late, else 1; the months it stood undone after its day
    score 0; 3 from the month after it was done. Before issue 24: [3, 3, 3, 3, 3] and [0, 0, 0, 3, 3]."""
    a = truce(OUT)
    three, late = report(a, LATE_3, "2020-07-31"), report(a, LATE_109, "2020-07-31")
    assert "met late on 2020-03-13 (h), 3 days after the deadline" in three.findings[0].reason
    assert "met late on 2020-06-27 (h), 109 days after the deadline" in late.findings[0].reason
    # March: done 13 March, 3 days late -> 2; April to July 3
    assert scores_of(three, "out") == [2, 3, 3, 3, 3]
    # March (past 10 March, nothing done by its end) 0, April 0, May 0; June, done 109 days late -> 1; July 3
    assert scores_of(late, "out") == [0, 0, 0, 1, 3]
    # on time: 3 from March, no lateness key in the JSON
    on_time = report(a, ON_TIME, "2020-07-31")
    assert scores_of(on_time, "out") == [3, 3, 3, 3, 3]
    assert "days_late" not in json.loads(on_time.to_json())["findings"][0]


def test_a_week_late_is_still_2_and_eight_days_is_1():
    a = truce(OUT)
    assert scores_of(report(a, [ev("h", "2020-03-17", "handover", "blue")], "2020-03-31"), "out") == [2]  # 7 days
    assert scores_of(report(a, [ev("h", "2020-03-18", "handover", "blue")], "2020-03-31"), "out") == [1]  # 8 days


# --- parts met, and a part no evidence bears on -------------------------------------------------

BLUE_5000 = ev("b1", "2020-03-02", "level", "blue", count=5000)  # bears on blue's part, does not meet it
BLUE_ZERO = ev("b2", "2020-03-08", "level", "blue", count=0)     # meets blue's part on time
GREEN_300 = ev("g1", "2020-03-05", "level", "green", count=300)  # bears on green's part, does not meet it


def test_one_of_two_parts_met_and_the_other_with_no_evidence_is_not_assessed(who):
    """Blue at zero on 8 March (on time); no level event of green at all: green's part is not assessed, and the
    deadline is no violation on its strength -- not assessed as a whole (it was a violation before issue 24)."""
    a = truce(WITHDRAW)
    c = judge(who, a, [BLUE_5000, BLUE_ZERO], "2020-03-20")
    assert c["findings"] == []
    assert c["not_assessed"] == [{"rule": "withdraw", "version": "withdraw", "party": "blue"}]
    # a green level before the commitment started (signed 1 March) shows nothing about after it: still not assessed
    before = ev("g0", "2020-02-20", "level", "green", count=300)
    assert judge(who, a, [before, BLUE_5000, BLUE_ZERO], "2020-03-20")["not_assessed"] == c["not_assessed"]


def test_the_unassessed_part_is_named_with_the_parts_met():
    a = truce(WITHDRAW)
    (why,) = report(a, [BLUE_5000, BLUE_ZERO], "2020-03-20").not_assessed
    assert why.reason == (
        "1 of 2 parts met: green forces at zero: no evidence (no event in the input bears on it on or after "
        "2020-03-01, when it started); the other part met: blue forces at zero: met on 2020-03-08 (b2); whether "
        "the deadline was met cannot be told from missing data.")
    # no score in any month: missing data is not evidence either way
    assert scores_of(report(a, [BLUE_5000, BLUE_ZERO], "2020-03-20"), "withdraw") == [None]


def test_one_of_two_parts_met_and_the_other_unmet_is_a_violation(who):
    """Green's level of 300 on 5 March bears on its part, which is never met: a violation dated 10 March,
    1 of 2 parts met."""
    a = truce(WITHDRAW)
    c = judge(who, a, [BLUE_5000, GREEN_300, BLUE_ZERO], "2020-03-20")
    assert degrees(c) == [("withdraw", "violation", "2020-03-10", None, 1, 2)]
    assert c["not_assessed"] == []


def test_a_part_with_evidence_met_late_keeps_it_a_violation(who):
    """Blue at zero on 12 March, 2 days late, and nothing about green: the deadline was not met by its day
    whatever green did, so it stays a violation (1 of 2 parts met; the deadline itself is not done: no lateness)."""
    a = truce(WITHDRAW)
    rows = [BLUE_5000, ev("b2", "2020-03-12", "level", "blue", count=0)]
    assert degrees(judge(who, a, rows, "2020-03-20")) == [("withdraw", "violation", "2020-03-10", None, 1, 2)]
    reason = report(a, rows, "2020-03-20").findings[0].reason
    assert ("[1 of 2 parts met: blue forces at zero: met on 2020-03-12 (b2); green forces at zero: no evidence, "
            "not assessed]") in reason


def test_before_its_day_a_part_with_no_evidence_is_pending_with_no_evidence_yet(who):
    a = truce(WITHDRAW)
    assert degrees(judge(who, a, [BLUE_5000, BLUE_ZERO], "2020-03-09")) == [
        ("withdraw", "pending", "2020-03-10", None, 1, 2)]
    (pending,) = report(a, [BLUE_5000, BLUE_ZERO], "2020-03-09").findings
    assert "green forces at zero: no evidence yet]" in pending.reason


def test_both_parts_met_late_carry_lateness_and_parts(who):
    """Blue at zero on 8 March, green at zero on 14 March: done on the later, 4 days late, 2 of 2 parts."""
    a = truce(WITHDRAW)
    rows = [BLUE_ZERO, GREEN_300, ev("g2", "2020-03-14", "level", "green", count=0)]
    assert degrees(judge(who, a, rows, "2020-03-20")) == [("withdraw", "violation", "2020-03-10", 4, 2, 2)]


def test_parts_and_lateness_in_every_format():
    a = truce(WITHDRAW)
    r = report(a, [BLUE_5000, GREEN_300, BLUE_ZERO], "2020-03-20")
    shown = "[1 of 2 parts met: blue forces at zero: met on 2020-03-08 (b2); green forces at zero: not met]"
    (f,) = json.loads(r.to_json())["findings"]
    assert (f["parts_met"], f["parts_total"]) == (1, 2) and "days_late" not in f and shown in f["reason"]
    (row,) = list(csv.DictReader(io.StringIO(dc.render(r, "csv"))))
    assert (row["parts_met"], row["parts_total"], row["days_late"]) == ("1", "2", "")
    for fmt in ("text", "md", "html"):
        text = " ".join(dc.render(r, fmt).split())  # the text wraps reasons
        assert "1 of 2 parts met" in text and "green forces at zero: not met" in text, fmt
    late = report(truce(OUT), LATE_3, "2020-03-31")
    (row,) = list(csv.DictReader(io.StringIO(dc.render(late, "csv"))))
    assert (row["days_late"], row["parts_met"]) == ("3", "")
    assert json.loads(late.to_json())["findings"][0]["days_late"] == 3
    for fmt in ("text", "md", "html"):
        assert "3 days after the deadline" in " ".join(dc.render(late, fmt).split()), fmt
    schema = json.loads(resources.files("doha_compliance").joinpath("schemas/report.schema.json").read_text("utf-8"))
    for one in (r, late):  # the published report schema knows the new keys
        jsonschema.Draft202012Validator(schema).validate(json.loads(one.to_json()))


def test_what_bears_on_a_part_is_its_condition_without_the_tests_on_numbers():
    assert conditions.without_numbers({"type": "level", "actor": "green", "count": 0}) == {
        "type": "level", "actor": "green"}
    assert conditions.without_numbers({"type": "level", "count": {"at_most": 8600, "not": "x"}}) == {
        "type": "level", "count": {"not": "x"}}
    # an alternative that only tested numbers always holds, so the `any:` is left out
    assert conditions.without_numbers({"type": "level", "any": [{"count": 0}, {"actor": "red"}]}) == {
        "type": "level"}
    assert conditions.without_numbers({"count": [1, 2]}) == {}


def test_a_deadline_not_assessed_for_a_part_is_not_assessed_in_links_and_triggers_too(who):
    """Withdraw is not assessed (green's part: no evidence). What starts when it is fulfilled cannot be told to
    have started: not assessed too (§5.2 addendum 4), not `not_triggered`; a linked act's finding shows it
    not assessed on its date -- on both judges."""
    after = dict(BASE, id="after", party="red", title="After the withdrawal", due={"from": "trigger", "days": 5},
                 starts_when={"rule": "withdraw"}, fulfilled_by={"when": {"type": "note", "actor": "$party"}})
    quiet = {"id": "quiet", "party": "red", "title": "No handovers", "source": "test", "basis": "public_text",
             "kind": "prohibited", "when": {"type": "handover", "actor": "$party"}, "linked": ["withdraw"]}
    a = truce(WITHDRAW, after, quiet)
    c = judge(who, a, [BLUE_5000, BLUE_ZERO, ev("q", "2020-03-15", "handover", "red")], "2020-03-20")
    assert c["not_assessed"] == [{"rule": "withdraw", "version": "withdraw", "party": "blue"},  # canonical order
                                 {"rule": "after", "version": "after", "party": "red"}]
    (act,) = c["findings"]
    assert (act["rule"], act["status"]) == ("quiet", "violation")
    assert act["linked"] == [{"rule": "withdraw", "party": "blue", "status": "not_assessed", "since": None}]
