"""The durable_rules engine, behind one function: `durable_matches`.

durable_rules decides each *distinct* fact once. Whether an event is an act, a justifier, a
fulfilment, coverage or a claim (its "tags") depends only on the narrow fact — the fields rules
read — and on the rule versions in force that day; at scale the same narrow fact recurs again and
again (100,000 synthetic events: 308 distinct). So a day's facts are keyed (`_Decisions`): the
narrow fact without id, each field reduced to what the ruleset's tests can tell apart (a number
tested only by `at_least: 5` to "below 5 / 5 and above", a text tested against constants to
"which constant, or none"), and the day reduced to the interval between rule window edges (an id
of the versions in force). Only facts of unseen keys go to durable_rules, in the same per-day
batches with the catch-all; repeats take the cached decision. Which kinds this serves and why it
is sound: `_Decisions`. `durable_matches(cache=False)` sends every fact, for the laws.

How durable_rules is used, and why (each point was measured on 2.0.28):
- A private `Host` per evaluation, with its background dispatch threads switched
  off: we never use wall-clock timers, and the threads of every Host ever made
  would otherwise keep running. The ruleset is deleted from the C engine after use
  (rulesets cannot be unregistered). These use private internals, all of them in
  `durable_internals`, which checks the installed version.
- Rulesets are JSON compiled from the YAML rules, under a unique name.
- Events enter as *facts* (`assert_facts`), so every rule that matches an event fires
  (a `post`ed event is consumed by the first match): an attack is a hit of one rule
  and a justifier for another. Facts are retracted at the end of their day.
- Time is event time: events arrive sorted by (date, id) with their day number as a
  field. Deadlines are decided by `judge.Judge`.
- A conditional rule's window ("a strike is justified by an attack in the same
  province in the 14 days before") is not a durable_rules join. durable_rules says
  which events are acts (`h` rules) and which are justifiers (`k` rules); the window is
  a lookup in `_Justifiers`, by event date and the shared fields. A join hands over
  every (act, justifier) pair: with activity concentrated in one province (10,000 ACLED
  rows, 1.1 million pairs) it took 18.8 s, most of it decoding the pairs' JSON, and it
  grows with the square of the density. The lookup counts them instead (and no join is
  what makes every decision a decision about one fact, which the cache needs).
  While it was a join we found that durable_rules ignores join terms placed after an
  `$or` (it joined an attack to a strike the day before it); the oracle keeps that case.
- A catch-all rule on `type` means an event no rule concerns is still handled
  (durable raises MessageNotHandledException otherwise). A catch-all on `id`
  hung the process (so does `$nex`), and aliases named `s` clash with the closure's
  state. The catch-all is a join whose second half no fact can satisfy: a fact that
  enters its first half counts as handled, and no action ever runs. An action costs
  more than the matching (durable_rules serialises the state for each one):
  a catch-all that fired for every fact made the engine twice as slow.
- Every rule has a `cap`: a day's matches of a rule reach its action as one
  list, not one action each. The per-action cost is a JSON round trip of the state
  in durable_rules' Python layer; capped actions made the engine 1.7x faster.
- A day's facts go in as one `assert_facts` batch (fewer round trips). Without the
  catch-all this would be unsafe: one unhandled fact in a batch raises, and then no
  action runs for the facts that did match. `any:` alternatives compile to `$or`,
  which fires once per satisfied branch: a decision keeps each tag once.
- Only the fields rules read are passed in, keeping facts narrow (a 16 MiB text field
  segfaults durable_rules: nothing else of a row reaches it), and events whose (type, actor)
  no rule condition admits never enter (`prefilter`): they would only meet the catch-all.
"""
from __future__ import annotations

import bisect
import collections
import datetime as dt
import itertools
import logging
import math
import operator
from typing import (
    Any,
    Callable,
    Deque,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
)

import attrs

from doha_compliance._util.values import whole_number
from doha_compliance.errors import ComplianceError
from doha_compliance.matching.matches import (
    MAX_JUSTIFIERS,
    Matches,
    Unit,
    covers_continuing,
    first_effective,
    match_window,
    units,
)
from doha_compliance.models import EVENT_FIELDS, Agreement, Event
from doha_compliance.rules import conditions

from ._adapter import RulesetRefused, delete_ruleset, fact_dict, new_host

_names = itertools.count()


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


def narrow_maker(numeric: Set[str], text: Set[str]) -> Tuple[Tuple[str, ...], Callable[[Event], tuple]]:
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

    def values(event: Event) -> tuple:
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


def _fact(names: Tuple[str, ...], event_id: str, day: int, values: tuple) -> Dict[str, Any]:
    """The durable_rules fact: id, day number, and the narrow values (absent numbers left out)."""
    fact: Dict[str, Any] = {"id": event_id, "day": day}
    for name, value in zip(names, values):
        if value is not None:
            fact[name] = value
    return fact


