"""CSV for spreadsheets: the findings (one row each), or the `scores` or `series` table.

Written with Python's csv module (quoting, commas and line breaks in reasons handled), row by row
so a large report streams. The rows come from `report/tables.py`, as `Report.to_frame`'s do: a spreadsheet and
a DataFrame never disagree on a column.

Every cell goes through `cell`, which keeps a spreadsheet from running what an event file or a rule
folder wrote (formula injection, OWASP's rule): a text cell starting with `=`, `+`, `-`, `@`, a tab
or a carriage return gets a leading `'`, so Excel, LibreOffice and Google Sheets show it as text. So
does each `;`-separated part of a text cell (the evidence column joins event ids with `;`, the
list separator a spreadsheet in many locales splits on). Numbers the report computed (a score, a
level's value, baseline and limit — a sum of a field can be negative) are written as numbers: a
number is not a formula. `Report.to_frame` keeps the raw values: a DataFrame is not a spreadsheet
(write one to a file yourself and the same care applies).

A carriage return inside a text cell becomes a line feed: Python's csv module quotes a cell that
holds a character of its line terminator ("\n" here) but not a lone "\r", which a spreadsheet
reads as the end of the row — one hostile id would shift every column after it.
"""
from __future__ import annotations

import csv
import re
from typing import Callable, List

from doha_compliance.report.report import Report, TextSink
from doha_compliance.report.tables import COLUMNS, rows

# A formula's first character (OWASP: = + - @ tab CR), at the start of a cell or after a `;`.
_FORMULA = re.compile(r"(^|;)(?=[=+\-@\t\r])")


def cell(value: object) -> object:
    """One CSV cell: None as empty; text starting a formula (or with a `;`-separated part that
    does) with a `'` before each such start; numbers, which we wrote, as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return _FORMULA.sub(r"\1'", value)
    return value


def csv_writer(report: Report, table: str = "findings") -> Callable[[TextSink], None]:
    """A function writing the table as CSV to a text file object (a header row, then one row each)."""
    columns = COLUMNS[table]

    def write(fh: TextSink) -> None:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(columns)
        for row in rows(report, table):
            out.writerow([cell(row[c]) for c in columns])

    return write


def render_csv(report: Report, table: str = "findings") -> str:
    chunks: List[str] = []

    class _Sink:
        write = chunks.append

    csv_writer(report, table)(_Sink())
    return "".join(chunks)
