"""Who answers for whom (issue 25, commitment-semantics §5.16): hand-reasoned examples, both judges.

An agreement written by hand in the test's rule folder: lebanon answers for hezbollah and armed_groups
in the province `south` ("item 2"); israel for no one. Every expected value below is worked out from
the rules and events, not copied from output."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import D, assert_prefilter_hides_nothing, ev

import doha_compliance as dc
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.testing import validated_events

AGREEMENT = """\
agreement:
  id: lb-test
  title: "A cessation of hostilities (test)"
  signed: 2024-11-27
  parties:
    lebanon: Lebanon
    israel: Israel
    hezbollah: Hezbollah
    armed_groups: Other armed groups
    unifil: UNIFIL
  signatories: [lebanon, israel]
  monitors: [unifil]
  event_types: [attack, rocket_fire, airstrike, arrest, deployment, statement, allegation]
  answers_for:
    lebanon:
      actors: [hezbollah, armed_groups]
      where: {province: south}
      clause: "item 2"
"""

RULES = """\
rules:
  - id: hostilities.lebanon
    party: lebanon
    title: No offensive operations against Israel
    source: item 2
    basis: public_text
    kind: prohibited
    when: {type: [attack, rocket_fire], actor: lebanon, target: israel}
  - id: hostilities.israel
    party: israel
    title: Strikes only in self-defence
    source: item 4
    basis: public_text
    kind: conditional
    when: {type: airstrike, actor: israel}
    justified_by: {when: {type: [attack, rocket_fire], target: israel}, within_days: 1}
  - id: claims
    party: [lebanon, israel, hezbollah]
    title: Accusations
    source: the parties' statements
    basis: reported
    kind: claim
    when: {type: allegation, accused: $party}
