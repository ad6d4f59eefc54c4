"""What covers a continuing commitment (issue 24): the declared sources, and monitors' statements.

Silence is not compliance. A prohibition is `complied` only over days on which some source
declares it records the prohibited acts systematically (the types, the province, the period), or
on which a monitor states the party complied; the rest of its time in force is "no breach in
the record" and says nothing either way. This module answers, for one rule version and party,
which days are covered and by what; `continuing` turns those days into findings.

Days are kept as (first, last) spans of ordinals, merged; nothing here grows with the events.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

import attrs

from doha_compliance.models import Agreement, Event, Rule, SourceCoverage

Span = Tuple[dt.date, dt.date]
STATES_COMPLIED = "complied"


@attrs.frozen
class Statement:
    """A monitor's statement that a party complied with a rule over a span (an event with `states`)."""

    event: str
    date: dt.date
    monitor: str
    rule: str
    party: str
    start: dt.date
    end: dt.date


def statement_of(agreement: Agreement, event: Event) -> Optional[Statement]:
    """The statement an event makes, if it is one that counts: by a monitor the agreement lists, naming
    a rule and the accused party, with `states: complied` and its span (checked at intake). A party's
    word about itself, or anyone's who is not a monitor, is not evidence of compliance."""
    extra = event.extra
    if not extra or extra.get("states") != STATES_COMPLIED or event.actor not in agreement.monitors:
        return None
    if not event.rule or not event.accused:
        return None
    start, end = _day(extra.get("states_from")), _day(extra.get("states_to"))
    if start is None or end is None:
        return None
    return Statement(event.id, event.date, event.actor, event.rule, event.accused, start, min(end, event.date))


def _day(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _named(condition: Optional[Mapping[str, Any]], field: str) -> Optional[Tuple[str, ...]]:
    """The values a condition names for a field at its top level (`field: x` or `field: [x, y]`)."""
    if not condition:
        return None
    value = condition.get(field)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def acts_of(agreement: Agreement, rule: Rule) -> Tuple[str, ...]:
    """The event types a source must record for its silence to speak for the rule: what `covered_by`
    names, else what `when` names, at top level; a rule naming no type needs every type of the
    agreement (DECISION: nothing narrower can be read from it)."""
    named = _named(rule.covered_by, "type") if rule.covered_by else None
    named = named or _named(rule.when, "type")
    return tuple(sorted(set(named))) if named else tuple(sorted(agreement.event_types))


def provinces_of(rule: Rule) -> Tuple[str, ...]:
    """The provinces a rule is limited to (its `scope`, else its `when`, naming `province`); none: everywhere."""
    named = _named(rule.scope, "province") or _named(rule.when, "province")
    return tuple(sorted(set(named))) if named else ()


def covers(source: SourceCoverage, types: Sequence[str], provinces: Sequence[str]) -> bool:
    """Whether a source records every act the rule judges: all its types, in all its area."""
    if not set(types) <= set(source.types):
        return False
    if not source.provinces:
        return True
    return bool(provinces) and set(provinces) <= set(source.provinces)


def merged(spans: Iterable[Span]) -> List[Span]:
    """Spans of days, merged where they overlap or touch."""
    out: List[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + dt.timedelta(days=1):
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def split(spans: Iterable[Span], bad_days: Sequence[dt.date]) -> List[Span]:
    """The spans with every day of a bad act taken out: the maximal sub-spans with none."""
    out: List[Span] = []
    bad = sorted(set(bad_days))
    for a, b in spans:
        start = a
        for day in bad:
            if day < start or day > b:
                continue
            if start < day:
                out.append((start, day - dt.timedelta(days=1)))
            start = day + dt.timedelta(days=1)
        if start <= b:
            out.append((start, b))
    return out


def clipped(span: Span, within: Span) -> Optional[Span]:
    a, b = max(span[0], within[0]), min(span[1], within[1])
    return (a, b) if a <= b else None
