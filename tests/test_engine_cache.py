"""The decision cache: durable_rules decides each distinct (bucketed) fact once per set of rule
versions in force; repeats take the cached decision. Laws against the uncached engine and the
reference, and hand-reasoned edges of the bucketing."""
from __future__ import annotations

import datetime as dt
import logging
import warnings

import pytest
from hypothesis import example, given, strategies as st

import doha_compliance as dc
from doha_compliance.matching.durable import cache as decision_cache
from doha_compliance.matching.durable import compile as durable_compile
from doha_compliance.api import collect
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.reference.engine import reference_matches
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, event_streams, rule_dicts
from doha_compliance.testing._rules import _condition, loaded, say_whose
from conftest import DECIDERS, ev, needs_durable


@pytest.fixture
def durable_internals():
    """durable_rules' adapter (imported only where durable_rules runs: not on Python 3.13)."""
    from doha_compliance.matching.durable import _adapter
    return _adapter


def agreement_of(*rules: dict) -> dc.Agreement:
    return load_rules_from_texts(agreement_texts(list(rules), SMALL))


def prohibited(when: dict, **more) -> dict:
    return {"id": "r.prohibited", "party": "red", "title": "T", "source": "S", "basis": "reported",
            "kind": "prohibited", "when": when, **more}


def run(agreement, rows, caplog, cache=True):
    """(hits by unit as ids, the engine's counts) for rows, through the engine."""
    events, rejected, _ = collect(agreement, rows)
    assert rejected == []
    events.sort(key=lambda e: e.sort_key)
    with caplog.at_level(logging.DEBUG, logger="doha_compliance.matching.durable.engine"):
        caplog.clear()
        matches = durable_matches(agreement, events, cache=cache)
    stats = [r.engine_stats for r in caplog.records if hasattr(r, "engine_stats")][-1]
    return {unit: [e.id for e in hits] for unit, hits in matches.hits.items()}, stats


# --- laws -----------------------------------------------------------------------------------

@st.composite
def amended_rule_sets(draw):
    """Random rule sets where conditional and deadline rules, not only prohibited ones, may be
    amended mid-stream (the generator in `testing` amends prohibited rules only), and where rules
    may have a trigger (`starts_when`), a `scope`, or coverage of a continuing rule: every
    per-event decision the ruleset asks durable_rules for."""
    rules = draw(rule_dicts())
    for rule in rules:
        if rule.get("amends") or rule["kind"] == "claim":
            continue
        if draw(st.integers(0, 3)) == 0:
            rule["starts_when"] = {"when": _condition(draw, SMALL, False)}
        if rule["kind"] in ("prohibited", "conditional") and draw(st.integers(0, 3)) == 0:
            rule["scope"] = _condition(draw, SMALL, False)
        if rule["kind"] == "prohibited" and draw(st.integers(0, 3)) == 0:
            rule["covered_by"] = _condition(draw, SMALL, False)
    already = {r["amends"] for r in rules if r.get("amends")}  # issue 25: the generator may move a deadline's date
    for rule in list(rules):
        if rule.get("amends") or rule["kind"] not in ("conditional", "deadline") or not draw(st.booleans()):
            continue
        if rule["id"] in already:  # one amendment per rule here: a second could take effect before the first
            continue
        start = dt.date.fromisoformat(rule.get("effective_from", SMALL.start.isoformat()))
        amendment = {"id": f"{rule['id']}@amended", "amends": rule["id"],
                     "effective_from": draw(st.dates(start + dt.timedelta(days=1), SMALL.end)).isoformat()}
        if rule["kind"] == "conditional":
            amendment["when"] = _condition(draw, SMALL, True)
            amendment["justified_by"] = {"when": _condition(draw, SMALL, False),
                                         "within_days": draw(st.integers(0, 6)), "same": rule["justified_by"]["same"]}
        else:
            fulfilled = rule["fulfilled_by"]  # one part, or a list of parts (testing.rule_dicts draws both)
            first = fulfilled[0] if isinstance(fulfilled, list) else fulfilled
            changed = {**first, "when": {**first["when"], "type": draw(st.sampled_from(SMALL.types))}}
            amendment["fulfilled_by"] = [changed, *fulfilled[1:]] if isinstance(fulfilled, list) else changed
        rules.append(amendment)
    # issue 26: a shared prohibition or conditional rule (or its amendment) says whose act it judges, as
    # rules check requires; drawing nothing, so the cases drawn stay the cases they were
    return loaded(agreement_texts(say_whose(rules), SMALL))  # once per rule set (hypothesis draws it again)


