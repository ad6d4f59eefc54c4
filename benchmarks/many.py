"""The many-agreements contender (issue 27): one export of N events x the three bundled agreements.

    python benchmarks/run.py --many --n 100000

The export is one JSONL file in date order, as a global export is: a third of its rows in Afghanistan
(benchmarks/synthetic.py's mixed Doha stream, from March 2020), a third in Lebanon (from the cessation of
27 November 2024) and a third in Ukraine (from the Minsk II signature, 12 February 2015), each row naming
its `country` and using its agreement's vocabulary (so each agreement evaluates its third and counts the
other two thirds as outside). Three ways to get the three reports, each the real command in a process of
its own, timed in wall time and in CPU time (the command's and its worker processes'):

  sequential  three `report --rules X` runs one after another, each reading the whole export
  jobs1       `report --rules doha --rules lebanon-2024 --rules minsk-2 --jobs 1`: one read, the
              agreements evaluated one after another in the same process
  jobs2       the same with `--jobs 2`: one read, two worker processes

The reports of jobs1 and jobs2 are compared byte for byte, and with the sequential runs' (each agreement's
report alone): they must be the same, or the comparison is not like for like.
"""
from __future__ import annotations

import datetime as dt
import filecmp
import heapq
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from typing import Dict, Iterator, List

import synthetic

RULES = ("doha", "lebanon-2024", "minsk-2")
IDS = {"doha": "doha-2020", "lebanon-2024": "lebanon-2024", "minsk-2": "minsk-2"}

LEBANON = [  # (weight, type, actor, targets)
    (30, "airstrike", "israel", ["hezbollah", "civilians", "lebanon"]),
    (15, "shelling", "israel", ["hezbollah", "civilians"]),
    (10, "demolition", "israel", ["civilians"]),
    (8, "gunfire", "israel", ["civilians", "lebanon"]),
    (5, "rocket_fire", "hezbollah", ["israel"]),
    (12, "statement", "lebanon", ["israel"]),
    (10, "statement", "israel", ["hezbollah"]),
    (5, "allegation", "lebanon", ["israel"]),
    (5, "allegation", "israel", ["hezbollah"]),
]
UKRAINE = [
    (40, "shelling", "dpr", ["ukraine"]),
    (20, "shelling", "ukraine", ["dpr", "lpr"]),
    (15, "gunfire", "lpr", ["ukraine"]),
    (10, "attack", "dpr", ["ukraine"]),
    (10, "statement", "ukraine", ["dpr"]),
    (5, "allegation", "ukraine", ["dpr"]),
]


