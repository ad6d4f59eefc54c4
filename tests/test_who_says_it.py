"""Who says it (issue 24, SPEC §5.7): claimant roles, `about:`, a monitor's report settling an
unresolved act, and claim labels that do not over-reach — each reasoned by hand on a small invented
agreement, checked on the pipeline and on the reference judge alike.

The agreement: blue and green signed. `watch` monitors; `audit` is an oversight body of green (an
inspector general); `paper` is the media; `blue_ministry` is part of blue. Blue may strike only in
answer to an attack on it (7 days); green may not attack; green owes "no ties to armed groups", which no
event type records (claimable); claims accuse a signatory, with a 30-day lookback.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
import yaml
from conftest import ev

import doha_compliance as dc
from doha_compliance.errors import RuleSetError
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import validated_events

AGREEMENT: Dict[str, Any] = {"agreement": {
    "id": "roles", "title": "Roles", "signed": "2020-01-01",
    "parties": {"blue": "Blue", "green": "Green", "watch": "The monitoring mission", "audit": "Green's inspector",
                "paper": "A newspaper", "blue_ministry": "Blue's ministry of defence"},
    "event_types": ["attack", "strike", "claim", "note"],
    "signatories": ["blue", "green"], "monitors": ["watch"],
    "claimants": {"audit": {"role": "oversight", "part_of": "green"}, "paper": {"role": "media"},
                  "blue_ministry": {"role": "party", "part_of": "blue"}},
}}
LIMIT_TITLE = "Strikes only in answer to an attack on blue"
RULES = [
    {"id": "strikes.limit", "party": "blue", "title": LIMIT_TITLE, "source": "art. 1", "basis": "public_text",
     "kind": "conditional", "when": {"type": "strike", "actor": "$party"},
     "justified_by": {"when": {"type": "attack", "target": "$party"}, "within_days": 7},
     "linked": ["attacks.none"]},  # so that links and "who defaulted first" follow a settled act
    {"id": "attacks.none", "party": "green", "title": "No attacks", "source": "art. 2", "basis": "public_text",
     "kind": "prohibited", "when": {"type": "attack", "actor": "$party"}},
    {"id": "ties.none", "party": "green", "title": "No ties to armed groups", "source": "art. 3",
     "basis": "public_text", "kind": "claimable"},
    {"id": "claims", "party": ["blue", "green"], "title": "Claims", "source": "the parties", "basis": "reported",
     "kind": "claim", "when": {"type": "claim", "accused": "$party"}, "lookback_days": 30},
]


def _agreement(**changes: Any) -> dc.Agreement:
    data = {"agreement": {**AGREEMENT["agreement"], **changes}}
    return load_rules_from_texts({"agreement.yaml": yaml.safe_dump(data),
                                  "rules.yaml": yaml.safe_dump({"rules": RULES})})


@pytest.fixture(scope="module")
def roles() -> dc.Agreement:
    return _agreement()


def _both(agreement: dc.Agreement, rows: List[dict], as_of: str) -> dc.Report:
    """The pipeline's report, after checking the reference judge concludes the same."""
    events = validated_events(agreement, rows)
    day = dt.date.fromisoformat(as_of)
    report = dc.evaluate(agreement, events, as_of=day)
    assert pipeline_conclusions(report) == reference_conclusions(agreement, events, day)
    return report


def _claim(report: dc.Report, event_id: str) -> dc.Claim:
    return next(c for c in report.claims if c.event == event_id)


def _finding(report: dc.Report, finding_id: str) -> dc.Finding:
    return next(f for f in report.findings if f.id == finding_id)


def _alleged(report: dc.Report) -> List[str]:
    return [f.id for f in report.findings if f.status == "alleged"]


# A strike by blue on 5 January, with blue's own reason and no attack on blue before it: unresolved.
STRIKE = ev("s1", "2020-01-05", "strike", "blue", stated_justification="in response to violations")
ATTACK = ev("a1", "2020-01-03", "attack", "green", target="blue")  # makes a strike on 5 January justified


def test_roles_are_declared_and_defaulted(roles):
    assert [roles.role(n) for n in ("blue", "green", "watch", "audit", "paper", "blue_ministry")] == [
        "party", "party", "monitor", "oversight", "media", "party"]
    assert roles.part_of("audit") == "green" and roles.part_of("blue_ministry") == "blue"
    # independent of the accused: a third party not part of it; a party's word never is
    assert roles.independent("audit", "blue") and not roles.independent("audit", "green")
    assert roles.independent("watch", "green") and roles.independent("paper", "blue")
    assert not roles.independent("green", "blue") and not roles.independent("blue_ministry", "green")


