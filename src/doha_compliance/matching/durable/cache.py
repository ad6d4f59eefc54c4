"""The decision cache: durable_rules decides each distinct (bucketed) narrow fact once."""
from __future__ import annotations

import bisect
import logging
import math
import operator
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple

import attrs

from doha_compliance.models import EVENT_FIELDS, Event

from .compile import CATCH_ALL, NEVER, Definition
from .facts import Values, fact

# What one fact matched: (kind, unit) each, as the rules' actions record them — ("h", unit) an act,
# "k" a justifier, "f" a fulfilment (of (version, party, part)), "c" coverage, "t" a trigger,
# "b" an event bearing on a part of a several-part deadline (of (version, party, part)).
Tags = Tuple[Tuple[str, Any], ...]
# A decision's key: the day's bucket, then each tested field's bucket (see `Decisions`).
Key = Tuple[Any, ...]
# Decisions kept at most; past it the cache is cleared (a safety net: keys are bounded by
# construction unless a rule compares a field in a way `bucketing` cannot bound, e.g. a regex).
CACHE_LIMIT = 20_000
RECENT_LIMIT = 4_096  # raw inputs remembered in front of the cache (see `Decisions`)
_log = logging.getLogger(__name__)


class _Opaque(Exception):
    """The ruleset holds a test the cache cannot key on (a join, a reference to state)."""


def _comparisons(definition: Definition) -> Dict[str, List[Tuple[str, Any]]]:
    """Every (operator, constant) each fact field is compared with, over the whole ruleset.

    Raises `_Opaque` unless every rule tests one fact at a time against constants: a rule with
    two patterns (a join), or a constant that refers to another fact or to state, makes a
    fact's decision depend on more than the fact."""
    found: Dict[str, List[Tuple[str, Any]]] = {}

    def term(op: str, tested: Any) -> None:
        if not isinstance(tested, dict) or not tested:
            raise _Opaque(f"{op}: {tested!r}")
        for field, constant in tested.items():
            if isinstance(constant, (dict, list)):
                raise _Opaque(f"{field} compared with {constant!r}")
            found.setdefault(field, []).append((op, constant))

    def walk(expr: Any) -> None:
        if not isinstance(expr, dict):
            raise _Opaque(repr(expr))
        for key, value in expr.items():
            if key in ("$and", "$or"):
                for sub in value:
                    walk(sub)
            elif key in ("$ex", "$nex"):
                term("$ex", {field: None for field in value})
            elif key.startswith("$"):  # $gte, $lt, $neq, ... but also $mt (regex) and the like
                term(key, value)
            else:
                term("$eq", {key: value})

    for name, rule in definition.items():
        patterns = rule["all"]
        if name == CATCH_ALL and patterns[1:] == [{"n": NEVER}]:
            patterns = patterns[:1]  # its second half matches no fact: it only marks facts handled
        if set(rule) - {"all", "cap", "tag"} or len(patterns) != 1:
            raise _Opaque(f"rule {name} is not a test of one fact")
        (expr,) = patterns[0].values()
        walk(expr)
    return found


