"""The durable_rules engine, behind one function: `durable_matches`.

How durable_rules is used, and why (each point was measured on 2.0.28):
- A private `Host` per evaluation, with its background dispatch threads switched
  off: we never use wall-clock timers, and the threads of every Host ever made
  would otherwise keep running. The ruleset is deleted from the C engine after use.
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
  grows with the square of the density. The lookup counts them instead.
  While it was a join we found that durable_rules ignores join terms placed after an
  `$or` (it joined an attack to a strike the day before it); the oracle keeps that case.
- A catch-all rule on `type` means an event no rule concerns is still handled
  (durable raises MessageNotHandledException otherwise). A catch-all on `id`
  hung the process, and aliases named `s` clash with the closure's state. The
  catch-all is a join whose second half no fact can satisfy: a fact that enters
  its first half counts as handled, and no action ever runs. An action costs
  more than the matching (durable_rules serialises the state for each one):
  a catch-all that fired for every fact made the engine twice as slow.
- Every rule has a `cap`: a day's matches of a rule reach its action as one
  list, not one action each. The per-action cost is a JSON round trip of the state
  in durable_rules' Python layer; capped actions made the engine 1.7x faster.
- A day's events go in as one `assert_facts` batch (fewer round trips). Without the
  catch-all this would be unsafe: one unhandled fact in a batch raises, and then no
  action runs for the facts that did match. `any:` alternatives compile to `$or`,
  which fires once per satisfied branch: `Matches` counts each event once.
- Only the fields rules read are passed in, keeping facts narrow, and events whose (type,
  actor) no rule condition admits never enter (`prefilter`): they would only meet the catch-all.
"""
from __future__ import annotations

import collections
import itertools
from typing import Any, Callable, Deque, Dict, Iterable, List, Mapping, Optional, Set, Tuple

import durable_rules_engine
from durable import engine as durable_engine

from . import conditions
from .matching import MAX_JUSTIFIERS, Matches, Unit, covers_continuing, first_effective, match_window, units
from .models import EVENT_FIELDS, Agreement, Event

_names = itertools.count()


class _EventTimeHost(durable_engine.Host):
    """A Host without the dispatch/timer threads (wall-clock machinery we do not use)."""

    def _run(self) -> None:
        return None


def fields_read(agreement: Agreement) -> Tuple[Set[str], Set[str]]:
    """(numeric fields, text fields) that durable_rules tests: the only fields facts carry.
    (Shared fields of a window and fulfilment totals are read from the events, in Python.)"""
    numeric: Set[str] = set()
    text: Set[str] = {"type"}
    for rule in agreement.rules:
        for cond in rule.conditions:
            conditions.fields_read(cond, numeric, text)
        if rule.kind == "claim":
            text.add(rule.accused_field)
    text -= numeric
    text.discard("id")
    return numeric, text


def fact_maker(numeric: Set[str], text: Set[str]) -> Callable[[Event], Dict[str, Any]]:
    """Build the durable_rules fact of an event: its id, its day number, and only the fields rules
    read — text as text ("" when missing), numbers only when present. Field lookups are decided
    once, not per event (the hot path at scale)."""
    contract = set(EVENT_FIELDS) - {"id", "date"}
    text_plain = sorted(n for n in text if n in contract)
    text_extra = sorted(n for n in text if n not in contract and n != "date")
    numeric_plain = sorted(n for n in numeric if n in contract)
    numeric_extra = sorted(n for n in numeric if n not in contract)
    wants_date = "date" in text

    def make(event: Event) -> Dict[str, Any]:
        fact: Dict[str, Any] = {"id": event.id, "day": event.date.toordinal()}
        for name in text_plain:
            value = getattr(event, name)
            fact[name] = "" if value is None else (value if type(value) is str else str(value))
        for name in text_extra:
            value = event.extra.get(name)
            fact[name] = "" if value is None else str(value)
        for name in numeric_plain:
            value = getattr(event, name)
            if value is not None:
                fact[name] = value
        for name in numeric_extra:
            value = event.extra.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                fact[name] = value
        if wants_date:
            fact["date"] = event.date.isoformat()
        return fact

    return make


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


