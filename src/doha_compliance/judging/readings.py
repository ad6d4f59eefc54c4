"""Contested readings, judged: the agreement judged again under each alternative reading, and each
finding of the primary reading told its status under the others where it differs.

Why the whole agreement again: a reading changes more than its own rule's acts — a claim about a
strike is corroborated or not, a deadline that starts on another rule's fulfilment starts another
day, who defaulted first moves. So each alternative reading is the agreement with its rules read
its way (`under`), judged by its own `Judge`, from the same matches: the matcher runs once over the
agreement with every reading's versions added (`matched`), and each day's matches are handed to
every judge, each taking the units of its own versions. The alternative readings' findings never
reach the report's findings, tables or scores: they only annotate the primary reading's findings
(`Finding.readings`) and the who-defaulted-first groups (`DefaultGroup.readings`).

Issue 27: judged again only where it can reach. Each alternative judge is handed only the units of the
rules its reading can change, what reads them and what they read (reach.py, which argues the closure),
and borrows every other rule's findings and deadlines from the primary judge, which finishes first: the
same conclusions, with everything after matching done once more for a reading's reach, not the whole.

A finding is set beside its counterpart under a reading by what it is about: an act (or claim) by
its event, a deadline by its unit and version (rule, party, the primary version judging it: one
finding each, whatever its due date; issue 25: a lapse re-opened by an amendment is another), a finding
about a continuing commitment as a whole by its anchor (`complied`, `not-triggered`, a period).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import attrs

from doha_compliance._util.fast import replacer
from doha_compliance._util.spool import findings_of_rules_or_anchored, findings_spool
from doha_compliance.matching.matches import Matches
from doha_compliance.models import NO_FINDING, Agreement, Claim, Event, Finding, Reading, ReadingStatus, SourceCoverage
from doha_compliance.rules import answers
from doha_compliance.rules.kinds import kind_of

from .judge import Borrowed, Coverage, Judge, Judged
from .links import DefaultGroup, ReadingOrder
from .reach import reach_of

SEPARATOR = "~"  # a reading's version is `<version>~<reading id>` (rules/readings.py)
_with_readings = replacer(Finding, "readings")  # attrs.evolve(f, readings=...) at a third of its cost
Key = Tuple[str, ...]


def matched(agreement: Agreement) -> Agreement:
    """The agreement the matcher runs: its rules and every alternative reading's versions."""
    extra = tuple(v for reading in agreement.readings for v in reading.versions)
    return attrs.evolve(agreement, rules=agreement.rules + extra) if extra else agreement


def under(agreement: Agreement, reading: Reading) -> Agreement:
    """The agreement read one alternative way: the reading's rules replaced by its versions."""
    kept = tuple(r for r in agreement.rules if r.id not in reading.changes)
    return attrs.evolve(agreement, rules=kept + reading.versions, readings=(), primary_readings={})


def _key(f: Finding, deadline_rules: Set[str]) -> Key:
    """What a finding is about, the same under every reading."""
    if f.rule in deadline_rules and f.status != "alleged":  # a claim naming a deadline is about its claim
        # issue 25 (§5.15): a unit may hold several deadlines, one per version judging one; the
        # reading's version of the same primary version is the counterpart
        return (f.rule, f.party, "deadline", f.version.split(SEPARATOR, 1)[0])
    if f.anchor is not None:  # a reading's version names its anchor: complied-<version>~<reading>
        anchor = f.anchor.split(SEPARATOR, 1)[0]
        return (f.rule, f.party, "whole", "complied" if anchor == f"complied-{f.rule}" else anchor)
    return (f.rule, f.party, "act", f.evidence[0] if f.evidence else f.date.isoformat())


# The tables of `Matches` keyed by unit (or part): those handed on a day at a time, and those that run
# to the end of the stream (read at `finish`).
_DAY_TABLES = ("hits", "justifications", "fulfils", "justifier_counts", "triggers", "unclaimed",
               "unclaimed_counts")
_STREAM_TABLES = ("covered", "bearing")


def _version(name: str) -> str:
    """The version a match table's key names: a trigger slot's key is `<version>#<slot>` (issue 26,
    `models.slot_version`)."""
    return name.split("#", 1)[0]


def _split(matches: Matches, versions: Set[str], with_covered: bool,
           weighed: Optional[Callable[[str, Event], bool]] = None) -> Matches:
    """The part of the day's matches that falls to one judge: its versions' units, copied; of a claim
    rule's units, the claims `weighed(version, claim)` keeps (None: every one)."""
    def mine(table: Dict[Any, Any]) -> Dict[Any, Any]:
        return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
                for k, v in table.items() if _version(k[0]) in versions}
    out = Matches()
    for name in _DAY_TABLES + (_STREAM_TABLES if with_covered else ()):
        setattr(out, name, mine(getattr(matches, name)))
    if weighed is not None:
        for unit, events in out.hits.items():
            out.hits[unit] = [e for e in events if weighed(unit[0], e)]
    return out


