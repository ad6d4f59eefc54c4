"""Fuzzing the whole command: random bytes and mutated valid files, in every format we read.

For every input, in every format (YAML, JSON, JSONL, CSV, ACLED and UCDP exports), rule files
and mapping files, the command must: exit 0 or 2, print no traceback, let no exception escape
`cli.main`, keep `read == evaluated + rejected`, and leave every input file byte for byte as it
was. Most runs are in-process (`run_main`, fast); a few run in a subprocess so that a signal (a
segfault inside durable_rules) would be seen. Mutations draw on tokens from every class of
problem issue 14 found, so the corpus grows from the classes. CI's profile runs briefly;
`pytest --hypothesis-profile=thorough tests/test_fuzz.py` runs long.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional
from unittest import mock

from hypothesis import HealthCheck, example, given, settings, strategies as st

from doha_compliance import api
from doha_compliance.rules.loader import load_rules
from conftest import ROOT, RULES, run_main

EVENTS = [
    {"id": "f1", "date": "2020-10-10", "type": "attack", "actor": "taliban", "province": "Helmand", "fatalities": 12,
     "location_kind": "city", "source": "Reuters, 10 Oct", "description": 'fired 12" rockets, "twice"'},
    {"id": "f2", "date": "2020-10-11T08:00:00+04:30", "type": "airstrike", "actor": "us", "province": "Helmand"},
    {"id": "f3", "date": "2020-10-12", "type": "negotiation", "actor": "taliban", "target": "afghan_government",
     "stage": "opening"},
    {"id": "f4", "date": "2020-10-13", "type": "allegation", "actor": "taliban", "accused": "us",
     "rule": "strikes.defensive_only", "province": "Helmand"},
    {"id": "f5", "date": "2020-10-09", "type": "troop_level", "actor": "us", "count": 4500, "severity": 3},
]
COLUMNS = sorted({k for e in EVENTS for k in e})


def _csv_cell(value: object) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


SEEDS: Dict[str, bytes] = {
    "yaml": ("# events\nevents:\n  - id: f1\n    date: 2020-10-10\n    type: attack\n    actor: taliban\n"
             "    province: Helmand\n    fatalities: 12\n    location_kind: city\n    source: &src 'Reuters, 10 Oct'\n"
             + "".join(f"  - {json.dumps(dict(e, source='*'))}\n".replace('"source": "*"', '"source": *src')
                       for e in EVENTS[1:])).encode(),
    "json": json.dumps({"note": {"events": []}, "events": EVENTS}, indent=1).encode(),
    "jsonl": "".join(json.dumps(e) + "\n" for e in EVENTS).encode(),
    "csv": (",".join(COLUMNS) + "\r\n" + "".join(",".join(_csv_cell(e.get(c, "")) for c in COLUMNS) + "\r\n"
                                                  for e in EVENTS)).encode(),
    "acled": (ROOT / "examples/acled/afghanistan_oct2020_sample.csv").read_bytes(),
    "ucdp": (ROOT / "examples/ucdp/ged_afghanistan_sample.csv").read_bytes(),
}
EXTENSION = {"yaml": "yaml", "json": "json", "jsonl": "jsonl", "csv": "csv", "acled": "csv", "ucdp": "csv"}

# Tokens from every class of problem found so far: quoting, line endings, encodings, YAML 1.1
# coercions, aliases, tags, nesting, huge and odd numbers, dates, containers, markup.
TOKENS: List[bytes] = [
    b'"', b'""', b"'", b"\r", b"\r\n", b"\n", b"\x00", b"\x1b", b"\x7f", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\xed\xa0\x80",
    b",", b":", b": ", b"- ", b"[", b"]", b"{", b"}", b"[" * 70, b"{" * 70, b"&a ", b"*a", b"<<: *a", b"&a [*a]",
    b"---\n", b"...\n", b"!!python/object/apply:os.system ['true']", b"!!binary aGk=", b"!!int 0x10", b"!!set {a}",
    b"010", b"1:20", b"no", b"yes", b"On", b"0x1F", b"1e999", b"NaN", b"Infinity", b"-0", b"9" * 5000, b"9" * 20,
    "²".encode(), "٣".encode(), b"\\ud800", b'"\\ud800"', b"\\u0000", b"2020-02-30", b"20201005", b"2020-W41-1",
    b"0001-01-01", b"9999-12-31", b"1799-12-31", b"T25:00", b"events", b'"events": []', b'"events": [', b"rules:",
    b"id", b"date", b"actor", b"type", b"taliban", b"us", b"attack", b"fatalities", b"<script>", b"|", b"`", b"\t",
    b" " * 10, b"#", b"%YAML 1.1\n", b"? ", b"~", b"null", b"true", b"-1", b"4.5",
]
RULE_TOKENS = TOKENS + [
    b"within_days: 1000000", b"lookback_days: 99999999", b"days: 3000000", b"months: 140000", b"at_least: 10",
    b"$party", b"any: [", b"kind: deadline", b"due: 2019-01-01", b"effective_from: 0001-01-01", b"amends: ",
    b"from: trigger", b"from: signature", b"99999999999999999999",
]
MAPPING_TOKENS = TOKENS + [b"match: ", b"party: ", b"(", b".*", b"columns:", b"types:", b"actors:", b"date_formats:",
                           b"%d %B %Y", b"%Y", b"default_location_kind: ", b"[a, b]"]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, tokens: List[bytes]) -> bytes:
    """A valid file changed in one to four places: tokens or random bytes inserted or replacing,
    bytes or lines deleted, duplicated or swapped, the file cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "replace", "delete", "dup_line", "swap_lines", "truncate"]))
        at = draw(st.integers(0, len(data)))
        token = draw(st.one_of(st.sampled_from(tokens), st.binary(min_size=1, max_size=6)))
        if op == "insert":
            data[at:at] = token
        elif op == "replace":
            data[at:at + draw(st.integers(1, 12))] = token
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@functools.lru_cache(maxsize=4)
def _rules(folder: str) -> api.Agreement:
    """The shipped rule set, loaded once: event runs fuzz the events, not the rule loader."""
    return load_rules(folder)


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(where: Path) -> Dict[Path, str]:
    return {p: _hash(p) for p in sorted(where.rglob("*")) if p.is_file()}


