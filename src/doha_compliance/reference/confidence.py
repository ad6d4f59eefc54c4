"""The slow, obvious confidence of a finding (commitment-semantics.md §7), written from the scale
alone, for the reference judge: never from `judging.confidence`.

A finding rests on events; each event has a level (high, medium, low) and reasons; the finding takes
the lowest level and says the reasons of every event that is not high.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from doha_compliance.models import Event

LEVELS = ["low", "medium", "high"]


def event_level(e: Event, party: str, status: str) -> Tuple[str, List[str]]:
    """SPEC §7.1, line by line."""
    serious: List[str] = []
    lesser: List[str] = []
    own = e.extra.get("own_account") is True
    n = e.extra.get("source_count")
    watcher = e.extra.get("observed_by")
    if watcher is not None and watcher != party:  # SPEC §5.12: a monitor's observation is a source
        own, n = False, "observed"
    if own and e.actor == party and status in ("violation", "missed"):
        lesser.append("only " + e.actor + "'s own account (an admission)")
    if own and not (e.actor == party and status in ("violation", "missed")):
        serious.append("only " + e.actor + "'s own account")
    if not own and n == 1:
        lesser.append("one source")
    if not own and n is None:
        lesser.append("number of sources not stated")
    if e.extra.get("derived") is True:
        lesser.append("a derived figure")
    date_note = e.extra.get("date_uncertain")
    if date_note is True:
        lesser.append("date uncertain")
    if isinstance(date_note, str):
        lesser.append("date uncertain: " + date_note)
    if e.extra.get("type_uncertain"):
        serious.append("type uncertain: " + " or ".join([e.type] + list(e.extra["type_uncertain"])))
    if serious:
        return "low", serious + lesser
    if len(lesser) >= 3:
        return "low", lesser
    if lesser:
        return "medium", lesser
    if n == "observed":
        return "high", ["observed by " + str(watcher) + " (monitor)"]
    return "high", [str(n) + " independent sources"]


def finding_confidence(f: Dict[str, Any], seen: Sequence[Event]) -> Tuple[Optional[str], List[str]]:
    """SPEC §7.2: which events a finding rests on, by its status, then the weakest of them."""
    def event(event_id: str) -> Event:
        return next(e for e in seen if e.id == event_id)

    ids = list(f["evidence"])
    if not ids:
        return None, []
    if f["status"] == "alleged":
        rests = [event(ids[0])]  # the claim's own record
    elif f["status"] == "justified":
        rests = [event(ids[0])]
        if len(ids) > 1:  # any one justifier is enough: the best; the latest of equals
            justifiers = sorted((event(i) for i in ids[1:]), key=lambda e: (e.date, e.id))
            ranked = [(LEVELS.index(event_level(j, f["party"], f["status"])[0]), k, j)
                      for k, j in enumerate(justifiers)]
            rests.append(max(ranked, key=lambda r: (r[0], r[1]))[2])
    elif f.get("prevent"):  # SPEC §5.16: a duty to prevent rests on the act and the response it cites
        rests = [event(i) for i in ids]
    elif f.get("anchor") is None:  # an act: the act alone (what else it cites — unclaimed events that
        rests = [event(ids[0])]    # would answer it, a monitor's report settling it — is context, §7.2)
    else:  # a verified declaration rests on its verification (SPEC §5.12): cited as context
        rests = [event(i) for i in ids if i not in f.get("context", ())]
    levels = [event_level(e, f["party"], f["status"]) for e in rests]
    lowest = min((lv for lv, _ in levels), key=LEVELS.index)
    if lowest == "high" and any("source_count" not in e.extra for e in rests):
        out: List[str] = []
        for _, why in levels:
            out += [r for r in why if r not in out]
        return "high", out
    if lowest == "high":
        n = min(int(e.extra["source_count"]) for e in rests)
        if len(rests) > 1:
            return "high", ["at least " + str(n) + " independent sources for each event"]
        return "high", [str(n) + " independent sources"]
    reasons: List[str] = []
    for lv, why in levels:
        for r in why:
            if lv != "high" and r not in reasons:
                reasons.append(r)
    return lowest, reasons
