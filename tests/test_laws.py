"""Laws a compliance engine must obey, checked by hypothesis on random rule sets and streams."""
from __future__ import annotations

import datetime as dt
import json

import attrs

import pytest
from hypothesis import assume, event, example, given, strategies as st, target

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.reference.engine import reference_matches
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import (COMPACT, SMALL, Scenario, agreement_texts, event_streams, invalid_rows, rule_sets,
                                     scenarios, validated_events)
from doha_compliance.testing._rules import loaded

from conftest import AVAILABLE_ENGINES, DECIDERS, assert_prefilter_hides_nothing

streams = event_streams(max_size=25, vocabulary=SMALL)
as_ofs = st.dates(min_value=SMALL.start, max_value=SMALL.end + dt.timedelta(days=5))


def conclusions(report: dc.Report) -> dict:
    """Everything a report concludes, without the input counts."""
    data = json.loads(report.to_json())
    return {k: data[k] for k in ("findings", "claims", "not_assessed", "parties")}


@given(rule_sets(), streams, as_ofs)
@example(  # durable_rules dropped join terms placed after an $or (fixed in engine.compile_ruleset)
    agreement=load_rules_from_texts(agreement_texts([{
        "id": "r2.conditional", "party": "red", "title": "Rule 2", "source": "generated", "basis": "reported",
        "kind": "conditional", "when": {"type": "attack", "any": [{"location_kind": ["town"]}, {"fatalities": {"at_least": 0}}]},
        "justified_by": {"when": {"type": "attack"}, "within_days": 1, "same": []}}], SMALL)),
    rows=[{"id": "e000", "date": "2020-01-01", "type": "attack", "actor": "red", "location_kind": "town"},
          {"id": "e001", "date": "2020-01-02", "type": "attack", "actor": "red"}],
    as_of=dt.date(2020, 1, 2))
def test_engine_equals_the_plain_python_reference(agreement, rows, as_of):
    events, rejected, _ = collect(agreement, rows)
    assert rejected == []
    in_scope = sorted((e for e in events if e.date <= as_of), key=lambda e: e.sort_key)
    reference = reference_matches(agreement, in_scope).canonical()
    for decider in DECIDERS:  # durable == python == reference
        assert durable_matches(agreement, in_scope, decider=decider).canonical() == reference, decider
    reports = {engine: dc.evaluate(agreement, rows, as_of=as_of, engine=engine).to_json() for engine in AVAILABLE_ENGINES}
    assert len(set(reports.values())) == 1, sorted(reports)


