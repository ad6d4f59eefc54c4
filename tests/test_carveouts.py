"""Tighter carve-outs (issue 25, commitment-semantics §5.13): times of day, `effective_from` with a
time, `justified_by.answers: actor` and `justified_by.magnitude`. Expectations reasoned by hand,
each run on the pipeline and on the independent reference judge (`who`).

The agreement is the invented SMALL one (parties red, blue, green; types attack, strike, ...),
signed 2020-01-01. The conditional rule `strikes` (owed by red) judges red's strikes; an attack on
red justifies one within 1 day before (the same day included). Dates are in January 2020.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from conftest import DECIDERS, ev
from test_commitments import agree, found, judge, one, report, rule

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.reference.engine import reference_matches
from doha_compliance.testing import validated_events


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def strikes(**justified) -> dc.Agreement:
    jb = {"when": {"type": "attack", "target": "red"}, "within_days": 1, **justified}
    return agree(rule("strikes", "red", "conditional", when={"type": "strike", "actor": "red"}, justified_by=jb))


def statuses(c: dict) -> dict:
    """act id -> status, for the rule's act findings."""
    return {f["evidence"][0]: f["status"] for f in c["findings"] if f["rule"] == "strikes" and f["evidence"]}


# --- times of day -------------------------------------------------------------------------------

def test_a_same_day_justifier_after_the_act_does_not_justify_it(who):
    # fire at 17:00; a strike at 10:00 the same day came before it: nothing answers it (violation);
    # a strike at 18:00 answers it (justified); a strike the next day at 01:00 answers it too (an
    # earlier day always precedes, whatever the clock)
    rows = [ev("a1", "2020-01-05T17:00", "attack", "blue", target="red"),
            ev("s-morning", "2020-01-05T10:00", "strike", "red", target="blue"),
            ev("s-evening", "2020-01-05", "strike", "red", target="blue", time="18:00"),
            ev("s-next", "2020-01-06T01:00", "strike", "red", target="blue")]
    c = judge(who, strikes(), rows, "2020-01-10")
    assert statuses(c) == {"s-morning": "violation", "s-evening": "justified", "s-next": "justified"}
    assert one(c, "strikes", "red", "violation")["evidence"] == ["s-morning"]


def test_the_same_minute_is_not_after():
    # 17:00 and 17:00: the order cannot be told, so the justifier is not known to come after (justified)
    rows = [ev("a1", "2020-01-05T17:00", "attack", "blue", target="red"),
            ev("s1", "2020-01-05T17:00", "strike", "red", target="blue")]
    for who in ("pipeline", "reference"):
        assert statuses(judge(who, strikes(), rows, "2020-01-10")) == {"s1": "justified"}


def test_a_missing_time_keeps_the_same_day_rule_and_says_so(who):
    # the attack gives no time: the 10:00 strike is justified as before issue 25, and the reason says
    # the order within the day could not be checked
    rows = [ev("a1", "2020-01-05", "attack", "blue", target="red"),
            ev("s1", "2020-01-05T10:00", "strike", "red", target="blue")]
    assert statuses(judge(who, strikes(), rows, "2020-01-10")) == {"s1": "justified"}
    reason = report(strikes(), rows, "2020-01-10").findings[0].reason
    assert "the order within the day could not be checked, no time of day for a1" in reason


def test_a_violation_says_later_events_of_its_day_do_not_count():
    rows = [ev("a1", "2020-01-05T17:00", "attack", "blue", target="red"),
            ev("s1", "2020-01-05T10:00", "strike", "red", target="blue")]
    reason = report(strikes(), rows, "2020-01-10").findings[0].reason
    assert "(an event of its own day stated after 10:00, the act's time, does not count)" in reason


