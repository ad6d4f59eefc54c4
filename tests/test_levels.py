"""The `level` kind: hand-reasoned examples (expectations worked out by hand, not from the code),
the loader's errors, and the laws (pipeline = independent reference, order, splitting, locality)."""
from __future__ import annotations

import datetime as dt
import json
import random
from fractions import Fraction

import pytest
import yaml
from hypothesis import assume, given, strategies as st

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.errors import RuleSetError
from doha_compliance.rules.kinds.level import bounds, first_whole, index_of, label
from doha_compliance.reference.levels import reference_series
from doha_compliance.rules.loader import load_rules_from_texts
from conftest import AVAILABLE_ENGINES, D, ev

AGREEMENT = {"agreement": {"id": "t", "title": "Test truce", "signed": "2020-03-01", "parties": {"red": "Red", "blue": "Blue"},
                           "event_types": ["attack", "note"]}}
LEVEL = {"id": "lvl", "party": "red", "title": "Red attacks down 20 %", "source": "test", "basis": "reported",
         "kind": "level", "when": {"type": "attack", "actor": "$party"}, "measure": "count", "period": "month",
         "baseline": {"from": "2020-01-01", "until": "2020-02-29"}, "limit": {"at_most": 0.8}}


def agreement(*rules: dict, signed: str = "2020-03-01") -> dc.Agreement:
    head = json.loads(json.dumps(AGREEMENT))
    head["agreement"]["signed"] = signed
    return load_rules_from_texts({"agreement.yaml": yaml.safe_dump(head), "r.yaml": yaml.safe_dump({"rules": list(rules)})})


def rows_of(report: dc.Report) -> list:
    return [(r.version, r.period, r.status, r.value, r.baseline, r.limit) for r in report.series]


# --- hand-reasoned -----------------------------------------------------------------------------

def test_a_month_against_the_mean_of_the_months_before(self=None):
    """Baseline: 5 red attacks over January (31 days) and February 2020 (29 days, all in the span):
    2 months, 2.5 a month; 80 % of it is a limit of 2. From 15 May an amendment sets 1 a month, so
    June (the first whole month starting on or after 15 May) is judged by it and May by the old one."""
    amended = {"id": "lvl@x", "amends": "lvl", "effective_from": "2020-05-15", "limit": {"at_most_value": 1}}
    rules = agreement(LEVEL, amended)
    events = [ev(f"b{i}", d, "attack", "red") for i, d in enumerate(
        ["2020-01-03", "2020-01-10", "2020-02-02", "2020-02-20", "2020-02-29"])]
    events += [ev("m1", "2020-03-05", "attack", "red"), ev("m2", "2020-03-06", "attack", "red"),
               ev("u", "2020-03-07", "attack", "unknown"),           # nobody claimed it: never counted
               ev("bl", "2020-03-08", "attack", "blue"),             # another party's: not red's level
               ev("a1", "2020-04-01", "attack", "red"), ev("a2", "2020-04-02", "attack", "red"),
               ev("a3", "2020-04-30", "attack", "red"),
               ev("n", "2020-05-03", "note", "blue"),                # May: no attack, but the input covers it
               ev("j1", "2020-06-01", "attack", "red"), ev("j2", "2020-06-09", "attack", "red"),
               ev("k", "2020-07-01", "note", "blue")]
    for engine in AVAILABLE_ENGINES:
        report = dc.evaluate(rules, events, as_of=D("2020-07-20"), engine=engine)
        half = Fraction(5, 2)
        assert rows_of(report) == [
            ("lvl", "2020-03", "met", 2, half, 2),           # the limit itself is within
            ("lvl", "2020-04", "violation", 3, half, 2),
            ("lvl", "2020-05", "met", 0, half, 2),
            ("lvl@x", "2020-06", "violation", 2, half, 1),
            ("lvl@x", "2020-07", "pending", 0, half, 1),     # runs to 31 July, after the report date
        ]
        april = next(f for f in report.findings if f.status == "violation" and f.date == D("2020-04-30"))
        assert april.evidence == ("a1", "a2", "a3") and april.version == "lvl"
        assert "2020-04: 3 matching events against a limit of 2 (at most 80 % of the baseline, 2.50 a month" in april.reason
        assert "above the limit" in april.reason
        from doha_compliance.report.explain import explain
        assert ("level:     matching events per month, from the first whole month starting on or after 2020-03-01; "
                "baseline the mean per month over 2020-01-01 to 2020-02-29; limit at most 80 % of it") in explain(report, april.id)
        pending = next(f for f in report.findings if f.status == "pending")
        assert pending.date == D("2020-07-31") and "after the report date" in pending.reason


