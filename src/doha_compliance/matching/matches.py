"""What both evaluators produce: which events each rule version matched.

The durable_rules engine and the plain-Python reference both fill a `Matches`;
`judge.Judge` turns it into findings. Comparing two `Matches` is how the reference
checks the engine.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Set, Tuple

import attrs

from doha_compliance.models import Agreement, Event, Rule, attributed

Unit = Tuple[str, str]  # (rule version, party)
Part = Tuple[str, str, int]  # (rule version, party, index of the fulfilment part)
MAX_JUSTIFIERS = 3  # an act cites its latest justifying events, not every one in its window


@attrs.define
class Matches:
    """What the matcher found, by unit: acts (`hits`) and their justifiers, events fulfilling each part of
    a deadline, the deadlines the input bears on (`covered`), events triggering one. (Continuing commitments
    kept no covering events: `complied` rests on declared coverage, judging/continuing.py.)"""

    hits: Dict[Unit, List[Event]] = attrs.field(factory=dict)
    # (version, party, act id) -> {justifier id: justifier event}, the latest MAX_JUSTIFIERS only
    justifications: Dict[Tuple[str, str, str], Dict[str, Event]] = attrs.field(factory=dict)
    fulfils: Dict[Part, List[Event]] = attrs.field(factory=dict)
    # deadline units some event bears on: the latest such event's date (date.max for a unit judged
    # whatever the input holds); a deadline is assessed only if one falls on or after its start
    covered: Dict[Unit, dt.date] = attrs.field(factory=dict)
    justifier_counts: Dict[Tuple[str, str, str], int] = attrs.field(factory=dict)
    triggers: Dict[Unit, List[Event]] = attrs.field(factory=dict)  # events matching a unit's starts_when
    # issue 24: justifying events nobody claimed (actor unknown) answer no act; kept apart, the latest
    # MAX_JUSTIFIERS and their count, so an act they alone would answer is told (unresolved, naming them)
    unclaimed: Dict[Tuple[str, str, str], Dict[str, Event]] = attrs.field(factory=dict)
    unclaimed_counts: Dict[Tuple[str, str, str], int] = attrs.field(factory=dict)
    # parts of several-part deadlines some event bears on (its `bears_on`): the latest such event's date
    bearing: Dict[Part, dt.date] = attrs.field(factory=dict)
    _seen: Set[Tuple[str, Tuple[Any, ...], str]] = attrs.field(factory=set)

    # A rule with `any:` alternatives can fire once per alternative an event satisfies
    # (durable_rules compiles $or into branches): each event counts once per unit.
    def new_day(self) -> None:
        """Duplicates come from one fact firing several `any:` branches in its own batch: a day's
        memory of them is enough, and keeps it from growing with the stream (the engine forgets
        them after each chunk of a day too: a duplicate is one event's own)."""
        self._seen.clear()

    def add_hit(self, unit: Unit, event: Event) -> None:
        if ("h", unit, event.id) not in self._seen:
            self._seen.add(("h", unit, event.id))
            self.hits.setdefault(unit, []).append(event)

    def add_fulfil(self, part: Part, event: Event) -> None:
        if ("f", part, event.id) not in self._seen:
            self._seen.add(("f", part, event.id))
            self.fulfils.setdefault(part, []).append(event)

    def add_covered(self, unit: Unit, event: Event) -> None:
        if unit not in self.covered or self.covered[unit] < event.date:
            self.covered[unit] = event.date

    def add_bearing(self, part: Part, event: Event) -> None:
        if part not in self.bearing or self.bearing[part] < event.date:
            self.bearing[part] = event.date

    def add_trigger(self, unit: Unit, event: Event) -> None:
        if ("t", unit, event.id) not in self._seen:
            self._seen.add(("t", unit, event.id))
            self.triggers.setdefault(unit, []).append(event)

    def add_justification(self, unit: Unit, act: str, justifier: Event) -> None:
        """Keep the latest MAX_JUSTIFIERS justifying events of an act (by date, then id), and how many
        there were. Called once per (act, justifier) pair (the reference's loops; the engine looks its
        windows up and fills `justifications` and `justifier_counts` itself)."""
        key = (unit[0], unit[1], act)
        kept = (self.justifications if attributed(justifier) else self.unclaimed).setdefault(key, {})
        counts = self.justifier_counts if attributed(justifier) else self.unclaimed_counts
        counts[key] = counts.get(key, 0) + 1
        kept[justifier.id] = justifier
        if len(kept) > MAX_JUSTIFIERS:  # drop the oldest: memory stays bounded per act
            del kept[min(kept.values(), key=lambda e: e.sort_key).id]

    def canonical(self) -> Dict[str, Any]:
        """Order-free form for comparing two evaluators."""
        return {
            "hits": {k: sorted(e.id for e in v) for k, v in sorted(self.hits.items()) if v},
            "justifications": {k: sorted(v) for k, v in sorted(self.justifications.items()) if v},
            "justifier_counts": dict(sorted(self.justifier_counts.items())),
            "unclaimed": {k: sorted(v) for k, v in sorted(self.unclaimed.items()) if v},
            "unclaimed_counts": dict(sorted(self.unclaimed_counts.items())),
            "fulfils": {k: sorted(e.id for e in v) for k, v in sorted(self.fulfils.items()) if v},
            "covered": sorted(self.covered.items()),
            "triggers": {k: sorted(e.id for e in v) for k, v in sorted(self.triggers.items()) if v},
            "bearing": sorted(self.bearing.items()),
        }


def units(agreement: Agreement) -> List[Tuple[Rule, str]]:
    """Every (rule version, party) pair: the grain at which rules are matched and judged."""
    return [(rule, party) for rule in agreement.rules for party in rule.parties]


def first_effective(agreement: Agreement, rule: Rule) -> dt.date:
    return min(r.effective_from for r in agreement.versions(rule.id))


def match_window(agreement: Agreement, rule: Rule) -> Tuple[dt.date, dt.date | None]:
    """Dates of events a version may match. Deadlines count evidence from their first version on."""
    if rule.traits.deadline:
        return first_effective(agreement, rule), None
    if rule.traits.series:  # issue 15: its baseline span and whole periods (levels.py)
        from doha_compliance.rules.kinds.level import match_window as level_window
        return level_window(rule)
    return rule.effective_from, rule.effective_until
