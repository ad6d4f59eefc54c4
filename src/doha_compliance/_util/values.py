"""How a value means the same whichever file it came from: whole numbers and calendar days.

A CSV cell is always text, JSON has numbers, YAML (read with JSON's scalar rules, see
`safeyaml`) has both. So a count or a number a rule compares (`severity: {at_least: 3}`) is
read from an integer *or* from text written with the ASCII digits 0-9 — `4` from JSONL and
`"4"` from CSV are the same number, in the durable_rules back end (`engine.fact_maker`) as in
the plain-Python one (`conditions`). `²` or `٣` are digits to `str.isdigit`, not to us.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from .limits import DATE_MAX, DATE_MIN, DATE_RANGE_TEXT, MAX_INT_DIGITS, MAX_WHOLE

_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: no `²`, no Arabic-Indic digits
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_whole(value: Any) -> int:
    """A whole number from an int or from decimal text; ValueError saying why not."""
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, got {shown(value)}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        digits = value.strip().lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise ValueError(f"must be a whole number of at most {MAX_WHOLE:,}, got {len(digits):,} digits")
        number = int(value.strip())
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        raise ValueError(f"must be a whole number written with the digits 0-9, got {shown(value)}")
    else:
        raise ValueError(f"must be a whole number, got {shown(value)}")
    if abs(number) > MAX_WHOLE:
        raise ValueError(f"must be a whole number of at most {MAX_WHOLE:,}, got {_short(number)}")
    return number


def whole_number(value: Any) -> Optional[int]:
    """The whole number a field holds, or None (missing, text, too large): what rules compare."""
    if type(value) is int:
        return value if -MAX_WHOLE <= value <= MAX_WHOLE else None
    if isinstance(value, str):
        try:
            return read_whole(value)
        except ValueError:
            return None
    return None


def shown(value: object, width: int = 60) -> str:
    """A value quoted for a message, cut short: a rejection never repeats a megabyte of input."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 4] + "...'"


def _short(number: int) -> str:
    text = str(number)
    return text if len(text) <= 30 else f"a number of {len(text):,} digits"


def iso_day(text: str) -> dt.date:
    """A calendar day written exactly YYYY-MM-DD, within the supported range; ValueError otherwise."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise ValueError(f"{shown(text)} is not a date written YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real calendar date") from None
    check_day(day)
    return day


def check_day(day: dt.date) -> dt.date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"{day.isoformat()} is outside the dates this tool reads ({DATE_RANGE_TEXT})")
    return day
