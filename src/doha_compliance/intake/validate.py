"""Raw rows -> Events, or Rejections that say which field is wrong and why.

Checks follow the event contract; the vocabulary (parties, event types, location
kinds, rule ids) comes from the agreement being evaluated, never from code.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from typing import Any, Dict, List, Optional, Tuple, Union

from doha_compliance._util.fast import builder
from doha_compliance._util.hints import did_you_mean
from doha_compliance._util.limits import (
    MAX_FIELD_CHARS,
    MAX_NESTING,
    MAX_WHOLE,
    size_text,
)
from doha_compliance._util.values import check_day, iso_day, read_whole, shown
from doha_compliance.models import (
    CONTRACT,
    OTHER,
    RESERVED_ACTORS,
    Agreement,
    Event,
    Rejection,
)

from . import (
    fields_about,
    fields_answers,
    fields_confidence,
    fields_coverage,
    fields_episodes,
    fields_lists,
    fields_place,
    fields_time,
    fields_verification,
)
from .readers import RawRow

REQUIRED = ("id", "date", "type", "actor")
_NO_EXTRA: Dict[str, Any] = {}  # shared by events without extra fields (never mutated: Event is frozen)


class _Bad(Exception):
    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason


@functools.lru_cache(maxsize=1024)
def _day(text: str) -> dt.date:
    """Streams have few distinct days: share one date object per day (the recent ones: the cache
    must not grow with a stream that spans decades)."""
    return iso_day(text)


_DATE_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?"
                        r"(?:Z|[+-]([0-9]{2}):([0-9]{2}))?")


def parse_date(value: Any) -> dt.date:
    """`YYYY-MM-DD`, or an ISO 8601 date-time `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM]` (a space may
    stand for the T). A date-time keeps the calendar date it was written in (its own offset).
    Other spellings Python would accept (`20201005`, `2020-W41-1`) are refused, as are dates
    outside the range the tool reads (`limits.DATE_MIN`..`DATE_MAX`)."""
    if isinstance(value, dt.datetime):
        return check_day(value.date())
    if isinstance(value, dt.date):
        return check_day(value)
    if not isinstance(value, str):
        raise ValueError(f"{shown(value)} is not a date")
    text = value.strip()
    try:
        if len(text) == 10:
            return _day(text)
        match = _DATE_TIME.fullmatch(text)
        if match is None:
            raise ValueError("not ISO")
        hour, minute, second, off_hour, off_minute = (int(g) if g else 0 for g in match.groups()[1:])
        if hour > 23 or minute > 59 or second > 59 or off_hour > 23 or off_minute > 59:
            raise ValueError("not a time")
        return _day(match.group(1))
    except ValueError as exc:
        if "outside the dates" in str(exc):
            raise
        raise ValueError(f"{shown(value)} is not a real date written YYYY-MM-DD (or an ISO date-time "
                         "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])") from None


def _count(name: str, value: Any) -> int:
    _raise_if(name, fields_lists.problem(name, value))  # issue 26: one number, not a list
    try:
        number = read_whole(value)
    except ValueError as exc:
        raise _Bad(name, f"{name} {exc}") from None
    if number < 0:
        raise _Bad(name, f"{name} cannot be negative, got {number}")
    return number


_SURROGATE = re.compile("[\ud800-\udfff]").search


def _text_problem(text: str) -> Optional[str]:
    if len(text) > MAX_FIELD_CHARS:
        return (f"is {len(text):,} characters long; a field holds at most {MAX_FIELD_CHARS:,} "
                f"({size_text(MAX_FIELD_CHARS)})")
    if not text.isascii() and _SURROGATE(text):
        return "is not valid Unicode text (it holds an unpaired surrogate, e.g. from a \\ud800 escape)"
    return None


def _check_values(data: Dict[str, Any], contract_names: bool = False) -> None:
    """Every field name and value is text the engine and the reports can take: names are text,
    no field (a list or mapping: all its text together) is longer than MAX_FIELD_CHARS, nesting
    is at most MAX_NESTING deep. A 16 MiB field segfaulted durable_rules.

    `contract_names`: every name is one of the event contract's (short ASCII text), so only the
    values need a look; a value that is not plain short ASCII text or a number sends the row
    through the whole check, which reports the first faulty field as always."""
    if contract_names:
        for value in data.values():
            kind = type(value)
            if kind is str:
                if len(value) > MAX_FIELD_CHARS or not value.isascii():
                    break
            elif kind is list or kind is dict:
                break
        else:
            return
    for name, value in data.items():
        # The common case first, in line (a million rows, a dozen fields each): short ASCII text.
        if type(name) is str and len(name) <= MAX_FIELD_CHARS and name.isascii():
            if type(value) is str:
                if len(value) <= MAX_FIELD_CHARS and value.isascii():
                    continue
            elif type(value) not in (list, dict):
                continue
        if type(name) is not str:
            raise _Bad(str(name)[:80], f"field names must be text, got {name!r:.80}")
        problem = _text_problem(name)
        if problem:
            raise _Bad(ascii(name[:80]), f"a field name {problem}")
        kind = type(value)
        if kind is str:
            problem = _text_problem(value)
        elif kind in (list, dict):
            problem = _nested_problem(value)
        else:
            continue
        if problem:
            raise _Bad(name, f"{name} {problem}")


def _nested_problem(value: Any) -> Optional[str]:
    """The text in a list or mapping, counted as a whole, with its depth; iterative (no recursion)."""
    budget = MAX_FIELD_CHARS
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nests lists and mappings deeper than {MAX_NESTING} levels"
        if isinstance(item, dict):
            budget -= len(item)
            for key, sub in item.items():
                if not isinstance(key, str):
                    key = str(key)
                problem = _text_problem(key)
                if problem:
                    return f"has a key that {problem}"
                budget -= len(key)
                stack.append((sub, depth + 1))
        elif isinstance(item, list):
            budget -= len(item)
            stack.extend((sub, depth + 1) for sub in item)
        elif isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                return f"holds text that {problem}"
            budget -= len(item)
        else:
            budget -= 1
        if budget < 0:
            return (f"holds more than {MAX_FIELD_CHARS:,} characters in all; "
                    f"a field holds at most {size_text(MAX_FIELD_CHARS)}")
    return None


def _vocab(name: str, value: Any, allowed: Dict[str, str], what: str) -> str:
    if type(value) is str:
        canonical = allowed.get(value)
        if canonical is not None:
            return canonical  # the common case: one shared string per vocabulary word
    _raise_if(name, fields_lists.problem(name, value))  # issue 26: `type: [attack]` is not one type
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text is None or text not in allowed:
        hint = did_you_mean(value, allowed) if len(str(value)) < 200 else ""
        raise _Bad(name, f"unknown {what} {shown(value)}{hint}")
    return allowed[text]


_VOCABULARY: List[Any] = [None, None, False]  # the agreement last used, its words, whether it places nothing
_KNOWN: Dict[int, Tuple[Agreement, Dict[str, Dict[str, str]], bool]] = {}  # a few agreements' (several at once)


def _vocabulary(agreement: Agreement) -> Dict[str, Dict[str, str]]:
    """The agreement's words as {word: shared string} maps, built once per agreement, used for every row."""
    if _VOCABULARY[0] is agreement:
        found: Dict[str, Dict[str, str]] = _VOCABULARY[1]
        return found
    known = _KNOWN.get(id(agreement))
    if known is None or known[0] is not agreement:  # held by identity: never a stale id() match

        def words(values: Any) -> Dict[str, str]:
            return {sys.intern(v): sys.intern(v) for v in values}
        found = {"type": words((*agreement.event_types, OTHER)), "party": words(agreement.parties),
                 "actor": words((*agreement.parties, *RESERVED_ACTORS)),
                 "location_kind": words(agreement.location_kinds), "rule": words(agreement.rule_ids())}
        if len(_KNOWN) >= 64:
            _KNOWN.clear()  # bounded: a long-lived process loading rule sets again and again
        known = _KNOWN[id(agreement)] = (agreement, found, fields_place.places_nothing(agreement))
    _VOCABULARY[:] = known
    return known[1]


