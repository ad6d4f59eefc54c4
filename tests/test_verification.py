"""Verification as evidence (issues 25 and 26, SPEC §5.12): a part of a deadline that a monitor must
verify, declarations and verifications, a monitor that also owes — each reasoned by hand on a small
invented agreement, checked on the pipeline and on the reference judge alike.

The agreement: blue and green signed. `watch` monitors; `usmon` is declared a monitor and also owes a
commitment (hosting talks), which it "verifies" itself. Each side pulls back by 15 January 2020, verified
by watch; blue releases prisoners within 5 days of the first pull-back fulfilled; usmon hosts talks by
20 January, verified by usmon (its own word: never counted).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
import yaml
from conftest import ev

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.errors import RuleSetError
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.rules.verification import monitor_party_warnings
from doha_compliance.testing import validated_events

AGREEMENT: Dict[str, Any] = {"agreement": {
    "id": "verify", "title": "Verify", "signed": "2020-01-01",
    "parties": {"blue": "Blue", "green": "Green", "watch": "The monitoring mission", "usmon": "A member state"},
    "event_types": ["pullback", "release", "talks", "verification", "strike", "dismantling"],
    "signatories": ["blue", "green"], "monitors": ["watch"],
    "claimants": {"usmon": {"role": "monitor"}},
}}
RULES: List[Dict[str, Any]] = [
    {"id": "pullback", "party": ["blue", "green"], "title": "Heavy weapons pulled back", "source": "art. 1",
     "basis": "public_text", "kind": "deadline", "due": "2020-01-15",
     "fulfilled_by": {"when": {"type": "pullback", "actor": "$party"}, "verified_by": "watch"}},
    {"id": "release", "party": "blue", "title": "Prisoners released", "source": "art. 2", "basis": "public_text",
     "kind": "deadline", "starts_when": {"rule": "pullback"}, "due": {"from": "trigger", "days": 5},
     "fulfilled_by": {"when": {"type": "release", "actor": "$party"}}},
    {"id": "host", "party": "usmon", "title": "Talks hosted", "source": "art. 3", "basis": "public_text",
     "kind": "deadline", "due": "2020-01-20",
     "fulfilled_by": {"when": {"type": "talks", "actor": "$party"}, "verified_by": "usmon"}},
    {"id": "strikes.none", "party": ["blue", "usmon"], "title": "No strikes", "source": "art. 4",
     "basis": "public_text", "kind": "prohibited", "when": {"type": "strike", "actor": "$party"}},
    {"id": "dismantle", "party": "green", "title": "Sites dismantled", "source": "art. 5", "basis": "public_text",
     "kind": "deadline", "due": "2020-01-31",
     "fulfilled_by": {"when": {"type": "dismantling", "actor": "$party"}, "percent_at_least": 100}},
    {"id": "handover", "party": "blue", "title": "Sites handed over", "source": "art. 6", "basis": "public_text",
     "kind": "deadline", "due": "2020-01-31",
     "fulfilled_by": {"when": {"type": "dismantling", "actor": "$party"}, "verified_by": "watch",
                      "percent_at_least": 90}},
]


def _agreement(rules: List[Dict[str, Any]] = RULES) -> dc.Agreement:
    return load_rules_from_texts({"agreement.yaml": yaml.safe_dump(AGREEMENT),
                                  "rules.yaml": yaml.safe_dump({"rules": rules})})


@pytest.fixture(scope="module")
def agreement() -> dc.Agreement:
    return _agreement()


def _both(agreement: dc.Agreement, rows: List[dict], as_of: str) -> dc.Report:
    """The pipeline's report, after checking the reference judge concludes the same."""
    events = validated_events(agreement, rows)
    day = dt.date.fromisoformat(as_of)
    report = dc.evaluate(agreement, events, as_of=day)
    assert pipeline_conclusions(report) == reference_conclusions(agreement, events, day)
    return report


def _finding(report: dc.Report, finding_id: str) -> dc.Finding:
    return next(f for f in report.findings if f.id == finding_id)


# blue declares its pull-back on 10 January (its own account); watch verifies it on 20 January, after the
# due day, from two sources.
DECLARED = ev("d1", "2020-01-10", "pullback", "blue", own_account=True)
VERIFIED = ev("v1", "2020-01-20", "verification", "watch", verifies=["d1"], source_count=2)


