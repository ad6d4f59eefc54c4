"""Pins for what an independent set of hand-written bugs showed unpinned (issue 22).

Each expectation is reasoned by hand from the code's documented intent, never copied from output:

- a place given by its distance from a capital is not at the capital, whatever its case
  (gazetteer: `"25 km north of", "20 kilometres", "10 miles"`, matched ignoring case);
- a mapping's actor entry holds `from`/`until` a date, "both inclusive" (mappings/acled.yaml);
- a `starts_when: {when: ...}` commitment starts at "the first event matching a condition"
  (judging/triggers.py), so a later matching event moves nothing.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import D, ev

import doha_compliance as dc
from doha_compliance.intake.exports.gazetteer import load_gazetteer
from doha_compliance.intake.exports.importers import load_mapping, map_row
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events

GED = "tests/data/ucdp_ged_shape.csv"


# --- a distance phrase in capitals --------------------------------------------------------------

@pytest.mark.parametrize("text", ["25 km north of Taloqan city", "25 KM north of Taloqan city",
                                  "25 Km NORTH OF TALOQAN CITY", "20 KILOMETRES east of Taloqan", "10 Miles from Taloqan"])
def test_a_distance_from_the_capital_in_any_case_is_not_the_capital(text):
    gazetteer = load_gazetteer()
    assert gazetteer.names_capital("Takhar", "Taloqan city")      # the control: the capital itself is named
    assert not gazetteer.names_capital("Takhar", text)


def test_an_imported_row_25_KM_north_of_the_capital_is_a_district(doha, tmp_path):
    # UCDP row 990004 (where_prec 2) says "Old Road (25 km north of Kabul city)": a district, not Kabul.
    # Written in capitals it is the same place.
    text = Path(GED).read_text(encoding="utf-8")
    assert "Old Road (25 km north of Kabul city)" in text
    path = tmp_path / "ged.csv"
    path.write_text(text.replace("Old Road (25 km north of Kabul city)", "OLD ROAD (25 KM NORTH OF KABUL CITY)"),
                    encoding="utf-8")
    accepted, _, _ = dc.api.collect(doha, dc.read_events(str(path)))
    row = {e.id: e for e in accepted}["990004"]
    assert (row.province, row.location_kind) == ("Kabul", "district")


# --- an actor entry's `until` day ----------------------------------------------------------------

MAPPING = """format: acled
columns: {id: event_id_cnty, date: event_date, actor: actor1, target: actor2, province: admin1, place: location}
actors:
  - {match: "^Military Forces of Afghanistan", party: afghan_forces, from: 2014-09-29, until: 2021-08-14}
  - {match: "^Military Forces of Afghanistan", party: unknown}
types:
  - {event_type: Battles, type: attack}
