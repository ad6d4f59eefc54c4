"""Bounded-memory plumbing: spilled sorting and the id ledger give the same answers as the simple way."""
from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, strategies as st

import doha_compliance as dc
from doha_compliance import api, stream
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


def test_spill_files_are_removed():
    ordered = stream.SortedEvents(iter(make(100, 1)), run_size=10)
    folder = ordered._folder.name
    list(ordered)
    ordered.close()
    import os
    assert not os.path.exists(folder)


def test_id_ledger_across_merges():
    ledger = stream.IdLedger(merge_every=7)
    for i in range(100):
        assert ledger.first_seen(f"id-{i}") is None
        ledger.remember(f"id-{i}", f"f:{i}")
    assert len(ledger) == 100
    assert ledger.first_seen("id-3") == "earlier in the input"     # merged into the compact array
    assert ledger.first_seen("id-99") == "f:99"                    # still recent: its line is known
    assert ledger.first_seen("id-100") is None


def test_evaluation_with_spilling_matches_in_memory(doha, monkeypatch):
    rows = [{"id": f"x{i}", "date": (dt.date(2020, 10, 1) + dt.timedelta(days=(i * 7) % 30)).isoformat(),
             "type": "attack" if i % 3 else "airstrike", "actor": "taliban" if i % 3 else "us",
             "target": "afghan_forces", "province": ["Helmand", "Kunduz"][i % 2], "fatalities": i % 13} for i in range(300)]
    whole = dc.evaluate(doha, rows).to_json()
    monkeypatch.setattr(stream, "RUN_SIZE", 16)
    monkeypatch.setattr(api, "SortedEvents", lambda events: stream.SortedEvents(events, run_size=16))
    assert dc.evaluate(doha, rows).to_json() == whole
