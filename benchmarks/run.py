"""Speed and memory of the pipeline against raw durable_rules and a plain-Python loop, in one run.

    python benchmarks/run.py --n 100000 1000000
    python benchmarks/run.py --n 100000 --shape dense --only pipeline python

For each N a seeded synthetic stream (benchmarks/synthetic.py; `--shape dense`: one province and
five times the accusations) is written to JSONL, then four measurements run, each in its own
process so that peak RSS is its own (`--only` picks some; the raw contenders join, and take
minutes on dense data):

  pipeline  doha_compliance.evaluate() on the file with rules/doha: reading, validation, id
            ledger, external sort, durable_rules, judging, the JSON report
  durable   raw durable_rules: a hand-written JSON ruleset with the same conditions (the reset
            amendment, the strike window join, claims, deadlines, the catch-all), the same
            per-day fact batches, reading the same file with json.loads and no validation
  durable_tuned
            the same raw ruleset, join included, with two of the changes the pipeline's engine
            makes: `cap` on every rule (a day's matches reach one action) and a catch-all whose
            action never runs
  python    a plain-Python loop over the same file with the same predicates

Ratios are computed within the run (these machines are noisy), of wall time and of CPU time (the
process's own: on a machine shared with other work, wall time measures the neighbours too). The match counts of all four
are printed too: they must agree, or the comparison is not like for like. So is the share of
facts that reached durable_rules (the engine's decision cache answers the rest).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "src"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the contenders, each run in a child process ----------------------------------------

def _engine_stats() -> list:
    """What the engine logs at the end of a run (facts seen, asked of durable_rules, cached decisions)."""
    import logging
    found: list = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if hasattr(record, "engine_stats"):
                found.append(record.engine_stats)
    log = logging.getLogger("doha_compliance.matching.durable.engine")
    log.setLevel(logging.DEBUG)
    log.addHandler(Keep())
    return found


def benchmark_rules():
    """rules/doha as shipped, except that the two rules ending on 31 August 2021 (the reduction in
    violence after its reset, the US strike limits) stay in force over the synthetic stream's years:
    the other contenders judge every event by them, and a benchmark of rules that judge nothing after
    2021 would measure little. Nothing else is changed."""
    import tempfile
    import doha_compliance as dc
    folder = tempfile.mkdtemp(prefix="doha-bench-rules-")
    source = os.path.join(ROOT, "rules", "doha")
    for name in os.listdir(source):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(source, name), encoding="utf-8") as fh:
                text = fh.read()
            if name in ("violence.yaml", "strikes.yaml"):
                text = text.replace("    effective_until: 2021-08-31\n", "")
            with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
                fh.write(text)
    return dc.load_rules(folder)


def run_pipeline(path: str, engine: str = "auto") -> dict:
    """The whole pipeline; `engine` "auto" is what a user gets here (durable_rules where it works),
    "python" the same pipeline with the Python decider (issue 28)."""
    import doha_compliance as dc
    rules = benchmark_rules()
    stats = _engine_stats()
    start, cpu = time.perf_counter(), time.process_time()
    report = dc.evaluate(rules, dc.read_events(path), engine=engine)
    out_path = path + ".report.json"
    with open(out_path, "w", encoding="utf-8") as fh:  # as the command line writes it: item by item
        report.write_json(fh)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    report_bytes = os.path.getsize(out_path)
    counts = {"violence": sum(1 for f in report.findings if f.rule == "violence.reduction" and f.status == "violation"),
              "justified": sum(1 for f in report.findings if f.status == "justified"),
              # strikes judged one by one (a period with no breach also gets a `complied` finding, without evidence)
              "strikes": sum(1 for f in report.findings if f.rule == "strikes.defensive_only" and f.evidence)}
    return {"seconds": elapsed, "cpu_seconds": cpu, "events": report.inputs.read, "peak_mb": _peak_mb(), "counts": counts,
            "findings": len(report.findings), "claims": len(report.claims), "report_bytes": report_bytes,
            "engine": stats[-1] if stats else None, "decider": report.inputs.engine}


class _One:
    """One match of a capped action, read like an uncapped closure (c.m, c.j)."""

    def __init__(self, frame):
        self.frame = frame

    def __getattr__(self, alias):
        return self.frame[alias] if "id" not in self.frame else self.frame


def _each(run):
    return lambda c: [run(_One(frame)) for frame in c.m]


RESET = 737713  # 2020-10-15 as a day number
SIGNED = 737484  # 2020-02-29


def _raw_ruleset(record, tuned=False):
    """The hand-written ruleset. `tuned`: with two of the changes the pipeline's engine makes (every
    rule capped, so a day's matches reach one action; a catch-all whose action never runs)."""
    if tuned:
        plain = _raw_ruleset(record)
        out = {}
        for name, rule in plain.items():
            if name == "_":
                out[name] = {"all": rule["all"] + [{"n": {"type": "\u0000never"}}], "run": rule["run"]}
                continue
            out[name] = {"all": rule["all"], "cap": 10_000, "run": _each(rule["run"])}
        return out

    city = {"$or": [{"location_kind": "provincial_capital"}, {"location_kind": "city"}, {"location_kind": "highway"}]}
    attack = [{"type": "attack"}, {"actor": "taliban"}]
    justifier = {"$and": attack + [{"$or": [{"target": "afghan_forces"}, {"location_kind": "provincial_capital"}]}]}
    strike = [{"type": "airstrike"}, {"actor": "us"}, {"$gte": {"day": SIGNED}}]
    return {
        "v1": {"all": [{"m": {"$and": attack + [{"$or": [city, {"$gte": {"fatalities": 10}}]},
                                                {"$gte": {"day": SIGNED}}, {"$lt": {"day": RESET}}]}}],
               "run": lambda c: record("v", c.m["id"])},
        "v2": {"all": [{"m": {"$and": attack + [{"$or": [city, {"$gte": {"fatalities": 5}}, {"$gte": {"wounded": 20}}]},
                                                {"$gte": {"day": RESET}}]}}],
               "run": lambda c: record("v", c.m["id"])},
        "s": {"all": [{"m": {"$and": strike}}], "run": lambda c: record("s", c.m["id"])},
        "j": {"all": [{"j": justifier},
                      {"m": {"$and": [{"province": {"j": "province"}}, {"$neq": {"province": ""}},
                                      {"$gte": {"day": {"j": "day"}}},
                                      {"$lte": {"day": {"$add": {"$l": {"j": "day"}, "$r": 14}}}}] + strike}}],
              "run": lambda c: record("j", c.m["id"], c.j["id"])},
        "k": {"all": [{"m": justifier}], "run": lambda c: record("k", c.m["id"])},
        "c": {"all": [{"m": {"$and": [{"$or": [{"type": "allegation"}, {"type": "statement"}]}, {"$neq": {"accused": ""}}]}}],
              "run": lambda c: record("c", c.m["id"])},
        "d": {"all": [{"m": {"$and": [{"$or": [{"type": "troop_level"}, {"type": "prisoner_release"}, {"type": "negotiation"}]}]}}],
              "run": lambda c: record("d", c.m["id"])},
        "_": {"all": [{"m": {"$ex": {"type": 1}}}], "run": lambda c: None},
    }


