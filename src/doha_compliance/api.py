"""The library entry points: load rules, read events, evaluate."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import attrs

from doha_compliance._util.limits import DATE_RANGE_TEXT, MAX_WINDOW_DAYS
from doha_compliance._util.spool import Spool, rejections_spool
from doha_compliance._util.stream import IdLedger, InEventTime, OutOfOrder, SortedEvents
from doha_compliance._util.values import check_day
from doha_compliance.errors import TooManyRejections
from doha_compliance.intake import declarations, sources
from doha_compliance.intake.area import area_filter, outside
from doha_compliance.intake.readers import RawRow
from doha_compliance.intake.validate import check_row
from doha_compliance.judging.judge import Judge
from doha_compliance.judging.readings import judge_for
from doha_compliance.judging.unattributed import Unclaimed
from doha_compliance.matching.durable import deciders
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.matching.matches import Matches
from doha_compliance.reference.engine import reference_matches
from doha_compliance.report.report import Coverage, ImportTally, Inputs, Report, with_scores
from doha_compliance.rules.loader import load_rules as load_rules  # re-exported: the facade loads rules too

from .errors import EventError, InputFileError, Location
from .models import EVENT_FIELDS, UNKNOWN, Agreement, Event, Rejection, SourceCoverage

EventInput = Union[Event, RawRow, Dict[str, Any]]


@attrs.frozen
class EventSource:
    """Event files to be read lazily when evaluated; iterate for raw rows with their file:line.

    `-` (stdin), a pipe or a device is copied to a temporary file the first time it is read, and
    read from there after that (see `sources`); `close()` removes the copies (so does dropping
    the source)."""

    paths: Tuple[str, ...]
    fmt: Optional[str] = None
    mapping: Optional[str] = None
    coverage: Optional[str] = None  # issue 24: a --coverage file, for every CSV and JSONL input
    # issue 27: {format: path} of a rule set's own export mappings (rules/<set>/mappings/acled.yaml,
    # ucdp.yaml), read where no `mapping` was given; set by `for_agreement`, as (format, path) pairs
    own: Tuple[Tuple[str, str], ...] = ()
    _spools: Dict[str, Optional[sources.Spooled]] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    _declared: Dict[str, Tuple[SourceCoverage, ...]] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def __iter__(self) -> Iterator[RawRow]:
        from doha_compliance.intake.exports.importers import file_labels
        shown = [sources.shown(path) for path in self.paths]
        labels = file_labels(shown)  # ids made from file and line never collide between files
        for path, name in zip(self.paths, shown):
            spooled = self._spooled(path)
            fmt = sources.format_of(path, self.fmt, self.mapping, spooled)
            self._note(path, name, labels[name], fmt, spooled)
            own = self._own_for(fmt)  # the rule set's mapping for this export, if it has one
            rows = sources.rows(path, fmt if own else self.fmt, own or self.mapping, spooled, labels[name])
            if fmt in ("acled", "ucdp"):
                rows = self._export_rows(rows, path, labels[name], fmt)
            yield from rows

    def _note(self, path: str, name: str, label: str, fmt: str, spooled: Optional[sources.Spooled]) -> None:
        """What a YAML or JSON file's header, or the coverage file for a CSV or JSONL input, declares."""
        if fmt in ("yaml", "json"):
            self._declared[path] = tuple(e.of(label, "the file's header")
                                         for e in declarations.header(spooled.path if spooled else path, name))
        elif fmt in ("csv", "jsonl") and self.coverage:
            self._declared[path] = tuple(e.of(label, f"the coverage file {sources.shown(self.coverage)}")
                                         for e in declarations.sidecar(self.coverage))

    def _own_for(self, fmt: str) -> Optional[str]:
        """The rule set's own mapping for an export format: read only where no mapping was given."""
        if self.mapping is not None or not self.own:
            return None
        return dict(self.own).get(fmt)

    def _export_rows(self, rows: Iterator[RawRow], path: str, label: str, fmt: str) -> Iterator[RawRow]:
        """The export's rows, noting its first and last day: its declared scope spans them."""
        first = last = None
        for row in rows:
            day = row.data.get("date") if row.data is not None else None
            if isinstance(day, str):
                first = day if first is None or day < first else first
                last = day if last is None or day > last else last
            yield row
        self._declared[path] = self._scope(fmt, self._own_for(fmt) or self.mapping, label, first, last)

    @staticmethod
    def _scope(fmt: str, mapping_path: Optional[str], label: str, first: Optional[str],
               last: Optional[str]) -> Tuple[SourceCoverage, ...]:
        from doha_compliance.intake.exports.importers import load_mapping
        mapping = load_mapping(fmt, mapping_path)
        return tuple(declarations.export_scope(
            mapping.coverage, label, fmt.upper(), dt.date.fromisoformat(first) if first else None,
            dt.date.fromisoformat(last) if last else None))

    def for_agreement(self, agreement: Agreement) -> "EventSource":
        """The source as this agreement reads it (issue 27): an ACLED or UCDP export through the rule set's
        own mapping (rules/<set>/mappings/<format>.yaml) where it holds one and no mapping was given
        (`mapping`, --mapping: then for every agreement); else this very source. The two share the copy
        of a stream."""
        if self.mapping is not None:
            return self
        from doha_compliance.intake.exports.mapping_file import load_mapping, rule_set_mappings
        own = tuple(sorted(rule_set_mappings(agreement.folder).items()))
        if own == self.own:
            return self
        for fmt, path in own:
            load_mapping(fmt, path)  # a broken mapping fails here (InputFileError, file:line), before any row
        view = EventSource(self.paths, self.fmt, None, self.coverage, own)
        object.__setattr__(view, "_spools", self._spools)  # a stream is copied once, whoever reads it
        return view

    def each(self, agreements: Sequence[Agreement]) -> Tuple[Tuple["EventSource", ...], Iterator[Tuple[RawRow, ...]]]:
        """The input read once for several agreements (issue 27): each agreement's view of the source
        (`for_agreement`; its `declared()` is what that agreement's report names as read), and for each
        row of the files, the row as each agreement reads it, in the agreements' order. An export's row
        is mapped once per distinct mapping: agreements sharing a mapping share the very row."""
        views = tuple(self.for_agreement(agreement) for agreement in agreements)
        return views, self._each(views)

    def _each(self, views: Tuple["EventSource", ...]) -> Iterator[Tuple[RawRow, ...]]:
        from doha_compliance.intake.exports.importers import file_labels
        shown = [sources.shown(path) for path in self.paths]
        labels = file_labels(shown)
        count = len(views)
        for path, name in zip(self.paths, shown):
            spooled = self._spooled(path)
            fmt = sources.format_of(path, self.fmt, self.mapping, spooled)
            label = labels[name]
            if fmt not in ("acled", "ucdp"):
                for view in dict.fromkeys(views):
                    view._note(path, name, label, fmt, spooled)
                for row in sources.rows(path, self.fmt, self.mapping, spooled, label):
                    yield (row,) * count
                continue
            chosen = [view._own_for(fmt) or self.mapping for view in views]
            distinct = list(dict.fromkeys(chosen))  # each mapping once, in the agreements' order
            index = [distinct.index(c) for c in chosen]
            first: List[Optional[str]] = [None] * len(distinct)
            last: List[Optional[str]] = [None] * len(distinct)
            for mapped in sources.export_rows_each(path, fmt, distinct, spooled, label):
                for k, row in enumerate(mapped):
                    day = row.data.get("date") if row.data is not None else None
                    if isinstance(day, str):
                        low, high = first[k], last[k]
                        first[k] = day if low is None or day < low else low
                        last[k] = day if high is None or day > high else high
                yield (mapped[0],) * count if len(distinct) == 1 else tuple(mapped[i] for i in index)
            for view, i in zip(views, index):
                view._declared[path] = self._scope(fmt, distinct[i], label, first[i], last[i])

    def declared(self) -> Tuple[SourceCoverage, ...]:
        """What the inputs read so far declare they record systematically (issue 24)."""
        return tuple(c for path in self.paths for c in self._declared.get(path, ()))

    def _spooled(self, path: str) -> Optional[sources.Spooled]:
        if path not in self._spools:
            self._spools[path] = sources.spool(path, self.fmt) if sources.is_stream(path) else None
        return self._spools[path]

    def close(self) -> None:
        for spooled in self._spools.values():
            if spooled is not None:
                spooled.close()

    def __enter__(self) -> "EventSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _path(value: object, what: str) -> str:
    if isinstance(value, (str, os.PathLike)):
        name = os.fspath(value)
        if isinstance(name, str):
            return name
    raise TypeError(f"{what} is named by a path (str or os.PathLike), got {type(value).__name__}")


