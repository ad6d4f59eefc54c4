"""The durable_rules engine: traps we know of, checked against the plain-Python reference."""
from __future__ import annotations

import threading

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.reference.engine import reference_matches
from conftest import DECIDERS, ev


def matches_both(agreement, rows):
    """(what the deciders matched, what the reference matched); every decider here agrees first."""
    events, rejected, _ = collect(agreement, rows)
    assert rejected == []
    events.sort(key=lambda e: e.sort_key)
    decided = [durable_matches(agreement, events, decider=decider) for decider in DECIDERS]
    assert all(m.canonical() == decided[0].canonical() for m in decided), DECIDERS
    return decided[0], reference_matches(agreement, events)


def test_one_event_serves_two_rules(doha):
    """An attack is a violation *and* justifies a later strike: asserted facts let both rules fire."""
    rows = [ev("a", "2020-10-10", "attack", "taliban", target="afghan_forces", province="Helmand",
               location_kind="provincial_capital"),
            ev("s", "2020-10-11", "airstrike", "us", target="taliban", province="Helmand")]
    report = dc.evaluate(doha, rows)
    statuses = {(f.rule, f.evidence[0]): f.status for f in report.findings if f.evidence}
    assert statuses[("violence.reduction", "a")] == "violation"
    assert statuses[("strikes.defensive_only", "s")] == "justified"


def test_event_matching_two_alternatives_counts_once(doha):
    rows = [ev("g", "2020-10-25", "attack", "taliban", province="Ghor", fatalities=19, wounded=100,
               location_kind="city")]
    report = dc.evaluate(doha, rows)
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("g",)]


def test_a_justifier_matching_two_alternatives_counts_once_past_the_cited_three(doha):
    """durable_rules joins an act with a justifier once per `any:` branch the justifier satisfies.
    With more justifiers than are cited, the second firing came after the pair had been dropped from
    the latest three, and was counted again (9 instead of 6): found at scale, kept here."""
    rows = [ev(f"a{i}", f"2020-10-{10 + i}", "attack", "taliban", target="afghan_forces",
               location_kind="provincial_capital", province="Helmand") for i in range(6)]
    rows.append(ev("s", "2020-10-16", "airstrike", "us", target="taliban", province="Helmand"))
    durable, reference = matches_both(doha, rows)
    assert durable.canonical() == reference.canonical()
    assert durable.justifier_counts == {("strikes.defensive_only", "us", "s"): 6}
    reason = next(f.reason for f in dc.evaluate(doha, rows).findings if f.rule == "strikes.defensive_only" and f.evidence)
    assert "6 justifying events in the window; the latest 3 cited" in reason


def test_dense_activity_in_one_province_matches_the_reference(doha):
    """Hundreds of attacks a day in one province: each strike has thousands of justifiers in its
    window. They are counted by a lookup (a durable_rules join would hand over every pair)."""
    rows = [ev(f"a{d:02d}-{i:03d}", f"2020-11-{1 + d:02d}", "attack", "taliban", province="Helmand",
               target="afghan_forces" if i % 2 else "civilians", location_kind="provincial_capital" if i % 3 else "rural")
            for d in range(20) for i in range(150)]
    rows += [ev(f"s{d:02d}-{p}", f"2020-11-{1 + d:02d}", "airstrike", "us", target="taliban", province=p)
             for d in range(0, 20, 3) for p in ("Helmand", "Kunduz")]
    durable, reference = matches_both(doha, rows)
    assert durable.canonical() == reference.canonical()
    counts = {k[2]: n for k, n in durable.justifier_counts.items()}
    # 125 justifiers a day (on Afghan forces, or in the provincial capital) over the 15 days up to 19 Nov
    assert counts["s18-Helmand"] == 15 * 125 and len(counts) == 7  # Kunduz strikes have none


def test_events_no_rule_concerns_are_evaluated_not_raised(doha):
    rows = [ev("n1", "2020-03-01", "statement", "un"), ev("n2", "2020-03-02", "attack", "isis_k", target="civilians")]
    report = dc.evaluate(doha, rows)
    assert (report.inputs.read, report.inputs.evaluated, report.inputs.rejected) == (2, 2, 0)
    assert not any(f.evidence for f in report.findings)


def test_same_day_attack_listed_after_the_strike_still_justifies(doha):
    rows = [ev("z-attack", "2020-06-01", "attack", "taliban", target="afghan_forces", province="Kunduz"),
            ev("a-strike", "2020-06-01", "airstrike", "us", target="taliban", province="Kunduz")]
    durable, ref = matches_both(doha, rows)
    assert durable.canonical() == ref.canonical()
    report = dc.evaluate(doha, rows)
    assert [f.status for f in report.findings if f.rule == "strikes.defensive_only" and f.evidence] == ["justified"]


def test_window_edges(doha):
    def strike_status(attack_day: str) -> str:
        rows = [ev("att", attack_day, "attack", "taliban", target="afghan_forces", province="Kandahar"),
                ev("str", "2020-07-15", "airstrike", "us", target="taliban", province="Kandahar")]
        durable, ref = matches_both(doha, rows)
        assert durable.canonical() == ref.canonical()
        return next(f.status for f in dc.evaluate(doha, rows).findings if f.rule == "strikes.defensive_only" and f.evidence)
    assert strike_status("2020-07-01") == "justified"   # first day of the 14-day window
    assert strike_status("2020-06-30") == "violation"   # one day outside it
    assert strike_status("2020-07-15") == "justified"   # same day
    assert strike_status("2020-07-16") == "violation"   # after the strike does not justify it


