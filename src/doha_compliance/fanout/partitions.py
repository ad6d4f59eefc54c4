"""An export cut into partitions for a cluster (issue 27), and a partition checked against one agreement.

A partition is a run of consecutive rows, in input order, packed as bytes (a pickled list of
tuples: a few hundred bytes a row, instead of a Python dict and object each). A task checks one
partition against one agreement: each row outside the agreement's area or period is counted and
marked (`intake.area.outside`: None in the results), every other row is checked on its own (`check_row`: its contract
and the agreement's vocabulary, nothing else), and the results, Event or Rejection with file:line,
are packed as bytes again, in the same order.

Nothing here depends on another row: duplicate ids, event-time order, windows, claims, levels and
continuing commitments all need the whole stream of one agreement, and are left to api.evaluate,
which reads the partitions' results back in partition order (`CheckedStream`) exactly as it would
have read and checked the rows itself.
"""
from __future__ import annotations

import operator
import pickle
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import attrs

from doha_compliance._util.fast import builder
from doha_compliance.intake.area import outside
from doha_compliance.intake.readers import RawRow
from doha_compliance.intake.validate import check_row
from doha_compliance.models import Agreement, Event, Rejection, SourceCoverage

PARTITION_ROWS = 20_000  # rows a partition: tens of MB at most for a task, a few tasks a core at 100,000 rows



def _fields(cls: type) -> Callable[[Any], Tuple[Any, ...]]:
    """An instance of the frozen attrs class to the tuple of its fields (`builder(cls)` is the way back)."""
    return operator.attrgetter(*(a.name for a in attrs.fields(cls)))


_PACK_ROW, _ROW = _fields(RawRow), builder(RawRow)
_PACK_EVENT, _EVENT = _fields(Event), builder(Event)
_PACK_REJECTION, _REJECTION = _fields(Rejection), builder(Rejection)


def cut(rows: Iterable[RawRow], size: int = PARTITION_ROWS) -> Iterator[bytes]:
    """The rows in runs of `size` (the last may be shorter), each packed; none for no row."""
    if size < 1:
        raise ValueError(f"a partition holds 1 row or more, got {size}")
    run: List[Tuple[Any, ...]] = []
    for row in rows:
        run.append(_PACK_ROW(row))
        if len(run) >= size:
            yield pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL)
            run = []
    if run:
        yield pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL)


@attrs.frozen
class Readings:
    """The input as each agreement reads it (issue 27: a rule set's own export mappings). `group[i]` is
    the reading of the i-th agreement (agreements whose sources read alike share one); `rows` gives, for
    each row of the input, that row in each reading; `declared(i)` what the files declared they cover,
    as the i-th agreement read them (known once `rows` is exhausted)."""

    group: Tuple[int, ...]
    rows: Iterator[Tuple[RawRow, ...]]
    views: Tuple[Any, ...] = ()
    source: Any = None

    def declared(self, index: int) -> Tuple[SourceCoverage, ...]:
        found = getattr(self.views[index] if self.views else self.source, "declared", None)
        return tuple(found()) if callable(found) else ()


def readings(agreements: Sequence[Agreement], events: Iterable[Any]) -> Readings:
    """One read of the input for every agreement: an EventSource's rows in each distinct reading
    (`EventSource.each`: an export's row mapped once per mapping), any other input's rows once."""
    from doha_compliance import api
    each_of = getattr(events, "each", None)
    if not callable(each_of):
        return Readings((0,) * len(agreements), ((row,) for row in api._rows(events)), (), events)
    views, rows = each_of(agreements)
    keys = list(dict.fromkeys(view.own for view in views))
    group = tuple(keys.index(view.own) for view in views)
    first = [group.index(g) for g in range(len(keys))]  # one agreement of each reading
    if len(first) == 1:
        return Readings(group, ((each[0],) for each in rows), tuple(views), events)
    return Readings(group, (tuple(each[i] for i in first) for each in rows), tuple(views), events)


def cut_each(rows: Iterable[Tuple[RawRow, ...]], readings: int,
             size: int = PARTITION_ROWS) -> Iterator[Tuple[bytes, ...]]:
    """`cut` for several readings of the same rows: the i-th partition of each reading, together."""
    if size < 1:
        raise ValueError(f"a partition holds 1 row or more, got {size}")
    runs: List[List[Tuple[Any, ...]]] = [[] for _ in range(readings)]
    for each in rows:
        for run, row in zip(runs, each):
            run.append(_PACK_ROW(row))
        if len(runs[0]) >= size:
            yield tuple(pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL) for run in runs)
            runs = [[] for _ in range(readings)]
    if runs[0]:
        yield tuple(pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL) for run in runs)


def rows_of(partition: bytes) -> List[RawRow]:
    return [_ROW(*packed) for packed in pickle.loads(partition)]  # noqa: S301 - packed by `cut`, this run


def check(agreement: Agreement, partition: bytes) -> bytes:
    """Every row of the partition routed and checked against the agreement (one Dask task): its results
    packed, in order, with None for each row outside the agreement's area or period (not checked)."""
    packed: List[Optional[Tuple[bool, Tuple[Any, ...]]]] = []
    for row in rows_of(partition):
        if outside(agreement, row) is not None:
            packed.append(None)
            continue
        result = check_row(row, agreement)
        if isinstance(result, Event):
            packed.append((True, _PACK_EVENT(result)))
        else:
            packed.append((False, _PACK_REJECTION(result)))
    return pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)


class CheckedStream:
    """The checked results of every partition, in partition order, for api.evaluate: `checked` tells
    its intake to take them as they are (no second check; None: a row outside the area, counted).
    Read again as often as evaluate wants (an out-of-order stream is read twice) when the input was
    re-readable; one partition unpacked at a time. `declared()` hands on what the input files
    declared they cover, as an EventSource does."""

    checked = True

    def __init__(self, parts: Sequence[bytes], declared: Tuple[SourceCoverage, ...] = (),
                 reiterable: bool = True):
        self._parts = parts
        self._declared = declared
        self.reiterable = reiterable

    def __iter__(self) -> Iterator[Union[Event, Rejection, None]]:
        for part in self._parts:
            for result in pickle.loads(part):  # noqa: S301 - packed by `check`, this run
                if result is None:
                    yield None
                else:
                    yield _EVENT(*result[1]) if result[0] else _REJECTION(*result[1])

    def declared(self) -> Tuple[SourceCoverage, ...]:
        return self._declared
