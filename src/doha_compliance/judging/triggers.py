"""When a commitment starts.

Many commitments do not run from the signature: the Doha agreement's sanctions reviews begin
"with the start of intra-Afghan negotiations", its follow-on prisoner releases run "over the
course of the subsequent three months". A rule's `starts_when` names what starts it — another
rule's fulfilment, or the first event matching a condition — and until that happens the
commitment is `not_triggered`: neither pending nor broken.

Triggers are learnt as the stream advances (events come in date order), so an act is judged
only if its commitment had started by the act's date. Rule triggers point at deadline rules
and form no circle (`rules check` refuses one), so a day's deadlines are advanced in `order()`:
a commitment completed today starts its dependants today.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from doha_compliance.matching.matches import Unit, first_effective
from doha_compliance.models import Agreement, Rule, Trigger, slot_version
from doha_compliance.rules.kinds import kind_of


class Triggers:
    """Trigger dates learnt so far: first matching event per unit, first fulfilment per rule."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self._event: Dict[Unit, dt.date] = {}
        self._fulfilled: Dict[str, dt.date] = {}
        self._fulfilled_by: Dict[Tuple[str, str], dt.date] = {}  # issue 26: (rule, party) -> its first fulfilment
        self._owing: Dict[str, Set[str]] = {}
        for r in agreement.rules:
            self._owing.setdefault(r.id, set()).update(r.parties)

    def saw(self, unit: Unit, day: dt.date) -> None:
        """An event matching the unit's `starts_when.when` on `day`."""
        if unit not in self._event or day < self._event[unit]:
            self._event[unit] = day

    def fulfilled(self, rule_id: str, day: dt.date, party: Optional[str] = None) -> None:
        """A unit of rule `rule_id` (`party`'s) was fulfilled (met or met late) on `day`."""
        if rule_id not in self._fulfilled or day < self._fulfilled[rule_id]:
            self._fulfilled[rule_id] = day
        known = self._fulfilled_by.get((rule_id, party or ""))
        if party is not None and (known is None or day < known):
            self._fulfilled_by[(rule_id, party)] = day

    def fulfilled_by(self, rule_id: str, party: str) -> Optional[dt.date]:
        """The day `party` first fulfilled rule `rule_id` (None: not yet)."""
        return self._fulfilled_by.get((rule_id, party))

    def per_party(self, source: str, party: str) -> bool:
        """DECISION (issue 26, §5.17): a `{rule: R}` trigger starts a party's commitment on its own
        fulfilment of R when it owes R too (each side's step its own); else on anyone's first."""
        return party in self._owing.get(source, set())

    def trigger(self, rule: Rule, party: str) -> Optional[dt.date]:
        """The day what starts the unit happened (None: not yet; a rule without `starts_when` has none)."""
        return None if rule.starts_when is None else self._happened(rule, party, rule.starts_when, "s")

    def end(self, rule: Rule, party: str) -> Optional[dt.date]:
        """Issue 26 (§5.17): the day the unit's `ends_when` happened (None: not yet, or no `ends_when`); the
        commitment holds on that day and ends after it."""
        return None if rule.ends_when is None else self._happened(rule, party, rule.ends_when, "e")

    def ended_before(self, rule: Rule, party: str, day: dt.date) -> bool:
        end = self.end(rule, party)
        return end is not None and end < day

    def _happened(self, rule: Rule, party: str, trigger: Trigger, prefix: str) -> Optional[dt.date]:
        """The day a trigger happened: a rule form on that rule's fulfilment (the party's own where it owes
        it), an event form on its first matching event; `all` on the last of its forms, `any` the first."""
        plain = prefix == "s" and not (trigger.all_of or trigger.any_of)
        days = []
        for i, leaf in enumerate(trigger.leaves):
            if leaf.rule and leaf.party:  # issue 26: a stated party's fulfilment
                days.append(self.fulfilled_by(leaf.rule, leaf.party))
            elif leaf.rule:
                days.append(self.fulfilled_by(leaf.rule, party) if self.per_party(leaf.rule, party)
                            else self._fulfilled.get(leaf.rule))
            else:
                days.append(self._event.get((slot_version(rule.version, "" if plain else f"{prefix}{i}"), party)))
        known = [d for d in days if d is not None]
        if trigger.any_of:
            return min(known) if known else None
        return max(known) if known and len(known) == len(days) else None

    def start(self, rule: Rule, party: str) -> Optional[dt.date]:
        """The day the unit's commitment started, or None while it has not: the later of its trigger and
        the day its first version takes effect (a talks deadline met before a rule is in force starts
        nothing before that rule's first day)."""
        if rule.starts_when is None:
            return first_effective(self.agreement, rule) if kind_of(rule).deadline else rule.effective_from
        t = self.trigger(rule, party)
        return None if t is None else max(t, first_effective(self.agreement, rule))

    def started_by(self, rule: Rule, party: str, day: dt.date) -> bool:
        start = self.start(rule, party)
        return start is not None and start <= day

    def why_not(self, rule: Rule, party: str, as_of: dt.date) -> str:
        """Why a commitment has not started by the report date, in words."""
        first = first_effective(self.agreement, rule)
        sw = rule.starts_when
        if first > as_of:
            t = self.trigger(rule, party)
            then = ("" if sw is None else f"; its trigger ({sw.describe()}) came on {t}" if t is not None and t <= as_of
                    else f"; from then it starts {sw.describe()}")
            return f"it takes effect on {first}, after the report date {as_of}{then}"
        assert sw is not None
        if sw.all_of or sw.any_of:
            return f"it starts {sw.describe()}; not so in the input as of {as_of}"
        if sw.rule and sw.party:
            return f"it starts when {sw.rule} is fulfilled by {sw.party}, which it is not in the input as of {as_of}"
        if sw.rule and self.per_party(sw.rule, party):
            return f"it starts when {sw.rule} is fulfilled by {party}, which it is not in the input as of {as_of}"
        if sw.rule:
            return f"it starts when {sw.rule} is fulfilled, which it is not in the input as of {as_of}"
        return f"it starts at the first event matching its starts_when condition; none in the input as of {as_of}"


def order(agreement: Agreement) -> List[Rule]:
    """Deadline rule versions, every trigger source before the rules it starts."""
    deadlines = [r for r in agreement.rules if kind_of(r).deadline]
    depth: Dict[str, int] = {}

    def depth_of(rule_id: str, seen: FrozenSet[str] = frozenset()) -> int:
        if rule_id not in depth:
            rule = agreement.versions(rule_id)[0]
            sources = list(rule.starts_when.rules) if rule.starts_when else []
            sources += [rule.due_from.rule] if rule.due_from else []  # issue 26: the step it follows
            depth[rule_id] = max((1 + depth_of(s, seen | {rule_id}) for s in sources
                                  if s not in seen and agreement.versions(s)), default=0)
        return depth[rule_id]

    return sorted(deadlines, key=lambda r: (depth_of(r.id), r.id, r.effective_from))
