"""What durable_rules is shown of an event: the fields rules read, and the narrow fact made of them.

Facts stay narrow (a 16 MiB text field segfaults durable_rules: nothing else of a row reaches it),
and the decision cache keys on the same narrow values, so what is shown and what is keyed on
cannot drift apart."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Set, Tuple

from doha_compliance._util.values import whole_number
from doha_compliance.models import EVENT_FIELDS, Agreement, Event
from doha_compliance.rules import conditions

# An event's values for the fields rules read, in `narrow_maker`'s order: text, a whole number, or None.
Values = Tuple[Any, ...]


def fields_read(agreement: Agreement) -> Tuple[Set[str], Set[str]]:
    """(numeric fields, text fields) that durable_rules tests: the only fields facts carry.
    (Shared fields of a window and fulfilment totals are read from the events, in Python.)"""
    numeric: Set[str] = set()
    text: Set[str] = {"type"}
    for rule in agreement.rules:
        for cond in rule.conditions:
            conditions.fields_read(cond, numeric, text)
        if rule.traits.claim:
            text.add(rule.accused_field)
    text -= numeric
    text.discard("id")
    return numeric, text


def narrow_maker(numeric: Set[str], text: Set[str]) -> Tuple[Tuple[str, ...], Callable[[Event], Values]]:
    """(field names, a function giving an event's values for them): the narrow fact without id and
    date — text as text ("" when missing), numbers only when present (None otherwise). What durable_rules
    is shown and what the decision cache keys on both come from these values, so they cannot drift
    apart. Field lookups are decided once, not per event (the hot path at scale)."""
    contract = set(EVENT_FIELDS) - {"id", "date"}
    text_plain = tuple(sorted(n for n in text if n in contract))
    text_extra = tuple(sorted(n for n in text if n not in contract and n != "date"))
    numeric_plain = tuple(sorted(n for n in numeric if n in contract))
    numeric_extra = tuple(sorted(n for n in numeric if n not in contract))
    wants_date = "date" in text
    names = text_plain + text_extra + numeric_plain + numeric_extra + (("date",) if wants_date else ())

    def values(event: Event) -> Values:
        out: List[Any] = []
        for name in text_plain:
            value = getattr(event, name)
            out.append("" if value is None else (value if type(value) is str else str(value)))
        extra = event.extra
        for name in text_extra:
            value = extra.get(name)
            out.append("" if value is None else str(value))
        for name in numeric_plain:
            out.append(getattr(event, name))
        for name in numeric_extra:
            out.append(whole_number(extra.get(name)))  # 4 from JSONL and "4" from CSV alike
        if wants_date:
            out.append(event.date.isoformat())
        return tuple(out)

    return names, values


def fact(names: Tuple[str, ...], event_id: str, day: int, values: Values) -> Dict[str, Any]:
    """The durable_rules fact: id, day number, and the narrow values (absent numbers left out)."""
    fact: Dict[str, Any] = {"id": event_id, "day": day}
    for name, value in zip(names, values):
        if value is not None:
            fact[name] = value
    return fact


def fact_maker(numeric: Set[str], text: Set[str]) -> Callable[[Event], Dict[str, Any]]:
    """Build the durable_rules fact of an event: its id, its day number, and only the fields rules read."""
    names, values = narrow_maker(numeric, text)
    return lambda event: fact(names, event.id, event.date.toordinal(), values(event))