@st.composite
def streams_with_repeats(draw):
    """Streams where narrow facts recur on other days (what the cache serves), crossing the
    days where rule versions change."""
    rows = draw(event_streams(max_size=20, vocabulary=SMALL))
    repeats = []
    for i, row in enumerate(rows):
        for j in range(draw(st.integers(0, 2))):
            day = draw(st.dates(SMALL.start, SMALL.end))
            repeats.append({**row, "id": f"r{i:03d}-{j}", "date": day.isoformat()})
    return rows + repeats


@given(amended_rule_sets(), streams_with_repeats())
@example(  # a value on the cut point, and the version boundary between two days of equal facts
    agreement=agreement_of(prohibited({"type": "attack", "fatalities": {"at_least": 5}}),
                           {"id": "r.prohibited@amended", "amends": "r.prohibited", "effective_from": "2020-01-05",
                            "when": {"type": "attack", "fatalities": {"at_least": 6}}}),
    rows=[ev("a", "2020-01-04", "attack", "red", fatalities=5), ev("b", "2020-01-05", "attack", "red", fatalities=5),
          ev("c", "2020-01-06", "attack", "red", fatalities=6)])
def test_cached_equals_uncached_equals_reference(agreement, rows):
    events, rejected, _ = collect(agreement, rows)
    assert rejected == []
    events.sort(key=lambda e: e.sort_key)
    reference = reference_matches(agreement, events).canonical()
    for decider in DECIDERS:  # durable == python == reference, cached and not
        assert durable_matches(agreement, events, decider=decider).canonical() == reference, decider
        assert durable_matches(agreement, events, cache=False, decider=decider).canonical() == reference, decider


@given(amended_rule_sets(), streams_with_repeats())
def test_a_cache_cleared_when_full_decides_the_same(agreement, rows):
    events, _, _ = collect(agreement, rows)
    events.sort(key=lambda e: e.sort_key)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(decision_cache, "CACHE_LIMIT", 2)
        # the raw inputs remembered in front of the cache, forgotten every day: a repeat on another day is
        # then served by the cache (cleared past 2 decisions), not by them (at 60 examples a cache that
        # forgot what it had just learnt when cleared passed, every repeat answered in front of it)
        m.setattr(decision_cache, "RECENT_LIMIT", 0)
        small = [durable_matches(agreement, events, decider=decider).canonical() for decider in DECIDERS]
    assert small == [reference_matches(agreement, events).canonical()] * len(DECIDERS)


# --- the bucketing, by hand -----------------------------------------------------------------

def test_a_value_exactly_on_a_cut_point(caplog):
    """`at_least: 5`: 5 matches and 4 does not, though they are neighbours: values fall in
    "below 5" or "5 and above", and 5 is with 6 and 50."""
    agreement = agreement_of(prohibited({"type": "attack", "fatalities": {"at_least": 5}}))
    rows = [ev(f"f{v}", "2020-01-02", "attack", "red", fatalities=v) for v in (4, 5, 6, 50, 3)]
    hits, stats = run(agreement, rows, caplog)
    assert sorted(hits[("r.prohibited", "red")]) == ["f5", "f50", "f6"]
    assert stats["asserted"] == 2 and stats["decisions"] == 2


def test_a_field_compared_with_at_least_and_below(caplog):
    """wounded in [3, 7): cut points 3 and 7; 4, 5 and 6 lie in one interval."""
    agreement = agreement_of(prohibited({"type": "attack", "wounded": {"at_least": 3, "below": 7}}))
    rows = [ev(f"w{v}", "2020-01-02", "attack", "red", wounded=v) for v in (2, 3, 4, 5, 6, 7, 8)]
    rows.append(ev("none", "2020-01-02", "attack", "red"))  # no number: every comparison is false
    hits, stats = run(agreement, rows, caplog)
    assert sorted(hits[("r.prohibited", "red")]) == ["w3", "w4", "w5", "w6"]
    # below 3 (2) | 3 to 6 | 7 and above (7, 8) | absent -> four decisions for eight facts
    assert stats["asserted"] == 4


