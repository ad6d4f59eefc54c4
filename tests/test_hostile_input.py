"""Hostile and messy input, class by class (issue 14): no silent loss, no crash, no clobbered file.

Each class of problem has its tests here; where a class spans formats, the same case is
written in every format it can occur in, so the corpus grows from the class, not from one
example. `test_fuzz.py` then throws random and mutated files at all of it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import AVAILABLE_ENGINES, OCT2020, ROOT, RULES, run_cli, run_main

EVENT = {"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban", "location_kind": "city"}


def report(*args: str, stdin: bytes | None = None) -> dict:
    result = run_main("report", "--rules", str(RULES), "--format", "json", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    inputs = data["inputs"]
    assert inputs["read"] == inputs["evaluated"] + inputs["rejected"]
    return data


def fails(*args: str, phrase: str, stdin: bytes | None = None) -> str:
    result = run_main(*args, stdin=stdin)
    assert result.returncode == 2, (result.stdout[:300], result.stderr)
    assert phrase in result.stderr and "Traceback" not in result.stderr
    return result.stderr


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def reasons(data: dict) -> list:
    return [(r["where"].rsplit(":", 1)[-1], r["reason"]) for r in data["rejected"]]


# --- CSV: Python's csv semantics, lines kept ------------------------------------

CSV_ROWS = [
    "id,date,type,actor,description",
    'a1,2020-10-10,attack,taliban,fired 12" rockets',
    "a2,2020-10-11,attack,taliban,plain",
    'a3,2020-10-12,attack,taliban,a 5" shell',
    '"a4",2020-10-13,attack,taliban,"quoted, with comma"',
    "a5,2020-10-14,attack,taliban,last",
]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_csv_stray_quotes_lose_no_row_whatever_the_line_endings(tmp_path, newline):
    path = write(tmp_path / "e.csv", newline.join(CSV_ROWS) + newline)
    data = report("--events", str(path))
    assert data["inputs"] == {"read": 5, "evaluated": 5, "rejected": 0, "after_as_of": 0}
    ids = {e: f"{path}:{n}" for n, e in enumerate(["a1", "a2", "a3", "a4", "a5"], start=2)}
    explained = run_main("explain", "a3", "--rules", str(RULES), "--events", str(path))
    assert explained.returncode == 0 and ids["a3"] in explained.stdout


def test_csv_quoted_cell_over_lines_keeps_each_rows_start_line(tmp_path):
    path = write(tmp_path / "e.csv", "id,date,type,actor,description\n"
                                     'a1,2020-10-10,attack,taliban,"two\nlines, and a bare\rCR"\n'
                                     "a2,2020-10-11,attack,taliban,x\n"
                                     "b3,2020-10-11,attack,nobody,x\n")
    data = report("--events", str(path))
    assert data["inputs"]["read"] == 3
    # a lone CR ends a line as LF does (CR-only files are read the same way): a2 is on line 5, b3 on 6
    assert reasons(data) == [("6", "unknown party 'nobody'")]


def test_csv_bare_cr_in_an_unquoted_cell_ends_the_row_as_csv_does(tmp_path):
    path = write(tmp_path / "e.csv", "id,date,type,actor,description\na1,2020-10-10,attack,taliban,x\ry\n")
    data = report("--events", str(path))
    assert data["inputs"] == {"read": 2, "evaluated": 1, "rejected": 1, "after_as_of": 0}
    assert reasons(data) == [("3", "required field 'date' is missing")]


def test_csv_duplicate_header_is_refused_once(tmp_path):
    path = write(tmp_path / "e.csv", "id,date,type,actor,actor\n" + "a1,2020-10-10,attack,taliban,us\n" * 3)
    stderr = fails("report", "--rules", str(RULES), "--events", str(path), phrase="names the column 'actor' twice")
    assert stderr.count("twice") == 1 and f"{path}:1" in stderr


@pytest.mark.parametrize("tail, phrase", [
    ('a2,2020-10-11,attack,taliban,"never closed\n', "never closed"),
    ('a2,2020-10-11,attack,taliban,"quoted"then text\n', "followed by more text"),
])
def test_csv_malformed_quotes_are_rejected_rows(tmp_path, tail, phrase):
    path = write(tmp_path / "e.csv", "id,date,type,actor,description\na1,2020-10-10,attack,taliban,x\n" + tail)
    data = report("--events", str(path))
    assert data["inputs"]["evaluated"] == 1 and data["inputs"]["rejected"] == 1
    assert phrase in data["rejected"][0]["reason"] and data["rejected"][0]["where"] == f"{path}:3"


# --- field size: bounded before durable_rules ----------------------------------

BIG = 16 * 1024 * 1024  # segfaulted durable_rules in a field a rule reads


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "yaml"])
def test_a_huge_field_is_rejected_naming_field_and_limit(tmp_path, fmt):
    row = dict(EVENT, type="negotiation", target="afghan_government", stage="o" * (2 * 1024 * 1024))
    path = tmp_path / f"e.{fmt}"
    if fmt == "jsonl":
        write(path, json.dumps(row) + "\n" + json.dumps(dict(EVENT, id="a2")) + "\n")
    elif fmt == "json":
        write(path, json.dumps([row, dict(EVENT, id="a2")]))
    elif fmt == "yaml":
        write(path, "- " + json.dumps(row) + "\n- " + json.dumps(dict(EVENT, id="a2")) + "\n")
    else:
        write(path, ",".join(row) + "\n" + ",".join(row.values()) + "\n" + ",".join(dict(EVENT, id="a2", type="attack",
              target="", stage="").values()) + "\n")
    data = report("--events", str(path))
    assert data["inputs"]["evaluated"] == 1 and data["inputs"]["rejected"] == 1
    reason = data["rejected"][0]["reason"]
    assert "1 MiB" in reason and (fmt == "csv" or "stage is 2,097,152 characters long" in reason)


def test_a_field_at_the_limit_is_evaluated(tmp_path):
    path = write(tmp_path / "e.jsonl", json.dumps(dict(EVENT, description="d" * (1024 * 1024))) + "\n")
    assert report("--events", str(path))["inputs"]["evaluated"] == 1


def test_contract_fields_past_the_limit_or_not_unicode_are_rejected(tmp_path):
    """A row of the contract's fields only takes the row check's short path: it still measures each value."""
    path = write(tmp_path / "e.jsonl", json.dumps(dict(EVENT, description="d" * (1024 * 1024 + 1))) + "\n"
                 + json.dumps(dict(EVENT, id="a2", place="Kabul \ud800")) + "\n" + json.dumps(dict(EVENT, id="a3")) + "\n")
    data = report("--events", str(path))
    assert data["inputs"]["evaluated"] == 1 and data["inputs"]["rejected"] == 2
    first, second = (r["reason"] for r in data["rejected"])
    assert "description is 1,048,577 characters long" in first and "unpaired surrogate" in second


def test_the_huge_field_no_longer_kills_the_process(tmp_path):
    # a real process: what this once did was end the interpreter
    path = write(tmp_path / "e.json", json.dumps([dict(EVENT, type="negotiation", target="afghan_government",
                                                       stage="o" * BIG)]))
    result = run_cli("report", "--rules", str(RULES), "--events", str(path))
    assert result.returncode == 0 and "stage is 16,777,216 characters long" in result.stderr


def test_a_jsonl_line_over_the_row_limit_is_skipped_without_holding_it(tmp_path):
    path = tmp_path / "e.jsonl"
    with open(path, "wb") as fh:
        fh.write(b'{"id": "x", "description": "' + b"x" * (17 * 1024 * 1024) + b'"}\n')
        fh.write(json.dumps(EVENT).encode() + b"\n")
    data = report("--events", str(path))
    assert data["inputs"] == {"read": 2, "evaluated": 1, "rejected": 1, "after_as_of": 0}
    assert reasons(data) == [("1", "line 1 is longer than 16 MiB: not read")]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_byte_caps_count_bytes_read_not_the_size_a_device_reports(fmt):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    started = time.monotonic()
    data = report("--events", "/dev/zero", "--events-format", fmt)
    assert data["inputs"]["rejected"] == 1 and "is over 64 MB" in data["rejected"][0]["reason"]
    assert time.monotonic() - started < 30


# --- numbers, counts, dates: one meaning in every format --------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "yaml"])
def test_a_number_of_5000_digits_is_a_rejection_not_a_traceback(tmp_path, fmt):
    digits = "9" * 5000
    path = tmp_path / f"e.{fmt}"
    if fmt == "csv":
        write(path, "id,date,type,actor,fatalities\na1,2020-10-10,attack,taliban," + digits + "\n")
    else:
        text = json.dumps(EVENT)[:-1] + ', "fatalities": ' + digits + "}"
        write(path, {"jsonl": text + "\n", "json": "[" + text + "]", "yaml": "- " + text + "\n"}[fmt])
    data = report("--events", str(path))
    assert data["inputs"] == {"read": 1, "evaluated": 0, "rejected": 1, "after_as_of": 0}
    assert "digits" in data["rejected"][0]["reason"]


@pytest.mark.parametrize("value, phrase", [
    ("²", "digits 0-9"), ("٣", "digits 0-9"), ("1.5", "whole number"), ("12abc", "whole number"),
    ("9007199254740992", "at most 9,007,199,254,740,991"), ("-1", "cannot be negative"),
])
def test_counts_are_ascii_whole_numbers(tmp_path, value, phrase):
    path = write(tmp_path / "e.csv", f"id,date,type,actor,fatalities\na1,2020-10-10,attack,taliban,{value}\n")
    data = report("--events", str(path))
    assert data["inputs"]["rejected"] == 1 and phrase in data["rejected"][0]["reason"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(tmp_path, constant):
    path = write(tmp_path / "e.jsonl", json.dumps(EVENT)[:-1] + f', "fatalities": {constant}}}\n')
    data = report("--events", str(path))
    assert data["inputs"]["rejected"] == 1 and "not a number JSON allows" in data["rejected"][0]["reason"]


@pytest.mark.parametrize("date, ok", [
    ("2020-10-10", True), ("2020-10-10T23:59", True), ("2020-10-10T23:59:59.123Z", True),
    ("2020-10-10 08:00:00+04:30", True), ("20201005", False), ("2020-W41-1", False), ("2020-284", False),
    ("2020-10-10T24:00", False), ("2020-10-10T10:00+0430", False), ("0001-01-02", False), ("9999-12-31", False),
    ("1799-12-31", False), ("2199-12-31", True),
])
def test_dates_are_iso_and_within_range(tmp_path, date, ok):
    path = write(tmp_path / "e.jsonl", json.dumps(dict(EVENT, date=date)) + "\n")
    data = report("--events", str(path))
    assert data["inputs"]["evaluated"] == (1 if ok else 0)


def test_a_date_time_keeps_its_own_calendar_date(tmp_path):
    path = write(tmp_path / "e.jsonl", json.dumps(dict(EVENT, date="2020-10-10T23:30-05:00")) + "\n")
    assert report("--events", str(path))["as_of"] == "2020-10-10"


YAML_11_TOKENS = ["010", "0010", "1:20", "1:05", "no", "yes", "on", "off", "0x1F", "0o17", "1_000", "+5", ".inf",
                  ".nan", "2020-10-10", "12e3x", "=", "<<x"]


@pytest.mark.parametrize("token", YAML_11_TOKENS)
def test_yaml_reads_plain_scalars_as_csv_does(tmp_path, doha, token):
    """The same literal in a YAML and a CSV file is the same event (YAML 1.2 rules, not 1.1's)."""
    yaml_file = write(tmp_path / "e.yaml", f"- {{id: {token}, date: 2020-10-10, type: attack, actor: taliban, "
                                           f"note: {token}}}\n")
    csv_file = write(tmp_path / "e.csv", f"id,date,type,actor,note\n{token},2020-10-10,attack,taliban,{token}\n")
    from_yaml = dc.api.collect(doha, dc.read_events(yaml_file))[0]
    from_csv = dc.api.collect(doha, dc.read_events(csv_file))[0]
    assert [e.id for e in from_yaml] == [e.id for e in from_csv] == [token]
    assert str(from_yaml[0].extra["note"]) == from_csv[0].extra["note"] == token


@pytest.mark.parametrize("token, fatalities", [("010", 10), ("10", 10), ("1:20", None), ("no", None)])
def test_yaml_counts_mean_what_they_say(tmp_path, doha, token, fatalities):
    path = write(tmp_path / "e.yaml", f"- {{id: a, date: 2020-10-10, type: attack, actor: taliban, fatalities: {token}}}\n")
    events, rejected, _ = dc.api.collect(doha, dc.read_events(path))
    assert [e.fatalities for e in events] == ([fatalities] if fatalities is not None else [])


def test_yaml_booleans_are_only_true_and_false(tmp_path, doha):
    path = write(tmp_path / "e.yaml", "- {id: a, date: 2020-10-10, type: attack, actor: taliban, verified: no, "
                                      "checked: true, seen: On}\n")
    event = dc.api.collect(doha, dc.read_events(path))[0][0]
    assert event.extra == {"verified": "no", "checked": True, "seen": "On"}


def _rule_folder(tmp_path: Path, rule: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    write(folder / "extra.yaml", "rules:\n  - id: extra.test\n    party: taliban\n    title: T\n    source: S\n"
                                 "    basis: reported\n    kind: prohibited\n" + rule)
    return folder


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "yaml"])
@pytest.mark.parametrize("engine", AVAILABLE_ENGINES)
def test_a_rule_on_an_extra_number_matches_whatever_the_format(tmp_path, fmt, engine):
    folder = _rule_folder(tmp_path, "    when: {type: attack, actor: $party, severity: {at_least: 3}}\n")
    rows = [("s1", "4"), ("s2", "2"), ("s3", "03")]
    path = tmp_path / f"e.{fmt}"
    if fmt == "csv":
        write(path, "id,date,type,actor,severity\n" + "".join(f"{i},2020-10-10,attack,taliban,{v}\n" for i, v in rows))
    elif fmt == "jsonl":
        write(path, "".join(json.dumps(dict(EVENT, id=i, severity=int(v))) + "\n" for i, v in rows))
    else:
        write(path, "".join(f"- {{id: {i}, date: 2020-10-10, type: attack, actor: taliban, severity: {v}}}\n"
                            for i, v in rows))
    result = run_main("report", "--rules", str(folder), "--events", str(path), "--format", "json", "--engine", engine,
                      "--rule", "extra.test")
    evidence = sorted(f["evidence"][0] for f in json.loads(result.stdout)["findings"] if f["evidence"])
    assert evidence == ["s1", "s3"]


