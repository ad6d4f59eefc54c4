"""Deadlines judged by the version in force on their due date (issue 25, commitment-semantics §5.15).

A deadline changed by an amendment is not judged whole by the version of the report date — that
either hid an earlier lapse behind a later extension or let a lapse never show. Instead, walking the
versions known by the report date in effective order:

- an amendment that takes effect on or before the current due date (before the deadline lapses)
  replaces the version: the deadline is judged by it, against its date, and the finding says how the
  date moved ("extended on D by S (event id) from X to Y");
- an amendment that takes effect after the due date, when the deadline was not met by then, leaves
  that lapse on record (the old version's finding stays in every later report) and, if it sets a
  later date, opens a new deadline judged on its own (its own finding, anchored on its own date);
  one that sets no later date changes nothing already judged;
- an amendment that takes effect after the deadline was met on time (an undertaking: met at all)
  changes nothing: it was performed under the terms then in force, and that stays settled.

What made a version — an agreement-level amendment (`Agreement.amendments`: who agreed, the event in
the record) or a rule-level `amends:` entry (its version id) — is named in the text.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, List, Optional, Tuple

import attrs

from doha_compliance.models import Agreement, Rule

from .deadlines import deadline_day


@attrs.frozen
class Stage:
    """One deadline of a commitment: the version judging it, how its date moved before it lapsed, and
    the ids of the events (in the record) that moved it."""

    rule: Rule
    amended: Tuple[str, ...] = ()
    events: Tuple[str, ...] = ()
    reopened: str = ""  # a lapsed deadline: the new one an amendment after the lapse set (for its reason)


def stages(agreement: Agreement, rule_id: str, start: dt.date, as_of: dt.date,
           done_on: Callable[[Rule], Optional[dt.date]], known: Callable[[str], bool]) -> List[Stage]:
    """The deadlines a commitment started on `start` gives as of `as_of`, in date order: every one but
    the last lapsed before an amendment re-opened it. `done_on(version)`: the day the version's parts
    were all met (None: not by the report date); `known(event id)`: the event is in the input."""
    versions = sorted(agreement.versions(rule_id), key=lambda r: r.effective_from)
    later = [v for v in versions[1:] if v.effective_from <= as_of]  # an amendment not yet made is not known
    out: List[Stage] = []
    current, day = versions[0], deadline_day(versions[0], start)[0]
    texts: List[str] = []
    events: List[str] = []
    for nxt in later:
        done = done_on(current)
        if done is not None and (day is None or done <= day) and done < nxt.effective_from:
            continue  # met on time before it was amended: settled
        new_day = deadline_day(nxt, start)[0]
        lapsed = day is not None and nxt.effective_from > day
        if not lapsed:
            if new_day != day:
                texts.append(describe(agreement, nxt, day, new_day, known, after_lapse=False))
                events.extend(_event(agreement, nxt))
            current, day = nxt, new_day
            continue
        assert day is not None
        if new_day is None or new_day <= day:
            continue  # the amendment sets no later date: nothing to re-open
        made = agreement.amendment_of(nxt)
        out.append(Stage(current, tuple(texts), tuple(events),
                         f"After it lapsed, {made.id if made else nxt.version} set a new deadline on "
                         f"{nxt.effective_from}, due {new_day}, judged on its own."))
        texts = [describe(agreement, nxt, day, new_day, known, after_lapse=True)]
        events = list(_event(agreement, nxt))
        current, day = nxt, new_day
    out.append(Stage(current, tuple(texts), tuple(events)))
    return out


def _event(agreement: Agreement, version: Rule) -> Tuple[str, ...]:
    made = agreement.amendment_of(version)
    return (made.event,) if made is not None and made.event is not None else ()


def describe(agreement: Agreement, version: Rule, old: Optional[dt.date], new: Optional[dt.date],
             known: Callable[[str], bool], after_lapse: bool) -> str:
    """ "extended on D by S (event id) from X to Y", with who agreed and, after a lapse, that it stays."""
    made = agreement.amendment_of(version)
    by = made.id if made is not None else version.version
    cited = ""
    if made is not None and made.event is not None:
        cited = f" ({made.event}{'' if known(made.event) else ', not in the input'})"
    on = version.effective_from
    if old is None:
        text = f"dated on {on} by {by}{cited}: due {new}"
    elif new is None:
        text = f"undated on {on} by {by}{cited}: was due {old}"
    else:
        verb = "extended" if new > old else "brought forward"
        text = f"{verb} on {on} by {by}{cited} from {old} to {new}"
    if made is not None:
        text += f", agreed by {_names(made.agreed_by)}"
    if after_lapse:
        text += f"; {old} had passed unmet, and that default stays on record"
    return text


def _names(names: Tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
