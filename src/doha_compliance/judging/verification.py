"""Declared and verified (issues 25 and 26, commitment-semantics §5.12): a part of a deadline with
`verified_by: M` is met only by a declaration (an event matching the part's `when`) that the monitor M
verifies on or after the declaration's day.

A verification is a monitor's event naming the declaration in `verifies:` (its `finds:` `complete`, the
default, or `incomplete`), or the declaration's own `verified_by: M` (verified the same day). It counts
only when M is independent of the owing party (`Agreement.independent`: a monitor that is itself the
owing party, or part of it, does not verify its own act). Verifications are few: they are kept from every
event the judge sees (`saw`), by the id they verify, so that a verification dated after its declaration
settles it on the day it comes, whatever order the stream hands them in.

The part's state as of the report date, from its declarations (each with its counted verifications):
- **verified**: some declaration has a `complete` verification; the one verified first (ties: the earlier
  declaration). The part is done on the declaration's day (what was done, and when, as the monitor
  confirms it) — unless the monitor found that declaration incomplete first: then on the day it found
  it complete — and established on the verification's day (what starts from its fulfilment starts then);
- else **declared, not verified**: some declaration has no counted verification (the earliest such);
- else **verified incomplete**: every declaration was found incomplete (the latest finding is cited);
- else nothing declared.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Sequence, Tuple

import attrs

from doha_compliance.models import Agreement, Event, Fulfilment


@attrs.frozen
class Verification:
    """A monitor's verification of one declaration."""

    event: Event       # the verifying event (the declaration itself for `verified_by` on it)
    monitor: str
    complete: bool

    @property
    def date(self) -> dt.date:
        return self.event.date


class Verifications:
    """Every verification seen, by the id of the declaration it verifies."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.of: Dict[str, List[Verification]] = {}

    def saw(self, e: Event) -> None:
        complete = e.extra.get("finds") != "incomplete"
        for target in e.extra.get("verifies") or ():
            self.of.setdefault(str(target), []).append(Verification(e, e.actor, complete))
        monitor = e.extra.get("verified_by")
        if monitor:
            self.of.setdefault(e.id, []).append(Verification(e, str(monitor), complete))

    def counted(self, declaration: Event, part: Fulfilment, party: str) -> List[Verification]:
        """The declaration's verifications that count for `party`: by the part's monitor, independent of
        the party, dated on or after the declaration; in (date, id) order."""
        return sorted((v for v in self.of.get(declaration.id, ())
                       if v.monitor == part.verified_by and v.date >= declaration.date
                       and self.agreement.independent(v.monitor, party)),
                      key=lambda v: v.event.sort_key)


def _complete(v: Verification, part: Fulfilment) -> bool:
    """Whether a verification finds the declaration done: for a part with `percent_at_least`, the
    percent it states reaches it (one stating none: its `finds`); otherwise its `finds`."""
    stated = v.event.extra.get("percent")
    if part.percent_at_least is not None and stated is not None:
        return bool(stated >= part.percent_at_least)
    return v.complete


def percent_progress(events: Sequence[Event], part: Fulfilment, verified: bool) -> str:
    """The latest stated running percentage, for the reason ("90 % of at least 100 %, as verified on D (id)")."""
    stated = [e for e in events if e.extra.get("percent") is not None]
    if part.percent_at_least is None or not stated:
        return ""
    last = max(stated, key=lambda e: e.sort_key)
    how = "verified" if verified else "stated"
    return f"{last.extra['percent']} % of at least {part.percent_at_least} %, as {how} on {last.date} ({last.id})"


@attrs.frozen
class PartState:
    """Where a verified part stands: `verified` (with the declaration and its verification), `declared`
    (the earliest declaration with no counted verification), `incomplete` (the latest finding), or `none`."""

    state: str
    declaration: Optional[Event] = None
    verification: Optional[Verification] = None
    incomplete_first: Optional[Verification] = None  # verified: the latest finding it incomplete, before

    @property
    def done(self) -> Optional[Event]:
        """The event whose day the part was done on: the declaration, or the verification that found it
        complete after an earlier one found it incomplete (the declaration was not true when made)."""
        if self.state != "verified":
            return None
        if self.incomplete_first is not None and self.verification is not None:
            return self.verification.event
        return self.declaration


def state_of(declarations: Sequence[Event], part: Fulfilment, party: str, verifications: Verifications) -> PartState:
    """The part's state from its declarations (matching events on or after the start), in (date, id) order."""
    best: Optional[Tuple[Tuple[dt.date, str], Event, Verification, Optional[Verification]]] = None
    unverified: Optional[Event] = None
    found_incomplete: Optional[Tuple[Event, Verification]] = None
    for d in declarations:
        counted = verifications.counted(d, part, party)
        complete = next((v for v in counted if _complete(v, part)), None)
        if complete is not None and (best is None or complete.event.sort_key < best[0]):
            before = [v for v in counted if not _complete(v, part) and v.event.sort_key < complete.event.sort_key]
            best = (complete.event.sort_key, d, complete, before[-1] if before else None)
        if not counted and unverified is None:
            unverified = d
        if counted and (found_incomplete is None or counted[-1].event.sort_key > found_incomplete[1].event.sort_key):
            found_incomplete = (d, counted[-1])
    if best is not None:
        return PartState("verified", best[1], best[2], best[3])
    if unverified is not None:
        return PartState("declared", unverified)
    if found_incomplete is not None:
        return PartState("incomplete", *found_incomplete)
    return PartState("none")


def also_party(agreement: Agreement, monitor: str) -> str:
    """" — also a party to this agreement" for a monitor that owes a commitment of it (else "")."""
    return " — also a party to this agreement" if any(monitor in r.parties for r in agreement.rules) else ""


def describe(agreement: Agreement, part: Fulfilment, s: PartState, day: Optional[dt.date], as_of: dt.date,
             party: str) -> str:
    """The part's verification in words ("declared on D1 (id), verified on D2 by M (id)")."""
    m = part.verified_by or ""
    own = ""
    if not agreement.independent(m, party):
        own = f"; {m}'s verification of its own act settles nothing"
    if s.state == "verified" and s.declaration is not None and s.verification is not None:
        first = (f", after finding it incomplete on {s.incomplete_first.date} ({s.incomplete_first.event.id})"
                 if s.incomplete_first is not None else "")
        return (f"declared on {s.declaration.date} ({s.declaration.id}), verified on {s.verification.date} by {m}"
                f"{also_party(agreement, m)} ({s.verification.event.id}){first}")
    if s.state == "incomplete" and s.declaration is not None and s.verification is not None:
        return (f"declared on {s.declaration.date} ({s.declaration.id}), verified incomplete on {s.verification.date} "
                f"by {m}{also_party(agreement, m)} ({s.verification.event.id})")
    if s.state == "declared" and s.declaration is not None:
        by = (f"not verified by {m}{also_party(agreement, m)} by the due date {day} nor by the report date"
              if day is not None and as_of > day else f"not yet verified by {m}{also_party(agreement, m)}")
        return f"declared on {s.declaration.date} ({s.declaration.id}), {by}{own}"
    return f"nothing declared; verification by {m}{also_party(agreement, m)} required"