def test_in_over_integers(caplog):
    """`count: [1, 3]` compares whole numbers by equality: cuts at 1, 2, 3 and 4. (The `any:` keeps
    the pre-filter from narrowing, so every value reaches the engine.)"""
    agreement = agreement_of(prohibited({"type": "level", "any": [{"count": [1, 3]}, {"fatalities": {"at_least": 99}}]}))
    rows = [ev(f"c{v}", "2020-01-02", "level", "red", count=v) for v in (0, 1, 2, 3, 4, 9)]
    hits, stats = run(agreement, rows, caplog)
    assert sorted(hits[("r.prohibited", "red")]) == ["c1", "c3"]
    assert stats["asserted"] == 5  # below 1 | 1 | 2 | 3 | 4 and above (4 and 9)


def test_a_text_field_compared_by_not(caplog):
    """`target: {not: blue}`: only "blue" or any other text (a missing target is the empty text) matter."""
    agreement = agreement_of(prohibited({"type": "attack", "target": {"not": "blue"}}))
    rows = [ev("t-blue", "2020-01-02", "attack", "red", target="blue"),
            ev("t-green", "2020-01-02", "attack", "red", target="green"),
            ev("t-red", "2020-01-02", "attack", "red", target="red"),
            ev("t-none", "2020-01-02", "attack", "red")]
    hits, stats = run(agreement, rows, caplog)
    assert sorted(hits[("r.prohibited", "red")]) == ["t-green", "t-none", "t-red"]
    assert stats["asserted"] == 2  # "blue", and "none of the constants"


def test_a_repeat_on_another_day_is_decided_once_unless_the_versions_in_force_change(caplog):
    """The day is keyed by which rule versions are in force: the same fact is asked again only
    across a version boundary (here the amendment of 5 January)."""
    agreement = agreement_of(prohibited({"type": "attack", "fatalities": {"at_least": 5}}),
                             {"id": "r.prohibited@amended", "amends": "r.prohibited", "effective_from": "2020-01-05",
                              "when": {"type": "attack", "fatalities": {"at_least": 6}}})
    rows = [ev(f"d{d}", f"2020-01-{d:02d}", "attack", "red", fatalities=5) for d in range(1, 10)]
    hits, stats = run(agreement, rows, caplog)
    assert hits == {("r.prohibited", "red"): ["d1", "d2", "d3", "d4"]}  # 5 killed stops counting on the 5th
    assert stats["asserted"] == 2
    uncached_hits, uncached = run(agreement, rows, caplog, cache=False)
    assert uncached_hits == hits and uncached["asserted"] == 9


def test_wide_numbers_do_not_grow_the_cache(doha, caplog):
    """A thousand distinct casualty figures in one kind of attack: the Doha rules test fatalities
    `at_least` 5 and 10 and wounded `at_least` 20, so there are 3 x 2 intervals (below 5, 5-9,
    10 and above; below 20, 20 and above), all present here, and 6 decisions."""
    pairs = [(f, w) for f in range(40) for w in range(25)]
    rows = [ev(f"a{f:02d}-{w:02d}", "2020-11-02", "attack", "taliban", target="civilians", location_kind="rural",
               province="Helmand", fatalities=f, wounded=w) for f, w in pairs]
    hits, stats = run(doha, rows, caplog)
    assert stats["decisions"] == 6 and stats["asserted"] == 6
    # after the reset of 15 October: 5 or more killed, or 20 or more wounded
    expected = sorted(f"a{f:02d}-{w:02d}" for f, w in pairs if f >= 5 or w >= 20)
    assert sorted(hits[("violence.reduction@reset-2020-10-15", "taliban")]) == expected