def read_events(*paths: Union[str, os.PathLike[str]], fmt: Optional[str] = None,
                mapping: Optional[str] = None, coverage: Optional[Union[str, os.PathLike[str]]] = None) -> EventSource:
    """Name one or more event files; missing files fail here, contents are read during evaluate.

    `fmt`: yaml, json, jsonl, csv, acled or ucdp (default: from the name; a CSV's header tells ACLED
    and UCDP exports apart). `mapping`: a YAML file replacing the shipped ACLED/UCDP mapping.
    `-` reads stdin (its format must then be given); a pipe or /dev/stdin works too.
    `coverage`: a YAML file of `coverage` entries (what the files record systematically), applied to
    every CSV and JSONL input (YAML and JSON files declare theirs in a `coverage:` header; ACLED and
    UCDP exports from their own scope); refused when no input is CSV or JSONL.
    """
    if not paths:
        raise TypeError("read_events needs at least one event file")
    names = tuple(_path(p, "an event file") for p in paths)
    if names.count(sources.STDIN) > 1:
        raise InputFileError("stdin (-) is named more than once: it can be read only once")
    if fmt is not None and fmt not in sources.ALL_FORMATS:
        raise InputFileError(f"unknown events format '{fmt}'; use one of {', '.join(sources.ALL_FORMATS)}")
    for name in names:
        sources.check(name, fmt)
    if mapping is not None:
        mapping = _path(mapping, "a mapping file")
    if fmt in ("acled", "ucdp") or mapping:
        from doha_compliance.intake.exports.importers import load_mapping
        load_mapping(fmt or "acled", mapping)  # a bad mapping file fails before any event is read
    sidecar = None
    if coverage is not None:
        sidecar = _path(coverage, "a coverage file")
        if not any(sources.format_of(name, fmt, mapping) in ("csv", "jsonl") for name in names
                   if not sources.is_stream(name)) and fmt not in ("csv", "jsonl"):
            raise InputFileError(f"{sidecar}: a coverage file declares what CSV and JSONL inputs record, and no "
                                 "input is one: YAML and JSON files declare theirs in a `coverage:` header, "
                                 "ACLED and UCDP exports from their own scope")
        declarations.sidecar(sidecar)  # a bad coverage file fails before any event is read
    return EventSource(names, fmt, mapping, sidecar)