_ORDER_OPS = {"$gte", "$gt", "$lte", "$lt", "$eq", "$neq", "$ex"}
_TEXT_OPS = {"$eq", "$neq", "$ex"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer_cuts(tests: List[Tuple[str, Any]]) -> List[int]:
    """Where the answer of an order or equality test can change, for whole numbers: `at_least: 5`
    cuts at 5 ("below 5 / 5 and above"), `above: 5` and `at_most: 5` at 6, `equals: 5` at 5 and 6."""
    cuts = set()
    for op, c in tests:
        if op in ("$gte", "$lt"):
            cuts.add(math.ceil(c))
        elif op in ("$gt", "$lte"):
            cuts.add(math.floor(c) + 1)
        elif op in ("$eq", "$neq") and c == int(c):
            cuts.update((int(c), int(c) + 1))
    return sorted(cuts)


def _numeric_bucket(tests: List[Tuple[str, Any]]) -> Callable[[Any], Any]:
    """A number's interval between the cut points of the tests on its field: two whole numbers in
    one interval pass and fail the same tests. Absent: None (every test on it is false).
    Numbers that are not whole (the fact maker makes none today) get their place among the
    constants: equal to the i-th, or strictly between two."""
    cuts = _integer_cuts(tests)
    constants = sorted({c for op, c in tests if op != "$ex"})
    right, left = bisect.bisect_right, bisect.bisect_left

    def bucket(value: Any) -> Any:
        if type(value) is int:
            return right(cuts, value)
        if value is None:
            return None
        if type(value) is float:
            i = left(constants, value)
            return ("place", i, i < len(constants) and constants[i] == value)
        return ("value", value)  # not a number: kept as is
    return bucket


def bucketing(comparisons: Mapping[str, List[Tuple[str, Any]]], numeric: Set[str]
               ) -> Dict[str, Callable[[Any], Any]]:
    """For each field a rule tests, the function that maps its value to what the tests can tell apart.

    - numbers compared by order or equality with numeric constants: the interval between the cut
      points of those tests (`_numeric_bucket`) — `at_least: 5` alone splits values in two;
    - text compared by equality, `in`, `not`, `not_in` with text constants: which constant, or
      none of them (None) — a finite key space however many distinct texts the stream holds;
    - anything else (a regex, a number compared with text): the value itself, unbounded, which is
      why the cache also has a size limit."""
    out: Dict[str, Callable[[Any], Any]] = {}
    for field, tests in comparisons.items():
        ops = {op for op, _ in tests}
        constants = [c for op, c in tests if op != "$ex"]
        if field in numeric and ops <= _ORDER_OPS and all(_is_number(c) for c in constants):
            out[field] = _numeric_bucket(tests)
        elif field not in numeric and ops <= _TEXT_OPS and all(isinstance(c, str) for c in constants):
            table = {c: c for c in constants}
            out[field] = table.get  # fact text is never None: None means "none of the constants"
        else:
            out[field] = _identity
    return out


def _identity(value: Any) -> Any:
    return value


class Decisions:
    """Which rules each fact matches, decided by durable_rules once per distinct key.

    Sound because of what a key holds and what the ruleset can test (checked by `_comparisons`,
    or the cache stays off): every rule tests one fact at a time against constants, so a fact's
    tags are a function of the values of the fields tested, and the key keeps exactly what those
    tests can tell apart (`bucketing`). The day is one of those fields: rule windows are tests
    of `day` against each version's first and last day, so the day's bucket is an id of the set
    of versions in force — it changes only at amendment boundaries and window edges.

    It serves every per-fact decision the compiled ruleset makes, whatever rule kind asked for it
    — acts (with their `scope`), justifiers, fulfilments and their parts, deadline coverage,
    continuing rules' coverage, triggers (`starts_when: {when: ...}`), claims; tomorrow an event a
    `level` rule counts — with no code per kind: the tags are whatever the rules' actions record. What needs more than one fact — a
    justification window, a claim's lookback, totals toward a deadline, counts per period — is
    decided in Python from these tags, not by a durable_rules join; a ruleset with a join would
    make `_comparisons` refuse, and every fact would go to durable_rules as before.

    In front of it, `_recent` remembers, for the versions in force now, the decision for the raw
    field values an event's narrow fact is made from (its `_inputs`): a repeat is then one tuple
    and one dict lookup, without the pre-filter, the narrow fact or its key. Same inputs, same
    narrow fact, same key: it can only repeat what the cache would say. It holds at most
    RECENT_LIMIT entries (raw numbers are not bucketed there) and is emptied when they change.

    With `enabled=False` every fact the pre-filter admits goes to durable_rules (the laws compare
    both ways)."""

    def __init__(self, definition: Definition, names: Tuple[str, ...], numeric: Set[str],
                 narrow: Callable[[Event], Values], could_match: Callable[[Event], bool],
                 enabled: bool = True, limit: Optional[int] = None):
        self.names, self.narrow, self.could_match = names, narrow, could_match
        self.limit = CACHE_LIMIT if limit is None else limit
        self.cache: Dict[Key, Tags] = {}
        self.entered = self.asserted = self.clears = 0
        buckets: Dict[str, Callable[[Any], Any]] = {}
        if enabled:
            try:
                comparisons = _comparisons(definition)
                outside = sorted(set(comparisons) - set(names) - {"day"})
                if outside:  # e.g. `id`: a fact's decision would depend on more than its key
                    raise _Opaque(f"rules test {', '.join(outside)}, which the key does not hold")
                buckets = bucketing(comparisons, numeric | {"day"})
            except _Opaque as why:
                _log.debug("decision cache off: %s", why)
                enabled = False
        self.enabled = enabled
        self._day = buckets.get("day", _identity)
        # (position in the narrow values, bucket) for every value a rule tests
        self._keyed = tuple((i, buckets[n]) for i, n in enumerate(names) if n in buckets)
        plain = [n for n in names if n in EVENT_FIELDS and n != "date"]
        self._plain = operator.attrgetter(*plain) if plain else _nothing
        self._extras = tuple(n for n in names if n not in EVENT_FIELDS)
        self._daily = "date" in names  # the date itself is read: inputs differ from day to day
        self._recent: Dict[Any, Tuple[bool, Tags]] = {}  # inputs -> (pre-filter admits, tags)
        self._epoch: Any = _nothing

    def key(self, day: Any, values: Values) -> Key:
        return (day,) + tuple([bucket(values[i]) for i, bucket in self._keyed])

    def _inputs(self, event: Event) -> Any:
        """The raw values the narrow fact is made from (`narrow_maker` reads these and nothing else).
        Most events carry no extra field: their contract values alone (a tuple of another length)."""
        extra = event.extra
        if not extra or not self._extras:
            return self._plain(event)
        return (self._plain(event),) + tuple([extra.get(n) for n in self._extras])

    def of_day(self, day: int, events: List[Event],
               ask: Callable[[List[Dict[str, Any]]], Dict[str, List[Tuple[str, Any]]]]) -> List[Tags]:
        """The tags of each of a day's events (none for those the pre-filter refuses). `ask(facts)`
        runs facts through durable_rules (one batch) and returns the tags each fact id fired; only
        facts of unseen keys are asked about."""
        names, narrow = self.names, self.narrow
        if not self.enabled:
            todays = [e for e in events if self.could_match(e)]
            self.entered += len(todays)
            self.asserted += len(todays)
            fired = ask([fact(names, e.id, day, narrow(e)) for e in todays]) if todays else {}
            return [_unique(fired.get(e.id, ())) for e in events]
        epoch = self._day(day)
        recent = self._recent
        if epoch != self._epoch or self._daily or len(recent) > RECENT_LIMIT:
            recent.clear()
            self._epoch = epoch
        known: List[Any] = []  # a decision, or the inputs to decide
        missing: Dict[Any, Event] = {}
        for event in events:
            inputs = self._inputs(event)
            try:
                got = recent.get(inputs)
            except TypeError:  # a list or mapping in an extra field: decided, not remembered
                got, inputs = None, _Unhashable(event.id)
            if got is None:
                if inputs not in missing:
                    missing[inputs] = event
                known.append(_Pending(inputs))
            else:
                known.append(got)
        if missing:
            decided = self._decide(day, epoch, missing, ask)
            known = [decided[got.inputs] if type(got) is _Pending else got for got in known]
        entered = 0
        out = []
        for admitted, tags in known:
            entered += admitted
            out.append(tags)
        self.entered += entered
        return out

    def _decide(self, day: int, epoch: Any, missing: Dict[Any, Event],
                ask: Callable[[List[Dict[str, Any]]], Dict[str, List[Tuple[str, Any]]]]) -> Dict[Any, Tuple[bool, Tags]]:
        """Decisions for inputs not seen lately: from the cache, or from durable_rules."""
        cache, names = self.cache, self.names
        decided: Dict[Any, Tuple[bool, Tags]] = {}
        keys: Dict[Any, Key] = {}
        unseen: Dict[Key, str] = {}
        facts = []
        for inputs, event in missing.items():
            if not self.could_match(event):
                decided[inputs] = (False, ())
                continue
            values = self.narrow(event)
            key = keys[inputs] = self.key(epoch, values)
            if key not in cache and key not in unseen:
                unseen[key] = event.id
                facts.append(fact(names, event.id, day, values))
        learnt: Dict[Key, Tags] = {}
        if facts:
            self.asserted += len(facts)
            fired = ask(facts)
            learnt = {key: _unique(fired.get(eid, ())) for key, eid in unseen.items()}
        for inputs, key in keys.items():
            decided[inputs] = (True, learnt[key] if key in learnt else cache[key])
        if learnt:
            if len(cache) + len(learnt) > self.limit:
                cache.clear()
                self.clears += 1
            cache.update(learnt)
        recent = self._recent
        for inputs, decision in decided.items():
            if type(inputs) is not _Unhashable:
                recent[inputs] = decision
        return decided


@attrs.frozen
class _Unhashable:
    """Stands for the inputs of an event that cannot be a dict key (decided alone)."""
    event_id: str


@attrs.frozen
class _Pending:
    inputs: Any


def _nothing(event: Event) -> None:
    return None


def _unique(tags: Iterable[Tuple[str, Any]]) -> Tags:
    """Each tag once, in first-fired order (an `any:` fires once per satisfied branch)."""
    return tuple(dict.fromkeys(tags))
