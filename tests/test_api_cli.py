"""The library API and the command line, as users call them."""
from __future__ import annotations

import datetime as dt
import json

import pytest

import doha_compliance as dc
from conftest import OCT2020, ROOT, RULES, run_cli, run_main


def test_library_round_trip():
    rules = dc.load_rules(str(RULES))
    events = dc.read_events(str(OCT2020))
    report = dc.evaluate(rules, events, as_of=dt.date(2020, 10, 31))
    assert isinstance(report.findings[0], dc.Finding)
    data = json.loads(report.to_json())
    assert data["agreement"] == "doha-2020" and data["inputs"]["read"] == 12
    # an EventSource can be evaluated again: it re-reads lazily
    assert dc.evaluate(rules, events, as_of=dt.date(2020, 10, 31)).to_json() == report.to_json()


def test_read_events_missing_file_raises_typed_error(tmp_path):
    with pytest.raises(dc.InputFileError, match="event file not found"):
        dc.read_events(tmp_path / "none.yaml")


def test_as_of_defaults_to_latest_event(doha):
    report = dc.evaluate(doha, dc.read_events(OCT2020))
    assert report.as_of == dt.date(2020, 10, 27)


def test_events_after_as_of_are_counted_not_judged(doha):
    report = dc.evaluate(doha, dc.read_events(OCT2020), as_of=dt.date(2020, 10, 15))
    assert report.inputs.after_as_of == 5
    assert report.inputs.read == report.inputs.evaluated + report.inputs.rejected
    assert not any("oct2020-ghor-car-bomb" in f.evidence for f in report.findings)


def test_cli_text_report_is_the_expected_one():
    result = run_main("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml", "--as-of", "2020-10-31")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "examples" / "oct2020" / "expected.txt").read_text(encoding="utf-8")
    assert "Findings per party" in result.stdout and "oct2020-takhar-ambush" in result.stdout


def test_cli_json_is_byte_identical_across_runs():
    # this process and a fresh one: nothing one run leaves in memory can make the other agree
    args = ("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml", "--as-of", "2020-10-31",
            "--format", "json")
    first, second = run_main(*args), run_cli(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert json.loads(first.stdout)["as_of"] == "2020-10-31"


def test_cli_filters_and_fail_on():
    base = ("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml", "--as-of", "2020-10-31",
            "--format", "json")
    only_us = json.loads(run_main(*base, "--party", "us").stdout)
    assert {f["party"] for f in only_us["findings"]} == {"us"}
    strikes = json.loads(run_main(*base, "--rule", "strikes.defensive_only").stdout)
    assert {f["rule"] for f in strikes["findings"]} == {"strikes.defensive_only"}
    assert run_main(*base, "--fail-on", "violation").returncode == 1
    assert run_main(*base, "--party", "coalition", "--fail-on", "violation").returncode == 0
    bad = run_main(*base, "--party", "nato")
    assert bad.returncode == 2 and "not a party" in bad.stderr


def test_cli_output_file_is_written_whole(tmp_path):
    out = tmp_path / "report.json"
    result = run_main("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml",
                      "--format", "json", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["inputs"]["read"] == 12
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp files left


def test_failed_run_leaves_no_output(tmp_path):
    out = tmp_path / "report.json"
    result = run_main("report", "--rules", str(tmp_path / "missing"), "--events", "examples/oct2020/events.yaml",
                      "--output", str(out))
    assert result.returncode == 2 and not out.exists()


def test_cli_several_event_files(tmp_path):
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"id": "x1", "date": "2020-10-28", "type": "attack", "actor": "taliban", "location_kind": "highway"}\n',
                     encoding="utf-8")
    result = run_main("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml",
                      "--events", str(extra), "--format", "json")
    data = json.loads(result.stdout)
    assert data["inputs"]["read"] == 13 and data["as_of"] == "2020-10-28"
    assert any(f["evidence"] == ["x1"] and f["status"] == "violation" for f in data["findings"])


def test_bad_as_of_is_a_usage_error():
    result = run_main("report", "--rules", "rules/doha", "--events", "examples/oct2020/events.yaml", "--as-of", "31/10/2020")
    assert result.returncode == 2 and "is not a date written YYYY-MM-DD" in result.stderr


def test_python_dash_m_and_no_network_needed():
    # `python -m doha_compliance` itself, in a real process
    result = run_cli("--help")
    assert result.returncode == 0 and "report" in result.stdout


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in blocks.splitlines() if line.startswith("python3 -m pip install")]
    assert len(commands) == 2
    run_command, test_command = commands
    assert "report --rules rules/doha --events examples/oct2020/events.yaml" in run_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # the report command, minus the install, runs here and gives the expected report
    args = run_command.split("python3 -m doha_compliance ", 1)[1].split()
    result = run_cli(*args)
    assert result.returncode == 0 and result.stdout == (ROOT / "examples" / "oct2020" / "expected.txt").read_text()
