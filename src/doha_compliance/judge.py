"""Matches -> findings and claims: the statuses, and a one-sentence reason for each.

This is where time is decided (deadlines against `as_of`, windows in days), in
plain date arithmetic on event dates: never the wall clock.

Judging follows the stream (`Judge`): a day's hits are judged as soon as the engine
has seen the day, and their findings go to a `Spool` (on disk past a limit), so
memory does not grow with the stream. Deadlines need the whole stream and the
report date, so they are decided at the end; they are few. Claims are then set
beside the findings in one more ordered pass that only holds each claim's
lookback window; a finding is written out once no later claim can cite it.
"""
from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import attrs

from .matching import Matches
from .models import Agreement, Claim, Event, Finding, Rejection, Rule
from .spool import Spool, attrs_packer


@attrs.frozen
class NotAssessed:
    rule: str
    version: str
    party: str
    reason: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "version": self.version, "party": self.party, "reason": self.reason}


def _where(e: Event) -> str:
    if e.province and e.place:
        return f" in {e.province} ({e.place})"
    return f" in {e.province or e.place}" if (e.province or e.place) else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _event_findings(rule: Rule, party: str, hits: Sequence[Event], matches: Matches,
                    cite: Callable[[Event], None]) -> List[Finding]:
    out = []
    for e in hits:
        cite(e)
        base = dict(rule=rule.id, version=rule.version, party=party, date=e.date, province=e.province)
        if rule.kind == "prohibited":
            out.append(Finding(status=rule.status, evidence=(e.id,),
                               reason=f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)}.", **base))
            continue
        jb = rule.justified_by
        assert jb is not None
        kept = matches.justifications.get((rule.version, party, e.id), {})
        justifiers = sorted(kept, key=lambda j: kept[j].sort_key)
        same = f" in the same {', '.join(jb.same)}" if jb.same else ""
        if justifiers:
            for j in justifiers:
                cite(kept[j])
            first = kept[justifiers[-1]]
            days = (e.date - first.date).days
            total = matches.justifier_counts.get((rule.version, party, e.id), len(justifiers))
            more = f" ({total} justifying events in the window; the latest {len(justifiers)} cited)" if total > len(justifiers) else ""
            out.append(Finding(status="justified", evidence=(e.id,) + tuple(justifiers), justified_by=tuple(justifiers),
                               reason=(f"{e.type} by {e.actor} on {e.date}{_where(e)} answers {first.type} by {first.actor} "
                                       f"on {first.date} ({first.id}), {_plural(days, 'day')} before{same}, within the "
                                       f"{jb.within_days}-day window of {rule.id}{more}."), **base))
        else:
            out.append(Finding(status="violation", evidence=(e.id,),
                               reason=(f"{e.type} by {e.actor} on {e.date}{_where(e)} with no justifying event{same} "
                                       f"in the {jb.within_days} days before, among the events given."), **base))
    return out


@attrs.define
class Progress:
    """How far a deadline commitment has got: the event that completed it, the events that
    counted toward it (in order), the running total. Events after completion are not kept."""

    done: Optional[Event] = None
    used: List[Event] = attrs.field(factory=list)
    total: int = 0

    def advance(self, rule: Rule, events: Sequence[Event]) -> None:
        """Count events dated on or after every event counted before."""
        fb = rule.fulfilled_by
        assert fb is not None
        for e in sorted(events, key=lambda e: e.sort_key):
            if self.done is not None:
                return
            if not fb.total_of:
                self.done, self.used = e, [e]
                return
            value = e.get(fb.total_of)
            if isinstance(value, int):
                self.total += value
                self.used.append(e)
                if self.total >= (fb.at_least or 0):
                    self.done = e


