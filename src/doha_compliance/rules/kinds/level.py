"""The `level` kind: a measure per period (month or ISO week) against a baseline.

"Reduction in violence" is relative: fewer attacks than before, not none. A `level` rule counts
(or sums a field of) the events matching its `when` in each period from `from` to the report
date, and sets the value beside a limit: a fraction of the baseline (the mean per period over a
span, or a number the rule gives) or a number. Decisions, each a sentence in the README:

- Periods are whole calendar months (`YYYY-MM`) or ISO weeks, Monday to Sunday (`YYYY-Www`).
  The first period judged is the first whole one starting on or after `from` (default: the
  signature date), so every judged period is comparable with a baseline per whole period.
- A period is judged by the rule version in force on its first day: an amendment's new limit
  applies from the first whole period starting on or after its `effective_from`.
- One finding per period: `met` when the value is at most the limit (the limit itself is within),
  `violation` above it (`missed` if the rule is an aim or a best effort). A complete period is
  dated its last day. A period still running on the report date is `pending` (dated its last day,
  like a deadline not yet reached) unless its value is already above the limit: counts and sums
  of non-negative fields only grow, so that is a `violation` dated the report date.
- Missing data is neither a breach nor compliance: a period with no evaluated event of any kind
  is not assessed, and so is a period the input stops in (its last event falls before the
  period's end) unless the value is already above the limit.
- The baseline is the mean per period over the span, counting each period by the share of its
  days the span covers, and only the periods (or parts) in which the input has an evaluated
  event: a zero there cannot be told from missing data either. A span with no evaluated event
  makes the rule not assessed, with that reason; so does a zero baseline with a fractional limit
  (a fraction of nothing allows nothing: give `at_most_value`).
- Acts by `unknown` never count: the engine matches a level rule's `Rule.act_condition`.

Memory: one small tally per period and party (value, events, the first cited ids), never the
events. `level_judge.py` judges it; `reference/levels.py` is the independent oracle for all of this.
"""
from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union, overload

import attrs

from doha_compliance._util.values import iso_day, whole_number
from doha_compliance.models import Event, Rule
from doha_compliance.rules.spec import RuleSpec

from .base import Kind

PERIODS = ("month", "week")
MAX_EVIDENCE = 10  # events a period's finding cites (the first, by date then id)
NOT_ASSESSED = "not_assessed"  # a series row's status for a period the input cannot judge


# --- the rule's data -------------------------------------------------------------------------

@attrs.frozen
class Level:
    """What a `level` rule measures, per which period, against what."""

    period: str                                   # month | week
    start: dt.date                                # `from`: the first whole period starting on/after it is judged
    measure: Optional[str] = None                 # None: count matching events; else the field summed
    baseline_span: Optional[Tuple[dt.date, dt.date]] = None
    baseline_value: Optional[Fraction] = None     # a baseline the rule gives as a number
    at_most: Optional[Fraction] = None            # limit as a fraction of the baseline
    at_most_value: Optional[Fraction] = None      # limit as a number per period

    @property
    def measure_text(self) -> str:
        return "matching events" if self.measure is None else f"{self.measure} (summed)"

    def baseline_from(self) -> Optional[dt.date]:
        return self.baseline_span[0] if self.baseline_span else None


def describe(level: Level) -> str:
    """The rule's measure, period, baseline and limit in one line (for `explain`)."""
    if level.baseline_span:
        base = f"the mean per {level.period} over {level.baseline_span[0]} to {level.baseline_span[1]}"
    else:
        base = f"{text(level.baseline_value)} a {level.period} (a number set in the rule)"
    limit = (f"at most {_percent(level.at_most)} of it" if level.at_most is not None
             else f"at most {text(level.at_most_value)} a {level.period}")
    return (f"{level.measure_text} per {level.period}, from the first whole {level.period} starting on or after "
            f"{level.start}; baseline {base}; limit {limit}")


def decimal(value: object) -> Fraction:
    """A YAML number as an exact fraction of its decimal text (0.8 is 4/5, not a binary float)."""
    return Fraction(str(value))


def build(spec: RuleSpec, signed: dt.date, error: Callable[[str, str], None]) -> Optional[Level]:
    """The Level of a rule spec (after the schema check); `error(field, message)` records problems."""
    def date(field: str, text: str) -> Optional[dt.date]:
        try:
            return iso_day(text)  # real, and within the dates the tool reads
        except ValueError as exc:
            error(field, str(exc))
            return None

    start = signed if spec.level_from in (None, "signature") else date("from", spec.level_from)
    span, value = None, None
    if isinstance(spec.baseline, dict):
        a, b = date("baseline", spec.baseline["from"]), date("baseline", spec.baseline["until"])
        if a and b and b < a:
            error("baseline", f"the baseline span ends ({b}) before it starts ({a})")
        span = (a, b) if a and b else None
    elif spec.baseline is not None:
        value = decimal(spec.baseline)
    limit = spec.limit or {}
    measure = spec.measure.get("sum") if isinstance(spec.measure, dict) else None
    if start is None or (isinstance(spec.baseline, dict) and span is None):
        return None
    return Level(period=spec.period or "month", start=start, measure=measure, baseline_span=span,
                 baseline_value=value,
                 at_most=decimal(limit["at_most"]) if "at_most" in limit else None,
                 at_most_value=decimal(limit["at_most_value"]) if "at_most_value" in limit else None)


