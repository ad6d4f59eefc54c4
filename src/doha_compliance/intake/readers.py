"""Event files -> raw rows, each with the file:line it came from.

Readers never judge content (that is `validate`) and never choose a format (that is `sources`);
they only split a file into rows and say exactly where each row starts. Line-based formats
(JSONL, CSV) are read lazily, one row at a time, and a bad line spoils only itself. Every read
is bounded by bytes actually read (`limits`), never by the size a file reports: /dev/zero and
pipes report 0.

- CSV is read with Python's `csv` module (RFC 4180: a cell that *starts* with `"` runs to its
  closing `"`; a `"` inside an unquoted cell is an ordinary character), lines ending in LF, CRLF
  or a lone CR, each row located at the line where it starts.
- JSON is walked value by value with json's own decoder: each event keeps its line, only a
  top-level `events` key counts, and a second `events` key or anything after the end is reported.
"""
from __future__ import annotations

import codecs
import csv
import json
import os
import re
import stat
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util import safeyaml
from doha_compliance._util.fast import builder
from doha_compliance._util.files import CHUNK, FileProblem, read_text
from doha_compliance._util.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_FIELD_CHARS,
    MAX_INT_DIGITS,
    MAX_NESTING,
    MAX_ROW_BYTES,
    MAX_RULE_FILE_BYTES,
    MiB,
    size_text,
)
from doha_compliance.errors import InputFileError

FORMATS = ("yaml", "json", "jsonl", "csv")


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


@attrs.frozen
class RawRow:
    """One row as read: `data` is a mapping, or None with `problem` saying why it could not be read."""

    where: str
    data: Optional[Dict[str, Any]]  # the row's fields as the file gives them: any JSON value
    problem: Optional[str] = None
    field: Optional[str] = None
    id: Optional[str] = None


_raw_row = builder(RawRow)  # a row for every line of a JSONL file: attrs' __init__ cost a third more


