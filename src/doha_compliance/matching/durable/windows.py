"""Justification windows: a conditional rule's justifiers as a lookup by date and shared fields, not a join."""
from __future__ import annotations

import collections
from typing import Deque, Dict, List, Optional, Set, Tuple

from doha_compliance.matching.matches import MAX_JUSTIFIERS
from doha_compliance.models import Event
from doha_compliance.rules.zones import km_between


class Justifiers:
    """A conditional unit's justifying events of the last `within` days, by the values of the
    fields act and justifier must share: an act's justifiers are a lookup, not a join."""

    def __init__(self, within: int, same: Tuple[str, ...], within_km: Optional[float] = None):
        self.within, self.same, self.within_km = within, same, within_km
        self._by: Dict[Tuple[str, ...], Deque[Tuple[int, Event]]] = {}
        self._today: Set[str] = set()

    def _key(self, event: Event) -> Optional[Tuple[str, ...]]:
        values = tuple(event.get(f) for f in self.same)
        if any(v is None or v == "" for v in values):
            return None  # an act or justifier without the shared field is never paired
        return tuple(str(v) for v in values)

    def forget_before(self, day: int) -> None:
        self._today = set()
        for key in list(self._by):
            queue = self._by[key]
            while queue and queue[0][0] < day - self.within:
                queue.popleft()
            if not queue:
                del self._by[key]

    def add(self, day: int, events: List[Event]) -> None:
        for event in sorted(events, key=lambda e: e.sort_key):
            key = self._key(event)
            if key is not None:
                self._by.setdefault(key, collections.deque()).append((day, event))
                self._today.add(event.id)

    def of(self, act: Event) -> Tuple[int, List[Event]]:
        """(how many justifiers the act has in its window, the latest MAX_JUSTIFIERS of them)."""
        key = self._key(act)
        queue = self._by.get(key) if key is not None else None
        if not queue:
            return 0, []
        itself = act.id in self._today  # the act is one of today's justifiers too
        if self.within_km is not None:  # issue 25: only justifiers near the act (both need a point)
            queue = collections.deque(item for item in queue if item[1].id != act.id and self._near(act, item[1]))
            itself = False
        count = len(queue) - itself
        latest: List[Event] = []
        for _, event in reversed(queue):
            if len(latest) == MAX_JUSTIFIERS:
                break
            if event.id != act.id:
                latest.append(event)
        return count, latest[::-1]

    def _near(self, act: Event, event: Event) -> bool:
        """Within `within_km` of the act, great-circle; never when either has no point (`point`, set at
        intake from its coordinates or the gazetteer)."""
        a, b = act.extra.get("point"), event.extra.get("point")
        assert self.within_km is not None
        return a is not None and b is not None and km_between((a[0], a[1]), (b[0], b[1])) <= self.within_km
