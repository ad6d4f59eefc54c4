"""The Python decider: the compiled ruleset's patterns evaluated in plain Python.

Same definition, same narrow facts, same batches and cache as durable_rules (`deciders`): each
rule's JSON expression is compiled once into a predicate on a fact dict, and a fact's tags are
those of the rules it satisfies, in definition order — the order durable_rules fires them for one
fact (measured: a fact matching rules h0, k0, h1, f2_0, ... fires them in that order; an `$or`
fires once per satisfied branch, which `cache._unique` reduces to one tag, first-fired first).
The catch-all (a join no fact completes) never fires.

Every form the compiler emits (`conditions.to_durable`, `compile`): `$and`, `$or`, `$gte`,
`$gt`, `$lte`, `$lt`, `$neq`, `$ex`, and `{field: constant}` equality. Facts hold text fields
always ("" when missing), numbers (`day` and numeric fields) only when present; rule constants
are text or whole numbers (the rules schema admits nothing else).

How durable_rules 2.0.28 decides where it is subtle, measured on a one-rule ruleset with
`assert_facts` (each case has a test running both deciders: tests/test_deciders.py):
- A test on an absent field never holds: not `$gte`/`$gt`/`$lte`/`$lt`, not equality, and
  not `$neq` either (`{"$neq": {"x": 5}}` does not fire for a fact without `x`).
- A number compared with a text constant by equality compares its decimal text: `{"x": "5"}`
  fires for `x: 5`, `{"$neq": {"x": "5"}}` does not; "05", "5.0", " 5" are not 5.
- Text (including "") compared with a whole-number constant (a text field under a mixed
  `in: [1, "a"]`, or a text field of the event contract tested with `at_least`): durable_rules
  answers *inconsistently* — the same fact and rule decide differently depending on the other
  facts in the batch (`{"x": 5}` fired for "5" in one batch and not in another; `$neq 5` on ""
  fired alone and not beside others; order tests found "" both >= and <= every number). No
  rule can rely on that; here text never equals a number (`$eq` false, `$neq` true) and an
  order test of text is false, as the reference's text comparison (`conditions._test`) says for
  equality. The generated rule sets of the laws never compare that way.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Dict, List, Tuple

from .compile import Ask, Definition, Tag

Fact = Dict[str, Any]
Predicate = Callable[[Fact], bool]
_ORDER = {"$gte": operator.ge, "$gt": operator.gt, "$lte": operator.le, "$lt": operator.lt}


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _equal(value: Any, constant: Any) -> bool:
    """Equality as durable_rules decides it for the values facts and rules hold (see above)."""
    if _is_number(value):
        return bool(value == constant) if _is_number(constant) else str(value) == constant
    return not _is_number(constant) and bool(value == constant)


def _compare(op: str, field: str, constant: Any) -> Predicate:
    if op in _ORDER:
        order = _ORDER[op]

        def ordered(fact: Fact) -> bool:
            value = fact.get(field)
            return value is not None and _is_number(value) and bool(order(value, constant))
        return ordered
    if op == "$neq":
        return lambda fact: field in fact and not _equal(fact[field], constant)
    if op == "$eq":
        return lambda fact: field in fact and _equal(fact[field], constant)
    raise ValueError(f"the Python decider has no operator {op}")


def _all(predicates: List[Predicate]) -> Predicate:
    return predicates[0] if len(predicates) == 1 else lambda fact: all(p(fact) for p in predicates)


def _any(predicates: List[Predicate]) -> Predicate:
    return lambda fact: any(p(fact) for p in predicates)


def _present(fields: Tuple[str, ...]) -> Predicate:
    return lambda fact: all(f in fact for f in fields)


def compile_expression(expr: Any) -> Predicate:
    """A durable_rules pattern expression as a predicate on a fact (compiled once per rule)."""
    if not isinstance(expr, dict) or not expr:
        raise ValueError(f"the Python decider cannot read the pattern {expr!r}")
    parts: List[Predicate] = []
    for key, value in expr.items():
        if key == "$and":
            parts.append(_all([compile_expression(sub) for sub in value]))
        elif key == "$or":
            parts.append(_any([compile_expression(sub) for sub in value]))
        elif key == "$ex":
            parts.append(_present(tuple(value)))
        elif key.startswith("$"):
            parts.append(_all([_compare(key, field, constant) for field, constant in value.items()]))
        else:
            parts.append(_compare("$eq", key, value))
    return _all(parts)


def _rules(definition: Definition) -> List[Tuple[Predicate, Tag]]:
    """(predicate, tag) of every rule that can fire, in definition order. A rule of one pattern
    is a test of one fact; a rule without a tag (the catch-all join) never fires."""
    out = []
    for name, rule in definition.items():
        if rule.get("tag") is None:
            continue
        patterns = rule["all"]
        if len(patterns) != 1:
            raise ValueError(f"the Python decider decides one fact at a time; rule {name} is a join")
        (expr,) = patterns[0].values()
        out.append((compile_expression(expr), rule["tag"]))
    return out


def python_decider(definition: Definition) -> Tuple[Ask, Callable[[], None]]:
    """(ask, close) deciding facts by the compiled rules' predicates (see `deciders`)."""
    rules = _rules(definition)

    def ask(facts: List[Fact]) -> Dict[str, List[Tag]]:
        out: Dict[str, List[Tag]] = {}
        for fact in facts:
            tags = [tag for matches, tag in rules if matches(fact)]
            if tags:
                out[fact["id"]] = tags
        return out

    return ask, _nothing


def _nothing() -> None:
    return None
