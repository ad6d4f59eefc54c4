"""Every agreement over one export on Dask (issue 27), against evaluating them one after another.

    python benchmarks/dask_fanout.py --n 100000 [--partition 20000] [--workers 2]

The export is one JSONL file in date order, as a global export is: a third of its rows in Afghanistan
(benchmarks/synthetic.py's mixed Doha stream), a third in Lebanon, a third in Ukraine, each row naming
its `country` and using its agreement's vocabulary (the shape of benchmarks/many.py's export). Two ways
to the three reports (rules/doha, rules/lebanon-2024, rules/minsk-2), both in this process:

  sequential  api.evaluate for each agreement, one after another, each reading the whole export
  dask        fanout.on_dask.evaluate_on_dask on a LocalCluster of `--workers` worker processes
              (one thread each): one read on the client, one task per (agreement, partition), one
              report task per agreement, the reports brought back

Wall time, and CPU time: this process's (the LocalCluster's scheduler runs in it) plus each worker's,
measured inside the worker. Memory: each worker's peak RSS, and, run here under tracemalloc, the peak
Python memory of one check task (one partition) and of one report task (one agreement, every
partition), with the sizes of what travels (a partition, its checked results, a shipped report).
The JSON reports of both ways are compared byte for byte: they must be the same.
"""
from __future__ import annotations

import argparse
import io
import os
import pickle
import resource
import sys
import tempfile
import time
import tracemalloc
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)


RULES = ("rules/doha", "rules/lebanon-2024", "rules/minsk-2")
# the export: the many-agreements benchmark's own (a third each in Afghanistan, Lebanon, Ukraine)
from many import write_export  # noqa: E402


def _warm() -> None:
    """Import what a task needs (in a worker: a long-running cluster's workers have)."""
    import doha_compliance.fanout.on_dask  # noqa: F401
    from doha_compliance.matching.durable import deciders
    if deciders.resolve(None) == "durable":
        import doha_compliance.matching.durable.host  # noqa: F401


def _cpu() -> float:
    return time.process_time()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _json(report: Any) -> str:
    from doha_compliance.renderers import writer
    out = io.StringIO()
    writer(report, "json")(out)
    return out.getvalue()


def task_memory(agreements: list, export: str, size: int) -> Dict[str, float]:
    """Peak Python memory (tracemalloc) of one check task and of one report task (the Doha agreement's),
    and the sizes of what travels, run in this process."""
    import doha_compliance as dc
    from doha_compliance import api
    from doha_compliance.fanout import on_dask, partitions
    from doha_compliance.fanout.options import Options
    parts = list(partitions.cut(api._rows(dc.read_events(export)), size))
    doha = agreements[0]
    tracemalloc.start()
    checked = [partitions.check(doha, parts[0])]
    check_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    checked += [partitions.check(doha, part) for part in parts[1:]]
    tracemalloc.start()
    held = sum(len(c) for c in checked)
    tracemalloc.reset_peak()
    shipped = on_dask._report(doha, Options(), (), True, *checked)
    report_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"partitions": len(parts), "partition_mb": len(parts[0]) / 2**20, "check_peak_mb": check_peak / 2**20,
            "checked_mb": max(len(c) for c in checked) / 2**20, "checked_all_mb": held / 2**20,
            "report_peak_mb": report_peak / 2**20, "shipped_mb": len(pickle.dumps(shipped)) / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--partition", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.chdir(ROOT)
    import distributed

    import doha_compliance as dc
    from doha_compliance.fanout.on_dask import evaluate_on_dask
    from doha_compliance.fanout.options import Options
    agreements = [dc.load_rules(path) for path in RULES]
    with tempfile.TemporaryDirectory() as folder:
        export = os.path.join(folder, "export.jsonl")
        write_export(export, args.n)
        print(f"N = {args.n:,} events x 3 agreements ({os.path.getsize(export) / 2**20:.1f} MB JSONL), "
              f"partitions of {args.partition:,} rows, {args.workers} workers")

        wall, cpu = time.perf_counter(), _cpu()
        plain = {a.id: dc.evaluate(a, dc.read_events(export)) for a in agreements}
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        print(f"  sequential  wall {wall:7.2f} s   CPU {cpu:7.2f} s   peak RSS {_peak_mb():.0f} MB")
        for a in agreements:
            i = plain[a.id].inputs
            print(f"    {a.id}: read {i.read:,}, evaluated {i.evaluated:,}, rejected {i.rejected:,}, "
                  f"outside {getattr(i, 'outside', 'n/a')}, findings {len(plain[a.id].findings):,}")

        with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=50) as cluster, \
                distributed.Client(cluster) as client:
            # the workers are up and have imported what a task needs (a long-running cluster has)
            client.run(_warm)
            before = client.run(_cpu)
            base_rss = client.run(_peak_mb)
            wall, cpu = time.perf_counter(), _cpu()
            with distributed.get_task_stream(client) as stream:
                got = evaluate_on_dask(agreements, dc.read_events(export), Options(), client,
                                       partition_rows=args.partition)
                wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            after = client.run(_cpu)
            peaks = client.run(_peak_mb)
        workers = sum(after[w] - before[w] for w in after)
        print(f"  dask        wall {wall:7.2f} s   CPU {cpu + workers:7.2f} s (client {cpu:.2f}, workers "
              f"{workers:.2f})   worker peak RSS {', '.join(f'{peaks[w]:.0f}' for w in sorted(peaks))} MB "
              f"(after start-up {', '.join(f'{base_rss[w]:.0f}' for w in sorted(base_rss))} MB)")
        from dask.utils import key_split
        spent: Dict[str, list] = {}
        for task in stream.data:
            for step in task["startstops"]:
                if step["action"] == "compute":
                    spent.setdefault(key_split(task["key"]), []).append(step["stop"] - step["start"])
        print("  tasks (seconds computing, as the workers' clocks say): " + "; ".join(
            f"{name} {len(times)} tasks, {sum(times):.2f} s in all, longest {max(times):.2f} s"
            for name, times in sorted(spent.items())))
        same = all(_json(got[a.id]) == _json(plain[a.id]) for a in agreements)
        print(f"  JSON reports byte-identical: {same}")
        memory = task_memory(agreements, export, args.partition)
        print("  per task (tracemalloc, Python memory; the Doha agreement): "
              f"check of one partition peak {memory['check_peak_mb']:.1f} MB "
              f"(partition {memory['partition_mb']:.1f} MB packed, its results at most {memory['checked_mb']:.1f} MB); "
              f"report task peak {memory['report_peak_mb']:.1f} MB over {memory['partitions']} partitions "
              f"({memory['checked_all_mb']:.1f} MB of results in), shipped report {memory['shipped_mb']:.1f} MB")


if __name__ == "__main__":
    main()
