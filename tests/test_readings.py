"""Contested readings (issue 24, docs/commitment-semantics.md §5.11): expectations reasoned by hand,
on both judges (the pipeline and the reference), like tests/test_commitments.py.

The agreement is the invented SMALL one (parties red, blue, green; types attack, strike, level,
claim, note), signed 2020-01-01; "01-05" is 2020-01-05.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import List

import pytest
from conftest import ev

import doha_compliance as dc
from doha_compliance.errors import RuleSetError
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def rule(id: str, party, kind: str, **fields) -> dict:
    return {"id": id, "party": party, "title": id, "source": f"article on {id}", "basis": "public_text",
            "kind": kind, **fields}


def agree(*rules: dict) -> dc.Agreement:
    return load_rules_from_texts(agreement_texts(list(rules), SMALL))


# issue 24: complied needs declared coverage; a source records strikes over January 2020
STRIKE_SOURCE = [dc.SourceCoverage(source="strikes.csv", types=("strike",), start=dt.date(2020, 1, 1),
                                   end=dt.date(2020, 1, 31), declared_by="a test")]


def judge(who: str, agreement: dc.Agreement, rows: List[dict], as_of: str, coverage: tuple = ()) -> dict:
    events = validated_events(agreement, rows)
    day = dt.date.fromisoformat(as_of)
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=day, coverage=list(coverage)))
    return reference_conclusions(agreement, events, day, list(coverage))


def report(agreement: dc.Agreement, rows: List[dict], as_of: str, coverage: tuple = ()) -> dc.Report:
    return dc.evaluate(agreement, validated_events(agreement, rows), as_of=dt.date.fromisoformat(as_of),
                       coverage=list(coverage))


def D(day: str) -> str:
    return f"2020-{day}"


def readings_of(c: dict) -> dict:
    """{(rule, party, status, first evidence): [(reading, status)]} for every finding."""
    return {(f["rule"], f["party"], f["status"], f["evidence"][0] if f["evidence"] else None):
            [(r["reading"], r["status"]) for r in f["readings"]] for f in c["findings"]}


# Blue may strike red only in answer to a red attack in the same province within 14 days (blue's
# reading, the rule's own); red reads it as "on the spot": the same day only.
ON_THE_SPOT = {"id": "on-the-spot", "whose": "red", "source": "red's spokesman, 2 January 2020",
               "paraphrase": "blue may answer an attack only while it happens",
               "justified_by": {"when": {"type": "attack", "actor": "red"}, "within_days": 0, "same": ["province"]}}
STRIKES = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
               justified_by={"when": {"type": "attack", "actor": "red"}, "within_days": 14, "same": ["province"]},
               reading={"id": "blue-defence", "whose": "blue", "source": "blue's ministry"}, readings=[ON_THE_SPOT])
STRIKE_ROWS = [ev("a1", D("01-02"), "attack", "red", province="north"),
               ev("s-same-day", D("01-02"), "strike", "blue", province="north"),
               ev("s-later", D("01-05"), "strike", "blue", province="north")]


def test_a_strike_justified_under_one_reading_is_a_violation_under_the_other(who):
    """s-later answers a1 3 days on: justified in blue's 14-day window, a violation under red's reading (no
    attack that day, no stated reason). s-same-day answers a1 the same day: justified under both, so it
    carries no reading. A source records strikes over January (issue 24: complied needs declared coverage):
    the unit is `complied` from 01-01 to 01-10 under blue's reading (nothing bad); under red's the
    violation of 01-05 cuts it to 01-01..01-04 (then 01-06..01-10): complied, over a shorter span — shown."""
    c = judge(who, agree(STRIKES), STRIKE_ROWS, D("01-10"), STRIKE_SOURCE)
    assert readings_of(c) == {
        ("strikes", "blue", "justified", "s-same-day"): [],
        ("strikes", "blue", "justified", "s-later"): [("on-the-spot", "violation")],
        ("strikes", "blue", "complied", None): [("on-the-spot", "complied")],
    }


def test_readings_never_count_in_the_party_table_or_scores():
    """The per-party table counts the primary reading only: two justified acts and one complied, no
    violation (the violation exists only under red's reading)."""
    r = report(agree(STRIKES), STRIKE_ROWS, D("01-10"), STRIKE_SOURCE)
    assert r.parties["blue"]["violation"] == 0 and r.parties["blue"]["justified"] == 2
    assert r.parties["blue"]["complied"] == 1
    assert {s.score for s in r.scores if s.rule == "strikes"} <= {3, None}


# A deadline linked to the strikes: red owes a level event by 01-03, done on 01-06 (late: violation).
DEADLINE = rule("d", "red", "deadline", due=D("01-03"), fulfilled_by={"when": {"type": "level", "actor": "$party"}},
                linked=["strikes"])
WIDER = {"id": "wide", "whose": "green", "source": "green's analysts", "quote": "any answer within twenty days",
         "justified_by": {"when": {"type": "attack", "actor": "red"}, "within_days": 20, "same": ["province"]}}


def test_who_defaulted_first_under_each_reading(who):
    """Primary: red defaulted first (d, due 01-03, met late on 01-06); blue has no default (both strikes
    justified). Under red's reading blue's first default is s-later (01-05): red 01-03, then blue 01-05.
    Under green's wider reading nothing changes: one line says the order is the same."""
    strikes = dict(STRIKES, readings=[ON_THE_SPOT, WIDER])
    rows = STRIKE_ROWS + [ev("l1", D("01-06"), "level", "red")]
    c = judge(who, agree(strikes, DEADLINE), rows, D("01-10"))
    red = {"party": "red", "date": D("01-03"), "rule": "d", "finding": "d/red/2020-01-03", "status": "violation"}
    none = {"party": "blue", "date": None, "rule": None, "finding": None, "status": None}
    blue = {"party": "blue", "date": D("01-05"), "rule": "strikes", "finding": "strikes/blue/s-later",
            "status": "violation"}
    assert c["defaults"] == [{"rules": ["d", "strikes"], "parties": [red, none], "readings": [
        {"reading": "on-the-spot", "same": False, "parties": [red, blue]},
        {"reading": "wide", "same": True, "parties": []}]}]


# Sequencing: blue's release (best efforts) and red's talks, both due 01-05. Red's reading: the talks
# start once the release is done, with no date of their own.
RELEASE = rule("release", "blue", "deadline", due=D("01-05"), modality="best_efforts", wording="will work to release",
               fulfilled_by={"when": {"type": "level", "actor": "$party"}}, linked=["talks"])
FIRST = {"id": "release-first", "whose": "red", "source": "red's statement", "quote": "no talks before the release",
         "starts_when": {"rule": "release"}, "due": None}
TALKS = rule("talks", "red", "deadline", due=D("01-05"), fulfilled_by={"when": {"type": "note", "actor": "$party"}},
             readings=[FIRST])
SEQUENCE_ROWS = [ev("rel", D("01-08"), "level", "blue"), ev("talk", D("01-09"), "note", "red")]


def test_talks_due_once_the_release_is_done(who):
    """As of 01-12. Primary: release missed (due 01-05, met late 01-08); talks a violation (due 01-05, met
    late 01-09). Red's reading: the talks start on 01-08 (the release done) with no date: met on 01-09.
    The release is read the same way under both: no reading on it. Who defaulted first: blue 01-05 and
    red 01-05 (a tie: by party) under the primary reading; under red's only blue defaulted."""
    c = judge(who, agree(RELEASE, TALKS), SEQUENCE_ROWS, D("01-12"))
    assert readings_of(c) == {("release", "blue", "missed", "rel"): [],
                              ("talks", "red", "violation", "talk"): [("release-first", "met")]}
    blue = {"party": "blue", "date": D("01-05"), "rule": "release", "finding": "release/blue/2020-01-05",
            "status": "missed"}
    red = {"party": "red", "date": D("01-05"), "rule": "talks", "finding": "talks/red/2020-01-05",
           "status": "violation"}
    red_none = {"party": "red", "date": None, "rule": None, "finding": None, "status": None}
    assert c["defaults"] == [{"rules": ["release", "talks"], "parties": [blue, red], "readings": [
        {"reading": "release-first", "same": False, "parties": [blue, red_none]}]}]


def test_before_the_release_the_talks_have_not_started_under_that_reading(who):
    """As of 01-07 nothing was released: the talks are a violation since 01-05 as written, not triggered
    under red's reading (their start, the release, has not happened)."""
    c = judge(who, agree(RELEASE, TALKS), SEQUENCE_ROWS, D("01-07"))
    assert readings_of(c)[("talks", "red", "violation", None)] == [("release-first", "not_triggered")]


def test_an_allegation_about_a_deadline_is_matched_by_its_claim_not_the_deadline(who):
    """w (blue) is due 01-10; a reading dates it 01-03. As of 01-05: pending as written, a violation under
    the reading. Red's claim of 01-04 naming w is weighed against w: uncorroborated as written (pending) so
    an alleged finding; corroborated under the reading, where there is no allegation: no such finding."""
    early = {"id": "early", "whose": "red", "source": "red", "paraphrase": "due on the third", "due": D("01-03")}
    w = rule("w", "blue", "deadline", due=D("01-10"), fulfilled_by={"when": {"type": "level", "actor": "$party"}},
             readings=[early])
    k = rule("k", "blue", "claim", when={"type": "claim", "accused": "$party"})
    rows = [ev("c1", D("01-04"), "claim", "red", accused="blue", rule="w")]
    c = judge(who, agree(w, k), rows, D("01-05"))
    assert readings_of(c) == {("w", "blue", "pending", None): [("early", "violation")],
                              ("w", "blue", "alleged", "c1"): [("early", "no_finding")]}


# --- every format shows a finding's other readings ---------------------------------------------------

def test_every_format_shows_the_other_reading_where_it_differs():
    r = report(agree(STRIKES), STRIKE_ROWS, D("01-10"), STRIKE_SOURCE)
    text = " ".join(dc.render(r, "text").split())  # the text report wraps its lines
    assert "under the reading on-the-spot (red's reading): violation — strikes: strike by blue on 2020-01-05" in text
    assert "Contested readings" in text
    assert "paraphrase (not a quote): blue may answer an attack only while it happens" in text
    assert "strikes: primary reading blue-defence (blue's reading)" in text
    md = dc.render(r, "md")
    assert "- **Another reading:** under the reading on-the-spot (red's reading): violation" in md
    assert "## Contested readings" in md
    html = dc.render(r, "html")
    assert ('class="meta reading" data-status="violation">under the reading on-the-spot (red&#39;s reading): '
            'violation') in html
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(dc.render(r, "csv")))}
    assert rows["strikes/blue/s-later"]["readings"] == "on-the-spot: violation"
    assert rows["strikes/blue/s-same-day"]["readings"] == ""
    data = json.loads(r.to_json())
    by_id = {f["id"]: f for f in data["findings"]}
    later = by_id["strikes/blue/s-later"]["readings"]
    assert [(x["reading"], x["status"]) for x in later] == [("on-the-spot", "violation")]
    assert "readings" not in by_id["strikes/blue/s-same-day"]  # readings agree: no key
    spot = data["readings"]["alternatives"]["on-the-spot"]
    assert spot["paraphrase"] == "blue may answer an attack only while it happens"
    assert "quote" not in spot  # a paraphrase is never a quote
    assert data["readings"]["primary"] == {"strikes": {"id": "blue-defence", "whose": "blue",
                                                       "source": "blue's ministry"}}
    explained = " ".join(dc.explain(r, "strikes/blue/s-later").split())
    assert "reading: blue-defence (blue's reading), the rule's primary reading (blue's ministry)" in explained
    assert "otherwise: under the reading on-the-spot (red's reading) [paraphrase (not a quote): " in explained