def _weighing(agreement: Agreement, reached: FrozenSet[str]) -> Callable[[str, Event], bool]:
    """Which claims can be weighed otherwise under a reading that reaches `reached` (reach.py): one naming
    no rule (weighed on every rule's findings), a reached rule, acts (`about`: weighed on every finding
    about them), or a rule its accused does not owe (held against the claim rule: looked up, so weighed
    again). A claim naming an unreached rule its accused owes is weighed on that rule's findings and
    deadline alone: the same under the reading (and `_status` says so when its claim is absent)."""
    claim_rules = {r.version: r for r in agreement.rules if kind_of(r).claim}

    def weighed(version: str, e: Event) -> bool:
        rule = claim_rules.get(version)
        if rule is None or not e.rule or e.rule in reached or e.about:
            return True
        accused = str(e.get(rule.accused_field))
        held, _ = answers.answerer(agreement, accused, str(e.rule))
        return not any(held in r.parties for r in agreement.versions(str(e.rule)))
    return weighed


class ReadingJudges:
    """The primary reading's `Judge` and one per alternative reading, fed the same matches."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.matching = matched(agreement)
        self.primary = Judge(agreement)
        self.others = [(reading, Judge(under(agreement, reading))) for reading in agreement.readings]
        # issue 27: each alternative judge judges only the rules its reading can reach and what they read
        # (reach.py), the claim rules (every claim is weighed again), and borrows the rest from the primary
        self.reaches = [reach_of(agreement, reading) for reading in agreement.readings]
        self._judged: List[Optional[FrozenSet[str]]] = []
        for (_, judge), reach in zip(self.others, self.reaches):
            ids = {r.id for r in judge.agreement.rules}
            judged = reach.needed | {r.id for r in judge.agreement.rules if kind_of(r).claim}
            self._judged.append(None if reach.whole or judged >= ids else frozenset(judged))
        self._versions = [{r.version for r in judge.agreement.rules if judged is None or r.id in judged}
                          for judged, (_, judge) in zip(self._judged, self.others)]
        self._weighed = [None if judged is None else _weighing(judge.agreement, reach.reach)
                         for judged, reach, (_, judge) in zip(self._judged, self.reaches, self.others)]
        self._extra = {v.version for reading in agreement.readings for v in reading.versions}

    def saw_day(self, day: dt.date) -> None:
        self.primary.saw_day(day)
        for _, judge in self.others:
            judge.saw_day(day)

    def saw(self, event: Event) -> None:
        self.primary.saw(event)
        for _, judge in self.others:
            judge.saw(event)

    def take(self, matches: Matches) -> None:
        for versions, weighed, (_, judge) in zip(self._versions, self._weighed, self.others):
            judge.take(_split(matches, versions, with_covered=False, weighed=weighed))
        self.primary.take(matches)
        self._drop_extra(matches)

    def _read_by_claims(self, judged: FrozenSet[str]) -> Tuple[Set[str], Set[str]]:
        """Which findings of the rules an alternative judge did not judge its claims pass can read: those
        of the parties accused by a claim naming no rule (weighed on every rule's findings: the accused,
        and whoever answers for it), and those about the acts a claim names (`about`). Every other claim
        it weighs reads a judged rule's findings, or none (claims.assess); who defaulted first is lent
        apart (`Borrowed.first_defaults`)."""
        parties: Set[str] = set()
        acts: Set[str] = set()
        for index, e in self.primary.claim_events():
            if e.about:
                acts.update(e.about)
            if not e.rule:
                accused = str(e.get(self.agreement.rules[index].accused_field))
                parties.update((accused, answers.answerer(self.agreement, accused, None)[0]))
        return parties, acts

    def _drop_extra(self, matches: Matches, names: Tuple[str, ...] = _DAY_TABLES) -> None:
        """What only the alternative readings' versions matched: theirs, taken above."""
        for name in names:
            table: Dict[Any, Any] = getattr(matches, name)
            for k in [k for k in table if _version(k[0]) in self._extra]:
                del table[k]

    def finish(self, matches: Matches, as_of: dt.date, coverage: Coverage = (None, None),
               known: Callable[[str], bool] = lambda event_id: True,
               sources: Sequence[SourceCoverage] = ()) -> Judged:
        splits = [_split(matches, versions, with_covered=True, weighed=weighed)
                  for versions, weighed in zip(self._versions, self._weighed)]
        self._drop_extra(matches, _DAY_TABLES + _STREAM_TABLES)
        # the primary first: it lends each alternative judge the findings of the rules that judge left alone
        lent = [None if judged is None else findings_spool() for judged in self._judged]
        lending = [(judged, spool) for judged, spool in zip(self._judged, lent)
                   if judged is not None and spool is not None]

        read: List[Tuple[Set[str], Set[str]]] = []  # per lending reading: (parties, acts) its claims read

        def lend(f: Finding) -> None:
            if not read:
                read.extend(self._read_by_claims(judged_) for judged_, _ in lending)
            for (judged_, spool), (parties, acts) in zip(lending, read):
                if f.rule not in judged_ and (f.party in parties or f.act_by in parties
                                              or (f.evidence and f.evidence[0] in acts)):
                    spool.append(f)
        judged = self.primary.finish(matches, as_of, coverage, known=known, sources=sources,
                                     lend=lend if lending else None)
        others = []
        for split, judged_ids, lent_spool, (reading, judge) in zip(splits, self._judged, lent, self.others):
            borrow = None
            if judged_ids is not None and lent_spool is not None:
                borrow = Borrowed(judged_ids, lent_spool.finish(), self.primary.decided, self.primary.first_defaults)
            try:
                others.append((reading, judge.finish(split, as_of, coverage, known=known, sources=sources,
                                                     borrow=borrow)))
            finally:
                if lent_spool is not None:
                    lent_spool.close()
        deadline_rules = {r.id for r in self.agreement.rules if kind_of(r).deadline}
        primary_not_assessed = {(n.rule, n.party): n.reason for n in judged.not_assessed}
        tables = [(reading, _Table(j, deadline_rules) if ruled is None else
                   _Table(j, deadline_rules, reach.reach, (ruled, primary_not_assessed)))
                  for (reading, j), ruled, reach in zip(others, self._judged, self.reaches)]
        findings = findings_spool(_annotated(judged.findings, tables)).finish()
        judged.findings.close()
        defaults = tuple(_orders(group, others) for group in judged.defaults)
        for _, j in others:
            for spool in (j.findings, j.claims, j.events):
                spool.close()
        return attrs.evolve(judged, findings=findings, defaults=defaults)


