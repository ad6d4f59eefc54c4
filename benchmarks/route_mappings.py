"""Issue 27, a mapping per rule set: CPU time of `fanout.processes.route` alone over one input for the
three bundled agreements (best of 3, in this process).

    python benchmarks/route_mappings.py [N]      # N rows (default 100,000) of each input

Inputs, written to a temporary folder: benchmarks/many.py's JSONL export (rows shared by every agreement)
and an ACLED CSV made of tests/data/acled_three_agreements_shape.csv's rows repeated with fresh ids (its
rows mapped once by the shipped mapping and once by lebanon-2024's own). Run it with PYTHONPATH pointing at
another checkout's src/ to compare.
"""
from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import time

import many

import doha_compliance as dc
from doha_compliance.fanout import processes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def acled(path: str, n: int) -> None:
    rows = list(csv.reader(open(os.path.join(ROOT, "tests", "data", "acled_three_agreements_shape.csv"),
                                encoding="utf-8")))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(rows[0])
        for i in range(n // (len(rows) - 1)):
            for row in rows[1:]:
                out.writerow([f"{row[0]}-{i}", *row[1:]])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sets = [dc.load_rules(os.path.join(ROOT, "rules", name)) for name in many.RULES]
    folder = tempfile.mkdtemp(prefix="route-mappings-")
    try:
        inputs = {"jsonl": os.path.join(folder, "export.jsonl"), "acled": os.path.join(folder, "acled.csv")}
        many.write_export(inputs["jsonl"], n)
        acled(inputs["acled"], n)
        for name, path in inputs.items():
            best = None
            for _ in range(3):
                spools = tempfile.mkdtemp(dir=folder)
                start = time.process_time()
                routed = processes.route(sets, dc.read_events(path), spools)
                spent = time.process_time() - start
                shutil.rmtree(spools)
                best = spent if best is None else min(best, spent)
            print(f"{name}: route CPU {best:.2f} s; rows {[r.rows for r in routed]}, outside {[r.outside for r in routed]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
