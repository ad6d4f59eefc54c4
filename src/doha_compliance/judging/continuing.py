"""Continuing commitments kept: `complied`.

A prohibition (or a conditional permission) is owed every day. When the input shows no
violation of it, that is evidence too — but only over the days the input covers, and only if
the input bears on it at all: a file of troop levels says nothing about attacks on cities. So a
commitment gets one `complied` finding per version and party when, over the period P where the
version was in force, had started, and the input has events (its coverage), some event matches
what covers the rule (`covered_by`, or an event of a type its `when` names) and no act was a
violation, unresolved or missed. Otherwise, if the unit has no finding at all, it is listed as
not assessed: silence is not compliance.

Memory: per unit, a count of covering events and of justified acts per day, in two compact
arrays (8 bytes a day with any, not an object per event).
"""
from __future__ import annotations

import bisect
import datetime as dt
from array import array
from typing import Dict, Iterator, List, Optional, Tuple

import attrs

from doha_compliance.matching.matches import Unit
from doha_compliance.models import Agreement, Finding, NotAssessed, Rule
from doha_compliance.rules.kinds import kind_of

from .deadlines import plural
from .triggers import Triggers

BAD = ("violation", "unresolved", "missed")


class DayCounts:
    """How many events on each day, for days that come in date order (as the stream does): two arrays
    of day numbers and counts, so the memory follows the days with events, not the events."""

    __slots__ = ("days", "counts")

    def __init__(self) -> None:
        self.days = array("l")
        self.counts = array("l")

    def add(self, day: int, n: int) -> None:
        if self.days and self.days[-1] == day:
            self.counts[-1] += n
        elif not self.days or self.days[-1] < day:
            self.days.append(day)
            self.counts.append(n)
        else:  # out of date order (the reference hands over a whole stream at once): keep it sorted
            i = bisect.bisect_left(self.days, day)
            if i < len(self.days) and self.days[i] == day:
                self.counts[i] += n
            else:
                self.days.insert(i, day)
                self.counts.insert(i, n)

    def between(self, lo: int, hi: int) -> int:
        """Events from day `lo` to day `hi`, both included."""
        i, j = bisect.bisect_left(self.days, lo), bisect.bisect_right(self.days, hi)
        return sum(self.counts[i:j])

    def __iter__(self) -> Iterator[int]:
        return iter(self.days)


@attrs.define
class UnitRecord:
    """What the stream showed of one continuing unit."""

    first_bad: Optional[dt.date] = None          # its first violation, unresolved or missed act
    first_violation: Optional[dt.date] = None    # its first violation or missed act (a default)
    first_unresolved: Optional[dt.date] = None   # its first act left unresolved
    findings: int = 0
    cover_days: DayCounts = attrs.field(factory=DayCounts)      # covering events by day number
    justified_days: DayCounts = attrs.field(factory=DayCounts)  # justified acts by day number


class Continuing:
    """Collects, as the stream advances, what `complied` needs to know about each continuing unit."""

    def __init__(self) -> None:
        self.units: Dict[Unit, UnitRecord] = {}

    def record(self, unit: Unit) -> UnitRecord:
        found = self.units.get(unit)
        if found is None:
            found = self.units[unit] = UnitRecord()
        return found

    def saw_finding(self, unit: Unit, f: Finding) -> None:
        rec = self.record(unit)
        rec.findings += 1
        if f.status in BAD and (rec.first_bad is None or f.date < rec.first_bad):
            rec.first_bad = f.date
        if f.status in ("violation", "missed") and (rec.first_violation is None or f.date < rec.first_violation):
            rec.first_violation = f.date
        if f.status == "unresolved" and (rec.first_unresolved is None or f.date < rec.first_unresolved):
            rec.first_unresolved = f.date
        if f.status == "justified":
            rec.justified_days.add(f.date.toordinal(), 1)

    def saw_cover(self, unit: Unit, day: dt.date, n: int) -> None:
        self.record(unit).cover_days.add(day.toordinal(), n)


@attrs.frozen
class Period:
    start: dt.date
    end: dt.date


def period(rule: Rule, start: Optional[dt.date], as_of: dt.date,
           coverage: Tuple[Optional[dt.date], Optional[dt.date]]) -> Optional[Period]:
    """The days a version speaks for: in force, started, up to the report date, within the input."""
    first, last = coverage
    if start is None or first is None or last is None:
        return None
    begin = max(rule.effective_from, start, first)
    end = min(rule.effective_until or as_of, as_of, last)
    return Period(begin, end) if begin <= end else None


def _count(days: DayCounts, p: Period) -> int:
    return days.between(p.start.toordinal(), p.end.toordinal())


def decide(agreement: Agreement, continuing: Continuing, triggers: Triggers, as_of: dt.date,
           coverage: Tuple[Optional[dt.date], Optional[dt.date]]) -> Tuple[List[Finding], List[NotAssessed]]:
    """`complied` findings, and continuing units the input cannot speak for (not triggered ones aside)."""
    findings: List[Finding] = []
    not_assessed: List[NotAssessed] = []
    for rule in agreement.rules:
        if not kind_of(rule).continuing or rule.effective_from > as_of:
            continue
        for party in rule.parties:
            start = triggers.start(rule, party)
            if rule.starts_when and (start is None or start > as_of):
                continue  # one not_triggered finding per rule and party is made elsewhere
            rec = continuing.units.get((rule.version, party), UnitRecord())
            p = period(rule, start, as_of, coverage)
            covering = _count(rec.cover_days, p) if p else 0
            if p is not None and covering and rec.first_bad is None:
                justified = _count(rec.justified_days, p)
                also = f"; {plural(justified, 'act')} in that period {'was' if justified == 1 else 'were'} justified" \
                    if justified else ""
                findings.append(Finding(
                    rule=rule.id, version=rule.version, party=party, status="complied", date=p.end, evidence=(),
                    anchor="complied" if rule.version == rule.id else f"complied-{rule.version}",
                    reason=(f"{rule.title}: no violation among the {plural(covering, 'event')} in the input that bear on "
                            f"it from {p.start} to {p.end}{also}.")))
            elif rec.findings == 0:
                span = f"{rule.effective_from} to {rule.effective_until or as_of}"
                why = ("no event in the input bears on it (nothing matches its covered_by) in its time in force "
                       f"({span})") if p else f"the input has no events in its time in force ({span})"
                not_assessed.append(NotAssessed(rule.id, rule.version, party, why + "."))
    return findings, not_assessed
