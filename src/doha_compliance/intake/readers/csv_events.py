"""CSV event files, read with Python's `csv` module (RFC 4180: a cell that *starts* with `"` runs
to its closing `"`; a `"` inside an unquoted cell is an ordinary character), lines ending in LF,
CRLF or a lone CR, each row located at the line where it starts."""
from __future__ import annotations

import csv
from typing import Any, Dict, Iterator, List, Optional, Sequence

from doha_compliance._util.limits import (
    MAX_FIELD_CHARS,
)
from doha_compliance.errors import InputFileError

from . import csv_arrow
from .lines import Lines, LongLine, records
from .rows import RawRow, empty


class _BoundedCsv:
    """csv.reader's rows, each parsed under this tool's field bound (MAX_FIELD_CHARS). Python's bound
    is process-wide, so it is set only while a row is parsed and put back after: a program that
    imports this package keeps its own CSV settings. A class, not a generator: a row csv cannot
    read raises here and the rows after it are still read."""

    def __init__(self, lines: Any):
        self._reader = csv.reader(lines, strict=True)

    def __iter__(self) -> "_BoundedCsv":
        return self

    def __next__(self) -> List[str]:
        previous = csv.field_size_limit(MAX_FIELD_CHARS)
        try:
            return next(self._reader)
        finally:
            csv.field_size_limit(previous)


class MissingColumns(InputFileError):
    """The header row lacks a column every event needs: one error for the file, not one per row
    (`sources` adds what the header looks like: an ACLED or UCDP export, say)."""

    def __init__(self, path: str, line: int, missing: Sequence[str], header: Sequence[str], required: Sequence[str]):
        self.path, self.line, self.missing, self.header = path, line, list(missing), list(header)
        self.required = list(required)
        super().__init__(f"{path}:{line}: {self.problem()}")

    def problem(self) -> str:
        """The message without the file: the columns missing, and the header found (shortened)."""
        return (f"the header row lacks the column(s) {', '.join(self.missing)}; a CSV event file's first row "
                f"names its columns (at least {', '.join(self.required)}). Found: {shortened(self.header)}")


def shortened(names: Sequence[str], most: int = 12, width: int = 40) -> str:
    """Column names for a message: the first `most`, each cut at `width` characters."""
    shown = [name if len(name) <= width else name[:width] + "…" for name in names[:most]]
    more = f", … ({len(names)} columns)" if len(names) > most else ""
    return (", ".join(shown) or "no names") + more


def read_csv(path: str, required: Sequence[str] = ("id", "date", "type", "actor")) -> Iterator[RawRow]:
    """CSV with a header row; empty cells are absent fields. A header naming a column twice, or
    lacking a `required` column, is refused (InputFileError; MissingColumns for the latter).

    With the `arrow` extra and DOHA_COMPLIANCE_CSV=arrow, a file is read by pyarrow when it reads
    alike in both (`csv_arrow`): the same rows, file:line and rejections."""
    if csv_arrow.wanted(path):
        arrow_rows = csv_arrow.read_csv_arrow(path, required)
        if arrow_rows is not None:
            yield from arrow_rows
            return
    with open(path, "rb") as fh:
        lines = Lines(fh)
        header: Optional[List[str]] = None
        any_row = False
        for start, cells, problem in records(lines, _BoundedCsv(lines)):
            if header is None:
                if problem:
                    yield RawRow(f"{path}:{start}", None, f"header row: {problem}")
                    return
                if not cells or not any(c.strip() for c in cells):
                    continue
                header = [h.strip() for h in cells]
                _check_header(path, start, header)
                missing = [name for name in required if name not in header]
                if missing:
                    raise MissingColumns(path, start, missing, header, required)
                continue
            where = f"{path}:{start}"
            if problem is None and not any(c.strip() for c in cells or ()):
                continue  # a blank line
            any_row = True
            if problem is None and cells is not None and len(cells) > len(header):
                row_id = cells[header.index("id")] if "id" in header else None
                problem = f"{len(cells)} cells but the header names {len(header)} columns" + \
                          (f" (row id {row_id})" if row_id and len(row_id) < 200 else "")
            if problem is not None:
                yield RawRow(where, None, problem)
                continue
            yield RawRow(where, {name: cell for name, cell in zip(header, cells) if name and cell.strip() != ""})
    if not any_row:
        yield empty(path)


def csv_header(path: str) -> List[str]:
    """The column names of a CSV file's first non-blank row ([] if it has none readable)."""
    with open(path, "rb") as fh:
        lines = Lines(fh)
        reader = _BoundedCsv(lines)
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    return [c.strip() for c in cells]
        except (csv.Error, LongLine):
            pass
    return []


def _check_header(path: str, line: int, header: List[str]) -> None:
    seen: Dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if name and name in seen:
            raise InputFileError(f"{path}:{line}: the header names the column '{name}' twice (columns {seen[name]} "
                                 f"and {index}): which one holds the value is unclear; rename one")
        seen[name] = index
