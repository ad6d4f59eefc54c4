"""The small condition language rules use to describe events, and its two back ends.

A condition is a YAML mapping: ``field: value`` (equal), ``field: [a, b]`` (one of),
``field: {at_least: 10}`` (operators below), and ``any:``/``all:`` lists to combine.
The string ``$party`` stands for the party that owes the rule.

Semantics, identical in both back ends (durable_rules JSON and plain Python):
a missing text field is the empty text, so ``not``/``not_in`` hold for it and
equality fails; any comparison on a missing number is false.

A condition is parsed once into a tree of typed nodes (`parse`): `Test` (one field, one operator,
its argument), `AllOf` (every part holds; a mapping's keys and an `all:` list) and `AnyOf` (one
alternative holds; an `any:` list), with `Party` standing for ``$party`` until `bind` puts a party
in its place. Every reader of conditions walks that tree: the durable_rules compiler (`to_durable`),
the plain-Python evaluator (`holds`), the fields a rule reads (`fields_read`), the pre-filter's
and `explain`'s necessary conditions (`guards`), and the test generators. The raw mapping stays
beside it where it is printed (`explain` shows conditions as written). (There is no `not:`
combinator in the language: `not` is an operator of one field's test.)
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Set, Tuple, Union

import attrs
import yaml

from doha_compliance._util.values import whole_number
from doha_compliance.models import IN_ZONE, IN_ZONE_OR_UNKNOWN

NUMERIC_OPS = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt"}
COMBINERS = ("any", "all")
PARTY = "$party"
ZONE_FIELD = "in_zone:"  # issue 25: `in_zone:<zone>` is in, out or unknown, set at intake


# --- the tree -------------------------------------------------------------------------------------

@attrs.frozen
class Party:
    """``$party``: the party that owes the rule, until `bind` names it."""

    def __str__(self) -> str:
        return PARTY


Scalar = Union[str, int, float, bool, None]
Constant = Union[Scalar, Party]
Argument = Union[Constant, Tuple[Constant, ...]]  # a tuple for `in` and `not_in`


@attrs.frozen
class Test:
    """One field compared by one operator (`equals`, `not`, `in`, `not_in`, `at_least`, ...)."""

    field: str
    op: str
    arg: Argument


@attrs.frozen
class AllOf:
    """Every part holds. A mapping's parts come in the order durable_rules is given them: by key,
    and a field's operators by name."""

    parts: Tuple["Node", ...]


@attrs.frozen
class AnyOf:
    """At least one alternative holds (an `any:` list, in its order)."""

    parts: Tuple["AllOf", ...]


Node = Union[Test, AllOf, AnyOf]


