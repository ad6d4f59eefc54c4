"""Every agreement over one export on a Dask cluster (issue 27): one task per (agreement, partition),
then one task per agreement that makes its report — on Dask's own scheduler, not a home-made one.

The client reads the input once (any format the tool reads: a CSV's quoted newlines, a YAML file's
header, an export's scope need the whole file, so it is not split by byte range) and cuts it into
partitions of consecutive rows (`partitions.cut_each`: with a rule set's own export mapping, issue 27,
the partition as each distinct mapping reads it), each sent to the cluster once as packed bytes
while the next is read. For each agreement, a task per partition routes and checks its rows
(row-local work: `partitions.check`); then one task per agreement feeds the checked results, in
partition order, through the same api.evaluate as a plain run (`partitions.CheckedStream`): duplicate
ids, event-time order, windows, claims, levels and continuing commitments see the whole stream of
that agreement in input order, so each report is byte for byte the one api.evaluate makes.

The rule sets are shipped loaded (an Agreement pickles to tens of kB), once to every worker: a worker
needs the package installed, not the rule folders. The reports come back with their long lists
(spools, on the worker's disk) packed in the message and spooled again on the client
(`_Shipped`). docs/distributed.md says what each worker holds and where partitioning would break.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple, Union, cast

import attrs

from doha_compliance import api
from doha_compliance._util.spool import (
    Spool,
    claims_spool,
    events_spool,
    findings_spool,
    rejections_spool,
    unclaimed_spool,
)
from doha_compliance.errors import ComplianceError, TooManyRejections
from doha_compliance.models import Agreement, Rejection, SourceCoverage
from doha_compliance.report.report import Report

from .options import Options
from .partitions import PARTITION_ROWS, CheckedStream, check, cut_each, readings

# The names Dask's local schedulers answer to (dask.compute(scheduler=...)); a distributed Client is
# the other thing `scheduler` may be.
SCHEDULERS = ("synchronous", "threads", "processes")

# A report's lists that may be spools, and how each is made again on the client
_SPOOLS: Dict[str, Callable[[], Spool[Any]]] = {
    "rejected": rejections_spool, "findings": findings_spool, "claims": claims_spool, "events": events_spool,
    "unattributed": unclaimed_spool}


def evaluate_on_dask(agreements: Sequence[Agreement], events: Iterable[api.EventInput], options: Options,
                     scheduler: object, partition_rows: int = PARTITION_ROWS) -> Dict[str, Report]:
    """Each agreement's report over the events, keyed by agreement id in the order given, each equal
    to api.evaluate(agreement, events, ...) with the options'.

    `scheduler`: a dask.distributed Client (a LocalCluster's or a real cluster's), a scheduler's address
    ("tcp://host:8786": a Client is opened for the call and closed after), or the name of one of Dask's
    local schedulers: "synchronous", "threads" or "processes". `partition_rows`: rows per partition of
    the input (one task per agreement and partition).

    An agreement that cannot be evaluated raises what evaluate raises (TooManyRejections, with the
    rejections so far; a ComplianceError), once every agreement has been tried."""
    agreements = tuple(agreements)
    shipped = _run(agreements, events, options, scheduler, partition_rows)
    return {agreement.id: _land(agreement, one) for agreement, one in zip(agreements, shipped)}


def outcomes_on_dask(agreements: Sequence[Agreement], events: Iterable[api.EventInput], options: Options,
                     scheduler: object, partition_rows: int = PARTITION_ROWS) -> Dict[str, Union[Report, str]]:
    """As evaluate_on_dask, but an agreement that cannot be evaluated gets one line saying why instead of
    its report (as fanout.processes' outcomes: one failing agreement does not stop the others)."""
    agreements = tuple(agreements)
    shipped = _run(agreements, events, options, scheduler, partition_rows)
    outcomes: Dict[str, Union[Report, str]] = {}
    for agreement, one in zip(agreements, shipped):
        try:
            outcomes[agreement.id] = _land(agreement, one)
        except TooManyRejections as exc:
            outcomes[agreement.id] = (f"stopped: {len(exc.rejected)} events rejected (max_errors "
                                      f"{options.max_errors}), the last at {exc.rejected[-1].where}: "
                                      f"{exc.rejected[-1].reason}")
        except ComplianceError as exc:
            outcomes[agreement.id] = str(exc)
    return outcomes


def _run(agreements: Tuple[Agreement, ...], events: Iterable[api.EventInput], options: Options,
         scheduler: object, partition_rows: int) -> List[Any]:
    """What every agreement's report task returned, in the order given."""
    ids = [a.id for a in agreements]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"each agreement is evaluated once: {', '.join(twice)} is given more than once")
    if not isinstance(options, Options):
        raise TypeError(f"options is a fanout.Options, got {type(options).__name__}")
    if not isinstance(partition_rows, int) or isinstance(partition_rows, bool) or partition_rows < 1:
        raise ValueError(f"partition_rows is a whole number of rows, 1 or more, got {partition_rows!r}")
    for agreement in agreements:  # a wrong argument fails here, before anything is read or sent
        api._check_arguments(agreement, events, options.as_of, options.engine, options.lateness_days,
                             options.max_errors)
    try:
        importlib.import_module("dask")
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise ComplianceError("evaluating on Dask needs the dask extra: pip install 'doha-compliance[dask]'") from None
    reiterable = isinstance(events, (api.EventSource, list, tuple)) or bool(getattr(events, "reiterable", False))
    if isinstance(scheduler, distributed.Client):
        return _on_client(scheduler, agreements, events, options, partition_rows, reiterable)
    if isinstance(scheduler, str) and scheduler in SCHEDULERS:
        return _on_local(scheduler, agreements, events, options, partition_rows, reiterable)
    if isinstance(scheduler, str) and "://" in scheduler:
        try:
            client = distributed.Client(scheduler, timeout=30)
        except OSError as exc:
            raise ComplianceError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            return _on_client(client, agreements, events, options, partition_rows, reiterable)
    raise ValueError(f"scheduler is a dask.distributed Client, a scheduler's address (tcp://host:port) or one of "
                     f"{', '.join(SCHEDULERS)}, got {scheduler!r:.80}")


