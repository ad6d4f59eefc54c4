"""What every event reader yields: a raw row with the file:line it came from, or the reason it
could not be read; and whole-file reading for the formats parsed at once (YAML, JSON) and for
mapping files and gazetteers."""
from __future__ import annotations

import os
import stat
from typing import Any, Dict, Optional, Tuple

import attrs

from doha_compliance._util.fast import builder
from doha_compliance._util.files import FileProblem, read_text
from doha_compliance._util.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_RULE_FILE_BYTES,
    MiB,
)
from doha_compliance.errors import InputFileError

FORMATS = ("yaml", "json", "jsonl", "csv")


@attrs.frozen
class RawRow:
    """One row as read: `data` is a mapping, or None with `problem` saying why it could not be read."""

    where: str
    data: Optional[Dict[str, Any]]  # the row's fields as the file gives them: any JSON value
    problem: Optional[str] = None
    field: Optional[str] = None
    id: Optional[str] = None


# RawRow(where, data, problem, field, id), every field given: a row for every line of a JSONL file
# (attrs' __init__ cost a third more)
raw_row = builder(RawRow)


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


def whole_text(path: str) -> Tuple[Optional[str], Optional[RawRow]]:
    try:
        return read_text(path, MAX_DOCUMENT_BYTES), None
    except FileProblem as exc:
        if exc.size is not None:
            return None, RawRow(path, None, f"{exc.message}; YAML and JSON files over {MAX_DOCUMENT_BYTES // MiB} MB "
                                             "are refused (parsed whole): convert it to JSONL or CSV, which are read "
                                             "row by row")
        return None, RawRow(f"{path}:{exc.line}", None, exc.message)


def empty(path: str) -> RawRow:
    return RawRow(path, None, "the file holds no events")


def row(where: str, data: Any) -> RawRow:
    if isinstance(data, dict):
        return raw_row(where, data, None, None, None)  # RawRow(where, data), built as _util.fast.builder does
    return RawRow(where, None, f"an event must be a mapping of fields, got {type(data).__name__}")