def test_partial_baseline_months_count_by_their_share_of_days():
    """Span 1 January – 14 February 2020: January whole, 14 of February's 29 days: 1 + 14/29 months.
    4 attacks in it: a baseline of 4 / (43/29) = 116/43 ≈ 2.70 a month; the limit 80 % of it ≈ 2.16."""
    rule = dict(LEVEL, baseline={"from": "2020-01-01", "until": "2020-02-14"})
    events = [ev("b1", "2020-01-05", "attack", "red"), ev("b2", "2020-01-25", "attack", "red"),
              ev("b3", "2020-02-10", "attack", "red"), ev("b4", "2020-02-14", "attack", "red"),
              ev("after-span", "2020-02-20", "attack", "red"),          # outside the span: not in the baseline
              ev("m1", "2020-03-02", "attack", "red"), ev("m2", "2020-03-03", "attack", "red"),
              ev("m3", "2020-03-04", "attack", "red"), ev("end", "2020-03-31", "note", "blue")]
    report = dc.evaluate(agreement(rule), events, as_of=D("2020-03-31"))
    (row,) = report.series
    assert row.baseline == Fraction(116, 43) and row.limit == Fraction(464, 215)
    assert (row.value, row.status) == (3, "violation")
    assert report.series[0].to_dict()["baseline"] == 2.7 and report.series[0].to_dict()["limit"] == 2.16


def test_missing_data_is_neither_a_breach_nor_compliance():
    """April has no event of any kind: not assessed. The input stops on 10 June: June's 0 so far is
    not a month within the limit; July lies after the last event. A month already above the limit
    when the input stops is a violation all the same (counts only grow)."""
    events = [ev("b1", "2020-01-05", "attack", "red"), ev("b2", "2020-02-05", "attack", "red"),
              ev("m", "2020-03-09", "note", "blue"), ev("may1", "2020-05-01", "attack", "red"),
              ev("may2", "2020-05-02", "attack", "red"), ev("jun", "2020-06-10", "note", "blue")]
    report = dc.evaluate(agreement(LEVEL), events, as_of=D("2020-07-31"))
    assert [(r.period, r.status, r.value) for r in report.series] == [
        ("2020-03", "met", 0), ("2020-04", "not_assessed", None), ("2020-05", "violation", 2),
        ("2020-06", "not_assessed", 0), ("2020-07", "not_assessed", None)]
    reasons = [n.reason for n in report.not_assessed]
    assert reasons[0].startswith("2020-04: no event of any kind in the input falls in it")
    assert reasons[1].startswith("2020-06: the input ends on 2020-06-10, before the month does")
    assert reasons[2] == "2020-07: after the input's last event (2020-06-10)"
    cut = dc.evaluate(agreement(LEVEL), events[:5] + [ev("late", "2020-06-10", "attack", "red"),
                                                    ev("late2", "2020-06-10", "attack", "red"),
                                                    ev("late3", "2020-06-10", "attack", "red")], as_of=D("2020-06-30"))
    june = next(f for f in cut.findings if f.date == D("2020-06-30"))
    assert june.status == "violation" and "so far" in june.reason