def test_a_rule_set_without_readings_reports_none():
    plain = dict(STRIKES)
    del plain["readings"], plain["reading"]
    data = json.loads(report(agree(plain), STRIKE_ROWS, D("01-10")).to_json())
    assert "readings" not in data and all("readings" not in f for f in data["findings"])


# --- the rule language: what a reading may say, and the messages -------------------------------------

@pytest.mark.parametrize("readings, message", [
    ([dict(ON_THE_SPOT, id="blue-defence")], "reading 'blue-defence' is the rule's own (primary) reading"),
    ([{k: v for k, v in ON_THE_SPOT.items() if k != "justified_by"}], "reading 'on-the-spot' reads nothing otherwise"),
    ([ON_THE_SPOT, ON_THE_SPOT], "reading 'on-the-spot' is given twice for 'strikes'"),
    ([dict(ON_THE_SPOT, due=D("01-03"))], "reading 'on-the-spot': 'due' has no meaning for a 'conditional' rule"),
])
def test_a_reading_that_cannot_be_used_is_refused_with_a_located_message(readings, message):
    with pytest.raises(RuleSetError) as caught:
        agree(dict(STRIKES, readings=readings))
    assert message in str(caught.value) and "rules.yaml:" in str(caught.value)


def test_one_reading_id_has_one_reader():
    other = dict(TALKS, readings=[dict(FIRST, whose="blue")])
    release = dict(RELEASE, readings=[{"id": "release-first", "whose": "red", "source": "s", "paraphrase": "p",
                                       "modality": "obligation"}])
    with pytest.raises(RuleSetError) as caught:
        agree(release, other)
    assert "one reading id, one reader" in str(caught.value)


