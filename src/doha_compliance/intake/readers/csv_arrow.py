"""CSV event files read column-wise by pyarrow's CSV reader (the optional `arrow` extra, issue 27),
for the files where it gives exactly the rows `csv_events.read_csv` gives, and only those.

The pure-Python reader stays the default and the reference. This one is used when pyarrow is
installed and it is asked for (`DOHA_COMPLIANCE_CSV=arrow`); it is not chosen by size, because it
was not faster (benchmarks/README.md, issue 27: the parsing it saves is a small part of the cost,
most of which is making each row's Python values, the same in both). Before a row is handed on, the
whole file is checked (a chunk at a time, mostly in C) to be one that both readers read alike; any file
that is not is read by the Python reader, whole, as before. So the rows, their file:line and
every rejection are the Python reader's, byte for byte. A file goes to the Python reader when:

- its header row is not on line 1, or it lacks a required column, or names a column twice (the
  Python reader then says so, in its words);
- it is not UTF-8 throughout, or holds a NUL byte, a lone CR (a line ending csv reads and
  pyarrow does not), or a line longer than a cell may be (`MAX_FIELD_CHARS`);
- a quoted cell holds a line break (a row would then span lines: its line number is the
  Python reader's to count), or a `"` stands anywhere but around a whole cell (csv's strict
  mode refuses some of these, pyarrow reads them otherwise);
- any line (a blank one, with more than one column) holds another number of cells than the header names
  (ragged rows, which the Python reader passes on short or rejects long, row by row).

What is left (the usual export: one row a line, quoted cells with commas or doubled quotes) is
parsed by pyarrow with every column as text, and each row is built as the Python reader builds
it: the header's names, a cell empty or only spaces left out, a row of such cells skipped.
"""
from __future__ import annotations

import codecs
import csv
import os
import stat
from itertools import compress, repeat
from typing import Any, Iterator, List, Optional, Sequence

from doha_compliance._util.limits import MAX_FIELD_CHARS, MiB
from doha_compliance.errors import InputFileError

from .rows import RawRow, empty, raw_row

_CHUNK = 16 * MiB  # the file is checked this much at a time (cut at a line end)

def wanted(path: str) -> bool:
    """Whether the pyarrow reader is to be tried on this file: installed, asked for
    (DOHA_COMPLIANCE_CSV=arrow), and the file a regular one."""
    if os.environ.get("DOHA_COMPLIANCE_CSV", "").strip().lower() != "arrow":
        return False
    try:
        status = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(status.st_mode):
        return False  # a pipe or a device is read once, by the Python reader (this one reads a file twice)
    return _pyarrow() is not None


def _pyarrow() -> Any:
    try:
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    return pacsv


def read_csv_arrow(path: str, required: Sequence[str]) -> Optional[Iterator[RawRow]]:
    """The rows of a CSV file as `read_csv` gives them, read by pyarrow; None when the file is one
    the Python reader must read (see the module), before any row is given."""
    pacsv = _pyarrow()
    if pacsv is None:
        return None
    try:
        header = _plain_header(path, required)
    except OSError:
        return None
    if header is None or not _plain_body(path, len(header)):
        return None
    import pyarrow as pa
    names = [f"c{i}" for i in range(len(header))]
    try:  # (opening reads the first block: a refusal there still leaves the file to the Python reader)
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=4 * MiB),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except (pa.ArrowException, OSError):
        return None
    return _rows(reader, path, header)


def _plain_header(path: str, required: Sequence[str]) -> Optional[List[str]]:
    """The header's names (stripped), if it is line 1 and the Python reader would take it as it is."""
    with open(path, "rb") as fh:
        first = fh.readline(MAX_FIELD_CHARS + 1)
    if not first.endswith(b"\n"):
        return None  # the header is the whole file (pyarrow will not skip a row it cannot end)
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8):]
    if b"\r" in first.rstrip(b"\r\n") or b'"' in first:
        return None
    try:
        text = first.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    header = [h.strip() for h in next(csv.reader([text]), [])]
    named = [h for h in header if h]
    if not any(header) or len(set(named)) < len(named) or any(name not in header for name in required):
        return None
    return header


def _plain_body(path: str, columns: int) -> bool:
    """Whether every line of the file reads alike in both readers (see the module)."""
    commas = columns - 1
    with open(path, "rb") as fh:
        carry = b""
        first = True
        while True:
            chunk = fh.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                if not data:
                    return True
                cut = len(data)
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    if len(data) > MAX_FIELD_CHARS:
                        return False
                    carry = data
                    continue
            part, carry = data[:cut], data[cut:]
            if first and part.startswith(codecs.BOM_UTF8):
                part = part[len(codecs.BOM_UTF8):]
            first = False
            if not _plain_part(part, commas):
                return False
            if not chunk:
                return True