def _deadline_finding(rule: Rule, party: str, used: Sequence[Event], done: Optional[Event], total: int,
                      as_of: dt.date) -> Finding:
    assert rule.due is not None and rule.fulfilled_by is not None
    due = rule.due
    fb = rule.fulfilled_by
    progress = f" ({total} of {fb.at_least} {fb.total_of} so far)" if fb.total_of else ""
    evidence = tuple(e.id for e in used)
    base = dict(rule=rule.id, version=rule.version, party=party, due=due)
    if done is not None and done.date <= due:
        how = f", reaching {total} {fb.total_of}" if fb.total_of else ""
        return Finding(status="met", date=done.date, evidence=evidence,
                       reason=f"{rule.title}: met on {done.date} ({done.id}){how}, due {due}.", **base)
    if as_of <= due:
        left = (due - as_of).days
        return Finding(status="pending", date=due, evidence=evidence,
                       reason=f"{rule.title}: due {due}, {_plural(left, 'day')} after the report date; not yet met{progress}.",
                       **base)
    if done is not None:
        late = (done.date - due).days
        return Finding(status="violation", date=due, evidence=evidence,
                       reason=f"{rule.title}: not met by {due}; met late on {done.date} ({done.id}), {_plural(late, 'day')} after the deadline.",
                       **base)
    return Finding(status="violation", date=due, evidence=evidence,
                   reason=f"{rule.title}: not met by {due}, nor by the report date {as_of}{progress}.", **base)


def _version_in_force(agreement: Agreement, rule_id: str, day: dt.date) -> Optional[Rule]:
    for r in agreement.versions(rule_id):
        if r.in_force(day):
            return r
    return None


PACK_FINDING = attrs_packer(Finding)
PACK_CLAIM = attrs_packer(Claim)
PACK_EVENT = attrs_packer(Event)
PACK_REJECTION = attrs_packer(Rejection)


def findings_spool(items: Iterable[Finding] = ()) -> Spool[Finding]:
    return Spool(items, pack=PACK_FINDING[0], unpack=PACK_FINDING[1])


def claims_spool(items: Iterable[Claim] = ()) -> Spool[Claim]:
    return Spool(items, pack=PACK_CLAIM[0], unpack=PACK_CLAIM[1])


def events_spool(items: Iterable[Event] = ()) -> Spool[Event]:
    return Spool(items, pack=PACK_EVENT[0], unpack=PACK_EVENT[1])


def rejections_spool(items: Iterable[Rejection] = ()) -> Spool[Rejection]:
    return Spool(items, pack=PACK_REJECTION[0], unpack=PACK_REJECTION[1])


class _Window:
    """Findings by (party, rule) and by party, sorted by date, dropped once older than every
    claim's lookback: a claim's window is a bisect, and memory holds one lookback period."""

    def __init__(self) -> None:
        self._by: Dict[tuple, Tuple[List[dt.date], List[Finding], List[int]]] = {}

    def add(self, f: Finding) -> None:
        for key in ((f.party, f.rule), (f.party, None)):
            dates, items, lo = self._by.setdefault(key, ([], [], [0]))
            dates.append(f.date)
            items.append(f)

    def forget_before(self, day: dt.date) -> None:
        for dates, items, lo in self._by.values():
            lo[0] = bisect.bisect_left(dates, day, lo[0])
            if lo[0] > 1024 and lo[0] * 2 > len(dates):
                del dates[:lo[0]], items[:lo[0]]
                lo[0] = 0

    def between(self, party: str, rule: Optional[str], start: dt.date, end: dt.date) -> List[Finding]:
        dates, items, lo = self._by.get((party, rule), ([], [], [0]))
        return items[bisect.bisect_left(dates, start, lo[0]):bisect.bisect_right(dates, end, lo[0])]


def _related(claim_event: Event, rule: Rule, accused: str, window: _Window) -> List[Finding]:
    start = claim_event.date - dt.timedelta(days=rule.lookback_days)
    out = []
    for f in window.between(accused, claim_event.rule, start, claim_event.date):
        if claim_event.province and f.province and claim_event.province != f.province:
            continue
        out.append(f)
    return out


MAX_LISTED = 20  # a claim links to at most this many findings (the latest); its reason gives the total


def _listed(found: Sequence[Finding]) -> str:
    return f" (the latest {MAX_LISTED} listed)" if len(found) > MAX_LISTED else ""


