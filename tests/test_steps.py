"""Steps that follow steps (issue 26, commitment-semantics §5.17): a deadline counted from another
deadline's fulfilment, per party (`due: {from: R, days: N}`, `or_from: due`, `party:`), and a
`starts_when: {rule: R}` per party where the party owes R too. Expectations reasoned by hand from the
docs, on both the pipeline and the reference judge.

The invented SMALL agreement (parties red, blue, green), signed 2020-01-01. "pull" is owed by red and
blue, due 10 January, met by a `level` event of the party; "talk", owed by both, falls due 2 days after
the party's own pull, met by a `note` of the party. Dates are in January 2020: D("01-10") == "2020-01-10".
"""
from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import jsonschema
import pytest
from conftest import ev
from test_commitments import D, agree, judge, one, report, rule

import doha_compliance as dc
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


PULL = rule("pull", ["red", "blue"], "deadline", due=D("01-10"),
            fulfilled_by={"when": {"type": "level", "actor": "$party"}})


def talk(**due) -> dict:
    return rule("talk", ["red", "blue"], "deadline", due={"from": "pull", "days": 2, **due},
                fulfilled_by={"when": {"type": "note", "actor": "$party"}})


def pulls(party: str, day: str) -> dict:
    return ev(f"{party}-pulls", D(day), "level", party)


def talks(party: str, day: str) -> dict:
    return ev(f"{party}-talks", D(day), "note", party)


def status(c: dict, rule_id: str, party: str) -> tuple:
    f = one(c, rule_id, party)
    return f["status"], f["date"], f["due"], f["days_late"], f.get("clock")


def test_each_party_s_clock_runs_from_its_own_fulfilment(who):
    """Red pulls back on 5 January, blue on 8 January. Red's talks are due 2 days after red's own pull
    (7 January): held on the 8th, a violation met 1 day late. Blue's are due 2 days after blue's (10
    January): held on the 9th, met. Had one rule-wide clock run (the first pull, 5 January), blue's
    would be late too."""
    rows = [pulls("red", "01-05"), pulls("blue", "01-08"), talks("red", "01-08"), talks("blue", "01-09")]
    c = judge(who, agree(PULL, talk()), rows, D("01-20"))
    assert status(c, "talk", "red") == ("violation", D("01-07"), D("01-07"), 1,
                                       "counted from pull met by red on 2020-01-05")
    assert status(c, "talk", "blue") == ("met", D("01-09"), D("01-10"), None,
                                        "counted from pull met by blue on 2020-01-08")


def test_an_unmet_step_leaves_the_next_waiting_without_or_from(who):
    """Blue never pulls back (its pull a violation on 10 January); without `or_from`, blue's talks wait
    for it: not triggered on the report date, no due date, no clock. Red's run as before."""
    rows = [pulls("red", "01-05"), talks("red", "01-06")]
    c = judge(who, agree(PULL, talk()), rows, D("01-20"))
    assert status(c, "pull", "blue")[0] == "violation"
    assert status(c, "talk", "blue") == ("not_triggered", D("01-20"), None, None, None)
    assert status(c, "talk", "red") == ("met", D("01-06"), D("01-07"), None,
                                       "counted from pull met by red on 2020-01-05")


def test_or_from_due_counts_from_the_defaulted_step_s_due_date(who):
    """The same, with `or_from: due`: blue's pull defaulted on 10 January, so blue's talks fall due 2
    days after that day (12 January); nothing by the 20th: a violation dated the 12th, and the finding
    says which clock ran."""
    rows = [pulls("red", "01-05"), talks("red", "01-06")]
    c = judge(who, agree(PULL, talk(or_from="due")), rows, D("01-20"))
    assert status(c, "talk", "blue") == ("violation", D("01-12"), D("01-12"), None,
                                        "from pull's due date 2020-01-10: pull defaulted (not met by blue by then)")


