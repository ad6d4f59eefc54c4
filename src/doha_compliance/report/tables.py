"""A report's tables as rows of plain values: the findings, the scores by month, the level series.

One definition of the columns for every consumer: the CSV renderer writes these rows and
`Report.to_frame` (notebook.py) makes DataFrames of them, so a spreadsheet and a DataFrame never
disagree on a column. Part of the report, not of a renderer: the data model depends on no format.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, Protocol, Tuple

from doha_compliance.models import Finding
from doha_compliance.rules.kinds.level import SeriesRow

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

TABLES = ("findings", "scores", "series")
COLUMNS: Dict[str, Tuple[str, ...]] = {
    "findings": ("id", "rule", "version", "party", "status", "date", "due", "evidence", "reason", "readings"),
    "scores": ("rule", "party", "month", "score", "finding"),
    "series": ("rule", "version", "party", "period", "value", "baseline", "limit", "status"),
}


def rows(report: Tables, table: str) -> Iterator[Dict[str, Any]]:
    """The table's rows as dicts of plain values (dates as ISO text, evidence joined by ';', no score as None)."""
    if table == "findings":
        for f in report.findings:
            yield {"id": f.id, "rule": f.rule, "version": f.version, "party": f.party, "status": f.status,
                   "date": f.date.isoformat(), "due": f.due.isoformat() if f.due else None,
                   "evidence": ";".join(f.evidence), "reason": f.reason,
                   # its status under each other reading where it differs: "reading: status; ..."
                   "readings": "; ".join(f"{r.reading}: {r.status}" for r in f.readings)}
    elif table == "scores":
        for s in report.scores:
            yield s.to_dict()
    elif table == "series":
        for r in report.series:
            yield r.to_dict()
    else:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