@pytest.mark.parametrize("entry, which", [(dict(ON_THE_SPOT, quote="words"), "both"),
                                          ({k: v for k, v in ON_THE_SPOT.items() if k != "paraphrase"}, "neither")])
def test_a_reading_gives_its_words_as_a_quote_or_a_paraphrase(entry, which):
    with pytest.raises(RuleSetError) as caught:
        agree(dict(STRIKES, readings=[entry]))
    message = str(caught.value)
    assert ("reading 'on-the-spot' needs its words as exactly one of 'quote' (verbatim from the source) or "
            f"'paraphrase' (never shown as a quote); it gives {which}") in message
    assert "rules.yaml:" in message and "\n" not in message


def test_a_reading_is_set_on_the_rule_an_amendment_amends():
    amendment = {"id": "strikes@2", "amends": "strikes", "effective_from": D("01-05"), "readings": [ON_THE_SPOT]}
    with pytest.raises(RuleSetError) as caught:
        agree(STRIKES, amendment)
    assert ("'readings' is set on the rule an amendment amends ('strikes'): a reading applies to every "
            "version") in str(caught.value)


# --- the Doha rule set --------------------------------------------------------------------------------

def test_doha_a_strike_the_us_reading_justifies_is_a_violation_on_the_spot(doha):
    """A Taliban attack on Afghan forces in Helmand on 1 June 2020 and a US strike there on 5 June with no
    stated reason: within the US reading's 14 days (justified); not on the spot — not that day nor the day
    before — under the Taliban's reading (a violation)."""
    rows = [ev("att", "2020-06-01", "attack", "taliban", target="afghan_forces", province="Helmand"),
            ev("str", "2020-06-05", "airstrike", "us", target="taliban", province="Helmand"),
            ev("str2", "2020-06-02", "airstrike", "us", target="taliban", province="Helmand")]
    c = pipeline_conclusions(dc.evaluate(doha, validated_events(doha, rows), as_of=dt.date(2020, 6, 30)))
    got = {f["evidence"][0]: (f["status"], f["readings"]) for f in c["findings"]
           if f["rule"] == "strikes.defensive_only" and f["evidence"]}
    assert got == {"str": ("justified", [{"reading": "taliban-on-the-spot", "status": "violation"}]),
                   "str2": ("justified", [])}  # the day after the attack: on the spot under both readings


