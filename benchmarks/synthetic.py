"""Seeded synthetic event streams with a realistic mix for the Doha rule set (benchmarks and scale tests)."""
from __future__ import annotations

import datetime as dt
import json
import random
from typing import Iterator

PROVINCES = ["Badakhshan", "Badghis", "Baghlan", "Balkh", "Bamyan", "Daykundi", "Farah", "Faryab", "Ghazni", "Ghor",
             "Helmand", "Herat", "Jawzjan", "Kabul", "Kandahar", "Kapisa", "Khost", "Kunar", "Kunduz", "Laghman",
             "Logar", "Nangarhar", "Nimroz", "Nuristan", "Paktika", "Paktya", "Panjshir", "Parwan", "Samangan",
             "Sar-e Pol", "Takhar", "Uruzgan", "Wardak", "Zabul"]
# (weight, type, actor, target choices)
MIX = [
    (46, "attack", "taliban", ["afghan_forces", "afghan_forces", "civilians", "afghan_government"]),
    (12, "attack", "afghan_forces", ["taliban"]),
    (4, "attack", "isis_k", ["civilians", "afghan_forces", "taliban"]),
    (6, "airstrike", "us", ["taliban"]),
    (8, "airstrike", "afghan_forces", ["taliban"]),
    (10, "statement", "taliban", ["afghan_government", "us"]),
    (8, "statement", "afghan_government", ["taliban"]),
    (3, "allegation", "taliban", ["us"]),
    (2, "allegation", "afghan_government", ["taliban"]),
    (1, "troop_level", "us", [None]),
    (1, "prisoner_release", "afghan_government", ["taliban"]),
]
# The dense, claims-heavy shape: every event in one province (as an ACLED export of one busy
# province is), and five times as many accusations, statements naming an accused half the time.
DENSE_MIX = [(w * 5 if t == "allegation" else w, t, a, targets) for w, t, a, targets in MIX]
KINDS = ["rural"] * 6 + ["district"] * 3 + ["highway", "city", "provincial_capital"]
SHAPES = ("mixed", "dense")


PER_DAY = 140  # about 50,000 events a year: a busy country in ACLED, several times Afghanistan's rate


def events(n: int, seed: int = 2020, start: dt.date = dt.date(2020, 3, 1), days: int = 0,
           shape: str = "mixed") -> Iterator[dict]:
    """n events in date order, PER_DAY a day (the span grows with n, as real data does), ids unique.
    shape "mixed": 34 provinces; "dense": one province and five times the accusations."""
    rnd = random.Random(seed)
    days = days or max(1, n // PER_DAY)
    mix = DENSE_MIX if shape == "dense" else MIX
    provinces = PROVINCES[10:11] if shape == "dense" else PROVINCES
    weights = [m[0] for m in mix]
    for i in range(n):
        day = start + dt.timedelta(days=i * days // max(n, 1))
        _, etype, actor, targets = rnd.choices(mix, weights)[0]
        row = {"id": f"syn-{i:08d}", "date": day.isoformat(), "type": etype, "actor": actor,
               "province": rnd.choice(provinces)}
        target = rnd.choice(targets)
        if target:
            row["target"] = target
        if etype in ("attack", "airstrike"):
            row["location_kind"] = rnd.choice(KINDS)
            row["fatalities"] = min(int(rnd.expovariate(0.35)), 200)
            row["wounded"] = min(int(rnd.expovariate(0.25)), 300)
        elif etype == "troop_level":
            row["count"] = rnd.choice([8600, 4500, 2500])
        elif etype == "prisoner_release":
            row["count"] = rnd.randint(20, 300)
        elif etype == "allegation" or (shape == "dense" and etype == "statement" and rnd.random() < 0.5):
            row["accused"] = target
        row["source"] = "synthetic"
        yield row


def write_jsonl(path: str, n: int, seed: int = 2020, shape: str = "mixed") -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in events(n, seed, shape=shape):
            fh.write(json.dumps(row) + "\n")
