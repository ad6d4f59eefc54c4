"""A plain-Python evaluator, small enough to be obviously right, used as an oracle.

It reads the same rules as the durable_rules engine but with nested loops and
no state management; tests check that both produce the same `Matches`.
"""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from doha_compliance.matching.matches import (
    Matches,
    covers_continuing,
    first_effective,
    match_window,
    units,
)
from doha_compliance.models import Agreement, Event
from doha_compliance.rules import conditions


def _getter(event: Event):
    return event.get


def reference_matches(agreement: Agreement, events: Sequence[Event]) -> Matches:
    """Events must already exclude anything after the report date."""
    out = Matches()
    for rule, party in units(agreement):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        in_window = [e for e in events if e.date >= start and (end is None or e.date <= end)]
        if rule.starts_when and rule.starts_when.when:
            tcond = conditions.substitute_party(rule.starts_when.when, party)
            first = first_effective(agreement, rule)
            for e in events:
                if e.date >= first and conditions.matches(tcond, _getter(e)):
                    out.add_trigger(unit, e)
        if rule.traits.deadline:
            for part, fulfilment in enumerate(rule.fulfilments):
                cond = conditions.substitute_party(fulfilment.when, party)
                for e in in_window:
                    if conditions.matches(cond, _getter(e)):
                        out.add_fulfil((rule.version, party, part), e)
            if rule.covered_by is None:
                out.covered[unit] = dt.date.max
            else:
                covering = conditions.substitute_party(rule.covered_by, party)
                for e in events:
                    if conditions.matches(covering, _getter(e)):
                        out.add_covered(unit, e)
            continue
        if rule.traits.through_claims:
            continue
        if covers_continuing(rule):
            cover = conditions.substitute_party(rule.coverage_condition or {}, party)
            for e in in_window:
                if conditions.matches(cover, _getter(e)):
                    out.add_cover(unit, e)
        cond = conditions.substitute_party(rule.when if rule.traits.claim else rule.act_condition, party)
        for e in in_window:
            if not conditions.matches(cond, _getter(e)):
                continue
            if rule.traits.claim and not e.get(rule.accused_field):
                continue
            out.add_hit(unit, e)
            if rule.traits.justifiable:
                jb = rule.justified_by
                assert jb is not None
                jcond = conditions.substitute_party(jb.when, party)
                for j in events:
                    if j.id == e.id or not (e.date - dt.timedelta(days=jb.within_days) <= j.date <= e.date):
                        continue
                    if not conditions.matches(jcond, _getter(j)):
                        continue
                    if all(e.get(f) not in (None, "") and j.get(f) not in (None, "") and str(e.get(f)) == str(j.get(f))
                           for f in jb.same):
                        out.add_justification(unit, e.id, j)
    return out
