"""A report's tables as rows of plain values: the findings, the scores by month, the level series.

One definition of the columns for every consumer: the CSV renderer writes these rows and
`Report.to_frame` (notebook.py) makes DataFrames of them, so a spreadsheet and a DataFrame never
disagree on a column. Part of the report, not of a renderer: the data model depends on no format.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, Protocol, Tuple

from doha_compliance.models import Claim, Finding, SourceCoverage, UnclaimedAct
from doha_compliance.rules.kinds.level import SeriesRow

from .counts import ALL, Tally
from .scores import Score


class Tables(Protocol):
    """What the tables read of a report (a Report is one): Report's own methods call these rows,
    so naming the protocol rather than Report keeps the two modules out of a loop."""

    @property
    def findings(self) -> Iterable[Finding]: ...

    @property
    def scores(self) -> Iterable[Score]: ...

    @property
    def series(self) -> Iterable[SeriesRow]: ...

    @property
    def unattributed(self) -> Iterable[UnclaimedAct]: ...

    @property
    def counts(self) -> Tally: ...

    @property
    def parties(self) -> Dict[str, Dict[str, int]]: ...

    @property
    def claims(self) -> Iterable[Claim]: ...

    @property
    def sources(self) -> Iterable[SourceCoverage]: ...

TABLES = ("findings", "scores", "series", "unattributed", "counts", "claims", "coverage")
COLUMNS: Dict[str, Tuple[str, ...]] = {
    "findings": ("id", "rule", "version", "party", "status", "date", "due", "evidence", "reason", "span_start",
                 "days_late", "parts_met", "parts_total", "confidence", "confidence_reasons", "episode", "readings",
                 "amended",  # issue 25: how amendments moved a deadline's date
                 "blocked_by",  # issue 25 (depends_on)
                 "magnitude",  # issue 25: the stated proportion of a conditional act, as weighed
                 "verification",
                 "act_by",  # issue 25: the actor whose act the party answers for
                 "clock"),  # issue 26 (§5.17): which clock a deadline counted from another step ran on
    "scores": ("rule", "party", "month", "score", "finding"),
    "series": ("rule", "version", "party", "period", "value", "baseline", "limit", "status"),
    # issue 24: acts nobody claimed; bears_on as "rule (party)" joined by ';'
    "unattributed": ("event", "date", "type", "province", "place", "bears_on", "observed_by"),
    # issue 24: per party, basis and modality (all, all: the party's totals) and status
    "counts": ("party", "basis", "modality", "status", "findings", "episodes", "distinct"),
    # issue 24: who says it, and what the claim can be said to show
    "claims": ("event", "date", "claimant", "claimant_role", "claimant_part_of", "independent", "accused", "rule",
               "about", "assessment", "supported_by", "findings", "reason"),
    # issue 24: what each input declares it records systematically (types and provinces joined by ';')
    "coverage": ("source", "types", "provinces", "from", "to", "min_fatalities", "declared_by", "note"),
}


def rows(report: Tables, table: str) -> Iterator[Dict[str, Any]]:
    """The table's rows as dicts of plain values (dates as ISO text, evidence joined by ';', no score as None)."""
    if table == "findings":
        for f in report.findings:
            yield {"id": f.id, "rule": f.rule, "version": f.version, "party": f.party, "status": f.status,
                   "date": f.date.isoformat(), "due": f.due.isoformat() if f.due else None,
                   "evidence": ";".join(f.evidence), "reason": f.reason,
                   "span_start": f.span_start.isoformat() if f.span_start else None,
                   "days_late": f.days_late, "parts_met": f.parts_met, "parts_total": f.parts_total,
                   "confidence": f.confidence, "confidence_reasons": ";".join(f.confidence_reasons),
                   "episode": f.episode,
                   # its status under each other reading where it differs: "reading: status; ..."
                   "readings": "; ".join(f"{r.reading}: {r.status}" for r in f.readings),
                   "amended": "; ".join(f.amended),  # issue 25: "extended on D by S ... from X to Y"
                   "blocked_by": ";".join(f.blocked_by),  # issue 25: the findings keeping it from being performed
                   "magnitude": f.magnitude,
                   "verification": f.verification,  # issues 25/26 (§5.12)
                   "act_by": f.act_by,
                   "clock": f.clock}  # issue 26 (§5.17)
    elif table == "scores":
        for s in report.scores:
            yield s.to_dict()
    elif table == "series":
        for r in report.series:
            yield r.to_dict()
    elif table == "counts":
        tally = report.counts
        for party in report.parties:
            for group in [(ALL, ALL)] + tally.groups(party):
                for status in tally.statuses():
                    cell = tally.of(party, status, group)
                    if cell.findings or group == (ALL, ALL):
                        yield {"party": party, "basis": group[0], "modality": group[1], "status": status,
                               **cell.to_dict()}
    elif table == "unattributed":
        for u in report.unattributed:
            yield {"event": u.event, "date": u.date.isoformat(), "type": u.type, "province": u.province,
                   "place": u.place, "bears_on": ";".join(f"{rule} ({party})" for rule, party in u.bears_on),
                   "observed_by": u.observed_by}  # issues 25/26
    elif table == "claims":
        for c in report.claims:
            yield {"event": c.event, "date": c.date.isoformat(), "claimant": c.claimant,
                   "claimant_role": c.claimant_role, "claimant_part_of": c.claimant_part_of,
                   "independent": c.independent, "accused": c.accused, "rule": c.rule, "about": ";".join(c.about),
                   "assessment": c.assessment, "supported_by": c.supported_by, "findings": ";".join(c.findings),
                   "reason": c.reason}
    elif table == "coverage":
        for d in report.sources:
            yield {"source": d.source, "types": ";".join(d.types), "provinces": ";".join(d.provinces),
                   "from": d.start.isoformat(), "to": d.end.isoformat(), "min_fatalities": d.min_fatalities,
                   "declared_by": d.declared_by, "note": d.note}
    else:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
