"""Every agreement over one input on Dask (issue 27): on a local cluster of two worker processes, each
report is byte for byte the one api.evaluate makes, whatever the partitions cut through.

The partitions are 7 rows here, so that each of the cases that need the whole stream of an agreement
(a duplicate id, events out of date order, the windows and claims of the bundled examples) spans
several partitions, checked in different processes."""
from __future__ import annotations

import datetime as dt
import io

import pytest

pytest.importorskip("dask", reason="the Dask path needs the dask extra: pip install 'doha-compliance[dask]'")
distributed = pytest.importorskip("distributed", reason="the Dask path needs dask[distributed] (the dask extra)")

import doha_compliance as dc  # noqa: E402
from doha_compliance._util import spool  # noqa: E402
from doha_compliance.errors import TooManyRejections  # noqa: E402
from doha_compliance.fanout import evaluate_many  # noqa: E402
from doha_compliance.fanout.on_dask import evaluate_on_dask, outcomes_on_dask  # noqa: E402
from doha_compliance.fanout.options import Options  # noqa: E402
from doha_compliance.renderers import writer  # noqa: E402

RULES = ("rules/doha", "rules/lebanon-2024", "rules/minsk-2")
EVENTS = ("examples/oct2020/events.yaml", "examples/lebanon_2024/events.yaml", "examples/minsk_2/events.yaml")
ROWS = 12 + 70 + 52  # the three files' events
SMALL = 7  # rows a partition


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def agreements():
    return [dc.load_rules(path) for path in RULES]


def _bytes(report: dc.Report, fmt: str) -> str:
    out = io.StringIO()
    writer(report, fmt)(out)
    return out.getvalue()


def _limit(n: int) -> int:
    """Set the spool limit in this process (a worker's, through client.run); the old one back."""
    old, spool.LIMIT = spool.LIMIT, n
    return old


def _same(got: dc.Report, expected: dc.Report) -> None:
    for fmt in ("json", "text"):
        assert _bytes(got, fmt) == _bytes(expected, fmt), fmt


def test_each_agreement_over_the_three_examples_is_evaluate_byte_for_byte(client, agreements, monkeypatch):
    """134 rows in 20 partitions, 3 agreements: 60 checks on two worker processes, 3 reports. Spools hold 3
    items in memory here and on the workers, so the reports' lists travel from the workers' disks."""
    monkeypatch.setattr(spool, "LIMIT", 3)
    old = client.run(_limit, 3)
    try:
        got = evaluate_on_dask(agreements, dc.read_events(*EVENTS), Options(), client, partition_rows=SMALL)
    finally:
        client.run(_limit, next(iter(old.values())))
    assert list(got) == ["doha-2020", "lebanon-2024", "minsk-2"]
    for agreement in agreements:
        expected = dc.evaluate(agreement, dc.read_events(*EVENTS))
        report = got[agreement.id]
        assert report.inputs.read == ROWS
        inputs = report.inputs  # (outside: rows outside the agreement's area and period, with fanout's areas)
        assert inputs.read == inputs.evaluated + inputs.rejected + getattr(inputs, "outside", 0)
        assert report.findings.spilled > 0 and report.rejected.spilled > 0  # spooled again on this side
        assert report.agreement is agreement
        _same(report, expected)


def _rows(n: int) -> list:
    """n Taliban attacks on Afghan forces, one a day from 1 October 2020, ids a1..an."""
    return [{"id": f"a{i}", "date": f"2020-10-{i:02d}", "type": "attack", "actor": "taliban",
             "target": "afghan_forces", "province": "Helmand"} for i in range(1, n + 1)]


def test_a_duplicate_id_in_a_later_partition_is_rejected_citing_the_first(client, agreements):
    rows = _rows(9)
    rows[8]["id"] = "a2"  # row 9 (second partition) repeats row 2's id (first partition)
    doha = agreements[0]
    report = evaluate_on_dask([doha], rows, Options(), client, partition_rows=SMALL)["doha-2020"]
    assert [(r.where, r.id, r.field, r.reason) for r in report.rejected] == [
        ("<events>:9", "a2", "id", "duplicate id 'a2' (first seen at <events>:2)")]
    assert (report.inputs.read, report.inputs.evaluated) == (9, 8)
    _same(report, dc.evaluate(doha, rows))


def test_a_stream_out_of_date_order_across_partitions_gives_evaluate_s_report(client, agreements):
    """The second partition's three attacks (1-3 October) come after the first's seven (4-10 October):
    read in date order anyway (evaluate re-reads the stream sorted), as one stream would be."""
    rows = _rows(10)
    rows = rows[3:] + rows[:3]
    doha = agreements[0]
    report = evaluate_on_dask([doha], rows, Options(), client, partition_rows=SMALL)["doha-2020"]
    assert (report.inputs.read, report.inputs.evaluated, report.inputs.rejected) == (10, 10, 0)
    assert (str(report.coverage.first), str(report.coverage.last)) == ("2020-10-01", "2020-10-10")
    _same(report, dc.evaluate(doha, rows))
    # a stream that can be read once only is sorted from the start: the same report
    once = evaluate_on_dask([doha], iter(rows), Options(), client, partition_rows=SMALL)["doha-2020"]
    _same(once, dc.evaluate(doha, iter(rows)))


