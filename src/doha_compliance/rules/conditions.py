"""The small condition language rules use to describe events, and its two back ends.

A condition is a YAML mapping: ``field: value`` (equal), ``field: [a, b]`` (one of),
``field: {at_least: 10}`` (operators below), and ``any:``/``all:`` lists to combine.
The string ``$party`` stands for the party that owes the rule.

Semantics, identical in both back ends (durable_rules JSON and plain Python):
a missing text field is the empty text, so ``not``/``not_in`` hold for it and
equality fails; any comparison on a missing number is false.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Set, Tuple

from doha_compliance._util.values import whole_number

NUMERIC_OPS = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt"}
COMBINERS = ("any", "all")
PARTY = "$party"


def substitute_party(cond: Any, party: str) -> Any:
    """Replace ``$party`` by a concrete party id, everywhere in a condition."""
    if isinstance(cond, str):
        return party if cond == PARTY else cond
    if isinstance(cond, list):
        return [substitute_party(c, party) for c in cond]
    if isinstance(cond, dict):
        return {k: substitute_party(v, party) for k, v in cond.items()}
    return cond


def _normal(constraint: Any) -> Dict[str, Any]:
    """Every constraint as an operator mapping: 'x' -> {equals: x}, [a, b] -> {in: [a, b]}."""
    if isinstance(constraint, dict):
        return constraint
    if isinstance(constraint, list):
        return {"in": constraint}
    return {"equals": constraint}


def leaves(cond: Mapping[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """Every (field, {operator: argument}) a condition tests, however deep under any:/all:."""
    for key, value in cond.items():
        if key in COMBINERS:
            for sub in value:
                yield from leaves(sub)
        else:
            yield key, _normal(value)


def fields_read(cond: Mapping[str, Any], numeric: Set[str], text: Set[str]) -> None:
    """Collect the fields a condition reads, split by how they are compared."""
    for key, ops in leaves(cond):
        is_numeric = any(is_numeric_test(op, arg) for op, arg in ops.items())
        (numeric if is_numeric else text).add(key)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_numeric_test(op: str, arg: Any) -> bool:
    """Numbers are compared as numbers; everything else as text."""
    if op in NUMERIC_OPS:
        return True
    if op in ("in", "not_in"):
        return bool(arg) and all(_is_int(v) for v in arg)
    return _is_int(arg)


# --- durable_rules back end -------------------------------------------------

def _and(parts: List[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: List[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def to_durable(cond: Mapping[str, Any]) -> List[dict]:
    """The condition as a list of durable_rules expressions, to be AND-ed by the caller."""
    parts: List[dict] = []
    for key in sorted(cond):
        value = cond[key]
        if key == "any":
            parts.append(_or([_and(to_durable(sub) or [{"$ex": {"type": 1}}]) for sub in value]))
            continue
        if key == "all":
            for sub in value:
                parts.extend(to_durable(sub))
            continue
        for op, arg in sorted(_normal(value).items()):
            if op in NUMERIC_OPS:
                parts.append({NUMERIC_OPS[op]: {key: arg}})
            elif op == "equals":
                parts.append({key: arg})
            elif op == "not":
                parts.append({"$neq": {key: arg}})
            elif op == "in":
                parts.append(_or([{key: v} for v in arg]))
            elif op == "not_in":
                parts.extend({"$neq": {key: v}} for v in arg)
    return parts


# --- plain Python back end --------------------------------------------------

def _test(op: str, arg: Any, value: Any) -> bool:
    if is_numeric_test(op, arg):
        value = whole_number(value)  # 4 from JSONL and "4" from CSV alike
        if value is None:
            return False
        if op == "at_least":
            return value >= arg
        if op == "at_most":
            return value <= arg
        if op == "above":
            return value > arg
        if op == "below":
            return value < arg
        text = value  # equality tests below work on numbers too
    else:
        text = "" if value is None else str(value)
    if op == "equals":
        return text == arg
    if op == "not":
        return text != arg
    if op == "in":
        return text in arg
    if op == "not_in":
        return text not in arg
    raise ValueError(f"unknown operator {op}")


def matches(cond: Mapping[str, Any], get: Callable[[str], Any]) -> bool:
    """Does an event (read through `get(field)`) satisfy the condition?"""
    for key, value in cond.items():
        if key == "any":
            if not any(matches(sub, get) for sub in value):
                return False
        elif key == "all":
            if not all(matches(sub, get) for sub in value):
                return False
        else:
            for op, arg in _normal(value).items():
                if not _test(op, arg, get(key)):
                    return False
    return True