def _plain_part(part: bytes, commas: int) -> bool:
    """Whole lines of the file: UTF-8, no NUL, CR only before LF, lines within bounds, quotes only
    around whole cells of one line, and the header's number of cells (`commas` + 1) on every line."""
    if b"\x00" in part or part.count(b"\r") != part.count(b"\r\n"):
        return False
    try:
        part.decode("utf-8")
    except UnicodeDecodeError:
        return False
    part = part.replace(b"\r\n", b"\n")
    if max(map(len, _lines(part))) > MAX_FIELD_CHARS:
        return False
    if b'"' in part:
        pieces = part.split(b'"')  # outside a quoted cell, inside, outside, ...
        if not _quotes_around_cells(pieces):
            return False
        part = b"".join(pieces[0::2])  # the quoted cells gone: what is left has no comma inside a cell
    return set(map(bytes.count, _lines(part), repeat(b","))) == {commas}


def _quotes_around_cells(pieces: List[bytes]) -> bool:
    """Whether the text between the `"`s of whole lines (`pieces`) is quoted cells on one line each: an
    even number of quotes, no line break inside, each opening quote at a cell's start (the line's
    start or after a comma), each closing quote at its end. A doubled quote inside a cell leaves an
    empty piece outside (two quoted cells side by side are the same bytes, and csv reads them so too)."""
    if len(pieces) % 2 == 0 or b"\n" in b"".join(pieces[1::2]):
        return False
    first, last = pieces[0], pieces[-1]
    if first[-1:] not in (b"", b",", b"\n") or last[:1] not in (b"", b",", b"\n"):
        return False
    return all(piece[:1] in (b",", b"\n") and piece[-1:] in (b",", b"\n") for piece in pieces[2:-1:2] if piece)


def _lines(part: bytes) -> List[bytes]:
    return (part[:-1] if part.endswith(b"\n") else part).split(b"\n")


def _rows(reader: Any, path: str, header: List[str]) -> Iterator[RawRow]:
    line = 2
    any_row = False
    used = [(index, name) for index, name in enumerate(header) if name]
    unnamed = [index for index, name in enumerate(header) if not name]
    import pyarrow.compute as pc

    def empty_column(column: Any) -> bool:
        return bool(pc.all(pc.equal(column, "")).as_py())
    with reader:
        for batch in _batches(reader, path, line):
            # Built column-wise, each step a C-level map over the batch (no Python code per cell):
            # a cell is given when it is not empty or spaces (str.strip, as csv_events decides)
            # a column empty throughout the batch (exports have many) is left out before any cell reaches Python
            present = [(index, name) for index, name in used if not empty_column(batch.column(index))]
            columns = [batch.column(index).to_pylist() for index, _name in present]
            given = list(zip(*[list(map(bool, map(str.strip, column))) for column in columns])) if columns \
                else [()] * batch.num_rows
            wheres = map(f"{path}:".__add__, map(str, range(line, line + batch.num_rows)))
            named = [name for _index, name in present]
            datas = map(dict, map(zip, map(compress, repeat(named), given),
                                  map(compress, zip(*columns) if columns else given, given)))
            built = map(raw_row, wheres, datas, repeat(None), repeat(None), repeat(None))
            kept = list(map(any, given))
            if unnamed:  # a row with text only in unnamed columns is a row (of no fields), not a blank one
                others = [batch.column(index).to_pylist() for index in unnamed]
                kept = [k or any(c.strip() for c in cells) for k, cells in zip(kept, zip(*others))]
            any_row = any_row or any(kept)
            yield from compress(built, kept)  # blank rows (every cell empty or spaces) skipped, as csv_events does
            line += batch.num_rows
    if not any_row:
        yield empty(path)


def _batches(reader: Any, path: str, line: int) -> Iterator[Any]:
    """The reader's batches; a refusal past the first (which the checks before should make
    impossible) is an InputFileError naming the file, never a traceback."""
    import pyarrow as pa
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowException as exc:
            raise InputFileError(f"{path}: pyarrow could not read this CSV file past line {line:,} ({exc}); "
                                 "read it without DOHA_COMPLIANCE_CSV=arrow") from None
        line += batch.num_rows
        yield batch