# The registry's record of this kind (rules.kinds): its schema part, its validation hook (build).
KIND = Kind(name="level", requires=("when", "baseline", "limit"),
            allows=("measure", "period", "baseline", "limit", "level_from"), series=True, build=build)


# --- periods ---------------------------------------------------------------------------------
# A period is an integer index: months since year 0 (year * 12 + month - 1), or weeks since the
# Monday of 1 January of year 1 (every day of an ISO week has the same (ordinal - 1) // 7).

def index_of(period: str, day: dt.date) -> int:
    if period == "month":
        return day.year * 12 + day.month - 1
    return (day.toordinal() - 1) // 7


def bounds(period: str, index: int) -> Tuple[dt.date, dt.date]:
    """First and last day of a period."""
    if period == "month":
        year, month0 = divmod(index, 12)
        return dt.date(year, month0 + 1, 1), dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])
    monday = dt.date.fromordinal(index * 7 + 1)
    return monday, monday + dt.timedelta(days=6)


def label(period: str, index: int) -> str:
    """`YYYY-MM`, or the ISO week `YYYY-Www` (the ISO year, which may differ from the calendar's)."""
    start, _ = bounds(period, index)
    if period == "month":
        return f"{start.year:04d}-{start.month:02d}"
    year, week, _ = start.isocalendar()
    return f"{year:04d}-W{week:02d}"


def first_whole(period: str, day: dt.date) -> int:
    """The first period starting on or after `day`."""
    index = index_of(period, day)
    return index if bounds(period, index)[0] >= day else index + 1


def judged_periods(rule: Rule, as_of: Optional[dt.date] = None) -> Tuple[int, Optional[int]]:
    """(first, last) period a version judges: from the first whole period starting on or after both
    `from` and its effective_from, to the one holding its last day in force (or the report date)."""
    level: Level = rule.level
    first = first_whole(level.period, max(level.start, rule.effective_from))
    ends = [d for d in (rule.effective_until, as_of) if d is not None]
    return first, (index_of(level.period, min(ends)) if ends else None)


def match_window(rule: Rule) -> Tuple[dt.date, Optional[dt.date]]:
    """Dates of the events a level version must see: its baseline span and its judged periods."""
    first, last = judged_periods(rule)
    start = bounds(rule.level.period, first)[0]
    base = rule.level.baseline_from()
    end = bounds(rule.level.period, last)[1] if last is not None else None
    if rule.level.baseline_span and end is not None:
        end = max(end, rule.level.baseline_span[1])
    return (min(start, base) if base else start), end


# --- what the input covers -------------------------------------------------------------------

class Activity:
    """The days on which the input has an evaluated event (of any kind, by anyone): what tells a
    zero from missing data. One entry a day, however many events: bounded by the span of time."""

    def __init__(self) -> None:
        self.days: Set[int] = set()  # ordinals
        self._last: Optional[dt.date] = None

    def add(self, day: dt.date) -> None:
        if day != self._last:
            self.days.add(day.toordinal())
            self._last = day

    @property
    def first(self) -> Optional[dt.date]:
        return dt.date.fromordinal(min(self.days)) if self.days else None

    @property
    def last(self) -> Optional[dt.date]:
        return dt.date.fromordinal(max(self.days)) if self.days else None

    def periods(self, unit: str, first: int, last: int, until: dt.date) -> List[int]:
        """The periods first..last (indices, ascending) holding an evaluated event dated up to `until`:
        as many as the input has days, whatever the span of the rule."""
        lo, hi = bounds(unit, first)[0].toordinal(), min(bounds(unit, last)[1], until).toordinal()
        return sorted({index_of(unit, dt.date.fromordinal(d)) for d in self.days if lo <= d <= hi})

    def any_between(self, start: dt.date, end: dt.date) -> bool:
        a, b = start.toordinal(), end.toordinal()
        if b - a < len(self.days):
            return any(d in self.days for d in range(a, b + 1))
        return any(a <= d <= b for d in self.days)


# --- tallies ---------------------------------------------------------------------------------

@attrs.define
class Tally:
    """One period's measure for one unit: value, events counted, events without the summed field,
    and the first MAX_EVIDENCE event ids (by date, then id)."""

    value: int = 0
    events: int = 0
    missing: int = 0
    cited: List[str] = attrs.field(factory=list)


def measure_of(level: Level, event: Event) -> Optional[int]:
    """What one event adds: 1 for a count; the field's whole number for a sum (None if it has none)."""
    if level.measure is None:
        return 1
    value = whole_number(event.get(level.measure))  # 4 from JSONL and "4" from CSV alike
    return value if value is not None and value >= 0 else None


