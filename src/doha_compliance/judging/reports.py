"""A monitor's report settles what a party's own word left open (issue 24, SPEC §5.7.3).

A conditional act with a stated justification and no justifying event is `unresolved`: the input
cannot settle it. When an independent monitor (role `monitor`, not part of the acting party) reports
that very act as a breach — its claim names the act in `about:`, accuses the acting party, is dated
on or after the act, and names the act's rule or none — the act is a `violation` (`missed` for a
best effort or an aim), citing the report. The acting party's own statements never change it back:
only a monitor's report is read here. Oversight bodies and the media are weighed as claims only.

Reports are few (those with `about:` by monitors): they are read from the claim events once, and the
findings are passed over once, before links, compliance and claims are decided from them.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, Iterable, List, Optional, Tuple

import attrs

from doha_compliance._util.spool import Spool, findings_spool
from doha_compliance.matching.matches import Unit
from doha_compliance.models import Agreement, Event, Finding

from .continuing import Continuing

MAX_REPORTS_CITED = 20  # a settled act cites at most its earliest 20 reports; its reason gives the total


@attrs.frozen
class Report:
    """A monitor's report naming an act as a breach."""

    id: str
    date: dt.date
    monitor: str
    accused: str
    rule: Optional[str]


def monitor_reports(agreement: Agreement, claim_events: Iterable[Tuple[int, Event]]) -> Dict[str, List[Report]]:
    """The acts each independent monitor's report names (`about:`), by act id."""
    out: Dict[str, List[Report]] = {}
    seen = set()
    for rule_index, e in claim_events:
        if not e.about or e.id in seen or agreement.role(e.actor) != "monitor":
            continue
        seen.add(e.id)
        accused = str(e.get(agreement.rules[rule_index].accused_field))
        if not agreement.independent(e.actor, accused):
            continue
        for act in e.about:
            out.setdefault(act, []).append(Report(e.id, e.date, e.actor, accused, e.rule))
    return out


def _reporting(f: Finding, reports: Dict[str, List[Report]]) -> List[Report]:
    if f.status != "unresolved" or not f.evidence or f.evidence[0] not in reports:
        return []
    return sorted((r for r in reports[f.evidence[0]]
                   if r.accused in (f.party, f.act_by) and (r.rule is None or r.rule == f.rule) and r.date >= f.date),
                  key=lambda r: (r.date, r.id))


def settle(agreement: Agreement, findings: Iterable[Finding], reports: Dict[str, List[Report]],
           continuing: Continuing) -> Spool[Finding]:
    """The findings, with each unresolved act a monitor reported as a breach turned into one; the
    continuing units' first violation follows. (Their first unresolved act may now be settled, but it
    needs no change: from that day on the unit reads as in violation, which links put first.)"""
    out = findings_spool()
    settled: Dict[Unit, dt.date] = {}  # unit -> its first act settled as a breach
    for f in findings:
        named = _reporting(f, reports)
        if named:
            unit = (f.version, f.party)
            rule = next(r for r in agreement.rules if r.version == f.version)
            cited = named[:MAX_REPORTS_CITED]
            more = f" ({len(named)} reports; the earliest {len(cited)} cited)" if len(named) > len(cited) else ""
            by = "; ".join(f"{r.monitor} (monitor) on {r.date} ({r.id})" for r in cited)
            f = attrs.evolve(f, status=rule.breach, evidence=f.evidence + tuple(r.id for r in cited),
                             reason=f"{f.reason} Reported as a breach by {by}{more}: {rule.breach}"
                                    f"{rule.modality_note()}.")
            settled[unit] = min(settled.get(unit, f.date), f.date)
        out.append(f)
    for unit, day in settled.items():
        rec = continuing.record(unit)
        rec.first_violation = day if rec.first_violation is None else min(rec.first_violation, day)
    return out
