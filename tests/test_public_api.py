"""The library's public surface (issue 22): what `import doha_compliance` offers, pinned.

A name added to or removed from `__all__` is a change to the library's promise: this test makes
it a deliberate one. Everything else in the package is an implementation detail that may move.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest

import doha_compliance as dc
from conftest import OCT2020, ROOT, RULES

PUBLIC = [
    "FORMATS", "Agreement", "AgreementsFailed", "Claim", "ComplianceError", "EngineUnavailable", "Event", "EventError", "EventSource",
    "FileProblem", "Finding", "InputFileError", "LocatedError", "Location", "PandasMissing", "Rejection", "Report",
    "Rule", "RuleError", "RuleSetError", "SourceCoverage", "TooManyRejections", "YamlProblem", "bundled", "evaluate",
    "evaluate_many", "explain",
    "load_rules", "load_rules_from_texts", "read_events", "render",
]


def test_the_public_names_are_pinned_and_each_resolves():
    assert sorted(dc.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(dc, name) is not None


def test_every_typed_error_is_a_compliance_error_or_says_why_not():
    for name in PUBLIC:
        obj = getattr(dc, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, dc.ComplianceError) or name == "PandasMissing", name
    assert issubclass(dc.PandasMissing, ImportError)  # an optional extra missing is an import problem


def test_the_public_classes_and_functions_say_why_they_exist():
    missing = [name for name in PUBLIC if not (getattr(dc, name).__doc__ or "").strip() and name != "FORMATS"]
    assert missing == []


@pytest.fixture(scope="module")
def report():
    return dc.evaluate(dc.load_rules(RULES), dc.read_events(OCT2020), as_of=dt.date(2020, 10, 31))


def test_render_text_and_json_are_the_expected_reports(report):
    assert dc.render(report) == (ROOT / "examples" / "oct2020" / "expected.txt").read_text(encoding="utf-8")
    assert dc.render(report, "json") == (ROOT / "examples" / "oct2020" / "expected.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, table", [("text", None), ("json", None), ("md", None), ("html", None),
                                        ("csv", None), ("csv", "findings"), ("csv", "scores"), ("csv", "series")])
def test_render_gives_the_command_lines_bytes_in_every_format(report, fmt, table, tmp_path):
    """The library and the CLI share one writer: same report, same bytes, as a string, to a file
    object, or to a path."""
    args = [sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events", str(OCT2020),
            "--as-of", "2020-10-31", "--format", fmt] + (["--table", table] if table else [])
    cli = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    text = dc.render(report, fmt, table=table)
    assert text == cli
    sink = io.StringIO(newline="")
    assert dc.render(report, fmt, sink, table=table) is None and sink.getvalue() == text
    target = tmp_path / f"report.{fmt}"
    assert dc.render(report, fmt, file=target, table=table) is None
    assert target.read_bytes() == text.encode("utf-8")


def test_render_formats_are_distinct_and_well_formed(report):
    assert set(dc.FORMATS) == {"text", "json", "md", "html", "csv"}
    assert json.loads(dc.render(report, "json"))["as_of"] == "2020-10-31"
    assert dc.render(report, "md").startswith("#")
    assert dc.render(report, "html").lstrip().lower().startswith("<!doctype html>")
    assert dc.render(report, "csv").splitlines()[0].startswith("id,rule,version,party,status")
    assert dc.render(report, "csv", table="scores").splitlines()[0] == "rule,party,month,score,finding"


@pytest.mark.parametrize("call, message", [
    (lambda r: dc.render(r, "pdf"), "unknown format 'pdf'"),
    (lambda r: dc.render(r, "md", table="scores"), "is for the csv format"),
    (lambda r: dc.render(r, "csv", table="totals"), "unknown table 'totals'"),
    (lambda r: dc.render("not a report"), "takes a Report"),
    (lambda r: dc.render(r, "text", file=42), "a path or a text file object"),
])
def test_render_refuses_misuse_with_a_message(report, call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(report)


def test_explain_is_public(report):
    text = dc.explain(report, "oct2020-us-strike-wardak")
    assert "strikes.defensive_only/us/oct2020-us-strike-wardak" in text


def test_importing_the_package_changes_no_process_wide_csv_setting():
    code = ("import csv; before = csv.field_size_limit(); import doha_compliance; "
            "assert csv.field_size_limit() == before, csv.field_size_limit()")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_reading_a_csv_leaves_the_hosts_csv_setting_as_it_was(tmp_path):
    import csv
    before = csv.field_size_limit()
    path = tmp_path / "e.csv"
    path.write_text("id,date,type,actor\na,2020-10-01,attack,taliban\n", encoding="utf-8")
    report = dc.evaluate(dc.load_rules(RULES), dc.read_events(str(path)), as_of=dt.date(2020, 10, 31))
    assert report.inputs.evaluated == 1
    assert csv.field_size_limit() == before
