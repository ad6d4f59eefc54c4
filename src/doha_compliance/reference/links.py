"""The reference judge's links: which rules a finding's version is linked to on a day, and the
groups of linked rules with each party's first default (SPEC §5.6)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Set

from doha_compliance.models import Agreement, Rule
from doha_compliance.rules.kinds import kind_of

from ._plain import _chosen_version, _finding_id, _in_force, _owing, _report_order, _versions


def links_of(agreement: Agreement, version: Rule, day: dt.date) -> List[str]:
    """The finding's version's own links, and every rule whose version on the day lists it: for a
    continuing rule the version in force that day (none: no link); for others the version in force,
    else the latest begun, else the first (DECISION (versions))."""
    linked = set(version.linked)
    for other_id in sorted({r.id for r in agreement.rules}):
        versions = _versions(agreement, other_id)
        if kind_of(versions[0]).continuing:
            on_day = [r for r in versions if _in_force(r, day)]  # a continuing rule not in force links nothing
        else:
            on_day = [_chosen_version(agreement, other_id, day)]
        if any(version.id in r.linked for r in on_day):
            linked.add(other_id)
    linked.discard(version.id)
    return sorted(linked)


def defaults(agreement: Agreement, findings: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Linked rules' groups, and each party's first default in each (a violation or a missed aim)."""
    edges: Dict[str, Set[str]] = {}
    for r in agreement.rules:
        for other in r.linked:
            if other != r.id:
                edges.setdefault(r.id, set()).add(other)
                edges.setdefault(other, set()).add(r.id)
    groups: List[List[str]] = []
    placed: Set[str] = set()
    for rule_id in sorted(edges):
        if rule_id in placed:
            continue
        group, todo = set(), [rule_id]
        while todo:
            current = todo.pop()
            if current in group:
                continue
            group.add(current)
            todo.extend(edges.get(current, ()))
        placed |= group
        groups.append(sorted(group))
    out = []
    for members in sorted(groups):
        parties = sorted({p for rule_id in members for p in _owing(agreement, rule_id)})
        with_default, without = [], []
        for party in parties:
            candidates = [f for f in findings if f["rule"] in members and f["party"] == party
                          and f["status"] in ("violation", "missed")]
            if not candidates:
                without.append({"party": party, "date": None, "rule": None, "finding": None, "status": None})
                continue
            first = min(candidates, key=lambda f: (f["date"], f["rule"], _report_order(f)))
            with_default.append({"party": party, "date": first["date"].isoformat(), "rule": first["rule"],
                                 "finding": _finding_id(first), "status": first["status"]})
        with_default.sort(key=lambda x: (x["date"], x["party"]))
        out.append({"rules": members, "parties": with_default + without})
    return out