def test_rule_values_keep_their_text(tmp_path):
    folder = _rule_folder(tmp_path, "    when: {type: attack, actor: $party, code: 010, flag: no}\n")
    path = write(tmp_path / "e.csv", "id,date,type,actor,code,flag\nc1,2020-10-10,attack,taliban,010,no\n"
                                     "c2,2020-10-10,attack,taliban,10,no\n")
    data = json.loads(run_main("report", "--rules", str(folder), "--events", str(path), "--format", "json",
                               "--rule", "extra.test").stdout)
    assert [f["evidence"] for f in data["findings"]] == [["c1"]]


# --- JSON and YAML containers: parsed, not searched -------------------------------

def test_json_only_the_top_level_events_key_counts(tmp_path):
    inner = json.dumps([dict(EVENT, id="inner")])
    path = write(tmp_path / "e.json", f'{{"meta": {{"events": {inner}}},\n "events": [{json.dumps(EVENT)}]}}')
    data = report("--events", str(path))
    assert data["inputs"]["evaluated"] == 1
    assert run_main("explain", "inner", "--rules", str(RULES), "--events", str(path)).returncode == 2


@pytest.mark.parametrize("text, line, phrase", [
    ('{"events": [],\n "events": [EV]}', 2, "a second key 'events'"),
    ('[EV]\n[EV]', 2, "data after the end"),
    ('{"events": [EV]}\n\n{}', 3, "data after the end"),
    ('{"events": {"id": "x"}}', 1, "must hold a list"),
    ('{"other": [EV]}', 1, "with a key 'events'"),
    ('[EV,\n EV', 2, "not closed"),
    ('[' * 100_000 + ']' * 100_000, 1, "nested too deeply"),
])
def test_json_structure_problems_are_located(tmp_path, text, line, phrase):
    path = write(tmp_path / "e.json", text.replace("EV", json.dumps(EVENT)))
    data = report("--events", str(path))
    assert phrase in data["rejected"][-1]["reason"] and data["rejected"][-1]["where"] == f"{path}:{line}"