def _constant(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_constant(v) for v in value)
    return Party() if value == PARTY and isinstance(value, str) else value


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a raw condition (types kept: `True` and `1` are different tests)."""
    if isinstance(value, Mapping):
        return ("map",) + tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ("list",) + tuple(_frozen(v) for v in value)
    return (type(value).__name__, value)


# Trees by the frozen form of their mapping: each distinct condition is parsed once (bounded: a
# process that loads many rule sets forgets the oldest by starting afresh).
_trees: Dict[Any, AllOf] = {}
_TREES_LIMIT = 4096


def parse(cond: Mapping[str, Any]) -> AllOf:
    """The tree of a condition as written (validated by the rule loader). Each distinct condition
    is parsed once; the tree is immutable, so it is shared."""
    key = _frozen(cond)
    tree = _trees.get(key)
    if tree is None:
        if len(_trees) >= _TREES_LIMIT:
            _trees.clear()
        tree = _trees[key] = _build(cond)
    return tree


def _build(cond: Mapping[str, Any]) -> AllOf:
    parts: List[Node] = []
    for key in sorted(cond):
        value = cond[key]
        if key == "any":
            parts.append(AnyOf(tuple(_build(sub) for sub in value)))
        elif key == "all":
            parts.extend(_build(sub) for sub in value)
        elif key in (IN_ZONE, IN_ZONE_OR_UNKNOWN):
            parts.append(_in_zone(value, key == IN_ZONE_OR_UNKNOWN))
        else:
            parts.extend(Test(key, op, _constant(arg)) for op, arg in sorted(_normal(value).items()))
    return AllOf(tuple(parts))


def _in_zone(value: Any, or_unknown: bool) -> Node:
    """`in_zone: Z` (issue 25) tests the field `in_zone:Z` intake sets to `in`, `out` or `unknown` (the
    event's location is not known); `[Z1, Z2]` is one of them. As an act's condition (`Rule.act_condition`
    spells it `in_zone?`) an unknown location is admitted too, for the judge to call the act unresolved."""
    admitted: Tuple[Constant, ...] = ("in", "unknown") if or_unknown else ("in",)
    names = [value] if isinstance(value, str) else list(value)
    alternatives = tuple(AllOf((Test(ZONE_FIELD + name, "in", admitted),)) for name in names)
    return alternatives[0].parts[0] if len(alternatives) == 1 else AnyOf(alternatives)


def as_tree(cond: Union[Mapping[str, Any], Node]) -> Node:
    """A tree as it is; a raw mapping parsed."""
    return parse(cond) if isinstance(cond, Mapping) else cond


def bind(tree: AllOf, party: str) -> AllOf:
    """The tree with ``$party`` replaced by a concrete party id."""
    return AllOf(tuple(_bind(part, party) for part in tree.parts))


def _bind(node: Node, party: str) -> Node:
    if isinstance(node, AllOf):
        return bind(node, party)
    if isinstance(node, AnyOf):
        return AnyOf(tuple(bind(alternative, party) for alternative in node.parts))
    arg = node.arg
    bound: Argument
    if isinstance(arg, tuple):
        bound = tuple(party if isinstance(v, Party) else v for v in arg)
    else:
        bound = party if isinstance(arg, Party) else arg
    return node if bound == arg else Test(node.field, node.op, bound)


def tests(node: Node) -> Iterator[Test]:
    """Every leaf test, however deep under any:/all:."""
    if isinstance(node, Test):
        yield node
    else:
        for part in node.parts:
            yield from tests(part)


# --- reading the raw mapping (the loader's checks run before it is parsed) -------------------------

def substitute_party(cond: Any, party: str) -> Any:
    """Replace ``$party`` by a concrete party id, everywhere in a raw condition (for code that still
    holds the mapping; trees use `bind`)."""
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


def without_numbers(cond: Mapping[str, Any]) -> Dict[str, Any]:
    """The condition with every test on a number left out (`count: 0`, `count: {at_most: 8600}`): what
    an event must be to bear on a deadline's part at all, whatever figure it reports (a troop level of
    7,000 bears on "forces at zero" without meeting it). Weaker than the condition: whatever matches
    it matches this. An `any:` with an alternative left empty always holds, so it is left out; an
    empty result matches every event."""
    out: Dict[str, Any] = {}
    for key, value in cond.items():
        if key in COMBINERS:
            subs = [without_numbers(sub) for sub in value]
            if key == "any" and any(not sub for sub in subs):
                continue
            kept = [sub for sub in subs if sub]
            if kept:
                out[key] = kept
            continue
        tests_kept = {op: arg for op, arg in _normal(value).items() if not is_numeric_test(op, arg)}
        if tests_kept:
            out[key] = value if tests_kept == _normal(value) else tests_kept  # as written, when all kept
    return out


def leaves(cond: Mapping[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """Every (field, {operator: argument}) a raw condition tests, however deep under any:/all:."""
    for key, value in cond.items():
        if key in COMBINERS:
            for sub in value:
                yield from leaves(sub)
        else:
            yield key, _normal(value)


# --- walking the tree -----------------------------------------------------------------------------

def fields_read(cond: Union[Mapping[str, Any], Node], numeric: Set[str], text: Set[str]) -> None:
    """Collect the fields a condition reads, split by how they are compared (a field compared
    both ways is numeric: callers take the numeric ones out of the text ones)."""
    for test in tests(as_tree(cond)):
        (numeric if is_numeric_test(test.op, test.arg) else text).add(test.field)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_numeric_test(op: str, arg: Any) -> bool:
    """Numbers are compared as numbers; everything else as text."""
    if op in NUMERIC_OPS:
        return True
    if op in ("in", "not_in"):
        return bool(arg) and all(_is_int(v) for v in arg)
    return _is_int(arg)


def guards(cond: Union[Mapping[str, Any], Node]) -> List[Dict[str, Set[str]]]:
    """Necessary conditions of a condition: alternatives of {field: admitted values (as text)}.

    Only a field tested by equality or one-of alone (in one mapping) narrows; any other operator
    admits everything (sound, not tight). `all:` narrows; a top-level `any:` gives one guard per
    alternative (an `any` inside `all` is left out: admitting more stays sound). The pre-filter
    keeps events out of durable_rules with these; `explain` says which rules read an event's type."""
    return _guards(as_tree(cond))


