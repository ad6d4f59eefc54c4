"""The pre-filter: a cheap necessary condition, so events no rule could match never enter durable_rules."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping

from doha_compliance.matching.matches import units
from doha_compliance.models import EVENT_FIELDS, Agreement, Event
from doha_compliance.rules import conditions


def _values(constraint: Any) -> Any:
    """The values a top-level constraint admits, or None when it does not narrow them to a list."""
    if isinstance(constraint, list):
        return {str(v) for v in constraint}
    if isinstance(constraint, dict):
        if set(constraint) == {"equals"}:
            return {str(constraint["equals"])}
        if set(constraint) == {"in"}:
            return {str(v) for v in constraint["in"]}
        return None
    return {str(constraint)}


def _narrow(guard: Dict[str, set], more: Dict[str, set]) -> Dict[str, set]:
    """Both guards at once (AND): admitted values intersect field by field."""
    out = dict(guard)
    for key, values in more.items():
        out[key] = out[key] & values if key in out else values
    return out


def _guards(cond: Mapping[str, Any]) -> List[Dict[str, set]]:
    """Necessary conditions of a rule condition: alternatives of {field: admitted values}.

    Only equality and one-of constraints narrow; any other operator admits everything (sound,
    not tight). `all:` narrows; a top-level `any:` gives one guard per alternative."""
    base = {k: v for k, v in ((k, _values(c)) for k, c in cond.items() if k not in ("any", "all")) if v is not None}
    for sub in cond.get("all", []):
        alternatives = _guards(sub)
        if len(alternatives) == 1:  # an `any` inside `all` is left out: admitting more stays sound
            base = _narrow(base, alternatives[0])
    if "any" not in cond:
        return [base]
    return [_narrow(base, guard) for alternative in cond["any"] for guard in _guards(alternative)]


def prefilter(agreement: Agreement) -> Callable[[Event], bool]:
    """A cheap necessary condition: could any rule condition match this event at all?

    Events that fail it (for Doha: statements accusing nobody, Afghan forces' own attacks, ...)
    would only meet the catch-all rule; they are counted as evaluated without entering
    durable_rules. The oracle tests compare the engine, with this filter, to the reference without it.
    """
    by_type: Dict[str, List[Dict[str, set]]] = {}
    general: List[Dict[str, set]] = []
    for rule, party in units(agreement):
        for cond in rule.conditions:
            for guard in _guards(conditions.substitute_party(cond, party)):
                if not guard:
                    return lambda event: True
                types = guard.pop("type", None)
                if types is None:
                    general.append(guard)
                else:
                    for t in types:
                        by_type.setdefault(t, []).append(guard)

    def compiled(guards: List[Dict[str, set]]) -> List[tuple]:
        # (field, read from the event's attributes?, admitted values): decided once, not per event
        return [tuple((name, name in contract, values) for name, values in guard.items()) for guard in guards]

    contract = set(EVENT_FIELDS) - {"date"}
    typed = {t: compiled(guards) for t, guards in by_type.items()}
    untyped = compiled(general)

    def admits(guard: tuple, event: Event) -> bool:
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
