"""CSV for spreadsheets: the findings (one row each), or the `scores` or `series` table.

Written with Python's csv module (quoting, commas and line breaks in reasons handled), row by row
so a large report streams. The same rows feed `Report.to_frame` (notebook.py): a spreadsheet and
a DataFrame never disagree on a column.
"""
from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Tuple

if TYPE_CHECKING:  # a report's own methods use these rows (Report.to_frame): only its type is read here
    from .report import Report

TABLES = ("findings", "scores", "series")
COLUMNS: Dict[str, Tuple[str, ...]] = {
    "findings": ("id", "rule", "version", "party", "status", "date", "due", "evidence", "reason"),
    "scores": ("rule", "party", "month", "score", "finding"),
    "series": ("rule", "version", "party", "period", "value", "baseline", "limit", "status"),
}


def rows(report: Report, table: str) -> Iterator[Dict[str, Any]]:
    """The table's rows as dicts of plain values (dates as ISO text, evidence joined by ';', no score as None)."""
    if table == "findings":
        for f in report.findings:
            yield {"id": f.id, "rule": f.rule, "version": f.version, "party": f.party, "status": f.status,
                   "date": f.date.isoformat(), "due": f.due.isoformat() if f.due else None,
                   "evidence": ";".join(f.evidence), "reason": f.reason}
    elif table == "scores":
        for s in report.scores:
            yield s.to_dict()
    elif table == "series":
        for r in report.series:
            yield r.to_dict()
    else:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")


def csv_writer(report: Report, table: str = "findings") -> Callable[[Any], None]:
    """A function writing the table as CSV to a text file object (a header row, then one row each)."""
    columns = COLUMNS[table]

    def write(fh: Any) -> None:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(columns)
        for row in rows(report, table):
            out.writerow(["" if row[c] is None else row[c] for c in columns])

    return write


def render_csv(report: Report, table: str = "findings") -> str:
    chunks: List[str] = []

    class _Sink:
        write = chunks.append

    csv_writer(report, table)(_Sink())
    return "".join(chunks)