def test_a_time_is_kept_from_a_date_time_and_checked():
    agreement = strikes()
    kept = validated_events(agreement, [ev("a1", "2024-11-27T04:00:30+02:00", "attack", "blue"),
                                        ev("a2", "2024-11-27", "attack", "blue", time="9:05")])
    assert [(e.date.isoformat(), e.extra.get("time")) for e in kept] == [("2024-11-27", "04:00"),
                                                                          ("2024-11-27", "09:05")]
    # the caller's row is not written to: given again with a date alone, it has no time
    row = ev("c1", "2020-01-05T10:00", "attack", "blue")
    validated_events(agreement, [row])
    assert "time" not in row and "time" not in validated_events(agreement, [{**row, "date": "2020-01-05"}])[0].extra
    _, rejected, _ = collect(agreement, [ev("b1", "2020-01-05", "attack", "blue", time="25:00"),
                                         ev("b2", "2020-01-05T10:00", "attack", "blue", time="11:00")])
    reasons = {r.id: (r.field, r.reason) for r in rejected}
    assert reasons["b1"][0] == "time" and "HH:MM" in reasons["b1"][1]
    assert reasons["b2"] == ("time", "time 11:00 disagrees with the time in date (10:00): give one of them")


# --- effective_from with a time -----------------------------------------------------------------

def ceasefire(**fields) -> dc.Agreement:
    return agree(rule("no_strikes", "red", "prohibited", when={"type": "strike", "actor": "red"},
                      effective_from="2020-01-05T04:00", **fields))


def test_an_act_before_the_time_a_commitment_took_effect_is_outside_it(who):
    # in effect at 04:00 on 01-05: a strike at 03:00 that day is outside it (no finding); at 05:00 a
    # violation; one that day with no time is judged (DECISION) and says the time could not be
    # checked; one the day before is outside it as always
    rows = [ev("s-0300", "2020-01-05T03:00", "strike", "red"), ev("s-0500", "2020-01-05T05:00", "strike", "red"),
            ev("s-untimed", "2020-01-05", "strike", "red"), ev("s-before", "2020-01-04T23:00", "strike", "red")]
    c = judge(who, ceasefire(), rows, "2020-01-10")
    acts = sorted(f["evidence"][0] for f in c["findings"] if f["status"] == "violation")
    assert acts == ["s-0500", "s-untimed"]
    untimed = [f for f in report(ceasefire(), rows, "2020-01-10").findings if f.evidence == ("s-untimed",)][0]
    assert "took effect at 04:00 on 2020-01-05; the act's time of day is not stated" in untimed.reason


def test_an_amendment_takes_effect_on_a_day():
    texts_rule = rule("no_strikes", "red", "prohibited", when={"type": "strike", "actor": "red"})
    amendment = {"id": "no_strikes@2", "amends": "no_strikes", "effective_from": "2020-01-05T04:00"}
    with pytest.raises(dc.RuleSetError, match="only a rule's first version may carry a time of day"):
        agree(texts_rule, amendment)


def test_a_date_effective_from_is_read_as_before():
    rows = [ev("s1", "2020-01-05T03:00", "strike", "red")]
    plain = agree(rule("no_strikes", "red", "prohibited", when={"type": "strike", "actor": "red"},
                       effective_from="2020-01-05"))
    for who in ("pipeline", "reference"):
        assert found(judge(who, plain, rows, "2020-01-10"))[0][2:5] == ("violation", "2020-01-05", ("s1",))


# --- answers: actor -----------------------------------------------------------------------------

def test_answers_actor_needs_the_act_aimed_at_the_justifiers_actor(who):
    # green attacks red; red strikes blue (not the attacker: violation) and green (justified)
    rows = [ev("a1", "2020-01-05", "attack", "green", target="red"),
            ev("s-blue", "2020-01-05", "strike", "red", target="blue"),
            ev("s-green", "2020-01-05", "strike", "red", target="green"),
            ev("s-nobody", "2020-01-05", "strike", "red")]  # no target: aimed at no one named
    assert statuses(judge(who, strikes(answers="actor"), rows, "2020-01-10")) == {
        "s-blue": "violation", "s-green": "justified", "s-nobody": "violation"}


