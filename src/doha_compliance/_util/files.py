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