def check_row(row: RawRow, agreement: Agreement) -> Union[Event, Rejection]:
    """One row judged against the contract and the agreement's vocabulary: the common row by
    `_plain_event`, any other (and every rejection) by `_checked`."""
    if row.data is not None:
        event = _plain_event(row.data, row.where, agreement)
        if event is not None:
            return event
    return _checked(row, agreement)


_ASCII_TEXT = MAX_FIELD_CHARS  # (a name for the bound below: short ASCII text needs no closer look)


def _plain_event(data: Dict[str, Any], where: str, agreement: Agreement) -> Optional[Event]:
    """The Event of a row in the common form, or None for any other row (`_checked` then judges it).

    The common form (issue 27: a million rows): only the contract's fields; id, province, place,
    source and texts as short ASCII text; type, actor and the other words exactly as the agreement
    spells them; counts as whole numbers in range; the date YYYY-MM-DD; nothing to place, no claim
    naming a rule. Such a row passes every check of `_checked` (the values' text and nesting, the
    required fields, the vocabulary, the counts, the field modules, which have nothing to look at)
    and gives the Event `_checked` would build: the same values, the same shared strings. Anything
    else, however slightly off, is left to `_checked`, so what is rejected and why is unchanged."""
    if not CONTRACT.issuperset(data):
        return None
    get = data.get
    event_id = get("id")
    if type(event_id) is not str or len(event_id) > _ASCII_TEXT or not event_id.isascii():
        return None
    event_id = event_id.strip()
    raw_date = get("date")
    if not event_id or type(raw_date) is not str or len(raw_date) != 10:
        return None
    try:
        date = _day(raw_date)
    except ValueError:
        return None
    vocab = _VOCABULARY[1] if _VOCABULARY[0] is agreement else _vocabulary(agreement)
    if not _VOCABULARY[2]:
        return None  # events are placed (zones, a gazetteer, distances): `_checked` places them
    actors = vocab["actor"]
    type_, actor = get("type"), get("actor")
    if type(type_) is not str or type(actor) is not str:
        return None
    type_, actor = vocab["type"].get(type_), actors.get(actor)
    if type_ is None or actor is None:
        return None
    target, accused, location_kind, rule = get("target"), get("accused"), get("location_kind"), get("rule")
    if target is not None and (type(target) is not str or (target := actors.get(target)) is None):
        return None
    if accused is not None and (type(accused) is not str or (accused := vocab["party"].get(accused)) is None):
        return None
    if location_kind is not None and (type(location_kind) is not str
                                      or (location_kind := vocab["location_kind"].get(location_kind)) is None):
        return None
    if rule is not None and (type(rule) is not str or (rule := vocab["rule"].get(rule)) is None or accused is not None):
        return None  # (a claim naming a rule and an accused: whose rule it is is `_checked`'s to say)
    fatalities, wounded, count = get("fatalities"), get("wounded"), get("count")
    if fatalities is not None and not (type(fatalities) is int and 0 <= fatalities <= MAX_WHOLE):
        return None
    if wounded is not None and not (type(wounded) is int and 0 <= wounded <= MAX_WHOLE):
        return None
    if count is not None and not (type(count) is int and 0 <= count <= MAX_WHOLE):
        return None
    province, place, source = get("province"), get("place"), get("source")
    description, stated_justification = get("description"), get("stated_justification")
    for text in (province, place, source, description, stated_justification):
        if text is not None and (type(text) is not str or len(text) > _ASCII_TEXT or not text.isascii()):
            return None
    intern = sys.intern
    return _event(event_id, date, type_, actor, where, target, province if province is None else intern(province),
                  place if place is None else intern(place), location_kind, fatalities, wounded, count, accused, rule,
                  source if source is None else intern(source), description, stated_justification, _NO_EXTRA)


