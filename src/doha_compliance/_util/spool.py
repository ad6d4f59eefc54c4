"""A report's long lists (findings, claims, cited events, rejections) kept on disk past a limit.

A million events give hundreds of thousands of findings. Held as Python objects they would
make memory grow with the stream; a `Spool` keeps the first `limit` items in memory (every
small report stays entirely in memory) and appends the rest, pickled in batches, to an
anonymous temporary file that disappears with the spool. It reads back as a sequence:
`len`, iteration (as often as wanted, several iterators at once), indexing, equality with
a tuple. Items are written in the order given: the writer is responsible for the order.
"""
from __future__ import annotations

import heapq
import itertools
import operator
import os
import pickle
import tempfile
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
    overload,
)

import attrs

from doha_compliance._util.fast import builder
from doha_compliance.errors import ComplianceError
from doha_compliance.models import Claim, Event, Finding, Rejection, UnclaimedAct

if TYPE_CHECKING:
    from attrs import AttrsInstance

T = TypeVar("T")
A = TypeVar("A", bound="AttrsInstance")

LIMIT = 1_000  # items held in memory before spilling; tests lower it to exercise the disk path
_BATCH = 500
Packed = Tuple[Any, ...]  # an item as pickled: its attrs fields, in order


def _identity(x: Any) -> Any:
    return x


# unpack -> the builder it calls with a packed tuple's fields: a spool of attrs records rebuilds a batch
# with `itertools.starmap(build, batch)`, one Python call an item fewer than `map(unpack, batch)`
_STARRED: Dict[Callable[[Any], Any], Callable[..., Any]] = {}


def attrs_packer(cls: Type[A]) -> Tuple[Callable[[A], Packed], Callable[[Packed], A]]:
    """(to tuple, from tuple) for an attrs class: cheap to pickle, unlike the objects themselves.
    Read back, the tuple is turned into the object by `_util.fast.builder` (every spooled item is
    rebuilt on every pass over the spool)."""
    names = [a.name for a in attrs.fields(cls)]
    build = builder(cls)

    def unpack(t: Packed) -> A:
        return build(*t)
    _STARRED[unpack] = build
    return operator.attrgetter(*names), unpack


def attrs_repacker(cls: Type[A], *names: str) -> Callable[..., Packed]:
    """(instance, new value of each of `names`) -> the packed copy with those fields replaced, as
    `attrs_packer(cls)` packs it: for a pass that changes a few fields of each item and spools it,
    without building the changed copy only to take it apart again (`Spool.append_packed`)."""
    every = [a.name for a in attrs.fields(cls)]
    spots = [every.index(name) for name in names]
    get = operator.attrgetter(*every)

    def repack(instance: A, *values: Any) -> Packed:
        fields = list(get(instance))
        for spot, value in zip(spots, values):
            fields[spot] = value
        return tuple(fields)
    return repack


