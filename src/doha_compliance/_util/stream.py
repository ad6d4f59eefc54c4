"""Bounded-memory plumbing for long event streams: duplicate ids and event-time order.

- `IdLedger` remembers every id seen in 8 bytes (a 64-bit hash in sorted arrays),
  not in a Python set (about 100 bytes an id). Two different ids share a fingerprint with
  probability about n²/2^65 (1 in 37 million for a million ids); the later one would then be
  rejected as a duplicate — visibly, in the report's rejections, never silently dropped.
- `SortedEvents` orders any stream by (date, id) in runs of `run_size` events, each
  sorted run spilled to disk as a `Spool` and the runs merged lazily: memory holds one run,
  whatever the length of the stream or its disorder.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import operator
from array import array
from typing import (
    Dict,
    Generic,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
    TypeVar,
)

from doha_compliance.errors import ComplianceError
from doha_compliance.models import Event

from .spool import PACK_EVENT, Spool, spill_run

RUN_SIZE = 20_000
_BATCH = 128  # events per pickled batch of a run: merging holds one batch of every run in memory
T = TypeVar("T")


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied for each id: a third cheaper than making one


def fingerprint(text: str) -> int:
    """64 bits of the id (BLAKE2b): the same in every run and on every machine, unlike Python's
    randomised string hash, so a fingerprint collision, if one ever happens, can be reproduced."""
    digest = _BLAKE2B_8.copy()
    digest.update(text.encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "little")


class Held(Generic[T]):
    """Items (findings, events) held until the stream has moved past their date, then handed
    out in sort order: what lets a pass write its output in order while the input is still coming.
    Items have a `sort_key` whose first element is their date, and a `date`.

    Held by day, in the order they came, with a heap of the days: a day is sorted when it is handed
    out (a stable sort: ties keep the order items came in) — the order a heap of all items would
    give, at a list append an item instead of a push and a pop among thousands."""

    def __init__(self) -> None:
        self._by_day: Dict[dt.date, List[T]] = {}
        self._days: List[dt.date] = []
        self._count = 0

    def __len__(self) -> int:
        """How many items are held (what memory holds)."""
        return self._count

    def push(self, item: T) -> None:
        day = item.date  # type: ignore[attr-defined]
        items = self._by_day.get(day)
        if items is None:
            items = self._by_day[day] = []
            heapq.heappush(self._days, day)
        items.append(item)
        self._count += 1

    def dated_before(self, day: Optional[dt.date]) -> Iterator[T]:
        """Pop, in order, every item dated before `day` (all of them for None)."""
        days = self._days
        while days and (day is None or days[0] < day):
            items = self._by_day.pop(heapq.heappop(days))
            self._count -= len(items)
            items.sort(key=_SORT_KEY)
            yield from items


_SORT_KEY = operator.attrgetter("sort_key")


class IdLedger:
    """Which ids have been seen, in about 8 bytes each; recent ones keep their file:line.

    Recent ids (up to `merge_every`) are kept with where they were seen. Older ones are only
    fingerprints, in 256 buckets by top byte, each a few sorted arrays ("runs") whose sizes
    at least double from the newest to the oldest: adding ids costs O(n log n) in all, and a
    merge needs room for one bucket's runs, never a second copy of the ledger. A bitmap of
    24-bit prefixes (2 MB) answers most lookups of new ids, the common case, without a search."""

    def __init__(self, merge_every: int = 50_000):
        self._buckets: List[List[array[int]]] = [[] for _ in range(256)]
        self._prefixes = bytearray(1 << 21)
        self._recent: Dict[int, Tuple[str, str]] = {}  # fingerprint: (id, where first seen)
        self._merge_every = merge_every

    def __len__(self) -> int:
        return sum(len(run) for runs in self._buckets for run in runs) + len(self._recent)

    def first_seen(self, event_id: str, where: str) -> Optional[str]:
        """None if the id is new (it is now remembered, seen at `where`); else where it was first seen."""
        key = fingerprint(event_id)
        recent = self._recent
        seen = recent.get(key)
        if seen is not None:
            seen_id, seen_where = seen
            return seen_where if seen_id == event_id else f"{seen_where}, as id '{seen_id}' with the same fingerprint"
        prefix = key >> 40
        if self._prefixes[prefix >> 3] & (1 << (prefix & 7)):
            for run in self._buckets[key >> 56]:
                i = bisect.bisect_left(run, key)
                if i < len(run) and run[i] == key:
                    return "earlier in the input"
        recent[key] = (event_id, where)
        if len(recent) >= self._merge_every:
            self._merge()
        return None

    def contains(self, event_id: str) -> bool:
        """Whether an id has been seen (by fingerprint: a rare collision says yes), remembering nothing."""
        key = fingerprint(event_id)
        if key in self._recent:
            return True
        prefix = key >> 40
        if not self._prefixes[prefix >> 3] & (1 << (prefix & 7)):
            return False
        for run in self._buckets[key >> 56]:
            i = bisect.bisect_left(run, key)
            if i < len(run) and run[i] == key:
                return True
        return False

    def _merge(self) -> None:
        keys = sorted(self._recent)
        self._recent = {}
        prefixes = self._prefixes
        for key in keys:
            prefix = key >> 40
            prefixes[prefix >> 3] |= 1 << (prefix & 7)
        start = 0
        while start < len(keys):  # sorted keys: each bucket's (same top byte) are one slice, found by bisection
            top = keys[start] >> 56
            end = bisect.bisect_left(keys, (top + 1) << 56, start)
            runs = self._buckets[top]
            runs.append(array("Q", keys[start:end]))
            while len(runs) > 1 and len(runs[-2]) <= 2 * len(runs[-1]):
                newer = runs.pop()
                runs[-1] = array("Q", sorted(runs[-1] + newer))  # two sorted runs: timsort merges them in C
            start = end


class SortedEvents:
    """Iterate events in (date, id) order after one pass over the input; knows the latest date."""

    def __init__(self, events: Iterable[Event], run_size: int = RUN_SIZE):
        self.count = 0
        self.latest: Optional[dt.date] = None
        self._runs: List[Spool[Event]] = []
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
        buffer.sort(key=lambda e: e.sort_key)
        try:
            self._runs.append(_spill_run(buffer, "sort the events (they are not in date order, so they are "
                                                 "sorted in runs on disk)", "or give the events in date order"))
        except ComplianceError:
            self.close()
            raise

    @property
    def spilled(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[Event]:
        if not self._runs:
            return iter(self._memory)
        return heapq.merge(*self._runs, key=lambda e: e.sort_key)

    def close(self) -> None:
        for run in self._runs:
            run.close()

    def __enter__(self) -> "SortedEvents":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _spill_run(events: List[Event], doing: str, advice: str = "") -> Spool[Event]:
    """Events (already in order) written to a temporary file as one run."""
    return spill_run(events, PACK_EVENT, doing, advice, batch=_BATCH)


class OutOfOrder(Exception):
    """An event arrived later than the lateness allows: the stream must be sorted first."""

    def __init__(self, event: Event, released: Tuple[dt.date, str]):
        self.event = event
        self.released = released
        super().__init__(f"{event.where}: {event.id} dated {event.date} arrived after events dated up to {released[0]}")


class InEventTime:
    """Pass a nearly ordered stream through in (date, id) order with a watermark.

    Events are held until the stream has moved `lateness_days` past their date, then released
    in order; memory holds that window only. An event older than what was already released
    raises OutOfOrder (the caller then sorts the stream instead)."""

    def __init__(self, events: Iterable[Event], lateness_days: int = 0, run_size: int = RUN_SIZE):
        self._events = events
        self.lateness = lateness_days
        self.count = 0
        self.latest: Optional[dt.date] = None
        self._run_size = run_size
        self._runs: Dict[dt.date, List[Spool[Event]]] = {}  # a day's events past the bound, sorted runs on disk
        self.spilled = 0

    def __iter__(self) -> Iterator[Event]:
        # Held events by day, in arrival order, and a heap of those days: releasing a day sorts it by
        # id (stable, so ties keep their arrival order) — the (date, id, arrival) order a heap of
        # events gives, at a list append an event instead of a heap push and pop. Past `run_size`
        # events held, every held day is sorted and spilled as a run on disk, and a day is released
        # by merging its runs (issue 23: one day of a million events is held as runs, not in memory).
        held: Dict[dt.date, List[Event]] = {}
        days: List[dt.date] = []
        released: Optional[Tuple[dt.date, str]] = None
        horizon = 0  # ordinal of the first day not yet released
        in_memory = 0

        def release(before: Optional[int]) -> Iterator[Event]:
            nonlocal released, in_memory
            while days and (before is None or days[0].toordinal() < before):
                day = heapq.heappop(days)
                ready = held.pop(day)
                in_memory -= len(ready)
                ready.sort(key=_ID)
                runs = self._runs.pop(day, [])
                try:  # runs in the order spilled, then what is in memory: ties keep their arrival order
                    for event in heapq.merge(*runs, ready, key=_ID) if runs else ready:
                        released = (event.date, event.id)
                        yield event
                finally:
                    for run in runs:
                        run.close()

        def spill() -> None:
            nonlocal in_memory
            for day, waiting in held.items():
                if waiting:
                    waiting.sort(key=_ID)
                    try:
                        run = _spill_run(waiting, "order the events of a day (past "
                                                  f"{self._run_size:,} they are sorted in runs on disk)")
                    except ComplianceError:
                        self.close()
                        raise
                    self._runs.setdefault(day, []).append(run)
                    self.spilled += 1
                    held[day] = []
            in_memory = 0

        for event in self._events:
            day = event.date
            if released is not None and (day, event.id) < released:
                raise OutOfOrder(event, released)
            self.count += 1
            if self.latest is None or day > self.latest:
                self.latest = day
                horizon = day.toordinal() - self.lateness
                yield from release(horizon)
            if day.toordinal() < horizon:  # late, but after every event released: its turn is now
                released = (day, event.id)
                yield event
                continue
            waiting = held.get(day)
            if waiting is None:
                waiting = held[day] = []
                heapq.heappush(days, day)
            waiting.append(event)
            in_memory += 1
            if in_memory >= self._run_size:
                spill()
        yield from release(None)

    def close(self) -> None:
        for runs in self._runs.values():
            for run in runs:
                run.close()
        self._runs = {}


_ID = operator.attrgetter("id")