def run_durable(path: str, tuned: bool = False) -> dict:
    import datetime as dt
    import itertools
    from doha_compliance.matching.durable import _adapter as durable_internals

    found = {"v": set(), "s": set(), "j": set()}
    keep = {}

    def record(kind, eid, other=None):
        if kind in found:
            found[kind].add(eid)
        if kind == "k":
            keep[eid] = True

    start, cpu = time.perf_counter(), time.process_time()
    host = durable_internals.new_host({"raw": _raw_ruleset(record, tuned)})
    fields = ("type", "actor", "target", "province", "location_kind", "accused")
    n = 0
    kept = []  # (day, fact)

    def facts():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                fact = {"id": row["id"], "day": dt.date.fromisoformat(row["date"]).toordinal()}
                for f in fields:
                    fact[f] = row.get(f) or ""
                for f in ("fatalities", "wounded"):
                    if f in row:
                        fact[f] = row[f]
                yield fact

    for day, group in itertools.groupby(facts(), key=lambda f: f["day"]):
        while kept and kept[0][0] + 14 < day:
            host.retract_fact("raw", kept.pop(0)[1])
        batch = list(group)
        n += len(batch)
        host.assert_facts("raw", batch)
        for fact in batch:
            if keep.pop(fact["id"], False):
                kept.append((day, fact))
            else:
                host.retract_fact("raw", fact)
    durable_internals.delete_ruleset(host, "raw")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    counts = {"violence": len(found["v"]), "justified": len(found["j"]), "strikes": len(found["s"])}
    return {"seconds": elapsed, "cpu_seconds": cpu, "events": n, "peak_mb": _peak_mb(), "counts": counts}


def run_python(path: str) -> dict:
    import datetime as dt
    import itertools
    from collections import deque
    start, cpu = time.perf_counter(), time.process_time()
    violence, strikes, justified = set(), set(), set()
    recent = {}  # province -> deque of days of justifying attacks
    n = 0

    def rows():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                row["day"] = dt.date.fromisoformat(row["date"]).toordinal()
                yield row

    for day, group in itertools.groupby(rows(), key=lambda r: r["day"]):
        todays = list(group)
        n += len(todays)
        for row in todays:  # a same-day attack justifies a strike whatever their order in the file
            kind, actor = row["type"], row["actor"]
            if kind == "attack" and actor == "taliban":
                if day >= SIGNED:
                    city = row.get("location_kind") in ("provincial_capital", "city", "highway")
                    fat, wnd = row.get("fatalities", -1), row.get("wounded", -1)
                    if (day < RESET and (city or fat >= 10)) or (day >= RESET and (city or fat >= 5 or wnd >= 20)):
                        violence.add(row["id"])
                if row.get("target") == "afghan_forces" or row.get("location_kind") == "provincial_capital":
                    recent.setdefault(row.get("province", ""), deque()).append(day)
        for row in todays:
            if row["type"] == "airstrike" and row["actor"] == "us" and day >= SIGNED:
                strikes.add(row["id"])
                days = recent.get(row.get("province") or "\0", ())
                while days and days[0] + 14 < day:
                    days.popleft()
                if days:
                    justified.add(row["id"])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": elapsed, "cpu_seconds": cpu, "events": n, "peak_mb": _peak_mb(),
            "counts": {"violence": len(violence), "justified": len(justified), "strikes": len(strikes)}}


