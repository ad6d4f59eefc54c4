"""Line-based files (JSONL, CSV) read lazily, one row at a time: each row located at the line
where it starts, a line too long or bytes that are not UTF-8 spoiling only their own row."""
from __future__ import annotations

import codecs
import csv
import re
from typing import Any, Iterator, List, Optional, Tuple

from doha_compliance._util.files import CHUNK
from doha_compliance._util.limits import (
    MAX_FIELD_CHARS,
    MAX_ROW_BYTES,
    size_text,
)


class LongLine(Exception):
    def __init__(self, line: int):
        self.line = line


class Lines:
    """A binary file as text lines ending in LF, CRLF or a lone CR (what csv expects of a file
    opened with newline=''), read in chunks: no line is held past MAX_ROW_BYTES.

    Each line is decoded on its own; one that is not UTF-8 is still passed on (undecodable bytes as
    lone surrogates) and `bad` records it, so the row it belongs to is rejected and no other.
    `number` is the line last read; `row_bytes` and `bad` are reset by the reader at each row."""

    def __init__(self, fh: Any, limit: int = MAX_ROW_BYTES):
        self._fh, self._limit = fh, limit
        self._lines: List[bytes] = []
        self._index = 0
        self._carry = b""
        self._eof = False
        self.number = 0
        self.row_bytes = 0
        self.bad: Optional[str] = None

    def __iter__(self) -> "Lines":
        return self

    def _fill(self) -> bool:
        """Read until at least one whole line is ready; False at the end of the file."""
        while self._index >= len(self._lines):
            if self._eof:
                return False
            chunk = self._fh.read(CHUNK)
            if not chunk:
                self._eof = True
                self._lines, self._index = ([self._carry] if self._carry else []), 0
                self._carry = b""
                continue
            lines = (self._carry + chunk).splitlines(keepends=True)
            self._carry = lines.pop()  # may be incomplete, or a CR whose LF is in the next chunk
            self._lines, self._index = lines, 0
            if len(self._carry) > self._limit:
                self._skip_long_line()
        return True

    def _skip_long_line(self) -> None:
        """Drop a line longer than the limit without holding it, up to its end; then say so."""
        self._carry = b""
        while True:
            chunk = self._fh.read(CHUNK)
            if not chunk:
                self._eof = True
                break
            cut = re.search(rb"\r\n|\r|\n", chunk)
            if cut:
                self._carry = chunk[cut.end():]
                if cut.group() == b"\r" and cut.end() == len(chunk):
                    peek = self._fh.read(1)
                    self._carry = b"" if peek == b"\n" else peek
                break
        self.number += 1
        raise LongLine(self.number)

    def __next__(self) -> str:
        return self.decoded(self.next_raw())

    def next_raw(self) -> bytes:
        """The next line as bytes (its line ending kept, a first line's UTF-8 BOM dropped): for a
        reader that parses bytes itself (JSONL with orjson) and decodes only a line it must look at."""
        if not self._fill():
            raise StopIteration
        raw = self._lines[self._index]
        self._index += 1
        self.number += 1
        self.row_bytes += len(raw)
        if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        return raw

    def take_lines(self) -> List[bytes]:
        """Every whole line read and not yet taken (at least one; [] at the end of the file), as
        `next_raw` would give them one by one: `number` is then the last one's. For a reader that
        numbers lines itself (JSONL, one row a line); raises LongLine as `next_raw` does."""
        if not self._fill():
            return []
        taken = self._lines[self._index:]
        self._index = len(self._lines)
        if self.number == 0 and taken[0].startswith(codecs.BOM_UTF8):
            taken[0] = taken[0][len(codecs.BOM_UTF8):]
        self.number += len(taken)
        return taken

    def decoded(self, raw: bytes, line: Optional[int] = None) -> str:
        """A line from `next_raw` (or `take_lines`: `line` is its number) as text; one that is not
        UTF-8 is recorded in `bad` (see the class)."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.bad = self.bad or (f"not UTF-8 text (line {line or self.number}, byte {exc.start} of the line); "
                                    "save the file as UTF-8")
            return raw.decode("utf-8", "surrogateescape")

    def new_row(self) -> int:
        """Start a row: the line it starts on."""
        self.row_bytes = 0
        self.bad = None
        return self.number + 1


def too_long(line: int) -> str:
    return f"line {line} is longer than {size_text(MAX_ROW_BYTES)}: not read"


def records(lines: Lines, records: Iterator[Any]) -> Iterator[Tuple[int, Any, Optional[str]]]:
    """(line it starts on, record, problem) for each record (a JSONL line, a CSV row): a line too long
    to read, bytes that are not UTF-8 or a CSV row csv cannot read become the record's problem."""
    while True:
        start = lines.new_row()
        try:
            record = next(records)
        except StopIteration:
            return
        except LongLine as long:
            yield start, None, too_long(long.line)
            continue
        except csv.Error as exc:
            yield start, None, csv_problem(str(exc), start, lines.number)
            continue
        yield start, record, lines.bad


def csv_problem(message: str, start: int, line: int) -> str:
    if "field larger than field limit" in message:
        return f"a cell is longer than {size_text(MAX_FIELD_CHARS)} (the limit for one field): not read"
    if "unexpected end of data" in message:
        return f"a quoted cell opened in this row is never closed (the file looks cut short at line {line})"
    if "expected after" in message:
        return f"a quoted cell is followed by more text before the next comma (line {line}); " \
               "quote the whole cell and double any \" inside it"
    return f"cannot read this CSV row: {message}"
