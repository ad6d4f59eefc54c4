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
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return _short(value)  # repr of 10**5000 is itself a ValueError (Python's 4,300-digit limit)
    text = repr(value)
    return text if len(text) <= width else text[:width - 4] + "...'"


def _short(number: int) -> str:
    if number.bit_length() > 100:  # more than 30 digits: counted without str(), which refuses 4,300+
        return f"a number of about {int(number.bit_length() * 0.30103) + 1:,} digits"
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


# Month and day names in English, whatever the host's locale (issue 23 item 9): `strptime`'s `%B`
# and `strftime`'s `%b` follow `setlocale`, so after `setlocale(LC_ALL, "de_DE.UTF-8")` an ACLED
# date "10 October 2020" was no date and a timeline said "Okt". Names are read and written here.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH_ABBREVIATIONS = tuple(m[:3] for m in MONTHS)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(MONTHS)}
_MONTH_NUMBER.update({name.lower(): i + 1 for i, name in enumerate(MONTH_ABBREVIATIONS)})


def _names(names: Any) -> str:
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


# What each directive matches, as `strptime` has it (its TimeRE), names in English only.
_DIRECTIVES = {
    "d": r"(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])", "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "Y": r"(?P<Y>\d\d\d\d)", "y": r"(?P<y>\d\d)", "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])", "M": r"(?P<M>[0-5]\d|\d)", "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "f": r"(?P<f>[0-9]{1,6})", "p": r"(?P<p>am|pm)",
    "B": f"(?P<B>{_names(MONTHS)})", "b": f"(?P<b>{_names(MONTH_ABBREVIATIONS)})",
    "A": f"(?P<A>{_names(_WEEKDAYS)})", "a": f"(?P<a>{_names(d[:3] for d in _WEEKDAYS)})", "%": "%",
}
_NAMED = set("bBaAp")  # the directives whose text depends on the locale
_PATTERNS: "dict[str, Optional[re.Pattern[str]]]" = {}


def _pattern(fmt: str) -> "Optional[re.Pattern[str]]":
    """`fmt` as a regular expression, or None when it has a directive not in _DIRECTIVES."""
    if fmt not in _PATTERNS:
        parts: "list[str]" = []
        i, ok = 0, True
        while i < len(fmt):
            if fmt[i] == "%" and i + 1 < len(fmt):
                directive = _DIRECTIVES.get(fmt[i + 1])
                if directive is None or (directive != "%" and f"(?P<{fmt[i + 1]}>" in "".join(parts)):
                    ok = False
                    break
                parts.append(directive)
                i += 2
            else:
                parts.append(r"\s+" if fmt[i].isspace() else re.escape(fmt[i]))
                i += 1
        if len(_PATTERNS) > 256:  # formats come from mapping files: a few each; stay bounded
            _PATTERNS.clear()
        _PATTERNS[fmt] = re.compile("".join(parts), re.IGNORECASE) if ok else None
    return _PATTERNS[fmt]


def parse_day(text: str, fmt: str) -> Optional[dt.date]:
    """The calendar day `text` is in the `strptime` format `fmt`, or None.

    Month and day names (`%b %B %a %A`, and `%p`) are read in English whatever the host's locale;
    a format without them is read by `strptime` itself, which needs no locale for numbers (and so
    is one with a directive _DIRECTIVES lacks, `%j` or `%Z`: as before, in the host's locale)."""
    pattern = _pattern(fmt) if any(f"%{c}" in fmt.replace("%%", "") for c in _NAMED) else None
    if pattern is None:  # no names (or a directive only `strptime` knows): nothing the locale changes
        try:
            return dt.datetime.strptime(text, fmt).date()
        except (ValueError, re.error):  # re.error: a format naming one field twice ('%d %d')
            return None
    found = pattern.fullmatch(text)
    if found is None:
        return None
    got = found.groupdict()
    month = int(got["m"]) if got.get("m") else _MONTH_NUMBER.get((got.get("B") or got.get("b") or "").lower(), 1)
    year = int(got["Y"]) if got.get("Y") else (1900 if not got.get("y") else
                                               int(got["y"]) + (2000 if int(got["y"]) < 69 else 1900))
    try:
        return dt.date(year, month, int(got.get("d") or 1))
    except ValueError:
        return None


def month_label(day: dt.date, with_year: bool) -> str:
    """'Oct' or 'Oct 2020', in English whatever the host's locale (what `%b` / `%b %Y` printed in C)."""
    name = MONTH_ABBREVIATIONS[day.month - 1]
    return f"{name} {day.year:04d}" if with_year else name
