"""The durable_rules engine, behind one function: `durable_matches`.

How durable_rules is used, and why (each point was measured on 2.0.28):
- A private `Host` per evaluation, with its background dispatch threads switched
  off: we never use wall-clock timers, and the threads of every Host ever made
  would otherwise keep running. The ruleset is deleted from the C engine after use.
- Rulesets are JSON compiled from the YAML rules, under a unique name.
- Events enter as *facts* (`assert_fact`), so every rule that matches an event fires
  (a `post`ed event is consumed by the first match). Facts are retracted at the end
  of their day unless a justification window still needs them: memory follows the
  longest window, not the length of the stream.
- Time is event time: events arrive sorted by (date, id) with their day number as a
  field; windows are arithmetic on that field. Deadlines are decided by `judge.Judge`.
- A catch-all rule on `type` means an event no rule concerns is still handled
  (durable raises MessageNotHandledException otherwise). A catch-all on `id`
  hung the process, and aliases named `s` clash with the closure's state. The
  catch-all is a join whose second half no fact can satisfy: a fact that enters
  its first half counts as handled, and no action ever runs. An action costs
  more than the matching (durable_rules serialises the state for each one):
  a catch-all that fired for every fact made the engine twice as slow.
- Every rule has a `cap`: a day's matches of a rule reach its action as one
  list, not one action each (a strike with 13 attacks in its window is 13
  join matches). The per-action cost is a JSON round trip of the state in
  durable_rules' Python layer; capped actions made the engine 1.7x faster.
- A day's events go in as one `assert_facts` batch (fewer round trips). Without the
  catch-all this would be unsafe: one unhandled fact in a batch raises, and then no
  action runs for the facts that did match.
- Only the fields rules read are passed in, keeping facts narrow, and events whose (type,
  actor) no rule condition admits never enter (`prefilter`): they would only meet the catch-all.
- In a join, terms that refer to the other fact come before any `$or`: placed after
  one, durable_rules ignored them and joined an attack to a strike the day before it.
"""
from __future__ import annotations

import heapq
import itertools
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple

import durable_rules_engine
from durable import engine as durable_engine

from . import conditions
from .matching import Matches, Unit, match_window, units
from .models import EVENT_FIELDS, Agreement, Event

_names = itertools.count()


class _EventTimeHost(durable_engine.Host):
    """A Host without the dispatch/timer threads (wall-clock machinery we do not use)."""

    def _run(self) -> None:
        return None


def fields_read(agreement: Agreement) -> Tuple[Set[str], Set[str]]:
    """(numeric fields, text fields) that any rule reads: the only fields facts carry."""
    numeric: Set[str] = set()
    text: Set[str] = {"type"}
    for rule in agreement.rules:
        for cond in rule.conditions:
            conditions.fields_read(cond, numeric, text)
        if rule.kind == "claim":
            text.add(rule.accused_field)
        if rule.justified_by:
            text.update(rule.justified_by.same)
        if rule.fulfilled_by and rule.fulfilled_by.total_of:
            numeric.add(rule.fulfilled_by.total_of)
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
# The catch-all's second half: a type no event has (validation refuses control characters).
_NEVER = {"type": "\u0000never"}


def compile_ruleset(agreement: Agreement, record: Callable[..., None]) -> dict:
    """The durable_rules JSON definition: hits, justifying joins and fulfilments, plus the catch-all."""
    definition: Dict[str, dict] = {}

    def action(*tag: Any) -> Callable[[Any], None]:
        # With `cap`, c.m is the list of matches: facts, or {alias: fact} frames for a join.
        # Keep only ids: holding on to durable's closure objects costs memory and time.
        # `_d` is the plain dict inside durable's Content wrapper: reading it directly spares two
        # wrapper objects per join match, which counts when a strike has hundreds of attacks in its window.
        if tag[0] == "j":
            def joined(c: Any) -> None:
                for frame in c.m:
                    both = frame._d
                    record(tag, both["m"]["id"], both["j"]["id"])
            return joined

        def matched(c: Any) -> None:
            for fact in c.m:
                record(tag, fact._d["id"], None)
        return matched

    for index, (rule, party) in enumerate(units(agreement)):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        window = [{"$gte": {"day": start.toordinal()}}]
        if end is not None:
            window.append({"$lte": {"day": end.toordinal()}})
        if rule.kind == "deadline":
            assert rule.fulfilled_by is not None
            cond = conditions.to_durable(conditions.substitute_party(rule.fulfilled_by.when, party))
            definition[f"f{index}"] = {"all": [{"m": _all(cond + window)}], "cap": CAP, "run": action("f", unit)}
            if rule.covered_by:
                cover = conditions.to_durable(conditions.substitute_party(rule.covered_by, party))
                definition[f"c{index}"] = {"all": [{"m": _all(cover)}], "cap": CAP, "run": action("c", unit)}
            continue
        cond = conditions.to_durable(conditions.substitute_party(rule.when, party)) + window
        if rule.kind == "claim":
            cond.append({"$neq": {rule.accused_field: ""}})
        definition[f"h{index}"] = {"all": [{"m": _all(cond)}], "cap": CAP, "run": action("h", unit)}
        if rule.kind == "conditional":
            jb = rule.justified_by
            assert jb is not None
            jcond = conditions.to_durable(conditions.substitute_party(jb.when, party))
            join = [{f: {"j": f}} for f in jb.same] + [{"$neq": {f: ""}} for f in jb.same] + [
                {"$gte": {"day": {"j": "day"}}},
                {"$lte": {"day": {"$add": {"$l": {"j": "day"}, "$r": jb.within_days}}}},
            ]
            # Join terms first: after an $or in the same $and, durable_rules 2.0.28 ignores
            # references to the other fact (measured; tests/test_engine.py keeps the case).
            definition[f"j{index}"] = {"all": [{"j": _all(jcond)}, {"m": _all(join + cond)}], "cap": CAP,
                                       "run": action("j", unit)}
            definition[f"k{index}"] = {"all": [{"m": _all(jcond)}], "cap": CAP, "run": action("k", jb.within_days)}
    definition["_any"] = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": _NEVER}], "run": action("_")}
    return definition