def _stream(mix: list, prefix: str, country: str, n: int, start: dt.date, seed: int) -> Iterator[dict]:
    rnd = random.Random(seed)
    days = max(1, n // synthetic.PER_DAY)
    weights = [m[0] for m in mix]
    for i in range(n):
        _, etype, actor, targets = rnd.choices(mix, weights)[0]
        target = rnd.choice(targets)
        row = {"id": f"{prefix}-{i:08d}", "date": (start + dt.timedelta(days=i * days // max(n, 1))).isoformat(),
               "type": etype, "actor": actor, "target": target, "country": country, "source": "synthetic"}
        if etype == "allegation":
            row["accused"] = target
        elif etype not in ("statement",):
            row["fatalities"] = min(int(rnd.expovariate(0.5)), 50)
        yield row


def write_export(path: str, n: int, seed: int = 2020) -> None:
    """n rows, a third per country, merged in date order (ties: by id)."""
    third = n // 3
    afghanistan = ({**row, "country": "Afghanistan"} for row in synthetic.events(n - 2 * third, seed))
    lebanon = _stream(LEBANON, "lb", "Lebanon", third, dt.date(2024, 11, 27), seed + 1)
    ukraine = _stream(UKRAINE, "ua", "Ukraine", third, dt.date(2015, 2, 12), seed + 2)
    with open(path, "w", encoding="utf-8") as fh:
        for row in heapq.merge(afghanistan, lebanon, ukraine, key=lambda r: (r["date"], r["id"])):
            fh.write(json.dumps(row) + "\n")


def _timed(args: List[str]) -> Dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "doha_compliance", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": time.perf_counter() - start,
            "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_mb": after.ru_maxrss / 1024}  # the largest child so far (a worker or a command)


def measure(n: int, seed: int = 2020, fmt: str = "json") -> dict:
    with tempfile.TemporaryDirectory() as folder:
        export = os.path.join(folder, "export.jsonl")
        write_export(export, n, seed)
        row: dict = {"n": n, "file_mb": round(os.path.getsize(export) / 2**20, 1)}
        sequential = {"seconds": 0.0, "cpu_seconds": 0.0}
        os.mkdir(os.path.join(folder, "seq"))
        for name in RULES:
            out = os.path.join(folder, "seq", f"{IDS[name]}.{fmt}")
            t = _timed(["report", "--rules", name, "--events", export, "--format", fmt, "--output", out])
            sequential["seconds"] += t["seconds"]
            sequential["cpu_seconds"] += t["cpu_seconds"]
        row["sequential"] = sequential
        rules = [arg for name in RULES for arg in ("--rules", name)]
        for jobs in ("1", "2"):
            row[f"jobs{jobs}"] = _timed(["report", *rules, "--events", export, "--format", fmt,
                                         "--output-dir", os.path.join(folder, f"jobs{jobs}"), "--jobs", jobs])
        out = subprocess.run([sys.executable, "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import many; "
                              "print(json.dumps(many.phases(sys.argv[2])))", HERE, export],
                             check=True, capture_output=True, text=True)
        row["phases"] = json.loads(out.stdout.strip().splitlines()[-1])
        names = [f"{IDS[name]}.{fmt}" for name in RULES]
        row["same_bytes"] = all(filecmp.cmp(os.path.join(folder, "jobs1", f), os.path.join(folder, d, f), shallow=False)
                                for f in names for d in ("jobs2", "seq"))
        return row


def report(row: dict) -> None:
    n = row["n"]
    print(f"\nN = {n:,} events x 3 agreements ({row['file_mb']} MB JSONL, a third each in Afghanistan, Lebanon, "
          f"Ukraine); reports byte-identical (--jobs 1, --jobs 2, each alone): {row['same_bytes']}")
    print(f"  {'':28} {'seconds':>9} {'CPU s':>9}")
    for key, label in (("sequential", "three reports, one by one"), ("jobs1", "--jobs 1 (one read)"),
                       ("jobs2", "--jobs 2 (one read)")):
        print(f"  {label:28} {row[key]['seconds']:9.2f} {row[key]['cpu_seconds']:9.2f}")
    s = row["sequential"]
    for key in ("jobs1", "jobs2"):
        print(f"  {key} / sequential: time {row[key]['seconds'] / s['seconds']:.2f}x, "
              f"CPU time {row[key]['cpu_seconds'] / s['cpu_seconds']:.2f}x")
    p = row["phases"]
    shares = ", ".join(f"{name} {a['rows']:,} rows {a['cpu_seconds']:.2f} s" for name, a in p["agreements"].items())
    print(f"  phases (CPU s, one process): start {p['start']:.2f}, one read and routing {p['route']:.2f}; {shares}")
    path = critical_path(p)
    print(f"  --jobs 2 on two idle cores (the critical path of those phases): {path:.2f} s = "
          f"{path / s['cpu_seconds']:.2f}x the three reports one by one (their CPU time: their wall time on an "
          "idle core)")


def phases(export: str, fmt: str = "json") -> dict:
    """In one process (run as a child): the CPU time of each phase of `--jobs N` — the parent's start
    (imports, rule sets) and one read (routing to spools), then each agreement's evaluation with its
    report written, as a worker does it. On a machine shared with other work, wall time measures the
    neighbours; from these, the wall time on two idle cores follows (`critical_path`)."""
    cpu = time.process_time()
    import doha_compliance as dc
    from doha_compliance.fanout import processes
    from doha_compliance.fanout.options import Options
    rules = [dc.load_rules(os.path.join(os.path.dirname(HERE), "rules", name)) for name in RULES]
    start = time.process_time() - cpu
    folder = tempfile.mkdtemp()
    cpu = time.process_time()
    routed = processes.route(rules, dc.read_events(export), folder)
    route_cpu = time.process_time() - cpu
    each = {}
    for r in routed:
        cpu = time.process_time()
        report = processes.evaluate_routed(r, Options())
        with open(os.path.join(folder, f"{r.agreement.id}.{fmt}"), "w", encoding="utf-8") as fh:
            report.write_json(fh)
        each[r.agreement.id] = {"rows": r.rows, "outside": r.outside, "cpu_seconds": time.process_time() - cpu}
    return {"start": start, "route": route_cpu, "agreements": each}


def critical_path(p: dict, cores: int = 2) -> float:
    """The wall time of `--jobs cores` on idle cores, from the phases' CPU times, following what the
    command does (fanout.processes.plan): the parent's start; then its one read while the workers start
    (a worker's start taken to cost what the parent's did: an overestimate), all sharing the cores; then
    the agreements, the largest share first, each worker taking the next when it is free, the workers
    (up to twice `cores`) sharing the `cores` cores equally (processor sharing)."""
    shares = sorted((a["cpu_seconds"] for a in p["agreements"].values()), reverse=True)
    workers = min(len(shares), 2 * cores)
    ready = max(p["route"], (p["route"] + workers * p["start"]) / cores)
    queue = list(shares)
    running = [queue.pop(0) for _ in range(min(workers, len(queue)))]
    clock = 0.0
    while running:
        rate = min(1.0, cores / len(running))
        step = min(running) / rate
        clock += step
        running = [left - step * rate for left in running]
        for done in [i for i, left in enumerate(running) if left <= 1e-9]:
            running[done] = queue.pop(0) if queue else 0.0
        running = [left for left in running if left > 1e-9]
    return p["start"] + ready + clock


HERE = os.path.dirname(os.path.abspath(__file__))