def read_data_file(path: str, what: str) -> str:
    """A mapping or gazetteer file as text: a regular file, bounded, UTF-8; InputFileError saying why not."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputFileError(f"{path}: the {what} is not a regular file (a folder, a pipe or a device)")
        return read_text(path, MAX_RULE_FILE_BYTES, what)
    except FileProblem as exc:
        raise InputFileError(f"{path}{':' + str(exc.line) if exc.line else ''}: {exc.message}") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the {what}: {exc.strerror}") from None


def _whole_text(path: str) -> Tuple[Optional[str], Optional[RawRow]]:
    try:
        return read_text(path, MAX_DOCUMENT_BYTES), None
    except FileProblem as exc:
        if exc.size is not None:
            return None, RawRow(path, None, f"{exc.message}; YAML and JSON files over {MAX_DOCUMENT_BYTES // MiB} MB "
                                             "are refused (parsed whole): convert it to JSONL or CSV, which are read "
                                             "row by row")
        return None, RawRow(f"{path}:{exc.line}", None, exc.message)


def _empty(path: str) -> RawRow:
    return RawRow(path, None, "the file holds no events")


def _row(where: str, data: Any) -> RawRow:
    if isinstance(data, dict):
        return _raw_row(where, data, None, None, None)  # RawRow(where, data), built as _util.fast.builder does
    return RawRow(where, None, f"an event must be a mapping of fields, got {type(data).__name__}")


# --- YAML -------------------------------------------------------------------

def read_yaml(path: str) -> Iterator[RawRow]:
    text, problem = _whole_text(path)
    if problem:
        yield problem
        return
    try:
        loader, node = safeyaml.compose(text or "")
    except safeyaml.YamlProblem as exc:
        yield RawRow(f"{path}:{exc.line}" if exc.line else path, None, exc.message)
        return
    if node is None:
        yield _empty(path)
        return
    seq = node
    if node.tag.endswith(":map"):
        twice = safeyaml.duplicate_key(loader, node)
        if twice is not None:
            line, first, key = twice
            yield RawRow(f"{path}:{line}", None, f"the key {key!r} appears twice at the top of the file (first at line "
                                                 f"{first}); the file was not read")
            return
        seq = next((v for k, v in node.value if k.tag == safeyaml.STR and k.value == "events"), None)
    if seq is None or not node.tag.endswith((":seq", ":map")) or not seq.tag.endswith(":seq"):
        yield RawRow(f"{path}:{safeyaml.node_line(node)}", None,
                     "expected a list of events, or a mapping with a key 'events' holding that list")
        return
    if not seq.value:
        yield _empty(path)
    for item in seq.value:
        where = f"{path}:{safeyaml.node_line(item)}"
        try:
            data = safeyaml.construct(loader, item)
        except safeyaml.YamlProblem as exc:
            yield RawRow(f"{path}:{exc.line}" if exc.line else where, None, exc.message)
            continue
        yield _row(where, data)


# --- JSON -------------------------------------------------------------------

class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a number JSON allows")


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NotJson(f"a number of {len(text):,} digits (at most {MAX_INT_DIGITS:,} are read)")
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_int=_whole)
# A text no longer than MAX_INT_DIGITS cannot hold a longer number: it is decoded with json's own
# int parsing, done in C, rather than a call of `_whole` for every number (most JSONL lines).
_SHORT_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_WS = re.compile(r"[ \t\r\n]*")


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


class _Bad(Exception):
    def __init__(self, pos: int, message: str):
        self.pos = pos
        self.message = message


def _decode_at(text: str, pos: int) -> Tuple[Any, int]:
    """One JSON value at pos: (value, end), or _Bad with where and why."""
    try:
        return (_SHORT_DECODER if len(text) <= MAX_INT_DIGITS else _DECODER).raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise _Bad(exc.pos, f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _Bad(pos, "invalid JSON: nested too deeply to read "
                        f"(at most {MAX_NESTING} levels are accepted)") from None
    except ValueError as exc:  # _NotJson, and any other refusal of a value by the decoder
        raise _Bad(pos, f"invalid JSON: {exc}") from None


def _skip_array(text: str, pos: int) -> int:
    """Past the array at pos, decoding its elements one at a time (never the whole list at once)."""
    end = [pos]
    for _ in _walk(text, pos, end):
        pass
    return end[0]


def _events_key(text: str, pos: int) -> int:
    """Check a top-level object's members; the position of the one `events` value (an array).

    Values are decoded and dropped one at a time (arrays element by element), so checking a
    large file holds no more than one event at once."""
    found: Optional[int] = None
    pos = _skip_ws(text, pos + 1)
    if text[pos:pos + 1] == "}":
        pos += 1
    while text[pos - 1:pos] != "}":
        if text[pos:pos + 1] != '"':
            raise _Bad(pos, "invalid JSON: expected a key in double quotes")
        key, pos = _decode_at(text, pos)
        pos = _skip_ws(text, pos)
        if text[pos:pos + 1] != ":":
            raise _Bad(pos, "invalid JSON: expected ':' after a key")
        pos = _skip_ws(text, pos + 1)
        if key == "events":
            if found is not None:
                raise _Bad(pos, f"a second key 'events' (the first is at line {_line_at(text, found)}): which "
                                "list is meant is unclear; the file was not read")
            if text[pos:pos + 1] != "[":
                raise _Bad(pos, "the key 'events' must hold a list of events")
            found = pos
        pos = _skip_array(text, pos) if text[pos:pos + 1] == "[" else _decode_at(text, pos)[1]
        pos = _skip_ws(text, pos)
        if text[pos:pos + 1] not in (",", "}"):
            raise _Bad(pos, "invalid JSON: the object is not closed (expected ',' or '}')")
        pos = _skip_ws(text, pos + 1) if text[pos] == "," else pos + 1
    _after_end(text, pos)
    if found is None:
        raise _Bad(0, "expected a list of events, or an object with a key 'events' holding that list")
    return found


def _after_end(text: str, pos: int) -> None:
    pos = _skip_ws(text, pos)
    if pos < len(text):
        raise _Bad(pos, "data after the end of the JSON document (one list, or one object, per file)")


def read_json(path: str) -> Iterator[RawRow]:
    text, problem = _whole_text(path)
    if problem:
        yield problem
        return
    text = text or ""
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield _empty(path)
        return
    top_array = text[pos] == "["
    try:
        if text[pos] == "{":
            pos = _events_key(text, pos)  # the whole object is checked before any event is passed on
        elif not top_array:
            _decode_at(text, pos)
            raise _Bad(pos, "expected a list of events, or an object with a key 'events' holding that list")
    except _Bad as bad:
        yield RawRow(f"{path}:{_line_at(text, bad.pos)}", None,
                     bad.message + ("" if "not read" in bad.message else "; the file was not read"))
        return
    end = [pos]
    any_row = False
    try:
        for start, value in _walk(text, pos, end):
            any_row = True
            yield _row(f"{path}:{_line_at(text, start)}", value)
        if not any_row:
            yield _empty(path)
        if top_array:
            _after_end(text, end[0])
    except _Bad as bad:
        yield RawRow(f"{path}:{_line_at(text, bad.pos)}", None, bad.message + "; the rest of the file was not read")


def _walk(text: str, pos: int, end: List[int]) -> Iterator[Tuple[int, Any]]:
    """(start, value) of each element of the array at pos, lazily; end[0] is then past its ']'."""
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        end[0] = pos + 1
        return
    while True:
        start = pos
        value, after = _decode_at(text, pos)
        yield start, value
        pos = _skip_ws(text, after)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            end[0] = pos + 1
            return
        raise _Bad(pos, "invalid JSON: the list of events is not closed (expected ',' or ']')")


# --- line-based formats -----------------------------------------------------

class _LongLine(Exception):
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
        raise _LongLine(self.number)

    def __next__(self) -> str:
        if not self._fill():
            raise StopIteration
        raw = self._lines[self._index]
        self._index += 1
        self.number += 1
        self.row_bytes += len(raw)
        if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.bad = self.bad or (f"not UTF-8 text (line {self.number}, byte {exc.start} of the line); "
                                    "save the file as UTF-8")
            return raw.decode("utf-8", "surrogateescape")

    def new_row(self) -> int:
        """Start a row: the line it starts on."""
        self.row_bytes = 0
        self.bad = None
        return self.number + 1


def _too_long(line: int) -> str:
    return f"line {line} is longer than {size_text(MAX_ROW_BYTES)}: not read"


def _records(lines: Lines, records: Iterator[Any]) -> Iterator[Tuple[int, Any, Optional[str]]]:
    """(line it starts on, record, problem) for each record (a JSONL line, a CSV row): a line too long
    to read, bytes that are not UTF-8 or a CSV row csv cannot read become the record's problem."""
    while True:
        start = lines.new_row()
        try:
            record = next(records)
        except StopIteration:
            return
        except _LongLine as long:
            yield start, None, _too_long(long.line)
            continue
        except csv.Error as exc:
            yield start, None, _csv_problem(str(exc), start, lines.number)
            continue
        yield start, record, lines.bad


