"""Raw rows -> Events, or Rejections that say which field is wrong and why.

Checks follow the event contract; the vocabulary (parties, event types, location
kinds, rule ids) comes from the agreement being evaluated, never from code.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from typing import Any, Dict, Optional, Tuple, Union

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


_VOCABULARIES: Dict[int, Tuple[Agreement, Dict[str, Dict[str, str]]]] = {}


def _vocabulary(agreement: Agreement) -> Dict[str, Dict[str, str]]:
    """The agreement's words as {word: shared string} maps, built once per agreement, used for every row."""
    key = id(agreement)
    cached = _VOCABULARIES.get(key)
    if cached is None or cached[0] is not agreement:
        def words(values: Any) -> Dict[str, str]:
            return {sys.intern(v): sys.intern(v) for v in values}
        cached = (agreement, {"type": words((*agreement.event_types, OTHER)), "party": words(agreement.parties),
                              "actor": words((*agreement.parties, *RESERVED_ACTORS)),
                              "location_kind": words(agreement.location_kinds), "rule": words(agreement.rule_ids())})
        _VOCABULARIES.clear()  # one agreement at a time in practice; never a stale id() match
        _VOCABULARIES[key] = cached
    return cached[1]


def check_row(row: RawRow, agreement: Agreement) -> Union[Event, Rejection]:
    """One row judged against the contract and the agreement's vocabulary."""
    if row.data is None:
        return Rejection(row.where, row.id, row.problem or "unreadable row", row.field)
    data = row.data
    contract_names = CONTRACT.issuperset(data)  # no field but the contract's (no extras)
    raw_id = data.get("id")
    event_id: Optional[str] = None
    if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id).strip():
        event_id = str(raw_id).strip()
    try:
        try:
            _check_values(data, contract_names)
        except _Bad:
            if event_id is not None and _text_problem(event_id):
                event_id = None  # an id that cannot be shown is not repeated in the rejection
            raise
        for name in REQUIRED:
            value = data.get(name)
            if value is None or (type(value) is str and not value.strip()):
                raise _Bad(name, f"required field '{name}' is missing")
        if event_id is None:
            raise _Bad("id", f"id must be text, got {shown(raw_id)}")
        try:
            date = parse_date(data["date"])
        except ValueError as exc:
            raise _Bad("date", str(exc)) from None
        vocab = _vocabulary(agreement)
        type_ = _vocab("type", data["type"], vocab["type"], "event type")
        actor = _vocab("actor", data["actor"], vocab["actor"], "party")
        # Each optional field into its own name, and the Event built from them in one call (no dict of
        # fields, no ** call): the checks run in the order they always did, so a row with several
        # faults is rejected for the same one.
        target = _word_field("target", data.get("target"), vocab["actor"], "party")
        accused = _word_field("accused", data.get("accused"), vocab["party"], "party")
        location_kind = _word_field("location_kind", data.get("location_kind"), vocab["location_kind"], "location kind")
        rule = _word_field("rule", data.get("rule"), vocab["rule"], "rule")
        fatalities = _count_field("fatalities", data.get("fatalities"))
        wounded = _count_field("wounded", data.get("wounded"))
        count = _count_field("count", data.get("count"))
        province = _text_field("province", data.get("province"))
        place = _text_field("place", data.get("place"))
        source = _text_field("source", data.get("source"))
        description = _text_field("description", data.get("description"))
        stated_justification = _text_field("stated_justification", data.get("stated_justification"))
        if not contract_names and (why := fields_episodes.problem(data)):
            raise _Bad("episode", why)  # issue 24
        _raise_if("about", fields_about.problem(data.get("about")))  # issue 24: who says it
        if not contract_names and (listed := fields_lists.extra_problem(data, agreement)):
            raise _Bad(*listed)  # issue 26: a list in a field the rules test as one value
        if not contract_names and (statement := fields_coverage.problem(data)):  # issue 24
            raise _Bad(*statement)
        fields_confidence.check(data, vocab["type"], type_, _Bad)  # issue 24: how certain the event is
        data, contract_names = fields_time.checked(data, contract_names, _Bad)  # issue 25: a time of day, kept
        placed = fields_place.check(data, place, agreement, _Bad)  # issue 25: where the event lies
        fields_verification.check(data, agreement, actor, _Bad)  # issues 25/26: a monitor's word as evidence
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
