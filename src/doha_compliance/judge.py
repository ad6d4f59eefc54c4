"""Matches -> findings and claims: the statuses, and a one-sentence reason for each.

This is where time is decided (deadlines against `as_of`, windows in days), in
plain date arithmetic on event dates: never the wall clock.
"""
from __future__ import annotations

import bisect
import datetime as dt
from typing import Dict, List, Optional, Sequence, Tuple

import attrs

from .matching import Matches
from .models import Agreement, Claim, Event, Finding, Rule


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


def _event_findings(agreement: Agreement, rule: Rule, party: str, hits: Sequence[Event],
                    matches: Matches) -> List[Finding]:
    out = []
    for e in hits:
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


def _fulfilment(rule: Rule, events: Sequence[Event]) -> Tuple[Optional[Event], List[Event], int]:
    """(event that completed the commitment or None, contributing events, running total)."""
    fb = rule.fulfilled_by
    assert fb is not None
    ordered = sorted(events, key=lambda e: e.sort_key)
    if not fb.total_of:
        return (ordered[0], ordered[:1], 0) if ordered else (None, [], 0)
    total, used = 0, []
    for e in ordered:
        value = e.get(fb.total_of)
        if isinstance(value, int):
            total += value
            used.append(e)
            if total >= (fb.at_least or 0):
                return e, used, total
    return None, used, total


def _deadline_finding(rule: Rule, party: str, events: Sequence[Event], as_of: dt.date) -> Finding:
    assert rule.due is not None and rule.fulfilled_by is not None
    due = rule.due
    done, used, total = _fulfilment(rule, events)
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


class _FindingIndex:
    """Findings by (party, rule) and by party, each sorted by date: a claim's window is a bisect, not a scan."""

    def __init__(self, findings: Sequence[Finding]):
        self._by: Dict[tuple, Tuple[List[dt.date], List[Finding]]] = {}
        self._ids: Dict[int, str] = {}  # keyed by object identity: the findings outlive the index
        for f in sorted(findings, key=lambda f: f.sort_key):
            if f.status == "alleged":
                continue
            for key in ((f.party, f.rule), (f.party, None)):
                dates, items = self._by.setdefault(key, ([], []))
                dates.append(f.date)
                items.append(f)

    def id_of(self, finding: Finding) -> str:
        """One string per finding id, however many claims cite it."""
        key = id(finding)
        if key not in self._ids:
            self._ids[key] = finding.id
        return self._ids[key]

    def window(self, party: str, rule: Optional[str], start: dt.date, end: dt.date) -> List[Finding]:
        dates, items = self._by.get((party, rule), ([], []))
        return items[bisect.bisect_left(dates, start):bisect.bisect_right(dates, end)]


def _related(claim_event: Event, rule: Rule, accused: str, index: _FindingIndex) -> List[Finding]:
    start = claim_event.date - dt.timedelta(days=rule.lookback_days)
    out = []
    for f in index.window(accused, claim_event.rule, start, claim_event.date):
        if claim_event.province and f.province and claim_event.province != f.province:
            continue
        out.append(f)
    return out


MAX_LISTED = 20  # a claim links to at most this many findings (the latest); its reason gives the total


def _listed(found: Sequence[Finding]) -> str:
    return f" (the latest {MAX_LISTED} listed)" if len(found) > MAX_LISTED else ""


def _claims(agreement: Agreement, matches: Matches, findings: List[Finding]) -> Tuple[List[Claim], List[Finding]]:
    claims: List[Claim] = []
    alleged: List[Finding] = []
    index = _FindingIndex(findings)
    for rule in agreement.rules:
        if rule.kind != "claim":
            continue
        seen = set()
        for party in rule.parties:
            for e in matches.hits.get((rule.version, party), []):
                if e.id in seen:
                    continue
                seen.add(e.id)
                accused = str(e.get(rule.accused_field))
                related = _related(e, rule, accused, index)
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
                claims.append(Claim(event=e.id, date=e.date, claimant=e.actor, accused=accused, rule=e.rule,
                                    assessment=assessment, findings=tuple(index.id_of(f) for f in shown), reason=reason,
                                    province=e.province))
                if assessment != "corroborated":
                    said = f" ({e.description})" if e.description else ""
                    invoked = _version_in_force(agreement, e.rule, e.date) if e.rule else None
                    alleged.append(Finding(rule=e.rule or rule.id, version=invoked.version if invoked else rule.version,
                                           party=accused, status="alleged",
                                           date=e.date, evidence=(e.id,) + tuple(f.evidence[0] for f in shown if f.evidence),
                                           province=e.province, claims=(e.id,),
                                           reason=f"claim by {e.actor}{said}: {assessment}: {reason}"))
    return claims, alleged


def judge(agreement: Agreement, matches: Matches, as_of: dt.date) -> Tuple[List[Finding], List[Claim], List[NotAssessed]]:
    findings: List[Finding] = []
    not_assessed: List[NotAssessed] = []
    for rule in agreement.rules:
        for party in rule.parties:
            unit = (rule.version, party)
            if rule.kind in ("prohibited", "conditional"):
                findings.extend(_event_findings(agreement, rule, party, matches.hits.get(unit, []), matches))
    for rule_id in agreement.rule_ids():
        versions = agreement.versions(rule_id)
        if versions[0].kind != "deadline":
            continue
        rule = _version_in_force(agreement, rule_id, as_of) or (versions[-1] if as_of > versions[-1].effective_from else None)
        if rule is None:
            continue
        for party in rule.parties:
            unit = (rule.version, party)
            if unit not in matches.covered and not (rule.due and as_of <= rule.due):
                not_assessed.append(NotAssessed(rule.id, rule.version, party,
                                                "no event in the input bears on it (nothing matches its covered_by), "
                                                "so a missed deadline cannot be told from missing data."))
                continue
            findings.append(_deadline_finding(rule, party, matches.fulfils.get(unit, []), as_of))
    claims, alleged = _claims(agreement, matches, findings)
    by_claim: Dict[str, List[str]] = {}
    for claim in claims:
        for fid in claim.findings:
            by_claim.setdefault(fid, []).append(claim.event)
    findings = [attrs.evolve(f, claims=tuple(sorted(by_claim[f.id]))) if f.id in by_claim else f for f in findings]
    findings.extend(alleged)
    findings.sort(key=lambda f: f.sort_key)
    claims.sort(key=lambda c: (c.date, c.event))
    not_assessed.sort(key=lambda n: (n.rule, n.party))
    return findings, claims, not_assessed
