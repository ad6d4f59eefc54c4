"""Hostile input, round three (issue 23), item 8: a day's matched events were held in `Matches` until
the day's end (200,000 events on one day: 163 MB against 59 MB spread). The judge now takes a day in
parts, as the engine decides it (`CHUNK` events at a time, `Judge.take_part`), and leaves for the
day's end only what a later event of that day could change. The report is byte for byte the same."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import ev

import doha_compliance as dc
from doha_compliance.judging.judge import Judge
from doha_compliance.matching.durable import engine
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.testing import SMALL, agreement_texts, validated_events


def rule(id: str, party: str, kind: str, **fields) -> dict:
    return {"id": id, "party": party, "title": id, "source": f"article on {id}", "basis": "public_text",
            "kind": kind, **fields}


TALKS = rule("talks", "red", "deadline", due="2020-01-05", fulfilled_by={"when": {"type": "note", "actor": "$party"}})
QUIET = rule("quiet", "blue", "prohibited", starts_when={"rule": "talks"}, when={"type": "attack", "actor": "$party"})
RELEASE = rule("release", "blue", "deadline", starts_when={"rule": "talks"}, due={"from": "trigger", "days": 3},
               fulfilled_by={"when": {"type": "level", "actor": "$party"}})


def agreement(*rules: dict) -> dc.Agreement:
    return load_rules_from_texts(agreement_texts(list(rules), SMALL))


def statuses(report: dc.Report) -> list:
    return [(f.rule, f.party, f.status, str(f.date), f.evidence) for f in report.findings]


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_what_starts_later_in_the_day_still_counts_its_earlier_events(monkeypatch, chunk):
    """Four events on 4 January, in id order a1 (blue attacks), l1 (blue's level event), n1 (red's
    note: talks met that day), z1 (blue attacks). Talks met on 01-04 starts quiet and release on
    01-04, so both attacks are violations of quiet and l1 meets release — although a1 and l1 come in
    a part of the day before the note that starts them (a chunk of 1, 2 or 3 events)."""
    a = agreement(TALKS, QUIET, RELEASE)
    rows = [ev("a1", "2020-01-04", "attack", "blue"), ev("l1", "2020-01-04", "level", "blue"),
            ev("n1", "2020-01-04", "note", "red"), ev("z1", "2020-01-04", "attack", "blue")]
    events = validated_events(a, rows)
    whole = dc.evaluate(a, events, as_of=dt.date(2020, 1, 6), engine="python")
    assert statuses(whole) == [
        ("quiet", "blue", "violation", "2020-01-04", ("a1",)),
        ("quiet", "blue", "violation", "2020-01-04", ("z1",)),
        ("release", "blue", "met", "2020-01-04", ("l1",)),
        ("talks", "red", "met", "2020-01-04", ("n1",)),
    ]
    monkeypatch.setattr(engine, "CHUNK", chunk)
    parts = dc.evaluate(a, events, as_of=whole.as_of, engine="python")
    assert parts.to_json() == whole.to_json()


def test_a_day_is_held_a_part_at_a_time(monkeypatch):
    """1,000 attacks by blue on one day, decided 50 at a time: each hits one unit (quiet, blue; no
    trigger, so it is in force from the start). The judge is handed at most one part's 50 hits at a
    time — not the day's 1,000 — and the report is the one of the day taken whole."""
    a = agreement(rule("quiet", "blue", "prohibited", when={"type": "attack", "actor": "$party"}))
    events = validated_events(a, [ev(f"a{i:04d}", "2020-01-04", "attack", "blue") for i in range(1000)])
    whole = dc.evaluate(a, events, engine="python")
    held: list = []
    for name in ("take", "take_part"):
        real = getattr(Judge, name)

        def watched(self, matches, *args, real=real):
            held.append(sum(len(v) for v in matches.hits.values()))
            return real(self, matches, *args)
        monkeypatch.setattr(Judge, name, watched)
    monkeypatch.setattr(engine, "CHUNK", 50)
    parts = dc.evaluate(a, events, engine="python")
    assert max(held) == 50 and len(held) == 1000 // 50 + 2   # 20 parts, the day's end, and finish
    assert parts.to_json() == whole.to_json() and len(parts.findings) == 1000


def test_a_dense_synthetic_stream_in_parts_is_the_same_report(monkeypatch, doha):
    """The bundled rules on 3,000 synthetic events over two days (acts, justifiers, claims): decided
    7 at a time, the same JSON, byte for byte, as a day at a time; the claims of a day come in runs
    merged back in rule order."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import synthetic

    rows = list(synthetic.events(3000, seed=5, days=2, shape="dense"))
    whole = dc.evaluate(doha, rows, engine="python")
    assert whole.claims and [f for f in whole.findings if f.status == "justified"]
    monkeypatch.setattr(engine, "CHUNK", 7)
    assert dc.evaluate(doha, rows, engine="python").to_json() == whole.to_json()
