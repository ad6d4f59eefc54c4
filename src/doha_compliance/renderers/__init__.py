"""Every report format, from the library as from the command line: `render(report, "md")`.

One entry point so that a notebook, a script and the CLI get the same bytes for the same report:
text, Markdown and JSON stream line by line (a report on a million events is never held whole);
HTML, made to be opened in a browser, is built at once; CSV writes one of the report's tables.
"""
from __future__ import annotations

import io
import os
from typing import IO, Callable, Optional, Union

from doha_compliance._util.output import write_output
from doha_compliance.report.report import Report
from doha_compliance.report.tables import TABLES

FORMATS = ("text", "json", "md", "html", "csv")

Writer = Callable[[IO[str]], object]


def writer(report: Report, fmt: str = "text", table: Optional[str] = None) -> Writer:
    """A function that writes the report in `fmt` to a text file object (so a large report streams).
    `table` (findings, scores or series; default findings) is for "csv" only: the other formats
    show every table."""
    if not isinstance(report, Report):
        raise TypeError(f"render takes a Report (from evaluate), got {type(report).__name__}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if table is not None and fmt != "csv":
        raise ValueError(f"table={table!r} is for the csv format (the other formats show every table)")
    if table is not None and table not in TABLES:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
    if fmt == "json":
        return report.write_json
    if fmt == "md":
        from doha_compliance.renderers.md import md_lines
        return lambda fh: fh.writelines(line + "\n" for line in md_lines(report))
    if fmt == "html":
        from doha_compliance.renderers.html import render_html
        page = render_html(report)
        return lambda fh: fh.write(page)
    if fmt == "csv":
        from doha_compliance.renderers.csv import csv_writer
        return csv_writer(report, table or "findings")
    from doha_compliance.renderers.text import text_lines
    return lambda fh: fh.writelines(text_lines(report))


def render(report: Report, fmt: str = "text", file: Union[None, str, "os.PathLike[str]", IO[str]] = None,
           table: Optional[str] = None) -> Optional[str]:
    """The report in `fmt` ("text", "md", "json", "html" or "csv"; `table` picks the CSV's table).

    With no `file`, the report is returned as a string. With a text file object, it is written
    there (and None returned). With a path, it is written to that file atomically: a failure
    leaves no half-written report (nothing checks that the path is not one of your inputs: the
    command line does)."""
    write = writer(report, fmt, table)
    if file is None:
        buffer = io.StringIO(newline="")
        write(buffer)
        return buffer.getvalue()
    if isinstance(file, (str, os.PathLike)):
        write_output(write, os.fspath(file))
        return None
    if not callable(getattr(file, "write", None)):
        raise TypeError(f"file is a path or a text file object, got {type(file).__name__}")
    write(file)
    return None