"""


def folder(tmp_path: Path, agreement: str = AGREEMENT, rules: str = RULES) -> Path:
    (tmp_path / "agreement.yaml").write_text(agreement)
    (tmp_path / "rules.yaml").write_text(rules)
    return tmp_path


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def conclusions(who: str, agreement: dc.Agreement, rows: list, as_of: str) -> dict:
    events = validated_events(agreement, rows)
    if who == "pipeline":
        return pipeline_conclusions(dc.evaluate(agreement, events, as_of=D(as_of)))
    return reference_conclusions(agreement, events, D(as_of))


def acts(c: dict) -> list:
    """(rule, party, status, first evidence, act_by) of every act finding (complied and not-assessed aside)."""
    return sorted((f["rule"], f["party"], f["status"], f["evidence"][0], f.get("act_by"))
                  for f in c["findings"] if f["evidence"] and f["status"] != "complied")


ROWS = [
    # hezbollah's rockets in the south: lebanon answers for them -> lebanon's violation, act by hezbollah
    ev("h1", "2024-12-02", "rocket_fire", "hezbollah", target="israel", province="south"),
    # hezbollah's rockets outside the south: the bond's `where` fails -> no one's act (hezbollah owes nothing)
    ev("h2", "2024-12-03", "rocket_fire", "hezbollah", target="israel", province="beirut"),
    # lebanon's own attack: lebanon's violation, no act_by
    ev("l1", "2024-12-04", "attack", "lebanon", target="israel", province="beirut"),
    # rockets nobody claimed in the south: never a party's act
    ev("u1", "2024-12-05", "rocket_fire", "unknown", target="israel", province="south"),
]


def test_an_act_a_party_answers_for_is_its_finding_naming_the_actor(who, tmp_path):
    agreement = dc.load_rules(folder(tmp_path))
    assert acts(conclusions(who, agreement, ROWS, "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "violation", "h1", "hezbollah"),
        ("hostilities.lebanon", "lebanon", "violation", "l1", None),
    ]


def test_the_bond_is_named_in_the_reason_and_every_format(tmp_path):
    agreement = dc.load_rules(folder(tmp_path))
    report = dc.evaluate(agreement, validated_events(agreement, ROWS), as_of=D("2024-12-10"))
    (f,) = [f for f in report.findings if f.evidence[:1] == ("h1",)]
    assert f.party == "lebanon" and f.act_by == "hezbollah"
    assert f.reason.endswith("[act by hezbollah, for which lebanon answers (item 2)]")
    data = json.loads(report.to_json())
    (row,) = [x for x in data["findings"] if x["evidence"][:1] == ["h1"]]
    assert row["act_by"] == "hezbollah"
    (own,) = [x for x in data["findings"] if x["evidence"][:1] == ["l1"]]
    assert "act_by" not in own  # only said when it has something to say
    for fmt in ("text", "md", "html"):
        assert "act by hezbollah, for which lebanon answers (item 2)" in " ".join(dc.render(report, fmt).split())
    import csv
    import io
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(dc.render(report, "csv")))}
    assert (table["hostilities.lebanon/lebanon/h1"]["act_by"], table["hostilities.lebanon/lebanon/l1"]["act_by"]) == (
        "hezbollah", "")


def test_without_the_bond_hezbollahs_acts_are_nobodys(who, tmp_path):
    plain = AGREEMENT.split("  answers_for:")[0]
    agreement = dc.load_rules(folder(tmp_path, plain))
    assert acts(conclusions(who, agreement, ROWS, "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "violation", "l1", None)]


def test_a_bond_without_where_holds_everywhere(who, tmp_path):
    everywhere = AGREEMENT.replace("      where: {province: south}\n", "")
    agreement = dc.load_rules(folder(tmp_path, everywhere))
    assert acts(conclusions(who, agreement, ROWS, "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "violation", "h1", "hezbollah"),
        ("hostilities.lebanon", "lebanon", "violation", "h2", "hezbollah"),
        ("hostilities.lebanon", "lebanon", "violation", "l1", None),
    ]


def test_party_placeholder_is_widened_for_the_bound_party_only(who, tmp_path):
    # one rule owed by both, `actor: $party`: hezbollah's act in the south is lebanon's, never israel's
    rules = (RULES.replace("    party: lebanon\n    title: No offensive",
                           "    party: [lebanon, israel]\n    title: No offensive")
             .replace("actor: lebanon, target: israel}", "actor: $party}"))
    agreement = dc.load_rules(folder(tmp_path, rules=rules))
    rows = [ev("h1", "2024-12-02", "rocket_fire", "hezbollah", target="israel", province="south")]
    assert acts(conclusions(who, agreement, rows, "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "violation", "h1", "hezbollah")]


@pytest.mark.parametrize("bond, says", [
    ("    lebanon: {actors: [unknown]}\n", "unknown is reserved"),
    ("    lebanon: {actors: [lebanon]}\n", "a party does not answer for itself"),
    ("    lebanon: {actors: [hizbollah]}\n", "is not one of the parties"),
    ("    lebanon: {actors: [hezbollah]}\n    israel: {actors: [hezbollah]}\n", "already answered for by lebanon"),
])
def test_a_bond_that_cannot_hold_is_refused(tmp_path, bond, says):
    bad = AGREEMENT.split("  answers_for:")[0] + "  answers_for:\n" + bond
    with pytest.raises(dc.RuleSetError, match=says):
        dc.load_rules(folder(tmp_path, bad))


# --- claims follow the bond ------------------------------------------------------------------------

CLAIM_ROWS = [
    ev("h1", "2024-12-02", "rocket_fire", "hezbollah", target="israel", province="south"),
    ev("l1", "2024-12-04", "attack", "lebanon", target="israel", province="beirut"),
    # israel accuses hezbollah of breaching lebanon's rule: lebanon's violation h1 (act by hezbollah) is
    # in its 30-day window -> corroborated, citing it; no alleged finding
    ev("c1", "2024-12-03", "allegation", "israel", accused="hezbollah", rule="hostilities.lebanon"),
    # the same in beirut: h1 is in the south -> nothing reached -> uncorroborated, alleged under LEBANON
    # (act by hezbollah), never under hezbollah, which owes no rule
    ev("c2", "2024-12-06", "allegation", "israel", accused="hezbollah", rule="hostilities.lebanon", province="beirut"),
    # about l1, lebanon's own act: not hezbollah's -> outside the rules (as an act of hezbollah), alleged
    # under lebanon with act_by hezbollah
    ev("c3", "2024-12-07", "allegation", "israel", accused="hezbollah", rule="hostilities.lebanon", about=["l1"]),
    # about h1: lebanon's violation for hezbollah's act -> corroborated
    ev("c4", "2024-12-08", "allegation", "israel", accused="hezbollah", about=["h1"]),
]


def test_a_claim_against_an_answered_for_actor_is_weighed_against_the_answering_partys_rule(who, tmp_path):
    agreement = dc.load_rules(folder(tmp_path))
    c = conclusions(who, agreement, CLAIM_ROWS, "2024-12-10")
    assert sorted((x["event"], x["accused"], x["assessment"], tuple(x["findings"])) for x in c["claims"]) == [
        ("c1", "hezbollah", "corroborated", ("hostilities.lebanon/lebanon/h1",)),
        ("c2", "hezbollah", "uncorroborated", ()),
        ("c3", "hezbollah", "outside_rules", ()),
        ("c4", "hezbollah", "corroborated", ("hostilities.lebanon/lebanon/h1",)),
    ]
    alleged = sorted((f["rule"], f["party"], f["evidence"][0], f.get("act_by"))
                     for f in c["findings"] if f["status"] == "alleged")
    assert alleged == [("hostilities.lebanon", "lebanon", "c2", "hezbollah"),
                       ("hostilities.lebanon", "lebanon", "c3", "hezbollah")]
    assert not [f for f in c["findings"] if f["party"] == "hezbollah"]


def test_a_monitors_report_naming_the_actor_settles_the_answering_partys_unresolved_act(who, tmp_path):
    # hezbollah's rockets with a stated reason are still a prohibited act (a violation): use a conditional
    # rule owed by lebanon so the act is unresolved, then unifil's report accusing hezbollah settles it
    when = "    when: {type: [attack, rocket_fire], actor: lebanon, target: israel}"
    rules = RULES.replace(f"    kind: prohibited\n{when}", f"    kind: conditional\n{when}\n"
                          "    justified_by: {when: {type: airstrike, target: lebanon}, within_days: 1}")
    agreement = dc.load_rules(folder(tmp_path, rules=rules))
    rows = [ev("h1", "2024-12-02", "rocket_fire", "hezbollah", target="israel", province="south",
               stated_justification="answering strikes"),
            ev("m1", "2024-12-04", "allegation", "unifil", accused="hezbollah", about=["h1"])]
    assert acts(conclusions(who, agreement, rows[:1], "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "unresolved", "h1", "hezbollah")]
    assert acts(conclusions(who, agreement, rows, "2024-12-10")) == [
        ("hostilities.lebanon", "lebanon", "violation", "h1", "hezbollah")]


# --- a duty to prevent: kind prevent, judged on conduct ------------------------------------------------

PREVENT = """\
  - id: prevent.lebanon
    party: lebanon
    title: Prevent attacks from the south
    source: item 3
    basis: public_text
    kind: prevent
    when: {type: [attack, rocket_fire], actor: [unknown, armed_groups], province: south}
    answered_by: {when: {type: [arrest, deployment], actor: $party}, within_days: 7}
