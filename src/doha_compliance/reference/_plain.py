"""The reference judge's small helpers: dates, version choice, finding ids, canonical order.

Plain on purpose, like the judge they serve (judge.py): whole lists, loops, no indexes.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any, Dict, List, Mapping, Optional, Tuple

from doha_compliance.models import Agreement, Event, Rule
from doha_compliance.rules import conditions

UNKNOWN = "unknown"
MAX_CITED = 20  # a claim cites the latest 20 findings it is set against
MAX_JUSTIFIERS = 3  # an act cites its latest 3 justifying events
BAD_FOR_COMPLIED = ("violation", "unresolved", "missed")


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _offset(start: dt.date, days: int, months: int) -> dt.date:
    """Days first, then months (a month end stays in its month), as the rule loader documents."""
    return _add_months(start + dt.timedelta(days=days), months)


def _match(cond: Mapping[str, Any], party: str, event: Event) -> bool:
    return conditions.matches(conditions.substitute_party(cond, party), event.get)


def _iso(day: Optional[dt.date]) -> Optional[str]:
    return day.isoformat() if day is not None else None


def _finding_id(f: Dict[str, Any]) -> str:
    """rule/party/anchor (SPEC §5.8 and its addendum 3): a finding about a commitment as a whole has a
    stable anchor (a deadline's day or `undated`, `not-triggered`, `complied[-<amendment>]`); an act or
    a claim its first evidence id."""
    if f["anchor"] is not None:
        anchor = f["anchor"]
    elif f["evidence"]:
        anchor = f["evidence"][0]
    elif f["due"] is not None:
        anchor = f["due"].isoformat()
    else:
        anchor = f["date"].isoformat()
    return f"{f['rule']}/{f['party']}/{anchor}"


def _report_order(f: Dict[str, Any]) -> Tuple[dt.date, str, str, Tuple[str, ...], str]:
    return (f["date"], f["party"], f["rule"], tuple(f["evidence"]), f["status"])


def _versions(agreement: Agreement, rule_id: str) -> List[Rule]:
    return sorted((r for r in agreement.rules if r.id == rule_id), key=lambda r: r.effective_from)


def _in_force(rule: Rule, day: dt.date) -> bool:
    return rule.effective_from <= day and (rule.effective_until is None or day <= rule.effective_until)


def _chosen_version(agreement: Agreement, rule_id: str, as_of: dt.date) -> Rule:
    """In force on the report date, else the latest that started before it, else the first."""
    versions = _versions(agreement, rule_id)
    for r in versions:
        if _in_force(r, as_of):
            return r
    started = [r for r in versions if r.effective_from <= as_of]
    return started[-1] if started else versions[0]


def _version_by_name(agreement: Agreement, version: str) -> Rule:
    for r in agreement.rules:
        if r.version == version:
            return r
    raise KeyError(version)


def _owing(agreement: Agreement, rule_id: str) -> List[str]:
    return sorted({p for r in _versions(agreement, rule_id) for p in r.parties})


def _number(value: Any) -> Optional[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _covering_condition(rule: Rule) -> Mapping[str, Any]:
    """A continuing commitment's cover: `covered_by`, else an event of a type its `when` names at
    top level, else any event (SPEC §5.5)."""
    if rule.covered_by:
        return rule.covered_by
    named = rule.when.get("type")
    if isinstance(named, str):
        return {"type": named}
    if isinstance(named, list):
        return {"type": list(named)}
    return {}


def _sorted(items: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