def test_declared_then_verified_after_the_due_day(agreement):
    # 12 January: not yet due, declared, not verified: pending on its day, nothing counted yet
    early = _finding(_both(agreement, [DECLARED], "2020-01-12"), "pullback/blue/2020-01-15")
    assert (early.status, early.date, early.evidence) == ("pending", dt.date(2020, 1, 15), ())
    assert early.verification == "Declared on 2020-01-10 (d1), not yet verified by watch"
    # 17 January: the day passed, declared on time, not verified: the input cannot settle it
    open_ = _finding(_both(agreement, [DECLARED], "2020-01-17"), "pullback/blue/2020-01-15")
    assert (open_.status, open_.date) == ("unresolved", dt.date(2020, 1, 15))
    assert open_.verification == ("Declared on 2020-01-10 (d1), not verified by watch by the due date 2020-01-15 "
                                  "nor by the report date")
    # 25 January: verified on the 20th: met on the day declared (DECISION), citing both; rests on the
    # verification (two sources: high), not on blue's own account
    report = _both(agreement, [DECLARED, VERIFIED], "2020-01-25")
    met = _finding(report, "pullback/blue/2020-01-15")
    assert (met.status, met.date, met.evidence, met.days_late) == ("met", dt.date(2020, 1, 10), ("d1", "v1"), None)
    assert met.verification == "Declared on 2020-01-10 (d1), verified on 2020-01-20 by watch (v1)"
    assert (met.confidence, met.confidence_reasons) == ("high", ("2 independent sources",))
    # the release counts from the day the pull-back was known done (the verification): due 25 January
    release = _finding(report, "release/blue/2020-01-25")
    assert (release.status, release.due) == ("pending", dt.date(2020, 1, 25))
    # green declared nothing: a violation on its day, and the report says what was needed
    green = _finding(report, "pullback/green/2020-01-15")
    assert (green.status, green.verification) == ("violation", "Nothing declared; verification by watch required")


def test_a_verification_before_the_declaration_does_not_count(agreement):
    early = ev("v0", "2020-01-08", "verification", "watch", verifies=["d1"])
    f = _finding(_both(agreement, [early, DECLARED], "2020-01-17"), "pullback/blue/2020-01-15")
    assert f.status == "unresolved"


def test_verified_incomplete_then_complete(agreement):
    incomplete = ev("v2", "2020-01-14", "verification", "watch", verifies=["d1"], finds="incomplete")
    # 17 January: found incomplete on the 14th, nothing else: not met, its day passed: a violation
    f = _finding(_both(agreement, [DECLARED, incomplete], "2020-01-17"), "pullback/blue/2020-01-15")
    assert (f.status, f.evidence) == ("violation", ())
    assert f.verification == "Declared on 2020-01-10 (d1), verified incomplete on 2020-01-14 by watch (v2)"
    # found complete on the 20th: done on the 20th (the declaration was not true on the 10th), 5 days late
    f = _finding(_both(agreement, [DECLARED, incomplete, VERIFIED], "2020-01-25"), "pullback/blue/2020-01-15")
    assert (f.status, f.date, f.days_late, f.evidence) == ("violation", dt.date(2020, 1, 15), 5, ("d1", "v1"))
    assert f.verification == ("Declared on 2020-01-10 (d1), verified on 2020-01-20 by watch (v1), after finding "
                              "it incomplete on 2020-01-14 (v2)")


def test_verified_by_on_the_declaration_itself(agreement):
    same_day = ev("d2", "2020-01-12", "pullback", "green", verified_by="watch")
    f = _finding(_both(agreement, [same_day], "2020-01-25"), "pullback/green/2020-01-15")
    assert (f.status, f.date, f.evidence) == ("met", dt.date(2020, 1, 12), ("d2",))
    assert f.verification == "Declared on 2020-01-12 (d2), verified on 2020-01-12 by watch (d2)"


def test_a_monitor_that_owes_does_not_verify_itself(agreement):
    talks = ev("t1", "2020-01-10", "talks", "usmon", verified_by="usmon")
    f = _finding(_both(agreement, [talks], "2020-01-25"), "host/usmon/2020-01-20")
    assert f.status == "unresolved"
    assert f.verification == ("Declared on 2020-01-10 (t1), not verified by usmon — also a party to this agreement "
                              "by the due date 2020-01-20 nor by the report date; usmon's verification of its own "
                              "act settles nothing")
    assert monitor_party_warnings(agreement) == [
        "warning: usmon is a monitor of this agreement and also owes host, strikes.none: its verification of its own acts settles "
        "nothing, and the report says it is also a party wherever its verification is cited"]