@given(rule_sets(), streams, as_ofs, st.randoms(use_true_random=False))
def test_order_of_input_does_not_matter(agreement, rows, as_of, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    before, after = dc.evaluate(agreement, rows, as_of=as_of), dc.evaluate(agreement, shuffled, as_of=as_of)
    assert conclusions(before) == conclusions(after)
    # the cited events are the same; only where they sit in the input ("<events>:N") moves
    assert [attrs.evolve(e, where="") for e in before.events] == [attrs.evolve(e, where="") for e in after.events]


@given(rule_sets(), streams, as_ofs)
def test_an_event_of_a_type_no_rule_reads_changes_nothing(agreement, rows, as_of):
    """...but what the input covers: it can move the end of a `complied` period (and say why a
    commitment is not assessed differently). Every act, deadline and claim stays as it was."""
    read_types = {t for r in agreement.rules for c in r.conditions
                  for t in ([c["type"]] if isinstance(c.get("type"), str) else c.get("type", []))}
    read_types |= {"any"} if any(not c.get("type") for r in agreement.rules for c in r.conditions) else set()
    unread = [t for t in SMALL.types if t not in read_types]
    assume(unread and "any" not in read_types)
    extra = {"id": "zz-unrelated", "date": as_of.isoformat(), "type": unread[0], "actor": SMALL.parties[0],
             "province": SMALL.provinces[0], "fatalities": 99}
    before, after = dc.evaluate(agreement, rows, as_of=as_of), dc.evaluate(agreement, rows + [extra], as_of=as_of)

    def kept(report: dc.Report) -> dict:
        data = conclusions(report)
        data["findings"] = [f for f in data["findings"] if f["status"] != "complied"]
        data["complied"] = sorted((f["rule"], f["version"], f["party"]) for f in conclusions(report)["findings"]
                                  if f["status"] == "complied")
        data["not_assessed"] = [(n["rule"], n["version"], n["party"]) for n in data["not_assessed"]]
        for f in data["findings"]:
            f.pop("linked")  # a linked continuing commitment may now read complied, or complied for longer
            f.pop("reason")  # "the input ends on ..." follows the coverage
        data.pop("parties")
        return data
    b, a = kept(before), kept(after)
    # a complied period can only gain days: what was complied stays so; a unit not assessed for lack of
    # input days may become complied
    assert set(b["complied"]) <= set(a["complied"])
    assert set(a["complied"]) - set(b["complied"]) <= set(b["not_assessed"])
    for key in ("findings", "claims"):
        assert a[key] == b[key]
    assert after.inputs.read == before.inputs.read + 1 and after.inputs.evaluated == before.inputs.evaluated + 1


@given(rule_sets(), streams, as_ofs, st.integers(1, 4))
def test_splitting_a_stream_into_files_gives_the_same_report(tmp_path_factory, agreement, rows, as_of, parts):
    folder = tmp_path_factory.mktemp("split")
    whole = folder / "whole.jsonl"
    whole.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    paths = []
    for i in range(parts):
        path = folder / f"part{i}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows[i::parts]), encoding="utf-8")
        paths.append(path)
    one = dc.evaluate(agreement, dc.read_events(whole), as_of=as_of)
    many = dc.evaluate(agreement, dc.read_events(*paths), as_of=as_of)
    assert conclusions(one) == conclusions(many)
    assert one.inputs.evaluated == many.inputs.evaluated == len(rows)


@given(rule_sets(), streams, as_ofs, event_streams(min_size=1, max_size=5, vocabulary=SMALL))
def test_a_report_as_of_a_date_ignores_later_events(agreement, rows, as_of, later):
    later_rows = [{**r, "id": f"later-{i}", "date": (as_of + dt.timedelta(days=1 + i)).isoformat()}
                  for i, r in enumerate(later)]
    before = dc.evaluate(agreement, rows, as_of=as_of)
    after = dc.evaluate(agreement, rows + later_rows, as_of=as_of)
    assert conclusions(before) == conclusions(after)
    assert after.inputs.after_as_of == before.inputs.after_as_of + len(later_rows)


STRIKE_DAY = dt.date(2020, 7, 15)


@given(st.integers(-3, 20), st.sampled_from(["Kandahar", "Helmand"]), st.booleans())
@example(offset=14, province="Kandahar", on_forces=True)    # first day of the window
@example(offset=15, province="Kandahar", on_forces=True)    # one day outside it
@example(offset=0, province="Kandahar", on_forces=True)     # the same day
@example(offset=-1, province="Kandahar", on_forces=True)    # the day after does not count
def test_a_strike_is_justified_iff_an_attack_lies_in_the_window(doha, offset, province, on_forces):
    attack = {"id": "att", "date": (STRIKE_DAY - dt.timedelta(days=offset)).isoformat(), "type": "attack",
              "actor": "taliban", "province": province, "target": "afghan_forces" if on_forces else "civilians"}
    strike = {"id": "str", "date": STRIKE_DAY.isoformat(), "type": "airstrike", "actor": "us", "target": "taliban", "province": "Kandahar"}
    report = dc.evaluate(doha, [attack, strike], as_of=STRIKE_DAY)
    status = next(f.status for f in report.findings if f.rule == "strikes.defensive_only" and f.evidence)
    expected = 0 <= offset <= 14 and province == "Kandahar" and on_forces
    assert status == ("justified" if expected else "violation")


@given(rule_sets(), streams, as_ofs)
def test_evaluating_twice_gives_byte_identical_json(agreement, rows, as_of):
    assert dc.evaluate(agreement, rows, as_of=as_of).to_json() == dc.evaluate(agreement, rows, as_of=as_of).to_json()


@given(event_streams(max_size=15), st.lists(invalid_rows(), max_size=8), st.randoms(use_true_random=False))
def test_counts_reconcile_for_any_mix_of_good_and_bad_rows(doha, good, bad, rnd):
    rows = list(good) + [dict(r, id=f"bad-{i}") if "id" in r else r for i, (r, _, _) in enumerate(bad)]
    rnd.shuffle(rows)
    report = dc.evaluate(doha, rows)
    assert report.inputs.read == len(rows) == report.inputs.evaluated + report.inputs.rejected
    assert report.inputs.rejected == len(bad)
    reasons = sorted(r.reason for r in report.rejected)
    for _, _field, phrase in bad:
        assert any(phrase in reason for reason in reasons)


@given(invalid_rows())
def test_each_defect_is_named(doha, case):
    row, field, phrase = case
    report = dc.evaluate(doha, [row])
    assert report.inputs.rejected == 1
    assert report.rejected[0].field == field and phrase in report.rejected[0].reason


# --- edge dates -------------------------------------------------------------

def test_leap_day_signature_and_deadline_arithmetic(doha):
    assert doha.signed == dt.date(2020, 2, 29)
    assert doha.versions("withdrawal.phase_one")[0].due == dt.date(2020, 7, 13)
    # An event on the leap day itself is inside every rule's window.
    report = dc.evaluate(doha, [{"id": "x", "date": "2020-02-29", "type": "attack", "actor": "taliban",
                                 "location_kind": "highway"}])
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("x",)]