def _assess(agreement: Agreement, rule: Rule, e: Event, window: _Window) -> Tuple[Claim, List[Finding], Optional[Finding]]:
    """A claim beside the findings of its window: (the claim, the findings it cites, its `alleged` finding or None)."""
    accused = str(e.get(rule.accused_field))
    related = _related(e, rule, accused, window)
    violations = [f for f in related if f.status == "violation"]
    answered = [f for f in related if f.status in ("justified", "met")]
    scope = f"{e.rule or 'any rule'} owed by {accused}"
    span = f"the {rule.lookback_days} days up to {e.date}" + (f" in {e.province}" if e.province else "")
    if violations:
        assessment, shown = "corroborated", violations[-MAX_LISTED:]
        reason = f"{_plural(len(violations), 'violation')} of {scope} found in {span}{_listed(violations)}."
    elif answered:
        assessment, shown = "contradicted", answered[-MAX_LISTED:]
        reason = (f"the {_plural(len(answered), 'act')} found for {scope} in {span} were judged "
                  f"{'/'.join(sorted({f.status for f in answered}))}, not violations{_listed(answered)}.")
    else:
        assessment, shown, reason = "uncorroborated", [], f"no event shows {scope} breached in {span}."
    claim = Claim(event=e.id, date=e.date, claimant=e.actor, accused=accused, rule=e.rule, assessment=assessment,
                  findings=tuple(f.id for f in shown), reason=reason, province=e.province)
    if assessment == "corroborated":
        return claim, shown, None
    said = f" ({e.description})" if e.description else ""
    invoked = _version_in_force(agreement, e.rule, e.date) if e.rule else None
    alleged = Finding(rule=e.rule or rule.id, version=invoked.version if invoked else rule.version,
                      party=accused, status="alleged", date=e.date,
                      evidence=(e.id,) + tuple(f.evidence[0] for f in shown if f.evidence),
                      province=e.province, claims=(e.id,), reason=f"claim by {e.actor}{said}: {assessment}: {reason}")
    return claim, shown, alleged


class _Held:
    """Items (findings, events) held until the stream has moved past their date, then handed
    out in sort order: what lets a pass write its output in order while the input is still coming."""

    def __init__(self) -> None:
        self._heap: List[tuple] = []
        self._order = itertools.count()  # ties keep the order items came in

    def push(self, item) -> None:
        heapq.heappush(self._heap, (item.sort_key, next(self._order), item))

    def dated_before(self, day: Optional[dt.date]) -> Iterator:
        """Pop, in order, every item dated before `day` (all of them for None)."""
        heap = self._heap
        while heap and (day is None or heap[0][0][0] < day):
            yield heapq.heappop(heap)[2]


def _set_claims(agreement: Agreement, findings: Iterator[Finding], claim_events: Iterable[Tuple[int, Event]]
                ) -> Tuple[Spool[Finding], Spool[Claim]]:
    """Merge the findings (sorted) with the claims (by date) in one pass: claims are assessed
    against the findings of their lookback window, and each finding is written out, with the
    claims that cite it, once no later claim can reach back to it."""
    claim_rules = [r for r in agreement.rules if r.kind == "claim"]
    lookback = dt.timedelta(days=max((r.lookback_days for r in claim_rules), default=0))
    out, claims_out = findings_spool(), claims_spool()
    window = _Window()
    waiting = _Held()  # findings that a claim may still cite, and alleged findings
    cited_by: Dict[str, List[str]] = {}
    upcoming = next(findings, None)

    def release(before: Optional[dt.date]) -> None:
        for f in waiting.dated_before(before):
            if f.status != "alleged" and f.id in cited_by:
                f = attrs.evolve(f, claims=tuple(sorted(cited_by.pop(f.id))))
            out.append(f)

    for day, todays in itertools.groupby(claim_events, key=lambda item: item[1].date):
        horizon = day - lookback
        while upcoming is not None and upcoming.date <= day:
            waiting.push(upcoming)
            window.add(upcoming)
            release(horizon)
            upcoming = next(findings, None)
        release(horizon)
        window.forget_before(horizon)
        assessed = []
        for rule_index, e in todays:
            claim, shown, alleged = _assess(agreement, agreement.rules[rule_index], e, window)
            assessed.append(claim)
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


class _Cited:
    """The events findings and claims cite, each once, in (date, id) order, written out once no
    later finding can cite them (a justifier is cited for at most its window after its date)."""

    def __init__(self, reach_days: int):
        self.reach = dt.timedelta(days=reach_days)
        self.out = events_spool()
        self._held = _Held()
        self._last: Optional[str] = None

    def cite(self, event: Event) -> None:
        self._held.push(event)

    def release(self, today: Optional[dt.date]) -> None:
        for event in self._held.dated_before(None if today is None else today - self.reach):
            if event.id != self._last:
                self.out.append(event)
                self._last = event.id


def _merged_events(first: Iterable[Event], second: Iterable[Event]) -> Iterator[Event]:
    last = None
    for event in heapq.merge(first, second, key=lambda e: e.sort_key):
        if event.id != last:
            yield event
            last = event.id