def test_a_baseline_the_input_does_not_cover_or_of_zero_leaves_the_rule_not_assessed():
    uncovered = dc.evaluate(agreement(LEVEL), [ev("m", "2020-03-09", "attack", "red")], as_of=D("2020-03-31"))
    assert [f for f in uncovered.findings if f.rule == "lvl"] == []
    assert uncovered.not_assessed[0].reason.startswith("the baseline span 2020-01-01 to 2020-02-29 has no evaluated event")
    assert [(r.period, r.status, r.value, r.limit) for r in uncovered.series] == [("2020-03", "not_assessed", 1, None)]
    zero = dc.evaluate(agreement(LEVEL), [ev("n", "2020-01-09", "note", "blue"), ev("m", "2020-03-09", "attack", "red")],
                       as_of=D("2020-03-31"))
    assert "the baseline is 0" in zero.not_assessed[0].reason and "at_most_value" in zero.not_assessed[0].reason
    as_value = dc.evaluate(agreement(dict(LEVEL, limit={"at_most_value": 0})), [ev("n", "2020-01-09", "note", "blue"),
                                                                            ev("m", "2020-03-09", "attack", "red")],
                           as_of=D("2020-03-31"))
    assert [(r.status, r.value, r.limit) for r in as_value.series] == [("violation", 1, 0)]


def test_weeks_sums_a_number_and_an_aim_is_missed_not_violated():
    """ISO weeks: 2020-12-28 (Monday) starts 2020-W53, which holds 1 January 2021; 2021-01-04 starts
    2021-W01. Fatalities summed, against a baseline of 10 a week given as a number, at most 50 %."""
    rule = dict(LEVEL, period="week", measure={"sum": "fatalities"}, baseline=10, limit={"at_most": 0.5},
                modality="aim", wording="reduce casualties")
    rule.pop("from", None)
    events = [ev("a", "2020-12-28", "attack", "red", fatalities=3), ev("b", "2021-01-01", "attack", "red", fatalities=3),
              ev("c", "2021-01-05", "attack", "red"),                     # no fatalities given: counts nothing, said so
              ev("d", "2021-01-10", "attack", "red", fatalities=4)]
    report = dc.evaluate(agreement(rule, signed="2020-12-24"), events, as_of=D("2021-01-10"))
    assert [(r.period, r.status, r.value) for r in report.series] == [("2020-W53", "missed", 6), ("2021-W01", "met", 4)]
    missed = next(f for f in report.findings if f.status == "missed")
    assert missed.date == D("2021-01-03") and "(aim: 'reduce casualties'; missed, not a violation)" in missed.reason
    met = next(f for f in report.findings if f.status == "met")
    assert "1 of its 2 events have no fatalities" in met.reason


def test_periods():
    assert label("week", index_of("week", D("2021-01-01"))) == "2020-W53"
    assert bounds("week", index_of("week", D("2021-01-01"))) == (D("2020-12-28"), D("2021-01-03"))
    assert label("month", first_whole("month", D("2020-02-29"))) == "2020-03"
    assert label("month", first_whole("month", D("2020-03-01"))) == "2020-03"
    assert label("week", first_whole("week", D("2020-02-29"))) == "2020-W10"   # Monday 2 March


@pytest.mark.parametrize("change, message", [
    ({"limit": {"at_least": 1}}, "limit"),
    ({"period": "year"}, "'year' is not one of month, week"),
    ({"baseline": {"from": "2020-02-01", "until": "2020-01-01"}}, "ends (2020-01-01) before it starts (2020-02-01)"),
    ({"measure": {"max": "fatalities"}}, "measure"),
    ({"kind": "prohibited"}, "'baseline' has no meaning for a 'prohibited' rule"),
    ({"from": "2020-02-30"}, "'2020-02-30' is not a real calendar date"),
])
def test_rule_errors_are_located(change, message):
    with pytest.raises(RuleSetError) as err:
        agreement(dict(LEVEL, **change))
    assert message in str(err.value), str(err.value)


def test_a_from_on_another_kind_is_refused():
    with pytest.raises(RuleSetError) as err:
        agreement({"id": "p", "party": "red", "title": "t", "source": "s", "basis": "reported", "kind": "prohibited",
                   "when": {"type": "attack"}, "from": "2020-03-01"})
    assert "'from' has no meaning for a 'prohibited' rule" in str(err.value)


# --- laws --------------------------------------------------------------------------------------