def test_answers_actor_an_unclaimed_justifier_never_qualifies(who):
    # unclaimed fire on red: without answers, a strike only it would answer is unresolved (§5.9);
    # with answers: actor it answers nothing, even a strike whose target is written "unknown"
    rows = [ev("a1", "2020-01-05", "attack", "unknown", target="red"),
            ev("s1", "2020-01-05", "strike", "red", target="blue"),
            ev("s2", "2020-01-05", "strike", "red", target="unknown")]
    assert statuses(judge(who, strikes(), rows, "2020-01-10")) == {"s1": "unresolved", "s2": "unresolved"}
    assert statuses(judge(who, strikes(answers="actor"), rows, "2020-01-10")) == {"s1": "violation", "s2": "violation"}


# --- magnitude ----------------------------------------------------------------------------------

PROPORTION = {"field": "fatalities", "at_most": 3, "or_at_most": 2}


def test_magnitude_beyond_the_stated_proportion_is_unresolved(who):
    # at most 3x the answered fire's fatalities, or at most 2 whatever it was:
    #  two mortar rounds killing no one (0): 9 killed is beyond max(0, 2) -> unresolved; 2 killed within
    #  fire killing 3: 9 is within max(9, 2) -> justified; 10 beyond -> unresolved
    #  a strike whose fatalities are not stated is not weighed -> justified
    rows = [ev("m0", "2020-01-05", "attack", "blue", target="red", fatalities=0),
            ev("s9", "2020-01-05", "strike", "red", target="blue", fatalities=9),
            ev("s2", "2020-01-05", "strike", "red", target="blue", fatalities=2),
            ev("m3", "2020-01-08", "attack", "blue", target="red", fatalities=3),
            ev("t9", "2020-01-08", "strike", "red", target="blue", fatalities=9),
            ev("t10", "2020-01-08", "strike", "red", target="blue", fatalities=10),
            ev("t-unknown", "2020-01-08", "strike", "red", target="blue")]
    c = judge(who, strikes(magnitude=PROPORTION), rows, "2020-01-10")
    assert statuses(c) == {"s9": "unresolved", "s2": "justified", "t9": "justified", "t10": "unresolved",
                           "t-unknown": "justified"}
    # the unresolved act cites what it answers after it, as evidence (it is not justified by it)
    assert [f["evidence"] for f in c["findings"] if f["evidence"][:1] == ["s9"]] == [["s9", "m0"]]


def test_a_monitor_reporting_an_act_beyond_the_proportion_makes_it_a_violation(who):
    # unresolved like any act the input cannot settle: an independent monitor's report about it (§5.7.3) settles it
    agreement = agree(rule("strikes", "red", "conditional", when={"type": "strike", "actor": "red"},
                           justified_by={"when": {"type": "attack", "target": "red"}, "within_days": 1,
                                         "magnitude": PROPORTION}),
                      rule("claims", ["red", "blue"], "claim", when={"type": "claim", "accused": "$party"}),
                      monitors=["green"])
    rows = [ev("m0", "2020-01-05", "attack", "blue", target="red", fatalities=0),
            ev("s9", "2020-01-05", "strike", "red", target="blue", fatalities=9),
            ev("r1", "2020-01-07", "claim", "green", accused="red", about="s9")]
    c = judge(who, agreement, rows, "2020-01-10")
    assert statuses(c) == {"s9": "violation"}
    assert [f["evidence"] for f in c["findings"] if f["rule"] == "strikes"] == [["s9", "m0", "r1"]]


def test_magnitude_weighs_the_most_favourable_cited_justifier(who):
    # two answered attacks in the window, 0 and 4 killed: 9 is within 3 x 4 = 12 -> justified
    rows = [ev("m4", "2020-01-04", "attack", "blue", target="red", fatalities=4),
            ev("m0", "2020-01-05", "attack", "blue", target="red", fatalities=0),
            ev("s9", "2020-01-05", "strike", "red", target="blue", fatalities=9)]
    assert statuses(judge(who, strikes(magnitude=PROPORTION), rows, "2020-01-10")) == {"s9": "justified"}