@pytest.mark.parametrize("changes, message", [
    ({"claimants": {"blue": {"role": "monitor"}}}, "blue signed the agreement: a signatory's role is party"),
    ({"claimants": {"nobody": {"role": "media"}}}, "'nobody' is not one of the parties"),
    ({"claimants": {"audit": {"role": "oversight", "part_of": "greem"}}}, "part_of 'greem' is not one of the parties"),
    ({"claimants": {"watch": {"role": "party"}}}, "watch is listed in monitors: its role cannot be party"),
    ({"claimants": {"paper": {"role": "blogger"}}}, "claimants"),
])
def test_a_bad_claimants_declaration_is_refused_with_where(changes, message):
    with pytest.raises(RuleSetError) as raised:
        _agreement(**changes)
    assert message in str(raised.value)


def test_a_partys_claim_is_weighed_and_stays_an_allegation(roles):
    # green accuses blue's unjustified strike (no stated reason) under the rule: corroborated, no allegation.
    # green's second claim, 40 days later, finds nothing in its 30 days: uncorroborated, an `alleged` finding.
    rows = [ev("s2", "2020-01-05", "strike", "blue"),
            ev("c1", "2020-01-06", "claim", "green", accused="blue", rule="strikes.limit"),
            ev("c2", "2020-02-15", "claim", "green", accused="blue", rule="strikes.limit")]
    report = _both(roles, rows, "2020-03-01")
    c1, c2 = _claim(report, "c1"), _claim(report, "c2")
    assert (c1.assessment, c1.claimant_role, c1.independent, c1.findings) == (
        "corroborated", "party", False, ("strikes.limit/blue/s2",))
    assert (c2.assessment, c2.claimant_role, c2.independent) == ("uncorroborated", "party", False)
    assert _alleged(report) == ["strikes.limit/blue/c2"]
    assert c1.to_dict()["independent"] is False and "about" not in c1.to_dict()


def test_a_monitors_report_turns_an_unresolved_act_into_a_violation(roles):
    # Without the report: blue's strike is unresolved (its own reason, no attack before it).
    assert _finding(_both(roles, [STRIKE], "2020-03-01"), "strikes.limit/blue/s1").status == "unresolved"
    # The monitor reports that very act as a breach 55 days later (past the 30-day lookback): `about` reaches it.
    report_row = ev("r1", "2020-02-29", "claim", "watch", accused="blue", about=["s1"])
    green_attack = ev("g1", "2020-01-20", "attack", "green", target="blue")  # linked: shows blue's status then
    report = _both(roles, [STRIKE, green_attack, report_row], "2020-03-01")
    f = _finding(report, "strikes.limit/blue/s1")
    assert (f.status, f.evidence, f.claims) == ("violation", ("s1", "r1"), ("r1",))  # kept till the report cites it
    assert f.reason.endswith("Reported as a breach by watch (monitor) on 2020-02-29 (r1): violation.")
    r1 = _claim(report, "r1")
    assert (r1.assessment, r1.claimant_role, r1.independent, r1.about, r1.findings) == (
        "corroborated", "monitor", True, ("s1",), ("strikes.limit/blue/s1",))
    assert _alleged(report) == []  # a monitor's report is never a party's allegation
    assert r1.to_dict()["about"] == ["s1"]
    # links and who defaulted first follow the settled act: a violation since 5 January, blue first
    g1 = _finding(report, "attacks.none/green/g1")
    assert [link.describe() for link in g1.linked] == ["strikes.limit (blue): violation since 2020-01-05"]
    assert [(d.party, d.date, d.finding) for d in report.defaults[0].parties] == [
        ("blue", dt.date(2020, 1, 5), "strikes.limit/blue/s1"),
        ("green", dt.date(2020, 1, 20), "attacks.none/green/g1")]


def test_a_report_naming_another_rule_or_dated_before_the_act_settles_nothing(roles):
    for row in (ev("r1", "2020-02-29", "claim", "watch", accused="blue", about=["s1"], rule="attacks.none"),
                ev("r1", "2020-01-04", "claim", "watch", accused="blue", about="s1")):
        report = _both(roles, [STRIKE, row], "2020-03-01")
        assert _finding(report, "strikes.limit/blue/s1").status == "unresolved"


