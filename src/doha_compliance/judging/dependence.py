"""Conditional performance (issue 25, commitment-semantics §5.14): a deadline with `depends_on` cannot
be performed while the deadline it depends on is in default by the party named, and its day moves by
the days that default lasted.

The deadline depended on (R) is decided first. Its default *blocks* the dependent (X) when R's day is
on or before X's (a dependent that fell due first defaulted on its own). While R is in default
(its finding a violation or a missed, nothing done by the report date — or R itself prevented), X
not done is `prevented`, citing R's finding; once R is done, X's day moves by the days R was late —
the time the other side's default took from it — and X is judged as usual against that day. A
delay counts until R was done or, if X was done first, until X was: a dependent done while it could
not be required is never late.

Where X and R have several parts and some of X's parts name one of R's (the same place of `places:`
parts, else the same label: "Khiam"), the dependence is part by part: a part whose counterpart is in
default is prevented, the rest are judged as usual; X moves by the longest delay among its parts'
counterparts (one day for all the parts, as the text sets one).
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, FrozenSet, List, Mapping, Optional, Protocol, Sequence, Tuple

import attrs

from doha_compliance.models import Agreement, Finding, Fulfilment, Rule

# R's statuses that keep X from being performed: a default, or R itself prevented (the block passes down
# a chain: what waits on a deadline that cannot be performed cannot be performed either)
BLOCKING = ("violation", "missed", "prevented")


class Decided(Protocol):
    """What a decided deadline (`deadlines.Deadline`) tells its dependants."""

    @property
    def rule(self) -> Rule: ...
    @property
    def finding(self) -> Optional[Finding]: ...
    @property
    def day(self) -> Optional[dt.date]: ...
    @property
    def done(self) -> Optional[dt.date]: ...
    @property
    def parts_done(self) -> Tuple[Optional[dt.date], ...]: ...


@attrs.frozen
class Blocker:
    """What X needs to know of one deadline it depends on, as decided on the report date."""

    finding: str                      # R's finding id
    rule: str
    party: str
    day: dt.date                      # R's day
    done: Optional[dt.date]           # R done on (None: not by the report date)
    status: str                       # R's finding's status
    parts: Tuple[Tuple[Optional[str], Optional[dt.date]], ...]  # R's parts: (label, done on)


@attrs.frozen
class Block:
    """How R's record bears on X: the parts of X that cannot be performed (all of them, without parts),
    the ids of the findings blocking them, since when, and how far X's day moves, and why."""

    prevented: FrozenSet[int] = frozenset()
    blocked_by: Tuple[str, ...] = ()
    since: Optional[dt.date] = None
    per_part: bool = False
    shift: int = 0
    why: str = ""
    said: Tuple[str, ...] = ()  # "R is in default by P (finding id)", for each blocking finding

    def words(self) -> str:
        """"cannot be performed while R is in default by P (finding id)"."""
        return "cannot be performed while " + " and ".join(self.said)


def counterpart_key(part: Fulfilment) -> Optional[str]:
    """What pairs a part with its counterpart: the place of a part made by `places:` (so "LAF deployed:
    khiam" pairs with "Israeli forces out: khiam"), else its label."""
    return part.place or part.label


def order(rule_ids: Sequence[str], agreement: Agreement) -> List[str]:
    """The deadline rule ids with every rule depended on (or starting another) before its dependants,
    otherwise in the order given."""
    depth: Dict[str, int] = {}

    def depth_of(rule_id: str, seen: FrozenSet[str] = frozenset()) -> int:
        if rule_id not in depth:
            first = agreement.versions(rule_id)[0]
            sources = [d.rule for d in first.depends_on] + (list(first.starts_when.rules) if first.starts_when
                                                            else [])
            sources += [first.due_from.rule] if first.due_from else []  # issue 26: the step it follows
            depth[rule_id] = max((1 + depth_of(s, seen | {rule_id}) for s in sources
                                  if s not in seen and s != rule_id and agreement.versions(s)), default=0)
        return depth[rule_id]

    index = {r: i for i, r in enumerate(rule_ids)}
    return sorted(rule_ids, key=lambda r: (depth_of(r), index[r]))


def blockers(agreement: Agreement, rule: Rule, decided: Mapping[Tuple[str, str], Decided]) -> List[Blocker]:
    """The decided deadlines `rule` depends on that have a finding with a day (the others block nothing:
    one not assessed, not started or with no date is never in default)."""
    out = []
    for dep in rule.depends_on:
        party = dep.owing(agreement.rules)
        d = decided.get((dep.rule, party))
        if d is None or d.finding is None or d.day is None or d.finding.status == "not_triggered":
            continue
        labels = [counterpart_key(f) for f in d.rule.fulfilments]
        out.append(Blocker(d.finding.id, dep.rule, party, d.day, d.done, d.finding.status,
                           tuple(zip(labels, d.parts_done))))
    return out


def block(rule: Rule, day: Optional[dt.date], blockers: Sequence[Blocker], done: Optional[dt.date],
          parts_done: Sequence[Optional[dt.date]]) -> Block:
    """How the deadlines X depends on bear on X, whose text's day is `day` (None: an undertaking), done on
    `done` (None: not by the report date), each part on `parts_done`."""
    prevented: set[int] = set()
    blocked_by: List[str] = []
    said: List[str] = []
    since: Optional[dt.date] = None
    shift, why, per_part = 0, "", False
    every = frozenset(range(len(rule.fulfilments)))
    for b in blockers:
        in_default = b.status in BLOCKING
        if day is not None and b.day > day:
            continue  # X fell due first: its default is its own
        theirs = {label: at for label, at in b.parts if label}
        pairs = {i: theirs[key] for i, f in enumerate(rule.fulfilments)
                 if (key := counterpart_key(f)) and key in theirs}
        if len(rule.fulfilments) > 1 and len(b.parts) > 1 and pairs:
            per_part = True
            ends: Dict[int, Optional[dt.date]] = {
                i: at if at is not None else (parts_done[i] if i < len(parts_done) else None)
                for i, at in pairs.items()}
            stopped = {i for i, at in pairs.items() if at is None and in_default and ends[i] is None}
        else:
            end = b.done if b.done is not None else done
            ends = {i: end for i in every}
            stopped = set(every) if in_default and end is None else set()
        if stopped:
            prevented |= stopped
            blocked_by.append(b.finding)
            said.append(f"{b.rule} is in default by {b.party} ({b.finding})" if b.status != "prevented"
                        else f"{b.rule}, owed by {b.party}, is itself prevented ({b.finding})")
            since = b.day if since is None or b.day < since else since
        late = max(((end - b.day).days for end in ends.values() if end is not None), default=0)
        if late > shift:
            shift = late
            days = f"{late} day{'' if late == 1 else 's'}"
            why = f"{b.rule} by {b.party}, due {b.day}, was in default {days} ({b.finding})"
    return Block(frozenset(prevented), tuple(blocked_by), since, per_part, shift, why, tuple(said))


def moved(day: Optional[dt.date], blocked: Block) -> Tuple[Optional[dt.date], str]:
    """X's day moved by the delay, and the note its reason carries."""
    if day is None or blocked.shift <= 0:
        return day, ""
    new = day + dt.timedelta(days=blocked.shift)
    return new, (f" (moved from {day} to {new}: it depends on {blocked.why}; the clock runs again from the day "
                 "it was met)")
