"""The pyarrow CSV reader (the `arrow` extra, issue 27) gives the Python reader's rows and reports,
byte for byte: on every CSV under examples/, on hostile CSV cases (quoted line breaks, a BOM,
ragged rows, bytes that are not UTF-8, lone CRs, blank lines, stray quotes), and on the real
exports in ../shared/real-data. A file it cannot read alike goes to the Python reader whole, so the
comparison holds for those too; the test also checks that the files it should take, it takes.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import ROOT
from doha_compliance.intake.readers import csv_arrow, read_csv

pytest.importorskip("pyarrow", reason="the `arrow` extra (pyarrow) is not installed: nothing to compare")

REAL = ROOT.parent / "shared" / "real-data"
EXAMPLE_CSVS = sorted((ROOT / "examples").glob("**/*.csv"))
REAL_CSVS = sorted(REAL.glob("*.csv")) if (REAL / "PROVENANCE.md").exists() else []
DOHA = dc.load_rules(str(ROOT / "rules" / "doha"))


def rows(path, monkeypatch, reader: str, required=("id", "date", "type", "actor")):
    monkeypatch.setenv("DOHA_COMPLIANCE_CSV", reader)
    try:
        return [(r.where, r.data, r.problem, r.field, r.id) for r in read_csv(str(path), required)]
    except Exception as exc:  # noqa: BLE001 - a refused file: the refusal is compared
        return [type(exc).__name__, str(exc)]


def report_bytes(path, monkeypatch, reader: str, mapping=None) -> bytes:
    monkeypatch.setenv("DOHA_COMPLIANCE_CSV", reader)
    try:
        report = dc.evaluate(DOHA, dc.read_events(str(path), mapping=mapping))
    except dc.ComplianceError as exc:
        return f"{type(exc).__name__}: {exc}".encode()
    out = io.StringIO()
    report.write_json(out)
    return out.getvalue().encode()


@pytest.mark.parametrize("path", EXAMPLE_CSVS + REAL_CSVS, ids=lambda p: p.name)
def test_every_csv_file_gives_the_same_report(path, monkeypatch):
    assert report_bytes(path, monkeypatch, "arrow") == report_bytes(path, monkeypatch, "python")
    assert rows(path, monkeypatch, "arrow", ()) == rows(path, monkeypatch, "python", ())


def test_the_real_exports_are_compared_or_skipped_with_a_reason():
    if not REAL_CSVS:
        pytest.skip(f"the real exports are not here ({REAL}): only examples/ and the hostile cases were compared")
    assert len(REAL_CSVS) >= 5


def test_the_usual_export_is_read_by_pyarrow():
    """Not a vacuous comparison: the ACLED and UCDP samples in examples/ take the pyarrow path."""
    for path in EXAMPLE_CSVS:
        assert csv_arrow.read_csv_arrow(str(path), ()) is not None, path.name


HEADER = b"id,date,type,actor,province,description\n"
ROW = b"a%d,2020-10-10,attack,taliban,Kabul,plain\n"
HOSTILE = {
    "plain": HEADER + ROW % 1 + ROW % 2,
    "quoted commas and doubled quotes": HEADER + b'a1,2020-10-10,attack,taliban,"Kabul, city","say ""no"""\n',
    "crlf": (HEADER + ROW % 1 + ROW % 2).replace(b"\n", b"\r\n"),
    "no final newline": HEADER + ROW % 1 + (ROW % 2).rstrip(b"\n"),
    "bom": b"\xef\xbb\xbf" + HEADER + ROW % 1,
    "quoted line break": HEADER + b'a1,2020-10-10,attack,taliban,Kabul,"two\nlines"\n' + ROW % 2,
    "ragged short": HEADER + b"a1,2020-10-10,attack,taliban\n" + ROW % 2,
    "ragged long": HEADER + b"a1,2020-10-10,attack,taliban,Kabul,x,extra\n" + ROW % 2,
    "not utf-8": HEADER + b"a1,2020-10-10,attack,taliban,Kaboul\xe9,x\n" + ROW % 2,
    "lone cr": HEADER + ROW % 1 + b"a2,2020-10-10,attack,taliban,Kabul,x\r" + ROW % 3,
    "blank lines": HEADER + b"\n" + ROW % 1 + b"\n\n" + ROW % 2 + b"\n",
    "a line of spaces": HEADER + ROW % 1 + b"   \n" + ROW % 2,
    "a row of empty cells": HEADER + ROW % 1 + b",,,,,\n" + b" , ,,,,\n" + ROW % 2,
    "empty and spaced cells": HEADER + b"a1,2020-10-10,attack,taliban, ,\n" + b"a2 , 2020-10-10,attack ,taliban,,x\n",
    "stray quote in a cell": HEADER + b'a1,2020-10-10,attack,taliban,Kab"ul,x\n',
    "text after a closing quote": HEADER + b'a1,2020-10-10,attack,taliban,"Kabul"x,y\n',
    "text after a closing quote, then a quoted cell": HEADER + b'a1,2020-10-10,attack,taliban,"Kabul"x,"y"\n',
    "text before an opening quote": HEADER + b'a1,2020-10-10,attack,taliban,Kabul,x"y,z"\n',
    "unclosed quote": HEADER + b'a1,2020-10-10,attack,taliban,"Kabul,x\n' + ROW % 2,
    "nul byte": HEADER + b"a1,2020-10-10,attack,taliban,Ka\x00bul,x\n",
    "header only": HEADER,
    "header only, no final newline": HEADER.rstrip(b"\n"),  # (found by the law below: pyarrow refused it)
    "empty file": b"",
    "header on line 2": b"\n" + HEADER + ROW % 1,
    "header names a column twice": b"id,date,type,actor,id\n" + b"a1,2020-10-10,attack,taliban,b\n",
    "header lacks a column": b"id,date,type\n" + b"a1,2020-10-10,attack\n",
    "unnamed columns": b"id,,date,type,actor,\n" + b"a1,x,2020-10-10,attack,taliban,y\n" + b"a2,,2020-10-10,attack,taliban,\n"
                       + b",only,,,,\n",
    "a quoted header": b'"id",date,type,actor\n' + b"a1,2020-10-10,attack,taliban\n",
    "quoted empty and quoted spaces": HEADER + b'a1,2020-10-10,attack,taliban,"","  "\n',
    "unicode": HEADER + "a1,2020-10-10,attack,taliban,Kābul,«quoted» \ufeff\n".encode(),
    "duplicate ids and a bad date": HEADER + ROW % 1 + ROW % 1 + b"a3,2020-02-30,attack,taliban,Kabul,x\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_csv_gives_the_same_rows_and_report(name, tmp_path, monkeypatch):
    path = tmp_path / "events.csv"
    path.write_bytes(HOSTILE[name])
    assert rows(path, monkeypatch, "arrow") == rows(path, monkeypatch, "python")
    assert report_bytes(path, monkeypatch, "arrow") == report_bytes(path, monkeypatch, "python")