@attrs.frozen
class Judged:
    findings: Spool[Finding]
    claims: Spool[Claim]
    not_assessed: Tuple[NotAssessed, ...]
    events: Spool[Event]  # every event a finding or claim cites, in (date, id) order


class Judge:
    """Findings as the stream advances: `take` a day's (or any later) matches, then `finish`."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self._findings = findings_spool()
        self._claim_events: Spool[Tuple[int, Event]] = Spool(
            pack=lambda item: (item[0], PACK_EVENT[0](item[1])), unpack=lambda t: (t[0], PACK_EVENT[1](t[1])))
        reach = max((r.justified_by.within_days for r in agreement.rules if r.justified_by), default=0)
        self._cited = _Cited(reach)
        self._progress: Dict[Tuple[str, str], Progress] = {}
        self._deadline_rules = {r.version: r for r in agreement.rules if r.kind == "deadline"}

    def take(self, matches: Matches) -> None:
        """Judge the hits in `matches` and remove them (with their justifications) from it.

        Every hit taken must be dated on or after every hit taken before."""
        findings: List[Finding] = []
        claimed: List[Tuple[int, Event]] = []
        latest = None
        for index, rule in enumerate(self.agreement.rules):
            if rule.kind not in ("prohibited", "conditional", "claim"):
                continue
            seen = set()
            for party in rule.parties:
                hits = matches.hits.pop((rule.version, party), None)
                if not hits:
                    continue
                last = max(e.date for e in hits)
                latest = last if latest is None or last > latest else latest
                if rule.kind != "claim":
                    findings.extend(_event_findings(rule, party, hits, matches, self._cited.cite))
                    continue
                for e in hits:
                    if e.id not in seen:  # a claim rule judges an event once, whichever party it matched for
                        seen.add(e.id)
                        claimed.append((index, e))
                        self._cited.cite(e)
        matches.justifications.clear()
        matches.justifier_counts.clear()
        for unit in list(matches.fulfils):
            self._progress.setdefault(unit, Progress()).advance(self._deadline_rules[unit[0]], matches.fulfils.pop(unit))
        findings.sort(key=lambda f: f.sort_key)
        self._findings.extend(findings)
        claimed.sort(key=lambda item: item[1].date)
        self._claim_events.extend(claimed)
        if latest is not None:
            self._cited.release(latest)

    def finish(self, matches: Matches, as_of: dt.date) -> Judged:
        """Decide the deadlines as of the report date, set the claims beside everything, and close."""
        self.take(matches)
        deadlines, not_assessed, evidence = _deadlines(self.agreement, matches.covered, self._progress, as_of)
        self._cited.release(None)
        findings, claims = _set_claims(
            self.agreement,
            heapq.merge(self._findings.finish(), sorted(deadlines, key=lambda f: f.sort_key), key=lambda f: f.sort_key),
            self._claim_events.finish())
        events = events_spool(_merged_events(self._cited.out.finish(), sorted(evidence, key=lambda e: e.sort_key)))
        not_assessed.sort(key=lambda n: (n.rule, n.party))
        return Judged(findings, claims, tuple(not_assessed), events.finish())


def _deadlines(agreement: Agreement, covered: Set[Tuple[str, str]], progress: Dict[Tuple[str, str], Progress],
               as_of: dt.date) -> Tuple[List[Finding], List[NotAssessed], List[Event]]:
    """(deadline findings, deadlines not assessed, the events those findings cite)."""
    findings: List[Finding] = []
    not_assessed: List[NotAssessed] = []
    evidence: List[Event] = []
    for rule_id in agreement.rule_ids():
        versions = agreement.versions(rule_id)
        if versions[0].kind != "deadline":
            continue
        rule = _version_in_force(agreement, rule_id, as_of) or (versions[-1] if as_of > versions[-1].effective_from else None)
        if rule is None:
            continue
        for party in rule.parties:
            unit = (rule.version, party)
            if unit not in covered and not (rule.due and as_of <= rule.due):
                not_assessed.append(NotAssessed(rule.id, rule.version, party,
                                                "no event in the input bears on it (nothing matches its covered_by), "
                                                "so a missed deadline cannot be told from missing data."))
                continue
            got = progress.get(unit, Progress())
            findings.append(_deadline_finding(rule, party, got.used, got.done, got.total, as_of))
            evidence.extend(got.used)
    return findings, not_assessed, evidence