def test_yaml_duplicate_keys_are_refused_everywhere(tmp_path):
    events = write(tmp_path / "e.yaml", "events: []\nevents:\n  - {id: a, date: 2020-10-10, type: attack, actor: us}\n")
    assert "appears twice" in report("--events", str(events))["rejected"][0]["reason"]
    row = write(tmp_path / "r.yaml", "- {id: a, date: 2020-10-10, type: attack, actor: taliban, actor: us}\n"
                                     "- {id: b, date: 2020-10-10, type: attack, actor: taliban}\n")
    data = report("--events", str(row))
    assert data["inputs"]["evaluated"] == 1 and "'actor' appears twice" in data["rejected"][0]["reason"]
    folder = _rule_folder(tmp_path, "    when: {type: attack}\n    when: {type: airstrike}\n")
    fails("rules", "check", str(folder), phrase="extra.yaml:9: the key 'when' appears twice")
    (folder / "extra.yaml").write_text("rules: []\nrules:\n  - {id: a}\n", encoding="utf-8")
    fails("rules", "check", str(folder), phrase="extra.yaml:2: the key 'rules' appears twice")
    mapping = write(tmp_path / "m.yaml", (ROOT / "src/doha_compliance/mappings/acled.yaml").read_text() + "\ncolumns: {}\n")
    fails("report", "--rules", str(RULES), "--events", "examples/acled/afghanistan_oct2020_sample.csv",
          "--mapping", str(mapping), phrase="appears twice")


