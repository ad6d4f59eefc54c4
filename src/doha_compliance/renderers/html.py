"""The HTML report: one self-contained page (no network) with a summary, an SVG timeline of
events and findings on one date axis, and every finding linked to its evidence."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

import jinja2

from doha_compliance._util.values import month_label
from doha_compliance.report.counts import cell_text
from doha_compliance.report.report import IMPORT_OUTCOMES, Report

from .wording import (
    CLAIM_SECTIONS,
    COVERAGE_HEADING,
    NO_COVERAGE,
    PARTY_LEGEND,
    UNCLAIMED_HEADING,
    assessment_words,
    claimant_words,
    confidence_words,
    coverage_lines,
    left_out_words,
    order_words,
    primary_note,
    reading_lines,
    reading_words,
    rules_line,
)

# One colour a status: reds for breaches, orange for what is claimed or unsettled, greys for what is not
# yet due or started, greens and blues for what was kept.
COLOURS = {"violation": "#c0392b", "alleged": "#e67e22", "justified": "#2e86c1", "unresolved": "#d4ac0d",
           "pending": "#7f8c8d", "not_triggered": "#aab7b8", "met": "#27ae60", "missed": "#a04000",
           "complied": "#1e8449", "prevented": "#8e7cc3"}  # prevented (issue 25): neither kept nor broken
WIDTH, LEFT, RIGHT, LANE, TOP = 960, 130, 70, 34, 40


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("doha_compliance", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def _ticks(start: dt.date, end: dt.date) -> List[dt.date]:
    """First days of months (or of years, for long spans) between start and end."""
    out, day = [], dt.date(start.year, start.month, 1)
    step_months = 1 if (end - start).days < 500 else 3
    while day <= end:
        if day >= start:
            out.append(day)
        month = day.month - 1 + step_months
        day = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return out


def timeline(report: Report) -> Dict[str, Any]:
    """Geometry of the SVG timeline: lanes per party plus one for evidence events."""
    dates = [f.date for f in report.findings] + [e.date for e in report.events] + [report.as_of]
    start, end = min(dates), max(dates)
    if start == end:
        start, end = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span, 1)

    parties = list(report.parties)
    lanes = [{"label": p, "y": TOP + i * LANE} for i, p in enumerate(parties)]
    event_y = TOP + len(parties) * LANE
    lanes.append({"label": "evidence events", "y": event_y})
    y_of = {p: TOP + i * LANE for i, p in enumerate(parties)}
    same_spot: Dict[Tuple[str, dt.date], int] = {}
    marks = []
    for i, f in enumerate(report.findings):
        # Findings of one party on one day are spread out vertically, so each stays clickable.
        k = same_spot[(f.party, f.date)] = same_spot.get((f.party, f.date), -1) + 1
        dy = (0, -9, 9)[k % 3]
        marks.append({"x": x(f.date), "y": y_of[f.party] + dy, "status": f.status, "colour": COLOURS[f.status],
                      "anchor": f"f-{i}", "title": f"{f.date} {f.party} {f.status}: {f.rule}"})
    events = [{"x": x(e.date), "y": event_y, "anchor": f"e-{i}", "title": f"{e.date} {e.id} ({e.type} by {e.actor})"}
              for i, e in enumerate(report.events)]
    return {"width": WIDTH, "height": event_y + 40, "left": LEFT, "right": WIDTH - RIGHT, "lanes": lanes,
            "marks": marks, "events": events, "as_of_x": x(report.as_of),
            "ticks": [{"x": x(t), "label": month_label(t, i == 0 or t.month == 1)}
                      for i, t in enumerate(_ticks(start, end))], "axis_y": event_y + 18}


def render_html(report: Report) -> str:
    event_anchor = {e.id: f"e-{i}" for i, e in enumerate(report.events)}
    finding_anchor = {f.id: f"f-{i}" for i, f in enumerate(report.findings)}
    findings = []
    for i, f in enumerate(report.findings):
        rule = report.rule_version(f.version)
        findings.append({"f": f, "rule": rule, "anchor": f"f-{i}", "colour": COLOURS[f.status],
                         "evidence": [(e, event_anchor.get(e)) for e in f.evidence],
                         "confidence": confidence_words(f.confidence, f.confidence_reasons, f.evidence),
                         "readings": [{"status": r.status, "words": reading_words(report.agreement, r)}
                                      for r in f.readings]})
    defaults_view = [{"note": primary_note(report.agreement, g.rules),
                      "orders": [(order_words(report.agreement, o), o.parties) for o in g.readings]}
                     for g in report.defaults]
    cited_by: Dict[str, List[str]] = {}
    for i, f in enumerate(report.findings):
        for e in f.evidence:
            cited_by.setdefault(e, []).append(f"f-{i}")
    template = _environment().get_template("report.html.j2")
    tally = report.counts  # issue 24
    from .svg import (  # issue 15: the score heatmap and the level charts
        heatmap,
        level_charts,
    )
    return template.render(report=report, statuses=tally.statuses(), colours=COLOURS, findings=findings,
                           claim_sections=CLAIM_SECTIONS, unclaimed_heading=UNCLAIMED_HEADING,
                           party_legend=PARTY_LEGEND, tally=tally, cell_text=cell_text,
                           basis_statuses=[s for s in tally.statuses()
                                           if any(tally.of(p, s).findings for p in report.parties)],
                           assessment_words=assessment_words, claimant_words=claimant_words,
                           rules_line=rules_line(report.agreement.source),
                           left_out=left_out_words(report.min_confidence, report.left_out),
                           timeline=timeline(report), cited_by=cited_by, finding_anchor=finding_anchor,
                           event_anchor=event_anchor, import_outcomes=IMPORT_OUTCOMES,
                           heatmap=heatmap(report, finding_anchor),
                           level_charts=level_charts(report), defaults_view=defaults_view,
                           readings=reading_lines(report.agreement),
                           coverage_heading=COVERAGE_HEADING, coverage_lines=coverage_lines, no_coverage=NO_COVERAGE)
