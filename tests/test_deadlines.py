"""Deadlines decided in event time: both sides of 1 May 2021, the deadline day itself, late fulfilment."""
from __future__ import annotations

import pytest

import doha_compliance as dc
from conftest import D, ev

LEVELS = [
    ev("tl-1", "2020-02-29", "troop_level", "us", count=12000),
    ev("tl-2", "2020-06-18", "troop_level", "us", count=8600),
    ev("tl-3", "2021-01-15", "troop_level", "us", count=2500),
    ev("tl-c", "2021-02-15", "troop_level", "coalition", count=7000),
]


def status(report, rule, party):
    found = [f for f in report.findings if f.rule == rule and f.party == party]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("as_of, expected", [
    ("2021-04-30", "pending"),
    ("2021-05-01", "pending"),   # the deadline day is not over
    ("2021-05-02", "violation"),
])
def test_full_withdrawal_either_side_of_the_deadline(doha, as_of, expected):
    report = dc.evaluate(doha, LEVELS, as_of=D(as_of))
    assert status(report, "withdrawal.full", "us").status == expected
    # The US owes the withdrawal of allied forces too (Part One's chapeau); the Coalition did not sign.
    assert [f for f in report.findings if f.party == "coalition"] == []


ZEROS = [ev("zero", "", "troop_level", "us", count=0), ev("zero-coalition", "", "troop_level", "coalition", count=0)]


@pytest.mark.parametrize("day, as_of, expected", [
    ("2021-05-01", "2021-05-02", "met"),        # both zero on the deadline day meets it
    ("2021-04-20", "2021-04-25", "met"),        # met before the deadline, as of before it too
    ("2021-05-02", "2021-05-03", "violation"),  # one day late
])
def test_zero_troop_level(doha, day, as_of, expected):
    zeros = [{**z, "date": day} for z in ZEROS]
    report = dc.evaluate(doha, LEVELS + zeros, as_of=D(as_of))
    f = status(report, "withdrawal.full", "us")
    assert f.status == expected
    assert sorted(f.evidence) == ["zero", "zero-coalition"]
    if expected == "violation":
        assert "met late" in f.reason


def test_us_at_zero_with_allied_forces_still_there_is_not_withdrawal(doha):
    # Two parts: US forces at zero AND allied/Coalition forces at zero.
    report = dc.evaluate(doha, LEVELS + [{**ZEROS[0], "date": "2021-05-01"}], as_of=D("2021-05-02"))
    f = status(report, "withdrawal.full", "us")
    assert f.status == "violation" and "met late" not in f.reason


def test_phase_one_due_date_is_computed_from_signature(doha):
    rule = doha.versions("withdrawal.phase_one")[0]
    assert rule.due == D("2020-07-13")  # 135 days after 29 February 2020
    assert "135 days from signature (2020-02-29) = 2020-07-13" in rule.due_note
    full = doha.versions("withdrawal.full")[0]
    assert full.due == D("2021-05-01") and "2021-04-29" in full.due_note


def test_phase_one_met_by_june_level(doha):
    report = dc.evaluate(doha, LEVELS, as_of=D("2020-12-31"))
    f = status(report, "withdrawal.phase_one", "us")
    assert (f.status, f.evidence, f.date) == ("met", ("tl-2",), D("2020-06-18"))


def test_cumulative_prisoner_releases_ceiling_and_best_efforts(doha):
    rows = [ev(f"pr-{i}", d, "prisoner_release", "afghan_government", target="taliban", count=n)
            for i, (d, n) in enumerate([("2020-04-08", 100), ("2020-05-26", 2900), ("2020-09-03", 2000)])]
    early = dc.evaluate(doha, rows, as_of=D("2020-03-09"))  # releases after the report date are not seen
    f = status(early, "prisoners.release", "us")
    assert (f.status, f.evidence, early.inputs.after_as_of) == ("pending", (), 3)
    late = dc.evaluate(doha, rows, as_of=D("2020-12-31"))
    f = status(late, "prisoners.release", "us")
    # "Up to 5,000" is a ceiling (any release meets it) and the US's undertaking is best efforts:
    # the first release, after 10 March, makes it missed (met late), never a violation.
    assert f.status == "missed"
    assert f.evidence == ("pr-0", "pr-1", "pr-2")   # a ceiling keeps counting
    assert "met late on 2020-04-08" in f.reason and "5000 of up to 5000" in f.reason
    partial = dc.evaluate(doha, rows[:2], as_of=D("2020-12-31"))
    assert "3000 of up to 5000" in status(partial, "prisoners.release", "us").reason


def test_status_only_moves_forward_as_of_advances(doha):
    seen = []
    for as_of in ("2021-03-01", "2021-05-01", "2021-05-02", "2021-09-01"):
        seen.append(status(dc.evaluate(doha, LEVELS, as_of=D(as_of)), "withdrawal.full", "us").status)
    assert seen == ["pending", "pending", "violation", "violation"]