def test_datetimes_with_time_zones_keep_their_written_date(doha):
    # Each time falls on another day in UTC than where it was written: only the written date gives
    # these answers (withdrawal.full is due 2021-05-01).
    rows = [{"id": "late-evening", "date": "2021-05-01T23:30:00-05:00", "type": "troop_level", "actor": "us",
             "count": 0},  # 2021-05-02 04:30 in UTC
            {"id": "c", "date": "2021-05-01", "type": "troop_level", "actor": "coalition", "count": 0}]  # both parts
    report = dc.evaluate(doha, rows, as_of=dt.date(2021, 5, 2))
    us = next(f for f in report.findings if f.rule == "withdrawal.full" and f.party == "us")
    assert us.status == "met" and us.date == dt.date(2021, 5, 1)
    kabul = dc.evaluate(doha, [{**rows[0], "date": "2021-05-02T01:00:00+04:30"}, rows[1]],  # 2021-05-01 20:30 UTC
                        as_of=dt.date(2021, 5, 3))
    assert next(f for f in kabul.findings if f.rule == "withdrawal.full" and f.party == "us").status == "violation"


@given(st.permutations(["a", "b", "c"]))
def test_events_at_the_same_timestamp_are_ordered_by_id(doha, ids):
    rows = [{"id": i, "date": "2020-10-10T10:00:00+04:30", "type": "attack", "actor": "taliban",
             "target": "afghan_forces", "province": "Helmand", "location_kind": "city"} for i in ids]
    rows.append({"id": "s", "date": "2020-10-10T10:00:00+04:30", "type": "airstrike", "actor": "us", "target": "taliban", "province": "Helmand"})
    report = dc.evaluate(doha, rows)
    strike = next(f for f in report.findings if f.rule == "strikes.defensive_only" and f.evidence)
    assert strike.status == "justified" and strike.justified_by == ("a", "b", "c")
    assert [f.evidence[0] for f in report.findings if f.rule == "violence.reduction" and f.evidence] == ["a", "b", "c"]


@given(rule_sets(), streams)
def test_the_prefilter_never_hides_an_event_a_rule_could_match(agreement, rows):
    assert_prefilter_hides_nothing(agreement, rows)



# --- commitments as the agreement states them (issue 12): the pipeline against the reference judge --
#
# `reference_judge.py` judges again, from the specification alone, what the pipeline's judging modules
# decide (statuses, triggers, links, defaults, complied, claims): it shares only the rule loader and the
# condition language with them. The laws below compare the two on random rule sets and streams made for
# them (`scenarios()`), and state properties each must have on its own (`who`).

WHO = ("pipeline", "reference")


