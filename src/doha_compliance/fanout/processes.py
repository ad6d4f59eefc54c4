"""Every agreement over one export, in parallel processes on one machine (issue 27).

Why this shape:
- One read of the input. The parent reads the rows once (an EventSource, a list, any iterable) and
  routes each to the agreements whose area and period it belongs to (`intake.area.outside`), counting
  the others as `outside`. A row goes to a spool per agreement: a temporary file of pickled batches of
  rows, each with its own file:line, so a rejection in a worker still names the original file and line.
  Pickle, not JSON: a row's values come back exactly as they were read (a YAML date stays a date, not
  its text), so a worker checks the very row `evaluate` would have checked (tests/test_many_agreements.py
  holds each bundled example's report through the fan-out to its expected report, byte for byte).
- Each agreement is then one `api.evaluate` over its spool (a re-readable source: a stream out of
  order is sorted as for a file), in a pool of worker processes (`spawn`: never a bare fork of a
  parent that may hold threads), or in this process with
  `jobs=1` — the same code either way, so both give the same bytes.
- What the files declare they cover (a header, an export's scope) is known once the parent has read
  them; it is handed to each agreement as `coverage`, as `evaluate` would have read it from the source.
- A report comes back complete: its long lists (findings, rejections, events) are read into memory in
  the worker before it returns, so nothing refers to a worker's temporary files after it exits.
- An agreement that fails (too many rejections, an engine that cannot run) is one line for that
  agreement; the others are still evaluated.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import tempfile
import threading
from typing import IO, Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import attrs

from doha_compliance import api
from doha_compliance.errors import ComplianceError, TooManyRejections
from doha_compliance.intake.area import area_filter
from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Agreement, SourceCoverage
from doha_compliance.report.report import Report

from .options import Options

BATCH = 2_000  # rows pickled at a time: large enough for speed, small enough to bound memory
PROGRESS_EVERY = 5_000  # rows between two progress messages from a worker

Progress = Callable[[str, int], None]  # (agreement id, rows evaluated so far)
Outcome = Union[Report, str, Any]  # a report, or why there is none (one line), or what `finish` made of it
# What the worker does with a finished report instead of sending it back (the command line writes it
# there: the reports are rendered in parallel, and only a summary crosses back): a picklable callable
# (a top-level function, or an instance of a class in an importable module) taking the report.
Finish = Callable[[Report], Any]


def default_jobs() -> int:
    """The cores this process may use (its affinity where the platform says it), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@attrs.frozen
class Routed:
    """One agreement's share of the input: its spool, how many rows it holds, how many were outside."""

    agreement: Agreement
    spool: str
    rows: int
    outside: int
    declared: Tuple[SourceCoverage, ...] = ()  # what the files it read declare they cover (its own mappings')


class _Writer:
    def __init__(self, path: str):
        self.path = path
        self.fh: IO[bytes] = open(path, "wb")
        self.batch: List[Tuple[Any, ...]] = []
        self.rows = 0
        self.outside = 0

    def add(self, row: RawRow) -> None:
        self.batch.append((row.where, row.data, row.problem, row.field, row.id))
        self.rows += 1
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.fh, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def close(self) -> None:
        self.flush()
        self.fh.close()


def route(agreements: Sequence[Agreement], events: Iterable[Any], folder: str) -> List[Routed]:
    """Read the rows once; each to the spool of every agreement whose area and period it is in. An
    EventSource gives each agreement its own reading of an export's rows (`EventSource.each`: each
    rule set's own mapping, the row mapped once per mapping)."""
    writers = [_Writer(os.path.join(folder, f"{index}.rows")) for index in range(len(agreements))]
    filters = [area_filter(agreement) for agreement in agreements]
    views: Sequence[api.EventSource] = ()
    each_of = getattr(events, "each", None)  # an EventSource (or the command's wrapper of one)
    try:
        if callable(each_of):
            views, each = each_of(agreements)
            triples = list(zip(writers, filters, range(len(agreements))))
            for rows in each:
                for writer, inside, index in triples:
                    row = rows[index]
                    if inside is not None and row.data is not None and inside(row.data) is not None:
                        writer.outside += 1
                    else:
                        writer.add(row)
        else:
            pairs = list(zip(writers, filters))
            for row in api._rows(events):
                data = row.data
                for writer, inside in pairs:
                    if inside is not None and data is not None and inside(data) is not None:
                        writer.outside += 1
                    else:
                        writer.add(row)
    finally:
        for writer in writers:
            writer.close()
    declared = [tuple(view.declared()) for view in views] if views else [()] * len(agreements)
    return [Routed(agreement, w.path, w.rows, w.outside, d) for agreement, w, d in zip(agreements, writers, declared)]


