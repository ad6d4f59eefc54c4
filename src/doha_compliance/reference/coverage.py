"""The reference judge's `complied` (SPEC §5.5 as rewritten for issue 24), day by day.

Plain on purpose: every day of a version's time in force is looked at in turn — is it covered by
a declared source or an undisputed monitor's statement, does a bad act fall on it — and runs of
covered days with no bad act become `complied` findings. Slow and obvious; written apart from
`judging/continuing.py` and `judging/coverage.py`, which it checks.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence, Tuple

from doha_compliance.models import Agreement, Event, Rule, SourceCoverage

ONE_DAY = dt.timedelta(days=1)


def _listed(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return []


def needed_types(agreement: Agreement, rule: Rule) -> List[str]:
    """covered_by's top-level types, else when's; none named: all the agreement's types (DECISION)."""
    named: List[str] = []
    if rule.covered_by:
        named = _listed(rule.covered_by.get("type"))
    if not named:
        named = _listed(rule.when.get("type"))
    if not named:
        named = list(agreement.event_types)
    return sorted(set(named))


def needed_provinces(rule: Rule) -> List[str]:
    named = _listed(rule.scope.get("province")) if rule.scope else []
    if not named:
        named = _listed(rule.when.get("province"))
    return sorted(set(named))


def source_covers(source: SourceCoverage, types: List[str], provinces: List[str]) -> bool:
    for t in types:
        if t not in source.types:
            return False
    if not source.provinces:
        return True
    if not provinces:
        return False  # the rule holds everywhere; the source counts only some provinces
    for p in provinces:
        if p not in source.provinces:
            return False
    return True


def _as_day(value: Any) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def statements(agreement: Agreement, seen: Sequence[Event], rule_id: str, party: str
               ) -> List[Tuple[Event, dt.date, dt.date]]:
    """Monitors' statements that the party complied with the rule: (event, first day, last day),
    never past the statement's own day."""
    out = []
    for e in seen:
        if e.extra.get("states") != "complied" or e.actor not in agreement.monitors:
            continue
        if e.rule != rule_id or e.accused != party:
            continue
        a, b = _as_day(e.extra.get("states_from")), _as_day(e.extra.get("states_to"))
        if a is None or b is None:
            continue
        out.append((e, a, min(b, e.date)))
    return out


def complied_spans(agreement: Agreement, rule: Rule, party: str, begin: dt.date, end: dt.date,
                   sources: Sequence[SourceCoverage], seen: Sequence[Event], bad_days: List[dt.date]
                   ) -> Tuple[List[Dict[str, Any]], bool]:
    """The complied spans of a unit from `begin` to `end` ({start, end, evidence}), and whether any day
    at all was covered."""
    types, provinces = needed_types(agreement, rule), needed_provinces(rule)
    covering = [s for s in sources if source_covers(s, types, provinces)]
    said = []
    for e, a, b in statements(agreement, seen, rule.id, party):
        a, b = max(a, begin), min(b, end)
        if a > b:
            continue
        if any(a <= d <= b for d in bad_days):
            continue  # disputed by a breach in its span: the breach stands
        said.append((e, a, b))
    spans: List[Dict[str, Any]] = []
    current: Optional[Dict[str, Any]] = None
    any_covered = False
    day = begin
    while day <= end:
        by_source = any(s.start <= day <= s.end for s in covering)
        by_statement = [e.id for e, a, b in said if a <= day <= b]
        covered = by_source or bool(by_statement)
        any_covered = any_covered or covered
        if covered and day not in bad_days:
            if current is None:
                current = {"start": day, "end": day, "evidence": []}
                spans.append(current)
            current["end"] = day
        else:
            current = None
        day += ONE_DAY
    for span in spans:  # a statement is cited by every span it overlaps (its clipped span, not its days)
        span["evidence"] = sorted(e.id for e, a, b in said if a <= span["end"] and span["start"] <= b)
    return spans, any_covered
