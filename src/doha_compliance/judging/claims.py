"""Claims set beside the evidence: a party's accusation is weighed, never counted as a finding.

A claim (an allegation or statement accusing a party) is compared with the findings for the
accused party — for the rule it invokes, or any rule — in the `lookback_days` before it, in
the same province when it names one. Violations there corroborate it; acts judged justified
or deadlines met contradict it; acts left unresolved (a stated justification the input cannot
settle) or nothing at all leave it uncorroborated. A claim that a deadline will be or was
missed is weighed against that deadline's outcome on the report date, whenever it was made.
A party's claim that is not corroborated stays visible as an `alleged` finding, so an
accusation is never lost and never mistaken for evidence. A monitor (the agreement names
them) is not a party: its reports are weighed the same way but listed as third-party reports,
never as an allegation of one side against the other.

Weighing is one ordered pass over the findings (sorted) and the claims (by date), holding only
the lookback window. Findings are indexed by what a claim selects — accused party, rule (or
any rule), province (or any province) and status — so a claim is a few binary searches,
whatever the density of findings in its province: n strikes and n accusations in one province
cost O(n log n), not O(n²).
"""
from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from doha_compliance._util.fast import replacer
from doha_compliance._util.spool import (
    Spool,
    claims_spool,
    findings_spool,
    naming_rules,
)
from doha_compliance._util.stream import Held
from doha_compliance.models import Agreement, Claim, Event, Finding, Rule
from doha_compliance.rules.kinds import kind_of

from . import confidence
from .deadlines import Deadline

_with_claims = replacer(Finding, "claims")  # attrs.evolve(f, claims=...), cheaper: many findings are cited
_FORGET_EVERY = dt.timedelta(days=7)  # how often the window drops findings too old for any claim (memory only)
MAX_LISTED = 20  # a claim links to at most this many findings (the latest); its reason gives the total

# The statuses a claim is weighed against: what corroborates it, and what answers it.
CORROBORATING = ("violation",)
UNSETTLED = ("unresolved",)
ANSWERING = ("justified", "met")

_ANY = object()       # the key of "every province" (a claim that names none)
_NOWHERE = object()   # the key of findings that name no province (every claim's province reaches them)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Dated:
    """One index list: findings in the order they came (sorted), with their dates for bisection.
    The part older than every claim's lookback is dropped in amortised O(1)."""

    __slots__ = ("dates", "seqs", "items", "lo")

    def __init__(self) -> None:
        self.dates: List[dt.date] = []
        self.seqs: List[int] = []
        self.items: List[Finding] = []
        self.lo = 0

    def add(self, seq: int, f: Finding) -> None:
        self.dates.append(f.date)
        self.seqs.append(seq)
        self.items.append(f)

    def forget_before(self, day: dt.date) -> None:
        """Drop what is older than `day` once it is most of the list: each item is copied O(1) times in
        all. The floor is small because the index has thousands of small lists (party × rule ×
        province × status), and forgotten findings must not pile up in each of them."""
        self.lo = bisect.bisect_left(self.dates, day, self.lo)
        if self.lo > 16 and self.lo * 2 > len(self.dates) or self.lo == len(self.dates):
            del self.dates[:self.lo], self.seqs[:self.lo], self.items[:self.lo]
            self.lo = 0

    def span(self, start: dt.date, end: dt.date) -> Tuple[int, int]:
        return bisect.bisect_left(self.dates, start, self.lo), bisect.bisect_right(self.dates, end, self.lo)


class _Window:
    """The findings a claim may cite, by (party, rule or None, province key, status)."""

    def __init__(self) -> None:
        self._by: Dict[Tuple[str, Optional[str], object, str], _Dated] = {}
        self._seq = itertools.count()

    def add(self, f: Finding) -> None:
        if f.status not in CORROBORATING and f.status not in ANSWERING and f.status not in UNSETTLED:
            return
        seq = next(self._seq)
        place = f.province if f.province else _NOWHERE
        for rule in (f.rule, None):
            for province in (place, _ANY):
                key = (f.party, rule, province, f.status)
                dated = self._by.get(key)
                if dated is None:
                    dated = self._by[key] = _Dated()
                dated.add(seq, f)

    def forget_before(self, day: dt.date) -> None:
        for dated in self._by.values():
            dated.forget_before(day)

    def select(self, party: str, rule: Optional[str], province: Optional[str], statuses: Sequence[str],
               start: dt.date, end: dt.date) -> Tuple[Dict[str, int], List[Finding]]:
        """(how many findings of each status the claim reaches, the latest MAX_LISTED of them in order)."""
        provinces = (province, _NOWHERE) if province else (_ANY,)
        counts: Dict[str, int] = {}
        tails: List[Tuple[_Dated, int, int]] = []  # (list, first, end) of each list reached
        for status in statuses:
            for place in provinces:
                dated = self._by.get((party, rule, place, status))
                if dated is None:
                    continue
                lo, hi = dated.span(start, end)
                if hi > lo:
                    counts[status] = counts.get(status, 0) + hi - lo
                    first = max(lo, hi - MAX_LISTED)
                    tails.append((dated, first, hi))
        if len(tails) == 1:  # the common case: one list, already in order
            dated, first, hi = tails[0]
            return counts, dated.items[first:hi]
        latest = list(heapq.merge(*(zip(dated.seqs[first:hi], dated.items[first:hi], strict=True)
                                    for dated, first, hi in tails), key=lambda item: item[0]))[-MAX_LISTED:]
        return counts, [f for _, f in latest]


