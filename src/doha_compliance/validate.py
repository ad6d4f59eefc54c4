"""Raw rows -> Events, or Rejections that say which field is wrong and why.

Checks follow the event contract; the vocabulary (parties, event types, location
kinds, rule ids) comes from the agreement being evaluated, never from code.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from typing import Any, Optional, Union

from .hints import did_you_mean
from .models import CONTRACT, COUNT_FIELDS, OTHER, RESERVED_ACTORS, Agreement, Event, Rejection
from .readers import RawRow

REQUIRED = ("id", "date", "type", "actor")
_NO_EXTRA: dict = {}  # shared by events without extra fields (never mutated: Event is frozen)
TEXT_FIELDS = ("province", "place", "source", "description", "stated_justification")


class _Bad(Exception):
    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason


@functools.lru_cache(maxsize=1024)
def _day(text: str) -> dt.date:
    """Streams have few distinct days: share one date object per day (the recent ones: the cache
    must not grow with a stream that spans decades)."""
    return dt.date.fromisoformat(text)


def parse_date(value: Any) -> dt.date:
    """ISO date or datetime. A datetime keeps the calendar date it was written in (its own offset)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    try:
        if len(text) == 10:
            return _day(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1)).date()
    except ValueError:
        raise ValueError(f"'{value}' is not a real date written YYYY-MM-DD (or an ISO date-time)") from None


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad(name, f"{name} must be a whole number, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
    else:
        raise _Bad(name, f"{name} must be a whole number, got {value!r}")
    if number < 0:
        raise _Bad(name, f"{name} cannot be negative, got {number}")
    return number


def _vocab(name: str, value: Any, allowed: Any, what: str) -> str:
    if type(value) is str:
        canonical = allowed.get(value)
        if canonical is not None:
            return canonical  # the common case: one shared string per vocabulary word
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text is None or text not in allowed:
        raise _Bad(name, f"unknown {what} '{value}'{did_you_mean(value, allowed)}")
    return allowed[text]


_VOCABULARIES: dict = {}


def _vocabulary(agreement: Agreement) -> dict:
    """The agreement's words as {word: shared string} maps, built once per agreement, used for every row."""
    key = id(agreement)
    cached = _VOCABULARIES.get(key)
    if cached is None or cached[0] is not agreement:
        def words(values: Any) -> dict:
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
    raw_id = data.get("id")
    event_id: Optional[str] = None
    if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id).strip():
        event_id = str(raw_id).strip()
    try:
        for name in REQUIRED:
            value = data.get(name)
            if value is None or (type(value) is str and not value.strip()):
                raise _Bad(name, f"required field '{name}' is missing")
        if event_id is None:
            raise _Bad("id", f"id must be text, got {raw_id!r}")
        try:
            date = parse_date(data["date"])
        except ValueError as exc:
            raise _Bad("date", str(exc)) from None
        vocab = _vocabulary(agreement)
        fields: dict = {
            "type": _vocab("type", data["type"], vocab["type"], "event type"),
            "actor": _vocab("actor", data["actor"], vocab["actor"], "party"),
        }
        for name in ("target", "accused"):
            if data.get(name) is not None:
                fields[name] = _vocab(name, data[name], vocab["actor" if name == "target" else "party"], "party")
        if data.get("location_kind") is not None:
            fields["location_kind"] = _vocab("location_kind", data["location_kind"], vocab["location_kind"],
                                             "location kind")
        if data.get("rule") is not None:
            fields["rule"] = _vocab("rule", data["rule"], vocab["rule"], "rule")
        for name in COUNT_FIELDS:
            value = data.get(name)
            if value is not None:
                fields[name] = value if type(value) is int and value >= 0 else _count(name, value)
        for name in TEXT_FIELDS:
            value = data.get(name)
            if value is not None:
                if isinstance(value, (dict, list)):
                    raise _Bad(name, f"{name} must be text")
                fields[name] = sys.intern(str(value)) if name in ("province", "place", "source") else str(value)
    except _Bad as bad:
        return Rejection(row.where, event_id, bad.reason, bad.field)
    extra = {k: v for k, v in data.items() if k not in CONTRACT} or _NO_EXTRA
    return Event(id=event_id, date=date, where=row.where, extra=extra, **fields)
