"""Bounded-memory plumbing: spilled sorting and the id ledger give the same answers as the simple way."""
from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, strategies as st

import doha_compliance as dc
from doha_compliance import api
from doha_compliance._util import stream
from doha_compliance.models import Event


def make(n: int, seed: int) -> list[Event]:
    rnd = random.Random(seed)
    return [Event(id=f"e{rnd.randrange(10**6):06d}-{i}", date=dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randrange(60)),
                  type="attack", actor="taliban") for i in range(n)]


@given(st.integers(0, 400), st.integers(1, 50), st.integers(0, 10**6))
def test_spilled_sort_equals_sorted(n, run_size, seed):
    events = make(n, seed)
    with stream.SortedEvents(iter(events), run_size=run_size) as ordered:
        assert list(ordered) == sorted(events, key=lambda e: e.sort_key)
        assert ordered.count == n
        assert ordered.latest == (max(e.date for e in events) if events else None)
        assert ordered.spilled == (0 if n < run_size else -(-n // run_size))


def test_spill_files_are_nameless_and_closed():
    """Each spilled run is its own temporary file with no name in any folder (nothing can be left
    behind, even if the process dies) and `close()` closes it. Checked on the spool's own files: a
    listing of the temporary folder could not see a nameless file, and changed whenever another
    process wrote there."""
    import os
    ordered = stream.SortedEvents(iter(make(100, 1)), run_size=10)
    assert ordered.spilled == 10
    files = [run._file for run in ordered._runs]
    assert all(f is not None and not f.closed for f in files)
    assert len({os.fstat(f.fileno()).st_ino for f in files}) == 10
    if os.name == "posix":
        assert [os.fstat(f.fileno()).st_nlink for f in files] == [0] * 10
    assert list(ordered) == sorted(make(100, 1), key=lambda e: e.sort_key)
    ordered.close()
    assert all(f.closed for f in files)


def test_id_ledger_across_merges():
    ledger = stream.IdLedger(merge_every=7)
    for i in range(100):
        assert ledger.first_seen(f"id-{i}", f"f:{i}") is None
    assert len(ledger) == 100
    assert ledger.first_seen("id-3", "g:1") == "earlier in the input"     # merged into the compact array
    assert ledger.first_seen("id-99", "g:2") == "f:99"                    # still recent: its line is known
    # at most merge_every ids keep their text and place (bounded memory): ids 0-97 were merged in
    # 14 batches of 7 as each batch filled, so 97's place is forgotten and 98's is not
    assert ledger.first_seen("id-97", "g:5") == "earlier in the input"
    assert ledger.first_seen("id-98", "g:6") == "f:98"
    assert ledger.first_seen("id-100", "g:3") is None
    assert ledger.first_seen("id-100", "g:4") == "g:3"


@given(st.lists(st.integers(0, 300), max_size=400), st.integers(1, 20))
def test_id_ledger_answers_as_a_set_does(ids, merge_every):
    ledger, seen = stream.IdLedger(merge_every=merge_every), set()
    for n in ids:
        assert (ledger.first_seen(f"id-{n}", "f:1") is None) == (n not in seen)
        seen.add(n)
    assert len(ledger) == len(seen)


def test_evaluation_with_spilling_matches_in_memory(doha, monkeypatch):
    rows = [{"id": f"x{i}", "date": (dt.date(2020, 10, 1) + dt.timedelta(days=(i * 7) % 30)).isoformat(),
             "type": "attack" if i % 3 else "airstrike", "actor": "taliban" if i % 3 else "us",
             "target": "afghan_forces", "province": ["Helmand", "Kunduz"][i % 2], "fatalities": i % 13} for i in range(300)]
    whole = dc.evaluate(doha, rows).to_json()
    monkeypatch.setattr(stream, "RUN_SIZE", 16)
    monkeypatch.setattr(api, "SortedEvents", lambda events: stream.SortedEvents(events, run_size=16))
    assert dc.evaluate(doha, rows).to_json() == whole


def _rows(order):
    days = [3, 1, 2, 5, 4, 6]
    base = [{"id": f"r{d}", "date": f"2020-10-{d:02d}", "type": "attack", "actor": "taliban",
             "location_kind": "city"} for d in days]
    return [base[i] for i in order]


def test_ordered_input_streams_without_sorting(doha, monkeypatch):
    rows = sorted(_rows(range(6)), key=lambda r: r["date"])

    def no_sort(*a, **k):
        raise AssertionError("an ordered stream must not be sorted")
    monkeypatch.setattr(api, "SortedEvents", no_sort)
    report = dc.evaluate(doha, rows)
    assert report.inputs.evaluated == 6


def test_disorder_within_lateness_streams_and_beyond_it_sorts(doha, monkeypatch):
    rows = _rows([0, 3, 1, 2, 4, 5])  # dates 3,5,1,2,4,6: day 1 arrives 4 days behind day 5
    expected = dc.evaluate(doha, sorted(rows, key=lambda r: r["date"])).findings
    calls = []
    real = stream.SortedEvents
    monkeypatch.setattr(api, "SortedEvents", lambda events: calls.append(1) or real(events))
    assert dc.evaluate(doha, rows, lateness_days=4).findings == expected and calls == []
    assert dc.evaluate(doha, rows, lateness_days=0).findings == expected and calls == [1]


def test_one_shot_iterators_are_sorted(doha):
    rows = _rows(range(6))
    assert dc.evaluate(doha, iter(rows)).findings == dc.evaluate(doha, rows).findings


def test_rejections_are_reported_once_when_the_input_is_read_again(tmp_path):
    from conftest import run_main
    path = tmp_path / "e.jsonl"
    lines = ['{"id": "b1", "date": "2020-10-05"}',
             '{"id": "a", "date": "2020-10-09", "type": "attack", "actor": "taliban"}',
             '{"id": "b", "date": "2020-10-01", "type": "attack", "actor": "taliban"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_main("report", "--rules", "rules/doha", "--events", str(path), "--format", "json")
    assert result.returncode == 0
    assert result.stderr.count("rejected:") == 1