def read_jsonl(path: str) -> Iterator[RawRow]:
    any_row = False
    with open(path, "rb") as fh:
        lines = Lines(fh)
        for start, line, problem in _records(lines, lines):
            where = f"{path}:{start}"
            body = line.rstrip(" \t\r\n") if problem is None else ""  # the line but its trailing spaces
            if problem is None and not body:
                continue
            any_row = True
            if problem is not None:
                yield RawRow(where, None, problem.replace(f"line {start}, ", ""))
                continue
            try:
                data, end = _decode_at(line, 0 if line[0] == "{" else _skip_ws(line, 0))
                if end < len(body):  # something but spaces after the event
                    raise _Bad(end, f"invalid JSON at column {end + 1}: more after the event (one event per line)")
            except _Bad as bad:
                cut_short = ": Expecting" in bad.message or ": Unterminated" in bad.message
                cut = " (the line looks cut short)" if cut_short else ""
                yield RawRow(where, None, bad.message + cut)
                continue
            yield _row(where, data)
    if not any_row:
        yield _empty(path)


def read_csv(path: str, required: Sequence[str] = ("id", "date", "type", "actor")) -> Iterator[RawRow]:
    """CSV with a header row; empty cells are absent fields. A header naming a column twice is refused."""
    with open(path, "rb") as fh:
        lines = Lines(fh)
        header: Optional[List[str]] = None
        header_line = 0
        missing: List[str] = []
        any_row = False
        for start, cells, problem in _records(lines, _BoundedCsv(lines)):
            if header is None:
                if problem:
                    yield RawRow(f"{path}:{start}", None, f"header row: {problem}")
                    return
                if not cells or not any(c.strip() for c in cells):
                    continue
                header, header_line = [h.strip() for h in cells], start
                _check_header(path, start, header)
                missing = [name for name in required if name not in header]
                if missing:
                    any_row = True
                    yield RawRow(f"{path}:{start}", None,
                                 "the first line is read as the header row and lacks the column(s) "
                                 f"{', '.join(missing)}; "
                                 "a CSV event file starts with a header naming its columns")
                continue
            where = f"{path}:{start}"
            if problem is None and not any(c.strip() for c in cells or ()):
                continue  # a blank line
            any_row = True
            if problem is None and missing:
                problem = (f"the header row (line {header_line}) lacks the column(s) {', '.join(missing)}; "
                           "a CSV event file starts with a header naming its columns")
            if problem is None and cells is not None and len(cells) > len(header):
                row_id = cells[header.index("id")] if "id" in header else None
                problem = f"{len(cells)} cells but the header names {len(header)} columns" + \
                          (f" (row id {row_id})" if row_id and len(row_id) < 200 else "")
            if problem is not None:
                yield RawRow(where, None, problem)
                continue
            yield RawRow(where, {name: cell for name, cell in zip(header, cells) if name and cell.strip() != ""})
    if not any_row:
        yield _empty(path)


def csv_header(path: str) -> List[str]:
    """The column names of a CSV file's first non-blank row ([] if it has none readable)."""
    with open(path, "rb") as fh:
        lines = Lines(fh)
        reader = _BoundedCsv(lines)
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    return [c.strip() for c in cells]
        except (csv.Error, _LongLine):
            pass
    return []


def _check_header(path: str, line: int, header: List[str]) -> None:
    seen: Dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if name and name in seen:
            raise InputFileError(f"{path}:{line}: the header names the column '{name}' twice (columns {seen[name]} "
                                 f"and {index}): which one holds the value is unclear; rename one")
        seen[name] = index


def _csv_problem(message: str, start: int, line: int) -> str:
    if "field larger than field limit" in message:
        return f"a cell is longer than {size_text(MAX_FIELD_CHARS)} (the limit for one field): not read"
    if "unexpected end of data" in message:
        return f"a quoted cell opened in this row is never closed (the file looks cut short at line {line})"
    if "expected after" in message:
        return f"a quoted cell is followed by more text before the next comma (line {line}); " \
               "quote the whole cell and double any \" inside it"
    return f"cannot read this CSV row: {message}"
