"""Reports too big for memory: spools read back what was written, and a report kept on disk is
the same report, byte for byte, as one kept in memory."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given, strategies as st

import doha_compliance as dc
from doha_compliance._util import spool
from doha_compliance._util.spool import PACK_FINDING
from doha_compliance.renderers.md import render_md
from doha_compliance._util.spool import Spool

from conftest import ROOT, TIMELINE

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402


@given(st.lists(st.integers()), st.integers(0, 12), st.integers(1, 5))
def test_a_spool_reads_back_what_was_written(items, limit, batch):
    spool._BATCH, saved = batch, spool._BATCH
    try:
        s = Spool(items, limit=limit).finish()
        assert list(s) == items and len(s) == len(items) and bool(s) == bool(items)
        assert s == tuple(items) and s.spilled == max(0, len(items) - limit)
        assert [s[i] for i in range(len(items))] == items
        assert [s[-i] for i in range(1, len(items) + 1)] == items[::-1]
        if items:  # two readers at once do not disturb each other
            a, b = iter(s), iter(s)
            assert [(x, y) for x, y in zip(a, b, strict=True)] == [(x, x) for x in items]
        with pytest.raises(IndexError):
            s[len(items)]
    finally:
        spool._BATCH = saved


@given(st.lists(st.lists(st.integers(), max_size=8), max_size=6), st.integers(0, 12), st.integers(1, 5))
def test_appending_and_extending_in_any_order_reads_back_the_same(chunks, limit, batch):
    """`extend` packs past the head a batch at a time (issue 27): whether items come one by one or
    as an iterator crossing the head and batch boundaries, the spool holds them in order."""
    s, expected = Spool(limit=limit, batch=batch), []
    for i, chunk in enumerate(chunks):
        if i % 2:
            for x in chunk:
                s.append(x)
        else:
            s.extend(iter(chunk))
        expected += chunk
    s.finish()
    assert list(s) == expected and len(s) == len(expected) and s.spilled == max(0, len(expected) - limit)
    assert [s[i] for i in range(len(expected))] == expected
    with pytest.raises(ValueError):
        s.extend([1])


def test_a_finished_spool_cannot_grow():
    s = Spool([1, 2], limit=1).finish()
    with pytest.raises(ValueError):
        s.append(3)


@pytest.mark.parametrize("source", ["timeline", "synthetic"])
def test_a_report_spilled_to_disk_is_the_same_report(doha, monkeypatch, source):
    """Findings, claims (with the findings they cite and back), events and rejections on disk."""
    if source == "timeline":
        events = dc.read_events(TIMELINE)
    else:  # busy days, many claims, justified strikes, and some bad rows
        events = list(synthetic.events(6000, seed=7))
        events[10]["date"] = "2020-13-01"
        events[20]["fatalities"] = -1
    in_memory = dc.evaluate(doha, events)
    monkeypatch.setattr(spool, "LIMIT", 3)
    monkeypatch.setattr(spool, "_BATCH", 7)
    on_disk = dc.evaluate(doha, events)
    assert on_disk.findings.spilled > 0 and on_disk.events.spilled > 0
    assert on_disk.to_json() == in_memory.to_json()
    assert render_md(on_disk) == render_md(in_memory)
    if source == "synthetic":
        assert len(on_disk.rejected) == 2 and on_disk.claims.spilled > 0
        assert any(c.findings for c in on_disk.claims) and any(f.claims for f in on_disk.findings)


def test_filtering_a_spilled_report(doha, monkeypatch):
    monkeypatch.setattr(spool, "LIMIT", 2)
    report = dc.evaluate(doha, dc.read_events(TIMELINE))
    only = report.filtered(parties=["us"])
    assert len(only.findings) == sum(1 for f in report.findings if f.party == "us") > 2
    assert all(f.party == "us" for f in only.findings)


def test_findings_spool_round_trips_every_field(doha):
    report = dc.evaluate(doha, dc.read_events(TIMELINE))
    findings = list(report.findings)
    pack, unpack = PACK_FINDING
    assert list(Spool(findings, limit=0, pack=pack, unpack=unpack).finish()) == findings
    assert any(f.claims for f in findings) and any(f.justified_by for f in findings) and any(f.due for f in findings)


def test_an_unfinished_spool_reads_back_its_last_items():
    """Rejections are read while still being written (--max-errors names the last one)."""
    s = Spool(limit=2)
    for i in range(1_234):
        s.append(("row", i, "x" * 50))
        if i in (2, 600, 1_233):
            assert s[-1] == ("row", i, "x" * 50) and len(list(s)) == i + 1


def test_max_errors_past_the_spool_limit_names_the_last_rejection(doha):
    rows = [{"id": f"bad{i}", "date": "2020-13-01", "type": "attack", "actor": "taliban"} for i in range(3_000)]
    with pytest.raises(dc.api.TooManyRejections) as stopped:
        dc.evaluate(doha, rows, max_errors=2_500)
    assert len(stopped.value.rejected) == 2_500 and stopped.value.rejected.spilled > 0
    assert stopped.value.rejected[-1].id == "bad2499" and "<events>:2500" in str(stopped.value)