def test_or_from_due_a_step_met_late_still_counts_from_its_due_date(who):
    """Blue pulls back late, on 15 January: it had defaulted on the 10th, and with `or_from: due` the
    clock ran from then (due the 12th); talks on the 14th are 2 days late. Before the step's due day has
    passed (report date 10 January) blue's talks still wait: not triggered."""
    rows = [pulls("blue", "01-15"), talks("blue", "01-14")]
    c = judge(who, agree(PULL, talk(or_from="due")), rows, D("01-20"))
    assert status(c, "talk", "blue") == ("violation", D("01-12"), D("01-12"), 2,
                                        "from pull's due date 2020-01-10: pull defaulted (not met by blue by then)")
    c = judge(who, agree(PULL, talk(or_from="due")), rows[:0], D("01-10"))
    assert status(c, "talk", "blue")[0] == "not_triggered"


def test_a_stated_party_s_fulfilment_starts_every_clock(who):
    """`party: red`: both sides' talks count from red's pull (5 January): due 7 January for blue too."""
    rows = [pulls("red", "01-05"), pulls("blue", "01-08"), talks("blue", "01-09")]
    c = judge(who, agree(PULL, talk(party="red")), rows, D("01-20"))
    assert status(c, "talk", "blue") == ("violation", D("01-07"), D("01-07"), 2,
                                        "counted from pull met by red on 2020-01-05")


def test_done_before_its_clock_started_is_met(who):
    """Talks held before the party's pull (no starts_when: the commitment runs from the signature) are
    done: "no later than 2 days after" is met by doing it earlier."""
    rows = [talks("blue", "01-03")]
    c = judge(who, agree(PULL, talk()), rows, D("01-05"))
    assert status(c, "talk", "blue") == ("met", D("01-03"), None, None, None)


