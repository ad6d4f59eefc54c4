"""Where an alternative reading can reach: the rules whose conclusions may differ under it, and the rules
a judge of those rules needs (issue 27): `readings.ReadingJudges` judges each alternative reading there only.

Why: `ReadingJudges` judges the whole agreement again under each alternative reading, so everything after
matching is done once per reading (three times for rules/doha). Under a reading R only the rules R changes,
and what depends on them, can judge differently. This module says which, from the rules alone:

- `reach`: R's changed rules, closed over the rules that read them —
  * a trigger (`starts_when`, `ends_when`, every leaf of `all_of`/`any_of`): the start or end moves;
  * `depends_on` (§5.14): a blocker's default moves a deadline's day;
  * `due: {from: R}` (§5.17): the clock starts on another fulfilment;
  * the same act (§5.10): a breach's reason names the other rules the same fact (party, first evidence
    event) breaches, acts beside the acts of their day and deadlines beside deadlines — so a prohibited
    or conditional rule owed by a party a reached one is owed by is reached too, and likewise a deadline
    beside a reached deadline (a reason may change when the status does not, and a differing status is
    shown with its reason).
  A rule outside `reach` judges every act, deadline and span as under the primary reading: its inputs
  (its own matches, its triggers, blockers and clocks) are the primary's.
- `needed`: `reach` and every rule it reads (the same references, forward): a judge of `reach` must judge
  its triggers, blockers and clocks too. Their findings are the primary's.
- `claims`: the agreement has claim rules and `reach` is not empty. A claim naming a rule is weighed on that
  rule's findings (and its deadline), but a claim naming none on every rule's findings for its accused,
  and a monitor's report settles any act it names: so the claims pass under R needs every finding, the
  primary's standing in for the rules outside `reach`.
- `linked`: the link components (links.groups) holding a reached rule: who defaulted first in such a group
  is the first default over all its rules, so the group's order under R needs the primary's first default
  of each rule outside `reach`.

How `ReadingJudges` uses it: an alternative reading's judge is handed the matches of `needed` and of the
claim rules only, and weighs again only the claims that can change (naming no rule, a reached rule, acts,
or a rule its accused does not owe). The primary judge, finishing first, lends it what a judge of the
whole agreement under the reading would have found for every other rule, since nothing they read changed
(`judge.Borrowed`): the findings its claims can read (of the parties a claim naming no rule accuses, and
about the acts a claim names), the decided deadlines, what it did not assess, and each linked rule's
first default (who defaulted first is the earliest over a whole link component: links need no edge here).
`readings._status` looks a finding up only when its rule is reached or it is an allegation whose claim was
weighed again: any other is the same by construction. When `needed` holds every rule, the reading is
judged whole, as before.

A note on the lent findings: a claim's status under a reading can only differ through a reached finding
(a lent one is as in the primary reading), and an allegation is annotated only when that status does; so
lending them is needed for the alternative claims pass to be the whole judge's, not for any output seen
today (breaking it on purpose fails no test) — kept, so that what the alternative judge concludes stays
exactly what judging the whole agreement would.

What it does not save: the deadlines, continuing spans and the claims pass of the needed rules are still
decided once per reading, and every reading re-reads its judge's findings to annotate the primary's.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, Set, Tuple

import attrs

from doha_compliance.models import Agreement, Reading, Rule
from doha_compliance.rules.kinds import kind_of

from .links import groups


@attrs.frozen
class Reach:
    reach: FrozenSet[str]  # rule ids whose conclusions may differ under the reading
    needed: FrozenSet[str]  # rule ids a judge of `reach` must judge (reach and what it reads)
    claims: bool  # the claims pass may weigh a reached finding: it needs every finding
    linked: FrozenSet[str]  # rules of the link components holding a reached rule (default groups)
    whole: bool  # every rule is reached: nothing to save


def references(rule: Rule) -> Set[str]:
    """The rules whose outcome this rule's own judging reads: triggers, blockers, the clock's start."""
    out: Set[str] = set()
    for trigger in (rule.starts_when, rule.ends_when):
        if trigger is not None:
            out.update(leaf.rule for leaf in trigger.leaves if leaf.rule)
    out.update(d.rule for d in rule.depends_on)
    if rule.due_from is not None:
        out.add(rule.due_from.rule)
    return out


def _same_act_group(rule: Rule) -> str:
    """Which findings a rule's breaches are set beside (§5.10, judge._same_act): acts beside the acts of
    their day ("act"), deadlines beside the deadlines ("deadline"); "" for neither."""
    kind = kind_of(rule)
    if kind.claim:
        return ""
    return "act" if kind.continuing else "deadline" if kind.deadline else ""


def reach_of(agreement: Agreement, reading: Reading) -> Reach:
    """Where `reading` (one of `agreement.readings`) can change a conclusion, and what judging it needs."""
    rules: List[Rule] = list(agreement.rules) + list(reading.versions)  # the references of both readings
    ids = {r.id for r in rules}
    reads: Dict[str, Set[str]] = {}
    owed: Dict[str, Set[Tuple[str, str]]] = {}  # rule id -> (same-act group, party) it may breach as
    for r in rules:
        reads.setdefault(r.id, set()).update(references(r))
        group = _same_act_group(r)
        if group:
            owed.setdefault(r.id, set()).update((group, p) for p in r.parties)
    reached: Set[str] = set(reading.changes)
    todo = list(reached)
    while todo:
        todo.pop()
        for rule_id in sorted(ids - reached):
            if reads.get(rule_id, set()) & reached or any(owed.get(rule_id, set()) & owed.get(other, set())
                                                           for other in reached):
                reached.add(rule_id)
                todo.append(rule_id)
    needed = set(reached)
    todo = list(needed)
    while todo:
        for other in reads.get(todo.pop(), set()):
            if other not in needed:
                needed.add(other)
                todo.append(other)
    claims = bool(reached) and any(kind_of(r).claim for r in rules)
    linked = {rule_id for group in groups(agreement) if set(group) & reached for rule_id in group}
    return Reach(frozenset(reached), frozenset(needed), claims, frozenset(linked), whole=reached >= ids)


def reaches(agreement: Agreement) -> Iterable[Reach]:
    """Each alternative reading's reach, in the agreement's order of readings."""
    return [reach_of(agreement, reading) for reading in agreement.readings]


__all__ = ["Reach", "reach_of", "reaches", "references"]
