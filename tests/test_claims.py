"""Claims weighed against the evidence: expectations reasoned by hand from the Doha rules.

`claims.accusation` looks back 30 days (the claim's own day and the day 30 days before both
count) at the findings for the accused party, for the rule the claim invokes (or any rule),
in the claim's province when it names one — a finding that names no province (a deadline)
is reached from every province. Violations corroborate; justified acts or met deadlines
contradict; nothing leaves the claim uncorroborated. The engine and the reference share this
code, so only examples like these can catch a bug in it.
"""
from __future__ import annotations

import datetime as dt

import doha_compliance as dc

from conftest import D, ev


def _claim(report: dc.Report, event_id: str = "claim") -> dc.Claim:
    return next(c for c in report.claims if c.event == event_id)


def _strike(id: str, date: str, province: str) -> dict:
    return ev(id, date, "airstrike", "us", target="taliban", province=province)  # no Taliban attack anywhere: a violation


def test_a_claim_naming_another_province_is_not_corroborated(doha):
    rows = [_strike("s1", "2020-10-01", "Wardak"),
            ev("claim", "2020-10-05", "allegation", "taliban", accused="us", province="Zabul")]
    claim = _claim(dc.evaluate(doha, rows))
    assert claim.assessment == "uncorroborated" and claim.findings == ()


def test_a_claim_naming_the_province_or_none_is_corroborated(doha):
    for province in ("Wardak", None):
        extra = {"province": province} if province else {}
        rows = [_strike("s1", "2020-10-01", "Wardak"),
                ev("claim", "2020-10-05", "allegation", "taliban", accused="us", **extra)]
        claim = _claim(dc.evaluate(doha, rows))
        assert claim.assessment == "corroborated" and claim.findings == ("strikes.defensive_only/us/s1",)


def test_the_lookback_reaches_exactly_thirty_days_back(doha):
    # 2020-10-12 minus 30 days is 2020-09-12: a strike that day is inside, the day before is not.
    inside = [_strike("s1", "2020-09-12", "Zabul"),
              ev("claim", "2020-10-12", "allegation", "taliban", accused="us", province="Zabul")]
    outside = [_strike("s1", "2020-09-11", "Zabul"),
               ev("claim", "2020-10-12", "allegation", "taliban", accused="us", province="Zabul")]
    assert _claim(dc.evaluate(doha, inside)).assessment == "corroborated"
    assert _claim(dc.evaluate(doha, outside)).assessment == "uncorroborated"


def test_a_met_deadline_contradicts_a_claim(doha):
    # 8,600 troops on 18 June: phase one met (due 13 July). A Taliban allegation of 10 July that the
    # US breached phase one is answered by that finding, which names no province: it reaches Kabul.
    rows = [ev("troops", "2020-06-18", "troop_level", "us", count=8600),
            ev("claim", "2020-07-10", "allegation", "taliban", accused="us", rule="withdrawal.phase_one",
               province="Kabul")]
    report = dc.evaluate(doha, rows, as_of=D("2020-07-31"))
    claim = _claim(report)
    assert claim.assessment == "contradicted"
    assert claim.findings == ("withdrawal.phase_one/us/2020-07-13",)
    assert "was met on 2020-06-18, by its date 2020-07-13" in claim.reason  # weighed against the deadline itself
    alleged = [f for f in report.findings if f.status == "alleged"]
    assert [(f.rule, f.party, f.evidence) for f in alleged] == [("withdrawal.phase_one", "us", ("claim", "troops"))]


def test_justified_and_met_do_not_contradict_a_claim_that_names_no_rule(doha):
    # issue 24: a claim naming no rule does not say what it asserts, so findings that answer other
    # questions (a strike answered an attack; troops were cut) cannot contradict it: not testable.
    rows = [ev("attack", "2020-06-20", "attack", "taliban", target="afghan_forces", province="Helmand"),
            ev("strike", "2020-06-21", "airstrike", "us", target="taliban", province="Helmand"),
            ev("troops", "2020-06-22", "troop_level", "us", count=8600),
            ev("claim", "2020-06-25", "allegation", "taliban", accused="us")]
    claim = _claim(dc.evaluate(doha, rows, as_of=D("2020-07-31")))
    assert claim.assessment == "not_testable"
    assert claim.reason.startswith("not testable by these rules (strikes.defensive_only tests: ")
    assert claim.findings == ("strikes.defensive_only/us/strike", "withdrawal.phase_one/us/2020-07-13")
    assert "the 2 acts found for any rule owed by us" in claim.reason and "judged justified/met" in claim.reason


