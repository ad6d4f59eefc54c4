"""Which reader reads an event file, and how stdin or a pipe becomes a file that can be read.

`readers` only parse and `importers` only map exports; this module chooses between them
(the format from the name, or as given; a CSV whose header is ACLED's or UCDP's is imported as
such), so neither imports the other. Its interface is two functions: `check` (before anything is
read) and `rows` (the rows of one input, lazily).

Streams: `-` is stdin; a FIFO, /dev/stdin or a character device is read like one. A stream is
copied once to a temporary file (bounded by disk, at most `limits.MAX_STREAM_BYTES`), which is
then read like any file: sniffing a CSV header, or reading again to sort a stream that arrives
out of date order, never consumes the input twice. Rows keep the name the user gave
(`<stdin>:12`, `/dev/fd/63:12`), not the temporary file's.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile
import weakref
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util.files import CHUNK
from doha_compliance._util.limits import MAX_DOCUMENT_BYTES, MAX_STREAM_BYTES, size_text
from doha_compliance.errors import InputFileError

from . import readers
from .readers import RawRow
from .readers.csv_events import shortened

STDIN = "-"
ALL_FORMATS = readers.FORMATS + ("acled", "ucdp")
_EXTENSIONS = ((".yaml", "yaml"), (".yml", "yaml"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json"),
               (".csv", "csv"))


def shown(name: str) -> str:
    """How an input is named in rows and messages."""
    return "<stdin>" if name == STDIN else name


def detect_format(path: str) -> str:
    lower = path.lower()
    for ext, fmt in _EXTENSIONS:
        if lower.endswith(ext):
            return fmt
    if path == STDIN:
        raise InputFileError("--events -: stdin has no name to tell its format by; give it with --events-format "
                             f"({', '.join(ALL_FORMATS)})")
    raise InputFileError(f"{path}: cannot tell the format from the name; use .yaml, .json, .jsonl or .csv, "
                         "or give it with --events-format")


def is_stream(name: str) -> bool:
    """stdin, a pipe or a device: read once, as it arrives (a regular file is read in place)."""
    if name == STDIN:
        return True
    try:
        return not stat.S_ISREG(os.stat(name).st_mode)
    except OSError:
        return False


def check(name: str, fmt: Optional[str] = None) -> None:
    """Fail early (InputFileError) for an input that cannot be read at all."""
    if not isinstance(name, str):
        raise TypeError(f"an event file is named by a path (str or os.PathLike), got {type(name).__name__}")
    if fmt is not None and fmt not in ALL_FORMATS:
        raise InputFileError(f"unknown events format '{fmt}'; use one of {', '.join(ALL_FORMATS)}")
    if fmt is None:
        detect_format(name)
    if name == STDIN:
        return
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise InputFileError(f"{name}: event file not found") from None
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{name}: is a folder, not an event file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise InputFileError(f"{name}: not a file, a pipe or a device: cannot be read as events")
    if not os.access(name, os.R_OK):
        raise InputFileError(f"{name}: cannot read: permission denied")


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@attrs.define
class Spooled:
    """A stream copied to a temporary file; the file goes when this object does, at `close`, or when
    the interpreter exits (a finalizer, so it is removed even if the object outlives the run)."""

    name: str
    path: str
    # Any: weakref.finalize is generic only in recent typeshed (mypy>=1.8 is allowed)
    _finalizer: Any = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, _unlink, self.path)

    def close(self) -> None:
        self._finalizer()


def spool(name: str, fmt: Optional[str]) -> Spooled:
    """Copy a stream once to a temporary file, counting bytes as they arrive."""
    whole = (fmt or detect_format(name)) in ("yaml", "json")
    limit = MAX_DOCUMENT_BYTES + 1 if whole else MAX_STREAM_BYTES  # a document over its cap is refused by its reader
    fd, path = tempfile.mkstemp(prefix="doha-compliance-stream-")
    spooled = Spooled(name, path)
    try:
        with os.fdopen(fd, "wb") as out:
            source = sys.stdin.buffer if name == STDIN else open(name, "rb")
            try:
                copied = 0
                while copied < limit:
                    chunk = source.read(min(CHUNK, limit - copied))
                    if not chunk:
                        break
                    out.write(chunk)
                    copied += len(chunk)
                else:
                    if not whole and source.read(1):
                        raise InputFileError(f"{shown(name)}: the stream is over {size_text(MAX_STREAM_BYTES)}; "
                                             "save it to a file and name the file (a file is read in place)")
            finally:
                if source is not sys.stdin.buffer:
                    source.close()
    except OSError as exc:
        spooled.close()
        raise InputFileError(f"{shown(name)}: cannot read: {exc.strerror or exc}") from None
    except BaseException:
        spooled.close()
        raise
    return spooled


def format_of(name: str, fmt: Optional[str] = None, mapping_path: Optional[str] = None,
              spooled: Optional[Spooled] = None) -> str:
    """How an input will be read: yaml, json, jsonl, csv, acled or ucdp (a CSV's header tells the
    exports apart, as `rows` decides)."""
    from doha_compliance.intake.exports import importers
    fmt = fmt or detect_format(name)
    if fmt == "csv":
        try:
            fmt = importers.sniff(spooled.path if spooled else name, mapping_path) or "csv"
        except (OSError, InputFileError):
            return "csv"  # `rows` reports what is wrong with the file
    return fmt


def rows(name: str, fmt: Optional[str] = None, mapping_path: Optional[str] = None,
         spooled: Optional[Spooled] = None, label: Optional[str] = None) -> Iterator[RawRow]:
    """Rows of one input, lazily. A file that cannot be opened or read is an InputFileError.
    A CSV whose header is ACLED's or UCDP's (or has the --mapping's columns) is imported as such;
    `label` names the file in ids an importer makes from file and line."""
    from doha_compliance.intake.exports import importers
    path = spooled.path if spooled else name
    fmt = fmt or detect_format(name)
    try:
        if fmt == "csv":
            fmt = importers.sniff(path, mapping_path) or "csv"
        if fmt in importers.FORMATS:
            mapping = importers.load_mapping(fmt, mapping_path)
            found: Iterator[RawRow] = importers.read_export(path, fmt, mapping, label)
        else:
            found = _READERS[fmt](path)
        if spooled:
            for row in found:
                yield _renamed(row, path, shown(name))
        else:
            yield from found  # (one generator step fewer for each of a million rows)
    except readers.MissingColumns as exc:
        raise InputFileError(f"{shown(name)}:{exc.line}: {exc.problem()}.{_header_hint(exc.header, mapping_path)}") \
            from None
    except OSError as exc:
        raise InputFileError(f"{shown(name)}: cannot read: {exc.strerror or exc}") from None


def export_rows_each(name: str, fmt: str, mapping_paths: Sequence[Optional[str]], spooled: Optional[Spooled] = None,
                     label: Optional[str] = None) -> Iterator[Tuple[RawRow, ...]]:
    """An ACLED or UCDP export read once, each row mapped by each mapping (a path, or None: the shipped
    one), in order (issue 27: every agreement with its own mapping). The same errors as `rows`."""
    from doha_compliance.intake.exports import importers
    path = spooled.path if spooled else name
    try:
        mappings = [importers.load_mapping(fmt, mapping_path) for mapping_path in mapping_paths]
        found = importers.read_export_each(path, mappings, label)
        if spooled:
            for each in found:
                yield tuple(_renamed(row, path, shown(name)) for row in each)
        else:
            yield from found
    except OSError as exc:
        raise InputFileError(f"{shown(name)}: cannot read: {exc.strerror or exc}") from None


# Column names an event file of our own uses too: a header sharing only these looks like no export.
_OWN_COLUMNS = {"id", "date", "type", "actor", "target", "province", "place", "fatalities", "source", "description",
                "country"}


def _header_hint(header: List[str], mapping_path: Optional[str]) -> str:
    """What a native CSV header lacking required columns looks like: the --mapping's columns it lacks
    too, or an ACLED or UCDP export with renamed columns (three or more of that export's own column
    names, in any case), or nothing."""
    from doha_compliance.intake.exports import importers
    names = {h.casefold() for h in header}
    if mapping_path:
        mapping = importers.load_mapping(importers.detect(header) or "acled", mapping_path)
        lacking = [c for c in mapping.header_columns() if c not in header]
        return (f" The --mapping file names columns this header lacks too ({shortened(lacking)}): "
                "give its `columns:` this file's column names (doha-compliance mapping check FILE --mapping "
                "MAPPING shows what it reads).")
    best, shared = None, 0
    for fmt in importers.FORMATS:
        mapping = importers.load_mapping(fmt, None)
        own = {c.casefold() for c in (*mapping.columns.values(), *mapping.type_columns, *importers.SIGNATURES[fmt])}
        count = len((own - _OWN_COLUMNS) & names)
        if count > shared:
            best, shared = fmt, count
    if best is None or shared < 3:
        return ""
    return (f" It looks like a{'n' if best == 'acled' else ''} {best.upper()} export ({shared} of its column names) "
            f"with renamed columns: pass --events-format {best} --mapping FILE, a copy of the bundled "
            f"mappings/{best}.yaml whose `columns:` name this file's columns.")


def _renamed(row: RawRow, path: str, name: str) -> RawRow:
    if row.where == path or row.where.startswith(path + ":"):
        return attrs.evolve(row, where=name + row.where[len(path):])
    return row


_READERS: Dict[str, Callable[[str], Iterator[RawRow]]] = {
    "yaml": readers.read_yaml, "json": readers.read_json, "jsonl": readers.read_jsonl, "csv": readers.read_csv,
}