"""


@pytest.mark.parametrize("day, party", [
    ("2014-09-28", "unknown"),        # the day before `from`
    ("2014-09-29", "afghan_forces"),  # `from` itself: inclusive
    ("2021-08-14", "afghan_forces"),  # `until` itself: inclusive
    ("2021-08-15", "unknown"),        # the day after `until`: the next entry decides
])
def test_an_actor_entry_holds_from_and_until_inclusive(tmp_path, day, party):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping("acled", str(path))
    raw = {"event_id_cnty": "X1", "event_date": day, "event_type": "Battles",
           "actor1": "Military Forces of Afghanistan (2014-2021)", "actor2": "Taliban", "admin1": "Kabul", "location": "Kabul"}
    row, problem, _ = map_row(raw, mapping)
    assert problem is None and (row["date"], row["actor"]) == (day, party)


# --- a trigger's first event ----------------------------------------------------------------------

@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def conclusions(who: str, agreement: dc.Agreement, rows: list, as_of: str) -> dict:
    events = validated_events(agreement, rows)
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=D(as_of)))
    return reference_conclusions(agreement, events, D(as_of))


def findings(c: dict) -> list:
    return sorted(((f["rule"], f["party"], f["status"], f["date"], tuple(f["evidence"]), f["due"])
                   for f in c["findings"]), key=str)


# blue must report a level within 3 days of green's note; nothing else in force (SMALL, signed 2020-01-01)
REPORT_BACK = {"id": "report.back", "party": "blue", "title": "report back", "source": "article on report.back",
               "basis": "public_text", "kind": "deadline", "starts_when": {"when": {"type": "note", "actor": "green"}},
               "due": {"from": "trigger", "days": 3}, "fulfilled_by": {"when": {"type": "level", "actor": "$party"}}}


def test_a_trigger_is_the_first_matching_event_not_the_latest(who):
    agreement = load_rules_from_texts(agreement_texts([REPORT_BACK], SMALL))
    # the first note (01-02) starts the commitment: due 01-05. The second (01-06) starts nothing new.
    rows = [ev("n1", "2020-01-02", "note", "green"), ev("n2", "2020-01-06", "note", "green")]
    assert findings(conclusions(who, agreement, rows, "2020-01-08")) == [
        ("report.back", "blue", "violation", "2020-01-05", (), "2020-01-05")]
    # a level on 01-07 is within 3 days of the second note only: for the first it is met late, still a
    # violation of the 01-05 deadline (its evidence the late level)
    late = rows + [ev("l", "2020-01-07", "level", "blue")]
    assert findings(conclusions(who, agreement, late, "2020-01-08")) == [
        ("report.back", "blue", "violation", "2020-01-05", ("l",), "2020-01-05")]
    # a level on the deadline day of the first note meets it
    on_time = rows + [ev("l", "2020-01-05", "level", "blue")]
    assert findings(conclusions(who, agreement, on_time, "2020-01-08")) == [
        ("report.back", "blue", "met", "2020-01-05", ("l",), "2020-01-05")]


def test_substitute_party_replaces_the_placeholder_wherever_it_stands():
    """The reference judge, the level oracle and the scores read raw conditions through
    `substitute_party`: `$party` must become the party in a value, a list and a nested mapping,
    and nothing else may change (a mutation sample found no test that noticed a `$party` left as
    it was)."""
    from doha_compliance.rules import conditions

    raw = {"actor": "$party", "target": ["green", "$party"], "any": [{"accused": "$party"}, {"type": "attack"}],
           "fatalities": {"at_least": 2}}
    assert conditions.substitute_party(raw, "red") == {
        "actor": "red", "target": ["green", "red"], "any": [{"accused": "red"}, {"type": "attack"}],
        "fatalities": {"at_least": 2}}
    assert conditions.substitute_party("$party", "blue") == "blue"
    assert conditions.substitute_party("$partyx", "blue") == "$partyx"
    assert conditions.substitute_party(3, "blue") == 3


_AGREEMENT = """agreement:
  id: pin
  title: Pin
  signed: 2020-01-01
  parties: {red: Red, blue: Blue}
  event_types: [attack]
  signatories: [red, blu]
"""
_RULE = """rules:
  - id: r0
    party: red
    title: Rule 0
    source: made up
    basis: public_text
    kind: prohibited
    when: {type: attack}
"""


def test_a_signatory_that_is_not_a_party_is_refused():
    """agreement.yaml's `signatories` name parties (as `monitors` do): a misspelt one is an error
    with a hint, not a signatory nobody owes anything as (a mutation sample found this unpinned)."""
    from doha_compliance.rules.loader import load_rules_from_texts

    with pytest.raises(dc.RuleSetError) as caught:
        load_rules_from_texts({"agreement.yaml": _AGREEMENT, "rules.yaml": _RULE})
    assert "signatories" in str(caught.value) and "'blu' is not one of the parties" in str(caught.value)
    assert "blue" in str(caught.value)  # the hint


def test_a_folder_without_agreement_yaml_says_whether_it_has_any_yaml(tmp_path):
    """An empty folder (a wrong path, most likely) is told so; a folder of rule files without its
    agreement.yaml is told only what is missing."""
    with pytest.raises(dc.RuleSetError) as empty:
        dc.load_rules(str(tmp_path))
    assert "missing: a rule folder needs agreement.yaml" in str(empty.value)
    assert "the folder has no YAML files at all" in str(empty.value)
    (tmp_path / "rules.yaml").write_text(_RULE, encoding="utf-8")
    with pytest.raises(dc.RuleSetError) as rules_only:
        dc.load_rules(str(tmp_path))
    assert "missing: a rule folder needs agreement.yaml" in str(rules_only.value)
    assert "no YAML files" not in str(rules_only.value)


def _deadline(due: str) -> str:
    return f"""rules:
  - id: d0
    party: red
    title: Deadline 0
    source: made up
    basis: public_text
    kind: deadline
    due: {due}
    fulfilled_by: {{when: {{type: attack}}}}