def _listed(total: int) -> str:
    return f" (the latest {MAX_LISTED} listed)" if total > MAX_LISTED else ""


def _names_deadline(agreement: Agreement, e: Event) -> bool:
    return bool(e.rule) and kind_of(agreement.versions(str(e.rule))[0]).deadline


def _about_deadline(e: Event, accused: str, deadline: Optional[Deadline], as_of: dt.date
                   ) -> Tuple[str, str, List[Finding]]:
    """A claim naming a deadline rule, against that deadline's outcome on the report date."""
    scope = f"{e.rule} owed by {accused}"
    if deadline is None or deadline.finding is None:
        return "uncorroborated", f"{scope} is not assessed: no event in the input bears on it.", []
    f = deadline.finding
    if f.status in ("violation", "missed"):
        late = f" (met late on {deadline.done})" if deadline.done else ""
        return "corroborated", f"{scope} fell due on {f.date} and passed unmet{late}: {f.status}.", [f]
    if f.status == "met":
        return "contradicted", f"{scope} was met on {f.date}" + (f", by its date {f.due}" if f.due else "") + ".", [f]
    if f.status == "not_triggered":
        return "uncorroborated", f"{scope} had not been triggered as of {as_of}.", [f]
    when = f"falls due on {f.due}, after the report date {as_of}" if f.due else "has no date and is not yet done"
    return "uncorroborated", f"{scope} {when}.", [f]


def assess(agreement: Agreement, rule: Rule, e: Event, window: _Window, deadlines: Dict[Tuple[str, str], Deadline],
           as_of: dt.date) -> Tuple[Claim, List[Finding], Optional[Finding]]:
    """A claim beside the evidence: (the claim, the findings it cites, its `alleged` finding or None)."""
    accused = str(e.get(rule.accused_field))
    role = agreement.role(e.actor)
    invoked = agreement.version_in_force(e.rule, e.date) if e.rule else None
    if _names_deadline(agreement, e):
        assessment, reason, shown = _about_deadline(e, accused, deadlines.get((str(e.rule), accused)), as_of)
    else:
        assessment, reason, shown = _in_window(rule, e, accused, window)
    claim = Claim(event=e.id, date=e.date, claimant=e.actor, accused=accused, rule=e.rule, assessment=assessment,
                  findings=tuple(f.id for f in shown), reason=reason, province=e.province, claimant_role=role)
    if assessment == "corroborated" or role == "monitor":
        return claim, shown, None
    said = f" ({e.description})" if e.description else ""
    alleged = Finding(rule=e.rule or rule.id, version=invoked.version if invoked else rule.version,
                      party=accused, status="alleged", date=e.date,
                      evidence=(e.id,) + tuple(f.evidence[0] for f in shown if f.evidence),
                      reason=f"claim by {e.actor}{said}: {assessment}: {reason}",
                      province=e.province, claims=(e.id,))
    return claim, shown, confidence.rated(alleged, (e,))  # issue 24: as certain as the claim's own record