def test_magnitude_is_shown_in_every_format():
    rows = [ev("m0", "2020-01-05", "attack", "blue", target="red", fatalities=0),
            ev("s9", "2020-01-05", "strike", "red", target="blue", fatalities=9)]
    r = report(strikes(magnitude=PROPORTION), rows, "2020-01-10")
    relation = ("9 fatalities against 0 in the answered attack (m0): beyond the stated proportion "
                "(at most 3x the answered event's fatalities, or at most 2)")
    (f,) = [f for f in r.findings if f.evidence[0] == "s9"]
    assert (f.status, f.magnitude) == ("unresolved", relation)
    assert f.reason.endswith(f"but {relation}. The input cannot settle it: unresolved, neither justified nor a "
                             "violation.")
    assert json.loads(r.to_json())["findings"][0]["magnitude"] == relation
    assert "proportion: 9 fatalities against 0" in dc.render(r, "text")
    assert f"- **Proportion:** {relation}" in dc.render(r, "md")
    assert "Proportion: 9 fatalities against 0" in dc.render(r, "html")
    (row,) = [row for row in csv.DictReader(io.StringIO(dc.render(r, "csv"))) if row["evidence"].startswith("s9")]
    assert row["magnitude"] == relation
    # a finding with nothing to say of a proportion has no key (JSON keys stay stable)
    plain = report(strikes(), rows, "2020-01-10")
    assert "magnitude" not in json.loads(plain.to_json())["findings"][0]


def test_both_judges_conclude_the_same_on_every_case_here():
    """The whole conclusions (evidence, confidence, episodes ...), not only the statuses."""
    from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
    cases = [
        (strikes(), [ev("a1", "2020-01-05T17:00", "attack", "blue", target="red", fatalities=1),
                     ev("s1", "2020-01-05T10:00", "strike", "red", target="blue"),
                     ev("s2", "2020-01-05T18:00", "strike", "red", target="blue", stated_justification="fire")]),
        (strikes(answers="actor", magnitude=PROPORTION),
         [ev("a1", "2020-01-05", "attack", "unknown", target="red", fatalities=0),
          ev("a2", "2020-01-05T09:00", "attack", "green", target="red", fatalities=0),
          ev("s1", "2020-01-05T10:00", "strike", "red", target="green", fatalities=9),
          ev("s2", "2020-01-05T08:00", "strike", "red", target="green", fatalities=1),
          ev("s3", "2020-01-06", "strike", "red", target="green", fatalities=1)]),
        (ceasefire(), [ev("s1", "2020-01-05T03:59", "strike", "red"), ev("s2", "2020-01-05", "strike", "red")]),
        (strikes(answers="actor"), [ev("a1", "2020-01-05", "attack", "unknown", target="red"),
                                    ev("s1", "2020-01-05", "strike", "red", target="unknown")]),
    ]
    for agreement, rows in cases:
        events = sorted(validated_events(agreement, rows), key=lambda e: e.sort_key)
        day = dt.date(2020, 1, 10)
        assert pipeline_conclusions(dc.evaluate(agreement, events, as_of=day)) == \
            reference_conclusions(agreement, events, day)
        # and the matchers: the engine's windows and the reference's loops keep the same justifiers
        for decider in DECIDERS:
            assert durable_matches(agreement, events, decider=decider).canonical() == \
                reference_matches(agreement, events).canonical()
    # the second case, by hand: s1 (10:00, 9 killed, aimed at green) answers a2 (green, 09:00) only --
    # a1 is unclaimed; s2 (08:00) answers nothing (a2 came after it, a1 nobody's); s3 (next day) answers a2
    kept = reference_matches(cases[1][0], sorted(validated_events(*cases[1]), key=lambda e: e.sort_key))
    assert {k[2]: sorted(v) for k, v in kept.justifications.items()} == {"s1": ["a2"], "s3": ["a2"]}
    assert kept.unclaimed == {}
