"""The event field `time` (issue 25, tighter carve-outs): the time of day an event happened, `HH:MM`
on a 24-hour clock, so that a justification window can tell whether what justifies an act came
before it on the same day (commitment-semantics §5.13).

It is written as `time: "17:00"`, or comes from an ISO date-time in `date`
(`2024-11-27T04:00`, `2024-11-27 04:00:30+02:00`): the calendar date is kept as written (as before)
and now the clock time too, as written in its own offset (seconds dropped: the judges compare
minutes). A row whose `time` and date-time disagree is refused: which one to believe is the
analyst's call, not the tool's. Absent means "time not stated", never midnight. Checked here, so a
bad value is a rejected row with its file:line."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, Optional, Tuple

from doha_compliance._util.values import shown

_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_FROM_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([0-9]{2}:[0-9]{2})")


def _from_date(value: Any) -> Optional[str]:
    """The HH:MM of a date-time `date` (already checked to be a real date-time), else None."""
    if isinstance(value, dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, str) and len(value.strip()) > 10:
        match = _FROM_DATE.match(value.strip())
        return match.group(1) if match else None
    return None


def checked(data: Dict[str, Any], contract_names: bool,
            problem: Callable[[str, str], Exception]) -> Tuple[Dict[str, Any], bool]:
    """(the row with its time of day in `time`, HH:MM -- from `time`, else from a date-time `date`;
    whether the row holds only contract fields still). A row that gains or changes its time is a copy:
    the caller's row is never written to (the same dict given again, with another date, must not carry
    the first one's time). Raise `problem(field, reason)` for a bad time."""
    from_date = _from_date(data.get("date"))
    value = data.get("time")
    if value is None or (isinstance(value, str) and not value.strip()):
        if from_date is None:
            return ({k: v for k, v in data.items() if k != "time"} if "time" in data else data), contract_names
        return {**data, "time": from_date}, False
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _CLOCK.fullmatch(text if len(text) == 5 else "0" + text):
        raise problem("time", f"time must be a time of day written HH:MM (24 h, e.g. 17:00), got {shown(value)}")
    text = text if len(text) == 5 else "0" + text
    if from_date is not None and from_date != text:
        raise problem("time", f"time {text} disagrees with the time in date ({from_date}): give one of them")
    return ({**data, "time": text} if text != value else data), False
