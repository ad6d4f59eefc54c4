"""The pre-filter: a cheap necessary condition, so events no rule could match never enter durable_rules."""
from __future__ import annotations

from typing import Callable, Dict, List, Set, Tuple

from doha_compliance.matching.matches import units
from doha_compliance.models import EVENT_FIELDS, Agreement, Event
from doha_compliance.rules import conditions

# A guard as the filter checks it: (field, read from the event's attributes?, admitted values) each.
Compiled = Tuple[Tuple[str, bool, Set[str]], ...]


def prefilter(agreement: Agreement) -> Callable[[Event], bool]:
    """A cheap necessary condition: could any rule condition match this event at all?

    Events that fail it (for Doha: statements accusing nobody, Afghan forces' own attacks, ...)
    would only meet the catch-all rule; they are counted as evaluated without entering
    durable_rules. The oracle tests compare the engine, with this filter, to the reference without it.
    """
    by_type: Dict[str, List[Dict[str, Set[str]]]] = {}
    general: List[Dict[str, Set[str]]] = []
    for rule, party in units(agreement):
        for cond in rule.conditions:
            for guard in conditions.guards(conditions.bind(conditions.parse(cond), party)):
                if not guard:
                    return lambda event: True
                types = guard.pop("type", None)
                if types is None:
                    general.append(guard)
                else:
                    for t in types:
                        by_type.setdefault(t, []).append(guard)

    def compiled(guards: List[Dict[str, Set[str]]]) -> List[Compiled]:
        # (field, read from the event's attributes?, admitted values): decided once, not per event
        return [tuple((name, name in contract, values) for name, values in guard.items()) for guard in guards]

    contract = set(EVENT_FIELDS) - {"date"}
    typed = {t: compiled(guards) for t, guards in by_type.items()}
    untyped = compiled(general)

    def admits(guard: Compiled, event: Event) -> bool:
        for name, plain, values in guard:
            value = getattr(event, name) if plain else event.get(name)
            if ("" if value is None else (value if type(value) is str else str(value))) not in values:
                return False
        return True

    def could_match(event: Event) -> bool:
        for guard in typed.get(event.type, ()):
            if admits(guard, event):
                return True
        for guard in untyped:
            if admits(guard, event):
                return True
        return False

    return could_match
