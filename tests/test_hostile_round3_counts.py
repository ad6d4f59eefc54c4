"""Hostile input, round three (issue 23), item 10: `mapping check` on an export with a million distinct
actor names held a million counters (3 GB, 333 s). It now holds at most `counting.HELD` names while
counting (runs spilled to disk, merged exactly) and lists the `LISTED` names in most rows, with a
count of the rest. The bound is checked by the number of names held, not by time."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import ROOT, run_main

from doha_compliance._util import counting
from doha_compliance.intake.exports import importers

SAMPLE = ROOT / "examples" / "acled" / "afghanistan_oct2020_sample.csv"


def write_export(path: Path, rows: int) -> None:
    """An ACLED-shaped export (the sample's header and first row as a template): row i's actor1 is
    Taliban when i is a multiple of 10, else 'Group i' (900 names seen once); actor2 is 'Zed Militia'
    when i is a multiple of 3, else empty."""
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        template = next(reader)
        header = reader.fieldnames
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        for i in range(rows):
            writer.writerow(dict(template, event_id_cnty=f"T{i:05d}", assoc_actor_1="",
                                 actor1="Taliban" if i % 10 == 0 else f"Group {i:04d}",
                                 actor2="Zed Militia" if i % 3 == 0 else ""))


@pytest.fixture
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> list:
    """HELD 100 names, LISTED 5; every counter made is kept to read its peak."""
    monkeypatch.setattr(counting, "HELD", 100)
    monkeypatch.setattr(importers, "LISTED", 5)
    made: list = []
    real = counting.SpillingCounter

    class Watched(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(counting, "SpillingCounter", Watched)
    return made


def test_mapping_check_holds_a_bounded_number_of_names_and_counts_exactly(tmp_path, small_bounds):
    """1,000 rows: Taliban in 100 (i = 0, 10, ..., 990), Zed Militia in 334 (i = 0, 3, ..., 999),
    900 groups in one row each: 902 names, 1,334 name-rows. Listed (most rows first, then by name):
    Zed Militia 334, Taliban 100, Group 0001, 0002, 0003; left out 897 names in 897 rows. Counted with
    at most 100 names held, so Zed Militia's 334 is summed across the runs written to disk."""
    export = tmp_path / "wide.csv"
    write_export(export, 1000)
    result = run_main("mapping", "check", str(export), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(a["name"], a["party"], a["rows"]) for a in data["actors"]] == [
        ("Zed Militia", "other", 334), ("Taliban", "taliban", 100),
        ("Group 0001", "other", 1), ("Group 0002", "other", 1), ("Group 0003", "other", 1)]
    assert (data["actors_more"], data["actors_more_rows"]) == (897, 897)
    assert len(data["event_types"]) == 1 and "event_types_more" not in data   # one type: nothing left out
    actors = small_bounds[0]
    assert actors.peak <= 100                   # never every name: 902 were counted
    text = run_main("mapping", "check", str(export)).stdout
    assert "… and 897 more actor names (897 rows), not listed: the 5 in most rows are." in text
    assert "Group 0004" not in text


def test_counts_merge_across_runs_in_any_order():
    """Keys added in an order that splits each across runs of at most two held keys: a (at 0, 4, 7,
    11), b (1, 3, 8, 9) and c (2, 5, 6, 10) 4 times each; None beside text in a key is ordered, not
    refused. The top two by count then key: a and b; left out c, 4 rows."""
    counter: counting.SpillingCounter = counting.SpillingCounter(held=2)
    for key in ["a", "b", "c", "b", "a", "c", "c", "a", "b", "b", "c", "a"]:
        counter.add((key, None if key == "a" else "p"))
    assert list(counter.totals()) == [(("a", None), 4), (("b", "p"), 4), (("c", "p"), 4)]
    assert counter.peak <= 2
    assert counting.top(counter, 2) == ([(("a", None), 4), (("b", "p"), 4)], 1, 4)
