"""Amendments: each base rule with the versions amending it, in effective order; a version ends
where the next begins, inherits what it does not set, and never changes the kind."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

import attrs

from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Rule

from .build import build_rule
from .checks import check_references
from .spec import RuleSpec, overlay


def build_versions(specs: List[RuleSpec], agreement: Dict[str, Any], signed: dt.date, errors: List[RuleError],
                   made: Optional[Dict[str, Tuple[RuleSpec, Optional[RuleSpec]]]] = None) -> List[Rule]:
    """Each base rule with its amendments, in effective order; a version ends where the next begins.
    `made`, if given, is filled with what built each version: (its spec, the spec it amends)."""
    bases: Dict[str, RuleSpec] = {}
    seen: Dict[str, RuleSpec] = {}
    for spec in specs:
        if spec.id in seen:
            first = seen[spec.id]
            errors.append(RuleError(spec.at("id"), f"duplicate rule id '{spec.id}' (first defined at {first.file}:{first.line})"))
            continue
        seen[spec.id] = spec
        if spec.amends is None:
            bases[spec.id] = spec
    amendments: Dict[str, List[RuleSpec]] = {}
    for spec in seen.values():
        if spec.amends is None:
            continue
        if spec.amends not in bases:
            errors.append(RuleError(spec.at("amends"), f"amends '{spec.amends}', which is not a rule in this set"
                                                       f"{did_you_mean(spec.amends, bases)}"))
            continue
        if not spec.effective_from or spec.effective_from == "signature":
            errors.append(RuleError(spec.at("amends"), "an amendment needs 'effective_from' (the date it takes effect)"))
            continue
        amendments.setdefault(spec.amends, []).append(spec)
    rules: List[Rule] = []
    for base_id in sorted(bases):
        base = bases[base_id]
        chain = sorted(amendments.get(base_id, []), key=lambda s: s.effective_from or "")
        built = build_rule(base, None, agreement, signed, errors)
        versions = [built] if built else []
        if made is not None:
            made[base.id] = (base, None)
        previous = base
        for amendment in chain:
            rule = build_rule(amendment, previous, agreement, signed, errors)
            if rule is None:
                continue
            if versions and rule.kind != versions[0].kind:
                errors.append(RuleError(amendment.at("kind"), f"an amendment cannot change the kind of '{base_id}' "
                                                              f"({versions[0].kind} to {rule.kind})"))
                continue
            versions.append(rule)
            if made is not None:
                made[amendment.id] = (amendment, previous)
            previous = overlay(previous, amendment)
        for i in range(len(versions) - 1):
            nxt = versions[i + 1]
            cut = nxt.effective_from - dt.timedelta(days=1)
            cur = versions[i]
            if cur.effective_until is None or cur.effective_until > cut:
                if cut < cur.effective_from:
                    errors.append(RuleError(Location(nxt.file, nxt.line, "effective_from"),
                                            f"takes effect on or before the version it amends ({cur.version}, from {cur.effective_from})"))
                    continue
                versions[i] = attrs.evolve(cur, effective_until=cut)
        rules.extend(versions)
    check_references(rules, errors)
    return rules