def fact_maker(numeric: Set[str], text: Set[str]) -> Callable[[Event], Dict[str, Any]]:
    """Build the durable_rules fact of an event: its id, its day number, and only the fields rules read."""
    names, values = narrow_maker(numeric, text)
    return lambda event: _fact(names, event.id, event.date.toordinal(), values(event))


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


def _all(parts: List[dict]) -> dict:
    if not parts:
        return {"$ex": {"type": 1}}
    return parts[0] if len(parts) == 1 else {"$and": parts}


# Matches a rule hands its action at once. Each action costs a JSON round trip of the state in
# durable_rules' Python layer; with `cap` a day's matches of a rule arrive in one action, not one each.
CAP = 10_000
# The catch-all's second half: a type no event can have (event types are ids, `[a-z0-9_][a-z0-9_.@-]*`).
_NEVER = {"type": "\u0000never"}
CATCH_ALL = "_any"


def compile_ruleset(agreement: Agreement, record: Callable[..., None]) -> dict:
    """The durable_rules JSON definition: hits, justifiers, fulfilments and coverage, plus the catch-all."""
    definition: Dict[str, dict] = {}

    def action(*tag: Any) -> Callable[[Any], None]:
        # With `cap`, c.m is the list of matching facts. Keep only ids: holding on to durable's
        # closure objects costs memory and time.
        # The plain dict inside durable's Content wrapper spares a wrapper per match (durable_internals).
        def matched(c: Any) -> None:
            for fact in c.m:
                record(tag, fact_dict(fact)["id"])
        return matched

    def durable(cond: Mapping[str, Any], party: str) -> List[dict]:
        return conditions.to_durable(conditions.substitute_party(cond, party))

    for index, (rule, party) in enumerate(units(agreement)):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        window = [{"$gte": {"day": start.toordinal()}}]
        if end is not None:
            window.append({"$lte": {"day": end.toordinal()}})
        if rule.starts_when and rule.starts_when.when:
            since = [{"$gte": {"day": first_effective(agreement, rule).toordinal()}}]
            definition[f"t{index}"] = {"all": [{"m": _all(durable(rule.starts_when.when, party) + since)}], "cap": CAP,
                                       "run": action("t", unit)}
        if rule.traits.deadline:
            for part, fulfilment in enumerate(rule.fulfilments):
                definition[f"f{index}_{part}"] = {"all": [{"m": _all(durable(fulfilment.when, party) + window)}],
                                                  "cap": CAP, "run": action("f", (rule.version, party, part))}
            if rule.covered_by:
                definition[f"c{index}"] = {"all": [{"m": _all(durable(rule.covered_by, party))}], "cap": CAP,
                                           "run": action("c", unit)}
            continue
        if rule.traits.through_claims:
            continue
        if covers_continuing(rule):
            cover = durable(rule.coverage_condition or {}, party) + window
            definition[f"v{index}"] = {"all": [{"m": _all(cover)}], "cap": CAP, "run": action("v", unit)}
        cond = durable(rule.when if rule.traits.claim else rule.act_condition, party) + window
        if rule.traits.claim:
            cond.append({"$neq": {rule.accused_field: ""}})
        definition[f"h{index}"] = {"all": [{"m": _all(cond)}], "cap": CAP, "run": action("h", unit)}
        if rule.traits.justifiable:
            jb = rule.justified_by
            assert jb is not None
            jcond = conditions.to_durable(conditions.substitute_party(jb.when, party))
            definition[f"k{index}"] = {"all": [{"m": _all(jcond)}], "cap": CAP, "run": action("k", unit)}
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": _NEVER}], "run": action("_")}
    return definition


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


def _alternatives(expr: Any) -> List[List[dict]]:
    """A flattened expression as alternatives of terms (an OR of ANDs). An `$or` of plain terms stays
    one term (durable_rules takes those, however many)."""
    if not isinstance(expr, dict) or len(expr) != 1 or next(iter(expr)) not in ("$and", "$or") \
            or not _or_of_and(expr) and next(iter(expr)) == "$or":
        return [[expr]]
    (op, arg), = expr.items()
    if op == "$or":
        return [conj for a in arg for conj in _alternatives(a)]
    out: List[List[dict]] = [[]]
    for a in arg:
        out = [left + right for left in out for right in _alternatives(a)]
        if len(out) > MAX_ALTERNATIVES:
            raise OverflowError
    return out


def split_alternatives(definition: Dict[str, dict]) -> Dict[str, dict]:
    """Rules durable_rules can compile: see MAX_ALTERNATIVES. A rule with more alternatives stays whole
    (durable_matches then says which rules durable refused)."""
    out: Dict[str, dict] = {}
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
            out[f"{name}_or{i}"] = {**rule, "all": [{"m": _all(terms)}]}
    return out


