"""CSV for spreadsheets: the findings (one row each), or the `scores` or `series` table.

Written with Python's csv module (quoting, commas and line breaks in reasons handled), row by row
so a large report streams. The rows come from `report/tables.py`, as `Report.to_frame`'s do: a spreadsheet and
a DataFrame never disagree on a column.
"""
from __future__ import annotations

import csv
from typing import Callable, List

from doha_compliance.report.report import Report, TextSink
from doha_compliance.report.tables import COLUMNS, rows


def csv_writer(report: Report, table: str = "findings") -> Callable[[TextSink], None]:
    """A function writing the table as CSV to a text file object (a header row, then one row each)."""
    columns = COLUMNS[table]

    def write(fh: TextSink) -> None:
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