START, END = dt.date(2019, 12, 1), dt.date(2020, 5, 31)
days = st.dates(min_value=START, max_value=END)


@st.composite
def level_rules(draw) -> dc.Agreement:
    period = draw(st.sampled_from(["month", "week"]))
    rule = {"id": "lvl", "party": ["red", "blue"], "title": "Level", "source": "generated", "basis": "reported",
            "kind": "level", "when": {"type": "attack", "actor": "$party"}, "period": period}
    if draw(st.booleans()):
        rule["measure"] = {"sum": "fatalities"}
    if draw(st.integers(0, 3)) == 0:
        rule["baseline"] = draw(st.integers(0, 4))
    else:
        a = draw(st.dates(min_value=START, max_value=dt.date(2020, 2, 28)))
        rule["baseline"] = {"from": a.isoformat(), "until": (a + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat()}
    rule["limit"] = ({"at_most": draw(st.sampled_from([0, 0.5, 0.8, 1, 1.5]))} if draw(st.booleans())
                     else {"at_most_value": draw(st.integers(0, 3))})
    if draw(st.booleans()):
        rule["from"] = draw(st.dates(min_value=dt.date(2020, 2, 1), max_value=dt.date(2020, 4, 1))).isoformat()
    if draw(st.booleans()):
        rule["modality"] = "aim"
    rules = [rule]
    if draw(st.booleans()):
        rules.append({"id": "lvl@2", "amends": "lvl", "limit": {"at_most_value": draw(st.integers(0, 2))},
                      "effective_from": draw(st.dates(min_value=dt.date(2020, 3, 2), max_value=END)).isoformat()})
    return agreement(*rules)


@st.composite
def level_rows(draw, min_size: int = 0, max_size: int = 40) -> list:
    n = draw(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        row = ev(f"e{i:03d}", draw(days).isoformat(), draw(st.sampled_from(["attack", "attack", "note"])),
                 draw(st.sampled_from(["red", "blue", "unknown"])))
        if draw(st.booleans()):
            row["fatalities"] = draw(st.integers(0, 5))
        out.append(row)
    return out


as_ofs = st.dates(min_value=dt.date(2020, 2, 1), max_value=dt.date(2020, 6, 15))


def pipeline(report: dc.Report) -> dict:
    """The report's series per unit, in the reference's terms."""
    out: dict = {}
    for r in report.series:
        out.setdefault((r.version, r.party), []).append((r.period, r.status, r.value, r.baseline, r.limit))
    return out


@given(level_rules(), level_rows(), as_ofs)
def test_the_pipeline_equals_the_independent_reference(rules, rows, as_of):
    events, _, _ = collect(rules, rows)   # (`unknown` actors are rejected until the reserved ids land)
    expected = reference_series(rules, events, as_of)
    assert dc.evaluate(rules, rows, as_of=as_of).to_json() == \
        dc.evaluate(rules, rows, as_of=as_of, engine="reference").to_json()   # same bytes, either engine
    for engine in AVAILABLE_ENGINES:
        report = dc.evaluate(rules, rows, as_of=as_of, engine=engine)
        got = pipeline(report)
        for unit, (known, periods) in expected.items():
            assert got.get(unit, []) == periods, unit
            assessed = {n.party for n in report.not_assessed if n.version == unit[0] and "baseline" in n.reason}
            assert (unit[1] in assessed) == (not known and bool(periods)) or not periods
        # every period judged met/violation/missed/pending is a finding, dated in (or at the end of) its period
        judged = [r for r in report.series if r.status != "not_assessed"]
        level_findings = [f for f in report.findings if f.rule == "lvl"]
        assert len(level_findings) == len(judged)
        for f, r in zip(sorted(level_findings, key=lambda f: (f.version, f.party, f.date)),
                        sorted(judged, key=lambda r: (r.version, r.party, r.start))):
            assert f.status == r.status and r.start <= f.date <= r.end


@given(level_rules(), level_rows(), as_ofs, st.randoms(use_true_random=False), st.integers(1, 3))
def test_order_and_files_do_not_matter(tmp_path_factory, rules, rows, as_of, rnd, parts):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    one = dc.evaluate(rules, rows, as_of=as_of)
    assert dc.evaluate(rules, shuffled, as_of=as_of).series == one.series
    folder = tmp_path_factory.mktemp("split")
    paths = []
    for i in range(parts):
        path = folder / f"part{i}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows[i::parts]), encoding="utf-8")
        paths.append(path)
    many = dc.evaluate(rules, dc.read_events(*paths), as_of=as_of)
    assert many.series == one.series and many.scores == one.scores


@given(level_rules(), level_rows(min_size=1), level_rows(min_size=1), as_ofs)
def test_splitting_the_events_splits_each_periods_value(rules, first, second, as_of):
    """A period's value is a sum over its events: the value on two halves of a stream adds up to the
    value on the whole, for every period all three reports measured."""
    second = [dict(r, id=f"s-{r['id']}") for r in second]
    whole = {(r.version, r.party, r.period): r.value for r in dc.evaluate(rules, first + second, as_of=as_of).series}
    for half in (first, second):
        for r in dc.evaluate(rules, half, as_of=as_of).series:
            assert r.value is None or whole[(r.version, r.party, r.period)] is not None
    a = {(r.version, r.party, r.period): r.value for r in dc.evaluate(rules, first, as_of=as_of).series}
    b = {(r.version, r.party, r.period): r.value for r in dc.evaluate(rules, second, as_of=as_of).series}
    for key, value in whole.items():
        if value is not None and a.get(key) is not None and b.get(key) is not None:
            assert value == a[key] + b[key]


@given(level_rules(), level_rows(min_size=3), as_ofs, st.data())
def test_a_periods_status_depends_only_on_its_own_events_and_the_baseline(rules, rows, as_of, data):
    """Adding acts in another judged period — outside every baseline span, on a day the input already
    covers — changes no other period's value, baseline, limit or status."""
    report = dc.evaluate(rules, rows, as_of=as_of)
    covered = sorted({e.date for e in collect(rules, rows)[0] if e.date <= as_of})
    spans = [r.level.baseline_span for r in rules.rules if r.level.baseline_span]
    free = [d for d in covered if not any(a <= d <= b for a, b in spans)]
    assume(free and report.series)
    day = data.draw(st.sampled_from(free))
    extra = [ev(f"x{i}", day.isoformat(), "attack", data.draw(st.sampled_from(["red", "blue"])), fatalities=2)
             for i in range(data.draw(st.integers(1, 4)))]
    after = dc.evaluate(rules, rows + extra, as_of=as_of)
    before_rows = {(r.version, r.party, r.period): r for r in report.series}
    for r in after.series:
        if not (r.start <= day <= r.end):
            assert before_rows[(r.version, r.party, r.period)] == r


def test_the_report_date_changes_only_periods_it_cuts():
    """A report as of mid-April and one as of the end of May agree on every month both see whole."""
    events = [ev(f"e{i}", (dt.date(2020, 1, 1) + dt.timedelta(days=3 * i)).isoformat(),
                 random.Random(i).choice(["attack", "note"]), "red") for i in range(60)]
    early = {r.period: r for r in dc.evaluate(agreement(LEVEL), events, as_of=D("2020-04-15")).series}
    late = {r.period: r for r in dc.evaluate(agreement(LEVEL), events, as_of=D("2020-05-31")).series}
    assert early["2020-03"] == late["2020-03"]
    assert early["2020-04"].status in ("pending", "violation") and late["2020-04"].status in ("met", "violation")


# --- issue 23: periods bounded by the input's span ---------------------------------------------

FIXED = dict(LEVEL, baseline=2, limit={"at_most_value": 1})  # a number for a baseline: no span to read


def test_a_long_run_of_empty_periods_is_one_entry_not_a_row_each():
    """MAX_EMPTY_RUN = 104. Judged from April 2011 (signed 1 April 2011), events in January to March
    2020: April 2011 to December 2019 is 9 + 8 * 12 = 105 months without an event, one more than the
    bound, so it is one not-assessed entry with its count and no series rows; the three months of the
    input are judged (1 attack each: within 1 a month, met; a note on 31 March shows the input covers
    March to its end). From May 2011 the run is 104 months, within
    the bound: each is listed, as before (104 + 3 rows)."""
    events = [ev(f"e{m}", f"2020-0{m}-10", "attack", "red") for m in (1, 2, 3)] + [ev("n", "2020-03-31", "note", "blue")]
    report = dc.evaluate(agreement(FIXED, signed="2011-04-01"), events, as_of=D("2020-03-31"))
    assert [(r.period, r.status, r.value) for r in report.series] == [
        ("2020-01", "met", 1), ("2020-02", "met", 1), ("2020-03", "met", 1)]
    assert [n.reason for n in report.not_assessed] == [
        "2011-04 to 2019-12 (105 months, not listed one by one in the series): no event of any kind in the input "
        "falls in it, so a zero cannot be told from missing data"]
    listed = dc.evaluate(agreement(FIXED, signed="2011-05-01"), events, as_of=D("2020-03-31"))
    assert len(listed.series) == 107 and listed.series[0].period == "2011-05"
    assert [n.reason for n in listed.not_assessed] == [
        "2011-05 to 2019-12: no event of any kind in the input falls in it, so a zero cannot be told from missing data"]


def test_a_long_gap_inside_the_input_and_after_it():
    """Events in January 2020 and in June 2029 (an attack on the 10th, a note on the 30th): February 2020 to May 2029 is 11 + 8 * 12 + 5 = 112 empty
    months (not listed); the report date of 31 December 2038 leaves July 2029 to December 2038, 6 + 9 *
    12 = 114 months after the input's last event (not listed). Listed: 2020-01 and 2029-06."""
    events = [ev("a", "2020-01-10", "attack", "red"), ev("b", "2029-06-10", "attack", "red"),
              ev("n", "2029-06-30", "note", "blue")]
    for engine in AVAILABLE_ENGINES:
        report = dc.evaluate(agreement(FIXED, signed="2020-01-01"), events, as_of=D("2038-12-31"), engine=engine)
        assert [r.period for r in report.series] == ["2020-01", "2029-06"]
        assert [n.reason for n in report.not_assessed] == [
            "2020-02 to 2029-05 (112 months, not listed one by one in the series): no event of any kind in the "
            "input falls in it, so a zero cannot be told from missing data",
            "2029-07 to 2038-12 (114 months, not listed one by one in the series): after the input's last event "
            "(2029-06-30)"]
    rules = agreement(FIXED, signed="2020-01-01")
    assert pipeline(dc.evaluate(rules, events, as_of=D("2038-12-31"))) == \
        {u: rows for u, (_, rows) in reference_series(rules, collect(rules, events)[0], D("2038-12-31")).items()}


def test_fifty_weekly_rules_over_four_centuries_hold_only_the_inputs_weeks():
    """50 weekly rules judged from 1800 (the first date the tool reads) to a report date of 31 December
    2198, on 40 weekly events from 4 January 2198: each rule lists the 53 ISO weeks 2198-W01 to
    2199-W01 (the week of 31 December 2198), 2,650 rows in all, not the ~20,800 weeks a rule of the
    span — the count of periods made is the bound, whatever the machine's speed."""
    rules = [dict(FIXED, id=f"lvl{i}", period="week") for i in range(50)]
    events = [ev(f"e{i}", (dt.date(2198, 1, 4) + dt.timedelta(days=7 * i)).isoformat(), "attack", "red")
              for i in range(40)]
    report = dc.evaluate(agreement(*rules, signed="1800-01-01"), events, as_of=D("2198-12-31"))
    assert len(report.series) == 50 * 53
    assert {r.period for r in report.series} == {label("week", index_of("week", D("2198-01-04")) + k) for k in range(53)}
    first = [n.reason for n in report.not_assessed if n.rule == "lvl0"][0]
    assert first.startswith("1800-W02 to 2197-W52 (20,766 weeks, not listed one by one in the series)")