def _always_covered(agreement: Agreement) -> Dict[Unit, dt.date]:
    """Deadline units judged whatever the input holds (they name no `covered_by`)."""
    return {(rule.version, party): dt.date.max for rule, party in units(agreement)
            if rule.traits.deadline and not rule.covered_by}


# --- the decision cache --------------------------------------------------------------------------

# What one fact matched: (kind, unit) each, as the rules' actions record them — ("h", unit) an act,
# "k" a justifier, "f" a fulfilment (of (version, party, part)), "c"/"v" coverage, "t" a trigger.
Tags = Tuple[Tuple[str, Any], ...]
# Decisions kept at most; past it the cache is cleared (a safety net: keys are bounded by
# construction unless a rule compares a field in a way `_bucketing` cannot bound, e.g. a regex).
CACHE_LIMIT = 20_000
RECENT_LIMIT = 4_096  # raw inputs remembered in front of the cache (see `_Decisions`)
_log = logging.getLogger(__name__)


class _Opaque(Exception):
    """The ruleset holds a test the cache cannot key on (a join, a reference to state)."""


def _comparisons(definition: Mapping[str, dict]) -> Dict[str, List[Tuple[str, Any]]]:
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
        if name == CATCH_ALL and patterns[1:] == [{"n": _NEVER}]:
            patterns = patterns[:1]  # its second half matches no fact: it only marks facts handled
        if set(rule) - {"all", "cap", "run"} or len(patterns) != 1:
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