def _event_row(event: Event, index: int) -> RawRow:
    """An Event made by hand is checked like a row: the same contract, the same vocabulary."""
    data = dict(event.extra)
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        if value is not None:
            data[name] = value
    return RawRow(event.where or f"<events>:{index}", data)


def _rows(events: Iterable[EventInput]) -> Iterator[RawRow]:
    for index, item in enumerate(events, start=1):
        if isinstance(item, RawRow):
            yield item
        elif isinstance(item, Event):
            yield _event_row(item, index)
        elif isinstance(item, dict):
            yield RawRow(f"<events>:{index}", item)
        else:
            yield RawRow(f"<events>:{index}", None, f"an event must be a mapping of fields, got {type(item).__name__}")


def find_event(agreement: Agreement, events: Iterable[EventInput], event_id: str) -> Optional[Union[Event, Rejection]]:
    """The first row with this id, checked (an Event, or its Rejection); None if no row has it.
    A row outside the agreement's area and period is a Rejection saying so (it was never checked).
    Reads lazily and stops there: nothing else is held."""
    if isinstance(events, EventSource):
        events = events.for_agreement(agreement)  # issue 27: an export through the rule set's own mapping
    for row in _rows(events):
        raw = row.data.get("id") if row.data is not None else row.id
        if raw is not None and not isinstance(raw, bool) and str(raw).strip() == event_id:
            away = outside(agreement, row)  # issue 27: never checked against this agreement's vocabulary
            if away is not None:
                return Rejection(row.where, event_id, f"outside the agreement's area and period: {away}")
            return check_row(row, agreement)
    return None