def check_command(*args: str, inputs: Path, output: Optional[Path] = None) -> None:
    """The properties every run must have, whatever the input."""
    before = _files(inputs)
    result = run_main(*args, *(("--output", str(output)) if output else ()))  # an escaping exception fails here
    assert result.returncode in (0, 2), (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 0 and output is not None and "json" in args:
        data = json.loads(output.read_text(encoding="utf-8"))
        counts = data["inputs"]
        # issue 27: a row whose country lies outside the agreement's area is read, never checked, and
        # counted as outside (a cut ACLED row's country cell "Afgh" is not Afghanistan)
        assert counts["read"] == counts["evaluated"] + counts["rejected"] + counts.get("outside", 0), counts
        assert len(data["rejected"]) == counts["rejected"]
    assert _files(inputs) == before  # no input changed, none replaced
    if output is not None:
        assert not [p for p in output.parent.iterdir() if p.name.startswith(".doha-compliance-")]


def _report_on(fmt: str, content: bytes, report_format: str = "json") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        inputs.mkdir()
        out.mkdir()
        path = inputs / f"events.{EXTENSION[fmt]}"
        path.write_bytes(content)
        extra = ["--events-format", fmt] if fmt in ("acled", "ucdp") else []
        with mock.patch.object(api, "load_rules", _rules):
            check_command("report", "--rules", str(RULES), "--events", str(path), "--format", report_format, *extra,
                          inputs=inputs, output=out / f"report.{report_format}")


FAST = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(st.sampled_from(sorted(SEEDS)), st.binary(max_size=800))
def test_random_bytes_in_every_format(fmt, content):
    _report_on(fmt, content)


@FAST
@given(st.data())
def test_random_bytes_after_a_valid_start(data):
    fmt = data.draw(st.sampled_from(sorted(SEEDS)))
    seed = SEEDS[fmt]
    cut = data.draw(st.integers(0, len(seed)))
    _report_on(fmt, seed[:cut] + data.draw(st.binary(max_size=200)))


@FAST
@given(st.data())
def test_mutated_event_files_in_every_format(data):
    fmt = data.draw(st.sampled_from(sorted(SEEDS)))
    report_format = data.draw(st.sampled_from(["json", "json", "text", "md", "html"]))  # every renderer sees it too
    _report_on(fmt, data.draw(mutated(SEEDS[fmt], TOKENS)), report_format)


RULE_FILES = sorted(p.name for p in (ROOT / RULES).glob("*.yaml"))


@FAST
@given(st.data())
def test_mutated_rule_files(data):
    name = data.draw(st.sampled_from(RULE_FILES))
    content = data.draw(st.one_of(mutated((ROOT / RULES / name).read_bytes(), RULE_TOKENS), st.binary(max_size=400)))
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "rules", Path(tmp) / "out"
        shutil.copytree(ROOT / RULES, folder)
        out.mkdir()
        (folder / name).write_bytes(content)
        events = folder.parent / "events.jsonl"
        events.write_bytes(SEEDS["jsonl"])
        check_command("report", "--rules", str(folder), "--events", str(events), "--format", "json",
                      inputs=folder, output=out / "report.json")


MAPPINGS = {"acled": ROOT / "src/doha_compliance/mappings/acled.yaml", "ucdp": ROOT / "src/doha_compliance/mappings/ucdp.yaml"}


def _report_with_mapping(fmt: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        inputs.mkdir()
        out.mkdir()
        mapping = inputs / "mapping.yaml"
        mapping.write_bytes(content)
        events = inputs / "export.csv"
        events.write_bytes(SEEDS[fmt])
        with mock.patch.object(api, "load_rules", _rules):
            check_command("report", "--rules", str(RULES), "--events", str(events), "--events-format", fmt,
                          "--mapping", str(mapping), "--format", "json", inputs=inputs, output=out / "report.json")


@settings(max_examples=max(3, settings.default.max_examples // 20),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_no_signal_in_a_real_process(data):
    """In-process runs would not survive a segfault to report it: a few runs as a user's process."""
    fmt = data.draw(st.sampled_from(sorted(SEEDS)))
    content = data.draw(mutated(SEEDS[fmt], TOKENS))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"events.{EXTENSION[fmt]}"
        path.write_bytes(content)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        extra = ["--events-format", fmt] if fmt in ("acled", "ucdp") else []
        result = subprocess.run([sys.executable, "-m", "doha_compliance", "report", "--rules", str(RULES), "--events",
                                 str(path), *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode in (0, 2), (result.returncode, result.stderr[-2000:])  # negative: killed by a signal
        assert "Traceback" not in result.stderr
        assert path.read_bytes() == content


@FAST
@given(st.sampled_from(sorted(MAPPINGS)), st.binary(max_size=400))
def test_random_bytes_as_mapping_files(fmt, content):
    _report_with_mapping(fmt, content)


@FAST
@given(st.data())
def test_mutated_mapping_files(data):
    fmt = data.draw(st.sampled_from(sorted(MAPPINGS)))
    _report_with_mapping(fmt, data.draw(mutated(MAPPINGS[fmt].read_bytes(), MAPPING_TOKENS)))


# --- issue 23, round three: gazetteers, `mapping check`, CSV output --------------------------------

GAZETTEER = ROOT / "src/doha_compliance/mappings/afghanistan.gazetteer.yaml"
GAZETTEER_TOKENS = MAPPING_TOKENS + [b"provinces:", b"capital:", b"spellings:", b"precision:", b"../", b"/etc/passwd"]


def _mapping_with_gazetteer(gazetteer: bytes, command: str) -> None:
    """A copy of the shipped ACLED mapping that names a gazetteer beside it, the gazetteer mutated:
    a report on the ACLED sample, or `mapping check`, ends in 0 or 2, no traceback, no input changed."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        inputs.mkdir()
        out.mkdir()
        mapping = inputs / "mapping.yaml"
        mapping.write_bytes(MAPPINGS["acled"].read_bytes() + b"\ngazetteer: places.yaml\n")
        (inputs / "places.yaml").write_bytes(gazetteer)
        events = inputs / "export.csv"
        events.write_bytes(SEEDS["acled"])
        if command == "check":
            check_command("mapping", "check", str(events), "--events-format", "acled", "--mapping", str(mapping),
                          inputs=inputs)
            return
        with mock.patch.object(api, "load_rules", _rules):
            check_command("report", "--rules", str(RULES), "--events", str(events), "--events-format", "acled",
                          "--mapping", str(mapping), "--format", "json", inputs=inputs, output=out / "report.json")


@FAST
@given(st.data())
def test_mutated_gazetteers(data):
    content = data.draw(mutated(GAZETTEER.read_bytes(), GAZETTEER_TOKENS))
    _mapping_with_gazetteer(content, data.draw(st.sampled_from(["report", "check"])))


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_as_gazetteers(content):
    _mapping_with_gazetteer(content, "report")


@FAST
@given(st.data())
def test_mutated_mapping_files_under_mapping_check(data):
    fmt = data.draw(st.sampled_from(sorted(MAPPINGS)))
    content = data.draw(mutated(MAPPINGS[fmt].read_bytes(), MAPPING_TOKENS))
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        (inputs / "mapping.yaml").write_bytes(content)
        (inputs / "export.csv").write_bytes(SEEDS[fmt])
        check_command("mapping", "check", str(inputs / "export.csv"), "--events-format", fmt,
                      "--mapping", str(inputs / "mapping.yaml"), inputs=inputs)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HOSTILE_TEXT = st.one_of(
    st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=20)).map("".join),
    st.text(min_size=1, max_size=30))


@FAST
@example(ids=["0\r0"], place="0")
@given(st.lists(_HOSTILE_TEXT, min_size=1, max_size=4, unique=True), _HOSTILE_TEXT)
def test_csv_output_cells_never_start_a_formula(ids, place):
    """Whatever the ids and places of the input, every row of every CSV table has the header's
    columns (a carriage return in an id once ended a row early), and no text cell (nor any
    `;`-separated part of one) starts with a character a spreadsheet reads as a formula."""
    import csv
    import io

    import doha_compliance as dc

    rows = [{"id": i, "date": "2020-10-10", "type": "attack", "actor": "taliban", "province": "Helmand",
             "place": place, "location_kind": "city"} for i in ids]
    report = dc.evaluate(_rules(str(RULES)), rows, as_of=__import__("datetime").date(2020, 10, 31))
    for table in ("findings", "scores", "series"):
        table_rows = list(csv.reader(io.StringIO(dc.render(report, "csv", table=table), newline="")))
        assert {len(row) for row in table_rows} == {len(table_rows[0])}, table
        for row in table_rows[1:]:
            for cell in row:
                for part in cell.split(";"):
                    if part.startswith(FORMULA_STARTS):
                        assert part.lstrip("-").isdigit(), (table, cell)  # only a number we computed
