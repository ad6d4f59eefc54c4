"""Whole files read with a bound: a rule file, a mapping or a document is read at once, never past
its limit, and never half-decoded (a byte that is not UTF-8 is a message with its line, not a crash).

Shared by the rule loader and the event readers, so it sits below both."""
from __future__ import annotations

import os
import stat
from typing import List

from doha_compliance._util.limits import MiB
from doha_compliance.errors import FileProblem as FileProblem  # re-exported: what this module raises

CHUNK = 1024 * 1024  # a read's size: a device reports size 0 and is counted as it is read


def read_bounded(path: str, limit: int, what: str = "file") -> bytes:
    """The file's bytes, refusing one over `limit` bytes (counted as read: devices report size 0)."""
    parts: List[bytes] = []
    total = 0
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISREG(st.st_mode) and st.st_size // MiB > limit // MiB:  # known without reading it
            raise FileProblem(None, f"{what} is {st.st_size // MiB} MB", st.st_size)
        while True:
            chunk = fh.read(min(CHUNK, limit + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileProblem(None, f"{what} is over {limit // MiB} MB", total)
    return b"".join(parts)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FileProblem(line, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None


def read_text(path: str, limit: int, what: str = "file") -> str:
    """A whole file as text, bounded; FileProblem if too big or not UTF-8."""
    return decode(read_bounded(path, limit, what))


# What a value read from a file may show in a message: never the file's content, at most a short,
# inert excerpt of one scalar (a misspelt kind, a bad date); anything else is named by its type.
EXCERPT_CHARS = 40


def kind_of(value: object) -> str:
    """A value named by what it is, not what it says: "a list (3 items)", "text (41 characters)"."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"text ({len(value)} character{'s' if len(value) != 1 else ''})"
    if isinstance(value, dict):
        return f"a mapping ({len(value)} key{'s' if len(value) != 1 else ''})"
    if isinstance(value, (list, tuple)):
        return f"a list ({len(value)} item{'s' if len(value) != 1 else ''})"
    return f"a {type(value).__name__}"


def excerpt(value: object) -> str:
    """A short scalar quoted, inert (control characters escaped as repr does), else its kind."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list, tuple)):
        return kind_of(value)
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= EXCERPT_CHARS else kind_of(value)
    if isinstance(value, str) and len(value) <= EXCERPT_CHARS and "\n" not in value:
        return repr(value)
    return kind_of(value)


def label(value: object) -> str:
    """A key or a name as it is (no quotes) when short and printable, else its kind."""
    text = str(value)
    return text if len(text) <= EXCERPT_CHARS and text.isprintable() else kind_of(value)