# --- YAML aliases: expansion capped, sharing allowed ---------------------------------

def test_a_hundred_events_sharing_one_anchor_load(tmp_path):
    lines = ["- {id: e0, date: 2020-10-10, type: attack, actor: taliban, source: &src 'Reuters, 10 Oct 2020'}"]
    lines += [f"- {{id: e{i}, date: 2020-10-10, type: attack, actor: taliban, source: *src}}" for i in range(1, 102)]
    data = report("--events", str(write(tmp_path / "e.yaml", "\n".join(lines) + "\n")))
    assert data["inputs"] == {"read": 102, "evaluated": 102, "rejected": 0, "after_as_of": 0}


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for n in range(1, levels):
        lines.append(f"{names[n]}: &{names[n]} [" + ",".join([f"*{names[n - 1]}"] * width) + "]")
    lines.append(f"events: [{{id: x, date: 2020-10-10, type: negotiation, actor: taliban, stage: *{names[levels - 1]}}}]")
    return "\n".join(lines) + "\n"


def test_a_small_alias_bomb_is_refused_fast_and_located(tmp_path):
    text = _bomb()
    assert len(text) < 600
    started = time.monotonic()
    data = report("--events", str(write(tmp_path / "bomb.yaml", text)))
    assert time.monotonic() - started < 10
    assert data["inputs"]["rejected"] == 1 and "aliases" in data["rejected"][0]["reason"]
    assert data["rejected"][0]["where"].startswith(f"{tmp_path}/bomb.yaml:")


