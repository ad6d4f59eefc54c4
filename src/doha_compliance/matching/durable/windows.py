"""Justification windows: a conditional rule's justifiers as a lookup by date and shared fields, not a join."""
from __future__ import annotations

import collections
from typing import Any, Deque, Dict, List, Optional, Set, Tuple

from doha_compliance.matching.matches import MAX_JUSTIFIERS
from doha_compliance.models import Event, attributed
from doha_compliance.rules.zones import km_between, place_key


class Justifiers:
    """A conditional unit's justifying events of the last `within` days, by the values of the
    fields act and justifier must share: an act's justifiers are a lookup, not a join."""

    def __init__(self, within: int, same: Tuple[str, ...], within_km: Optional[float] = None,
                 answers: Optional[str] = None):
        self.within, self.same, self.within_km, self.answers = within, same, within_km, answers
        self._by: Dict[Tuple[str, ...], Deque[Tuple[int, Event]]] = {}
        self._today: Set[str] = set()
        # with `within_km`: the same justifiers, under each key, by where they are (their point and named
        # place): all of a group are near an act or none is, so an act measures one distance a group, not
        # one a justifier (12,500 rocket launches from one spot against 12,500 strikes on it: quadratic)
        self._places: Dict[Tuple[str, ...], Dict[Tuple[Any, str], Deque[Tuple[int, int, Event]]]] = {}
        self._filed = 0  # the order justifiers were filed in, to merge the groups' latest

    def _key(self, event: Event, aimed: Optional[str] = None) -> Optional[Tuple[str, ...]]:
        """The values act and justifier must share; with `answers: actor` (issue 25) also the act's
        target, which is the justifier's actor (`aimed`: the act's target, given for an act). A
        justifier nobody claimed never qualifies then: no act is aimed at "unknown"."""
        values = tuple(event.get(f) for f in self.same)
        if self.answers == "actor":
            if aimed is None and not attributed(event):
                return None
            values += (event.actor if aimed is None else aimed or None,)
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
        for key in list(self._places):
            groups = self._places[key]
            for where in list(groups):
                group = groups[where]
                while group and group[0][0] < day - self.within:
                    group.popleft()
                if not group:
                    del groups[where]
            if not groups:
                del self._places[key]

    def add(self, day: int, events: List[Event]) -> None:
        for event in sorted(events, key=lambda e: e.sort_key):
            key = self._key(event)
            if key is not None:
                self._by.setdefault(key, collections.deque()).append((day, event))
                self._today.add(event.id)
                where = _where(event)
                if self.within_km is not None and where is not None:
                    self._filed += 1
                    self._places.setdefault(key, {}).setdefault(where, collections.deque()).append(
                        (day, self._filed, event))

    def of(self, act: Event) -> Tuple[int, List[Event]]:
        """(how many justifiers the act has in its window, the latest MAX_JUSTIFIERS of them)."""
        key = self._key(act, act.target or "") if self.answers == "actor" else self._key(act)
        queue = self._by.get(key) if key is not None else None
        if not queue:
            return 0, []
        # the act is one of today's justifiers too when it would be filed under the key it looks up
        itself = act.id in self._today and self._key(act) == key
        if self.within_km is not None:  # issue 25: only justifiers near the act (both need a point)
            assert key is not None  # a queue was found under it
            return self._of_near(act, key, itself)
        # issue 25: a justifier of the act's own day that both give a time of day must not come after it;
        # the day's justifiers are the queue's last, so only they are looked at one by one
        today, clock = act.date.toordinal(), act.extra.get("time")
        later = 0
        if clock is not None:
            for day, event in reversed(queue):
                if day != today:
                    break
                later += _after(event, clock)
        count = len(queue) - itself - later
        latest: List[Event] = []
        for day, event in reversed(queue):
            if len(latest) == MAX_JUSTIFIERS:
                break
            if event.id != act.id and not (clock is not None and day == today and _after(event, clock)):
                latest.append(event)
        return count, latest[::-1]

    def _of_near(self, act: Event, key: Tuple[str, ...], itself: bool) -> Tuple[int, List[Event]]:
        """`of` for justifiers within `within_km`: the same count and latest as filtering the window's
        queue one justifier at a time, from one distance a group of justifiers at the same point and place."""
        near = [group for group in self._places.get(key, {}).values() if self._near(act, group[0][2])]
        # the act filed among today's justifiers is in its own group, which is near it, unless it has
        # neither a point nor a place (then it is filed in no group and near nothing)
        itself = itself and _where(act) is not None
        today, clock = act.date.toordinal(), act.extra.get("time")
        later = 0
        candidates: List[Tuple[int, Event]] = []
        for group in near:
            taken = 0
            for day, filed, event in reversed(group):
                after = clock is not None and day == today and _after(event, clock)
                later += after and event.id != act.id
                if taken < MAX_JUSTIFIERS and event.id != act.id and not after:
                    candidates.append((filed, event))
                    taken += 1
                if taken == MAX_JUSTIFIERS and (clock is None or day != today):
                    break  # the rest of the group is older: neither later than the act nor among the latest
        count = sum(len(group) for group in near) - itself - later
        latest = [event for _, event in sorted(candidates, key=lambda c: c[0])[-MAX_JUSTIFIERS:]]
        return count, latest

    def _near(self, act: Event, event: Event) -> bool:
        """Within `within_km` of the act, great-circle, when both have a point (`point`, set at intake from
        their coordinates or the gazetteer); when either has none, only an event at the same named place
        is near (0 km: a launcher known only by its village and the strike on it in that village)."""
        a, b = act.extra.get("point"), event.extra.get("point")
        assert self.within_km is not None
        if a is not None and b is not None:
            return km_between((a[0], a[1]), (b[0], b[1])) <= self.within_km
        return bool(act.place) and bool(event.place) and place_key(act.place or "") == place_key(event.place or "")


def _where(event: Event) -> Optional[Tuple[Any, str]]:
    """What `_near` reads of a justifier: its point and its named place (None: neither, never near)."""
    point, place = event.extra.get("point"), place_key(event.place or "") if event.place else ""
    if point is None and not place:
        return None
    return (tuple(point) if point is not None else None, place)


def _after(event: Event, clock: str) -> bool:
    """Whether a same-day justifier is known to come after an act at `clock` (both times HH:MM, which
    compare as text); one without a time is not (the same-day rule of before issue 25)."""
    own = event.extra.get("time")
    return own is not None and own > clock
