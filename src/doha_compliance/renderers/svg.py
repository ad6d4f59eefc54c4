"""The HTML report's two pictures, as inline SVG: no script, no font or file fetched, no network.

- `heatmap`: every commitment and party (rows) by month (columns), coloured by its implementation
  score (scores.py), with a legend and the month axis; each cell names its score and the finding
  behind it on hover, and links to that finding.
- `level_chart`: for one level rule and party, the measure per period as bars (coloured by the
  period's status) against the baseline (dashed) and the limit (solid), both drawn per period so an
  amendment's new limit shows where it starts.

Geometry is computed here, in Python, and the SVG written as text with every label escaped: the
same report gives the same bytes.
"""
from __future__ import annotations

import html
import textwrap
from typing import Dict, List, Optional, Sequence, Tuple, Union

from doha_compliance.report.report import Report
from doha_compliance.report.scores import Score
from doha_compliance.rules.kinds.level import NOT_ASSESSED, SeriesRow, number

# Colour-blind-safe, dark to light for low to high (ColorBrewer RdYlBu, four classes); grey: no score.
SCORE_COLOURS = {0: "#d7301f", 1: "#fc8d59", 2: "#91bfdb", 3: "#2c7bb6", None: "#e6e6e6"}
SCORE_NAMES = {0: "0 not implemented / violated", 1: "1 minimal", 2: "2 intermediate", 3: "3 full", None: "no score"}
STATUS_COLOURS = {"met": "#2c7bb6", "violation": "#d7301f", "missed": "#fc8d59", "pending": "#8c8c8c",
                  NOT_ASSESSED: "#cfcfcf"}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: Union[int, float, None]) -> str:
    return "none" if value is None else (f"{value:,}" if isinstance(value, int) else f"{value:,.2f}")


