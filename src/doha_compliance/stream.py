"""Bounded-memory plumbing for long event streams: duplicate ids and event-time order.

- `IdLedger` remembers every id seen in 8 bytes (a 64-bit hash in sorted arrays),
  not in a Python set (about 100 bytes an id). Two different ids share a fingerprint with
  probability about n²/2^65 (1 in 37 million for a million ids); the later one would then be
  rejected as a duplicate — visibly, in the report's rejections, never silently dropped.
- `sort_by_event_time` orders any stream by (date, id) in runs of `run_size` events,
  spilling sorted runs to temporary files and merging them lazily: memory holds one run,
  whatever the length of the stream or its disorder.
"""
from __future__ import annotations

import bisect
import heapq
import os
import pickle
import tempfile
from array import array
from typing import Dict, Iterable, Iterator, List, Optional

from .models import Event

RUN_SIZE = 20_000
_BATCH = 2_000


def fingerprint(text: str) -> int:
    """64 bits of the id. Python's string hash: fast, and stable within the one run that uses it."""
    return hash(text) & 0xFFFF_FFFF_FFFF_FFFF


class IdLedger:
    """Which ids have been seen, in about 8 bytes each; recent ones keep their file:line.

    Fingerprints live in 256 sorted arrays, one per top byte. Recent ids are merged in every
    `merge_every` ids, one bucket at a time, so a merge needs room for one bucket more, not for
    a second copy of the whole ledger."""

    def __init__(self, merge_every: int = 50_000):
        self._buckets = [array("Q") for _ in range(256)]
        self._recent: Dict[int, tuple] = {}
        self._merge_every = merge_every

    def __len__(self) -> int:
        return sum(len(b) for b in self._buckets) + len(self._recent)

    def first_seen(self, event_id: str) -> Optional[str]:
        """None if new (and now remembered); else where it was first seen, as far as known."""
        key = fingerprint(event_id)
        if key in self._recent:
            seen_id, where = self._recent[key]
            return where if seen_id == event_id else f"{where}, as id '{seen_id}' with the same fingerprint"
        bucket = self._buckets[key >> 56]
        i = bisect.bisect_left(bucket, key)
        if i < len(bucket) and bucket[i] == key:
            return "earlier in the input"
        return None

    def remember(self, event_id: str, where: str) -> None:
        self._recent[fingerprint(event_id)] = (event_id, where)
        if len(self._recent) >= self._merge_every:
            fresh: Dict[int, List[int]] = {}
            for key in sorted(self._recent):
                fresh.setdefault(key >> 56, []).append(key)
            self._recent = {}
            for top, keys in fresh.items():
                self._buckets[top] = array("Q", heapq.merge(self._buckets[top], keys))


def _write_run(events: List[Event], folder: str, index: int) -> str:
    events.sort(key=lambda e: e.sort_key)
    path = os.path.join(folder, f"run-{index:05d}.pickle")
    with open(path, "wb") as fh:
        for start in range(0, len(events), _BATCH):
            pickle.dump(events[start:start + _BATCH], fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _read_run(path: str) -> Iterator[Event]:
    # Only files this process wrote a moment ago are unpickled.
    with open(path, "rb") as fh:
        while True:
            try:
                batch = pickle.load(fh)
            except EOFError:
                return
            yield from batch


class SortedEvents:
    """Iterate events in (date, id) order after one pass over the input; knows the latest date."""

    def __init__(self, events: Iterable[Event], run_size: int = RUN_SIZE):
        self.count = 0
        self.latest = None
        self._folder: Optional[tempfile.TemporaryDirectory] = None
        self._runs: List[str] = []
        buffer: List[Event] = []
        for event in events:
            self.count += 1
            if self.latest is None or event.date > self.latest:
                self.latest = event.date
            buffer.append(event)
            if len(buffer) >= run_size:
                self._spill(buffer)
                buffer = []
        if self._runs and buffer:
            self._spill(buffer)
            buffer = []
        buffer.sort(key=lambda e: e.sort_key)
        self._memory = buffer

    def _spill(self, buffer: List[Event]) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="doha-compliance-sort-")
        self._runs.append(_write_run(buffer, self._folder.name, len(self._runs)))

    @property
    def spilled(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[Event]:
        if not self._runs:
            return iter(self._memory)
        return heapq.merge(*(_read_run(p) for p in self._runs), key=lambda e: e.sort_key)

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> "SortedEvents":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OutOfOrder(Exception):
    """An event arrived later than the lateness allows: the stream must be sorted first."""

    def __init__(self, event: Event, released: tuple):
        self.event = event
        self.released = released
        super().__init__(f"{event.where}: {event.id} dated {event.date} arrived after events dated up to {released[0]}")


class InEventTime:
    """Pass a nearly ordered stream through in (date, id) order with a watermark.

    Events are held until the stream has moved `lateness_days` past their date, then released
    in order; memory holds that window only. An event older than what was already released
    raises OutOfOrder (the caller then sorts the stream instead)."""

    def __init__(self, events: Iterable[Event], lateness_days: int = 0):
        self._events = events
        self.lateness = lateness_days
        self.count = 0
        self.latest = None

    def __iter__(self) -> Iterator[Event]:
        heap: list = []
        released: Optional[tuple] = None
        for seq, event in enumerate(self._events):
            key = event.sort_key
            if released is not None and key < released:
                raise OutOfOrder(event, released)
            self.count += 1
            if self.latest is None or event.date > self.latest:
                self.latest = event.date
            heapq.heappush(heap, (key, seq, event))
            horizon = self.latest.toordinal() - self.lateness
            while heap and heap[0][0][0].toordinal() < horizon:
                released, _, ready = heapq.heappop(heap)
                yield ready
        while heap:
            released, _, ready = heapq.heappop(heap)
            yield ready