def _bucketing(comparisons: Mapping[str, List[Tuple[str, Any]]], numeric: Set[str]
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


class _Decisions:
    """Which rules each fact matches, decided by durable_rules once per distinct key.

    Sound because of what a key holds and what the ruleset can test (checked by `_comparisons`,
    or the cache stays off): every rule tests one fact at a time against constants, so a fact's
    tags are a function of the values of the fields tested, and the key keeps exactly what those
    tests can tell apart (`_bucketing`). The day is one of those fields: rule windows are tests
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

    def __init__(self, definition: Mapping[str, dict], names: Tuple[str, ...], numeric: Set[str],
                 narrow: Callable[[Event], tuple], could_match: Callable[[Event], bool],
                 enabled: bool = True, limit: Optional[int] = None):
        self.names, self.narrow, self.could_match = names, narrow, could_match
        self.limit = CACHE_LIMIT if limit is None else limit
        self.cache: Dict[tuple, Tags] = {}
        self.entered = self.asserted = self.clears = 0
        buckets: Dict[str, Callable[[Any], Any]] = {}
        if enabled:
            try:
                comparisons = _comparisons(definition)
                outside = sorted(set(comparisons) - set(names) - {"day"})
                if outside:  # e.g. `id`: a fact's decision would depend on more than its key
                    raise _Opaque(f"rules test {', '.join(outside)}, which the key does not hold")
                buckets = _bucketing(comparisons, numeric | {"day"})
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

    def key(self, day: Any, values: tuple) -> tuple:
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
            fired = ask([_fact(names, e.id, day, narrow(e)) for e in todays]) if todays else {}
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
        keys: Dict[Any, tuple] = {}
        unseen: Dict[tuple, str] = {}
        facts = []
        for inputs, event in missing.items():
            if not self.could_match(event):
                decided[inputs] = (False, ())
                continue
            values = self.narrow(event)
            key = keys[inputs] = self.key(epoch, values)
            if key not in cache and key not in unseen:
                unseen[key] = event.id
                facts.append(_fact(names, event.id, day, values))
        learnt: Dict[tuple, Tags] = {}
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



class _Justifiers:
    """A conditional unit's justifying events of the last `within` days, by the values of the
    fields act and justifier must share: an act's justifiers are a lookup, not a join."""

    def __init__(self, within: int, same: Tuple[str, ...]):
        self.within, self.same = within, same
        self._by: Dict[tuple, Deque[Tuple[int, Event]]] = {}
        self._today: Set[str] = set()

    def _key(self, event: Event) -> Optional[tuple]:
        values = tuple(event.get(f) for f in self.same)
        if any(v is None or v == "" for v in values):
            return None  # an act or justifier without the shared field is never paired
        return tuple(str(v) for v in values)

    def forget_before(self, day: int) -> None:
        self._today = set()
        for key in list(self._by):
            queue = self._by[key]
            while queue and queue[0][0] < day - self.within:
                queue.popleft()
            if not queue:
                del self._by[key]

    def add(self, day: int, events: List[Event]) -> None:
        for event in sorted(events, key=lambda e: e.sort_key):
            key = self._key(event)
            if key is not None:
                self._by.setdefault(key, collections.deque()).append((day, event))
                self._today.add(event.id)

    def of(self, act: Event) -> Tuple[int, List[Event]]:
        """(how many justifiers the act has in its window, the latest MAX_JUSTIFIERS of them)."""
        key = self._key(act)
        queue = self._by.get(key) if key is not None else None
        if not queue:
            return 0, []
        count = len(queue) - (act.id in self._today)
        latest: List[Event] = []
        for _, event in reversed(queue):
            if len(latest) == MAX_JUSTIFIERS:
                break
            if event.id != act.id:
                latest.append(event)
        return count, latest[::-1]


def durable_matches(agreement: Agreement, events: Iterable[Event],
                    on_day: Optional[Callable[[Matches], None]] = None, cache: bool = True) -> Matches:
    """Run events (sorted by date, then id; none after the report date) through durable_rules.

    `on_day(matches)` is called after each day: every hit of that day and its justifications are
    final by then (a justifier is never dated after what it justifies), so a consumer may judge
    and remove them, and memory does not grow with the stream. `cache=False` sends every fact the
    pre-filter admits to durable_rules (for the laws that compare both)."""
    numeric, text = fields_read(agreement)
    names, narrow = narrow_maker(numeric, text)
    could_match = prefilter(agreement)
    fired: List[Tuple[tuple, str]] = []
    definition = compile_ruleset(agreement, lambda tag, eid: fired.append((tag, eid)))
    out = Matches(covered=_always_covered(agreement))
    windows = {(rule.version, party): _Justifiers(rule.justified_by.within_days, tuple(rule.justified_by.same))
               for rule, party in units(agreement) if rule.traits.justifiable and rule.justified_by}
    decisions = _Decisions(definition, names, numeric, narrow, could_match, enabled=cache)
    name = f"doha_compliance_{next(_names)}"
    try:  # durable_rules takes each rule's `run` out of the definition it is given: give it copies
        host = new_host({name: {k: dict(rule) for k, rule in definition.items()}})
    except RulesetRefused:
        try:
            host = new_host({name: split_alternatives(definition)})
        except RulesetRefused as exc:  # a valid rule set must not end in a traceback
            raise ComplianceError(f"durable_rules could not compile the rule set's conditions ({exc}), even with "
                                  f"each alternative of an any:/all: nesting as a rule of its own (at most "
                                  f"{MAX_ALTERNATIVES} per condition). Simplify the nesting, or run with --engine "
                                  "reference (plain Python, which holds every event in memory).") from None
    seen = 0

    def ask(facts: List[Dict[str, Any]]) -> Dict[str, List[Tuple[str, Any]]]:
        fired.clear()
        host.assert_facts(name, facts)
        host.retract_facts(name, facts)  # every fact leaves at the end of its day (one call for all)
        by_id: Dict[str, List[Tuple[str, Any]]] = {}
        for tag, eid in fired:
            by_id.setdefault(eid, []).append(tag)
        return by_id

    try:
        for day, day_events in itertools.groupby(events, key=lambda e: e.date):
            today = day.toordinal()
            out.new_day()
            todays = list(day_events)
            seen += len(todays)
            tags_of = decisions.of_day(today, todays, ask)
            justifiers: Dict[Unit, List[Event]] = {}
            acts: Dict[Unit, List[Event]] = {}
            for event, tags in zip(todays, tags_of):
                for kind, unit in tags:
                    if kind == "h":
                        out.add_hit(unit, event)
                        if unit in windows:
                            acts.setdefault(unit, []).append(event)
                    elif kind == "k":
                        justifiers.setdefault(unit, []).append(event)
                    elif kind == "f":
                        out.add_fulfil(unit, event)  # here `unit` is (version, party, part)
                    elif kind == "c":
                        out.add_covered(unit, event)
                    elif kind == "v":
                        out.add_cover(unit, event)
                    elif kind == "t":
                        out.add_trigger(unit, event)
            for unit, window in windows.items():
                window.forget_before(today)
                window.add(today, justifiers.get(unit, []))
                for act in acts.get(unit, ()):
                    count, latest = window.of(act)
                    if count:
                        key = (unit[0], unit[1], act.id)
                        out.justifications[key] = {j.id: j for j in latest}
                        out.justifier_counts[key] = count
            if on_day is not None:
                on_day(out)
    finally:
        delete_ruleset(host, name)
    _log.debug("durable_rules decided %d of %d facts (%d events, %d past the pre-filter; %d cached decisions, "
               "cache cleared %d times)", decisions.asserted, decisions.entered, seen, decisions.entered, len(decisions.cache),
               decisions.clears, extra={"engine_stats": {
                   "events": seen, "entered": decisions.entered, "asserted": decisions.asserted,
                   "decisions": len(decisions.cache), "clears": decisions.clears, "cached": decisions.enabled}})
    return out