def _in_window(rule: Rule, e: Event, accused: str, window: _Window) -> Tuple[str, str, List[Finding]]:
    """A claim against the findings of its lookback window (and province)."""
    start = e.date - dt.timedelta(days=rule.lookback_days)
    scope = f"{e.rule or 'any rule'} owed by {accused}"
    span = f"the {rule.lookback_days} days up to {e.date}" + (f" in {e.province}" if e.province else "")
    counts, shown = window.select(accused, e.rule, e.province, CORROBORATING, start, e.date)
    if counts:
        total = sum(counts.values())
        return "corroborated", f"{_plural(total, 'violation')} of {scope} found in {span}{_listed(total)}.", shown
    counts, shown = window.select(accused, e.rule, e.province, UNSETTLED, start, e.date)
    if counts:
        total = sum(counts.values())
        return "uncorroborated", (f"the {_plural(total, 'act')} found for {scope} in {span} "
                                  f"{'is' if total == 1 else 'are'} unresolved (a stated justification the input "
                                  f"cannot settle){_listed(total)}."), shown
    counts, shown = window.select(accused, e.rule, e.province, ANSWERING, start, e.date)
    if counts:
        total = sum(counts.values())
        return "contradicted", (f"the {_plural(total, 'act')} found for {scope} in {span} "
                                f"{'was' if total == 1 else 'were'} judged "
                                f"{'/'.join(sorted(counts))}, not violations{_listed(total)}."), shown
    return "uncorroborated", f"no event shows {scope} breached in {span}.", []


def set_claims(agreement: Agreement, findings: Iterator[Finding], claim_events: Iterable[Tuple[int, Event]],
               deadlines: Dict[Tuple[str, str], Deadline], as_of: dt.date,
               finish: Callable[[Finding], Finding] = lambda f: f) -> Tuple[Spool[Finding], Spool[Claim]]:
    """Merge the findings (sorted) with the claims (by date) in one pass: claims are assessed
    against the findings of their lookback window (or the deadline they name), and each finding is
    written out, with the claims that cite it and passed through `finish`, once no later claim can
    reach back to it.

    `claim_events` are (index of the claim rule in agreement.rules, event), re-readable; `deadlines`
    the deadline units decided on the report date, by (rule id, party)."""
    claim_rules = [r for r in agreement.rules if kind_of(r).claim]
    lookback = dt.timedelta(days=max((r.lookback_days for r in claim_rules), default=0))
    out, claims_out = findings_spool(), claims_spool()
    window = _Window()
    waiting: Held[Finding] = Held()  # findings that a claim may still cite, and alleged findings
    cited_by: Dict[str, List[str]] = _deadline_citations(agreement, claim_events, deadlines)
    upcoming = next(findings, None)

    def release(before: Optional[dt.date]) -> None:
        for f in waiting.dated_before(before):
            if f.status != "alleged" and f.id in cited_by:
                f = _with_claims(f, tuple(sorted(set(cited_by.pop(f.id)))))
            out.append(finish(f))

    forgotten = dt.date.min  # findings dated before it were last dropped from the window
    for day, todays in itertools.groupby(claim_events, key=lambda item: item[1].date):
        horizon = day - lookback
        while upcoming is not None and upcoming.date <= day:
            waiting.push(upcoming)
            window.add(upcoming)
            if upcoming.date < horizon:  # else nothing waiting is older than the horizon: releasing is a no-op
                release(horizon)
            upcoming = next(findings, None)
        release(horizon)
        if horizon - forgotten >= _FORGET_EVERY:  # a window holds thousands of lists: visit them once a week
            window.forget_before(horizon)
            forgotten = horizon
        assessed = []
        for rule_index, e in todays:
            claim, shown, alleged = assess(agreement, agreement.rules[rule_index], e, window, deadlines, as_of)
            assessed.append(claim)
            if not _names_deadline(agreement, e):  # those are cited before the pass (_deadline_citations)
                for f in shown:
                    cited_by.setdefault(f.id, []).append(claim.event)
            if alleged is not None:
                waiting.push(alleged)
        assessed.sort(key=lambda c: c.event)
        claims_out.extend(assessed)
    while upcoming is not None:
        waiting.push(upcoming)
        release(upcoming.date)
        upcoming = next(findings, None)
    release(None)
    return out.finish(), claims_out.finish()


def _deadline_citations(agreement: Agreement, claim_events: Iterable[Tuple[int, Event]],
                        deadlines: Dict[Tuple[str, str], Deadline]) -> Dict[str, List[str]]:
    """Which claims cite each deadline finding, known before the pass: a deadline finding may be
    written out long before a claim that names it (claims about deadlines ignore the lookback)."""
    out: Dict[str, List[str]] = {}
    deadline_rules = {rule_id for rule_id in agreement.rule_ids() if kind_of(agreement.versions(rule_id)[0]).deadline}
    for rule_index, e in naming_rules(claim_events, deadline_rules):  # of a spool, only those are rebuilt
        if not _names_deadline(agreement, e):
            continue
        accused = str(e.get(agreement.rules[rule_index].accused_field))
        d = deadlines.get((str(e.rule), accused))
        if d is not None and d.finding is not None:
            out.setdefault(d.finding.id, []).append(e.id)
    return out
