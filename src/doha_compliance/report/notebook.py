"""A report in a notebook: pandas DataFrames of its tables, and an HTML summary as its display.

pandas is an optional extra (`pip install -e '.[pandas]'`): nothing else in the package needs it,
and without it `to_frame` says how to get it instead of failing on an import.
"""
from __future__ import annotations

import html
from typing import Any

from doha_compliance.errors import PandasMissing
from doha_compliance.models import STATUSES

from .tables import COLUMNS, TABLES, Tables, rows


def to_frame(report: Tables, table: str = "findings") -> Any:  # a pandas DataFrame
    """A DataFrame of "findings", "scores" or "series": the CSV's columns, with dates as dates.
    The values are the raw ones: the CSV's guard against spreadsheet formulas (a `'` before a cell
    starting with =, +, -, @) is not applied, since a DataFrame is not a spreadsheet."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
    try:
        import pandas as pd
    except ImportError:
        raise PandasMissing("Report.to_frame needs pandas, an optional extra: pip install -e '.[pandas]' "
                            "(or pip install pandas); report.findings, report.scores and report.series "
                            "need nothing") from None
    frame = pd.DataFrame(list(rows(report, table)), columns=list(COLUMNS[table]))
    for column in ("date", "due"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    if "score" in frame:
        frame["score"] = frame["score"].astype("Int64")   # no score stays missing, not NaN-as-float
    if "value" in frame:
        frame["value"] = frame["value"].astype("Int64")
    return frame


def summary_html(report: Any) -> str:
    """The summary a notebook shows: title, report date, inputs, findings per party and status."""
    e = html.escape
    inputs = report.inputs
    statuses = next(iter(report.parties.values()), {s: 0 for s in STATUSES})  # the statuses it shows (issue 25)
    head = "".join(f"<th>{e(s)}</th>" for s in statuses)
    body = "".join(f"<tr><td>{e(p)}</td>" + "".join(f"<td style=\"text-align:right\">{c[s]}</td>" for s in statuses)
                   + "</tr>" for p, c in report.parties.items())
    levels = sum(1 for r in report.series if r.status in ("violation", "missed"))
    return (f"<div class=\"doha-compliance-report\"><strong>{e(report.agreement.title)}</strong><br>"
            f"Compliance report as of <strong>{report.as_of}</strong>. Events read {inputs.read}: evaluated "
            f"{inputs.evaluated}, rejected {inputs.rejected}. {len(report.findings)} findings, "
            f"{len(report.claims)} claims, {len(report.not_assessed)} not assessed"
            + (f", {levels} periods above a level's limit" if report.series else "") + "."
            f"<table><thead><tr><th>party</th>{head}</tr></thead><tbody>{body}</tbody></table>"
            "<small>report.findings, .scores, .series; report.to_frame(\"findings\" | \"scores\" | \"series\")"
            "</small></div>")