def _narrow(guard: Dict[str, Set[str]], more: Dict[str, Set[str]]) -> Dict[str, Set[str]]:
    """Both guards at once (AND): admitted values intersect field by field."""
    out = dict(guard)
    for key, values in more.items():
        out[key] = out[key] & values if key in out else values
    return out


def _guards(node: Node) -> List[Dict[str, Set[str]]]:
    if isinstance(node, AnyOf):
        return [guard for alternative in node.parts for guard in _guards(alternative)]
    if isinstance(node, Test):
        node = AllOf((node,))
    per_field: Dict[str, List[Test]] = {}
    for part in node.parts:
        if isinstance(part, Test):
            per_field.setdefault(part.field, []).append(part)
    base: Dict[str, Set[str]] = {}
    for field, found in per_field.items():
        if len(found) == 1 and found[0].op in ("equals", "in"):
            arg = found[0].arg
            base[field] = {str(v) for v in arg} if isinstance(arg, tuple) else {str(arg)}
    alternatives: List[Dict[str, Set[str]]] = [base]
    for part in node.parts:
        if isinstance(part, AllOf):  # an `all:` entry
            inner = _guards(part)
            if len(inner) == 1:
                alternatives = [_narrow(g, inner[0]) for g in alternatives]
        elif isinstance(part, AnyOf):
            alternatives = [_narrow(g, alt) for g in alternatives for alt in _guards(part)]
    return alternatives


# --- durable_rules back end -------------------------------------------------

# A durable_rules JSON expression: its format, not ours (hence Any).
Expr = Dict[str, Any]


def _and(parts: List[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: List[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def to_durable(cond: Union[Mapping[str, Any], Node]) -> List[Expr]:
    """The condition (bound to a party) as a list of durable_rules expressions, to be AND-ed by the caller."""
    node = as_tree(cond)
    if isinstance(node, AllOf):
        return [expr for part in node.parts for expr in to_durable(part)]
    if isinstance(node, AnyOf):
        return [_or([_and(to_durable(sub) or [{"$ex": {"type": 1}}]) for sub in node.parts])]
    key, op, arg = node.field, node.op, node.arg
    values = arg if isinstance(arg, tuple) else (arg,)  # `in` and `not_in` hold a tuple
    if op in NUMERIC_OPS:
        return [{NUMERIC_OPS[op]: {key: arg}}]
    if op == "equals":
        return [{key: arg}]
    if op == "not":
        return [{"$neq": {key: arg}}]
    if op == "in":
        return [_or([{key: v} for v in values])]
    if op == "not_in":
        return [{"$neq": {key: v}} for v in values]
    return []


# --- plain Python back end --------------------------------------------------

def _text(arg: Any) -> Any:
    """An argument as event text is compared with it (an unbound ``$party`` is the text "$party")."""
    if isinstance(arg, tuple):
        return tuple(_text(v) for v in arg)
    return PARTY if isinstance(arg, Party) else arg


def _test(op: str, arg: Any, value: Any) -> bool:
    arg = _text(arg)
    text: object
    if is_numeric_test(op, arg):
        number = whole_number(value)  # 4 from JSONL and "4" from CSV alike
        if number is None:
            return False
        if op == "at_least":
            return bool(number >= arg)
        if op == "at_most":
            return bool(number <= arg)
        if op == "above":
            return bool(number > arg)
        if op == "below":
            return bool(number < arg)
        text = number  # equality tests below work on numbers too
    else:
        text = "" if value is None else str(value)
    if op == "equals":
        return bool(text == arg)
    if op == "not":
        return bool(text != arg)
    if op == "in":
        return bool(text in arg)
    if op == "not_in":
        return bool(text not in arg)
    raise ValueError(f"unknown operator {op}")


def holds(node: Node, get: Callable[[str], Any]) -> bool:
    """Does an event (read through `get(field)`) satisfy the tree?"""
    if isinstance(node, Test):
        return _test(node.op, node.arg, get(node.field))
    if isinstance(node, AnyOf):
        return any(holds(sub, get) for sub in node.parts)
    return all(holds(part, get) for part in node.parts)


def matches(cond: Union[Mapping[str, Any], Node], get: Callable[[str], Any]) -> bool:
    """Does an event (read through `get(field)`) satisfy the condition (a tree, or a raw mapping)?"""
    return holds(as_tree(cond), get)


def as_text(cond: Mapping[str, Any]) -> str:
    """A condition as one line of flow YAML, keys sorted (`{actor: us, type: airstrike}`): how explain
    and `rules list` show it."""
    return str(yaml.safe_dump(dict(cond), sort_keys=True, default_flow_style=True, width=1000)).strip()