def test_a_readings_findings_are_looked_up_a_day_at_a_time():
    """The alternative readings' findings are as many as the primary's: they are read a day at a time, in
    step with the primary findings (both in date order), and a step back in time is noticed, never answered
    from the wrong day (the table then falls back to whole lookups)."""
    from doha_compliance.judging.readings import _DayWindow, _OutOfOrder
    days = [dt.date(2020, 1, d) for d in (1, 1, 3)]
    window = _DayWindow(list(zip(days, "abc")), key=lambda item: item[1], date=lambda item: item[0])
    assert window.get(dt.date(2020, 1, 1), "b") == (dt.date(2020, 1, 1), "b")
    assert window.get(dt.date(2020, 1, 2), "c") is None  # c is dated the 3rd
    assert window.get(dt.date(2020, 1, 3), "c") == (dt.date(2020, 1, 3), "c")
    with pytest.raises(_OutOfOrder):
        window.get(dt.date(2020, 1, 1), "a")


def test_a_reading_with_no_date_applies_to_every_version(who):
    """t is due 01-05, moved to 01-08 by its amendment of 01-03; the reading `undated` gives it no date
    (an undertaking) in every version. Done on 01-09, as of 01-10: a violation as written (the amendment
    decides: due 01-08, met late), met under the reading (an undertaking done)."""
    undated = {"id": "undated", "whose": "red", "source": "red", "paraphrase": "no date was agreed", "due": None}
    t = rule("t", "red", "deadline", due=D("01-05"), fulfilled_by={"when": {"type": "level", "actor": "$party"}},
             readings=[undated])
    amended = {"id": "t@2", "amends": "t", "effective_from": D("01-03"), "due": D("01-08")}
    c = judge(who, agree(t, amended), [ev("done", D("01-09"), "level", "red")], D("01-10"))
    assert readings_of(c) == {("t", "red", "violation", "done"): [("undated", "met")]}


def test_an_act_only_unclaimed_events_would_answer_is_unresolved_under_every_reading(who):
    """Blue's strike of 01-02 has, in its window under either reading (14 days, or the same day), only an
    attack nobody claimed: unresolved under both (§5.9), so the finding carries no other reading. The
    reading's judge must see the unclaimed justifiers too (else it would call the strike a violation)."""
    same_day = {"id": "same-day", "whose": "red", "source": "red's spokesman", "paraphrase": "only the same day",
                "justified_by": {"when": {"type": "attack"}, "within_days": 0}}
    answers = rule("answers", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "attack"}, "within_days": 14}, readings=[same_day])
    rows = [ev("u", D("01-02"), "attack", "unknown"), ev("s", D("01-02"), "strike", "blue")]
    assert readings_of(judge(who, agree(answers), rows, D("01-03"))) == {
        ("answers", "blue", "unresolved", "s"): []}
