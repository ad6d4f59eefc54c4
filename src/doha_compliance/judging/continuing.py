"""Continuing commitments kept: `complied`, only where something covers them (issue 24).

A prohibition (or a conditional permission) is owed every day. The absence of a recorded breach
is evidence only over days a source declares it records such acts systematically (a curated list
of salient events is no count), or a monitor states the party complied. So each version and party
gets one `complied` finding per maximal span of covered days with no violation, unresolved or
missed act in it (`coverage` says which days are covered and by what), dated the span's last day;
a unit with no such span and no default is listed instead: "no breach in the record; the record
is not systematic for these acts".

Memory: per unit, counts per day of bad acts and justified acts, in compact arrays (8 bytes a day
with any, not an object per event).
"""
from __future__ import annotations

import bisect
import datetime as dt
from array import array
from typing import Dict, Iterator, List, Optional, Sequence

import attrs

from doha_compliance.matching.matches import Unit
from doha_compliance.models import Agreement, Finding, NotAssessed, Rule, SourceCoverage
from doha_compliance.rules.kinds import kind_of

from . import coverage
from .coverage import Statement
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
    bad_days: DayCounts = attrs.field(factory=DayCounts)        # its violation, unresolved and missed acts
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
        if f.status in BAD:
            rec.bad_days.add(f.date.toordinal(), 1)
            if rec.first_bad is None or f.date < rec.first_bad:
                rec.first_bad = f.date
        if f.status in ("violation", "missed") and (rec.first_violation is None or f.date < rec.first_violation):
            rec.first_violation = f.date
        if f.status == "unresolved" and (rec.first_unresolved is None or f.date < rec.first_unresolved):
            rec.first_unresolved = f.date
        if f.status == "justified":
            rec.justified_days.add(f.date.toordinal(), 1)


@attrs.frozen
class Period:
    start: dt.date
    end: dt.date


def period(rule: Rule, start: Optional[dt.date], as_of: dt.date) -> Optional[Period]:
    """The days a version speaks for: in force, started, up to the report date."""
    if start is None:
        return None
    begin = max(rule.effective_from, start)
    end = min(rule.effective_until or as_of, as_of)
    return Period(begin, end) if begin <= end else None


def _count(days: DayCounts, a: dt.date, b: dt.date) -> int:
    return days.between(a.toordinal(), b.toordinal())


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _source_words(s: SourceCoverage) -> str:
    area = f"in {_and(list(s.provinces))}" if s.provinces else "everywhere"
    lethal = f" (lethal events only: {s.min_fatalities}+ deaths)" if s.min_fatalities else ""
    return (f"{s.source}, which records {_and(list(s.types))} systematically{lethal} {area} from {s.start} "
            f"to {s.end} (declared by {s.declared_by})")


@attrs.frozen
class Decided:
    """What `decide` concludes: the `complied` findings, the units listed instead, the statements
    those findings cite, and each unit's first complied day (for links)."""

    findings: List[Finding]
    not_assessed: List[NotAssessed]
    cited: List[str]
    complied_since: Dict[Unit, dt.date]


def decide(agreement: Agreement, continuing: Continuing, triggers: Triggers, as_of: dt.date,
           sources: Sequence[SourceCoverage], statements: Sequence[Statement]) -> Decided:
    """`complied` findings over the spans a declared source or a monitor's statement covers, split at
    the unit's bad acts; units with none and no default are listed as not systematic (§5.5)."""
    findings: List[Finding] = []
    not_assessed: List[NotAssessed] = []
    cited: List[str] = []
    since: Dict[Unit, dt.date] = {}
    for rule in agreement.rules:
        if not kind_of(rule).continuing or rule.effective_from > as_of:
            continue
        types, provinces = coverage.acts_of(agreement, rule), coverage.provinces_of(rule)
        covering = [s for s in sources if coverage.covers(s, types, provinces)]
        for party in rule.parties:
            start = triggers.start(rule, party)
            if rule.starts_when and (start is None or start > as_of):
                continue  # one not_triggered finding per rule and party is made elsewhere
            rec = continuing.units.get((rule.version, party), UnitRecord())
            end = triggers.end(rule, party)  # issue 26: a commitment that ended speaks for no day after
            p = period(rule, start, as_of if end is None else min(as_of, end))
            if p is None:
                continue
            whole = (p.start, p.end)
            bad = [dt.date.fromordinal(d) for d in rec.bad_days]
            spans = [c for s in covering if (c := coverage.clipped((s.start, s.end), whole)) is not None]
            stated, disputed = [], []
            for st in statements:
                if st.rule != rule.id or st.party != party:
                    continue
                c = coverage.clipped((st.start, st.end), whole)
                if c is None:
                    continue
                breach = next((d for d in sorted(bad) if c[0] <= d <= c[1]), None)
                if breach is None:
                    stated.append((st, c))
                else:
                    disputed.append(f"{st.monitor}'s statement of compliance from {c[0]} to {c[1]} ({st.event}) "
                                    f"is disputed by the act found on {breach} (a violation, or an act the input cannot "
                                    "settle)")
            spans += [c for _, c in stated]
            kept = coverage.split(coverage.merged(spans), bad)
            for a, b in kept:
                used = [s for s in covering if s.start <= b and a <= s.end]
                says = [(st, c) for st, c in stated if c[0] <= b and a <= c[1]]
                lethal = "lethal " if used and all(s.min_fatalities for s in used) and not says else ""
                recorded = f" in {'; and in '.join(_source_words(s) for s in used)}" if used else ""
                parts = [f"no {lethal}breach recorded from {a} to {b}{recorded}"]
                parts += [f"{st.monitor} states that {party} complied from {c[0]} to {c[1]} ({st.event})"
                          for st, c in says]
                justified = _count(rec.justified_days, a, b)
                also = f"; {plural(justified, 'act')} in that span {'was' if justified == 1 else 'were'} justified" \
                    if justified else ""
                evidence = tuple(sorted({st.event for st, _ in says}))
                cited.extend(evidence)
                # a contested reading's version (`<version>~<reading>`, rules/readings.py) is named as its primary
                # version is, so a reading's complied span lines up with the primary reading's
                named = rule.version.split("~", 1)[0]
                anchor = f"complied-{a}" if named == rule.id else f"complied-{named}-{a}"
                findings.append(Finding(
                    rule=rule.id, version=rule.version, party=party, status="complied", date=b, evidence=evidence,
                    anchor=anchor, span_start=a,
                    reason=f"{rule.title}: {'; '.join(parts)}{also}."))
            if kept:
                first = kept[0][0]
                unit = (rule.id, party)
                since[unit] = min(since.get(unit, first), first)
            elif rec.first_violation is None:
                where = f" in {_and(list(provinces))}" if provinces else ""
                why = (f"no breach in the record from {p.start} to {p.end}; the record is not systematic for these "
                       f"acts (no source declares coverage of {_and(list(types))}{where})")
                if spans:
                    why = (f"no breach in the record from {p.start} to {p.end}, but every day a source or monitor "
                           "covers holds an unresolved act")
                not_assessed.append(NotAssessed(rule.id, rule.version, party, "; ".join([why] + disputed) + "."))
    return Decided(findings, not_assessed, cited, since)