CONTENDERS = {"pipeline_python": lambda path: run_pipeline(path, "python"), "pipeline": run_pipeline, "durable": run_durable, "durable_tuned": lambda path: run_durable(path, True),
              "python": run_python}


def child(which: str, path: str) -> None:
    print(json.dumps(CONTENDERS[which](path)))


def measure(which: str, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", which, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--shape", choices=("mixed", "dense"), default="mixed",
                        help="mixed: 34 provinces (default); dense: one province, five times the accusations")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--only", nargs="+", choices=list(CONTENDERS), default=list(CONTENDERS),
                        help="run only these contenders (the raw ones take minutes on dense data: they join)")
    parser.add_argument("--many", action="store_true",
                        help="issue 27: one export of N events x the three bundled agreements: three reports one "
                             "after another vs --jobs 1 vs --jobs 2 (benchmarks/many.py)")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.many:
        import many
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.platform()}")
        rows = [many.measure(n, args.seed) for n in args.n]
        for row in rows:
            many.report(row)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(rows, fh, indent=2)
        if not all(row["same_bytes"] for row in rows):
            sys.exit("the reports differ between the three ways: the comparison is not like for like")
        return
    args.only = ["pipeline"] + [c for c in args.only if c != "pipeline"]  # the ratios are the pipeline's
    import synthetic
    results = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    for n in args.n:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "events.jsonl")
            synthetic.write_jsonl(path, n, args.seed, args.shape)
            row = {"n": n, "shape": args.shape, "file_mb": round(os.path.getsize(path) / 2**20, 1)}
            for which in args.only:
                row[which] = measure(which, path)
            counts = {k: row[k]["counts"] for k in args.only}
            row["counts_agree"] = len({json.dumps(c, sort_keys=True) for c in counts.values()}) == 1
            results.append(row)
            p = row["pipeline"]
            print(f"\nN = {n:,} events, {args.shape} ({row['file_mb']} MB JSONL); matches agree: {row['counts_agree']} "
                  f"{counts['pipeline']}; the report: {p['findings']:,} findings, {p['claims']:,} claims")
            print(f"  {'':13} {'seconds':>9} {'CPU s':>9} {'events/s':>10} {'peak RSS MB':>12}")
            for name in args.only:
                r = row[name]
                print(f"  {name:13} {r['seconds']:9.2f} {r['cpu_seconds']:9.2f} {n / r['seconds']:10,.0f} {r['peak_mb']:12.1f}")
            for unit, what in (("seconds", "time"), ("cpu_seconds", "CPU time")):
                ratios = [f"{label} {p[unit] / row[k][unit]:.2f}x"
                          for k, label in (("durable", "raw durable"), ("durable_tuned", "tuned raw durable"), ("python", "plain Python"))
                          if k in row]
                if ratios:
                    print(f"  pipeline / {what}: " + "; ".join(ratios))
            if "pipeline_python" in row:
                q = row["pipeline_python"]
                print(f"  pipeline with the Python decider / with {p['decider']}: CPU time "
                      f"{q['cpu_seconds'] / p['cpu_seconds']:.2f}x, time {q['seconds'] / p['seconds']:.2f}x")
            e = p["engine"]
            if e:
                print(f"  facts that reached durable_rules: {e['asserted']:,} of the {e['entered']:,} past the pre-filter "
                      f"({e['asserted'] / max(e['entered'], 1):.2%}; {e['events']:,} events), {e['decisions']:,} cached "
                      f"decisions, cache cleared {e['clears']} times")
    if len(results) > 1:
        a, b = results[0], results[-1]
        growth = b["pipeline"]["peak_mb"] / a["pipeline"]["peak_mb"] - 1
        print(f"\npipeline peak RSS from {a['n']:,} to {b['n']:,} events: {a['pipeline']['peak_mb']:.1f} -> "
              f"{b['pipeline']['peak_mb']:.1f} MB ({growth:+.0%})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    if not all(r["counts_agree"] for r in results):
        sys.exit("the contenders did not find the same matches: the comparison is not like for like")


if __name__ == "__main__":
    main()
