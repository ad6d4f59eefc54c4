"""A list (or a mapping) where an event has one value, refused at intake with the field and why (issue 26).

Every field of the event contract holds one value: `type: [attack]` or `province: [kabul, helmand]` was
refused before with a puzzling word ("unknown event type ['attack']", with a hint naming 'attack'). A field
outside the contract is kept as written, and a rule's condition may test it (`stage: signed`); a list
there matched no condition, silently — the row was read and never counted. Such a field is now refused
when the rule set tests it, with the rule's way out: one value per event. A field the rules do not test
is the record's own business and is kept as written, list or not.

Fields whose value is a list by design are left alone: `about` and `verifies` (event ids),
`type_uncertain` (the other types an act may be) and `zones` (issue 25, set from a gazetteer).
"""
from __future__ import annotations

from typing import Any, Dict, FrozenSet, Mapping, Optional, Set, Tuple

from doha_compliance._util.values import shown
from doha_compliance.models import Agreement
from doha_compliance.rules import conditions

LIST_FIELDS = frozenset({"about", "verifies", "type_uncertain", "zones"})

_ONE = {
    "type": "an event has one type (a type in doubt: give the likelier one and list the others in type_uncertain)",
    "actor": "an event has one actor (acts by several: one event each, or the actor who answers for them)",
    "target": "an event has one target (one event per target)",
    "accused": "a claim accuses one party (one event per party accused)",
    "rule": "a claim names one rule (one event per rule)",
    "province": "an event lies in one province (one event per province)",
    "place": "an event lies in one place (one event per place)",
    "location_kind": "an event has one location kind",
    "fatalities": "a count is one whole number (several reports of it: give the figure you rely on)",
    "wounded": "a count is one whole number (several reports of it: give the figure you rely on)",
    "count": "a count is one whole number (several reports of it: give the figure you rely on)",
    "source": "one text (several sources: join them in the text, e.g. 'AP; Reuters')",
}


def problem(name: str, value: Any) -> Optional[str]:
    """Why a contract field's value is not one value; None when it is not a list or mapping."""
    if not isinstance(value, (list, dict)):
        return None
    what = "a list" if isinstance(value, list) else "a mapping"
    why = _ONE.get(name, f"{name} is one text")
    return f"{name} holds {what}, {shown(value)}, where it takes one value: {why}"


_READ: Dict[int, Tuple[Agreement, FrozenSet[str]]] = {}


def _read_by_rules(agreement: Agreement) -> FrozenSet[str]:
    """The fields the rule set's conditions test, once per agreement."""
    cached = _READ.get(id(agreement))
    if cached is None or cached[0] is not agreement:
        numeric: Set[str] = set()
        text: Set[str] = set()
        for rule in agreement.rules:
            for cond in rule.conditions:
                if cond:
                    conditions.fields_read(cond, numeric, text)
        cached = (agreement, frozenset(numeric | text) - LIST_FIELDS)
        _READ.clear()  # one agreement at a time in practice
        _READ[id(agreement)] = cached
    return cached[1]


def extra_problem(data: Mapping[str, Any], agreement: Agreement) -> Optional[Tuple[str, str]]:
    """A field outside the contract, tested by the rules, holding a list or mapping: (field, why)."""
    for name in sorted(_read_by_rules(agreement).intersection(data)):
        value = data[name]
        if isinstance(value, (list, dict)):
            what = "a list" if isinstance(value, list) else "a mapping"
            return name, (f"{name} holds {what}, {shown(value)}: the rules test {name} as one value, so it "
                          "would match no condition; give one value (one event per value)")
    return None