def test_alias_bombs_in_rule_and_mapping_files_are_refused(tmp_path):
    folder = _rule_folder(tmp_path, "    when: {type: attack}\n")
    write(folder / "bomb.yaml", _bomb().replace("events:", "other:"))
    fails("rules", "check", str(folder), phrase="aliases")
    fails("report", "--rules", str(RULES), "--events", "examples/acled/afghanistan_oct2020_sample.csv",
          "--mapping", str(write(tmp_path / "m.yaml", _bomb())), phrase="aliases")


def test_an_alias_chain_deeper_than_the_nesting_cap_is_refused(tmp_path):
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 80)] + ["events: []"]
    data = report("--events", str(write(tmp_path / "chain.yaml", "\n".join(lines) + "\n")))
    assert "deeper than 64" in data["rejected"][0]["reason"]


# --- control characters in every YAML we read ----------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_control_characters_in_yaml_are_located_messages(tmp_path, char):
    events = write(tmp_path / "e.yaml", f"- {{id: a, date: 2020-10-10, type: attack, actor: taliban}}\n- {{id: b{char}}}\n")
    data = report("--events", str(events))
    assert data["rejected"][0]["where"] == f"{events}:2" and f"U+{ord(char):04X}" in data["rejected"][0]["reason"]
    folder = _rule_folder(tmp_path, f"    when: {{type: attack}}\n    notes: x{char}\n")
    fails("rules", "check", str(folder), phrase="extra.yaml:9: invalid YAML")
    mapping = write(tmp_path / "m.yaml", f"format: acled\ncolumns: {{id: x{char}}}\n")
    fails("report", "--rules", str(RULES), "--events", "examples/acled/afghanistan_oct2020_sample.csv",
          "--mapping", str(mapping), phrase="m.yaml:2")


# --- stdin and pipes -----------------------------------------------------------------

OUT_OF_ORDER = "".join(json.dumps(dict(EVENT, id=f"o{d}", date=f"2020-10-{d:02d}")) + "\n" for d in (20, 28, 10, 5))


@pytest.mark.parametrize("fmt, text", [
    ("jsonl", OUT_OF_ORDER),
    ("csv", "id,date,type,actor\n" + "".join(f"o{d},2020-10-{d:02d},attack,taliban\n" for d in (20, 28, 10, 5))),
    ("yaml", "".join("- " + line + "\n" for line in OUT_OF_ORDER.splitlines())),
    ("json", "[" + ",".join(OUT_OF_ORDER.splitlines()) + "]"),
])
def test_stdin_out_of_order_loses_nothing(fmt, text):
    data = report("--events", "-", "--events-format", fmt, stdin=text.encode())
    assert data["inputs"] == {"read": 4, "evaluated": 4, "rejected": 0, "after_as_of": 0}
    assert data["as_of"] == "2020-10-28"


def test_stdin_names_its_rows_and_needs_a_format(tmp_path):
    data = report("--events", "-", "--events-format", "jsonl", stdin=b'{"id": "x"}\n')
    assert data["rejected"][0]["where"] == "<stdin>:1"
    fails("report", "--rules", str(RULES), "--events", "-", phrase="--events-format", stdin=b"")
    fails("report", "--rules", str(RULES), "--events", "-", "--events", "-", "--events-format", "csv",
          phrase="more than once", stdin=b"")