class Spool(Sequence[T]):
    """An append-only sequence that spills to an anonymous temporary file past `limit` items.

    A `collections.abc.Sequence` (len, iteration, indexing and slicing, `in`, `index`, `count`,
    `reversed`), so a report's lists type as what they are whether they spilled or not.
    `pack`/`unpack` turn an item into something cheap to pickle (a tuple) and back."""

    def __init__(self, items: Iterable[T] = (), limit: Optional[int] = None,
                 pack: Callable[[T], Any] = _identity, unpack: Callable[[Any], T] = _identity,
                 batch: Optional[int] = None):
        self._limit = LIMIT if limit is None else limit
        self._batch = _BATCH if batch is None else batch
        self._pack, self._unpack = pack, unpack
        self._head: List[T] = []          # the first items, in memory
        self._pending: List[Any] = []     # packed items waiting to be written as one batch
        self._batches: List[Tuple[int, int, int]] = []  # (offset, length, count) of each written batch
        self._file: Optional[IO[bytes]] = None
        self._size = 0
        self._closed = False
        self.extend(items)

    def append(self, item: T) -> None:
        if self._closed:
            raise ValueError("a finished spool cannot grow")
        self._size += 1
        head = self._head
        if len(head) < self._limit:
            head.append(item)
            return
        pending = self._pending
        pending.append(self._pack(item))
        if len(pending) >= self._batch:
            self._write()

    def extend(self, items: Iterable[T]) -> None:
        """`append` of each item; past the items held in memory, packed a batch at a time."""
        if self._closed:
            raise ValueError("a finished spool cannot grow")
        items = iter(items)
        head, limit = self._head, self._limit
        for item in items:  # the items held in memory
            if len(head) >= limit:
                self.append(item)
                break
            head.append(item)
            self._size += 1
        pack, batch = self._pack, self._batch
        while True:
            room = max(1, batch - len(self._pending))
            chunk = [pack(item) for item in itertools.islice(items, room)]
            if not chunk:
                return
            self._pending.extend(chunk)
            self._size += len(chunk)
            if len(self._pending) >= batch:
                self._write()

    def append_packed(self, packed: Any) -> None:
        """Append an item given packed (as `packed()` hands them out): written as it is, never rebuilt
        unless it is one of the first `limit`, which are held as items."""
        if self._closed:
            raise ValueError("a finished spool cannot grow")
        if len(self._head) < self._limit:
            self.append(self._unpack(packed))
            return
        self._size += 1
        self._pending.append(packed)
        if len(self._pending) >= self._batch:
            self._write()

    def packed(self) -> Iterator[Any]:
        """The items packed, in order, without rebuilding them: for a pass that reads a field or
        two of each item, or passes them on to another spool (`append_packed`)."""
        pack = self._pack
        for item in self._head:
            yield pack(item)
        if self._file is None:
            return
        self._write()
        for offset, length, _ in list(self._batches):
            yield from self._read(offset, length)

    def _write(self) -> None:
        if not self._pending:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="doha-compliance-spool-")
        data = pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self._batches.append((offset, len(data), len(self._pending)))
        self._pending = []

    def finish(self) -> "Spool[T]":
        """Write what is pending; after this the spool is read-only."""
        self._write()
        self._closed = True
        return self

    def close(self) -> None:
        """Drop what is on disk now rather than when the spool is collected; it reads no more."""
        if self._file is not None:
            self._file.close()

    @property
    def spilled(self) -> int:
        """How many items are on disk."""
        return self._size - len(self._head)

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def __iter__(self) -> Iterator[T]:
        yield from self._head
        if self._file is None:
            return
        self._write()
        unpack = self._unpack
        build = _STARRED.get(unpack)
        for offset, length, _ in list(self._batches):
            if build is not None:
                yield from itertools.starmap(build, self._read(offset, length))
            else:
                yield from map(unpack, self._read(offset, length))

    def _read(self, offset: int, length: int) -> List[Any]:
        """One batch. Every read seeks first (and every write seeks to the end), so several
        iterators can share the file; plain seek and read work on every platform, unlike pread.
        Only a file this process wrote is unpickled."""
        assert self._file is not None
        self._file.seek(offset)
        batch: List[Any] = pickle.loads(self._file.read(length))
        return batch

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Tuple[T, ...]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[T, Tuple[T, ...]]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("spool index out of range")
        if index < len(self._head):
            return self._head[index]
        self._write()
        index -= len(self._head)
        for offset, length, count in self._batches:
            if index < count:
                return self._unpack(self._read(offset, length)[index])
            index -= count
        raise IndexError("spool index out of range")  # not reached: the size counts every batch

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Spool, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Spool({self._size} items, {self.spilled} on disk)"

    __hash__ = None  # type: ignore[assignment]


PACK_FINDING = attrs_packer(Finding)
PACK_CLAIM = attrs_packer(Claim)
PACK_EVENT = attrs_packer(Event)
PACK_REJECTION = attrs_packer(Rejection)
PACK_UNCLAIMED = attrs_packer(UnclaimedAct)


def spill_run(items: List[T], packer: Tuple[Callable[[T], Any], Callable[[Any], T]], doing: str,
              advice: str = "", batch: Optional[int] = None) -> "Spool[T]":
    """Items (already in order) written to a temporary file as one run of an external sort; a full
    temporary folder (ENOSPC, a quota) is one line saying what was being done and how to make room,
    not a traceback. Every sort that spills (out-of-order streams, a day's events, a day's findings)
    writes its runs here."""
    pack, unpack = packer
    try:
        return Spool(items, limit=0, pack=pack, unpack=unpack, batch=batch).finish()
    except OSError as exc:
        raise ComplianceError(f"cannot {doing}: writing to the temporary folder {tempfile.gettempdir()} failed: "
                              f"{exc.strerror or exc}; free some space there, set TMPDIR to a folder with "
                              f"room{', ' + advice if advice else ''}") from None


def findings_spool(items: Iterable[Finding] = ()) -> Spool[Finding]:
    return Spool(items, pack=PACK_FINDING[0], unpack=PACK_FINDING[1])


