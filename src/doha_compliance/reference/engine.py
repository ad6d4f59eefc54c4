"""A plain-Python evaluator, small enough to be obviously right, used as an oracle.

It reads the same rules as the durable_rules engine but with nested loops and
no state management; tests check that both produce the same `Matches`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping, Sequence

from doha_compliance.matching.matches import (
    Matches,
    first_effective,
    match_window,
    units,
)
from doha_compliance.models import UNKNOWN, Agreement, Event, slot_version, trigger_slots
from doha_compliance.rules import conditions

from .places import near


def _bound(cond: Mapping[str, Any], party: str) -> conditions.Node:
    """A rule's condition as a tree, ``$party`` named."""
    return conditions.bind(conditions.parse(cond), party)


def _getter(event: Event) -> Callable[[str], Any]:
    return event.get


def reference_matches(agreement: Agreement, events: Sequence[Event]) -> Matches:
    """Events must already exclude anything after the report date."""
    out = Matches()
    for rule, party in units(agreement):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        in_window = [e for e in events if e.date >= start and (end is None or e.date <= end)]
        for slot, when in trigger_slots(rule):  # issue 26: each event form of starts_when / ends_when
            tcond = _bound(when, party)
            first = first_effective(agreement, rule)
            for e in events:
                if e.date >= first and conditions.holds(tcond, _getter(e)):
                    out.add_trigger((slot_version(rule.version, slot), party), e)
        if rule.traits.deadline:
            for part, fulfilment in enumerate(rule.fulfilments):
                cond = _bound(fulfilment.when, party)
                for e in in_window:
                    if conditions.holds(cond, _getter(e)):
                        out.add_fulfil((rule.version, party, part), e)
                if fulfilment.bears_on is not None:
                    bears = _bound(fulfilment.bears_on, party)
                    for e in events:
                        if conditions.holds(bears, _getter(e)):
                            out.add_bearing((rule.version, party, part), e)
            if rule.covered_by is None:
                out.covered[unit] = dt.date.max
            else:
                covering = _bound(rule.covered_by, party)
                for e in events:
                    if conditions.holds(covering, _getter(e)):
                        out.add_covered(unit, e)
            continue
        if rule.traits.through_claims:
            continue
        if rule.answered_by is not None:  # issue 25: a duty to prevent's responses (any date)
            responses = _bound(rule.answered_by.when, party)
            for e in events:
                if conditions.holds(responses, _getter(e)):
                    out.add_fulfil((rule.version, party, 0), e)
        acts = rule.acts_to_prevent if rule.traits.prevents else rule.acts_for(party)
        cond = _bound(rule.when if rule.traits.claim else acts, party)
        for e in in_window:
            if not conditions.holds(cond, _getter(e)):
                continue
            if rule.traits.claim and not e.get(rule.accused_field):
                continue
            out.add_hit(unit, e)
            if rule.traits.justifiable:
                jb = rule.justified_by
                assert jb is not None
                jcond = _bound(jb.when, party)
                for j in events:
                    if j.id == e.id or not (e.date - dt.timedelta(days=jb.within_days) <= j.date <= e.date):
                        continue
                    if not conditions.holds(jcond, _getter(j)):
                        continue
                    if jb.within_km is not None and not near(e, j, jb.within_km):  # issue 25
                        continue
                    if not all(e.get(f) not in (None, "") and j.get(f) not in (None, "")
                               and str(e.get(f)) == str(j.get(f)) for f in jb.same):
                        continue
                    # issue 25: aimed at the justifier's actor (one nobody claimed never qualifies) ...
                    if jb.answers == "actor" and (j.actor == UNKNOWN or not e.target or e.target != j.actor):
                        continue
                    # ... and, the same day, not after the act when both give a time of day
                    if j.date == e.date and e.extra.get("time") and j.extra.get("time") \
                            and j.extra["time"] > e.extra["time"]:
                        continue
                    out.add_justification(unit, e.id, j)
    return out
