"""The compact text and Markdown views of time: scores by month, and level series.

The HTML report draws them (render_svg.py); text and Markdown show the same data as tables: one
block per year of score digits (0-3, '.' for no score), and one line per judged period.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Dict, Iterator, List, Tuple, Union

from doha_compliance.report.report import Report
from doha_compliance.rules.kinds.level import NOT_ASSESSED, number

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LEGEND = "0 not implemented or violated that month · 1 minimal · 2 intermediate · 3 full · . no score"


def _by_unit(report: Report) -> Tuple[List[Tuple[str, str]], Dict[Tuple[str, str], Dict[str, Any]], List[str]]:
    units: List[Tuple[str, str]] = []
    cells: Dict[Tuple[str, str], Dict[str, Any]] = {}
    months: List[str] = []
    for s in report.scores:
        key = (s.rule, s.party)
        if key not in cells:
            units.append(key)
            cells[key] = {}
        cells[key][s.month] = s.score
        if s.month not in months:
            months.append(s.month)
    return units, cells, months


def _years(months: List[str]) -> List[str]:
    return sorted({m[:4] for m in months})


def _fmt(value: Union[Fraction, int, None]) -> str:
    n = number(value) if value is not None and not isinstance(value, int) else value
    return "—" if n is None else (f"{n:,}" if isinstance(n, int) else f"{n:,.2f}")


def score_text(report: Report) -> Iterator[str]:
    """Lines of the score table, a block per year."""
    units, cells, months = _by_unit(report)
    if not units:
        return
    yield "Implementation scores by month (Peace Accords Matrix scale, from the findings)"
    yield "  " + LEGEND
    width = max(len(f"{r} ({p})") for r, p in units) + 2
    for year in _years(months):
        yield ""
        yield "  " + year.ljust(width) + " ".join(m for m in MONTHS)
        for unit in units:
            row = []
            for i in range(12):
                month = f"{year}-{i + 1:02d}"
                score = cells[unit].get(month, "")
                row.append(" " * 3 if month not in cells[unit] else f"{'.' if score is None else score:>2} ")
            yield ("  " + f"{unit[0]} ({unit[1]})".ljust(width) + " ".join(c[:3] for c in row)).rstrip()
    yield ""


def series_text(report: Report) -> Iterator[str]:
    """One line per judged period of each level rule."""
    if not report.series:
        return
    yield "Levels against their baselines (measure per period; the not-assessed list says why a period is not judged)"
    for r in report.series:
        yield (f"  {r.rule} ({r.party})  {r.period:<8}  value {_fmt(r.value):>6}  baseline {_fmt(r.baseline):>8}  "
               f"limit {_fmt(r.limit):>8}  {r.status.replace('_', ' ')}")
    yield ""


def score_md(report: Report) -> Iterator[str]:
    units, cells, months = _by_unit(report)
    if not units:
        return
    yield ""
    yield "## Implementation scores by month"
    yield ""
    yield f"Peace Accords Matrix scale, from the findings alone: {LEGEND}."
    for year in _years(months):
        present = [m for m in MONTHS if f"{year}-{MONTHS.index(m) + 1:02d}" in months]
        yield ""
        yield f"| {year} | " + " | ".join(present) + " |"
        yield "| --- | " + " | ".join(":---:" for _ in present) + " |"
        for unit in units:
            row = []
            for m in present:
                score = cells[unit].get(f"{year}-{MONTHS.index(m) + 1:02d}")
                row.append("." if score is None else str(score))
            yield f"| `{unit[0]}` ({unit[1]}) | " + " | ".join(row) + " |"


def series_md(report: Report) -> Iterator[str]:
    if not report.series:
        return
    yield ""
    yield "## Levels against their baselines"
    yield ""
    yield "| rule | party | period | value | baseline | limit | status |"
    yield "| --- | --- | --- | ---: | ---: | ---: | --- |"
    for r in report.series:
        status = "not assessed" if r.status == NOT_ASSESSED else r.status
        yield (f"| `{r.rule}` | {r.party} | {r.period} | {_fmt(r.value)} | {_fmt(r.baseline)} | {_fmt(r.limit)} | "
               f"{status} |")