class SpoolRows:
    """An agreement's spooled rows, re-readable (`evaluate` reads again, sorted, a stream out of order);
    every `PROGRESS_EVERY` rows, `tell(agreement id, rows so far)` when given."""

    reiterable = True

    def __init__(self, path: str, name: str, tell: Optional[Progress] = None):
        self.path, self.name, self.tell = path, name, tell

    def __iter__(self) -> Iterator[RawRow]:
        done = 0
        with open(self.path, "rb") as fh:
            while True:
                try:
                    batch = pickle.load(fh)
                except EOFError:
                    break
                for where, data, problem, field, row_id in batch:
                    yield RawRow(where, data, problem, field, row_id)
                done += len(batch)
                if self.tell is not None and done % PROGRESS_EVERY < len(batch):
                    self.tell(self.name, done)
        if self.tell is not None:
            self.tell(self.name, done)


def materialised(report: Report) -> Report:
    """The report with every long list in memory (a Spool's file belongs to the process that made it)."""
    return attrs.evolve(report, rejected=tuple(report.rejected), findings=tuple(report.findings),
                        claims=tuple(report.claims), events=tuple(report.events),
                        unattributed=tuple(report.unattributed))


def evaluate_routed(routed: Routed, options: Options, tell: Optional[Progress] = None,
                    finish: Optional[Finish] = None) -> Outcome:
    """One agreement over its spool: the report `evaluate` gives on the whole input (or what `finish`
    makes of it), or why not."""
    agreement = routed.agreement
    try:
        report = api.evaluate(agreement, SpoolRows(routed.spool, agreement.id, tell), as_of=options.as_of,
                              engine=options.engine, max_errors=options.max_errors,
                              lateness_days=options.lateness_days,
                              coverage=tuple(options.coverage) + routed.declared)
    except TooManyRejections as exc:
        return (f"stopped: {len(exc.rejected)} events rejected (max_errors {options.max_errors}), "
                f"the last at {exc.rejected[-1].where}: {exc.rejected[-1].reason}")
    except ComplianceError as exc:
        return str(exc)
    # The rows outside never reached the spool: read = evaluated + rejected + outside, as `evaluate` counts
    inputs = attrs.evolve(report.inputs, read=report.inputs.read + routed.outside,
                          outside=report.inputs.outside + routed.outside)
    report = attrs.evolve(report, inputs=inputs)
    if finish is not None:
        try:
            return finish(report)
        except ComplianceError as exc:
            return str(exc)
    return materialised(report)


# --- worker processes ----------------------------------------------------------------------------------

_QUEUE: Optional["queue.Queue[Tuple[str, int]]"] = None


def _start_worker(progress: Optional["queue.Queue[Tuple[str, int]]"], cpus: Optional[Tuple[int, ...]]) -> None:
    global _QUEUE
    _QUEUE = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the workers
    if cpus is not None:
        os.sched_setaffinity(0, cpus)  # the workers share the `jobs` cores they were given, no more


def _tell_parent(name: str, done: int) -> None:
    if _QUEUE is not None:
        _QUEUE.put((name, done))


def _in_worker(routed: Routed, options: Options, finish: Optional[Finish]) -> Outcome:
    try:
        return evaluate_routed(routed, options, _tell_parent if _QUEUE is not None else None, finish)
    except Exception as exc:  # one line for this agreement; the others go on
        return f"failed: {type(exc).__name__}: {exc}"


def _context() -> Any:
    """`spawn`: a fresh interpreter per worker (about half a second of imports each, once per run). Not a
    bare fork (the parent may hold threads: a progress bar's, a caller's), and not `forkserver`, whose
    workers are children of a server process: their CPU time would reach no one's accounting (the
    benchmark's `getrusage` of the command), and its preload setting is global to the caller's process."""
    return multiprocessing.get_context("spawn")


def plan(agreements: int, jobs: int) -> Tuple[int, Optional[Tuple[int, ...]]]:
    """(worker processes, the cores they are bound to, or None: all of this process's) for `jobs` cores.

    Each agreement is one indivisible evaluation, so N agreements on `jobs` cores, one process a core,
    leave cores idle at the end (three equal agreements on two cores: two rounds, the second one-core).
    Where the platform binds processes to cores (Linux), up to twice `jobs` workers share the `jobs`
    cores, and the scheduler balances them: three equal agreements on two cores then take 1.5 rounds,
    not 2, and never more than `jobs` cores are busy. Elsewhere, `jobs` workers."""
    try:
        mine = tuple(sorted(os.sched_getaffinity(0)))
        can_bind = hasattr(os, "sched_setaffinity")
    except (AttributeError, OSError):
        mine, can_bind = (), False
    if not can_bind:
        return min(agreements, jobs), None
    cpus = mine[:jobs] if jobs < len(mine) else None
    return min(agreements, 2 * jobs), cpus