def test_an_unresolved_deadline_reads_unresolved_in_links(agreement):
    # the release (not triggered: nothing pulled back) is dated the report date, 25 January; on that day the
    # hosting, declared on time and never verified by anyone who counts, is unresolved since its day
    linked = _agreement([RULES[0], dict(RULES[1], linked=["host"]), RULES[2]])
    report = _both(linked, [ev("t1", "2020-01-10", "talks", "usmon", verified_by="usmon")], "2020-01-25")
    f = _finding(report, "release/blue/not-triggered")
    assert [(x.rule, x.party, x.status, x.since) for x in f.linked] == [
        ("host", "usmon", "unresolved", dt.date(2020, 1, 20))]


@pytest.mark.parametrize("row, field, phrase", [
    (ev("x", "2020-01-10", "verification", "blue", verifies=["d1"]), "verifies", "blue is not a monitor"),
    (ev("x", "2020-01-10", "verification", "watch", verifies=[]), "verifies", "at least one event id"),
    (ev("x", "2020-01-10", "verification", "watch", verifies=["d1"], finds="partly"), "finds", "complete or incomplete"),
    (ev("x", "2020-01-10", "pullback", "blue", finds="complete"), "finds", "give it with verifies"),
    (ev("x", "2020-01-10", "pullback", "blue", verified_by="green"), "verified_by", "green is not a monitor"),
    (ev("x", "2020-01-10", "strike", "blue", observed_by="nobody"), "observed_by", "nobody is not a monitor"),
    (ev("x", "2020-01-10", "pullback", "blue", percent=120), "percent", "from 0 to 100"),
    (ev("x", "2020-01-10", "pullback", "blue", percent="most"), "percent", "from 0 to 100"),
])
def test_bad_verification_fields_are_rejected(agreement, row, field, phrase):
    _, rejected, _ = collect(agreement, [row])
    assert [(r.field, phrase in r.reason) for r in rejected] == [(field, True)]


def test_verification_fields_are_read_in_one_form(agreement):
    events, rejected, _ = collect(agreement, [ev("x", "2020-01-10", "verification", "watch", verifies="d1; d2",
                                                 finds=" Incomplete ", percent="90 %")])
    assert not rejected
    assert (events[0].extra["verifies"], events[0].extra["finds"], events[0].extra["percent"]) == (
        ["d1", "d2"], "incomplete", 90)


@pytest.mark.parametrize("part, phrase", [
    ({"when": {"type": "pullback", "actor": "$party"}, "verified_by": "green"}, "'green' is not a monitor"),
    ({"when": {"type": "pullback", "actor": "$party"}, "verified_by": "watch", "total_of": "count"},
     "cannot add up total_of"),
    ({"when": {"type": "pullback", "actor": "$party"}, "percent_at_least": 90, "total_of": "count"},
     "cannot be combined with total_of"),
    ({"when": {"type": "pullback", "actor": "$party"}, "percent_at_least": 101}, "percent_at_least"),
])
def test_a_part_verified_by_a_non_monitor_is_refused(part, phrase):
    with pytest.raises(RuleSetError) as raised:
        _agreement([dict(RULES[0], fulfilled_by=part)])
    assert phrase in str(raised.value)


def test_every_format_shows_the_verification(agreement):
    report = _both(agreement, [DECLARED, VERIFIED], "2020-01-25")
    said = "verified on 2020-01-20 by watch (v1)"
    for fmt in ("text", "md", "html", "csv", "json"):
        out = dc.render(report, fmt)
        assert said in (out.replace("\n" + " " * 18, " ") if fmt == "text" else out), fmt
    data = report.to_dict()
    met = next(f for f in data["findings"] if f["id"] == "pullback/blue/2020-01-15")
    assert met["verification"] == "Declared on 2020-01-10 (d1), " + said
    # a finding with nothing to verify has no such key (JSON keys stable)
    assert all("verification" not in f for f in data["findings"] if f["rule"] == "release")