"""

PREVENT_ROWS = [
    # answered by a1 (arrest by lebanon, 3 days after): complied, citing a1
    ev("u1", "2024-12-02", "rocket_fire", "unknown", target="israel", province="south"),
    # a1 is 2 days after: complied too, citing a1
    ev("u2", "2024-12-03", "rocket_fire", "unknown", target="israel", province="south"),
    ev("a1", "2024-12-05", "arrest", "lebanon", province="south"),
    # a deployment the same day answers it (the day is in the window): complied, citing d1
    ev("u7", "2024-12-08", "attack", "unknown", target="israel", province="south"),
    ev("d1", "2024-12-08", "deployment", "lebanon", province="south"),
    # window 12-10..12-17, no response by lebanon in it, over before the report date 12-20: unresolved
    ev("u3", "2024-12-10", "rocket_fire", "unknown", target="israel", province="south"),
    # window 12-13..12-20 ends on the report date (its last day not yet passed): pending, due 12-20
    ev("u6", "2024-12-13", "rocket_fire", "unknown", target="israel", province="south"),
    # window to 12-22: pending, due 12-22; a2 is israel's arrest, not lebanon's response
    ev("u4", "2024-12-15", "rocket_fire", "unknown", target="israel", province="south"),
    ev("a2", "2024-12-18", "arrest", "israel", province="south"),
    # outside the south: not an act this duty names
    ev("u5", "2024-12-15", "rocket_fire", "unknown", target="israel", province="beirut"),
    # unifil reports u3 against lebanon: weighed as a claim, it changes nothing (DECISION (monitors))
    ev("m1", "2024-12-19", "allegation", "unifil", accused="lebanon", rule="prevent.lebanon", about=["u3"]),
]


def prevented(c: dict) -> list:
    return sorted((f["status"], tuple(f["evidence"]), f["due"])
                  for f in c["findings"] if f["rule"] == "prevent.lebanon")


def test_a_duty_to_prevent_is_judged_on_the_response_to_each_act(who, tmp_path):
    agreement = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    c = conclusions(who, agreement, PREVENT_ROWS, "2024-12-20")
    assert prevented(c) == [
        ("complied", ("u1", "a1"), None),
        ("complied", ("u2", "a1"), None),
        ("complied", ("u7", "d1"), None),
        ("pending", ("u4",), "2024-12-22"),
        ("pending", ("u6",), "2024-12-20"),
        ("unresolved", ("u3",), None),
    ]
    # an act nobody claimed bears on no duty not to attack: hostilities.lebanon judges none of them
    assert [x for x in acts(c) if x[0] != "prevent.lebanon"] == []
    (m1,) = [x for x in c["claims"] if x["event"] == "m1"]
    assert (m1["assessment"], m1["findings"]) == ("uncorroborated", ["prevent.lebanon/lebanon/u3"])


def test_a_claim_about_an_act_the_party_was_bound_to_prevent_meets_its_response(who, tmp_path):
    """Issue 25's record: the IDF held Lebanon responsible for unclaimed rockets (22 March 2025) that the
    army answered by seizing the launchers the same day. A claim naming the duty to prevent and `about`
    the act is weighed against that duty's finding on it: u1 answered (complied) contradicts it; u3 with
    no response (unresolved) leaves it uncorroborated, as m1 above. Reasoned by hand from PREVENT_ROWS."""
    agreement = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    rows = PREVENT_ROWS + [ev("c1", "2024-12-06", "allegation", "israel", accused="lebanon", rule="prevent.lebanon",
                              about=["u1"])]
    c = conclusions(who, agreement, rows, "2024-12-20")
    (c1,) = [x for x in c["claims"] if x["event"] == "c1"]
    assert (c1["assessment"], c1["findings"]) == ("contradicted", ["prevent.lebanon/lebanon/u1"])


def test_a_duty_to_prevent_with_nothing_to_prevent_is_not_assessed(who, tmp_path):
    agreement = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    c = conclusions(who, agreement, [ev("a1", "2024-12-05", "arrest", "lebanon")], "2024-12-20")
    assert prevented(c) == []
    assert {(n["rule"], n["party"]) for n in c["not_assessed"]} >= {("prevent.lebanon", "lebanon")}


def test_the_unresolved_reason_says_a_duty_to_prevent_is_judged_on_conduct(tmp_path):
    agreement = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    report = dc.evaluate(agreement, validated_events(agreement, PREVENT_ROWS), as_of=D("2024-12-20"))
    (f,) = [f for f in report.findings if f.rule == "prevent.lebanon" and f.status == "unresolved"]
    assert "no response recorded by lebanon within 7 days (by 2024-12-17)" in f.reason
    assert "a duty to prevent is judged on conduct" in f.reason
    (ok,) = [f for f in report.findings if f.evidence == ("u1", "a1")]
    assert "arrest by lebanon on 2024-12-05" in ok.reason and "(a1)" in ok.reason


# --- rules check: what the judge ignores is said; a claim naming someone else's rule is refused ----------

def test_a_claim_rule_naming_a_rule_the_accused_neither_owes_nor_answers_for_is_refused(tmp_path):
    from conftest import run_main
    # israel owes no part of hostilities.lebanon and nobody's bond links it to lebanon: refused
    bad = RULES + """\
  - id: claims.hostilities
    party: israel
    title: Accusations of Lebanon's hostilities
    source: statements
    basis: reported
    kind: claim
    when: {type: allegation, rule: hostilities.lebanon, accused: israel}