def agreement_of(scenario: Scenario) -> dc.Agreement:
    """`scenario.agreement()`, loaded once per rule set text: a law asks for it up to three times an
    example, and hypothesis draws the same rule set again while it varies the rest (an Agreement is
    frozen, so sharing it is safe). The cache is `scenarios()`'s own: the rules it loaded to draw the
    stream are not loaded again."""
    return loaded(agreement_texts(scenario.rules, COMPACT, signatories=scenario.signatories,
                                  monitors=scenario.monitors, answers_for=scenario.answers_for))


def judged(who: str, scenario: Scenario, as_of: dt.date | None = None, rows: list | None = None) -> dict:
    agreement = agreement_of(scenario)
    events = validated_events(agreement, scenario.rows if rows is None else rows)
    day = scenario.as_of if as_of is None else as_of
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=day, coverage=scenario.sources()))
    return reference_conclusions(agreement, events, day, scenario.sources())


def tally(c: dict) -> None:
    """The share of draws that reach each outcome (shown by `pytest --hypothesis-show-statistics`)."""
    statuses = {f["status"] for f in c["findings"]}
    for status in sorted(statuses):
        event(f"a finding {status}")
    for claim in c["claims"]:
        event(f"a claim {claim['assessment']} (claimant: {claim['claimant_role']})")
    if c["not_assessed"]:
        event("a commitment not assessed")
    if any(f["linked"] for f in c["findings"]):
        event("a finding with linked commitments")
    if any(p["date"] for g in c["defaults"] for p in g["parties"]):
        event("a default in a linked group")
    if c["coverage"]["unattributed"]:
        event("an unattributed event")
    for f in c["findings"]:  # contested readings (issue 24)
        for r in f.get("readings", []):
            event(f"a finding read otherwise: {r['status']}")
    if any(g.get("readings") for g in c["defaults"]):
        event("who defaulted first under another reading")
    target(float(len(statuses)), label="distinct statuses in one report")


def _rule(id: str, party, kind: str, **fields) -> dict:
    return {"id": id, "party": party, "title": id, "source": "generated", "basis": "reported", "kind": kind, **fields}


_LEVEL = {"when": {"type": "level", "actor": "$party"}}
_NOTE = {"id": "n", "date": "2020-01-01", "type": "note", "actor": "green"}


@given(scenarios())
# Disagreements found by this law, each the smallest input that shows it (see the commit notes):
@example(Scenario(  # a commitment not yet in force on the report date is not_triggered (SPEC 5.2), not absent
    rules=[_rule("p", "red", "prohibited", when={"type": "attack"}, effective_from="2020-01-05")],
    rows=[_NOTE], as_of=dt.date(2020, 1, 3)))
@example(Scenario(  # a linked deadline's status is read no later than the report date (b is dated after it)
    rules=[_rule("a", "red", "deadline", due="2020-01-02", fulfilled_by=_LEVEL, linked=["b"]),
           _rule("b", "blue", "deadline", due="2020-01-08", fulfilled_by=_LEVEL)],
    rows=[_NOTE], as_of=dt.date(2020, 1, 2)))
@example(Scenario(  # triggered (d met on 01-01) but not yet in force (from 01-05): not_triggered on 01-01
    rules=[_rule("d", "red", "deadline", due="2020-01-12", fulfilled_by=_LEVEL, linked=["p"]),
           _rule("p", "red", "prohibited", when={"type": "attack"}, starts_when={"rule": "d"},
                 effective_from="2020-01-05")],
    rows=[{"id": "l", "date": "2020-01-01", "type": "level", "actor": "red"},
          {"id": "a", "date": "2020-01-06", "type": "attack", "actor": "blue"}], as_of=dt.date(2020, 1, 6)))
@example(Scenario(  # "up to 10": every counted event is evidence (SPEC 5.3), those past the ceiling too
    rules=[_rule("r", "red", "deadline", due="2020-01-10",
                 fulfilled_by={"when": {"type": "level", "actor": "$party"}, "total_of": "count", "up_to": 10})],
    rows=[{"id": f"r{i}", "date": f"2020-01-0{3 + 2 * i}", "type": "level", "actor": "red", "count": 5}
          for i in range(3)], as_of=dt.date(2020, 1, 12)))