"""


_PARTIES = _AGREEMENT.replace("  signatories: [red, blu]\n", "")


def test_a_due_offset_says_what_it_counts_from():
    """The note beside a computed due date names its start — "signature" or the date the rule
    gives — then the start's date and the result (two survivors of the mutation sample of
    rules/build: the note's wording was unpinned)."""
    from doha_compliance.rules.loader import load_rules_from_texts

    signed = load_rules_from_texts({"agreement.yaml": _PARTIES, "rules.yaml": _deadline("{from: signature, days: 10}")})
    (rule,) = signed.rules
    assert rule.due == D("2020-01-11")
    assert rule.due_note == "10 days from signature (2020-01-01) = 2020-01-11"
    dated = load_rules_from_texts({"agreement.yaml": _PARTIES, "rules.yaml": _deadline("{from: 2020-02-01, months: 1}")})
    (rule,) = dated.rules
    assert rule.due == D("2020-03-01")
    assert rule.due_note == "1 months from 2020-02-01 (2020-02-01) = 2020-03-01"


def test_a_due_offset_from_a_date_out_of_range_is_a_located_error_not_a_crash():
    from doha_compliance.rules.loader import load_rules_from_texts

    with pytest.raises(dc.RuleSetError) as caught:
        load_rules_from_texts({"agreement.yaml": _PARTIES, "rules.yaml": _deadline("{from: 1700-01-01, days: 10}")})
    assert "due" in str(caught.value) and "1700" in str(caught.value)


# --- the two judges on a conditional rule's `status` and a blank stated reason -----------------------
# (found while writing the rule-language reference: the pipeline and the reference judge disagreed)

# blue may strike only within 2 days after red attacks (SMALL, signed 2020-01-01)
STRIKE_BACK = {"id": "strike.back", "party": "blue", "title": "strike back only", "source": "article",
               "basis": "public_text", "kind": "conditional", "when": {"type": "strike", "actor": "$party"},
               "justified_by": {"when": {"type": "attack", "actor": "red"}, "within_days": 2}}


def test_a_conditional_rules_status_is_what_an_unjustified_act_gets_in_both_judges(who):
    # rule-language.md `status`: "the status given to ... an unjustified act (with no stated
    # justification) under a conditional rule". A strike on 01-05 with no attack before it is unjustified.
    agreement = load_rules_from_texts(agreement_texts([dict(STRIKE_BACK, status="missed")], SMALL))
    rows = [ev("s", "2020-01-05", "strike", "blue")]
    assert findings(conclusions(who, agreement, rows, "2020-01-06")) == [
        ("strike.back", "blue", "missed", "2020-01-05", ("s",), None)]


@pytest.mark.parametrize("stated", ["   ", "\t"])
def test_a_blank_stated_justification_states_nothing_in_both_judges(who, stated):
    # `unresolved` needs "the acting party states a justification" (commitment-semantics §2): a text of
    # spaces states none, so the unjustified strike is a violation, as with no statement at all.
    agreement = load_rules_from_texts(agreement_texts([STRIKE_BACK], SMALL))
    rows = [ev("s", "2020-01-05", "strike", "blue", stated_justification=stated)]
    assert findings(conclusions(who, agreement, rows, "2020-01-06")) == [
        ("strike.back", "blue", "violation", "2020-01-05", ("s",), None)]
    said = [ev("s", "2020-01-05", "strike", "blue", stated_justification="red fired first")]
    assert findings(conclusions(who, agreement, said, "2020-01-06")) == [
        ("strike.back", "blue", "unresolved", "2020-01-05", ("s",), None)]


@pytest.mark.parametrize("name", ["unknown", "other"])
def test_a_party_cannot_take_a_reserved_name(name):
    # Issue 26: a party named `other` was accepted, and would read as "an actor the agreement does not name".
    texts = agreement_texts([], SMALL)
    texts["agreement.yaml"] = texts["agreement.yaml"].replace("  parties:\n", f"  parties:\n    {name}: Someone\n", 1)
    assert f"    {name}: Someone" in texts["agreement.yaml"]
    with pytest.raises(dc.RuleSetError) as err:
        load_rules_from_texts(texts)
    assert f"agreement.yaml: parties: '{name}' cannot name a party" in str(err.value)
