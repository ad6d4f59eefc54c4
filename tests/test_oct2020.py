"""The source article's October 2020 events: the first example, judged as the article supports."""
from __future__ import annotations

import json

import pytest

import doha_compliance as dc
from conftest import D, OCT2020, ROOT, by_status
from doha_compliance.models import STATUSES


@pytest.fixture(scope="module")
def report(doha):
    return dc.evaluate(doha, dc.read_events(OCT2020), as_of=D("2020-10-31"))


def ids(findings):
    return sorted(e for f in findings for e in f.evidence[:1])


def test_taliban_attacks_are_violations(report):
    violations = by_status(report, "taliban", "violation", "violence.reduction")
    assert ids(violations) == ["oct2020-helmand-offensive", "oct2020-takhar-ambush"]
    # the Ghor car bomb was blamed on "the insurgents" by officials, claimed by nobody: nobody's finding


def test_an_attack_blamed_but_unclaimed_is_no_ones_finding(report):
    assert not [f for f in report.findings if "oct2020-ghor-car-bomb" in f.evidence]
    assert report.coverage.unattributed == 1


def test_attacks_after_the_reset_are_judged_by_the_reset_version(report):
    version = {f.evidence[0]: f.version for f in by_status(report, "taliban", "violation", "violence.reduction")}
    assert version["oct2020-helmand-offensive"] == "violence.reduction"
    assert version["oct2020-takhar-ambush"] == "violence.reduction@reset-2020-10-15"


def test_us_strikes_in_helmand_are_justified_by_the_offensive(report):
    justified = by_status(report, "us", "justified", "strikes.defensive_only")
    assert ids(justified) == ["oct2020-us-strike-helmand-1", "oct2020-us-strike-helmand-2"]
    for f in justified:
        assert f.justified_by == ("oct2020-helmand-offensive",)
        assert "oct2020-helmand-offensive" in f.evidence


def test_wardak_strike_has_no_justifying_attack(report):
    violations = by_status(report, "us", "violation", "strikes.defensive_only")
    assert ids(violations) == ["oct2020-us-strike-wardak"]
    assert "Wardak" in violations[0].reason


def test_taliban_claim_of_excessive_strikes_is_alleged_and_contradicted(report):
    alleged = by_status(report, "us", "alleged")
    assert [f.evidence[0] for f in alleged] == ["oct2020-taliban-alleges-excessive-strikes"]
    assert alleged[0].rule == "strikes.defensive_only"
    claim = next(c for c in report.claims if c.event == "oct2020-taliban-alleges-excessive-strikes")
    assert (claim.claimant, claim.accused, claim.assessment) == ("taliban", "us", "contradicted")
    # "shows both": the claim and the justified strikes it is set against
    assert len(claim.findings) == 2
    assert all(fid.startswith("strikes.defensive_only/us/oct2020-us-strike-helmand") for fid in claim.findings)


def test_us_statement_on_helmand_is_corroborated_not_double_counted(report):
    claim = next(c for c in report.claims if c.event == "oct2020-us-says-helmand-inconsistent")
    assert claim.assessment == "corroborated"
    assert claim.findings == ("violence.reduction/taliban/oct2020-helmand-offensive",)
    assert by_status(report, "taliban", "alleged") == []


def test_deadlines_as_of_october_2020(report):
    # The US owes the withdrawal (Part One's chapeau); the Coalition performs it but did not sign.
    full = {f.party: f.status for f in report.findings if f.rule == "withdrawal.full"}
    assert full == {"us": "pending"}
    late = by_status(report, "taliban", "violation", "negotiations.start")
    assert len(late) == 1 and late[0].evidence == ("oct2020-talks-open",) and "met late on 2020-09-12" in late[0].reason
    # The talks opened on 12 September: the three-month prisoner goal started then, due 12 December.
    remaining = [f for f in report.findings if f.rule == "prisoners.release_remaining"]
    assert [(f.status, f.date) for f in remaining] == [("pending", D("2020-12-12"))]
    # No troop level, base, prisoner, sanctions or UN event in the article: these are not judged on missing
    # data; nor are the commitments no event type records (claimable).
    assert {(n.rule, n.party) for n in report.not_assessed} == {
        ("withdrawal.phase_one", "us"), ("withdrawal.bases_five", "us"), ("prisoners.release", "us"),
        ("prisoners.release_by_taliban", "taliban"), ("sanctions.un_removal", "us"), ("sanctions.us_removal", "us"),
        ("sanctions.us_review", "us"), ("un.endorsement", "us"), ("counterterrorism.no_safe_haven", "taliban"),
        ("counterterrorism.no_cooperation", "taliban"), ("counterterrorism.no_hosting", "taliban"),
        ("counterterrorism.asylum", "taliban"), ("counterterrorism.no_visas", "taliban"),
        ("prisoners.no_threat", "taliban"), ("force.non_intervention", "us"),
        ("violence.level", "taliban"),   # its baseline (before signature) is not in the October 2020 events
        ("violence.foreign_forces", "taliban")}  # issue 24: no breach in the record, and no declared coverage


def test_no_attack_on_foreign_forces_in_the_article_is_no_breach_in_the_record_not_compliance(report):
    # Three Taliban attacks, none on US or Coalition forces; but the article is a selection of events and
    # declares no coverage (issue 24): silence is not compliance, the pledge is listed with the reason.
    assert by_status(report, "taliban", "complied") == []
    reason = next(n.reason for n in report.not_assessed if n.rule == "violence.foreign_forces")
    assert reason == ("no breach in the record from 2020-02-29 to 2020-10-31; the record is not systematic for "
                      "these acts (no source declares coverage of attack).")


def test_counts_reconcile_and_summary_matches_findings(report):
    assert report.inputs.read == 12 == report.inputs.evaluated + report.inputs.rejected
    assert report.parties["taliban"]["violation"] == 3  # two attacks + late start of negotiations
    assert report.parties["taliban"]["complied"] == 0  # issue 24: the article declares no coverage
    assert report.parties["us"] == {"violation": 1, "alleged": 1, "justified": 2, "unresolved": 0, "pending": 3,
                                   "not_triggered": 0, "met": 0, "missed": 0, "complied": 0}


def test_expected_report_file_matches(report):
    expected = (ROOT / "examples" / "oct2020" / "expected.json").read_text(encoding="utf-8")
    assert report.to_json() == expected


def test_reference_evaluator_agrees(doha, report):
    ref = dc.evaluate(doha, dc.read_events(OCT2020), as_of=D("2020-10-31"), engine="reference")
    assert ref.to_json() == report.to_json()


def test_json_shape(report):
    data = json.loads(report.to_json())
    assert set(data) >= {"agreement", "as_of", "inputs", "rejected", "findings", "parties"}
    assert data["as_of"] == "2020-10-31"
    for f in data["findings"]:
        assert set(f) >= {"rule", "party", "status", "date", "evidence", "reason"}
        assert f["status"] in STATUSES
    keys = [(f["date"], f["party"], f["rule"]) for f in data["findings"]]
    assert keys == sorted(keys)