# Choices the reference aligned with the pipeline (SPEC silent or ambiguous), kept so they stay aligned:
@example(Scenario(  # linked and not triggered: since null
    rules=[_rule("d1", "red", "deadline", due="2020-01-03", fulfilled_by=_LEVEL, linked=["d2"]),
           _rule("d2", "red", "deadline", starts_when={"rule": "d1"}, due="2020-01-05", fulfilled_by=_LEVEL)],
    rows=[_NOTE], as_of=dt.date(2020, 1, 4)))
@example(Scenario(  # an amendment's new link holds from the amendment on
    rules=[_rule("p", "red", "prohibited", when={"type": "attack"}),
           {"id": "p@2", "amends": "p", "effective_from": "2020-01-05", "linked": ["d"]},
           _rule("d", "red", "deadline", due="2020-01-03", fulfilled_by=_LEVEL)],
    rows=[_NOTE, {"id": "a", "date": "2020-01-06", "type": "attack", "actor": "red"}], as_of=dt.date(2020, 1, 7)))
@example(Scenario(  # a claimable commitment linked before it is in force: not_triggered that day
    rules=[_rule("k", "red", "claimable", effective_from="2020-01-02", linked=["d"]),
           _rule("d", "red", "deadline", due="2020-01-01", fulfilled_by=_LEVEL)],
    rows=[_NOTE], as_of=dt.date(2020, 1, 2)))
@example(Scenario(  # an undertaking (no date) nothing covers: not assessed
    rules=[_rule("u", "red", "deadline", fulfilled_by=_LEVEL, covered_by={"type": "strike"})],
    rows=[_NOTE], as_of=dt.date(2020, 1, 1)))
@example(Scenario(  # a claim that is also a cited act: the alleged finding lists it twice, as before issue 12
    rules=[_rule("k", "red", "claim", when={"type": "attack", "accused": "$party"}, lookback_days=0),
           _rule("c", "red", "conditional", when={"type": "attack"}, justified_by={"when": {"type": "strike"},
                                                                                   "within_days": 0})],
    rows=[{"id": "e", "date": "2020-01-01", "type": "attack", "actor": "red", "accused": "red",
           "stated_justification": "self-defence"}], as_of=dt.date(2020, 1, 1)))
# issue 24: uncertain coding decides (SPEC §7.3), and confidence (§7), in both judges on every run
@example(Scenario(  # a capture coded attack that may have been a note: unresolved under p, low confidence
    rules=[_rule("p", "red", "prohibited", when={"type": "attack"})],
    rows=[{"id": "a", "date": "2020-01-02", "type": "attack", "actor": "red", "type_uncertain": ["note"]}],
    as_of=dt.date(2020, 1, 3)))
@example(Scenario(  # an unjustified conditional act of uncertain type: unresolved; a justified one stays justified
    rules=[_rule("c", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                 justified_by={"when": {"type": "attack", "target": "$party"}, "within_days": 1})],
    rows=[{"id": "s1", "date": "2020-01-02", "type": "strike", "actor": "blue", "type_uncertain": ["note"]},
          {"id": "j", "date": "2020-01-05", "type": "attack", "actor": "red", "target": "blue", "own_account": True},
          {"id": "j2", "date": "2020-01-05", "type": "attack", "actor": "green", "target": "blue", "source_count": 2},
          {"id": "s2", "date": "2020-01-06", "type": "strike", "actor": "blue", "source_count": 2,
           "type_uncertain": ["note"]}],
    as_of=dt.date(2020, 1, 7)))
# found by this law at the end of issue 24: a complied span a monitor's statement covers rests on the
# statement, and both judges rate its confidence (the pipeline once left it unrated)
@example(Scenario(
    rules=[_rule("p", "red", "prohibited", when={"type": "attack"})],
    rows=[{"id": "s", "date": "2020-01-01", "type": "note", "actor": "green", "rule": "p", "accused": "red",
           "states": "complied", "states_from": "2020-01-01", "states_to": "2020-01-01"}],
    as_of=dt.date(2020, 1, 1), monitors=["green"]))
