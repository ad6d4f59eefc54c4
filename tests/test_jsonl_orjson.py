"""JSONL read with orjson (issue 27): each line gives the row json's own decoder gave, or the same
rejection in the same words, where the two libraries differ.

orjson reads an integer beyond 64 bits as a float and refuses NaN, 1e400, a lone surrogate escape,
bytes that are not UTF-8 and anything after the value; json reads the integer exactly, reads 1e400
as infinity and a lone surrogate as itself, and this tool's decoder refuses NaN in its own words.
Each case below is worked out from what json does, by hand.
"""
from __future__ import annotations

import math

from doha_compliance.intake.readers import read_jsonl

BASE = '"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban"'


def rows(tmp_path, body: bytes):
    path = tmp_path / "events.jsonl"
    path.write_bytes(body)
    return [(r.where.rsplit(":", 1)[-1], r.data, r.problem) for r in read_jsonl(str(path))]


def test_an_integer_beyond_64_bits_is_read_exactly_not_as_a_float(tmp_path):
    big = 2 ** 64 + 1  # a double cannot hold it: 18446744073709551616.0 would be the nearest
    [(line, data, problem)] = rows(tmp_path, ('{' + BASE + f', "n": {big}, "m": -{big}' + '}\n').encode())
    assert (line, problem) == ("1", None)
    assert data["n"] == 18446744073709551617 and type(data["n"]) is int
    assert data["m"] == -18446744073709551617 and type(data["m"]) is int


def test_a_20_digit_count_is_rejected_with_its_own_digits(tmp_path):
    import doha_compliance as dc
    from conftest import RULES
    path = tmp_path / "events.jsonl"
    path.write_text('{' + BASE + ', "fatalities": 18446744073709551617}\n', encoding="utf-8")
    report = dc.evaluate(dc.load_rules(str(RULES)), dc.read_events(str(path)))
    [rejection] = report.rejected
    assert rejection.field == "fatalities"
    assert "18446744073709551617" in rejection.reason  # a float would have said ...616


def test_nan_and_infinity_are_refused_as_json_refused_them(tmp_path):
    got = rows(tmp_path, ('{' + BASE + ', "x": NaN}\n{' + BASE + ', "x": -Infinity}\n').encode())
    assert got == [("1", None, "invalid JSON: NaN is not a number JSON allows"),
                   ("2", None, "invalid JSON: -Infinity is not a number JSON allows")]


def test_1e400_is_infinity_as_json_reads_it(tmp_path):
    [(line, data, problem)] = rows(tmp_path, ('{' + BASE + ', "x": 1e400}\n').encode())
    assert problem is None and data["x"] == math.inf


def test_a_lone_surrogate_escape_is_read_as_json_reads_it(tmp_path):
    [(line, data, problem)] = rows(tmp_path, ('{' + BASE + ', "x": "\\ud800"}\n').encode())
    assert problem is None and data["x"] == "\ud800"  # (the row check then refuses it: not valid Unicode)


def test_bytes_not_utf8_spoil_their_line_only(tmp_path):
    body = ('{' + BASE + '}\n').encode() + b'{"id": "a2", "x": "caf\xe9"}\n' + ('{' + BASE.replace("a1", "a3") + '}\n').encode() \
        + b'{"id": "a4"}\n'  # (a fourth line: the lines read with line 2 run past it)
    got = rows(tmp_path, body)
    assert [g[0] for g in got] == ["1", "2", "3", "4"]
    # the \xe9 is the line's byte 22, counting from 0 as the message always has
    assert got[1][2] == "not UTF-8 text (byte 22 of the line); save the file as UTF-8"
    assert got[0][1]["id"] == "a1" and got[2][1]["id"] == "a3"


def test_more_after_the_event_and_a_cut_line(tmp_path):
    got = rows(tmp_path, b'{"a": 1} x\n{"a": \n')
    # the event ends after column 8 (its "}"): the message points at column 9, the space after it
    assert got == [("1", None, "invalid JSON at column 9: more after the event (one event per line)"),
                   # json's decoder, reaching the end inside the object, names the object's start
                   ("2", None, "invalid JSON at column 1: Expecting value (the line looks cut short)")]


def test_blank_lines_crlf_bom_and_a_repeated_key(tmp_path):
    body = b"\xef\xbb\xbf" + ('{' + BASE + ', "x": 1, "x": 2}\r\n\r\n   \n').encode() + b'[1]\n'
    got = rows(tmp_path, body)
    assert got[0][0] == "1" and got[0][2] is None and got[0][1]["x"] == 2  # the last value, as json keeps it
    assert got[1] == ("4", None, "an event must be a mapping of fields, got list")
    assert len(got) == 2


def test_deep_nesting_is_read_or_refused_as_json_decoder_does(tmp_path):
    """Deep nesting is json's decoder's call, never orjson's: on Python 3.11 json refuses 1,010 levels
    (past the recursion limit of 1,000) where orjson would read them (its own limit is 1,024); on 3.13
    json's decoder reads 1,010 and 2,000 levels. 100,000 levels every json refuses, in its words."""
    import json
    for levels in (1010, 2000, 100_000):
        deep = '{' + BASE + ', "x": ' + "[" * levels + "]" * levels + '}\n'
        try:
            json.loads(deep)
            json_reads = True
        except RecursionError:
            json_reads = False
        [(line, data, problem)] = rows(tmp_path, deep.encode())
        if json_reads:
            assert data is not None and problem is None, levels
        else:
            assert data is None and problem.startswith("invalid JSON: nested too deeply to read"), levels


# --- a law: the orjson reader gives, line for line, what json's decoder alone gave -----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from doha_compliance.intake.readers.json_events import _line_row  # noqa: E402
from doha_compliance.intake.readers.lines import Lines, records  # noqa: E402
from doha_compliance.intake.readers.rows import empty  # noqa: E402


def json_alone(path: str):
    """The reader as it was before orjson: every line through Lines, `records` and json's decoder."""
    out, any_row = [], False
    with open(path, "rb") as fh:
        lines = Lines(fh)
        for start, line, problem in records(lines, lines):
            found = _line_row(f"{path}:{start}", start, line, problem)
            if found is not None:
                any_row = True
                out.append(found)
    return out if any_row else [empty(path)]


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2 ** 63 - 3, max_value=2 ** 64 + 3),
                    st.integers(min_value=-2 ** 64 - 3, max_value=-2 ** 63 + 3), st.floats(allow_nan=False),
                    st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                             max_size=3), max_leaves=8)
texts = st.one_of(
    st.builds(lambda d: __import__("json").dumps(d).encode(), st.dictionaries(st.text(max_size=5), values, max_size=4)),
    st.sampled_from([b"", b"   ", b"NaN", b'{"a": NaN}', b'{"a": 1e400}', b'{"a": "\\ud800"}', b'{"a": 1} x', b'{"a":',
                     b"[1, 2]", b"7", b'{"a": "caf\xe9"}', b"\xef\xbb\xbf{}", b'{"a": 00}', b"\x0c{}", b'{"a":"\t"}',
                     b'{"a": 123456789012345678901234567890}', b'{"a": 1.5e-320}', b'{"a": -0}', b"\x00"]))
endings = st.sampled_from([b"\n", b"\r\n", b"\r"])


@settings(max_examples=150)
@given(st.lists(st.tuples(texts, endings), max_size=6))
def test_every_line_reads_as_json_alone_read_it(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "events.jsonl"
    path.write_bytes(b"".join(text + end for text, end in lines))
    assert list(read_jsonl(str(path))) == json_alone(str(path))
