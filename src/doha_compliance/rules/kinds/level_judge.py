"""Judging the `level` kind: per-period tallies folded from the stream, decided at the end.

The rule's data, its periods, tallies and baseline are in level.py (the kind's definition); this is
what the judge (judging/judge.py) runs for the rules whose kind is a series.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from doha_compliance.models import Event, Finding, NotAssessed, Rule

from .level import (
    MAX_EMPTY_RUN,
    MAX_EVIDENCE,
    NOT_ASSESSED,
    Activity,
    Level,
    SeriesRow,
    Tally,
    baseline,
    bounds,
    index_of,
    judged_periods,
    label,
    limit_of,
    measure_of,
    text,
)

# --- judging ---------------------------------------------------------------------------------

class LevelJudge:
    """Folds level hits into per-period tallies as the stream passes; decides at the end."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = [r for r in rules if r.traits.series]
        self.activity = Activity()
        self._periods: Dict[Tuple[str, str], Dict[int, Tally]] = {}
        self._base: Dict[Tuple[str, str], Dict[int, int]] = {}

    def take(self, hits: Dict[Tuple[str, str], List[Event]], cite: Callable[[Event], None]) -> None:
        """Remove level rules' hits from `hits` (the engine's), counting them; cite the kept evidence."""
        for rule in self.rules:
            level: Level = rule.level
            first, last = judged_periods(rule)
            for party in rule.parties:
                events = hits.pop((rule.version, party), None)
                if not events:
                    continue
                periods = self._periods.setdefault((rule.version, party), {})
                base = self._base.setdefault((rule.version, party), {})
                for e in sorted(events, key=lambda e: e.sort_key):
                    amount = measure_of(level, e)
                    index = index_of(level.period, e.date)
                    span = level.baseline_span
                    if span and span[0] <= e.date <= span[1] and amount is not None:
                        base[index] = base.get(index, 0) + amount
                    if index < first or (last is not None and index > last):
                        continue
                    tally = periods.setdefault(index, Tally())
                    tally.events += 1
                    if amount is None:
                        tally.missing += 1
                    else:
                        tally.value += amount
                    if len(tally.cited) < MAX_EVIDENCE:
                        tally.cited.append(e.id)
                        cite(e)

    def finish(self, as_of: dt.date) -> Tuple[List[Finding], List[NotAssessed], List[SeriesRow]]:
        findings: List[Finding] = []
        not_assessed: List[NotAssessed] = []
        series: List[SeriesRow] = []
        for rule in self.rules:
            if rule.effective_from > as_of:
                continue
            for party in rule.parties:
                unit = (rule.version, party)
                f, n, s = judge_unit(rule, party, self._periods.get(unit, {}), self._base.get(unit, {}),
                                     self.activity, as_of)
                findings += f
                not_assessed += n
                series += s
        return findings, not_assessed, series