"""
    result = run_main("rules", "check", str(folder(tmp_path, rules=bad)))
    assert result.returncode == 2
    assert "(1 problem)" in result.stderr  # the house's form: a header, then one line a problem
    assert "claim rule claims.hostilities names rule hostilities.lebanon against israel" in result.stderr
    # against hezbollah, which lebanon answers for: accepted
    good = bad.replace("accused: israel}", "accused: hezbollah}")
    assert run_main("rules", "check", str(folder(tmp_path, rules=good))).returncode == 0


def test_a_claim_event_naming_a_rule_the_accused_neither_owes_nor_answers_for_is_rejected(tmp_path):
    from doha_compliance.api import collect
    agreement = dc.load_rules(folder(tmp_path))
    rows = [ev("ok", "2024-12-03", "allegation", "israel", accused="hezbollah", rule="hostilities.lebanon"),
            ev("no", "2024-12-03", "allegation", "lebanon", accused="hezbollah", rule="hostilities.israel")]
    events, rejected, _ = collect(agreement, rows)
    assert [e.id for e in events] == ["ok"]
    (r,) = rejected
    assert (r.id, r.field) == ("no", "rule")
    assert "rule hostilities.israel is owed by israel: hezbollah neither owes it" in r.reason


def test_rules_check_warns_when_a_response_names_a_reserved_actor(tmp_path):
    from conftest import run_main
    rules = RULES + PREVENT.replace("actor: $party}, within_days", "actor: [lebanon, unknown]}, within_days")
    result = run_main("rules", "check", str(folder(tmp_path, rules=rules)))
    assert result.returncode == 0, result.stderr
    (warning,) = result.stderr.strip().splitlines()
    assert "warning: rule prevent.lebanon: its answered_by names the actor 'unknown'" in warning
    # the acts to prevent may name unknown: that is what a duty to prevent is about (no warning)
    assert run_main("rules", "check", str(folder(tmp_path, rules=RULES + PREVENT))).stderr == ""


# --- denied_by: shown beside the act, never weighed ------------------------------------------------------

def test_a_denial_is_shown_beside_the_act_in_every_format_and_changes_nothing(tmp_path):
    agreement = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    rows = [ev("h1", "2024-12-02", "rocket_fire", "hezbollah", target="israel", province="south",
               denied_by="hezbollah"),
            ev("u3", "2024-12-10", "rocket_fire", "unknown", target="israel", province="south",
               denied_by=["hezbollah", "armed_groups"])]
    report = dc.evaluate(agreement, validated_events(agreement, rows), as_of=D("2024-12-20"))
    (h1,) = [f for f in report.findings if f.evidence[:1] == ("h1",)]
    assert h1.status == "violation"  # a denial is not weighed
    assert h1.reason.endswith("[act by hezbollah, for which lebanon answers (item 2)] [denied by hezbollah]")
    (u3,) = [f for f in report.findings if f.evidence[:1] == ("u3",)]
    assert u3.status == "unresolved" and u3.reason.endswith("[denied by hezbollah, armed_groups]")
    for fmt in ("text", "md", "html", "csv", "json"):
        assert "denied by hezbollah, armed_groups" in " ".join(dc.render(report, fmt).split()), fmt


def test_an_unclaimed_act_a_duty_to_prevent_names_bears_on_that_duty_only(who, tmp_path):
    # u1 in the south: prevent.lebanon names it -> it bears on that duty only (not on hostilities.lebanon,
    # which it would bear on were lebanon its actor); u5 in beirut: no duty names it -> as before (§5.9)
    rows = [ev("u1", "2024-12-02", "rocket_fire", "unknown", target="israel", province="south"),
            ev("u5", "2024-12-03", "rocket_fire", "unknown", target="israel", province="beirut")]
    with_duty = dc.load_rules(folder(tmp_path, rules=RULES + PREVENT))
    assert conclusions(who, with_duty, rows, "2024-12-20")["unattributed"] == [
        {"event": "u1", "bears_on": [{"rule": "prevent.lebanon", "party": "lebanon"}]},
        {"event": "u5", "bears_on": [{"rule": "hostilities.lebanon", "party": "lebanon"}]},
    ]


def test_a_level_counts_the_acts_a_party_answers_for_in_both_judges(tmp_path):
    from doha_compliance.reference.levels import reference_series
    level = RULES + """\
  - id: rockets.level
    party: lebanon
    title: No rocket fire at all
    source: item 2
    basis: public_text
    kind: level
    when: {type: rocket_fire, actor: lebanon}
    period: month
    baseline: 0
    limit: {at_most_value: 0}