def test_the_reason_says_which_clock_ran_and_every_format_shows_it():
    rows = [pulls("red", "01-05")]
    r = report(agree(PULL, talk(or_from="due")), rows, D("01-20"))
    red = next(f for f in r.findings if f.rule == "talk" and f.party == "red")
    blue = next(f for f in r.findings if f.rule == "talk" and f.party == "blue")
    assert "not met by 2020-01-07 (2 days after red met pull on 2020-01-05)" in red.reason
    assert ("not met by 2020-01-12 (2 days after pull's due date 2020-01-10, pull not met by blue by then)"
            in blue.reason)
    assert blue.to_dict()["clock"] == "from pull's due date 2020-01-10: pull defaulted (not met by blue by then)"
    assert "clock: from pull's due date 2020-01-10" in dc.render(r, "text")
    assert "**Clock:** from pull's due date" in dc.render(r, "md")
    assert "Clock: counted from pull met by red on 2020-01-05" in dc.render(r, "html")
    csv_lines = dc.render(r, "csv").splitlines()
    assert csv_lines[0].split(",")[-1] == "clock"
    schema = json.loads(resources.files("doha_compliance").joinpath("schemas/report.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(r.to_json()))  # the published schema knows it
    waiting = report(agree(PULL, talk()), rows, D("01-20"))
    f = next(f for f in waiting.findings if f.rule == "talk" and f.party == "blue")
    assert f.reason == ("talk: not triggered: it is due 2 days after pull is met by blue; waiting for pull, not met "
                        "by blue as of 2020-01-20.")


# --- per-party triggers -----------------------------------------------------------------------------------

def test_a_rule_trigger_starts_each_party_on_its_own_fulfilment(who):
    """`starts_when: {rule: pull}` on a prohibition red and blue both owe (and both owe pull): red's starts
    on 5 January, blue's on 8 January. Blue's attack on the 6th is before blue's start: no finding;
    its attack on the 9th is a violation, as is red's on the 6th."""
    calm = rule("calm", ["red", "blue"], "prohibited", starts_when={"rule": "pull"},
                when={"type": "attack", "actor": "$party"})
    rows = [pulls("red", "01-05"), pulls("blue", "01-08"), ev("r-6", D("01-06"), "attack", "red"),
            ev("b-6", D("01-06"), "attack", "blue"), ev("b-9", D("01-09"), "attack", "blue")]
    c = judge(who, agree(PULL, calm), rows, D("01-20"))
    acts = sorted((f["party"], f["evidence"][0], f["status"]) for f in c["findings"] if f["rule"] == "calm")
    assert acts == [("blue", "b-9", "violation"), ("red", "r-6", "violation")]


def test_a_rule_trigger_owed_by_another_party_stays_rule_wide(who):
    """Green does not owe pull: its commitment starts on the first fulfilment by anyone (5 January)."""
    calm = rule("calm", "green", "prohibited", starts_when={"rule": "pull"}, when={"type": "attack", "actor": "green"})
    rows = [pulls("red", "01-05"), ev("g-6", D("01-06"), "attack", "green")]
    c = judge(who, agree(PULL, calm), rows, D("01-20"))
    assert [(f["evidence"][0], f["status"]) for f in c["findings"] if f["rule"] == "calm"] == [("g-6", "violation")]


# --- rules check ------------------------------------------------------------------------------------------

def _problems(*rules: dict) -> str:
    with pytest.raises(dc.RuleSetError) as caught:
        load_rules_from_texts(agreement_texts(list(rules), SMALL))
    return str(caught.value)


@pytest.mark.parametrize("due, words", [
    ({"from": "pul", "days": 1}, "due is counted from 'pul', which is not a rule in this set"),
    ({"from": "calm", "days": 1}, "due is counted from 'calm', a 'prohibited' rule"),
    ({"from": "pull", "days": 1, "party": "green"}, "met by 'green', but 'pull' is owed by blue, red"),
    ({"from": "pull", "days": 1, "date": D("01-09")}, "no 'date' can be pinned"),
    ({"from": "signature", "days": 1, "or_from": "due"}, "'or_from' is for a due date counted from another rule"),
])
def test_a_step_the_judges_could_not_count_is_refused(due, words):
    calm = rule("calm", "red", "prohibited", when={"type": "attack", "actor": "red"})
    bad = rule("talk", ["red", "blue"], "deadline", due=due, fulfilled_by={"when": {"type": "note"}})
    assert words in _problems(PULL, calm, bad)


def test_a_party_that_does_not_owe_the_step_must_say_whose_clock():
    bad = rule("talk", ["red", "green"], "deadline", due={"from": "pull", "days": 1},
               fulfilled_by={"when": {"type": "note"}})
    assert "green does not owe it: say whose fulfilment starts the clock (party: ... in due)" in _problems(PULL, bad)


def test_a_circle_of_steps_is_refused():
    note = {"when": {"type": "note"}}
    a = rule("a", "red", "deadline", due={"from": "b", "days": 1}, fulfilled_by=note)
    b = rule("b", "red", "deadline", due={"from": "a", "days": 1}, fulfilled_by=note)
    assert "due: due dates counted from other steps form a circle: a -> b -> a" in _problems(a, b)


def test_rules_list_shows_the_relative_due_date():
    agreement = agree(PULL, talk(or_from="due"))
    events = validated_events(agreement, [])
    text = dc.render(dc.evaluate(agreement, events, as_of=dt.date(2020, 1, 5)), "text")
    assert text  # the report renders with a waiting step
    talk_rule = next(r for r in agreement.rules if r.id == "talk")
    assert talk_rule.due_from is not None
    assert (talk_rule.due_from.describe()
            == "2 days after pull is met by the party, or after its due date if it defaults")


def test_rules_list_and_explain_say_the_relative_due_date_as_text():
    from doha_compliance.renderers.text import render_rules
    listed = render_rules(agree(PULL, talk(or_from="due")))
    assert "due 2 days after pull is met by the party, or after its due date if it defaults" in listed
    listed = render_rules(agree(PULL, talk(party="red")))
    assert "due 2 days after pull is met by red" in listed


# --- all / any starts, ends_when ----------------------------------------------------------------------------

def calm(**fields) -> dict:
    return rule("calm", ["red", "blue"], "prohibited", when={"type": "attack", "actor": "$party"}, **fields)


def attacks(party: str, day: str) -> dict:
    return ev(f"{party}-attacks-{day}", D(day), "attack", party)


def acts(c: dict, rule_id: str = "calm") -> list:
    return sorted((f["party"], f["evidence"][0], f["status"]) for f in c["findings"] if f["rule"] == rule_id
                  and f["evidence"])


def test_all_starts_on_the_day_the_last_form_is_met(who):
    """starts when red's own pull (5 January) AND a note by red (7 January) have both happened: 7 January.
    Red's attacks on the 6th give nothing, on the 8th a violation. Blue never pulls: not triggered."""
    sw = {"all": [{"rule": "pull"}, {"when": {"type": "note", "actor": "$party"}}]}
    rows = [pulls("red", "01-05"), talks("red", "01-07"), attacks("red", "01-06"), attacks("red", "01-08"),
            talks("blue", "01-07"), attacks("blue", "01-08")]
    c = judge(who, agree(PULL, calm(starts_when=sw)), rows, D("01-20"))
    assert acts(c) == [("red", "red-attacks-01-08", "violation")]
    assert one(c, "calm", "blue")["status"] == "not_triggered"


def test_any_starts_on_the_day_the_first_form_is_met(who):
    """starts when red's pull (5 January) OR a note by red (7 January): 5 January. Blue: its note on the 7th
    starts it (it never pulls), so its attack on the 8th is a violation and on the 6th nothing."""
    sw = {"any": [{"rule": "pull"}, {"when": {"type": "note", "actor": "$party"}}]}
    rows = [pulls("red", "01-05"), talks("red", "01-07"), attacks("red", "01-04"), attacks("red", "01-06"),
            talks("blue", "01-07"), attacks("blue", "01-06"), attacks("blue", "01-08")]
    c = judge(who, agree(PULL, calm(starts_when=sw)), rows, D("01-20"))
    assert acts(c) == [("blue", "blue-attacks-01-08", "violation"), ("red", "red-attacks-01-06", "violation")]


def test_a_continuing_commitment_judges_no_act_after_it_ends(who):
    """ends_when a note by the party: red's note on 7 January ends red's commitment after that day. Its
    attacks on the 7th (the last day) and before are violations; on the 9th nothing. Blue's runs on."""
    rows = [talks("red", "01-07"), attacks("red", "01-03"), attacks("red", "01-07"), attacks("red", "01-09"),
            attacks("blue", "01-09")]
    c = judge(who, agree(calm(ends_when={"when": {"type": "note", "actor": "$party"}})), rows, D("01-20"))
    assert acts(c) == [("blue", "blue-attacks-01-09", "violation"), ("red", "red-attacks-01-03", "violation"),
                       ("red", "red-attacks-01-07", "violation")]


def test_a_deadline_that_ends_before_it_falls_due_unmet_is_no_default(who):
    """pull ends when any of: a note by the party (red's on 7 January), or talks... Red's pull is due 10
    January; its commitment ended on the 7th unmet (a pull on the 12th is after the end and does not count):
    not assessed, neither met nor a violation. Blue's did not end: a violation."""
    ending = rule("pull", ["red", "blue"], "deadline", due=D("01-10"),
                  fulfilled_by={"when": {"type": "level", "actor": "$party"}},
                  ends_when={"any": [{"when": {"type": "note", "actor": "$party"}}, {"when": {"type": "strike"}}]})
    rows = [talks("red", "01-07"), pulls("red", "01-12")]
    c = judge(who, agree(ending), rows, D("01-20"))
    assert {"rule": "pull", "version": "pull", "party": "red"} in c["not_assessed"]
    assert [f for f in c["findings"] if f["party"] == "red"] == []
    assert one(c, "pull", "blue")["status"] == "violation"


def test_a_deadline_due_before_its_end_is_judged_as_usual_and_says_it_ended(who):
    """Red's pull due 10 January, its commitment ended on the 15th: not met by the 10th, a violation; the
    pull on the 18th, after the end, does not count (no days_late)."""
    ending = rule("pull", "red", "deadline", due=D("01-10"), fulfilled_by={"when": {"type": "level", "actor": "red"}},
                  ends_when={"when": {"type": "note", "actor": "red"}})
    rows = [talks("red", "01-15"), pulls("red", "01-18")]
    c = judge(who, agree(ending), rows, D("01-20"))
    assert status(c, "pull", "red") == ("violation", D("01-10"), D("01-10"), None, None)
    f = next(f for f in report(agree(ending), rows, D("01-20")).findings if f.rule == "pull")
    assert "It ended on 2020-01-15" in f.reason and "nothing after that day counts" in f.reason


def test_starts_and_ends_are_listed_as_text():
    from doha_compliance.renderers.text import render_rules
    sw = {"all": [{"rule": "pull"}, {"when": {"type": "note", "actor": "$party"}}]}
    listed = render_rules(agree(PULL, calm(starts_when=sw, ends_when={"rule": "pull"})))
    assert "starts when all of: pull is fulfilled; an event matching " in listed
    assert "ends when pull is fulfilled" in listed
    assert "starts when pull is fulfilled by red" in render_rules(agree(PULL, calm(starts_when={"rule": "pull",
                                                                                                "party": "red"})))


def test_an_all_start_naming_an_unknown_rule_or_a_circle_is_refused():
    assert "starts when 'pul' is fulfilled, which is not a rule in this set" in _problems(
        PULL, calm(starts_when={"all": [{"rule": "pul"}]}))
    note = {"when": {"type": "note"}}
    a = rule("a", "red", "deadline", starts_when={"any": [{"rule": "b"}]}, fulfilled_by=note)
    b = rule("b", "red", "deadline", starts_when={"all": [{"rule": "a"}]}, fulfilled_by=note)
    assert "triggers form a circle: a -> b -> a" in _problems(a, b)


def test_a_deadline_counted_from_an_any_start_counts_from_the_first_form(who):
    """review (red's) starts when any of: red's pull (5 January), a note by red (7 January) -- 5 January;
    due 3 days after it starts: 8 January. Nothing done: a violation dated the 8th. With `all`, it starts
    on the 7th: due the 10th."""
    def review(sw: dict) -> dict:
        return rule("review", "red", "deadline", starts_when=sw, due={"from": "trigger", "days": 3},
                    fulfilled_by={"when": {"type": "strike", "actor": "red"}})
    forms = [{"rule": "pull"}, {"when": {"type": "note", "actor": "red"}}]
    rows = [pulls("red", "01-05"), talks("red", "01-07")]
    c = judge(who, agree(PULL, review({"any": forms})), rows, D("01-20"))
    assert status(c, "review", "red") == ("violation", D("01-08"), D("01-08"), None, None)
    c = judge(who, agree(PULL, review({"all": forms})), rows, D("01-20"))
    assert status(c, "review", "red") == ("violation", D("01-10"), D("01-10"), None, None)


def test_an_all_start_holds_under_a_contested_reading_too(who):
    """A reading that makes calm a best effort reads the same start (red's note on 3 January): red's attack
    on the 5th is a violation, and missed under the reading (the reading's start once went unseen: its
    matches are kept under the reading's version, `<version>#s0`)."""
    soft = {"id": "soft", "whose": "red", "source": "generated", "paraphrase": "generated", "modality": "best_efforts"}
    rows = [talks("red", "01-03"), attacks("red", "01-05")]
    c = judge(who, agree(calm(starts_when={"all": [{"when": {"type": "note", "actor": "$party"}}]},
                              readings=[soft])), rows, D("01-20"))
    f = one(c, "calm", "red", "violation")
    assert f["evidence"] == ["red-attacks-01-05"] and f["readings"] == [{"reading": "soft", "status": "missed"}]


def test_a_rule_trigger_may_name_whose_fulfilment_starts_it(who):
    """`starts_when: {rule: pull, party: red}`: both sides' commitments start on red's pull (5 January), so
    blue's attack on the 6th is a violation though blue pulls back only on the 8th."""
    rows = [pulls("red", "01-05"), pulls("blue", "01-08"), attacks("blue", "01-06"), attacks("red", "01-04")]
    c = judge(who, agree(PULL, calm(starts_when={"rule": "pull", "party": "red"})), rows, D("01-20"))
    assert acts(c) == [("blue", "blue-attacks-01-06", "violation")]
    assert "starts when 'pull' is fulfilled by 'green', but 'pull' is owed by blue, red" in _problems(
        PULL, calm(starts_when={"any": [{"rule": "pull", "party": "green"}]}))
