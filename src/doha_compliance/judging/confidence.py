"""How certain a finding is: high, medium or low, with the reasons (issue 24; the scale is
commitment-semantics.md §7).

Each event a finding rests on is rated from the fields that say how it is known (checked at intake by
`intake.fields_confidence`): how many independent sources, the acting party's own account alone, a
derived figure, an uncertain date, an uncertain type. The finding is as certain as the weakest event it
rests on. Which events it rests on is the caller's: an act (and, for a justified act, the best rated of
its justifiers: any one of them is enough), a deadline's counted events, a claim (for its `alleged`
finding). A finding that rests on no event is not rated (None): nothing in the input weighs on it.
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Sequence, Tuple

from doha_compliance._util.fast import replacer
from doha_compliance.models import CONFIDENCES, Event, Finding

# attrs.evolve(f, confidence=..., confidence_reasons=...) at a third of its cost: every act and allegation is rated
_with_confidence = replacer(Finding, "confidence", "confidence_reasons")

DEFAULTS = ("violation", "missed")  # statuses where a party's own account of its act is an admission
SEVERAL = 3  # this many lesser doubts together make an event low


def rate_event(e: Event, party: str, status: str) -> Tuple[str, Tuple[str, ...]]:
    """One event's confidence for a finding about `party` with `status`, and the reasons."""
    grave: List[str] = []   # each makes the event low
    doubts: List[str] = []  # each makes it medium; SEVERAL of them low
    extra = e.extra
    sources = extra.get("source_count")
    # issues 25/26 (§5.12): observed by a monitor that is not the party: an independent source in itself
    observer = extra.get("observed_by") if extra.get("observed_by") != party else None
    if observer is not None:
        pass  # the monitor saw it: neither the party's own account alone nor a count of sources is in doubt
    elif extra.get("own_account") is True:
        if e.actor == party and status in DEFAULTS:
            doubts.append(f"only {e.actor}'s own account (an admission)")
        else:
            grave.append(f"only {e.actor}'s own account")
    elif sources == 1:
        doubts.append("one source")
    elif sources is None:
        doubts.append("number of sources not stated")
    if extra.get("derived") is True:
        doubts.append("a derived figure")
    when = extra.get("date_uncertain")
    if when is True:
        doubts.append("date uncertain")
    elif isinstance(when, str):
        doubts.append(f"date uncertain: {when}")
    others = extra.get("type_uncertain")
    if others:
        grave.append(f"type uncertain: {' or '.join([e.type, *others])}")
    if grave or len(doubts) >= SEVERAL:
        return "low", tuple(grave + doubts)
    if doubts:
        return "medium", tuple(doubts)
    if observer is not None:
        return "high", (f"observed by {observer} (monitor)",)
    return "high", (f"{sources} independent sources",)


def rate(events: Sequence[Event], party: str, status: str) -> Tuple[Optional[str], Tuple[str, ...]]:
    """A finding's confidence from the events it rests on: the weakest event's level; the reasons of
    every event below high (each said once), or for a high finding its fewest sources."""
    if not events:
        return None, ()
    rated = [rate_event(e, party, status) for e in events]
    level = min((r[0] for r in rated), key=CONFIDENCES.index)
    if level == "high" and any(e.extra.get("source_count") is None for e in events):  # observed (§5.12)
        return level, tuple(dict.fromkeys(r for _, reasons in rated for r in reasons))
    if level == "high":
        fewest = min(int(e.extra["source_count"]) for e in events)
        return level, (f"at least {fewest} independent sources for each event" if len(events) > 1
                       else f"{fewest} independent sources",)
    reasons: List[str] = []
    for r_level, r_reasons in rated:
        if r_level != "high":
            reasons.extend(r for r in r_reasons if r not in reasons)
    return level, tuple(reasons)


def best(events: Iterable[Event], party: str, status: str) -> Optional[Event]:
    """The best rated of several events any one of which suffices (a justified act's justifiers); the
    latest among equals."""
    chosen: Optional[Event] = None
    chosen_rank = -1
    for e in events:
        rank = CONFIDENCES.index(rate_event(e, party, status)[0])
        if rank >= chosen_rank:
            chosen, chosen_rank = e, rank
    return chosen


def rated(finding: Finding, events: Sequence[Event]) -> Finding:
    """The finding with its confidence, from the events it rests on."""
    level, reasons = rate(events, finding.party, finding.status)
    return _with_confidence(finding, level, reasons)