"""
    agreement = dc.load_rules(folder(tmp_path, rules=level.replace("actor: lebanon, target: israel}",
                                                                   "actor: israel, target: lebanon}")))
    # (no target: only the level's own condition can let these rows past the pre-filter)
    # December 2024 (the first whole month after signature): hezbollah's two rockets in the south count as
    # lebanon's (2 > 0: violation); the one in beirut does not (outside the bond's where)
    rows = [ev("h1", "2024-12-02", "rocket_fire", "hezbollah", province="south"),
            ev("h2", "2024-12-09", "rocket_fire", "hezbollah", province="south"),
            ev("h3", "2024-12-10", "rocket_fire", "hezbollah", province="beirut")]
    assert_prefilter_hides_nothing(agreement, rows)
    events = validated_events(agreement, rows)
    report = dc.evaluate(agreement, events, as_of=D("2025-01-05"))
    assert [(r.period, r.status, r.value) for r in report.series if r.period == "2024-12"] == [
        ("2024-12", "violation", 2)]
    ((known, periods),) = reference_series(agreement, events, D("2025-01-05")).values()
    assert [(p[0], p[1], p[2]) for p in periods if p[0] == "2024-12"] == [("2024-12", "violation", 2)]


# Found by the whole-language matching law once the generators drew `prevent` rules (issue 25): a duty
# to prevent whose `scope` reads a field no other condition of the rule set reads (here `target`). The
# pipeline's matchers are shown only the fields rules read, and a prevent rule's `scope` was not counted
# among them (`Rule.conditions` listed its `when` alone): the act lost its target, failed the scope, and
# the duty was "not assessed". The reference read the event whole. §5.16.4: `when` *and* `scope` name the
# acts to prevent — the reference was right.
SCOPED_PREVENT = """\
rules:
  - id: prevent.scoped
    party: lebanon
    title: Prevent fire at Israel
    source: item 3
    basis: public_text
    kind: prevent
    when: {type: rocket_fire, actor: unknown}
    scope: {target: israel}
    answered_by: {when: {type: arrest, actor: $party}, within_days: 7}