# ... and an act that only unclaimed events would answer rests on the act alone (§7.2): the reference
# judge once rated it on the unclaimed events too
@example(Scenario(
    rules=[_rule("c", "red", "conditional", when={"type": "attack", "actor": "$party"},
                 justified_by={"when": {"type": "attack"}, "within_days": 0})],
    rows=[{"id": "u", "date": "2020-01-01", "type": "attack", "actor": "unknown", "own_account": True},
          {"id": "a", "date": "2020-01-01", "type": "attack", "actor": "red"}],
    as_of=dt.date(2020, 1, 1)))
# ... and a complied span of an amendment, under a contested reading, is set beside the primary's span
# (its anchor complied-<version>~<reading>-<day>: the reference once missed it)
@example(Scenario(
    rules=[_rule("p", "red", "prohibited", when={"type": "attack"},
                 readings=[{"id": "r", "whose": "reader", "source": "generated", "paraphrase": "generated",
                            "modality": "best_efforts"}]),
           {"id": "p@amended", "amends": "p", "effective_from": "2020-01-02", "when": {"type": "attack"}}],
    rows=[{"id": "u", "date": "2020-01-01", "type": "attack", "actor": "unknown"}],
    as_of=dt.date(2020, 1, 2),
    coverage=[{"source": "a.csv", "types": ["attack"], "from": "2020-01-01", "to": "2020-01-02"}]))
def test_the_pipeline_concludes_what_the_reference_judge_concludes(scenario):
    agreement = agreement_of(scenario)
    events = validated_events(agreement, scenario.rows)
    expected = reference_conclusions(agreement, events, scenario.as_of, scenario.sources())
    tally(expected)
    assert pipeline_conclusions(dc.evaluate(agreement, events, as_of=scenario.as_of,
                                            coverage=scenario.sources())) == expected


def _kinds(scenario: Scenario) -> dict:
    return {r.version: r.kind for r in agreement_of(scenario).rules}


@example(Scenario(  # an unclaimed event accusing red of a rule only blue owes: an allegation, not red's act
    rules=[{"id": "r0.claim", "party": ["red", "blue"], "title": "Rule 0", "source": "generated", "basis": "reported",
            "kind": "claim", "when": {"type": "strike", "accused": "$party"}, "lookback_days": 0},
           {"id": "r1.conditional", "party": "blue", "title": "Rule 1", "source": "generated", "basis": "reported",
            "kind": "conditional", "when": {"type": "note"}, "justified_by": {"when": {"type": "claim"},
                                                                            "within_days": 3}}],
    rows=[{"id": "e009", "date": "2020-01-01", "type": "strike", "actor": "unknown", "target": "red",
           "accused": "red", "province": "north", "rule": "r1.conditional"}],
    as_of=dt.date(2020, 1, 2)))
@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_an_unattributed_act_is_never_a_partys_finding(who, scenario):
    c = judged(who, scenario)
    tally(c)
    unknown = {r["id"] for r in scenario.rows if r["actor"] == "unknown"}
    kinds = _kinds(scenario)
    # acts only: an `alleged` finding is a claim (its claimant may be anyone, unknown too), not an act judged
    acts = [f for f in c["findings"] if kinds[f["version"]] in ("prohibited", "conditional") and f["evidence"]
            and f["status"] != "alleged"]
    if unknown:
        event("an unattributed event in the stream")
    assert not [f for f in acts if f["evidence"][0] in unknown]
    assert c["coverage"]["unattributed"] == sum(1 for r in scenario.rows if r["actor"] == "unknown"
                                                and r["date"][:10] <= scenario.as_of.isoformat())


