"""Same input, same bytes out — across runs, not only within one (issue 17).

Python randomises the hash of a string per process (PYTHONHASHSEED): an id fingerprint made with
`hash()`, or a report that walks a set of strings, would differ from one run to the next while every
test inside one process passes. So the same reports are written by two processes with different seeds
and compared byte for byte: a duplicate id (the stream's fingerprints), a rejected row, ACLED and UCDP
exports (ids made from file and line), every output format.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCRIPT = """
import sys
from doha_compliance import cli
out, events = sys.argv[1], sys.argv[2]
common = ["report", "--rules", "rules/doha", "--events", events, "--events", "examples/acled/afghanistan_oct2020_sample.csv",
          "--events", "examples/ucdp/ged_afghanistan_sample.csv", "--events", "examples/timeline_2020_2021/events.yaml",
          "--as-of", "2021-09-01"]
for fmt in ("json", "md", "html", "text"):
    code = cli.main(common + ["--format", fmt, "--output", f"{out}/report.{fmt}"])
    assert code in (0, 1), (fmt, code)
for table in ("scores", "series"):
    cli.main(common + ["--format", "csv", "--table", table, "--output", f"{out}/{table}.csv"])
"""

EVENTS = "\n".join([
    '{"id": "dup", "date": "2020-10-10", "type": "attack", "actor": "taliban", "target": "us", "location_kind": "city"}',
    '{"id": "dup", "date": "2020-10-11", "type": "attack", "actor": "taliban", "target": "us"}',
    '{"id": "bad", "date": "2020-13-01", "type": "attack", "actor": "taliban"}',
    '{"id": "claim", "date": "2020-10-12", "type": "statement", "actor": "us", "accused": "taliban", "rule": "violence.reduction"}',
]) + "\n"


def _reports(seed: str, folder: Path, events: Path) -> dict:
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(events)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_two_runs_with_different_string_hashes_write_the_same_bytes(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text(EVENTS, encoding="utf-8")
    first = _reports("1", tmp_path / "one", events)
    second = _reports("2", tmp_path / "two", events)
    assert sorted(first) == ["report.html", "report.json", "report.md", "report.text", "scores.csv", "series.csv"]
    report = first["report.json"].decode("utf-8")
    assert '"dup"' in report and '"bad"' in report and "acled" in report.lower()  # the cases this test is for
    different = [name for name in first if first[name] != second[name]]
    assert different == [], f"outputs that depend on Python's string hash seed: {different}"


def test_an_id_fingerprint_is_a_fixed_function_of_the_id():
    """The stream remembers ids by a 64-bit fingerprint: blake2b of the UTF-8 text, so a collision
    reported once is reported again on the next run (pinned values: any process, any seed)."""
    from doha_compliance._util.stream import fingerprint

    assert fingerprint("acled:EXAMPLE1") == 2629902346455484211
    assert fingerprint("") == 13020603013274838756
    assert fingerprint("\ud800") != fingerprint("")  # a lone surrogate from a JSON escape does not raise
