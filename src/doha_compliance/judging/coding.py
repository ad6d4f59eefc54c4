"""Uncertain coding (issue 24): an act whose sources do not settle its type.

An event may list other types it may be (`type_uncertain`, e.g. an `attack` that may have been a
`territory_transfer` without fighting). When a rule judges the act as coded, but would not judge it as
one of those other types, whether the rule was breached turns on what the input cannot tell: the act
is `unresolved` under that rule, not a violation (commitment-semantics.md §7.3). Doubt about coding never
makes a breach. The coded type alone decides which rules match: an act coded as a type no rule forbids
is not judged, whatever its alternatives.
"""
from __future__ import annotations

from typing import Any, List, Optional

from doha_compliance.models import Event, Rule
from doha_compliance.rules import conditions


def doubt(rule: Rule, party: str, e: Event) -> Optional[str]:
    """The rest of the unresolved act's reason when the act's other possible types fall outside the
    rule; None when it has none, or the rule would judge it as any of them."""
    others = e.extra.get("type_uncertain") if e.extra else None
    if not others:
        return None
    tree = conditions.bind(conditions.parse(rule.acts_for(party)), party)  # parse() keeps each tree once
    outside: List[str] = []
    for other in others:
        def get(name: str, other: str = other) -> Any:
            return other if name == "type" else e.get(name)
        if not conditions.holds(tree, get):
            outside.append(other)
    if not outside:
        return None
    return (f": its type is uncertain (coded {e.type}; its sources also allow {' or '.join(outside)}), and as "
            f"{' or '.join(outside)} this rule would not judge it. The input cannot settle it: unresolved, "
            f"neither a violation nor compliance.")