def test_a_violation_outweighs_answers_in_the_same_window(doha):
    rows = [ev("troops", "2020-06-18", "troop_level", "us", count=8600),
            _strike("s1", "2020-06-20", "Zabul"),
            ev("claim", "2020-06-25", "allegation", "taliban", accused="us")]
    claim = _claim(dc.evaluate(doha, rows, as_of=D("2020-07-31")))
    assert claim.assessment == "corroborated" and claim.findings == ("strikes.defensive_only/us/s1",)


def test_a_claim_lists_the_latest_twenty_across_provinces_and_deadlines(doha):
    # 25 unjustified strikes in Zabul, 20 June .. 14 July (s23 on 13 July), and phase one missed
    # (9,000 troops only): its violation is dated 13 July, cites no event (its id ends with the due date), names no province, and sorts after s23
    # (same date; rule 'strikes...' < 'withdrawal...'). 26 violations reach the claim of 15 July in
    # Zabul; the latest 20 are s06 .. s23, the deadline, s24.
    rows = [_strike(f"s{i:02d}", (D("2020-06-20") + dt.timedelta(days=i)).isoformat(), "Zabul") for i in range(25)]
    rows += [ev("troops", "2020-06-01", "troop_level", "us", count=9000),
             ev("claim", "2020-07-15", "allegation", "taliban", accused="us", province="Zabul")]
    report = dc.evaluate(doha, rows, as_of=D("2020-07-31"))
    claim = _claim(report)
    strikes = [f"strikes.defensive_only/us/s{i:02d}" for i in range(6, 25)]
    assert claim.findings == tuple(strikes[:18] + ["withdrawal.phase_one/us/2020-07-13"] + strikes[18:])
    assert "26 violations" in claim.reason and "the latest 20 listed" in claim.reason
    cited = {f.id for f in report.findings if f.claims == ("claim",)}
    assert cited == set(claim.findings)


def test_findings_of_one_day_are_listed_in_report_order_whatever_their_province():
    # An invented agreement whose deadline's id sorts before the prohibition's: on 10 June the
    # missed deadline (no province) comes before the shelling in the north, as in the report.
    from doha_compliance.rules.loader import load_rules_from_texts
    from doha_compliance.testing import SMALL, agreement_texts
    rules = [
        {"id": "a.deadline", "party": "blue", "title": "Hand over", "source": "art. 1", "basis": "public_text",
         "kind": "deadline", "due": "2020-01-10", "fulfilled_by": {"when": {"type": "level", "actor": "$party"}},
         "covered_by": {"type": "level"}},
        {"id": "b.no_attack", "party": "blue", "title": "No attacks", "source": "art. 2", "basis": "public_text",
         "kind": "prohibited", "when": {"type": "attack", "actor": "$party"}},
        {"id": "c.claims", "party": ["blue", "green"], "title": "Claims", "source": "stream", "basis": "reported",
         "kind": "claim", "when": {"type": "claim", "accused": "$party"}, "lookback_days": 30},
    ]
    agreement = load_rules_from_texts(agreement_texts(rules, SMALL))
    rows = [ev(f"b{i}", f"2020-01-{8 + i:02d}", "attack", "blue", province="north") for i in range(5)]
    rows += [ev("cover", "2020-01-02", "level", "green"),
             ev("claim", "2020-01-15", "claim", "green", accused="blue", province="north")]
    claim = _claim(dc.evaluate(agreement, rows, as_of=D("2020-01-20")))
    assert claim.findings == ("b.no_attack/blue/b0", "b.no_attack/blue/b1", "a.deadline/blue/2020-01-10",
                              "b.no_attack/blue/b2", "b.no_attack/blue/b3", "b.no_attack/blue/b4")
