"""Issue 23, item 8: memory follows events per day. One day's events stream like the rest:
`InEventTime` spills a day past `run_size` events as sorted runs (merged by id when the day is
released), and the engine decides a day `CHUNK` events at a time. The answers are those of the
whole day held at once."""
from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

import doha_compliance as dc
from doha_compliance._util import stream
from doha_compliance.matching.durable import engine
from doha_compliance.models import Event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402


def nearly_ordered(n: int, seed: int, days: int, lateness: int) -> list[Event]:
    """A stream whose dates run forward, a few events up to `lateness` days late, many on one day,
    and repeated ids (ties keep their arrival order)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        day = i * days // max(n, 1) - rnd.randrange(lateness + 1)
        out.append(Event(id=f"e{rnd.randrange(40):02d}", date=dt.date(2020, 1, 1) + dt.timedelta(days=max(day, 0)),
                         type="attack", actor="taliban", source=f"arrival {i}"))
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("lateness", [0, 2])
def test_a_day_spilled_in_runs_comes_out_as_held_whole(seed, lateness):
    events = nearly_ordered(500, seed, days=3, lateness=lateness)
    whole = stream.InEventTime(iter(events), lateness, run_size=10**9)
    try:
        expected = [(e.date, e.id, e.source) for e in whole]
    except stream.OutOfOrder:
        pytest.skip("this stream is later than the lateness allows")
    spilled = stream.InEventTime(iter(events), lateness, run_size=7)
    assert [(e.date, e.id, e.source) for e in spilled] == expected
    assert spilled.spilled > 0 and whole.spilled == 0
    assert spilled.count == whole.count == len(events) and spilled.latest == whole.latest


def test_a_day_decided_in_chunks_gives_the_same_report(doha, monkeypatch):
    """Acts of a day are judged after every justifier of that day, whichever chunk they came in."""
    rows = list(synthetic.events(3000, seed=5, days=2, shape="dense"))
    expected = dc.evaluate(doha, rows, engine="python")
    monkeypatch.setattr(engine, "CHUNK", 7)
    chunked = dc.evaluate(doha, rows, engine="python")
    assert chunked.findings == expected.findings
    assert [f for f in chunked.findings if f.status == "justified"]
    assert chunked.claims == expected.claims and chunked.events == expected.events


CHILD = r"""
import datetime as dt, resource, sys
from doha_compliance._util import stream
from doha_compliance.models import Event
n = int(sys.argv[1])
day = dt.date(2020, 6, 1)
events = (Event(id=f"syn-{(i * 7919) % n:08d}", date=day, type="attack", actor="taliban", province="Kunduz",
                description=f"{i} " + "x" * 200) for i in range(n))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
last = None
for event in stream.InEventTime(events, 0, run_size=5000):
    assert last is None or event.id >= last
    last = event.id
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_one_day_of_events_is_held_in_bounded_memory():
    """N events on one day, released in id order: the peak grows far less than with N (it grew 4x
    from 20,000 to 80,000 events while a day was held whole)."""
    resource = pytest.importorskip("resource", reason="peak memory is read with the resource module (POSIX only)")
    del resource

    def growth(n: int) -> int:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True, check=True)
        return int(out.stdout)

    small, large = growth(20_000), growth(80_000)
    assert large < 2 * small + 4096, (small, large)  # KiB on Linux


def test_a_day_of_findings_sorted_in_runs_gives_the_same_report(doha, monkeypatch):
    """A day's findings past the bound are sorted in runs on disk and merged: the same findings, in
    the same order, as sorted whole."""
    from doha_compliance.judging import judge
    rows = list(synthetic.events(3000, seed=11, days=2))
    expected = dc.evaluate(doha, rows, engine="python")
    monkeypatch.setattr(judge, "FINDINGS_RUN", 5)
    spilled = dc.evaluate(doha, rows, engine="python")
    assert len(expected.findings) > 50
    assert list(spilled.findings) == list(expected.findings)
    assert spilled.claims == expected.claims


def test_a_full_temporary_folder_while_sorting_a_days_findings_is_one_line(doha, monkeypatch):
    """The findings of a day spill through the same run writer as events do: a full temporary
    folder is one line saying what was being done and how to make room, not a traceback."""
    import errno

    from doha_compliance._util import spool
    from doha_compliance.judging import judge

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")
    rows = list(synthetic.events(3000, seed=11, days=2))
    monkeypatch.setattr(judge, "FINDINGS_RUN", 5)
    monkeypatch.setattr(spool.Spool, "_write", full)
    with pytest.raises(dc.ComplianceError) as caught:
        dc.evaluate(doha, rows, engine="python")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("cannot sort the findings of a day")
    assert "No space left on device" in message and "TMPDIR" in message