def test_a_partys_own_statement_never_settles_its_own_act(roles):
    # blue's ministry (part of blue) "reports" its own strike: a party's word, it settles nothing.
    own = ev("m1", "2020-01-20", "claim", "blue_ministry", accused="blue", about=["s1"])
    report = _both(roles, [STRIKE, own], "2020-03-01")
    assert _finding(report, "strikes.limit/blue/s1").status == "unresolved"
    m1 = _claim(report, "m1")
    assert (m1.claimant_role, m1.claimant_part_of, m1.independent, m1.assessment) == (
        "party", "blue", False, "uncorroborated")
    # and once a monitor has reported it as a breach, blue's later statement does not change it back
    monitor = ev("r1", "2020-01-10", "claim", "watch", accused="blue", about=["s1"])
    report = _both(roles, [STRIKE, monitor, own], "2020-03-01")
    assert _finding(report, "strikes.limit/blue/s1").status == "violation"


def test_an_oversight_report_is_weighed_but_settles_no_act(roles):
    # audit is green's inspector: independent of blue, and named with the party it is part of. Only a
    # monitor settles an unresolved act (DECISION), so blue's strike stays unresolved and the report
    # about it is uncorroborated, citing it; it is a report, never an allegation.
    row = ev("o1", "2020-02-29", "claim", "audit", accused="blue", about=["s1"])
    report = _both(roles, [STRIKE, row], "2020-03-01")
    assert _finding(report, "strikes.limit/blue/s1").status == "unresolved"
    o1 = _claim(report, "o1")
    assert (o1.claimant_role, o1.claimant_part_of, o1.independent, o1.assessment, o1.findings) == (
        "oversight", "green", True, "uncorroborated", ("strikes.limit/blue/s1",))
    assert _alleged(report) == []
    text = dc.render(report, "text")
    assert "audit (oversight, part of green; independent) reports on blue" in text


def test_a_media_report_about_a_justified_strike_is_contradicted_only_under_the_rule_it_names(roles):
    # The strike answers green's attack two days before it: justified. A report naming strikes.limit is
    # answered by that rule (contradicted); one naming no rule (say, about hospitals) is not testable by it.
    strike = ev("s1", "2020-01-05", "strike", "blue")
    named = ev("p1", "2020-01-06", "claim", "paper", accused="blue", about=["s1"], rule="strikes.limit")
    unnamed = ev("p2", "2020-01-07", "claim", "paper", accused="blue", about=["s1"],
                 description="the strike hit a hospital")
    report = _both(roles, [ATTACK, strike, named, unnamed], "2020-03-01")
    p1, p2 = _claim(report, "p1"), _claim(report, "p2")
    assert (p1.assessment, p1.claimant_role, p1.independent) == ("contradicted", "media", True)
    assert (p2.assessment, p2.findings) == ("not_testable", ("strikes.limit/blue/s1",))
    assert p2.reason.startswith(f"not testable by this rule (strikes.limit tests: {LIMIT_TITLE}); the claim names "
                                "no rule, so that finding cannot contradict what it asserts: about s1: ")
    assert _alleged(report) == []


def test_a_partys_claim_about_hospitals_is_not_contradicted_by_a_self_defence_rule(roles):
    # The same, as a party's claim with no `about`: the justified strike in its 30 days does not test it.
    strike = ev("s1", "2020-01-05", "strike", "blue")
    claim = ev("c1", "2020-01-08", "claim", "green", accused="blue", description="strikes hit hospitals")
    report = _both(roles, [ATTACK, strike, claim], "2020-03-01")
    c1 = _claim(report, "c1")
    assert (c1.assessment, c1.findings) == ("not_testable", ("strikes.limit/blue/s1",))
    assert f"strikes.limit tests: {LIMIT_TITLE}" in c1.reason
    assert _alleged(report) == ["claims/blue/c1"]  # still a party's allegation, with its honest label
    assert "not testable by this rule" in dc.render(report, "text")


def test_a_claim_about_an_act_no_rule_covers_is_outside_the_rules(roles):
    # A note by blue (no rule judges notes): outside the agreement's rules. An id not in the input is said so.
    note = ev("n1", "2020-01-05", "note", "blue")
    outside = ev("c1", "2020-01-06", "claim", "green", accused="blue", about=["n1", "ghost"])
    missing = ev("c2", "2020-01-06", "claim", "green", accused="blue", about="ghost")
    report = _both(roles, [note, outside, missing], "2020-03-01")
    c1, c2 = _claim(report, "c1"), _claim(report, "c2")
    assert c1.assessment == "outside_rules"
    assert c1.reason == ("outside the agreement's rules: no rule judges n1, ghost as an act of blue. "
                         "ghost is not in the input.")
    assert (c2.assessment, c2.reason) == ("uncorroborated", "about ghost: ghost is not in the input.")
    assert "outside the agreement's rules" in dc.render(report, "md")


