"""Implementation scores by month, on the Peace Accords Matrix scale, from the findings alone.

PAM scores each commitment's implementation 0–3 (0 not implemented, 1 minimal, 2 intermediate,
3 full), year by year, by hand. Here every commitment and party gets a score for every month from
the signature to the report date, computed from what the report already states — the findings,
what is not assessed, the events the findings cite, the rules and the report date — never from
the input rows: a score is only as defensible as the findings it reads, and an analyst can trace
each one to a finding (`finding`). `TABLE` below is the whole scoring table; the README prints it
(`table_markdown`) and the tests check the README against it.

A score measures implementation, not blame: an aim missed and an obligation violated both leave
a commitment unimplemented (the findings keep the difference). No score (None) is not a zero:
it says the findings cannot tell (not yet due, not triggered, not assessed, unsettled, no data).
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import attrs

from doha_compliance._util.spool import events_with_ids
from doha_compliance.models import Agreement, Event, Finding, NotAssessed, Rule
from doha_compliance.rules import conditions
from doha_compliance.rules.kinds import Kind, kind_of
from doha_compliance.rules.kinds.level import bounds, index_of, label

SCALE = {0: "not implemented, or violated that month", 1: "minimal", 2: "intermediate", 3: "full"}

# What a finding does to the months of its commitment, by kind.
PROGRESS = "progress"        # deadline: the share done by the month's end (see FRACTIONS); nothing done: no score
# ... nothing done after the deadline: 0, and the month it was done late scores by its lateness (LATENESS)
PROGRESS_OR_LATE = "progress, 0 once past due; the month done late by lateness"
ZERO = "0"                   # the month of the act (or period) scores 0
FULL = "3"                   # the month (or period's month) scores 3
UNSETTLED = "no score"       # the month gets no score, unless a 0 applies
NO_EFFECT = "no effect"      # never changes a score
NONE = "no score, any month"

FAMILIES = ("deadline", "continuing", "level")
# status -> (deadline, prohibited or conditional, level); "not assessed" is what `not_assessed` lists.
TABLE: Dict[str, Tuple[str, str, str]] = {
    "violation": (PROGRESS_OR_LATE, ZERO, ZERO),
    "alleged": (NO_EFFECT, NO_EFFECT, NO_EFFECT),
    "justified": (NO_EFFECT, NO_EFFECT, NO_EFFECT),
    "unresolved": (NO_EFFECT, UNSETTLED, UNSETTLED),
    "pending": (PROGRESS, NO_EFFECT, NO_EFFECT),
    "not_triggered": (NONE, NONE, NONE),
    "met": (PROGRESS, FULL, FULL),
    "missed": (PROGRESS_OR_LATE, ZERO, ZERO),
    "complied": (NO_EFFECT, FULL, FULL),
    "prevented": (PROGRESS, NONE, NONE),
    "not assessed": (NONE, NONE, NONE),
}
WHY = {
    "violation": ("a breach leaves the month (or, for a deadline, every month after it until done) unimplemented; "
                  "the month a deadline was done late scores 2 if at most 7 days late, else 1 (never below the "
                  "share done before that day), and 3 from the next month"),
    "alleged": "a claim is not evidence: it never moves a score",
    "justified": "a permitted act: the month keeps its score",
    "unresolved": "the input cannot settle the act, so it cannot settle the month either (a 0 elsewhere in the month still counts)",
    "pending": "not yet due: only what is already done scores (1 or 2 by the share); nothing done is no score, not 0",
    "not_triggered": "the commitment has not started",
    "met": "done: 3 from the month it was done (a ceiling scores by the share of it reached)",
    "missed": "an aim or best effort not achieved is still not implemented (the finding says it is no violation)",
    "complied": "every month a complied span touches scores 3, unless a 0 applies: only a systematic source or a monitor's statement makes one; a month no span touches gets no score",
    "prevented": ("it cannot be performed while the commitment it depends on is in default: like pending, only what "
                  "is already done scores (1 or 2 by the share), never 0"),
    "not assessed": "missing data is not evidence either way",
}
# A share done -> score: all of it 3, half or more 2, some 1 (nothing: see PROGRESS / PROGRESS_OR_LATE).
FRACTIONS = ((Fraction(1), 3), (Fraction(1, 2), 2), (Fraction(0), 1))
# Days late -> the score of the month a deadline was done late: a week late 2 (intermediate: done, but in
# default part of the month), later 1 (minimal). The months it stood undone after its day already score 0,
# so a long delay is graded by them too (late by 3 days: 2; by 109 days: 0, 0, 0, then 1), and no past
# month changes when the deed is done (its lateness is known only then).
LATENESS = ((7, 2),)
LATER = 1


def effect(kind: Kind, status: str) -> str:
    """What a finding of that status does to its month's score, by the kind's column of the table
    (none for claim rules, which are not commitments, and claimable ones, judged through claims only)."""
    fam = kind.score_family
    return TABLE[status][FAMILIES.index(fam)] if fam else NONE


def table_markdown() -> str:
    """The scoring table as the README prints it."""
    lines = ["| finding | deadline | prohibited / conditional (per month) | level (per period's month) | why |",
             "| --- | --- | --- | --- | --- |"]
    for status, (d, c, lv) in TABLE.items():
        name = status if status == "not assessed" else f"`{status}`"
        lines.append(f"| {name} | {d} | {c} | {lv} | {WHY[status]} |")
    return "\n".join(lines) + "\n"


@attrs.frozen
class Score:
    rule: str
    party: str
    month: str
    score: Optional[int]
    finding: Optional[str] = None  # the finding that decided it, if one did

    def to_dict(self) -> Dict[str, Any]:
        return {"rule": self.rule, "party": self.party, "month": self.month, "score": self.score,
                "finding": self.finding}


def _share(share: Fraction) -> int:
    """The score of a share done (more than nothing)."""
    return next(score for floor, score in FRACTIONS if share >= floor)


def _lateness(days_late: int) -> int:
    """The score of the month a deadline was done `days_late` days after its day (LATENESS)."""
    return next((score for most, score in LATENESS if days_late <= most), LATER)


def _month_end(index: int) -> dt.date:
    return bounds("month", index)[1]


class _Deadline:
    """A deadline unit: the share done at any date, from the events its finding cites."""

    def __init__(self, rule: Rule, party: str, finding: Finding, events: Dict[str, Event]):
        self.rule, self.finding = rule, finding
        cited = sorted((events[e] for e in finding.evidence if e in events), key=lambda e: e.sort_key)
        self.parts = []
        for part in rule.fulfilments:
            cond = conditions.substitute_party(part.when, party)
            matched = [e for e in cited if conditions.matches(cond, e.get)]
            target = part.up_to or part.required or 1
            self.parts.append((part, matched, target))
        self.ceiling = any(part.up_to for part in rule.fulfilments)

    def share(self, day: dt.date) -> Fraction:
        if not self.parts:
            return Fraction(0)
        total = Fraction(0)
        for part, matched, target in self.parts:
            upto = [e for e in matched if e.date <= day]
            if part.total_of:
                done = sum(v for v in (e.get(part.total_of) for e in upto) if isinstance(v, int))
                total += min(Fraction(1), Fraction(done, target))
            else:
                total += 1 if upto else 0
        return total / len(self.parts)

    def score(self, month: int, as_of: dt.date) -> Optional[int]:
        f = self.finding
        end = min(_month_end(month), as_of)
        share = self.share(end)
        if f.days_late is not None and f.due is not None and share > 0:
            done = f.due + dt.timedelta(days=f.days_late)
            if done <= end and index_of("month", done) == month:  # the month it was done, late
                before = self.share(done - dt.timedelta(days=1))
                graded = max(_lateness(f.days_late), _share(before) if before > 0 else 0)
                return min(_share(share), graded)
        if f.status == "met" and f.date <= end:  # done (whatever the cited events say)
            share = max(share, Fraction(1) if not self.ceiling else share)
            if share == 0:
                share = Fraction(1, 100)
        if share > 0:
            return _share(share)
        past_due = f.status in ("violation", "missed") and f.date < end
        return 0 if past_due else None


def compute(agreement: Agreement, as_of: dt.date, findings: Iterable[Finding], not_assessed: Sequence[NotAssessed],
            events: Iterable[Event], last: Optional[dt.date]) -> List[Score]:
    """Every commitment's (rule id, party) score for every month from the signature to the report date.

    Reads only what a report states: its findings, what is not assessed, the events the findings
    cite, the rules, the report date and the input's last evaluated day (`last`)."""
    first_month, last_month = index_of("month", agreement.signed), index_of("month", as_of)
    rules = {r.version: r for r in agreement.rules}
    units: Dict[Tuple[str, str], List[Rule]] = {}
    for r in agreement.rules:
        if not kind_of(r).owed:
            continue
        for p in r.parties:
            units.setdefault((r.id, p), []).append(r)
    effects: Dict[Tuple[str, str], Dict[int, Dict[str, str]]] = {u: {} for u in units}
    untriggered: Set[Tuple[str, str]] = set()
    judged: Set[Tuple[str, str]] = set()
    earliest: Dict[Tuple[str, str], dt.date] = {}
    deadline: Dict[Tuple[str, str], Finding] = {}
    for f in findings:
        unit = (f.rule, f.party)
        if unit not in units:
            continue
        kind = kind_of(rules[f.version])
        what = effect(kind, f.status)
        if kind.continuing and f.status != "alleged":
            judged.add((f.version, f.party))  # a judged act (justified too) shows the input bears on that version
        if what in (NO_EFFECT,):
            continue
        earliest[unit] = min(earliest.get(unit, f.date), f.date)
        if what == NONE:
            untriggered.add(unit)
        elif kind.deadline:
            if unit not in deadline or f.date >= deadline[unit].date:
                deadline[unit] = f
        else:
            # a complied finding speaks for every month its span touches (issue 24); any other, its own
            first = index_of("month", f.span_start) if f.status == "complied" and f.span_start else None
            for month in range(first if first is not None else index_of("month", f.date), index_of("month", f.date) + 1):
                kept = effects[unit].setdefault(month, {})
                if what not in kept:
                    kept[what] = f.id
    unassessed = {(n.rule, n.party) for n in not_assessed if kind_of(rules[n.version]).deadline}
    wanted = {e for f in deadline.values() for e in f.evidence}
    cited = {e.id: e for e in events_with_ids(events, wanted)} if wanted else {}
    out: List[Score] = []
    for unit in sorted(units):
        versions = units[unit]
        kind = kind_of(versions[0])
        start = index_of("month", min(v.effective_from for v in versions))
        scorer = (_Deadline(rules[deadline[unit].version], unit[1], deadline[unit], cited)
                  if unit in deadline else None)
        for month in range(first_month, last_month + 1):
            score, why = None, None
            if unit in untriggered or unit in unassessed or month < start:
                pass
            elif scorer is not None:
                score, why = scorer.score(month, as_of), scorer.finding.id
            elif kind.continuing or kind.series:
                kept = effects[unit].get(month, {})
                if ZERO in kept:
                    score, why = 0, kept[ZERO]
                elif UNSETTLED in kept:
                    why = kept[UNSETTLED]
                elif FULL in kept:
                    score, why = 3, kept[FULL]  # a complied span (or a met period) covers the month
            out.append(Score(unit[0], unit[1], label("month", month), score, why))
    return out
