"""Matches -> findings and claims: the statuses, and a one-sentence reason for each.

This is where time is decided (deadlines against `as_of`, windows in days), in
plain date arithmetic on event dates: never the wall clock.

Judging follows the stream (`Judge`): a day's hits are judged as soon as the engine
has seen the day, and their findings go to a `Spool` (on disk past a limit), so
memory does not grow with the stream. Deadlines need the whole stream and the
report date, so they are decided at the end; they are few. Claims are then set
beside the findings (`claims.set_claims`) in one more ordered pass.
"""
from __future__ import annotations

import datetime as dt
import heapq
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import attrs

from .claims import set_claims
from .matching import Matches
from .models import Agreement, Claim, Event, Finding, NotAssessed, Rule
from .spool import PACK_EVENT, Spool, events_spool, findings_spool
from .stream import Held


def _where(e: Event) -> str:
    if e.province and e.place:
        return f" in {e.province} ({e.place})"
    return f" in {e.province or e.place}" if (e.province or e.place) else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _act_finding(rule: Rule, party: str, e: Event, status: str, reason: str,
                 justifiers: Tuple[str, ...] = ()) -> Finding:
    return Finding(rule=rule.id, version=rule.version, party=party, status=status, date=e.date,
                   evidence=(e.id,) + justifiers, reason=reason, province=e.province, justified_by=justifiers)


def _event_findings(rule: Rule, party: str, hits: Sequence[Event], matches: Matches,
                    cite: Callable[[Event], None]) -> List[Finding]:
    out = []
    for e in hits:
        cite(e)
        if rule.kind == "prohibited":
            out.append(_act_finding(rule, party, e, rule.status,
                                    f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)}."))
            continue
        jb = rule.justified_by
        assert jb is not None
        kept = matches.justifications.get((rule.version, party, e.id), {})
        justifiers = sorted(kept, key=lambda j: kept[j].sort_key)
        same = f" in the same {', '.join(jb.same)}" if jb.same else ""
        if justifiers:
            for j in justifiers:
                cite(kept[j])
            latest = kept[justifiers[-1]]
            days = (e.date - latest.date).days
            total = matches.justifier_counts.get((rule.version, party, e.id), len(justifiers))
            more = f" ({total} justifying events in the window; the latest {len(justifiers)} cited)" if total > len(justifiers) else ""
            out.append(_act_finding(rule, party, e, "justified",
                                    f"{e.type} by {e.actor} on {e.date}{_where(e)} answers {latest.type} by {latest.actor} "
                                    f"on {latest.date} ({latest.id}), {_plural(days, 'day')} before{same}, within the "
                                    f"{jb.within_days}-day window of {rule.id}{more}.", tuple(justifiers)))
        else:
            out.append(_act_finding(rule, party, e, "violation",
                                    f"{e.type} by {e.actor} on {e.date}{_where(e)} with no justifying event{same} "
                                    f"in the {jb.within_days} days before, among the events given."))
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

    def finding(status: str, date: dt.date, reason: str) -> Finding:
        return Finding(rule=rule.id, version=rule.version, party=party, status=status, date=date,
                       evidence=evidence, reason=reason, due=due)

    if done is not None and done.date <= due:
        how = f", reaching {total} {fb.total_of}" if fb.total_of else ""
        return finding("met", done.date, f"{rule.title}: met on {done.date} ({done.id}){how}, due {due}.")
    if as_of <= due:
        left = (due - as_of).days
        return finding("pending", due,
                       f"{rule.title}: due {due}, {_plural(left, 'day')} after the report date; not yet met{progress}.")
    if done is not None:
        late = (done.date - due).days
        return finding("violation", due, f"{rule.title}: not met by {due}; met late on {done.date} ({done.id}), "
                                         f"{_plural(late, 'day')} after the deadline.")
    return finding("violation", due, f"{rule.title}: not met by {due}, nor by the report date {as_of}{progress}.")


class _Cited:
    """The events findings and claims cite, each once, in (date, id) order, written out once no
    later finding can cite them (a justifier is cited for at most its window after its date)."""

    def __init__(self, reach_days: int):
        self.reach = dt.timedelta(days=reach_days)
        self.out = events_spool()
        self._held: Held[Event] = Held()
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
        findings, claims = set_claims(
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
        rule = agreement.version_in_force(rule_id, as_of) or (versions[-1] if as_of > versions[-1].effective_from else None)
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