def test_options_reach_every_agreement(client, agreements):
    options = Options(as_of=dt.date(2020, 10, 20), lateness_days=3)
    got = evaluate_on_dask(agreements, dc.read_events(*EVENTS), options, client, partition_rows=50)
    for agreement in agreements:
        _same(got[agreement.id], dc.evaluate(agreement, dc.read_events(*EVENTS), as_of=options.as_of,
                                             lateness_days=3))


def test_too_many_rejections_stops_as_evaluate_does(client, agreements):
    with pytest.raises(TooManyRejections) as plain:
        dc.evaluate(agreements[0], dc.read_events(*EVENTS), max_errors=5)
    with pytest.raises(TooManyRejections) as on_dask:
        evaluate_on_dask(agreements, dc.read_events(*EVENTS), Options(max_errors=5), client, partition_rows=SMALL)
    assert str(on_dask.value) == str(plain.value)
    assert list(on_dask.value.rejected) == list(plain.value.rejected) and len(plain.value.rejected) == 5


def test_one_agreement_stopped_does_not_stop_the_others(client, agreements):
    """With max_errors 70, an agreement stops where evaluate stops, with one line saying where, and the
    others' reports are made. Doha stops (the Lebanon and Minsk files' 122 rows name parties it does not
    know); Lebanon, whose own file is over half the rows, does not."""
    got = outcomes_on_dask(agreements, dc.read_events(*EVENTS), Options(max_errors=70), client,
                           partition_rows=SMALL)
    assert got["doha-2020"].startswith("stopped: 70 events rejected (max_errors 70), the last at ")
    assert isinstance(got["lebanon-2024"], dc.Report)
    for agreement in agreements:
        try:
            expected = dc.evaluate(agreement, dc.read_events(*EVENTS), max_errors=70)
        except TooManyRejections as stop:
            assert got[agreement.id] == (f"stopped: 70 events rejected (max_errors 70), the last at "
                                         f"{stop.rejected[-1].where}: {stop.rejected[-1].reason}")
        else:
            _same(got[agreement.id], expected)


def test_evaluate_many_on_a_scheduler_s_address_and_on_dask_s_local_schedulers(client, agreements):
    """evaluate_many(..., scheduler=): the cluster's address (a Client for the call), and, with no cluster,
    Dask's local schedulers running the same graph in this process (one thread, or a pool of threads:
    the report tasks of three agreements at once)."""
    for scheduler in (client.scheduler.address, "synchronous", "threads"):
        got = evaluate_many(agreements, dc.read_events(*EVENTS), scheduler=scheduler)
        assert list(got) == ["doha-2020", "lebanon-2024", "minsk-2"]
        for agreement in agreements:
            _same(got[agreement.id], dc.evaluate(agreement, dc.read_events(*EVENTS)))
    # no row at all: no partition, and each report is evaluate's over nothing
    got = evaluate_many(agreements, [], scheduler="synchronous")
    for agreement in agreements:
        assert got[agreement.id].inputs.read == 0
        _same(got[agreement.id], dc.evaluate(agreement, []))


def test_a_scheduler_it_does_not_know_is_refused(agreements):
    with pytest.raises(ValueError, match="scheduler is a dask.distributed Client, a scheduler's address"):
        evaluate_on_dask(agreements, [], Options(), "a cluster")
    with pytest.raises(ValueError, match="doha-2020 is given more than once"):
        evaluate_on_dask([agreements[0], agreements[0]], [], Options(), "synchronous")


def test_rows_of_other_countries_are_routed_as_evaluate_routes_them(client, agreements):
    """Rows 2, 5 and 9 are in Syria, outside every bundled agreement's area: counted as outside on the
    workers (read = evaluated + rejected + outside), as evaluate counts them, never checked."""
    rows = [{**row, "country": "Syria" if i in (2, 5, 9) else "Afghanistan"} for i, row in enumerate(_rows(10), 1)]
    got = evaluate_on_dask(agreements, rows, Options(), client, partition_rows=SMALL)
    for agreement in agreements:
        report = got[agreement.id]
        inputs = report.inputs
        assert inputs.read == 10 == inputs.evaluated + inputs.rejected + getattr(inputs, "outside", 0)
        _same(report, dc.evaluate(agreement, rows))


def test_a_row_routed_outside_on_a_worker_is_read_never_checked(agreements, monkeypatch):
    """The routing by itself (intake.area.outside stood in for: Syria is outside): in this process, with
    Dask's synchronous scheduler. Rows 2, 5 and 9 are read, neither evaluated nor rejected; row 9's id
    repeats row 8's, and is no duplicate since it was never checked; row 10's repeats row 1's, and is."""
    from doha_compliance.fanout import partitions
    monkeypatch.setattr(partitions, "outside",
                        lambda agreement, row: "Syria" if row.data and row.data.get("country") == "Syria" else None)
    rows = [{**row, "country": "Syria" if i in (2, 5, 9) else "Afghanistan"} for i, row in enumerate(_rows(10), 1)]
    rows[8]["id"], rows[9]["id"] = "a8", "a1"
    report = evaluate_on_dask(agreements[:1], rows, Options(), "synchronous", partition_rows=SMALL)["doha-2020"]
    assert (report.inputs.read, report.inputs.evaluated + report.inputs.rejected) == (10, 7)
    assert [(r.where, r.reason) for r in report.rejected if r.field == "id"] == [
        ("<events>:10", "duplicate id 'a1' (first seen at <events>:1)")]
