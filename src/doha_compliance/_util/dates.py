"""Calendar arithmetic for deadlines: an offset of days and months from a day, as an agreement counts.

Below the rule loader (which resolves offsets from signature) and the judges (offsets from a
trigger), so neither imports the other for it."""
from __future__ import annotations

import calendar
import datetime as dt


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))



def add_offset(start: dt.date, days: int, months: int) -> dt.date:
    """`start` plus days, then months (a month-end is kept within the month: 31 Jan + 1 month = 28/29 Feb)."""
    return _add_months(start + dt.timedelta(days=days), months)