def test_concurring_independent_reports_on_a_claimable_commitment_are_counted(roles):
    # Green's ties: the monitor and the paper (independent) concur; audit is part of green (not counted),
    # and blue's claim is a party's (not counted; still an allegation). N = 2: supported.
    rows = [ev("t1", "2020-01-05", "claim", "watch", accused="green", rule="ties.none"),
            ev("t2", "2020-01-09", "claim", "paper", accused="green", rule="ties.none"),
            ev("t3", "2020-01-10", "claim", "audit", accused="green", rule="ties.none"),
            ev("t4", "2020-01-11", "claim", "blue", accused="green", rule="ties.none")]
    report = _both(roles, rows, "2020-03-01")
    assert {c.event: (c.assessment, c.supported_by, c.independent) for c in report.claims} == {
        "t1": ("supported", 2, True), "t2": ("supported", 2, True), "t3": ("supported", 2, False),
        "t4": ("supported", 2, False)}
    assert _claim(report, "t4").reason == (
        "supported by 2 independent reports in the input name ties.none against green: paper (media); "
        "watch (monitor); not counted, not independent of green: audit (oversight, part of green); blue (party).")
    assert _alleged(report) == ["ties.none/green/t4"]
    # one independent report concurs with nothing: uncorroborated, counted
    alone = _both(roles, rows[:1] + rows[2:], "2020-03-01")
    assert {c.event: (c.assessment, c.supported_by) for c in alone.claims} == {
        "t1": ("uncorroborated", 1), "t3": ("uncorroborated", 1), "t4": ("uncorroborated", 1)}
    assert dc.render(report, "csv", table="claims").splitlines()[1].startswith(
        "t1,2020-01-05,watch,monitor,,True,green,ties.none,,supported,2,,")


@pytest.mark.parametrize("about, reason", [
    ([], "about must name at least one event id"),
    ({"id": "s1"}, "about must be an event id or a list of event ids"),
    (["s1", "s1"], "about lists an event id twice"),
    (["s1", ["x"]], "about must list event ids (text)"),
])
def test_a_bad_about_is_rejected_with_its_field(roles, about, reason):
    _, rejected, _ = dc.api.collect(roles, [ev("c1", "2020-01-06", "claim", "green", accused="blue", about=about)])
    assert [(r.field, r.reason.startswith(reason)) for r in rejected] == [("about", True)]


def test_a_monitors_report_settles_any_act_the_input_cannot_settle(roles):
    """§5.7.3 speaks of an `unresolved` act, whatever left it so: an attack by green whose type is uncertain
    (attack or note: the rule forbids only attacks; §7.3) and a strike by blue that only an unclaimed attack
    would answer (§5.9). Unresolved alone; each becomes a violation when the monitor reports it as a breach
    in `about`, in both judges (the reference judge once settled only acts with a stated justification)."""
    doubtful = ev("a1", "2020-01-05", "attack", "green", type_uncertain=["note"])
    unclaimed = ev("u1", "2020-01-08", "attack", "unknown", target="blue")
    strike = ev("s2", "2020-01-09", "strike", "blue")
    alone = _both(roles, [doubtful, unclaimed, strike], "2020-03-01")
    assert _finding(alone, "attacks.none/green/a1").status == "unresolved"
    assert _finding(alone, "strikes.limit/blue/s2").status == "unresolved"
    reports = [ev("r2", "2020-02-01", "claim", "watch", accused="green", about=["a1"]),
               ev("r3", "2020-02-01", "claim", "watch", accused="blue", about=["s2"])]
    report = _both(roles, [doubtful, unclaimed, strike, *reports], "2020-03-01")
    a1, s2 = _finding(report, "attacks.none/green/a1"), _finding(report, "strikes.limit/blue/s2")
    assert (a1.status, a1.evidence) == ("violation", ("a1", "r2"))
    assert (s2.status, s2.evidence) == ("violation", ("s2", "u1", "r3"))  # the unclaimed attack stays cited
