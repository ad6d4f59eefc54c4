"""Location unknown (issue 25): an act a rule would judge if it lay in the rule's zone, whose location
the input does not give.

Intake placed every event once (`intake/fields_place.py`): an event with neither coordinates nor a
gazetteer place is `located_by: unknown`, and each `in_zone:<zone>` field reads `unknown`. Such an
event is not outside the zone: as an act's condition `in_zone` admits it (`Rule.act_condition`), and
this module says whether the act was matched only because its location is unknown — then it is
`unresolved`, "location unknown", like an act of uncertain type (commitment-semantics.md §8), never a
violation and never silently dropped. Elsewhere (what justifies, fulfils, triggers or covers) an event of
unknown location is in no zone.
"""
from __future__ import annotations

from typing import Any, List, Optional

from doha_compliance.models import Event, Rule
from doha_compliance.rules import conditions


def zones_named(cond: Any) -> List[str]:
    """The zones a condition's `in_zone` tests name, in order, each once."""
    out: List[str] = []
    for key, ops in conditions.leaves(cond):
        if key == "in_zone":
            for arg in ops.values():
                out.extend(z for z in (arg if isinstance(arg, list) else [arg]) if z not in out)
    return out


def doubt(rule: Rule, party: str, e: Event) -> Optional[str]:
    """The rest of the unresolved act's reason when only its unknown location let the rule judge it;
    None when its location is known, or the rule judges it wherever it lies."""
    if not e.extra or e.extra.get("located_by") != "unknown":
        return None
    tree = conditions.bind(conditions.parse(rule.act_condition), party)

    def outside(name: str) -> Any:
        value = e.get(name)
        return "out" if value == "unknown" and name.startswith(conditions.ZONE_FIELD) else value

    if conditions.holds(tree, outside):
        return None
    where = f"its place {e.place!r} is not in the gazetteer" if e.place else "no place is given"
    return (f": location unknown (no coordinates, and {where}), and this rule judges it only in "
            f"{' or '.join(zones_named(rule.when))}. An act of unknown location is not outside the zone; "
            f"the input cannot settle it: unresolved, neither a violation nor compliance.")
