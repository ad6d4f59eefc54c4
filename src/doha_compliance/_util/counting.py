"""Exact counts of any number of distinct keys in bounded memory, and the most frequent of them.

`mapping check` counts the rows of every actor name and event type of an export. An export with a
million distinct names held a million counters (3 GB and 333 s in text, issue 23). A
`SpillingCounter` holds at most `HELD` keys: past that, it writes them, sorted, as one run to a
temporary file (`spool.spill_run`, which makes a full temporary folder one line) and starts again;
read back, the runs are merged and equal keys summed, so every count is exact. `top` keeps the
first `n` of that stream by count (a heap of `n`), and counts the rest without keeping them.
"""
from __future__ import annotations

import heapq
import operator
from typing import Any, Dict, Generic, Hashable, Iterator, List, Optional, Tuple, TypeVar

from .spool import Spool, spill_run

K = TypeVar("K", bound=Hashable)

HELD = 50_000  # distinct keys held in memory before a run is written; tests lower it


def _as_is(item: Any) -> Any:
    return item


def order_of(key: Any) -> Tuple[Any, ...]:
    """A total order on tuples of text, numbers, flags and None (None first in its place): a key's
    parts may be None where another key has text, which Python's `<` refuses."""
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((v is not None, "" if v is None else v) for v in parts)


class SpillingCounter(Generic[K]):
    """Counts of keys (tuples of text, numbers, flags, None); `peak` is the most keys ever held."""

    def __init__(self, doing: str = "count the names", held: int | None = None):
        self._held = HELD if held is None else held
        self._doing = doing
        self._counts: Dict[K, int] = {}
        self._runs: List[Spool[Tuple[Any, K, int]]] = []
        self.peak = 0

    def add(self, key: K) -> None:
        counts = self._counts
        counts[key] = counts.get(key, 0) + 1
        if len(counts) > self.peak:
            self.peak = len(counts)
        if len(counts) >= self._held:
            self._runs.append(spill_run(self._sorted(), (_as_is, _as_is), self._doing))
            self._counts = {}

    def _sorted(self) -> List[Tuple[Any, K, int]]:
        return sorted(((order_of(k), k, n) for k, n in self._counts.items()), key=operator.itemgetter(0))

    def totals(self) -> Iterator[Tuple[K, int]]:
        """Each key once with its whole count, in key order: the runs and what is held, merged."""
        merged = heapq.merge(*self._runs, self._sorted(), key=operator.itemgetter(0))
        held: Optional[Tuple[Any, K, int]] = None  # the key being summed: equal keys come together
        for order, key, n in merged:
            if held is not None and held[0] == order:
                held = (order, key, held[2] + n)
                continue
            if held is not None:
                yield held[1], held[2]
            held = (order, key, n)
        if held is not None:
            yield held[1], held[2]


def top(counter: SpillingCounter[K], n: int) -> Tuple[List[Tuple[K, int]], int, int]:
    """(the `n` keys with the most rows, most first, then by key; how many keys are left out; the
    sum of their counts). Holds `n` keys, whatever the number counted."""
    seen = [0, 0]

    def counted() -> Iterator[Tuple[K, int]]:
        for key, count in counter.totals():
            seen[0] += 1
            seen[1] += count
            yield key, count

    kept = heapq.nsmallest(n, counted(), key=lambda kc: (-kc[1], order_of(kc[0])))
    return kept, seen[0] - len(kept), seen[1] - sum(c for _, c in kept)
