"""The `level` kind again, the slow and obvious way: an oracle for `levels.py`.

Written apart from `levels.py` (which tallies as the stream passes) and sharing none of its
period arithmetic: it walks the calendar day by day, names periods with `strftime` and
`isocalendar`, and rescans the whole event list for every period. Only the rule data (`Level`)
and the condition language are shared. `reference_series` gives, for every level rule version
and party, each judged period's (label, status, value, baseline, limit) and whether the baseline
could be had; the laws compare it with the pipeline's `report.series` and findings.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple

from doha_compliance._util.values import whole_number
from doha_compliance.models import UNKNOWN, Agreement, Event
from doha_compliance.rules.kinds import kind_of
from doha_compliance.rules.kinds.level import MAX_EMPTY_RUN, Level

from .answers import acts_match

# (period, status, value, baseline, limit), and (baseline known?, rows) of a version and party
Row = Tuple[str, str, Optional[int], Optional[Fraction], Optional[Fraction]]
Series = Tuple[bool, List[Row]]

ONE_DAY = dt.timedelta(days=1)


def _name(period: str, day: dt.date) -> str:
    if period == "month":
        return day.strftime("%Y-%m")
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _periods(period: str, start: dt.date, end: dt.date) -> List[Tuple[str, List[dt.date]]]:
    """Every period touching [start, end], with all of its days (not only those in the range)."""
    out: Dict[str, List[dt.date]] = {}
    day = start
    while day <= end:
        out.setdefault(_name(period, day), [])
        day += ONE_DAY
    # fill in every day of each named period, by walking out from the range's ends
    lo, hi = start, end
    while _name(period, lo - ONE_DAY) in out:
        lo -= ONE_DAY
    while _name(period, hi + ONE_DAY) in out:
        hi += ONE_DAY
    day = lo
    while day <= hi:
        out[_name(period, day)].append(day)
        day += ONE_DAY
    return sorted(out.items(), key=lambda item: item[1][0])


def _amount(measure: Optional[str], event: Event) -> int:
    if measure is None:
        return 1
    value = whole_number(event.get(measure))  # 4 from JSONL and "4" from CSV alike
    return value if value is not None and value >= 0 else 0


def reference_series(agreement: Agreement, events: Sequence[Event], as_of: dt.date) -> Dict[Tuple[str, str], Series]:
    """{(version, party): (baseline known?, [(period, status, value, baseline, limit), ...])} for every
    level version in force by the report date. `events`: every evaluated event (any date)."""
    seen = [e for e in events if e.date <= as_of]
    days = {e.date for e in seen}
    last = max(days) if days else None
    out: Dict[Tuple[str, str], Series] = {}
    for rule in agreement.rules:
        if not kind_of(rule).series or rule.effective_from > as_of:
            continue
        level: Level = rule.level
        start = max(level.start, rule.effective_from)
        # the first whole period starting on or after `start`: skip the days of the period it falls in
        while _name(level.period, start - ONE_DAY) == _name(level.period, start):
            start += ONE_DAY
        stop = min(d for d in (rule.effective_until, as_of) if d is not None)
        for party in rule.parties:
            # SPEC §5.16 (issue 25): the acts of an actor the party answers for count as the party's
            hits = [e for e in seen if e.actor != UNKNOWN and acts_match(agreement, rule.when, party, e)]
            base: Optional[Fraction] = level.baseline_value
            if level.baseline_span:
                a, b = level.baseline_span
                total: int = 0
                weight = Fraction(0)
                for _, period_days in _periods(level.period, a, b):
                    inside = [d for d in period_days if a <= d <= b and d <= as_of]
                    if not any(d in days for d in inside):
                        continue
                    total += sum(_amount(level.measure, e) for e in hits if e.date in inside)
                    weight += Fraction(len(inside), len(period_days))
                base = Fraction(total) / weight if weight else None
            known = base is not None and not (base == 0 and level.at_most is not None)
            limit: Optional[Fraction] = None
            if known and level.at_most_value is not None:
                limit = level.at_most_value
            elif known:
                assert base is not None and level.at_most is not None  # a level sets one of its two limits
                limit = base * level.at_most
            rows: List[Row] = []
            data: List[bool] = []  # beside each row: has the input an event in its period?
            if start <= stop:
                for name, period_days in _periods(level.period, start, stop):
                    if period_days[0] < start:
                        continue
                    first, end = period_days[0], period_days[-1]
                    mine = [e for e in hits if first <= e.date <= end]
                    value = sum(_amount(level.measure, e) for e in mine)
                    has_data = any(first <= d <= min(end, as_of) for d in days)
                    data.append(has_data)
                    if not has_data:
                        rows.append((name, "not_assessed", None, base if known else None, limit))
                        continue
                    if not known:
                        rows.append((name, "not_assessed", value, None, None))
                        continue
                    assert limit is not None and last is not None
                    if value > limit:
                        status = "violation" if rule.modality == "obligation" else "missed"
                    elif end > as_of:
                        status = "pending"
                    elif end > last:
                        status = "not_assessed"
                    else:
                        status = "met"
                    rows.append((name, status, value, base, limit))
            out[(rule.version, party)] = (known, _without_long_empty_runs(rows, data))
    return out


def _without_long_empty_runs(rows: List[Row], data: List[bool]) -> List[Row]:
    """The rows, less every run of more than MAX_EMPTY_RUN consecutive periods with no event in the
    input (issue 23: such a run is one not-assessed entry, not a row a period). Made whole, then cut."""
    keep = [True] * len(rows)
    n = 0
    while n < len(rows):
        if data[n]:
            n += 1
            continue
        end = n
        while end < len(rows) and not data[end]:
            end += 1
        if end - n > MAX_EMPTY_RUN:
            for k in range(n, end):
                keep[k] = False
        n = end
    return [row for row, kept in zip(rows, keep) if kept]