@example(Scenario(  # a claim naming a rule: corroborated by the violation, an allegation beside the unresolved act
    rules=[{"id": "r0.claim", "party": ["red", "blue"], "title": "Rule 0", "source": "generated", "basis": "reported",
            "kind": "claim", "when": {"type": ["attack", "strike"], "accused": "$party"}, "lookback_days": 0},
           {"id": "r1.conditional", "party": "blue", "title": "Rule 1", "source": "generated", "basis": "reported",
            "kind": "conditional", "when": {"type": "attack"},
            "justified_by": {"when": {"type": "attack"}, "within_days": 0, "same": ["province"]},
            "effective_from": "2020-01-06"}],
    rows=[{"id": "e004", "date": "2020-01-07", "type": "attack", "actor": "unknown", "accused": "blue",
           "province": "north", "rule": "r1.conditional"},
          {"id": "e013", "date": "2020-01-07", "type": "attack", "actor": "red", "accused": "red", "wounded": 37}],
    as_of=dt.date(2020, 1, 11)))
@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_a_stated_justification_never_makes_a_violation_justified(who, scenario):
    plain = [{k: v for k, v in r.items() if k != "stated_justification"} for r in scenario.rows]
    stated = [{**r, "stated_justification": "we were answering an attack"} for r in plain]
    kinds = _kinds(scenario)

    def acts(rows: list) -> dict:
        c = judged(who, scenario, rows=rows)
        # acts only: a claim's `alleged` finding comes and goes with what it can be weighed against (a
        # violation corroborates it; beside an unresolved act it stays an allegation)
        return {(f["version"], f["party"], f["evidence"][0]): f["status"] for f in c["findings"]
                if kinds[f["version"]] in ("prohibited", "conditional") and f["evidence"] and f["status"] != "alleged"}
    before, after = acts(plain), acts(stated)
    assert before.keys() == after.keys()
    for key, status in before.items():
        allowed = {status, "unresolved"} if kinds[key[0]] == "conditional" and status in ("violation", "missed") \
            else {status}
        assert after[key] in allowed, (key, status, after[key])
        if after[key] != status:
            event("a violation became unresolved")


@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_a_complied_finding_lies_within_declared_coverage_and_the_versions_time_in_force(who, scenario):
    """Issue 24: every day of a complied span is covered by a declared source (cut at the report date)
    or a monitor's statement the finding cites; no bad act of its unit falls in the span."""
    c = judged(who, scenario)
    versions = {r.version: r for r in agreement_of(scenario).rules}
    rows = {r["id"]: r for r in scenario.rows}
    for f in c["findings"]:
        # a duty to prevent's `complied` is one act answered by a response (§5.16), not a span: the law
        # below (test_a_duty_to_prevent_is_complied_only_by_a_response_in_its_window) is its own
        if f["status"] != "complied" or versions[f["version"]].traits.prevents:
            continue
        event("a complied finding")
        rule, first, last = versions[f["version"]], dt.date.fromisoformat(f["span_start"]), dt.date.fromisoformat(f["date"])
        assert first <= last <= scenario.as_of
        assert rule.effective_from <= first and (rule.effective_until is None or last <= rule.effective_until)
        day = first
        while day <= last:
            by_source = any(s.start <= day <= s.end and set(s.types) >= ({rule.when.get("type")} if isinstance(
                rule.when.get("type"), str) else set()) for s in scenario.sources())
            by_statement = any(rows[e]["states_from"] <= day.isoformat() <= rows[e]["states_to"] for e in f["evidence"])
            assert by_source or by_statement, (f, day)
            day += dt.timedelta(days=1)
        assert not [g for g in c["findings"] if (g["version"], g["party"]) == (f["version"], f["party"])
                    and g["status"] in ("violation", "unresolved", "missed") and f["span_start"] <= g["date"] <= f["date"]]


@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_a_duty_to_prevent_is_complied_only_by_a_response_in_its_window(who, scenario):
    """Issue 25 (§5.16): a duty to prevent is never a violation; `complied` cites its act and a response
    dated from the act's day to within_days after it; `pending` only while the window reaches the report
    date, `unresolved` only after it."""
    c = judged(who, scenario)
    versions = {r.version: r for r in agreement_of(scenario).rules}
    rows = {r["id"]: r for r in scenario.rows}
    for f in c["findings"]:
        rule = versions[f["version"]]
        if not rule.traits.prevents or f["status"] in ("not_triggered", "alleged"):  # a claim naming it: §5.7
            continue
        event("a duty to prevent")
        assert f["status"] in ("complied", "unresolved", "pending"), f
        act = dt.date.fromisoformat(rows[f["evidence"][0]]["date"][:10])
        last = act + dt.timedelta(days=rule.answered_by.within_days)
        if f["status"] == "complied":
            (_, response) = f["evidence"]
            assert act.isoformat() <= rows[response]["date"][:10] <= last.isoformat()
        else:
            assert (f["status"] == "pending") == (last >= scenario.as_of), f