def heatmap(report: Report, anchors: Optional[Dict[str, str]] = None) -> str:
    """The score heatmap; `anchors` maps finding ids to the page's anchors (cells link to them)."""
    anchors = anchors or {}
    units: List[Tuple[str, str]] = []
    cells: Dict[Tuple[str, str], List[Score]] = {}
    for s in report.scores:
        key = (s.rule, s.party)
        if key not in cells:
            units.append(key)
            cells[key] = []
        cells[key].append(s)
    if not units:
        return '<p class="meta" id="score-heatmap-empty">No commitment to score.</p>'
    months = [s.month for s in cells[units[0]]]
    label_w, top, row_h = 250, 34, 18
    cell_w = max(8, min(30, (960 - label_w - 10) // max(1, len(months))))
    legend_w = sum(34 + int(6.2 * len(name)) for name in SCORE_NAMES.values())
    width = max(label_w + cell_w * len(months) + 10, label_w + legend_w)
    legend_y = top + row_h * len(units) + 34
    height = legend_y + 24
    out = [f'<svg id="score-heatmap" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="Implementation score of every commitment by month">']
    for i, month in enumerate(months):
        x = label_w + i * cell_w + cell_w / 2
        year, mm = month.split("-")
        if i == 0 or mm == "01":
            out.append(f'<text class="year" x="{x - cell_w / 2:.1f}" y="12">{_e(year)}</text>')
        if cell_w >= 22 or mm in ("01", "04", "07", "10") or i == 0:
            out.append(f'<text class="month" x="{x:.1f}" y="{top - 6}" text-anchor="middle">'
                       f'{_e(MONTHS[int(mm) - 1][: 3 if cell_w >= 22 else 1])}</text>')
    for r, unit in enumerate(units):
        y = top + r * row_h
        out.append(f'<text class="unit" x="{label_w - 6}" y="{y + row_h - 5}" text-anchor="end">'
                   f'{_e(unit[0])} ({_e(unit[1])})</text>')
        for i, s in enumerate(cells[unit]):
            x = label_w + i * cell_w
            title = f"{s.rule} ({s.party}) {s.month}: {SCORE_NAMES[s.score]}" + (f" — {s.finding}" if s.finding else "")
            rect = (f'<rect class="score-cell" data-rule="{_e(s.rule)}" data-party="{_e(s.party)}" '
                    f'data-month="{_e(s.month)}" data-score="{"" if s.score is None else s.score}" x="{x}" y="{y}" '
                    f'width="{cell_w - 1}" height="{row_h - 1}" fill="{SCORE_COLOURS[s.score]}">'
                    f'<title>{_e(title)}</title></rect>')
            anchor = anchors.get(s.finding or "")
            out.append(f'<a href="#{_e(anchor)}">{rect}</a>' if anchor else rect)
    x = label_w
    out.append(f'<g class="legend"><text x="{label_w - 6}" y="{legend_y + 12}" text-anchor="end">score</text>')
    for score in (0, 1, 2, 3, None):
        out.append(f'<rect class="legend-swatch" x="{x}" y="{legend_y}" width="14" height="14" '
                   f'fill="{SCORE_COLOURS[score]}"/>'
                   f'<text x="{x + 18}" y="{legend_y + 12}">{_e(SCORE_NAMES[score])}</text>')
        x += 34 + int(6.2 * len(SCORE_NAMES[score]))
    out.append("</g></svg>")
    return "\n".join(out)


def _ticks(top: float) -> List[float]:
    """Round axis ticks from 0 to at least `top`."""
    if top <= 0:
        return [0, 1]
    step = 1.0
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = candidate
        if top / candidate <= 5:
            break
    else:
        step = top / 5
    ticks, t = [], 0.0
    while t < top + step:
        ticks.append(t)
        t += step
    return ticks


def level_chart(rows: Sequence[SeriesRow], title: str, reasons: Sequence[str] = (),
                anchors: Optional[Dict[str, str]] = None) -> str:
    """One level rule and party: the measure per period against its baseline and limit."""
    rule, party = rows[0].rule, rows[0].party
    bar_w = max(4, min(36, (960 - 72) // max(1, len(rows))))
    reasons = [line for reason in reasons for line in textwrap.wrap(reason, max(40, (bar_w * len(rows)) // 6))]
    ident = f"level-{rule}-{party}".replace(".", "-").replace("@", "-")
    left, right, top, plot_h = 56, 16, 30, 170
    bar_w = max(4, min(36, (960 - left - right) // max(1, len(rows))))
    width = max(700, left + right + bar_w * len(rows))
    heading = textwrap.wrap(title, (width - left) // 6)
    top += 14 * (len(heading) - 1)
    values = [r.value for r in rows if r.value is not None]
    lines = ([number(r.baseline) for r in rows if r.baseline is not None]
             + [number(r.limit) for r in rows if r.limit is not None])
    ticks = _ticks(max(values + lines + [0]))
    scale = plot_h / ticks[-1] if ticks[-1] else plot_h
    base_y = top + plot_h
    height = base_y + 58 + 14 * len(reasons)

    def y(v: float) -> float:
        return round(base_y - v * scale, 1)

    out = [f'<svg id="{_e(ident)}" class="level-chart" data-rule="{_e(rule)}" data-party="{_e(party)}" '
           f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{_e(title)}">',
           *(f'<text class="level-title" x="{left}" y="{14 + 14 * i}">{_e(line)}</text>'
             for i, line in enumerate(heading))]
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t)}" y2="{y(t)}" stroke="#eee"/>'
                   f'<text x="{left - 6}" y="{y(t) + 4}" text-anchor="end">'
                   f'{_e(_fmt(int(t) if t == int(t) else t))}</text>')
    step = max(1, len(rows) // 12)
    for i, r in enumerate(rows):
        x = left + i * bar_w
        tip = (f"{r.period}: {_fmt(r.value)} ({r.status.replace('_', ' ')}); baseline {_fmt(number(r.baseline))}, "
               f"limit {_fmt(number(r.limit))}")
        if r.value is not None:
            h = max(1.0, r.value * scale) if r.value else 1.0
            out.append(f'<rect class="level-bar" data-period="{_e(r.period)}" data-status="{_e(r.status)}" '
                       f'x="{x + 1}" y="{round(base_y - h, 1)}" width="{bar_w - 2}" height="{round(h, 1)}" '
                       f'fill="{STATUS_COLOURS[r.status]}"><title>{_e(tip)}</title></rect>')
        else:
            out.append(f'<text class="level-gap" x="{x + bar_w / 2}" y="{base_y - 4}" text-anchor="middle" '
                       f'fill="#999">·<title>{_e(tip)}</title></text>')
        if i % step == 0:
            out.append(f'<text x="{x + bar_w / 2}" y="{base_y + 14}" text-anchor="middle">{_e(r.period[2:])}</text>')
    for name, field, dash in (("baseline", "baseline", ' stroke-dasharray="5 3"'), ("limit", "limit", "")):
        points = []
        for i, r in enumerate(rows):
            v = getattr(r, field)
            if v is not None:
                points.append(f"M{left + i * bar_w},{y(float(v))}H{left + (i + 1) * bar_w}")
        if points:
            colour = "#555" if name == "baseline" else "#d7301f"
            out.append(f'<path class="level-{name}" d="{"".join(points)}" stroke="{colour}" stroke-width="2" '
                       f'fill="none"{dash}/>')
    ly = base_y + 34
    out.append(f'<g class="legend">'
               f'<path d="M{left},{ly - 4}h18" stroke="#555" stroke-width="2" stroke-dasharray="5 3"/>'
               f'<text x="{left + 22}" y="{ly}">baseline (mean per period)</text>'
               f'<path d="M{left + 200},{ly - 4}h18" stroke="#d7301f" stroke-width="2"/>'
               f'<text x="{left + 222}" y="{ly}">limit</text>')
    x = left + 270
    for status in ("met", "violation", "missed", "pending", NOT_ASSESSED):
        out.append(f'<rect x="{x}" y="{ly - 10}" width="10" height="10" fill="{STATUS_COLOURS[status]}"/>'
                   f'<text x="{x + 14}" y="{ly}">{_e(status.replace("_", " "))}</text>')
        x += 24 + int(6.2 * len(status))
    out.append("</g>")
    for i, reason in enumerate(reasons):
        out.append(f'<text class="level-note" x="{left}" y="{ly + 16 + 14 * i}">{_e(reason)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def level_charts(report: Report) -> List[Dict[str, str]]:
    """One chart per level rule and party, with the reasons it is not assessed when its baseline is missing."""
    groups: Dict[Tuple[str, str], List[SeriesRow]] = {}
    for r in report.series:
        groups.setdefault((r.rule, r.party), []).append(r)
    titles = {r.id: r.title for r in report.agreement.rules}
    out = []
    for (rule, party), rows in groups.items():
        reasons = [f"not assessed: {n.reason}" for n in report.not_assessed
                   if n.rule == rule and n.party == party and "baseline" in n.reason]
        title = f"{rule} ({party}): {titles.get(rule, rule)}"
        out.append({"rule": rule, "party": party, "title": title, "svg": level_chart(rows, title, reasons)})
    return out