class _Intake:
    """Rows in, valid events out (lazily); counts and rejections kept on the side."""

    def __init__(self, agreement: Agreement, events: Iterable[EventInput],
                 on_reject: Optional[Callable[[Rejection], None]], max_errors: Optional[int]):
        self.agreement, self.rows, self.on_reject, self.max_errors = agreement, events, on_reject, max_errors
        self.read = 0
        self.rejected: Spool[Rejection] = rejections_spool()
        self.ids = IdLedger()
        self.imports = ImportTally()  # evaluated rows per file and mapping outcome, for the report
        self.outside = 0  # issue 27: rows outside the agreement's area and period, never checked
        self.area = area_filter(agreement)

    def __iter__(self) -> Iterator[Event]:
        agreement, first_seen, tally = self.agreement, self.ids.first_seen, self.imports.add  # (a million rows)
        # issue 27: rows checked elsewhere (fanout.partitions, on Dask workers) come as their results, Event
        # or Rejection, or None for a row outside the agreement's area; everything order-dependent is done here
        checked = getattr(self.rows, "checked", False)
        # an EventSource gives RawRows only: `_rows` (which turns dicts and Events into rows) is skipped
        rows: Iterable[Any] = (self.rows if checked else iter(self.rows) if isinstance(self.rows, EventSource)
                               else _rows(self.rows))
        area = None if checked else self.area  # rows checked elsewhere were routed there too (None: outside)
        for row in rows:
            self.read += 1
            if row is None or (area is not None and row.data is not None and area(row.data) is not None):
                self.outside += 1
                continue
            result: Union[Event, Rejection] = row if checked else check_row(row, agreement)
            if isinstance(result, Event):
                seen = first_seen(result.id, result.where)
                if seen is None:
                    tally(result)
                    yield result
                    continue
                result = Rejection(result.where, result.id, f"duplicate id '{result.id}' (first seen at {seen})", "id")
            if isinstance(result, Rejection):
                self.rejected.append(result)
                if self.on_reject:
                    self.on_reject(result)
                if self.max_errors is not None and len(self.rejected) >= self.max_errors:
                    raise TooManyRejections(self.rejected, self.read)


def collect(agreement: Agreement, events: Iterable[EventInput],
            on_reject: Optional[Callable[[Rejection], None]] = None,
            max_errors: Optional[int] = None) -> tuple[List[Event], List[Rejection], int]:
    """Validate rows: (accepted events, rejections, rows read). Duplicate ids: the later row is rejected."""
    intake = _Intake(agreement, events, on_reject, max_errors)
    accepted = list(intake)
    return accepted, list(intake.rejected), intake.read


def evaluate(agreement: Agreement, events: Iterable[EventInput], as_of: Optional[dt.date] = None,
             engine: Optional[str] = None, on_reject: Optional[Callable[[Rejection], None]] = None,
             max_errors: Optional[int] = None, strict: bool = False, lateness_days: int = 0,
             coverage: Optional[Iterable[SourceCoverage]] = None) -> Report:
    """Judge every event against the agreement's rules, as of a date (default: the latest event's).

    `coverage`: what sources declare they record systematically (`SourceCoverage`), besides what
    the files of a `read_events` source declare themselves (a `coverage:` header, an ACLED or UCDP
    export's scope, `read_events(..., coverage=FILE)`). A continuing commitment is `complied` only
    over the spans they (or a monitor's statement) cover: silence elsewhere is not compliance.

    Bad rows are returned in `report.rejected`; with `strict=True` the first one raises EventError.
    Events in date order (within `lateness_days`) stream straight through the engine; a stream
    in any other order is sorted externally first (a re-readable source — files, a list, or an
    object with `reiterable = True` — is read again; a one-shot iterator is sorted from the start).

    `engine`: "durable" (durable_rules decides), "python" (the same decisions in Python), "reference"
    (the plain-Python oracle, every event in memory), or None: durable where durable_rules works
    here, else python. `report.inputs.engine` says which ran.
    """
    _check_arguments(agreement, events, as_of, engine, lateness_days, max_errors)
    for_agreement = getattr(events, "for_agreement", None)  # an EventSource, or a wrapper handing it on
    if callable(for_agreement):
        events = for_agreement(agreement)  # issue 27: an export through the rule set's own mapping
    declared = _declared(coverage)
    engine = deciders.resolve(engine)  # EngineUnavailable (before any event is read) if durable cannot run
    if strict:
        def raise_first(r: Rejection) -> None:
            raise EventError(Location(r.where, None, r.field), r.reason)
        on_reject = raise_first
    if isinstance(events, (EventSource, list, tuple)) or getattr(events, "reiterable", False):
        told = [0]

        def tell(r: Rejection) -> None:
            told[0] += 1
            if on_reject:
                on_reject(r)
        try:
            return _evaluate(agreement, events, as_of, engine, tell, max_errors, lateness_days, declared)
        except OutOfOrder:
            # Read again, sorted; rows already reported as rejected are not reported twice.
            already = told[0]
            seen = [0]

            def tell_new(r: Rejection) -> None:
                seen[0] += 1
                if seen[0] > already and on_reject:
                    on_reject(r)
            return _evaluate(agreement, events, as_of, engine, tell_new, max_errors, None, declared)
    return _evaluate(agreement, events, as_of, engine, on_reject, max_errors, None, declared)