def compile_ruleset(agreement: Agreement, record: Callable[..., None]) -> dict:
    """The durable_rules JSON definition: hits, justifiers, fulfilments and coverage, plus the catch-all."""
    definition: Dict[str, dict] = {}

    def action(*tag: Any) -> Callable[[Any], None]:
        # With `cap`, c.m is the list of matching facts. Keep only ids: holding on to durable's
        # closure objects costs memory and time.
        # `_d` is the plain dict inside durable's Content wrapper: reading it spares a wrapper per match.
        def matched(c: Any) -> None:
            for fact in c.m:
                record(tag, fact._d["id"])
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
        if rule.kind == "deadline":
            for part, fulfilment in enumerate(rule.fulfilments):
                definition[f"f{index}_{part}"] = {"all": [{"m": _all(durable(fulfilment.when, party) + window)}],
                                                  "cap": CAP, "run": action("f", (rule.version, party, part))}
            if rule.covered_by:
                definition[f"c{index}"] = {"all": [{"m": _all(durable(rule.covered_by, party))}], "cap": CAP,
                                           "run": action("c", unit)}
            continue
        if rule.kind == "claimable":
            continue
        if covers_continuing(rule):
            cover = durable(rule.coverage_condition or {}, party) + window
            definition[f"v{index}"] = {"all": [{"m": _all(cover)}], "cap": CAP, "run": action("v", unit)}
        cond = durable(rule.when if rule.kind == "claim" else rule.act_condition, party) + window
        if rule.kind == "claim":
            cond.append({"$neq": {rule.accused_field: ""}})
        definition[f"h{index}"] = {"all": [{"m": _all(cond)}], "cap": CAP, "run": action("h", unit)}
        if rule.kind == "conditional":
            jb = rule.justified_by
            assert jb is not None
            jcond = conditions.to_durable(conditions.substitute_party(jb.when, party))
            definition[f"k{index}"] = {"all": [{"m": _all(jcond)}], "cap": CAP, "run": action("k", unit)}
    definition["_any"] = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": _NEVER}], "run": action("_")}
    return definition


def _always_covered(agreement: Agreement) -> Set[Unit]:
    """Deadline units judged whatever the input holds (they name no `covered_by`)."""
    return {(rule.version, party) for rule, party in units(agreement) if rule.kind == "deadline" and not rule.covered_by}


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
                    on_day: Optional[Callable[[Matches], None]] = None) -> Matches:
    """Run events (sorted by date, then id; none after the report date) through durable_rules.

    `on_day(matches)` is called after each day: every hit of that day and its justifications are
    final by then (a justifier is never dated after what it justifies), so a consumer may judge
    and remove them, and memory does not grow with the stream."""
    numeric, text = fields_read(agreement)
    make_fact = fact_maker(numeric, text)
    could_match = prefilter(agreement)
    fired: List[Tuple[tuple, str]] = []
    definition = compile_ruleset(agreement, lambda tag, eid: fired.append((tag, eid)))
    out = Matches(covered=_always_covered(agreement))
    windows = {(rule.version, party): _Justifiers(rule.justified_by.within_days, tuple(rule.justified_by.same))
               for rule, party in units(agreement) if rule.kind == "conditional" and rule.justified_by}
    name = f"doha_compliance_{next(_names)}"
    host = _EventTimeHost()
    host.register_rulesets({name: definition})
    try:
        for day, day_events in itertools.groupby(events, key=lambda e: e.date):
            today = day.toordinal()
            out.new_day()
            todays = [e for e in day_events if could_match(e)]
            if not todays:
                continue
            live: Dict[str, Event] = {}
            facts = []
            for event in todays:
                live[event.id] = event
                facts.append(make_fact(event))
            fired.clear()
            host.assert_facts(name, facts)
            host.retract_facts(name, facts)  # every fact leaves at the end of its day (one call for all)
            justifiers: Dict[Unit, List[Event]] = {}
            acts: Dict[Unit, Dict[str, Event]] = {}
            for tag, eid in fired:
                kind, unit = tag
                if kind == "h":
                    out.add_hit(unit, live[eid])
                    if unit in windows:
                        acts.setdefault(unit, {})[eid] = live[eid]
                elif kind == "k":
                    justifiers.setdefault(unit, []).append(live[eid])
                elif kind == "f":
                    out.add_fulfil(unit, live[eid])  # here `unit` is (version, party, part)
                elif kind == "c":
                    out.covered.add(unit)
                elif kind == "v":
                    out.add_cover(unit, live[eid])
                elif kind == "t":
                    out.add_trigger(unit, live[eid])
            for unit, window in windows.items():
                window.forget_before(today)
                window.add(today, list({e.id: e for e in justifiers.get(unit, ())}.values()))
                for act in acts.get(unit, {}).values():
                    count, latest = window.of(act)
                    if count:
                        key = (unit[0], unit[1], act.id)
                        out.justifications[key] = {j.id: j for j in latest}
                        out.justifier_counts[key] = count
            if on_day is not None:
                on_day(out)
    finally:
        ruleset = host._ruleset_directory.get(name)
        if ruleset is not None:
            durable_rules_engine.delete_ruleset(ruleset._handle)
    return out
