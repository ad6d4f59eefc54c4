"""Claims in one province: n US strikes and n Taliban accusations, all in Zabul, over 30 days.

Every accusation's 30-day lookback reaches every strike. Weighing claims used to scan the
window (quadratic: 24,000 of each took 85 s and 366 MB); it is now a few binary searches per
claim. Prints the seconds and the peak memory (kB) for each n, each in its own process:

    python3 benchmarks/claims_dense.py 3000 6000 24000
"""
from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rows(n: int):
    start = dt.date(2020, 10, 1)
    for i in range(n):
        day = (start + dt.timedelta(days=i * 30 // n)).isoformat()
        yield {"id": f"s{i:07d}", "date": day, "type": "airstrike", "actor": "us", "target": "taliban", "province": "Zabul"}
        yield {"id": f"c{i:07d}", "date": day, "type": "allegation", "actor": "taliban", "accused": "us",
               "province": "Zabul", "rule": "strikes.defensive_only"}


def one(n: int) -> None:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    import doha_compliance as dc
    agreement = dc.load_rules(os.path.join(ROOT, "rules", "doha"))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "events.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows(n))
        began = time.perf_counter()
        report = dc.evaluate(agreement, dc.read_events(path), as_of=dt.date(2020, 12, 31))
        with open(os.devnull, "w", encoding="utf-8") as sink:
            report.write_json(sink)
        took = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": n, "claims": len(report.claims), "seconds": round(took, 2), "peak_kb": peak}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(int(sys.argv[2]))
    else:
        for arg in sys.argv[1:] or ["3000", "6000", "24000"]:
            subprocess.run([sys.executable, __file__, "--one", arg], check=True)
