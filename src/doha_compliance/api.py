"""The library entry points: load rules, read events, evaluate."""
from __future__ import annotations

import datetime as dt
import os
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import attrs

from . import readers
from .engine import durable_matches
from .errors import EventError, InputFileError, Location
from .judge import judge
from .models import Agreement, Event, Rejection
from .readers import RawRow
from .reference import reference_matches
from .report import Inputs, Report  # noqa: F401  (Report re-exported for the CLI)
from .rules import load_rules  # noqa: F401  (re-exported)
from .validate import check_row

EventInput = Union[Event, RawRow, dict]


@attrs.frozen
class EventSource:
    """Event files to be read lazily when evaluated; iterate for raw rows with their file:line."""

    paths: tuple
    fmt: Optional[str] = None
    mapping: Optional[str] = None

    def __iter__(self) -> Iterator[RawRow]:
        for path in self.paths:
            yield from readers.read_rows(path, self.fmt, self.mapping)


def read_events(*paths: Union[str, os.PathLike], fmt: Optional[str] = None, mapping: Optional[str] = None) -> EventSource:
    """Name one or more event files; missing files fail here, contents are read during evaluate.

    `fmt`: yaml, json, jsonl, csv, acled or ucdp (default: from the name; a CSV's header tells ACLED
    and UCDP exports apart). `mapping`: a YAML file replacing the shipped ACLED/UCDP mapping.
    """
    names = tuple(os.fspath(p) for p in paths)
    if fmt is not None and fmt not in readers.ALL_FORMATS:
        raise InputFileError(f"unknown events format '{fmt}'; use one of {', '.join(readers.ALL_FORMATS)}")
    for name in names:
        readers.check_readable(name, fmt)
    if fmt in ("acled", "ucdp") or mapping:
        from .importers import load_mapping
        load_mapping(fmt or "acled", mapping)  # a bad mapping file fails before any event is read
    return EventSource(names, fmt, mapping)


def _rows(events: Iterable[EventInput]) -> Iterator[Union[Event, RawRow]]:
    for index, item in enumerate(events, start=1):
        if isinstance(item, (Event, RawRow)):
            yield item
        elif isinstance(item, dict):
            yield RawRow(f"<events>:{index}", item)
        else:
            yield RawRow(f"<events>:{index}", None, f"an event must be a mapping of fields, got {type(item).__name__}")


def collect(agreement: Agreement, events: Iterable[EventInput],
            on_reject: Optional[Callable[[Rejection], None]] = None,
            max_errors: Optional[int] = None) -> tuple[List[Event], List[Rejection], int]:
    """Validate rows: (accepted events, rejections, rows read). Duplicate ids: the later row is rejected."""
    accepted: List[Event] = []
    rejected: List[Rejection] = []
    first_seen: Dict[str, str] = {}
    read = 0
    for row in _rows(events):
        read += 1
        result = row if isinstance(row, Event) else check_row(row, agreement)
        if isinstance(result, Event) and result.id in first_seen:
            result = Rejection(result.where, result.id, f"duplicate id '{result.id}' (first seen at {first_seen[result.id]})", "id")
        if isinstance(result, Rejection):
            rejected.append(result)
            if on_reject:
                on_reject(result)
            if max_errors is not None and len(rejected) >= max_errors:
                raise TooManyRejections(rejected, read)
            continue
        first_seen[result.id] = result.where
        accepted.append(result)
    return accepted, rejected, read


class TooManyRejections(EventError):
    def __init__(self, rejected: List[Rejection], read: int):
        self.rejected = rejected
        self.read = read
        last = rejected[-1]
        super().__init__(Location(last.where, None, last.field), f"stopped after {len(rejected)} rejected events (--max-errors)")


def evaluate(agreement: Agreement, events: Iterable[EventInput], as_of: Optional[dt.date] = None,
             engine: str = "durable", on_reject: Optional[Callable[[Rejection], None]] = None,
             max_errors: Optional[int] = None, strict: bool = False) -> Report:
    """Judge every event against the agreement's rules, as of a date (default: the latest event's).

    Bad rows are returned in `report.rejected`; with `strict=True` the first one raises EventError.
    """
    if strict:
        def raise_first(r: Rejection) -> None:
            raise EventError(Location(r.where, None, r.field), r.reason)
        on_reject = raise_first
    accepted, rejected, read = collect(agreement, events, on_reject, max_errors)
    if as_of is None:
        as_of = max((e.date for e in accepted), default=agreement.signed)
    in_scope = sorted((e for e in accepted if e.date <= as_of), key=lambda e: e.sort_key)
    matcher = {"durable": durable_matches, "reference": reference_matches}[engine]
    matches = matcher(agreement, in_scope)
    findings, claims, not_assessed = judge(agreement, matches, as_of)
    inputs = Inputs(read=read, evaluated=len(accepted), rejected=len(rejected),
                    after_as_of=len(accepted) - len(in_scope))
    matched = matches.events()
    cited = {e for f in findings for e in f.evidence} | {c.event for c in claims}
    evidence = tuple(sorted((matched[i] for i in cited if i in matched), key=lambda e: e.sort_key))
    return Report(agreement=agreement, as_of=as_of, inputs=inputs, rejected=tuple(rejected),
                  findings=tuple(findings), claims=tuple(claims), not_assessed=tuple(not_assessed),
                  events=evidence)