def _declared(coverage: object) -> Tuple[SourceCoverage, ...]:
    if coverage is None:
        return ()
    if isinstance(coverage, (SourceCoverage, str, bytes, Mapping)) or not isinstance(coverage, Iterable):
        raise TypeError("coverage is a list of SourceCoverage declarations, got "
                        f"{type(coverage).__name__}")
    items = tuple(coverage)
    for item in items:
        if not isinstance(item, SourceCoverage):
            raise TypeError(f"coverage is a list of SourceCoverage declarations, got one {type(item).__name__}")
    return items


def _cut(sources: Iterable[SourceCoverage], as_of: dt.date) -> Tuple[SourceCoverage, ...]:
    """Each declaration cut at the report date (what it covers after it says nothing yet), in order, once."""
    out = []
    for s in sources:
        if s.start <= as_of:
            out.append(attrs.evolve(s, end=min(s.end, as_of)))
    return tuple(sorted(set(out), key=lambda s: (s.source, s.start, s.end, s.types, s.provinces,
                                                 s.min_fatalities, s.declared_by, s.note)))


def _check_arguments(agreement: object, events: object, as_of: object, engine: object, lateness_days: object,
                     max_errors: object) -> None:
    """Clear TypeError/ValueError for a call that cannot mean what it says (evaluate("f.yaml")
    would otherwise read the name's characters as events)."""
    if not isinstance(agreement, Agreement):
        raise TypeError("evaluate's first argument is a rule set from load_rules(folder), "
                        f"got {type(agreement).__name__}")
    if isinstance(events, (str, bytes, os.PathLike)):
        raise TypeError(f"events must be events, not a file name ({events!r:.80}): "
                        "pass read_events(path), e.g. evaluate(rules, read_events(path))")
    if isinstance(events, (Mapping, Event, RawRow)):
        raise TypeError(f"events must be a list (or another iterable) of events, got one {type(events).__name__}: "
                        "put a single event in a list")
    if not isinstance(events, Iterable):
        raise TypeError(f"events must be a list (or another iterable) of events, got {type(events).__name__}")
    if as_of is not None:
        if isinstance(as_of, dt.datetime):
            raise TypeError("as_of is a calendar day (datetime.date), got a datetime: pass as_of.date()")
        if isinstance(as_of, str):
            raise TypeError(f"as_of is a datetime.date, got the text {as_of!r:.40}: "
                            "pass datetime.date.fromisoformat(...)")
        if not isinstance(as_of, dt.date):
            raise TypeError(f"as_of is a datetime.date, got {type(as_of).__name__}")
        try:
            check_day(as_of)
        except ValueError:
            raise ValueError(f"as_of {as_of.isoformat()} is outside the dates this tool reads "
                             f"({DATE_RANGE_TEXT})") from None
    if engine not in (None, "auto", "durable", "python", "reference"):
        raise ValueError(f"unknown engine {engine!r}: use 'durable', 'python' or 'reference' (or None: the best here)")
    if not isinstance(lateness_days, int) or isinstance(lateness_days, bool):
        raise TypeError(f"lateness_days is a whole number of days, got {type(lateness_days).__name__}")
    if not 0 <= lateness_days <= MAX_WINDOW_DAYS:
        raise ValueError(f"lateness_days must be 0 to {MAX_WINDOW_DAYS:,}, got {lateness_days}")
    if max_errors is not None:
        if not isinstance(max_errors, int) or isinstance(max_errors, bool):
            raise TypeError(f"max_errors is a whole number, got {type(max_errors).__name__}")
        if max_errors < 1:
            raise ValueError(f"max_errors must be 1 or more, got {max_errors}")


