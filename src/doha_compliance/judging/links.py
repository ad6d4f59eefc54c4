"""Linked commitments, and who defaulted first.

The Doha agreement's parts are "interrelated": the US withdrawal comes "with the commitment and
action on the obligations" of the Taliban, and the prisoner releases and the talks were set for
the same day. A verdict on one side is unfair without the other side's record beside it. Rules
name what the text links (`linked`, symmetric); every finding then carries, for each linked
commitment and each party owing it, that commitment's status ON THE FINDING'S DATE (the report
date for a pending deadline dated after it: the input says nothing later) and since when — a
missed talks deadline shows the unfinished prisoner exchange beside it.

The "who defaulted first" view groups linked commitments (connected components of the links)
and gives, for each party owing one of them, its first default (`violation` or `missed`), in
date order: the question both sides' advocates ask first.

A unit's status on a day is told from what was decided on the report date (`History`), so the
links say what the input shows by then, never what happened later.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import attrs

from doha_compliance._util.spool import PACK_FINDING, Packed, attrs_repacker
from doha_compliance.models import Agreement, Finding, Link, Rule
from doha_compliance.rules.kinds import Kind, kind_of

from .continuing import Continuing
from .deadlines import Deadline
from .triggers import Triggers

DEFAULTS = ("violation", "missed")
# A finding with its links, who performs it, its modality and the claims that cite it, packed for the
# findings spool (set_claims): never built only to be packed
_annotated_packed = attrs_repacker(Finding, "linked", "performed_by", "modality", "claims")


@attrs.frozen
class History:
    """Enough of a commitment's record (one rule, one party) to tell its status on any day."""

    kind: Kind                                  # the rule's: a deadline, continuing or judged through claims
    start: Optional[dt.date] = None             # when it started (None: not triggered)
    day: Optional[dt.date] = None               # deadline day (None: no date set)
    done: Optional[dt.date] = None              # deadline completed on
    breach: str = "violation"                   # what a missed deadline is called
    assessed: bool = True
    first_default: Optional[dt.date] = None     # continuing: its first violation
    first_unresolved: Optional[dt.date] = None  # continuing: its first act left unresolved
    complied_since: Optional[dt.date] = None    # continuing: the start of a covered period
    prevented_since: Optional[dt.date] = None   # issue 25: a deadline prevented on the report date, since when
    unverified: bool = False                    # deadline: unresolved past its day, declared, not verified (§5.12)

    def on(self, day: dt.date, as_of: dt.date) -> Tuple[str, Optional[dt.date]]:
        """(status, since when) at the END of `day` (never after the report date `as_of`): a deadline
        falling due that day and not met by then has been missed, so a default dated on a deadline shows
        the linked deadlines of that day too — unless the report is as of that very day, when the
        deadline's own finding still says pending (the day is not over in the input)."""
        if self.start is not None and day < self.start:  # before it started, whatever the input says after
            return "not_triggered", None
        if not self.assessed:
            return "not_assessed", None
        if self.start is None:
            return "not_triggered", None
        if self.kind.deadline:
            if self.done is not None and self.done <= day and (self.day is None or self.done <= self.day):
                return "met", self.done
            if self.prevented_since is not None and day >= self.prevented_since:
                return "prevented", self.prevented_since
            if self.day is None or day < self.day or as_of <= self.day:
                return "pending", self.start
            return ("unresolved" if self.unverified else self.breach), self.day
        if self.kind.continuing:
            if self.first_default is not None and self.first_default <= day:
                return self.breach, self.first_default
            if self.first_unresolved is not None and self.first_unresolved <= day:
                return "unresolved", self.first_unresolved
            if self.complied_since is not None and self.complied_since <= day:
                return "complied", self.complied_since
            return "not_assessed", None
        return "not_assessed", None


def deadline_history(d: Deadline) -> History:
    return History(kind_of(d.rule), start=d.start, day=d.day, done=d.done, breach=d.rule.breach,
                   assessed=d.not_assessed is None, prevented_since=d.prevented_since,
                   unverified=d.finding is not None and d.finding.status == "unresolved")


