"""The 2020–2021 public record: time travel with --as-of, amendments, and claims."""
from __future__ import annotations

import json

import pytest

import doha_compliance as dc
from conftest import D, ROOT, TIMELINE, run_cli

FOLDER = ROOT / "examples" / "timeline_2020_2021"


def report(doha, as_of):
    return dc.evaluate(doha, dc.read_events(TIMELINE), as_of=D(as_of))


def status_of(rep, rule, party):
    return {f.status for f in rep.findings if f.rule == rule and f.party == party}


@pytest.mark.parametrize("as_of", ["2020-07-14", "2021-04-30", "2021-05-02"])
def test_expected_reports(doha, as_of):
    expected = (FOLDER / f"expected-{as_of}.json").read_text(encoding="utf-8")
    assert report(doha, as_of).to_json() == expected


def test_withdrawal_before_and_after_the_deadline(doha):
    assert status_of(report(doha, "2021-04-30"), "withdrawal.full", "us") == {"pending"}
    assert status_of(report(doha, "2021-04-30"), "withdrawal.full", "coalition") == {"pending"}
    after = report(doha, "2021-05-02")
    assert status_of(after, "withdrawal.full", "us") == {"violation"}
    assert status_of(after, "withdrawal.full", "coalition") == {"violation"}


def test_phase_one_met_on_the_135th_day(doha):
    rep = report(doha, "2020-07-14")
    f = next(f for f in rep.findings if f.rule == "withdrawal.phase_one")
    assert (f.status, f.date, f.evidence) == ("met", D("2020-07-13"), ("tl-us-troops-2020-07",))


def test_prisoner_exchange_completed_late_by_both_sides(doha):
    rep = report(doha, "2020-12-31")
    us = next(f for f in rep.findings if f.rule == "prisoners.release")
    taliban = next(f for f in rep.findings if f.rule == "prisoners.release_by_taliban")
    assert us.status == taliban.status == "violation"
    assert "met late on 2020-09-02" in us.reason and "met late on 2020-07-30" in taliban.reason
    mid = report(doha, "2020-03-10")
    assert status_of(mid, "prisoners.release", "us") == {"pending"}  # the due day itself


def test_un_sanctions_judged_us_sanctions_not_assessed(doha):
    rep = report(doha, "2021-05-02")
    assert status_of(rep, "sanctions.un_removal", "us") == {"violation"}   # the UNSC renewal covers it
    assert ("sanctions.us_removal", "us") in {(n.rule, n.party) for n in rep.not_assessed}


def test_negotiations_started_late(doha):
    assert status_of(report(doha, "2020-03-09"), "negotiations.start", "taliban") == {"pending"}
    assert status_of(report(doha, "2020-03-11"), "negotiations.start", "taliban") == {"violation"}
    f = next(f for f in report(doha, "2020-09-30").findings if f.rule == "negotiations.start")
    assert f.evidence == ("tl-talks-open",) and "186 days after the deadline" in f.reason


def test_un_report_is_an_uncorroborated_claim(doha):
    rep = report(doha, "2021-05-02")
    claim = next(c for c in rep.claims if c.event == "tl-un-monitoring-report-2020")
    assert (claim.claimant, claim.accused, claim.assessment) == ("un", "taliban", "uncorroborated")
    alleged = [f for f in rep.findings if f.status == "alleged"]
    assert [(f.party, f.rule, f.evidence) for f in alleged] == [
        ("taliban", "counterterrorism.no_safe_haven", ("tl-un-monitoring-report-2020",))]


def test_every_finding_names_its_version(doha):
    rep = report(doha, "2021-05-02")
    versions = {r.version for r in doha.rules}
    assert all(f.version in versions for f in rep.findings)
    data = json.loads(rep.to_json())
    assert all(f["version"] in data["rules"] for f in data["findings"])


def test_reset_amendment_changes_the_threshold_from_its_date(doha):
    # 6 killed: below the original 10, at or above the reset's 5.
    rows = [{"id": "before", "date": "2020-10-14", "type": "attack", "actor": "taliban", "fatalities": 6},
            {"id": "after", "date": "2020-10-15", "type": "attack", "actor": "taliban", "fatalities": 6}]
    rep = dc.evaluate(doha, rows)
    hits = [(f.evidence, f.version) for f in rep.findings if f.rule == "violence.reduction" and f.evidence]
    assert hits == [(("after",), "violence.reduction@reset-2020-10-15")]
    # the original version, in force on the 14th only (as far as the input goes), was kept that day
    kept = [(f.status, f.date, f.version) for f in rep.findings if f.rule == "violence.reduction" and not f.evidence]
    assert kept == [("complied", D("2020-10-14"), "violence.reduction")]
    original, reset = doha.versions("violence.reduction")
    assert original.effective_until == D("2020-10-14") and reset.effective_from == D("2020-10-15")


def test_cli_report_on_the_timeline():
    result = run_cli("report", "--rules", "rules/doha", "--events", "examples/timeline_2020_2021/events.yaml",
                     "--as-of", "2021-05-02")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FOLDER / "expected-2021-05-02.txt").read_text(encoding="utf-8")
    assert "version violence.reduction" not in result.stdout or "(version " in result.stdout