def _evaluate(agreement: Agreement, events: Iterable[EventInput], as_of: Optional[dt.date], engine: str,
              on_reject: Optional[Callable[[Rejection], None]], max_errors: Optional[int],
              lateness_days: Optional[int], declared: Tuple[SourceCoverage, ...] = ()) -> Report:
    """One pass: in event time with a watermark (lateness_days), or sorted externally (None)."""
    intake = _Intake(agreement, events, on_reject, max_errors)
    later = [0]
    seen = _Seen(Unclaimed(agreement))

    def in_scope(ordered: Iterable[Event], report_date: Optional[dt.date]) -> Iterator[Event]:
        for event in ordered:
            if report_date is not None and event.date > report_date:
                later[0] += 1
                continue
            seen.add(event)
            seen_day(event.date)
            judge.saw(event)
            yield event

    judge = judge_for(agreement)  # with contested readings, a judge for each reading
    seen_day = judge.saw_day  # issue 15: the days the input covers (levels)

    def match(ordered: Iterable[Event], report_date: Optional[dt.date]) -> Matches:
        if engine != "reference":  # findings are judged day by day, as the stream advances
            # a day is judged in parts (issue 23) by one judge; with contested readings, whole days
            on_part = judge.take_part if isinstance(judge, Judge) else None
            return durable_matches(judge.matching, in_scope(ordered, report_date), on_day=judge.take, decider=engine,
                                   on_part=on_part)
        return reference_matches(judge.matching, list(in_scope(ordered, report_date)))

    if lateness_days is not None:
        streamed = InEventTime(intake, lateness_days)
        matches = match(streamed, as_of)
        latest, evaluated = streamed.latest, streamed.count
    else:
        with SortedEvents(intake) as ordered:
            matches = match(ordered, as_of or ordered.latest)
            latest, evaluated = ordered.latest, ordered.count
    as_of = as_of or latest or agreement.signed
    declared_of = getattr(events, "declared", None)  # an EventSource, or a wrapper handing it on
    if callable(declared_of):
        declared += tuple(declared_of())
    sources = _cut(declared, as_of)
    result = judge.finish(matches, as_of, (seen.first, seen.last), known=intake.ids.contains, sources=sources)
    inputs = Inputs(read=intake.read, evaluated=evaluated, rejected=len(intake.rejected), after_as_of=later[0],
                    outside=intake.outside, engine=engine)
    report = Report(agreement=agreement, as_of=as_of, inputs=inputs, rejected=intake.rejected.finish(),
                    findings=result.findings, claims=result.claims, not_assessed=result.not_assessed,
                    events=result.events, imports=intake.imports.counts(),
                    coverage=Coverage(seen.first, seen.last, seen.unattributed),
                    unattributed=seen.unclaimed.finish(),
                    defaults=result.defaults, series=result.series, sources=sources)
    scored: Report = with_scores(report)  # issue 15: scores by month, from the findings
    return scored


class _Seen:
    """The events judged (dated up to the report date): first and last date, and how many no one claimed."""

    def __init__(self, unclaimed: Unclaimed) -> None:
        self.first: Optional[dt.date] = None
        self.last: Optional[dt.date] = None
        self.unattributed = 0
        self.unclaimed = unclaimed  # issue 24: each act nobody claimed, with what it would bear on

    def add(self, event: Event) -> None:
        if self.first is None or event.date < self.first:
            self.first = event.date
        if self.last is None or event.date > self.last:
            self.last = event.date
        if event.actor == UNKNOWN:
            self.unattributed += 1
            self.unclaimed.add(event)