def test_a_fifo_and_dev_stdin_are_read_once(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "events.jsonl"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'w').write({OUT_OF_ORDER!r})"])
    result = run_main("report", "--rules", str(RULES), "--events", str(fifo), "--format", "json")
    writer.wait(timeout=60)
    assert json.loads(result.stdout)["inputs"]["evaluated"] == 4
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    piped = subprocess.run([sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events",
                            "/dev/stdin", "--events-format", "csv", "--format", "json"], cwd=ROOT, env=env,
                           input="id,date,type,actor\nb,2020-10-12,attack,taliban\na,2020-10-01,attack,taliban\n",
                           capture_output=True, text=True, timeout=120)
    assert json.loads(piped.stdout)["inputs"]["evaluated"] == 2, piped.stderr


# --- --output -------------------------------------------------------------------------

def _run_output(tmp_path: Path, output: str, events: Path | None = None) -> subprocess.CompletedProcess:
    events = events or write(tmp_path / "in.jsonl", json.dumps(EVENT) + "\n")
    return run_main("report", "--rules", str(RULES), "--events", str(events), "--output", output)


def test_output_onto_an_input_is_refused_however_it_is_named(tmp_path):
    events = write(tmp_path / "in.jsonl", json.dumps(EVENT) + "\n")
    before = events.read_bytes()
    os.link(events, tmp_path / "hard.jsonl")
    (tmp_path / "via-link.jsonl").symlink_to(events)
    for output in (str(events), str(tmp_path / "hard.jsonl")):
        result = _run_output(tmp_path, output, events)
        assert result.returncode == 2 and "is an input of this run" in result.stderr
    result = _run_output(tmp_path, str(events), tmp_path / "via-link.jsonl")
    assert result.returncode == 2 and "is an input of this run" in result.stderr
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    result = run_main("report", "--rules", str(folder), "--events", str(events), "--output", str(folder / "violence.yaml"))
    assert result.returncode == 2 and "is an input" in result.stderr
    assert events.read_bytes() == before


def test_output_onto_a_link_a_folder_a_pipe_or_a_device_is_refused(tmp_path):
    target = write(tmp_path / "target.txt", "keep me\n")
    (tmp_path / "link.txt").symlink_to(target)
    assert "symbolic link" in _run_output(tmp_path, str(tmp_path / "link.txt")).stderr
    assert (tmp_path / "link.txt").is_symlink() and target.read_text() == "keep me\n"
    (tmp_path / "folder").mkdir()
    assert "is a folder" in _run_output(tmp_path, str(tmp_path / "folder")).stderr
    os.mkfifo(tmp_path / "fifo")
    assert "not a regular file" in _run_output(tmp_path, str(tmp_path / "fifo")).stderr
    if os.geteuid() == 0:
        os.mknod(tmp_path / "null", 0o666 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
        assert "not a regular file" in _run_output(tmp_path, str(tmp_path / "null")).stderr
        assert os.path.exists(tmp_path / "null") and not (tmp_path / "null").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".doha")) == []