def test_other_province_does_not_justify(doha):
    rows = [ev("att", "2020-07-10", "attack", "taliban", target="afghan_forces", province="Kandahar"),
            ev("str", "2020-07-11", "airstrike", "us", target="taliban", province="Wardak")]
    assert next(f.status for f in dc.evaluate(doha, rows).findings if f.rule == "strikes.defensive_only" and f.evidence) == "violation"


def test_no_threads_left_running(doha):
    before = threading.active_count()
    for _ in range(20):
        dc.evaluate(doha, [ev("x", "2020-05-01", "airstrike", "us", target="taliban", province="Zabul")])
    assert threading.active_count() <= before


def test_events_outside_a_version_window_are_not_judged_by_it(doha):
    rows = [ev("before", "2020-02-28", "attack", "taliban", location_kind="city"),
            ev("after", "2020-03-01", "attack", "taliban", location_kind="city")]
    report = dc.evaluate(doha, rows)
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("after",)]


def test_join_with_alternatives_in_the_act_condition():
    """Found by the oracle: with an `any:` in the act's condition, durable_rules dropped the window."""
    from doha_compliance.rules.loader import load_rules_from_texts
    from doha_compliance.testing import SMALL, agreement_texts
    rules = [{"id": "r.conditional", "party": "red", "title": "T", "source": "S", "basis": "reported",
              "kind": "conditional",
              "when": {"type": "attack", "any": [{"location_kind": ["town"]}, {"fatalities": {"at_least": 0}}]},
              "justified_by": {"when": {"type": "attack"}, "within_days": 1, "same": []}}]
    agreement = load_rules_from_texts(agreement_texts(rules, SMALL))
    rows = [ev("e000", "2020-01-01", "attack", "red", location_kind="town"), ev("e001", "2020-01-02", "attack", "red")]
    durable, ref = matches_both(agreement, rows)
    assert durable.canonical() == ref.canonical()
    # e000 is the only act; the attack a day *after* it must not justify it.
    assert [e.id for e in durable.hits[("r.conditional", "red")]] == ["e000"]
    assert durable.justifications == {}


def test_a_day_with_unconcerned_events_keeps_its_findings(doha):
    """One event no rule reads, in the same day's batch as a violation, must not cost the violation."""
    rows = [ev("boring", "2020-11-01", "signature", "un"),
            ev("hit", "2020-11-01", "attack", "taliban", location_kind="highway")]
    report = dc.evaluate(doha, rows)
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("hit",)]


def to_fact(event, numeric, text):
    """The plain definition of a fact, field by field through Event.get."""
    fact = {"id": event.id, "day": event.date.toordinal()}
    for name in text:
        value = event.get(name)
        fact[name] = "" if value is None else str(value)
    for name in numeric:
        value = event.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            fact[name] = value
    return fact


def test_fast_fact_maker_equals_the_plain_one(doha):
    from doha_compliance.matching.durable.facts import fact_maker, fields_read
    from doha_compliance.testing import event_streams
    from hypothesis import given, settings

    numeric, text = fields_read(doha)
    text = text | {"date", "stage"}
    make = fact_maker(numeric, text)

    @settings(max_examples=50)
    @given(event_streams(max_size=10))
    def check(rows):
        events, rejected, _ = collect(doha, rows)
        for e in events:
            assert make(e) == to_fact(e, numeric, text)
    check()


def test_a_claim_lists_at_most_the_latest_twenty_findings(doha):
    from doha_compliance.judging.claims import MAX_LISTED
    rows = [ev(f"s{i:02d}", f"2020-10-{1 + i % 28:02d}", "airstrike", "us", target="taliban", province="Zabul") for i in range(30)]
    rows.append(ev("claim", "2020-10-29", "allegation", "taliban", accused="us"))
    report = dc.evaluate(doha, rows)
    claim = report.claims[0]
    assert claim.assessment == "corroborated" and len(claim.findings) == MAX_LISTED
    assert "30 violations" in claim.reason and f"the latest {MAX_LISTED} listed" in claim.reason


def test_a_justified_strike_cites_its_latest_three_attacks(doha):
    rows = [ev(f"a{i}", f"2020-07-{1 + i:02d}", "attack", "taliban", target="afghan_forces", province="Kunar")
            for i in range(6)]
    rows.append(ev("strike", "2020-07-10", "airstrike", "us", target="taliban", province="Kunar"))
    durable, ref = matches_both(doha, rows)
    assert durable.canonical() == ref.canonical()
    f = next(f for f in dc.evaluate(doha, rows).findings if f.rule == "strikes.defensive_only" and f.evidence)
    assert f.justified_by == ("a3", "a4", "a5") and f.evidence == ("strike", "a3", "a4", "a5")
    assert "6 justifying events in the window; the latest 3 cited" in f.reason


def test_prefilter_guards_follow_any_and_all():
    from doha_compliance.rules.conditions import guards
    cond = {"type": ["attack", "airstrike"], "fatalities": {"at_least": 3},
            "all": [{"type": "attack"}, {"actor": {"not": "us"}}],
            "any": [{"location_kind": ["city"]}, {"target": "civilians", "type": ["attack", "raid"]}]}
    assert guards(cond) == [{"type": {"attack"}, "location_kind": {"city"}},
                             {"type": {"attack"}, "target": {"civilians"}}]
    assert guards({"fatalities": {"above": 1}}) == [{}]   # admits everything: the filter is then off