def judge_unit(rule: Rule, party: str, periods: Dict[int, Tally], base_tallies: Dict[int, int],
               activity: Activity, as_of: dt.date) -> Tuple[List[Finding], List[NotAssessed], List[SeriesRow]]:
    """Every judged period of one version and party: findings, what is not assessed, the series."""
    level: Level = rule.level
    unit = level.period
    first, last = judged_periods(rule, as_of)
    assert last is not None
    if first > last:
        reason = (f"no whole {unit} to judge yet: the first is {label(unit, first)} "
                  f"(from {max(level.start, rule.effective_from)}), after the report date")
        return [], [NotAssessed(rule.id, rule.version, party, reason)], []
    base = baseline(rule, base_tallies, activity, as_of)
    input_last = activity.last
    findings: List[Finding] = []
    gaps: List[Tuple[str, int, int]] = []   # (why, first, last period) of periods not assessed, grouped below
    series: List[SeriesRow] = []
    limit, limit_text = (None, "") if base.problem else limit_of(level, base)
    active = activity.periods(unit, first, last, as_of)
    for index in _listed(unit, first, last, active, input_last, gaps):
        start, end = bounds(unit, index)
        tally = periods.get(index, Tally())
        name = label(unit, index)
        seen_to = min(end, as_of)

        def row(status: str, value: Optional[int]) -> SeriesRow:
            return SeriesRow(rule.id, rule.version, party, name, start, end, value,
                             None if base.problem else base.value, limit, status)

        if not activity.any_between(start, seen_to):
            after = input_last is None or start > input_last
            gaps.append(("after" if after else "empty", index, index))
            series.append(row(NOT_ASSESSED, None))
            continue
        if limit is None:       # the baseline cannot be had: the values are still shown in the series
            series.append(row(NOT_ASSESSED, tally.value))
            continue
        missing = (f"; {tally.missing} of its {tally.events} events have no {level.measure}, counted as nothing"
                   if tally.missing else "")
        cited = f" (the first {len(tally.cited)} of {tally.events} events cited)" if tally.events > len(tally.cited) else ""
        said = f"{rule.title}: {name}: {tally.value:,} {level.measure_text}"
        against = f"against a limit of {text(limit)} ({limit_text})"

        def finding(status: str, date: dt.date, reason: str) -> Finding:
            return Finding(rule=rule.id, version=rule.version, party=party, status=status, date=date,
                           evidence=tuple(tally.cited), reason=reason, anchor=name)

        if tally.value > limit:
            status = "violation" if rule.modality == "obligation" else "missed"
            aim = ("" if status == "violation" else
                   f" ({rule.modality.replace('_', ' ')}" + (f": '{rule.wording}'" if rule.wording else "")
                   + "; missed, not a violation)")
            so_far = (" so far" if end > as_of else
                      f" so far (the input ends on {input_last})" if input_last is not None and end > input_last else "")
            findings.append(finding(status, seen_to, f"{said}{so_far} {against}: above the limit{aim}{missing}{cited}."))
            series.append(row(status, tally.value))
        elif end > as_of:
            findings.append(finding("pending", end, f"{said} so far {against}: within it, but the {unit} runs to "
                                                    f"{end}, after the report date{missing}{cited}."))
            series.append(row("pending", tally.value))
        elif input_last is not None and end > input_last:
            gaps.append((f"the input ends on {input_last}, before the {unit} does: {tally.value:,} so far is within "
                         f"the limit ({text(limit)}), and the days after cannot be told", index, index))
            series.append(row(NOT_ASSESSED, tally.value))
        else:
            findings.append(finding("met", end, f"{said} {against}: within the limit{missing}{cited}."))
            series.append(row("met", tally.value))
    not_assessed = [NotAssessed(rule.id, rule.version, party, base.problem)] if base.problem else []
    not_assessed += _grouped(rule, party, gaps, input_last)
    return findings, not_assessed, series


def _listed(unit: str, first: int, last: int, active: List[int], input_last: Optional[dt.date],
           gaps: List[Tuple[str, int, int]]) -> Iterator[int]:
    """The periods judged one by one, ascending: each with an event, and each of a run of at most
    MAX_EMPTY_RUN without one. A longer run goes into `gaps` whole, (why, first, last), and no period
    of it is ever made: the work and the series follow the input's span, not the rule's."""
    i = first
    for a in [*active, last + 1]:
        if a - i > MAX_EMPTY_RUN:
            after = input_last is None or bounds(unit, i)[0] > input_last
            gaps.append(("after" if after else "empty", i, a - 1))
        else:
            yield from range(i, a)
        if a <= last:
            yield a
        i = a + 1


def _grouped(rule: Rule, party: str, gaps: List[Tuple[str, int, int]], input_last: Optional[dt.date]) -> List[NotAssessed]:
    """Periods not assessed, consecutive ones with the same reason in one entry."""
    unit = rule.level.period
    out: List[NotAssessed] = []
    runs: List[List[Any]] = []
    for why, index, upto in gaps:
        if runs and runs[-1][0] == why and runs[-1][2] == index - 1 and why in ("after", "empty"):
            runs[-1][2] = upto
        else:
            runs.append([why, index, upto])
    for why, a, b in runs:
        span = label(unit, a) if a == b else f"{label(unit, a)} to {label(unit, b)}"
        if b - a + 1 > MAX_EMPTY_RUN:
            span += f" ({b - a + 1:,} {unit}s, not listed one by one in the series)"
        if why == "empty":
            reason = f"{span}: no event of any kind in the input falls in it, so a zero cannot be told from missing data"
        elif why == "after":
            reason = f"{span}: after the input's last event" + (f" ({input_last})" if input_last else "")
        else:
            reason = f"{span}: {why}"
        out.append(NotAssessed(rule.id, rule.version, party, reason))
    return out
