"""JSON and JSONL event files. JSON is walked value by value with json's own decoder: each event
keeps its line, only a top-level `events` key counts, and a second `events` key or anything after
the end is reported. JSONL is one event per line, a bad line spoiling only itself, parsed by orjson
(issue 27) with json's decoder as the reference for every line orjson refuses or might read
otherwise (`read_jsonl`)."""
from __future__ import annotations

import json
import re
from typing import Any, Iterator, List, Optional, Tuple

import orjson

from doha_compliance._util.limits import (
    MAX_INT_DIGITS,
    MAX_NESTING,
)

from .lines import Lines, LongLine, too_long
from .rows import RawRow, empty, raw_row, row, whole_text


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
    text, problem = whole_text(path)
    if problem:
        yield problem
        return
    text = text or ""
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield empty(path)
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
            yield row(f"{path}:{_line_at(text, start)}", value)
        if not any_row:
            yield empty(path)
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


def read_jsonl(path: str) -> Iterator[RawRow]:
    """One event per line. Each line is parsed from its bytes by orjson (in C, about four times
    json's speed, and no decoding to text first); a line orjson refuses, or one where its reading
    could differ from json's (below), goes through json's own decoder (`_line_row`), which gives
    the same value, or the same rejection with the same words, as before orjson was used.

    Where orjson and json could differ on a line both accept, the line goes to json: a run of 19 or
    more digits (orjson reads an integer beyond 64 bits as a float, json as the integer), and 500 or
    more brackets (json's decoder refuses deep nesting at Python's recursion limit, orjson at 1,024
    levels). Everything orjson refuses (NaN and Infinity, 1e400, a lone surrogate escape, bytes that
    are not UTF-8, a control character in a string, anything after the value) json is asked about,
    so the rejection text is json's as it always was."""
    any_row = False
    loads, parse_error = orjson.loads, orjson.JSONDecodeError
    digits_run = b"0" * 19
    with open(path, "rb") as fh:
        lines = Lines(fh)
        while True:
            first = lines.number + 1
            try:
                batch = lines.take_lines()  # the lines of one read (a MiB): numbered here, not one call each
            except LongLine as long:
                any_row = True
                yield RawRow(f"{path}:{first}", None, too_long(long.line))
                continue
            if not batch:
                break
            for start, raw in enumerate(batch, first):
                if digits_run not in raw.translate(_DIGITS) and (len(raw) < 1000 or _brackets(raw) < 500):
                    try:
                        data = loads(raw)
                    except parse_error:
                        pass  # json says why (or that the line is blank)
                    else:
                        any_row = True
                        yield raw_row(f"{path}:{start}", data, None, None, None) if type(data) is dict else \
                            row(f"{path}:{start}", data)
                        continue
                lines.bad = None
                found = _line_row(f"{path}:{start}", start, lines.decoded(raw, start), lines.bad)
                if found is not None:
                    any_row = True
                    yield found
    if not any_row:
        yield empty(path)


# Every digit as b"0", every other byte as b" ": a run of digits is then a run of b"0" (found in C)
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))


def _brackets(raw: bytes) -> int:
    return raw.count(b"[") + raw.count(b"{")


def _line_row(where: str, start: int, line: str, problem: Optional[str]) -> Optional[RawRow]:
    """A JSONL line read with json's decoder: its row, its rejection, or None for a blank line."""
    body = line.rstrip(" \t\r\n") if problem is None else ""  # the line but its trailing spaces
    if problem is None and not body:
        return None
    if problem is not None:
        return RawRow(where, None, problem.replace(f"line {start}, ", ""))
    try:
        data, end = _decode_at(line, 0 if line[0] == "{" else _skip_ws(line, 0))
        if end < len(body):  # something but spaces after the event
            raise _Bad(end, f"invalid JSON at column {end + 1}: more after the event (one event per line)")
    except _Bad as bad:
        cut_short = ": Expecting" in bad.message or ": Unterminated" in bad.message
        cut = " (the line looks cut short)" if cut_short else ""
        return RawRow(where, None, bad.message + cut)
    return row(where, data)