def test_output_into_a_missing_or_unwritable_place_is_a_message(tmp_path):
    result = _run_output(tmp_path, str(tmp_path / "missing" / "r.txt"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    readonly = write(tmp_path / "ro.txt", "old\n")
    readonly.chmod(0o444)
    assert "read-only" in _run_output(tmp_path, str(readonly)).stderr and readonly.read_text() == "old\n"
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        assert "cannot write in the folder" in _run_output(tmp_path, str(locked / "r.txt")).stderr


def test_output_dash_is_stdout(tmp_path):
    result = _run_output(tmp_path, "-")
    assert result.returncode == 0 and "Findings per party" in result.stdout and not (tmp_path / "-").exists()


def test_a_write_that_fails_late_is_a_message(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    result = _run_output(tmp_path, str(tmp_path / "r.txt"))
    assert result.returncode == 2 and "No space left on device" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# --- unreadable input, signals, pipes ------------------------------------------------

def test_an_unreadable_event_file_is_a_message(tmp_path, monkeypatch):
    events = write(tmp_path / "in.jsonl", json.dumps(EVENT) + "\n")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    fails("report", "--rules", str(RULES), "--events", str(events), phrase="permission denied")
    monkeypatch.undo()
    from doha_compliance.intake.readers import csv_events, json_events, yaml_events

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    for reader in (csv_events, json_events, yaml_events):  # each format's reader opens its file
        monkeypatch.setattr(reader, "open", refuse, raising=False)
    fails("report", "--rules", str(RULES), "--events", str(events), phrase="cannot read: Permission denied")


def _long_stream(tmp_path: Path, n: int = 150_000) -> Path:
    path = tmp_path / "long.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(dict(EVENT, id=f"x{i}", date=f"2020-{i % 12 + 1:02d}-{i % 28 + 1:02d}")) + "\n")
    return path


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_and_sigterm_end_with_one_line_and_no_temporary_file(tmp_path, sig, code, word):
    events = _long_stream(tmp_path)
    out = tmp_path / "out" / "report.txt"
    out.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events",
                             str(events), "--output", str(out)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal (a very fast machine)")
    assert proc.returncode == code and stderr.strip().splitlines()[-1] == f"doha-compliance: {word}"
    assert "Traceback" not in stderr
    assert list(out.parent.iterdir()) == []


def test_a_report_piped_into_head_ends_quietly(tmp_path):
    events = write(tmp_path / "e.jsonl", "".join(json.dumps(dict(EVENT, id=f"v{i}", fatalities=12)) + "\n"
                                                 for i in range(2000)))  # a report larger than a pipe's buffer
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events",
                             str(events), "--format", "json"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=120)
    assert proc.returncode == 141 and stderr == ""


# --- the library ------------------------------------------------------------------------

@pytest.mark.parametrize("events, phrase", [
    ("events.yaml", "read_events"), (Path("events.yaml"), "read_events"), (b"x", "read_events"),
    ({"id": "a"}, "single event in a list"), (42, "iterable"),
])
def test_evaluate_refuses_what_is_not_a_stream_of_events(doha, events, phrase):
    with pytest.raises(TypeError, match=phrase):
        dc.evaluate(doha, events)


def test_event_objects_are_checked_like_rows(doha):
    bad = dc.Event(id="x", date=dt.date(2020, 10, 10), type="nonsense", actor="martians", fatalities=-5)
    good = dc.Event(id="y", date=dt.date(2020, 10, 10), type="attack", actor="taliban", extra={"stage": "x"})
    report = dc.evaluate(doha, [bad, good])
    assert report.inputs.rejected == 1 and report.inputs.evaluated == 1
    assert report.rejected[0].where == "<events>:1" and "unknown event type" in report.rejected[0].reason


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"as_of": dt.datetime(2020, 10, 10)}, TypeError, "as_of.date()"),
    ({"as_of": "2020-10-10"}, TypeError, "fromisoformat"),
    ({"as_of": dt.date(1, 1, 1)}, ValueError, "outside the dates"),
    ({"lateness_days": -1}, ValueError, "lateness_days"),
    ({"lateness_days": "3"}, TypeError, "lateness_days"),
    ({"max_errors": 0}, ValueError, "max_errors"),
    ({"engine": "fast"}, ValueError, "unknown engine"),
])
def test_evaluate_arguments_are_checked(doha, kwargs, error, phrase):
    with pytest.raises(error, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        dc.evaluate(doha, dc.read_events(OCT2020), **kwargs)


def test_load_rules_and_read_events_take_paths():
    with pytest.raises(TypeError, match="rule folder"):
        dc.load_rules(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path"):
        dc.read_events(["a.yaml"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="at least one"):
        dc.read_events()


# --- rules: ranges checked at load time ---------------------------------------------------

HEAD = "rules:\n  - id: x.y\n    party: us\n    title: T\n    source: S\n    basis: reported\n"


@pytest.mark.parametrize("body, phrase", [
    ("    kind: conditional\n    when: {type: airstrike}\n    justified_by: {when: {type: attack}, within_days: 1000000}\n",
     "justified_by.within_days: must be at most 36,600"),
    ("    kind: claim\n    when: {type: allegation}\n    lookback_days: 1000000000\n", "lookback_days: must be at most 36,600"),
    ("    kind: deadline\n    due: {from: signature, days: 3000000}\n    fulfilled_by: {when: {type: troop_level}}\n",
     "due.days: must be at most 36,600"),
    ("    kind: deadline\n    due: {from: signature, months: 140000}\n    fulfilled_by: {when: {type: troop_level}}\n",
     "due.months: must be at most 1,200"),
    ("    kind: prohibited\n    when: {type: airstrike}\n    effective_from: 0001-01-01\n",
     "effective_from: 0001-01-01 is outside the dates"),
    ("    kind: prohibited\n    when: {type: airstrike}\n    effective_until: 9999-12-31\n",
     "effective_until: 9999-12-31 is outside the dates"),
    ("    kind: deadline\n    due: 2019-01-01\n    fulfilled_by: {when: {type: troop_level}}\n",
     "due: due 2019-01-01 is before the agreement was signed"),
    ("    kind: deadline\n    due: {from: 2019-01-01, days: 3}\n    fulfilled_by: {when: {type: troop_level}}\n",
     "is before the agreement was signed"),
    ("    kind: prohibited\n    when: {type: attack, fatalities: {at_least: 99999999999999999999}}\n", "must be at most"),
    ("    kind: level\n    when: {type: attack}\n    measure: count\n    baseline: 1e999\n    limit: {at_most: 0.8}\n",
     "baseline: must be at most"),
    ("    kind: level\n    when: {type: attack}\n    measure: count\n    baseline: 3\n    limit: {at_most: 1e999}\n",
     "limit.at_most: must be at most"),
    ("    kind: level\n    when: {type: attack}\n    measure: count\n    baseline: 3\n    limit: {at_most: 0.8}\n"
     "    from: 0001-01-01\n", "from: 0001-01-01 is outside the dates"),
])
def test_rules_check_refuses_out_of_range_rules(tmp_path, body, phrase):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    write(folder / "x.yaml", HEAD + body)
    stderr = fails("rules", "check", str(folder), phrase=phrase)
    assert "x.yaml:" in stderr


@pytest.mark.parametrize("signed", ["9999-12-31", "0001-01-01"])
def test_rules_check_refuses_an_agreement_signed_out_of_range(tmp_path, signed):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    text = (folder / "agreement.yaml").read_text(encoding="utf-8")
    (folder / "agreement.yaml").write_text(text.replace("signed: 2020-02-29", f"signed: {signed}"), encoding="utf-8")
    fails("rules", "check", str(folder), phrase=f"signed: {signed} is outside the dates")


# --- --party / --rule before the work ----------------------------------------------------

@pytest.mark.parametrize("flag, value, phrase", [("--party", "talibn", "did you mean 'taliban'"),
                                                 ("--rule", "violence.reductoin", "did you mean 'violence.reduction'")])
def test_filter_typos_are_found_before_reading_any_event(tmp_path, flag, value, phrase):
    fifo = tmp_path / "never-written.jsonl"
    os.mkfifo(fifo)  # reading it would block: the check must come first (a subprocess, so a regression times out)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events",
                             str(fifo), flag, value], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and phrase in result.stderr


# --- Markdown ---------------------------------------------------------------------------

def test_markdown_carries_no_raw_html_and_keeps_its_tables(tmp_path):
    rows = [dict(EVENT, id="a|b\nc", fatalities=12, source="<script>alert(1)</script> & <b>x</b>"),
            dict(EVENT, id="`tick`", date="2020-10-11", fatalities=12, province="P|Q", place="x\ny <img src=x>")]
    path = write(tmp_path / "e.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    md = run_main("report", "--rules", str(RULES), "--events", str(path), "--format", "md").stdout
    assert "<" not in md and ">" not in md.replace("->", "")
    evidence = md.split("## Evidence", 1)[1].split("\n## ", 1)[0]
    table = [line for line in evidence.splitlines() if line.startswith("|")]
    assert len(table) == 4  # header, rule, two events: no row broken by a newline
    for line in table:
        assert line.replace("\\|", "").count("|") == 7  # six cells, no | from the input ends one


# --- explain ---------------------------------------------------------------------------

def test_explain_of_an_uncited_event_stops_reading_at_it(doha):
    read = []

    def rows():
        for i in range(100_000):
            read.append(i)
            yield dict(EVENT, id=f"e{i}", type="statement")
    found = dc.api.find_event(doha, rows(), "e10")
    assert isinstance(found, dc.Event) and found.id == "e10" and len(read) == 11
    assert isinstance(dc.api.find_event(doha, [dict(EVENT, date="bad")], "a1"), dc.Rejection)


def test_control_characters_in_event_text_never_reach_the_terminal(tmp_path):
    """An ESC (a terminal escape sequence) in a description, a place or an id is shown as \\x1b."""
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps({"id": "a\u001b[2J", "date": "2020-10-10", "type": "attack", "actor": "taliban",
                                  "location_kind": "city", "place": "x\u001b[31mred", "description": "d\u0007"}) + "\n"
                      + json.dumps({"id": "b", "date": "2020-10-10", "type": "attack", "actor": "tali\u001bban"}) + "\n",
                      encoding="utf-8")
    report = run_main("report", "--rules", "rules/doha", "--events", str(events))
    assert report.returncode == 0, report.stderr
    assert "\u001b" not in report.stdout and "\u001b" not in report.stderr
    assert "x\\x1b[31mred" in report.stdout and "tali\\x1bban" in report.stderr
    explained = run_main("explain", "a\u001b[2J", "--rules", "rules/doha", "--events", str(events))
    assert explained.returncode == 0 and "\u001b" not in explained.stdout and "a\\x1b[2J" in explained.stdout