class _OutOfOrder(Exception):
    """Findings or claims not in date order: the window cannot be used (never seen; a fallback)."""


class _DayWindow:
    """One day's items of a date-ordered sequence, by key, moving forward with the primary findings:
    memory holds one day, not the stream (a reading's findings are as many as the primary's)."""

    def __init__(self, items: Iterable[Any], key: Callable[[Any], Any], date: Callable[[Any], dt.date]):
        self._items, self._key, self._date = iter(items), key, date
        self._next = next(self._items, None)
        self._day: Optional[dt.date] = None
        self._found: Dict[Any, Any] = {}

    def get(self, day: dt.date, key: Any) -> Any:
        if self._day is None or day > self._day:
            self._found = {}
            while self._next is not None and self._date(self._next) <= day:
                item, self._next = self._next, next(self._items, None)
                if self._next is not None and self._date(self._next) < self._date(item):
                    raise _OutOfOrder
                if self._date(item) == day:
                    self._found[self._key(item)] = item
            self._day = day
        elif day < self._day:
            raise _OutOfOrder
        return self._found.get(key)


class _Table:
    """One alternative reading's conclusions, looked up by what each is about: its deadline findings
    (one per unit) and what it did not assess in memory; its other findings and its claims a day at a
    time, in step with the primary findings (both in date order)."""

    def __init__(self, judged: Judged, deadline_rules: Set[str], reached: Optional[FrozenSet[str]] = None,
                 lent: Optional[Tuple[FrozenSet[str], Dict[Tuple[str, str], str]]] = None):
        self.judged, self.deadline_rules = judged, deadline_rules
        self.reached = reached  # the rules the reading can reach (None: every rule; reach.py)
        few = list(findings_of_rules_or_anchored(judged.findings, deadline_rules))  # one read, few rebuilt
        self.deadlines = {_key(f, deadline_rules): f for f in few if f.rule in deadline_rules and f.status != "alleged"}
        # findings about a commitment as a whole (complied spans, not triggered): few, and a span's
        # counterpart may end on another day than the primary's, so they are looked up by key alone
        self.wholes = {_key(f, deadline_rules): f for f in few
                       if f.anchor is not None and not (f.rule in deadline_rules and f.status != "alleged")}
        self.not_assessed = {(n.rule, n.party): n.reason for n in judged.not_assessed}
        if lent is not None:  # what it did not assess, of the rules it judged; of any other, the primary's
            ruled, primary = lent
            self.not_assessed = {k: why for k, why in self.not_assessed.items() if k[0] in ruled}
            self.not_assessed.update((k, why) for k, why in primary.items() if k[0] not in ruled)
        self.restart(windowed=True)

    def restart(self, windowed: bool) -> None:
        """Windows over the findings and claims; or, when they are not in date order, whole tables."""
        key: Callable[[Finding], Any] = lambda f: _key(f, self.deadline_rules)  # noqa: E731
        if windowed:
            self._findings = _DayWindow(self.judged.findings, key, lambda f: f.date)
            self._claims = _DayWindow(self.judged.claims, lambda c: c.event, lambda c: c.date)
            self._whole: Optional[Tuple[Dict[Any, Finding], Dict[str, Claim]]] = None
        else:
            self._whole = ({key(f): f for f in self.judged.findings}, {c.event: c for c in self.judged.claims})

    def finding(self, f: Finding) -> Optional[Finding]:
        key = _key(f, self.deadline_rules)
        if key in self.deadlines or (f.rule in self.deadline_rules and f.status != "alleged"):
            return self.deadlines.get(key)
        if f.anchor is not None:
            return self.wholes.get(key)
        if self._whole is not None:
            return self._whole[0].get(key)
        try:
            return self._findings.get(f.date, key)  # type: ignore[no-any-return]
        except _OutOfOrder:
            self.restart(windowed=False)
            return self.finding(f)

    def claim(self, f: Finding) -> Optional[Claim]:
        """The claim behind an allegation (dated the claim's day), as this reading weighed it."""
        if self._whole is not None:
            return self._whole[1].get(f.evidence[0])
        try:
            return self._claims.get(f.date, f.evidence[0])  # type: ignore[no-any-return]
        except _OutOfOrder:
            self.restart(windowed=False)
            return self.claim(f)