@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_a_deadlines_status_only_moves_forward(who, scenario):
    """not_triggered -> pending -> met | violation | missed, as the report date advances; once decided,
    never changed (steps may be skipped) and never dropped from a later report. Issue 25 (§5.15): a
    deadline is one due date of a commitment (its finding id names it): an extension before the lapse
    replaces it by another, one after it opens another beside it."""
    rank = {"not_triggered": 0, "pending": 1, "met": 2, "violation": 2, "missed": 2}
    kinds = _kinds(scenario)
    history: dict = {}
    days = []
    day = COMPACT.start
    while day <= COMPACT.end + dt.timedelta(days=4):
        days.append(day)
        for f in judged(who, scenario, as_of=day)["findings"]:
            if kinds[f["version"]] == "deadline" and f["status"] != "alleged":
                history.setdefault(f["id"], []).append((day, f["status"]))
        day += dt.timedelta(days=2)
    # Issue 26: a deadline counted from another step (`due: {from: R}`) is `<rule>/<party>/undated` until its
    # clock starts, then dated: the dated finding continues the undated one (found by this law at random,
    # 2026-12-07: a deadline met before its due date was known, then dated, looked dropped)
    for undated in [k for k in history if k.endswith("/undated")]:
        last = history[undated][-1][0]
        later = [k for k in history if k.startswith(undated[:-len("undated")]) and k[-len("undated"):] != "undated"
                 and k[-len("not-triggered"):] != "not-triggered" and history[k][0][0] > last]
        if later:
            successor = min(later, key=lambda k: history[k][0][0])
            history[successor] = history.pop(undated) + history[successor]
    for seen in history.values():
        statuses = [s for _, s in seen]
        ranks = [rank[s] for s in statuses]
        assert ranks == sorted(ranks), statuses
        assert len({s for s in statuses if rank[s] == 2}) <= 1, statuses
        decided = [d for d, s in seen if rank[s] == 2]
        if decided:
            assert [d for d, _ in seen if d >= decided[0]] == [d for d in days if d >= decided[0]], seen
        if len(set(statuses)) > 1:
            event("a deadline changed status")


@pytest.mark.parametrize("who", WHO)
@given(scenarios())
def test_links_are_symmetric(who, scenario):
    """A finding lists exactly the rules linked to its rule, whichever of the two names the other, with
    one entry per party owing each (amended rules and days before a rule is in force aside: an amendment
    may add a link from its day on, and a rule not yet in force links nothing that day)."""
    c = judged(who, scenario)
    rules = agreement_of(scenario).rules
    pairs = {frozenset((r.id, other)) for r in rules for other in r.linked}
    amended = {r.id for r in rules if r.amends}
    start = {r.id: min(v.effective_from for v in rules if v.id == r.id) for r in rules}
    owing = {r.id: sorted({p for v in rules if v.id == r.id for p in v.parties}) for r in rules}
    for f in c["findings"]:
        entries = [(x["rule"], x["party"]) for x in f["linked"]]
        assert entries == sorted(set(entries))  # in (rule, party) order, each once
        listed = {rule for rule, _ in entries}
        for other in listed:
            assert frozenset((f["rule"], other)) in pairs
            assert [p for rule, p in entries if rule == other] == owing[other]
        day = dt.date.fromisoformat(f["date"])
        for pair in pairs:
            if f["rule"] not in pair or pair & amended or day < max(start[r] for r in pair):
                continue
            (other,) = pair - {f["rule"]}
            assert other in listed, (f, other)
            names = any(r.id == f["rule"] and other in r.linked for r in rules)
            event("a link its own rule names" if names else "a link only the other rule names (symmetry)")
