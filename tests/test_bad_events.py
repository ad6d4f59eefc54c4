"""Bad event rows: each rejected with file:line and a reason, the rest evaluated, counts reconciled."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import RULES, run_main

GOOD = '{"id": "good-1", "date": "2020-10-10", "type": "attack", "actor": "taliban", "location_kind": "city"}'


def report_on(path: Path, *extra: str):
    """The command in process: a subprocess would add nothing here (main's exit code is its return)."""
    result = run_main("report", "--rules", str(RULES), "--events", str(path), "--format", "json", *extra)
    return result


def one_rejection(tmp_path: Path, name: str, content: str | bytes, line: int, phrase: str, field_id=None):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = report_on(path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    inputs = data["inputs"]
    assert inputs["read"] == inputs["evaluated"] + inputs["rejected"]
    assert inputs["rejected"] == 1, data["rejected"]
    rejected = data["rejected"][0]
    assert rejected["where"] == f"{path}:{line}"
    assert phrase in rejected["reason"]
    if field_id:
        assert rejected["id"] == field_id
    assert f"{path}:{line}" in result.stderr and phrase in result.stderr
    strict = report_on(path, "--strict")
    assert strict.returncode == 2 and strict.stdout == "" and "--strict" in strict.stderr
    return data


@pytest.mark.parametrize("row, phrase", [
    ('{"date": "2020-10-11", "type": "attack", "actor": "taliban"}', "required field 'id' is missing"),
    ('{"id": "b", "type": "attack", "actor": "taliban"}', "required field 'date' is missing"),
    ('{"id": "b", "date": "2020-10-11", "actor": "taliban"}', "required field 'type' is missing"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack"}', "required field 'actor' is missing"),
    ('{"id": "b", "date": "2020-02-30", "type": "attack", "actor": "taliban"}', "'2020-02-30' is not a real date"),
    ('{"id": "b", "date": "11/10/2020", "type": "attack", "actor": "taliban"}', "is not a real date"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "taliban", "fatalities": -3}', "fatalities cannot be negative"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "taliban", "wounded": 2.5}', "wounded must be a whole number"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "taliban", "count": "many"}', "count must be a whole number"),
    ('{"id": "b", "date": "2020-10-11", "type": "atack", "actor": "taliban"}', "unknown event type 'atack' (did you mean 'attack'?)"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "talibn"}', "unknown party 'talibn' (did you mean 'taliban'?)"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "taliban", "target": "nato"}', "unknown party 'nato'"),
    ('{"id": "b", "date": "2020-10-11", "type": "allegation", "actor": "taliban", "accused": "us", "rule": "no.rule"}', "unknown rule 'no.rule'"),
    ('{"id": "good-1", "date": "2020-10-11", "type": "attack", "actor": "taliban"}', "duplicate id 'good-1'"),
    ('{"id": "b", "date": "2020-10-11", "type": "attack", "actor": "taliban"', "the line looks cut short"),
    ('["not", "a", "mapping"]', "must be a mapping of fields"),
])
def test_jsonl_row_problems(tmp_path, row, phrase):
    one_rejection(tmp_path, "events.jsonl", f"{GOOD}\n{row}\n", 2, phrase)


def test_wrong_encoding_spoils_only_its_line(tmp_path):
    one_rejection(tmp_path, "events.jsonl", GOOD.encode() + b"\n\xff\xfe{}\n", 2, "not UTF-8")


def test_csv_rows(tmp_path):
    data = one_rejection(tmp_path, "events.csv",
                         "id,date,type,actor,fatalities\ngood-1,2020-10-10,attack,taliban,12\nbad,2020-10-11,attack,taliban,-1\n",
                         3, "fatalities cannot be negative", field_id="bad")
    assert [f["evidence"] for f in data["findings"] if f["rule"] == "violence.reduction"] == [["good-1"]]


def test_csv_without_header_is_one_error_for_the_file(tmp_path):
    # issue 23 item 11: one line for the file and exit 2 (it was one rejection a row and exit 0)
    path = tmp_path / "noheader.csv"
    path.write_text("a1,2020-10-10,attack,taliban\na2,2020-10-11,attack,taliban\n", encoding="utf-8")
    result = report_on(path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"{path}:1: the header row lacks the column(s) id, date, type, actor" in result.stderr
    assert "Found: a1, 2020-10-10, attack, taliban." in result.stderr


def test_yaml_bad_date_is_a_row_problem_not_a_crash(tmp_path):
    one_rejection(tmp_path, "events.yaml",
                  "- {id: good-1, date: 2020-10-10, type: attack, actor: taliban}\n"
                  "- {id: b, date: 2020-02-30, type: attack, actor: taliban}\n", 2, "'2020-02-30' is not a real date")


def test_yaml_python_tag_in_events_is_refused(tmp_path):
    one_rejection(tmp_path, "events.yaml",
                  "- {id: good-1, date: 2020-10-10, type: attack, actor: taliban}\n"
                  "- !!python/object/apply:os.system ['echo hacked']\n", 2, "only plain YAML data is accepted")


@pytest.mark.parametrize("name, content", [
    ("empty.yaml", ""), ("empty.json", "[]"), ("empty.jsonl", "\n\n"), ("empty.csv", ""),
])
def test_empty_files_are_reported(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    data = json.loads(report_on(path).stdout)
    assert data["inputs"]["rejected"] == 1 and "holds no events" in data["rejected"][0]["reason"]


def test_json_array_keeps_lines(tmp_path):
    path = tmp_path / "events.json"
    path.write_text('[\n  {"id": "a", "date": "2020-10-10", "type": "attack", "actor": "taliban"},\n'
                    '  {"id": "b", "date": "2020-10-10", "type": "attack", "actor": "x"}\n]\n', encoding="utf-8")
    data = json.loads(report_on(path).stdout)
    assert data["rejected"][0]["where"] == f"{path}:3"


def test_json_object_with_events_key(tmp_path):
    path = tmp_path / "events.json"
    path.write_text('{"note": "x",\n "events": [\n  {"id": "a", "date": "2020-10-10", "type": "attack", "actor": "taliban"}\n]}\n',
                    encoding="utf-8")
    data = json.loads(report_on(path).stdout)
    assert data["inputs"]["evaluated"] == 1


def test_missing_event_file_exits_2(tmp_path):
    result = report_on(tmp_path / "nope.yaml")
    assert result.returncode == 2 and "event file not found" in result.stderr and "Traceback" not in result.stderr


def test_max_errors_stops(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(['{"id": "x%d"}' % i for i in range(10)]) + "\n", encoding="utf-8")
    result = report_on(path, "--max-errors", "3")
    assert result.returncode == 2 and "stopped: 3 events rejected" in result.stderr and result.stdout == ""


def test_library_api_gives_rejections_not_exceptions(doha):
    report = dc.evaluate(doha, [{"id": "a", "date": "2020-10-10", "type": "attack", "actor": "taliban"},
                                {"id": "b", "date": "bad", "type": "attack", "actor": "taliban"}])
    assert report.inputs.rejected == 1
    assert report.rejected[0].field == "date"


def test_strict_library_call_raises_a_located_event_error(doha):
    with pytest.raises(dc.EventError) as info:
        dc.evaluate(doha, [{"id": "a", "date": "2020-10-10", "type": "attack", "actor": "taliban", "fatalities": -2}],
                    strict=True)
    assert info.value.location.where == "<events>:1" and info.value.location.field == "fatalities"
    assert "cannot be negative" in str(info.value)


def test_huge_yaml_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # 100 MB, sparse: the size check must come before any parsing
    data = json.loads(report_on(path).stdout)
    assert data["inputs"] == {"read": 1, "evaluated": 0, "rejected": 1, "after_as_of": 0}
    assert "file is 100 MB" in data["rejected"][0]["reason"] and "JSONL or CSV" in data["rejected"][0]["reason"]


def test_alias_bomb_in_events_is_refused(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 12)]
    lines.append("events: [*a11]")
    # a5 (line 6) is the first list whose expansion passes a million nodes: 10 ** 6 strings and more
    one_rejection(tmp_path, "bomb.yaml", "\n".join(lines) + "\n", 6, "YAML aliases")


def test_output_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    from doha_compliance._util import output
    target = tmp_path / "report.json"
    target.write_text("previous report\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    with pytest.raises(OSError):
        output.write_output("new report\n", str(target))
    assert target.read_text(encoding="utf-8") == "previous report\n"   # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]       # no temp file left