@attrs.frozen
class SeriesRow:
    """One period of one level rule and party: what the JSON `series` and the charts show."""

    rule: str
    version: str
    party: str
    period: str
    start: dt.date
    end: dt.date
    value: Optional[int]
    baseline: Optional[Fraction]
    limit: Optional[Fraction]
    status: str

    def to_dict(self) -> Dict[str, Any]:
        return {"rule": self.rule, "version": self.version, "party": self.party, "period": self.period,
                "value": self.value, "baseline": number(self.baseline), "limit": number(self.limit),
                "status": self.status}


@overload
def number(value: Fraction) -> Union[int, float]: ...
@overload
def number(value: None) -> None: ...
@overload
def number(value: Optional[Fraction]) -> Union[int, float, None]: ...
def number(value: Optional[Fraction]) -> Union[int, float, None]:
    """A fraction as the reports write it: a whole number, or rounded to 2 decimals (same bytes everywhere)."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return round(float(value), 2)


def text(value: Optional[Fraction]) -> str:
    n = number(value)
    return "none" if n is None else (f"{n:,}" if isinstance(n, int) else f"{n:,.2f}")


def _percent(f: Fraction) -> str:
    p = f * 100
    return f"{int(p)} %" if p.denominator == 1 else f"{float(p):.1f} %"


@attrs.frozen
class Baseline:
    value: Optional[Fraction]
    text: str                       # how it was found, for reasons
    problem: Optional[str] = None   # why the rule cannot be assessed


def baseline(rule: Rule, tallies: Dict[int, int], activity: Activity, as_of: dt.date) -> Baseline:
    """The baseline per period: a number from the rule, or the mean over the span's periods (by
    the share of their days the span covers) in which the input has an evaluated event."""
    level: Level = rule.level
    unit = level.period
    if level.baseline_value is not None:
        how = f"{text(level.baseline_value)} a {unit}, a number set in the rule"
        return Baseline(level.baseline_value, how, _zero(level, level.baseline_value, how))
    assert level.baseline_span is not None
    a, b = level.baseline_span
    total, weight, empty = 0, Fraction(0), []
    for index in range(index_of(unit, a), index_of(unit, b) + 1):
        start, end = bounds(unit, index)
        piece = (max(a, start), min(b, end, as_of))
        if piece[0] > piece[1] or not activity.any_between(*piece):
            empty.append(index)
            continue
        total += tallies.get(index, 0)
        weight += Fraction((piece[1] - piece[0]).days + 1, (end - start).days + 1)
    span = f"{a} to {b}"
    if weight == 0:
        return Baseline(None, "", f"the baseline span {span} has no evaluated event in the input"
                                  + (f" (the report date is {as_of})" if b > as_of else "")
                                  + ", so there is nothing to measure against")
    mean = Fraction(total) / weight
    how = (f"{text(mean)} a {unit} ({total:,} over {span}, {text(weight)} {unit}s with events in the input"
           + (f"; {left_out(unit, empty)} left out: no event in the input" if empty else "") + ")")
    return Baseline(mean, how, _zero(level, mean, how))


# A run of more consecutive periods than this with no event of any kind in them (before the input's
# first event, in a gap of it, after its last) is one not-assessed entry, and no series rows: a rule
# judged from 1800 on an input of 2020 holds its 2020 periods, not 11,000 empty weeks (issue 23). Two
# years of weeks; a shorter run is listed period by period, as it always was.
MAX_EMPTY_RUN = 104
SHOWN_RUNS = 3  # a reason names at most this many runs of periods left out, then counts the rest


def left_out(unit: str, indices: List[int]) -> str:
    """Periods (ascending indices) as a reason names them: runs of consecutive periods as ranges
    ("2020-01 to 2020-06"), at most SHOWN_RUNS of them, then a count — never one label per period
    (issue 23: 13 MB of reason for 52 events over a long baseline span). One or two periods in a run
    are named as before ("2020-01, 2020-02")."""
    runs: List[Tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    named = []
    for first, last in runs[:SHOWN_RUNS]:
        if last - first >= 2:
            named.append(f"{label(unit, first)} to {label(unit, last)}")
        else:
            named.extend(label(unit, i) for i in range(first, last + 1))
    more = len(indices) - sum(last - first + 1 for first, last in runs[:SHOWN_RUNS])
    return ", ".join(named) + (f" and {more:,} more {unit}{'' if more == 1 else 's'}" if more else "")


def _zero(level: Level, value: Fraction, how: str) -> Optional[str]:
    """A fraction of a zero baseline allows nothing: the rule cannot be judged that way."""
    if value == 0 and level.at_most is not None:
        return (f"the baseline is 0 ({how}); a fraction of 0 allows nothing, so the limit means nothing: "
                "give the limit as a number (at_most_value)")
    return None


def limit_of(level: Level, base: Baseline) -> Tuple[Fraction, str]:
    if level.at_most_value is not None:
        return level.at_most_value, f"at most {text(level.at_most_value)} a {level.period}, a number set in the rule"
    assert level.at_most is not None and base.value is not None
    return base.value * level.at_most, f"at most {_percent(level.at_most)} of the baseline, {base.text}"
