"""The durable_rules engine, behind one function: `durable_matches`.

durable_rules decides each *distinct* fact once. Whether an event is an act, a justifier, a
fulfilment, coverage or a claim (its "tags") depends only on the narrow fact — the fields rules
read — and on the rule versions in force that day; at scale the same narrow fact recurs again and
again (100,000 synthetic events: 308 distinct). So a day's facts are keyed (`cache.Decisions`): the
narrow fact without id, each field reduced to what the ruleset's tests can tell apart (a number
tested only by `at_least: 5` to "below 5 / 5 and above", a text tested against constants to
"which constant, or none"), and the day reduced to the interval between rule window edges (an id
of the versions in force). Only facts of unseen keys go to durable_rules, in the same per-day
batches with the catch-all; repeats take the cached decision. Who decides is a `deciders` choice:
durable_rules, or the same compiled patterns in Python where durable_rules does not import. Which kinds this serves and why it
is sound: `cache.Decisions`. `durable_matches(cache=False)` sends every fact, for the laws.

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
  a lookup in `windows.Justifiers`, by event date and the shared fields. A join hands over
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

import datetime as dt
import itertools
import logging
from typing import Callable, Dict, Iterable, Iterator, List, Optional

from doha_compliance.matching.matches import Matches, Unit, units
from doha_compliance.models import Agreement, Event, attributed

from . import deciders
from .cache import Decisions, Tags
from .compile import compile_ruleset
from .facts import fields_read, narrow_maker
from .prefilter import prefilter
from .windows import Justifiers

_log = logging.getLogger(__name__)
CHUNK = 10_000  # events of a day decided at a time


def _always_covered(agreement: Agreement) -> Dict[Unit, dt.date]:
    """Deadline units judged whatever the input holds (they name no `covered_by`)."""
    return {(rule.version, party): dt.date.max for rule, party in units(agreement)
            if rule.traits.deadline and not rule.covered_by}


def _chunks(events: Iterator[Event]) -> Iterator[List[Event]]:
    while True:
        chunk = list(itertools.islice(events, CHUNK))
        if not chunk:
            return
        yield chunk


def _dispatch(out: Matches, windows: Dict[Unit, Justifiers], events: List[Event], tags_of: List[Tags],
              acts: Dict[Unit, List[Event]], justifiers: Dict[Unit, List[Event]]) -> None:
    """Record what each event matched; a windowed unit's acts and every justifier wait for the day's end."""
    for event, tags in zip(events, tags_of):
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
            elif kind == "b":
                out.add_bearing(unit, event)  # `unit` is (version, party, part) here too
            elif kind == "t":
                out.add_trigger(unit, event)


def durable_matches(agreement: Agreement, events: Iterable[Event],
                    on_day: Optional[Callable[[Matches], None]] = None, cache: bool = True,
                    decider: Optional[str] = None,
                    on_part: Optional[Callable[[Matches, dt.date], None]] = None) -> Matches:
    """Run events (sorted by date, then id; none after the report date) through durable_rules
    (`decider="durable"`) or the same decisions in Python (`"python"`: `deciders`); None: durable
    where it works here, else python.

    `on_day(matches)` is called after each day: every hit of that day and its justifications are
    final by then (a justifier is never dated after what it justifies), so a consumer may judge
    and remove them, and memory does not grow with the stream. `on_part(matches, day)` is called
    after each CHUNK of a day's events, before its end: a consumer may take from it what no later
    event of the day can change (`Judge.take_part`), so a day of many events is not held whole either.
    `cache=False` sends every fact the
    pre-filter admits to durable_rules (for the laws that compare both)."""
    numeric, text = fields_read(agreement)
    names, narrow = narrow_maker(numeric, text)
    could_match = prefilter(agreement)
    definition = compile_ruleset(agreement)
    out = Matches(covered=_always_covered(agreement))
    windows = {(rule.version, party): Justifiers(rule.justified_by.within_days, tuple(rule.justified_by.same),
                                                 rule.justified_by.within_km, rule.justified_by.answers)
               for rule, party in units(agreement) if rule.traits.justifiable and rule.justified_by}
    unclaimed = {unit: Justifiers(w.within, w.same, w.within_km, w.answers)  # issue 24: actor unknown
                 for unit, w in windows.items()}
    decisions = Decisions(definition, names, numeric, narrow, could_match, enabled=cache)
    decider = deciders.resolve(decider)
    ask, close = deciders.decider(decider)(definition)
    seen = 0

    try:
        for day, day_events in itertools.groupby(events, key=lambda e: e.date):
            today = day.toordinal()
            out.new_day()
            justifiers: Dict[Unit, List[Event]] = {}
            acts: Dict[Unit, List[Event]] = {}
            # A day in chunks: an event's tags depend on that event alone (`Decisions`), so a day of a
            # million events is decided CHUNK at a time, not held whole (issue 23). Only what the
            # window needs waits for the end of the day: the day's justifiers and acts.
            for chunk in _chunks(day_events):
                seen += len(chunk)
                out.new_day()  # duplicates are one event's own (its `any:` branches): a chunk's memory is enough
                _dispatch(out, windows, chunk, decisions.of_day(today, chunk, ask), acts, justifiers)
                if on_part is not None:
                    on_part(out, day)
            for unit, window in windows.items():
                window.forget_before(today)
                window.add(today, [j for j in justifiers.get(unit, []) if attributed(j)])
                nobodys = unclaimed[unit]
                nobodys.forget_before(today)
                nobodys.add(today, [j for j in justifiers.get(unit, []) if not attributed(j)])
                for act in acts.get(unit, ()):
                    key = (unit[0], unit[1], act.id)
                    count, latest = window.of(act)
                    if count:
                        out.justifications[key] = {j.id: j for j in latest}
                        out.justifier_counts[key] = count
                    count, latest = nobodys.of(act)
                    if count:
                        out.unclaimed[key] = {j.id: j for j in latest}
                        out.unclaimed_counts[key] = count
            if on_day is not None:
                on_day(out)
    finally:
        close()
    who = "durable_rules" if decider == "durable" else "The Python decider"
    _log.debug("%s decided %d of %d facts (%d events, %d past the pre-filter; %d cached decisions, "
               "cache cleared %d times)", who, decisions.asserted, decisions.entered, seen, decisions.entered, len(decisions.cache),
               decisions.clears, extra={"engine_stats": {
                   "events": seen, "entered": decisions.entered, "asserted": decisions.asserted,
                   "decisions": len(decisions.cache), "clears": decisions.clears, "cached": decisions.enabled}})
    return out