def test_an_act_a_monitor_observed_rates_above_the_partys_own_account(agreement):
    # s1: blue's strike known only from blue's own account: an admission, medium. s2: the same, observed by
    # watch: the monitor saw it, high. s3: usmon's strike "observed" by usmon itself: its own account, medium.
    rows = [ev("s1", "2020-01-05", "strike", "blue", own_account=True),
            ev("s2", "2020-01-06", "strike", "blue", own_account=True, observed_by="watch"),
            ev("s3", "2020-01-07", "strike", "usmon", own_account=True, observed_by="usmon")]
    report = _both(agreement, rows, "2020-01-10")
    got = {f.evidence[0]: (f.status, f.confidence, f.confidence_reasons) for f in report.findings
           if f.rule == "strikes.none"}
    assert got == {"s1": ("violation", "medium", ("only blue's own account (an admission)",)),
                   "s2": ("violation", "high", ("observed by watch (monitor)",)),
                   "s3": ("violation", "medium", ("only usmon's own account (an admission)",))}
    # the monitor that saw it is cited beside the act in the reason, so every format shows it (issue 26)
    reasons = {f.evidence[0]: f.reason for f in report.findings if f.rule == "strikes.none"}
    assert reasons["s2"].endswith(" [observed by watch]") and "observed by" not in reasons["s1"]


def test_rules_check_warns_about_a_monitor_that_owes_and_passes(tmp_path):
    from conftest import run_main
    (tmp_path / "agreement.yaml").write_text(yaml.safe_dump(AGREEMENT))
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"rules": RULES}))
    result = run_main("rules", "check", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == monitor_party_warnings(_agreement())


def test_a_running_percentage_meets_a_part_when_it_reaches_it(agreement):
    # green states 60 % on the 10th, 100 % on the 20th: pending on the 15th (60 % shown), met on the 20th
    rows = [ev("g1", "2020-01-10", "dismantling", "green", percent=60),
            ev("g2", "2020-01-20", "dismantling", "green", percent="100 %")]
    f = _finding(_both(agreement, rows[:1], "2020-01-15"), "dismantle/green/2020-01-31")
    assert (f.status, f.evidence) == ("pending", ())
    assert "Progress: 60 % of at least 100 %, as stated on 2020-01-10 (g1)." in f.reason
    f = _finding(_both(agreement, rows, "2020-01-25"), "dismantle/green/2020-01-31")
    assert (f.status, f.date, f.evidence) == ("met", dt.date(2020, 1, 20), ("g2",))


def test_a_verified_percentage_is_the_monitors(agreement):
    # blue declares 95 % on the 10th; watch finds 80 % on the 12th (below 90: incomplete), 92 % on the 18th:
    # done on the 18th, the day the monitor found it reached (after finding it short)
    rows = [ev("b1", "2020-01-10", "dismantling", "blue", percent=95),
            ev("w1", "2020-01-12", "verification", "watch", verifies="b1", percent=80),
            ev("w2", "2020-01-18", "verification", "watch", verifies="b1", percent=92)]
    f = _finding(_both(agreement, rows[:2], "2020-01-15"), "handover/blue/2020-01-31")
    assert (f.status, f.evidence) == ("pending", ())
    assert f.verification == "Declared on 2020-01-10 (b1), verified incomplete on 2020-01-12 by watch (w1)"
    assert "Progress: 80 % of at least 90 %, as verified on 2020-01-12 (w1)." in f.reason
    f = _finding(_both(agreement, rows, "2020-01-25"), "handover/blue/2020-01-31")
    assert (f.status, f.date, f.evidence) == ("met", dt.date(2020, 1, 18), ("b1", "w2"))
    assert f.verification == ("Declared on 2020-01-10 (b1), verified on 2020-01-18 by watch (w2), after finding "
                              "it incomplete on 2020-01-12 (w1)")


def test_an_unattributed_act_a_monitor_observed_is_listed_naming_it(agreement):
    # a strike by no one identified, seen by watch: judged as no one's (strikes.none would bear on blue and
    # usmon were either its actor), listed under Acts nobody claimed with watch named, in every format
    report = _both(agreement, [ev("u1", "2020-01-05", "strike", "unknown", observed_by="watch")], "2020-01-10")
    assert [(u.event, u.bears_on, u.observed_by) for u in report.unattributed] == [
        ("u1", (("strikes.none", "blue"), ("strikes.none", "usmon")), "watch")]
    assert not [f for f in report.findings if f.rule == "strikes.none" and f.evidence]
    for fmt in ("text", "md", "html", "csv", "json"):
        out = dc.render(report, fmt, table="unattributed" if fmt == "csv" else None)
        said = {"csv": ",watch", "json": '"observed_by": "watch"'}.get(fmt, "observed by watch, monitor")
        assert said in out, fmt
