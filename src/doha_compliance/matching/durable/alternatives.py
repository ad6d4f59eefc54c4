"""Alternative splitting: a rule durable_rules refuses, as one rule per alternative of its condition."""
from __future__ import annotations

from typing import Any, List

from .compile import Definition, Expr, all_of

# durable_rules refuses (error 113) some expressions with many `$and` under `$or`: 15 alternatives of two
# terms each, or fewer nested deeper (a flat `$and` of 40 terms it takes). When it refuses a rule set, each
# rule with an `$and` under an `$or` becomes one rule per alternative (its disjunctive normal form) with the
# same action: what a rule records is counted once per event and unit whichever alternative fired
# (`Matches`), as it already is for durable's own `$or` branches. At most MAX_ALTERNATIVES per expression.
MAX_ALTERNATIVES = 4096


def _flat(expr: Any) -> Any:
    """The same expression with an `$or` inside an `$or` (an `$and` inside an `$and`) merged into it."""
    if not isinstance(expr, dict) or len(expr) != 1:
        return expr
    (op, arg), = expr.items()
    if op not in ("$and", "$or"):
        return expr
    merged: List[Any] = []
    for a in map(_flat, arg):
        merged.extend(a[op] if isinstance(a, dict) and list(a) == [op] else [a])
    return {op: merged}


def _or_of_and(expr: Any) -> bool:
    """Does an `$or` hold an `$and` somewhere (in a flattened expression)?"""
    if not isinstance(expr, dict) or len(expr) != 1 or next(iter(expr)) not in ("$and", "$or"):
        return False
    (op, arg), = expr.items()
    if op == "$or" and any(isinstance(a, dict) and list(a) == ["$and"] for a in arg):
        return True
    return any(map(_or_of_and, arg))


def _alternatives(expr: Any) -> List[List[Expr]]:
    """A flattened expression as alternatives of terms (an OR of ANDs). An `$or` of plain terms stays
    one term (durable_rules takes those, however many)."""
    if not isinstance(expr, dict) or len(expr) != 1 or next(iter(expr)) not in ("$and", "$or") \
            or not _or_of_and(expr) and next(iter(expr)) == "$or":
        return [[expr]]
    (op, arg), = expr.items()
    if op == "$or":
        return [conj for a in arg for conj in _alternatives(a)]
    out: List[List[Expr]] = [[]]
    for a in arg:
        out = [left + right for left in out for right in _alternatives(a)]
        if len(out) > MAX_ALTERNATIVES:
            raise OverflowError
    return out


def split_alternatives(definition: Definition) -> Definition:
    """Rules durable_rules can compile: see MAX_ALTERNATIVES. A rule with more alternatives stays whole
    (durable_matches then says which rules durable refused)."""
    out: Definition = {}
    for name, rule in definition.items():
        expr = _flat(rule["all"][0]["m"])
        if len(rule["all"]) != 1 or not _or_of_and(expr):
            out[name] = rule
            continue
        try:
            found = _alternatives(expr)
        except OverflowError:
            out[name] = rule
            continue
        for i, terms in enumerate(found):
            out[f"{name}_or{i}"] = {**rule, "all": [{"m": all_of(terms)}]}
    return out