def test_which_hostile_files_pyarrow_takes(tmp_path):
    """Worked out by hand from the module's rules: one row a line, quotes around whole cells, the
    header's number of cells on every line, UTF-8, CR only before LF, the header plain on line 1."""
    taken = set()
    for name, body in HOSTILE.items():
        path = tmp_path / (name.replace(" ", "_") + ".csv")
        path.write_bytes(body)
        if csv_arrow.read_csv_arrow(str(path), ("id", "date", "type", "actor")) is not None:
            taken.add(name)
    assert taken == {"plain", "quoted commas and doubled quotes", "crlf", "no final newline", "bom",
                     "a row of empty cells", "empty and spaced cells", "header only", "unnamed columns",
                     "quoted empty and quoted spaces", "unicode", "duplicate ids and a bad date"}


def test_only_when_asked_and_only_a_regular_file(tmp_path, monkeypatch):
    path = tmp_path / "events.csv"
    path.write_bytes(HEADER + ROW % 1)
    for setting in ("python", "auto", ""):
        monkeypatch.setenv("DOHA_COMPLIANCE_CSV", setting)
        assert not csv_arrow.wanted(str(path))
    monkeypatch.delenv("DOHA_COMPLIANCE_CSV")
    assert not csv_arrow.wanted(str(path))
    monkeypatch.setenv("DOHA_COMPLIANCE_CSV", "arrow")
    assert csv_arrow.wanted(str(path))
    assert not csv_arrow.wanted(str(Path("/dev/null")))  # not a regular file: read once, by Python


# --- a law: random CSV files read alike by both readers ------------------------------------------

from hypothesis import event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

plain_cells = ["a1", "2020-10-10", "attack", "taliban", "", " ", "Kabul, city", 'say "no"', "é", "  padded  ",
               "\u00a0", "\x1c", "7", '""', "a,b,c"]
cells = st.sampled_from(plain_cells * 4 + ["two\nlines", "x\ry"])  # a line break: about one cell in 30


def quoted(cell: str, how: int) -> str:
    if how == 0 and not any(c in cell for c in ',"\n\r'):  # (how: 0 plain where it can be, 1 quoted, 2 wrong)
        return cell
    if how == 2:
        return '"' + cell + '"x'  # text after the closing quote
    return '"' + cell.replace('"', '""') + '"'


@settings(max_examples=150, deadline=None)
@given(st.tuples(st.lists(st.lists(st.tuples(cells, st.integers(0, 59)), min_size=5, max_size=5), max_size=6),
                 st.lists(st.lists(st.tuples(cells, st.integers(0, 59)), min_size=3, max_size=7), max_size=1),
                 st.integers(0, 6)).map(lambda t: t[1] + t[0] if t[2] == 0 else t[0]),  # a ragged row first, now and then
       st.sampled_from(["\n", "\r\n", "\n", "\n", "\r\n", "\r"]), st.booleans())
def test_random_csv_files_read_alike(tmp_path_factory, body_rows, ending, final_newline):
    path = tmp_path_factory.mktemp("csv") / "events.csv"
    header = "id,date,type,actor,province"
    lines = [header] + [",".join(quoted(cell, 1 if how > 40 else how if how < 3 else 0) for cell, how in row)
                        for row in body_rows]
    path.write_bytes((ending.join(lines) + (ending if final_newline else "")).encode("utf-8", "surrogatepass"))
    with pytest.MonkeyPatch.context() as patch:
        assert rows(path, patch, "arrow", ()) == rows(path, patch, "python", ())
    event("read by pyarrow" if csv_arrow.read_csv_arrow(str(path), ()) is not None else "left to Python")