def test_a_join_in_the_ruleset_turns_the_cache_off():
    """A rule testing two facts at once could not be decided per fact: the cache refuses it."""
    definition = {"j": {"all": [{"a": {"type": "attack"}}, {"b": {"$and": [{"type": "strike"},
                                                                           {"province": {"a": "province"}}]}}]},
                  durable_compile.CATCH_ALL: {"all": [{"m": {"$ex": {"type": 1}}}, {"n": durable_compile.NEVER}]}}
    def decisions(definition, names):
        return decision_cache.Decisions(definition, names, set(), lambda e: (), lambda e: True)
    assert not decisions(definition, ("type", "province")).enabled
    alone = {"p": {"all": [{"m": {"$and": [{"type": "attack"}, {"$gte": {"day": 737000}}]}}]}}
    assert decisions(alone, ("type",)).enabled
    by_id = {"p": {"all": [{"m": {"$and": [{"type": "attack"}, {"id": "e1"}]}}]}}
    assert not decisions(by_id, ("type",)).enabled  # the key leaves the id out


def test_a_regex_keeps_values_as_they_are():
    """A test the bucketing cannot bound keys on the value itself (the size limit bounds the cache)."""
    buckets = decision_cache.bucketing({"place": [("$mt", "^K")], "type": [("$eq", "attack")]}, set())
    assert buckets["place"]("Kabul") == "Kabul" and buckets["type"]("raid") is None


def test_numbers_that_are_not_whole_keep_their_place_among_the_constants():
    bucket = decision_cache.bucketing({"level": [("$gt", 2), ("$lte", 7)]}, {"level"})["level"]
    assert [bucket(v) for v in (2, 3, 7, 8, None)] == [0, 1, 1, 2, None]  # cuts at 3 and 8
    assert bucket(2.5) == bucket(2.75) != bucket(2.0) != bucket(2)


# --- durable_rules' internals behind one adapter --------------------------------------------

@needs_durable
def test_the_installed_durable_rules_has_the_internals_we_use(durable_internals):
    assert durable_internals._missing() == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        durable_internals.check(version=durable_internals.MEASURED)


@needs_durable
def test_another_version_with_the_same_internals_warns_once(durable_internals):
    with pytest.warns(RuntimeWarning, match="2.0.99 is installed; this tool was measured on 2.0.28"):
        durable_internals.check(version="2.0.99", missing=[])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        durable_internals.check(version="2.0.99", missing=[])  # once per version


@needs_durable
def test_a_version_without_them_fails_clearly(durable_internals):
    with pytest.raises(durable_internals.EngineUnavailable) as caught:
        durable_internals.check(version="3.0.0", missing=["Content._d"])
    message = str(caught.value)
    assert "durable_rules 3.0.0 is installed" in message and "Content._d" in message
    assert "durable_rules==2.0.28" in message and "--engine python" in message


def test_a_rule_reading_the_date_is_decided_day_by_day(caplog):
    """The same event on three days, a rule that excludes one date: the raw values remembered in
    front of the cache do not hold the date, so they are forgotten every day."""
    agreement = agreement_of(prohibited({"type": "attack", "date": {"not": "2020-01-03"}}))
    rows = [ev(f"d{d}", f"2020-01-{d:02d}", "attack", "red") for d in (2, 3, 4)]
    hits, stats = run(agreement, rows, caplog)
    assert hits == {("r.prohibited", "red"): ["d2", "d4"]}
    assert stats["asserted"] == 2  # the named date, and any other


def test_an_extra_field_holding_a_list_is_decided_not_remembered(caplog):
    agreement = agreement_of(prohibited({"type": "attack", "stage": "opening"}))
    rows = [ev("a", "2020-01-02", "attack", "red", stage=["opening"]), ev("b", "2020-01-02", "attack", "red", stage="opening"),
            ev("c", "2020-01-03", "attack", "red", stage=["opening"])]
    # issue 26: a list in a field a rule's condition tests is refused at intake, with a message, so it is
    # neither decided nor remembered: only b reaches the engine
    events, rejected, _ = collect(agreement, rows)
    assert [(r.id, r.field) for r in rejected] == [("a", "stage"), ("c", "stage")]
    hits, stats = run(agreement, [rows[1]], caplog)
    assert hits == {("r.prohibited", "red"): ["b"]}
    assert reference_matches(agreement, events).canonical()["hits"] == {("r.prohibited", "red"): ["b"]}