def _checked(row: RawRow, agreement: Agreement) -> Union[Event, Rejection]:
    """One row judged against the contract and the agreement's vocabulary.

    Every field has its common case in line here (a word of the vocabulary, a count within range,
    a text: issue 27, a million rows), and anything else goes through the field's own check, which
    accepts it or says why not. The checks run in the order they always did, so a row with several
    faults is rejected for the same one; a row holding only the contract's fields skips the checks
    of fields it cannot hold (confidence, verification, statements, episodes, lists)."""
    data = row.data
    if data is None:
        return Rejection(row.where, row.id, row.problem or "unreadable row", row.field)
    contract_names = CONTRACT.issuperset(data)  # no field but the contract's (no extras)
    get = data.get
    raw_id = get("id")
    event_id: Optional[str] = None
    if type(raw_id) is str:
        event_id = raw_id.strip() or None
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id).strip():
        event_id = str(raw_id).strip()
    try:
        try:
            _check_values(data, contract_names)
        except _Bad:
            if event_id is not None and _text_problem(event_id):
                event_id = None  # an id that cannot be shown is not repeated in the rejection
            raise
        for name in REQUIRED:
            value = get(name)
            if value is None or (type(value) is str and not value.strip()):
                raise _Bad(name, f"required field '{name}' is missing")
        if event_id is None:
            raise _Bad("id", f"id must be text, got {shown(raw_id)}")
        raw_date = data["date"]
        try:  # YYYY-MM-DD, the common case, read as parse_date reads it
            date = _day(raw_date) if type(raw_date) is str and len(raw_date) == 10 else parse_date(raw_date)
        except ValueError:
            try:
                date = parse_date(raw_date)  # why not, in parse_date's words
            except ValueError as exc:
                raise _Bad("date", str(exc)) from None
        vocab = _vocabulary(agreement)
        types, actors = vocab["type"], vocab["actor"]
        value = data["type"]
        type_ = types.get(value) if type(value) is str else None
        if type_ is None:
            type_ = _vocab("type", value, types, "event type")
        value = data["actor"]
        actor = actors.get(value) if type(value) is str else None
        if actor is None:
            actor = _vocab("actor", value, actors, "party")
        # Each optional field into its own name, and the Event built from them in one call (no dict of
        # fields, no ** call): the checks run in the order they always did, so a row with several
        # faults is rejected for the same one.
        target = get("target")
        if target is not None and (type(target) is not str or (target := actors.get(target)) is None):
            target = _vocab("target", get("target"), actors, "party")
        accused = get("accused")
        if accused is not None and (type(accused) is not str or (accused := vocab["party"].get(accused)) is None):
            accused = _vocab("accused", get("accused"), vocab["party"], "party")
        location_kind = get("location_kind")
        if location_kind is not None and (type(location_kind) is not str
                                          or (location_kind := vocab["location_kind"].get(location_kind)) is None):
            location_kind = _vocab("location_kind", get("location_kind"), vocab["location_kind"], "location kind")
        rule = get("rule")
        if rule is not None and (type(rule) is not str or (rule := vocab["rule"].get(rule)) is None):
            rule = _vocab("rule", get("rule"), vocab["rule"], "rule")
        fatalities = get("fatalities")
        if fatalities is not None and not (type(fatalities) is int and 0 <= fatalities <= MAX_WHOLE):
            fatalities = _count("fatalities", fatalities)
        wounded = get("wounded")
        if wounded is not None and not (type(wounded) is int and 0 <= wounded <= MAX_WHOLE):
            wounded = _count("wounded", wounded)
        count = get("count")
        if count is not None and not (type(count) is int and 0 <= count <= MAX_WHOLE):
            count = _count("count", count)
        province = get("province")
        if province is not None:
            province = sys.intern(province) if type(province) is str else _text_field("province", province)
        place = get("place")
        if place is not None:
            place = sys.intern(place) if type(place) is str else _text_field("place", place)
        source = get("source")
        if source is not None:
            source = sys.intern(source) if type(source) is str else _text_field("source", source)
        description = get("description")
        if description is not None and type(description) is not str:
            description = _text_field("description", description)
        stated_justification = get("stated_justification")
        if stated_justification is not None and type(stated_justification) is not str:
            stated_justification = _text_field("stated_justification", stated_justification)
        if not contract_names:
            if why := fields_episodes.problem(data):
                raise _Bad("episode", why)  # issue 24
            _raise_if("about", fields_about.problem(get("about")))  # issue 24: who says it
            if listed := fields_lists.extra_problem(data, agreement):
                raise _Bad(*listed)  # issue 26: a list in a field the rules test as one value
            if statement := fields_coverage.problem(data):  # issue 24
                raise _Bad(*statement)
            fields_confidence.check(data, types, type_, _Bad)  # issue 24: how certain the event is
        # (a row of contract fields only holds none of the fields checked above: `about`, the
        # confidence, verification and statement fields, `episode`, lists of extra fields)
        if not contract_names or type(raw_date) is not str or len(raw_date) > 10:
            data, contract_names = fields_time.checked(data, contract_names, _Bad)  # issue 25: a time of day
        placed = fields_place.check(data, place, agreement, _Bad)  # issue 25: where the event lies
        if not contract_names:
            fields_verification.check(data, agreement, actor, _Bad)  # issues 25/26: a monitor's word as evidence
        if accused is not None and rule is not None:
            _raise_if("rule", fields_answers.problem(agreement, accused, rule))  # issue 25: whose rule a claim names
    except _Bad as bad:
        return Rejection(row.where, event_id, bad.reason, bad.field)
    extra = _NO_EXTRA
    if not contract_names:  # extra fields are rare in event files, common in exports
        extra = {k: v for k, v in data.items() if k not in CONTRACT} or _NO_EXTRA
    if placed:
        extra = {**extra, **placed}
    return _event(event_id, date, type_, actor, row.where, target, province, place, location_kind, fatalities,
                  wounded, count, accused, rule, source, description, stated_justification, extra)


_event = builder(Event)  # Event(...) with every field given, without attrs' __init__ (_util.fast.builder)
_INTERNED = ("province", "place", "source")  # few distinct values, each held once


def _raise_if(name: str, reason: Optional[str]) -> None:
    """Reject the row for a field's reason, when a field module gives one."""
    if reason is not None:
        raise _Bad(name, reason)


def _word_field(name: str, value: Any, allowed: Dict[str, str], what: str) -> Optional[str]:
    return None if value is None else _vocab(name, value, allowed, what)


def _count_field(name: str, value: Any) -> Optional[int]:
    if value is None or type(value) is int and 0 <= value <= MAX_WHOLE:
        return value
    return _count(name, value)


def _text_field(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise _Bad(name, fields_lists.problem(name, value) or f"{name} must be text")  # issue 26
    return sys.intern(str(value)) if name in _INTERNED else str(value)