def linked_ids(agreement: Agreement, rule: Rule) -> List[str]:
    """Every rule linked to this version, either way (what it lists, and every rule listing it)."""
    ids = set(rule.linked) | {r.id for r in agreement.rules if rule.id in r.linked}
    ids.discard(rule.id)
    return sorted(ids)


def groups(agreement: Agreement) -> List[Tuple[str, ...]]:
    """Linked commitments: the connected components of the link graph (rules with a link only)."""
    edges: Dict[str, Set[str]] = {}
    for r in agreement.rules:
        for other in r.linked:
            edges.setdefault(r.id, set()).add(other)
            edges.setdefault(other, set()).add(r.id)
    seen: Set[str] = set()
    out = []
    for start in sorted(edges):
        if start in seen:
            continue
        component, todo = set(), [start]
        while todo:
            rule_id = todo.pop()
            if rule_id not in component:
                component.add(rule_id)
                todo.extend(edges[rule_id] - component)
        seen |= component
        out.append(tuple(sorted(component)))
    return out


class Linker:
    """Annotates findings with their linked commitments' status, and keeps each party's first default."""

    def __init__(self, agreement: Agreement, histories: Dict[Tuple[str, str], History], as_of: dt.date):
        self.agreement = agreement
        self.histories = histories
        self.as_of = as_of
        self._versions = {r.version: r for r in agreement.rules}
        self._group_of = {rule_id: g for g in groups(agreement) for rule_id in g}
        self._first: Dict[Tuple[Tuple[str, ...], str], Finding] = {}
        # issue 27: each linked rule's first default by party (readings.py lends the primary's)
        self.first_by_rule: Dict[Tuple[str, str], Finding] = {}
        self._day: Optional[dt.date] = None
        self._cache: Dict[str, Tuple[Link, ...]] = {}
        self._listing: Dict[str, List[str]] = {}  # rule id -> the rules some version of which lists it
        for r in agreement.rules:
            for other in r.linked:
                if r.id not in self._listing.setdefault(other, []):
                    self._listing[other].append(r.id)

    def _linked_ids(self, rule: Rule, day: dt.date) -> List[str]:
        """What the rule's version lists, and every rule whose version on that day lists it (§5.6): for a
        continuing rule the version in force (none: no link); for every other kind (a deadline, a rule
        judged through claims, a duty to prevent, a level) the version `Agreement.version_on` that day
        gives — in force, else the latest begun, else the first (DECISION (versions))."""
        ids = set(rule.linked)
        for other_id in self._listing.get(rule.id, ()):  # only rules some version of which lists it
            versions = self.agreement.versions(other_id)
            if kind_of(versions[0]).continuing:
                on_day = [r for r in versions if r.in_force(day)]
            else:
                on_day = [self.agreement.version_on(other_id, day)]
            if any(rule.id in r.linked for r in on_day):
                ids.add(other_id)
        ids.discard(rule.id)
        return sorted(ids)

    def links(self, version: str, day: dt.date) -> Tuple[Link, ...]:
        if day != self._day:  # findings come in date order: one day's answers are enough to keep
            self._day, self._cache = day, {}
        found = self._cache.get(version)
        if found is None:
            rule = self._versions[version]
            out = []
            for rule_id in self._linked_ids(rule, day):
                parties = sorted({p for r in self.agreement.versions(rule_id) for p in r.parties})
                for party in parties:
                    history = self.histories.get((rule_id, party))
                    status, since = history.on(min(day, self.as_of), self.as_of) if history else ("not_assessed", None)
                    out.append(Link(rule_id, party, status, since))
            found = self._cache[version] = tuple(out)
        return found

    def annotate_packed(self, f: Finding, claims: Optional[Tuple[str, ...]]) -> Packed:
        """The finding with its links, its modality, who performs it and `claims` (the claims citing it;
        None: its own), packed for the findings spool; noted if it is a first default. The claims pass
        writes every finding out this way: building each only to pack it cost as much as the rest of
        its annotation."""
        rule = self._versions[f.version]
        packed = _annotated_packed(f, self.links(f.version, f.date), rule.performed_by, rule.modality,
                                   f.claims if claims is None else claims)
        group = self._group_of.get(f.rule)
        if group is not None and f.status in DEFAULTS and (f.rule, f.party) not in self.first_by_rule:
            # findings come sorted by date, then party, then rule
            first = self.first_by_rule[(f.rule, f.party)] = PACK_FINDING[1](packed)
            if (group, f.party) not in self._first:
                self._first[(group, f.party)] = first
        return packed

    def defaults(self, lent: Optional[Dict[Tuple[str, str], Finding]] = None) -> Tuple["DefaultGroup", ...]:
        """Each group's first default by party; `lent`: the first defaults of rules whose findings this
        linker did not see (readings.py: the primary's, for the rules a reading does not reach)."""
        out = []
        for group in groups(self.agreement):
            owing = sorted({p for rule_id in group for r in self.agreement.versions(rule_id) for p in r.parties})
            if lent:
                for p in owing:
                    found = [f for f in ([self._first[(group, p)]] if (group, p) in self._first else [])]
                    found += [lent[(rule_id, p)] for rule_id in group if (rule_id, p) in lent]
                    if found:
                        self._first[(group, p)] = min(found, key=lambda f: f.sort_key)
            first = [self._first[(group, p)] for p in owing if (group, p) in self._first]
            first.sort(key=lambda f: (f.date, f.party))
            entries = [FirstDefault(f.party, f.date, f.rule, f.id, f.status) for f in first]
            entries += [FirstDefault(p) for p in owing if (group, p) not in self._first]
            out.append(DefaultGroup(group, tuple(entries)))
        return tuple(out)