def _always_covered(agreement: Agreement) -> Set[Unit]:
    """Deadline units judged whatever the input holds (they name no `covered_by`)."""
    return {(rule.version, party) for rule, party in units(agreement) if rule.kind == "deadline" and not rule.covered_by}


def durable_matches(agreement: Agreement, events: Iterable[Event],
                    on_day: Optional[Callable[[Matches], None]] = None) -> Matches:
    """Run events (sorted by date, then id; none after the report date) through durable_rules.

    `on_day(matches)` is called after each day: every hit of that day and its justifications are
    final by then (a justifier is never dated after what it justifies), so a consumer may judge
    and remove them, and memory does not grow with the stream."""
    numeric, text = fields_read(agreement)
    make_fact = fact_maker(numeric, text)
    could_match = prefilter(agreement)
    fired: List[Tuple[tuple, str, Any]] = []
    definition = compile_ruleset(agreement, lambda tag, eid, other: fired.append((tag, eid, other)))
    out = Matches(covered=_always_covered(agreement))
    name = f"doha_compliance_{next(_names)}"
    host = _EventTimeHost()
    host.register_rulesets({name: definition})
    live: Dict[str, Tuple[dict, Event]] = {}
    keep_until: Dict[str, int] = {}
    expiries: List[Tuple[int, str]] = []
    try:
        for day, day_events in itertools.groupby(events, key=lambda e: e.date):
            today = day.toordinal()
            out.new_day()
            expired = []
            while expiries and expiries[0][0] < today:
                until, eid = heapq.heappop(expiries)
                if keep_until.get(eid) == until:
                    del keep_until[eid]
                    expired.append(live.pop(eid)[0])
            if expired:  # one call (one JSON document) for the lot, not one per fact
                host.retract_facts(name, expired)
            todays = [e for e in day_events if could_match(e)]
            if not todays:
                continue
            facts = []
            for event in todays:
                fact = make_fact(event)
                live[event.id] = (fact, event)
                facts.append(fact)
            fired.clear()
            host.assert_facts(name, facts)
            for tag, eid, other in fired:
                _record(out, tag, eid, other, live, keep_until, expiries, today)
            done = [live.pop(event.id)[0] for event in todays if event.id not in keep_until]
            if done:
                host.retract_facts(name, done)
            if on_day is not None:
                on_day(out)
    finally:
        ruleset = host._ruleset_directory.get(name)
        if ruleset is not None:
            durable_rules_engine.delete_ruleset(ruleset._handle)
    return out


def _record(out: Matches, tag: tuple, eid: str, other: Any, live: Dict[str, Tuple[dict, Event]],
            keep_until: Dict[str, int], expiries: List[Tuple[int, str]], today: int) -> None:
    kind = tag[0]
    if kind == "j":
        if eid != other:
            out.add_justification(tag[1], eid, live[other][1])
    elif kind == "h":
        out.add_hit(tag[1], live[eid][1])
    elif kind == "f":
        out.add_fulfil(tag[1], live[eid][1])
    elif kind == "c":
        out.covered.add(tag[1])
    elif kind == "k":  # a justifier: its fact stays while a window may still reach it
        until = today + tag[1]
        if keep_until.get(eid, -1) < until:
            keep_until[eid] = until
            heapq.heappush(expiries, (until, eid))
