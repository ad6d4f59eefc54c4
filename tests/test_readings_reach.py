"""Issue 27: an alternative reading is judged only where it can reach (judging/reach.py), reasoned by hand.

The SMALL agreement (parties red, blue, green), signed 2020-01-01. Rule `a` (red must report a level by
01-05) is read by green as needing a note instead; rule `b` (blue must report a level within 2 days of
`a`'s fulfilment) reads `a`; rule `c` (green may not attack) reads nothing.
"""
from __future__ import annotations

import datetime as dt

from conftest import ev

import doha_compliance as dc
from doha_compliance.judging import judge as judge_module
from doha_compliance.judging.reach import reach_of
from doha_compliance.judging.readings import ReadingJudges
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events


def rule(id: str, party, kind: str, **fields) -> dict:
    return {"id": id, "party": party, "title": id, "source": f"article on {id}", "basis": "public_text",
            "kind": kind, **fields}


NOTE_READING = {"id": "note-reading", "whose": "green", "source": "green's statement", "paraphrase": "a note",
                "fulfilled_by": {"when": {"type": "note", "actor": "$party"}}}
A = rule("a", "red", "deadline", due="2020-01-05", fulfilled_by={"when": {"type": "level", "actor": "$party"}},
         readings=[NOTE_READING])
B = rule("b", "blue", "deadline", starts_when={"rule": "a"}, due={"from": "trigger", "days": 2},
         fulfilled_by={"when": {"type": "level", "actor": "$party"}})
C = rule("c", "green", "prohibited", when={"type": "attack", "actor": "$party"})
ROWS = [ev("lv-red", "2020-01-03", "level", "red"), ev("lv-blue", "2020-01-04", "level", "blue"),
        ev("att", "2020-01-04", "attack", "green")]


def agreement() -> dc.Agreement:
    return load_rules_from_texts(agreement_texts([A, B, C], SMALL))


def test_the_reach_of_a_reading_is_its_rule_and_what_reads_it():
    a = agreement()
    reach = reach_of(a, a.readings[0])
    assert reach.reach == {"a", "b"}  # b starts on a's fulfilment; c reads neither
    assert reach.needed == {"a", "b"}
    assert not reach.whole


def test_a_reading_changes_the_rule_that_reads_it_and_never_judges_an_unrelated_one(monkeypatch):
    handed = []  # (is the judge an alternative reading's, the units of hits it was handed)
    take = judge_module.Judge._take

    def spy(self, matches, part_of):
        handed.append((not self.agreement.readings, set(matches.hits)))
        return take(self, matches, part_of)
    monkeypatch.setattr(judge_module.Judge, "_take", spy)
    a = agreement()
    report = dc.evaluate(a, validated_events(a, ROWS), as_of=dt.date(2020, 1, 10))
    found = {(f.rule, f.party): f for f in report.findings}
    # primary: red's level on 01-03 meets a; b starts that day and blue's level on 01-04 meets it (due 01-05)
    assert found[("a", "red")].status == "met" and found[("b", "blue")].status == "met"
    # under green's reading no note ever came: a lapsed on 01-05 (an obligation: a violation), so b never started
    assert [(r.reading, r.status) for r in found[("a", "red")].readings] == [("note-reading", "violation")]
    assert [(r.reading, r.status) for r in found[("b", "blue")].readings] == [("note-reading", "not_triggered")]
    # green's attack on 01-04 is a violation under every reading: never annotated, never judged again
    assert found[("c", "green")].status == "violation" and found[("c", "green")].readings == ()
    c_version = next(r.version for r in a.rules if r.id == "c")
    assert any((c_version, "green") in units for alternative, units in handed if not alternative)
    assert not any((c_version, "green") in units for alternative, units in handed if alternative)
    assert any(alternative for alternative, _ in handed)


def test_the_alternative_judge_is_handed_only_the_reached_rules_versions():
    judges = ReadingJudges(agreement())
    [versions] = judges._versions
    assert {v.split("~")[0].split("@")[0] for v in versions} == {"a", "b"}


# §5.10: one fact breaching two rules is said once, each breach naming the other. Red may not attack (x,
# which green reads as an aim only) nor strike-or-attack in the north (y, read by no one).
AIM = {"id": "aim-reading", "whose": "green", "source": "green's statement", "paraphrase": "an aim",
       "modality": "aim"}
X = rule("x", "red", "prohibited", when={"type": "attack", "actor": "$party"}, readings=[AIM])
Y = rule("y", "red", "prohibited", when={"type": ["attack", "strike"], "actor": "$party", "province": "north"})


def test_a_reached_breach_still_names_the_other_rule_the_same_fact_breaches():
    a = load_rules_from_texts(agreement_texts([X, Y], SMALL))
    assert reach_of(a, a.readings[0]).needed >= {"x", "y"}  # y judged beside x under the reading
    rows = [ev("att", "2020-01-04", "attack", "red", province="north")]
    report = dc.evaluate(a, validated_events(a, rows), as_of=dt.date(2020, 1, 10))
    found = {(f.rule, f.party): f for f in report.findings}
    assert found[("x", "red")].status == "violation" and found[("y", "red")].status == "violation"
    assert "also breaches y" in found[("x", "red")].reason
    # under green's reading x is an aim: the attack misses it, and it is still the fact that breaches y
    [other] = found[("x", "red")].readings
    assert (other.reading, other.status) == ("aim-reading", "missed")
    assert "also breaches y" in other.reason
    assert found[("y", "red")].readings == ()


# A claim naming no rule is weighed on every rule's findings for its accused: a reading that changes one of
# them can change the claim. Blue may strike red in answer to a red attack in the same province within 14
# days; red reads it as the same day only. Red accuses blue (naming no rule) the day after a strike.
ON_THE_SPOT = {"id": "on-the-spot", "whose": "red", "source": "red's spokesman", "paraphrase": "only while it happens",
               "justified_by": {"when": {"type": "attack", "actor": "red"}, "within_days": 0, "same": ["province"]}}
STRIKES = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
               justified_by={"when": {"type": "attack", "actor": "red"}, "within_days": 14, "same": ["province"]},
               readings=[ON_THE_SPOT])
CLAIMS = rule("claims", ["red", "blue"], "claim", when={"type": "claim", "accused": "$party"}, lookback_days=10)


def test_a_claim_naming_no_rule_is_weighed_again_under_a_reading():
    a = load_rules_from_texts(agreement_texts([STRIKES, CLAIMS, C], SMALL))  # c: the reading is not judged whole
    assert ReadingJudges(a)._judged == [{"strikes", "claims"}]
    rows = [ev("a1", "2020-01-02", "attack", "red", province="north"),
            ev("s1", "2020-01-05", "strike", "blue", province="north"),
            ev("c1", "2020-01-06", "claim", "red", accused="blue", province="north")]
    report = dc.evaluate(a, validated_events(a, rows), as_of=dt.date(2020, 1, 10))
    found = {(f.rule, f.status): f for f in report.findings}
    # primary: the strike answers the attack 3 days before, so red's claim is not borne out: an allegation
    assert set(found) == {("strikes", "justified"), ("claims", "alleged")}
    # on the spot the strike is a violation, which corroborates the claim: no allegation under that reading
    assert [(r.reading, r.status) for r in found[("strikes", "justified")].readings] == [("on-the-spot", "violation")]
    [other] = found[("claims", "alleged")].readings
    assert (other.reading, other.status) == ("on-the-spot", "no_finding")
    assert "corroborated" in other.reason