"""


@pytest.mark.parametrize("engine", ["durable", "python", "reference"])
def test_a_duty_to_prevent_judges_the_acts_its_scope_names(engine, tmp_path):
    """Reasoned by hand, report date 2024-12-20, response window 7 days (the act's day counts):
    u1 (12-02, at israel) is answered by a1 (lebanon's arrest, 12-04, in 12-02..12-09): complied (u1, a1);
    u2 (12-10, at unifil) is outside the scope: no finding; u3 (12-10, at israel) has no arrest in
    12-10..12-17, a window over before 12-20: unresolved (u3)."""
    from conftest import AVAILABLE_ENGINES
    if engine not in AVAILABLE_ENGINES:
        pytest.skip(f"{engine} cannot run here")
    agreement = dc.load_rules(folder(tmp_path, rules=SCOPED_PREVENT))
    rows = [ev("u1", "2024-12-02", "rocket_fire", "unknown", target="israel"),
            ev("a1", "2024-12-04", "arrest", "lebanon"),
            ev("u2", "2024-12-10", "rocket_fire", "unknown", target="unifil"),
            ev("u3", "2024-12-10", "rocket_fire", "unknown", target="israel")]
    events = validated_events(agreement, rows)
    if engine == "reference":
        found = reference_conclusions(agreement, events, D("2024-12-20"))["findings"]
    else:
        found = pipeline_conclusions(dc.evaluate(agreement, events, as_of=D("2024-12-20"), engine=engine))["findings"]
    assert sorted((f["status"], tuple(f["evidence"])) for f in found if f["rule"] == "prevent.scoped") == [
        ("complied", ("u1", "a1")), ("unresolved", ("u3",))]


def test_a_duty_to_prevent_not_yet_in_force_is_still_linked_by_its_own_version(who, tmp_path):
    """§5.6: a finding's links include every rule whose version on the finding's day lists it — for a
    continuing rule only the version in force, for every other kind (a duty to prevent here) the version
    `version_on` gives: in force, else the latest begun, else the first. The duty (in force from 10
    December) lists Lebanon's prohibition; Lebanon's act of 4 December shows it, not yet assessable.
    (Found by the pipeline-vs-reference law: the pipeline treated a duty to prevent like a continuing rule
    and dropped the link before the duty was in force; the reference followed §5.6.)"""
    rules = RULES + """\
  - id: prevent.lebanon
    party: lebanon
    title: Prevent attacks from the south
    source: item 3
    basis: public_text
    kind: prevent
    effective_from: 2024-12-10
    when: {type: [attack, rocket_fire], target: israel}
    answered_by: {when: {type: arrest, actor: $party}, within_days: 2}
    linked: [hostilities.lebanon]
"""
    agreement = dc.load_rules(str(folder(tmp_path, rules=rules)))
    c = conclusions(who, agreement, [ev("l1", "2024-12-04", "attack", "lebanon", target="israel",
                                        province="beirut")], "2024-12-05")
    act = next(f for f in c["findings"] if f["rule"] == "hostilities.lebanon" and f["evidence"] == ["l1"])
    assert act["status"] == "violation"
    assert act["linked"] == [{"rule": "prevent.lebanon", "party": "lebanon", "status": "not_assessed",
                              "since": None}]