def claims_spool(items: Iterable[Claim] = ()) -> Spool[Claim]:
    return Spool(items, pack=PACK_CLAIM[0], unpack=PACK_CLAIM[1])


def events_spool(items: Iterable[Event] = ()) -> Spool[Event]:
    return Spool(items, pack=PACK_EVENT[0], unpack=PACK_EVENT[1])


_EVENT_FIELDS = [a.name for a in attrs.fields(Event)]
# where these fields are in a packed event
_EVENT_ID, _EVENT_DATE, _EVENT_RULE = (_EVENT_FIELDS.index(name) for name in ("id", "date", "rule"))


def events_with_ids(events: Iterable[Event], ids: Set[str]) -> Iterator[Event]:
    """The events whose id is in `ids`, in order; of an events spool, only those are rebuilt."""
    if isinstance(events, Spool) and events._unpack is PACK_EVENT[1]:
        unpack = PACK_EVENT[1]
        return (unpack(t) for t in events.packed() if t[_EVENT_ID] in ids)
    return (e for e in events if e.id in ids)


_FINDING_FIELDS = [a.name for a in attrs.fields(Finding)]
_FINDING_RULE, _FINDING_ANCHOR = (_FINDING_FIELDS.index(name) for name in ("rule", "anchor"))


def findings_of_rules_or_anchored(findings: Iterable[Finding], rules: Set[str]) -> Iterator[Finding]:
    """The findings whose rule is one of `rules` or that have an anchor (about a commitment as a whole),
    in order; of a findings spool, only those are rebuilt (an alternative reading's table, issue 27:
    a few deadlines and spans among every act's finding)."""
    if isinstance(findings, Spool) and findings._unpack is PACK_FINDING[1]:
        unpack = PACK_FINDING[1]
        return (unpack(t) for t in findings.packed() if t[_FINDING_RULE] in rules or t[_FINDING_ANCHOR] is not None)
    return (f for f in findings if f.rule in rules or f.anchor is not None)


def _pack_indexed(item: Tuple[int, Event]) -> Tuple[int, Packed]:
    return item[0], PACK_EVENT[0](item[1])


def _unpack_indexed(packed: Tuple[int, Packed]) -> Tuple[int, Event]:
    return packed[0], PACK_EVENT[1](packed[1])


INDEXED_PACKER = (_pack_indexed, _unpack_indexed)


def indexed_events_spool() -> Spool[Tuple[int, Event]]:
    """(a number, an event) pairs: the claim events, each with the index of the rule that claims it."""
    return Spool(pack=_pack_indexed, unpack=_unpack_indexed)


def naming_rules(indexed: Iterable[Tuple[int, Event]], rules: Set[str]) -> Iterator[Tuple[int, Event]]:
    """The pairs whose event names one of `rules` (its `rule` field), in order; of a spool made by
    `indexed_events_spool`, only those are rebuilt."""
    if isinstance(indexed, Spool) and indexed._unpack is _unpack_indexed:
        return (_unpack_indexed(t) for t in indexed.packed() if t[1][_EVENT_RULE] in rules)
    return (item for item in indexed if item[1].rule in rules)


def merged_events(spooled: Spool[Event], more: Iterable[Event]) -> Spool[Event]:
    """The events of both (each in (date, id) order) in one new spool, in that order, each id once.
    The spooled ones, most of them, pass from spool to spool packed: rebuilding each event only
    to write it again cost more than reading and writing it."""
    pack = PACK_EVENT[0]
    out = events_spool()
    last = None
    for packed in heapq.merge(spooled.packed(), (pack(e) for e in more), key=_packed_event_order):
        if packed[_EVENT_ID] != last:
            out.append_packed(packed)
            last = packed[_EVENT_ID]
    return out


def _packed_event_order(packed: Packed) -> Tuple[Any, str]:
    return packed[_EVENT_DATE], packed[_EVENT_ID]  # Event.sort_key


def rejections_spool(items: Iterable[Rejection] = ()) -> Spool[Rejection]:
    return Spool(items, pack=PACK_REJECTION[0], unpack=PACK_REJECTION[1])


def unclaimed_spool(items: Iterable[UnclaimedAct] = ()) -> Spool[UnclaimedAct]:
    """Acts nobody claimed (issue 24): one a row of the report, on disk past the limit like the findings."""
    return Spool(items, pack=PACK_UNCLAIMED[0], unpack=PACK_UNCLAIMED[1])
