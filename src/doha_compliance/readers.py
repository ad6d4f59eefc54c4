"""Event files -> raw rows, each with the file:line it came from.

Readers never judge content (that is `validate`); they only split a file into rows
and say exactly where each row starts. Line-based formats (JSONL, CSV) are read
lazily, one row at a time, and a bad line spoils only itself.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
from typing import Any, Iterator, Optional, Sequence

import attrs

from . import safeyaml
from .errors import InputFileError

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # YAML/JSON are parsed whole; bigger streams belong in JSONL/CSV
FORMATS = ("yaml", "json", "jsonl", "csv")


@attrs.frozen
class RawRow:
    """One row as read: `data` is a mapping, or None with `problem` saying why it could not be read."""

    where: str
    data: Optional[dict]
    problem: Optional[str] = None
    field: Optional[str] = None
    id: Optional[str] = None


def detect_format(path: str) -> str:
    lower = path.lower()
    for ext, fmt in ((".yaml", "yaml"), (".yml", "yaml"), (".jsonl", "jsonl"), (".ndjson", "jsonl"),
                     (".json", "json"), (".csv", "csv")):
        if lower.endswith(ext):
            return fmt
    raise InputFileError(f"{path}: cannot tell the format from the name; use .yaml, .json, .jsonl or .csv")


def check_readable(path: str, fmt: Optional[str] = None) -> None:
    if not os.path.exists(path):
        raise InputFileError(f"{path}: event file not found")
    if os.path.isdir(path):
        raise InputFileError(f"{path}: is a folder, not an event file")
    if fmt is None:
        detect_format(path)


def _whole_text(path: str) -> tuple[Optional[str], Optional[RawRow]]:
    size = os.path.getsize(path)
    if size > MAX_DOCUMENT_BYTES:
        return None, RawRow(path, None, f"file is {size // (1024 * 1024)} MB; YAML and JSON files over "
                                        f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB are refused (parsed whole): "
                                        "convert it to JSONL or CSV, which are read row by row")
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, RawRow(f"{path}:{line}", None, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")


def _empty(path: str) -> RawRow:
    return RawRow(path, None, "the file holds no events")


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
    if hasattr(node, "value") and isinstance(node.value, list) and node.tag.endswith(":map"):
        seq = next((v for k, v in node.value if getattr(k, "value", None) == "events"), None)
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
            yield RawRow(where, None, exc.message)
            continue
        yield _row(where, data)


def _row(where: str, data: Any) -> RawRow:
    if isinstance(data, dict):
        return RawRow(where, data)
    return RawRow(where, None, f"an event must be a mapping of fields, got {type(data).__name__}")


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_array(text: str, pos: int, path: str, decoder: json.JSONDecoder) -> Iterator[RawRow]:
    """Walk a JSON array element by element so every event keeps its line."""
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        yield _empty(path)
        return
    while pos < len(text):
        line = _line_at(text, pos)
        try:
            data, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield RawRow(f"{path}:{exc.lineno}", None,
                         f"invalid JSON at column {exc.colno}: {exc.msg}; the rest of the file was not read")
            return
        yield _row(f"{path}:{line}", data)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        break
    yield RawRow(f"{path}:{_line_at(text, min(pos, len(text)))}", None,
                 "invalid JSON: the list of events is not closed; the rest of the file was not read")


def read_json(path: str) -> Iterator[RawRow]:
    text, problem = _whole_text(path)
    if problem:
        yield problem
        return
    text = text or ""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield _empty(path)
        return
    if text[pos] == "[":
        yield from _json_array(text, pos, path, decoder)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield RawRow(f"{path}:{exc.lineno}", None, f"invalid JSON at column {exc.colno}: {exc.msg}")
        return
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        yield RawRow(f"{path}:1", None, "expected a list of events, or an object with a key 'events' holding that list")
        return
    # Locate the events array so each element keeps its line.
    start = text.find("[", text.find('"events"'))
    yield from _json_array(text, start, path, decoder)


def _decoded_lines(path: str) -> Iterator[tuple[int, Optional[str], Optional[str]]]:
    """(line number, text or None, problem) for each line, decoding each line on its own."""
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield number, raw.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                yield number, None, f"not UTF-8 text (byte {exc.start} of the line); save the file as UTF-8"


def read_jsonl(path: str) -> Iterator[RawRow]:
    any_row = False
    for number, line, problem in _decoded_lines(path):
        where = f"{path}:{number}"
        if problem:
            any_row = True
            yield RawRow(where, None, problem)
            continue
        if not line or not line.strip():
            continue
        any_row = True
        try:
            data = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            cut = " (the line looks cut short)" if exc.msg.startswith(("Expecting", "Unterminated")) else ""
            yield RawRow(where, None, f"invalid JSON at column {exc.colno}: {exc.msg}{cut}")
            continue
        yield _row(where, data)
    if not any_row:
        yield _empty(path)


def read_csv(path: str, required: Sequence[str] = ("id", "date", "type", "actor")) -> Iterator[RawRow]:
    """CSV with a header row; empty cells are absent fields. Lines are decoded one by one."""
    lines = _decoded_lines(path)
    header_line = None
    for number, line, problem in lines:
        if problem:
            yield RawRow(f"{path}:{number}", None, f"header row: {problem}")
            return
        if line and line.strip():
            header_line = (number, line)
            break
    if header_line is None:
        yield _empty(path)
        return
    header = [h.strip() for h in next(csv.reader([header_line[1]]))]
    missing = [name for name in required if name not in header]
    any_row = False
    if missing:
        any_row = True
        yield RawRow(f"{path}:{header_line[0]}", None,
                     f"the first line is read as the header row and lacks the column(s) {', '.join(missing)}; "
                     "a CSV event file starts with a header naming its columns")
    buffer = ""
    start = None
    for number, line, problem in lines:
        if problem:
            any_row = True
            yield RawRow(f"{path}:{number}", None, problem)
            continue
        if not buffer and (not line or not line.strip()):
            continue
        buffer += line or ""
        start = start or number
        if buffer.count('"') % 2:  # a quoted cell runs on to the next line
            continue
        where = f"{path}:{start}"
        row_text, buffer, start = buffer, "", None
        any_row = True
        if missing:
            yield RawRow(where, None, f"the header row (line {header_line[0]}) lacks the column(s) "
                                      f"{', '.join(missing)}; a CSV event file starts with a header naming its columns")
            continue
        cells = next(csv.reader(io.StringIO(row_text)), [])
        if len(cells) > len(header):
            yield RawRow(where, None, f"{len(cells)} cells but the header names {len(header)} columns"
                                      f"{' (row id ' + cells[header.index('id')] + ')' if 'id' in header else ''}")
            continue
        data = {name: cell for name, cell in zip(header, cells, strict=False) if name and cell.strip() != ""}
        yield RawRow(where, data)
    if buffer:
        any_row = True
        yield RawRow(f"{path}:{start}", None, "a quoted cell is never closed (the file looks cut short)")
    if not any_row:
        yield _empty(path)


READERS = {"yaml": read_yaml, "json": read_json, "jsonl": read_jsonl, "csv": read_csv}
ALL_FORMATS = FORMATS + ("acled", "ucdp")


def read_rows(path: str, fmt: Optional[str] = None, mapping_path: Optional[str] = None,
              label: Optional[str] = None) -> Iterator[RawRow]:
    """Rows of one file, lazily for line formats. A CSV whose header is ACLED's or UCDP's (or has the
    --mapping's columns) is imported as such; `label` names the file in ids made from file and line."""
    from . import importers
    check_readable(path, fmt)
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        fmt = importers.sniff(path, mapping_path) or "csv"
    if fmt in importers.FORMATS:
        return importers.read_export(path, fmt, importers.load_mapping(fmt, mapping_path), label)
    return READERS[fmt](path)