def _annotated(findings: Any, tables: List[Tuple[Reading, _Table]]) -> Iterator[Finding]:
    for f in findings:
        found = [s for s in (_status(f, reading, table) for reading, table in tables) if s is not None]
        yield _with_readings(f, tuple(found)) if found else f


def _status(f: Finding, reading: Reading, table: _Table) -> Optional[ReadingStatus]:
    """The finding's status under one reading, if it differs; None if the same. A finding of a rule the
    reading cannot reach (an allegation aside: claims weigh every rule's findings) is the same by
    construction (reach.py): its counterpart is the primary's own, lent."""
    if table.reached is not None and f.rule not in table.reached and f.status != "alleged":
        return None
    other = table.finding(f)
    if other is not None:
        same_span = f.status != "complied" or (other.span_start, other.date) == (f.span_start, f.date)
        if other.status == f.status and same_span:
            return None
        return ReadingStatus(reading.id, other.status, other.reason)  # a status, or a complied span cut short
    if (f.status == "alleged" and f.evidence and table.reached is not None and f.rule not in table.reached
            and table.claim(f) is None):
        return None  # a claim naming an unreached rule, not weighed again: the same (`_weighing`)
    if (f.rule, f.party) in table.not_assessed:
        why = table.not_assessed[(f.rule, f.party)]
        return ReadingStatus(reading.id, NO_FINDING, f"not assessed under this reading: {why}")
    claim = table.claim(f) if f.status == "alleged" and f.evidence else None
    if claim is not None:
        return ReadingStatus(reading.id, NO_FINDING, f"no allegation under this reading: the claim is "
                                                     f"{claim.assessment} ({claim.reason})")
    if f.status == "complied":
        return ReadingStatus(reading.id, NO_FINDING, "not complied under this reading: its acts include a "
                                                     "violation, a missed act or an unresolved one (see them)")
    return ReadingStatus(reading.id, NO_FINDING, "no such finding under this reading")


def _orders(group: DefaultGroup, others: List[Tuple[Reading, Judged]]) -> DefaultGroup:
    """Who defaulted first under each alternative reading, beside the primary order: for a group
    holding one of the reading's rules always (the same order said in one line), else where it differs."""
    orders = []
    for reading, judged in others:
        theirs = next((g for g in judged.defaults if g.rules == group.rules), None)
        if theirs is None:
            continue
        same = theirs.parties == group.parties
        if same and not set(group.rules) & set(reading.changes):
            continue
        orders.append(ReadingOrder(reading.id, same, () if same else theirs.parties))
    return attrs.evolve(group, readings=tuple(orders)) if orders else group


def judge_for(agreement: Agreement) -> "Judge | ReadingJudges":
    """A `Judge`, or with alternative readings the judges of every reading."""
    return ReadingJudges(agreement) if agreement.readings else Judge(agreement)


__all__ = ["ReadingJudges", "judge_for", "matched", "under"]