def _on_client(client: Any, agreements: Tuple[Agreement, ...], events: Iterable[api.EventInput],
               options: Options, size: int, reiterable: bool) -> List[Any]:
    """With a distributed Client: each partition is scattered once as it is read, its checks submitted
    at once (the cluster checks while the client reads on); the reports are made when all are read."""
    rules = [client.scatter(agreement, broadcast=True, hash=False) for agreement in agreements]
    checked: List[List[Any]] = [[] for _ in agreements]
    reading = readings(agreements, events)  # issue 27: each rule set's own export mapping, one read
    for partitions in cut_each(reading.rows, max(reading.group) + 1, size):
        sent = client.scatter(list(partitions), hash=False)
        for futures, agreement, group in zip(checked, rules, reading.group):
            futures.append(client.submit(check, agreement, sent[group], pure=False))
        del sent  # held by the scheduler until every agreement's check of it has run
    reports = [client.submit(_report, agreement, options, reading.declared(index), reiterable, *futures, pure=False)
               for index, (agreement, futures) in enumerate(zip(rules, checked))]
    return list(client.gather(reports))


def _on_local(scheduler: str, agreements: Tuple[Agreement, ...], events: Iterable[api.EventInput],
              options: Options, size: int, reiterable: bool) -> List[Any]:
    """With one of Dask's local schedulers: the same graph, built whole (the partitions in it) first."""
    dask = importlib.import_module("dask")
    reading = readings(agreements, events)  # issue 27: each rule set's own export mapping, one read
    parts = list(cut_each(reading.rows, max(reading.group) + 1, size))
    checking = dask.delayed(check, pure=False)
    reporting = dask.delayed(_report, pure=False)
    reports = []
    for index, (agreement, group) in enumerate(zip(agreements, reading.group)):
        rules = dask.delayed(agreement, traverse=False)
        reports.append(reporting(rules, options, reading.declared(index), reiterable,
                                 *(checking(rules, part[group]) for part in parts)))
    return list(dask.compute(*reports, scheduler=scheduler))


@attrs.frozen
class _Shipped:
    """A report as it travels from a worker: its spooled lists emptied, their items sent packed
    (a spool's file is on the worker's disk)."""

    report: Report
    lists: Tuple[Tuple[str, List[Any]], ...]


@attrs.frozen
class _Failed:
    """The agreement could not be evaluated: why, in one line."""

    reason: str


@attrs.frozen
class _Stopped:
    """More rows were rejected than max_errors allows: the rejections so far, to raise on the client."""

    rejected: Tuple[Rejection, ...]
    read: int


def _report(agreement: Agreement, options: Options, declared: Tuple[SourceCoverage, ...], reiterable: bool,
            *parts: bytes) -> Any:
    """One agreement's report from its partitions' checked results, in partition order (one Dask task)."""
    stream = CheckedStream(parts, declared, reiterable)
    try:
        # the checked results stand for the rows they were checked from (api._Intake takes them as they are)
        report = api.evaluate(agreement, cast(Iterable[api.EventInput], stream), as_of=options.as_of,
                              engine=options.engine, max_errors=options.max_errors, lateness_days=options.lateness_days,
                              coverage=options.coverage)
    except TooManyRejections as stop:
        return _Stopped(tuple(stop.rejected), stop.read)
    except ComplianceError as exc:  # its words; the other agreements go on
        return _Failed(str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug: one line for this agreement, as fanout.processes says it
        return _Failed(f"failed: {type(exc).__name__}: {exc}")
    lists = []
    emptied: Dict[str, Any] = {}
    for name in _SPOOLS:
        value = getattr(report, name)
        if isinstance(value, Spool):
            lists.append((name, list(value.packed())))
            emptied[name] = ()
    return _Shipped(attrs.evolve(report, **emptied), tuple(lists))


def _land(agreement: Agreement, shipped: Any) -> Report:
    """The report on the client: each list spooled again (on the client's disk past the spool's limit)."""
    if isinstance(shipped, _Stopped):
        raise TooManyRejections(shipped.rejected, shipped.read)
    if isinstance(shipped, _Failed):
        raise ComplianceError(shipped.reason)
    assert isinstance(shipped, _Shipped)
    lists: Dict[str, Any] = {}
    for name, packed in shipped.lists:
        spool = _SPOOLS[name]()
        for item in packed:
            spool.append_packed(item)
        lists[name] = spool.finish()
    report: Report = attrs.evolve(shipped.report, agreement=agreement, **lists)
    return report
