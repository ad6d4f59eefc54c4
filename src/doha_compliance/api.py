"""The library entry points: load rules, read events, evaluate."""
from __future__ import annotations

import datetime as dt
import os
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Union

import attrs

from . import readers
from .engine import durable_matches
from .errors import EventError, InputFileError, Location
from .judge import Judge
from .spool import Spool, rejections_spool
from .models import Agreement, Event, Rejection
from .readers import RawRow
from .reference import reference_matches
from .scores import with_scores
from .matching import Matches
from .stream import IdLedger, InEventTime, OutOfOrder, SortedEvents
from .models import UNKNOWN
from .report import Coverage, ImportTally, Inputs, Report  # noqa: F401  (Report re-exported for the CLI)
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
        from .importers import file_labels
        labels = file_labels(self.paths)  # ids made from file and line never collide between files
        for path in self.paths:
            yield from readers.read_rows(path, self.fmt, self.mapping, labels[path])


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


class _Intake:
    """Rows in, valid events out (lazily); counts and rejections kept on the side."""

    def __init__(self, agreement: Agreement, events: Iterable[EventInput],
                 on_reject: Optional[Callable[[Rejection], None]], max_errors: Optional[int]):
        self.agreement, self.rows, self.on_reject, self.max_errors = agreement, events, on_reject, max_errors
        self.read = 0
        self.rejected: Spool[Rejection] = rejections_spool()
        self.ids = IdLedger()
        self.imports = ImportTally()  # evaluated rows per file and mapping outcome, for the report

    def __iter__(self) -> Iterator[Event]:
        for row in _rows(self.rows):
            self.read += 1
            result = row if isinstance(row, Event) else check_row(row, self.agreement)
            if isinstance(result, Event):
                seen = self.ids.first_seen(result.id, result.where)
                if seen is not None:
                    result = Rejection(result.where, result.id, f"duplicate id '{result.id}' (first seen at {seen})", "id")
            if isinstance(result, Rejection):
                self.rejected.append(result)
                if self.on_reject:
                    self.on_reject(result)
                if self.max_errors is not None and len(self.rejected) >= self.max_errors:
                    raise TooManyRejections(self.rejected, self.read)
                continue
            self.imports.add(result)
            yield result


def collect(agreement: Agreement, events: Iterable[EventInput],
            on_reject: Optional[Callable[[Rejection], None]] = None,
            max_errors: Optional[int] = None) -> tuple[List[Event], List[Rejection], int]:
    """Validate rows: (accepted events, rejections, rows read). Duplicate ids: the later row is rejected."""
    intake = _Intake(agreement, events, on_reject, max_errors)
    accepted = list(intake)
    return accepted, list(intake.rejected), intake.read


class TooManyRejections(EventError):
    def __init__(self, rejected: Sequence[Rejection], read: int):
        self.rejected = rejected
        self.read = read
        last = rejected[-1]
        super().__init__(Location(last.where, None, last.field), f"stopped after {len(rejected)} rejected events (--max-errors)")


def evaluate(agreement: Agreement, events: Iterable[EventInput], as_of: Optional[dt.date] = None,
             engine: str = "durable", on_reject: Optional[Callable[[Rejection], None]] = None,
             max_errors: Optional[int] = None, strict: bool = False, lateness_days: int = 0) -> Report:
    """Judge every event against the agreement's rules, as of a date (default: the latest event's).

    Bad rows are returned in `report.rejected`; with `strict=True` the first one raises EventError.
    Events in date order (within `lateness_days`) stream straight through the engine; a stream
    in any other order is sorted externally first (a re-readable source — files, a list, or an
    object with `reiterable = True` — is read again; a one-shot iterator is sorted from the start).
    """
    if strict:
        def raise_first(r: Rejection) -> None:
            raise EventError(Location(r.where, None, r.field), r.reason)
        on_reject = raise_first
    if engine not in ("durable", "reference"):
        raise ValueError(f"unknown engine {engine!r}: use 'durable' or 'reference'")
    if isinstance(events, (EventSource, list, tuple)) or getattr(events, "reiterable", False):
        told = [0]

        def tell(r: Rejection) -> None:
            told[0] += 1
            if on_reject:
                on_reject(r)
        try:
            return _evaluate(agreement, events, as_of, engine, tell, max_errors, lateness_days)
        except OutOfOrder:
            # Read again, sorted; rows already reported as rejected are not reported twice.
            already = told[0]
            seen = [0]

            def tell_new(r: Rejection) -> None:
                seen[0] += 1
                if seen[0] > already and on_reject:
                    on_reject(r)
            return _evaluate(agreement, events, as_of, engine, tell_new, max_errors, None)
    return _evaluate(agreement, events, as_of, engine, on_reject, max_errors, None)


def _evaluate(agreement: Agreement, events: Iterable[EventInput], as_of: Optional[dt.date], engine: str,
              on_reject: Optional[Callable[[Rejection], None]], max_errors: Optional[int],
              lateness_days: Optional[int]) -> Report:
    """One pass: in event time with a watermark (lateness_days), or sorted externally (None)."""
    intake = _Intake(agreement, events, on_reject, max_errors)
    later = [0]
    seen = _Seen()

    def in_scope(ordered: Iterable[Event], report_date: Optional[dt.date]) -> Iterator[Event]:
        for event in ordered:
            if report_date is not None and event.date > report_date:
                later[0] += 1
                continue
            seen.add(event)
            seen_day(event.date)
            yield event

    judge = Judge(agreement)
    seen_day = judge.levels.activity.add  # issue 15: the days the input covers (levels)

    def match(ordered: Iterable[Event], report_date: Optional[dt.date]) -> Matches:
        if engine == "durable":  # findings are judged day by day, as the stream advances
            return durable_matches(agreement, in_scope(ordered, report_date), on_day=judge.take)
        return reference_matches(agreement, list(in_scope(ordered, report_date)))

    if lateness_days is not None:
        ordered = InEventTime(intake, lateness_days)
        matches = match(ordered, as_of)
        latest, evaluated = ordered.latest, ordered.count
    else:
        with SortedEvents(intake) as ordered:
            matches = match(ordered, as_of or ordered.latest)
            latest, evaluated = ordered.latest, ordered.count
    as_of = as_of or latest or agreement.signed
    result = judge.finish(matches, as_of, (seen.first, seen.last))
    inputs = Inputs(read=intake.read, evaluated=evaluated, rejected=len(intake.rejected), after_as_of=later[0])
    report = Report(agreement=agreement, as_of=as_of, inputs=inputs, rejected=intake.rejected.finish(),
                    findings=result.findings, claims=result.claims, not_assessed=result.not_assessed,
                    events=result.events, imports=intake.imports.counts(), coverage=Coverage(seen.first, seen.last, seen.unattributed),
                    defaults=result.defaults, series=result.series)
    return with_scores(report)  # issue 15: scores by month, from the findings


class _Seen:
    """The events judged (dated up to the report date): first and last date, and how many no one claimed."""

    def __init__(self) -> None:
        self.first: Optional[dt.date] = None
        self.last: Optional[dt.date] = None
        self.unattributed = 0

    def add(self, event: Event) -> None:
        if self.first is None or event.date < self.first:
            self.first = event.date
        if self.last is None or event.date > self.last:
            self.last = event.date
        if event.actor == UNKNOWN:
            self.unattributed += 1