class _Pool:
    """The worker processes, started before the input is read: they spawn and import the package while
    the parent routes the rows (half a second each that no longer adds to the wall time)."""

    def __init__(self, workers: int, progress: Optional[Progress], cpus: Optional[Tuple[int, ...]] = None):
        ctx = _context()
        self.told: Optional["queue.Queue[Tuple[str, int]]"] = ctx.Queue() if progress is not None else None
        self.drain: Optional[threading.Thread] = None
        if self.told is not None and progress is not None:
            self.drain = threading.Thread(target=_drain, args=(self.told, progress), daemon=True)
            self.drain.start()
        self.executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                                               initializer=_start_worker, initargs=(self.told, cpus))
        for _ in range(workers):
            self.executor.submit(_warm)

    def evaluate(self, routed: Sequence[Routed], options: Options, finish: Optional[Finish]) -> Dict[str, Outcome]:
        outcomes: Dict[str, Outcome] = {}
        order = sorted(routed, key=lambda r: -r.rows)  # the largest shares first: the last to start is short
        futures = {self.executor.submit(_in_worker, r, options, finish): r.agreement.id for r in order}
        for future in concurrent.futures.as_completed(futures):
            try:
                outcomes[futures[future]] = future.result()
            except concurrent.futures.process.BrokenProcessPool:
                outcomes[futures[future]] = "failed: its worker process ended unexpectedly (out of memory?)"
        return outcomes

    def abort(self) -> None:
        """Ctrl-C, SIGTERM, an error in the parent: the workers are ended now, not waited for."""
        for process in list(getattr(self.executor, "_processes", {}).values()):  # no public way to end them
            process.terminate()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        if self.told is not None and self.drain is not None:
            self.told.put(("", -1))
            self.drain.join(timeout=5)


def _warm() -> None:
    """A worker's first task: the engine imported before any agreement arrives."""
    from doha_compliance.matching.durable import engine  # noqa: F401


def evaluate_all(routed: Sequence[Routed], options: Options, pool: Optional[_Pool],
                 progress: Optional[Progress] = None, finish: Optional[Finish] = None) -> Dict[str, Outcome]:
    """Each agreement's outcome, by id in the order given: in this process (no pool), else in the pool's
    worker processes."""
    if pool is None:
        return {r.agreement.id: evaluate_routed(r, options, progress, finish) for r in routed}
    outcomes = pool.evaluate(routed, options, finish)
    by_id = {r.agreement.id: r.agreement for r in routed}
    out: Dict[str, Outcome] = {}
    for r in routed:
        outcome = outcomes[r.agreement.id]
        # the caller's own Agreement object, not the worker's copy of it
        out[r.agreement.id] = attrs.evolve(outcome, agreement=by_id[r.agreement.id]) \
            if isinstance(outcome, Report) else outcome
    return out


def _drain(told: "queue.Queue[Tuple[str, int]]", progress: Progress) -> None:
    while True:
        name, done = told.get()
        if done < 0:
            return
        progress(name, done)


def run(agreements: Sequence[Agreement], events: Iterable[Any], options: Options, jobs: Optional[int] = None,
        progress: Optional[Progress] = None, on_routed: Optional[Callable[[Sequence[Routed]], None]] = None,
        finish: Optional[Finish] = None) -> Dict[str, Outcome]:
    """Route the input once, then evaluate every agreement: its report (or what `finish` made of it, in
    the worker), or one line on why not; with `jobs` above 1 (default: the cores), in worker processes
    sharing that many cores (`plan`), else in this process. `on_routed` is told each agreement's
    share once the input is read (a progress bar's totals)."""
    cores = default_jobs() if jobs is None else jobs
    workers, cpus = plan(len(agreements), cores)
    folder = tempfile.mkdtemp(prefix="doha-compliance-fanout-")
    pool = _Pool(workers, progress, cpus) if cores > 1 and workers > 1 else None
    try:
        routed = route(agreements, events, folder)
        # what the files declare they cover, now known (an EventSource's: each agreement's, in `Routed`)
        declared_of = None if callable(getattr(events, "each", None)) else getattr(events, "declared", None)
        if callable(declared_of):
            options = attrs.evolve(options, coverage=tuple(options.coverage) + tuple(declared_of()))
        if on_routed is not None:
            on_routed(routed)
        return evaluate_all(routed, options, pool, progress, finish)
    except BaseException:
        if pool is not None:
            pool.abort()
        raise
    finally:
        if pool is not None:
            pool.close()
        shutil.rmtree(folder, ignore_errors=True)