@attrs.frozen
class FirstDefault:
    party: str
    date: Optional[dt.date] = None
    rule: Optional[str] = None
    finding: Optional[str] = None
    status: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        return {"party": self.party, "date": self.date.isoformat() if self.date else None, "rule": self.rule,
                "finding": self.finding, "status": self.status}


@attrs.frozen
class ReadingOrder:
    """Who defaulted first under an alternative reading: `same` as the primary order, or `parties`."""

    reading: str
    same: bool
    parties: Tuple[FirstDefault, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        return {"reading": self.reading, "same": self.same, "parties": [p.to_dict() for p in self.parties]}


@attrs.frozen
class DefaultGroup:
    """The first default of each party in a group of linked rules, under each rule's primary
    reading; `readings`: the order under each alternative reading (readings.py)."""

    rules: Tuple[str, ...]
    parties: Tuple[FirstDefault, ...]
    readings: Tuple[ReadingOrder, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"rules": list(self.rules), "parties": [p.to_dict() for p in self.parties]}
        if self.readings:
            out["readings"] = [r.to_dict() for r in self.readings]
        return out


def histories(agreement: Agreement, deadlines: Iterable[Deadline], continuing: Continuing, triggers: Triggers,
              as_of: dt.date, complied_since: Dict[Tuple[str, str], dt.date]) -> Dict[Tuple[str, str], History]:
    """Each (rule, party)'s history, from what was decided on the report date (`complied_since`: each
    continuing unit's first complied day)."""
    out: Dict[Tuple[str, str], History] = {}
    for d in deadlines:
        out[(d.rule.id, d.party)] = deadline_history(d)
    for rule_id in agreement.rule_ids():
        versions = agreement.versions(rule_id)
        kind = kind_of(versions[0])
        if not (kind.continuing or kind.through_claims):
            continue
        for party in sorted({p for r in versions for p in r.parties}):
            starts = {r.version: s for r in versions if (s := triggers.start(r, party)) is not None and s <= as_of}
            start = min(starts.values()) if starts else None
            if kind.through_claims:
                out[(rule_id, party)] = History(kind, start=start)
                continue
            defaults, unresolved = [], []
            for r in versions:
                unit = continuing.units.get((r.version, party))
                if unit is None:
                    continue
                if unit.first_violation:
                    defaults.append(unit.first_violation)
                if unit.first_unresolved:
                    unresolved.append(unit.first_unresolved)
            out[(rule_id, party)] = History(kind, start=start, breach=versions[0].breach,
                                            first_default=min(defaults) if defaults else None,
                                            first_unresolved=min(unresolved) if unresolved else None,
                                            complied_since=complied_since.get((rule_id, party)))
    return out
