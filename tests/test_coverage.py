"""Issue 24: silence is not compliance. `complied` and scores come only from declared coverage (a
file's `coverage:` header, --coverage for CSV/JSONL, an ACLED/UCDP export's scope) or a monitor's
statement; every expected value below is reasoned by hand from the rule and the events."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, strategies as st

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.models import SourceCoverage
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import COMPACT, agreement_texts, scenarios, validated_events

from conftest import run_main

D = dt.date.fromisoformat
AGREEMENT = """agreement:
  id: truce
  title: A test truce
  signed: 2024-01-01
  parties: {red: Red, blue: Blue, watch: The monitoring team}
  signatories: [red, blue]
  monitors: [watch]
  event_types: [attack, shelling, report]
  location_kinds: [town]
"""
RULES = """rules:
  - id: no.attacks
    party: red
    title: No attacks
    source: test
    basis: public_text
    kind: prohibited
    when: {type: attack, actor: $party}
  - id: no.shelling.north
    party: blue
    title: No shelling in the north
    source: test
    basis: public_text
    kind: prohibited
    when: {type: shelling, actor: $party}
    scope: {province: North}
"""


@pytest.fixture(scope="module")
def truce():
    return load_rules_from_texts({"agreement.yaml": AGREEMENT, "rules.yaml": RULES})


def cov(types, start, end, source="src.yaml", provinces=(), min_fatalities=0):
    return SourceCoverage(source=source, types=tuple(types), start=D(start), end=D(end), declared_by="a test",
                          provinces=tuple(provinces), min_fatalities=min_fatalities)


def attack(id, day, actor="red", **more):
    return {"id": id, "date": day, "type": "attack", "actor": actor, **more}


def complied(report, rule="no.attacks"):
    return [(f.span_start.isoformat(), f.date.isoformat(), f.id) for f in report.findings
            if f.status == "complied" and f.rule == rule]


def scores(report, rule="no.attacks", party="red"):
    return {s.month: s.score for s in report.scores if s.rule == rule and s.party == party}


def test_no_coverage_no_complied_the_unit_is_listed_not_scored(truce):
    # one attack by blue (no act of red) in February; nothing declares coverage: red's no.attacks has no
    # finding, is listed with the not-systematic reason over its whole time in force, and scores nothing
    report = dc.evaluate(truce, [attack("a", "2024-02-10", actor="blue")], as_of=D("2024-03-31"))
    assert complied(report) == []
    listed = [n for n in report.not_assessed if n.rule == "no.attacks"]
    assert [n.reason for n in listed] == [
        "no breach in the record from 2024-01-01 to 2024-03-31; the record is not systematic for these acts "
        "(no source declares coverage of attack)."]
    assert set(scores(report).values()) == {None}


def test_header_coverage_gives_complied_over_the_covered_span_only(truce, tmp_path):
    # the file records attacks from 5 Feb to 20 Mar; the report is as of 30 Apr: complied 5 Feb - 20 Mar
    # only; January and April are not covered (no score), February and March score 3
    path = tmp_path / "events.yaml"
    path.write_text("coverage:\n  - types: [attack]\n    from: 2024-02-05\n    to: 2024-03-20\n"
                    "events:\n  - {id: b1, date: 2024-02-10, type: attack, actor: blue}\n", encoding="utf-8")
    report = dc.evaluate(truce, dc.read_events(path), as_of=D("2024-04-30"))
    assert complied(report) == [("2024-02-05", "2024-03-20", "no.attacks/red/complied-2024-02-05")]
    assert scores(report) == {"2024-01": None, "2024-02": 3, "2024-03": 3, "2024-04": None}
    assert [s.to_dict() for s in report.sources] == [{
        "source": "events.yaml", "types": ["attack"], "from": "2024-02-05", "to": "2024-03-20", "provinces": [],
        "min_fatalities": 0, "declared_by": "the file's header"}]
    finding = next(f for f in report.findings if f.status == "complied")
    assert finding.reason == ("No attacks: no breach recorded from 2024-02-05 to 2024-03-20 in events.yaml, which "
                              "records attack systematically everywhere from 2024-02-05 to 2024-03-20 (declared by "
                              "the file's header).")
    # blue's no.shelling.north: the source records no shelling: listed, not complied
    assert [n.rule for n in report.not_assessed] == ["no.shelling.north"]


def test_a_declaration_is_cut_at_the_report_date(truce):
    report = dc.evaluate(truce, [attack("b", "2024-01-02", actor="blue")], as_of=D("2024-02-15"),
                         coverage=[cov(["attack"], "2024-01-10", "2024-06-30")])
    assert complied(report) == [("2024-01-10", "2024-02-15", "no.attacks/red/complied-2024-01-10")]
    assert report.sources[0].end == D("2024-02-15")


def test_a_violation_splits_the_covered_span(truce):
    # covered 1-31 Mar; red attacks on 10 Mar: complied 1-9 Mar and 11-31 Mar, the violation between;
    # March has a 0 (the violation), which outranks the 3s
    report = dc.evaluate(truce, [attack("v", "2024-03-10")], as_of=D("2024-03-31"),
                         coverage=[cov(["attack"], "2024-03-01", "2024-03-31")])
    assert complied(report) == [("2024-03-01", "2024-03-09", "no.attacks/red/complied-2024-03-01"),
                                ("2024-03-11", "2024-03-31", "no.attacks/red/complied-2024-03-11")]
    assert [f.status for f in report.findings if f.rule == "no.attacks" and f.status != "complied"] == ["violation"]
    assert scores(report)["2024-03"] == 0
    assert not [n for n in report.not_assessed if n.rule == "no.attacks"]


def test_finding_ids_stay_when_the_report_date_moves(truce):
    rows = [attack("v", "2024-03-10")]
    sources = [cov(["attack"], "2024-03-01", "2024-05-31")]
    early = dc.evaluate(truce, rows, as_of=D("2024-03-20"), coverage=sources)
    late = dc.evaluate(truce, rows, as_of=D("2024-05-31"), coverage=sources)
    assert [i for _, _, i in complied(early)] == [i for _, _, i in complied(late)]
    assert complied(late)[-1][:2] == ("2024-03-11", "2024-05-31")


def test_a_source_of_other_types_or_other_provinces_does_not_cover(truce):
    rows = [attack("b", "2024-01-02", actor="blue")]
    # shelling only: attacks are not recorded systematically
    assert complied(dc.evaluate(truce, rows, as_of=D("2024-01-31"),
                                coverage=[cov(["shelling"], "2024-01-01", "2024-01-31")])) == []
    # the shelling rule is limited to the North: a source of the North covers it, one of the South does not,
    # and a source limited to the North does not cover red's rule, which holds everywhere
    north = dc.evaluate(truce, rows, as_of=D("2024-01-31"),
                        coverage=[cov(["attack", "shelling"], "2024-01-01", "2024-01-31", provinces=["North"])])
    assert complied(north, "no.shelling.north") == [("2024-01-01", "2024-01-31",
                                                     "no.shelling.north/blue/complied-2024-01-01")]
    assert complied(north) == []
    south = dc.evaluate(truce, rows, as_of=D("2024-01-31"),
                        coverage=[cov(["shelling"], "2024-01-01", "2024-01-31", provinces=["South"])])
    assert complied(south, "no.shelling.north") == []


def test_a_lethal_only_source_says_no_lethal_breach(truce):
    report = dc.evaluate(truce, [attack("b", "2024-01-02", actor="blue")], as_of=D("2024-01-31"),
                         coverage=[cov(["attack"], "2024-01-01", "2024-01-31", source="ged.csv", min_fatalities=1)])
    finding = next(f for f in report.findings if f.status == "complied" and f.rule == "no.attacks")
    assert finding.reason.startswith("No attacks: no lethal breach recorded from 2024-01-01 to 2024-01-31 in ged.csv, "
                                     "which records attack systematically (lethal events only: 1+ deaths)")


def statement(id, day, start, end, actor="watch", accused="red", rule="no.attacks"):
    return {"id": id, "date": day, "type": "report", "actor": actor, "accused": accused, "rule": rule,
            "states": "complied", "states_from": start, "states_to": end}


def test_a_monitors_statement_is_evidence_for_its_span(truce):
    # no source declares anything; the monitor states red complied 1-15 Feb (stated on 20 Feb): complied
    # over that span, citing the statement; January and March get no score
    report = dc.evaluate(truce, [statement("s", "2024-02-20", "2024-02-01", "2024-02-15")], as_of=D("2024-03-31"))
    assert complied(report) == [("2024-02-01", "2024-02-15", "no.attacks/red/complied-2024-02-01")]
    finding = next(f for f in report.findings if f.status == "complied")
    assert finding.evidence == ("s",)
    assert "watch states that red complied from 2024-02-01 to 2024-02-15 (s)" in finding.reason
    assert scores(report) == {"2024-01": None, "2024-02": 3, "2024-03": None}
    # a party's own statement is not evidence: red saying it complied gives nothing
    own = dc.evaluate(truce, [statement("s", "2024-02-20", "2024-02-01", "2024-02-15", actor="red")],
                      as_of=D("2024-03-31"))
    assert complied(own) == []


def test_a_statement_disputed_by_a_breach_gives_nothing_and_is_named(truce):
    # the monitor states compliance 1-15 Feb, but red attacked on 10 Feb: the violation stands, no complied
    # finding (not even for the days around the attack), and the unit (which has a violation) is not listed
    report = dc.evaluate(truce, [statement("s", "2024-02-20", "2024-02-01", "2024-02-15"), attack("v", "2024-02-10")],
                         as_of=D("2024-02-29"))
    assert complied(report) == []
    assert [f.status for f in report.findings if f.rule == "no.attacks"] == ["violation"]


def test_a_statement_that_is_malformed_is_rejected_with_its_field(truce):
    bad = dict(statement("s", "2024-02-20", "2024-02-15", "2024-02-01"))
    report = dc.evaluate(truce, [bad], as_of=D("2024-02-29"))
    assert [(r.field, r.reason) for r in report.rejected] == [
        ("states_to", "states_to (2024-02-01) is before states_from (2024-02-15)")]
    report = dc.evaluate(truce, [{**bad, "states": "kept"}], as_of=D("2024-02-29"))
    assert [r.field for r in report.rejected] == ["states"]


def test_coverage_file_applies_to_csv_inputs(truce, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("id,date,type,actor\nb1,2024-02-10,attack,blue\n", encoding="utf-8")
    sidecar = tmp_path / "coverage.yaml"
    sidecar.write_text("- types: [attack]\n  from: 2024-02-01\n  to: 2024-02-29\n  note: counted by hand\n",
                       encoding="utf-8")
    report = dc.evaluate(truce, dc.read_events(events, coverage=sidecar), as_of=D("2024-02-29"))
    assert complied(report) == [("2024-02-01", "2024-02-29", "no.attacks/red/complied-2024-02-01")]
    assert report.sources[0].declared_by == f"the coverage file {sidecar}"
    assert report.sources[0].note == "counted by hand"


def test_coverage_file_errors_are_one_line_with_file_and_line(tmp_path):
    yaml_events = tmp_path / "e.yaml"
    yaml_events.write_text("events:\n  - {id: b1, date: 2024-02-10, type: attack, actor: blue}\n", encoding="utf-8")
    sidecar = tmp_path / "coverage.yaml"
    sidecar.write_text("- types: [attack]\n  from: 2024-02-01\n  to: 2024-02-29\n", encoding="utf-8")
    with pytest.raises(dc.InputFileError, match="no input is one"):
        dc.read_events(yaml_events, coverage=sidecar)
    csv_events = tmp_path / "e.csv"
    csv_events.write_text("id,date,type,actor\nb1,2024-02-10,attack,blue\n", encoding="utf-8")
    sidecar.write_text("- types: [attack]\n  from: 2024-02-01\n  to: 2024-01-29\n", encoding="utf-8")
    with pytest.raises(dc.InputFileError, match=r"coverage.yaml:1: coverage: to: 2024-01-29 is before from"):
        dc.read_events(csv_events, coverage=sidecar)
    header = tmp_path / "h.yaml"
    header.write_text("coverage:\n  - types: [attack]\n    from: soon\n    to: 2024-01-29\nevents: []\n",
                      encoding="utf-8")
    with pytest.raises(dc.InputFileError, match=r"h.yaml:2: coverage: from: 'soon' is not a day"):
        dc.evaluate(load_rules_from_texts({"agreement.yaml": AGREEMENT, "rules.yaml": RULES}), dc.read_events(header))


def test_cli_coverage_option(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "agreement.yaml").write_text(AGREEMENT, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text('{"id": "b1", "date": "2024-02-10", "type": "attack", "actor": "blue"}\n', encoding="utf-8")
    sidecar = tmp_path / "coverage.yaml"
    sidecar.write_text("coverage:\n  - types: [attack]\n    from: 2024-02-01\n    to: 2024-02-29\n", encoding="utf-8")
    result = run_main("report", "--rules", str(folder), "--events", str(events), "--coverage", str(sidecar),
                      "--as-of", "2024-02-29", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["declared_coverage"][0]["source"] == "events.jsonl"
    assert [f["id"] for f in data["findings"] if f["status"] == "complied"] == ["no.attacks/red/complied-2024-02-01"]
    bad = run_main("report", "--rules", str(folder), "--events", str(events), "--coverage", str(tmp_path / "nope.yaml"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_acled_and_ucdp_exports_declare_their_scope(doha):
    acled = dc.evaluate(doha, dc.read_events("examples/acled/afghanistan_oct2020_sample.csv"))
    ucdp = dc.evaluate(doha, dc.read_events("examples/ucdp/ged_afghanistan_sample.csv"))
    (a,), (u,) = acled.sources, ucdp.sources
    assert (a.types, a.min_fatalities, a.declared_by) == (("airstrike", "attack"), 0,
                                                          "the ACLED export's scope (its mapping's coverage)")
    assert (u.types, u.min_fatalities) == (("attack", "clash"), 1)
    assert (a.start, a.end) == (acled.coverage.first, acled.coverage.last)


# --- the law: a past month's score changes only with new evidence about that month ----------------

def _spread(row: dict) -> dict:
    """The row with its day moved ten times as far from the vocabulary's start: a 12-day stream becomes
    four months, so that months end before the report date and the law has months to hold for."""
    day = dt.date.fromisoformat(str(row["date"])[:10])
    return dict(row, date=(COMPACT.start + (day - COMPACT.start) * 10).isoformat())


@given(scenarios(), st.dates(min_value=COMPACT.start, max_value=COMPACT.start + dt.timedelta(days=120)),
       st.integers(1, 60))
def test_moving_the_report_date_forward_never_changes_a_past_months_score(scenario, d1, later):
    """For d1 < d2 over the same input, a month ending before d1's month scores the same at both unless
    new evidence arrived: with no event dated after d1 up to d2, every past month is unchanged; with
    some, a continuing commitment's past months still are (what happens after d1 cannot breach, cover
    or justify an earlier day; a report `about` an earlier act, or a monitor's statement dated after d1,
    is new evidence about it: left out here). A deadline's past months may change with such events: an
    event after its day that bears on it shows whether it was done by then (§5.3). The stream is spread
    over four months (`_spread`), so the law speaks of past months."""
    d2 = d1 + dt.timedelta(days=later)
    agreement = load_rules_from_texts(agreement_texts(scenario.rules, COMPACT, signatories=scenario.signatories,
                                                      monitors=scenario.monitors, answers_for=scenario.answers_for))
    rows = [_spread(r) for r in scenario.rows]
    rows = [r for r in rows if not ((r.get("states") or r.get("about")) and r["date"][:10] > d1.isoformat())]
    events = validated_events(agreement, rows)
    first = dc.evaluate(agreement, events, as_of=d1, coverage=scenario.sources())
    second = dc.evaluate(agreement, events, as_of=d2, coverage=scenario.sources())
    month = d1.strftime("%Y-%m")
    news = any(d1 < e.date <= d2 for e in events)
    deadlines = {r.id for r in agreement.rules if r.traits.deadline}

    def past(report: dc.Report) -> dict:
        return {(s.rule, s.party, s.month): s.score for s in report.scores
                if s.month < month and not (news and s.rule in deadlines)}
    before, after = past(first), past(second)
    assert before == after, {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
                             if before.get(k) != after.get(k)}


def test_the_reference_judge_reads_header_coverage_like_the_pipeline(truce, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("coverage:\n  - types: [attack, shelling]\n    from: 2024-02-05\n    to: 2024-03-20\n"
                    "events:\n  - {id: v, date: 2024-02-10, type: attack, actor: red}\n", encoding="utf-8")
    source = dc.read_events(path)
    report = dc.evaluate(truce, source, as_of=D("2024-04-30"))
    events, _, _ = collect(truce, dc.read_events(path))
    assert pipeline_conclusions(report) == reference_conclusions(truce, events, D("2024-04-30"), report.sources)


def test_a_partly_done_deadline_keeps_its_past_scores_as_the_report_date_moves():
    """A fulfilling event counted from the start bears on a deadline whatever its covered_by says
    (commitment-semantics §5.3, addendum 7): 5 of 10 done in January, nothing else; as of 1 March
    the deadline (due 15 February) is a violation, not "not assessed", and January keeps its 2."""
    agreement = load_rules_from_texts({
        "agreement.yaml": "agreement:\n  id: t\n  title: T\n  signed: 2024-01-01\n  parties: {red: Red}\n"
                          "  event_types: [level, note]\n  location_kinds: [town]\n",
        "rules.yaml": "rules:\n  - id: d\n    party: red\n    title: D\n    source: s\n    basis: public_text\n"
                      "    kind: deadline\n    due: 2024-02-15\n    covered_by: {type: note}\n"
                      "    fulfilled_by: {when: {type: level, actor: $party}, total_of: count, at_least: 10}\n"})
    rows = [{"id": "l", "date": "2024-01-10", "type": "level", "actor": "red", "count": 5}]
    # 5 of 10 done in January: 2 (half or more) as of 10 Feb; as of 1 Mar the deadline is not assessed
    january = [s.score for s in dc.evaluate(agreement, rows, as_of=D("2024-02-10")).scores if s.month == "2024-01"]
    assert january == [2]
    later = dc.evaluate(agreement, rows, as_of=D("2024-03-01"))
    assert [s.score for s in later.scores if s.month == "2024-01"] == [2]
    assert [(f.status, f.date) for f in later.findings] == [("violation", D("2024-02-15"))]


def test_every_format_lists_the_declared_coverage_and_explain_names_the_source(truce):
    report = dc.evaluate(truce, [attack("b", "2024-01-02", actor="blue")], as_of=D("2024-01-31"),
                         coverage=[cov(["attack"], "2024-01-01", "2024-01-31", source="count.csv")])
    line = "count.csv: attack everywhere, 2024-01-01 to 2024-01-31; declared by a test"
    for fmt in ("text", "md", "html"):
        assert line in dc.render(report, fmt), fmt
    assert dc.render(report, "csv", table="coverage").splitlines() == [
        "source,types,provinces,from,to,min_fatalities,declared_by,note",
        "count.csv,attack,,2024-01-01,2024-01-31,0,a test,"]
    assert json.loads(report.to_json())["declared_coverage"][0]["source"] == "count.csv"
    told = dc.explain(report, "no.attacks/red/complied-2024-01-01")
    assert "span:      2024-01-01 to 2024-01-31" in told and f"  - {line}" in told
    # nothing declared: every format says so, and the JSON has no key for it
    bare = dc.evaluate(truce, [attack("b", "2024-01-02", actor="blue")], as_of=D("2024-01-31"))
    for fmt in ("text", "md", "html"):
        assert "Declared coverage: none." in dc.render(bare, fmt), fmt
    assert "declared_coverage" not in json.loads(bare.to_json())


def test_the_json_report_with_declared_coverage_follows_its_schema(truce):
    import jsonschema
    from importlib import resources
    schema = json.loads(resources.files("doha_compliance").joinpath("schemas/report.schema.json").read_text("utf-8"))
    report = dc.evaluate(truce, [attack("b", "2024-01-02", actor="blue")], as_of=D("2024-01-31"),
                         coverage=[cov(["attack"], "2024-01-01", "2024-01-31", provinces=["North"])])
    jsonschema.Draft202012Validator(schema).validate(json.loads(report.to_json()))


def test_a_disputed_statement_is_named_where_the_unit_is_listed():
    # blue's strikes are permitted only in answer to an attack; its one strike (5 Feb) answers none but blue
    # states a reason: unresolved, no default. The monitor states blue complied 1-15 Feb: disputed by the
    # act on 5 Feb, so it covers nothing, and the listed unit names it
    agreement = load_rules_from_texts({"agreement.yaml": AGREEMENT, "rules.yaml": """rules:
  - id: strikes.answer
    party: blue
    title: Strikes only in answer
    source: test
    basis: public_text
    kind: conditional
    when: {type: shelling, actor: $party}
    justified_by: {when: {type: attack, target: $party}, within_days: 2}
"""})
    rows = [{"id": "s1", "date": "2024-02-05", "type": "shelling", "actor": "blue", "stated_justification": "answering"},
            statement("w", "2024-02-20", "2024-02-01", "2024-02-15", accused="blue", rule="strikes.answer")]
    report = dc.evaluate(agreement, rows, as_of=D("2024-02-29"))
    assert [f.status for f in report.findings] == ["unresolved"]
    assert [n.reason for n in report.not_assessed] == [
        "no breach in the record from 2024-01-01 to 2024-02-29; the record is not systematic for these acts (no "
        "source declares coverage of shelling); watch's statement of compliance from 2024-02-01 to 2024-02-15 (w) "
        "is disputed by the act found on 2024-02-05 (a violation, or an act the input cannot settle)."]
